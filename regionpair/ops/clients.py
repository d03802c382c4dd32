"""One place that builds boto3 clients, per service and region, from a session (and a local endpoint).

Every client it builds honours the command's deadline (`regionpair.ops.deadline`): each call's read timeout is
capped by the time left and no call is sent after the deadline.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from regionpair.ops import deadline

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
    """Lazily created clients, cached per (service, region)."""

    def __init__(
        self, session: boto3.Session | None = None, *, endpoint_url: str | None = None, config: Config | None = None
    ) -> None:
        self.session = session or boto3.Session()
        self.endpoint_url = endpoint_url
        self.config = config or RETRY_CONFIG
        self._cache: dict[tuple[str, str | None], Any] = {}

    def get(self, service: str, region: str | None = None) -> Any:
        """A client for `service` in `region` (Route 53 is global: region is ignored)."""
        key = (service, None if service == "route53" else region)
        if key not in self._cache:
            self._cache[key] = self.created(service, region)
        return self._cache[key]

    def created(self, service: str, region: str | None) -> Any:
        """Build one client (overridable: tests attach fault-injection hooks here)."""
        client = self.session.client(
            service, region_name=region or "us-east-1", endpoint_url=self.endpoint_url, config=self.config
        )
        return deadline.attach(client)

    def use(self, service: str, client: Any, region: str | None = None) -> None:
        """Serve `client` for (service, region): e.g. one wrapped in botocore's Stubber where moto lacks an API."""
        self._cache[(service, None if service == "route53" else region)] = deadline.attach(client)
