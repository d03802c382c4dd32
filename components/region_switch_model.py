"""`routing.regionSwitch`: the declared settings of an ARC Region switch plan, and the plan computed from a pair.

Pure (no Pulumi, no network): the component (`components/region_switch.py`), the policy pack, the mock cloud and
the ops CLI all compute the plan from these functions, so they cannot disagree. Every limit AWS or the provider
enforces on a plan is in `PLAN_CONSTRAINTS` with its source, and `check_plan` enforces it on the camelCase
inputs the engine registers (what a policy and the mock see).

Sources used below:
- botocore model `arc-region-switch` 2022-07-26 (service-2.json, shipped with botocore 1.44.5): shapes
  `PlanName`, `RegionList`, `PlanRecoveryTimeObjectiveMinutesInteger`, `ExecutionBlockType`, `LambdaList`,
  `RegionToRunIn`, `IamRoleArn`, `S3ReportOutputConfigurationBucketPathString`, `AccountId`.
- pulumi-aws 7.51.1 `arcregionswitch/_inputs.py` docstrings (valid values of recovery approach, workflow
  action, alarm type) and terraform-provider-aws `internal/service/arcregionswitch/plan.go` (OneOf validators;
  name, regions and recovery approach RequiresReplace).
- ARC docs: custom action Lambda block ("two Lambda functions ... one in each of the plan's Regions",
  https://docs.aws.amazon.com/r53recovery/latest/dg/custom-action-lambda-block.html); Lambda payload metadata
  (`InvokedBy`, `PlanArn`, `ExecutionId`, `StepName`, https://docs.aws.amazon.com/arc-region-switch/latest/api/API_Lambdas.html);
  workflows per approach (https://docs.aws.amazon.com/r53recovery/latest/dg/components-rs.html).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from regionpair.components import budgets
from regionpair.components.declaration import DeclarationError, Pair, Role, RoutingMode, Strategy
from regionpair.components.region_switch_settings import (
    ACCOUNT_RE,
    IAM_ROLE_ARN_RE,
    PLAN_NAME_RE,
    RegionSwitchSettings,
)
from regionpair.components.signals_plan import composite_alarm_name

# ------------------------------------------------------------------------------------------ AWS constraints
PLAN_ARN_RE = re.compile(
    r"^arn:aws[a-zA-Z-]*:arc-region-switch::[0-9]{12}:plan/([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?):([a-z0-9]{6})$"
)
REGION_RE = re.compile(r"^[a-z]{2}-[a-z-]+-\d+$")
BUCKET_PATH_RE = re.compile(r"^(?:s3://)?[a-z0-9][a-z0-9-]{1,61}[a-z0-9](?:/[^/ ][^/]*)*/?$")
RTO_MINUTES_RANGE = (1, 10_080)
RECOVERY_APPROACHES = ("activeActive", "activePassive")
WORKFLOW_ACTIONS = ("activate", "deactivate")  # the API also has postRecovery; the provider's OneOf does not
REGION_TO_RUN = ("activatingRegion", "deactivatingRegion", "activeRegion", "inactiveRegion")
ALARM_TYPES = ("applicationHealth", "trigger")
ALARM_CONDITIONS = ("red", "green")
EXECUTION_BLOCK_TYPES = (
    "ARCRegionSwitchPlan", "ARCRoutingControl", "AuroraGlobalDatabase", "CustomActionLambda", "DocumentDb",
    "EC2AutoScaling", "ECSServiceScaling", "EKSResourceScaling", "ManualApproval", "Parallel",
    "RdsCreateCrossRegionReplica", "RdsPromoteReadReplica", "Route53HealthCheck",
)  # fmt: skip
"""Valid values in pulumi-aws 7.51.1's docstring (botocore lists more, e.g. SSMSendCommand: not in the SDK)."""

_BOTO = "botocore arc-region-switch 2022-07-26 service-2.json"


