"""Step 1 of a routing migration (`routing.publishRecords: false`) passes `regionpair check`, preview and update.

The two-deploy procedure of docs/day-2.md must not be blocked by our own gate: in step 1 the pair has no records
of the API's name on purpose, and the record policies accept that only while the declaration says so.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.policies import compare

runner = CliRunner()


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
@pytest.mark.parametrize(("mode", "strategy"), [("failover", "warm-standby"), ("region-switch", "warm-standby"),
                                                ("region-switch", "active-active")])  # fmt: skip
def test_step_one_of_a_migration_passes_the_check(pair_copy, mode, strategy, preview) -> None:
    def step_one(d: dict) -> None:
        d["routing"].update(mode=mode, publishRecords=False)
        d["strategy"] = strategy

    pair_copy.shared(step_one)
    result = runner.invoke(app, ["check", "--config-dir", str(pair_copy.path), *(["--preview"] if preview else [])])
    assert result.exit_code == 0, result.output


def test_missing_records_are_still_caught_when_published() -> None:
    """Only the declaration's publishRecords: false excuses a failover pair without its records."""
    primary = {"region": "us-east-1", "routing": {"mode": "failover", "records": []}}
    secondary = {"region": "us-west-2", "routing": {"mode": "failover"}}

    def records_found(decl: dict) -> list:
        return [f for f in compare.compare_manifests(primary, secondary, decl)
                if f.policy == compare.ROUTING_PARITY and f.subject == "records"]  # fmt: skip

    assert records_found({"routing": {"publishRecords": True}})
    assert records_found({})
    assert not records_found({"routing": {"publishRecords": False}})
