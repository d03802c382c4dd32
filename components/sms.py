"""AWS End User Messaging SMS origination identities in this half's region (seed 000's SMS, post-Pinpoint).

Numbers are per account and region, so each half holds its own: numbers requested by API
(`RequestPhoneNumber`), numbers registered by hand (10DLC campaigns, short codes) referenced by ARN, one pool
per country that fails over between its own numbers (carrier problems: switch number first, region second),
an opt-out list, and sender IDs where a country allows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.declaration import NumberType, Pair
from components.sms_throughput import mps


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
        child = pulumi.ResourceOptions(parent=self)
        tags = {**pair.shared.tags, "regionpair:role": pair.this_role.value}

        opt_outs = aws.pinpoint.Smsvoicev2OptOutList(
            f"{name}-opt-outs", name=sms.opt_out_list, region=region, tags=tags, opts=child
        )

        numbers: list[dict[str, Any]] = []
        by_country: dict[str, list[pulumi.Input[str]]] = {}
        message_types: dict[str, str] = {}
        for req in sms.numbers:
            for i in range(req.count):
                number = aws.pinpoint.Smsvoicev2PhoneNumber(
                    f"{name}-{req.country.lower()}-{req.type.value.lower().replace('_', '-')}-{i}",
                    iso_country_code=req.country,
                    message_type=req.message_type,
                    number_type=req.type.value,
                    number_capabilities=list(req.capabilities),
                    registration_id=req.registration_id,
                    opt_out_list_name=opt_outs.name,
                    deletion_protection_enabled=sms.deletion_protection,
                    region=region,
                    tags=tags,
                    opts=child,
                )
                by_country.setdefault(req.country, []).append(number.arn)
                message_types.setdefault(req.country, req.message_type)
                numbers.append(
                    {
                        "country": req.country,
                        "type": req.type.value,
                        "source": "requested",
                        "arn": number.arn,
                        "phoneNumber": number.phone_number,
                        "mps": mps(req.type.value, req.country),
                    }
                )
        for existing in pair.this.existing_numbers:
            if existing.type is not NumberType.SIMULATOR:
                by_country.setdefault(existing.country, []).append(existing.arn)
            numbers.append(
                {
                    "country": existing.country,
                    "type": existing.type.value,
                    "source": "existing",
                    "arn": existing.arn,
                    "phoneNumber": existing.number,
                    "mps": mps(existing.type.value, existing.country),
                }
            )

        pools = []
        for country, arns in sorted(by_country.items()):
            pool = aws.pinpoint.Smsvoicev2Pool(
                f"{name}-pool-{country.lower()}",
                origination_identities=arns,
                iso_country_code=country,
                message_type=message_types.get(country, "TRANSACTIONAL"),
                opt_out_list_name=opt_outs.name,
                deletion_protection_enabled=sms.deletion_protection,
                region=region,
                tags=tags,
                opts=child,
            )
            pools.append({"country": country, "arn": pool.arn, "identities": len(arns)})

        sender_ids = []
        for sid in sms.sender_ids:
            aws.pinpoint.Smsvoicev2SenderId(
                f"{name}-sender-{sid.country.lower()}-{sid.sender_id.lower()}",
                iso_country_code=sid.country,
                sender_id=sid.sender_id,
                deletion_protection_enabled=sms.deletion_protection,
                region=region,
                tags=tags,
                opts=child,
            )
            sender_ids.append({"country": sid.country, "senderId": sid.sender_id, "mps": mps("SENDER_ID", sid.country)})

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
