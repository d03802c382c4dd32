"""The audit log's intent/outcome pairs, in the library (the CLI's use of them: test_faults_interrupts.py)."""

from __future__ import annotations

import pytest

from regionpair.ops import auditlog


def test_intent_then_outcome_share_an_id(tmp_path):
    log = tmp_path / "audit.log"
    with auditlog.guarded(log, "failover", {"timeout": 20}) as run:
        run.finish("done", {"published": [1]})
    intent, outcome = auditlog.entries(log)
    assert (intent["phase"], intent["result"], outcome["phase"]) == ("intent", "started", "outcome")
    assert intent["id"] == outcome["id"]
    assert outcome["details"] == {"timeout": 20, "published": [1]}
    assert auditlog.unfinished(log) is None


def test_an_interrupt_records_what_was_done(tmp_path):
    log = tmp_path / "audit.log"
    done = {"published": []}

    def command() -> None:
        with auditlog.guarded(log, "failover", {}) as run:
            run.snapshot = lambda: dict(done)
            done["published"] = [{"value": 1.0, "outcome": "published"}]
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        command()
    outcome = auditlog.entries(log)[-1]
    assert outcome["result"].startswith("interrupted (SIGINT)")
    assert outcome["details"]["published"] == [{"value": 1.0, "outcome": "published"}]


def test_a_run_without_an_outcome_is_reported_and_a_torn_line_skipped(tmp_path):
    log = tmp_path / "audit.log"
    auditlog.begin(log, "drill", {})
    with log.open("a") as fh:
        fh.write('{"when": "2026-12-03T09:00:00+00:00", "comm')  # a kill mid-write
    note = auditlog.unfinished_note(log)
    assert note is not None
    assert note.startswith("the last drill (started ")
    assert "did not finish" in note


def test_a_block_that_ends_without_saying_is_done(tmp_path):
    log = tmp_path / "audit.log"
    with auditlog.guarded(log, "state set", {"to": "fenced"}):
        pass
    assert auditlog.entries(log)[-1]["result"] == "done"
