"""Every failover alarm a region gets, computed from the declaration alone (no pulumi_aws).

`plan_alarms` is pure: `components/signals.py` builds the alarms from it, the policy pack checks a stack against
it and the CLI reads the alarms by the names it gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from regionpair.components import constraints
from regionpair.components.declaration import EndpointType, Pair, Role, Strategy
from regionpair.components.signals_model import AlarmWindow, Signals

CONFIGURATION_SET_DIMENSION = "ses:configuration-set"
"""SES auto-tag naming the configuration set; as a CloudWatch dimension it splits SES metrics per set."""
COMPOSITE_SUFFIX = "region-unhealthy"
TOPIC_SUFFIX = "signals"


def signals_of(pair: Pair) -> Signals | None:
    """The typed `signals:` section (validated with the declaration)."""
    return pair.shared.signals


def composite_alarm_name(pair: Pair, role: Role) -> str:
    """Name of the composite alarm of `role`'s region: what `regionpair status` reads."""
    return pair.physical_name(COMPOSITE_SUFFIX, role, limit=constraints.ALARM_NAME_MAX)


def topic_name(pair: Pair, role: Role) -> str:
    """Name of the SNS topic that receives `role`'s region's alarm notifications."""
    return pair.physical_name(TOPIC_SUFFIX, role, limit=constraints.SNS_TOPIC_MAX)


def s3_replication_rule_id(destination: Role) -> str:
    """The rule id `components/bucket.py` gives each direction: S3 replication metrics carry it as `RuleId`."""
    return f"to-{destination.value}"


@dataclass(frozen=True)
class ApiNames:
    """Dimension values of the regional API's metrics."""

    api_name: pulumi.Input[str]
    stage: pulumi.Input[str]
    function_name: pulumi.Input[str]


def api_names(pair: Pair, role: Role, api: Any = None) -> ApiNames | None:
    """The API's metric dimensions: a `RegionalApi`'s names when given, else the same deterministic names."""
    decl = pair.shared.api
    if decl is None:
        return None
    if api is not None:
        return ApiNames(api_name=api.api_name, stage=api.stage_name, function_name=api.function_name)
    return ApiNames(
        api_name=pair.physical_name("api"), stage=decl.stage_name, function_name=pair.physical_name("api", role)
    )


@dataclass(frozen=True)
class Query:
    """One metric of a metric-math alarm."""

    id: str
    metric: str
    stat: str


