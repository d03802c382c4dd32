"""Cross-region parity of two halves, judged from their parity manifests (docs/parity-manifest.md).

Pure functions, no Pulumi: the policy pack feeds them the manifests it sees in a stack (the half's own and,
in the primary, the secondary's), and `regionpair audit` feeds them manifests built from a live account.
Every finding names the policy it belongs to; a finding marked `undecided` could not be judged because a
value is unknown until apply (preview) and must be reported as such, never as a pass or a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from regionpair.components.budgets import S3_RTC_MINUTES
from regionpair.components.sms_throughput import mps as default_mps
from regionpair.policies.props import UNKNOWN, is_unknown

SES_PARITY = "ses-identity-parity"
SMS_MINIMUM = "sms-number-minimum"
SMS_THROUGHPUT = "sms-standby-throughput"
SMS_SNOWSHOE = "sms-tollfree-snowshoeing"
S3_PARITY = "s3-bucket-replication-parity"
DYNAMODB_PARITY = "dynamodb-table-replica-parity"
API_PARITY = "apigateway-api-parity"
ROUTING_PARITY = "route53-stop-routing-parity"
SMS_PENDING = "sms-number-pending"
DEPLOY_ORDER = "pair-deploy-order"
CLAIM = "pair-manifest-matches-resources"

DEPLOY_SECONDARY_FIRST = "deploy the secondary first: pulumi up -s secondary"

DEFAULT_SETTINGS: dict[str, Any] = {"minimumNumbers": 2, "maxTollFreePerCountry": 1}


@dataclass(frozen=True)
class Finding:
    """One parity problem: which policy, what is wrong with the fix, and what it is about."""

    policy: str
    message: str
    subject: str
    undecided: bool = False
    urn: str | None = None


class _Findings(list[Finding]):
    def add(self, policy: str, subject: str, message: str, urn: str | None = None) -> None:
        self.append(Finding(policy, message, subject, urn=urn))

    def undecided(self, policy: str, subject: str, what: str) -> None:
        self.append(Finding(policy, f"{what} is not known until apply; checked again on `pulumi up`", subject, True))


def _section(manifest: Mapping[str, Any] | None, key: str) -> Any:
    return (manifest or {}).get(key)


def _by(items: Any, key: str) -> dict[str, Mapping[str, Any]]:
    return {str(i.get(key)): i for i in items or [] if isinstance(i, Mapping)}


def _counts(number: Mapping[str, Any]) -> bool:
    """Whether a number is sending capacity: status active and in a pool (SMS contract, docs/policies.md).

    A manifest written before the SMS contract has neither key: its numbers were all pooled and in use, so a
    missing `status` reads as active and a missing `pooled` as pooled.
    """
    return number.get("status", "active") == "active" and number.get("pooled", True) is True


def _mps(numbers: list[Mapping[str, Any]], country: str) -> float:
    return sum(float(n.get("mps", default_mps(str(n.get("type")), country))) for n in numbers)


def _capacity_terms(numbers: list[Mapping[str, Any]]) -> str:
    return " + ".join(f"{n.get('type')} {n.get('mps')}" for n in numbers)


# ------------------------------------------------------------------------------------------------ one half
def check_half(
    manifest: Mapping[str, Any], declaration: Mapping[str, Any] | None, settings: Mapping[str, Any] | None = None
) -> list[Finding]:
    """What one half must have on its own, whatever its peer: SMS capacity, toll-free use, DKIM per region."""
    cfg = {**DEFAULT_SETTINGS, **(settings or {})}
    out = _Findings()
    decl = declaration or {}
    role, region = manifest.get("role"), manifest.get("region")
    subject = f"{role} ({region})"

    sms_decl = decl.get("sms") or {}
    sms = _section(manifest, "sms") or {}
    numbers = [n for n in sms.get("numbers") or [] if isinstance(n, Mapping) and n.get("type") != "SIMULATOR"]
    pending = [n for n in numbers if n.get("status") == "pending"]
    numbers = [n for n in numbers if _counts(n)]
    declared = sms_decl.get("countries") or {}
    for country in sorted({str(n.get("country")) for n in pending} | set(declared)):
        have = [n for n in numbers if n.get("country") == country]
        waiting = [n for n in pending if n.get("country") == country]
        names = ", ".join(f"{n.get('type')} {n.get('phoneNumber') or n.get('arn')}" for n in waiting)
        need = declared.get(country)
        short: list[str] = []
        if need is not None:
            declared_minimum = int(need.get("minimumNumbers", 2))
            minimum = max(declared_minimum, int(cfg["minimumNumbers"]))
            if len(have) < minimum:
                what = (f"{region} holds {len(have)} active pooled origination number(s) for {country}, fewer than "
                        f"{minimum}")  # fmt: skip
                source = ""
                if minimum > declared_minimum:  # say where the figure comes from: pair.yaml asked for fewer
                    source = (f"; {minimum} is the policy's minimumNumbers setting, pair.yaml sms.countries.{country}."
                              f"minimumNumbers says {declared_minimum} (the pack never asks for fewer than its "
                              "setting: lower it in the policy config, docs/policy-pack.md)")  # fmt: skip
                if len(have) + len(waiting) >= minimum:
                    short.append(what + source)
                else:
                    out.add(SMS_MINIMUM, f"{subject} sms {country}",
                            f"{what} (pending: {len(waiting)}); add regionpair:requestedNumbers or "
                            f"regionpair:existingNumbers in that region's stack file{source}")  # fmt: skip
            volume = float(need.get("failoverVolumeMps", 0) or 0)
            if role == "secondary" and volume > 0:
                capacity = _mps(have, country) + sum(  # a sender ID is capacity only inside the country's pool
                    float(s.get("mps", default_mps("SENDER_ID", country)))
                    for s in sms.get("senderIds") or [] if s.get("country") == country and s.get("pooled") is True
                )  # fmt: skip
                if capacity < volume:
                    what = (f"the standby can send {capacity:g} msg/s to {country} "
                            f"({_capacity_terms(have) or 'no active numbers'}), less than the declared failover "
                            f"volume {volume:g} msg/s")  # fmt: skip
                    if capacity + _mps(waiting, country) >= volume:
                        short.append(what)
                    else:
                        out.add(SMS_THROUGHPUT, f"{subject} sms {country}", f"{what}; add numbers of a faster type")
        if waiting:
            # Pending numbers are never capacity. When they would close a shortfall, the shortfall is reported
            # here (advisory) so that the first deploy, which requests them, is possible; it stays visible.
            gap = f"{'; '.join(short)}: " if short else ""
            out.add(SMS_PENDING, f"{subject} sms {country}",
                    f"{gap}{len(waiting)} number(s) pending registration ({names}) are not capacity until "
                    "ACTIVE and pooled; `regionpair sms status` says when, then set status: active and pulumi up",
                    )  # fmt: skip
    toll_free: dict[str, int] = {}
    for n in numbers:
        if n.get("type") == "TOLL_FREE":
            toll_free[n.get("country")] = toll_free.get(n.get("country"), 0) + 1
    for country, count in toll_free.items():
        if count > int(cfg["maxTollFreePerCountry"]):
            out.add(
                SMS_SNOWSHOE,
                f"{subject} sms {country}",
                f"{region} uses {count} toll-free numbers for {country}; carriers filter traffic spread over "
                "several toll-free numbers (snowshoeing): use one toll-free number or a short code",
            )

    email = _section(manifest, "email") or {}
    for d in email.get("domains") or []:
        if d.get("dkimMode") == "per-region" or d.get("dkimOrigin") == "AWS_SES":  # own Easy DKIM (a DEED parent too)
            records = d.get("dkimRecords")
            if is_unknown(records):
                out.undecided(SES_PARITY, f"{subject} {d.get('domain')}", "the DKIM record names")
            elif len(records or []) != 3:
                out.add(
                    SES_PARITY,
                    f"{subject} {d.get('domain')}",
                    f"{d.get('domain')} has {len(records or [])} DKIM records in {region}, Easy DKIM needs 3",
                )
    return out


# --------------------------------------------------------------------------------------------- both halves
def compare_manifests(
    primary: Mapping[str, Any],
    secondary: Mapping[str, Any],
    declaration: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Everything that must match or connect across the two halves, plus each half's own checks."""
    out = _Findings()
    out += check_half(primary, declaration, settings)
    out += check_half(secondary, declaration, settings)
    decl = declaration or {}
    p_region, s_region = primary.get("region"), secondary.get("region")
    if p_region == s_region:
        out.add(SES_PARITY, "pair", f"both halves are in {p_region}; a pair needs two regions")

    _email(out, primary, secondary, decl)
    _buckets(out, primary, secondary, decl)
    _tables(out, primary, secondary, decl)
    _api(out, primary, secondary)
    _routing(out, primary, secondary, decl)
    return out


