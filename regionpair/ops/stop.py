"""STOP failover and failback (the STOP pattern), built to work while the primary region is down.

**The switch needs only the standby region.** It reads the STOP alarm *as deployed* from the standby region's
CloudWatch (`DescribeAlarms`) and publishes exactly what that alarm watches: its namespace, metric and
dimensions, a value on the right side of its threshold, and enough datapoints for its window. If `pair.yaml`
says otherwise (settings changed, stacks not yet redeployed) the difference is reported and the deployed alarm
is followed: it is the alarm Route 53 watches.

**Datapoints for the window.** An alarm with `DatapointsToAlarm` M (of `EvaluationPeriods` N) needs M breaching
periods. We publish one datapoint per period, M times, one period apart (each in its own period), and stop
early if the alarm is already in ALARM; failback publishes N - M + 1 clearing datapoints the same way (one for
the deployed M = N). We do not backdate timestamps: CloudWatch accepts them, but AWS does
not document that an alarm, or Route 53's copy of it, evaluates datapoints that arrive after their period was
evaluated, so the failover would rest on undocumented behaviour. Cost: (M - 1) periods of waiting; the command
refuses up front when `--timeout` is shorter than that, before publishing anything.

**Verification is reported, not required.** After the publish each step is reported on its own: the alarm
(standby CloudWatch), the Route 53 health check (control plane, served from us-east-1) and the DNS answer
(`TestDNSAnswer`, control plane). A step that times out or whose API fails is reported as such and the result
is "published, routing not verified: <reason>", never "failed": the data-plane action has happened.

**Cancel.** A failback when the alarm is not (yet) in ALARM but the metric's last value still breaches is a
cancellation of a pending failover: 0 is published into the period after the last 1 (a period's Maximum would
otherwise still be 1), so the alarm cannot go on to fire on it, or returns to OK right after.

Time: `timeout` is one deadline for the whole command (publishing and every wait), not per step: a
`regionpair.ops.deadline.Deadline`, which also caps each AWS call's read timeout by the time left and refuses
any call after it. A step the deadline cut short is reported as `timed out` or `not attempted`, never skipped
silently.

**Unknown outcomes.** A publish whose reply was lost (read timeout, connection closed after the request was
sent) may have landed. It is recorded as `outcome: unknown` in `published`, listed in `outcomeUnknown`, the
window goes on (publishing the same value again in a period is harmless: the alarm reads its Maximum) and the
alarm decides: verified, the command is done; not verified, the outcome says "may have been published; rerun
or check the alarm". "Nothing was published" is said only when nothing can have been.
"""

from __future__ import annotations

import math
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from regionpair.components.declaration import Role
from regionpair.components.routing_model import stop_alarm_settings
from regionpair.components.signals_plan import plan_alarms
from regionpair.ops.context import PairContext
from regionpair.ops.deadline import MIN_CALL_SECONDS, Deadline, DeadlineExceededError, current
from regionpair.ops.errors import AWS_ERRORS, OpsError, aws_error, outcome_unknown, reason

FAILOVER_VALUE, FAILBACK_VALUE = 1.0, 0.0
# The Statistic values a CLOUDWATCH_METRIC health check accepts (Route 53 API reference, CloudWatchAlarmConfiguration).
_ONE_POINT_STATISTICS = {"Maximum", "Minimum", "Average", "Sum"}


class WaitTimeoutError(OpsError):
    """A step did not complete in time."""


