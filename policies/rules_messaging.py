"""Policies of the pair's messaging: dedicated IPs (the guide's rule) and the SES event archive.

- `ses-dedicated-ips-active-active`: a pair whose configuration sets send through dedicated IPs is active-active,
  or says why cold IPs at failover are acceptable (`email.coldStandbyIps.reason`). The Pinpoint and SES
  multi-region guide: "IP reputation ... is the primary consideration when selecting a multi-region
  architecture"; ISPs expect predictable, consistent sending from a dedicated IP, and traffic that shifts to
  "a different set of cold IP addresses ... can look suspicious"; auto warm-up takes 30-45 days, so "customers
  should implement an Active-Active multi-region architecture". The disaster-tolerance patterns article says the
  same from the other side: a sudden ramp-up from an alternate region's IPs gets throttled or blocked.
- `ses-dedicated-ip-pool-parity`: both regions have, for every configuration set that sends through a pool, that
  pool with the same scaling mode (dedicated IPs are per account and region: each region needs its own), the set
  names it, and a standard pool holds leased IPs in each region.
- `ses-event-archive`: each set with `destination: firehose` publishes its events to a Firehose stream in its
  region that writes into the events bucket of that region, and (primary) that bucket replicates to the
  secondary's and back, so opens, clicks, bounces and complaints are kept in both regions (the guide: "this data
  should also be replicated across regions so it isn't lost").

Each judges what the stack registers (resources and their property dependencies, known in preview) and, in the
primary, the deployed secondary's manifest. `compare_dedicated_ips` is pure: `regionpair audit` feeds it the
live account's pools.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from regionpair.components.declaration import Pair, Role
from regionpair.policies import props as P

ACTIVE_ACTIVE = "ses-dedicated-ips-active-active"
POOL_PARITY = "ses-dedicated-ip-pool-parity"
ARCHIVE = "ses-event-archive"

DEDICATED_IP_POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
IP_ASSIGNMENT = "aws:sesv2/dedicatedIpAssignment:DedicatedIpAssignment"
EVENT_DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
GUIDE = "the Pinpoint and SES multi-region guide"


def _context(args: StackValidationArgs) -> tuple[PolicyResource, dict[str, Any], Pair] | None:
    found = P.root_context(args.resources)
    return None if found is None or found[2].shared.email is None else found


def _deps(resource: PolicyResource, key: str) -> set[str]:
    return {d.urn for d in resource.property_dependencies.get(key) or []}


def _peer(props: Mapping[str, Any]) -> Mapping[str, Any] | None:
    peer = props.get("peerManifest")
    return peer if isinstance(peer, Mapping) and peer else None


# ------------------------------------------------------------------------------------- dedicated IPs (stack)
def _sending_sets(resources: list[PolicyResource], region: str) -> list[tuple[PolicyResource, dict[str, Any]]]:
    return [(r, p) for r, p in P.of_type(resources, P.CONFIGURATION_SET)
            if p.get("region") == region and P.dig(p, "deliveryOptions.sendingPoolName")]  # fmt: skip


def validate_active_active(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Dedicated IPs need both regions to send all the time, unless cold IPs at failover are accepted."""
    found = _context(args)
    if found is None:
        return
    _, _, pair = found
    email = pair.shared.email
    assert email is not None
    if pair.shared.strategy.value == "active-active" or email.cold_standby_ips is not None:
        return
    for resource, props in _sending_sets(list(args.resources), pair.this.region):
        pool = P.dig(props, "deliveryOptions.sendingPoolName")
        report_violation(
            f"configuration set {props.get('configurationSetName')} sends through the dedicated IP pool "
            f"{'(unknown until apply)' if P.is_unknown(pool) else pool}, but the pair is {pair.shared.strategy.value}: "
            f"the standby's dedicated IPs send nothing until a failover, and ISPs throttle or block traffic that "
            f"moves to cold IPs ({GUIDE}: dedicated IPs need active-active; auto warm-up takes 30-45 days). Set "
            "strategy: active-active and split sending over both regions (regionpair.sending, Mode.ACTIVE_ACTIVE), "
            "or accept cold IPs with email.coldStandbyIps.reason",
            resource.urn,
        )


