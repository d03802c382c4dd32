"""Live status of each declared SMS number, read-only: tells the user when a number may join its pool.

A number requested by the program stays PENDING in AWS until its registration is approved (days to weeks for US
toll-free and 10DLC), and the program keeps it out of the pool until the stack file says `status: active`
(docs/configuration.md, "SMS number lifecycle"). The program cannot see AWS's status; this module can: it reads
the numbers (DescribePhoneNumbers), finds the ones the program requested by their tag, reads their registrations
(DescribeRegistrations) in the same region (registrations are regional), and says the next step per number.
Reads only: describe/list calls, with paginators.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from botocore.exceptions import ClientError

from regionpair.components.declaration import (
    ExistingNumber,
    NumberRequest,
    NumberStatus,
    NumberType,
    Pair,
    Role,
    registration_key,
)
from regionpair.components.sms import NUMBER_TAG, pooled_flags

# DescribeRegistrations.RegistrationIds takes at most 5 ids (botocore pinpoint-sms-voice-v2 model, max 5; the
# Terraform provider chunks DescribePhoneNumbers ids likewise in pool.go).
ID_BATCH = 5
# Registration statuses (botocore RegistrationStatus) in which the user has nothing to do but wait.
REVIEWING = frozenset({"SUBMITTED", "AWS_REVIEWING", "REVIEWING", "PROVISIONING"})
NEEDS_REGISTRATION = frozenset({NumberType.TOLL_FREE, NumberType.TEN_DLC})


@dataclass(frozen=True)
class NumberReport:
    """One declared number: what the stack file says, what AWS says, and the next step."""

    stack: str
    region: str
    key: str
    """Where it is declared: `Pulumi.<stack>.yaml regionpair:requestedNumbers[i]` (or existingNumbers)."""
    source: str
    country: str
    type: str
    declared: str
    """`pending` or `active`, as the stack file says."""
    live: str | None
    """AWS's status (PENDING, ACTIVE, ASSOCIATING, DISASSOCIATING, DELETED), None when not found."""
    arn: str | None
    phone_number: str | None
    registration_id: str | None
    registration_status: str | None
    in_pool: bool
    """AWS reports the number associated with a pool."""
    action: str
    """ok, activate, deploy, wait, register, mismatch or missing."""
    advice: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, camelCase like the manifests."""
        d = asdict(self)
        return {
            "stack": d["stack"], "region": d["region"], "key": d["key"], "source": d["source"],
            "country": d["country"], "type": d["type"], "declared": d["declared"], "live": d["live"],
            "arn": d["arn"], "phoneNumber": d["phone_number"], "registrationId": d["registration_id"],
            "registrationStatus": d["registration_status"], "inPool": d["in_pool"], "action": d["action"],
            "advice": d["advice"],
        }  # fmt: skip


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), ID_BATCH):
        yield items[i : i + ID_BATCH]


def describe_numbers(sms: Any) -> list[dict[str, Any]]:
    """Every phone number of the client's region (the account's own)."""
    paginator = sms.get_paginator("describe_phone_numbers")
    return [n for page in paginator.paginate() for n in page.get("PhoneNumbers", [])]


def describe_registrations(sms: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Registrations of the client's region by id; ids not found in this region are absent from the result."""
    paginator = sms.get_paginator("describe_registrations")
    out: dict[str, dict[str, Any]] = {}
    for batch in _chunks(sorted(set(ids))):
        try:
            for page in paginator.paginate(RegistrationIds=batch):
                out.update({r["RegistrationId"]: r for r in page.get("Registrations", [])})
        except ClientError as err:
            if err.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            if len(batch) > 1:
                for one in batch:
                    out.update(describe_registrations(sms, [one]))
    return out


