"""STOP failover/failback: the metric is published in the standby region, each step is waited for and timed.

moto stores alarms and metric data but never evaluates alarms, so the test's `sleep` hook plays CloudWatch's
evaluation by setting the alarm state through an independent client. Route 53's health-check status and
`TestDNSAnswer` are not implemented by moto: botocore's Stubber (validated against the real Route 53 model)
answers them.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.ops import stop

ROOT = Path(__file__).resolve().parents[2]
HC = "af1b1b39-2069-106a-6a28-ef4a666f1803"


@pytest.fixture
def alarm(ctx, independent):
    cw = independent("cloudwatch", ctx.standby_region)
    cw.put_metric_alarm(
        AlarmName=ctx.alarm_name, Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
        Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="ignore",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="OK", StateReason="deployed")
    return cw


def _status(healthy: bool) -> dict:
    status = "Success: HTTP Status Code 200" if healthy else "Failure: the alarm is in ALARM"
    return {
        "HealthCheckObservations": [
            {"Region": r, "IPAddress": "15.177.0.1", "StatusReport": {"Status": status}}
            for r in ("us-east-1", "us-west-2", "eu-west-1")
        ]
    }


def test_failover_publishes_in_the_standby_region_and_times_each_step(ctx, clients, alarm, independent,
                                                                       fake_clock):  # fmt: skip
    route53 = boto3.client("route53", region_name="us-east-1")
    clients.use("route53", route53)

    def cloudwatch_evaluates(_clock) -> None:
        alarm.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="ALARM", StateReason="metric >= 1")

    with Stubber(route53) as r53:
        r53.add_response("get_health_check_status", _status(True), {"HealthCheckId": HC})
        r53.add_response("get_health_check_status", _status(False), {"HealthCheckId": HC})
        r53.add_response(
            "test_dns_answer",
            {"Nameserver": "ns", "RecordName": "api.example.com", "RecordType": "A", "RecordData": ["35.0.0.2"],
             "ResponseCode": "NOERROR", "Protocol": "UDP"},
        )  # fmt: skip
        report = stop.switch(
            clients, ctx, to_standby=True, health_check_id=HC, timeout=30, interval=1,
            clock=fake_clock(on_sleep=cloudwatch_evaluates), expected_dns=lambda answer: answer == ["35.0.0.2"],
        )  # fmt: skip
    assert report.published
    assert report.verified
    assert [c.step for c in report.checks] == ["alarm", "health check", "dns"]
    assert all(c.seconds is not None and c.seconds >= 0 for c in report.checks)
    # The metric landed in the standby region, with the alarm's dimension (checked through another client).
    metrics = independent("cloudwatch", ctx.standby_region).list_metrics(Namespace=ctx.namespace)["Metrics"]
    assert metrics[0]["MetricName"] == ctx.metric_name
    assert metrics[0]["Dimensions"] == ctx.dimensions
    assert independent("cloudwatch", ctx.primary_region).list_metrics(Namespace=ctx.namespace)["Metrics"] == []


def test_last_value_reads_what_was_published(ctx, clients, alarm):
    from datetime import UTC, datetime

    cw = clients.get("cloudwatch", ctx.standby_region)
    deployed = stop.read_alarm(cw, ctx)
    stop.publish(cw, deployed, 1.0, datetime.now(UTC))
    assert stop.last_value(cw, deployed)[0] == 1.0


def test_failover_twice_publishes_once(ctx, clients, alarm, fake_clock):
    alarm.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="ALARM", StateReason="already failed over")
    report = stop.switch(clients, ctx, to_standby=True, timeout=1, clock=fake_clock())
    assert not report.published


def test_timeout_is_reported_not_hung(ctx, clients, alarm, fake_clock):
    clock = fake_clock()
    report = stop.switch(clients, ctx, to_standby=True, timeout=30, interval=5, clock=clock)
    assert report.published
    assert (report.checks[0].step, report.checks[0].status) == ("alarm", "timed out")
    assert report.outcome == "published, routing not verified: alarm timed out (alarm notify-stop-failover -> " \
                             "ALARM did not happen within 30 s)"  # fmt: skip
    assert sum(clock.slept) <= 30, "one deadline for the whole command"


def test_cli_dry_run_changes_nothing(ctx, endpoint, alarm, independent, tmp_path):
    result = CliRunner().invoke(
        app, ["failover", "--dry-run", "--force", "--config-dir", str(ROOT), "--endpoint-url", endpoint,
              "--audit-log", str(tmp_path / "a.log"), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcome"] == "dry run"
    assert independent("cloudwatch", ctx.standby_region).list_metrics(Namespace=ctx.namespace)["Metrics"] == []
    assert not (tmp_path / "a.log").exists()


def test_failback_refused_while_primary_unhealthy(ctx):
    # moto has no composite alarms: Stubber (real CloudWatch model) answers the primary's composite state.
    from regionpair.components.declaration import Role
    from regionpair.components.signals import composite_alarm_name

    cw = boto3.client("cloudwatch", region_name=ctx.primary_region)
    name = composite_alarm_name(ctx.pair, Role.PRIMARY)
    composite = {"AlarmName": name, "StateValue": "ALARM", "AlarmRule": "ALARM(x)"}
    with Stubber(cw) as stub:
        stub.add_response("describe_alarms", {"CompositeAlarms": [composite], "MetricAlarms": []},
                          {"AlarmNames": [name], "AlarmTypes": ["CompositeAlarm"]})  # fmt: skip
        stub.add_response("describe_alarms", {"MetricAlarms": [{"AlarmName": "x", "StateValue": "ALARM"}]},
                          {"AlarmNames": ["x"]})  # fmt: skip
        stub.add_response("describe_alarms", {"CompositeAlarms": [{**composite, "StateValue": "OK"}]},
                          {"AlarmNames": [name], "AlarmTypes": ["CompositeAlarm"]})  # fmt: skip
        assert stop.failback_blockers(cw, name, []) == ["x"]
        assert stop.failback_blockers(cw, name, []) == []


def test_status_reads_the_live_pair(ctx, endpoint, alarm, independent):
    ddb = independent("dynamodb", ctx.primary_region)
    for name in ["notify-orders", "notify-customers", ctx.state_table]:
        ddb.create_table(
            TableName=name, KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
    ddb.put_item(TableName=ctx.state_table, Item={**ctx.state_key, "state": {"S": "fenced"}, "version": {"N": "2"},
                                                  "updatedBy": {"S": "ops"}})  # fmt: skip
    result = CliRunner().invoke(app, ["status", "--config-dir", str(ROOT), "--endpoint-url", endpoint, "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["stopAlarm"]["state"] == "OK"
    assert status["stopMetric"]["lastValue"] is None, "nothing published yet"
    assert "unavailable" in status["dnsAnswer"], "moto has no TestDNSAnswer"
    assert status["appState"] == {"state": "fenced", "version": 2, "updatedBy": "ops", "readIn": "us-east-1",
                                  "skipped": []}  # fmt: skip
    # moto keeps no global-table replicas: the tables exist only in the primary, and status says so.
    assert {t["standby"] for t in status["tables"]} == {"missing"}


def test_dns_expectation_uses_the_target_regions_endpoint(ctx, clients, independent):
    apigw = independent("apigateway", ctx.standby_region)
    apigw.create_domain_name(
        domainName="api.example.com",
        regionalCertificateArn="arn:aws:acm:us-west-2:123456789012:certificate/66666666-7777-8888-9999-000000000000",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    regional = apigw.get_domain_name(domainName="api.example.com")["regionalDomainName"]
    seen: list[str] = []

    def resolver(host: str) -> set[str]:
        seen.append(host)
        return {"35.0.0.2"}

    expect = stop.dns_expectation(clients.get("apigateway", ctx.standby_region), ctx, resolver)
    assert seen == [regional]
    assert expect(["35.0.0.2", "35.0.0.3"])
    assert not expect(["52.0.0.9"])
    assert stop.dns_expectation(clients.get("apigateway", ctx.standby_region), ctx, lambda _h: set()) is None
