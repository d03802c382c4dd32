"""Interrupts and credentials: the CLI as an operator runs it, as a subprocess, through the fault proxy.

SIGINT (Ctrl-C) and SIGTERM arrive after the first datapoint was published (the proxy's hook signals the
process when the next call comes in, and holds that call); SIGKILL leaves only the intent, which the next run
reports. Credentials: none at all (environment cleared, no config files, instance metadata disabled), an
unknown profile, and an expired session token (the proxy answers 403 ExpiredToken as AWS does).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from faultproxy import FaultProxy
from test_faults import audit, deploy_alarm, landed, state_tables
from typer.testing import CliRunner

from regionpair.cli import app

runner = CliRunner()
REGIONPAIR = str(Path(sys.executable).parent / "regionpair")


@pytest.fixture
def proxy(endpoint):
    p = FaultProxy(endpoint).start()
    yield p
    p.stop()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN="testing",
               AWS_DEFAULT_REGION="us-east-1", REGIONPAIR_OPERATOR="test-operator")  # fmt: skip
    return env


def _interrupt_after_first_publish(proxy, ctx, signum, started):
    """When a call follows the first PutMetricData, hold it and signal the command."""

    def hook(request):
        if request.operation != "PutMetricData" and proxy.calls(operation="PutMetricData") and not started.get("sent"):
            started["sent"] = True
            proxy.add("hang", region=request.region, service=request.service, operation=request.operation, times=1)
            os.kill(started["pid"], signum)

    return hook


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code", "name"), [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")])
def test_interrupted_failover_records_what_it_did(ctx, proxy, independent, pair_copy, signum, code, name):
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent)
    started: dict = {}
    proxy.on_request = _interrupt_after_first_publish(proxy, ctx, signum, started)
    proc = subprocess.Popen(
        [REGIONPAIR, "failover", "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url, "--json",
         "--timeout", "20"],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    started["pid"] = proc.pid
    try:
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert started.get("sent"), "the proxy never saw the publish"
    assert proc.returncode == code, err
    assert f"failover interrupted ({name}); done so far: published:" in err
    intent, outcome = audit(pair_copy)[-2:]
    assert intent["phase"] == "intent"
    assert outcome["id"] == intent["id"]
    assert outcome["result"].startswith(f"interrupted ({name})")
    assert [(p["value"], p["outcome"]) for p in outcome["details"]["published"]] == [(1.0, "published")]
    assert landed(independent, ctx) == [1.0]


@pytest.mark.slow
def test_a_killed_run_is_reported_by_the_next_one(ctx, proxy, independent, pair_copy):
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent)
    started: dict = {}
    proxy.on_request = _interrupt_after_first_publish(proxy, ctx, signal.SIGKILL, started)
    proc = subprocess.Popen(
        [REGIONPAIR, "failover", "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url, "--timeout", "20"],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    started["pid"] = proc.pid
    try:
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    entries = audit(pair_copy)
    assert entries[-1]["phase"] == "intent", "killed outright: only the intent is there"
    proxy.on_request = None
    proxy.clear()
    status = runner.invoke(app, ["status", "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url,
                                 "--json", "--timeout", "5"])  # fmt: skip
    assert "did not finish" in json.loads(status.stdout)["previousRunUnfinished"]
    again = runner.invoke(app, ["failback", "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url,
                                "--json", "--timeout", "3", "--force"])  # fmt: skip
    assert f"regionpair: warning: the last failover (started {entries[-1]['when']}" in again.stderr
    assert "did not finish" in audit(pair_copy)[-1]["details"]["previousRunUnfinished"]


# -------------------------------------------------------------------------------------------- credentials
COMMANDS = [
    ["status"], ["failover"], ["failback"], ["state", "get"], ["state", "set", "fenced"], ["drill"],
    ["sync", "contacts", "news"], ["audit"], ["sms", "status"], ["readiness"],
]


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_no_credentials_is_one_line_naming_what_to_set(ctx, proxy, pair_copy, no_credentials, command):
    result = runner.invoke(app, [*command, "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url])
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert "\n" not in line, line
    assert line.startswith("regionpair: AWS credentials: no credentials found; no profile and no AWS_* variables"), line
    assert "--force" not in line
    assert "--profile" in line


def test_an_unknown_profile_is_one_line(ctx, proxy, pair_copy, no_credentials):
    result = runner.invoke(app, ["status", "--config-dir", str(pair_copy.path), "--profile", "nosuch"])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("regionpair: AWS credentials: profile not configured"), result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_an_expired_token_is_one_line_for_every_command(ctx, proxy, independent, pair_copy, command):
    deploy_alarm(ctx, independent)
    state_tables(ctx, independent)
    proxy.add("status", status=403, code="ExpiredToken", message="The security token included in the request "
              "is expired")  # fmt: skip
    timed = ["--timeout", "5"] if command[0] in ("status", "failover", "failback", "drill") else []
    result = runner.invoke(app, [*command, "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url, *timed])
    assert result.exit_code == 1, result.output
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("regionpair: AWS credentials: the session token has expired (ExpiredToken); "
                           "credentials from the environment (AWS_SESSION_TOKEN)"), line  # fmt: skip
    assert "--force" not in line


def test_audit_of_an_undeployed_pair_says_not_deployed(ctx, proxy, pair_copy):
    result = runner.invoke(app, ["audit", "--config-dir", str(pair_copy.path), "--endpoint-url", proxy.url])
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert line.startswith("regionpair: pair notify is not deployed (no STOP alarm notify-stop-failover in us-west-2; "
                           "no table notify-orders in us-east-1 or us-west-2"), line  # fmt: skip
    assert "no SES identity example.com in us-east-1 or us-west-2" in line
    assert "declare" not in line


@pytest.mark.parametrize("command", ["failover", "failback"])
def test_dry_run_says_what_it_would_do_even_offline(ctx, proxy, pair_copy, no_credentials, command):
    result = runner.invoke(app, [command, "--dry-run", "--json", "--config-dir", str(pair_copy.path),
                                 "--endpoint-url", proxy.url, "--timeout", "5"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outcome"] == "dry run"
    assert data["published"] == [{"value": 1.0 if command == "failover" else 0.0, "count": 1, "dryRun": True}]
    assert data["alarm"]["source"] == "pair.yaml (the deployed alarm could not be read)"
    assert "AWS credentials: no credentials found" in data["warnings"][0]
    assert not (pair_copy.path / ".regionpair" / "primary" / "audit.log").exists(), "a dry run writes no audit entry"