@dataclass(frozen=True)
class Constraint:
    """One rule AWS or the provider enforces on a plan, and where it is written down."""

    key: str
    rule: str
    source: str


_C = Constraint
PLAN_CONSTRAINTS: tuple[Constraint, ...] = (
    _C("name", "1-32 characters, [a-zA-Z0-9] at both ends, letters, digits and '-' inside", f"{_BOTO} PlanName"),
    _C("name/regions/recoveryApproach", "cannot be updated: a change replaces the plan (and its health check ids)",
       "terraform-provider-aws plan.go RequiresReplace; UpdatePlanInput has none of them"),
    _C("regions", "exactly 2 regions, pattern [a-z]{2}-[a-z-]+-\\d+", f"{_BOTO} RegionList (min=max=2), Region"),
    _C("primaryRegion", "one of regions (active/passive)", "ARC docs, create plan: primary and standby Regions"),
    _C("recoveryApproach", "activeActive | activePassive", f"{_BOTO} RecoveryApproach"),
    _C("recoveryTimeObjectiveMinutes", "integer 1-10080", f"{_BOTO} PlanRecoveryTimeObjectiveMinutesInteger"),
    _C("executionRole", "IAM role ARN", f"{_BOTO} IamRoleArn"),
    _C("workflows[].workflowTargetAction", "activate | deactivate", "pulumi-aws 7.51.1 docstring; provider OneOf"),
    _C("workflows[].workflowTargetRegion", "one of regions (active/passive: one activate workflow per region; "
       "active/active: no target region)", "ARC docs, Region switch components (workflow)"),
    _C("steps[].executionBlockType", "one of EXECUTION_BLOCK_TYPES, with the matching *Configs block",
       "pulumi-aws 7.51.1 PlanWorkflowStepArgs docstring"),
    _C("customActionLambdaConfigs[].lambdas", "1-2 functions: one per region of the plan",
       f"{_BOTO} LambdaList; ARC docs custom action Lambda block"),
    _C("customActionLambdaConfigs[].regionToRun", "activatingRegion | deactivatingRegion | activeRegion | "
       "inactiveRegion", f"{_BOTO} RegionToRunIn"),
    _C("customActionLambdaConfigs[].retryIntervalMinutes", "required", f"{_BOTO} CustomActionLambdaConfiguration"),
    _C("*.timeoutMinutes", "integer >= 1", f"{_BOTO} *TimeoutMinutesInteger (min=1)"),
    _C("lambdas[].payload", "in the API, not in pulumi-aws 7.51.1: the function learns its action from StepName "
       "and its own region", "pulumi-aws PlanWorkflowStepCustomActionLambdaConfigLambdaArgs"),
    _C("executionApprovalConfigs[].approvalRole", "IAM role ARN", f"{_BOTO} ExecutionApprovalConfiguration"),
    _C("route53HealthCheckConfigs[]", "hostedZoneId 1-32 chars, recordName 1-1024 chars; zone in the plan's "
       "partition", f"{_BOTO} Route53HealthCheckConfiguration; ARC docs Route 53 health check block"),
    _C("associatedAlarms[].alarmType", "applicationHealth | trigger", "pulumi-aws 7.51.1 docstring"),
    _C("triggers[].action", "activate | deactivate", f"{_BOTO} WorkflowTargetAction (postRecovery: not in the "
       "provider); pulumi-aws 7.51.1 PlanTriggerArgs docstring"),
    _C("triggers[].targetRegion", "one of regions", f"{_BOTO} Trigger.targetRegion"),
    _C("triggers[].conditions", "1-10 conditions, each naming an associated alarm (its key) with condition red | "
       "green", f"{_BOTO} Trigger.conditions (min 1, max 10), TriggerCondition, AlarmCondition"),
    _C("triggers[].conditions[].associatedAlarmName", "an associated alarm of alarmType trigger",
       f"{_BOTO} AssociatedAlarm.alarmType (trigger alarms start executions; applicationHealth ones only report)"),
    _C("triggers[].minDelayMinutesBetweenExecutions", "required integer >= 1", f"{_BOTO} Trigger (required)"),
    _C("reportConfigurations", "at most 1 output; bucketPath (s3://)bucket[/prefix] 3-512 chars; bucketOwner 12 "
       "digits", f"{_BOTO} ReportOutputList (max 1), S3ReportOutputConfiguration"),
)  # fmt: skip


