"""Failover signals of the example pair, as both stacks register them under Pulumi's mock runtime."""

from __future__ import annotations

from typing import Any

import pytest

from regionpair.components.declaration import DeclarationError, Role
from regionpair.components.loader import load_pair
from regionpair.components.signals import composite_alarm_name, plan_alarms, signals_of
from regionpair.simulate import StackRun, stack_config

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
TOPIC = "aws:sns/topic:Topic"
REGION = {"primary": "us-east-1", "secondary": "us-west-2"}


def alarms(run: StackRun) -> dict[str, Any]:
    """This stack's failover alarms by name (the STOP alarm of the routing component excluded)."""
    return {r.inputs["name"]: r for r in run.by_type(ALARM) if r.parent.endswith("FailoverSignals::notify-signals")}


def alarm(run: StackRun, key: str):
    name = f"notify-{key}-{REGION[run.stack]}"
    found = alarms(run)
    assert name in found, f"{run.stack}: no alarm {name}; have {sorted(found)}"
    return found[name]


@pytest.fixture(params=["primary", "secondary"])
def run(request, pair_run) -> StackRun:
    return getattr(pair_run, request.param)


def test_every_alarm_is_in_this_stacks_region_with_a_runbook(run: StackRun) -> None:
    found = alarms(run)
    assert found, f"{run.stack}: no failover alarms"
    for a in found.values():
        assert a.region == REGION[run.stack], a.urn
        assert "RUNBOOK:" in a.inputs["alarmDescription"], a.urn
        assert a.inputs["name"].endswith(REGION[run.stack]), a.urn


@pytest.mark.parametrize(
    ("key", "namespace", "metric", "threshold", "extra"),
    [
        ("api-5xx", "AWS/ApiGateway", "5XXError", 0.05, {"statistic": "Average"}),
        ("api-latency", "AWS/ApiGateway", "Latency", 3000, {"extendedStatistic": "p99"}),
        ("lambda-errors", "AWS/Lambda", "Errors", 5, {"statistic": "Sum"}),
        ("lambda-throttles", "AWS/Lambda", "Throttles", 1, {"statistic": "Sum"}),
        ("ses-bounce-rate", "AWS/SES", "Reputation.BounceRate", 0.05, {"statistic": "Average"}),
        ("ses-complaint-rate", "AWS/SES", "Reputation.ComplaintRate", 0.001, {"statistic": "Average"}),
        ("ddb-orders-replication-latency", "AWS/DynamoDB", "ReplicationLatency", 60000, {}),
        ("s3-assets-replication-latency", "AWS/S3", "ReplicationLatency", 900, {"statistic": "Maximum"}),
    ],
)
def test_alarm_metrics_and_thresholds(run: StackRun, key, namespace, metric, threshold, extra) -> None:
    a = alarm(run, key)
    assert (a.inputs["namespace"], a.inputs["metricName"]) == (namespace, metric), a.urn
    assert a.inputs["threshold"] == pytest.approx(threshold), a.urn
    for k, v in extra.items():
        assert a.inputs[k] == v, f"{a.urn}: {k}"
    assert a.inputs["period"] % 60 == 0, a.urn


def test_api_alarms_use_api_name_and_stage(run: StackRun) -> None:
    a = alarm(run, "api-5xx")
    assert set(a.inputs["dimensions"]) == {"ApiName", "Stage"}, a.urn
    assert a.inputs["dimensions"] == {"ApiName": "notify-api", "Stage": "prod"}, a.urn
    fn = alarm(run, "lambda-errors")
    assert fn.inputs["dimensions"] == {"FunctionName": f"notify-api-{REGION[run.stack]}"}, fn.urn


def test_replication_dimensions_point_at_the_peer(run: StackRun) -> None:
    peer = REGION["secondary" if run.stack == "primary" else "primary"]
    ddb = alarm(run, "ddb-orders-replication-latency")
    assert ddb.inputs["dimensions"] == {"TableName": "notify-orders", "ReceivingRegion": peer}, ddb.urn
    s3 = alarm(run, "s3-assets-pending")
    dims = s3.inputs["dimensions"]
    assert dims["SourceBucket"] == f"notify-assets-{REGION[run.stack]}", s3.urn
    assert dims["DestinationBucket"] == f"notify-assets-{peer}", s3.urn
    assert dims["RuleId"] == ("to-secondary" if run.stack == "primary" else "to-primary"), s3.urn


def test_metric_math_rates(run: StackRun) -> None:
    rejects = alarm(run, "ses-reject-rate")
    queries = {q["id"]: q for q in rejects.inputs["metricQueries"]}
    assert queries["signal"]["expression"] == "IF(sends > 0, 100 * rejects / sends, 0)", rejects.urn
    assert queries["rejects"]["metric"]["metricName"] == "Reject", rejects.urn
    sms = alarm(run, "sms-delivery-failure-us")
    metrics = {q["metric"]["metricName"] for q in sms.inputs["metricQueries"] if "metric" in q}
    assert metrics == {"NumberOfTextMessagePartsSent", "NumberOfTextMessagePartsDelivered"}, sms.urn
    assert all(
        q["metric"]["namespace"] == "AWS/SMSVoice" and q["metric"]["dimensions"] == {"IsoCountryCode": "US"}
        for q in sms.inputs["metricQueries"]
        if "metric" in q
    ), sms.urn
    assert "switch the origination number or pool first" in sms.inputs["alarmDescription"], sms.urn


