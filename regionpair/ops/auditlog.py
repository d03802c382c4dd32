"""A local, append-only record of what each mutating command did: who, when, what, result (JSON lines)."""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(".regionpair") / "audit.log"


def operator() -> str:
    """Who is acting: `$REGIONPAIR_OPERATOR` (e.g. from SSO tooling) or the OS user."""
    return os.environ.get("REGIONPAIR_OPERATOR") or getpass.getuser()


def record(path: Path, command: str, details: dict[str, Any], result: str, *, who: str | None = None) -> None:
    """Append one entry; the directory is created on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": who or operator(),
        "command": command,
        "details": details,
        "result": result,
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