def requested_by_tag(sms: Any, pair_name: str, numbers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The live numbers the program requested for `pair_name`, by number key (tag `regionpair:number`)."""
    prefix = f"{pair_name}/"
    out: dict[str, dict[str, Any]] = {}
    for number in numbers:
        if number.get("Status") == "DELETED":
            continue
        tags = sms.list_tags_for_resource(ResourceArn=number["PhoneNumberArn"]).get("Tags", [])
        value = next((t["Value"] for t in tags if t["Key"] == NUMBER_TAG), "")
        if value.startswith(prefix):
            out[value[len(prefix) :]] = number
    return out


def _bare(registration: str | None) -> str | None:
    """A registration's bare id, as DescribeRegistrations takes it (the declaration may give its ARN)."""
    return registration_key(registration)[1] if registration else None


def advise(
    declared: NumberStatus,
    live: dict[str, Any] | None,
    registration: dict[str, Any] | None,
    registration_id: str | None,
    *,
    number: NumberRequest | ExistingNumber,
    expect_pooled: bool,
    key: str,
    stack: str,
    region: str,
) -> tuple[str, str]:
    """(action, one line) for a number: the lifecycle's next step, or why the next `pulumi up` would fail."""
    up = f"run `pulumi up -s {stack}`"
    if live is None or live.get("Status") == "DELETED":
        if isinstance(number, ExistingNumber):
            return "missing", f"not found in {region} (or released): check the ARN at {key}"
        return "deploy", f"not requested yet in {region}: {up}"
    status = live.get("Status")
    if status == "ACTIVE":
        if declared is NumberStatus.PENDING:
            return "activate", f"ACTIVE in AWS: set status: active at {key}, then {up} to pool it"
        if not expect_pooled:
            return "ok", "active; not pooled by design (a simulator never joins a pool of real numbers)"
        if live.get("PoolId"):
            return "ok", "active and pooled"
        return "deploy", f"active, not in a pool yet: {up}"
    if declared is NumberStatus.ACTIVE:
        return "mismatch", (
            f"declared active but AWS says {status}: the next `pulumi up` would fail (the provider refuses a pool "
            f"whose identities are not ACTIVE); set status: pending at {key}"
        )
    if status != "PENDING":
        return "wait", f"{status} in AWS: wait, then check again"
    if registration_id and registration is None:
        return "register", (
            f"registration {registration_id} not found in {region}: registrations are per region; create one "
            f"in {region} for this number"
        )
    if registration is None:
        if number.type in NEEDS_REGISTRATION:
            return "register", (
                f"PENDING without a registration: create one in {region} (each US toll-free number has its own), "
                "attach this number and submit it"
            )
        return "wait", "PENDING: AWS is activating it; check again later"
    reg_status = registration.get("RegistrationStatus")
    rid = registration.get("RegistrationId")
    if reg_status == "CREATED":
        return "register", f"registration {rid} is CREATED: complete its form and submit it"
    if reg_status == "REQUIRES_UPDATES":
        return "register", f"registration {rid} REQUIRES_UPDATES: fix the flagged fields and resubmit it"
    if reg_status == "REQUIRES_AUTHENTICATION":
        return "register", f"registration {rid} REQUIRES_AUTHENTICATION: complete the authentication step"
    if reg_status in ("CLOSED", "DELETED"):
        return "register", f"registration {rid} is {reg_status}: create a new one in {region} for this number"
    if reg_status in REVIEWING:
        return "wait", f"registration {rid} is {reg_status}: carriers review it (US toll-free: up to 15 business days)"
    return "wait", f"registration {rid} is {reg_status}: AWS is activating the number; check again later"


def stack_name(pair: Pair, role: Role) -> str:
    """The stack deploying `role` (the peer half names it)."""
    return pair.half(role.peer).peer_stack_short


def report(sms: Any, pair: Pair, role: Role) -> list[NumberReport]:
    """Each number `role`s stack file declares, with AWS status and the next step; `sms`: a client of its region."""
    half = pair.half(role)
    stack = stack_name(pair, role)
    prefix = f"Pulumi.{stack}.yaml regionpair"
    existing_arns = {n.arn for n in half.existing_numbers}
    everything = describe_numbers(sms)
    by_arn = {n["PhoneNumberArn"]: n for n in everything}
    requested = requested_by_tag(
        sms, pair.shared.name, [n for n in everything if n["PhoneNumberArn"] not in existing_arns]
    )
    entries: list[tuple[str, NumberRequest | ExistingNumber, dict[str, Any] | None, str | None]] = []
    for i, (key, req) in enumerate(zip(half.number_keys, half.requested_numbers, strict=True)):
        live = requested.get(key)
        entries.append(
            (
                f"{prefix}:requestedNumbers[{i}]",
                req,
                live,
                _bare((live or {}).get("RegistrationId") or req.registration_id),
            )
        )
    for i, ex in enumerate(half.existing_numbers):
        live = by_arn.get(ex.arn)
        entries.append((f"{prefix}:existingNumbers[{i}]", ex, live, _bare((live or {}).get("RegistrationId"))))
    registrations = describe_registrations(sms, [r for *_, r in entries if r])
    out = []
    for (key, number, live, reg_id), expect_pooled in zip(entries, pooled_flags(half), strict=True):
        registration = registrations.get(reg_id) if reg_id else None
        action, advice = advise(
            number.status, live, registration, reg_id, number=number, expect_pooled=expect_pooled,
            key=key, stack=stack, region=half.region,
        )  # fmt: skip
        out.append(
            NumberReport(
                stack=stack, region=half.region, key=key,
                source="existing" if isinstance(number, ExistingNumber) else "requested",
                country=number.country, type=number.type.value, declared=number.status.value,
                live=(live or {}).get("Status"), arn=(live or {}).get("PhoneNumberArn"),
                phone_number=(live or {}).get("PhoneNumber"), registration_id=reg_id,
                registration_status=(registration or {}).get("RegistrationStatus"),
                in_pool=bool((live or {}).get("PoolId")), action=action, advice=advice,
            )
        )  # fmt: skip
    return out


def manifest_entries(numbers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Live numbers in the parity manifest's `numbers[]` shape (docs/parity-manifest-email-sms.md), for `audit`.

    `source` is left out: AWS does not know which numbers the program requested. ACTIVE numbers are `active`,
    every other status `pending`; `pooled` is AWS's association with a pool.
    """
    from regionpair.components.sms_throughput import mps

    return [
        {
            "country": n["IsoCountryCode"],
            "type": n["NumberType"],
            "messageType": n.get("MessageType"),
            "status": "active" if n.get("Status") == "ACTIVE" else "pending",
            "pooled": bool(n.get("PoolId")),
            "arn": n["PhoneNumberArn"],
            "phoneNumber": n.get("PhoneNumber"),
            "mps": mps(n["NumberType"], n["IsoCountryCode"]),
        }
        for n in numbers
        if n.get("Status") != "DELETED"
    ]
