"""Send email (SES v2) and SMS (End User Messaging) across the two regions without losing a message.

The Pinpoint and SES guide: "additional logic in their code to perform exponential backoff and logic to monitor
for errors and fail over". Rules:
- **Throttling** (429, `Throttling`, `TooManyRequests`, `LimitExceeded`): back off exponentially with full
  jitter and retry in the same region, a bounded number of times, then try the next region.
- **Definite failures** (5xx, connection refused or timed out before the request was sent): the region did not
  take the message, so the next region may be tried at once. Each region has a circuit breaker: after
  `failure_threshold` consecutive failures it is skipped for `cooldown` seconds, then one trial send decides.
- **Ambiguous failures** (the request was sent and the answer was lost: read timeouts, a connection closed
  before the reply): neither SES `SendEmail` nor `SendTextMessage` has an idempotency token, so resending may
  deliver twice. We never resend those ourselves: `AmbiguousSendError` goes to the caller, with the region and
  the message id when one was seen, so nothing is dropped or duplicated silently. They still count as a failure
  of the region for its breaker: a primary that answers too slowly is a primary that is failing, and the next
  sends move to the standby.
- **Client errors** (4xx other than throttling: bad address, unverified identity) are the caller's to fix and
  raise at once; failing over would not help.
**A slow primary** (answers, but late) is a failing primary too: with `slow_after`, a send that succeeded but
took longer counts toward the breaker (the message was delivered once; nothing is resent), so after
`failure_threshold` slow sends the next ones go to the standby at once. **Budget**: with `budget`, a send takes
at most that long in all: each attempt's read timeout is capped by what is left (`regionpair.ops.deadline`, on
the client given to `ses_sender`/`sms_sender`), keeping `standby_share` of it for the next region, so a hung
primary costs a send at most `budget * (1 - standby_share)` before the standby is tried (definite failures) or
the caller hears of the ambiguous send. `resend_ambiguous=True` opts into at-least-once delivery: an ambiguous
send is resent to the next region (a possible duplicate, reported in `SendResult.maybe_duplicate`), for
messages where a duplicate is better than a delay (alerts), never the default.
A send either returns the region and message id that took it, or raises. Warm standby prefers the primary and
fails back to it as soon as its breaker closes; active-active spreads sends by weight. With an SES Global endpoint
(`ses_sender(..., endpoint_id=...)` under the key `GLOBAL`), SES splits and shifts the sends itself; a regional
sender after it (DEED replicas make the identities valid in both regions) is the fallback for when the endpoint
does not answer at all.
The boto3 clients given must not retry on their own: botocore's standard and legacy modes retry read timeouts
and 5xx, which resends an ambiguous send. `retries={"max_attempts": 1}` still means one *retry* (two attempts);
`total_max_attempts` counts attempts (botocore docs, "Retries": https://boto3.amazonaws.com/v1/documentation/
api/latest/guide/retries.html). Use `sending_config()`; `ses_sender`/`sms_sender` refuse a client that retries.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
)

from regionpair.ops import deadline as deadlines
from regionpair.ops.errors import outcome_unknown
from regionpair.sending.warmth import DEFAULT_MINIMUM_SHARE, PoolWarmth, warm_split, warmth_notes

THROTTLING = {"Throttling", "ThrottlingException", "TooManyRequestsException", "LimitExceededException"}
Sender = Callable[[dict[str, Any]], str]


class Mode(StrEnum):
    """The Pinpoint and SES multi-region guide's two architectures."""

    WARM_STANDBY = "warm-standby"
    ACTIVE_ACTIVE = "active-active"


