"""Policies of the automatic Region switch (`routing.regionSwitch.triggers`), judged on the registered resources.

- `arc-plan-triggers-on-composites`: a plan starts itself only when the declaration says so (no trigger
  otherwise), and then exactly as `region_switch_model.plan_triggers` computes: each condition names an
  associated alarm of type `trigger`, each such alarm is the failover signals' composite alarm of its region,
  and the composite exists in both regions: the secondary's in the secondary stack (where the plan is), the
  primary's in the primary stack, which reads the plan's trigger alarms from the secondary's parity manifest.
- `arc-plan-trigger-min-delay`: every trigger waits at least `minimumDelayMinutes` (policy config, default 30)
  between automatic executions, so a flapping alarm cannot bounce the pair between regions.

Only active with `routing.mode: region-switch`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from regionpair.components.declaration import Role
from regionpair.components.region_switch_model import plan_triggers, trigger_alarm_key
from regionpair.components.signals_plan import composite_alarm_name
from regionpair.policies import props as P

PLAN = "aws:arcregionswitch/plan:Plan"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
DEFAULT_MINIMUM_DELAY_MINUTES = 30


def _context(args: StackValidationArgs) -> tuple[Any, dict[str, Any], list[tuple[Any, dict[str, Any]]]] | None:
    root = next((r for r in args.resources if r.resource_type == P.ROOT), None)
    if root is None:
        return None
    props = P.root_plain(root)
    if P.dig(props, "declaration.routing.mode") != "region-switch":
        return None
    return root, props, P.of_type(args.resources, PLAN)


def _alarm_region_and_name(arn: Any) -> tuple[str, str] | None:
    parts = str(arn).split(":", 6)
    if len(parts) != 7 or parts[2] != "cloudwatch" or parts[5] != "alarm":
        return None
    return parts[3], parts[6]


def validate_triggers_on_composites(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Triggers only when declared, as declared, on both regions' composite alarms."""
    found = _context(args)
    if found is None:
        return
    root, props, plans = found
    pair = P.root_pair(root)
    if pair is None:
        return
    want = plan_triggers(pair)
    composites = {(p.get("region"), p.get("alarmName")) for _, p in P.of_type(args.resources, COMPOSITE)}
    if pair.this_role is Role.SECONDARY:
        for plan, p in plans:
            got = p.get("triggers") or []
            if P.is_unknown(got):
                continue
            if not want and got:
                report_violation(f"plan {p.get('name')} has {len(got)} trigger(s) but pair.yaml declares no "
                                 "routing.regionSwitch.triggers: automatic execution must be declared",
                                 plan.urn)  # fmt: skip
                continue
            if _normal(got) != _normal(want):
                report_violation(f"plan {p.get('name')}'s triggers differ from routing.regionSwitch.triggers "
                                 f"(registered {_normal(got)}, declared {_normal(want)}); let RegionSwitchPlan "
                                 "build them", plan.urn)  # fmt: skip
            alarms = {a.get("mapBlockKey"): a for a in p.get("associatedAlarms") or []}
            for r in Role if want else ():
                key = trigger_alarm_key(r)
                alarm = alarms.get(key) or {}
                where = _alarm_region_and_name(alarm.get("resourceIdentifier"))
                expected = (pair.half(r).region, composite_alarm_name(pair, r))
                if alarm.get("alarmType") != "trigger" or where != expected:
                    report_violation(f"plan {p.get('name')}: associated alarm {key} must be the {r.value}'s "
                                     f"composite alarm {expected[1]} in {expected[0]} with alarmType trigger, not "
                                     f"{alarm.get('resourceIdentifier')} ({alarm.get('alarmType')})", plan.urn)
        own = (pair.secondary.region, composite_alarm_name(pair, Role.SECONDARY))
        if want and own not in composites:
            report_violation(f"the plan's triggers watch {own[1]} in {own[0]}, which this stack does not register: "
                             "build the half with FailoverSignals", root.urn)  # fmt: skip
        return
    # Primary: the plan lives in the secondary; its trigger alarm on this region must exist here.
    peer = P.dig(props, "peerManifest.regionSwitch") or {}
    if not want or P.is_unknown(peer):
        return
    own = (pair.primary.region, composite_alarm_name(pair, Role.PRIMARY))
    if own not in composites:
        report_violation(f"the plan's triggers watch {own[1]} in {own[0]}, which the primary stack does not "
                         "register: build the half with FailoverSignals", root.urn)  # fmt: skip
    alarms = (peer.get("triggerAlarms") or {}) if isinstance(peer, Mapping) else {}
    named = alarms.get(trigger_alarm_key(Role.PRIMARY))
    if _alarm_region_and_name(named) != own:
        report_violation(f"the deployed secondary's plan does not trigger on {own[1]} in {own[0]} (it names "
                         f"{named}); redeploy the secondary (pulumi up -s {pair.this.peer_stack_short})", root.urn)


def _normal(triggers: Any) -> list[tuple[Any, ...]]:
    out = []
    for t in triggers or []:
        pairs = [(c.get("associatedAlarmName"), c.get("condition")) for c in t.get("conditions") or []]
        conditions = tuple(sorted(pairs))
        out.append((t.get("action"), t.get("targetRegion"), int(t.get("minDelayMinutesBetweenExecutions") or 0),
                    conditions))  # fmt: skip
    return sorted(out)


def validate_trigger_min_delay(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Each trigger waits at least the configured minimum between automatic executions."""
    found = _context(args)
    if found is None:
        return
    root, props, plans = found
    minimum = int((args.get_config() or {}).get("minimumDelayMinutes", DEFAULT_MINIMUM_DELAY_MINUTES))
    seen: list[tuple[Any, str, list[Any]]] = [(plan, str(p.get("name")), p.get("triggers") or []) for plan, p in plans]
    if props.get("role") == "primary":
        peer = P.dig(props, "peerManifest.regionSwitch") or {}
        if isinstance(peer, Mapping):
            seen.append((root, f"{peer.get('planName')} (deployed secondary)", peer.get("triggers") or []))
    for resource, name, triggers in seen:
        if P.is_unknown(triggers):
            continue
        for t in triggers:
            delay = t.get("minDelayMinutesBetweenExecutions")
            if not isinstance(delay, int | float) or delay < minimum:
                report_violation(f"plan {name}: the trigger '{t.get('description')}' waits {delay} min between "
                                 f"automatic executions, less than the minimum {minimum}; raise "
                                 "routing.regionSwitch.triggers.minDelayMinutes (a flapping alarm would bounce the "
                                 "pair between regions)", resource.urn)  # fmt: skip


POLICIES = [
    StackValidationPolicy(
        name="arc-plan-triggers-on-composites",
        description="A Region switch plan starts itself only when declared, from both regions' composite alarms.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_triggers_on_composites,
    ),
    StackValidationPolicy(
        name="arc-plan-trigger-min-delay",
        description="Automatic Region switch executions are at least minimumDelayMinutes apart.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_trigger_min_delay,
        config_schema=PolicyConfigSchema(properties={
            "minimumDelayMinutes": {"type": "integer", "default": DEFAULT_MINIMUM_DELAY_MINUTES, "minimum": 1}}),
    ),
]