def check_plan(inputs: dict[str, Any]) -> list[str]:
    """Violations of `PLAN_CONSTRAINTS` in a plan's camelCase inputs (empty: AWS would accept it)."""
    bad: list[str] = []
    name = str(inputs.get("name") or "")
    if not PLAN_NAME_RE.match(name):
        bad.append(f"name {name!r}: must be 1-32 characters of letters, digits and '-', alphanumeric at both ends")
    regions = list(inputs.get("regions") or [])
    if len(regions) != 2 or len(set(regions)) != 2 or not all(REGION_RE.match(str(r)) for r in regions):
        bad.append(f"regions {regions}: a plan spans exactly 2 distinct regions")
    approach = inputs.get("recoveryApproach")
    if approach not in RECOVERY_APPROACHES:
        bad.append(f"recoveryApproach {approach!r}: must be one of {RECOVERY_APPROACHES}")
    primary = inputs.get("primaryRegion")
    if primary is not None and primary not in regions:
        bad.append(f"primaryRegion {primary} is not one of regions {regions}")
    rto = inputs.get("recoveryTimeObjectiveMinutes")
    if rto is not None and (int(rto) != rto or not RTO_MINUTES_RANGE[0] <= int(rto) <= RTO_MINUTES_RANGE[1]):
        bad.append(f"recoveryTimeObjectiveMinutes {rto}: must be an integer 1-10080")
    role = str(inputs.get("executionRole") or "")
    if not IAM_ROLE_ARN_RE.match(role):
        bad.append(f"executionRole {role!r} is not an IAM role ARN")
    for w in inputs.get("workflows") or []:
        action, target = w.get("workflowTargetAction"), w.get("workflowTargetRegion")
        if action not in WORKFLOW_ACTIONS:
            bad.append(f"workflow action {action!r}: must be one of {WORKFLOW_ACTIONS}")
        if target is not None and target not in regions:
            bad.append(f"workflow target region {target} is not one of regions {regions}")
        for step in w.get("steps") or []:
            bad += _check_step(step, regions)
    for alarm in inputs.get("associatedAlarms") or []:
        if alarm.get("alarmType") not in ALARM_TYPES:
            bad.append(f"associated alarm {alarm.get('mapBlockKey')}: alarmType must be one of {ALARM_TYPES}")
    trigger_alarms = {a.get("mapBlockKey") for a in inputs.get("associatedAlarms") or []
                      if a.get("alarmType") == "trigger"}  # fmt: skip
    for t in inputs.get("triggers") or []:
        what = f"trigger {t.get('description') or t.get('targetRegion')}"
        if t.get("action") not in WORKFLOW_ACTIONS:
            bad.append(f"{what}: action {t.get('action')!r} must be one of {WORKFLOW_ACTIONS}")
        if t.get("targetRegion") not in regions:
            bad.append(f"{what}: targetRegion {t.get('targetRegion')} is not one of regions {regions}")
        delay = t.get("minDelayMinutesBetweenExecutions")
        if delay is None or int(delay) != delay or int(delay) < 1:
            bad.append(f"{what}: minDelayMinutesBetweenExecutions {delay} must be an integer >= 1")
        conditions = t.get("conditions") or []
        if not 1 <= len(conditions) <= 10:
            bad.append(f"{what}: {len(conditions)} conditions; a trigger has 1-10")
        for c in conditions:
            if c.get("condition") not in ALARM_CONDITIONS:
                bad.append(f"{what}: condition {c.get('condition')!r} must be one of {ALARM_CONDITIONS}")
            if c.get("associatedAlarmName") not in trigger_alarms:
                bad.append(f"{what}: {c.get('associatedAlarmName')!r} is not an associated alarm of type trigger")
    reports = inputs.get("reportConfigurations") or []
    outputs = [o for rc in reports for o in rc.get("reportOutputs") or []]
    if len(outputs) > 1:
        bad.append("reportConfigurations: at most one report output")
    for out in outputs:
        for s3 in out.get("s3Configurations") or []:
            path, owner = str(s3.get("bucketPath") or ""), str(s3.get("bucketOwner") or "")
            if not (3 <= len(path) <= 512 and BUCKET_PATH_RE.match(path)):
                bad.append(f"report bucketPath {path!r}: write s3://<bucket>/<prefix>/ (no dots in the bucket name)")
            if not ACCOUNT_RE.match(owner):
                bad.append(f"report bucketOwner {owner!r}: must be a 12-digit account id")
    return bad


