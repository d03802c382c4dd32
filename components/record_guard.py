"""A guard that refuses, in preview, API records whose routing policy Route 53 would refuse next to the live ones.

Why: Route 53 keeps one routing policy per record name and type (ChangeResourceRecordSets: "You can't create
non-failover resource record sets that have the same values for the Name and Type elements as failover resource
record sets"; one PRIMARY and one SECONDARY failover record per name and type). Pulumi creates new records before
it deletes the old ones (deletions run last), and the old records may belong to the other stack. So a change of
`routing.mode` or `strategy` in one deploy is refused by Route 53 half way through `pulumi up`, after other steps
ran. The program cannot see the deployed records; this guard can: its provider's `check` (which the engine calls
in preview, before any step of the deploy) lists the live record sets of the API's name and type and fails with
one line naming `routing.mode` and the two-deploy procedure (docs/day-2.md) when any live record has another
policy, or holds the failover role a new record takes under another set identifier.

A Pulumi dynamic provider on boto3 (pulumi-aws has no resource that validates against live records). It owns
nothing in AWS: create, update and delete only record the guarded name in the state. Credentials: those of the
environment of `pulumi up` (as for components/deed_identity.py); Route 53's control plane answers in us-east-1.
If the records cannot be listed (no permission, control plane unavailable), the guard does not block: the
records' own creation goes through the same control plane and reports its own error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ResourceProvider, UpdateResult

from regionpair.components import constraints

KIND = "route53:RecordSetGuard"
"""`kind` input of the guard (the dynamic resources of this program all register as `pulumi-python:dynamic`)."""
ClientFactory = Callable[[str, str], Any]
PROCEDURE = (
    "change routing.mode or strategy in two deploys: first routing.publishRecords: false (the old records go), "
    "then the new mode (docs/day-2.md, Changing routing.mode or strategy)"
)


def policy_of(record_set: Mapping[str, Any]) -> str:
    """The routing policy of a record set as ListResourceRecordSets returns it."""
    if record_set.get("Failover"):
        return "failover"
    if record_set.get("Region"):
        return "latency"
    if record_set.get("Weight") is not None:
        return "weighted"
    if record_set.get("GeoLocation"):
        return "geolocation"
    if record_set.get("GeoProximityLocation"):
        return "geoproximity"
    if record_set.get("CidrRoutingConfig"):
        return "cidr"
    if record_set.get("MultiValueAnswer"):
        return "multivalue"
    return "simple"


def conflicts(live: list[Mapping[str, Any]], policy: str, records: list[Mapping[str, Any]]) -> list[str]:
    """Why Route 53 would refuse `records` (our planned records of `policy`) next to `live` record sets."""
    problems = []
    mine = {str(r.get("setIdentifier")) for r in records}
    for rs in live:
        have = policy_of(rs)
        if have != policy:
            problems.append(f"{rs.get('Name')} {rs.get('Type')} has a {have} record ({rs.get('SetIdentifier')}); "
                            f"this deploy creates {policy} records, which Route 53 refuses next to it")  # fmt: skip
            continue
        role = rs.get("Failover")
        if role and str(rs.get("SetIdentifier")) not in mine:
            if any(str(r.get("failover")) == role for r in records):
                problems.append(f"{rs.get('Name')} {rs.get('Type')} already has a {role} failover record "
                                f"({rs.get('SetIdentifier')}); a second one is refused")  # fmt: skip
    return problems


def _client(factory: ClientFactory | None) -> Any:
    if factory is not None:
        return factory("route53", "us-east-1")
    import boto3

    return boto3.client("route53", region_name="us-east-1")


def live_record_sets(client: Any, zone_id: str, name: str, typ: str) -> list[dict[str, Any]]:
    """The record sets of one name and type (ListResourceRecordSets starts at the name; stop past it)."""
    want = name.lower().rstrip(".") + "."
    out: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"HostedZoneId": zone_id, "StartRecordName": want, "StartRecordType": typ}
    while True:
        page = client.list_resource_record_sets(**kwargs)
        for rs in page.get("ResourceRecordSets", []):
            if str(rs.get("Name", "")).lower() != want or rs.get("Type") != typ:
                return out
            out.append(rs)
        if not page.get("IsTruncated"):
            return out
        kwargs = {"HostedZoneId": zone_id, "StartRecordName": page["NextRecordName"],
                  "StartRecordType": page["NextRecordType"]}  # fmt: skip
        if page.get("NextRecordIdentifier"):
            kwargs["StartRecordIdentifier"] = page["NextRecordIdentifier"]


class RecordSetGuardProvider(ResourceProvider):
    """`check` reads the live record sets; the other operations only keep the guarded name in the state."""

    serialize_as_secret_always = False

    def __init__(self, client_factory: ClientFactory | None = None) -> None:
        super().__init__()
        self.client_factory = client_factory

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Refuse, before any step, records of a policy the live record sets exclude."""
        zone, name, typ = news.get("zoneId"), news.get("name"), news.get("type")
        records = list(news.get("records") or [])
        if constraints.UNKNOWN in (zone, name, typ) or not all(isinstance(v, str) for v in (zone, name, typ)):
            return CheckResult(news, [])
        try:
            live = live_record_sets(_client(self.client_factory), str(zone), str(name), str(typ))
        except Exception:  # cannot tell: the records' own creation reports the control plane's error
            return CheckResult(news, [])
        found = conflicts(live, str(news.get("policy")), records)
        return CheckResult(news, [CheckFailure("policy", f"routing.mode: {p}; {PROCEDURE}") for p in found[:1]])

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Nothing to create in AWS: the id names the guarded record set."""
        return CreateResult(f"{props.get('zoneId')}/{props.get('name')}/{props.get('type')}", dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """In place, whatever changed (nothing in AWS to replace)."""
        keys = ("zoneId", "name", "type", "policy", "records")
        return DiffResult(changes=any(olds.get(k) != news.get(k) for k in keys), replaces=[])

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only the state changes."""
        return UpdateResult(dict(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete in AWS."""


class RecordSetGuard(pulumi.dynamic.Resource):
    """Guards the records one component creates for one name and type (see the module docstring)."""

    def __init__(
        self,
        name: str,
        *,
        zone_id: str,
        record_name: str,
        record_type: str,
        policy: str,
        records: list[dict[str, str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"kind": KIND, "zoneId": zone_id, "name": record_name, "type": record_type, "policy": policy,
                 "records": records}  # fmt: skip
        super().__init__(RecordSetGuardProvider(), name, props, opts)
