"""Failover, failback, status and drill with one region made to fail, as in the outage they exist for.

Faults are injected into the commands' own clients with botocore's event hooks (`Faults` in conftest): refused
connections, 503 and throttling answers, slow answers (read timeouts) and replies lost after moto processed the
request. Time is a `FakeClock`: nothing sleeps. moto does not evaluate alarms, so the clock's sleep hook plays
CloudWatch where a test needs the alarm to move. Route 53's health-check status and `TestDNSAnswer` are not in
moto: botocore's Stubber (validated against the real Route 53 model) answers them where a test needs them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.ops import stop
from regionpair.ops.context import load_context

ROOT = Path(__file__).resolve().parents[2]
ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1, read_timeout=5)
HC = "af1b1b39-2069-106a-6a28-ef4a666f1803"
runner = CliRunner()


def deploy_alarm(ctx, independent, *, metric=None, dimensions=None, periods=1, state="OK", to_alarm=None):
    cw = independent("cloudwatch", ctx.standby_region)
    cw.put_metric_alarm(
        AlarmName=ctx.alarm_name, Namespace=ctx.namespace, MetricName=metric or ctx.metric_name,
        Dimensions=dimensions or ctx.dimensions, Statistic="Maximum", Period=60, EvaluationPeriods=periods,
        DatapointsToAlarm=to_alarm or periods, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="ignore",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue=state, StateReason="deployed")
    return cw


def published(independent, ctx, metric=None, dimensions=None, region=None, around=1_800_000_000.0):
    """Every datapoint of the watched metric, read through an independent client.

    Period 1 s: moto groups datapoints into periods counted from the first datapoint, not from the clock's
    minute as CloudWatch does, so per-second buckets show each datapoint on its own.
    """
    cw = independent("cloudwatch", region or ctx.standby_region)
    points = cw.get_metric_statistics(
        Namespace=ctx.namespace, MetricName=metric or ctx.metric_name, Dimensions=dimensions or ctx.dimensions,
        StartTime=datetime.fromtimestamp(around - 1800, UTC), EndTime=datetime.fromtimestamp(around + 1800, UTC),
        Period=1, Statistics=["Maximum"],
    )["Datapoints"]  # fmt: skip
    return sorted((p["Timestamp"], p["Maximum"]) for p in points)


def state_tables(ctx, independent, value="fenced", regions=None):
    """The app-state table and item in each region (moto keeps no global-table replicas: one table per region)."""
    for region in regions or (ctx.primary_region, ctx.standby_region):
        ddb = independent("dynamodb", region)
        ddb.create_table(
            TableName=ctx.state_table, KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        ddb.put_item(TableName=ctx.state_table, Item={**ctx.state_key, "state": {"S": value}, "version": {"N": "2"},
                                                      "updatedBy": {"S": "ops"}})  # fmt: skip


def primary_down(faults, ctx, kind="refuse"):
    for service in ("cloudwatch", "dynamodb", "apigateway", "sesv2"):
        faults.add(kind, service, ctx.primary_region)


def alarm_follows(cw, ctx, state="ALARM"):
    """CloudWatch's evaluation, played on the first sleep."""

    def hook(_clock):
        cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue=state, StateReason="metric published")

    return hook


# ------------------------------------------------------------------------------- failover needs only the standby
def test_failover_with_primary_and_route53_down_is_published_not_verified(fake_clock, ctx, faulty_clients, faults,
                                                                          independent):  # fmt: skip
    cw = deploy_alarm(ctx, independent)
    primary_down(faults, ctx)
    faults.add("answer", "route53", status=503)  # Route 53's control plane (us-east-1) answers 503
    clock = fake_clock(on_sleep=alarm_follows(cw, ctx))
    report = stop.switch(faulty_clients, ctx, to_standby=True, timeout=60, interval=5, clock=clock)
    assert [p["value"] for p in report.published] == [1.0]
    assert [(c.step, c.status) for c in report.checks] == [("alarm", "ok"), ("health check", "unavailable")]
    assert report.outcome.startswith("published, routing not verified: health check unavailable")
    assert not report.verified
    assert [v for _t, v in published(independent, ctx)] == [1.0]
    assert published(independent, ctx, region=ctx.primary_region) == []