_CONFIG_OF = {
    "CustomActionLambda": "customActionLambdaConfigs",
    "ManualApproval": "executionApprovalConfigs",
    "Route53HealthCheck": "route53HealthCheckConfigs",
    "Parallel": "parallelConfigs",
}


def _check_step(step: dict[str, Any], regions: list[str]) -> list[str]:
    bad: list[str] = []
    kind, name = step.get("executionBlockType"), step.get("name")
    if kind not in EXECUTION_BLOCK_TYPES:
        return [f"step {name}: executionBlockType {kind!r} is not one pulumi-aws 7.51.1 accepts"]
    key = _CONFIG_OF.get(str(kind))
    if key and not step.get(key):
        bad.append(f"step {name}: a {kind} step needs {key}")
    for cfg in step.get("customActionLambdaConfigs") or []:
        lambdas = cfg.get("lambdas") or []
        if not 1 <= len(lambdas) <= 2:
            bad.append(f"step {name}: 1-2 Lambda functions (one per region), not {len(lambdas)}")
        if cfg.get("regionToRun") not in REGION_TO_RUN:
            bad.append(f"step {name}: regionToRun must be one of {REGION_TO_RUN}")
        if cfg.get("retryIntervalMinutes") is None:
            bad.append(f"step {name}: retryIntervalMinutes is required")
    for cfg in step.get("executionApprovalConfigs") or []:
        if not IAM_ROLE_ARN_RE.match(str(cfg.get("approvalRole") or "")):
            bad.append(f"step {name}: approvalRole is not an IAM role ARN")
    for cfg in step.get("route53HealthCheckConfigs") or []:
        if not 1 <= len(str(cfg.get("hostedZoneId") or "")) <= 32 or not 1 <= len(str(cfg.get("recordName") or "")):
            bad.append(f"step {name}: hostedZoneId (1-32) and recordName (1-1024) are required")
        for rs in cfg.get("recordSets") or []:
            if rs.get("region") not in regions:
                bad.append(f"step {name}: record set {rs.get('recordSetIdentifier')} maps to a region not in the plan")
    for cfgs in step.values():
        for cfg in cfgs if isinstance(cfgs, list) else []:
            t = cfg.get("timeoutMinutes") if isinstance(cfg, dict) else None
            if t is not None and int(t) < 1:
                bad.append(f"step {name}: timeoutMinutes must be >= 1")
    return bad


# ------------------------------------------------------------------------------------------- pure functions
PLAN_SUFFIX = "switch"
EXECUTION_ROLE_SUFFIX = "switch-exec"
FENCE_SUFFIX = "switch-fence"
APPROVAL_STEP = "approve"
FENCE_STEP = "fence-app-state"
ROUTE53_STEP = "switch-dns"
RELEASE_STEP = "release-app-state"
PLAN_OWNER = Role.SECONDARY
"""The half that owns the plan (components/region_switch.py argues why)."""
# Region switch flips the health checks it owns itself; Route 53 then answers from the new state. AWS documents
# no bound; we budget the same 30 s our STOP drills observe for a health check to follow its input.
HEALTH_CHECK_FLIP_SECONDS = 30


