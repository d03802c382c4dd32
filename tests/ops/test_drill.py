"""The drill executes its plan in order against moto, each step timed, and leaves the pair as it found it.

moto does not evaluate alarms: the `sleep` hook plays CloudWatch by flipping the STOP alarm, as publishing
the metric would.
"""

from __future__ import annotations

from pathlib import Path

from regionpair.ops.context import load_context
from regionpair.ops.drill import drill_plan, run_drill

ROOT = Path(__file__).resolve().parents[2]


def test_drill_runs_every_step_and_restores_active(clients, independent):
    ctx = load_context(ROOT)
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
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="OK", StateReason="deployed")

    def cloudwatch_evaluates(_seconds: float) -> None:
        current = cw.describe_alarms(AlarmNames=[ctx.alarm_name])["MetricAlarms"][0]["StateValue"]
        cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="OK" if current == "ALARM" else "ALARM",
                           StateReason="metric published")  # fmt: skip

    results = run_drill(clients, ctx, who="drill", timeout=30, interval=0, sleep=cloudwatch_evaluates)
    assert [r.name for r in results] == [s.name for s in drill_plan(ctx)]
    assert results[3].detail == "fenced -> failover"
    item = ddb.get_item(TableName=ctx.state_table, Key=ctx.state_key)["Item"]
    assert (item["state"]["S"], item["version"]["N"]) == ("active", "5")
    assert cw.describe_alarms(AlarmNames=[ctx.alarm_name])["MetricAlarms"][0]["StateValue"] == "OK"
