"""Region switch mode: the plan (secondary), the fence functions (each half), the records on the plan's health checks.

The components run on their own under Pulumi's mock runtime (`RecordingMonitor` + `CloudMocks`, the mock
cloud plus the plan's ARN format and the `get_route53_health_checks` data source), from the example pair loaded
with `load_pair` and given `routing.regionSwitch` settings through `with_region_switch`. The whole pair in this
mode runs in tests/test_region_switch_pair.py. The fence function's code runs against moto's DynamoDB.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws
from pulumi.runtime import mocks as pmocks
from pulumi.runtime import settings as psettings

from regionpair.components.declaration import DeclarationError, Pair, Role
from regionpair.components.lambda_src import region_switch_fence as fence_src
from regionpair.components.loader import load_pair
from regionpair.components.region_switch import (
    PlanNotReadyError,
    RegionSwitchFence,
    RegionSwitchFenceArgs,
    RegionSwitchPlan,
    RegionSwitchPlanArgs,
    RegionSwitchRecords,
    RegionSwitchRecordsArgs,
)
from regionpair.components.region_switch_model import (
    FENCE_STEP,
    PLAN_CONSTRAINTS,
    RELEASE_STEP,
    check_plan,
    plan_spec,
    validate_region_switch,
    with_region_switch,
)
from regionpair.components.signals import composite_alarm_name
from regionpair.mockcloud import ACCOUNT_ID, PLAN, CloudMocks
from regionpair.ops.state import ALLOWED
from regionpair.simulate import ORGANIZATION, PROJECT, Recorded, RecordingMonitor, stack_config

ROOT = Path(__file__).resolve().parent.parent
APPROVERS = f"arn:aws:iam::{ACCOUNT_ID}:role/notify-approvers"
SETTINGS = {"approval": {"approverRoleArn": APPROVERS, "timeoutMinutes": 30}, "reports": {"bucket": "notify-reports"}}
RECORD = "aws:route53/record:Record"
TARGETS = {
    Role.PRIMARY: ("d-primary.execute-api.us-east-1.amazonaws.com", "Z1UJRXOUMOOFQ8"),
    Role.SECONDARY: ("d-standby.execute-api.us-west-2.amazonaws.com", "Z2OJLYMUO9EFXC"),
}


def load(stack: str, settings: dict[str, Any] | None = None, pair_copy=None, mutate: Callable | None = None) -> Pair:
    """The example pair as `stack` sees it, with region switch settings."""
    where = ROOT
    if pair_copy is not None and mutate is not None:
        pair_copy.shared(mutate)
        where = pair_copy.path
    return with_region_switch(load_pair(where, stack_config(where, stack), stack), settings)


def run(stack: str, build: Callable[[], Any], mocks: CloudMocks) -> list[Recorded]:
    """Run `build()` under the mock runtime; what it registered."""
    monitor = RecordingMonitor(mocks)
    psettings.configure(psettings.Settings(project=PROJECT, stack=stack))
    psettings.ROOT.set(None)
    pmocks.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor, organization=ORGANIZATION)
    pulumi.runtime.test(build)()
    return list(monitor.recorded.values())


def secondary_half(pair: Pair, mocks: CloudMocks) -> list[Recorded]:
    return run(
        "secondary",
        lambda: (
            RegionSwitchPlan("notify-switch", RegionSwitchPlanArgs(pair=pair)),
            RegionSwitchFence("notify-fence", RegionSwitchFenceArgs(pair=pair)),
        ),
        mocks,
    )


def one(recorded: list[Recorded], typ: str, name: str = "") -> Recorded:
    found = [r for r in recorded if r.type == typ and name in r.name]
    assert len(found) == 1, [r.name for r in found]
    return found[0]


@pytest.fixture(scope="module")
def warm() -> tuple[list[Recorded], CloudMocks]:
    mocks = CloudMocks()
    return secondary_half(load("secondary", SETTINGS), mocks), mocks


# ------------------------------------------------------------------------------------------------- the plan
def test_plan_is_what_the_declaration_computes(warm) -> None:
    recorded, _ = warm
    plan = one(recorded, PLAN)
    role = one(recorded, "aws:iam/role:Role", "notify-switch-role")
    expected = plan_spec(load("secondary", SETTINGS), ACCOUNT_ID)
    assert plan.inputs["executionRole"] == role.outputs["arn"] == expected["executionRole"], plan.urn
    got = {k: v for k, v in plan.inputs.items() if k not in ("tags", "region")}
    assert got == expected, plan.urn
    assert check_plan(plan.inputs) == []
    assert plan.region == "us-west-2", "owned by the secondary, placed explicitly"
    assert plan.outputs["arn"].startswith(f"arn:aws:arc-region-switch::{ACCOUNT_ID}:plan/notify-switch:")


def test_warm_standby_is_active_passive_with_one_workflow_per_region(warm) -> None:
    plan = one(warm[0], PLAN).inputs
    assert (plan["recoveryApproach"], plan["regions"], plan["primaryRegion"]) == (
        "activePassive", ["us-east-1", "us-west-2"], "us-east-1",
    )  # fmt: skip
    assert plan["recoveryTimeObjectiveMinutes"] == math.ceil(300 / 60)
    assert [(w["workflowTargetAction"], w["workflowTargetRegion"]) for w in plan["workflows"]] == [
        ("activate", "us-east-1"), ("activate", "us-west-2"),
    ]  # fmt: skip
    for w in plan["workflows"]:
        steps = [(s["name"], s["executionBlockType"]) for s in w["steps"]]
        assert steps == [
            ("approve", "ManualApproval"), (FENCE_STEP, "CustomActionLambda"),
            ("switch-dns", "Route53HealthCheck"), (RELEASE_STEP, "CustomActionLambda"),
        ], "approval first, fence before DNS moves, unfence after"  # fmt: skip
        approval = w["steps"][0]["executionApprovalConfigs"][0]
        assert approval == {"approvalRole": APPROVERS, "timeoutMinutes": 30}
        lam = w["steps"][1]["customActionLambdaConfigs"][0]
        assert lam["regionToRun"] == "activatingRegion", "the fence runs in the region being activated"
        assert [x["arn"] for x in lam["lambdas"]] == [
            f"arn:aws:lambda:{r}:{ACCOUNT_ID}:function:notify-switch-fence-{r}" for r in ("us-east-1", "us-west-2")
        ]
        r53 = w["steps"][2]["route53HealthCheckConfigs"][0]
        assert (r53["hostedZoneId"], r53["recordName"]) == ("Z0123456789ABCDEFGHIJ", "api.example.com")
        assert r53["recordSets"] == [
            {"recordSetIdentifier": "us-east-1", "region": "us-east-1"},
            {"recordSetIdentifier": "us-west-2", "region": "us-west-2"},
        ]


def test_alarms_are_the_composites_and_reports_go_to_the_declared_bucket(warm) -> None:
    pair = load("secondary", SETTINGS)
    plan = one(warm[0], PLAN).inputs
    assert sorted(a["resourceIdentifier"] for a in plan["associatedAlarms"]) == sorted(
        f"arn:aws:cloudwatch:{pair.half(r).region}:{ACCOUNT_ID}:alarm:{composite_alarm_name(pair, r)}" for r in Role
    )
    assert {a["alarmType"] for a in plan["associatedAlarms"]} == {"applicationHealth"}
    (s3,) = plan["reportConfigurations"][0]["reportOutputs"][0]["s3Configurations"]
    assert s3 == {"bucketPath": "s3://notify-reports/region-switch/", "bucketOwner": ACCOUNT_ID}


def test_execution_role_is_least_privilege(warm) -> None:
    recorded, _ = warm
    role = one(recorded, "aws:iam/role:Role", "notify-switch-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "arc-region-switch.amazonaws.com"}]
    doc = json.loads(one(recorded, "aws:iam/rolePolicy:RolePolicy", "notify-switch-policy").inputs["policy"])
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    for s in doc["Statement"]:
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        assert "*" not in resources, s
        assert all(not a.endswith(":*") for a in s["Action"]), s
    assert by_sid["InvokeFenceFunctions"]["Resource"] == [
        f"arn:aws:lambda:{r}:{ACCOUNT_ID}:function:notify-switch-fence-{r}" for r in ("us-east-1", "us-west-2")
    ]
    assert by_sid["EvaluateThisPlan"]["Resource"] == f"arn:aws:arc-region-switch::{ACCOUNT_ID}:plan/notify-switch:*"
    assert by_sid["FindTheRecordSets"]["Resource"] == "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"
    assert by_sid["WriteExecutionReports"]["Resource"] == "arn:aws:s3:::notify-reports/region-switch/*"
    assert not any("ApprovePlanExecutionStep" in a for s in doc["Statement"] for a in s["Action"]), (
        "approving is the approvers' role's right, not the plan's"
    )


def test_active_active_shifts_away_and_returns_without_fencing(pair_copy) -> None:
    pair = load("secondary", None, pair_copy, lambda d: d.update(strategy="active-active"))
    plan = one(secondary_half(pair, CloudMocks()), PLAN).inputs
    assert plan["recoveryApproach"] == "activeActive"
    assert "primaryRegion" not in plan
    assert [(w["workflowTargetAction"], w.get("workflowTargetRegion")) for w in plan["workflows"]] == [
        ("activate", None), ("deactivate", None),
    ]  # fmt: skip
    assert {s["executionBlockType"] for w in plan["workflows"] for s in w["steps"]} == {"Route53HealthCheck"}


def test_only_the_secondary_owns_the_plan() -> None:
    with pytest.raises(ValueError, match="the secondary owns the Region switch plan"):
        RegionSwitchPlan("x", RegionSwitchPlanArgs(pair=load("primary")))


# ---------------------------------------------------------------------------------------- fence functions
@pytest.mark.parametrize(("stack", "state"), [("secondary", "failover"), ("primary", "active")])
def test_each_half_has_a_fence_function_in_its_own_region(stack: str, state: str) -> None:
    pair = load(stack)
    region = pair.this.region
    mocks = CloudMocks()
    recorded = run(stack, lambda: RegionSwitchFence("notify-fence", RegionSwitchFenceArgs(pair=pair)), mocks)
    fn = one(recorded, "aws:lambda/function:Function")
    assert fn.region == region, fn.urn
    assert fn.inputs["name"] == f"notify-switch-fence-{region}", fn.urn
    env = fn.inputs["environment"]["variables"]
    assert (env["ACTIVATED_STATE"], env["FENCE_STEP"], env["RELEASE_STEP"]) == (state, FENCE_STEP, RELEASE_STEP)
    policy = json.loads(one(recorded, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    (ddb,) = [s for s in policy["Statement"] if s["Sid"] == "FenceAppStateHere"]
    assert ddb["Resource"] == f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/notify-app-state"
    assert ddb["Action"] == ["dynamodb:GetItem", "dynamodb:UpdateItem"]


def test_fence_order_is_the_ops_order() -> None:
    assert fence_src.ALLOWED == {k.value: {v.value for v in vs} for k, vs in ALLOWED.items()}


@pytest.fixture
def state_table(monkeypatch):
    """moto's DynamoDB (it implements GetItem/UpdateItem with conditions) holding the app-state item."""
    with mock_aws():
        for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-west-2",
                     "TABLE_NAME": "notify-app-state", "APP_ID": "notify", "STATE_KEY": "AppId",
                     "ACTIVATED_STATE": "failover", "FENCE_STEP": FENCE_STEP, "RELEASE_STEP": RELEASE_STEP}.items():
            monkeypatch.setenv(k, v)  # fmt: skip
        ddb = boto3.client("dynamodb", region_name="us-west-2")
        ddb.create_table(
            TableName="notify-app-state", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}],
        )  # fmt: skip
        ddb.put_item(
            TableName="notify-app-state",
            Item={"AppId": {"S": "notify"}, "state": {"S": "active"}, "version": {"N": "1"}},
        )
        monkeypatch.setattr(fence_src, "_DYNAMODB", None)
        yield ddb


