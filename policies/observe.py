"""What a half really has, read from the resources registered in its stack, in the parity manifest's shape.

Why: the manifest a half exports is a claim its program writes about itself; the pack judges the registered
resources instead, and checks the claim against them (`claim_gaps`). Every fact here is read from resource
inputs, which the engine knows at preview; values AWS computes (ARNs, DKIM tokens, the API's regional domain)
come out as `UNKNOWN` and only the findings that need them stay undecided.

Links between resources are followed through the engine's property dependencies (a versioning resource's
`bucket` depends on the bucket, a pool's `originationIdentities` on the numbers), which are known at preview,
rather than through ids, which are not.

Not observable from resources, taken from the claim and said so in docs/policies.md: the tables of the
secondary (the primary's state owns them), an SMS number's registration status (AWS reports it, no resource
input holds it), signals, cdn and app state (judged by their own policies).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import PolicyResource

from regionpair.components.declaration import Pair, Role
from regionpair.components.routing_model import config_hash, stop_alarm_name, stop_alarm_settings
from regionpair.components.sms_throughput import mps as default_mps
from regionpair.policies import props as P
from regionpair.policies.rules_global_endpoint import observe_global_email

URN = "_urn"
"""Key under which an observed entry carries the URN of the resource it was read from."""


def _urns(resources: Iterable[PolicyResource]) -> set[str]:
    return {r.urn for r in resources}


def _linked(resource: PolicyResource, key: str) -> set[str]:
    """URNs `resource`'s property `key` depends on (known at preview, unlike the ids they resolve to)."""
    return _urns(resource.property_dependencies.get(key) or [])


class Stack:
    """The resources of one stack, each with its plain props (unknowns as `P.UNKNOWN`)."""

    def __init__(self, resources: Iterable[PolicyResource]) -> None:
        self.by_type: dict[str, list[PolicyResource]] = {}
        for r in resources:
            self.by_type.setdefault(r.resource_type, []).append(r)
        self.cache: dict[str, list[tuple[PolicyResource, dict[str, Any]]]] = {}

    def of(self, token: str) -> list[tuple[PolicyResource, dict[str, Any]]]:
        """The resources of one type token, with their plain props (copied once, on first use)."""
        if token not in self.cache:
            self.cache[token] = [(r, P.plain(r.props)) for r in self.by_type.get(token, [])]
        return self.cache[token]


def observe(resources: Iterable[PolicyResource], pair: Pair, claim: Mapping[str, Any] | None) -> dict[str, Any]:
    """The manifest of this half as its registered resources show it."""
    stack = Stack(resources)
    claim = claim if isinstance(claim, Mapping) else {}
    out: dict[str, Any] = {
        "role": pair.this_role.value,
        "region": pair.this.region,
        "peerRegion": pair.peer.region,
        "pair": pair.shared.name,
    }
    if pair.shared.email:
        out["email"] = _email(stack, pair)
    if pair.shared.sms:
        out["sms"] = _sms(stack, pair, claim.get("sms") if isinstance(claim.get("sms"), Mapping) else {})
    out["buckets"] = _buckets(stack, pair)
    out["tables"] = _tables(stack, pair) if pair.this_role is Role.PRIMARY else list(claim.get("tables") or [])
    if pair.shared.api:
        out["api"] = _api(stack, pair, claim.get("api") if isinstance(claim.get("api"), Mapping) else {})
        out["routing"] = _routing(stack, pair)
    for key in ("signals", "cdn", "appState"):
        if key in claim:
            out[key] = claim[key]
    return out


