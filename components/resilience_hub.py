"""The pair in AWS Resilience Hub, owned by the primary stack in the primary region (optional: `resilienceHub:`).

Resilience Hub cannot read Pulumi state, so this registers the pair as it would a CloudFormation application:
a system, a multi-Region policy with the declared RTO/RPO, a service over both regions on that policy, and an
input source that discovers the resources by the declaration's tags (`components/resilience_hub_model.py`).
The primary owns it as it owns everything that spans both regions; the secondary never builds one. All four are
pulumi-aws 7.51.1 resources (`aws.resiliencehub.V2*`): no dynamic provider is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import Pair, Role
from regionpair.components.resilience_hub_model import multi_region_targets, names, resource_tags


@dataclass
class ResilienceHubAppArgs:
    """Inputs of `ResilienceHubApp`."""

    pair: Pair
    """The validated pair with `resilienceHub:` declared; built by the primary, in the primary region."""


class ResilienceHubApp(pulumi.ComponentResource):
    """System, policy, service and input source of the pair in Resilience Hub."""

    manifest: dict[str, Any]
    """{"system", "policy", "service", "region", "regions", "multiRegion", "serviceArn"}."""

    def __init__(self, name: str, args: ResilienceHubAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        pair = args.pair
        if pair.this_role is not Role.PRIMARY:  # before registering anything
            raise ValueError("the primary owns the Resilience Hub registration; the secondary builds none")
        decl = pair.shared.resilience_hub
        assert decl is not None
        super().__init__("regionpair:observe:ResilienceHubApp", name, None, opts)
        region = pair.this.region
        child = pulumi.ResourceOptions(parent=self)
        tags = {**pair.shared.tags, "regionpair:pair": pair.shared.name}
        n = names(pair)
        targets = multi_region_targets(pair)
        system = aws.resiliencehub.V2System(
            f"{name}-system", name=n["system"], region=region, tags=tags,
            description=f"Region pair {pair.shared.name}: {pair.primary.region} and {pair.secondary.region}",
            opts=child,
        )  # fmt: skip
        policy = aws.resiliencehub.V2Policy(
            f"{name}-policy", name=n["policy"], region=region, tags=tags,
            description=f"{pair.shared.name}: objectives of pair.yaml (RTO {pair.shared.objectives.rto_seconds} s, "
            f"RPO {pair.shared.objectives.rpo_minutes} min)",
            multi_region=aws.resiliencehub.V2PolicyMultiRegionArgs(
                disaster_recovery_approach=targets["disasterRecoveryApproach"],
                rto_in_minutes=targets["rtoInMinutes"], rpo_in_minutes=targets["rpoInMinutes"],
            ),
            opts=child,
        )  # fmt: skip
        service = aws.resiliencehub.V2Service(
            f"{name}-service", name=n["service"], region=region, tags=tags,
            regions=[pair.primary.region, pair.secondary.region], policy_arn=policy.arn,
            permission_model=aws.resiliencehub.V2ServicePermissionModelArgs(invoker_role_name=decl.invoker_role_name),
            associated_systems=[aws.resiliencehub.V2ServiceAssociatedSystemArgs(system_arn=system.arn)],
            opts=child,
        )  # fmt: skip
        aws.resiliencehub.V2InputSource(
            f"{name}-input-source", service_arn=service.arn, region=region,
            resource_configuration=aws.resiliencehub.V2InputSourceResourceConfigurationArgs(
                resource_tags=[aws.resiliencehub.V2InputSourceResourceConfigurationResourceTagArgs(**t)
                               for t in resource_tags(pair)],
            ),
            opts=child,
        )  # fmt: skip
        self.manifest = {
            **n, "region": region, "regions": [pair.primary.region, pair.secondary.region], "multiRegion": targets,
            "serviceArn": service.arn,
        }  # fmt: skip
        self.register_outputs({"manifest": self.manifest})
