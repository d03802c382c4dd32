"""Routing of the API name: STOP (the STOP pattern) failover records, or latency records (active-active).

Runs the real program under Pulumi's mock runtime; the primary reads the secondary's exported parity manifest
through its StackReference, exactly as after `pulumi up -s secondary`.
"""

from __future__ import annotations

import pulumi
import pytest

from regionpair.components.routing import config_hash
from regionpair.simulate import Recorded, StackRun, simulate_pair, simulate_stack

ROUTING_TYPE = "regionpair:routing:FailoverRouting"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CHECK = "aws:route53/healthCheck:HealthCheck"
RECORD = "aws:route53/record:Record"
API_NAME = "api.example.com"


def _routing(run: StackRun, token: str) -> list[Recorded]:
    """Resources of `token` registered by the FailoverRouting component."""
    component = run.one(ROUTING_TYPE)
    return [r for r in run.resources if r.parent == component.urn and r.type == token]


def _api_records(run: StackRun) -> list[Recorded]:
    return [r for r in run.by_type(RECORD) if r.inputs["name"] == API_NAME]


def _stop_alarms(run: StackRun) -> list[Recorded]:
    return [r for r in run.by_type(ALARM) if r.inputs.get("name", "").endswith("stop-failover")]


# ------------------------------------------------------------------------------------------------ STOP
def test_stop_alarm_only_in_the_secondary_region(primary: StackRun, secondary: StackRun) -> None:
    assert _stop_alarms(primary) == [], "the primary must not own the STOP alarm"
    [alarm] = _routing(secondary, ALARM)
    i = alarm.inputs
    assert alarm.region == "us-west-2", f"{alarm.urn}: the alarm lives in the standby region"
    assert i["name"] == "notify-stop-failover", alarm.urn
    assert (i["namespace"], i["metricName"]) == ("StopPattern", "FailoverToSecondary"), alarm.urn
    assert i["dimensions"] == {"Pair": "notify"}, alarm.urn
    assert (i["statistic"], i["threshold"], i["comparisonOperator"]) == (
        "Maximum",
        1,
        "GreaterThanOrEqualToThreshold",
    ), alarm.urn
    assert (i["period"], i["evaluationPeriods"], i["datapointsToAlarm"]) == (60, 1, 1), alarm.urn
    assert i["treatMissingData"] == "ignore", f"{alarm.urn}: the alarm must latch (failback publishes 0)"


def test_secondary_manifest_exposes_the_alarm(secondary: StackRun) -> None:
    routing = secondary.outputs["parityManifest"]["routing"]
    alarm = routing["alarm"]
    assert routing["mode"] == "failover", routing
    assert not routing.get("records"), routing
    assert alarm["arn"] == _routing(secondary, ALARM)[0].outputs["arn"]
    settings = {k: v for k, v in alarm.items() if k not in {"arn", "configHash"}}
    assert alarm["configHash"] == config_hash(settings), "configHash must be the hash of the exported settings"


def test_health_check_only_in_the_primary_on_the_secondary_alarm(primary: StackRun, secondary: StackRun) -> None:
    assert secondary.by_type(CHECK) == [], "the secondary owns no health check in STOP mode"
    [check] = _routing(primary, CHECK)
    alarm = secondary.outputs["parityManifest"]["routing"]["alarm"]
    assert "region" not in check.inputs, f"{check.urn}: Route 53 is global"
    assert check.inputs["type"] == "CLOUDWATCH_METRIC", check.urn
    assert check.inputs["cloudwatchAlarmName"] == alarm["name"] == "notify-stop-failover", check.urn
    assert check.inputs["cloudwatchAlarmRegion"] == "us-west-2", check.urn
    assert check.inputs["insufficientDataHealthStatus"] == "LastKnownStatus", check.urn
    assert check.inputs["triggers"] == {"alarmConfigHash": alarm["configHash"]}, check.urn