_COMPARISONS = {
    ">=": "GreaterThanOrEqualToThreshold",
    ">": "GreaterThanThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}


@dataclass(frozen=True, kw_only=True)
class AlarmSpec:
    """One planned alarm: enough to create it and to check a stack has it."""

    key: str
    """Short stable id, also the alarm name's suffix (`<pair>-<key>-<region>`)."""
    signal: str
    """Declaration group it comes from: api, email, sms, volume, replication."""
    namespace: str
    metric: str
    """Metric name (for metric math: the expression's main metric)."""
    threshold: float
    comparison: str
    """`>=`, `>`, `<` or `<=`; `comparison_operator` gives CloudWatch's word."""
    window: AlarmWindow
    meaning: str
    runbook: str
    in_composite: bool
    treat_missing_data: str = "notBreaching"
    statistic: str | None = "Sum"
    extended_statistic: str | None = None
    dimensions: dict[str, Any] = field(default_factory=dict)
    expression: str | None = None
    """Metric math over `queries`; the alarm then watches the expression instead of `metric`."""
    queries: tuple[Query, ...] = ()

    @property
    def comparison_operator(self) -> str:
        """CloudWatch's ComparisonOperator value."""
        return _COMPARISONS[self.comparison]

    def name(self, pair: Pair, role: Role) -> str:
        """Deterministic alarm name in `role`'s region (CloudWatch allows 255 characters)."""
        return pair.physical_name(self.key, role, limit=constraints.ALARM_NAME_MAX)

    @property
    def description(self) -> str:
        """Meaning and runbook, as the notification shows them."""
        text = f"{self.meaning} RUNBOOK: {self.runbook}"
        return text[:1024]  # CloudWatch's limit for AlarmDescription


def plan_alarms(pair: Pair, role: Role, api: ApiNames | None = None) -> list[AlarmSpec]:
    """Every alarm `role`'s region gets from the declaration (empty without a `signals:` section)."""
    sig = signals_of(pair)
    if sig is None:
        return []
    s = pair.shared
    peer_region = pair.half(role.peer).region
    api = api or api_names(pair, role)
    plan: list[AlarmSpec] = []

    if s.api and sig.api.enabled and not s.api.builds:
        plan += _existing_endpoint_alarms(pair, role)  # api.endpoints: existing (docs/configuration.md)
    elif s.api and sig.api.enabled and api is not None:
        w = sig.api
        api_dims = {"ApiName": api.api_name, "Stage": api.stage}
        fn_dims = {"FunctionName": api.function_name}
        plan += [
            AlarmSpec(
                key="api-5xx", signal="api", namespace="AWS/ApiGateway", metric="5XXError",
                statistic="Average", dimensions=api_dims,  # the average of 0/1 per request is the error rate
                threshold=w.error_rate_percent / 100, comparison=">=", window=w, in_composite=True,
                meaning=f"The regional API answers 5xx to {w.error_rate_percent}% or more of requests.",
                runbook="Check the function's errors and the app-state item; if the peer region's API is "
                "healthy, fail over (regionpair failover).",
            ),
            AlarmSpec(
                key="api-latency", signal="api", namespace="AWS/ApiGateway", metric="Latency",
                statistic=None, extended_statistic="p99", dimensions=api_dims,
                threshold=w.latency_p99_ms, comparison=">", window=w, in_composite=True,
                meaning=f"p99 latency of the regional API is above {w.latency_p99_ms} ms.",
                runbook="Look for throttling or a slow dependency in this region; fail over if the peer is fast.",
            ),
            AlarmSpec(
                key="lambda-errors", signal="api", namespace="AWS/Lambda", metric="Errors", dimensions=fn_dims,
                threshold=w.lambda_errors, comparison=">=", window=w, in_composite=True,
                meaning=f"The API's function raised {w.lambda_errors} or more errors per period.",
                runbook="Read the function's logs: a bad deploy fails in both regions (roll back, do not fail "
                "over); a regional dependency failing is a reason to fail over.",
            ),
            AlarmSpec(
                key="lambda-throttles", signal="api", namespace="AWS/Lambda", metric="Throttles", dimensions=fn_dims,
                threshold=w.lambda_throttles, comparison=">=", window=w, in_composite=True,
                meaning="The API's function is throttled: concurrency is exhausted in this region.",
                runbook="Raise reserved concurrency or the account quota here; fail over if the peer has room.",
            ),
        ]  # fmt: skip

    if s.email and sig.email.enabled:
        w = sig.email
        plan.append(
            AlarmSpec(
                key="ses-reject-rate", signal="email", namespace="AWS/SES", metric="Reject", statistic=None,
                expression="IF(sends > 0, 100 * rejects / sends, 0)",
                queries=(Query("rejects", "Reject", "Sum"), Query("sends", "Send", "Sum")),
                threshold=w.reject_rate_percent, comparison=">=", window=w, in_composite=True,
                meaning=f"SES rejects {w.reject_rate_percent}% or more of sends in this region (send errors).",
                runbook="Check the account's sending status here (paused? quota?); if SES here refuses mail the "
                "peer accepts, fail over sending.",
            )
        )  # fmt: skip
        plan += [
            AlarmSpec(
                key=f"ses-{kind}-rate", signal="email", namespace="AWS/SES", metric=f"Reputation.{metric}",
                statistic="Average", threshold=pct / 100, comparison=">=", window=w, in_composite=False,
                meaning=f"The account's {kind} rate in this region is {pct}% or more (SES reviews at {review}).",
                runbook=f"Fix the list or the content first: failing over moves the same {kind}s to the peer "
                "region and looks like evasion.",
            )
            for kind, metric, pct, review in (
                ("bounce", "BounceRate", w.bounce_rate_percent, "5%"),
                ("complaint", "ComplaintRate", w.complaint_rate_percent, "0.1%"),
            )
        ]  # fmt: skip
        delaying = (c.name for c in s.email.configuration_sets if "DELIVERY_DELAY" in c.events)
        config_set = w.delivery_delay_configuration_set or next(delaying, None)
        if config_set is not None:
            plan.append(
                AlarmSpec(
                    key="ses-delivery-delay", signal="email", namespace="AWS/SES", metric="DeliveryDelay",
                    dimensions={CONFIGURATION_SET_DIMENSION: pair.physical_name(config_set)},
                    threshold=w.delivery_delays, comparison=">=", window=w, in_composite=False,
                    meaning=f"{w.delivery_delays} or more messages per period are delayed on their way to "
                    "recipients.",
                    runbook="Do not fail over for an ISP outage: it shows in both regions. Compare with the peer "
                    "region's delays; act only if this region alone is delayed.",
                )
            )  # fmt: skip

    if s.sms and sig.sms.enabled:
        w = sig.sms
        # AWS/SMSVoice has no per-number dimension: the finest split AWS publishes is the destination country.
        plan += [
            AlarmSpec(
                key=f"sms-delivery-failure-{country.lower()}", signal="sms", namespace="AWS/SMSVoice",
                metric="NumberOfTextMessagePartsDelivered", statistic=None, dimensions={"IsoCountryCode": country},
                expression="IF(sent > 0, 100 * (1 - delivered / sent), 0)",
                queries=(
                    Query("delivered", "NumberOfTextMessagePartsDelivered", "Sum"),
                    Query("sent", "NumberOfTextMessagePartsSent", "Sum"),
                ),
                threshold=w.delivery_failure_percent, comparison=">=", window=w, in_composite=False,
                meaning=f"{w.delivery_failure_percent}% or more of SMS parts sent to {country} are not delivered.",
                runbook="A carrier problem: switch the origination number or pool first (at least two numbers "
                "per country, the SES guide); fail over to the peer region second, if its numbers deliver.",
            )
            for country in sorted(s.sms.countries)
        ]  # fmt: skip

    # A region that does not take traffic (the warm standby) is silent by design: no volume floor there.
    # Volume alarms stay out of the composite: silence is not evidence that a region is unhealthy (a failed-over
    # primary sends nothing by design, and the failback guard reads the composite). They notify on their own,
    # and `regionpair failover` mutes their actions while the primary is not meant to take traffic
    # (`failback` unmutes them); `actions_enabled` is left to the operator after creation for that reason.
    takes_traffic = s.strategy is Strategy.ACTIVE_ACTIVE or role is Role.PRIMARY
    if sig.volume.enabled and takes_traffic:
        w = sig.volume
        if s.email:
            plan.append(
                AlarmSpec(
                    key="ses-volume", signal="volume", namespace="AWS/SES", metric="Send",
                    treat_missing_data="breaching", threshold=w.minimum_emails_sent, comparison="<", window=w,
                    in_composite=False,
                    meaning=f"Fewer than {w.minimum_emails_sent} emails sent per period, or no data at all "
                    "(the Pinpoint and SES multi-region guide: a lack of events is a signal).",
                    runbook="Check the senders and the SES endpoint in this region; silence with queued work "
                    "means this region cannot send: fail over. Muted by `regionpair failover` while the pair is "
                    "failed over; a quiet period longer than the window pages too: widen the window to your "
                    "quietest normal gap.",
                )
            )  # fmt: skip
        if s.sms and w.include_sms:
            plan.append(
                AlarmSpec(
                    key="sms-volume", signal="volume", namespace="AWS/SMSVoice",
                    metric="NumberOfTextMessagePartsSent", treat_missing_data="breaching",
                    threshold=w.minimum_sms_parts_sent, comparison="<", window=w, in_composite=False,
                    meaning=f"Fewer than {w.minimum_sms_parts_sent} SMS parts sent per period, or no data at all.",
                    runbook="Check the senders and End User Messaging in this region; fail over if it cannot send.",
                )
            )  # fmt: skip

    if sig.replication.enabled:
        w = sig.replication
        for b in s.buckets:
            sources_here = role is Role.PRIMARY or b.reverse_replication
            if not (b.replication_time_control and sources_here):
                continue  # alarms for RTC rules only (a bound to alarm on); metrics are on every rule (measure.py)
            dims = {
                "SourceBucket": pair.bucket_name(b, role),
                "DestinationBucket": pair.bucket_name(b, role.peer),
                "RuleId": s3_replication_rule_id(role.peer),
            }
            plan += [
                AlarmSpec(
                    key=f"s3-{b.name}-{key}", signal="replication", namespace="AWS/S3", metric=metric,
                    statistic="Maximum", dimensions=dims, threshold=threshold, comparison=">", window=w,
                    in_composite=False,
                    meaning=f"Replication of bucket {b.name} to {peer_region}: {what} above {threshold}.",
                    runbook="The RPO is at risk: failing over now loses the pending objects. Check the "
                    "replication role and the peer bucket; decide with the lag in hand.",
                )
                for key, metric, threshold, what in (
                    ("replication-latency", "ReplicationLatency", w.s3_latency_seconds, "latency (s)"),
                    ("pending", "OperationsPendingReplication", w.s3_operations_pending, "pending operations"),
                )
            ]  # fmt: skip
        tables = [t.name for t in s.tables] + ([s.app_state.table] if s.app_state else [])
        plan += [
            AlarmSpec(
                key=f"ddb-{t}-replication-latency", signal="replication", namespace="AWS/DynamoDB",
                metric="ReplicationLatency", statistic="Average",
                dimensions={"TableName": pair.physical_name(t), "ReceivingRegion": peer_region},
                threshold=w.dynamodb_latency_ms, comparison=">", window=w, in_composite=False,
                meaning=f"Global table {t} replicates to {peer_region} more slowly than {w.dynamodb_latency_ms} ms.",
                runbook="Writes in this region are not yet in the peer: failing over now loses them. Watch the "
                "lag fall before failing over if this region still answers.",
            )
            for t in tables
        ]  # fmt: skip
    return plan


def _existing_endpoint_alarms(pair: Pair, role: Role) -> list[AlarmSpec]:
    """The error-rate and p99-latency alarms of an existing endpoint, from the metrics its kind publishes.

    Same keys (and so names) as the pair's own API's alarms; no Lambda alarms (the function behind it, if any, is
    yours). REST APIs: AWS/ApiGateway 5XXError, Latency by ApiName and Stage; HTTP APIs: 5xx, Latency by ApiId
    and Stage; ALBs: AWS/ApplicationELB 5XX responses (the balancer's and the targets') over RequestCount, and
    TargetResponseTime (seconds) by LoadBalancer (API Gateway and Elastic Load Balancing CloudWatch metrics docs).
    """
    endpoint = pair.half(role).endpoint
    sig = signals_of(pair)
    if endpoint is None or sig is None:
        return []
    w = sig.api
    rate = w.error_rate_percent / 100
    meaning_5xx = f"The region's existing endpoint answers 5xx to {w.error_rate_percent}% or more of requests."
    runbook_5xx = ("Check the endpoint's own logs and targets; if the peer region's endpoint is healthy, fail over "
                   "(regionpair failover).")  # fmt: skip
    meaning_p99 = f"p99 latency of the region's existing endpoint is above {w.latency_p99_ms} ms."
    runbook_p99 = "Look for throttling or a slow dependency in this region; fail over if the peer is fast."
    if endpoint.type is EndpointType.ALB:
        dims = {"LoadBalancer": endpoint.load_balancer}
        return [
            AlarmSpec(
                key="api-5xx", signal="api", namespace="AWS/ApplicationELB", metric="HTTPCode_Target_5XX_Count",
                statistic=None, dimensions=dims, expression="IF(requests > 0, (elb + targets) / requests, 0)",
                queries=(Query("elb", "HTTPCode_ELB_5XX_Count", "Sum"),
                         Query("targets", "HTTPCode_Target_5XX_Count", "Sum"),
                         Query("requests", "RequestCount", "Sum")),
                threshold=rate, comparison=">=", window=w, in_composite=True, meaning=meaning_5xx, runbook=runbook_5xx,
            ),
            AlarmSpec(
                key="api-latency", signal="api", namespace="AWS/ApplicationELB", metric="TargetResponseTime",
                statistic=None, extended_statistic="p99", dimensions=dims, threshold=w.latency_p99_ms / 1000,
                comparison=">", window=w, in_composite=True, meaning=meaning_p99, runbook=runbook_p99,
            ),
        ]  # fmt: skip
    if endpoint.type is EndpointType.HTTP_API:
        dims, errors = {"ApiId": endpoint.api_id, "Stage": endpoint.metric_stage}, "5xx"
    else:
        dims, errors = {"ApiName": endpoint.api_name, "Stage": endpoint.metric_stage}, "5XXError"
    return [
        AlarmSpec(
            key="api-5xx", signal="api", namespace="AWS/ApiGateway", metric=errors, statistic="Average",
            dimensions=dims, threshold=rate, comparison=">=", window=w, in_composite=True, meaning=meaning_5xx,
            runbook=runbook_5xx,
        ),
        AlarmSpec(
            key="api-latency", signal="api", namespace="AWS/ApiGateway", metric="Latency", statistic=None,
            extended_statistic="p99", dimensions=dims, threshold=w.latency_p99_ms, comparison=">", window=w,
            in_composite=True, meaning=meaning_p99, runbook=runbook_p99,
        ),
    ]  # fmt: skip


def composite_rule(names: list[str]) -> str:
    """The composite's rule: any region-level alarm in ALARM makes the region unhealthy for us."""
    return " OR ".join(f'ALARM("{n}")' for n in names)
