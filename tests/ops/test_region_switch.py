"""Driving the Region switch plan: a successful run, a failed step, an approval wait, a cancel, status.

moto has no `arc-region-switch` at all (no plans, executions or events), so every call here is answered by
botocore's `Stubber` on real clients built from the service model: the requests are validated against the
model (operation names, parameter shapes) and the responses must match the model's output shapes. What the
stubs cannot show: how fast Region switch moves through steps, and its real event wording.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from regionpair.components.loader import load_pair
from regionpair.components.region_switch_model import with_region_switch
from regionpair.ops import region_switch as rs
from regionpair.simulate import stack_config

ROOT = Path(__file__).resolve().parents[2]
ARN = "arn:aws:arc-region-switch::123456789012:plan/notify-switch:ab0ad5"
EXEC = "us-west-2/0123456789abcdef"
T0 = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)


@pytest.fixture
def pair():
    return with_region_switch(load_pair(ROOT, stack_config(ROOT, "primary"), "primary"))


class StubbedClients:
    """`Clients`-shaped factory handing out real arc-region-switch clients, each behind a Stubber."""

    def __init__(self) -> None:
        self.stubs: dict[str, Stubber] = {}
        self.clients: dict[str, Any] = {}
        self.asked: list[tuple[str, str | None]] = []

    def stub(self, region: str) -> Stubber:
        if region not in self.stubs:
            client = boto3.client("arc-region-switch", region_name=region)
            self.clients[region], self.stubs[region] = client, Stubber(client)
            self.stubs[region].activate()
        return self.stubs[region]

    def get(self, service: str, region: str | None = None) -> Any:
        self.asked.append((service, region))
        assert region is not None
        self.stub(region)
        return self.clients[region]


def plans(stub: Stubber) -> None:
    stub.add_response(
        "list_plans_in_region",
        {"plans": [{"arn": ARN, "owner": "123456789012", "name": "notify-switch",
                    "regions": ["us-east-1", "us-west-2"], "recoveryApproach": "activePassive"}]},
        {},
    )  # fmt: skip


def event(i: int, kind: str, step: str | None = None, **more: Any) -> dict[str, Any]:
    e = {"eventId": f"e{i}", "type": kind, "timestamp": T0 + timedelta(seconds=10 * i), **more}
    if step:
        e["stepName"] = step
    return e


def events(stub: Stubber, *items: dict[str, Any]) -> None:
    stub.add_response("list_plan_execution_events", {"items": list(items)}, {"planArn": ARN, "executionId": EXEC})


def execution(stub: Stubber, state: str, steps: list[tuple[str, str, int | None]] | None = None) -> None:
    body: dict[str, Any] = {
        "planArn": ARN, "executionId": EXEC, "startTime": T0, "mode": "graceful", "executionState": state,
        "executionAction": "activate", "executionRegion": "us-west-2",
    }  # fmt: skip
    if steps is not None:
        body["stepStates"] = [
            {"name": n, "status": s, "startTime": T0, **({"endTime": T0 + timedelta(seconds=d)} if d else {})}
            for n, s, d in steps
        ]
        if state == "completed":
            body["actualRecoveryTime"] = "PT1M35S"
    stub.add_response("get_plan_execution", body, {"planArn": ARN, "executionId": EXEC})


def started(stub: Stubber) -> None:
    stub.add_response(
        "start_plan_execution",
        {"executionId": EXEC, "plan": ARN, "activateRegion": "us-west-2"},
        {"planArn": ARN, "targetRegion": "us-west-2", "action": "activate", "mode": "graceful", "comment": ANY},
    )


STEPS_OK = [("fence-app-state", "completed", 4), ("switch-dns", "completed", 31), ("release-app-state", "completed", 3)]


def test_failover_starts_in_the_standby_and_times_each_step(pair) -> None:
    clients = StubbedClients()
    west = clients.stub("us-west-2")
    plans(west)
    started(west)
    events(west, event(1, "executionStarted"), event(2, "stepStarted", "fence-app-state"))
    execution(west, "inProgress")
    events(
        west, event(1, "executionStarted"), event(2, "stepStarted", "fence-app-state"),
        event(3, "stepSucceeded", "fence-app-state"), event(4, "stepSucceeded", "switch-dns"),
        event(5, "stepSucceeded", "release-app-state"), event(6, "executionSucceeded"),
    )  # fmt: skip
    execution(west, "completed")
    execution(west, "completed", STEPS_OK)
    lines: list[str] = []
    result = rs.switch(clients, pair, to_standby=True, who="alice", sleep=lambda _s: None, progress=lines.append)
    west.assert_no_pending_responses()
    assert clients.asked == [("arc-region-switch", "us-west-2")], "nothing asked of the primary region"
    assert isinstance(result, rs.RunResult)
    assert result.succeeded
    assert (result.action, result.target_region, result.region) == ("activate", "us-west-2", "us-west-2")
    assert [(s.name, s.seconds) for s in result.steps] == [(n, float(d)) for n, _, d in STEPS_OK]
    assert result.actual_recovery_time == "PT1M35S"
    assert len(result.events) == 6, "each event reported once"
    assert any("stepSucceeded switch-dns" in line for line in lines)


def test_a_failed_step_stops_with_the_step_and_its_error(pair) -> None:
    clients = StubbedClients()
    west = clients.stub("us-west-2")
    plans(west)
    started(west)
    events(
        west, event(1, "executionStarted"),
        event(2, "stepFailed", "release-app-state", error="state is active, not fenced"),
        event(3, "executionPaused"),
    )  # fmt: skip
    execution(west, "pausedByFailedStep")
    execution(west, "pausedByFailedStep", [("fence-app-state", "completed", 4), ("release-app-state", "failed", 2)])
    with pytest.raises(rs.ExecutionFailedError) as err:
        rs.switch(clients, pair, to_standby=True, who="alice", sleep=lambda _s: None)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"plan {ARN} in us-west-2: execution {EXEC} pausedByFailedStep at step release-app-state")
    assert "state is active, not fenced" in message
    assert "resume or cancel" in message
    assert [s.status for s in err.value.result.steps] == ["completed", "failed"], "how far it got"


def test_approval_wait_is_reported_then_approved_with_approve(pair) -> None:
    clients = StubbedClients()
    east = clients.stub("us-east-1")  # failback runs in the primary region
    plans(east)
    east.add_response(
        "start_plan_execution", {"executionId": EXEC},
        {"planArn": ARN, "targetRegion": "us-east-1", "action": "activate", "mode": "graceful", "comment": ANY},
    )  # fmt: skip
    events(east, event(1, "executionStarted"), event(2, "stepPendingApproval", "approve"))
    east.add_response(
        "approve_plan_execution_step", {},
        {"planArn": ARN, "executionId": EXEC, "stepName": "approve", "approval": "approve", "comment": ANY},
    )  # fmt: skip
    execution(east, "pendingManualApproval")
    events(
        east, event(1, "executionStarted"), event(2, "stepPendingApproval", "approve"), event(3, "executionSucceeded")
    )
    execution(east, "completed")
    execution(east, "completed", [("approve", "completed", 12), *STEPS_OK])
    lines: list[str] = []
    result = rs.switch(
        clients, pair, to_standby=False, who="bob", approve_steps=True, sleep=lambda _s: None, progress=lines.append
    )
    east.assert_no_pending_responses()
    assert isinstance(result, rs.RunResult)
    assert result.approved == ["approve"], "approved once although the event was listed twice"
    assert "approved step approve" in lines


def test_without_approve_the_wait_is_said_and_the_timeout_names_the_next_step(pair) -> None:
    clients = StubbedClients()
    west = clients.stub("us-west-2")
    plans(west)
    started(west)
    events(west, event(1, "stepPendingApproval", "approve"))
    execution(west, "pendingManualApproval")
    lines: list[str] = []
    # Started, not finished at the deadline: "not verified", never "failed" (the execution keeps running).
    with pytest.raises(rs.ExecutionUnverifiedError,
                       match=r"still pendingManualApproval at the deadline \(0 s\); it keeps running"):
        rs.switch(clients, pair, to_standby=True, who="a", timeout=0, sleep=lambda _s: None, progress=lines.append)
    assert any("waits for approval: rerun with --approve" in line for line in lines)


def _interrupt(_seconds: float) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("confirmed", [True, False])
def test_ctrl_c_cancels_only_after_confirmation(pair, confirmed: bool) -> None:
    clients = StubbedClients()
    west = clients.stub("us-west-2")
    plans(west)
    started(west)
    events(west, event(1, "executionStarted"))
    execution(west, "inProgress")
    questions: list[str] = []

    def confirm(question: str) -> bool:
        questions.append(question)
        return confirmed

    if confirmed:
        west.add_response("cancel_plan_execution", {}, {"planArn": ARN, "executionId": EXEC, "comment": ANY})
        with pytest.raises(rs.ExecutionFailedError, match="canceled by the operator"):
            rs.switch(clients, pair, to_standby=True, who="a", confirm_cancel=confirm, sleep=_interrupt)
    else:
        events(west, event(1, "executionStarted"), event(2, "executionSucceeded"))
        execution(west, "completed")
        execution(west, "completed", STEPS_OK)
        calls = iter([_interrupt, lambda _s: None])
        result = rs.switch(clients, pair, to_standby=True, who="a", confirm_cancel=confirm,
                           sleep=lambda s: next(calls)(s))  # fmt: skip
        assert isinstance(result, rs.RunResult)
        assert result.succeeded, "declining keeps following to the end"
    assert questions == [f"cancel execution {EXEC} of {ARN} in us-west-2? Steps already done stay done"]
    west.assert_no_pending_responses()


def test_completed_execution_is_not_reported_failed_when_the_read_back_fails(pair) -> None:
    clients = StubbedClients()
    west = clients.stub("us-west-2")
    plans(west)
    started(west)
    events(west, event(1, "executionSucceeded"))
    west.add_client_error("get_plan_execution", "ThrottlingException", "Rate exceeded", 400)
    result = rs.switch(clients, pair, to_standby=True, who="a", sleep=lambda _s: None)
    assert isinstance(result, rs.RunResult)
    assert result.succeeded
    assert result.verified is False


def test_start_refused_is_one_line_with_the_next_step(pair) -> None:
    clients = StubbedClients()
    west = clients.stub("us-west-2")
    plans(west)
    west.add_client_error("start_plan_execution", "ConflictException", "An execution is already running", 409)
    with pytest.raises(rs.RegionSwitchError) as err:
        rs.switch(clients, pair, to_standby=True, who="a")
    assert str(err.value) == (
        f"plan {ARN} in us-west-2: ConflictException: An execution is already running; "
        "read `regionpair status` (evaluation warnings, a running execution)"
    )


def test_missing_plan_says_which_stack_to_deploy(pair) -> None:
    clients = StubbedClients()
    clients.stub("us-west-2").add_response("list_plans_in_region", {"plans": []}, {})
    with pytest.raises(rs.RegionSwitchError, match="notify-switch in us-west-2: not found; deploy the secondary"):
        rs.switch(clients, pair, to_standby=True, who="a", dry_run=True)


def test_active_active_failover_deactivates_the_primary_from_the_standby(pair_copy) -> None:
    pair_copy.shared(lambda d: d.update(strategy="active-active"))
    pair = with_region_switch(load_pair(pair_copy.path, stack_config(pair_copy.path, "primary"), "primary"))
    assert rs.execution_target(pair, to_standby=True) == rs.Target("deactivate", "us-east-1", "us-west-2")
    assert rs.execution_target(pair, to_standby=False) == rs.Target("activate", "us-east-1", "us-east-1")


def test_status_reads_evaluation_and_last_execution_from_the_standby(pair) -> None:
    assert rs.status_region(pair) == ["us-west-2", "us-east-1"]
    client = boto3.client("arc-region-switch", region_name="us-west-2")
    with Stubber(client) as stub:
        stub.add_response(
            "get_plan_evaluation_status",
            {"planArn": ARN, "evaluationState": "actionRequired", "lastEvaluationTime": T0, "warnings": [
                {"version": "3", "stepName": "fence-app-state", "warningStatus": "active", "warningUpdatedTime": T0,
                 "warningMessage": "Lambda function not found in us-east-1"},
                {"version": "2", "warningStatus": "resolved", "warningUpdatedTime": T0, "warningMessage": "old"},
            ]},
            {"planArn": ARN},
        )  # fmt: skip
        older = {"planArn": ARN, "executionId": "us-west-2/aaaa", "startTime": T0 - timedelta(days=1),
                 "mode": "graceful", "executionState": "completed", "executionAction": "activate",
                 "executionRegion": "us-west-2"}  # fmt: skip
        newer = {**older, "executionId": EXEC, "startTime": T0, "executionState": "inProgress"}
        stub.add_response("list_plan_executions", {"items": [older, newer]}, {"planArn": ARN})
        got = rs.status(client, ARN)
    assert got.evaluation_state == "actionRequired"
    assert got.warnings == ["fence-app-state: Lambda function not found in us-east-1"], "resolved warnings dropped"
    assert got.active_execution == EXEC
    assert got.last_execution is not None
    assert got.last_execution["executionId"] == EXEC


def test_cli_failover_in_region_switch_mode_drives_the_plan(pair_copy, monkeypatch):
    """`regionpair failover --dry-run` dispatches to the plan (not STOP) and asks the standby's data plane."""
    import json

    from typer.testing import CliRunner

    from regionpair import ops_cli
    from regionpair.cli import app
    from regionpair.ops.context import load_context

    example = (ROOT / "docs" / "examples" / "pair-region-switch.yaml").read_text()
    (pair_copy.path / "pair.yaml").write_text(example)
    clients = StubbedClients()
    plans(clients.stub("us-west-2"))
    monkeypatch.setattr(ops_cli, "_setup", lambda d, p, e, s=None: (load_context(pair_copy.path), clients))
    result = CliRunner().invoke(app, ["failover", "--dry-run", "--json", "--config-dir", str(pair_copy.path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["action"], data["target_region"], data["execution_region"]) == ("activate", "us-west-2", "us-west-2")
    assert clients.asked == [("arc-region-switch", "us-west-2")]
    clients.stubs["us-west-2"].assert_no_pending_responses()
