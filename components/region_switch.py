"""`routing.mode: region-switch`: an ARC Region switch plan moves the API's public name between the regions.

**Who owns what.** The *secondary* owns the plan (`RegionSwitchPlan`) and its execution role; each half owns
the fence function of its own region (`RegionSwitchFence`); the *primary* owns the API's records
(`RegionSwitchRecords`), attached to the health checks the plan creates. Why the secondary:

- It is the half that must never depend on the other (README, "Who owns what"). The plan is what operators use
  when the primary region is impaired: if the primary's stack owned it, changing it mid-incident (an approver,
  a timeout) would mean running the stack whose resources live in the failed region.
- Nothing in the plan needs a lookup in the primary: the primary's fence function and composite alarm have
  deterministic names (`region_switch_model.fence_function_arn`, `signals.composite_alarm_name`) and the
  account id comes from this half's validated certificate ARN.
- The direction of reads stays as it is: the primary already reads the secondary's manifest (the STOP alarm
  today); in this mode it reads `regionSwitch.planArn` from it and asks the provider for the plan's health
  checks with the data source `aws.arcregionswitch.get_route53_health_checks_output`. A data-source invoke
  needs the plan to exist: deploying the secondary first (as this project always does) guarantees it. The
  `Plan` resource of pulumi-aws 7.51.1 does not expose the health check ids (its outputs are arn, owner,
  tags_all and the inputs; CloudFormation's `Route53HealthChecks` attribute has no counterpart), so the data
  source is the only way.
- The plan itself is a global resource (ARN `arn:aws:arc-region-switch::<account>:plan/<name>:<suffix>`): its
  control plane answers in the partition's global region (botocore endpoint rules, `UseControlPlaneEndpoint`),
  its executions in the data plane of each region. Executions never need the control plane or the other
  region; `pulumi up` of either stack does need the control plane (us-east-1 for `aws`).

Health checks are allocated by Region switch after the plan is created ("health check allocation is in
progress", terraform-provider-aws plan.go). `plan_health_checks` refuses to attach records to a region without a
health check id and says to run `pulumi up -s primary` again, rather than creating records that never move.

Constraints AWS and the provider enforce on a plan: `components.region_switch_model.PLAN_CONSTRAINTS` (with
sources), checked by `check_plan` here before registration, by the mock cloud and by the policy pack.

Execution role, least privilege, from the ARC Region switch IAM docs
(https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_id-based-policy-examples-region-switch.html):
trust `arc-region-switch.amazonaws.com` (security_iam_region_switch_trust_policy); plan evaluation reads the plan
and simulates the role (managed policy AmazonApplicationRecoveryControllerRegionSwitchPlanExecutionPolicy grants
`GetPlan`, `GetPlanExecution`, `ListPlanExecutions` and `iam:SimulatePrincipalPolicy` on every plan and role: we
scope them to this plan and this role); custom action Lambda block: `lambda:GetFunction`, `lambda:InvokeFunction`
on the two functions (security_iam_region_switch_lambda); Route 53 health check block:
`route53:ListResourceRecordSets` on the zone (security_iam_region_switch_route53); application health alarms:
`cloudwatch:DescribeAlarms`, `cloudwatch:DescribeAlarmHistory` on the two composite alarms
(security_iam_region_switch_cloudwatch); reports: `s3:PutObject` on the bucket's prefix
(security_iam_region_switch_reports). Manual approval needs nothing from the execution role: the approvers' role
needs `arc-region-switch:ApprovePlanExecutionStep` (security_iam_region_switch_manual_approval).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import Pair, Role
from regionpair.components.iam import assume_role_policy
from regionpair.components.logged_function import LoggedFunctionArgs, logged_function
from regionpair.components.record_guard import RecordSetGuard
from regionpair.components.region_switch_model import (
    FENCE_STEP,
    PLAN_OWNER,
    RELEASE_STEP,
    activated_state,
    check_plan,
    composite_alarm_arns,
    execution_role_name,
    fence_function_arn,
    fence_function_name,
    fences_app_state,
    plan_name,
    plan_spec,
    record_set_identifier,
    recovery_approach,
    rto_minutes,
    settings_of,
)
from regionpair.components.state_model import KEY_ATTRIBUTE, arn_parts, state_table_name

HANDLER_SOURCE = Path(__file__).resolve().parent / "lambda_src" / "region_switch_fence.py"
SERVICE_PRINCIPAL = "arc-region-switch.amazonaws.com"
RECORD_TYPE = "A"


class PlanNotReadyError(pulumi.RunError):
    """The plan's health checks are not there (yet): one line, the fix."""