class SendFailedError(Exception):
    """No region took the message; `errors` says what each region answered."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("no region accepted the message: " + "; ".join(f"{r}: {e}" for r, e in errors.items()))
        self.errors = errors


class AmbiguousSendError(Exception):
    """The request reached `region` but its answer was lost: it may have been sent. Never resent by us.

    `message_id` is the id SES or End User Messaging gave, when any part of the answer carried one (None
    otherwise): the caller can look the message up in its event stream before deciding to send again.
    """

    def __init__(self, region: str, cause: Exception, message_id: str | None = None) -> None:
        seen = f"; message id {message_id}" if message_id else ""
        super().__init__(
            f"{region}: the send may or may not have happened ({cause}{seen}); not resent to avoid duplicates"
        )
        self.region = region
        self.message_id = message_id
        self.cause = cause


def sending_config(*, connect_timeout: float = 2, read_timeout: float = 5) -> Config:
    """Client settings for the senders: exactly one attempt per call (the sender decides about retries).

    Short timeouts bound how long a dead or slow region costs a send; a read timeout is an ambiguous send and
    counts toward the breaker.
    """
    return Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
    )


def _check_no_retries(client: Any) -> None:
    """Refuse a client whose botocore retries would resend an ambiguous send behind our back."""
    retries = getattr(getattr(client, "meta", None), "config", None)
    retries = getattr(retries, "retries", None) or {}
    if retries.get("total_max_attempts") != 1:
        raise ValueError(
            f"the client retries on its own ({retries or 'botocore default'}); create it with "
            "config=regionpair.sending.sending_config() (retries={'total_max_attempts': 1})"
        )


@dataclass
class SendResult:
    """Where a message went."""

    region: str
    message_id: str
    attempts: int
    failed_over: bool
    seconds: float = 0.0
    """How long the send took in all."""
    maybe_duplicate: str | None = None
    """With `resend_ambiguous`: the region whose ambiguous send may also have delivered this message."""


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
    # The request was written and no answer came back: the service may have acted on it.
    if outcome_unknown(err):
        return "ambiguous"
    # No connection was made: the request never reached the service.
    if isinstance(err, (EndpointConnectionError, ConnectTimeoutError)):
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
    minimum_share: float = DEFAULT_MINIMUM_SHARE
    """Active-active: each region's least share, so its dedicated IPs keep sending and stay warm (warmth.py)."""
    pools: list[PoolWarmth] = field(default_factory=list)
    """Dedicated IP pools per region (`warmth.read_pool`), for `notes()`: which pool is still warming."""
    throttle_retries: int = 4
    base_delay: float = 0.05
    max_delay: float = 2.0
    failure_threshold: int = 3
    cooldown: float = 30.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    budget: float | None = None
    """Seconds a send may take in all, every region and retry included (None: only the clients' timeouts)."""
    standby_share: float = 0.5
    """Of the budget, what an attempt leaves for the regions after it."""
    slow_after: float | None = None
    """A successful send slower than this counts toward its region's breaker (a slow region is failing)."""
    resend_ambiguous: bool = False
    """At-least-once: resend an ambiguous send to the next region (may duplicate). Default: raise instead."""
    breakers: dict[str, CircuitBreaker] = field(init=False)

    def __post_init__(self) -> None:
        self.breakers = {r: CircuitBreaker(self.failure_threshold, self.cooldown) for r in self.senders}
        self.shares: dict[str, float] = {}
        """Active-active: each region's share of the split, every one at least `minimum_share`."""
        if self.mode is Mode.ACTIVE_ACTIVE:
            self.shares = warm_split(self.weights or {}, list(self.senders), self.minimum_share)

    def notes(self) -> list[str]:
        """What the caller should know about the split: pools still warming, standard pools without IPs."""
        return warmth_notes(self.pools, self.shares or None)

    def _order(self) -> list[str]:
        regions = list(self.senders)
        if self.mode is Mode.ACTIVE_ACTIVE:
            weights = [self.shares[r] for r in regions]
            first = self.rng.choices(regions, weights=weights)[0]
            regions.remove(first)
            regions.insert(0, first)
        now = self.clock()
        return [r for r in regions if self.breakers[r].available(now)] or regions

    def send(self, message: dict[str, Any]) -> SendResult:
        """Send once somewhere, or raise `SendFailedError` / `AmbiguousSendError` / the caller's `ClientError`."""
        errors: dict[str, str] = {}
        attempts = 0
        began = self.clock()
        limit = deadlines.Deadline(self.budget, now=self.clock) if self.budget else None
        ambiguous: AmbiguousSendError | None = None
        order = self._order()
        for position, region in enumerate(order):
            breaker = self.breakers[region]
            for retry in range(self.throttle_retries + 1):
                if limit is not None and limit.expired:
                    errors[region] = f"not tried: the send's budget ({self.budget:g} s) was spent"
                    break
                attempts += 1
                started = self.clock()
                try:
                    message_id = self._attempt(region, message, limit, more=position < len(order) - 1)
                except Exception as err:  # classified below; unknown errors re-raise as client errors
                    kind = _classify(err)
                    if kind == "ambiguous":
                        breaker.failure(self.clock())  # a slow region is a failing region: later sends move on
                        ambiguous = AmbiguousSendError(region, err, _message_id(err))
                        if not self.resend_ambiguous:
                            raise ambiguous from err
                        errors[region] = f"ambiguous: {err}"
                        break
                    if kind == "client":
                        raise
                    if kind == "throttled" and retry < self.throttle_retries:
                        ceiling = min(self.max_delay, self.base_delay * 2**retry)
                        deadlines.sleep_within(self.rng.uniform(0, ceiling), self.sleep, limit)  # full jitter
                        continue
                    breaker.failure(self.clock())
                    errors[region] = f"{kind}: {err}"
                    break
                took = self.clock() - started
                if self.slow_after is not None and took > self.slow_after:
                    breaker.failure(self.clock())  # delivered, but late: count it, so later sends move on
                else:
                    breaker.success()
                return SendResult(region, message_id, attempts, failed_over=position > 0,
                                  seconds=round(self.clock() - began, 3),
                                  maybe_duplicate=ambiguous.region if ambiguous else None)  # fmt: skip
        if ambiguous is not None:
            raise ambiguous
        raise SendFailedError(errors)

    def _attempt(self, region: str, message: dict[str, Any], limit: deadlines.Deadline | None, more: bool) -> str:
        """One call, its read timeout capped by the budget left (minus the standby's share when one follows)."""
        if limit is None:
            return self.senders[region](message)
        share = limit.remaining() * (1 - self.standby_share) if more else limit.remaining()
        with deadlines.Deadline(max(share, deadlines.MIN_CALL_SECONDS), now=self.clock).active():
            return self.senders[region](message)


