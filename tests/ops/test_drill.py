"""The drill against moto: every step in order, and when a step fails, a rollback or a resumable stop.

moto does not evaluate alarms: the fake clock's sleep plays CloudWatch by setting the STOP alarm to what the
latest published value says. moto keeps no global-table replicas: an `after-call` hook on the drill's own
DynamoDB clients adds the `Replicas` DynamoDB reports for a global table. Route 53's health status and
`TestDNSAnswer` are not in moto: botocore's Stubber (real Route 53 model) answers them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.ops.drill import drill_plan, load_progress, run_drill

HC = "af1b1b39-2069-106a-6a28-ef4a666f1803"
PRIMARY_IP, STANDBY_IP = "52.0.0.1", "35.0.0.2"


@pytest.fixture
def pair(ctx, independent, clients):
    """Tables, app-state item (active) and the STOP alarm (OK), as both stacks deploy them."""
    ddb = independent("dynamodb", ctx.primary_region)
    for name in ["notify-orders", "notify-customers", ctx.state_table]:
        ddb.create_table(
            TableName=name, KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
    ddb.put_item(TableName=ctx.state_table, Item={**ctx.state_key, "state": {"S": "active"}, "version": {"N": "1"}})
    cw = independent("cloudwatch", ctx.standby_region)
    cw.put_metric_alarm(
        AlarmName=ctx.alarm_name, Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
        Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="ignore",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="OK", StateReason="deployed")

    def global_table(parsed, **_kw):
        if "Table" in parsed:
            parsed["Table"]["Replicas"] = [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in ctx.regions]

    for region in ctx.regions:
        clients.get("dynamodb", region).meta.events.register("after-call.dynamodb.DescribeTable", global_table)
    return ddb, cw


def cloudwatch(ctx, independent, cw):
    """On each sleep: the alarm takes the state the latest published value calls for."""

    def evaluate(clock):
        points = independent("cloudwatch", ctx.standby_region).get_metric_statistics(
            Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
            StartTime=datetime.fromtimestamp(clock.t - 3600, UTC), EndTime=datetime.fromtimestamp(clock.t + 60, UTC),
            Period=1, Statistics=["Maximum"],
        )["Datapoints"]  # fmt: skip
        if points:
            latest = max(points, key=lambda p: p["Timestamp"])["Maximum"]
            cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="ALARM" if latest >= 1 else "OK", StateReason="x")

    return evaluate


def route53_answers(stub, ctx, to_standby):
    check = {"Id": HC, "CallerReference": "r", "HealthCheckVersion": 1,
             "HealthCheckConfig": {"Type": "CLOUDWATCH_METRIC",
                                   "AlarmIdentifier": {"Region": ctx.standby_region, "Name": ctx.alarm_name}}}
    stub.add_response("list_health_checks", {"HealthChecks": [check], "Marker": "", "IsTruncated": False,
                                             "MaxItems": "100"})
    status = "Failure" if to_standby else "Success"
    stub.add_response("get_health_check_status", {"HealthCheckObservations": [
        {"Region": "us-east-1", "IPAddress": "15.177.0.1", "StatusReport": {"Status": status}}]})
    stub.add_response("test_dns_answer", {"Nameserver": "ns", "RecordName": "api.example.com", "RecordType": "A",
                                          "RecordData": [STANDBY_IP if to_standby else PRIMARY_IP],
                                          "ResponseCode": "NOERROR", "Protocol": "UDP"})  # fmt: skip


def dns(to_standby):
    return lambda answer: answer == [STANDBY_IP if to_standby else PRIMARY_IP]


def state_of(ctx, ddb):
    item = ddb.get_item(TableName=ctx.state_table, Key=ctx.state_key)["Item"]
    return item["state"]["S"], item["version"]["N"]


def test_drill_runs_every_step_and_restores_active(ctx, clients, independent, pair, fake_clock):
    ddb, cw = pair
    route53 = boto3.client("route53", region_name="us-east-1")
    clients.use("route53", route53)
    with Stubber(route53) as stub:
        route53_answers(stub, ctx, True)
        route53_answers(stub, ctx, False)
        report = run_drill(clients, ctx, who="drill", timeout=120, interval=5, expected_dns=dns,
                           clock=fake_clock(on_sleep=cloudwatch(ctx, independent, cw)))  # fmt: skip
    assert report.failed_step is None, report.outcome
    assert [r.name for r in report.steps] == [s.name for s in drill_plan(ctx)]
    assert report.steps[3].detail == "fenced -> failover"
    assert state_of(ctx, ddb) == ("active", "5")
    assert cw.describe_alarms(AlarmNames=[ctx.alarm_name])["MetricAlarms"][0]["StateValue"] == "OK"
    assert load_progress(ctx) is None


def test_failed_failover_rolls_back_publish_0_and_unfence(ctx, clients, independent, pair, fake_clock):
    ddb, _cw = pair  # CloudWatch never moves: the failover's alarm wait times out
    report = run_drill(clients, ctx, who="drill", timeout=5, interval=5, clock=fake_clock(start=1_800_000_010.0))
    assert report.failed_step == "failover"
    assert "alarm timed out" in report.error
    assert [r.name for r in report.rollback] == ["failback", "unfence"]
    assert report.outcome.startswith("failed at step failover: published, routing not verified: alarm timed out")
    assert report.outcome.endswith("rolled back")
    assert state_of(ctx, ddb)[0] == "active"
    points = independent("cloudwatch", ctx.standby_region).get_metric_statistics(
        Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
        StartTime=datetime.fromtimestamp(1_800_000_000 - 60, UTC), EndTime=datetime.fromtimestamp(1_800_000_300, UTC),
        Period=1, Statistics=["Maximum"],
    )["Datapoints"]  # fmt: skip
    values = [p["Maximum"] for p in sorted(points, key=lambda p: p["Timestamp"])]
    assert values == [1.0, 0.0], "the pending failover is cancelled"


def test_stop_on_failure_then_resume(ctx, clients, independent, pair, fake_clock):
    ddb, cw = pair
    first = run_drill(clients, ctx, who="drill", timeout=5, interval=5, on_failure="stop", clock=fake_clock())
    assert first.failed_step == "failover"
    assert first.resumable
    assert first.outcome.endswith("stopped; continue with `regionpair drill --resume`")
    assert state_of(ctx, ddb)[0] == "fenced", "left where it failed"
    assert load_progress(ctx)["done"] == ["fence", "drain"]
    route53 = boto3.client("route53", region_name="us-east-1")
    clients.use("route53", route53)
    with Stubber(route53) as stub:
        route53_answers(stub, ctx, True)
        route53_answers(stub, ctx, False)
        resumed = run_drill(clients, ctx, who="drill", timeout=120, interval=5, resume=True, expected_dns=dns,
                            clock=fake_clock(on_sleep=cloudwatch(ctx, independent, cw)))  # fmt: skip
    assert resumed.failed_step is None, resumed.outcome
    assert resumed.steps[0].name == "failover"
    assert state_of(ctx, ddb)[0] == "active"


def test_cli_drill_failure_names_the_step_everywhere(ctx, endpoint, clients, independent, pair, pair_copy):
    result = CliRunner().invoke(app, ["drill", "--config-dir", str(pair_copy.path), "--endpoint-url", endpoint,
                                      "--timeout", "1", "--json"])  # fmt: skip
    assert result.exit_code == 1
    assert "regionpair: drill failed at step drain" in result.output, result.output  # moto: no replicas
    entry = json.loads((pair_copy.path / ".regionpair" / "primary" / "audit.log").read_text().splitlines()[-1])
    assert entry["details"]["failedStep"] == "drain"
    assert entry["result"].startswith("failed at step drain")
    payload = json.loads(result.output[: result.output.rindex("}") + 1])
    assert payload["failedStep"] == "drain"
    assert [r["name"] for r in payload["rollback"]] == ["unfence"]