def _email(out: _Findings, primary: Mapping[str, Any], secondary: Mapping[str, Any], decl: Mapping[str, Any]) -> None:
    p, s = _section(primary, "email"), _section(secondary, "email")
    declared = set((decl.get("email") or {}).get("domains") or [])
    if not declared and not p and not s:
        return
    pd, sd = _by((p or {}).get("domains"), "domain"), _by(secondary_identities(primary, secondary), "domain")
    for domain in sorted(declared | set(pd) | set(sd)):
        missing = [m.get("region") for m, have in ((primary, pd), (secondary, sd)) if domain not in have]
        if missing:
            out.add(SES_PARITY, domain, f"{domain} is not verified in {', '.join(map(str, missing))}; "
                    "declare it under email.domains so both halves create the identity")  # fmt: skip
            continue
        for half, entry in ((primary, pd[domain]), (secondary, sd[domain])):
            if not entry.get("mailFrom"):
                out.add(SES_PARITY, domain, f"{domain} has no custom MAIL FROM in {half.get('region')}; "
                        "keep email.mailFromSubdomain set so each half creates its MAIL FROM domain")  # fmt: skip
            target = entry.get("dkimTarget")
            if (
                entry.get("dkimMode") == "per-region"
                and isinstance(target, str)
                and target
                and half.get("region") not in str(target)
                and (target != "dkim.amazonses.com")
            ):
                out.add(SES_PARITY, domain, f"{domain}'s DKIM in {half.get('region')} points at {target}")
    p_sets = sorted(str(c.get("name")) for c in (p or {}).get("configurationSets") or [])
    s_sets = sorted(str(c.get("name")) for c in (s or {}).get("configurationSets") or [])
    if p_sets != s_sets:
        out.add(
            SES_PARITY,
            "configuration sets",
            f"configuration sets differ: {primary.get('region')} has {p_sets}, {secondary.get('region')} has "
            f"{s_sets}; senders that name a set fail in the region without it",
        )


