"""STOP failover and failback (seed 003), with the waiting the sample's bash scripts leave to a human.

Failover publishes 1 to the STOP metric in the standby region; failback publishes 0. Then we wait, with a
timeout, for each step of the chain to follow: the alarm's state, the Route 53 health check's status (it
follows the alarm's data), and the DNS answer for the API's name (Route 53 `TestDNSAnswer`). Each step's time
is measured. Running the same command twice changes nothing the second time: if the alarm already shows the
wanted state, nothing is published.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from regionpair.ops.context import PairContext

FAILOVER_VALUE, FAILBACK_VALUE = 1.0, 0.0


class WaitTimeoutError(Exception):
    """A step did not complete in time."""


@dataclass
class Step:
    """One measured step."""

    name: str
    seconds: float
    detail: str = ""


@dataclass
class SwitchReport:
    """What a failover or failback did."""

    direction: str
    published: bool
    steps: list[Step] = field(default_factory=list)


def alarm_state(cloudwatch: Any, ctx: PairContext) -> str:
    """The STOP alarm's state (OK, ALARM, INSUFFICIENT_DATA)."""
    alarms = cloudwatch.describe_alarms(AlarmNames=[ctx.alarm_name]).get("MetricAlarms", [])
    if not alarms:
        raise LookupError(f"no alarm {ctx.alarm_name} in {ctx.standby_region}; deploy the secondary stack first")
    return str(alarms[0]["StateValue"])


def last_value(cloudwatch: Any, ctx: PairContext, minutes: int = 60) -> float | None:
    """The STOP metric's latest Maximum in the last `minutes` (None when nothing was published)."""
    end = datetime.now(UTC)
    points = cloudwatch.get_metric_statistics(
        Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
        StartTime=end - timedelta(minutes=minutes), EndTime=end + timedelta(minutes=1), Period=60,
        Statistics=["Maximum"],
    )["Datapoints"]  # fmt: skip
    return float(max(points, key=lambda p: p["Timestamp"])["Maximum"]) if points else None


def publish(cloudwatch: Any, ctx: PairContext, value: float) -> None:
    """Publish the STOP metric in the standby region."""
    cloudwatch.put_metric_data(
        Namespace=ctx.namespace,
        MetricData=[{"MetricName": ctx.metric_name, "Dimensions": ctx.dimensions, "Value": value, "Unit": "Count"}],
    )


def primary_unhealthy(cloudwatch: Any, composite_alarm: str) -> bool:
    """Whether the primary region's composite "region unhealthy" alarm fires (read in the primary region)."""
    found = cloudwatch.describe_alarms(AlarmNames=[composite_alarm], AlarmTypes=["CompositeAlarm"])
    return any(a["StateValue"] == "ALARM" for a in found.get("CompositeAlarms", []))


def find_health_check(route53: Any, ctx: PairContext) -> str | None:
    """The CLOUDWATCH_METRIC health check watching the STOP alarm."""
    for page in route53.get_paginator("list_health_checks").paginate():
        for hc in page["HealthChecks"]:
            alarm = hc.get("CloudWatchAlarmConfiguration") or {}
            config = hc.get("HealthCheckConfig") or {}
            if config.get("Type") == "CLOUDWATCH_METRIC" and (
                alarm.get("MetricName") == ctx.metric_name
                or (config.get("AlarmIdentifier") or {}).get("Name") == ctx.alarm_name
            ):
                return str(hc["Id"])
    return None


def health_check_healthy(route53: Any, health_check_id: str) -> bool:
    """Healthy when more than 18% of Route 53's checkers say so (Route 53's own rule)."""
    observations = route53.get_health_check_status(HealthCheckId=health_check_id)["HealthCheckObservations"]
    healthy = [o for o in observations if str(o["StatusReport"]["Status"]).startswith("Success")]
    return bool(observations) and len(healthy) / len(observations) > 0.18


def dns_answer(route53: Any, ctx: PairContext) -> list[str]:
    """What Route 53 answers for the API's failover name (alias: the regional domain's addresses)."""
    assert ctx.api_domain is not None
    answer = route53.test_dns_answer(HostedZoneId=ctx.hosted_zone_id, RecordName=ctx.api_domain, RecordType="A")
    return [str(r) for r in answer.get("RecordData", [])]