def with_region_switch(pair: Pair, settings: RegionSwitchSettings | dict[str, Any] | None = None) -> Pair:
    """A copy of `pair` in region-switch mode with these `routing.regionSwitch` settings (tests build pairs so)."""
    if isinstance(settings, dict):
        settings = RegionSwitchSettings.model_validate(settings)
    routing = pair.shared.routing.model_copy(
        update={"mode": RoutingMode.REGION_SWITCH, "region_switch": settings or RegionSwitchSettings()}
    )
    return pair.model_copy(update={"shared": pair.shared.model_copy(update={"routing": routing})})


def settings_of(pair: Pair) -> RegionSwitchSettings:
    """The `routing.regionSwitch` section (defaults when the key is absent)."""
    return pair.shared.routing.region_switch


def plan_name(pair: Pair) -> str:
    """The plan's name: declared, or `<pair>-switch`."""
    return settings_of(pair).plan_name or pair.physical_name(PLAN_SUFFIX)


def execution_role_name(pair: Pair) -> str:
    """IAM role Region switch assumes; created by the owning half, so its name carries that region."""
    return pair.physical_name(EXECUTION_ROLE_SUFFIX, PLAN_OWNER)


def fence_function_name(pair: Pair, role: Role) -> str:
    """The fence function in `role`'s region (each half deploys its own)."""
    return pair.physical_name(FENCE_SUFFIX, role)


def recovery_approach(pair: Pair) -> str:
    """Region switch's approach: activePassive for warm standby, activeActive for active-active."""
    return "activeActive" if pair.shared.strategy is Strategy.ACTIVE_ACTIVE else "activePassive"


def rto_minutes(pair: Pair) -> int:
    """`objectives.rtoSeconds` rounded up to the API's whole minutes (at least 1)."""
    return max(RTO_MINUTES_RANGE[0], math.ceil(pair.shared.objectives.rto_seconds / 60))


def record_set_identifier(pair: Pair, role: Role) -> str:
    """Set identifier of `role`'s record: the region name, so Region switch maps it to the region by itself."""
    return pair.half(role).region


def fences_app_state(pair: Pair) -> bool:
    """Whether the workflows fence/unfence the app state: active/passive pairs that declare one.

    The app states say which single region takes writes; in active-active both do.
    """
    return pair.shared.app_state is not None and recovery_approach(pair) == "activePassive"


def activated_state(role: Role) -> str:
    """The app state once `role`'s region is the active one."""
    return "active" if role is Role.PRIMARY else "failover"


def _arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def fence_function_arn(pair: Pair, role: Role, account: str) -> str:
    """Deterministic ARN of `role`'s fence function (the owner never looks the peer's up)."""
    return _arn("lambda", pair.half(role).region, account, f"function:{fence_function_name(pair, role)}")


def composite_alarm_arns(pair: Pair, account: str) -> dict[Role, str]:
    """The failover signals' composite alarms (empty without `signals:`)."""
    if pair.shared.signals is None:
        return {}
    return {r: _arn("cloudwatch", pair.half(r).region, account, f"alarm:{composite_alarm_name(pair, r)}") for r in Role}