def _state(ddb) -> tuple[str, str]:
    item = ddb.get_item(TableName="notify-app-state", Key={"AppId": {"S": "notify"}})["Item"]
    return item["state"]["S"], item["version"]["N"]


def test_fence_then_release_moves_the_standby_to_failover_idempotently(state_table) -> None:
    event = {"PlanArn": "arn", "ExecutionId": "us-west-2/0123456789abcdef", "InvokedBy": "ARC"}
    assert fence_src.handler({**event, "StepName": FENCE_STEP}, None)["after"] == "fenced"
    assert fence_src.handler({**event, "StepName": FENCE_STEP}, None)["after"] == "fenced", "a retry changes nothing"
    assert _state(state_table) == ("fenced", "2")
    assert fence_src.handler({**event, "StepName": RELEASE_STEP}, None) == {
        "region": "us-west-2", "step": RELEASE_STEP, "before": "fenced", "after": "failover",
    }  # fmt: skip
    assert fence_src.handler({**event, "StepName": RELEASE_STEP}, None)["after"] == "failover"
    assert _state(state_table) == ("failover", "3")


def test_release_without_fence_fails_the_step(state_table) -> None:
    with pytest.raises(fence_src.FenceError, match="must run first"):
        fence_src.handler({"StepName": RELEASE_STEP}, None)
    assert _state(state_table) == ("active", "1"), "nothing written"


