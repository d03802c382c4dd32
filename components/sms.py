"""AWS End User Messaging SMS origination identities in this half's region (formerly Pinpoint SMS).

Numbers are per account and region, so each half holds its own: numbers requested by API (`RequestPhoneNumber`,
declared one by one in the stack file with their own registration), numbers registered by hand (10DLC campaigns,
short codes) referenced by ARN, one pool per country that fails over between its own numbers (carrier problems:
switch number first, region second), an opt-out list, and sender IDs where a country allows them.

Lifecycle (docs/configuration.md, "SMS number lifecycle"): a number is requested without waiting for ACTIVE when
declared `pending` (toll-free and 10DLC numbers stay PENDING for days while their registration is reviewed, and
pulumi-aws's `Smsvoicev2PhoneNumber` would otherwise wait 30 minutes and taint it), and joins its country's pool
only once declared `active`: the provider refuses a pool whose identities are not ACTIVE (pool.go,
validatePhoneIdentity). A pool exists only while it has at least one active identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import Half, NumberStatus, NumberType, Pair
from regionpair.components.options import Stateful, stateful
from regionpair.components.sms_throughput import mps

NUMBER_TAG = "regionpair:number"
"""Tag on each requested number: `<pair name>/<number key>`."""


@dataclass
class SmsOriginationArgs:
    """Inputs of `SmsOrigination`."""

    pair: Pair
    """The validated pair; `pair.shared.sms` must be set."""


class SmsOrigination(pulumi.ComponentResource):
    """Numbers, pools, opt-out list and sender IDs of this half."""

    manifest: dict[str, Any]
    """`{"numbers": [...], "pools": [...], "optOutList": ..., "senderIds": [...]}` (docs/parity-manifest.md)."""

    def __init__(self, name: str, args: SmsOriginationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:sms:SmsOrigination", name, None, opts)
        pair = args.pair
        sms = pair.shared.sms
        assert sms is not None  # wired only when declared
        region = pair.this.region
        tags = {**pair.shared.tags, "regionpair:role": pair.this_role.value}

        opt_outs = aws.pinpoint.Smsvoicev2OptOutList(
            f"{name}-opt-outs",
            name=sms.opt_out_list,
            region=region,
            tags=tags,
            opts=stateful(pair, Stateful.OPT_OUT_LIST, sms.opt_out_list, self),
        )

        numbers: list[dict[str, Any]] = []
        identities: list[tuple[str, pulumi.Input[str]]] = []  # (country, arn), requested then existing
        message_types: dict[str, str] = {}
        half = pair.this
        for key, req in zip(half.number_keys, half.requested_numbers, strict=True):
            active = req.status is NumberStatus.ACTIVE
            number = aws.pinpoint.Smsvoicev2PhoneNumber(
                f"{name}-{key}",
                iso_country_code=req.country,
                message_type=req.message_type,
                number_type=req.type.value,
                number_capabilities=list(req.capabilities),
                registration_id=req.registration_id,
                opt_out_list_name=opt_outs.name,
                # A retiring number drops its protection first, so that the deploy that removes it can release it.
                deletion_protection_enabled=sms.deletion_protection and not req.retire,
                # SDK docstring: waits for ACTIVE unless False; a pending number would time out and be tainted.
                # Declared active and not registration-gated (simulators, long codes): wait, so the pool is
                # created after it is ACTIVE. A gated number declared active already exists (it was requested
                # pending); should it be requested afresh (a new stack), waiting days would time out: never wait.
                wait_for_active=active and not req.registration_gated,
                region=region,
                # `regionpair sms status` finds the live number by this tag (regionpair/ops/sms_numbers.py).
                tags={**tags, NUMBER_TAG: f"{pair.shared.name}/{key}"},
                # Both matter only when the number is requested: flipping pending -> active, or recording a
                # registration attached later in the console, must never update (let alone replace) the number.
                opts=stateful(
                    pair, Stateful.PHONE_NUMBER, key, self, retiring=req.retire,
                    ignore_changes=["waitForActive", "registrationId"],
                ),
            )
            identities.append((req.country, number.arn))
            message_types.setdefault(req.country, req.message_type)
            numbers.append(
                _entry(req.country, req.type.value, req.message_type, "requested", req.status, number.arn,
                       number.phone_number)
            )  # fmt: skip
        for existing in half.existing_numbers:
            identities.append((existing.country, existing.arn))
            message_types.setdefault(existing.country, existing.message_type)
            numbers.append(
                _entry(existing.country, existing.type.value, existing.message_type, "existing", existing.status,
                       existing.arn, existing.number)
            )  # fmt: skip

        by_country: dict[str, list[pulumi.Input[str]]] = {}
        for entry, (country, arn), pooled in zip(numbers, identities, pooled_flags(half), strict=True):
            entry["pooled"] = pooled
            if pooled:
                by_country.setdefault(country, []).append(arn)

        # A sender ID joins its country's pool when the country has one (the pool's identities share its message
        # type: pool.go validateSenderIdentity), so pooled sending can use it; only then is it capacity.
        sender_ids = []
        for sid in sms.sender_ids:
            pooled = sid.country in by_country
            sender = aws.pinpoint.Smsvoicev2SenderId(
                f"{name}-sender-{sid.country.lower()}-{sid.sender_id.lower()}",
                iso_country_code=sid.country,
                sender_id=sid.sender_id,
                message_types=[message_types[sid.country]] if pooled else None,
                deletion_protection_enabled=sms.deletion_protection,
                region=region,
                tags=tags,
                opts=stateful(pair, Stateful.SENDER_ID, f"{sid.country}/{sid.sender_id}", self),
            )
            if pooled:
                by_country[sid.country].append(sender.arn)
            sender_ids.append({"country": sid.country, "senderId": sid.sender_id, "mps": mps("SENDER_ID", sid.country),
                               "pooled": pooled})  # fmt: skip

        pools = []
        for country, arns in sorted(by_country.items()):
            pool = aws.pinpoint.Smsvoicev2Pool(
                f"{name}-pool-{country.lower()}",
                origination_identities=arns,
                iso_country_code=country,
                message_type=message_types[country],
                opt_out_list_name=opt_outs.name,
                deletion_protection_enabled=sms.deletion_protection,
                region=region,
                tags=tags,
                opts=stateful(pair, Stateful.POOL, country, self),
            )
            pools.append(
                {"country": country, "messageType": message_types[country], "arn": pool.arn, "identities": len(arns)}
            )

        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "region": region,
                "numbers": numbers,
                "pools": pools,
                "optOutList": sms.opt_out_list,
                "senderIds": sender_ids,
            }
        )
        self.register_outputs({"manifest": self.manifest})


def pooled_flags(half: Half) -> list[bool]:
    """Whether each number of `half` (requested, then existing) joins its country's pool.

    Only numbers declared active and not retiring (the provider refuses a pool with a non-ACTIVE identity, pool.go
    validatePhoneIdentity); simulators only in a country with no real number, so that a pool never routes real
    traffic to a simulator. Shared by the program and `regionpair sms status`.
    """
    numbers = [*half.requested_numbers, *half.existing_numbers]
    real = {n.country for n in numbers if n.type is not NumberType.SIMULATOR}
    return [
        n.status is NumberStatus.ACTIVE
        and not getattr(n, "retire", False)  # a retiring number leaves its pool before it is released
        and (n.type is NumberType.SIMULATOR) == (n.country not in real)
        for n in numbers
    ]


def _entry(
    country: str,
    number_type: str,
    message_type: str,
    source: str,
    status: NumberStatus,
    arn: pulumi.Input[str],
    phone_number: pulumi.Input[str | None] | None,
) -> dict[str, Any]:
    """One `numbers[]` entry of the manifest (docs/parity-manifest-email-sms.md); `pooled` is set by the caller."""
    return {
        "country": country,
        "type": number_type,
        "messageType": message_type,
        "source": source,
        "status": status.value,
        "pooled": False,
        "arn": arn,
        "phoneNumber": phone_number,
        "mps": mps(number_type, country),
    }
