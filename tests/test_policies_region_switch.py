"""Region switch policies, driven directly with pulumi_policy's argument types.

Resources come from the region switch components run under the mock runtime (tests/test_region_switch_component.py
helpers) plus the root component's registration as `RegionPairHalf` makes it (declaration, role, regions), with
`routing.mode: region-switch` (the value the integrator adds to `RoutingMode`). Each failure is one deliberate
break of a registered resource.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_policies_signals import stack_args, violations
from test_region_switch_component import SETTINGS, TARGETS, load, one, run, secondary_half

from regionpair.components.declaration import Pair
from regionpair.components.region_switch import RegionSwitchRecords, RegionSwitchRecordsArgs
from regionpair.mockcloud import CloudMocks
from regionpair.policies.rules_region_switch import (
    PLAN,
    POLICIES,
    validate_execution_role,
    validate_plan_rto,
    validate_plan_spans_pair,
    validate_records_on_plan_health_checks,
)
from regionpair.simulate import Recorded

ALL = [validate_plan_spans_pair, validate_plan_rto, validate_records_on_plan_health_checks, validate_execution_role]


def root(pair: Pair, mode: str = "region-switch") -> Recorded:
    """The root component's registration, as `RegionPairHalf` makes it."""
    decl = pair.shared.model_dump(mode="json", by_alias=True, exclude_none=True)
    decl["routing"]["mode"] = mode
    urn = f"urn:pulumi:{pair.this_role.value}::regionpair::regionpair:index:RegionPairHalf::notify"
    inputs = {"role": pair.this_role.value, "region": pair.this.region, "peerRegion": pair.peer.region,
              "declaration": decl}  # fmt: skip
    return Recorded(urn, "regionpair:index:RegionPairHalf", "notify", False, "", "", [], {}, [], False, [], False,
                    False, inputs)  # fmt: skip


@pytest.fixture(scope="module")
def both() -> tuple[list[Recorded], list[Recorded]]:
    mocks = CloudMocks()
    sec_pair, pri_pair = load("secondary", SETTINGS), load("primary", SETTINGS)
    secondary = secondary_half(sec_pair, mocks)
    arn = one(secondary, PLAN).outputs["arn"]
    records = RegionSwitchRecordsArgs(pri_pair, TARGETS, arn)
    primary = run("primary", lambda: RegionSwitchRecords("notify-records", records), mocks)
    return [root(sec_pair), *secondary], [root(pri_pair), *primary]


def test_policies_have_kebab_names() -> None:
    assert [p.name for p in POLICIES] == [
        "arc-plan-spans-pair", "arc-plan-rto-within-objective", "route53-records-on-plan-health-checks",
        "arc-execution-role-least-privilege",
    ]  # fmt: skip


@pytest.mark.parametrize("validate", ALL)
def test_compliant_halves_pass(both, validate) -> None:
    for recorded in both:
        assert violations(validate, stack_args(recorded)) == []


def test_other_modes_are_left_alone(both) -> None:
    secondary = [root(load("secondary"), mode="failover"), *both[0][1:]]
    broken = stack_args(secondary, lambda p: p[one(secondary, PLAN).urn].update(regions=["us-west-2", "eu-west-1"]))
    assert violations(validate_plan_spans_pair, broken) == []


def test_plan_outside_the_pair_is_caught(both) -> None:
    secondary = both[0]
    plan = one(secondary, PLAN)
    outside = stack_args(secondary, lambda p: p[plan.urn].update(regions=["us-west-2", "eu-west-1"]))
    found = violations(validate_plan_spans_pair, outside)
    assert (found[0][1], "not the pair ['us-east-1', 'us-west-2']" in found[0][0]) == (plan.urn, True), found


def test_plan_rto_beyond_the_objective_is_caught(both) -> None:
    secondary = both[0]
    plan = one(secondary, PLAN)
    found = violations(validate_plan_rto, stack_args(secondary, lambda p: p[plan.urn].update(
        recoveryTimeObjectiveMinutes=15)))  # fmt: skip
    assert found == [("the plan's RTO 15 min exceeds objectives.rtoSeconds 300 s", plan.urn)]
    fn = one(secondary, "aws:lambda/function:Function")
    found = violations(validate_plan_rto, stack_args(secondary, lambda p: p[fn.urn].update(timeout=300)))
    assert len(found) == 1
    assert "2 fence step(s) x 300 s" in found[0][0]


def test_record_without_the_plans_health_check_is_caught(both) -> None:
    primary = both[1]
    rec = next(r for r in primary if r.type == "aws:route53/record:Record" and r.inputs["setIdentifier"] == "us-east-1")
    unattached = stack_args(primary, lambda p: p[rec.urn].pop("healthCheckId"))
    found = violations(validate_records_on_plan_health_checks, unattached)
    assert found == [(found[0][0], rec.urn)]
    assert "has no health check" in found[0][0]
    renamed = stack_args(primary, lambda p: p[rec.urn].update(setIdentifier="primary"))
    found = violations(validate_records_on_plan_health_checks, renamed)
    assert "set identifier = region" in found[0][0]


def test_wildcards_in_the_execution_role_are_caught(both) -> None:
    secondary = both[0]
    pol = one(secondary, "aws:iam/rolePolicy:RolePolicy", "notify-switch-policy")

    def widen(p: dict[str, Any]) -> None:
        doc = json.loads(p[pol.urn]["policy"])
        doc["Statement"].append({"Sid": "Wide", "Effect": "Allow", "Action": ["lambda:*"], "Resource": "*"})
        p[pol.urn]["policy"] = json.dumps(doc)

    found = violations(validate_execution_role, stack_args(secondary, widen))
    assert sorted(m for m, _ in found) == [
        'Wide allows Resource "*"; scope it to the plan\'s ARNs',
        "Wide allows ['lambda:*'], beyond what Region switch needs",
    ]
    assert {u for _, u in found} == {pol.urn}


def test_record_on_a_health_check_the_stack_made_is_caught(both) -> None:
    primary = both[1]
    rec = next(r for r in primary if r.type == "aws:route53/record:Record" and r.inputs["setIdentifier"] == "us-west-2")
    own = "0f0e0d0c-0b0a-0908-0706-050403020100"
    check = Recorded(
        f"{rec.urn}-check", "aws:route53/healthCheck:HealthCheck", "own-check", True, "", "", [], {}, [], False, [],
        False, False, {"type": "HTTPS"}, {"arn": f"arn:aws:route53:::healthcheck/{own}"},
    )  # fmt: skip
    found = violations(
        validate_records_on_plan_health_checks,
        stack_args([*primary, check], lambda p: p[rec.urn].update(healthCheckId=own)),
    )
    assert found == [(found[0][0], rec.urn)]
    assert "uses a health check this stack made" in found[0][0]
