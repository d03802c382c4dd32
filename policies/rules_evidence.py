"""Policies of the evidence a pair gives: the pair dashboard, and its registration in AWS Resilience Hub.

- `cloudwatch-dashboard-pair`: with `dashboard: true` (the default), this half registers the CloudWatch dashboard
  `<pair>-pair-<region>` in its own region, whose body shows both of the pair's regions and every widget the
  declaration calls for (the composite and STOP alarms by ARN, SES, SMS, API, replication lag, the STOP metric:
  `components/dashboard_model.py`, the function the component builds from, so policy and program cannot drift);
  the primary also checks the deployed secondary's dashboard through the peer manifest, so "both halves have it"
  is judged where both are visible. A body unknown in preview is undecided there and judged on `pulumi up`.
- `resiliencehub-pair-registration`: with `resilienceHub:` declared, the primary registers a system, a policy
  whose multi-Region targets are the objectives (RTO in minutes rounded up, RPO, the strategy's approach), a
  service over both regions associated with the system, and an input source discovering the pair's tags;
  nothing in the secondary, nothing when not declared (`components/resilience_hub_model.py`).
"""

from __future__ import annotations

import json
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from regionpair.components.dashboard_model import dashboard_body, dashboard_name, widget_regions
from regionpair.components.declaration import Role
from regionpair.components.resilience_hub_model import multi_region_targets, resource_tags
from regionpair.components.resilience_hub_model import names as rh_names
from regionpair.policies import props as P

DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
RH_SYSTEM = "aws:resiliencehub/v2System:V2System"
RH_POLICY = "aws:resiliencehub/v2Policy:V2Policy"
RH_SERVICE = "aws:resiliencehub/v2Service:V2Service"
RH_INPUT_SOURCE = "aws:resiliencehub/v2InputSource:V2InputSource"


def _undecided(what: str) -> UnknownValueError:
    """A verdict that waits for apply: the SDK reports it as advisory "can't run during preview"."""
    err = UnknownValueError("", [])
    err.message = f"{what} is not known until apply; the policy runs again on `pulumi up`"
    return err


