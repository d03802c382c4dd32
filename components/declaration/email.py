"""`email:` of pair.yaml: SES sending domains and configuration sets."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from regionpair.components import constraints
from regionpair.components.declaration.base import (
    DkimMode,
    DomainName,
    EventDestinationKind,
    ResourceName,
    _Model,
    duplicates,
)
from regionpair.components.declaration.storage import Bucket, BucketNames

ScalingMode = Literal["STANDARD", "MANAGED"]


class DedicatedIpPool(_Model):
    """An SES dedicated IP pool created with the same name and scaling mode in both regions.

    Dedicated IPs belong to one account and region, so each region has its own pool (the Pinpoint and SES
    multi-region guide). `MANAGED`: SES leases, scales and warms the IPs itself. `STANDARD`: the IPs you lease
    (per region) are listed under `regionpair:dedicatedIps` in each stack file and moved into the pool.
    """

    name: ResourceName
    scaling_mode: ScalingMode = "MANAGED"


class LeasedIp(_Model):
    """A dedicated IP this region leases (`regionpair:dedicatedIps[]` of a stack file), moved into a STANDARD pool.

    Leased IPs belong to one account and region (the Pinpoint and SES multi-region guide), so each stack file lists
    its own; SES only moves an IP into a pool that exists (`PutDedicatedIpInPool`).
    """

    ip: str
    pool: ResourceName
    """One of `email.dedicatedIpPools` with `scalingMode: STANDARD`."""

    @field_validator("ip")
    @classmethod
    def _ip(cls, v: str) -> str:
        if constraints._ipv4(v):
            raise ValueError(f"{v!r} is not an IPv4 address (SES dedicated IPs are IPv4)")
        return v


class ColdStandbyIps(_Model):
    """An explicit acceptance that the standby's dedicated IPs are cold at failover (warm-standby with dedicated IPs).

    ISPs expect predictable, consistent sending from a dedicated IP; a failover that moves the traffic to IPs that
    sent nothing for months "can look suspicious" and is throttled or blocked (the Pinpoint and SES multi-region
    guide; the disaster-tolerance patterns article). Say why that is acceptable here.
    """

    reason: str = Field(min_length=10)
    """Why cold IPs at failover are acceptable (e.g. low volume that the shared pool absorbs meanwhile)."""


class FailoverVolume(_Model):
    """The email volume the standby must carry after a failover (the whole pair's, in warm standby)."""

    messages_per_day: int = Field(ge=1)
    """Emails per 24 hours: compared with the standby's SES sending quota (Max24HourSend)."""
    messages_per_second: float = Field(gt=0)
    """Peak emails per second: compared with the standby's maximum send rate (MaxSendRate)."""


class EventArchive(_Model):
    """Where configuration sets with `destination: firehose` keep their events: a replicated bucket per region."""

    bucket: ResourceName = "ses-events"
    """Logical name of the events bucket pair (`<pair>-<bucket>-<region>`), replicated like `buckets[]`."""
    bucket_names: BucketNames | None = None
    """Explicit S3 names of the two buckets, when the derived ones are taken in S3's global namespace."""
    prefix: str = "ses-events/"
    """Object key prefix; each configuration set writes under `<prefix><set>/`."""
    buffering_interval_seconds: int = Field(300, ge=0, le=900)
    """Firehose buffering interval (botocore firehose IntervalInSeconds: 0-900)."""
    buffering_size_mb: int = Field(5, ge=1, le=128)
    """Firehose buffering size (botocore firehose SizeInMBs: 1-128)."""

    def as_bucket(self) -> Bucket:
        """The events bucket pair as a declared bucket: built, guarded and replicated like `buckets[]`."""
        return Bucket(name=self.bucket, bucket_names=self.bucket_names, replication_time_control=True,
                      reverse_replication=True, replicate_delete_markers=True)  # fmt: skip


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
    sending_pool: ResourceName | None = None
    """One of `email.dedicatedIpPools`: mail of this set leaves through that pool's dedicated IPs in each region."""


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
    dedicated_ip_pools: list[DedicatedIpPool] = Field(default_factory=list)
    """Dedicated IP pools, one of each in both regions; configuration sets send through them by `sendingPool`."""
    cold_standby_ips: ColdStandbyIps | None = None
    """Accept that a warm-standby pair's dedicated IPs in the standby are cold at failover (with a reason)."""
    failover_volume: FailoverVolume | None = None
    """What the standby must be able to send after a failover (`regionpair readiness` checks the quotas)."""
    event_archive: EventArchive = Field(default_factory=EventArchive)
    """The events bucket pair of `destination: firehose` sets."""

    @field_validator("domains")
    @classmethod
    def _domains(cls, v: list[str]) -> list[str]:
        if twice := duplicates(list(v)):
            raise ValueError(f"{twice[0]} is listed twice; list each sending domain once")
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

    @field_validator("dmarc_policy")
    @classmethod
    def _dmarc(cls, v: str) -> str:
        # RFC 7489 section 6.3: "v" must be the first tag, exactly "DMARC1"; "p" is required in a policy record.
        tags = [t.strip() for t in v.split(";") if t.strip()]
        if not tags or tags[0].replace(" ", "") != "v=DMARC1":
            raise ValueError(f"{v[:40]!r} does not start with v=DMARC1 (RFC 7489 section 6.3); write "
                             "'v=DMARC1; p=quarantine; rua=mailto:...'")  # fmt: skip
        if not any(t.replace(" ", "").startswith("p=") for t in tags[1:]):
            raise ValueError("has no p= tag, which a DMARC policy record requires (RFC 7489 section 6.3); add "
                             "p=none, p=quarantine or p=reject")  # fmt: skip
        return v

    @model_validator(mode="after")
    def _pools(self) -> Email:
        names = [p.name for p in self.dedicated_ip_pools]
        if twice := duplicates(list(names)):
            raise ValueError(f"dedicatedIpPools: two pools are named {twice[0]}; name each pool once")
        for i, cs in enumerate(self.configuration_sets):
            if cs.sending_pool is not None and cs.sending_pool not in names:
                raise ValueError(
                    f"configurationSets[{i}].sendingPool {cs.sending_pool!r} is not one of dedicatedIpPools "
                    f"({', '.join(names) or 'none declared'}); declare the pool under email.dedicatedIpPools"
                )
        return self

    @field_validator("mail_from_subdomain")
    @classmethod
    def _mail_from(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", v):
            raise ValueError(f"{v!r} is not a DNS label; use a single label such as bounce")
        return v


def check_mail_from(email: Email, regions: list[str]) -> str | None:
    """Why a region's MAIL FROM domain (`<subdomain>-<region>.<domain>`) is not a DNS name, or None.

    The subdomain alone may be a valid label while the label with the region appended, or the whole name, is too
    long (RFC 1035: labels of 63 characters, names of 253); SES and Route 53 refuse such a name.
    """
    for region in regions:
        for domain in email.domains:
            name = f"{email.mail_from_subdomain}-{region}.{domain}"
            problem = constraints.dns_name_problem(name)
            if problem:
                return f"the MAIL FROM domain {name[:60]}... in {region} {problem}; use a shorter mailFromSubdomain"
    return None


def check_leased_ips(email: Email | None, ips: list[LeasedIp]) -> tuple[int, str] | None:
    """(index, why) of the first leased IP that cannot go where it is declared, or None."""
    modes = {p.name: p.scaling_mode for p in (email.dedicated_ip_pools if email else [])}
    seen: set[str] = set()
    for i, leased in enumerate(ips):
        if leased.ip in seen:
            return i, f"{leased.ip} is listed twice; an IP belongs to one pool"
        seen.add(leased.ip)
        if leased.pool not in modes:
            return i, (f"pool {leased.pool!r} is not one of email.dedicatedIpPools "
                       f"({', '.join(modes) or 'none declared'}); declare it in pair.yaml")  # fmt: skip
        if modes[leased.pool] != "STANDARD":
            return i, (f"pool {leased.pool!r} is MANAGED: SES leases and scales its IPs itself; move leased IPs "
                       "into a STANDARD pool")  # fmt: skip
    return None