def _steps(pair: Pair, account: str) -> list[dict[str, Any]]:
    s, api = settings_of(pair), pair.shared.api
    assert api is not None  # validate_region_switch
    steps: list[dict[str, Any]] = []
    if s.approval:
        steps.append({
            "name": APPROVAL_STEP, "executionBlockType": "ManualApproval",
            "description": "An approver confirms the switch before anything changes.",
            "executionApprovalConfigs": [
                {"approvalRole": s.approval.approver_role_arn, "timeoutMinutes": s.approval.timeout_minutes}
            ],
        })  # fmt: skip
    lambdas = [{"arn": fence_function_arn(pair, r, account)} for r in Role]

    def fence(name: str, what: str) -> dict[str, Any]:
        return {
            "name": name, "executionBlockType": "CustomActionLambda", "description": what,
            "customActionLambdaConfigs": [{
                "lambdas": lambdas, "regionToRun": "activatingRegion",
                "retryIntervalMinutes": s.retry_interval_minutes, "timeoutMinutes": s.step_timeout_minutes,
            }],
        }  # fmt: skip

    if fences_app_state(pair):
        steps.append(fence(FENCE_STEP, "Fence the app state (read-only) from the region being activated."))
    steps.append({
        "name": ROUTE53_STEP, "executionBlockType": "Route53HealthCheck",
        "description": f"Flip the plan's health checks so {api.domain_name} answers with the activated region.",
        "route53HealthCheckConfigs": [{
            "hostedZoneId": pair.shared.dns.hosted_zone_id, "recordName": api.domain_name,
            "timeoutMinutes": s.step_timeout_minutes,
            "recordSets": [{"recordSetIdentifier": record_set_identifier(pair, r), "region": pair.half(r).region}
                           for r in Role],
        }],
    })  # fmt: skip
    if fences_app_state(pair):
        steps.append(fence(RELEASE_STEP, "Unfence: the activated region's state becomes active/failover."))
    return steps


def plan_spec(pair: Pair, account: str) -> dict[str, Any]:
    """The plan's inputs as the engine registers them (camelCase), computed from the pair and the account id."""
    s = settings_of(pair)
    approach = recovery_approach(pair)
    steps = _steps(pair, account)
    if approach == "activePassive":
        workflows = [
            {"workflowTargetAction": "activate", "workflowTargetRegion": pair.half(r).region,
             "workflowDescription": f"Activate the {r.value} region {pair.half(r).region}.", "steps": steps}
            for r in Role
        ]  # fmt: skip
    else:
        workflows = [
            {"workflowTargetAction": a, "workflowDescription": f"{a.title()} the target region.", "steps": steps}
            for a in WORKFLOW_ACTIONS
        ]
    spec: dict[str, Any] = {
        "name": plan_name(pair),
        "description": f"{pair.shared.name}: switch {pair.shared.api.domain_name if pair.shared.api else 'the API'} "
        "between the pair's regions (regionpair).",
        "executionRole": f"arn:aws:iam::{account}:role/{execution_role_name(pair)}",
        "recoveryApproach": approach,
        "regions": [pair.primary.region, pair.secondary.region],
        "recoveryTimeObjectiveMinutes": rto_minutes(pair),
        "workflows": workflows,
    }
    if approach == "activePassive":
        spec["primaryRegion"] = pair.primary.region
    alarms = composite_alarm_arns(pair, account)
    if alarms:
        spec["associatedAlarms"] = [
            {"mapBlockKey": f"{r.value}-health", "alarmType": "applicationHealth", "resourceIdentifier": arn}
            for r, arn in alarms.items()
        ]
    if s.triggers and alarms:
        spec["associatedAlarms"] += [
            {"mapBlockKey": trigger_alarm_key(r), "alarmType": "trigger", "resourceIdentifier": arn}
            for r, arn in alarms.items()
        ]
        spec["triggers"] = plan_triggers(pair)
    if s.reports:
        path = f"s3://{s.reports.bucket}/{s.reports.prefix}".rstrip("/") + "/"
        s3 = {"bucketPath": path, "bucketOwner": s.reports.bucket_owner or account}
        spec["reportConfigurations"] = [{"reportOutputs": [{"s3Configurations": [s3]}]}]
    return spec


def trigger_alarm_key(role: Role) -> str:
    """The associated alarm (type trigger) of `role`'s composite: what a trigger condition names."""
    return f"{role.value}-trigger"


