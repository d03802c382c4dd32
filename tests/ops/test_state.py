"""App state: read, ordered transitions, idempotency, and the race two operators could run."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.components.declaration import AppState
from regionpair.ops import state

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def state_table(ctx, independent):
    """The app-state table and item as the primary stack deploys them."""
    ddb = independent("dynamodb", ctx.primary_region)
    ddb.create_table(
        TableName=ctx.state_table,
        KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(
        TableName=ctx.state_table,
        Item={**ctx.state_key, "state": {"S": "active"}, "version": {"N": "1"}, "updatedBy": {"S": "pulumi"}},
    )
    return ddb


def test_fence_then_failover_then_back(ctx, clients, state_table):
    ddb = clients.get("dynamodb", ctx.primary_region)
    for target in (AppState.FENCED, AppState.FAILOVER, AppState.FENCED, AppState.ACTIVE):
        state.set_state(ddb, ctx.state_table, ctx.state_key, target, who="op")
    item = state_table.get_item(TableName=ctx.state_table, Key=ctx.state_key, ConsistentRead=True)["Item"]
    assert (item["state"]["S"], item["version"]["N"], item["updatedBy"]["S"]) == ("active", "5", "op")


def test_failover_without_fencing_is_refused(ctx, clients, state_table):
    with pytest.raises(state.StateError, match="cannot go from active to failover"):
        state.set_state(clients.get("dynamodb", ctx.primary_region), ctx.state_table, ctx.state_key,
                        AppState.FAILOVER, who="op")  # fmt: skip
    item = state_table.get_item(TableName=ctx.state_table, Key=ctx.state_key)["Item"]
    assert item["state"]["S"] == "active"


def test_same_state_twice_changes_nothing(ctx, clients, state_table):
    ddb = clients.get("dynamodb", ctx.primary_region)
    state.set_state(ddb, ctx.state_table, ctx.state_key, AppState.FENCED, who="op")
    before, after = state.set_state(ddb, ctx.state_table, ctx.state_key, AppState.FENCED, who="op")
    assert before == after
    assert state_table.get_item(TableName=ctx.state_table, Key=ctx.state_key)["Item"]["version"]["N"] == "2"


def test_a_racing_operator_gets_a_conflict(ctx):
    # The race needs the write to fail after the read succeeded; botocore's Stubber (validated against the real
    # DynamoDB model) plays the other operator's earlier write by failing our conditional update.
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    with Stubber(ddb) as stub:
        stub.add_response(
            "get_item",
            {"Item": {**ctx.state_key, "state": {"S": "active"}, "version": {"N": "3"}, "updatedBy": {"S": "a"}}},
        )
        stub.add_client_error("update_item", service_error_code="ConditionalCheckFailedException", http_status_code=400)
        with pytest.raises(state.StateConflictError, match="version 3"):
            state.set_state(ddb, ctx.state_table, ctx.state_key, AppState.FENCED, who="b")


def test_cli_state_set_dry_run_and_audit_log(ctx, endpoint, state_table, tmp_path):
    log = tmp_path / "audit.log"
    common = ["--config-dir", str(ROOT), "--endpoint-url", endpoint, "--audit-log", str(log), "--json"]
    dry = runner.invoke(app, ["state", "set", "fenced", *common, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["to"] == "fenced"
    assert state_table.get_item(TableName=ctx.state_table, Key=ctx.state_key)["Item"]["state"]["S"] == "active"
    assert not log.exists(), "a dry run writes no audit entry"

    done = runner.invoke(app, ["state", "set", "fenced", *common])
    assert done.exit_code == 0, done.output
    assert state_table.get_item(TableName=ctx.state_table, Key=ctx.state_key)["Item"]["state"]["S"] == "fenced"
    entry = json.loads(log.read_text().splitlines()[-1])
    assert (entry["who"], entry["command"]) == ("test-operator", "state set")
    assert entry["details"] == {"from": "active", "to": "fenced", "region": "us-east-1"}


def test_cli_refusal_is_one_line_exit_1(endpoint, state_table, tmp_path):
    result = runner.invoke(
        app, ["state", "set", "failover", "--config-dir", str(ROOT), "--endpoint-url", endpoint,
              "--audit-log", str(tmp_path / "a.log")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0, result.output
    assert "cannot go from active to failover" in result.output
