"""`email:` of pair.yaml: SES sending domains and configuration sets."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    Field,
    field_validator,
)

from regionpair.components.declaration.base import (
    DkimMode,
    DomainName,
    EventDestinationKind,
    ResourceName,
    _Model,
)


class ConfigurationSet(_Model):
    """An SES configuration set created with the same name in both regions."""

    name: ResourceName
    events: list[
        Literal[
            "SEND",
            "REJECT",
            "BOUNCE",
            "COMPLAINT",
            "DELIVERY",
            "OPEN",
            "CLICK",
            "RENDERING_FAILURE",
            "DELIVERY_DELAY",
            "SUBSCRIPTION",
        ]
    ] = Field(default_factory=lambda: ["SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "DELIVERY_DELAY"])
    """Event types published to the destination."""
    destination: EventDestinationKind = EventDestinationKind.SNS
    """`sns` (a topic per region) or `firehose` (a delivery stream per region into the replicated events bucket)."""


class Email(_Model):
    """SES sending domains, verified and DKIM-signed in both regions."""

    domains: list[DomainName] = Field(min_length=1)
    """Sending domains; each must sit inside `dns.zoneName`."""
    dkim_mode: DkimMode = DkimMode.PER_REGION
    mail_from_subdomain: str = "bounce"
    """Custom MAIL FROM is `<mailFromSubdomain>.<domain>` with an MX and SPF record per region."""
    dmarc_policy: str = "v=DMARC1; p=quarantine"
    """The `_dmarc` TXT value, published once per domain by the primary."""
    configuration_sets: list[ConfigurationSet] = Field(default_factory=list)
    multi_region_endpoint: bool = False
    """SES multi-region endpoint (Global endpoints): refused for now, see `_multi_region_endpoint`."""
    replicate_events: bool = False
    """Deploy the event-replication Lambda: bounces, complaints and unsubscribes copied to the peer's lists."""

    @field_validator("domains")
    @classmethod
    def _domains(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a domain is listed twice; list each sending domain once")
        return v

    @field_validator("dkim_mode")
    @classmethod
    def _deed(cls, v: DkimMode) -> DkimMode:
        if v is DkimMode.DEED:
            raise ValueError(
                "deed (Deterministic Easy DKIM) cannot be expressed with pulumi-aws 7.51.1: its "
                "dkim_signing_attributes.signing_attributes_origin accepts only AWS_SES/EXTERNAL, not "
                "AWS_SES_<REGION> (terraform-provider-aws#43205); use per-region"
            )
        return v

    @field_validator("multi_region_endpoint")
    @classmethod
    def _multi_region_endpoint(cls, v: bool) -> bool:
        if v:
            raise ValueError(
                "true cannot be deployed by this program yet: an SES multi-region endpoint (Global endpoints) needs "
                "the sending identities in the secondary region to be Deterministic Easy DKIM replicas of the "
                "primary's (one DKIM key for both regions; https://docs.aws.amazon.com/ses/latest/dg/"
                "global-endpoints.html), and pulumi-aws 7.51.1 cannot create DEED replicas "
                "(terraform-provider-aws#43205, as for dkimMode: deed); set false"
            )
        return v

    @field_validator("mail_from_subdomain")
    @classmethod
    def _mail_from(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", v):
            raise ValueError(f"{v!r} is not a DNS label; use a single label such as bounce")
        return v
