"""Every routing mode x strategy the declaration accepts passes `regionpair check`, in preview and in update.

Driven through the pack as `regionpair check` drives it (the analyzer protocol, Analyze per resource, then the
stack): the secondary first, the primary reading the secondary as deployed. A mode that fails here would fail
`make check` for a user who picks it: latency mode once did, because the pack did not observe its endpoint
health check and reported the half's claim of one as a gap.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from regionpair.check import run_check
from regionpair.components.declaration import RoutingMode, Strategy
from tests.conftest import ROOT, PairCopy

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]
REGION_SWITCH = yaml.safe_load((ROOT / "docs" / "examples" / "pair-region-switch.yaml").read_text())["routing"]


def _declare(mode: RoutingMode, strategy: Strategy):
    def edit(d: dict) -> None:
        d["strategy"] = strategy.value
        if mode is RoutingMode.REGION_SWITCH:
            d["routing"] = REGION_SWITCH
        elif mode is RoutingMode.LATENCY:
            d["routing"] = {"mode": "latency"}
        else:
            d["routing"]["mode"] = "failover"

    return edit


COMBINATIONS = [
    pytest.param(m, s, id=f"{m.value}-{s.value}") for m, s in itertools.product(RoutingMode, Strategy)
]


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("mode", "strategy"), COMBINATIONS)
def test_every_routing_mode_and_strategy_passes_the_pack(tmp_path: Path, mode, strategy, preview) -> None:
    pair = PairCopy(tmp_path).shared(_declare(mode, strategy))
    reports = run_check(pair.path, ["secondary", "primary"], preview=preview)
    assert [r.stack for r in reports] == ["secondary", "primary"]
    for report in reports:
        assert report.resources > 0, report.stack
        assert not report.mandatory, [(report.stack, d.policy, d.message, d.urn) for d in report.mandatory]


@pytest.mark.parametrize("preview", MODES)
def test_latency_mode_claims_and_observes_each_region_s_endpoint_check(tmp_path: Path, preview) -> None:
    """The claim gap that failed latency mode: each half's HTTPS health check is claimed and registered."""
    pair = PairCopy(tmp_path).shared(_declare(RoutingMode.LATENCY, Strategy.ACTIVE_ACTIVE))
    for report in run_check(pair.path, ["secondary", "primary"], preview=preview):
        claims = [d for d in report.diagnostics if d.policy == "pair-manifest-matches-resources"]
        assert claims == [], [(d.message, d.urn) for d in claims]
