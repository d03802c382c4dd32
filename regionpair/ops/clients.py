"""One place that builds boto3 clients, per service and region, from a session (and a local endpoint).

Every client it builds honours the command's deadline (`regionpair.ops.deadline`): each call's read timeout is
capped by the time left and no call is sent after the deadline.
"""

from __future__ import annotations

import os
import threading
from typing import Any, ClassVar

import boto3
from botocore.config import Config

from regionpair.ops import deadline
from regionpair.ops.errors import CredentialsError, credentials_advice, credentials_problem, reason

CONNECT_TIMEOUT, READ_TIMEOUT, ATTEMPTS = 3, 10, 3
# Standard retry mode: exponential backoff with jitter on throttling and transient errors. Three attempts in
# all (`total_max_attempts` counts attempts, `max_attempts` would count retries; botocore docs, "Retries") and
# short timeouts: a region that accepts connections and never answers costs one call at most
# 3 x 10 s plus two backoffs (at most 1 s and 2 s), and the command's deadline caps even that.
RETRY_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
    connect_timeout=CONNECT_TIMEOUT,
    read_timeout=READ_TIMEOUT,
)


class Clients:
    """Lazily created clients, cached per (service, region).

    Every client also reports credential failures here (`credentials_error`): a command whose calls are refused
    for expired or missing credentials says so in one line, instead of reporting each field as unavailable.
    """

    last: ClassVar[Clients | None] = None
    """The clients of the command running in this process (what the CLI's error path asks about credentials)."""

    def __init__(
        self, session: boto3.Session | None = None, *, endpoint_url: str | None = None, config: Config | None = None,
        explicit_profile: bool | None = None,
    ) -> None:  # fmt: skip
        self.session = session or boto3.Session()
        self.endpoint_url = endpoint_url
        self.config = config or RETRY_CONFIG
        self._cache: dict[tuple[str, str | None], Any] = {}
        self._lock = threading.RLock()  # boto3 sessions are not thread-safe: clients are created one at a time
        self.credential_failures: list[str] = []
        self.explicit_profile = (
            explicit_profile if explicit_profile is not None
            else session is not None and session.profile_name not in (None, "default", os.environ.get("AWS_PROFILE"))
        )  # fmt: skip
        Clients.last = self

    def advice(self) -> str:
        """Where the credentials come from and what to do (one clause)."""
        try:
            found = self.session.get_credentials()
            method = getattr(found, "method", None) if found is not None else None
        except Exception:  # resolving them is what failed; the advice must not fail too
            method = None
        profile = self.session.profile_name if self.session.profile_name != "default" or self.explicit_profile else None
        return credentials_advice(profile, self.explicit_profile, method, dict(os.environ))

    def credentials_error(self, err: BaseException | None = None) -> CredentialsError | None:
        """One line when the credentials are why calls failed (from `err`, or any call this command made)."""
        problem = credentials_problem(err) if err is not None else None
        problem = problem or (self.credential_failures[0] if self.credential_failures else None)
        if problem is None:
            return None
        return CredentialsError(f"AWS credentials: {problem}; {self.advice()}")

    def check_credentials(self) -> None:
        """Before a command changes anything: credentials must resolve (no network call; none are sent)."""
        try:
            found = self.session.get_credentials()
        except Exception as err:  # SSO token expired, credential process failed, ...
            raise self.credentials_error(err) or CredentialsError(f"AWS credentials: {reason(err)}; "
                                                                  f"{self.advice()}") from None  # fmt: skip
        if found is None:
            raise CredentialsError(f"AWS credentials: no credentials found; {self.advice()}")

    def _watch(self, client: Any) -> Any:
        """Record credential failures of `client`'s calls (AWS's answer, or botocore refusing to sign)."""

        def answered(parsed: Any = None, **_kw: Any) -> None:
            code = ((parsed or {}).get("Error") or {}).get("Code") if isinstance(parsed, dict) else None
            if code:
                from botocore.exceptions import ClientError

                problem = credentials_problem(ClientError(parsed, "call"))
                if problem and problem not in self.credential_failures:
                    self.credential_failures.append(problem)

        def raised(exception: BaseException | None = None, **_kw: Any) -> None:
            problem = credentials_problem(exception)
            if problem and problem not in self.credential_failures:
                self.credential_failures.append(problem)

        client.meta.events.register("after-call", answered, unique_id=f"regionpair-creds-{id(self)}")
        client.meta.events.register("after-call-error", raised, unique_id=f"regionpair-creds-err-{id(self)}")
        return client

    def get(self, service: str, region: str | None = None) -> Any:
        """A client for `service` in `region` (Route 53 is global: region is ignored)."""
        key = (service, None if service == "route53" else region)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self.created(service, region)
            return self._cache[key]

    def created(self, service: str, region: str | None) -> Any:
        """Build one client (overridable: tests attach fault-injection hooks here)."""
        client = self.session.client(
            service, region_name=region or "us-east-1", endpoint_url=self.endpoint_url, config=self.config
        )
        return self._watch(deadline.attach(client))

    def use(self, service: str, client: Any, region: str | None = None) -> None:
        """Serve `client` for (service, region): e.g. one wrapped in botocore's Stubber where moto lacks an API."""
        self._cache[(service, None if service == "route53" else region)] = self._watch(deadline.attach(client))
