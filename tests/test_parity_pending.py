"""A hand-registered number declared `pending` is legal; the minimum counts only numbers that can send.

Through `regionpair check` (both stacks, the pack over the analyzer protocol) in preview and update.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from regionpair.check import run_check
from tests.conftest import PairCopy

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]


def _pending_by_hand(config: dict) -> None:
    config["regionpair:existingNumbers"][0]["status"] = "pending"


@pytest.mark.parametrize("preview", MODES)
def test_a_pending_hand_registered_number_is_no_violation(tmp_path: Path, preview: bool) -> None:
    pair = PairCopy(tmp_path).stack("secondary", _pending_by_hand)
    reports = run_check(pair.path, ["secondary", "primary"], preview=preview)
    for report in reports:
        assert not report.mandatory, [(report.stack, d.policy, d.message) for d in report.mandatory]
    secondary = next(r for r in reports if r.stack == "secondary")
    pending = [d for d in secondary.diagnostics if d.policy == "sms-number-pending"]
    assert any("TEN_DLC +15035550100" in d.message for d in pending), [d.message for d in pending]
    # not capacity: the standby holds no number that can send
    assert any("holds 0 active pooled origination number(s)" in d.message for d in pending), pending


@pytest.mark.parametrize("preview", MODES)
def test_the_minimum_counts_only_numbers_that_can_send(tmp_path: Path, preview: bool) -> None:
    """Without the pending numbers closing the gap, the shortfall is a violation, naming the active count."""
    pair = PairCopy(tmp_path).stack("secondary", _pending_by_hand)
    config = {"sms-number-minimum": {"minimumNumbers": 3}}  # 2 pending + 0 active cannot reach it
    reports = run_check(pair.path, ["secondary"], preview=preview, policy_config=config)
    found = [d for d in reports[0].mandatory if d.policy == "sms-number-minimum"]
    assert any("holds 0 active pooled origination number(s) for US, fewer than 3" in d.message for d in found), [
        (d.policy, d.message) for d in reports[0].mandatory
    ]
