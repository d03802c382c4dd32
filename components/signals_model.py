"""Typed models of the `signals:` and `cdn:` sections of `pair.yaml`.

Kept apart from `components/declaration/` (which imports these models for its `SharedDeclaration`) so the
declaration can type its fields without an import cycle. The base config mirrors `declaration._Model`:
camelCase keys as users write YAML, unknown keys rejected (a typo names the key), frozen.

Every threshold has a default a small sender can live with; bad values (negative thresholds, percentages above
100, periods that are not a multiple of 60) fail validation with the fix in the message.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

# CloudFront origin failover: the only status codes an origin group accepts as failover criteria.
FAILOVER_STATUS_CODES: tuple[int, ...] = (400, 403, 404, 416, 500, 502, 503, 504)
SERVER_ERROR_CODES: tuple[int, ...] = (500, 502, 503, 504)


class _Model(BaseModel):
    """Strict base, the same config as `declaration._Model` (not imported: the declaration imports us)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, use_enum_values=False
    )


class AlarmWindow(_Model):
    """How long a condition must hold before the alarm fires: `datapointsToAlarm` of `evaluationPeriods`."""

    enabled: bool = True
    """`false` skips this group of alarms in both regions."""
    period_seconds: int = 60
    """Standard resolution: 60 s or a multiple of 60 (the composite and Route 53 need standard alarms)."""
    evaluation_periods: int = Field(5, ge=1, le=100)
    datapoints_to_alarm: int = Field(3, ge=1, le=100)
    """M of N: tolerate a blip, fire on a trend."""

    @field_validator("period_seconds")
    @classmethod
    def _standard(cls, v: int) -> int:
        if v < 60 or v % 60:
            raise ValueError(f"{v} is not a standard-resolution period; use 60 seconds or a multiple of 60")
        if v > 86_400:
            raise ValueError(f"{v} s is longer than a day; use at most 86400")
        return v

    @model_validator(mode="after")
    def _m_of_n(self) -> AlarmWindow:
        if self.datapoints_to_alarm > self.evaluation_periods:
            raise ValueError(
                f"datapointsToAlarm ({self.datapoints_to_alarm}) exceeds evaluationPeriods "
                f"({self.evaluation_periods}); lower it or raise evaluationPeriods"
            )
        # CloudWatch: the evaluation range may span one day (periods under an hour) or seven days.
        limit = 86_400 if self.period_seconds < 3_600 else 7 * 86_400
        if self.period_seconds * self.evaluation_periods > limit:
            raise ValueError(
                f"periodSeconds x evaluationPeriods is {self.period_seconds * self.evaluation_periods} s, over "
                f"CloudWatch's {limit} s; shorten the period or evaluate fewer periods"
            )
        return self


class ApiSignals(AlarmWindow):
    """The regional API (API Gateway REST API, dimensions ApiName + Stage) and its Lambda function."""

    error_rate_percent: float = Field(5.0, gt=0, le=100)
    """5XXError average over the period, as a percentage of requests."""
    latency_p99_ms: int = Field(3_000, ge=1, le=29_000)
    """p99 of `Latency` (API Gateway's integration timeout is 29 s, so higher can never fire)."""
    lambda_errors: int = Field(5, ge=1)
    """`Errors` per period of the API's function."""
    lambda_throttles: int = Field(1, ge=1)
    """`Throttles` per period: concurrency exhausted in this region."""


class EmailSignals(AlarmWindow):
    """SES account metrics of this region (AWS/SES, no dimensions)."""

    reject_rate_percent: float = Field(5.0, gt=0, le=100)
    """`Reject` / `Send`: SES refused to send (virus, account paused)."""
    bounce_rate_percent: float = Field(5.0, gt=0, le=100)
    """Reputation.BounceRate: SES reviews an account at 5% and may pause it at 10%."""
    complaint_rate_percent: float = Field(0.1, gt=0, le=100)
    """Reputation.ComplaintRate: SES reviews at 0.1% and may pause at 0.5%."""
    delivery_delays: int = Field(100, ge=1)
    """`DeliveryDelay` events per period; notify only, never fail over (an ISP outage shows in both regions)."""
    delivery_delay_configuration_set: str | None = None
    """Configuration set whose CloudWatch event destination publishes `DeliveryDelay` with the dimension
    `ses:configuration-set`; unset: the first of `email.configurationSets` that publishes DELIVERY_DELAY."""