# ---------------------------------------------------------------------------------------------- records
def test_records_use_the_plans_health_checks(warm) -> None:
    recorded, mocks = warm
    plan_arn = one(recorded, PLAN).outputs["arn"]
    pair = load("primary", SETTINGS)
    got = run(
        "primary",
        lambda: RegionSwitchRecords("notify-records", RegionSwitchRecordsArgs(pair, TARGETS, plan_arn)),
        mocks,
    )
    health = mocks.call(pmocks.MockCallArgs(
        "aws:arcregionswitch/getRoute53HealthChecks:getRoute53HealthChecks", {"planArn": plan_arn}, ""
    ))["healthChecks"]  # fmt: skip
    by_region = {h["region"]: h["healthCheckId"] for h in health if h["recordName"] == "api.example.com"}
    records = {r.inputs["setIdentifier"]: r for r in got if r.type == RECORD}
    assert set(records) == {"us-east-1", "us-west-2"}
    for region, rec in records.items():
        assert rec.inputs["healthCheckId"] == by_region[region], rec.urn
        assert rec.inputs["aliases"][0]["evaluateTargetHealth"] is True
    assert records["us-east-1"].inputs["failoverRoutingPolicies"] == [{"type": "PRIMARY"}]
    assert records["us-west-2"].inputs["failoverRoutingPolicies"] == [{"type": "SECONDARY"}]
    assert records["us-west-2"].inputs["aliases"][0]["name"] == TARGETS[Role.SECONDARY][0]


