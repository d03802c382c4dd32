"""A local, append-only record of what each mutating command did: who, when, what, result (JSON lines).

One place per pair: `<config dir>/.regionpair/<primary stack>/audit.log` (next to `pair.yaml`, whatever
directory the command runs from). The directory gets its own `.gitignore` (`*`) on creation, so the log, sync
checkpoints and drill progress never end up in the repository that holds the declaration.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def operator() -> str:
    """Who is acting: `$REGIONPAIR_OPERATOR` (e.g. from SSO tooling) or the OS user."""
    return os.environ.get("REGIONPAIR_OPERATOR") or getpass.getuser()


def ensure_dir(path: Path) -> Path:
    """Create a local-state directory that git ignores on its own."""
    path.mkdir(parents=True, exist_ok=True)
    ignore = path / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# regionpair local state (audit log, checkpoints): never commit\n*\n")
    return path


def record(path: Path, command: str, details: dict[str, Any], result: str, *, who: str | None = None) -> None:
    """Append one entry and flush it to disk (an entry must survive the process being killed)."""
    ensure_dir(path.parent)
    entry = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": who or operator(),
        "command": command,
        "details": details,
        "result": result,
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
