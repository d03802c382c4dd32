"""One deadline for a whole command, enforced on every AWS call it makes.

Why: during an outage a region can accept connections and never answer. Per-call timeouts alone do not bound a
command (a failover makes a dozen calls, each with its retries), so `--timeout` is a deadline across all steps:

- every call's read timeout is capped by the time left (botocore reads a per-request `read_timeout` from the
  request context, `botocore.httpsession.URLLib3Session._get_request_timeout`);
- no call is sent, and no retry attempt is made, once the deadline has passed: the `before-send` hook raises
  `DeadlineExceededError` instead, which botocore does not retry, and which the commands report as "not
  attempted: deadline reached" (it is a `BotoCoreError`, so every step that handles AWS errors reports it);
- long waits (`wait_until`, the period between datapoints) end at the deadline.

The active deadline lives in a `ContextVar`, so library code does not thread it through every function: the
CLI (or a caller of the library) opens `with deadline.active():` and every client built by `Clients` (or given
to `attach`) honours it. Outside such a block nothing changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from botocore.exceptions import BotoCoreError

MIN_CALL_SECONDS = 0.25
"""A call needs at least this long to be worth sending: less and it is reported as not attempted."""


class DeadlineExceededError(BotoCoreError):
    """The command's deadline passed before this call (or its next retry) was sent.

    `previous` is the error of the attempt before, when there was one: a read timeout there means the call was
    sent and may have been processed (`regionpair.ops.errors.outcome_unknown` looks at it).
    """

    fmt = "{what}: the command's deadline ({seconds:.0f} s) was reached before {operation}"

    def __init__(self, *, seconds: float, operation: str, previous: BaseException | None = None) -> None:
        what = f"{previous}; not retried" if previous is not None else "not attempted"
        super().__init__(seconds=seconds, operation=operation, what=what)
        self.previous = previous


class Deadline:
    """An absolute point in time, on `now`'s clock (monotonic by default; tests pass a fake clock)."""

    def __init__(self, seconds: float, *, now: Callable[[], float] = time.monotonic) -> None:
        self.seconds = float(seconds)
        self.now = now
        self.started = now()
        self.at = self.started + self.seconds

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(self.at - self.now(), 0.0)

    def elapsed(self) -> float:
        """Seconds since the command started."""
        return self.now() - self.started

    @property
    def expired(self) -> bool:
        """No time left for another call."""
        return self.remaining() < MIN_CALL_SECONDS

    def check(self, what: str, previous: BaseException | None = None) -> None:
        """Raise `DeadlineExceededError` if `what` would start after the deadline."""
        if self.expired:
            raise DeadlineExceededError(seconds=self.seconds, operation=what, previous=previous)

    def cap(self, seconds: float) -> float:
        """`seconds`, or the time left if that is shorter."""
        return max(min(seconds, self.remaining()), 0.0)

    @contextmanager
    def active(self) -> Iterator[Deadline]:
        """Make this the deadline every attached client honours, for the duration of the block."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)


_current: ContextVar[Deadline | None] = ContextVar("regionpair_deadline", default=None)


def current() -> Deadline | None:
    """The deadline of the command running in this context, if any."""
    return _current.get()


def _before_send(request: Any, event_name: str = "", **_kw: Any) -> None:
    found = _current.get()
    if found is None:
        return
    operation = event_name.rsplit(".", 1)[-1] or "the call"
    context = getattr(request, "context", None)
    found.check(operation, (context or {}).get(_PREVIOUS))
    if context is None:
        return
    configured = (context.get("client_config") and context["client_config"].read_timeout) or 60
    context["read_timeout"] = max(found.cap(float(configured)), MIN_CALL_SECONDS)


_PREVIOUS = "regionpair_previous_error"


def _needs_retry(caught_exception: BaseException | None = None, request_dict: Any = None, **_kw: Any) -> None:
    """Remember why the last attempt failed (None: AWS answered), so a retry refused by the deadline says so."""
    if isinstance(request_dict, dict):
        request_dict.setdefault("context", {})[_PREVIOUS] = caught_exception


def attach(client: Any) -> Any:
    """Make `client` honour the active deadline (idempotent per client); returns it."""
    events = client.meta.events
    if not getattr(client, "_regionpair_deadline", False):
        # register_last: fault-injection and Stubber hooks (registered first) still see the call, but a call past
        # the deadline is refused before it reaches the network.
        events.register_last("before-send", _before_send, unique_id="regionpair-deadline")
        events.register_first("needs-retry", _needs_retry, unique_id="regionpair-deadline-retry")
        client._regionpair_deadline = True
    return client


def sleep_within(seconds: float, sleep: Callable[[float], None], deadline: Deadline | None = None) -> float:
    """Sleep `seconds`, or until the deadline if sooner; returns what was slept."""
    found = deadline or _current.get()
    wait = found.cap(seconds) if found else max(seconds, 0.0)
    if wait > 0:
        sleep(wait)
    return wait