def test_records_wait_for_health_check_allocation() -> None:
    mocks = CloudMocks(allocated=False)
    plan_arn = one(secondary_half(load("secondary"), mocks), PLAN).outputs["arn"]
    pair = load("primary")
    with pytest.raises(Exception, match=r"no Route 53 health check for api\.example\.com in us-east-1, us-west-2 yet"):
        run("primary", lambda: RegionSwitchRecords("r", RegionSwitchRecordsArgs(pair, TARGETS, plan_arn)), mocks)
    assert issubclass(PlanNotReadyError, pulumi.RunError)


# ------------------------------------------------------------------------------- constraints and validation
def test_mock_refuses_what_the_api_refuses() -> None:
    assert {c.key for c in PLAN_CONSTRAINTS} >= {"name", "regions", "recoveryTimeObjectiveMinutes"}
    assert all(c.source for c in PLAN_CONSTRAINTS)
    good = plan_spec(load("secondary"), ACCOUNT_ID)
    assert check_plan(good) == []
    for broken, expect in [
        ({"name": "x" * 33}, "name"),
        ({"regions": ["us-east-1"]}, "exactly 2"),
        ({"recoveryTimeObjectiveMinutes": 0}, "1-10080"),
        ({"recoveryTimeObjectiveMinutes": 10081}, "1-10080"),
        ({"recoveryApproach": "activeStandby"}, "recoveryApproach"),
        ({"workflows": [{"workflowTargetAction": "activate", "steps": [
            {"name": "s", "executionBlockType": "SSMSendCommand"}]}]}, "executionBlockType"),
    ]:  # fmt: skip
        problems = check_plan({**good, **broken})
        assert problems, broken
        assert expect in problems[0], (broken, problems)
    with pytest.raises(Exception, match="exactly 2"):
        run("secondary", lambda: pulumi_plan({**good, "regions": ["us-west-2"]}), CloudMocks())


