"""A user's project with its own names: project `acme`, a prod pair (prod-use1/prod-usw2), a staging pair, and
a stack that has nothing to do with regionpair. Shared by tests/test_names.py and tests/ops/test_names_ops.py.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import ROOT

PROJECT = "acme"
PROD = ("prod-use1", "prod-usw2")
STAGING = ("staging-use1", "staging-usw2")


def _stack(source: str, *, peer: str, declaration: str | None = None) -> dict:
    data = yaml.safe_load((ROOT / source).read_text())
    data["config"]["regionpair:peerStack"] = peer
    if declaration:
        data["config"]["regionpair:declaration"] = declaration
    return data


def write_project(where: Path) -> Path:
    """Write the project's files into `where` and return it."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    project["name"] = PROJECT
    files: dict[str, dict] = {"Pulumi.yaml": project}
    prod = yaml.safe_load((ROOT / "pair.yaml").read_text())
    files["pair.yaml"] = prod
    staging = yaml.safe_load((ROOT / "pair.yaml").read_text())
    staging["name"] = "notify-stg"
    staging["appState"]["appId"] = "notify-stg"
    files["pair-staging.yaml"] = staging
    # The primary names its peer fully qualified (org/project/stack), the secondary by stack name only.
    files[f"Pulumi.{PROD[0]}.yaml"] = _stack("Pulumi.primary.yaml", peer=f"acme-org/{PROJECT}/{PROD[1]}")
    files[f"Pulumi.{PROD[1]}.yaml"] = _stack("Pulumi.secondary.yaml", peer=PROD[0])
    files[f"Pulumi.{STAGING[0]}.yaml"] = _stack(
        "Pulumi.primary.yaml", peer=STAGING[1], declaration="pair-staging.yaml"
    )
    files[f"Pulumi.{STAGING[1]}.yaml"] = _stack(
        "Pulumi.secondary.yaml", peer=STAGING[0], declaration="pair-staging.yaml"
    )
    files["Pulumi.dev.yaml"] = {"config": {"aws:region": "eu-west-1", f"{PROJECT}:owner": "dev-team"}}
    for name, data in files.items():
        (where / name).write_text(yaml.safe_dump(data, sort_keys=False))
    return where
