"""The commands under the faults of a real outage, through a proxy in front of moto (tests/ops/faultproxy.py).

The CLI talks to the proxy as to AWS (`--endpoint-url`), with its real clients (timeouts, retries, deadline):
a region's endpoints that accept connections and never answer, answer slowly, reset, answer 503 or throttle,
or lose the reply after moto processed the request. Each test asserts the decision: the deadline held, the
honest outcome, the audit entry, the exit code. Deadlines are 5 s (headroom for a loaded machine), so nothing
here takes long. moto does not evaluate alarms: where a test needs the alarm to move, the proxy's
`after_forward` hook plays CloudWatch once the datapoint reached moto.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import boto3
import pytest
from faultproxy import FaultProxy
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.ops import stop
from regionpair.ops.clients import Clients

runner = CliRunner()
DEADLINE = 5.0
# The deadline plus what may overrun it: one botocore backoff before a retry the deadline then refuses (at most
# 2 s with three attempts), and the CLI's own start (loading the declaration, building clients) on a busy machine.
MARGIN = 4.0
FAULTS = [
    pytest.param("hang", {}, id="hung"),
    pytest.param("slow", {"delay": 8}, id="slow"),
    pytest.param("reset", {}, id="reset"),
    pytest.param("status", {"status": 503, "code": "ServiceUnavailable"}, id="503"),
    pytest.param("status", {"status": 400, "code": "Throttling"}, id="throttled"),
]


@pytest.fixture
def proxy(endpoint):
    p = FaultProxy(endpoint).start()
    yield p
    p.stop()


def deploy_alarm(ctx, independent, *, state="OK", periods=1):
    cw = independent("cloudwatch", ctx.standby_region)
    cw.put_metric_alarm(
        AlarmName=ctx.alarm_name, Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
        Statistic="Maximum", Period=60, EvaluationPeriods=periods, DatapointsToAlarm=periods, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="ignore",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue=state, StateReason="deployed")
    return cw


def state_tables(ctx, independent, value="fenced", regions=None):
    for region in regions or ctx.regions:
        ddb = independent("dynamodb", region)
        ddb.create_table(
            TableName=ctx.state_table, KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        ddb.put_item(TableName=ctx.state_table, Item={**ctx.state_key, "state": {"S": value}, "version": {"N": "2"},
                                                      "updatedBy": {"S": "ops"}})  # fmt: skip


def landed(independent, ctx):
    """What moto holds of the STOP metric (an independent client, not through the proxy)."""
    now = datetime.now(UTC).timestamp()
    points = independent("cloudwatch", ctx.standby_region).get_metric_statistics(
        Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
        StartTime=datetime.fromtimestamp(now - 3600, UTC), EndTime=datetime.fromtimestamp(now + 600, UTC),
        Period=60, Statistics=["Maximum"],
    )["Datapoints"]  # fmt: skip
    return [p["Maximum"] for p in points]


def plays_cloudwatch(independent, ctx):
    """`after_forward`: once a datapoint reached moto in the standby, the alarm goes to ALARM (as CloudWatch would)."""
    cw = independent("cloudwatch", ctx.standby_region)

    def hook(request):
        if request.operation == "PutMetricData" and request.region == ctx.standby_region:
            cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="ALARM", StateReason="metric published")

    return hook


def audit(pair_copy):
    path = pair_copy.path / ".regionpair" / "primary" / "audit.log"
    return [json.loads(line) for line in path.read_text().splitlines()]


def cli(proxy, pair_copy, *args):
    started = time.monotonic()
    result = runner.invoke(app, [*args, "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url])
    return result, time.monotonic() - started


# ------------------------------------------------------------------------------------ the deadline holds
@pytest.mark.parametrize(("kind", "params"), FAULTS)
def test_failover_with_a_sick_primary_returns_within_the_deadline_published(ctx, proxy, independent, pair_copy,
                                                                            kind, params):  # fmt: skip
    # The primary region (us-east-1, which also signs Route 53's control plane) is sick in every service.
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent, regions=[ctx.standby_region])
    proxy.add(kind, region=ctx.primary_region, **params)
    proxy.after_forward = plays_cloudwatch(independent, ctx)
    result, took = cli(proxy, pair_copy, "failover", "--json", "--timeout", str(DEADLINE))
    assert took < DEADLINE + MARGIN, f"{took:.1f} s"
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["outcome"].startswith("published, routing not verified: health check"), data["outcome"]
    assert [(p["value"], p["outcome"]) for p in data["published"]] == [(1.0, "published")]
    assert data["checks"][0]["status"] == "ok"  # the alarm (standby) moved
    assert data["checks"][1]["status"] in ("timed out", "unavailable")
    assert landed(independent, ctx) == [1.0]
    intent, outcome = audit(pair_copy)[-2:]
    assert (intent["phase"], outcome["phase"], intent["id"]) == ("intent", "outcome", outcome["id"])
    assert outcome["result"] == data["outcome"]


@pytest.mark.parametrize(("kind", "params"), FAULTS[:3])
def test_failover_with_a_sick_standby_publishes_nothing_within_the_deadline(ctx, proxy, independent, pair_copy,
                                                                            kind, params):  # fmt: skip
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent)
    proxy.add(kind, region=ctx.standby_region, service="cloudwatch", **params)
    result, took = cli(proxy, pair_copy, "failover", "--timeout", str(DEADLINE), "--force")
    assert took < DEADLINE + MARGIN, f"{took:.1f} s"
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"regionpair: STOP alarm {ctx.alarm_name} in us-west-2"), line
    assert landed(independent, ctx) == []
    assert audit(pair_copy)[-1]["result"].startswith("failed")


def test_status_with_a_hung_primary_returns_within_its_timeout_exit_0(ctx, proxy, independent, pair_copy):
    deploy_alarm(ctx, independent, state="ALARM")
    state_tables(ctx, independent, value="failover", regions=[ctx.standby_region])
    proxy.add("hang", region=ctx.primary_region)
    result, took = cli(proxy, pair_copy, "status", "--json", "--timeout", str(DEADLINE))
    assert took < DEADLINE + MARGIN, f"{took:.1f} s"
    assert result.exit_code == 0, result.output  # the standby's control fields were read
    data = json.loads(result.stdout)
    assert data["stopAlarm"]["state"] == "ALARM"
    assert data["appState"]["readIn"] == "us-west-2"
    assert "unavailable" in data["regions"]["primary"]


@pytest.mark.parametrize(("kind", "params"), [FAULTS[0], FAULTS[3]])
def test_status_exits_1_when_the_standby_control_fields_cannot_be_read(ctx, proxy, independent, pair_copy, kind,
                                                                       params):  # fmt: skip
    deploy_alarm(ctx, independent)
    proxy.add(kind, region=ctx.standby_region, service="cloudwatch", **params)
    result, took = cli(proxy, pair_copy, "status", "--json", "--timeout", str(DEADLINE))
    assert took < DEADLINE + MARGIN, f"{took:.1f} s"
    assert result.exit_code == 1, result.output
    assert "unavailable" in json.loads(result.stdout)["stopAlarm"]
    assert result.stderr.strip().startswith("regionpair: status incomplete: the standby's control fields")


def test_status_exits_1_when_nothing_could_be_read(ctx, proxy, independent, pair_copy):
    proxy.add("status", status=503, code="ServiceUnavailable")  # every region, every service
    result, _took = cli(proxy, pair_copy, "status", "--json", "--timeout", str(DEADLINE))
    assert result.exit_code == 1, result.output
    assert "regionpair: status incomplete: nothing could be read" in result.stderr


# ------------------------------------------------------------------------------------ unknown outcomes
def test_lost_reply_in_the_standby_is_reported_as_maybe_published_not_nothing(ctx, proxy, independent, pair_copy):
    # The standby stores the datapoint (moto processed it), then the connection closes before the answer.
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent)
    proxy.add("drop_reply", region=ctx.standby_region, operation="PutMetricData")
    result, took = cli(proxy, pair_copy, "failover", "--json", "--timeout", str(DEADLINE))
    assert took < DEADLINE + MARGIN
    assert result.exit_code == 4, result.output  # outcome unknown: neither "nothing published" (1) nor "published"
    data = json.loads(result.stdout)
    assert data["outcome"].startswith("outcome unknown: 1 datapoint(s) may have been published (reply lost); "
                                      "rerun or check the alarm")  # fmt: skip
    assert [p["outcome"] for p in data["outcomeUnknown"]] == ["unknown"]
    assert landed(independent, ctx) == [1.0], "it did land"
    entry = audit(pair_copy)[-1]
    assert entry["result"] == data["outcome"]
    assert entry["details"]["published"][0]["outcome"] == "unknown"
    assert "nothing was published" not in result.output


def test_lost_reply_confirmed_by_the_alarm_is_published(ctx, proxy, independent, pair_copy):
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent)
    proxy.add("drop_reply", region=ctx.standby_region, operation="PutMetricData")
    proxy.after_forward = plays_cloudwatch(independent, ctx)
    result, _took = cli(proxy, pair_copy, "failover", "--json", "--timeout", str(DEADLINE))
    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["outcome"].startswith("published (the alarm confirms it; 1 reply(s) lost)")


def test_every_publish_of_a_multi_datapoint_window_with_a_lost_reply_is_maybe_published(ctx, proxy, independent,
                                                                                        fake_clock):  # fmt: skip
    # A 3-of-3 window: three datapoints, one period apart (a fake clock: nothing waits), every reply lost.
    deploy_alarm(ctx, independent, periods=3)
    proxy.add("drop_reply", region=ctx.standby_region, operation="PutMetricData")
    clients = Clients(boto3.Session(), endpoint_url=proxy.url)
    report = stop.switch(clients, ctx, to_standby=True, timeout=600, clock=fake_clock())
    assert [p["outcome"] for p in report.published] == ["unknown"] * 3
    assert len(report.as_dict()["outcomeUnknown"]) == 3
    assert report.outcome.startswith("outcome unknown: 3 datapoint(s) may have been published")
    assert len(proxy.calls(region=ctx.standby_region, operation="PutMetricData")) >= 3


def test_a_reset_mid_window_keeps_what_landed(ctx, proxy, independent, fake_clock):
    # A 2-of-2 window: the first datapoint lands, every attempt of the second is reset (after it was sent).
    deploy_alarm(ctx, independent, periods=2)
    proxy.add("reset", region=ctx.standby_region, operation="PutMetricData", times=0)
    armed = {"done": False}

    def arm(request):
        if request.operation == "PutMetricData" and proxy.calls(operation="PutMetricData") and not armed["done"]:
            armed["done"] = True
            proxy.rules[0].times = 3

    proxy.on_request = arm
    clients = Clients(boto3.Session(), endpoint_url=proxy.url)
    report = stop.switch(clients, ctx, to_standby=True, timeout=600, clock=fake_clock())
    assert [p["outcome"] for p in report.published] == ["published", "unknown"]
    assert report.outcome.startswith("published, routing not verified")


def test_failover_with_a_slow_standby_publishes_first_and_verifies_with_what_is_left(ctx, proxy, independent,
                                                                                    pair_copy):  # fmt: skip
    # Every answer of the standby takes 1 s: the switch's own calls (alarm, app state, publish) come first; the
    # lookups only verification needs (the API's endpoint for the DNS step) wait until after the publish.
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent, regions=[ctx.standby_region])
    proxy.add("slow", region=ctx.standby_region, delay=1.0)
    proxy.add("hang", region=ctx.primary_region)
    proxy.after_forward = plays_cloudwatch(independent, ctx)
    result, took = cli(proxy, pair_copy, "failover", "--json", "--timeout", "8")
    assert took < 8 + MARGIN, f"{took:.1f} s"
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert [p["outcome"] for p in data["published"]] == ["published"]
    before_publish = [r.operation for r in proxy.calls(region=ctx.standby_region)]
    assert before_publish.index("PutMetricData") < before_publish.index("GetDomainName") if "GetDomainName" in \
        before_publish else True  # fmt: skip
    assert landed(independent, ctx) == [1.0]
