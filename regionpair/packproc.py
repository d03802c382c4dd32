"""Start the policy pack process the way the Pulumi CLI does, importing nothing heavy.

Why a module of its own: `regionpair check` starts the pack before it imports pulumi and the components, so
the pack loads on the other core while the CLI and the programs load here (the gate's speed).
`regionpair.analyzer.PolicyPackProcess` adopts a process started early, or starts one.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parent.parent / "policies"
PROJECT = "regionpair"

_early: dict[tuple[str, bool], subprocess.Popen[str]] = {}


def spawn(stack: str, preview: bool, pack_dir: Path = PACK_DIR) -> subprocess.Popen[str]:
    """`python -u -m pulumi.policy <engine> <pack-dir>` with the PULUMI_* variables the CLI sets."""
    env = {
        **os.environ,
        "PULUMI_PROJECT": PROJECT,
        "PULUMI_STACK": stack,
        "PULUMI_DRY_RUN": "true" if preview else "false",
        "PULUMI_CONFIG": "{}",
    }
    repo = str(pack_dir.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (repo, env.get("PYTHONPATH", "")) if p)
    # The engine address is only used for logging from the pack; nothing needs to listen there.
    return subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(pack_dir)],
        cwd=pack_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_early(stack: str, preview: bool) -> None:
    """Start the pack now for a later `adopt`; it is stopped at exit if nobody adopts it."""
    if (stack, preview) not in _early:
        _early[(stack, preview)] = spawn(stack, preview)


def adopt(stack: str, preview: bool, pack_dir: Path) -> subprocess.Popen[str] | None:
    """The process `start_early` made for these settings, if any (only for the default pack directory)."""
    return _early.pop((stack, preview), None) if pack_dir == PACK_DIR else None


@atexit.register
def stop_unadopted() -> None:
    """Stop a pack started early that nobody adopted (an error came first); also run at exit."""
    for process in _early.values():
        if process.poll() is None:
            process.terminate()
