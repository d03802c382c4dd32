"""One place that builds boto3 clients, per service and region, from a session (and a local endpoint)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# Standard retry mode: exponential backoff with jitter on throttling and transient errors. Five attempts in
# all (`total_max_attempts` counts attempts, `max_attempts` would count retries) and short timeouts: during an
# outage a call that cannot succeed must fail within about a minute, so the command can report it and go on.
RETRY_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 5}, connect_timeout=5, read_timeout=15)


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
        return self.session.client(
            service, region_name=region or "us-east-1", endpoint_url=self.endpoint_url, config=self.config
        )

    def use(self, service: str, client: Any, region: str | None = None) -> None:
        """Serve `client` for (service, region): e.g. one wrapped in botocore's Stubber where moto lacks an API."""
        self._cache[(service, None if service == "route53" else region)] = client
