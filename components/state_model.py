"""The app-state pattern's item and table (active/fenced/failover), from the declaration alone (no pulumi_aws).

Shared by the program (which writes the item once), the region-switch fence and `regionpair state`.
"""

from __future__ import annotations

from typing import Any

from regionpair.components.declaration import Pair

KEY_ATTRIBUTE = "AppId"  # the architecture guide's partition key


def initial_item(app_id: str, state: str) -> dict[str, Any]:
    """The item in DynamoDB JSON, as `TableItem` takes it."""
    return {
        KEY_ATTRIBUTE: {"S": app_id},
        "state": {"S": state},
        "version": {"N": "1"},
        "updatedBy": {"S": "pulumi"},
    }


IDENTITY_ITEM_SUFFIX = "#identity"
"""The identity directory is the item `<appId>#identity` of the app-state table (docs/identity.md)."""


def identity_item(app_id: str, pools: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Where each region's user pool is, in DynamoDB JSON: what an application reads to switch pools.

    `pools`: region -> {"poolId", "clients": {name: clientId}, "domain"}. Written by the primary on every
    `pulumi up` (configuration, not state: unlike the state item it follows the deployed pools).
    """
    return {
        KEY_ATTRIBUTE: {"S": app_id + IDENTITY_ITEM_SUFFIX},
        "pools": {"M": {
            region: {"M": {
                "poolId": {"S": p["poolId"]},
                "domain": {"S": p["domain"]},
                "clients": {"M": {name: {"S": cid} for name, cid in sorted(p["clients"].items())}},
            }}
            for region, p in sorted(pools.items())
        }},
        "updatedBy": {"S": "pulumi"},
    }  # fmt: skip


def arn_parts(certificate_arn: str) -> tuple[str, str]:
    """Partition and account id of the stack's account, read from its ACM certificate ARN.

    The IAM policy needs the app-state table's ARN, which contains the account id. The contributing rules
    forbid provider invokes (`get_caller_identity` cannot be previewed offline), and the declaration already
    holds a validated ARN from this account: `arn:<partition>:acm:<region>:<account>:certificate/<id>`.
    """
    parts = certificate_arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[4].isdigit():
        raise ValueError(f"{certificate_arn!r} is not an ARN with an account id")
    return parts[1], parts[4]


def state_table_name(pair: Pair) -> str | None:
    """Physical name of the app-state global table: the same in both regions, derived from the declaration."""
    return pair.physical_name(pair.shared.app_state.table) if pair.shared.app_state else None
