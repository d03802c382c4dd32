"""`regionpair check`, the README's main job: exit codes, report formats, a pair declared elsewhere."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from regionpair.cli import app

runner = CliRunner()


def test_example_pair_passes(pair_copy):
    result = runner.invoke(app, ["check", "--config-dir", str(pair_copy.path)])
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output
    assert "Checked secondary (secondary, " in result.output
    assert "primary (primary, " in result.output


def test_mandatory_violation_exits_1_and_json_names_policy_and_urn(pair_copy, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"sms-number-minimum": {"enforcementLevel": "mandatory", "minimumNumbers": 3}}))
    result = runner.invoke(
        app,
        ["check", "--config-dir", str(pair_copy.path), "--policy-config", str(config), "--format", "json",
         "--stack", "secondary"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [r["stack"] for r in report] == ["secondary"]
    diag = next(d for d in report[0]["diagnostics"] if d["policy"] == "sms-number-minimum")
    assert "fewer than 3" in diag["message"]
    assert diag["level"] == "mandatory"


def test_bad_declaration_is_one_line_exit_2(pair_copy):
    pair_copy.shared(lambda d: d["email"]["domains"].append("exa mple.com"))
    result = runner.invoke(app, ["check", "--config-dir", str(pair_copy.path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "pair.yaml email.domains[2]" in lines[0]
    assert "Traceback" not in result.output


def test_preview_mode_reports_no_false_verdicts(pair_copy):
    result = runner.invoke(app, ["check", "--config-dir", str(pair_copy.path), "--preview", "--format", "json"])
    assert result.exit_code == 0, result.output
    for report in json.loads(result.output):
        assert report["mandatory"] == 0


def test_peer_outputs_checks_the_primary_against_the_deployed_secondary(pair_copy, tmp_path):
    """A secondary deployed from an older pair.yaml (no configuration set): refused before anything changes."""
    from regionpair.simulate import simulate_stack

    older = pair_copy.shared(lambda d: d["email"].update(configurationSets=[]))
    deployed = simulate_stack("secondary", config_dir=older.path).outputs
    outputs = tmp_path / "secondary.json"
    outputs.write_text(json.dumps(deployed))
    from tests.conftest import ROOT

    args = ["check", "--config-dir", str(ROOT), "--stack", "primary", "--peer-outputs", str(outputs), "--preview",
            "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)  # today's checkout: the repository's pair.yaml
    assert result.exit_code == 1, result.output
    diag = next(d for d in json.loads(result.output)[0]["diagnostics"] if d["policy"] == "pair-deploy-order")
    assert "deploy the secondary first: pulumi up -s secondary" in diag["message"]
    assert diag["level"] == "mandatory"
    assert diag["urn"].endswith("regionpair:index:RegionPairHalf::notify")
    config = tmp_path / "pull-request.json"
    config.write_text(json.dumps({"pair-deploy-order": "advisory"}))
    result = runner.invoke(app, [*args, "--policy-config", str(config)])
    assert result.exit_code == 0, result.output


def test_peer_outputs_without_a_manifest_is_one_line_exit_2(tmp_path):
    outputs = tmp_path / "secondary.json"
    outputs.write_text("{}")
    result = runner.invoke(app, ["check", "--peer-outputs", str(outputs)])
    assert result.exit_code == 2, result.output
    assert "--peer-outputs" in result.output
    assert "pulumi stack output --json -s secondary" in result.output


def test_the_console_script_keeps_exit_codes_and_output(pair_copy, tmp_path):
    """The installed `regionpair check` ends with os._exit after its verdict: codes and output must survive it."""
    import subprocess
    import sys
    from pathlib import Path

    script = str(Path(sys.executable).parent / "regionpair")
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"sms-number-minimum": {"minimumNumbers": 3}}))
    base = [script, "check", "--config-dir", str(pair_copy.path), "--stack", "secondary"]
    ok = subprocess.run([*base, "--format", "json"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["stack"] == "secondary"
    bad = subprocess.run([*base, "--policy-config", str(config)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "FAILED" in bad.stdout
    pair_copy.shared(lambda d: d["email"]["domains"].append("exa mple.com"))
    broken = subprocess.run(base, capture_output=True, text=True, check=False)
    assert broken.returncode == 2, broken.stdout + broken.stderr
    assert "pair.yaml email.domains[2]" in broken.stderr
    assert "Traceback" not in broken.stderr
