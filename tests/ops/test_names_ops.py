"""Operations commands select the pair by stack in a project holding two (moto server on 127.0.0.1).

The project (tests/names_project.py) has a prod pair (prod-use1/prod-usw2), a staging pair and an unrelated
stack; each pair's app-state table is its own, so reading it shows which pair a command resolved.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.ops.context import load_context
from tests.names_project import PROD, STAGING, write_project

runner = CliRunner()


@pytest.fixture
def project(tmp_path):
    return write_project(tmp_path)


def _state_table(ctx, independent, value: str) -> None:
    for region in ctx.regions:
        ddb = independent("dynamodb", region)
        ddb.create_table(
            TableName=ctx.state_table, KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        ddb.put_item(TableName=ctx.state_table, Item={**ctx.state_key, "state": {"S": value}, "version": {"N": "1"},
                                                      "updatedBy": {"S": "ops"}})  # fmt: skip


def test_each_pair_is_operated_by_naming_one_of_its_stacks(project, endpoint, independent):
    prod, staging = load_context(project, PROD[1]), load_context(project, [STAGING[0]])
    assert (prod.stacks.primary, prod.stacks.secondary) == PROD
    assert (staging.stacks.primary, staging.stacks.secondary) == STAGING
    assert prod.state_table != staging.state_table
    _state_table(prod, independent, "active")
    _state_table(staging, independent, "fenced")
    for stacks, expected in (([PROD[0]], "active"), ([STAGING[1]], "fenced"), (list(STAGING), "fenced")):
        args = ["state", "get", "--config-dir", str(project), "--endpoint-url", endpoint, "--json"]
        for stack in stacks:
            args += ["--stack", stack]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["state"] == expected, (stacks, result.output)


def test_a_dry_run_changes_the_named_pair_only(project, endpoint, independent):
    staging = load_context(project, STAGING[0])
    _state_table(staging, independent, "active")
    args = ["state", "set", "fenced", "--stack", STAGING[1], "--config-dir", str(project), "--endpoint-url", endpoint,
            "--json"]  # fmt: skip
    result = runner.invoke(app, [*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["to"] == "fenced"
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    item = independent("dynamodb", staging.primary_region).get_item(TableName=staging.state_table,
                                                                      Key=staging.state_key)["Item"]  # fmt: skip
    assert item["state"]["S"] == "fenced"
    assert (project / ".regionpair" / STAGING[0] / "audit.log").exists(), "each pair has its own audit log"
    assert not (project / ".regionpair" / PROD[0]).exists()


def test_without_stack_several_pairs_is_one_line(project, endpoint):
    result = runner.invoke(app, ["state", "get", "--config-dir", str(project), "--endpoint-url", endpoint])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "this project holds 2 pairs" in lines[0]
