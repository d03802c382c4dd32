"""`regionpair failover --timeout T` under each fault of a region, as an operator runs it (a subprocess).

Prints figures (not a test): per fault, the exit code, the wall time against the deadline, and the outcome the
command reported. moto server on 127.0.0.1 behind the fault proxy the tests use (tests/ops/faultproxy.py): it
tells regions apart by each request's SigV4 credential scope, hangs, delays, resets, answers 503/throttling, or
drops the reply after moto processed the request. moto does not evaluate alarms: the proxy plays CloudWatch
(the alarm goes to ALARM once a datapoint reached the standby), so the verification gets as far as Route 53.

    .venv/bin/python bench/bench_faults.py [deadline seconds, default 10]
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ops"))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import PairCopy  # noqa: E402  (the example pair, copied as the tests do)
from faultproxy import FaultProxy  # noqa: E402

from regionpair.ops.context import load_context  # noqa: E402

PRIMARY, STANDBY = "us-east-1", "us-west-2"
SCENARIOS = [
    ("primary hung", PRIMARY, "hang", {}),
    ("primary slow (8 s)", PRIMARY, "slow", {"delay": 8}),
    ("primary resets", PRIMARY, "reset", {}),
    ("primary 503", PRIMARY, "status", {"status": 503}),
    ("primary throttled", PRIMARY, "status", {"status": 400, "code": "Throttling"}),
    ("standby hung", STANDBY, "hang", {}),
    ("standby loses the publish's reply", STANDBY, "drop_reply", {"operation": "PutMetricData"}),
]


def main() -> None:
    deadline = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for key, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "bench",
                       "AWS_DEFAULT_REGION": PRIMARY, "REGIONPAIR_OPERATOR": "bench"}.items():  # fmt: skip
        os.environ[key] = value
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto = f"http://{host}:{port}"
    began = time.monotonic()
    subprocess.run([str(Path(sys.executable).parent / "regionpair"), "failover", "--help"], capture_output=True)
    startup = time.monotonic() - began  # the interpreter and imports, before the command (and its deadline) start
    print(f"failover --timeout {deadline:g} (deadline), moto behind the fault proxy; CLI start-up {startup:.1f} s")
    print(f"{'fault':36} {'exit':>4} {'seconds':>8} {'past deadline + start-up':>25}  outcome")
    try:
        for name, region, kind, params in SCENARIOS:
            urllib.request.urlopen(urllib.request.Request(f"{moto}/moto-api/reset", method="POST")).read()
            with tempfile.TemporaryDirectory() as tmp:
                pair = PairCopy(Path(tmp))
                ctx = load_context(pair.path)
                _arrange(ctx, moto)
                proxy = FaultProxy(moto).start()
                operation = params.pop("operation", None)
                proxy.add(kind, region=region, operation=operation, **params)
                cw = boto3.client("cloudwatch", region_name=STANDBY, endpoint_url=moto)

                def plays_cloudwatch(request, cw=cw, ctx=ctx):
                    if request.operation == "PutMetricData" and request.region == STANDBY:
                        cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="ALARM", StateReason="published")

                if kind != "drop_reply":
                    proxy.after_forward = plays_cloudwatch
                started = time.monotonic()
                done = subprocess.run(
                    [str(Path(sys.executable).parent / "regionpair"), "failover", "--config-dir", str(pair.path),
                     "--endpoint-url", proxy.url, "--timeout", str(deadline), "--json"],
                    capture_output=True, text=True, timeout=deadline * 3 + 30,
                )  # fmt: skip
                took = time.monotonic() - started
                proxy.stop()
                try:
                    outcome = json.loads(done.stdout)["outcome"]
                except (json.JSONDecodeError, KeyError):
                    outcome = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "(no output)"
                over = took - deadline - startup
                print(f"{name:36} {done.returncode:>4} {took:>8.1f} {over:>25.1f}  {outcome[:90]}")
    finally:
        server.stop()


def _arrange(ctx, moto: str) -> None:
    """The deployed alarm (OK) in the standby and the app state fenced in both regions."""
    cw = boto3.client("cloudwatch", region_name=STANDBY, endpoint_url=moto)
    cw.put_metric_alarm(
        AlarmName=ctx.alarm_name, Namespace=ctx.namespace, MetricName=ctx.metric_name, Dimensions=ctx.dimensions,
        Statistic="Maximum", Period=60, EvaluationPeriods=1, DatapointsToAlarm=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="ignore",
    )  # fmt: skip
    cw.set_alarm_state(AlarmName=ctx.alarm_name, StateValue="OK", StateReason="deployed")
    for region in (PRIMARY, STANDBY):
        ddb = boto3.client("dynamodb", region_name=region, endpoint_url=moto)
        ddb.create_table(
            TableName=ctx.state_table, KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        ddb.put_item(TableName=ctx.state_table, Item={**ctx.state_key, "state": {"S": "fenced"},
                                                      "version": {"N": "2"}, "updatedBy": {"S": "bench"}})  # fmt: skip


if __name__ == "__main__":
    main()