# ------------------------------------------------------------------------------------------------ email
def _email(stack: Stack, pair: Pair) -> dict[str, Any]:
    region = pair.this.region
    email = pair.shared.email
    assert email is not None
    mail_from = {
        str(p.get("emailIdentity")): p
        for _, p in stack.of(P.EMAIL_MAIL_FROM)
        if p.get("region") == region and not P.is_unknown(p.get("emailIdentity"))
    }
    dkim_of: dict[str, list[dict[str, Any]]] = {}
    for r, p in stack.of(P.RECORD):
        if p.get("type") == "CNAME":
            for dep in _urns(r.dependencies):
                dkim_of.setdefault(dep, []).append(p)
    domains = []
    for identity, props in stack.of(P.EMAIL_IDENTITY):
        if props.get("region") != region:
            continue
        domain = props.get("emailIdentity")
        dkim = dkim_of.get(identity.urn, [])
        targets = [P.dig(p, "records.0") for p in dkim]
        known = [t for t in targets if isinstance(t, str) and "." in t]
        entry = {
            URN: identity.urn,
            "domain": domain,
            "identityArn": props.get("arn", P.UNKNOWN),
            "dkimMode": email.dkim_mode.value,
            "dkimRecords": [p.get("name") for p in dkim],
            "mailFrom": (mail_from.get(str(domain)) or {}).get("mailFromDomain"),
        }
        if known and len(known) == len(targets):
            entry["dkimTarget"] = known[0].split(".", 1)[1]
        domains.append(entry)
    sets = [
        {URN: r.urn, "name": p.get("configurationSetName")}
        for r, p in stack.of(P.CONFIGURATION_SET)
        if p.get("region") == region
    ]
    return {"region": region, "domains": domains, "configurationSets": sets, **observe_global_email(stack, pair)}


# -------------------------------------------------------------------------------------------------- sms
def _sms(stack: Stack, pair: Pair, claim: Mapping[str, Any]) -> dict[str, Any]:
    """Numbers and pools; a number counts as `pooled` when a pool's identities depend on it (or list its ARN)."""
    region = pair.this.region
    claimed = [n for n in claim.get("numbers") or [] if isinstance(n, Mapping)]
    pools, pooled_urns, pooled_arns = [], set(), set()
    for r, p in stack.of(P.SMS_POOL):
        if p.get("region") != region:
            continue
        identities = p.get("originationIdentities")
        pooled_urns |= _linked(r, "originationIdentities")
        pooled_arns |= {i for i in identities or [] if isinstance(i, str)} if isinstance(identities, list) else set()
        pools.append(
            {
                URN: r.urn,
                "country": p.get("isoCountryCode"),
                "messageType": p.get("messageType"),
                "arn": p.get("arn", P.UNKNOWN),
                "identities": len(identities) if isinstance(identities, list) else P.UNKNOWN,
            }
        )
    numbers: list[dict[str, Any]] = []
    requested_arns: set[Any] = set()
    for r, p in stack.of(P.SMS_NUMBER):
        if p.get("region") != region:
            continue
        country, kind = p.get("isoCountryCode"), p.get("numberType")
        arn = p.get("arn", P.UNKNOWN)
        if isinstance(arn, str):
            requested_arns.add(arn)
        numbers.append(
            {
                URN: r.urn,
                "country": country,
                "type": kind,
                "messageType": p.get("messageType"),
                "source": "requested",
                "arn": arn,
                "phoneNumber": p.get("phoneNumber", P.UNKNOWN),
                "mps": default_mps(str(kind), str(country)),
                "pooled": r.urn in pooled_urns or arn in pooled_arns,
                "status": _claimed_status(claimed, arn, (country, kind), sum(
                    1 for n in numbers if (n["country"], n["type"]) == (country, kind))),
            }
        )
    # Numbers registered by hand are no resource: they are seen as ARNs in a pool; type and rate from the claim.
    sender_arns = {p.get("arn") for _, p in stack.of(P.SMS_SENDER_ID) if isinstance(p.get("arn"), str)}
    for arn in sorted(pooled_arns - requested_arns - sender_arns):  # sender IDs in a pool are no numbers
        entry = next((n for n in claimed if n.get("arn") == arn), {})
        numbers.append(
            {
                "country": entry.get("country", P.UNKNOWN),
                "type": entry.get("type", P.UNKNOWN),
                "messageType": entry.get("messageType"),
                "source": "existing",
                "arn": arn,
                "phoneNumber": entry.get("phoneNumber"),
                "mps": entry.get("mps", P.UNKNOWN),
                "pooled": True,
                "status": entry.get("status", "active"),
            }
        )
    # Simulator numbers are never pooled: keep the claimed ones so they are neither counted nor reported missing.
    numbers += [dict(n) for n in claimed if n.get("type") == "SIMULATOR" and n.get("source") == "existing"]
    # A hand-registered number declared `pending` cannot join a pool yet (AWS refuses identities that are not
    # ACTIVE): it is legal, no resource shows it, and it is never capacity; keep it from the claim, unpooled.
    numbers += [
        {**n, "pooled": False} for n in claimed
        if n.get("source") == "existing" and n.get("status") == "pending" and n.get("type") != "SIMULATOR"
        and n.get("arn") not in pooled_arns
    ]  # fmt: skip
    return {
        "region": region,
        "numbers": numbers,
        "pools": pools,
        "senderIds": [
            {URN: r.urn, "country": p.get("isoCountryCode"), "senderId": p.get("senderId"),
             "mps": default_mps("SENDER_ID", str(p.get("isoCountryCode"))), "pooled": r.urn in pooled_urns}
            for r, p in stack.of(P.SMS_SENDER_ID) if p.get("region") == region
        ],
    }  # fmt: skip


