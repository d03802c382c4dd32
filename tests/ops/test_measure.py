"""Measured RPO and RTO against the declared objectives, read from moto's CloudWatch (metric data put, then read).

moto stores the metric data and answers GetMetricData like CloudWatch; it does not publish S3 or DynamoDB
replication metrics on its own, so each test puts the datapoints S3 and DynamoDB would publish.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from regionpair.components.evidence_model import replication_metrics
from regionpair.ops import auditlog, measure

NOW = datetime.now(UTC).replace(microsecond=0)


def put(independent, metric, value, name=None, minutes_ago=1):
    independent("cloudwatch", metric.region).put_metric_data(Namespace=metric.namespace, MetricData=[{
        "MetricName": name or metric.metric, "Value": value, "Timestamp": NOW - timedelta(minutes=minutes_ago),
        "Dimensions": [{"Name": k, "Value": v} for k, v in metric.dimensions.items()]}])  # fmt: skip


def synced(ctx, when=NOW):
    auditlog.record(ctx.audit_log, "sync suppression", {"list": "account"}, "ok")
    auditlog.record(ctx.audit_log, "sync opt-outs", {"list": ctx.pair.shared.sms.opt_out_list}, "ok")


def test_every_replicated_store_has_its_metric_in_the_sending_region(ctx):
    metrics = replication_metrics(ctx.pair)
    labels = [m.label for m in metrics]
    assert f"bucket assets {ctx.primary_region} -> {ctx.standby_region}" in labels
    assert f"bucket assets {ctx.standby_region} -> {ctx.primary_region}" in labels  # reverse replication declared
    orders = [m for m in metrics if m.store == "table orders"]
    assert {(m.region, m.dimensions["ReceivingRegion"]) for m in orders} == {
        (ctx.primary_region, ctx.standby_region), (ctx.standby_region, ctx.primary_region)}  # fmt: skip
    s3 = next(m for m in metrics if m.kind == "s3")
    assert set(s3.dimensions) == {"SourceBucket", "DestinationBucket", "RuleId"}
    assert s3.dimensions["RuleId"] == "to-secondary"


def test_rpo_measured_from_replication_metrics_and_sync_lag(ctx, clients, independent):
    metrics = replication_metrics(ctx.pair)
    s3 = next(m for m in metrics if m.kind == "s3")
    orders = next(m for m in metrics if m.store == "table orders" and m.region == ctx.primary_region)
    put(independent, s3, 95.0, minutes_ago=3)
    put(independent, s3, 20.0, minutes_ago=1)
    put(independent, s3, 7.0, name="OperationsPendingReplication")
    put(independent, orders, 1500.0)  # milliseconds
    synced(ctx)
    rpo = measure.measure_rpo(clients, ctx, now=NOW)
    by = {s.store: s for s in rpo.stores}
    assert by[s3.label].lag_seconds == 95.0
    assert by[s3.label].latest_seconds == 20.0
    assert by[s3.label].pending_operations == 7.0
    assert by[orders.label].lag_seconds == 1.5
    assert by[f"table customers {ctx.primary_region} -> {ctx.standby_region}"].status == "idle"
    assert by["suppression list account"].lag_seconds is not None
    assert rpo.verdict.verdict == "met", rpo.verdict
    assert rpo.verdict.measured_seconds == 95.0
    assert rpo.verdict.objective_seconds == 15 * 60


def test_lag_beyond_the_objective_is_missed_and_named(ctx, clients, independent):
    s3 = next(m for m in replication_metrics(ctx.pair) if m.kind == "s3")
    put(independent, s3, 1200.0)
    synced(ctx)
    verdict = measure.measure_rpo(clients, ctx, now=NOW).verdict
    assert verdict.verdict == "missed"
    assert s3.label in verdict.because


def test_a_list_never_synced_misses_the_rpo(ctx, clients):
    rpo = measure.measure_rpo(clients, ctx, now=NOW)
    never = [s for s in rpo.stores if s.status == "never synced"]
    assert {s.store for s in never} == {"suppression list account", f"opt-outs list {ctx.pair.shared.sms.opt_out_list}"}
    assert "regionpair sync suppression" in never[0].note
    assert rpo.verdict.verdict == "missed"


def test_a_region_that_does_not_answer_is_unknown_never_met(ctx, faulty_clients, faults):
    synced(ctx)
    faults.add("refuse", "cloudwatch", ctx.primary_region)
    rpo = measure.measure_rpo(faulty_clients, ctx, now=NOW)
    gone = [s for s in rpo.stores if s.status == "unavailable"]
    assert gone
    assert all(s.region == ctx.primary_region for s in gone)
    assert f"CloudWatch in {ctx.primary_region}" in gone[0].note
    assert any(s.region == ctx.standby_region and s.status == "idle" for s in rpo.stores), "the standby still read"
    assert rpo.verdict.verdict == "unknown"


def test_rto_from_the_steps_that_move_traffic():
    steps = [("fence", 1.0), ("drain", 4.0), ("failover", 140.0), ("promote", 0.5), ("verify", 1.0)]
    met = measure.judge_rto(steps, 300)
    assert (met.verdict, met.measured_seconds) == ("met", 145.5)
    assert "failover 140 s" in met.because
    assert measure.judge_rto(steps, 100).verdict == "missed"
    assert measure.judge_rto(steps[:2], 300).verdict == "unknown"


def test_status_shows_the_measured_rpo(ctx, clients, independent):
    from regionpair.ops.status import pair_status

    s3 = next(m for m in replication_metrics(ctx.pair) if m.kind == "s3")
    put(independent, s3, 30.0)
    synced(ctx)
    field = pair_status(clients, ctx)["objectives"]
    assert field["rpo"]["verdict"] == "met", field
    assert field["rpo"]["measuredSeconds"] == 30.0
    assert field["rtoSeconds"] == ctx.pair.shared.objectives.rto_seconds