def _titles(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for w in body.get("widgets", []):
        props = w.get("properties") or {}
        out[str(props.get("title") or props.get("markdown", ""))[:80]] = props
    return out


def validate_dashboard_pair(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The half's dashboard exists in its region with both regions' widgets; the primary checks the peer's."""
    root = next((r for r in args.resources if r.resource_type == P.ROOT), None)
    if root is None:
        return
    props, pair = P.root_plain(root), P.root_pair(root)
    if pair is None or not pair.shared.dashboard:
        return
    role, region = pair.this_role, pair.this.region
    want = dashboard_name(pair, role)
    found = [(r, p) for r, p in P.of_type(args.resources, DASHBOARD) if p.get("dashboardName") == want]
    if not found:
        report_violation(
            f"{region} has no pair dashboard {want}; build the half with PairDashboard (components/dashboard.py), "
            "or set dashboard: false in pair.yaml",
            root.urn,
        )
    else:
        resource, p = found[0]
        if p.get("region") != region:
            report_violation(f"dashboard {want} is built in {p.get('region')}, not in this half's region {region}: "
                             "each half builds its own through its region's endpoint", resource.urn)  # fmt: skip
        raw = p.get("dashboardBody")
        if P.is_unknown(raw):
            raise _undecided(f"the body of dashboard {want}")
        try:
            body = json.loads(str(raw))
        except ValueError:
            body = {}
        shown = widget_regions(body)
        missing_regions = [r for r in (pair.primary.region, pair.secondary.region) if r not in shown]
        if missing_regions:
            report_violation(f"dashboard {want} shows no widget of {', '.join(missing_regions)}: it must show both "
                             "regions side by side; let PairDashboard build it from the declaration",
                             resource.urn)  # fmt: skip
        expected, deployed = _titles(dashboard_body(pair, role)), _titles(body)
        missing = [t for t in expected if t not in deployed]
        alarms_missing = [a for t, e in expected.items() for a in e.get("alarms", [])
                          if a not in (deployed.get(t) or {}).get("alarms", [])]  # fmt: skip
        if missing or alarms_missing:
            what = "; ".join(filter(None, [
                f"widgets {', '.join(missing)}" if missing else "",
                f"alarms {', '.join(a.rsplit(':', 1)[-1] for a in alarms_missing)}" if alarms_missing else ""]))
            report_violation(f"dashboard {want} lacks what the declaration shows: {what}; let PairDashboard build "
                             "it from the declaration", resource.urn)  # fmt: skip

    if role is Role.PRIMARY:
        peer = P.dig(props, "peerManifest.dashboard")
        twin = dashboard_name(pair, Role.SECONDARY)
        if P.is_unknown(peer):
            return
        ok = isinstance(peer, dict) and peer.get("name") == twin and peer.get("region") == pair.secondary.region
        if not ok:
            report_violation(f"the secondary ({pair.secondary.region}) exports no pair dashboard {twin} in its "
                             "parity manifest; both halves need one (the standby's is the one that answers in an "
                             f"outage): redeploy the secondary (pulumi up -s {pair.this.peer_stack_short})",
                             root.urn)  # fmt: skip
        elif sorted(peer.get("regions") or []) != sorted({pair.primary.region, pair.secondary.region}):
            report_violation(f"the secondary's dashboard {twin} shows {peer.get('regions')}, not both regions; "
                             f"redeploy the secondary (pulumi up -s {pair.this.peer_stack_short})", root.urn)


def validate_resilience_hub(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The declared Resilience Hub registration: primary only, policy from the objectives, both regions, by tags."""
    root = next((r for r in args.resources if r.resource_type == P.ROOT), None)
    if root is None:
        return
    pair = P.root_pair(root)
    if pair is None:
        return
    found = {t: P.of_type(args.resources, t) for t in (RH_SYSTEM, RH_POLICY, RH_SERVICE, RH_INPUT_SOURCE)}
    registered = [r for items in found.values() for r, _ in items]
    if pair.shared.resilience_hub is None or pair.this_role is Role.SECONDARY:
        for r in registered:
            why = ("pair.yaml declares no resilienceHub:" if pair.shared.resilience_hub is None
                   else "the primary stack owns the pair's Resilience Hub registration")  # fmt: skip
            report_violation(f"{r.name} ({r.resource_type.rsplit(':', 1)[-1]}) is registered but {why}", r.urn)
        return
    n, region = rh_names(pair), pair.this.region

    def one(token: str, name: str | None) -> tuple[Any, dict[str, Any]] | None:
        items = [(r, p) for r, p in found[token] if name is None or p.get("name") == name]
        if not items:
            report_violation(f"{region} has no Resilience Hub {token.rsplit(':', 1)[-1]} {name or ''} although "
                             "pair.yaml declares resilienceHub:; build it with ResilienceHubApp", root.urn)  # fmt: skip
            return None
        r, p = items[0]
        if p.get("region") != region:
            report_violation(f"{r.name} is in {p.get('region')}, not the primary region {region}", r.urn)
        return r, p

    policy = one(RH_POLICY, n["policy"])
    if policy is not None:
        want = multi_region_targets(pair)
        got = {k: (int(v) if isinstance(v, float) else v) for k, v in (policy[1].get("multiRegion") or {}).items()}
        if not P.is_unknown(got) and got != want:
            report_violation(f"Resilience Hub policy {n['policy']} has multi-Region targets {got}; the objectives "
                             f"say {want}: let ResilienceHubApp build it from pair.yaml", policy[0].urn)  # fmt: skip
    one(RH_SYSTEM, n["system"])
    service = one(RH_SERVICE, n["service"])
    if service is not None:
        regions = service[1].get("regions")
        both = [pair.primary.region, pair.secondary.region]
        if not P.is_unknown(regions) and sorted(regions or []) != sorted(both):
            report_violation(f"Resilience Hub service {n['service']} spans {regions}, not the pair {both}",
                             service[0].urn)  # fmt: skip
        if not P.dig(service[1], "associatedSystems"):
            report_violation(f"Resilience Hub service {n['service']} is associated with no system; associate "
                             f"{n['system']}", service[0].urn)  # fmt: skip
    source = one(RH_INPUT_SOURCE, None)
    if source is not None:
        tags = P.dig(source[1], "resourceConfiguration.resourceTags")
        if not P.is_unknown(tags) and tags != resource_tags(pair):
            report_violation(f"the Resilience Hub input source discovers by {tags}, not the pair's tags "
                             f"{resource_tags(pair)}: its assessment would miss resources", source[0].urn)


POLICIES = [
    StackValidationPolicy(
        name="cloudwatch-dashboard-pair",
        description="Both halves have the pair dashboard in their own region, each showing both regions' widgets.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_dashboard_pair,
    ),
    StackValidationPolicy(
        name="resiliencehub-pair-registration",
        description="The declared Resilience Hub registration: primary only, policy from the objectives, both "
        "regions, resources discovered by the pair's tags.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_resilience_hub,
    ),
]