def _claimed_status(claimed: list[Mapping[str, Any]], arn: Any, kind: tuple[Any, Any], index: int) -> Any:
    """A number's registration status (AWS's, not a resource input): the claim's entry for it, else active.

    Matched by ARN when known, else (preview) the `index`-th claimed requested number of that country and type.
    """
    for n in claimed:
        if isinstance(arn, str) and n.get("arn") == arn:
            return n.get("status", "active")
    same = [n for n in claimed if (n.get("country"), n.get("type")) == kind and n.get("source") == "requested"]
    return same[index].get("status", "active") if index < len(same) else "active"


# ---------------------------------------------------------------------------------------------- buckets
def _buckets(stack: Stack, pair: Pair) -> list[dict[str, Any]]:
    region, role = pair.this.region, pair.this_role
    versioning = [(r, p) for r, p in stack.of(P.BUCKET_VERSIONING)]
    replication = stack.of(P.BUCKET_REPLICATION)
    out = []
    for decl in pair.shared.buckets:
        own, peer_name = pair.bucket_name(decl, role), pair.bucket_name(decl, role.peer)  # explicit bucketNames too
        found = [(r, p) for r, p in stack.of(P.BUCKET) if p.get("bucket") == own]
        if not found:
            continue
        bucket, props = found[0]
        status = [
            P.dig(p, "versioningConfiguration.status")
            for r, p in versioning
            if bucket.urn in _linked(r, "bucket") or p.get("bucket") in (own, props.get("id"))
        ]
        rules = []
        for r, p in replication:
            if p.get("bucket") not in (own, peer_name):  # the primary owns both directions
                continue
            for rule in p.get("rules") or []:
                rules.append(
                    {
                        URN: r.urn,
                        "from": props.get("arn", P.UNKNOWN),
                        "to": P.dig(rule, "destination.bucket"),
                        "fromRegion": p.get("region"),
                        "toRegion": pair.peer.region if p.get("region") == region else region,
                        "rtc": P.dig(rule, "destination.replicationTime.status") == "Enabled",
                        "deleteMarkers": P.dig(rule, "deleteMarkerReplication.status") == "Enabled",
                        "enabled": rule.get("status") == "Enabled",
                    }
                )
        out.append(
            {
                URN: bucket.urn,
                "name": decl.name,
                "bucket": own,
                "arn": props.get("arn", P.UNKNOWN),
                "region": props.get("region", region),
                "versioning": bool(status) and status[0] == "Enabled",
                "peerBucket": peer_name,
                "replication": rules,
            }
        )
    return out


# ----------------------------------------------------------------------------------------------- tables
def _tables(stack: Stack, pair: Pair) -> list[dict[str, Any]]:
    out = []
    names = {pair.physical_name(t.name): t.name for t in pair.shared.tables}
    if pair.shared.app_state:
        names[pair.physical_name(pair.shared.app_state.table)] = pair.shared.app_state.table
    for r, p in stack.of(P.TABLE):
        physical = p.get("name")
        if physical not in names:
            continue
        types = {a.get("name"): a.get("type") for a in p.get("attributes") or [] if isinstance(a, Mapping)}
        keys = {k: p.get(k) for k in ("hashKey", "rangeKey")}
        out.append(
            {
                URN: r.urn,
                "name": names[physical],
                "table": physical,
                "region": p.get("region"),
                "replicaRegions": [x.get("regionName") for x in p.get("replicas") or [] if isinstance(x, Mapping)],
                "hashKey": {"name": keys["hashKey"], "type": types.get(keys["hashKey"])},
                "rangeKey": (
                    {"name": keys["rangeKey"], "type": types.get(keys["rangeKey"])} if keys["rangeKey"] else None
                ),
                "stream": p.get("streamViewType") if p.get("streamEnabled") else None,
                "pitr": bool(P.dig(p, "pointInTimeRecovery.enabled")),
                "arn": p.get("arn", P.UNKNOWN),
            }
        )
    return [t for t in out if t["name"] in {d.name for d in pair.shared.tables}]


