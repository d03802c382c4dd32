"""What `regionpair check` tells a newcomer: every policy with its result per stack, the mandatory findings with
their fix (the rest with --verbose), a finding about the secondary shown once, invented values marked simulated.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regionpair.cli import app

runner = CliRunner()
PENDING_DECLARED = "+12065550100"  # a number the stack file declares: real, never marked


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from tests.conftest import PairCopy

    where = PairCopy(tmp_path_factory.mktemp("report")).path
    text = runner.invoke(app, ["check", "--config-dir", str(where)], terminal_width=200)
    verbose = runner.invoke(app, ["check", "--config-dir", str(where), "--verbose"], terminal_width=200)
    data = runner.invoke(app, ["check", "--config-dir", str(where), "--format", "json"])
    return text, verbose, json.loads(data.output)


def test_every_policy_has_a_summary_line_per_stack(report) -> None:
    text, _verbose, data = report
    assert text.exit_code == 0, text.output
    policies = data[0]["policies"]
    assert len(policies) > 25, policies
    assert policies["sms-number-pending"] == "advisory"
    lines = {line.split()[0]: line.split()[1:] for line in text.output.splitlines() if line.split()}
    for name, level in policies.items():
        assert lines[name][0] == level, lines[name]
    assert lines["dynamodb-table-global-replica"][1:] == ["pass", "pass"]
    assert lines["sms-number-pending"][1:] == ["1", "advisory", "1", "advisory"]


def test_advisory_details_only_with_verbose(report) -> None:
    text, verbose, _data = report
    assert "pending registration" not in text.output
    assert "--verbose lists them" in text.output
    assert "sms-number-pending (advisory) on notify: secondary (us-west-2)" in verbose.output


def test_a_finding_about_the_secondary_is_not_repeated_under_the_primary(report) -> None:
    _text, verbose, data = report
    secondary, primary = data
    assert (secondary["role"], primary["role"]) == ("secondary", "primary")
    assert primary["repeated"] == 1
    messages = [d["message"] for d in primary["diagnostics"]]
    assert not any("secondary (us-west-2)" in m for m in messages), messages
    assert verbose.output.count("secondary (us-west-2) sms US") == 1, verbose.output
    assert "shown once, under the secondary" in verbose.output


def test_values_the_mock_cloud_invented_are_marked_simulated(report) -> None:
    _text, verbose, data = report
    invented = [v for v in data[0]["simulated"] if v.startswith("+1")]
    assert invented, data[0]["simulated"]
    assert f"{invented[0]} (simulated)" in verbose.output
    assert PENDING_DECLARED not in data[0]["simulated"] + data[1]["simulated"]
    assert "made up by the offline run's mock cloud" in verbose.output


def test_a_mandatory_violation_is_shown_with_its_fix_without_verbose(pair_copy, tmp_path) -> None:
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"sms-number-minimum": {"enforcementLevel": "mandatory", "minimumNumbers": 3}}))
    result = runner.invoke(app, ["check", "--config-dir", str(pair_copy.path), "--policy-config", str(config),
                                 "--stack", "secondary"], terminal_width=200)  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "sms-number-minimum (mandatory) on notify:" in result.output
    assert "fewer than 3" in result.output
    row = next(line for line in result.output.splitlines() if line.startswith("sms-number-minimum "))
    assert row.split()[1:] == ["mandatory", "1", "mandatory"], row
    assert "FAILED 1 mandatory violation(s)" in result.output
