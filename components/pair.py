"""The root component of one half: builds every declared capability in this stack's region."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from regionpair.components.api import ExistingApi, ExistingApiArgs, RegionalApi, RegionalApiArgs
from regionpair.components.app_state import AppStateStore, AppStateStoreArgs
from regionpair.components.bucket import ReplicatedBucket, ReplicatedBucketArgs
from regionpair.components.cdn import ReadPath, ReadPathArgs
from regionpair.components.dashboard import PairDashboard, PairDashboardArgs
from regionpair.components.declaration import Pair, Role, RoutingMode
from regionpair.components.email import EmailIdentities, EmailIdentitiesArgs
from regionpair.components.event_replication import EventReplication, EventReplicationArgs
from regionpair.components.identity import IdentityDirectory, IdentityDirectoryArgs, UserPoolHalf, UserPoolHalfArgs
from regionpair.components.inventory import Inventory
from regionpair.components.peer import Peer
from regionpair.components.region_switch import (
    RegionSwitchFence,
    RegionSwitchFenceArgs,
    RegionSwitchPlan,
    RegionSwitchPlanArgs,
    RegionSwitchRecords,
    RegionSwitchRecordsArgs,
)
from regionpair.components.region_switch_model import fences_app_state
from regionpair.components.resilience_hub import ResilienceHubApp, ResilienceHubAppArgs
from regionpair.components.routing import FailoverRouting, FailoverRoutingArgs
from regionpair.components.signals import FailoverSignals, FailoverSignalsArgs
from regionpair.components.sms import SmsOrigination, SmsOriginationArgs
from regionpair.components.table import GlobalTable, GlobalTableArgs


@dataclass
class RegionPairHalfArgs:
    """Inputs of a half."""

    pair: Pair
    """The validated pair declaration; the half built is `pair.this_role`."""
    config_dir: Path | None = None
    """Where the pair was loaded from (the API's `code` is relative to its pair.yaml); default: the working dir."""


class RegionPairHalf(pulumi.ComponentResource):
    """One half of the pair. Its inputs carry the declaration and (primary) the peer's manifest for policies."""

    manifest: dict[str, Any]
    """The parity manifest of this half (docs/parity-manifest.md): a plain dict whose leaves are Outputs, so the
    SDK serializes each leaf on its own and a preview keeps every known leaf known (one `Output` of the whole
    dict would be unknown as soon as any ARN is)."""

    def __init__(self, name: str, args: RegionPairHalfArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        pair = args.pair
        peer = Peer(pair) if pair.this_role is Role.PRIMARY else None
        # What the policy pack reads from the root, as input and (below) as registered outputs.
        for_policies = {
            "role": pair.this_role.value,
            "region": pair.this.region,
            "peerRegion": pair.peer.region,
            "declaration": pair.shared.model_dump(mode="json", by_alias=True, exclude_none=True),
            "halves": _halves(pair),
            "peerManifest": peer.manifest_json if peer else None,  # JSON text (Peer.manifest_json says why)
        }
        # Every resource built under this half, with all its inputs, for deny-by-default parity (docs/parity.md).
        inventory = Inventory()
        super().__init__(
            "regionpair:index:RegionPairHalf",
            name,
            {**for_policies, "peerStack": pair.this.peer_stack},
            pulumi.ResourceOptions.merge(opts, inventory.options()),
        )
        s = pair.shared
        child = pulumi.ResourceOptions(parent=self)
        parts: dict[str, Any] = {}
        email = None
        if s.email:
            email = EmailIdentities(f"{name}-email", EmailIdentitiesArgs(pair=pair, peer=peer), child)
            parts["email"] = email.manifest
            if s.email.replicate_events:
                EventReplication(
                    f"{name}-event-replication", EventReplicationArgs(pair=pair, topic_arns=email.topic_arns), child
                )
        if s.sms:
            parts["sms"] = SmsOrigination(f"{name}-sms", SmsOriginationArgs(pair=pair), child).manifest
        # The read path belongs to the secondary (docs/signals-and-cdn.md): it is built from computed names,
        # before the buckets, so both buckets' policies can name the distribution that may read them.
        read_path = ReadPath(f"{name}-cdn", ReadPathArgs(pair=pair), child) if s.cdn is not None else None
        if read_path is not None:
            parts["cdn"] = read_path.manifest
        reader: pulumi.Input[str] | None = None
        if read_path is not None and pair.this_role is Role.SECONDARY:
            reader = read_path.distribution_arn
        elif s.cdn is not None and peer is not None:
            reader = peer.get("cdn", "distributionArn")
        cdn_bucket = s.cdn.bucket if s.cdn is not None else None
        buckets = {
            b.name: ReplicatedBucket(
                f"{name}-bucket-{b.name}",
                ReplicatedBucketArgs(
                    pair=pair, bucket=b, peer=peer, cdn_distribution_arn=reader if b.name == cdn_bucket else None
                ),
                child,
            )
            for b in s.buckets
        }
        parts["buckets"] = [b.manifest for b in buckets.values()]
        parts["tables"] = [
            GlobalTable(f"{name}-table-{t.name}", GlobalTableArgs(pair=pair, table=t), child).manifest for t in s.tables
        ]
        app_state = None
        if s.app_state:
            app_state = AppStateStore(f"{name}-state", AppStateStoreArgs(pair=pair), child)
            parts["appState"] = app_state.manifest
        if s.identity is not None and email is not None:  # validated: identity needs email
            pools = UserPoolHalf(f"{name}-identity", UserPoolHalfArgs(
                pair=pair, depends_on=[email],
                identity_arns={d["domain"]: d["identityArn"] for d in email.manifest["domains"]}), child)  # fmt: skip
            parts["identity"] = pools.manifest
            if peer is not None and app_state is not None and app_state.table is not None:
                IdentityDirectory(f"{name}-identity-directory", IdentityDirectoryArgs(
                    pair=pair, this=pools, peer=peer, table=app_state.table), child)  # fmt: skip
        api: RegionalApi | ExistingApi | None = None
        if s.api and not s.api.builds:  # api.endpoints: existing: each stack file names its region's endpoint
            api = ExistingApi(f"{name}-api", ExistingApiArgs(pair=pair), child)
        elif s.api:
            api = RegionalApi(
                f"{name}-api", RegionalApiArgs(pair=pair, app_state=app_state, config_dir=args.config_dir), child
            )
        if api is not None:
            parts["api"] = api.manifest
            if s.routing.mode is RoutingMode.REGION_SWITCH:
                parts.update(_region_switch(name, pair, api, peer, child))
            else:
                routing = FailoverRouting(
                    f"{name}-routing", FailoverRoutingArgs(pair=pair, api=api, peer=peer), child
                )
                parts["routing"] = routing.manifest
        if s.signals is not None:
            parts["signals"] = FailoverSignals(
                f"{name}-signals",
                FailoverSignalsArgs(pair=pair, api=api if isinstance(api, RegionalApi) else None),
                child,
            ).manifest
        if s.resilience_hub is not None and pair.this_role is Role.PRIMARY:
            parts["resilienceHub"] = ResilienceHubApp(
                f"{name}-resilience-hub", ResilienceHubAppArgs(pair=pair), child
            ).manifest
        if s.dashboard:
            parts["dashboard"] = PairDashboard(f"{name}-dashboard", PairDashboardArgs(pair=pair), child).manifest
        self.manifest = {
            "schemaVersion": 1,
            "pair": pair.shared.name,
            "role": pair.this_role.value,
            "region": pair.this.region,
            "peerRegion": pair.peer.region,
            "strategy": pair.shared.strategy.value,
            # What this half was deployed from: the peer, `regionpair diff` and the pack compare it with today's.
            "declaration": for_policies["declaration"],
            "halves": for_policies["halves"],
            **parts,
            "resources": inventory.entries(),  # complete here: nothing is created later (nor inside apply())
        }
        # The engine gives stack policies a component's registered outputs, not its inputs: repeat what the
        # policy pack needs (declaration, regions, the peer's manifest) next to this half's manifest.
        self.register_outputs({"manifest": self.manifest, **for_policies})


def _region_switch(
    name: str, pair: Pair, api: RegionalApi | ExistingApi, peer: Peer | None, child: pulumi.ResourceOptions
) -> dict[str, Any]:
    """`routing.mode: region-switch` (components/region_switch.py): no STOP alarm or health check.

    Each half builds its fence function, the secondary the plan, the primary the API's records on the plan's
    health checks.
    """
    parts: dict[str, Any] = {}
    if fences_app_state(pair):
        fence = RegionSwitchFence(f"{name}-switch-fence", RegionSwitchFenceArgs(pair=pair), child)
        parts["regionSwitchFence"] = fence.manifest
    if pair.this_role is Role.SECONDARY:
        parts["regionSwitch"] = RegionSwitchPlan(f"{name}-switch", RegionSwitchPlanArgs(pair=pair), child).manifest
        parts["routing"] = {"mode": RoutingMode.REGION_SWITCH.value, "alarm": None, "healthCheck": None,
                            "records": [], "ttl": None}  # fmt: skip
        return parts
    assert peer is not None  # the primary reads the secondary
    targets = {
        Role.PRIMARY: (api.regional_domain_name, api.regional_zone_id),
        Role.SECONDARY: (peer.get("api", "regionalDomainName"), peer.get("api", "regionalZoneId")),
    }
    records = RegionSwitchRecords(
        f"{name}-switch-records",
        RegionSwitchRecordsArgs(pair=pair, targets=targets, plan_arn=peer.get("regionSwitch", "planArn")),
        child,
    )
    parts["routing"] = records.manifest
    return parts


def _halves(pair: Pair) -> dict[str, Any]:
    """Both stack files' halves (region, numbers, ...), as the program validated them.

    The pack judges per-half declarations, such as the secondary's requested SMS numbers, from them (a half holds
    plain config only, never a secret).
    """
    return {r.value: pair.half(r).model_dump(mode="json", by_alias=True, exclude_none=True) for r in Role}
