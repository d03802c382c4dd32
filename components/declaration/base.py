"""Vocabularies, errors and the strict base model of the pair declaration (no other module of it imported)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

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
    """The application state (active/fenced/failover), kept in the app-state global table."""

    ACTIVE = "active"
    FENCED = "fenced"
    FAILOVER = "failover"


class Strategy(StrEnum):
    """The Pinpoint and SES multi-region guide's two architectures for messaging."""

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

PATTERN_TEXT = {
    _NAME_RE.pattern: "a name of 3 to 32 characters: lower-case letters, digits and hyphens, starting with a letter "
    "and ending with a letter or digit (e.g. orders-v2)",
    _COUNTRY_RE.pattern: "a two-letter ISO 3166 country code in capitals (e.g. US, GB)",
}
"""What each pattern a model constrains with allows, in words: messages never show a regular expression."""


def duplicates(values: list[object]) -> list[object]:
    """The values listed more than once, in first-seen order (messages name them)."""
    seen: set[object] = set()
    twice: list[object] = []
    for value in values:
        if value in seen and value not in twice:
            twice.append(value)
        seen.add(value)
    return twice


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