def secondary_identities(primary: Mapping[str, Any], secondary: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The secondary region's identities: its own, and the DEED replicas the primary owns there (`replicas`)."""
    own = [d for d in (_section(secondary, "email") or {}).get("domains") or [] if isinstance(d, Mapping)]
    replicas = [r for r in (_section(primary, "email") or {}).get("replicas") or []
                if isinstance(r, Mapping) and r.get("region") == secondary.get("region")]  # fmt: skip
    return own + replicas


def _buckets(out: _Findings, primary: Mapping[str, Any], secondary: Mapping[str, Any], decl: Mapping[str, Any]) -> None:
    pb, sb = _by(primary.get("buckets"), "name"), _by(secondary.get("buckets"), "name")
    rpo = int((decl.get("objectives") or {}).get("rpoMinutes", 15))
    for spec in decl.get("buckets") or [{"name": n} for n in set(pb) | set(sb)]:
        name = spec["name"]
        p, s = pb.get(name), sb.get(name)
        if not p or not s:
            where = primary.get("region") if not p else secondary.get("region")
            out.add(S3_PARITY, f"bucket {name}", f"bucket pair {name} has no bucket in {where}")
            continue
        for half, b in ((primary, p), (secondary, s)):
            if not b.get("versioning"):
                out.add(S3_PARITY, f"bucket {name}", f"{b.get('bucket')} in {half.get('region')} is not versioned; "
                        "replication needs versioning on both buckets")  # fmt: skip
        rules = p.get("replication") or []
        to_peer = [r for r in rules if r.get("to") == s.get("arn") or r.get("toRegion") == secondary.get("region")]
        if any(is_unknown(r.get("to")) for r in to_peer) or is_unknown(s.get("arn")):
            out.undecided(S3_PARITY, f"bucket {name}", "the replica bucket's ARN")
            continue
        to_peer = [r for r in to_peer if r.get("to") == s.get("arn")]
        if not to_peer:
            out.add(
                S3_PARITY,
                f"bucket {name}",
                f"{p.get('bucket')} has no replication rule to {s.get('bucket')} in {secondary.get('region')}; "
                "the primary must replicate every declared bucket to its peer",
            )
            continue
        rule = to_peer[0]
        if not rule.get("deleteMarkers"):
            out.add(S3_PARITY, f"bucket {name}", f"{p.get('bucket')}'s rule does not replicate delete markers "
                    "(V2 rules drop them unless enabled): set replicateDeleteMarkers: true")  # fmt: skip
        if rpo <= S3_RTC_MINUTES and not rule.get("rtc"):
            out.add(
                S3_PARITY,
                f"bucket {name}",
                f"objectives.rpoMinutes is {rpo} but {p.get('bucket')} replicates without Replication Time Control "
                f"(no time bound); set replicationTimeControl: true",
            )


def _tables(out: _Findings, primary: Mapping[str, Any], secondary: Mapping[str, Any], decl: Mapping[str, Any]) -> None:
    owned = _by(primary.get("tables"), "name")
    for spec in decl.get("tables") or [{"name": n} for n in owned]:
        name = spec["name"]
        t = owned.get(name)
        if t is None:
            out.add(DYNAMODB_PARITY, f"table {name}", f"table {name} is not deployed by the primary")
            continue
        if secondary.get("region") not in (t.get("replicaRegions") or []):
            out.add(
                DYNAMODB_PARITY,
                f"table {name}",
                f"{t.get('table')} has no replica in {secondary.get('region')} (replicas: {t.get('replicaRegions')})",
            )
        if t.get("stream") != "NEW_AND_OLD_IMAGES":
            out.add(DYNAMODB_PARITY, f"table {name}", f"{t.get('table')} streams {t.get('stream')}; global "
                    "tables need streams, NEW_AND_OLD_IMAGES")  # fmt: skip
        if not t.get("pitr"):
            out.add(DYNAMODB_PARITY, f"table {name}", f"{t.get('table')} has no point-in-time recovery")
        for key in ("hashKey", "rangeKey"):
            if spec.get(key) and t.get(key) and dict(spec[key]).get("name") != t[key].get("name"):
                out.add(DYNAMODB_PARITY, f"table {name}", f"{t.get('table')}'s {key} differs from the declaration")


def _api(out: _Findings, primary: Mapping[str, Any], secondary: Mapping[str, Any]) -> None:
    p, s = _section(primary, "api"), _section(secondary, "api")
    if not p and not s:
        return
    if not p or not s:
        missing = primary.get("region") if not p else secondary.get("region")
        out.add(API_PARITY, "api", f"the API is not deployed in {missing}")
        return
    for key in ("domainName", "runtime", "memoryMb", "timeoutSeconds", "codeSha256"):
        if p.get(key) != s.get(key) and not is_unknown(p.get(key)) and not is_unknown(s.get(key)):
            out.add(
                API_PARITY,
                "api",
                f"the API's {key} differs: {p.get(key)} in {primary.get('region')}, {s.get(key)} in "
                f"{secondary.get('region')}; the standby must behave like the primary",
            )


def _routing(
    out: _Findings, primary: Mapping[str, Any], secondary: Mapping[str, Any], decl: Mapping[str, Any] | None = None
) -> None:
    p, s = _section(primary, "routing") or {}, _section(secondary, "routing") or {}
    if p.get("mode", s.get("mode")) != "failover":
        return
    alarm, check = s.get("alarm") or {}, p.get("healthCheck") or {}
    if not alarm:
        out.add(ROUTING_PARITY, "stop alarm", f"the secondary ({secondary.get('region')}) has no STOP alarm")
    elif alarm.get("region") != secondary.get("region"):
        out.add(ROUTING_PARITY, "stop alarm", f"the STOP alarm lives in {alarm.get('region')}, not in the standby "
                f"region {secondary.get('region')}: failover would depend on the region that failed")  # fmt: skip
    if not check:
        out.add(ROUTING_PARITY, "health check", "the primary has no STOP health check")
    elif alarm:
        if check.get("type") != "CLOUDWATCH_METRIC":
            out.add(ROUTING_PARITY, "health check", f"the STOP health check has type {check.get('type')}")
        if (check.get("alarmName"), check.get("alarmRegion")) != (alarm.get("name"), alarm.get("region")):
            out.add(
                ROUTING_PARITY,
                "health check",
                f"the health check watches {check.get('alarmName')} in {check.get('alarmRegion')}, but the "
                f"standby's alarm is {alarm.get('name')} in {alarm.get('region')}",
            )
    records = p.get("records") or []
    published = p.get("publishRecords", ((decl or {}).get("routing") or {}).get("publishRecords"))
    if published is False and not records:  # step 1 of a routing migration (docs/day-2.md)
        return
    kinds = sorted(str(r.get("failover")) for r in records)
    if kinds != ["PRIMARY", "SECONDARY"]:
        out.add(ROUTING_PARITY, "records", f"failover records {kinds}; expected one PRIMARY and one SECONDARY")
        return
    standby_target = (_section(secondary, "api") or {}).get("regionalDomainName", UNKNOWN)
    second = next(r for r in records if r.get("failover") == "SECONDARY")
    target = (second.get("aliasTarget") or {}).get("name")
    if is_unknown(target) or is_unknown(standby_target):
        out.undecided(ROUTING_PARITY, "records", "the SECONDARY record's alias target")
    elif target != standby_target:
        out.add(ROUTING_PARITY, "records", f"the SECONDARY record aliases {target}, not the standby API "
                f"{standby_target}")  # fmt: skip


# ------------------------------------------------------------------------------- claim against resources
def facts(manifest: Mapping[str, Any]) -> dict[str, tuple[Any, str | None]]:
    """The facts of a manifest the peer relies on, keyed so a claim and an observation line up.

    Each value comes with the URN of the resource it was read from (observed manifests carry it as `_urn`).
    """
    out: dict[str, tuple[Any, str | None]] = {}

    def put(key: str, value: Any, entry: Any) -> None:
        out[key] = (value, entry.get("_urn") if isinstance(entry, Mapping) else None)

    email = manifest.get("email") or {}
    for d in email.get("domains") or []:
        records = d.get("dkimRecords")
        count = len(records) if isinstance(records, list) else UNKNOWN
        put(f"email domain {d.get('domain')}", {"mailFrom": d.get("mailFrom"), "dkimRecords": count}, d)
    for c in email.get("configurationSets") or []:
        put(f"email configuration set {c.get('name')}", True, c)
    for r in email.get("replicas") or []:
        put(f"email replica {r.get('domain')} in {r.get('region')}",
            {"dkimOrigin": r.get("dkimOrigin"), "mailFrom": r.get("mailFrom")}, r)  # fmt: skip
    endpoint = email.get("multiRegionEndpoint")
    if isinstance(endpoint, Mapping):
        regions = endpoint.get("regions")
        put("email multi-region endpoint", {"name": endpoint.get("name"), "region": endpoint.get("region"),
            "regions": sorted(regions) if isinstance(regions, list) else regions}, endpoint)  # fmt: skip
    sms = manifest.get("sms") or {}
    counts: dict[str, list[Any]] = {}
    for n in sms.get("numbers") or []:
        kind = n.get("type") if isinstance(n.get("type"), str) else "?"
        key = f"sms {n.get('country')} {kind} {n.get('source')} numbers"
        counts.setdefault(key, [0, n])[0] += 1
        if n.get("type") != "SIMULATOR" and n.get("pooled", True) is True:
            counts.setdefault(f"sms {n.get('country')} pooled numbers", [0, n])[0] += 1
    for key, (count, entry) in counts.items():
        put(key, count, entry)
    for b in manifest.get("buckets") or []:
        rules = sorted(
            (str(r.get("fromRegion")), str(r.get("toRegion")), bool(r.get("rtc")), bool(r.get("deleteMarkers")))
            for r in b.get("replication") or []
        )
        put(f"bucket {b.get('name')}", {"bucket": b.get("bucket"), "versioning": b.get("versioning"),
                                        "replication": rules}, b)  # fmt: skip
    if manifest.get("role") == "primary":
        for t in manifest.get("tables") or []:
            regions = t.get("replicaRegions")
            put(f"table {t.get('name')}", {"replicaRegions": sorted(regions) if isinstance(regions, list) else regions,
                                           "stream": t.get("stream"), "pitr": t.get("pitr")}, t)  # fmt: skip
    api = manifest.get("api")
    if isinstance(api, Mapping):
        keys = ("domainName", "runtime", "memoryMb", "timeoutSeconds", "functionName")
        put("api", {k: api.get(k) for k in keys}, api)
    routing = manifest.get("routing") or {}
    alarm = routing.get("alarm")
    if isinstance(alarm, Mapping):
        keys = ("name", "region", "namespace", "metric", "dimensions", "period", "evaluationPeriods")
        put("STOP alarm", {k: alarm.get(k) for k in keys}, alarm)
    check = routing.get("healthCheck")
    if isinstance(check, Mapping):
        if check.get("type") == "CLOUDWATCH_METRIC":
            put("STOP health check", {k: check.get(k) for k in ("type", "alarmName", "alarmRegion")}, check)
        else:  # latency mode: this region's endpoint check
            put("endpoint health check", {k: check.get(k) for k in ("type", "fqdn", "resourcePath")}, check)
    for r in routing.get("records") or []:
        if r.get("failover"):
            put(f"{r.get('failover')} record", {"healthCheck": r.get("healthCheckId") is not None}, r)
        elif r.get("latencyRegion"):
            put(f"latency record {r.get('latencyRegion')}", {"healthCheck": r.get("healthCheckId") is not None}, r)
    return out


def claim_gaps(claim: Mapping[str, Any], observed: Mapping[str, Any], root_urn: str | None = None) -> list[Finding]:
    """Where the exported manifest (the claim the peer trusts) and the registered resources disagree.

    A claim without a resource, a resource without a claim and a known value that differs are findings; a
    value unknown on either side (preview) is no verdict.
    """
    out = _Findings()
    said, seen = facts(claim), facts(observed)
    for key in sorted(set(said) | set(seen)):
        if key not in seen:
            out.add(CLAIM, key, f"pair.yaml builds {key} {_show(said[key][0])} (the exported parityManifest says "
                    "so, and the peer trusts it), but no registered resource has it: the resource was removed or "
                    "changed (by hand or by a transform): restore it, or change pair.yaml and redeploy this half",
                    root_urn)  # fmt: skip
        elif key not in said:
            out.add(CLAIM, key, f"{key} {_show(seen[key][0])} ({seen[key][1] or root_urn}) is registered but pair.yaml "
                    "does not build it (the exported parityManifest does not list it, so the peer cannot see it): "
                    "remove the resource, or declare it in pair.yaml", seen[key][1] or root_urn)  # fmt: skip
        else:
            diff = _differences(said[key][0], seen[key][0])
            if diff:
                urn = seen[key][1] or root_urn
                out.add(CLAIM, key, f"the resource {key} ({urn}) was changed (by hand or by a transform): the "
                        f"registered resource has {diff[1]}, pair.yaml builds {diff[0]} (the exported "
                        f"parityManifest, which the peer trusts, says so): restore {_fields(diff[0], key)} "
                        f"to {diff[0]} or change pair.yaml", urn)  # fmt: skip
    return out


def _differences(claim: Any, seen: Any) -> tuple[Any, Any] | None:
    if isinstance(claim, Mapping) and isinstance(seen, Mapping):
        keys = [k for k in sorted(set(claim) | set(seen)) if not (is_unknown(claim.get(k)) or is_unknown(seen.get(k)))]
        bad = [k for k in keys if claim.get(k) != seen.get(k)]
        return ({k: claim.get(k) for k in bad}, {k: seen.get(k) for k in bad}) if bad else None
    if is_unknown(claim) or is_unknown(seen) or claim == seen:
        return None
    return claim, seen


def _fields(value: Any, key: str) -> str:
    return ", ".join(map(str, value)) if isinstance(value, Mapping) else key


def _show(value: Any) -> str:
    return "" if value is True else f"({value})"


# -------------------------------------------------------------------------------------------- deploy order
def deploy_order(
    declaration: Mapping[str, Any],
    secondary: Mapping[str, Any],
    config_set_names: Mapping[str, str],
    requested: list[Mapping[str, Any]] | None = None,
) -> list[Finding]:
    """What today's declaration asks of the secondary that the deployed secondary lacks.

    Not a design failure: the secondary was deployed from an older pair.yaml. The subjects are those of the
    parity findings the same gap causes, so the pack reports the gap once, as an ordering step.
    """
    out = _Findings()
    region = secondary.get("region")
    subject = f"secondary ({region})"
    email_decl = declaration.get("email") or {}
    email = secondary.get("email") or {}
    have = {d.get("domain") for d in email.get("domains") or []}
    own_identities = email_decl.get("dkimMode") != "deed"  # with DEED the primary creates the secondary's
    for domain in email_decl.get("domains") or [] if own_identities else []:
        if domain not in have:
            out.add(DEPLOY_ORDER, domain, f"pair.yaml declares {domain} but the deployed secondary ({region}) has "
                    f"no SES identity for it; {DEPLOY_SECONDARY_FIRST}")  # fmt: skip
    sets = {c.get("name") for c in email.get("configurationSets") or []}
    wanted = [config_set_names.get(c.get("name"), c.get("name")) for c in email_decl.get("configurationSets") or []]
    missing = [n for n in wanted if n not in sets]
    if missing:
        out.add(DEPLOY_ORDER, "configuration sets", f"pair.yaml declares configuration sets {missing} that the "
                f"deployed secondary ({region}) lacks; {DEPLOY_SECONDARY_FIRST}")  # fmt: skip
    numbers = (secondary.get("sms") or {}).get("numbers") or []
    declared: dict[tuple[str, str], int] = {}
    for req in requested or []:  # Pulumi.<secondary>.yaml regionpair:requestedNumbers
        key = (str(req.get("country")), str(req.get("type")))
        declared[key] = declared.get(key, 0) + 1
    for (country, kind), count in sorted(declared.items()):
        held = sum(
            1 for n in numbers if (n.get("country"), n.get("type"), n.get("source")) == (country, kind, "requested")
        )
        if held < count:
            out.add(DEPLOY_ORDER, f"{subject} sms {country}",
                    f"the secondary's stack file requests {count} {kind} number(s) for {country}; the deployed "
                    f"secondary ({region}) holds {held}; {DEPLOY_SECONDARY_FIRST}")  # fmt: skip
    lam = (declaration.get("api") or {}).get("lambda")
    api = secondary.get("api") or {}
    if declaration.get("api") and api:
        want = {"runtime": (lam or {}).get("runtime"), "memoryMb": (lam or {}).get("memoryMb"),
                "timeoutSeconds": (lam or {}).get("timeoutSeconds")}  # fmt: skip
        lag = {k: api.get(k) for k, v in want.items() if v is not None and api.get(k) != v}
        if lag:
            out.add(DEPLOY_ORDER, "api", f"pair.yaml sets the API's Lambda to "
                    f"{ {k: want[k] for k in lag} }, the deployed secondary ({region}) runs {lag}; "
                    f"{DEPLOY_SECONDARY_FIRST}")  # fmt: skip
    buckets = {b.get("name") for b in secondary.get("buckets") or []}
    for b in declaration.get("buckets") or []:
        if b.get("name") not in buckets:
            out.add(DEPLOY_ORDER, f"bucket {b.get('name')}", f"pair.yaml declares bucket {b.get('name')} but the "
                    f"deployed secondary ({region}) has none; {DEPLOY_SECONDARY_FIRST}")  # fmt: skip
    return out