def observed_pools(resources: list[PolicyResource], region: str) -> dict[str, Any]:
    """The pools of `region` as its resources show them, in the manifest's `email.dedicatedIps` shape."""
    pools: dict[str, dict[str, Any]] = {}
    urns: dict[str, str] = {}
    for r, p in P.of_type(resources, DEDICATED_IP_POOL):
        if p.get("region") == region and isinstance(p.get("poolName"), str):
            pools[p["poolName"]] = {"poolName": p["poolName"], "scalingMode": p.get("scalingMode") or "STANDARD",
                                    "ips": [], "_urn": r.urn}  # fmt: skip
            urns[r.urn] = p["poolName"]
    for r, p in P.of_type(resources, IP_ASSIGNMENT):
        if p.get("region") != region:
            continue
        target = p.get("destinationPoolName")
        names = [urns[u] for u in _deps(r, "destinationPoolName") if u in urns] or [target]
        for name in names:
            if name in pools:
                pools[name]["ips"].append(p.get("ip"))
    sending: dict[str, Any] = {}
    for r, p in _sending_sets(resources, region):
        name = P.dig(p, "deliveryOptions.sendingPoolName")
        linked = [urns[u] for u in _deps(r, "deliveryOptions") if u in urns]
        sending[str(p.get("configurationSetName"))] = linked[0] if P.is_unknown(name) and linked else name
    return {"pools": list(pools.values()), "sendingPools": sending}


def compare_dedicated_ips(
    pair: Pair, halves: Mapping[str, Mapping[str, Any] | None]
) -> list[tuple[str, str | None]]:
    """What is missing or different, as (message, urn): `halves` maps a region to its `email.dedicatedIps`.

    A region absent from `halves` is not judged (the secondary judges itself; the primary judges both).
    """
    email = pair.shared.email
    if email is None:
        return []
    out: list[tuple[str, str | None]] = []
    wanted_pools = {pair.physical_name(p.name): p.scaling_mode for p in email.dedicated_ip_pools}
    wanted_sets = {pair.physical_name(cs.name): pair.physical_name(cs.sending_pool)
                   for cs in email.configuration_sets if cs.sending_pool}  # fmt: skip
    used = set(wanted_sets.values())
    for region, seen in halves.items():
        seen = seen or {}
        pools = {str(p.get("poolName")): p for p in seen.get("pools") or [] if isinstance(p, Mapping)}
        for name in sorted(used | set(wanted_pools)):
            mode = wanted_pools.get(name)
            have = pools.get(name)
            if have is None:
                if name in used:
                    out.append((f"{region} has no dedicated IP pool {name}, which configuration sets send through; "
                                "dedicated IPs are per account and region, so each region needs its own pool (build "
                                "it from email.dedicatedIpPools; deploy the secondary first: pulumi up -s secondary)",
                                None))  # fmt: skip
                continue
            if mode is not None and have.get("scalingMode") != mode:
                out.append((f"dedicated IP pool {name} in {region} is {have.get('scalingMode')}, the declaration "
                            f"says {mode}: both regions need the same scaling mode, so a failover sends through the "
                            "same kind of IPs (a pool's scaling mode cannot change: recreate it)",
                            have.get("_urn")))  # fmt: skip
            ips = have.get("ips")
            if have.get("scalingMode") == "STANDARD" and name in used and isinstance(ips, list) and not ips:
                out.append((f"dedicated IP pool {name} in {region} is STANDARD with no leased IPs: its "
                            "configuration sets have nothing to send from there; list this region's IPs under "
                            "regionpair:dedicatedIps in its stack file, or make the pool MANAGED",
                            have.get("_urn")))  # fmt: skip
        sending = seen.get("sendingPools") or {}
        for config_set, pool in sorted(wanted_sets.items()):
            got = sending.get(config_set)
            if got is not None and P.is_unknown(got):
                continue
            if got != pool:
                out.append((f"configuration set {config_set} in {region} sends through "
                            f"{got or 'shared IPs'}, the declaration says dedicated IP pool {pool}; a set must send "
                            "through the same pool in both regions", None))  # fmt: skip
    return out


