"""Send email (SES v2) and SMS (End User Messaging) across the two regions without losing a message.

Seed 000: "additional logic in their code to perform exponential backoff and logic to monitor for errors and
fail over". Rules:
- **Throttling** (429, `Throttling`, `TooManyRequests`, `LimitExceeded`): back off exponentially with full
  jitter and retry in the same region, a bounded number of times, then try the next region.
- **Definite failures** (5xx, connection refused or timed out before the request was sent): the region did not
  take the message, so the next region may be tried at once. Each region has a circuit breaker: after
  `failure_threshold` consecutive failures it is skipped for `cooldown` seconds, then one trial send decides.
- **Ambiguous failures** (the request was sent and the response was lost: read timeouts): neither SES
  `SendEmail` nor `SendTextMessage` has an idempotency token, so resending may deliver twice. We never resend
  those ourselves: `AmbiguousSendError` goes to the caller, with the region, so nothing is dropped silently.
- **Client errors** (4xx other than throttling: bad address, unverified identity) are the caller's to fix and
  raise at once; failing over would not help.
A send either returns the region and message id that took it, or raises. Warm standby prefers the primary and
fails back to it as soon as its breaker closes; active-active spreads sends by weight.
The boto3 clients given should not retry on their own (`retries={"max_attempts": 1}`): this class decides.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

THROTTLING = {"Throttling", "ThrottlingException", "TooManyRequestsException", "LimitExceededException"}
Sender = Callable[[dict[str, Any]], str]


class Mode(StrEnum):
    """Seed 000's two architectures."""

    WARM_STANDBY = "warm-standby"
    ACTIVE_ACTIVE = "active-active"


class SendFailedError(Exception):
    """No region took the message; `errors` says what each region answered."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("no region accepted the message: " + "; ".join(f"{r}: {e}" for r, e in errors.items()))
        self.errors = errors


class AmbiguousSendError(Exception):
    """The request reached `region` but its answer was lost: it may have been sent. Not retried by us."""

    def __init__(self, region: str, cause: Exception) -> None:
        super().__init__(f"{region}: the send may or may not have happened ({cause}); not resent to avoid duplicates")
        self.region = region


@dataclass
class SendResult:
    """Where a message went."""

    region: str
    message_id: str
    attempts: int
    failed_over: bool


@dataclass
class CircuitBreaker:
    """Skip a region after consecutive failures; let one trial through after the cool-down."""

    failure_threshold: int = 3
    cooldown: float = 30.0
    failures: int = 0
    opened_at: float | None = None

    def available(self, now: float) -> bool:
        """Closed, or open long enough for a trial."""
        return self.opened_at is None or now - self.opened_at >= self.cooldown

    def success(self) -> None:
        """Close."""
        self.failures, self.opened_at = 0, None

    def failure(self, now: float) -> None:
        """Count a failure; open (or re-open after a failed trial) at the threshold."""
        self.failures += 1
        if self.failures >= self.failure_threshold:
            self.opened_at = now


def _classify(err: Exception) -> str:
    if isinstance(err, ReadTimeoutError):
        return "ambiguous"
    if isinstance(err, (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError)):
        return "definite"
    if isinstance(err, ClientError):
        code = err.response.get("Error", {}).get("Code", "")
        status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in THROTTLING or status == 429:
            return "throttled"
        if status >= 500:
            return "definite"
        return "client"
    return "client"


@dataclass
class ResilientSender:
    """Send through the first region that takes the message; see the module docstring for the rules."""

    senders: dict[str, Sender]
    """Region -> function sending one message there and returning its message id; order = preference."""
    mode: Mode = Mode.WARM_STANDBY
    weights: dict[str, float] | None = None
    """Active-active split, e.g. {"us-east-1": 0.5, "us-west-2": 0.5}."""
    throttle_retries: int = 4
    base_delay: float = 0.05
    max_delay: float = 2.0
    failure_threshold: int = 3
    cooldown: float = 30.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    breakers: dict[str, CircuitBreaker] = field(init=False)

    def __post_init__(self) -> None:
        self.breakers = {r: CircuitBreaker(self.failure_threshold, self.cooldown) for r in self.senders}

    def _order(self) -> list[str]:
        regions = list(self.senders)
        if self.mode is Mode.ACTIVE_ACTIVE:
            weights = [max((self.weights or {}).get(r, 1.0), 0.0) for r in regions]
            first = self.rng.choices(regions, weights=weights)[0] if sum(weights) > 0 else regions[0]
            regions.remove(first)
            regions.insert(0, first)
        now = self.clock()
        return [r for r in regions if self.breakers[r].available(now)] or regions

    def send(self, message: dict[str, Any]) -> SendResult:
        """Send once somewhere, or raise `SendFailedError` / `AmbiguousSendError` / the caller's `ClientError`."""
        errors: dict[str, str] = {}
        attempts = 0
        order = self._order()
        for position, region in enumerate(order):
            breaker = self.breakers[region]
            for retry in range(self.throttle_retries + 1):
                attempts += 1
                try:
                    message_id = self.senders[region](message)
                except Exception as err:  # classified below; unknown errors re-raise as client errors
                    kind = _classify(err)
                    if kind == "ambiguous":
                        raise AmbiguousSendError(region, err) from err
                    if kind == "client":
                        raise
                    if kind == "throttled" and retry < self.throttle_retries:
                        ceiling = min(self.max_delay, self.base_delay * 2**retry)
                        self.sleep(self.rng.uniform(0, ceiling))  # full jitter
                        continue
                    breaker.failure(self.clock())
                    errors[region] = f"{kind}: {err}"
                    break
                breaker.success()
                return SendResult(region, message_id, attempts, failed_over=position > 0)
        raise SendFailedError(errors)


def ses_sender(sesv2: Any, *, configuration_set: str | None = None) -> Sender:
    """A sender for SES v2 `SendEmail`; `message` holds `from`, `to` (list), `subject`, `text`."""

    def send(message: dict[str, Any]) -> str:
        kwargs: dict[str, Any] = {
            "FromEmailAddress": message["from"],
            "Destination": {"ToAddresses": list(message["to"])},
            "Content": {
                "Simple": {
                    "Subject": {"Data": message["subject"]},
                    "Body": {"Text": {"Data": message["text"]}},
                }
            },
        }
        if configuration_set:
            kwargs["ConfigurationSetName"] = configuration_set
        return str(sesv2.send_email(**kwargs)["MessageId"])

    return send


def sms_sender(sms: Any, *, origination_identity: str, configuration_set: str | None = None) -> Sender:
    """A sender for End User Messaging `SendTextMessage` from a pool or number of that region."""

    def send(message: dict[str, Any]) -> str:
        kwargs: dict[str, Any] = {
            "DestinationPhoneNumber": message["to"],
            "OriginationIdentity": origination_identity,
            "MessageBody": message["text"],
            "MessageType": message.get("type", "TRANSACTIONAL"),
        }
        if configuration_set:
            kwargs["ConfigurationSetName"] = configuration_set
        return str(sms.send_text_message(**kwargs)["MessageId"])

    return send