def _account(pair: Pair) -> tuple[str, str]:
    if pair.this.certificate_arn is None:
        raise ValueError("region-switch mode needs api: and a certificateArn in each stack (validated upstream)")
    return arn_parts(pair.this.certificate_arn)


def _snake(value: Any) -> Any:
    """Turn camelCase keys (the engine's view, `plan_spec`) to the SDK's snake_case argument names."""
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def execution_role_policy(pair: Pair, account: str, partition: str = "aws") -> dict[str, Any]:
    """The execution role's only policy: what the plan's blocks, evaluation and reports need, on their ARNs."""
    name = plan_name(pair)
    role_arn = f"arn:{partition}:iam::{account}:role/{execution_role_name(pair)}"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EvaluateThisPlan",
            "Effect": "Allow",
            "Action": ["arc-region-switch:GetPlan", "arc-region-switch:GetPlanExecution",
                       "arc-region-switch:ListPlanExecutions"],
            "Resource": f"arn:{partition}:arc-region-switch::{account}:plan/{name}:*",
        },
        {"Sid": "SimulateThisRole", "Effect": "Allow", "Action": ["iam:SimulatePrincipalPolicy"], "Resource": role_arn},
        {
            "Sid": "FindTheRecordSets",
            "Effect": "Allow",
            "Action": ["route53:ListResourceRecordSets"],
            "Resource": f"arn:{partition}:route53:::hostedzone/{pair.shared.dns.hosted_zone_id}",
        },
    ]  # fmt: skip
    if fences_app_state(pair):
        statements.append({
            "Sid": "InvokeFenceFunctions", "Effect": "Allow",
            "Action": ["lambda:GetFunction", "lambda:InvokeFunction"],
            "Resource": [fence_function_arn(pair, r, account) for r in Role],
        })  # fmt: skip
    alarms = composite_alarm_arns(pair, account)
    if alarms:
        statements.append({
            "Sid": "ReadHealthAlarms", "Effect": "Allow",
            "Action": ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
            "Resource": list(alarms.values()),
        })  # fmt: skip
    reports = settings_of(pair).reports
    if reports:
        statements.append({
            "Sid": "WriteExecutionReports", "Effect": "Allow", "Action": ["s3:PutObject"],
            "Resource": f"arn:{partition}:s3:::{reports.bucket}/{reports.prefix}*",
        })  # fmt: skip
    return {"Version": "2012-10-17", "Statement": statements}


# --------------------------------------------------------------------------------------------- fence function
@dataclass
class RegionSwitchFenceArgs:
    """Inputs of `RegionSwitchFence`."""

    pair: Pair
    """The validated pair; builds the function of `pair.this_role`'s region."""


