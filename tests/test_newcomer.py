"""A newcomer's path: the README's set-up commands, run in order on a clean clone, work.

Slow (a fresh virtualenv is installed from the package index), so it is marked `slow`; CI runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Set up and run", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def test_readme_has_two_setup_commands_and_a_test_command():
    assert readme_setup_commands() == ["make setup", "make check"]
    assert "Tests: `make test`" in (ROOT / "README.md").read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text(), "CI must run the README's test command"


@pytest.mark.slow
def test_readme_commands_on_a_clean_clone(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to clone")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PULUMI_", "REGIONPAIR_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    for command in readme_setup_commands():
        done = subprocess.run(command, shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=900)
        output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        assert done.returncode == 0, f"`{command}` failed in a clean clone:\n{output}"
