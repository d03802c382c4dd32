"""A local, append-only record of what each mutating command did: who, when, what, result (JSON lines).

Each state-changing command writes its intent before acting and its outcome after (`guarded`); Ctrl-C or
SIGTERM part way records "interrupted" with what was done; a run killed outright leaves an intent without an
outcome, which the next run reports (`unfinished_note`).

One place per pair: `<config dir>/.regionpair/<primary stack>/audit.log` (next to `pair.yaml`, whatever
directory the command runs from). The directory gets its own `.gitignore` (`*`) on creation, so the log, sync
checkpoints and drill progress never end up in the repository that holds the declaration.
"""

from __future__ import annotations

import getpass
import json
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


def record(
    path: Path, command: str, details: dict[str, Any], result: str, *, who: str | None = None,
    run_id: str | None = None, phase: str | None = None,
) -> None:  # fmt: skip
    """Append one entry and flush it to disk (an entry must survive the process being killed).

    `run_id`/`phase` (`intent` or `outcome`) tie the entries of one run together (`begin`, `guarded`).
    """
    ensure_dir(path.parent)
    entry: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": who or operator(),
        "command": command,
        "details": details,
        "result": result,
    }
    if run_id:
        entry.update(id=run_id, phase=phase or "outcome")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


# ------------------------------------------------------------------------------ intent, outcome, interrupts
class Terminated(BaseException):
    """SIGTERM (or SIGHUP) arrived: unwind like Ctrl-C so the outcome is recorded, then exit 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


INTERRUPT_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


def interrupt_exit_code(err: BaseException) -> int:
    """The shell's convention: 128 + the signal's number (130 for Ctrl-C)."""
    return 128 + err.signum if isinstance(err, Terminated) else 130


@dataclass
class Run:
    """One state-changing command in the audit log: its intent, written before acting, and its outcome after.

    `snapshot` returns what was done so far; it is what an interrupted run records. Entries of one run share
    an `id`; an intent without an outcome is a run that did not finish (killed, power lost): `unfinished`.
    """

    path: Path
    command: str
    id: str
    details: dict[str, Any]
    who: str
    snapshot: Callable[[], dict[str, Any]] = field(default=lambda: {})
    finished: bool = False

    def finish(self, result: str, details: dict[str, Any] | None = None) -> None:
        """Record the outcome (once)."""
        if self.finished:
            return
        self.finished = True
        record(self.path, self.command, {**self.details, **(details or {})}, result, who=self.who, run_id=self.id,
               phase="outcome")  # fmt: skip


def begin(path: Path, command: str, details: dict[str, Any], *, who: str | None = None) -> Run:
    """Write the intent entry and return the run (`Run.finish` writes the outcome)."""
    run = Run(path, command, uuid.uuid4().hex[:12], dict(details), who or operator())
    record(path, command, run.details, "started", who=run.who, run_id=run.id, phase="intent")
    return run


def _raise_terminated(signum: int, _frame: Any) -> None:
    raise Terminated(signum)


@contextmanager
def guarded(path: Path, command: str, details: dict[str, Any], *, who: str | None = None) -> Iterator[Run]:
    """Intent before, outcome after; Ctrl-C, SIGTERM or an error mid-way records what was done, then re-raises.

    SIGTERM and SIGHUP are turned into `Terminated` for the duration (main thread only), so a `kill` or a
    closed terminal unwinds through here like Ctrl-C does instead of ending the process on the spot.
    """
    run = begin(path, command, details, who=who)
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield run
        if not run.finished:  # the caller did not say: it ran to its end
            run.finish("done", _safe(run.snapshot))
    except (KeyboardInterrupt, Terminated) as err:
        name = "SIGINT" if isinstance(err, KeyboardInterrupt) else str(err)
        run.finish(f"interrupted ({name}): see details for what was done", {**_safe(run.snapshot), "interrupted": name})
        raise
    except BaseException as err:
        if not run.finished:
            run.finish(f"failed: {str(err).splitlines()[0] if str(err) else type(err).__name__}", _safe(run.snapshot))
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _safe(snapshot: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return dict(snapshot())
    except Exception as err:  # a broken snapshot must not hide the interrupt
        return {"snapshotError": repr(err)}


def entries(path: Path) -> list[dict[str, Any]]:
    """Every entry of the log (a line torn by a kill mid-write is skipped)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def unfinished(path: Path) -> dict[str, Any] | None:
    """The latest run's intent when that run recorded no outcome (it was killed): what a later run reports."""
    log = entries(path)
    intents = [e for e in log if e.get("phase") == "intent"]
    if not intents:
        return None
    last = intents[-1]
    if any(e.get("id") == last.get("id") and e.get("phase") == "outcome" for e in log):
        return None
    return last


def unfinished_note(path: Path) -> str | None:
    """One line about a run that did not finish, or None."""
    last = unfinished(path)
    if last is None:
        return None
    return (f"the last {last['command']} (started {last['when']} by {last['who']}, run {last['id']}) did not finish: "
            "it may have changed the pair part way; check `regionpair status` before acting")  # fmt: skip