class RegionSwitchFence(pulumi.ComponentResource):
    """The custom-action function of this half's region: fences/unfences the app state in its replica.

    `manifest`: `functionName`, `functionArn`, `region`, `activatedState`, `steps` (fence, release).
    """

    function_arn: pulumi.Output[str]
    manifest: dict[str, Any]

    def __init__(self, name: str, args: RegionSwitchFenceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:routing:RegionSwitchFence", name, None, opts)
        pair = args.pair
        table, settings = state_table_name(pair), pair.shared.app_state
        if table is None or settings is None:
            raise ValueError("RegionSwitchFence fences the app state: pair.shared.app_state must be declared")
        region, role = pair.this.region, pair.this_role
        partition, account = _account(pair)
        function_name = fence_function_name(pair, role)
        tags = {**pair.shared.tags, "regionpair:pair": pair.shared.name, "regionpair:role": role.value}
        s = settings_of(pair)
        # Only this region's replica: the function runs in the region being activated.
        fence_here = {"Sid": "FenceAppStateHere", "Effect": "Allow",
                      "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
                      "Resource": f"arn:{partition}:dynamodb:{region}:{account}:table/{table}"}  # fmt: skip
        function = logged_function(
            name,
            LoggedFunctionArgs(
                function_name=function_name, region=region, source=HANDLER_SOURCE,
                handler="region_switch_fence.handler", runtime="python3.12", timeout=s.function_timeout_seconds,
                description=f"{pair.shared.name}: ARC Region switch step fencing/unfencing the app state in {region}",
                role_description=f"{pair.shared.name}: Region switch fence function in {region}",
                statements=lambda _role: [fence_here], tags=tags,
                environment={
                    "TABLE_NAME": table, "APP_ID": settings.app_id, "STATE_KEY": KEY_ATTRIBUTE,
                    "ACTIVATED_STATE": activated_state(role), "FENCE_STEP": FENCE_STEP, "RELEASE_STEP": RELEASE_STEP,
                },
            ),
            self,
        )  # fmt: skip
        self.function_arn = function.arn
        self.manifest = (  # a dict of Output leaves: known leaves stay known in preview (docs/policies.md)
            {
                "functionName": function_name,
                "functionArn": function.arn,
                "region": region,
                "activatedState": activated_state(role),
                "steps": [FENCE_STEP, RELEASE_STEP],
            }
        )
        self.register_outputs({"functionArn": self.function_arn, "manifest": self.manifest})


# ----------------------------------------------------------------------------------------------------- plan
@dataclass
class RegionSwitchPlanArgs:
    """Inputs of `RegionSwitchPlan`."""

    pair: Pair
    """The validated pair; only the plan's owner (`region_switch_model.PLAN_OWNER`, the secondary) builds it."""


class RegionSwitchPlan(pulumi.ComponentResource):
    """The Region switch plan of the pair and its least-privilege execution role.

    `manifest` (the parity manifest's `regionSwitch` section): `planName`, `planArn`, `executionRoleArn`,
    `regions`, `primaryRegion`, `recoveryApproach`, `rtoMinutes`, `recordSetIdentifiers` ({region: id}),
    `fenceFunctions` ({region: arn}, empty when the workflows do not fence), `associatedAlarms`, `owner`.
    """

    plan_arn: pulumi.Output[str]
    manifest: dict[str, Any]

    def __init__(self, name: str, args: RegionSwitchPlanArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        pair = args.pair
        if pair.this_role is not PLAN_OWNER:  # before registering anything
            raise ValueError(f"the {PLAN_OWNER.value} owns the Region switch plan; the {pair.this_role.value} reads it")
        super().__init__("regionpair:routing:RegionSwitchPlan", name, None, opts)
        partition, account = _account(pair)
        spec = plan_spec(pair, account)
        problems = check_plan(spec)
        if problems:
            raise ValueError(f"routing.regionSwitch: AWS would refuse the plan: {problems[0]}")
        tags = {**pair.shared.tags, "regionpair:pair": pair.shared.name}
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            name=execution_role_name(pair),
            description=f"{pair.shared.name}: ARC Region switch plan {spec['name']} execution role",
            assume_role_policy=assume_role_policy(SERVICE_PRINCIPAL),
            tags=tags,
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.json_dumps(execution_role_policy(pair, account, partition)),
            opts=child,
        )
        # The plan names its role by ARN (computed from the declaration); use the role's output so the engine
        # orders the plan after the role and its policy (evaluation starts as soon as the plan exists).
        plan = aws.arcregionswitch.Plan(
            f"{name}-plan",
            **_snake({**spec, "executionRole": role.arn}),
            # A global resource: control-plane calls go to the partition's global endpoint whatever this says;
            # explicit, so the stack's ambient region never decides (a change would replace the plan).
            region=pair.this.region,
            tags=tags,
            # The plan's name is fixed and its name, regions and recovery approach replace it (plan.go
            # RequiresReplace): created first, the new plan would collide with the old one's name. A strategy change
            # runs with routing.publishRecords false first, so no record uses the old plan's health checks.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy], delete_before_replace=True),
        )
        self.plan_arn = plan.arn
        self.manifest = (  # a dict of Output leaves: known leaves stay known in preview (docs/policies.md)
            {
                "planName": spec["name"],
                "planArn": plan.arn,
                "executionRoleArn": role.arn,
                "regions": spec["regions"],
                "primaryRegion": spec.get("primaryRegion"),
                "recoveryApproach": recovery_approach(pair),
                "rtoMinutes": rto_minutes(pair),
                "recordSetIdentifiers": {pair.half(r).region: record_set_identifier(pair, r) for r in Role},
                "fenceFunctions": {pair.half(r).region: fence_function_arn(pair, r, account) for r in Role}
                if fences_app_state(pair)
                else {},
                "associatedAlarms": [a["resourceIdentifier"] for a in spec.get("associatedAlarms", [])
                                     if a["alarmType"] == "applicationHealth"],
                "triggerAlarms": {a["mapBlockKey"]: a["resourceIdentifier"] for a in spec.get("associatedAlarms", [])
                                  if a["alarmType"] == "trigger"},
                "triggers": spec.get("triggers", []),
                "owner": PLAN_OWNER.value,
            }
        )
        self.register_outputs({"planArn": self.plan_arn, "manifest": self.manifest})


# ----------------------------------------------------------------------------------------- records (primary)
def plan_health_checks(pair: Pair, plan_arn: pulumi.Input[str]) -> pulumi.Output[dict[str, str]]:
    """The plan's Route 53 health check id per region, for the API's name (data source; the plan must exist).

    Raises `PlanNotReadyError` when a region has no health check id yet (allocation is asynchronous).
    """
    api = pair.shared.api
    assert api is not None
    result = aws.arcregionswitch.get_route53_health_checks_output(plan_arn=plan_arn, region=pair.this.region)

    def by_region(res: Any) -> dict[str, str]:
        found = {
            hc.region: hc.health_check_id
            for hc in res.health_checks or []
            if hc.record_name.rstrip(".") == api.domain_name and hc.hosted_zone_id == pair.shared.dns.hosted_zone_id
            and hc.health_check_id
        }  # fmt: skip
        missing = [pair.half(r).region for r in Role if pair.half(r).region not in found]
        if missing and not pulumi.runtime.is_dry_run():
            raise PlanNotReadyError(
                f"routing.regionSwitch: plan {plan_name(pair)} has no Route 53 health check for {api.domain_name} in "
                f"{', '.join(missing)} yet (Region switch allocates them after creating the plan); run "
                f"`pulumi up -s {pulumi.get_stack()}` again in a few minutes"
            )
        return found

    return result.apply(by_region)


@dataclass
class RegionSwitchRecordsArgs:
    """Inputs of `RegionSwitchRecords`."""

    pair: Pair
    """The validated pair (the primary builds the records)."""
    targets: dict[Role, tuple[pulumi.Input[str], pulumi.Input[str]]]
    """Alias target (regional domain name, its hosted zone id) of each role's API."""
    plan_arn: pulumi.Input[str]
    """The plan's ARN, from the secondary's manifest (`regionSwitch.planArn`)."""


class RegionSwitchRecords(pulumi.ComponentResource):
    """The API name's alias records, one per region, each attached to the plan's health check of its region.

    Failover PRIMARY/SECONDARY for warm standby, latency records for active-active; set identifier = region
    name (Region switch maps record sets to regions by it). `manifest`: the `routing.records` shape of
    `FailoverRouting` plus `planArn`.
    """

    manifest: dict[str, Any]

    def __init__(self, name: str, args: RegionSwitchRecordsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:routing:RegionSwitchRecords", name, None, opts)
        pair, api = args.pair, args.pair.shared.api
        if api is None:
            raise ValueError("RegionSwitchRecords routes the API's name: pair.shared.api must be declared")
        checks = plan_health_checks(pair, args.plan_arn)
        active_passive = recovery_approach(pair) == "activePassive"
        records: list[dict[str, Any]] = []
        if pair.shared.routing.publish_records:  # refuse in preview what Route 53 would refuse (record_guard.py)
            RecordSetGuard(
                f"{name}-record-guard", zone_id=pair.shared.dns.hosted_zone_id, record_name=api.domain_name,
                record_type=RECORD_TYPE, policy="failover" if active_passive else "latency",
                records=[{"setIdentifier": record_set_identifier(pair, r),
                          **({"failover": r.name} if active_passive else {})} for r in Role],
                opts=pulumi.ResourceOptions(parent=self),
            )  # fmt: skip
        for role in Role:
            region = pair.half(role).region
            target_name, target_zone = args.targets[role]
            set_id = record_set_identifier(pair, role)
            if active_passive:
                routing: dict[str, Any] = {"failover_routing_policies": [{"type": role.name}]}
                manifest_routing: dict[str, str] = {"failover": role.name}
            else:
                routing = {"latency_routing_policies": [{"region": region}]}
                manifest_routing = {"latencyRegion": region}
            health_check_id = checks.apply(lambda c, region=region: c.get(region))
            if not pair.shared.routing.publish_records:  # step 1 of a routing migration (docs/day-2.md)
                continue
            aws.route53.Record(
                f"{name}-record-{role.value}",
                zone_id=pair.shared.dns.hosted_zone_id,
                name=api.domain_name,
                type=RECORD_TYPE,
                set_identifier=set_id,
                aliases=[{"name": target_name, "zone_id": target_zone, "evaluate_target_health": True}],
                health_check_id=health_check_id,
                opts=pulumi.ResourceOptions(parent=self),
                **routing,
            )
            records.append({
                "name": api.domain_name, "type": RECORD_TYPE, "setIdentifier": set_id, **manifest_routing,
                "aliasTarget": {"name": target_name, "zoneId": target_zone, "evaluateTargetHealth": True},
                "healthCheckId": health_check_id,
            })  # fmt: skip
        self.manifest = {"mode": "region-switch", "planArn": args.plan_arn, "records": records, "ttl": None,
                         "publishRecords": pair.shared.routing.publish_records}
        self.register_outputs({"manifest": self.manifest})
