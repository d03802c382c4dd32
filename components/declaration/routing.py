"""`routing:` of pair.yaml: how the API's public name picks a region."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    field_validator,
)

from regionpair.components.declaration.base import (
    MissingData,
    RoutingMode,
    _Model,
)
from regionpair.components.region_switch_settings import RegionSwitchSettings


class StopSettings(_Model):
    """STOP: the alarm in the standby region that an operator flips by publishing a metric."""

    namespace: str = "StopPattern"
    metric_name: str = "FailoverToSecondary"
    period_seconds: int = 60
    """Standard resolution only (Route 53 needs it): 60 s or a multiple of 60."""
    evaluation_periods: int = Field(1, ge=1, le=10)
    treat_missing_data: MissingData = MissingData.IGNORE
    """`ignore` keeps the alarm latched in its last state: failback must publish 0."""

    @field_validator("period_seconds")
    @classmethod
    def _standard(cls, v: int) -> int:
        if v < 60 or v % 60:
            raise ValueError("Route 53 health checks need a standard-resolution alarm; use 60 seconds or a multiple")
        return v


class LatencySettings(_Model):
    """Active-active: latency records, an HTTPS health check per regional endpoint."""

    request_interval_seconds: Literal[10, 30] = 30
    failure_threshold: int = Field(3, ge=1, le=10)
    health_path: str = "/health"


class Routing(_Model):
    """How the API's public name is routed between the regions."""

    mode: RoutingMode = RoutingMode.FAILOVER
    stop: StopSettings = Field(default_factory=StopSettings)
    latency: LatencySettings = Field(default_factory=LatencySettings)
    region_switch: RegionSwitchSettings = Field(default_factory=RegionSwitchSettings)
    """ARC Region switch plan settings, used when `mode: region-switch`."""
    publish_records: bool = True
    """False: this deploy manages no record of the API's name, and removes the ones it has. Step 1 of a change of
    `mode` or `strategy` (Route 53 refuses records of two routing policies on one name, so the old records must be
    gone before the new ones are created): docs/day-2.md, "Changing routing.mode or strategy"."""
