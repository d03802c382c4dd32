"""Your own stack names and several pairs in one project: roles from `regionpair:role`, peers from
`regionpair:peerStack` (also `org/project/stack`), the project name from Pulumi.yaml; `--stack` selects a pair.

Each way of pointing regionpair at the wrong thing has its own one-line message (not all "required key is
missing").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.components.stacks import StackPair, find_pairs, select_pair
from regionpair.simulate import simulate_stack
from tests.names_project import PROD, PROJECT, STAGING, write_project

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def _one_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_the_stack_files_declare_two_pairs_and_other_stacks_are_ignored(project: Path) -> None:
    assert find_pairs(project) == [StackPair(*PROD), StackPair(*STAGING)]
    assert select_pair(project, [PROD[1]]) == StackPair(*PROD), "either half selects its pair"
    assert select_pair(project, [STAGING[0], STAGING[1]]) == StackPair(*STAGING)


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize("pair", [PROD, STAGING], ids=["prod", "staging"])
def test_each_pair_passes_the_check_by_its_stack_names(project: Path, pair: tuple[str, str], preview: bool) -> None:
    args = ["check", "--config-dir", str(project), "--stack", pair[0], "--stack", pair[1], "--format", "json"]
    result = runner.invoke(app, [*args, "--preview"] if preview else args)
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert [(r["stack"], r["role"]) for r in reports] == [(pair[1], "secondary"), (pair[0], "primary")]
    assert all(r["mandatory"] == 0 and r["resources"] > 30 for r in reports), reports
    urns = [d["urn"] for r in reports for d in r["diagnostics"] if d["urn"]]
    assert urns, "the advisory about pending numbers names its resource"
    assert all(u.startswith(("urn:pulumi:prod-", "urn:pulumi:staging-")) and f"::{PROJECT}::" in u for u in urns), urns


def test_the_program_runs_under_the_projects_name_and_reads_its_peer_by_stack_name(project: Path) -> None:
    secondary = simulate_stack(PROD[1], config_dir=project, project=PROJECT)
    primary = simulate_stack(PROD[0], config_dir=project, project=PROJECT, peer_outputs={PROD[1]: secondary.outputs})
    assert all(r.urn.startswith(f"urn:pulumi:{PROD[0]}::{PROJECT}::") for r in primary.resources)
    # The StackReference (to acme-org/acme/prod-usw2) answered with the secondary's outputs: its API is the target.
    records = [r for r in primary.by_type("aws:route53/record:Record") if r.inputs.get("setIdentifier")]
    targets = {r.inputs["setIdentifier"]: r.inputs["aliases"][0]["name"] for r in records}
    assert targets["secondary"] == secondary.outputs["parityManifest"]["api"]["regionalDomainName"], targets
    staging = simulate_stack(STAGING[1], config_dir=project, project=PROJECT)
    names = {r.inputs.get("bucket") for r in staging.by_type("aws:s3/bucket:Bucket")}
    assert names
    assert all(n.startswith("notify-stg") for n in names), names


def test_several_pairs_without_stack_is_one_line_listing_them(project: Path) -> None:
    result = runner.invoke(app, ["check", "--config-dir", str(project)])
    assert result.exit_code == 2
    line = _one_line(result)
    assert "this project holds 2 pairs" in line
    assert f"{PROD[0]} (primary) + {PROD[1]} (secondary)" in line
    assert f"{STAGING[0]} (primary) + {STAGING[1]} (secondary)" in line
    assert f"--stack {PROD[0]} --stack {PROD[1]}" in line


def test_a_single_pair_with_own_names_needs_no_stack(project: Path) -> None:
    for stack in STAGING:
        (project / f"Pulumi.{stack}.yaml").unlink()
    assert select_pair(project) == StackPair(*PROD)


def _without_namespace(project: Path) -> None:
    path = project / f"Pulumi.{PROD[1]}.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"]["role"] = data["config"].pop("regionpair:role")
    path.write_text(yaml.safe_dump(data))


def _in_project_namespace(project: Path) -> None:
    path = project / f"Pulumi.{PROD[0]}.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"][f"{PROJECT}:peerStack"] = data["config"].pop("regionpair:peerStack")
    path.write_text(yaml.safe_dump(data))


MISTAKES = [
    pytest.param(
        lambda p: (p / f"Pulumi.{PROD[1]}.yaml").unlink(),
        ["--stack", PROD[0]],
        f"Pulumi.{PROD[0]}.yaml regionpair:peerStack: names stack {PROD[1]}, but there is no Pulumi.{PROD[1]}.yaml",
        id="missing-peer-stack-file",
    ),
    pytest.param(
        lambda p: [f.unlink() for f in p.glob("Pulumi*.yaml")],
        [],
        "no Pulumi.yaml here, so this is not a Pulumi project directory; run regionpair in the directory",
        id="wrong-directory",
    ),
    pytest.param(
        lambda p: None,
        ["--stack", "prod-euw1"],
        "--stack prod-euw1: no stack file Pulumi.prod-euw1.yaml in",
        id="unknown-stack",
    ),
    pytest.param(
        _without_namespace,
        ["--stack", PROD[1]],
        f"Pulumi.{PROD[1]}.yaml role: `role` (no namespace) is not in the regionpair: namespace; write it as "
        "regionpair:role",
        id="key-without-namespace",
    ),
    pytest.param(
        _in_project_namespace,
        ["--stack", PROD[0]],
        f"Pulumi.{PROD[0]}.yaml {PROJECT}:peerStack: `{PROJECT}:peerStack` is not in the regionpair: namespace",
        id="key-in-the-projects-namespace",
    ),
    pytest.param(
        lambda p: None,
        ["--stack", "dev"],
        "Pulumi.dev.yaml regionpair:role: is not set, so this stack is not half of a pair",
        id="stack-of-no-pair",
    ),
    pytest.param(
        lambda p: None,
        ["--stack", PROD[0], "--stack", STAGING[1]],
        f"--stack {STAGING[1]}: is not the peer of {PROD[0]}",
        id="stacks-of-two-pairs",
    ),
]


@pytest.mark.parametrize(("break_it", "args", "expected"), MISTAKES)
def test_each_naming_mistake_has_its_own_line(project: Path, break_it, args: list[str], expected: str) -> None:
    break_it(project)
    for command in (["check"], ["status"]):
        result = runner.invoke(app, [*command, "--config-dir", str(project), *args])
        assert result.exit_code in (1, 2), result.output
        line = _one_line(result)
        assert expected in line, line
        assert "required key is missing" not in line


def test_peer_stack_of_another_project_is_refused_with_the_fix(project: Path) -> None:
    path = project / f"Pulumi.{PROD[0]}.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"]["regionpair:peerStack"] = f"acme-org/other/{PROD[1]}"
    path.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["check", "--config-dir", str(project), "--stack", PROD[0]])
    assert result.exit_code == 2
    assert f"names project other but this is project {PROJECT}" in _one_line(result)


def test_a_users_own_program_is_checked_by_its_stack_names() -> None:
    """examples/own-program: project `shop`, stacks shop-use1/shop-usw2, its own __main__.py importing the library."""
    from tests.conftest import ROOT

    result = runner.invoke(app, ["check", "--config-dir", str(ROOT / "examples" / "own-program"), "--format", "json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert [(r["stack"], r["role"]) for r in reports] == [("shop-usw2", "secondary"), ("shop-use1", "primary")]
    assert all(r["mandatory"] == 0 for r in reports)
