"""The publishable policy pack (`python -m regionpair.pack_bundle OUT`) and the wheel it installs.

The bundle is started as the Pulumi CLI starts an installed pack (`python -m pulumi.policy <engine> <dir>`, cwd the
pack directory) and asked for its policies over the analyzer gRPC protocol.
"""

from __future__ import annotations

import ast
import glob
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from regionpair import pack_bundle
from regionpair.analyzer import PolicyPackProcess
from regionpair.policies.pack import ALL_POLICIES
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "regionpair-pack"
    assert pack_bundle.main([str(out), "--index-url", "https://pypi.example.com/simple"]) == 0
    return out


def test_bundle_holds_only_what_a_published_pack_needs(bundle: Path) -> None:
    assert sorted(p.name for p in bundle.iterdir()) == sorted(pack_bundle.FILES)
    project = yaml.safe_load((bundle / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert project["version"] == pack_bundle.version() == tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "project"]["version"]  # fmt: skip
    requirements = [line for line in (bundle / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert requirements == ["--extra-index-url https://pypi.example.com/simple", f"regionpair=={pack_bundle.version()}"]
    assert "venv/" in (bundle / ".gitignore").read_text(), "the CLI's venv is never published"


def test_main_imports_only_installed_names(bundle: Path) -> None:
    tree = ast.parse((bundle / "__main__.py").read_text())
    modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert modules, "no import at all"
    installed = [m for m in modules if m == "pulumi_policy" or m.startswith("regionpair.")]
    assert installed, modules
    # The rest may only be the standard library (the collector's settings: `gc`), never a repository path.
    assert all(m in installed or m in sys.stdlib_module_names for m in modules), modules


def test_the_bundle_serves_the_packs_policies_and_schemas(bundle: Path) -> None:
    with PolicyPackProcess("bundle", pack_dir=bundle) as pack:
        info = pack.info()
    assert info.name == "regionpair"
    assert [p.name for p in info.policies] == [p.name for p in ALL_POLICIES]
    for served, policy in zip(info.policies, ALL_POLICIES, strict=True):
        schema = policy.config_schema
        assert served.HasField("configSchema") == bool(schema), policy.name
        if schema:
            assert set(served.configSchema.properties.fields) == set(schema.properties), policy.name


def test_a_wheel_url_instead_of_an_index(tmp_path: Path) -> None:
    url = "https://artifacts.example.com/regionpair-0.1.0-py3-none-any.whl"
    pack_bundle.build(tmp_path, wheel_url=url)
    assert f"regionpair @ {url}" in (tmp_path / "requirements.txt").read_text()
    with pytest.raises(ValueError, match="not both"):
        pack_bundle.requirements(index_url="https://x", wheel_url=url)


def test_every_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed, dirs = set(config["packages"]), config["package-dir"]
    for name, where in dirs.items():
        for init in (ROOT / where).rglob("*.py"):
            rel = init.parent.relative_to(ROOT / where)
            package = ".".join([name, *rel.parts]) if rel.parts else name
            if "__pycache__" not in rel.parts:
                assert package in listed, f"{init}: package {package} is not in pyproject's packages (not in the wheel)"
    assert "lambda_src/*.py" in config["package-data"]["regionpair.components"]
    assert "PulumiPolicy.yaml" in config["package-data"]["regionpair.policies"]


@pytest.mark.slow
def test_the_wheel_installs_a_working_library(tmp_path: Path) -> None:
    """`pip wheel .` builds a wheel with the components, the Lambda sources and the pack; it imports from there."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if build.returncode != 0:
        pytest.skip(f"no wheel could be built here (build backend unavailable): {build.stderr.strip()[-200:]}")
    wheel = Path(glob.glob(str(tmp_path / "wheel" / "*.whl"))[0])
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("regionpair/lib.py", "regionpair/components/declaration/api.py",
                   "regionpair/components/lambda_src/app.py", "regionpair/policies/PulumiPolicy.yaml",
                   "regionpair/policies/__main__.py", "regionpair/pack_bundle.py"):  # fmt: skip
        assert needed in names, needed
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, timeout=300)  # fmt: skip
    site = next(p for p in sys.path if p.endswith("site-packages"))
    probe = (
        "import regionpair.lib, regionpair.components.lambda_code as c, regionpair.policies.pack as p;"
        f"assert regionpair.lib.__file__.startswith({str(target)!r}), regionpair.lib.__file__;"
        "assert c.BUNDLED_SOURCE.is_file(); print(len(p.ALL_POLICIES))"
    )
    # -S: no site-packages processing, so the checkout's editable install cannot answer for the wheel.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), site])}
    out = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) == len(ALL_POLICIES)
