"""Stateful resources are protected, and `stateful-resources-protected` checks it through the pack.

The pack is driven over gRPC as the engine drives it (regionpair/analyzer.py), in preview and in update; the
options it judges are the ones the program registered (`protect`), sent in `AnalyzerResourceOptions`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.components import constraints as c
from regionpair.policies.rules_lifecycle import NAME, STATEFUL
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import ROOT

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("secondary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


@pytest.fixture(scope="module")
def deployed() -> dict[str, Any]:
    return simulate_stack("secondary", config_dir=ROOT).outputs


def _run(stack: str, preview: bool, peer: dict[str, Any], config_dir=ROOT) -> StackRun:
    return simulate_stack(stack, config_dir=config_dir, peer_outputs={"secondary": peer}, preview=preview)


def _verdicts(pack: PolicyPackProcess, run: StackRun, config: dict[str, Any] | None = None) -> list[Diagnostic]:
    pack.configure(config or {})
    return [d for d in pack.analyze_stack(run.resources) if d.policy == NAME]


def test_every_stateful_resource_is_protected_and_the_app_state_retained(primary, secondary) -> None:
    for run in (primary, secondary):
        for res in run.resources:
            if res.type in STATEFUL:
                assert res.protect, f"{res.urn} is not protected"
    item = primary.one("aws:dynamodb/tableItem:TableItem")
    assert item.retain_on_delete, item.urn
    assert not [r for r in primary.resources if r.type == c.RECORD and r.protect], "records are not stateful"


@pytest.mark.parametrize("preview", MODES)
def test_the_example_pair_passes(packs, deployed, preview) -> None:
    for stack in ("secondary", "primary"):
        found = _verdicts(packs[preview], _run(stack, preview, deployed))
        assert found == [], [(d.urn, d.message) for d in found]


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize("token", [c.TABLE, c.BUCKET, c.PHONE_NUMBER, c.IDENTITY, c.POOL, c.OPT_OUT_LIST])
def test_an_unprotected_stateful_resource_is_caught(packs, deployed, preview, token) -> None:
    """A program that registers one stateful resource without `protect` (an older version, a hand-built one)."""
    run = _run("primary", preview, deployed)
    victim = next(r for r in run.resources if r.type == token)
    broken = replace(run, resources=[replace(r, protect=False) if r.urn == victim.urn else r for r in run.resources])
    found = _verdicts(packs[preview], broken)
    assert [d.urn for d in found] == [victim.urn], [(d.urn, d.message) for d in found]
    assert found[0].level == "mandatory"
    assert "not protected" in found[0].message
    assert "components/options.py" in found[0].message


@pytest.mark.parametrize("preview", MODES)
def test_a_retiring_number_is_exempt(packs, pair_copy, preview) -> None:
    def retire(cfg: dict[str, Any]) -> None:
        numbers = cfg["regionpair:requestedNumbers"]
        numbers.append({**numbers[0], "name": "us-toll-free-1", "registrationId": numbers[0]["registrationId"][:-4]
                        + "beef"})  # fmt: skip
        numbers[0]["retire"] = True

    pair_copy.stack("primary", retire).stack("secondary", retire)
    peer = simulate_stack("secondary", config_dir=pair_copy.path).outputs
    run = _run("primary", preview, peer, pair_copy.path)
    number = run.one(c.PHONE_NUMBER, "us-toll-free-0")
    assert not number.protect, number.urn
    assert number.inputs["deletionProtectionEnabled"] is False, number.urn
    assert run.one(c.PHONE_NUMBER, "us-toll-free-1").protect
    assert _verdicts(packs[preview], run) == []


@pytest.mark.parametrize("preview", MODES)
def test_exempt_names_are_configurable(packs, deployed, preview) -> None:
    run = _run("primary", preview, deployed)
    victim = run.one(c.TABLE, "orders")
    broken = replace(run, resources=[replace(r, protect=False) if r.urn == victim.urn else r for r in run.resources])
    assert _verdicts(packs[preview], broken, {NAME: {"enforcementLevel": "mandatory", "exempt": [victim.name]}}) == []


def test_retiring_a_country_s_last_numbers_is_refused_up_front(pair_copy) -> None:
    """A retiring number no longer counts: the pool would lose its identities, so validation says to add one first."""

    def retire_all(cfg: dict[str, Any]) -> None:
        for number in cfg["regionpair:requestedNumbers"]:
            number["retire"] = True

    pair_copy.stack("primary", retire_all)
    pair_copy.assert_refused("minimumNumbers", "fewer than 2")
