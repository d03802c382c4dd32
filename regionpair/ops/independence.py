"""Control-plane independence, read from the live account: what a failover needs must not need the failed region.

`regionpair audit --control-plane` adds these findings (policy name `control-plane-independence`):
- **Route 53 accelerated recovery** on the pair's hosted zone: Route 53's control plane (record changes) is
  served from us-east-1; with accelerated recovery the zone's records can still be changed when us-east-1 is
  impaired (Route 53 `UpdateHostedZoneFeatures` `EnableAcceleratedRecovery`; `GetHostedZone` reports
  `HostedZone.Features.AcceleratedRecoveryStatus`, botocore route53 2013-04-01 shapes HostedZoneFeatures,
  AcceleratedRecoveryStatus; pulumi-aws 7.51.1 `route53.Zone.enable_accelerated_recovery`). The STOP failover
  itself publishes a metric (data plane) and does not need it; any record change during an outage does.
- **Region switch** (`routing.mode: region-switch`): the plan is found through each region's own data plane
  (`ListPlansInRegion` in the region being activated), the way `regionpair failover` starts it; a plan that only
  one region's endpoint can see cannot be started from the other.
Reads only.
"""

from __future__ import annotations

from typing import Any

from regionpair.components.declaration import Role, RoutingMode
from regionpair.components.region_switch_model import plan_name
from regionpair.ops import region_switch
from regionpair.ops.context import PairContext
from regionpair.ops.errors import AWS_ERRORS, reason
from regionpair.policies.compare import Finding

POLICY = "control-plane-independence"
ENABLED = "ENABLED"


def accelerated_recovery(route53: Any, ctx: PairContext) -> list[Finding]:
    """A finding unless the hosted zone reports accelerated recovery ENABLED."""
    zone = ctx.hosted_zone_id
    subject = f"hosted zone {zone} ({ctx.pair.shared.dns.zone_name})"
    try:
        found = route53.get_hosted_zone(Id=zone)["HostedZone"]
    except AWS_ERRORS as err:
        return [Finding(POLICY, f"cannot read the zone ({reason(err)}); check route53:GetHostedZone and rerun",
                        subject, undecided=True)]  # fmt: skip
    status = (found.get("Features") or {}).get("AcceleratedRecoveryStatus")
    if status == ENABLED:
        return []
    now = f"accelerated recovery is {status}" if status else "accelerated recovery is not enabled (not reported)"
    fix = f"aws route53 update-hosted-zone-features --hosted-zone-id {zone} --enable-accelerated-recovery"
    return [Finding(POLICY, f"{now}: record changes need Route 53's control plane in us-east-1, which may be down in "
                    f"the outage you fail over for; enable it: {fix} (or the zone's enable_accelerated_recovery in "
                    "Pulumi)", subject)]  # fmt: skip


def plan_reachable(clients: Any, ctx: PairContext) -> list[Finding]:
    """Region switch: the plan is found through each region's data plane (activating either must work)."""
    if ctx.pair.shared.routing.mode is not RoutingMode.REGION_SWITCH:
        return []
    name = plan_name(ctx.pair)
    out = []
    for role in (Role.SECONDARY, Role.PRIMARY):
        region = ctx.region_of(role)
        try:
            region_switch.find_plan(clients.get(region_switch.SERVICE, region), name)
        except region_switch.RegionSwitchError as err:
            out.append(Finding(POLICY, f"the plan cannot be reached through {region}'s data plane, so activating "
                               f"{region} would fail: {err}", f"Region switch plan {name} in {region}"))  # fmt: skip
    return out


def findings(clients: Any, ctx: PairContext) -> list[Finding]:
    """Every control-plane independence finding of the live pair."""
    return accelerated_recovery(clients.get("route53"), ctx) + plan_reachable(clients, ctx)
