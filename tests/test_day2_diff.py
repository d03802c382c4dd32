"""`regionpair diff`: the deployed states (as `pulumi stack export` writes them) against a changed checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionpair import redeploy
from regionpair.cli import app
from regionpair.simulate import PairRun

runner = CliRunner()


@pytest.fixture(scope="module")
def exports(pair_run: PairRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example pair as deployed: one export file per stack (the shape `pulumi stack export` writes)."""
    where = tmp_path_factory.mktemp("exports")
    out = {}
    for run in pair_run:
        path = where / f"{run.stack}.json"
        path.write_text(json.dumps(redeploy.export_of(run), default=str))
        out[run.stack] = path
    return out


def _diff(exports: dict[str, Path], config_dir: Path, *extra: str):
    return runner.invoke(app, ["diff", "--secondary-state", str(exports["secondary"]), "--primary-state",
                               str(exports["primary"]), "--config-dir", str(config_dir), *extra])  # fmt: skip


def test_an_export_reads_back_as_the_state(pair_run: PairRun, exports: dict[str, Path]) -> None:
    state = redeploy.state_from_export(json.loads(exports["primary"].read_text()), "primary")
    assert [r.urn for r in state.resources] == [r.urn for r in pair_run.primary.resources]
    assert state.outputs.keys() == pair_run.primary.outputs.keys()
    assert any(r.protect for r in state.resources)


def test_an_unchanged_checkout_changes_nothing(exports, pair_copy) -> None:
    result = _diff(exports, pair_copy.path)
    assert result.exit_code == 0, result.output
    assert "pulumi up -s secondary: 0 change(s)" in result.output
    assert "pulumi up -s primary: 0 change(s)" in result.output


def test_a_routing_mode_change_is_refused_in_words(exports, pair_copy) -> None:
    pair_copy.shared(lambda d: d["routing"].update(mode="latency"))
    result = _diff(exports, pair_copy.path)
    assert result.exit_code == 1, result.output
    assert "would DELETE notify-routing-record-primary [Record]" in result.output
    assert "REFUSED notify-routing-record-us-west-2" in result.output
    assert "two deploys" in result.output
    assert "ChangeResourceRecordSets" in result.output


def test_a_table_rename_json_names_the_replacement_and_the_refusal(exports, pair_copy) -> None:
    pair_copy.shared(lambda d: d["tables"][0].update(name="purchases"))
    result = _diff(exports, pair_copy.path, "--json")
    assert result.exit_code == 1, result.output
    plan = json.loads(result.output)
    primary = plan["stacks"]["primary"]
    assert "notify-table-orders-table" in [s["name"] for s in primary["delete"]]
    assert "notify-table-purchases-table" in [s["name"] for s in primary["create"]]
    refused = [r for r in primary["refused"] if r["urn"].endswith("notify-table-orders-table")]
    assert refused, primary["refused"]
    assert refused[0]["source"] == redeploy.PROTECT


def test_a_bad_export_is_one_line(pair_copy, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 3}))
    result = runner.invoke(app, ["diff", "--primary-state", str(bad), "--config-dir", str(pair_copy.path)])
    assert result.exit_code == 1
    assert "no deployment.resources" in result.output
    assert len(result.output.strip().splitlines()) == 1