def test_cli_failover_exit_code_3_and_audit_log_say_published(ctx, cli_clients, faults, independent, pair_copy):
    deploy_alarm(ctx, independent, state="ALARM")  # CloudWatch already moved: nothing to wait for
    state_tables(ctx, independent, regions=[ctx.standby_region])
    primary_down(faults, ctx)
    faults.add("refuse", "route53")
    result = runner.invoke(app, ["failover", "--config-dir", str(pair_copy.path), "--json", "--timeout", "5"])
    assert result.exit_code == 3, result.output
    data = json.loads(result.output)
    assert data["outcome"].startswith("nothing published, routing not verified: health check unavailable")
    assert data["preconditions"] == ["app state fenced (read in us-west-2)"]
    entry = json.loads((pair_copy.path / ".regionpair" / "primary" / "audit.log").read_text().splitlines()[-1])
    assert entry["command"] == "failover"
    assert "failed" not in entry["result"]
    assert entry["details"]["checks"][1]["status"] == "unavailable"
    assert (pair_copy.path / ".regionpair" / "primary" / ".gitignore").read_text().strip().endswith("*")


def test_standby_cloudwatch_down_fails_in_one_line_naming_alarm_region_next_step(ctx, cli_clients, faults,
                                                                                  independent, pair_copy):  # fmt: skip
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent)
    faults.add("answer", "cloudwatch", ctx.standby_region, status=503)
    result = runner.invoke(app, ["failover", "--config-dir", str(pair_copy.path)])
    assert result.exit_code == 1
    line = result.output.strip()
    assert "\n" not in line, result.output
    assert f"STOP alarm {ctx.alarm_name} in us-west-2: 503: injected" in line, line
    assert line.endswith("check credentials and retry"), line
    entry = json.loads((pair_copy.path / ".regionpair" / "primary" / "audit.log").read_text().splitlines()[-1])
    assert entry["result"].startswith("failed")
    assert entry["details"]["published"] == []


def test_failover_with_a_refused_standby_publish_says_nothing_was_published(fake_clock, ctx, faulty_clients, faults,
                                                                           independent):  # fmt: skip
    deploy_alarm(ctx, independent)
    faults.add("refuse", "cloudwatch", ctx.standby_region, "PutMetricData")  # refused before anything was sent
    with pytest.raises(stop.OpsError, match="nothing was published; retry"):
        stop.switch(faulty_clients, ctx, to_standby=True, timeout=60, clock=fake_clock())


@pytest.mark.parametrize("fault", ["slow", "lose_reply"])
def test_publish_with_a_lost_reply_is_reported_as_maybe_published(fake_clock, ctx, faulty_clients, faults,
                                                                  independent, fault):  # fmt: skip
    # A read timeout, or a reply lost after moto processed the request: the client cannot know whether
    # CloudWatch has the datapoint, so the command never says it has not (tests/ops/test_faults.py: the CLI).
    deploy_alarm(ctx, independent)
    faults.add(fault, "cloudwatch", ctx.standby_region, "PutMetricData")
    report = stop.switch(faulty_clients, ctx, to_standby=True, timeout=5, clock=fake_clock())
    assert [p["outcome"] for p in report.published] == ["unknown"]
    assert report.unknown == report.published
    assert report.outcome.startswith("outcome unknown: 1 datapoint(s) may have been published (reply lost); rerun "
                                     "or check the alarm")  # fmt: skip
    faults.clear()
    landed = [v for _t, v in published(independent, ctx)]
    assert landed == ([1.0] if fault == "lose_reply" else []), "the lost-reply publish did land"


