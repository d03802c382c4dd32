"""Every drill writes a report with measured values and a timeline picture; `regionpair report` reopens it.

moto plays CloudWatch (replication metrics put, then read), DynamoDB and SES v2 (the test email from the standby).
End User Messaging SMS is absent from moto: botocore's Stubber (the real service model) answers the standby's
pool lookup and the test SMS. Route 53's health status and TestDNSAnswer: Stubber, as in test_drill.py.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
from botocore.stub import ANY, Stubber
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.components.evidence_model import replication_metrics
from regionpair.ops import auditlog, measure, standby_sends
from regionpair.ops import report as drill_report
from regionpair.ops.drill import drill_plan, run_drill
from tests.ops.test_drill import cloudwatch, dns, pair, route53_answers  # noqa: F401  (pair is a fixture)

SVG = "{http://www.w3.org/2000/svg}"
SIM_DESTINATION = "+14254147755"


def standby_can_send(ctx, independent):
    """The standby's SES identity and configuration set, as the secondary stack deploys them."""
    ses = independent("sesv2", ctx.standby_region)
    ses.create_email_identity(EmailIdentity=ctx.pair.shared.email.domains[0])
    ses.create_configuration_set(ConfigurationSetName=ctx.pair.physical_name(
        ctx.pair.shared.email.configuration_sets[0].name))  # fmt: skip


def sms_stub(ctx, clients):
    sms = boto3.client("pinpoint-sms-voice-v2", region_name=ctx.standby_region)
    clients.use("pinpoint-sms-voice-v2", sms, ctx.standby_region)
    stub = Stubber(sms)
    stub.add_response("describe_pools", {"Pools": [{
        "PoolArn": "arn:aws:sms-voice:us-west-2:111122223333:pool/pool-1", "PoolId": "pool-1", "Status": "ACTIVE",
        "MessageType": "TRANSACTIONAL", "TwoWayEnabled": False, "SelfManagedOptOutsEnabled": False,
        "OptOutListName": ctx.pair.shared.sms.opt_out_list, "SharedRoutesEnabled": False,
        "DeletionProtectionEnabled": True, "CreatedTimestamp": datetime(2026, 1, 1, tzinfo=UTC)}]},
        {"Filters": [{"Name": "opt-out-list-name", "Values": [ctx.pair.shared.sms.opt_out_list]}]})  # fmt: skip
    stub.add_response("send_text_message", {"MessageId": "sms-123"},
                      {"DestinationPhoneNumber": SIM_DESTINATION, "OriginationIdentity": "pool-1",
                       "MessageType": "TRANSACTIONAL", "MessageBody": ANY})  # fmt: skip
    return stub


def steps_in(svg_path):
    root = ET.fromstring(svg_path.read_text())
    assert root.tag == f"{SVG}svg"
    return [(g.get("data-step"), g.get("data-phase"), g.get("data-result"))
            for g in root.iter(f"{SVG}g") if g.get("class") == "step"]  # fmt: skip


def test_a_drill_writes_a_report_with_measured_values_and_a_picture(ctx, clients, independent, pair, fake_clock):  # noqa: F811
    _ddb, cw = pair
    standby_can_send(ctx, independent)
    s3 = next(m for m in replication_metrics(ctx.pair) if m.kind == "s3")
    independent("cloudwatch", s3.region).put_metric_data(Namespace=s3.namespace, MetricData=[{
        "MetricName": "ReplicationLatency", "Value": 42.0, "Timestamp": datetime.now(UTC) - timedelta(minutes=1),
        "Dimensions": [{"Name": k, "Value": v} for k, v in s3.dimensions.items()]}])  # fmt: skip
    auditlog.record(ctx.audit_log, "sync suppression", {"list": "account"}, "ok")
    auditlog.record(ctx.audit_log, "sync opt-outs", {"list": ctx.pair.shared.sms.opt_out_list}, "ok")
    rpo = measure.measure_rpo(clients, ctx)
    route53 = boto3.client("route53", region_name="us-east-1")
    clients.use("route53", route53)
    sends: list = []
    clock = fake_clock(on_sleep=cloudwatch(ctx, independent, cw))
    with Stubber(route53) as r53, sms_stub(ctx, clients):
        route53_answers(r53, ctx, True)
        route53_answers(r53, ctx, False)
        report = run_drill(clients, ctx, who="drill", timeout=120, interval=5, expected_dns=dns, clock=clock,
                           test_sends=lambda: standby_sends.run(clients, ctx, sms_to=SIM_DESTINATION, into=sends))
    assert report.failed_step is None, report.outcome
    plan = [(s.name, s.action) for s in drill_plan(ctx)]
    plan.insert(5, ("test-sends", f"send a test email and SMS from {ctx.standby_region}"))
    evidence = drill_report.from_stop_drill(ctx, report, plan=plan, operator="drill", started=1_800_000_000.0,
                                            ended=clock.now(), rpo=rpo, sends=sends)  # fmt: skip
    paths = drill_report.write_report(evidence, drill_report.reports_dir(ctx))

    assert paths["svg"].parent == ctx.audit_log.parent / "reports", "kept next to the audit log"
    assert paths["svg"].stat().st_size > 0
    drawn = steps_in(paths["svg"])
    assert [name for name, _, _ in drawn] == [r.name for r in report.steps]
    assert "test-sends" in [name for name, _, _ in drawn]
    assert {result for _, _, result in drawn} == {"ok"}
    assert "RTO objective" in paths["svg"].read_text()

    md = paths["markdown"].read_text()
    for step in report.steps:
        assert f"| {step.name} | drill |" in md
    assert "| RTO | 300 s |" in md
    assert "| RPO | 900 s | 42 s | met |" in md, md
    assert f"| email | {ctx.standby_region} | drill@example.com | success@simulator.amazonses.com | sent |" in md
    assert f"| sms | {ctx.standby_region} | pool-1 | {SIM_DESTINATION} | sent | sms-123 |" in md
    assert f"![Timeline of the drill's steps]({paths['svg'].name})" in md
    html = paths["html"].read_text()
    assert "<svg" in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), "self-contained: no external link"
    data = json.loads(paths["json"].read_text())
    assert data["rto"]["verdict"] == "met"
    assert data["rpo"]["measuredSeconds"] == 42.0