class SmsSignals(AlarmWindow):
    """AWS End User Messaging SMS (AWS/SMSVoice): delivered parts versus sent parts, per destination country."""

    delivery_failure_percent: float = Field(20.0, gt=0, le=100)
    """100 x (1 - delivered / sent) over the period, per country in `sms.countries`."""


class VolumeSignals(AlarmWindow):
    """The Pinpoint and SES guide's 'lack of events': traffic that drops to nothing is a signal in itself."""

    enabled: bool = False
    """Opt-in: a volume floor pages after `periodSeconds x evaluationPeriods` of silence, in normal operation too
    (missing data is breaching: silence is the signal). Turn it on for senders whose quietest normal gap is
    shorter than that window."""
    period_seconds: int = 300
    evaluation_periods: int = Field(3, ge=1, le=100)
    datapoints_to_alarm: int = Field(3, ge=1, le=100)
    minimum_emails_sent: int = Field(1, ge=1)
    """Fewer `Send` per period (or no data at all: missing data counts as breaching) fires the alarm."""
    minimum_sms_parts_sent: int = Field(1, ge=1)
    """Fewer `NumberOfTextMessagePartsSent` per period fires the alarm (missing data breaching)."""
    include_sms: bool = False
    """Watch SMS volume too (off by default: many pairs send SMS too rarely for a volume floor)."""


class ReplicationSignals(AlarmWindow):
    """Replication lag of the declared buckets (where RTC metrics are on) and global tables."""

    s3_latency_seconds: int = Field(900, ge=60)
    """S3 `ReplicationLatency` maximum; RTC's promise is 15 minutes."""
    s3_operations_pending: int = Field(1_000, ge=1)
    """S3 `OperationsPendingReplication` maximum."""
    dynamodb_latency_ms: int = Field(60_000, ge=100)
    """DynamoDB `ReplicationLatency` average towards the peer region."""


class Signals(_Model):
    """Which failover signals each region gets, with thresholds and windows (docs/signals-and-cdn.md)."""

    api: ApiSignals = Field(default_factory=ApiSignals)
    email: EmailSignals = Field(default_factory=EmailSignals)
    sms: SmsSignals = Field(default_factory=SmsSignals)
    volume: VolumeSignals = Field(default_factory=VolumeSignals)
    replication: ReplicationSignals = Field(default_factory=ReplicationSignals)
    notify_emails: list[str] = Field(default_factory=list)
    """Addresses subscribed to each region's topic (each must confirm the subscription)."""

    @field_validator("notify_emails")
    @classmethod
    def _emails(cls, v: list[str]) -> list[str]:
        for address in v:
            if address.count("@") != 1 or "." not in address.split("@")[1]:
                raise ValueError(f"{address!r} is not an email address; write ops@example.com")
        return v


class CdnApi(_Model):
    """Put the failover API behind the same distribution, under a path (writes go to the API, not S3)."""

    path_pattern: str = "/api/*"
    forward_authorization: bool = True
    """Forward the Authorization header (the disaster-tolerance patterns article: CloudFront drops it by default)."""

    @field_validator("path_pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        if not v.startswith("/") or v in ("/", "/*", "*"):
            raise ValueError(f"{v!r} must be a path such as /api/* (the default behaviour serves the bucket)")
        return v


class Cdn(_Model):
    """A CloudFront distribution whose origin group fails over from the primary bucket to its replica."""

    bucket: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
    """Name of one of `buckets`: the pair served (primary region first, replica second)."""
    failover_status_codes: list[int] = Field(default_factory=lambda: list(SERVER_ERROR_CODES))
    """Origin responses that make CloudFront retry the secondary origin; add 403/404 for objects not yet
    replicated to the primary after a failback."""
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_100"
    default_root_object: str = "index.html"
    api: CdnApi | None = None
    """Unset: the distribution serves the bucket only."""

    @field_validator("failover_status_codes")
    @classmethod
    def _codes(cls, v: list[int]) -> list[int]:
        bad = sorted(set(v) - set(FAILOVER_STATUS_CODES))
        if bad:
            raise ValueError(
                f"{bad} cannot trigger origin failover; use codes from {list(FAILOVER_STATUS_CODES)}"
            )
        if not v:
            raise ValueError("an origin group needs at least one failover status code, e.g. [500, 502, 503, 504]")
        if len(set(v)) != len(v):
            raise ValueError("a status code is listed twice")
        return sorted(v)
