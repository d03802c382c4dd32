"""`sms:` of pair.yaml and the numbers each stack file declares (requested, existing)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from regionpair.components import constraints
from regionpair.components.declaration.base import (
    _E164_RE,
    _NUMBER_NAME_RE,
    _REGISTRATION_ARN_RE,
    _REGISTRATION_RE,
    _SENDER_ID_RE,
    _SMS_ARN_RE,
    Country,
    NumberStatus,
    NumberType,
    ResourceName,
    _Model,
)


def _assigned(country: str) -> str:
    """An ISO 3166-1 alpha-2 code that exists (End User Messaging takes no other; constraints.ISO_COUNTRIES)."""
    problem = constraints._iso_country(country)
    if problem:
        raise ValueError(f"{problem}; write the country's two-letter ISO code (GB, not UK)")
    return country


class SmsCountry(_Model):
    """What each region must be able to send to one country."""

    minimum_numbers: int = Field(2, ge=1, le=100)
    """Origination numbers each region needs for this country (at least two, for carrier issues)."""
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
    retire: bool = False
    """Retire this number: the next deploy turns its deletion protection and `protect` off and takes it out of the
    pool; remove the entry in the deploy after that to release it (docs/day-2.md, changing a number)."""

    @model_validator(mode="before")
    @classmethod
    def _status_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" not in data:
            simulator = data.get("type") == NumberType.SIMULATOR.value
            return {**data, "status": "active" if simulator else "pending"}
        return data

    _country = field_validator("country")(classmethod(lambda cls, v: _assigned(v)))

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
        if self.type is NumberType.SIMULATOR and self.message_type != "TRANSACTIONAL":
            # botocore RequestPhoneNumber: "When you request a SIMULATOR phone number, you must set MessageType as
            # TRANSACTIONAL".
            raise ValueError("simulator numbers must be TRANSACTIONAL (RequestPhoneNumber refuses others); set "
                             "messageType: TRANSACTIONAL")  # fmt: skip
        problem = constraints.number_type_in_country(self.type.value, self.country, self.capabilities)
        if problem:
            raise ValueError(f"{problem} (AWS End User Messaging SMS User Guide)")
        return self


class SenderId(_Model):
    """An alphanumeric sender ID registered in both regions."""

    country: Country
    sender_id: str

    @field_validator("country")
    @classmethod
    def _supported(cls, v: str) -> str:
        _assigned(v)
        if v in constraints.SENDER_ID_UNSUPPORTED:
            raise ValueError(
                f"{v} does not support sender IDs (AWS End User Messaging SMS User Guide, Sender IDs: Canada, China "
                "and the United States do not); send there from numbers in regionpair:requestedNumbers"
            )
        return v

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
    """AWS End User Messaging SMS origination identities (the SMS half of what was Pinpoint)."""

    countries: dict[Country, SmsCountry] = Field(default_factory=dict)
    numbers: Any = None
    """Moved: requested numbers are declared per half (`regionpair:requestedNumbers`); refused with that fix."""
    sender_ids: list[SenderId] = Field(default_factory=list)
    opt_out_list: ResourceName = "default-opt-outs"
    deletion_protection: bool = True
    monthly_spend_usd: float | None = Field(None, gt=0)
    """What SMS sending costs per month after a failover: the standby's text-message spend limit must allow it
    (`regionpair readiness`; a new account's limit is 1 USD: End User Messaging SMS User Guide, spending quota)."""

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: dict[str, SmsCountry]) -> dict[str, SmsCountry]:
        for country in v:
            _assigned(country)
        return v

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

    _country = field_validator("country")(classmethod(lambda cls, v: _assigned(v)))

    @model_validator(mode="after")
    def _offered(self) -> ExistingNumber:
        problem = constraints.number_type_in_country(self.type.value, self.country)
        if problem:
            raise ValueError(f"{problem} (AWS End User Messaging SMS User Guide)")
        return self

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


def registration_key(value: str) -> tuple[str | None, str]:
    """(region or None, bare id) of a registration id or ARN."""
    m = _REGISTRATION_ARN_RE.match(value)
    return (m.group(1), m.group(2)) if m else (None, value)
