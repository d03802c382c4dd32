"""Policies of the failover signals and the CloudFront read path.

- `cloudwatch-alarm-failover-signals`: every region has the alarms the declaration asks for (same metric,
  threshold, region) and its composite alarm; the primary also checks the secondary's composite through the
  peer manifest, so "the composite exists in both regions" is enforced where both halves are visible.
- `cloudfront-origingroup-bucket-pair`: an origin group's two origins are the two halves of one replicated
  bucket pair (same declared bucket, regional S3 endpoints in two different regions).
- `cloudfront-distribution-read-path`: the declared read path exists in the stack that owns it (the
  secondary) with the declared bucket pair and failover codes; the primary sees it in the peer manifest.

The expected alarms come from `components.signals.plan_alarms`, the function the component builds from, so the
policy and the program cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from regionpair.components.cdn_model import bucket_regional_domain, cdn_of
from regionpair.components.declaration import Role
from regionpair.components.signals_plan import composite_alarm_name, plan_alarms
from regionpair.policies.props import peer_manifest, root_pair, root_plain

ROOT_TYPE = "regionpair:index:RegionPairHalf"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"

_S3_REGIONAL = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]+)\.s3\.(?P<region>[a-z]{2}(-[a-z]+)+-\d)\.amazonaws\.com$")


# ------------------------------------------------------------------------------------------------ helpers
def _root(resources: list[PolicyResource]) -> PolicyResource | None:
    return next((r for r in resources if r.resource_type == ROOT_TYPE), None)


def _watched_metrics(props: Mapping[str, Any]) -> set[tuple[str | None, str | None]]:
    """(namespace, metricName) pairs an alarm reads, directly or through metric math."""
    found = {(props.get("namespace"), props.get("metricName"))}
    for q in props.get("metricQueries") or []:
        metric = (q or {}).get("metric") or {}
        found.add((metric.get("namespace"), metric.get("metricName")))
    return found


def _same_number(a: Any, b: float) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(b))
    except (TypeError, ValueError):
        return False


# -------------------------------------------------------------------------------- failover signals (stack)
def validate_failover_signals(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Every declared signal exists in this region, with its metric, threshold and the region's composite."""
    root = _root(args.resources)
    if root is None:
        return
    pair = root_pair(root)
    if pair is None or pair.shared.signals is None:
        return
    role, region = pair.this_role, pair.this.region
    alarms = {r.props.get("name"): r for r in args.resources if r.resource_type == METRIC_ALARM}
    plan = plan_alarms(pair, role)
    for spec in plan:
        name = spec.name(pair, role)
        alarm = alarms.get(name)
        if alarm is None:
            report_violation(
                f"{region} has no alarm {name} ({spec.signal}: {spec.namespace} {spec.metric}) although "
                f"pair.yaml signals.{spec.signal} asks for it; build the half with FailoverSignals "
                f"(components/signals.py) or set signals.{spec.signal}.enabled: false",
                root.urn,
            )
            continue
        problems = []
        if alarm.props.get("region") != region:
            problems.append(f"it is in {alarm.props.get('region')}, not {region}")
        if (spec.namespace, spec.metric) not in _watched_metrics(alarm.props):
            problems.append(f"it does not watch {spec.namespace} {spec.metric}")
        if not _same_number(alarm.props.get("threshold"), spec.threshold):
            problems.append(f"its threshold is {alarm.props.get('threshold')}, the declaration says {spec.threshold}")
        if problems:
            report_violation(
                f"the resource {name} ({alarm.urn}) does not match pair.yaml signals.{spec.signal}: "
                f"{'; '.join(problems)}; it was changed (by hand or by a transform): restore it to "
                f"{spec.namespace} {spec.metric}, threshold {spec.threshold}, in {region}, or change pair.yaml "
                f"signals.{spec.signal}",
                alarm.urn,
            )

    members = [s.name(pair, role) for s in plan if s.in_composite]
    if members:
        expected = composite_alarm_name(pair, role)
        composite = next(
            (r for r in args.resources if r.resource_type == COMPOSITE_ALARM and r.props.get("alarmName") == expected),
            None,
        )
        if composite is None or composite.props.get("region") != region:
            report_violation(
                f"{region} has no composite alarm {expected} summarising its failover signals; operators and "
                "`regionpair status` read it: build the half with FailoverSignals",
                composite.urn if composite else root.urn,
            )
        else:
            rule = str(composite.props.get("alarmRule") or "")
            missing = [m for m in members if f'ALARM("{m}")' not in rule]
            if missing:
                report_violation(
                    f"composite alarm {expected} does not include {', '.join(missing)}; its rule must OR every "
                    "region-level signal",
                    composite.urn,
                )

    if role is Role.PRIMARY and members:
        peer_signals = peer_manifest(root_plain(root)).get("signals") or {}
        composite = peer_signals.get("composite") or {}
        want = composite_alarm_name(pair, Role.SECONDARY)
        if composite.get("name") != want or composite.get("region") != pair.secondary.region:
            report_violation(
                f"the secondary ({pair.secondary.region}) exports no composite alarm {want} in its parity manifest; "
                "both regions need one: redeploy the secondary with signals declared (pulumi up -s "
                f"{pair.this.peer_stack_short})",
                root.urn,
            )


# ---------------------------------------------------------------------------------- origin group (stack)
def _declared_halves(resources: list[PolicyResource]) -> dict[str, tuple[str, Role]]:
    """Regional S3 domain -> (declared bucket, role), from the declaration's own names (`Pair.bucket_name`).

    A stack policy so that it can read the declaration: the physical names are shortened with a hash when long
    and may be the user's own (`bucketNames`), so only the declaration says which two buckets are one pair.
    """
    root = _root(resources)
    pair = root_pair(root) if root is not None else None
    if pair is None:
        return {}
    return {
        bucket_regional_domain(pair, b.name, role): (b.name, role) for b in pair.shared.buckets for role in Role
    }