def _message_id(err: Exception) -> str | None:
    """A message id carried by a failed call's answer, if any (e.g. a parsed partial response)."""
    response = getattr(err, "response", None)
    if isinstance(response, dict) and response.get("MessageId"):
        return str(response["MessageId"])
    return None


GLOBAL = "global"
"""The key of an SES Global endpoint in `ResilientSender.senders` (SES picks the region behind it)."""
CRT_MISSING = (
    "sending through an SES Global endpoint (EndpointId) is signed with SigV4a, which botocore implements only with "
    "the AWS CRT: pip install 'botocore[crt]' (awscrt, pinned in regionpair's dependencies)"
)


def _check_crt() -> None:
    """Refuse up front what botocore would refuse at the first send (MissingDependencyException)."""
    from botocore import compat

    if not getattr(compat, "HAS_CRT", False):
        raise ValueError(CRT_MISSING)


def ses_sender(sesv2: Any, *, configuration_set: str | None = None, endpoint_id: str | None = None) -> Sender:
    """A sender for SES v2 `SendEmail`; `message` holds `from`, `to` (list), `subject`, `text`.

    `endpoint_id`: send through the SES Global endpoint with that id (the primary stack exports it as
    `parityManifest.email.multiRegionEndpoint.endpointId`: `endpoint_id_of`). botocore then sends to
    `https://<id>.endpoints.email.<dns suffix>` signed with SigV4a for every region (the sesv2 endpoint rules),
    whatever region the client names; SES splits the sends across the endpoint's two regions.
    """
    _check_no_retries(sesv2)
    deadlines.attach(sesv2)  # a ResilientSender budget caps each call's read timeout
    if endpoint_id:
        _check_crt()

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
        if endpoint_id:
            kwargs["EndpointId"] = endpoint_id
        return str(sesv2.send_email(**kwargs)["MessageId"])

    return send


def endpoint_id_of(stack_outputs: dict[str, Any]) -> str:
    """The Global endpoint's id from the primary stack's outputs (`pulumi stack output --json -s primary`)."""
    endpoint = ((stack_outputs.get("parityManifest") or {}).get("email") or {}).get("multiRegionEndpoint") or {}
    endpoint_id = endpoint.get("endpointId")
    if not endpoint_id:
        raise ValueError(
            "the primary stack exports no parityManifest.email.multiRegionEndpoint.endpointId; set "
            "email.multiRegionEndpoint: true in pair.yaml and pulumi up -s primary"
        )
    return str(endpoint_id)


def sms_sender(sms: Any, *, origination_identity: str, configuration_set: str | None = None) -> Sender:
    """A sender for End User Messaging `SendTextMessage` from a pool or number of that region."""
    _check_no_retries(sms)
    deadlines.attach(sms)

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