def resolve(host: str) -> set[str]:
    """IPv4 addresses of `host` from the system resolver (empty when it does not resolve)."""
    try:
        return {str(info[4][0]) for info in socket.getaddrinfo(host, 443, socket.AF_INET)}
    except OSError:
        return set()


def dns_expectation(
    apigateway: Any, ctx: PairContext, resolver: Callable[[str], set[str]] = resolve
) -> Callable[[list[str]], bool] | None:
    """What the failover name must answer once routing moved: an address of the target region's API endpoint.

    `apigateway` is a client in the target region; its custom domain's regional endpoint is looked up there.
    None when the endpoint cannot be resolved from here (the DNS step is then skipped, and said so).
    """
    if ctx.api_domain is None:
        return None
    try:
        regional = apigateway.get_domain_name(domainName=ctx.api_domain).get("regionalDomainName")
    except ClientError:  # no custom domain there (yet), or no permission to read it
        return None
    addresses = resolver(regional) if regional else set()
    if not addresses:
        return None
    return lambda answer: bool(addresses & set(answer))


def wait_until(
    what: str, probe: Callable[[], bool], *, timeout: float, interval: float, sleep: Callable[[float], None]
) -> float:
    """Poll `probe` until true; returns the seconds it took or raises `WaitTimeoutError`."""
    start = time.monotonic()
    while True:
        if probe():
            return time.monotonic() - start
        if time.monotonic() - start >= timeout:
            raise WaitTimeoutError(f"{what} did not happen within {timeout:.0f} s")
        sleep(interval)


def switch(
    cloudwatch: Any,
    route53: Any,
    ctx: PairContext,
    *,
    to_standby: bool,
    health_check_id: str | None = None,
    expected_dns: Callable[[list[str]], bool] | None = None,
    timeout: float = 600,
    interval: float = 5,
    dry_run: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] = lambda _msg: None,
) -> SwitchReport:
    """Fail over (`to_standby`) or back; idempotent; waits for alarm, health check and DNS in turn."""
    direction = "failover" if to_standby else "failback"
    wanted_alarm = "ALARM" if to_standby else "OK"
    report = SwitchReport(direction, published=False)
    current = alarm_state(cloudwatch, ctx)
    if current == wanted_alarm:
        progress(f"alarm {ctx.alarm_name} already {current}: nothing to publish")
    elif dry_run:
        progress(f"would publish {ctx.namespace}/{ctx.metric_name}={FAILOVER_VALUE if to_standby else FAILBACK_VALUE}")
        return report
    else:
        publish(cloudwatch, ctx, FAILOVER_VALUE if to_standby else FAILBACK_VALUE)
        report.published = True
        progress(f"published {ctx.metric_name} in {ctx.standby_region}; waiting for the alarm")
    seconds = wait_until(
        f"alarm {ctx.alarm_name} -> {wanted_alarm}",
        lambda: alarm_state(cloudwatch, ctx) == wanted_alarm,
        timeout=timeout, interval=interval, sleep=sleep,
    )  # fmt: skip
    report.steps.append(Step("alarm", seconds, wanted_alarm))
    hc = health_check_id or find_health_check(route53, ctx)
    if hc:
        progress(f"waiting for health check {hc} to become {'unhealthy' if to_standby else 'healthy'}")
        seconds = wait_until(
            f"health check {hc}",
            lambda: health_check_healthy(route53, hc) != to_standby,
            timeout=timeout, interval=interval, sleep=sleep,
        )  # fmt: skip
        report.steps.append(Step("health check", seconds, "unhealthy" if to_standby else "healthy"))
    if expected_dns is not None and ctx.api_domain:
        progress(f"waiting for {ctx.api_domain} to answer with the {'standby' if to_standby else 'primary'}")
        seconds = wait_until(
            f"DNS answer for {ctx.api_domain}",
            lambda: expected_dns(dns_answer(route53, ctx)),
            timeout=timeout, interval=interval, sleep=sleep,
        )  # fmt: skip
        report.steps.append(Step("dns", seconds))
    return report