@dataclass(frozen=True)
class DeployedAlarm:
    """The STOP alarm as CloudWatch in the standby region holds it."""

    name: str
    region: str
    state: str
    namespace: str
    metric: str
    dimensions: list[dict[str, str]]
    statistic: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: str
    unit: str | None = None

    @property
    def breaching(self) -> float:
        """A value that breaches the threshold (1 for the deployed default `>= 1`)."""
        t = self.threshold
        return {"GreaterThanOrEqualToThreshold": t, "GreaterThanThreshold": t + 1,
                "LessThanThreshold": t - 1, "LessThanOrEqualToThreshold": t}[self.comparison]  # fmt: skip

    @property
    def clearing(self) -> float:
        """A value that does not breach (0 for `>= 1`)."""
        t = self.threshold
        return {"GreaterThanOrEqualToThreshold": 0.0 if t > 0 else t - 1,
                "GreaterThanThreshold": 0.0 if t >= 0 else t, "LessThanThreshold": t,
                "LessThanOrEqualToThreshold": t + 1}[self.comparison]  # fmt: skip

    def breaches(self, value: float) -> bool:
        """Whether `value` is on the alarm side of the threshold."""
        t = self.threshold
        return {"GreaterThanOrEqualToThreshold": value >= t, "GreaterThanThreshold": value > t,
                "LessThanThreshold": value < t, "LessThanOrEqualToThreshold": value <= t}[self.comparison]  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """Structured, camelCase (for --json and the audit log)."""
        return {
            "name": self.name, "region": self.region, "state": self.state, "namespace": self.namespace,
            "metric": self.metric, "dimensions": {d["Name"]: d["Value"] for d in self.dimensions},
            "statistic": self.statistic, "period": self.period, "evaluationPeriods": self.evaluation_periods,
            "datapointsToAlarm": self.datapoints_to_alarm, "threshold": self.threshold,
            "comparisonOperator": self.comparison,
        }  # fmt: skip


def read_alarm(cloudwatch: Any, ctx: PairContext) -> DeployedAlarm:
    """`DescribeAlarms` in the standby region; the one read a failover cannot do without."""
    try:
        found = cloudwatch.describe_alarms(AlarmNames=[ctx.alarm_name]).get("MetricAlarms", [])
    except AWS_ERRORS as err:
        next_step = "the standby region's CloudWatch must answer to fail over; check credentials and retry"
        raise aws_error(err, f"STOP alarm {ctx.alarm_name}", ctx.standby_region, next_step) from None
    if not found:
        raise OpsError(f"STOP alarm {ctx.alarm_name} in {ctx.standby_region}: not found; deploy the secondary stack")
    a = found[0]
    if a.get("Metrics") or not a.get("MetricName"):
        raise OpsError(f"STOP alarm {ctx.alarm_name} in {ctx.standby_region}: watches a metric-math expression; "
                       "redeploy the secondary stack (the STOP alarm watches one metric)")  # fmt: skip
    statistic = a.get("Statistic") or a.get("ExtendedStatistic") or ""
    if a.get("Statistic") and statistic not in _ONE_POINT_STATISTICS:
        raise OpsError(f"STOP alarm {ctx.alarm_name} in {ctx.standby_region}: statistic {statistic} cannot be "
                       "driven by published values; redeploy the secondary stack (it uses Maximum)")  # fmt: skip
    evaluation = int(a.get("EvaluationPeriods") or 1)
    return DeployedAlarm(
        name=a["AlarmName"], region=ctx.standby_region, state=str(a.get("StateValue", "INSUFFICIENT_DATA")),
        namespace=a["Namespace"], metric=a["MetricName"], dimensions=list(a.get("Dimensions") or []),
        statistic=statistic, period=int(a["Period"]), evaluation_periods=evaluation,
        datapoints_to_alarm=int(a.get("DatapointsToAlarm") or evaluation), threshold=float(a["Threshold"]),
        comparison=a["ComparisonOperator"], unit=a.get("Unit"),
    )  # fmt: skip


