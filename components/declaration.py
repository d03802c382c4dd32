"""The pair declaration: one validated model that both stacks, the policy pack and the CLI are built from.

Shared settings live in one file (`pair.yaml` by default); each stack's `Pulumi.<stack>.yaml` says only what
differs: its role, its region, the peer stack and per-region facts (certificate ARN, SMS numbers with their
registrations and lifecycle status). Because both halves are needed to validate either one (same region?
replicas where?), the loader reads the peer's stack file from the same directory. Validation is pure: no network
calls, no Pulumi engine.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from regionpair.components import budgets, constraints, naming
from regionpair.components.region_switch_settings import RegionSwitchSettings
from regionpair.components.regions import ALL_REGIONS, Service, offers
from regionpair.components.signals_model import Cdn, Signals

CONFIG_NAMESPACE = "regionpair"
DEFAULT_DECLARATION_FILE = "pair.yaml"


class DeclarationError(Exception):
    """A bad pair declaration: `key` names the setting (as the user writes it), `message` says the fix."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


# --------------------------------------------------------------------------------------------- vocabularies
class Role(StrEnum):
    """Which half of the pair a stack deploys."""

    PRIMARY = "primary"
    SECONDARY = "secondary"

    @property
    def peer(self) -> Role:
        """The other half."""
        return Role.SECONDARY if self is Role.PRIMARY else Role.PRIMARY


class AppState(StrEnum):
    """Seed 001's application state, kept in the app-state global table."""

    ACTIVE = "active"
    FENCED = "fenced"
    FAILOVER = "failover"


class Strategy(StrEnum):
    """Seed 000's two architectures for messaging."""

    WARM_STANDBY = "warm-standby"
    ACTIVE_ACTIVE = "active-active"


class DkimMode(StrEnum):
    """How the secondary region signs mail for a domain."""

    PER_REGION = "per-region"  # Easy DKIM in each region, three CNAMEs per region.
    DEED = "deed"  # Deterministic Easy DKIM: the secondary's identity replicates the primary's key.


class RoutingMode(StrEnum):
    """How the API's public name picks a region."""

    FAILOVER = "failover"  # STOP: PRIMARY/SECONDARY records, health check on an alarm in the standby region.
    LATENCY = "latency"  # active-active: latency records, one endpoint health check per region.
    REGION_SWITCH = "region-switch"  # an ARC Region switch plan flips the records (docs/region-switch.md).


class NumberType(StrEnum):
    """Origination identity types of AWS End User Messaging SMS."""

    SHORT_CODE = "SHORT_CODE"
    TOLL_FREE = "TOLL_FREE"
    TEN_DLC = "TEN_DLC"
    LONG_CODE = "LONG_CODE"
    SIMULATOR = "SIMULATOR"

    @property
    def requestable(self) -> bool:
        """Whether `RequestPhoneNumber` can create it (short codes are leased through a support case)."""
        return self is not NumberType.SHORT_CODE


class NumberStatus(StrEnum):
    """Where a number is in its lifecycle, as the stack file declares it (docs/configuration.md, SMS lifecycle).

    `pending`: requested (or registered by hand) but not yet `ACTIVE` in AWS: the program requests it without
    waiting and keeps it out of the pool. `active`: AWS reports it `ACTIVE` (`regionpair sms status` says when):
    the program puts it in its country's pool. The program cannot read AWS's status itself without creating the
    pool inside an `apply()`, and a pool of non-ACTIVE identities is refused by the provider (pool.go,
    validatePhoneIdentity), so the user flips this field and runs `pulumi up` again.
    """

    PENDING = "pending"
    ACTIVE = "active"


class EventDestinationKind(StrEnum):
    """Where SES configuration-set events go."""

    SNS = "sns"
    FIREHOSE = "firehose"


class MissingData(StrEnum):
    """CloudWatch `TreatMissingData` values."""

    IGNORE = "ignore"
    MISSING = "missing"
    BREACHING = "breaching"
    NOT_BREACHING = "notBreaching"


