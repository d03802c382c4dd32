"""Control-plane independence in `regionpair audit --control-plane`.

moto's Route 53 does not report hosted zone features (accelerated recovery) and moto has no arc-region-switch:
botocore's Stubber (the real service models) answers `GetHostedZone` and `ListPlansInRegion`.
"""

from __future__ import annotations

import boto3
from botocore.stub import Stubber

from regionpair.components.region_switch_model import with_region_switch
from regionpair.ops import independence
from regionpair.ops.context import PairContext

ARN = "arn:aws:arc-region-switch::123456789012:plan/notify-switch:ab0ad5"


def zone(stub, ctx, status=None):
    hosted = {"Id": f"/hostedzone/{ctx.hosted_zone_id}", "Name": "example.com.", "CallerReference": "r"}
    if status:
        hosted["Features"] = {"AcceleratedRecoveryStatus": status}
    stub.add_response("get_hosted_zone", {"HostedZone": hosted, "DelegationSet": {"NameServers": ["ns-1.example"]}},
                      {"Id": ctx.hosted_zone_id})  # fmt: skip


def test_accelerated_recovery_enabled_passes_else_the_fix_is_named(ctx):
    route53 = boto3.client("route53", region_name="us-east-1")
    with Stubber(route53) as stub:
        zone(stub, ctx, "ENABLED")
        zone(stub, ctx, "DISABLED")
        zone(stub, ctx)
        assert independence.accelerated_recovery(route53, ctx) == []
        [disabled] = independence.accelerated_recovery(route53, ctx)
        [unreported] = independence.accelerated_recovery(route53, ctx)
    assert disabled.policy == "control-plane-independence"
    assert disabled.message.startswith("accelerated recovery is DISABLED")
    assert f"--hosted-zone-id {ctx.hosted_zone_id} --enable-accelerated-recovery" in disabled.message
    assert "not enabled (not reported)" in unreported.message
    assert not disabled.undecided


def test_an_unreadable_zone_is_undecided_not_a_pass(ctx):
    route53 = boto3.client("route53", region_name="us-east-1")
    with Stubber(route53) as stub:
        stub.add_client_error("get_hosted_zone", "AccessDenied", "denied", 403)
        [finding] = independence.accelerated_recovery(route53, ctx)
    assert finding.undecided
    assert "AccessDenied" in finding.message


class Arc:
    """arc-region-switch clients behind Stubbers, one per region."""

    def __init__(self):
        self.clients, self.stubs = {}, {}

    def get(self, service, region=None):
        assert service == "arc-region-switch"
        if region not in self.clients:
            self.clients[region] = boto3.client(service, region_name=region)
            self.stubs[region] = Stubber(self.clients[region])
            self.stubs[region].activate()
        return self.clients[region]


def test_the_plan_must_be_reachable_through_each_regions_data_plane(ctx):
    rs = PairContext(with_region_switch(ctx.pair), ctx.config_dir)
    arc = Arc()
    plan = {"arn": ARN, "owner": "123456789012", "name": "notify-switch", "regions": list(ctx.regions),
            "recoveryApproach": "activePassive"}  # fmt: skip
    arc.get("arc-region-switch", ctx.standby_region)
    arc.stubs[ctx.standby_region].add_response("list_plans_in_region", {"plans": [plan]}, {})
    arc.get("arc-region-switch", ctx.primary_region)
    arc.stubs[ctx.primary_region].add_client_error("list_plans_in_region", "ServiceUnavailable", "down", 503)
    [finding] = independence.plan_reachable(arc, rs)
    assert finding.subject == f"Region switch plan notify-switch in {ctx.primary_region}"
    assert f"cannot be reached through {ctx.primary_region}'s data plane" in finding.message
    assert independence.plan_reachable(arc, ctx) == [], "STOP mode: no plan to reach"