def test_a_refused_test_send_fails_the_drill_and_is_rolled_back(ctx, clients, independent, pair, fake_clock):  # noqa: F811
    _ddb, cw = pair  # no SES identity in the standby: SES refuses the send
    route53 = boto3.client("route53", region_name="us-east-1")
    clients.use("route53", route53)
    sends: list = []
    with Stubber(route53) as r53:
        route53_answers(r53, ctx, True)
        route53_answers(r53, ctx, False)
        report = run_drill(clients, ctx, who="drill", timeout=120, interval=5, expected_dns=dns,
                           clock=fake_clock(on_sleep=cloudwatch(ctx, independent, cw)),
                           test_sends=lambda: standby_sends.run(clients, ctx, into=sends))  # fmt: skip
    assert report.failed_step == "test-sends"
    assert "email failed" in report.error
    assert [r.name for r in report.rollback] == ["fence-back", "failback", "unfence"]
    evidence = drill_report.from_stop_drill(ctx, report, plan=[], operator="drill", started=0.0, ended=1.0, rpo=None,
                                            sends=sends)  # fmt: skip
    paths = drill_report.write_report(evidence, drill_report.reports_dir(ctx))
    drawn = steps_in(paths["svg"])
    assert ("test-sends", "drill", "failed") in drawn
    assert [n for n, phase, _ in drawn if phase == "rollback"] == ["fence-back", "failback", "unfence"]


