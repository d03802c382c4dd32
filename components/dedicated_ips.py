"""SES dedicated IP pools of this half's region, and the leased IPs this region moves into its standard pools.

Dedicated IPs are attached to one account and one region, so "independent set[s] of IPs are required for each
region" (the Pinpoint and SES multi-region guide): each half creates every declared pool under the same name and
scaling mode, and configuration sets name their pool (`delivery_options.sending_pool_name`), so a set sends
through dedicated IPs in whichever region takes the message.

- `MANAGED` pools: SES leases, scales and warms the IPs from the pool's own traffic (managed dedicated sending).
- `STANDARD` pools: the IPs this account leased in this region (`regionpair:dedicatedIps` of the stack file) are
  moved into the pool with `DedicatedIpAssignment` (`PutDedicatedIpInPool`).

Either way an IP is only warm if it sends: the guide's rule (dedicated IPs need an active-active pair) is the
policy `ses-dedicated-ips-active-active` (policies/rules_messaging.py); `regionpair status` shows the warm-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import Pair


def pool_name(pair: Pair, declared: str) -> str:
    """The pool's physical name, the same in both regions (senders and configuration sets name it)."""
    return pair.physical_name(declared)


@dataclass
class DedicatedIpsArgs:
    """Inputs of `DedicatedIps`."""

    pair: Pair
    """The validated pair; `pair.shared.email.dedicated_ip_pools` lists the pools."""


class DedicatedIps(pulumi.ComponentResource):
    """Every declared dedicated IP pool in this half's region, with this region's leased IPs in its standard pools."""

    pool_names: dict[str, pulumi.Output[str]]
    """Declared pool name -> the pool resource's name (configuration sets depend on the pool through it)."""
    manifest: list[dict[str, Any]]
    """`[{"name", "poolName", "scalingMode", "ips"}]` (docs/messaging.md)."""

    def __init__(self, name: str, args: DedicatedIpsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:email:DedicatedIps", name, None, opts)
        pair = args.pair
        email = pair.shared.email
        assert email is not None
        region = pair.this.region
        tags = {**pair.shared.tags, "regionpair:role": pair.this_role.value}
        self.pool_names = {}
        self.manifest = []
        for decl in email.dedicated_ip_pools:
            pool = aws.sesv2.DedicatedIpPool(
                f"{name}-{decl.name}",
                pool_name=pool_name(pair, decl.name),
                scaling_mode=decl.scaling_mode,
                region=region,
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            ips = [leased.ip for leased in pair.this.dedicated_ips if leased.pool == decl.name]
            for ip in ips:
                aws.sesv2.DedicatedIpAssignment(
                    f"{name}-{decl.name}-{ip.replace('.', '-')}",
                    ip=ip,
                    destination_pool_name=pool.pool_name,
                    region=region,
                    opts=pulumi.ResourceOptions(parent=self),
                )
            self.pool_names[decl.name] = pool.pool_name
            self.manifest.append(
                {"name": decl.name, "poolName": pool_name(pair, decl.name), "scalingMode": decl.scaling_mode,
                 "ips": ips}
            )  # fmt: skip
        self.register_outputs({"manifest": self.manifest})
