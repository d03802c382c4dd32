"""Default SMS throughput (messages per second) per origination identity type, used for parity budgets.

Source: AWS End User Messaging SMS User Guide, "Message throughput (MPS)" and "Choosing an origination
identity" (2025): US/CA short code 100 MPS; US 10DLC 1 MPS per number by default (the campaign's carrier
vetting can raise it); US toll-free 3 MPS; long codes 1 MPS in Canada and 10 MPS elsewhere; sender IDs 10 MPS.
Simulator numbers are for testing and carry no production throughput. These are account defaults: a raised
limit is a support-case fact, declare it by adding numbers rather than editing this table.
"""

from __future__ import annotations

DEFAULT_MPS: dict[str, float] = {
    "SHORT_CODE": 100.0,
    "TEN_DLC": 1.0,
    "TOLL_FREE": 3.0,
    "LONG_CODE": 10.0,
    "SENDER_ID": 10.0,
    "SIMULATOR": 0.0,
}

# Countries where long codes carry 1 MPS instead of 10.
LONG_CODE_1_MPS = frozenset({"CA"})


def mps(number_type: str, country: str) -> float:
    """Messages per second one origination identity of `number_type` gives in `country`."""
    if number_type == "LONG_CODE" and country in LONG_CODE_1_MPS:
        return 1.0
    return DEFAULT_MPS.get(number_type, 0.0)