def pulumi_plan(spec: dict[str, Any]) -> Any:
    import pulumi_aws as aws

    from regionpair.components.region_switch import _snake

    return aws.arcregionswitch.Plan("direct", **_snake(spec), region="us-west-2")


@pytest.mark.parametrize(
    ("mutate", "settings", "key", "says"),
    [
        (lambda d: d.pop("api"), None, "routing.mode", "declare api:"),
        (lambda d: d.update(name="a-very-long-pair-name-for-a-plan"), None, "routing.regionSwitch.planName", "32"),
        # 150 s is what the STOP routing needs; the plan with 60 s fence functions needs 2 x 60 + 90 = 210 s
        (lambda d: d["objectives"].update(rtoSeconds=150), {"functionTimeoutSeconds": 60}, "objectives.rtoSeconds",
         "210 s"),
    ],
)
def test_bad_declarations_name_the_key(pair_copy, mutate, settings, key, says) -> None:
    def edit(d: dict[str, Any]) -> None:
        mutate(d)
        if "api" not in d:
            d.pop("cdn", None)

    try:
        pair = load("secondary", settings, pair_copy, edit)
    except DeclarationError as err:  # the base declaration may refuse first (e.g. its own RTO budget)
        pytest.fail(f"the example edit should load: {err}")
    with pytest.raises(DeclarationError) as err:
        validate_region_switch(pair)
    assert err.value.key.endswith(key), str(err.value)
    assert says in err.value.message, str(err.value)


def test_settings_refuse_a_non_role_approver() -> None:
    with pytest.raises(Exception, match="is not an IAM role ARN"):
        load("secondary", {"approval": {"approverRoleArn": "arn:aws:iam::123456789012:user/alice"}})


def test_example_variant_declaration_is_valid_for_region_switch(tmp_path: Path) -> None:
    """docs/examples/pair-region-switch.yaml loads as the declaration (stack files of the example) and AWS would
    accept the plan it computes."""
    import shutil

    shutil.copy(ROOT / "docs" / "examples" / "pair-region-switch.yaml", tmp_path / "pair.yaml")
    for name in ("Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    pair = load_pair(tmp_path, stack_config(tmp_path, "secondary"), "secondary")
    assert pair.shared.routing.mode.value == "region-switch"
    validate_region_switch(pair)
    spec = plan_spec(pair, ACCOUNT_ID)
    assert check_plan(spec) == []
    assert spec["workflows"][0]["steps"][0]["executionApprovalConfigs"][0]["timeoutMinutes"] == 30