# ------------------------------------------------------------------------------------------------ helpers
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
_ZONE_ID_RE = re.compile(r"^Z[A-Z0-9]{5,31}$")
_ACM_ARN_RE = re.compile(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$")
_SMS_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sms-voice:([a-z0-9-]+):\d{12}:(phone-number|sender-id)/.+$")
# botocore pinpoint-sms-voice-v2 shape RegistrationIdOrArn: [A-Za-z0-9_:/-]+, 1-256 characters.
_REGISTRATION_RE = re.compile(r"^[A-Za-z0-9_:/-]{1,256}$")
_REGISTRATION_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sms-voice:([a-z0-9-]+):\d{12}:registration/(.+)$")
# Sender IDs: pulumi-aws 7.51.1 Smsvoicev2SenderId.sender_id docstring ("3 and 11 characters, upper case letters,
# numbers, and dashes, cannot be numeric-only"; upper case because AWS stores them so) and botocore's
# RequestSenderId.SenderId documentation ("at least one letter and cannot start or end with a hyphen").
_SENDER_ID_RE = re.compile(r"^(?!-)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{3,11}(?<!-)$")
_NUMBER_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")
_E164_RE = re.compile(r"^\+[1-9]\d{4,14}$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_DYNAMO_TYPES = ("S", "N", "B")
_RUNTIMES = ("python3.11", "python3.12", "python3.13")

ResourceName = Annotated[str, StringConstraints(pattern=_NAME_RE.pattern)]
Country = Annotated[str, StringConstraints(pattern=_COUNTRY_RE.pattern)]


class _Model(BaseModel):
    """Strict base: camelCase keys as users write YAML, unknown keys rejected (typos name the key)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, use_enum_values=False
    )


def _check_domain(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not _DOMAIN_RE.match(value):
        raise ValueError(f"{value!r} is not a valid domain name; write a DNS name such as mail.example.com")
    return value


DomainName = Annotated[str, AfterValidator(_check_domain)]


# ---------------------------------------------------------------------------------------- shared sections
class Objectives(_Model):
    """Recovery objectives the declared settings must be able to meet."""

    rto_seconds: int = Field(300, ge=10, le=86_400)
    """Maximum time from a regional failure (or the decision to fail over) to traffic served by the peer."""
    rpo_minutes: int = Field(15, ge=1, le=1_440)
    """Maximum window of data that may be lost: replication lag allowed at the moment of failover."""


class Dns(_Model):
    """The public hosted zone that carries DKIM, MAIL FROM, DMARC and the API's failover name."""

    hosted_zone_id: str
    """Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ."""
    zone_name: DomainName
    """The zone's apex domain, e.g. example.com."""

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone_id(cls, v: str) -> str:
        if not _ZONE_ID_RE.match(v):
            raise ValueError(f"{v!r} is not a Route 53 hosted zone id; copy it from `aws route53 list-hosted-zones`")
        return v


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


class SmsCountry(_Model):
    """What each region must be able to send to one country."""

    minimum_numbers: int = Field(2, ge=1, le=100)
    """Origination numbers each region needs for this country (seed 000: at least two, for carrier issues)."""
    failover_volume_mps: float = Field(0, ge=0)
    """Messages per second the standby must sustain for this country alone after a failover."""


MessageType = Literal["TRANSACTIONAL", "PROMOTIONAL"]


class NumberRequest(_Model):
    """One number this half requests with `RequestPhoneNumber` (`regionpair:requestedNumbers[]` of a stack file).

    Declared per half and per number because AWS registrations are: a registration exists in one region, and each
    US toll-free number has its own (AWS End User Messaging SMS User Guide, "United States Toll-free number
    registration process").
    """

    name: str | None = None
    """Stable key of the number in this stack (its Pulumi resource name); default `<country>-<type>-<n>`."""
    country: Country
    type: NumberType
    message_type: MessageType = "TRANSACTIONAL"
    capabilities: list[Literal["SMS", "VOICE", "MMS"]] = Field(default_factory=lambda: ["SMS"])
    registration_id: str | None = None
    """A registration of THIS region the number is attached to when requested (`RequestPhoneNumber`)."""
    status: NumberStatus
    """`pending` (default) or `active` (default for SIMULATOR numbers, which need no registration)."""

    @model_validator(mode="before")
    @classmethod
    def _status_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" not in data:
            simulator = data.get("type") == NumberType.SIMULATOR.value
            return {**data, "status": "active" if simulator else "pending"}
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and not _NUMBER_NAME_RE.match(v):
            raise ValueError(f"{v!r} is not a number key; use 1-40 lowercase letters, digits and dashes")
        return v

    @field_validator("registration_id")
    @classmethod
    def _registration(cls, v: str | None) -> str | None:
        if v is not None and not _REGISTRATION_RE.match(v):
            raise ValueError(f"{v!r} is not a registration id or ARN (registration-<id>, 1-256 of A-Z a-z 0-9 _ : / -)")
        return v

    @property
    def registration_gated(self) -> bool:
        """Whether AWS keeps the number PENDING while a registration is reviewed (days): never wait for it."""
        return constraints.registration_gated(self.type.value, self.registration_id)

    @model_validator(mode="after")
    def _requestable(self) -> NumberRequest:
        if not self.type.requestable:
            raise ValueError(
                f"{self.type.value} numbers cannot be requested by API; lease them by hand and declare them "
                "under regionpair:existingNumbers in each stack file"
            )
        if self.type is NumberType.SIMULATOR and self.registration_id is not None:
            raise ValueError("simulator numbers need no registration; remove registrationId")
        if self.type is NumberType.TEN_DLC and self.country != "US":
            raise ValueError("10DLC numbers exist only in the US; use LONG_CODE for other countries")
        return self


class SenderId(_Model):
    """An alphanumeric sender ID registered in both regions."""

    country: Country
    sender_id: str

    @field_validator("sender_id")
    @classmethod
    def _sender_id(cls, v: str) -> str:
        if not _SENDER_ID_RE.match(v):
            hint = f" (write {v.upper()!r})" if _SENDER_ID_RE.match(v.upper()) else ""
            raise ValueError(
                f"{v!r} is not a sender ID AWS accepts: 3-11 upper case letters, digits and dashes, at least one "
                f"letter, no dash first or last{hint}"
            )
        return v


class Sms(_Model):
    """AWS End User Messaging SMS origination identities (the SMS half of what seed 000 called Pinpoint)."""

    countries: dict[Country, SmsCountry] = Field(default_factory=dict)
    numbers: Any = None
    """Moved: requested numbers are declared per half (`regionpair:requestedNumbers`); refused with that fix."""
    sender_ids: list[SenderId] = Field(default_factory=list)
    opt_out_list: ResourceName = "default-opt-outs"
    deletion_protection: bool = True

    @field_validator("numbers")
    @classmethod
    def _moved(cls, v: Any) -> Any:
        if v is not None:
            raise ValueError(
                "moved: declare each requested number under regionpair:requestedNumbers in each Pulumi.<stack>.yaml, "
                "with its own registrationId and status (registrations are per region and per number; "
                "docs/configuration.md)"
            )
        return v


class BucketNames(_Model):
    """Explicit S3 bucket names per half, for when `<pair>-<name>-<region>` is taken in S3's global namespace."""

    primary: str
    secondary: str

    @field_validator("primary", "secondary")
    @classmethod
    def _s3(cls, v: str) -> str:
        problems = [v2.message for v2 in constraints.check(constraints.BUCKET, "bucket", {"bucket": v})]
        if problems:
            raise ValueError(f"{v!r} is not a valid S3 bucket name: {problems[0]} (S3 naming rules)")
        return v

    @model_validator(mode="after")
    def _distinct(self) -> BucketNames:
        if self.primary == self.secondary:
            raise ValueError("the two halves need different bucket names (S3 names are global)")
        return self


class Bucket(_Model):
    """A bucket pair: one bucket per region, replicated primary -> secondary (and back, optionally)."""

    name: ResourceName
    """Logical name; the buckets are `<pair>-<name>-<region>` (shortened to 63 characters) unless `bucketNames`."""
    bucket_names: BucketNames | None = None
    """Explicit names of the two buckets, e.g. with an account-unique suffix, when the derived ones are taken."""
    replication_time_control: bool = True
    """S3 RTC: 99.99% of objects within 15 minutes, with replication metrics. Needed for an RPO <= 15 min."""
    reverse_replication: bool = True
    """Replicate secondary -> primary too, so objects written during a failover are there after failback."""
    replicate_delete_markers: bool = True
    prefix: str = ""
    """Replicate only keys under this prefix (empty: every object)."""


class KeyAttribute(_Model):
    """A DynamoDB key attribute."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    type: Literal["S", "N", "B"] = "S"


class Table(_Model):
    """A DynamoDB global table (version 2019.11.21) with a replica in the peer region."""

    name: ResourceName
    hash_key: KeyAttribute | None = None
    range_key: KeyAttribute | None = None
    point_in_time_recovery: bool = True
    deletion_protection: bool = True

    @model_validator(mode="after")
    def _keys(self) -> Table:
        if self.hash_key is None:
            raise ValueError("a global table needs a key schema; add hashKey: {name: pk, type: S}")
        if self.range_key is not None and self.range_key.name == self.hash_key.name:
            raise ValueError("rangeKey must differ from hashKey")
        return self


class LambdaSettings(_Model):
    """The regional API's function; the same code and settings in both regions."""

    runtime: str = "python3.12"
    memory_mb: int = Field(256, ge=128, le=10_240)
    timeout_seconds: int = Field(10, ge=1, le=29)
    """At most 29 s: API Gateway's integration timeout."""

    @field_validator("runtime")
    @classmethod
    def _runtime(cls, v: str) -> str:
        if v not in _RUNTIMES:
            raise ValueError(f"{v!r} is not a supported runtime; use one of {', '.join(_RUNTIMES)}")
        return v


class Api(_Model):
    """A regional API Gateway REST API + Lambda in each region, behind one custom domain."""

    domain_name: DomainName
    """Public name of the API, e.g. api.example.com; the same custom domain exists in both regions."""
    stage_name: ResourceName = "prod"
    lambda_: LambdaSettings = Field(default_factory=LambdaSettings, alias="lambda")


class StopSettings(_Model):
    """STOP (seed 003): the alarm in the standby region that an operator flips by publishing a metric."""

    namespace: str = "StopPattern"
    metric_name: str = "FailoverToSecondary"
    period_seconds: int = 60
    """Standard resolution only (Route 53 needs it): 60 s or a multiple of 60."""
    evaluation_periods: int = Field(1, ge=1, le=10)
    treat_missing_data: MissingData = MissingData.IGNORE
    """`ignore` keeps the alarm latched in its last state: failback must publish 0 (seed 003)."""

    @field_validator("period_seconds")
    @classmethod
    def _standard(cls, v: int) -> int:
        if v < 60 or v % 60:
            raise ValueError("Route 53 health checks need a standard-resolution alarm; use 60 seconds or a multiple")
        return v


class LatencySettings(_Model):
    """Active-active: latency records, an HTTPS health check per regional endpoint."""

    request_interval_seconds: Literal[10, 30] = 30
    failure_threshold: int = Field(3, ge=1, le=10)
    health_path: str = "/health"


class Routing(_Model):
    """How the API's public name is routed between the regions."""

    mode: RoutingMode = RoutingMode.FAILOVER
    stop: StopSettings = Field(default_factory=StopSettings)
    latency: LatencySettings = Field(default_factory=LatencySettings)
    region_switch: RegionSwitchSettings = Field(default_factory=RegionSwitchSettings)
    """ARC Region switch plan settings, used when `mode: region-switch`."""


class AppStateSettings(_Model):
    """Seed 001's application state item, in a dedicated global table."""

    table: ResourceName = "app-state"
    initial_state: AppState = AppState.ACTIVE
    app_id: str = "default"
    """The item's key: one item per application sharing the pair."""


class SharedDeclaration(_Model):
    """Everything both halves share: the content of `pair.yaml`."""

    name: ResourceName
    """Short prefix for every physical name (lowercase, 3-32 characters). Names longer than a service allows are
    shortened with a hash (components/naming.py)."""
    strategy: Strategy = Strategy.WARM_STANDBY
    objectives: Objectives = Field(default_factory=Objectives)
    dns: Dns
    email: Email | None = None
    sms: Sms | None = None
    buckets: list[Bucket] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    api: Api | None = None
    routing: Routing = Field(default_factory=Routing)
    app_state: AppStateSettings | None = Field(default_factory=AppStateSettings)
    signals: Signals | None = None
    """Failover signals: CloudWatch alarms per region (docs/signals-and-cdn.md)."""
    cdn: Cdn | None = None
    """Read path through CloudFront origin failover over one bucket pair (docs/signals-and-cdn.md)."""
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _bucket_prefix(cls, v: str) -> str:
        # The pair name starts every bucket name: S3 reserves these prefixes (components/constraints.py).
        for prefix in constraints.S3_RESERVED_PREFIXES:
            if v.startswith(prefix):
                raise ValueError(f"{v!r} starts with {prefix!r}, which S3 reserves for bucket names; rename the pair")
        return v

    @model_validator(mode="after")
    def _unique_names(self) -> SharedDeclaration:
        for kind, items in (("buckets", self.buckets), ("tables", self.tables)):
            names = [i.name for i in items]
            if len(set(names)) != len(names):
                raise ValueError(f"two {kind} share a name; names must be unique")
        if self.app_state and self.app_state.table in {t.name for t in self.tables}:
            raise ValueError("appState.table must not reuse a name from tables")
        explicit = [n for b in self.buckets if b.bucket_names for n in b.bucket_names.model_dump().values()]
        if len(set(explicit)) != len(explicit):
            raise ValueError("two buckets share an explicit bucketNames entry; S3 names are global and unique")
        return self


# ---------------------------------------------------------------------------------------- per-stack halves
class ExistingNumber(_Model):
    """A number registered by hand (10DLC campaign, short code) that the stack references and counts."""

    arn: str
    country: Country
    type: NumberType
    message_type: MessageType
    """Required: the pool of its country takes this message type, and AWS refuses identities of another one."""
    number: str | None = None
    status: NumberStatus = NumberStatus.ACTIVE
    """`active` once AWS reports it ACTIVE (numbers registered by hand usually are); `pending` keeps it unpooled."""

    @field_validator("arn")
    @classmethod
    def _arn(cls, v: str) -> str:
        if not _SMS_ARN_RE.match(v):
            raise ValueError(
                f"{v!r} is not an End User Messaging phone-number or sender-id ARN "
                "(arn:aws:sms-voice:<region>:<account>:phone-number/<id>)"
            )
        return v

    @field_validator("number")
    @classmethod
    def _e164(cls, v: str | None) -> str | None:
        if v is not None and not _E164_RE.match(v) and not v.isdigit():
            raise ValueError(f"{v!r} is neither an E.164 number (+15555550100) nor a short code")
        return v


class Half(_Model):
    """One stack's settings: what its `Pulumi.<stack>.yaml` says under the `regionpair:` namespace."""

    role: Role
    region: str
    peer_stack: str
    """The other stack's name (`secondary`) or fully qualified name (`org/project/secondary`)."""
    certificate_arn: str | None = None
    """ACM certificate for `api.domainName` in this stack's region."""
    requested_numbers: list[NumberRequest] = Field(default_factory=list)
    """Numbers this stack requests by API, one entry per number, each with its own registration and status."""
    existing_numbers: list[ExistingNumber] = Field(default_factory=list)
    declaration: str = DEFAULT_DECLARATION_FILE
    """Path of the shared declaration, relative to the project directory."""

    @field_validator("certificate_arn", mode="before")
    @classmethod
    def _blank_is_unset(cls, v: Any) -> Any:
        # Pulumi.yaml declares an empty default so `pulumi config` lists the key; empty means "not set".
        return None if v == "" else v

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if v not in ALL_REGIONS:
            raise ValueError(f"{v!r} is not an AWS commercial region this project knows (e.g. us-east-1)")
        return v

    @property
    def peer_stack_short(self) -> str:
        """The peer's stack name without organisation and project."""
        return self.peer_stack.rsplit("/", 1)[-1]

    @property
    def number_keys(self) -> list[str]:
        """Key of each requested number: its `name`, or `<country>-<type>-<n>` counted per country and type.

        The default matches the resource names of earlier versions (`us-toll-free-0`), so upgrading replaces
        nothing; give `name` to reorder the list safely (a renamed key is a new number).
        """
        keys, seen = [], {}
        for req in self.requested_numbers:
            base = f"{req.country.lower()}-{req.type.value.lower().replace('_', '-')}"
            n = seen.get(base, 0)
            seen[base] = n + 1
            keys.append(req.name or f"{base}-{n}")
        return keys


# ------------------------------------------------------------------------------------------------ the pair
class Pair(BaseModel):
    """The whole validated pair, identical whichever stack loads it."""

    model_config = ConfigDict(frozen=True)

    shared: SharedDeclaration
    primary: Half
    secondary: Half
    this_role: Role

    @property
    def this(self) -> Half:
        """The half this stack deploys."""
        return self.primary if self.this_role is Role.PRIMARY else self.secondary

    @property
    def peer(self) -> Half:
        """The other half."""
        return self.secondary if self.this_role is Role.PRIMARY else self.primary

    def half(self, role: Role) -> Half:
        """The half of `role`."""
        return self.primary if role is Role.PRIMARY else self.secondary

    def physical_name(self, suffix: str, role: Role | None = None, *, limit: int = naming.DEFAULT_LIMIT) -> str:
        """Deterministic physical name `<pair>-<suffix>[-<region>]`: both stacks can compute the peer's names.

        At most `limit` characters (63 by default, the strictest limit of the names derived this way): a longer
        name keeps its region and gets a short hash (components/naming.py).
        """
        region = self.half(role).region if role is not None else None
        return naming.physical_name(self.shared.name, suffix, region, limit=limit)

    def bucket_name(self, bucket: Bucket | str, role: Role) -> str:
        """The S3 name of a declared bucket pair's bucket in `role`'s region: explicit `bucketNames` or derived."""
        decl = bucket if isinstance(bucket, Bucket) else next(b for b in self.shared.buckets if b.name == bucket)
        if decl.bucket_names is not None:
            return decl.bucket_names.primary if role is Role.PRIMARY else decl.bucket_names.secondary
        return self.physical_name(decl.name, role)

    def numbers_per_country(self, role: Role) -> dict[str, int]:
        """Numbers the region of `role` declares per country, pending and active (simulators excluded).

        Pending numbers count here so that a first deploy, which requests them, is possible; the policy pack
        counts only pooled ACTIVE ones as capacity and reports the rest as pending.
        """
        counts: dict[str, int] = {}
        half = self.half(role)
        for num in [*half.requested_numbers, *half.existing_numbers]:
            if num.type is not NumberType.SIMULATOR:
                counts[num.country] = counts.get(num.country, 0) + 1
        return counts


# ------------------------------------------------------------------------------------------------- loading
def _key_of(prefix: str, loc: tuple[Any, ...]) -> str:
    key = prefix
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else str(part)
    return key


def _first_error(prefix: str, err: ValidationError) -> DeclarationError:
    first = err.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = "unknown key; check its spelling against docs/configuration.md"
    elif first["type"] == "missing":
        msg = "required key is missing; see docs/configuration.md for an example"
    elif first["type"] in {"enum", "literal_error"}:
        msg = msg[0].lower() + msg[1:]
    return DeclarationError(_key_of(prefix, loc), msg)


def _half_from_stack_config(stack_config: dict[str, Any], where: str) -> Half:
    prefix = f"{CONFIG_NAMESPACE}:"
    ours = {k[len(prefix) :]: v for k, v in stack_config.items() if k.startswith(prefix)}
    try:
        return Half.model_validate(ours)
    except ValidationError as err:
        e = _first_error("", err)
        raise DeclarationError(f"{where} {prefix}{e.key}", e.message) from None


def read_stack_file(project_dir: Path, stack: str) -> dict[str, Any]:
    """Read `Pulumi.<stack>.yaml`'s plain config (secure values are never needed for the peer's half)."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise DeclarationError(
            f"{CONFIG_NAMESPACE}:peerStack",
            f"no stack file {path.name} in {project_dir}; create it with the peer's role and region "
            "(see docs/configuration.md)",
        )
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise DeclarationError(path.name, f"is not valid YAML ({exc.__class__.__name__}); fix its syntax") from None
    return dict(data.get("config") or {})


def load_pair(project_dir: Path, this_stack_config: dict[str, Any], this_stack: str) -> Pair:
    """Build and validate the whole pair from this stack's config, the peer's stack file and the shared file.

    `this_stack_config` uses the fully qualified keys of a stack file (`regionpair:role`, `aws:region`, ...).
    Raises `DeclarationError` naming the offending key; never touches the network.
    """
    this = _half_from_stack_config(this_stack_config, f"Pulumi.{this_stack}.yaml")
    peer_cfg = read_stack_file(project_dir, this.peer_stack_short)
    peer = _half_from_stack_config(peer_cfg, f"Pulumi.{this.peer_stack_short}.yaml")
    aws_region = this_stack_config.get("aws:region")
    if aws_region and aws_region != this.region:
        raise DeclarationError(
            f"Pulumi.{this_stack}.yaml aws:region",
            f"is {aws_region} but regionpair:region is {this.region}; set both to the same region",
        )

    decl_path = project_dir / this.declaration
    if not decl_path.exists():
        raise DeclarationError(f"{CONFIG_NAMESPACE}:declaration", f"file {decl_path} does not exist")
    try:
        raw = yaml.safe_load(decl_path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise DeclarationError(
            decl_path.name, f"is not valid YAML ({exc.__class__.__name__}); fix its syntax"
        ) from None
    if not isinstance(raw, dict):
        raise DeclarationError(decl_path.name, "must be a mapping of keys (name, dns, email, ...)")
    try:
        shared = SharedDeclaration.model_validate(raw)
    except ValidationError as err:
        e = _first_error("", err)
        raise DeclarationError(f"{decl_path.name} {e.key}", e.message) from None

    if this.role is peer.role:
        raise DeclarationError(
            f"Pulumi.{this.peer_stack_short}.yaml {CONFIG_NAMESPACE}:role",
            f"both stacks say role {this.role.value}; one must be primary and the other secondary",
        )
    primary, secondary = (this, peer) if this.role is Role.PRIMARY else (peer, this)
    pair = Pair(shared=shared, primary=primary, secondary=secondary, this_role=this.role)
    validate_pair(pair, decl_path.name)
    return pair


def check_cdn(s: SharedDeclaration, decl_name: str = DEFAULT_DECLARATION_FILE) -> None:
    """The read path serves a declared bucket pair, and an API only if one is declared."""
    if s.cdn is None:
        return
    names = [b.name for b in s.buckets]
    if s.cdn.bucket not in names:
        raise DeclarationError(
            f"{decl_name} cdn.bucket",
            f"{s.cdn.bucket!r} is not one of buckets ({', '.join(names) or 'none declared'}); "
            "declare the bucket pair under buckets first",
        )
    if s.cdn.api is not None and s.api is None:
        raise DeclarationError(f"{decl_name} cdn.api", "puts the API behind CloudFront but no api: is declared")


def registration_key(value: str) -> tuple[str | None, str]:
    """(region or None, bare id) of a registration id or ARN."""
    m = _REGISTRATION_ARN_RE.match(value)
    return (m.group(1), m.group(2)) if m else (None, value)


def check_sms_numbers(pair: Pair, stack_key: dict[Role, str]) -> None:
    """Per-number rules AWS and the provider enforce: one message type per pool, registrations per region/number.

    Sources: a pool's identities must share its country and message type, and be ACTIVE (terraform-provider-aws
    internal/service/pinpointsmsvoicev2/pool.go, validatePhoneIdentity); registrations exist in one region and a
    US toll-free number has its own (AWS End User Messaging SMS User Guide, registrations-tfn.html).
    """
    types: dict[Role, dict[str, tuple[str, str]]] = {}
    registrations: dict[Role, dict[str, tuple[str, NumberType]]] = {}
    for role in Role:
        half, prefix = pair.half(role), stack_key[role]
        keys = half.number_keys
        for i, k in enumerate(keys):
            if k in keys[:i]:
                raise DeclarationError(
                    f"{prefix}:requestedNumbers[{i}].name",
                    f"{k!r} is the key of requestedNumbers[{keys.index(k)}] too; give each number its own name "
                    "(the key names its resource: renaming one requests a new number)",
                )
        first: dict[str, tuple[str, str]] = {}
        regs: dict[str, tuple[str, NumberType]] = {}  # registration id -> (first key using it, its type)
        entries: list[tuple[str, Any]] = [
            (f"{prefix}:requestedNumbers[{i}]", n) for i, n in enumerate(half.requested_numbers)
        ]
        entries += [(f"{prefix}:existingNumbers[{i}]", n) for i, n in enumerate(half.existing_numbers)]
        for key, num in entries:
            seen = first.setdefault(num.country, (num.message_type, key))
            if seen[0] != num.message_type:
                raise DeclarationError(
                    f"{key}.messageType",
                    f"is {num.message_type} but {seen[1].split(' ', 1)[1]} is {seen[0]} for {num.country}; a pool's "
                    "identities share one country and message type (AWS refuses others): use one message type "
                    "per country",
                )
            reg = getattr(num, "registration_id", None)
            if reg is None:
                continue
            region, bare = registration_key(reg)
            if region is not None and region != half.region:
                raise DeclarationError(
                    f"{key}.registrationId",
                    f"is in {region} but this stack deploys {half.region}; registrations are per region: "
                    f"create one in {half.region}",
                )
            if bare in regs and NumberType.TOLL_FREE in (num.type, regs[bare][1]):
                raise DeclarationError(
                    f"{key}.registrationId",
                    f"is also used by {regs[bare][0].split(' ', 1)[1]}; each US toll-free number has its own "
                    "registration: create one per number",
                )
            regs.setdefault(bare, (key, num.type))
        types[role], registrations[role] = first, regs
    for country, (mt, key) in types[Role.SECONDARY].items():
        peer = types[Role.PRIMARY].get(country)
        if peer and peer[0] != mt:
            raise DeclarationError(
                f"{key}.messageType",
                f"is {mt} but the primary's {country} numbers are {peer[0]}; after a failover the standby must "
                "send the same kind of traffic: use one message type per country in both stacks",
            )
    for bare, (key, _) in registrations[Role.SECONDARY].items():
        if bare in registrations[Role.PRIMARY]:
            raise DeclarationError(
                f"{key}.registrationId",
                f"{bare} is also used by {registrations[Role.PRIMARY][bare][0]}; a registration exists in one region: "
                f"create one in {pair.secondary.region} for this number",
            )


def check_delivery_delay(s: SharedDeclaration, decl_name: str = DEFAULT_DECLARATION_FILE) -> None:
    """The delivery-delay alarm watches a set's CloudWatch metric: the set must exist and publish DELIVERY_DELAY."""
    if s.signals is None or s.email is None or not s.signals.email.enabled:
        return
    wanted = s.signals.email.delivery_delay_configuration_set
    sets = {c.name: c for c in s.email.configuration_sets}
    if wanted is None:
        return  # the alarm then watches the first declared set, if any (components/signals.py)
    if wanted not in sets:
        raise DeclarationError(
            f"{decl_name} signals.email.deliveryDelayConfigurationSet",
            f"{wanted!r} is not one of email.configurationSets ({', '.join(sets) or 'none declared'}); "
            "name a declared set",
        )
    if "DELIVERY_DELAY" not in sets[wanted].events:
        raise DeclarationError(
            f"{decl_name} signals.email.deliveryDelayConfigurationSet",
            f"{wanted!r} does not publish DELIVERY_DELAY events, so the alarm would never see data; add it to "
            "that set's events",
        )


def validate_pair(pair: Pair, decl_name: str = DEFAULT_DECLARATION_FILE) -> None:
    """Cross-field rules that need both halves; raises `DeclarationError`."""
    s = pair.shared
    stack_key = {r: f"Pulumi.{pair.half(r.peer).peer_stack_short}.yaml {CONFIG_NAMESPACE}" for r in Role}
    if pair.primary.region == pair.secondary.region:
        raise DeclarationError(
            f"{stack_key[Role.SECONDARY]}:region",
            f"primary and secondary are both in {pair.primary.region}; put the secondary in another region",
        )
    for role in Role:
        half = pair.half(role)
        needs = [(Service.CORE, "the pair")]
        if s.email:
            needs.append((Service.SES, "email (SES)"))
        if s.sms and (s.sms.countries or half.requested_numbers or half.existing_numbers):
            needs.append((Service.SMS, "sms (End User Messaging SMS)"))
        for service, what in needs:
            if not offers(service, half.region):
                raise DeclarationError(
                    f"{stack_key[role]}:region",
                    f"{what} is not offered in {half.region}; choose a region where it is "
                    "(components/regions.py lists them)",
                )
        for i, num in enumerate(half.existing_numbers):
            m = _SMS_ARN_RE.match(num.arn)
            if m and m.group(1) != half.region:
                raise DeclarationError(
                    f"{stack_key[role]}:existingNumbers[{i}].arn",
                    f"is in {m.group(1)} but this stack deploys {half.region}; numbers are per region",
                )
        if s.api and half.certificate_arn is None:
            raise DeclarationError(
                f"{stack_key[role]}:certificateArn",
                f"missing: the API's custom domain needs an ACM certificate for {s.api.domain_name} in {half.region}",
            )
        if half.certificate_arn is not None:
            m = _ACM_ARN_RE.match(half.certificate_arn)
            if not m:
                raise DeclarationError(f"{stack_key[role]}:certificateArn", "is not an ACM certificate ARN")
            if m.group(1) != half.region:
                raise DeclarationError(
                    f"{stack_key[role]}:certificateArn",
                    f"is in {m.group(1)}; a regional API needs a certificate in {half.region}",
                )
    for i, domain in enumerate(s.email.domains if s.email else []):
        if domain != s.dns.zone_name and not domain.endswith("." + s.dns.zone_name):
            raise DeclarationError(
                f"{decl_name} email.domains[{i}]",
                f"{domain} is not inside the hosted zone {s.dns.zone_name}; DKIM records could not be created",
            )
    if s.api and not (s.api.domain_name.endswith("." + s.dns.zone_name)):
        raise DeclarationError(
            f"{decl_name} api.domainName", f"{s.api.domain_name} is not inside the hosted zone {s.dns.zone_name}"
        )
    if s.sms:
        check_sms_numbers(pair, stack_key)
        for role in Role:
            have = pair.numbers_per_country(role)
            for country, need in s.sms.countries.items():
                if have.get(country, 0) < need.minimum_numbers:
                    raise DeclarationError(
                        f"{decl_name} sms.countries.{country}.minimumNumbers",
                        f"{pair.half(role).region} would hold {have.get(country, 0)} origination number(s) for "
                        f"{country}, fewer than {need.minimum_numbers}; add regionpair:requestedNumbers or "
                        f"regionpair:existingNumbers in {stack_key[role].split()[0]}",
                    )
    if s.email and s.email.replicate_events:
        wanted = {"BOUNCE", "COMPLAINT"}
        if not any(wanted <= set(cs.events) for cs in s.email.configuration_sets):
            raise DeclarationError(
                f"{decl_name} email.replicateEvents",
                "needs a configuration set publishing BOUNCE and COMPLAINT events (email.configurationSets)",
            )
    check_cdn(s, decl_name)
    check_delivery_delay(s, decl_name)
    if s.routing.mode is RoutingMode.REGION_SWITCH:
        # The plan module imports this one; its checks include the plan's RTO budget.
        from regionpair.components.region_switch_model import validate_region_switch

        validate_region_switch(pair, decl_name)
    rto = budgets.worst_case_rto(s.routing)
    if rto.seconds is not None and rto.seconds > s.objectives.rto_seconds:
        raise DeclarationError(
            f"{decl_name} objectives.rtoSeconds",
            f"the declared routing cannot meet {s.objectives.rto_seconds} s: {rto.arithmetic}; "
            "shorten routing periods or raise the objective",
        )
    rpo = budgets.worst_case_rpo(s.buckets, s.tables)
    if rpo.minutes is not None and rpo.minutes > s.objectives.rpo_minutes:
        raise DeclarationError(
            f"{decl_name} objectives.rpoMinutes",
            f"the declared replication cannot meet {s.objectives.rpo_minutes} min: {rpo.arithmetic}",
        )
    if rpo.minutes is None and (s.buckets or s.tables):
        raise DeclarationError(
            f"{decl_name} objectives.rpoMinutes",
            f"no bound on replication lag: {rpo.arithmetic}; set replicationTimeControl: true on those buckets",
        )