def test_delivery_delay_notifies_but_never_fails_over(run: StackRun) -> None:
    a = alarm(run, "ses-delivery-delay")
    assert "Do not fail over for an ISP outage" in a.inputs["alarmDescription"], a.urn
    (composite,) = run.by_type(COMPOSITE)
    assert a.inputs["name"] not in composite.inputs["alarmRule"], composite.urn
    assert a.inputs["alarmActions"], f"{a.urn}: a notify-only alarm must notify"


def test_sending_volume_treats_missing_data_as_breaching(primary: StackRun, secondary: StackRun) -> None:
    a = alarm(primary, "ses-volume")
    assert a.inputs["treatMissingData"] == "breaching", a.urn
    assert a.inputs["comparisonOperator"] == "LessThanThreshold", a.urn
    assert "notify-ses-volume-us-west-2" not in alarms(secondary), "a warm standby is silent by design"


def test_volume_alarms_stay_out_of_the_failback_guard(primary: StackRun) -> None:
    # A failed-over primary sends nothing by design: silence must not make the composite (the region-health
    # signal `regionpair failback` reads) refuse the failback. The volume alarm notifies on its own instead,
    # and its actions (muted by `regionpair failover`) are not reset by a later `pulumi up`.
    a = alarm(primary, "ses-volume")
    (composite,) = primary.by_type(COMPOSITE)
    assert a.inputs["name"] not in composite.inputs["alarmRule"], composite.urn
    assert a.inputs["alarmActions"], f"{a.urn}: a volume alarm outside the composite must notify"
    assert "actionsEnabled" in a.ignore_changes, a.urn


def test_composite_in_both_regions_over_the_region_level_alarms(run: StackRun) -> None:
    (composite,) = run.by_type(COMPOSITE)
    region = REGION[run.stack]
    assert composite.inputs["alarmName"] == f"notify-region-unhealthy-{region}", composite.urn
    assert composite.region == region, composite.urn
    for key in ("api-5xx", "api-latency", "lambda-errors", "lambda-throttles", "ses-reject-rate"):
        assert f'ALARM("notify-{key}-{region}")' in composite.inputs["alarmRule"], f"{composite.urn}: {key}"
    (topic,) = [t for t in run.by_type(TOPIC) if t.inputs["name"] == f"notify-signals-{region}"]
    assert topic.region == region, topic.urn
    assert composite.inputs["alarmActions"] == [topic.outputs["arn"]], composite.urn
    members = alarm(run, "api-5xx")
    assert members.inputs["alarmActions"] == [], f"{members.urn}: the composite pages, not each member"


def test_manifest_names_the_composite_for_status(run: StackRun) -> None:
    signals = run.outputs["parityManifest"]["signals"]
    region = REGION[run.stack]
    assert signals["composite"] == {"name": f"notify-region-unhealthy-{region}", "region": region}
    assert signals["topicArn"].endswith(f"notify-signals-{region}"), signals["topicArn"]
    keys = {"name", "signal", "metric", "namespace", "threshold", "region"}
    assert all(keys <= set(a) for a in signals["alarms"]), signals["alarms"][0]
    assert {a["region"] for a in signals["alarms"]} == {region}


def test_plan_matches_what_was_built(pair_copy, run: StackRun) -> None:
    pair = load_pair(pair_copy.path, stack_config(pair_copy.path, run.stack), run.stack)
    planned = {s.name(pair, pair.this_role) for s in plan_alarms(pair, pair.this_role)}
    assert planned == set(alarms(run)), run.stack
    assert composite_alarm_name(pair, Role(run.stack)) == f"notify-region-unhealthy-{REGION[run.stack]}"


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        ({"api": {"errorRatePercent": 120}}, "pair.yaml signals.api.errorRatePercent"),
        ({"api": {"lambdaErrors": -1}}, "pair.yaml signals.api.lambdaErrors"),
        ({"email": {"periodSeconds": 90}}, "pair.yaml signals.email.periodSeconds"),
        ({"sms": {"evaluationPeriods": 2, "datapointsToAlarm": 3}}, "pair.yaml signals.sms"),
        ({"replication": {"s3LatencySeconds": 0}}, "pair.yaml signals.replication.s3LatencySeconds"),
        ({"volume": {"periodSeconds": 3540, "evaluationPeriods": 30}}, "pair.yaml signals.volume"),
        ({"notifyEmails": ["ops"]}, "pair.yaml signals.notifyEmails"),
        ({"apii": {}}, "pair.yaml signals.apii"),
    ],
)
def test_bad_values_name_the_key(pair_copy, edit: dict[str, Any], key: str) -> None:
    pair_copy.shared(lambda d: d.update(signals=edit))
    # Whether the declaration types `signals:` (load_pair fails) or not yet (signals_of fails), the key is named.
    with pytest.raises(DeclarationError) as err:
        signals_of(load_pair(pair_copy.path, stack_config(pair_copy.path, "primary"), "primary"))
    assert err.value.key.startswith(key), str(err.value)


def test_disabled_group_creates_no_alarms(pair_copy) -> None:
    pair_copy.shared(lambda d: d["signals"].update(sms={"enabled": False}, replication={"enabled": False}))
    pair = load_pair(pair_copy.path, stack_config(pair_copy.path, "secondary"), "secondary")
    groups = {s.signal for s in plan_alarms(pair, Role.SECONDARY)}
    assert groups == {"api", "email"}, groups


def test_volume_floor_is_opt_in(pair_copy) -> None:
    """It pages after any quiet window in normal operation, so a pair gets one only when it asks."""
    pair_copy.shared(lambda d: d["signals"]["volume"].pop("enabled"))
    pair = load_pair(pair_copy.path, stack_config(pair_copy.path, "primary"), "primary")
    assert "volume" not in {s.signal for s in plan_alarms(pair, Role.PRIMARY)}