def declared_alarm(ctx: PairContext) -> DeployedAlarm:
    """The STOP alarm as `pair.yaml` declares it, state `unknown` (for a dry run that cannot read the deployed one)."""
    d = stop_alarm_settings(ctx.pair)
    return DeployedAlarm(
        name=d["name"], region=d["region"], state="unknown", namespace=d["namespace"], metric=d["metric"],
        dimensions=[{"Name": k, "Value": v} for k, v in d["dimensions"].items()], statistic=d["statistic"],
        period=int(d["period"]), evaluation_periods=int(d["evaluationPeriods"]),
        datapoints_to_alarm=int(d["datapointsToAlarm"]), threshold=float(d["threshold"]),
        comparison=d["comparisonOperator"],
    )  # fmt: skip


def disagreements(alarm: DeployedAlarm, ctx: PairContext) -> list[str]:
    """Where the local declaration and the deployed alarm differ (the deployed alarm is followed)."""
    declared = stop_alarm_settings(ctx.pair)
    deployed = alarm.as_dict()
    out = []
    for key in ("namespace", "metric", "dimensions", "statistic", "period", "evaluationPeriods",
                "datapointsToAlarm", "threshold", "comparisonOperator"):  # fmt: skip
        if declared[key] != deployed[key] and not (
            isinstance(declared[key], int | float) and float(declared[key]) == float(deployed[key])
        ):
            out.append(f"pair.yaml declares {key} {declared[key]!r}, the deployed alarm has {deployed[key]!r}")
    if out:
        out.append("following the deployed alarm (Route 53 watches it); redeploy the secondary stack to align")
    return out


def last_value(cloudwatch: Any, alarm: DeployedAlarm, now: datetime | None = None) -> tuple[float, datetime] | None:
    """The watched metric's latest value per period, by the alarm's statistic, in the last hour (or None)."""
    end = now or datetime.now(UTC)
    stat = alarm.statistic if alarm.statistic in _ONE_POINT_STATISTICS else "Maximum"
    points = cloudwatch.get_metric_statistics(
        Namespace=alarm.namespace, MetricName=alarm.metric, Dimensions=alarm.dimensions,
        StartTime=end - timedelta(hours=1), EndTime=end + timedelta(minutes=5), Period=alarm.period,
        Statistics=[stat],
    )["Datapoints"]  # fmt: skip
    if not points:
        return None
    latest = max(points, key=lambda p: p["Timestamp"])
    return float(latest[stat]), latest["Timestamp"]


def publish(cloudwatch: Any, alarm: DeployedAlarm, value: float, when: datetime) -> None:
    """One datapoint of exactly what the alarm watches, in the standby region."""
    datum: dict[str, Any] = {"MetricName": alarm.metric, "Dimensions": alarm.dimensions, "Value": value,
                             "Timestamp": when}  # fmt: skip
    if alarm.unit:
        datum["Unit"] = alarm.unit  # an alarm with a unit ignores data published with another
    cloudwatch.put_metric_data(Namespace=alarm.namespace, MetricData=[datum])


def failback_blockers(cloudwatch: Any, composite_alarm: str, silent_by_design: list[str]) -> list[str]:
    """Member alarms of the primary's composite that are in ALARM for a reason other than silence.

    A failed-over primary sends nothing by design, so its volume alarms fire; they say nothing about whether
    the region can take traffic back. A composite deployed before volume alarms left it may still count them:
    its members are read and those are ignored.
    """
    found = cloudwatch.describe_alarms(AlarmNames=[composite_alarm], AlarmTypes=["CompositeAlarm"])
    composites = [a for a in found.get("CompositeAlarms", []) if a["StateValue"] == "ALARM"]
    if not composites:
        return []
    members = re.findall(r'ALARM\(\s*"?([^")\s]+)"?\s*\)', composites[0].get("AlarmRule", ""))
    if not members:
        return [composite_alarm]
    states = cloudwatch.describe_alarms(AlarmNames=members[:100]).get("MetricAlarms", [])
    firing = [a["AlarmName"] for a in states if a["StateValue"] == "ALARM"]
    return [name for name in firing if name not in silent_by_design] if firing else [composite_alarm]


