"""`email:` of pair.yaml: SES sending domains and configuration sets."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    Field,
    ValidationInfo,
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
    """`per-region` (Easy DKIM in each region, three CNAMEs each) or `deed` (the secondary's identities are
    Deterministic Easy DKIM replicas of the primary's, owned by the primary stack: one set of CNAMEs)."""
    mail_from_subdomain: str = "bounce"
    """Custom MAIL FROM is `<mailFromSubdomain>.<domain>` with an MX and SPF record per region."""
    dmarc_policy: str = "v=DMARC1; p=quarantine"
    """The `_dmarc` TXT value, published once per domain by the primary."""
    configuration_sets: list[ConfigurationSet] = Field(default_factory=list)
    multi_region_endpoint: bool = False
    """An SES multi-region endpoint (Global endpoints) owned by the primary stack, splitting sending across both
    regions; needs `dkimMode: deed` (docs/global-endpoints.md)."""
    replicate_events: bool = False
    """Deploy the event-replication Lambda: bounces, complaints and unsubscribes copied to the peer's lists."""

    @field_validator("domains")
    @classmethod
    def _domains(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a domain is listed twice; list each sending domain once")
        return v

    @field_validator("multi_region_endpoint")
    @classmethod
    def _global_endpoint_needs_deed(cls, v: bool, info: ValidationInfo) -> bool:
        # SES Global endpoints sign with one DKIM key in both regions: the secondary's identities must be DEED
        # replicas of the primary's (Amazon SES Developer Guide, "Using Global endpoints"; AWS Messaging blog "How
        # to Make Simple Email Service Resilient Across Two AWS Regions with Global Endpoints").
        if v and info.data.get("dkim_mode") is not DkimMode.DEED:
            raise ValueError(
                "true needs email.dkimMode: deed (SES Global endpoints need the secondary's identities "
                "to be Deterministic Easy DKIM replicas of the primary's); set email.dkimMode: deed"
            )
        return v

    @field_validator("mail_from_subdomain")
    @classmethod
    def _mail_from(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", v):
            raise ValueError(f"{v!r} is not a DNS label; use a single label such as bounce")
        return v
