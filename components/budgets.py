"""Worst-case RTO and RPO implied by declared settings: one formula shared by validation and the policy pack.

The figures are the documented or observed upper bounds of each step, so the result is a budget to compare
with the objective, not a prediction. Every constant names where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Route 53 evaluates a CLOUDWATCH_METRIC health check from the alarm's data stream; AWS documents no SLA,
# the STOP sample and our drills observe the health check following the alarm within about 30 s.
CLOUDWATCH_HEALTH_CHECK_SECONDS = 30
# Alias records to API Gateway regional domains are answered with a 60 s TTL (Route 53 alias behaviour).
ALIAS_TTL_SECONDS = 60
# Latency mode: Route 53 endpoint checks flip after `failure_threshold` intervals; add one interval of
# aggregation across checkers (healthy while more than 18% of checkers agree).
# S3 Replication Time Control: 99.99% of objects within 15 minutes (the SLA'd bound).
S3_RTC_MINUTES = 15
# DynamoDB global tables replicate asynchronously, "typically within a second"; budget one minute.
DYNAMODB_REPLICATION_MINUTES = 1


@dataclass(frozen=True)
class Budget:
    """A computed bound with the arithmetic a human can check."""

    seconds: int | None
    arithmetic: str

    @property
    def minutes(self) -> int | None:
        """The bound in whole minutes, rounded up (None: unbounded)."""
        return None if self.seconds is None else -(-self.seconds // 60)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        camel = name.split("_")[0] + "".join(w.title() for w in name.split("_")[1:])
        return obj.get(camel, obj.get(name, default))
    return getattr(obj, name, default)


def rto_from(
    mode: str,
    *,
    period_seconds: int = 60,
    evaluation_periods: int = 1,
    request_interval_seconds: int = 30,
    failure_threshold: int = 3,
    ttl_seconds: int = ALIAS_TTL_SECONDS,
) -> Budget:
    """Worst-case time from "fail over now" to clients resolving the peer, for a routing mode.

    Region switch is budgeted from the plan's steps (`components/region_switch_model.rto_budget`), not here.
    """
    if mode == "region-switch":
        return Budget(None, "a Region switch plan: budgeted from its steps (region_switch_model.rto_budget)")
    if mode == "latency":
        detect = request_interval_seconds * (failure_threshold + 1)
        total = detect + ttl_seconds
        return Budget(
            total,
            f"{request_interval_seconds} s interval x ({failure_threshold} failures + 1) + {ttl_seconds} s TTL "
            f"= {total} s",
        )
    alarm = period_seconds * evaluation_periods
    total = alarm + CLOUDWATCH_HEALTH_CHECK_SECONDS + ttl_seconds
    return Budget(
        total,
        f"{period_seconds} s period x {evaluation_periods} evaluation period(s) + "
        f"{CLOUDWATCH_HEALTH_CHECK_SECONDS} s health check + {ttl_seconds} s TTL = {total} s",
    )


def worst_case_rto(routing: Any) -> Budget:
    """RTO budget of a declaration's `routing` section (model or camelCase dict)."""
    mode = str(getattr(_get(routing, "mode", "failover"), "value", _get(routing, "mode", "failover")))
    stop = _get(routing, "stop", {}) or {}
    lat = _get(routing, "latency", {}) or {}
    return rto_from(
        mode,
        period_seconds=int(_get(stop, "period_seconds", 60)),
        evaluation_periods=int(_get(stop, "evaluation_periods", 1)),
        request_interval_seconds=int(_get(lat, "request_interval_seconds", 30)),
        failure_threshold=int(_get(lat, "failure_threshold", 3)),
    )


def worst_case_rpo(buckets: list[Any], tables: list[Any]) -> Budget:
    """RPO budget: the slowest replicated store decides. Unbounded (None) if a bucket lacks RTC."""
    parts: list[str] = []
    worst = 0
    for b in buckets:
        name = _get(b, "name")
        if _get(b, "replication_time_control", False):
            parts.append(f"bucket {name}: RTC {S3_RTC_MINUTES} min")
            worst = max(worst, S3_RTC_MINUTES)
        else:
            return Budget(None, f"bucket {name} replicates without Replication Time Control (no time bound)")
    for t in tables:
        parts.append(f"table {_get(t, 'name')}: global table ~{DYNAMODB_REPLICATION_MINUTES} min")
        worst = max(worst, DYNAMODB_REPLICATION_MINUTES)
    if not parts:
        return Budget(0, "nothing replicated")
    return Budget(worst * 60, "; ".join(parts) + f" -> worst {worst} min")
