"""Policies of `routing.mode: region-switch`, judged on the registered resources.

- `arc-plan-spans-pair`: the plan (secondary stack) spans exactly the pair's two regions, with the approach of
  the declared strategy, and AWS would accept it (`check_plan`, the constraint table with sources); the primary
  sees the plan through the peer manifest.
- `arc-plan-rto-within-objective`: the plan's RTO is at most `objectives.rtoSeconds` (in the API's minutes) and
  the worst case of its automated steps (fence function timeouts, health check flip, TTL) fits the objective.
- `route53-records-on-plan-health-checks`: the API name's records (primary stack) are one per region of the
  plan, each with a health check that is not one this stack made itself (Region switch owns them). Whether an
  id really is the plan's can only be read from AWS (`ListRoute53HealthChecksInRegion`): not judged here.
- `arc-execution-role-least-privilege`: the role Region switch assumes trusts only its service principal and its
  policies allow only the documented actions, never on `*`.

Only active when the root component's declaration says `routing.mode: region-switch`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from regionpair.components.region_switch_model import HEALTH_CHECK_FLIP_SECONDS, check_plan
from regionpair.policies import props as P

PLAN = "aws:arcregionswitch/plan:Plan"
MODE = "region-switch"
SERVICE_PRINCIPAL = "arc-region-switch.amazonaws.com"
# Every action the ARC Region switch IAM docs ask of an execution role for the blocks this project uses
# (components/region_switch.py lists the pages).
EXECUTION_ROLE_ACTIONS = frozenset({
    "arc-region-switch:GetPlan", "arc-region-switch:GetPlanExecution", "arc-region-switch:ListPlanExecutions",
    "iam:SimulatePrincipalPolicy", "route53:ListResourceRecordSets", "lambda:GetFunction", "lambda:InvokeFunction",
    "cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory", "s3:PutObject",
})  # fmt: skip


def _resources(args: StackValidationArgs) -> list[PolicyResource]:
    return list(args.resources)


def _mode_on(root: Mapping[str, Any] | None) -> bool:
    return bool(root) and P.dig(root, "declaration.routing.mode") == MODE


def _plans(resources: list[PolicyResource]) -> list[tuple[PolicyResource, dict[str, Any]]]:
    return [(r, P.plain(r.props)) for r in resources if r.resource_type == PLAN]


def _peer_plan(root: Mapping[str, Any]) -> Mapping[str, Any] | None:
    peer = root.get("peerManifest")
    return P.dig(peer, "regionSwitch") if isinstance(peer, Mapping) else None


# --------------------------------------------------------------------------------------------- spans the pair
def validate_plan_spans_pair(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The plan covers both regions of the pair, with the strategy's approach, and passes AWS's constraints."""
    resources = _resources(args)
    root = P.root_props(resources)
    if not _mode_on(root):
        return
    assert root is not None
    pair_regions = sorted([root.get("region"), root.get("peerRegion")])
    approach = "activeActive" if P.dig(root, "declaration.strategy") == "active-active" else "activePassive"
    plans = _plans(resources)
    if root.get("role") == "primary":
        seen = _peer_plan(root)
        if not plans and isinstance(seen, Mapping) and sorted(seen.get("regions") or []) != pair_regions:
            report_violation(f"the secondary's plan spans {seen.get('regions')}, not the pair {pair_regions}", None)
        return
    if not plans:
        report_violation("routing.mode is region-switch but this stack (the plan's owner) registers no plan", None)
    for resource, props in plans:
        if P.is_unknown(props.get("regions")):
            continue
        if sorted(props.get("regions") or []) != pair_regions:
            report_violation(f"plan spans {props.get('regions')}, not the pair {pair_regions}", resource.urn)
        if props.get("recoveryApproach") != approach:
            report_violation(
                f"plan is {props.get('recoveryApproach')} but strategy {P.dig(root, 'declaration.strategy')} "
                f"needs {approach}",
                resource.urn,
            )
        for problem in check_plan({k: v for k, v in props.items() if not P.is_unknown(v)} | {
            "executionRole": props.get("executionRole") if not P.is_unknown(props.get("executionRole"))
            else "arn:aws:iam::000000000000:role/unknown"
        }):  # fmt: skip
            report_violation(f"AWS would refuse the plan: {problem}", resource.urn)


