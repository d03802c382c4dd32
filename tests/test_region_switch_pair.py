"""Region-switch mode end to end: the example variant runs as both stacks and passes the pack over
the analyzer protocol, in preview and update; deliberate breaks are caught with their URN.

The plan's health checks come from the mock cloud's `get_route53_health_checks`, answered from the plan the
secondary's run created (regionpair/mockcloud.py `ACCOUNT_PLANS`), as the real data source answers from the plan
the secondary's `pulumi up` created.
"""

from __future__ import annotations

import copy
import shutil

import pytest

from regionpair.analyzer import PolicyPackProcess
from regionpair.check import run_check
from regionpair.simulate import StackRun, simulate_pair
from tests.conftest import ROOT

PLAN = "aws:arcregionswitch/plan:Plan"
RECORD = "aws:route53/record:Record"


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    where = tmp_path_factory.mktemp("region-switch")
    shutil.copy(ROOT / "docs" / "examples" / "pair-region-switch.yaml", where / "pair.yaml")
    for name in ("Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        shutil.copy(ROOT / name, where / name)
    return where


@pytest.fixture(scope="module")
def pack():
    with PolicyPackProcess("primary") as p:
        yield p


def _mandatory(pack: PolicyPackProcess, run: StackRun) -> list:
    pack.configure({})
    diags = [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)
    return [d for d in diags if d.level == "mandatory" and not d.undecided]


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_the_variant_passes_regionpair_check(variant, preview):
    reports = run_check(variant, ["secondary", "primary"], preview=preview)
    for report in reports:
        assert report.mandatory == [], (report.stack, [(d.policy, d.message) for d in report.mandatory])


def test_plan_in_the_secondary_records_on_its_health_checks_in_the_primary(variant):
    run = simulate_pair(variant)
    plan = run.secondary.one(PLAN)
    assert sorted(plan.inputs["regions"]) == ["us-east-1", "us-west-2"], plan.urn
    assert run.primary.by_type(PLAN) == [], "the primary must not own the plan"
    assert not [r for r in run.primary.resources if r.type == "aws:route53/healthCheck:HealthCheck"]
    records = [r for r in run.primary.by_type(RECORD) if r.inputs.get("setIdentifier")]
    assert {r.inputs["setIdentifier"] for r in records} == {"us-east-1", "us-west-2"}
    assert all(r.inputs.get("healthCheckId") for r in records), [r.urn for r in records]
    assert not run.secondary.by_type("aws:cloudwatch/metricAlarm:MetricAlarm") or all(
        not str(a.inputs.get("name", "")).endswith("stop-failover")
        for a in run.secondary.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    ), "no STOP alarm in region-switch mode"


def test_a_record_without_the_plans_health_check_is_caught(variant, pack):
    primary = copy.deepcopy(simulate_pair(variant).primary)
    record = next(r for r in primary.by_type(RECORD) if r.inputs.get("setIdentifier") == "us-east-1")
    for props in (record.inputs, record.outputs):
        props.pop("healthCheckId", None)
    caught = [d for d in _mandatory(pack, primary) if d.policy == "route53-records-on-plan-health-checks"]
    assert caught, "a record without the plan's health check passed"
    assert caught[0].urn == record.urn, caught


def test_a_plan_rto_above_the_objective_is_caught(variant, pack):
    secondary = copy.deepcopy(simulate_pair(variant).secondary)
    plan = secondary.one(PLAN)
    for props in (plan.inputs, plan.outputs):
        props["recoveryTimeObjectiveMinutes"] = 30
    caught = [d for d in _mandatory(pack, secondary) if d.policy == "arc-plan-rto-within-objective"]
    assert caught, "a plan RTO above the objective passed"
    assert "exceeds objectives.rtoSeconds 300 s" in caught[0].message, caught
    assert caught[0].urn == plan.urn