def plan_triggers(pair: Pair) -> list[dict[str, Any]]:
    """The plan's triggers from `routing.regionSwitch.triggers` (empty when not declared).

    Active/passive: activate the secondary when the primary's composite is red (and, with requireTargetHealthy,
    the secondary's green); with `failback`, the reverse. Active/active: deactivate a region whose composite is
    red (while the other is green, with requireTargetHealthy); with `failback`, activate it again once green.
    """
    t = settings_of(pair).triggers
    if t is None or pair.shared.signals is None:
        return []

    def trigger(action: str, target: Role, red: Role, green: list[Role], what: str) -> dict[str, Any]:
        conditions = [{"associatedAlarmName": trigger_alarm_key(red), "condition": "red"}] + [
            {"associatedAlarmName": trigger_alarm_key(g), "condition": "green"} for g in green]
        return {"action": action, "targetRegion": pair.half(target).region, "conditions": conditions,
                "minDelayMinutesBetweenExecutions": t.min_delay_minutes, "description": what}  # fmt: skip

    out = []
    if recovery_approach(pair) == "activePassive":
        for target in [Role.SECONDARY] + ([Role.PRIMARY] if t.failback else []):
            source = target.peer
            out.append(trigger("activate", target, source, [target] if t.require_target_healthy else [],
                               f"{pair.half(source).region} unhealthy: activate {pair.half(target).region}"))
        return out
    for r in Role:  # failback is refused in active/active (validate_region_switch): re-activate by hand
        out.append(trigger("deactivate", r, r, [r.peer] if t.require_target_healthy else [],
                           f"{pair.half(r).region} unhealthy: deactivate it"))
    return out


def rto_budget(pair: Pair) -> budgets.Budget:
    """Worst case of an approved, successful execution: fence steps, health check flip, alias TTL.

    Each fence step is one function timeout. Approval time is a human's and is not counted: the RTO runs from the
    decision.
    """
    s = settings_of(pair)
    fences = 2 if fences_app_state(pair) else 0
    total = fences * s.function_timeout_seconds + HEALTH_CHECK_FLIP_SECONDS + budgets.ALIAS_TTL_SECONDS
    return budgets.Budget(
        total,
        f"{fences} fence step(s) x {s.function_timeout_seconds} s + {HEALTH_CHECK_FLIP_SECONDS} s health check flip "
        f"+ {budgets.ALIAS_TTL_SECONDS} s TTL = {total} s",
    )


def validate_region_switch(pair: Pair, decl_name: str = "pair.yaml") -> None:
    """Cross-field rules of region-switch mode; raises `DeclarationError` naming the key and the fix."""
    key = f"{decl_name} routing.regionSwitch"
    if pair.shared.api is None:
        raise DeclarationError(f"{decl_name} routing.mode", "region-switch switches the API's name; declare api:")
    name = plan_name(pair)
    if not PLAN_NAME_RE.match(name):
        raise DeclarationError(
            f"{key}.planName", f"the default plan name {name!r} is longer than ARC's 32 characters; set planName"
        )
    budget = rto_budget(pair)
    if budget.seconds is not None and budget.seconds > pair.shared.objectives.rto_seconds:
        raise DeclarationError(
            f"{decl_name} objectives.rtoSeconds",
            f"the plan cannot meet {pair.shared.objectives.rto_seconds} s: {budget.arithmetic}; lower "
            "routing.regionSwitch.functionTimeoutSeconds or raise the objective",
        )
    triggers = settings_of(pair).triggers
    if triggers is not None and triggers.failback and recovery_approach(pair) == "activeActive":
        raise DeclarationError(f"{key}.triggers.failback", "automatic failback is for warm standby (active/passive); "
                               "in active-active re-activate a region with `regionpair failback`")  # fmt: skip
    if settings_of(pair).triggers is not None and pair.shared.signals is None:
        raise DeclarationError(f"{key}.triggers", "triggers start the plan from the composite alarms of the failover "
                                                  "signals; declare signals: (docs/signals-and-cdn.md)")  # fmt: skip
    violations = check_plan(plan_spec(pair, "000000000000"))
    if violations:
        raise DeclarationError(key, violations[0])
