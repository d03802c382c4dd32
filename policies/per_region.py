"""What may differ between the two halves of a pair, and why: the one table deny-by-default parity consults.

Parity (policies/rules_parity.py, docs/parity.md) pairs each resource of one half with its counterpart in the
other, by type and logical name, and reports **every** input that differs, except what this module lists.
Anything not listed here must be equal. Add a row only with its reason; docs/parity.md mirrors this table.

Before comparing, each half's strings are read with its own region, the peer's region and the two role names
replaced by placeholders (`{region}`, `{peer-region}`, `{role}`, `{peer-role}`): a name, ARN, description or
tag that says "this half" in each half is the same value. A value naming the *wrong* region still differs. The
6-character digest of a shortened name (`DIGEST`) reads as `{digest}`.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from regionpair.policies import props as P

ANY = "*"

PER_REGION: dict[str, dict[str, str]] = {
    ANY: {
        "__provider": "a dynamic provider's serialized code: the same code pickles differently per process",
    },
    P.API_DOMAIN: {
        "regionalCertificateArn": "ACM certificates are regional: each stack file names its own region's "
        "certificate (regionpair:certificateArn), whose id AWS assigns",
    },
    "aws:apigateway/deployment:Deployment": {
        "triggers.redeployment": "a digest of the regional API's definition, which holds the ids AWS assigned "
        "in that region; the definition itself is compared resource by resource",
    },
    P.RECORD + " *-dkim-*": {
        "name": "Easy DKIM: SES generates each region's own DKIM tokens, and each record publishes its region's",
        "records": "as name: the CNAME's target carries the region's token",
    },
    P.SMS_POOL: {
        "originationIdentities": "the ARNs of this region's own numbers and sender IDs (numbers are declared per "
        "region in each stack file); capacity is judged by sms-number-minimum and sms-standby-throughput",
    },
    P.LAMBDA: {
        "code": "the deployment archive is built per stack; its content is compared through sourceCodeHash",
    },
    P.LAMBDA + " *-switch-fence-function": {
        "environment.variables.ACTIVATED_STATE": "region-switch: each region's fence writes the app state that "
        "activates that region (docs/region-switch.md)",
    },
    P.RECORD + " *-routing-record-*": {
        "aliases.*.name": "latency: each region's record aliases that region's API (AWS names its regional host)",
        "aliases.*.zoneId": "the regional API's hosted zone is the region's own (AWS's per-region zone ids)",
    },
}
"""`type token` or `type token name-pattern` (or `*`) -> input path (dotted, list indexes as numbers, `*` matches
one step, a path covers what is below it) -> reason."""


@dataclass(frozen=True)
class Owned:
    """A resource only one half has, by design: no counterpart is expected in the other."""

    type: str
    name: str
    """fnmatch pattern on the logical name (after region/role placeholders)."""
    owner: str
    """"primary", "secondary", "each" (each half has its own, declared in its stack file: never paired) or
    "either" (paired when both halves have it; either may lack it, for the reason given)."""
    reason: str
    when: Callable[[Mapping[str, Any]], bool] | None = None
    """Only for declarations where this holds (the shared declaration, camelCase)."""


def _deed(d: Mapping[str, Any]) -> bool:
    return (d.get("email") or {}).get("dkimMode") == "deed"


OWNED: tuple[Owned, ...] = (
    Owned(P.SMS_NUMBER, "*", "each", "numbers are declared per region, one by one, in each stack file "
          "(registrations are per region and per number); judged by sms-number-minimum and sms-standby-throughput"),
    Owned("aws:sesv2/dedicatedIpAssignment:DedicatedIpAssignment", "*", "each", "leased dedicated IPs are "
          "regional and listed per stack; pool parity is judged by ses-dedicated-ip-pool-parity"),
    Owned(P.SMS_POOL, "*", "either", "a pool exists only where the region holds an ACTIVE number for that country "
          "(AWS refuses an empty pool, and pending numbers cannot join); the shortfall is judged by "
          "sms-number-minimum and sms-number-pending; pools both halves have are compared"),
    Owned(P.TABLE, "*", "primary", "global tables: the primary's table owns the replica in the secondary's region "
          "(its `replicas`), compared with the table itself"),
    Owned("aws:dynamodb/tableItem:TableItem", "*", "primary", "the app-state item is written once, into the "
          "global table, which replicates it"),
    Owned(P.BUCKET_REPLICATION, "*", "primary", "the primary owns both buckets' replication configurations "
          "(docs/contributing.md, ownership across the two stacks)"),
    Owned(P.ROLE, "*-replication-role", "primary", "the replication role belongs to the replication the primary "
          "owns"),
    Owned(P.ROLE_POLICY, "*-replication-policy", "primary", "as the replication role"),
    Owned(P.HEALTH_CHECK, "*-stop-check", "primary", "STOP: the primary owns everything Route 53: the health "
          "check on the standby's alarm"),
    Owned(P.RECORD, "*-routing-record-*", "primary", "STOP: one owner for the API name's record set, the primary"),
    Owned(P.RECORD, "*-dmarc", "primary", "one DMARC record per domain, global DNS, owned by the primary"),
    Owned(P.RECORD, "*-switch-records-*", "primary", "region-switch: the primary owns the API name's records"),
    Owned(P.METRIC_ALARM, "*-routing-stop-alarm", "secondary", "STOP: the alarm lives in the standby region; it "
          "is judged against what `regionpair failover` publishes (route53-stop-contract)"),
    Owned(P.METRIC_ALARM, "*-signals-ses-volume", "primary", "warm standby: only the primary sends, so only it "
          "alarms on a drop in sending volume"),
    Owned("aws:cloudfront/*", "*", "secondary", "the read path (distribution, origin access control, cache "
          "policies) belongs to the secondary (docs/signals-and-cdn.md); judged against pair.yaml's cdn section"),
    Owned("aws:arcregionswitch/plan:Plan", "*", "secondary", "region-switch: the plan lives with the standby "
          "(docs/region-switch.md)"),
    Owned(P.ROLE, "*-switch-role", "secondary", "the plan's execution role, with the plan"),
    Owned(P.ROLE_POLICY, "*-switch-policy", "secondary", "the plan's execution role's policy, with the plan"),
    Owned("aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint", "*", "primary", "the SES multi-region endpoint is "
          "owned by the primary (docs/global-endpoints.md)"),
    Owned("aws:resiliencehub/*", "*", "primary", "the pair's one Resilience Hub registration (system, policy, "
          "service, input source) is built by the primary, in the primary region (components/resilience_hub.py)"),
    Owned("pulumi-python:dynamic:Resource", "*-replica", "primary", "DEED replica identities: the primary creates "
          "them in the secondary's region (docs/global-endpoints.md)", _deed),
    Owned("pulumi-python:dynamic:Resource", "*-record-guard", "primary", "the record-set guard reads the live "
          "records of the API's name before the records are changed, so it lives with their owner: the primary in "
          "failover and region-switch modes (docs/day-2.md); in latency mode each half has its own"),
    Owned(P.EMAIL_MAIL_FROM, "*-replica-mail-from", "primary", "a DEED replica's MAIL FROM, with the replica", _deed),
    Owned(P.EMAIL_IDENTITY, "*", "primary", "DEED: the secondary's identities are the primary's replicas", _deed),
    Owned(P.EMAIL_MAIL_FROM, "*", "primary", "DEED: as the identities", _deed),
    Owned(P.RECORD, "*-dkim-*", "primary", "DEED: only the parent identity publishes DKIM records", _deed),
)
"""Resources only one half owns (type pattern, logical-name pattern, owner, reason, declarations it holds for)."""


@functools.cache
def exempt(token: str, path: str, name: str = "") -> str | None:
    """The reason `path` of a `token` resource may differ per region, or None when it must be equal.

    Remembered: a function of the tables above, asked for every input path of every paired resource.
    """
    for key, table in PER_REGION.items():
        kind, _, pattern_name = key.partition(" ")
        if kind not in (ANY, token) or (pattern_name and not fnmatch.fnmatchcase(name, pattern_name)):
            continue
        for pattern, reason in table.items():
            if _matches(pattern, path):
                return reason
    return None


def owned(token: str, name: str, declaration: Mapping[str, Any] | None = None) -> Owned | None:
    """The row that says the resource `token`/`name` exists in one half only, if any."""
    for row in OWNED:
        if row.when is not None and not row.when(declaration or {}):
            continue
        if fnmatch.fnmatchcase(token, row.type) and fnmatch.fnmatchcase(name, row.name):
            return row
    return None


def _matches(pattern: str, path: str) -> bool:
    """`a.*.b` matches `a.0.b`; a pattern also covers everything below the path it names."""
    want, have = pattern.split("."), path.split(".")
    if len(have) < len(want):
        return False
    return all(w == "*" or w == h for w, h in zip(want, have, strict=False))


DIGEST = re.compile(r"(?<=-)(?=[0-9a-f]*[0-9])[0-9a-f]{6}(?![0-9A-Za-z])")
"""The short digest a derived name gets when shortened to AWS's limit (components/naming.py `fit`): it hashes
the full name, region included, so each half's differs; read as `{digest}` (the rest of the name still counts)."""


def placeholders(region: str, peer_region: str, role: str, peer_role: str) -> re.Pattern[str]:
    """The regular expression that finds this half's region and role words in its strings."""
    words = sorted({region, peer_region, role, peer_role}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))
