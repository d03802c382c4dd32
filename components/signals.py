"""Alarms that say 'fail over' in this half's region, a composite alarm over them and an SNS topic.

The Pinpoint and SES guide lists when to fail over (API faults, delivery problems, lack of events) and when not to (an
ISP's delivery delays show in both regions). Each alarm's description carries its meaning and a runbook line, so the
page an operator receives says what to do. Alarms that mean "this region is unhealthy for us" feed one composite alarm
per region (the ops CLI's `status` reads it by its deterministic name); alarms that call for another action first (SMS
carrier trouble, reputation, replication lag) notify but stay out of the composite.

Notifications go to an SNS topic in each region: the disaster-tolerance article warns that Route 53 health-check metrics
and their notifications live only in us-east-1, which is exactly the region that may be down.

`plan_alarms` is pure: the component builds from it and the policy pack checks a stack against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.api import RegionalApi
from regionpair.components.declaration import Pair
from regionpair.components.signals_model import Signals
from regionpair.components.signals_plan import (  # noqa: F401  (re-exported: their home before signals_plan)
    _COMPARISONS,
    COMPOSITE_SUFFIX,
    CONFIGURATION_SET_DIMENSION,
    TOPIC_SUFFIX,
    AlarmSpec,
    ApiNames,
    Query,
    api_names,
    composite_alarm_name,
    composite_rule,
    plan_alarms,
    s3_replication_rule_id,
    signals_of,
    topic_name,
)


@dataclass
class FailoverSignalsArgs:
    """Inputs of `FailoverSignals`."""

    pair: Pair
    """The validated declaration; alarms are built in `pair.this.region`."""
    api: RegionalApi | None = None
    """The regional API, whose outputs name the metrics' dimensions (declared names when absent)."""


class FailoverSignals(pulumi.ComponentResource):
    """Alarms that say 'fail over' in this half's region, a composite alarm and an SNS topic."""

    manifest: dict[str, Any]
    """{"topicArn", "composite": {"name", "region"} | None, "alarms": [{"name", "signal", "metric",
    "namespace", "threshold", "region", "inComposite"}]}."""

    def __init__(self, name: str, args: FailoverSignalsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:signals:FailoverSignals", name, None, opts)
        pair = args.pair
        role = pair.this_role
        region = pair.this.region
        sig = signals_of(pair) or Signals()
        tags = dict(pair.shared.tags)
        child = pulumi.ResourceOptions(parent=self)

        topic = aws.sns.Topic(f"{name}-topic", name=topic_name(pair, role), region=region, tags=tags, opts=child)
        for i, address in enumerate(sig.notify_emails):
            aws.sns.TopicSubscription(
                f"{name}-notify-{i}", topic=topic.arn, protocol="email", endpoint=address, region=region, opts=child
            )

        plan = plan_alarms(pair, role, api_names(pair, role, args.api))
        alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        for spec in plan:
            # Members of the composite stay silent: the composite pages once for the region.
            actions = [] if spec.in_composite else [topic.arn]
            alarms[spec.key] = aws.cloudwatch.MetricAlarm(
                f"{name}-{spec.key}",
                name=spec.name(pair, role),
                region=region,
                alarm_description=spec.description,
                comparison_operator=spec.comparison_operator,
                threshold=spec.threshold,
                evaluation_periods=spec.window.evaluation_periods,
                datapoints_to_alarm=spec.window.datapoints_to_alarm,
                treat_missing_data=spec.treat_missing_data,
                **_metric_args(spec),
                alarm_actions=actions,
                ok_actions=actions,
                tags=tags,
                # The CLI mutes volume alarms during a failover; a `pulumi up` then must not unmute them.
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(ignore_changes=["actionsEnabled"]))
                if spec.signal == "volume"
                else child,
            )

        composite = None
        members = [alarms[s.key] for s in plan if s.in_composite]
        if members:
            composite = aws.cloudwatch.CompositeAlarm(
                f"{name}-composite",
                alarm_name=composite_alarm_name(pair, role),
                region=region,
                alarm_description=(
                    f"{region} is unhealthy for {pair.shared.name}: one of its region-level failover signals is "
                    "in ALARM. RUNBOOK: read the member alarm's runbook, compare with the peer region's "
                    "composite, then `regionpair failover` if the peer is OK (docs/signals-and-cdn.md)."
                ),
                alarm_rule=pulumi.Output.all(*[a.name for a in members]).apply(composite_rule),
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
                actions_enabled=True,
                tags=tags,
                opts=child,
            )

        self.topic = topic
        self.alarms = alarms
        self.composite = composite
        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "topicArn": topic.arn,
                "composite": {"name": composite.alarm_name, "region": region} if composite else None,
                "alarms": [
                    {
                        "name": alarms[s.key].name,
                        "signal": s.signal,
                        "metric": s.metric,
                        "namespace": s.namespace,
                        "threshold": s.threshold,
                        "region": region,
                        "inComposite": s.in_composite,
                    }
                    for s in plan
                ],
            }
        )
        self.register_outputs({"manifest": self.manifest})


def _metric_args(spec: AlarmSpec) -> dict[str, Any]:
    """MetricAlarm keyword arguments for a plain metric or a metric-math expression."""
    period = spec.window.period_seconds
    if spec.expression is None:
        return {
            "namespace": spec.namespace,
            "metric_name": spec.metric,
            "period": period,
            "statistic": spec.statistic,
            "extended_statistic": spec.extended_statistic,
            "dimensions": spec.dimensions or None,
        }
    queries = [
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=q.id,
            return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=spec.namespace,
                metric_name=q.metric,
                period=period,
                stat=q.stat,
                dimensions=spec.dimensions or None,
            ),
        )
        for q in spec.queries
    ]
    queries.append(
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id="signal", expression=spec.expression, label=spec.key, return_data=True
        )
    )
    return {"metric_queries": queries}
