"""Automatic Region switch (`routing.regionSwitch.triggers`): the plan's triggers and their policies over gRPC, in
preview and update.

The region-switch variant (docs/examples/pair-region-switch.yaml) with `triggers` declared is the correct pair:
both stacks pass. Each break is deliberate: a delay below the configured minimum, triggers on a plan whose
declaration has none, a trigger alarm that is not the region's composite, a composite alarm missing in either
stack, and a secondary deployed without triggers while the primary's declaration has them.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.components.declaration import DeclarationError
from regionpair.components.loader import load_pair, read_stack_file
from regionpair.components.region_switch_model import check_plan, plan_spec
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import ROOT

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]
PLAN = "aws:arcregionswitch/plan:Plan"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
ON_COMPOSITES, MIN_DELAY = "arc-plan-triggers-on-composites", "arc-plan-trigger-min-delay"


def variant(where: Path, triggers: dict | None = None, change: Callable[[dict], None] | None = None) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        shutil.copy(ROOT / name, where / name)
    data = yaml.safe_load((ROOT / "docs" / "examples" / "pair-region-switch.yaml").read_text())
    if triggers is not None:
        data["routing"]["regionSwitch"]["triggers"] = triggers
    if change:
        change(data)
    (where / "pair.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return where


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("primary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


@pytest.fixture(scope="module")
def auto(tmp_path_factory) -> Path:
    return variant(tmp_path_factory.mktemp("auto"), {"minDelayMinutes": 60})


@pytest.fixture(scope="module")
def deployed(auto) -> dict:
    return simulate_stack("secondary", config_dir=auto).outputs


def run(stack: str, preview: bool, peer: dict, where: Path) -> StackRun:
    return simulate_stack(stack, config_dir=where, peer_outputs={"secondary": peer}, preview=preview)


def verdicts(pack: PolicyPackProcess, run: StackRun, config: dict | None = None) -> list[Diagnostic]:
    pack.configure(config or {})
    return [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)


def caught(diags: list[Diagnostic], policy: str, fragment: str = "") -> list[Diagnostic]:
    return [d for d in diags if d.policy == policy and d.level == "mandatory" and not d.undecided
            and fragment in d.message]  # fmt: skip


def test_the_plan_starts_itself_from_both_composites(auto):
    pair = load_pair(auto, read_stack_file(auto, "secondary"), "secondary")
    spec = plan_spec(pair, "123456789012")
    assert check_plan(spec) == []
    trigger_alarms = {a["mapBlockKey"]: a["resourceIdentifier"] for a in spec["associatedAlarms"]
                      if a["alarmType"] == "trigger"}  # fmt: skip
    assert trigger_alarms == {
        "primary-trigger": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:notify-region-unhealthy-us-east-1",
        "secondary-trigger": "arn:aws:cloudwatch:us-west-2:123456789012:alarm:notify-region-unhealthy-us-west-2",
    }
    [trigger] = spec["triggers"]  # no automatic failback by default
    assert trigger["action"] == "activate"
    assert trigger["targetRegion"] == "us-west-2"
    assert trigger["minDelayMinutesBetweenExecutions"] == 60
    assert trigger["conditions"] == [{"associatedAlarmName": "primary-trigger", "condition": "red"},
                                     {"associatedAlarmName": "secondary-trigger", "condition": "green"}]


def test_aws_refuses_a_trigger_on_a_health_alarm(auto):
    pair = load_pair(auto, read_stack_file(auto, "secondary"), "secondary")
    spec = plan_spec(pair, "123456789012")
    spec["triggers"][0]["conditions"][0]["associatedAlarmName"] = "primary-health"
    spec["triggers"][0]["minDelayMinutesBetweenExecutions"] = 0
    problems = check_plan(spec)
    assert any("'primary-health' is not an associated alarm of type trigger" in p for p in problems), problems
    assert any("minDelayMinutesBetweenExecutions 0 must be an integer >= 1" in p for p in problems), problems


def test_triggers_need_signals_and_failback_needs_warm_standby(tmp_path):
    def no_signals(d: dict) -> None:
        d.pop("signals")
        d.pop("cdn", None)

    where = variant(tmp_path / "a", {"minDelayMinutes": 60}, no_signals)
    with pytest.raises(DeclarationError) as err:
        load_pair(where, read_stack_file(where, "primary"), "primary")
    assert err.value.key == "pair.yaml routing.regionSwitch.triggers"
    assert "declare signals:" in err.value.message
    where = variant(tmp_path / "b", {"failback": True}, lambda d: d.update(strategy="active-active"))
    with pytest.raises(DeclarationError) as err:
        load_pair(where, read_stack_file(where, "primary"), "primary")
    assert err.value.key == "pair.yaml routing.regionSwitch.triggers.failback"


@pytest.mark.parametrize("preview", MODES)
def test_the_automatic_variant_passes(packs, auto, deployed, preview):
    for stack in ("secondary", "primary"):
        diags = verdicts(packs[preview], run(stack, preview, deployed, auto))
        assert caught(diags, ON_COMPOSITES) + caught(diags, MIN_DELAY) == [], stack


@pytest.mark.parametrize("preview", MODES)
def test_a_short_delay_is_caught_in_both_stacks(packs, auto, deployed, tmp_path, preview):
    fast = variant(tmp_path, {"minDelayMinutes": 5})
    peer = simulate_stack("secondary", config_dir=fast).outputs
    for stack in ("secondary", "primary"):
        r = run(stack, preview, peer, fast)
        hits = caught(verdicts(packs[preview], r), MIN_DELAY, "waits 5 min between automatic executions, less than "
                                                              "the minimum 30")  # fmt: skip
        assert hits, stack
        owner = r.one(PLAN, "plan").urn if stack == "secondary" else r.one("regionpair:index:RegionPairHalf").urn
        assert hits[0].urn == owner
    # The threshold is the policy's config: a team may ask for more than the default.
    strict = verdicts(packs[preview], run("secondary", preview, deployed, auto),
                      {MIN_DELAY: {"minimumDelayMinutes": 90}})  # fmt: skip
    assert caught(strict, MIN_DELAY, "waits 60 min")


def _plan_edit(change: Callable[[dict], None]) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        plan = r.one(PLAN, "plan")
        for props in (plan.inputs, plan.outputs):
            change(props)
        return plan.urn

    return mutate


def _health_not_trigger(p: dict) -> None:
    for a in p["associatedAlarms"]:
        if a["mapBlockKey"] == "primary-trigger":
            a["resourceIdentifier"] = a["resourceIdentifier"].replace("region-unhealthy", "api-5xx")


def _drop_composite(r: StackRun) -> str:
    r.resources.remove(r.one(COMPOSITE, "composite"))
    return r.one("regionpair:index:RegionPairHalf").urn


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("mutate", "fragment"), [
    pytest.param(_plan_edit(_health_not_trigger), "associated alarm primary-trigger must be the primary's composite "
                 "alarm notify-region-unhealthy-us-east-1", id="trigger-on-another-alarm"),
    pytest.param(_plan_edit(lambda p: p["triggers"][0].update(targetRegion="us-east-1")),
                 "triggers differ from routing.regionSwitch.triggers", id="trigger-changed"),
    pytest.param(_drop_composite, "watch notify-region-unhealthy-us-west-2 in us-west-2, which this stack does not "
                 "register", id="secondary-composite-missing"),
])  # fmt: skip
def test_a_broken_trigger_is_caught_in_the_secondary(packs, auto, deployed, preview, mutate, fragment):
    broken = copy.deepcopy(run("secondary", preview, deployed, auto))
    urn = mutate(broken)
    hits = caught(verdicts(packs[preview], broken), ON_COMPOSITES, fragment)
    assert hits, [d.message for d in verdicts(packs[preview], broken) if d.policy == ON_COMPOSITES]
    assert hits[0].urn == urn


@pytest.mark.parametrize("preview", MODES)
def test_triggers_the_declaration_does_not_have_are_caught(packs, tmp_path, preview):
    manual = variant(tmp_path)
    auto_plan = simulate_stack("secondary", config_dir=variant(tmp_path / "auto", {"minDelayMinutes": 60}))
    triggers = auto_plan.one(PLAN, "plan").inputs["triggers"]
    broken = copy.deepcopy(run("secondary", preview, {}, manual))
    urn = _plan_edit(lambda p: p.update(triggers=triggers))(broken)
    hits = caught(verdicts(packs[preview], broken), ON_COMPOSITES, "declares no routing.regionSwitch.triggers")
    assert hits
    assert hits[0].urn == urn


@pytest.mark.parametrize("preview", MODES)
def test_the_primary_catches_its_missing_composite_and_an_older_secondary(packs, auto, deployed, tmp_path, preview):
    broken = copy.deepcopy(run("primary", preview, deployed, auto))
    urn = _drop_composite(broken)
    hits = caught(verdicts(packs[preview], broken), ON_COMPOSITES, "which the primary stack does not register")
    assert hits
    assert hits[0].urn == urn
    older = simulate_stack("secondary", config_dir=variant(tmp_path)).outputs  # deployed before triggers
    hits = caught(verdicts(packs[preview], run("primary", preview, older, auto)), ON_COMPOSITES,
                  "the deployed secondary's plan does not trigger on notify-region-unhealthy-us-east-1")  # fmt: skip
    assert hits
    assert "pulumi up -s secondary" in hits[0].message
