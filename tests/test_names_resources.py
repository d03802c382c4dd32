"""`regionpair resources`: what each stack would deploy (type, name, region), by stack name, as a table, JSON and
a Mermaid diagram; docs/pair-diagram.md is the diagram of this repository's example pair, kept current.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from regionpair.cli import app
from tests.conftest import ROOT
from tests.names_project import PROD, STAGING, write_project

runner = CliRunner()


def test_resources_of_a_pair_selected_by_stack(tmp_path) -> None:
    project = write_project(tmp_path)
    result = runner.invoke(app, ["resources", "--config-dir", str(project), "--stack", STAGING[0], "--json"])
    assert result.exit_code == 0, result.output
    stacks = json.loads(result.output)
    assert [(s["stack"], s["role"], s["region"]) for s in stacks] == [
        (STAGING[1], "secondary", "us-west-2"), (STAGING[0], "primary", "us-east-1"),
    ]  # fmt: skip
    primary = stacks[1]["resources"]
    tables = [r for r in primary if r["type"] == "aws:dynamodb/table:Table"]
    assert tables, "the primary owns the global tables"
    assert all(r["region"] == "us-east-1" and r["custom"] for r in tables), tables
    assert all(r["name"].startswith("notify-stg") for r in tables), tables
    records = [r for r in primary if r["type"] == "aws:route53/record:Record"]
    assert records
    assert all(r["region"] is None for r in records), "Route 53 is global"
    assert not any(r["type"].startswith("aws:dynamodb/table") for r in stacks[0]["resources"])


def test_several_pairs_without_stack_is_one_line(tmp_path) -> None:
    project = write_project(tmp_path)
    result = runner.invoke(app, ["resources", "--config-dir", str(project)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert f"--stack {PROD[0]} --stack {PROD[1]}" in result.output


def test_mermaid_diagram_of_the_pair(tmp_path) -> None:
    project = write_project(tmp_path)
    out = tmp_path / "diagram.md"
    result = runner.invoke(app, ["resources", "--config-dir", str(project), "-s", PROD[1], "--mermaid", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "```mermaid\nflowchart LR" in text
    assert f'["{PROD[0]} (primary, us-east-1)"]' in text
    assert f'["{PROD[1]} (secondary, us-west-2)"]' in text
    assert '-. "parityManifest (StackReference)" .->' in text
    assert "HealthCheck" in text


def test_the_example_diagram_in_the_docs_is_current(tmp_path) -> None:
    out = tmp_path / "pair-diagram.md"
    result = runner.invoke(app, ["resources", "--config-dir", str(ROOT), "--mermaid", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert out.read_text() == (ROOT / "docs" / "pair-diagram.md").read_text(), (
        "docs/pair-diagram.md is out of date: regionpair resources --mermaid docs/pair-diagram.md"
    )