def validate_pool_parity(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Every pool a configuration set uses exists in both regions with the same scaling mode (and IPs)."""
    found = _context(args)
    if found is None:
        return
    root, props, pair = found
    email = pair.shared.email
    assert email is not None
    if not email.dedicated_ip_pools and not _sending_sets(list(args.resources), pair.this.region):
        return
    halves: dict[str, Mapping[str, Any] | None] = {
        pair.this.region: observed_pools(list(args.resources), pair.this.region)
    }
    peer = _peer(props)
    if pair.this_role is Role.PRIMARY and peer is not None:
        halves[pair.secondary.region] = P.dig(peer, "email.dedicatedIps") or {}
    for message, urn in compare_dedicated_ips(pair, halves):
        report_violation(message, urn or root.urn)


# --------------------------------------------------------------------------------------- event archive (stack)
def validate_event_archive(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Each archived set publishes to a stream of its region, into the events bucket, replicated to the peer."""
    found = _context(args)
    if found is None:
        return
    root, props, pair = found
    email = pair.shared.email
    assert email is not None
    archived = [cs for cs in email.configuration_sets if cs.destination.value == "firehose"]
    if not archived:
        return
    resources = list(args.resources)
    region, role = pair.this.region, pair.this_role
    bucket_decl = email.event_archive.as_bucket()
    own_bucket, peer_bucket = pair.bucket_name(bucket_decl, role), pair.bucket_name(bucket_decl, role.peer)
    buckets = {r.urn: p for r, p in P.of_type(resources, P.BUCKET) if p.get("bucket") == own_bucket}
    if not buckets:
        report_violation(f"{region} has no events bucket {own_bucket}: the archived configuration sets' events "
                         "have nowhere to go; build it with EventArchive (components/event_archive.py)",
                         root.urn)  # fmt: skip
    streams: dict[str, dict[str, Any]] = {}
    for r, p in P.of_type(resources, FIREHOSE):
        if p.get("region") != region:
            continue
        into = P.dig(p, "extendedS3Configuration.bucketArn")
        linked = bool(_deps(r, "extendedS3Configuration") & set(buckets))
        if not linked and not P.is_unknown(into) and into != f"arn:aws:s3:::{own_bucket}":
            report_violation(f"Firehose stream {p.get('name')} in {region} writes to {into}, not to the events "
                             f"bucket {own_bucket} of its region", r.urn)  # fmt: skip
            continue
        streams[r.urn] = p
    sets = {p.get("configurationSetName"): r.urn for r, p in P.of_type(resources, P.CONFIGURATION_SET)
            if p.get("region") == region}  # fmt: skip
    for cs in archived:
        physical = pair.physical_name(cs.name)
        destinations = [
            (r, p) for r, p in P.of_type(resources, EVENT_DESTINATION)
            if p.get("region") == region and P.dig(p, "eventDestination.kinesisFirehoseDestination")
            and (p.get("configurationSetName") == physical or sets.get(physical) in _deps(r, "configurationSetName"))
        ]  # fmt: skip
        if not destinations:
            report_violation(
                f"configuration set {physical} declares destination: firehose but has no Firehose event destination "
                f"in {region}: its opens, clicks, bounces and complaints are not archived in this region ({GUIDE}: "
                "replicate event data so it isn't lost)",
                sets.get(physical) or root.urn,
            )
            continue
        dest, dprops = destinations[0]
        target = P.dig(dprops, "eventDestination.kinesisFirehoseDestination.deliveryStreamArn")
        into_stream = _deps(dest, "eventDestination") & set(streams) or {
            u for u, p in streams.items() if not P.is_unknown(target) and p.get("arn") == target
        }
        if not into_stream:
            report_violation(f"the Firehose destination of {physical} in {region} does not publish to a stream that "
                             f"writes into the events bucket {own_bucket}", dest.urn)  # fmt: skip
        types = P.dig(dprops, "eventDestination.matchingEventTypes")
        missing = [] if P.is_unknown(types) else sorted(set(cs.events) - set(types or []))
        if missing:
            report_violation(f"the Firehose destination of {physical} in {region} does not archive {missing}, which "
                             "the set declares", dest.urn)  # fmt: skip
    if role is Role.PRIMARY:
        _archive_replication(resources, pair, own_bucket, peer_bucket, props, root, report_violation)


def _archive_replication(
    resources: list[PolicyResource], pair: Pair, own_bucket: str, peer_bucket: str, props: Mapping[str, Any],
    root: PolicyResource, report_violation: ReportViolation,
) -> None:  # fmt: skip
    """The primary replicates the events bucket to the secondary's, and back; the secondary archives too."""
    rules = {p.get("bucket"): (r, p) for r, p in P.of_type(resources, P.BUCKET_REPLICATION)}
    for source, dest, where in ((own_bucket, peer_bucket, pair.primary.region),
                                (peer_bucket, own_bucket, pair.secondary.region)):  # fmt: skip
        found = rules.get(source)
        targets = [P.dig(rule, "destination.bucket") for rule in (found[1].get("rules") or [])] if found else []
        if any(P.is_unknown(t) for t in targets):
            continue  # judged on `pulumi up` (the targets are the peer's exported ARN and a name: known in preview)
        if f"arn:aws:s3:::{dest}" not in targets:
            report_violation(
                f"the events bucket {source} ({where}) does not replicate to {dest}: events archived in one region "
                "would be lost with it; the primary owns both directions (ReplicatedBucket)",
                found[0].urn if found else root.urn,
            )
    peer = _peer(props)
    if peer is None:
        return
    archive = P.dig(peer, "email.eventArchive") or {}
    have = {s.get("set") for s in archive.get("streams") or [] if isinstance(s, Mapping)}
    email = pair.shared.email
    assert email is not None
    missing = [cs.name for cs in email.configuration_sets if cs.destination.value == "firehose" and cs.name not in have]
    if missing:
        report_violation(
            f"the deployed secondary ({pair.secondary.region}) archives no events of {missing}; deploy the secondary "
            "first: pulumi up -s secondary",
            root.urn,
        )
    versioned = [b for b in archive.get("buckets") or [] if isinstance(b, Mapping) and b.get("versioning")]
    if archive and not versioned:
        report_violation(f"the secondary's events bucket {peer_bucket} is not versioned; replication needs it",
                         root.urn)  # fmt: skip


POLICIES = [
    StackValidationPolicy(
        name=ACTIVE_ACTIVE,
        description="A pair that sends through dedicated IPs is active-active (both pools carry traffic all the "
        "time) or states why cold IPs at failover are acceptable (email.coldStandbyIps.reason): ISPs throttle "
        "traffic that moves to cold IPs (the Pinpoint and SES multi-region guide).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_active_active,
    ),
    StackValidationPolicy(
        name=POOL_PARITY,
        description="Every dedicated IP pool a configuration set sends through exists in both regions with the same "
        "scaling mode, the set names it in both, and a standard pool holds leased IPs in each region.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_pool_parity,
    ),
    StackValidationPolicy(
        name=ARCHIVE,
        description="Configuration sets with destination: firehose publish their events to a Firehose stream of "
        "their region that writes into the events bucket, replicated to the peer region and back.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_event_archive,
    ),
]