def test_two_failover_records_owned_by_the_primary(primary: StackRun, secondary: StackRun) -> None:
    assert _api_records(secondary) == [], "the secondary must not own any record of the API name"
    records = _api_records(primary)
    assert len(records) == 2, [r.urn for r in records]
    by_type = {r.inputs["failoverRoutingPolicies"][0]["type"]: r for r in records}
    assert set(by_type) == {"PRIMARY", "SECONDARY"}, [r.urn for r in records]
    [check] = _routing(primary, CHECK)
    api_p = primary.outputs["parityManifest"]["api"]
    api_s = secondary.outputs["parityManifest"]["api"]
    for kind, api, set_id in (("PRIMARY", api_p, "primary"), ("SECONDARY", api_s, "secondary")):
        r = by_type[kind]
        assert "region" not in r.inputs, f"{r.urn}: Route 53 is global"
        assert (r.inputs["zoneId"], r.inputs["type"], r.inputs["setIdentifier"]) == (
            "Z0123456789ABCDEFGHIJ",
            "A",
            set_id,
        ), r.urn
        assert "ttl" not in r.inputs, f"{r.urn}: alias records carry no TTL"
        assert "records" not in r.inputs, f"{r.urn}: alias records carry no TTL"
        assert r.inputs["aliases"] == [
            {"name": api["regionalDomainName"], "zoneId": api["regionalZoneId"], "evaluateTargetHealth": True}
        ], r.urn
    assert by_type["PRIMARY"].inputs["healthCheckId"] == check.outputs["arn"].rsplit("/", 1)[-1], check.urn
    assert "healthCheckId" not in by_type["SECONDARY"].inputs, by_type["SECONDARY"].urn
    # The SECONDARY record points at what the secondary exported, in the secondary region.
    assert api_s["regionalDomainName"].endswith(".execute-api.us-west-2.amazonaws.com"), api_s


def test_primary_manifest_describes_check_and_records(primary: StackRun) -> None:
    routing = primary.outputs["parityManifest"]["routing"]
    assert routing["healthCheck"]["type"] == "CLOUDWATCH_METRIC", routing
    assert (routing["healthCheck"]["alarmName"], routing["healthCheck"]["alarmRegion"]) == (
        "notify-stop-failover",
        "us-west-2",
    )
    assert [(r["setIdentifier"], r["failover"]) for r in routing["records"]] == [
        ("primary", "PRIMARY"),
        ("secondary", "SECONDARY"),
    ]
    assert routing["records"][0]["healthCheckId"] == routing["healthCheck"]["id"]
    assert not routing.get("alarm"), "the primary owns no STOP alarm"


def test_alarm_change_updates_the_health_check(pair_copy, primary: StackRun) -> None:
    """Route 53 keeps a copy of the alarm's settings: a changed period must reach the health check's inputs."""
    pair_copy.shared(lambda d: d["routing"]["stop"].update(periodSeconds=120))
    run = simulate_pair(pair_copy.path)
    [alarm] = _routing(run.secondary, ALARM)
    assert alarm.inputs["period"] == 120, alarm.urn
    [before] = _routing(primary, CHECK)
    [after] = _routing(run.primary, CHECK)
    assert after.inputs["triggers"] != before.inputs["triggers"], f"{after.urn}: triggers did not change"
    assert after.inputs["triggers"]["alarmConfigHash"] == (
        run.secondary.outputs["parityManifest"]["routing"]["alarm"]["configHash"]
    ), after.urn


def test_primary_without_deployed_secondary_names_the_peer_stack() -> None:
    with pytest.raises(pulumi.RunError, match=r"regionpair:peerStack: .*deploy the secondary first") as info:
        simulate_stack("primary")
    assert "\n" not in str(info.value).strip(), "one line"


# ------------------------------------------------------------------------------------------------ latency
def test_latency_mode_one_record_and_endpoint_check_per_stack(pair_copy) -> None:
    pair_copy.shared(lambda d: d["routing"].update(mode="latency"))
    run = simulate_pair(pair_copy.path)
    for stack, region in ((run.primary, "us-east-1"), (run.secondary, "us-west-2")):
        assert _stop_alarms(stack) == [], f"{stack.stack}: no STOP alarm in latency mode"
        [check] = _routing(stack, CHECK)
        api = stack.outputs["parityManifest"]["api"]
        assert check.inputs["type"] == "HTTPS", check.urn
        assert check.inputs["port"] == 443, check.urn
        # API Gateway routes custom-domain traffic by SNI/Host: probe the API's own execute-api host.
        assert check.inputs["fqdn"] == f"{api['restApiId']}.execute-api.{region}.amazonaws.com", check.urn
        assert check.inputs["resourcePath"] == "/prod/health", check.urn
        assert (check.inputs["requestInterval"], check.inputs["failureThreshold"]) == (30, 3), check.urn
        [record] = _api_records(stack)
        assert record.inputs["latencyRoutingPolicies"] == [{"region": region}], record.urn
        assert record.inputs["setIdentifier"] == region, record.urn
        assert record.inputs["aliases"][0]["name"] == api["regionalDomainName"], record.urn
        assert record.inputs["healthCheckId"] == check.outputs["arn"].rsplit("/", 1)[-1], record.urn
        routing = stack.outputs["parityManifest"]["routing"]
        assert routing["mode"] == "latency", routing
        assert routing["records"][0]["latencyRegion"] == region, routing