def test_cli_drill_writes_the_report_and_report_reopens_it(ctx, endpoint, clients, pair, pair_copy):  # noqa: F811
    runner = CliRunner()
    result = runner.invoke(app, ["drill", "--config-dir", str(pair_copy.path), "--endpoint-url", endpoint,
                                 "--timeout", "1", "--json"])  # fmt: skip
    assert result.exit_code == 1
    payload = json.loads(result.output[: result.output.rindex("}") + 1])
    report_md = payload["report"]
    assert report_md.endswith(".md")
    assert payload["rto"]["verdict"] == "unknown", "the drill failed at drain: RTO not measured"
    entry = json.loads((pair_copy.path / ".regionpair" / "primary" / "audit.log").read_text().splitlines()[-1])
    assert entry["details"]["report"] == report_md

    listed = runner.invoke(app, ["report", "--config-dir", str(pair_copy.path), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [r["markdown"] for r in rows] == [report_md]
    assert rows[0]["outcome"].startswith("failed at step drain")
    shown = runner.invoke(app, ["report", "latest", "--config-dir", str(pair_copy.path)])
    assert shown.exit_code == 0
    assert shown.output.startswith(f"# Failover drill of pair `{ctx.pair.shared.name}`")
    assert "| drain | drill |" in shown.output
    svg = runner.invoke(app, ["report", rows[0]["name"], "--format", "svg", "--config-dir", str(pair_copy.path)])
    assert ("drain", "drill", "failed") in [
        (g.get("data-step"), g.get("data-phase"), g.get("data-result"))
        for g in ET.fromstring(svg.output).iter(f"{SVG}g") if g.get("class") == "step"
    ]  # fmt: skip
    missing = runner.invoke(app, ["report", "drill-19990101T000000Z", "--config-dir", str(pair_copy.path)])
    assert missing.exit_code == 1
    assert "regionpair report` lists them" in missing.output


def test_a_region_switch_drill_report_has_each_executions_steps(ctx, tmp_path):
    from regionpair.ops.region_switch import RunResult, StepTime

    plan = "arn:aws:arc-region-switch::123456789012:plan/notify-switch:ab0ad5"
    steps = [StepTime("fence-app-state", "completed", 4.0), StepTime("switch-dns", "completed", 31.0),
             StepTime("release-app-state", "completed", 3.0)]  # fmt: skip
    runs = [RunResult(plan, "us-west-2/1", ctx.standby_region, "activate", ctx.standby_region, "completed", steps,
                      actual_recovery_time="PT1M35S"),
            RunResult(plan, "us-east-1/2", ctx.primary_region, "activate", ctx.primary_region, "failed",
                      [StepTime("fence-app-state", "failed", 2.0)])]  # fmt: skip
    evidence = drill_report.from_region_switch(ctx, runs, operator="drill", started=0.0, ended=60.0, rpo=None,
                                               outcome="failed or unverified: see the executions")  # fmt: skip
    assert (evidence.rto.verdict, evidence.rto.measured_seconds) == ("met", 38.0)
    paths = drill_report.write_report(evidence, tmp_path / "reports")
    assert steps_in(paths["svg"]) == [("fence-app-state", "failover", "ok"), ("switch-dns", "failover", "ok"),
                                      ("release-app-state", "failover", "ok"),
                                      ("fence-app-state", "failback", "failed")]  # fmt: skip
    md = paths["markdown"].read_text()
    assert "Region switch's own recovery time for us-west-2/1: PT1M35S" in md
    assert "| failover execution | activate us-west-2" in md


def test_drill_dry_run_lists_the_test_sends_step(pair_copy):
    result = CliRunner().invoke(app, ["drill", "--dry-run", "--json", "--config-dir", str(pair_copy.path)])
    assert result.exit_code == 0, result.output
    steps = list(json.loads(result.output))
    assert steps[steps.index("5. verify") + 1] == "6. test-sends"
    skipped = CliRunner().invoke(app, ["drill", "--dry-run", "--json", "--no-test-sends", "--config-dir",
                                       str(pair_copy.path)])  # fmt: skip
    assert "6. fence-back" in json.loads(skipped.output)


def _region_switch_cli(pair_copy, endpoint, monkeypatch):
    """The CLI's Region switch drill with the plan's executions answered by `region_switch.switch` (the library
    layer, Stubber-tested in test_region_switch.py); SES (moto) answers the test send from the standby."""
    from regionpair import ops_cli
    from regionpair.ops.region_switch import RunResult, StepTime

    (pair_copy.path / "pair.yaml").write_text(
        (Path(__file__).resolve().parents[2] / "docs" / "examples" / "pair-region-switch.yaml").read_text())
    calls: list[bool] = []

    def executed(_clients, declared, *, to_standby, **_kw):
        calls.append(to_standby)
        target = declared.secondary.region if to_standby else declared.primary.region
        return RunResult("arn:aws:arc-region-switch::123456789012:plan/notify-switch:ab0ad5", f"{target}/x", target,
                         "activate", target, "completed", [StepTime("switch-dns", "completed", 31.0)])

    monkeypatch.setattr(ops_cli.region_switch, "switch", executed)
    args = ["drill", "--config-dir", str(pair_copy.path), "--endpoint-url", endpoint]
    return calls, args


def test_a_region_switch_drill_sends_from_the_standby_between_the_executions(pair_copy, endpoint, independent,
                                                                           monkeypatch):  # fmt: skip
    calls, args = _region_switch_cli(pair_copy, endpoint, monkeypatch)
    ses = independent("sesv2", "us-west-2")
    ses.create_email_identity(EmailIdentity="example.com")
    ses.create_configuration_set(ConfigurationSetName="notify-transactional")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert calls == [True, False]
    [row] = [r for r in drill_report.list_reports(pair_copy.path / ".regionpair" / "primary" / "reports")]
    data = json.loads(Path(row["markdown"]).with_suffix(".json").read_text())
    assert data["outcome"] == "done"
    assert [(s["channel"], s["result"]) for s in data["testSends"]] == [("email", "sent"), ("sms", "skipped")]
    assert data["rto"]["verdict"] == "met"


def test_a_refused_send_fails_the_region_switch_drill_after_the_failback(pair_copy, endpoint, monkeypatch):
    calls, args = _region_switch_cli(pair_copy, endpoint, monkeypatch)  # no SES identity in the standby
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert calls == [True, False], "the failback still ran"
    assert "regionpair: drill failed: test sends from us-west-2: email failed" in result.output
    [row] = drill_report.list_reports(pair_copy.path / ".regionpair" / "primary" / "reports")
    assert row["outcome"].startswith("failed: test sends")