# -------------------------------------------------------------------------------------------------- api
def _api(stack: Stack, pair: Pair, claim: Mapping[str, Any]) -> dict[str, Any] | None:
    region = pair.this.region
    functions = [(r, p) for r, p in stack.of(P.LAMBDA) if p.get("name") == pair.physical_name("api", pair.this_role)]
    domains = [(r, p) for r, p in stack.of(P.API_DOMAIN) if p.get("region") == region]
    if pair.shared.api is not None and not pair.shared.api.builds:
        return _existing_api(stack, pair)
    if not functions or not domains:
        return None
    (fn, f), (_, d) = functions[0], domains[0]
    return {
        URN: fn.urn,
        "domainName": d.get("domainName"),
        "regionalDomainName": d.get("regionalDomainName", P.UNKNOWN),
        "regionalZoneId": d.get("regionalZoneId", P.UNKNOWN),
        "region": f.get("region"),
        "runtime": f.get("runtime"),
        "memoryMb": f.get("memorySize"),
        "timeoutSeconds": f.get("timeout"),
        "functionName": f.get("name"),
        # The function's source_code_hash input: the code's content hash (components/lambda_code.py).
        "codeSha256": f.get("sourceCodeHash", claim.get("codeSha256", P.UNKNOWN)),
    }


def _existing_api(stack: Stack, pair: Pair) -> dict[str, Any] | None:
    """An existing endpoint: what the half's `ExistingApi` component was registered with (no resource of ours)."""
    found = [(r, p) for r, p in stack.of(P.EXISTING_API) if p.get("region") == pair.this.region]
    if not found or pair.shared.api is None:
        return None
    component, props = found[0]
    endpoint = props.get("endpoint") if isinstance(props.get("endpoint"), Mapping) else {}
    return {
        URN: component.urn,
        "domainName": pair.shared.api.domain_name,
        "regionalDomainName": endpoint.get("domainName"),
        "regionalZoneId": endpoint.get("hostedZoneId"),
        "region": props.get("region"),
        "runtime": None,
        "memoryMb": None,
        "timeoutSeconds": None,
        "functionName": None,
        "codeSha256": None,
    }


# ---------------------------------------------------------------------------------------------- routing
def _routing(stack: Stack, pair: Pair) -> dict[str, Any]:
    mode = pair.shared.routing.mode.value
    out: dict[str, Any] = {"mode": mode, "alarm": None, "healthCheck": None, "records": []}
    if mode == "latency":
        return _latency_routing(stack, pair, out)
    name = stop_alarm_name(pair)
    for r, p in stack.of(P.METRIC_ALARM):
        if mode == "failover" and p.get("name") == name:
            out["alarm"] = stop_alarm_of(p) | {URN: r.urn}
    for r, p in stack.of(P.HEALTH_CHECK):
        # In region-switch mode the records' health checks are the plan's (not resources of this stack).
        if mode == "failover" and p.get("type") == "CLOUDWATCH_METRIC":
            out["healthCheck"] = {
                URN: r.urn,
                "id": p.get("id", P.UNKNOWN),
                "type": p.get("type"),
                "alarmName": p.get("cloudwatchAlarmName"),
                "alarmRegion": p.get("cloudwatchAlarmRegion"),
            }
    out["records"] = _api_records(stack)
    return out