# -------------------------------------------------------------------------------------------------- RTO
def validate_plan_rto(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The plan's RTO is within the objective, and its automated steps can meet it."""
    resources = _resources(args)
    root = P.root_props(resources)
    if not _mode_on(root):
        return
    assert root is not None
    objective = int(P.dig(root, "declaration.objectives.rtoSeconds", 300))
    limit = math.ceil(objective / 60)
    for resource, props in _plans(resources):
        rto = props.get("recoveryTimeObjectiveMinutes")
        if rto is None:
            report_violation(f"the plan has no RTO; set {limit} min (objectives.rtoSeconds)", resource.urn)
            continue
        if not P.is_unknown(rto) and int(rto) > limit:
            report_violation(f"the plan's RTO {int(rto)} min exceeds objectives.rtoSeconds {objective} s", resource.urn)
        activate = [w for w in props.get("workflows") or [] if w.get("workflowTargetAction") == "activate"]
        steps = activate[0].get("steps") or [] if activate else []
        lambda_steps = sum(1 for st in steps if st.get("executionBlockType") == "CustomActionLambda")
        # Lambda's default timeout is 3 s; the fence functions of this stack say theirs.
        fences = [p for _, p in P.of_type(resources, P.LAMBDA) if "switch-fence" in str(p.get("name"))]
        fn = max((int(p.get("timeout") or 3) for p in fences), default=3)
        worst = lambda_steps * fn + HEALTH_CHECK_FLIP_SECONDS + 60
        if worst > objective:
            report_violation(
                f"worst case {lambda_steps} fence step(s) x {fn} s + {HEALTH_CHECK_FLIP_SECONDS} s health check flip "
                f"+ 60 s TTL = {worst} s exceeds objectives.rtoSeconds {objective} s",
                resource.urn,
            )


# ----------------------------------------------------------------------------------------------- records
def validate_records_on_plan_health_checks(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Primary: one record per plan region for the API name, each on a health check this stack did not make."""
    resources = _resources(args)
    root = P.root_props(resources)
    if not _mode_on(root) or (root or {}).get("role") != "primary":
        return
    assert root is not None
    if P.dig(root, "declaration.routing.publishRecords") is False:  # step 1 of a migration (docs/day-2.md)
        return
    name = P.dig(root, "declaration.api.domainName")
    regions = sorted([root.get("region"), root.get("peerRegion")])
    # A health check this stack registered: AnalyzeStack shows its outputs, whose ARN ends in the id.
    own_checks = {str(p.get("arn", "")).rsplit("/", 1)[-1] for _, p in P.of_type(resources, P.HEALTH_CHECK)} - {""}
    records = [(r, p) for r, p in P.of_type(resources, P.RECORD) if str(p.get("name", "")).rstrip(".") == name]
    ids = sorted(str(p.get("setIdentifier")) for _, p in records)
    if ids != regions:
        report_violation(
            f"{name} has records {ids}; region-switch needs one per region of the plan, set identifier = region "
            f"({regions}) so Region switch maps them",
            records[0][0].urn if records else None,
        )
    for resource, props in records:
        hc = props.get("healthCheckId")
        if hc is P.UNKNOWN:
            continue
        if not hc:
            what = f"record {props.get('setIdentifier')} of {name} has no health check: the plan could never move"
            report_violation(f"{what} traffic; attach the plan's health check for its region", resource.urn)
        elif hc in own_checks:
            report_violation(f"record {props.get('setIdentifier')} of {name} uses a health check this stack made; "
                             "use the plan's (get_route53_health_checks)", resource.urn)  # fmt: skip


# ------------------------------------------------------------------------------------------ execution role
def _doc(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return dict(value) if isinstance(value, Mapping) else None


def validate_execution_role(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The Region switch execution role trusts only Region switch and allows only documented actions, scoped."""
    resources = _resources(args)
    if not _mode_on(P.root_props(resources)):
        return
    roles: set[str] = set()
    for resource, props in P.of_type(resources, P.ROLE):
        trust = _doc(props.get("assumeRolePolicy")) or {}
        principals = [P.dig(s, "Principal.Service") for s in trust.get("Statement") or []]
        if any(SERVICE_PRINCIPAL in P.as_list(p) for p in principals):
            roles.add(str(props.get("name")))
            if principals != [SERVICE_PRINCIPAL]:
                what = f"the execution role trusts {principals}"
                report_violation(f"{what}; trust only {SERVICE_PRINCIPAL}", resource.urn)
    for resource, props in P.of_type(resources, P.ROLE_POLICY):
        if str(props.get("role")) not in roles:
            continue
        doc = _doc(props.get("policy"))
        if doc is None:
            continue
        for s in doc.get("Statement") or []:
            if s.get("Effect") != "Allow":
                continue
            extra = sorted(set(P.as_list(s.get("Action"))) - EXECUTION_ROLE_ACTIONS)
            if extra:
                report_violation(f"{s.get('Sid', 'a statement')} allows {extra}, beyond what Region switch needs",
                                 resource.urn)  # fmt: skip
            if "*" in P.as_list(s.get("Resource")):
                report_violation(f"{s.get('Sid', 'a statement')} allows Resource \"*\"; scope it to the plan's ARNs",
                                 resource.urn)  # fmt: skip


MANDATORY = EnforcementLevel.MANDATORY
POLICIES = [
    StackValidationPolicy(
        name="arc-plan-spans-pair",
        description="The Region switch plan spans the pair's two regions with the strategy's approach and passes "
        "the API's constraints.",
        enforcement_level=MANDATORY,
        validate=validate_plan_spans_pair,
    ),
    StackValidationPolicy(
        name="arc-plan-rto-within-objective",
        description="The plan's RTO is within objectives.rtoSeconds and its automated steps can meet it.",
        enforcement_level=MANDATORY,
        validate=validate_plan_rto,
    ),
    StackValidationPolicy(
        name="route53-records-on-plan-health-checks",
        description="In region-switch mode the API name has one record per plan region, each on a health check "
        "the plan owns (not one the stack made).",
        enforcement_level=MANDATORY,
        validate=validate_records_on_plan_health_checks,
    ),
    StackValidationPolicy(
        name="arc-execution-role-least-privilege",
        description="The Region switch execution role trusts only arc-region-switch.amazonaws.com and allows only "
        "the documented actions, never on '*'.",
        enforcement_level=MANDATORY,
        validate=validate_execution_role,
    ),
]