def find_health_check(route53: Any, ctx: PairContext) -> str | None:
    """The CLOUDWATCH_METRIC health check watching the STOP alarm (Route 53 control plane)."""
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


def health_check_status(route53: Any, health_check_id: str) -> dict[str, Any]:
    """Route 53's checkers' verdict: healthy when more than 18% of them say so (Route 53's own rule)."""
    observations = route53.get_health_check_status(HealthCheckId=health_check_id)["HealthCheckObservations"]
    ok = [o for o in observations if str(o["StatusReport"]["Status"]).startswith("Success")]
    healthy = bool(observations) and len(ok) / len(observations) > 0.18
    return {"id": health_check_id, "healthy": healthy, "checkersHealthy": len(ok), "checkers": len(observations)}


def health_check_healthy(route53: Any, health_check_id: str) -> bool:
    """Healthy when more than 18% of Route 53's checkers say so."""
    return bool(health_check_status(route53, health_check_id)["healthy"])


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
    None when the endpoint cannot be resolved from here (the DNS step is then reported as unavailable).
    """
    if ctx.api_domain is None:
        return None
    try:
        regional = apigateway.get_domain_name(domainName=ctx.api_domain).get("regionalDomainName")
    except AWS_ERRORS:  # no custom domain there (yet), the region is down, or no permission to read it
        return None
    addresses = resolver(regional) if regional else set()
    if not addresses:
        return None
    return lambda answer: bool(addresses & set(answer))


@dataclass
class Clock:
    """Wall time and sleeping, injectable so tests (and `--dry-run`) never wait."""

    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


def wait_until(
    what: str, probe: Callable[[], bool], *, deadline: float, interval: float, clock: Clock
) -> float:
    """Poll `probe` until true; the seconds it took, or `WaitTimeoutError` at the deadline (absolute time).

    The last probe runs with time left for its call (`MIN_CALL_SECONDS`): none starts at the deadline.
    """
    start = clock.now()
    while True:
        if probe():
            return clock.now() - start
        pause = min(interval, deadline - clock.now() - MIN_CALL_SECONDS)
        if pause <= 0:
            raise WaitTimeoutError(f"{what} did not happen within {max(deadline - start, 0):.0f} s")
        clock.sleep(pause)


@dataclass
class Check:
    """One verification step: `ok`, `timed out`, `unavailable` (its API failed) or `skipped`."""

    step: str
    status: str
    detail: str = ""
    seconds: float | None = None


@dataclass
class SwitchReport:
    """What a failover or failback did and what could be verified."""

    direction: str
    outcome: str = ""
    """`done`, `nothing to do`, `dry run`, or `published, routing not verified: <reason>`."""
    alarm: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    published: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False
    checks: list[Check] = field(default_factory=list)
    side_effects: list[Check] = field(default_factory=list)
    """Best-effort extras (muting the primary's volume alarms); never decide the outcome."""
    deadline: dict[str, Any] = field(default_factory=dict)
    """`seconds`, `elapsed`, `reached`: whether the command's deadline cut a step short."""

    @property
    def unknown(self) -> list[dict[str, Any]]:
        """Publishes whose reply was lost, or in flight when the command was interrupted: they may have landed."""
        return [p for p in self.published if p.get("outcome") in ("unknown", "sending")]

    @property
    def confirmed(self) -> bool:
        """The alarm reached the wanted state: what was published (or may have been) did land."""
        return any(c.step == "alarm" and c.status == "ok" for c in self.checks)

    @property
    def landed(self) -> list[dict[str, Any]]:
        """Publishes CloudWatch acknowledged."""
        return [p for p in self.published if p.get("outcome", "published") == "published"]

    @property
    def verified(self) -> bool:
        """Every verification step passed."""
        return all(c.status == "ok" for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        """Structured values for --json and the audit log."""
        return {
            "direction": self.direction, "outcome": self.outcome, "verified": self.verified,
            "cancelledPendingFailover": self.cancelled, "alarm": self.alarm, "warnings": self.warnings,
            "published": self.published, "outcomeUnknown": self.unknown,
            "checks": [c.__dict__ for c in self.checks], "sideEffects": [c.__dict__ for c in self.side_effects],
            "deadline": self.deadline,
        }  # fmt: skip


def volume_alarm_names(ctx: PairContext) -> list[str]:
    """The primary's traffic-volume alarms: silent by design while the pair is failed over."""
    return [s.name(ctx.pair, Role.PRIMARY) for s in plan_alarms(ctx.pair, Role.PRIMARY) if s.signal == "volume"]


def _period_start(t: float, period: int) -> float:
    return math.floor(t / period) * period


def _cancel_wait(now: float, pending_since: float, period: int) -> float:
    """Seconds until the period after the one holding the pending breaching value (0 when already there)."""
    if _period_start(now, period) > _period_start(pending_since, period):
        return 0.0
    return _period_start(pending_since, period) + period - now + 1


def switch(
    clients: Any,
    ctx: PairContext,
    *,
    to_standby: bool,
    timeout: float = 600,
    interval: float = 5,
    dry_run: bool = False,
    health_check_id: str | None = None,
    expected_dns: Callable[[list[str]], bool] | None = None,
    clock: Clock | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    deadline: Deadline | None = None,
    report: SwitchReport | None = None,
    expected_dns_factory: Callable[[], Callable[[list[str]], bool] | None] | None = None,
) -> SwitchReport:
    """Fail over (`to_standby`) or back; idempotent; see the module docstring for what is published and why.

    Raises `OpsError` only when nothing was published (the standby region's CloudWatch did not answer, the
    alarm is missing, the timeout cannot cover the alarm's window). After a publish, or a publish whose outcome
    is unknown, it always returns a report. `deadline`: the command's (default: the active one, else `timeout`
    from now); `report`: filled in as the command goes, so a caller holds what was done if it is interrupted.
    `expected_dns_factory`: builds `expected_dns` when the DNS step comes (after the publish: looking up the
    target's endpoint must not delay the switch in a slow region).
    """
    clock = clock or Clock()
    limit = deadline or current() or Deadline(timeout, now=clock.now)
    if expected_dns is None and expected_dns_factory is not None:
        factory = expected_dns_factory
        found: dict[str, Any] = {}

        def expected_dns(answer: list[str]) -> bool:  # resolved once, at the DNS step
            if "check" not in found:
                found["check"] = factory()
            return bool(found["check"] and found["check"](answer))

        expected_dns.lazy = factory  # type: ignore[attr-defined]
    with limit.active():
        return _switch(clients, ctx, to_standby, limit, interval, dry_run, health_check_id, expected_dns, clock,
                       progress, report or SwitchReport("failover" if to_standby else "failback"))  # fmt: skip


def _switch(
    clients: Any, ctx: PairContext, to_standby: bool, limit: Deadline, interval: float, dry_run: bool,
    health_check_id: str | None, expected_dns: Callable[[list[str]], bool] | None, clock: Clock,
    progress: Callable[[str], None], report: SwitchReport,
) -> SwitchReport:  # fmt: skip
    timeout = limit.remaining()
    deadline = clock.now() + timeout
    cw = clients.get("cloudwatch", ctx.standby_region)
    report.deadline = {"seconds": limit.seconds, "elapsed": round(limit.elapsed(), 1), "reached": False}
    try:
        alarm = read_alarm(cw, ctx)
        report.alarm, report.warnings = alarm.as_dict(), disagreements(alarm, ctx)
    except OpsError as err:
        if not dry_run:
            raise
        # A dry run says what it would do even when it cannot reach the standby (offline, no credentials): from
        # the declaration, and says so; a real run always follows the deployed alarm.
        alarm = declared_alarm(ctx)
        report.alarm = {**alarm.as_dict(), "source": "pair.yaml (the deployed alarm could not be read)"}
        report.warnings = [f"the deployed alarm could not be read ({err}); showing what pair.yaml declares: a real "
                           "run follows the deployed alarm"]  # fmt: skip
    for w in report.warnings:
        progress(f"warning: {w}")
    wanted = "ALARM" if to_standby else "OK"
    value = alarm.breaching if to_standby else alarm.clearing
    # ALARM needs M breaching periods of N; OK needs fewer than M, i.e. N - M + 1 clearing ones (1 when M = N).
    needed = alarm.datapoints_to_alarm if to_standby else alarm.evaluation_periods - alarm.datapoints_to_alarm + 1
    pending_since: float | None = None
    if not to_standby and alarm.state != "unknown":
        try:
            last = last_value(cw, alarm, datetime.fromtimestamp(clock.now(), UTC))
        except AWS_ERRORS as err:
            raise aws_error(err, f"metric {alarm.namespace}/{alarm.metric}", alarm.region,
                            "cannot tell whether a failover is pending; retry") from None  # fmt: skip
        if last is not None and alarm.breaches(last[0]) and alarm.state != "ALARM":
            report.cancelled = True
            pending_since = last[1].timestamp()
    publish_needed = alarm.state != wanted or report.cancelled
    if not publish_needed:
        progress(f"alarm {alarm.name} already {alarm.state}: nothing to publish")
    elif (needed - 1) * alarm.period > timeout:
        raise OpsError(f"STOP alarm {alarm.name} in {alarm.region}: needs {needed} datapoints one period "
                       f"({alarm.period} s) apart, {(needed - 1) * alarm.period} s, longer than --timeout "
                       f"{timeout:.0f}; raise --timeout")  # fmt: skip
    elif pending_since is not None and not dry_run:
        wait = _cancel_wait(clock.now(), pending_since, alarm.period)
        if wait + (needed - 1) * alarm.period > timeout:
            raise OpsError(f"STOP alarm {alarm.name} in {alarm.region}: cancelling the pending failover needs the "
                           f"period after the pending 1, {wait:.0f} s from now, past --timeout {timeout:.0f}; "
                           f"nothing was published; raise --timeout to at least {wait + 5:.0f}")  # fmt: skip
    if dry_run:
        if publish_needed:
            spacing = f", one every {alarm.period} s" if needed > 1 else ""
            what = "cancel the pending failover: " if report.cancelled else ""
            progress(f"would {what}publish {alarm.namespace}/{alarm.metric}={value:g} x{needed}{spacing} "
                     f"in {alarm.region}")  # fmt: skip
            report.published = [{"value": value, "count": needed, "dryRun": True}]
        report.outcome = "dry run"
        return report
    if publish_needed:
        _publish_window(cw, alarm, value, needed, to_standby, pending_since, report, clock, progress, deadline)
    _verify(clients, ctx, alarm, to_standby, wanted, deadline, interval, health_check_id, expected_dns, report,
            clock, progress)  # fmt: skip
    _volume_alarms(clients, ctx, mute=to_standby, report=report)
    report.deadline.update(elapsed=round(limit.elapsed(), 1), reached=limit.expired or any(
        c.status in ("timed out", "not attempted") for c in report.checks + report.side_effects))  # fmt: skip
    report.outcome = switch_outcome(report)
    return report


def switch_outcome(report: SwitchReport) -> str:
    """One line: done, nothing to do, or what was published (or may have been) and what was not verified."""
    if report.verified:
        return "done" if report.published else "nothing to do"
    bad = next(c for c in report.checks if c.status != "ok")
    why = f"{bad.step} {bad.status}" + (f" ({bad.detail})" if bad.detail else "")
    if report.landed:
        return f"published, routing not verified: {why}"
    if report.unknown and report.confirmed:
        return (f"published (the alarm confirms it; {len(report.unknown)} reply(s) lost), routing not verified: "
                f"{why}")  # fmt: skip
    if report.unknown:
        return (f"outcome unknown: {len(report.unknown)} datapoint(s) may have been published (reply lost); rerun "
                f"or check the alarm; routing not verified: {why}")  # fmt: skip
    return f"nothing published, routing not verified: {why}"


def _publish_window(
    cw: Any, alarm: DeployedAlarm, value: float, needed: int, to_standby: bool, pending_since: float | None,
    report: SwitchReport, clock: Clock, progress: Callable[[str], None], deadline: float,
) -> None:  # fmt: skip
    """Publish `needed` datapoints, each in its own period; a cancel goes into the period after the last 1.

    Every publish is recorded with its outcome (`published` or `unknown`); a definite failure before anything
    can have landed raises (nothing was published), after that it is recorded and the window stops.
    """

    def wait_for(seconds: float, what: str) -> bool:
        if clock.now() + seconds > deadline:
            report.checks.append(Check("publish", "timed out", f"{what}: the next period starts after the "
                                       "command's deadline; raise --timeout"))  # fmt: skip
            return False
        clock.sleep(seconds)
        return True

    wait = _cancel_wait(clock.now(), pending_since, alarm.period) if pending_since is not None else 0.0
    if wait > 0:
        progress(f"cancelling: waiting {wait:.0f} s for the period after the pending 1 (its Maximum stays 1)")
        if not wait_for(wait, "cancel not published"):
            return
    for i in range(needed):
        if i > 0:
            wait = _period_start(clock.now(), alarm.period) + alarm.period - clock.now() + 1
            progress(f"datapoint {i + 1} of {needed}: waiting {wait:.0f} s for the next period")
            if not wait_for(wait, f"datapoint {i + 1} of {needed} not published"):
                return
            try:
                state = read_alarm(cw, _CtxView(alarm)).state
                if pending_since is None and state == ("ALARM" if to_standby else "OK"):
                    progress(f"the alarm is already {state}: no more datapoints needed")
                    break
            except OpsError:
                pass  # cannot read it now: keep publishing, the window decides
        when = datetime.fromtimestamp(clock.now(), UTC)
        # Recorded before it is sent ("sending"): interrupted mid-call, the report still says it may have landed.
        entry: dict[str, Any] = {"value": value, "timestamp": when.isoformat(timespec="seconds"), "outcome": "sending"}
        report.published.append(entry)
        try:
            publish(cw, alarm, value, when)
        except AWS_ERRORS as err:
            if outcome_unknown(err):  # the request was sent: CloudWatch may have the datapoint, never say it has not
                entry.update(outcome="unknown", detail=f"may have been published: {reason(err)}")
                progress(f"datapoint {i + 1} of {needed}: reply lost, it may have been published ({reason(err)})")
                continue
            report.published.remove(entry)  # refused before it was sent: it did not land
            if not report.published:
                raise aws_error(err, f"metric {alarm.namespace}/{alarm.metric}", alarm.region,
                                "nothing was published; retry the command") from None  # fmt: skip
            status = "not attempted" if isinstance(err, DeadlineExceededError) else "unavailable"
            report.checks.append(Check("publish", status, f"datapoint {i + 1} of {needed}: {reason(err)}"))
            return
        entry["outcome"] = "published"
        progress(f"published {alarm.metric}={value:g} in {alarm.region} ({i + 1} of {needed})")


@dataclass(frozen=True)
class _CtxView:
    """The two names `read_alarm` needs, taken from a deployed alarm instead of the declaration."""

    alarm: DeployedAlarm

    @property
    def alarm_name(self) -> str:
        return self.alarm.name

    @property
    def standby_region(self) -> str:
        return self.alarm.region


def _verify(
    clients: Any, ctx: PairContext, alarm: DeployedAlarm, to_standby: bool, wanted: str, deadline: float,
    interval: float, health_check_id: str | None, expected_dns: Callable[[list[str]], bool] | None,
    report: SwitchReport, clock: Clock, progress: Callable[[str], None],
) -> None:  # fmt: skip
    """Alarm, then health check, then DNS; each step's failure is recorded and stops the later ones."""
    cw = clients.get("cloudwatch", ctx.standby_region)

    def step(name: str, what: str, probe: Callable[[], bool], detail: str) -> bool:
        progress(f"waiting for {what}")
        try:
            seconds = wait_until(what, probe, deadline=deadline, interval=interval, clock=clock)
        except WaitTimeoutError as err:
            report.checks.append(Check(name, "timed out", str(err)))
            return False
        except DeadlineExceededError as err:
            report.checks.append(Check(name, "timed out", reason(err)))
            return False
        except (OpsError, *AWS_ERRORS) as err:
            report.checks.append(Check(name, "unavailable", reason(err)))
            return False
        report.checks.append(Check(name, "ok", detail, round(seconds, 1)))
        return True

    if not step("alarm", f"alarm {alarm.name} -> {wanted}",
                lambda: read_alarm(cw, _CtxView(alarm)).state == wanted, wanted):  # fmt: skip
        report.checks.append(Check("health check", "skipped", f"the alarm is not {wanted}"))
        return
    route53 = clients.get("route53")
    try:
        hc = health_check_id or find_health_check(route53, ctx)
    except AWS_ERRORS as err:
        status = "timed out" if isinstance(err, DeadlineExceededError) else "unavailable"
        report.checks.append(Check("health check", status, f"ListHealthChecks: {reason(err)}"))
        return
    if hc is None:
        report.checks.append(Check("health check", "unavailable", "no CLOUDWATCH_METRIC health check on the alarm"))
        return
    target = "unhealthy" if to_standby else "healthy"
    if not step("health check", f"health check {hc} -> {target}",
                lambda: health_check_healthy(route53, hc) != to_standby, target):  # fmt: skip
        return
    if ctx.api_domain is None:
        report.checks.append(Check("dns", "skipped", "no api declared"))
        return
    lazy = getattr(expected_dns, "lazy", None)
    if lazy is not None:
        try:
            expected_dns = lazy()
        except (OpsError, *AWS_ERRORS):
            expected_dns = None
    if expected_dns is None:
        report.checks.append(Check("dns", "unavailable", "the target region's API endpoint does not resolve here"))
        return
    side = "standby" if to_standby else "primary"
    step("dns", f"{ctx.api_domain} answering with the {side}", lambda: expected_dns(dns_answer(route53, ctx)), side)


def _volume_alarms(clients: Any, ctx: PairContext, *, mute: bool, report: SwitchReport) -> None:
    """Mute the primary's volume alarms while it is not meant to take traffic; unmute on failback."""
    names = volume_alarm_names(ctx)
    if not names:
        return
    cw = clients.get("cloudwatch", ctx.primary_region)
    try:
        if mute:
            cw.disable_alarm_actions(AlarmNames=names)
        else:
            cw.enable_alarm_actions(AlarmNames=names)
    except AWS_ERRORS as err:
        what = "mute" if mute else "unmute"
        status = "not attempted" if isinstance(err, DeadlineExceededError) and err.previous is None else "unavailable"
        report.side_effects.append(Check(f"{what} volume alarms", status,
                                         f"{', '.join(names)} in {ctx.primary_region}: {reason(err)}"))  # fmt: skip
        return
    report.side_effects.append(Check("mute volume alarms" if mute else "unmute volume alarms", "ok", ", ".join(names)))


def alarm_state(cloudwatch: Any, ctx: PairContext) -> str:
    """The STOP alarm's state (OK, ALARM, INSUFFICIENT_DATA)."""
    return read_alarm(cloudwatch, ctx).state

