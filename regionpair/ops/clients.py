"""One place that builds boto3 clients, per service and region, from a session (and a local endpoint)."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

# Standard retry mode: exponential backoff with jitter on throttling and transient errors.
RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8}, connect_timeout=5, read_timeout=20)


class Clients:
    """Lazily created clients, cached per (service, region)."""

    def __init__(self, session: boto3.Session | None = None, *, endpoint_url: str | None = None) -> None:
        self.session = session or boto3.Session()
        self.endpoint_url = endpoint_url
        self._cache: dict[tuple[str, str | None], Any] = {}

    def get(self, service: str, region: str | None = None) -> Any:
        """A client for `service` in `region` (Route 53 is global: region is ignored)."""
        key = (service, None if service == "route53" else region)
        if key not in self._cache:
            self._cache[key] = self.session.client(
                service, region_name=region or "us-east-1", endpoint_url=self.endpoint_url, config=RETRY_CONFIG
            )
        return self._cache[key]