def _api_records(stack: Stack) -> list[dict[str, Any]]:
    """The API name's failover or latency alias records (region-switch mode has either, per strategy)."""
    out = []
    for r, p in stack.of(P.RECORD):
        kind = P.dig(p, "failoverRoutingPolicies.0.type")
        latency = P.dig(p, "latencyRoutingPolicies.0.region")
        if not kind and not latency:
            continue
        alias = P.dig(p, "aliases.0") or {}
        out.append(
            {
                URN: r.urn,
                "name": p.get("name"),
                "type": p.get("type"),
                "setIdentifier": p.get("setIdentifier"),
                **({"failover": kind} if kind else {"latencyRegion": latency}),
                "aliasTarget": {"name": alias.get("name"), "zoneId": alias.get("zoneId")},
                "healthCheckId": p.get("healthCheckId"),
            }
        )
    return out


def _latency_routing(stack: Stack, pair: Pair, out: dict[str, Any]) -> dict[str, Any]:
    """Latency mode: this region's HTTPS endpoint health check and its latency alias record.

    Route 53 latency records each carry their own region and an endpoint health check (HTTPS here, as
    components/routing.py builds it); the check is the one the record's `healthCheckId` depends on.
    """
    region = pair.this.region
    checks = {r.urn: (r, p) for r, p in stack.of(P.HEALTH_CHECK) if p.get("type") in ("HTTPS", "HTTPS_STR_MATCH")}
    out["records"] = _api_records(stack)
    for r, p in stack.of(P.RECORD):
        if P.dig(p, "latencyRoutingPolicies.0.region") != region:
            continue
        linked = [checks[u] for u in _linked(r, "healthCheckId") if u in checks]
        if linked:
            check, props = linked[0]
            out["healthCheck"] = {
                URN: check.urn,
                "id": props.get("id", P.UNKNOWN),
                "type": props.get("type"),
                "alarmName": None,
                "alarmRegion": None,
                "fqdn": props.get("fqdn"),
                "resourcePath": props.get("resourcePath"),
            }
    if out["healthCheck"] is None and len(checks) == 1:  # a check no record uses is still this half's check
        check, props = next(iter(checks.values()))
        out["healthCheck"] = {URN: check.urn, "id": props.get("id", P.UNKNOWN), "type": props.get("type"),
                              "alarmName": None, "alarmRegion": None, "fqdn": props.get("fqdn"),
                              "resourcePath": props.get("resourcePath")}  # fmt: skip
    return out


STOP_KEYS = ("namespace", "metric", "dimensions", "statistic", "extendedStatistic", "unit", "period",
             "evaluationPeriods", "datapointsToAlarm", "threshold", "comparisonOperator", "treatMissingData")
"""Every setting that decides when the STOP alarm fires, and what `regionpair failover`/`failback` publish to
(regionpair/ops/stop.py: the metric, its dimensions, with the alarm's unit; 1 to breach, 0 to clear)."""


def stop_alarm_of(props: Mapping[str, Any]) -> dict[str, Any]:
    """A MetricAlarm's props in the manifest's `routing.alarm` shape (with its config hash when all known)."""
    settings = {
        "name": props.get("name"),
        "region": props.get("region"),
        "namespace": props.get("namespace"),
        "metric": props.get("metricName"),
        "dimensions": props.get("dimensions"),
        "statistic": props.get("statistic"),
        "period": props.get("period"),
        "evaluationPeriods": props.get("evaluationPeriods"),
        "datapointsToAlarm": props.get("datapointsToAlarm"),
        "threshold": props.get("threshold"),
        "comparisonOperator": props.get("comparisonOperator"),
        "treatMissingData": props.get("treatMissingData"),
    }
    known = not P.is_unknown(settings)
    extra = {k: props.get(k) for k in ("unit", "extendedStatistic", "metricQueries") if props.get(k) not in (None, [])}
    return {**settings, **extra, "arn": props.get("arn", P.UNKNOWN),
            "configHash": config_hash(settings) if known else P.UNKNOWN}  # fmt: skip


def declared_stop(pair: Pair) -> dict[str, Any]:
    """The STOP alarm the declaration promises: what `regionpair failover` and `failback` publish to and expect.

    No unit and no extended statistic: `regionpair failover` publishes unit-less values (an alarm with a unit
    ignores them) and reads one-point statistics only.
    """
    settings = stop_alarm_settings(pair)
    return {"name": settings["name"], "region": settings["region"], "unit": None, "extendedStatistic": None,
            **{k: settings[k] for k in STOP_KEYS if k in settings}}  # fmt: skip