@pytest.mark.parametrize(("kind", "expect"), [
    ("answer", "Throttling"), ("slow", "Read timeout"), ("refuse", "Could not connect"),
])  # fmt: skip
def test_route53_faults_during_verification_are_reported_as_unavailable(fake_clock, ctx, faulty_clients, faults,
                                                                        independent, kind, expect):  # fmt: skip
    cw = deploy_alarm(ctx, independent)
    faults.add(kind, "route53", operation="ListHealthChecks", status=400, code="Throttling")
    clock = fake_clock(on_sleep=alarm_follows(cw, ctx))
    report = stop.switch(faulty_clients, ctx, to_standby=True, timeout=60, clock=clock)
    assert report.checks[1].status == "unavailable"
    assert expect in report.checks[1].detail
    assert report.outcome.startswith("published, routing not verified: health check unavailable")


def test_status_with_the_primary_on_a_closed_port(ctx, endpoint, independent, closed_port_url, pair_copy,
                                                  monkeypatch):  # fmt: skip
    # The OS refuses every connection to the primary region's endpoints (nothing listens there).
    import regionpair.ops_cli as ops_cli
    from regionpair.ops.clients import Clients

    class PrimaryDown(Clients):
        def created(self, service, region):
            url = closed_port_url if region == ctx.primary_region else endpoint
            return boto3.client(service, region_name=region or "us-east-1", endpoint_url=url, config=self.config)

    deploy_alarm(ctx, independent, state="ALARM")
    state_tables(ctx, independent, value="failover", regions=[ctx.standby_region])
    monkeypatch.setattr(ops_cli, "Clients", lambda *_a, **_k: PrimaryDown(boto3.Session(), config=ONE_ATTEMPT))
    result = runner.invoke(app, ["status", "--config-dir", str(pair_copy.path), "--json"])
    assert result.exit_code == 0, result.output
    s = json.loads(result.output)
    assert s["stopAlarm"]["state"] == "ALARM"
    assert "Could not connect" in s["regions"]["primary"]["unavailable"]
    assert s["appState"]["readIn"] == "us-west-2"


def test_full_verification_with_route53_stubbed(fake_clock, ctx, faulty_clients, independent):
    cw = deploy_alarm(ctx, independent)
    route53 = boto3.client("route53", region_name="us-east-1")
    faulty_clients.use("route53", route53)
    obs = lambda ok: {"HealthCheckObservations": [  # noqa: E731
        {"Region": r, "IPAddress": "15.177.0.1", "StatusReport": {"Status": "Success" if ok else "Failure"}}
        for r in ("us-east-1", "us-west-2", "eu-west-1")]}  # fmt: skip
    with Stubber(route53) as r53:
        r53.add_response("get_health_check_status", obs(False), {"HealthCheckId": HC})
        r53.add_response("test_dns_answer", {"Nameserver": "ns", "RecordName": "api.example.com", "RecordType": "A",
                                             "RecordData": ["35.0.0.2"], "ResponseCode": "NOERROR", "Protocol": "UDP"})
        report = stop.switch(faulty_clients, ctx, to_standby=True, timeout=60, health_check_id=HC,
                             expected_dns=lambda a: a == ["35.0.0.2"],
                             clock=fake_clock(on_sleep=alarm_follows(cw, ctx)))  # fmt: skip
    assert report.verified
    assert report.outcome == "done"
    assert [c.step for c in report.checks] == ["alarm", "health check", "dns"]


# ------------------------------------------------------------------ the deployed alarm, not pair.yaml, decides
def test_failover_follows_the_deployed_alarm_and_says_the_declaration_differs(fake_clock, ctx, faulty_clients,
                                                                              independent):  # fmt: skip
    dims = [{"Name": "Pair", "Value": "notify-old"}]
    cw = deploy_alarm(ctx, independent, metric="GoToStandby", dimensions=dims)
    report = stop.switch(faulty_clients, ctx, to_standby=True, timeout=60,
                         clock=fake_clock(on_sleep=alarm_follows(cw, ctx)))  # fmt: skip
    assert [v for _t, v in published(independent, ctx, "GoToStandby", dims)] == [1.0]
    assert published(independent, ctx) == [], "nothing to the metric pair.yaml names"
    assert any("metric 'FailoverToSecondary', the deployed alarm has 'GoToStandby'" in w for w in report.warnings)
    assert any("following the deployed alarm" in w for w in report.warnings)