def validate_origin_group_pair(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Each origin group pairs the two regional halves of one bucket pair.

    Declared buckets are recognized by the names the declaration derives; a bucket the pair does not declare
    (the user's own) must follow `<name>-<region>` for its pairing to be judged.
    """
    declared = _declared_halves(args.resources)
    for dist in (r for r in args.resources if r.resource_type == DISTRIBUTION):
        _check_origin_groups(dist.props, dist.urn, declared, report_violation)


def _check_origin_groups(
    props: Mapping[str, Any], urn: str, declared: dict[str, tuple[str, Role]], report_violation: ReportViolation
) -> None:
    origins = {o.get("originId"): o for o in props.get("origins") or []}
    for group in props.get("originGroups") or []:
        gid = group.get("originId")
        members = [m.get("originId") for m in group.get("members") or []]
        if len(members) != 2:
            report_violation(
                f"origin group {gid} has {len(members)} origins; give it exactly two: the primary region's "
                "bucket and its replica",
                urn,
            )
            continue
        halves = []
        for mid in members:
            domain = str((origins.get(mid) or {}).get("domainName") or "")
            m = _S3_REGIONAL.match(domain)
            if domain in declared and m is not None:  # judged by the declared bucket, shown by its S3 name
                halves.append((declared[domain][0], m["bucket"].removesuffix("-" + m["region"]), m["region"]))
                continue
            if m is None or not m["bucket"].endswith("-" + m["region"]):
                report_violation(
                    f"origin {mid} of group {gid} ({domain or 'no domain'}) is not a regional S3 endpoint of a "
                    "bucket pair half (<bucket>.s3.<region>.amazonaws.com, a bucket pair.yaml declares or one "
                    "named <name>-<region>); use the declared bucket's two halves (components/cdn.py)",
                    urn,
                )
                break
            base = m["bucket"].removesuffix("-" + m["region"])
            halves.append((None, base, m["region"]))
        else:
            (decl_a, base_a, region_a), (decl_b, base_b, region_b) = halves
            if (decl_a, base_a if decl_a is None else "") != (decl_b, base_b if decl_b is None else ""):
                report_violation(
                    f"origin group {gid} pairs {base_a} with {base_b}: its origins must be the two halves of one "
                    "replicated bucket pair, or failover serves different content",
                    urn,
                )
            elif region_a == region_b:
                report_violation(
                    f"origin group {gid} has both origins in {region_a}: put the secondary origin on the replica "
                    "in the peer region, or the group cannot survive a regional outage",
                    urn,
                )


# ---------------------------------------------------------------------------------- read path (stack)
def validate_read_path(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The declared read path exists in its owning stack (secondary) and in the primary's view of the peer."""
    root = _root(args.resources)
    if root is None:
        return
    pair = root_pair(root)
    cdn = cdn_of(pair) if pair else None
    if pair is None or cdn is None:
        return
    want = {role: bucket_regional_domain(pair, cdn.bucket, role) for role in Role}
    if pair.this_role is Role.PRIMARY:
        group = (peer_manifest(root_plain(root)).get("cdn") or {}).get("originGroup") or {}
        if group.get("primary") != want[Role.PRIMARY] or group.get("secondary") != want[Role.SECONDARY]:
            report_violation(
                f"pair.yaml cdn declares a read path over {cdn.bucket}, but the secondary's parity manifest has "
                f"no matching cdn.originGroup ({group or 'none'}); the secondary owns the distribution: redeploy "
                f"it (pulumi up -s {pair.this.peer_stack_short})",
                root.urn,
            )
        return
    for dist in (r for r in args.resources if r.resource_type == DISTRIBUTION):
        origins = {o.get("originId"): o.get("domainName") for o in dist.props.get("origins") or []}
        for group in dist.props.get("originGroups") or []:
            members = [origins.get(m.get("originId")) for m in group.get("members") or []]
            if members == [want[Role.PRIMARY], want[Role.SECONDARY]]:
                codes = set((group.get("failoverCriteria") or {}).get("statusCodes") or [])
                missing = sorted(set(cdn.failover_status_codes) - {int(c) for c in codes})
                if missing:
                    report_violation(
                        f"origin group {group.get('originId')} does not fail over on {missing} declared in "
                        "pair.yaml cdn.failoverStatusCodes; build it with ReadPath (components/cdn.py)",
                        dist.urn,
                    )
                return
    report_violation(
        f"pair.yaml cdn declares a read path over {cdn.bucket}, but no distribution in this stack has an origin "
        f"group {want[Role.PRIMARY]} -> {want[Role.SECONDARY]}; build the half with ReadPath (components/cdn.py)",
        root.urn,
    )


POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    StackValidationPolicy(
        name="cloudwatch-alarm-failover-signals",
        description="Each region has the failover alarms pair.yaml's signals section asks for, and a composite "
        "alarm over its region-level signals; the primary checks the secondary's composite too.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_failover_signals,
    ),
    StackValidationPolicy(
        name="cloudfront-origingroup-bucket-pair",
        description="A CloudFront origin group's two origins are the two regional halves of one replicated "
        "bucket pair, in different regions.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_origin_group_pair,
    ),
    StackValidationPolicy(
        name="cloudfront-distribution-read-path",
        description="The read path pair.yaml's cdn section declares exists in the secondary (its owner) with the "
        "declared bucket pair and failover status codes, and the primary sees it in the peer manifest.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_read_path,
    ),
]
"""Registered in the pack by the policy helper."""