def test_three_evaluation_periods_get_three_datapoints_in_three_periods(fake_clock, ctx, faulty_clients, independent):
    # an alarm needing 3 of 3 breaching periods gets one datapoint in each.
    deploy_alarm(ctx, independent, periods=3)
    clock = fake_clock(start=1_800_000_030.0)
    report = stop.switch(faulty_clients, ctx, to_standby=True, timeout=600, clock=clock)
    stamps = [datetime.fromisoformat(p["timestamp"]).timestamp() for p in report.published]
    assert len(stamps) == 3
    assert len({int(t // 60) for t in stamps}) == 3, "each datapoint in its own period"
    assert [int(t // 60) - int(stamps[0] // 60) for t in stamps] == [0, 1, 2], "consecutive periods"
    assert [v for _t, v in published(independent, ctx)] == [1.0, 1.0, 1.0]


def test_failback_of_an_m_of_n_alarm_publishes_enough_clearing_datapoints(fake_clock, ctx, faulty_clients,
                                                                          independent):  # fmt: skip
    # 2 of 3 stays in ALARM with one 0 among [1, 1, 0]: OK needs N - M + 1 = 2 clearing periods.
    deploy_alarm(ctx, independent, periods=3, to_alarm=2, state="ALARM")
    report = stop.switch(faulty_clients, ctx, to_standby=False, timeout=600, clock=fake_clock())
    assert [p["value"] for p in report.published] == [0.0, 0.0]
    assert any("datapointsToAlarm 1" in w for w in report.warnings), "pair.yaml declares 1 of 1"


def test_window_longer_than_timeout_is_refused_before_publishing(fake_clock, ctx, faulty_clients, independent):
    deploy_alarm(ctx, independent, periods=3)
    with pytest.raises(stop.OpsError, match=r"needs 3 datapoints one period \(60 s\) apart, 120 s, longer than"):
        stop.switch(faulty_clients, ctx, to_standby=True, timeout=60, clock=fake_clock())
    assert published(independent, ctx) == []


# ------------------------------------------------------------------------------------ cancel, guard, dry run
def test_failback_cancels_a_pending_failover(fake_clock, ctx, faulty_clients, independent):
    deploy_alarm(ctx, independent)  # OK: CloudWatch has not evaluated the 1 yet
    clock = fake_clock(start=1_800_000_010.0)
    stop.publish(independent("cloudwatch", ctx.standby_region), stop.read_alarm(
        independent("cloudwatch", ctx.standby_region), ctx), 1.0, datetime.fromtimestamp(clock.t, UTC))
    report = stop.switch(faulty_clients, ctx, to_standby=False, timeout=120, clock=clock)
    assert report.cancelled
    assert [p["value"] for p in report.published] == [0.0]
    points = published(independent, ctx)
    assert [v for _t, v in points] == [1.0, 0.0], "the 0 lands in the period after the 1"
    assert report.checks[0].status == "ok"


def test_failback_dry_run_of_a_cancel_never_waits(fake_clock, ctx, faulty_clients, independent):
    deploy_alarm(ctx, independent)
    cw = independent("cloudwatch", ctx.standby_region)
    clock = fake_clock()
    stop.publish(cw, stop.read_alarm(cw, ctx), 1.0, datetime.fromtimestamp(clock.t, UTC))
    report = stop.switch(faulty_clients, ctx, to_standby=False, dry_run=True, timeout=600, clock=clock)
    assert clock.slept == []
    assert report.cancelled
    assert report.outcome == "dry run"
    assert [v for _t, v in published(independent, ctx)] == [1.0]


def test_failover_dry_run_of_a_window_never_waits(fake_clock, ctx, faulty_clients, independent):
    deploy_alarm(ctx, independent, periods=3)
    clock = fake_clock()
    report = stop.switch(faulty_clients, ctx, to_standby=True, dry_run=True, timeout=600, clock=clock)
    assert clock.slept == []
    assert report.published == [{"value": 1.0, "count": 3, "dryRun": True}]


def test_failover_refused_while_app_is_active_unless_forced(ctx, cli_clients, independent, pair_copy):
    deploy_alarm(ctx, independent, state="ALARM")
    state_tables(ctx, independent, value="active")
    common = ["failover", "--config-dir", str(pair_copy.path), "--timeout", "10"]
    refused = runner.invoke(app, common)
    assert refused.exit_code == 1
    assert "app state is active (read in us-west-2); fence first: regionpair state set fenced --region us-west-2" \
        in refused.output  # fmt: skip
    forced = runner.invoke(app, [*common, "--force", "--json"])
    assert forced.exit_code == 3, forced.output  # routing not verifiable against moto: published path taken
    assert json.loads(forced.output)["preconditions"] == ["--force: preconditions not checked"]


def test_failback_guard_ignores_silent_volume_alarms(ctx):
    # moto has no composite alarms: Stubber (real CloudWatch model) answers the composite and its members.
    cw = boto3.client("cloudwatch", region_name=ctx.primary_region)
    name = "notify-region-unhealthy-us-east-1"
    rule = 'ALARM("notify-api-5xx-us-east-1") OR ALARM("notify-ses-volume-us-east-1")'
    composite = {"CompositeAlarms": [{"AlarmName": name, "StateValue": "ALARM", "AlarmRule": rule}]}
    members = {"MetricAlarms": [{"AlarmName": "notify-api-5xx-us-east-1", "StateValue": "OK"},
                                {"AlarmName": "notify-ses-volume-us-east-1", "StateValue": "ALARM"}]}  # fmt: skip
    volume = stop.volume_alarm_names(ctx)
    assert volume == ["notify-ses-volume-us-east-1"]
    with Stubber(cw) as stub:
        stub.add_response("describe_alarms", composite, {"AlarmNames": [name], "AlarmTypes": ["CompositeAlarm"]})
        stub.add_response("describe_alarms", members,
                          {"AlarmNames": ["notify-api-5xx-us-east-1", "notify-ses-volume-us-east-1"]})  # fmt: skip
        assert stop.failback_blockers(cw, name, volume) == []
        members["MetricAlarms"][0]["StateValue"] = "ALARM"
        stub.add_response("describe_alarms", composite, {"AlarmNames": [name], "AlarmTypes": ["CompositeAlarm"]})
        stub.add_response("describe_alarms", members,
                          {"AlarmNames": ["notify-api-5xx-us-east-1", "notify-ses-volume-us-east-1"]})  # fmt: skip
        assert stop.failback_blockers(cw, name, volume) == ["notify-api-5xx-us-east-1"]


def test_failover_mutes_and_failback_unmutes_the_primarys_volume_alarm(fake_clock, ctx, faulty_clients, independent):
    cw = deploy_alarm(ctx, independent)
    primary = independent("cloudwatch", ctx.primary_region)
    primary.put_metric_alarm(AlarmName="notify-ses-volume-us-east-1", Namespace="AWS/SES", MetricName="Send",
                             Statistic="Sum", Period=300, EvaluationPeriods=3, Threshold=1,
                             ComparisonOperator="LessThanThreshold", TreatMissingData="breaching")  # fmt: skip
    enabled = lambda: primary.describe_alarms(AlarmNames=["notify-ses-volume-us-east-1"])[  # noqa: E731
        "MetricAlarms"][0]["ActionsEnabled"]
    report = stop.switch(faulty_clients, ctx, to_standby=True, timeout=60,
                         clock=fake_clock(on_sleep=alarm_follows(cw, ctx)))  # fmt: skip
    assert (report.side_effects[0].step, report.side_effects[0].status) == ("mute volume alarms", "ok")
    assert enabled() is False
    back = fake_clock(on_sleep=alarm_follows(cw, ctx, "OK"))
    stop.switch(faulty_clients, ctx, to_standby=False, timeout=60, clock=back)
    assert enabled() is True


# ------------------------------------------------------------------------------------------------ status
def test_status_degrades_field_by_field(ctx, cli_clients, faults, independent, pair_copy):
    deploy_alarm(ctx, independent, state="ALARM")
    state_tables(ctx, independent, value="failover", regions=[ctx.standby_region])
    primary_down(faults, ctx)
    faults.add("answer", "route53", status=503)
    result = runner.invoke(app, ["status", "--config-dir", str(pair_copy.path), "--json"])
    assert result.exit_code == 0, result.output
    s = json.loads(result.output)
    assert s["stopAlarm"]["state"] == "ALARM"
    assert s["stopAlarm"]["declarationDiffers"] == []
    assert s["stopMetric"] == {"lastValue": None, "timestamp": None, "pendingFailover": False}
    assert s["healthCheck"]["unavailable"] == "ServiceUnavailable: injected"
    assert "unavailable" in s["dnsAnswer"]
    assert "unavailable" in s["regions"]["primary"]
    assert s["regions"]["primary"]["region"] == "us-east-1"
    assert s["appState"]["state"] == "failover"
    assert s["appState"]["readIn"] == "us-west-2"
    tables = {t["table"]: t for t in s["tables"]}
    assert tables["notify-orders"]["standby"] == "unavailable", "no table anywhere: not ACTIVE"
    assert tables[ctx.state_table]["standby"] == "not a replica", "a regional table is reported as it is"
    text = runner.invoke(app, ["status", "--config-dir", str(pair_copy.path)])
    assert text.exit_code == 0
    assert "unavailable: ServiceUnavailable" in text.output


def test_status_reports_a_pending_failover(ctx, clients, independent, pair_copy):
    deploy_alarm(ctx, independent)
    cw = independent("cloudwatch", ctx.standby_region)
    stop.publish(cw, stop.read_alarm(cw, ctx), 1.0, datetime.now(UTC))
    result = runner.invoke(app, ["status", "--config-dir", str(pair_copy.path), "--endpoint-url",
                                 clients.endpoint_url, "--json"])  # fmt: skip
    s = json.loads(result.output)
    assert s["stopMetric"]["lastValue"] == 1.0
    assert s["stopMetric"]["pendingFailover"] is True
    assert "unavailable" in s["appState"], "no table: the field says so, the others stand"


# ------------------------------------------------------------------------------------------------- inputs
def test_region_outside_the_pair_is_refused(endpoint, pair_copy):
    result = runner.invoke(app, ["state", "get", "--region", "eu-west-1", "--config-dir", str(pair_copy.path),
                                 "--endpoint-url", endpoint])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == "regionpair: --region: eu-west-1 is not a region of pair notify; use " \
                                    "us-east-1 or us-west-2"  # fmt: skip


def test_missing_table_names_table_region_and_next_step(ctx, endpoint, pair_copy):
    result = runner.invoke(app, ["state", "set", "fenced", "--config-dir", str(pair_copy.path), "--endpoint-url",
                                 endpoint])  # fmt: skip
    assert result.exit_code == 1
    line = result.output.strip()
    assert "\n" not in line
    assert f"app-state table {ctx.state_table} in us-east-1: ResourceNotFoundException" in line
    assert "deploy the primary stack" in line


def test_broken_yaml_in_a_stack_file_is_one_line(pair_copy):
    (pair_copy.path / "Pulumi.primary.yaml").write_text("config:\n  aws:region: [us-east-1\n")
    result = runner.invoke(app, ["status", "--config-dir", str(pair_copy.path)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "regionpair: Pulumi.primary.yaml line 3 column 1: is not valid YAML: expected ',' or ']', but got "
        "'<stream end>' (while parsing a flow sequence at line 2 column 15); fix the syntax there"
    )


def test_audit_log_lives_with_the_pair_not_the_working_directory(ctx, endpoint, independent, pair_copy,
                                                                tmp_path, monkeypatch):  # fmt: skip
    state_tables(ctx, independent, value="active", regions=[ctx.primary_region])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["state", "set", "fenced", "--config-dir", str(pair_copy.path), "--endpoint-url",
                                 endpoint])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (pair_copy.path / ".regionpair" / "primary" / "audit.log").exists()
    assert not (elsewhere / ".regionpair").exists()
    assert load_context(pair_copy.path).audit_log == pair_copy.path.resolve() / ".regionpair" / "primary" / "audit.log"
