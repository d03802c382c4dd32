"""A failover drill (the app-state order): fence -> drain replication -> failover -> verify -> failback -> unfence.

A drill must not leave the pair half-switched. When a step fails, the drill either **rolls back** what it did
(default: fail back if it published, then unfence), or **stops** where it is (`on_failure="stop"`) with its
progress saved, so `drill --resume` continues from the failed step. Either way the failed step is named in
the error, the audit log and `--json`. Progress is written as each step completes (`.regionpair/drill.json`),
so a killed drill can be resumed too.

Time: `timeout` is one deadline for each step (`regionpair.ops.deadline`: every AWS call's read timeout is
capped by it and none is sent after it); the switches and the drain are the long ones, so the whole drill can
take about three times `timeout` in the worst case. Rolling back, the failback's deadline also covers the wait
for the next period that cancelling a pending failover may need.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from regionpair.components.declaration import AppState, Role
from regionpair.ops import state, stop
from regionpair.ops.context import PairContext
from regionpair.ops.deadline import Deadline
from regionpair.ops.errors import AWS_ERRORS, OpsError, aws_error, reason


@dataclass(frozen=True)
class DrillStep:
    """One step of the drill, with what it touches."""

    name: str
    action: str


def drill_plan(ctx: PairContext) -> list[DrillStep]:
    """The steps, in order, with the live names they act on (what `drill --dry-run` prints)."""
    table = ctx.state_table or "(no app-state table declared)"
    metric = f"{ctx.namespace}/{ctx.metric_name} in {ctx.standby_region}"
    steps = [
        DrillStep("fence", f"set app state to fenced in {table} (conditional write)"),
        DrillStep("drain", f"wait until every table has an ACTIVE replica in {ctx.standby_region}"),
        DrillStep("failover", f"publish to {metric} what alarm {ctx.alarm_name} watches; verify routing"),
        DrillStep("promote", f"set app state to failover in {table}"),
        DrillStep("verify", f"the STOP alarm {ctx.alarm_name} is in ALARM"),
        DrillStep("fence-back", f"set app state to fenced in {table}"),
        DrillStep("failback", f"publish the clearing value to {metric}; verify alarm OK, health check healthy, DNS"),
        DrillStep("unfence", f"set app state to active in {table}"),
    ]  # fmt: skip
    if ctx.pair.shared.identity is not None:  # while failed over: the standby's user pool signs users in
        from regionpair.components.identity_model import pool_name

        pool = pool_name(ctx.pair, Role.SECONDARY)
        steps.insert(5, DrillStep("sign-in", f"sign a drill user in on the standby's user pool {pool}, then delete it"))
    return steps


@dataclass
class DrillResult:
    """One executed step and how long it took."""

    name: str
    seconds: float
    detail: str
    started: float | None = None
    """Clock time (epoch seconds) the step started and ended: the drill report's timeline."""
    ended: float | None = None


@dataclass
class DrillReport:
    """How far the drill got, what failed, what was undone."""

    steps: list[DrillResult] = field(default_factory=list)
    failed_step: str | None = None
    error: str | None = None
    rollback: list[DrillResult] = field(default_factory=list)
    rollback_error: str | None = None
    resumable: bool = False
    failed: list[DrillResult] = field(default_factory=list)
    """Timing of the steps that raised: the failed step, then a failed rollback step if any."""

    @property
    def outcome(self) -> str:
        """One line for the operator."""
        if self.failed_step is None:
            return "done"
        after = (
            f"rollback failed: {self.rollback_error}" if self.rollback_error
            else "rolled back" if self.rollback
            else "stopped; continue with `regionpair drill --resume`" if self.resumable
            else "stopped"
        )  # fmt: skip
        return f"failed at step {self.failed_step}: {self.error}; {after}"

    def as_dict(self) -> dict[str, Any]:
        """Structured values for --json and the audit log."""
        return {"outcome": self.outcome, "failedStep": self.failed_step, "error": self.error,
                "steps": [asdict(s) for s in self.steps], "rollback": [asdict(s) for s in self.rollback],
                "rollbackError": self.rollback_error, "resumable": self.resumable,
                "failedTimings": [asdict(s) for s in self.failed]}  # fmt: skip


def table_replicas(clients: Any, ctx: PairContext) -> list[dict[str, Any]]:
    """Each declared table's replicas as DynamoDB reports them, read in the standby region first.

    A table without a replica in the standby region is reported as such (`standby: "missing"`), never as
    ACTIVE; a table that cannot be described says why (`error`).
    """
    names = [ctx.pair.physical_name(t.name) for t in ctx.pair.shared.tables]
    if ctx.state_table:
        names.append(ctx.state_table)
    out = []
    for name in names:
        row: dict[str, Any] = {"table": name}
        errors = []
        for region in (ctx.standby_region, ctx.primary_region):
            try:
                table = clients.get("dynamodb", region).describe_table(TableName=name)["Table"]
            except AWS_ERRORS as err:
                errors.append(f"{region}: {reason(err)}")
                continue
            replicas = [{"region": r["RegionName"], "status": r.get("ReplicaStatus", "ACTIVE")}
                        for r in table.get("Replicas", [])]  # fmt: skip
            if not replicas and region == ctx.standby_region:
                # Described in the standby region: the table there *is* the standby's copy.
                replicas = [{"region": region, "status": table.get("TableStatus", "UNKNOWN"), "globalTable": False}]
            row["readIn"] = region
            row["replicas"] = replicas
            standby = [r["status"] for r in replicas if r["region"] == ctx.standby_region]
            row["standby"] = standby[0] if standby else "missing"
            if not table.get("Replicas") and region == ctx.standby_region:
                row["note"] = "no global-table replicas reported: a regional table of the same name, not a replica"
                row["standby"] = "not a replica"
            break
        else:
            row["error"] = "; ".join(errors)
            row["standby"] = "unavailable"
        out.append(row)
    return out


def replication_drained(clients: Any, ctx: PairContext) -> bool:
    """Every table has an ACTIVE global-table replica in the standby region (no replica is not drained)."""
    return all(r["standby"] == "ACTIVE" for r in table_replicas(clients, ctx))


def _progress_file(ctx: PairContext) -> Path:
    return ctx.state_dir / "drill.json"


def load_progress(ctx: PairContext) -> dict[str, Any] | None:
    """The saved progress of a stopped drill (None when there is none)."""
    path = _progress_file(ctx)
    return json.loads(path.read_text()) if path.exists() else None


def run_drill(
    clients: Any,
    ctx: PairContext,
    *,
    who: str,
    timeout: float = 600,
    interval: float = 5,
    clock: stop.Clock | None = None,
    on_failure: str = "rollback",
    resume: bool = False,
    expected_dns: Callable[[bool], Callable[[list[str]], bool] | None] | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    test_sends: Callable[[], str] | None = None,
) -> DrillReport:
    """Execute the plan in order; see the module docstring for what happens when a step fails.

    `expected_dns(to_standby)` gives the DNS check of each switch (see `stop.dns_expectation`); without it the
    DNS step is reported unavailable and the switch step fails (a drill verifies routing).
    `test_sends` (regionpair/ops/standby_sends.run) runs as step `test-sends` after `verify`, while the standby
    serves: it raises when the standby refuses a send, which fails the drill like any step.
    """
    clock = clock or stop.Clock()
    table, key = ctx.state_table, ctx.state_key
    ddb = clients.get("dynamodb", ctx.primary_region)
    report = DrillReport()
    saved = load_progress(ctx) if resume else None
    if resume and saved is None:
        raise OpsError(f"no stopped drill to resume in {_progress_file(ctx)}; run `regionpair drill`")
    done: list[str] = list(saved["done"]) if saved else []
    if not resume and load_progress(ctx) is not None:
        raise OpsError(f"a stopped drill is saved in {_progress_file(ctx)}; continue it with `regionpair drill "
                       "--resume`, or delete the file once the pair is back to active")  # fmt: skip

    def save() -> None:
        from regionpair.ops.auditlog import ensure_dir

        ensure_dir(ctx.state_dir)
        _progress_file(ctx).write_text(json.dumps({"done": done, "failedStep": report.failed_step}))

    def set_to(target: AppState) -> str:
        if table is None:
            return "no app state declared"
        before, after = state.set_state(ddb, table, key, target, who=who)
        return f"{before.state.value} -> {after.state.value}"

    def do_switch(to_standby: bool, strict: bool = True) -> str:
        factory = (lambda: expected_dns(to_standby)) if expected_dns else None  # looked up at the DNS step
        # Each switch has its own deadline. Rolling back (not strict), the clearing value must get through: its
        # deadline covers the wait for the next period that cancelling a pending failover may need.
        seconds = timeout if strict else max(timeout, ctx.pair.shared.routing.stop.period_seconds + 2 * interval)
        result = stop.switch(clients, ctx, to_standby=to_standby, timeout=seconds, interval=interval, clock=clock,
                             expected_dns_factory=factory, progress=progress,
                             deadline=Deadline(seconds, now=clock.now))  # fmt: skip
        if strict and not result.verified:
            raise OpsError(result.outcome)
        return result.outcome

    def drain() -> str:
        waited = stop.wait_until("replication drain", lambda: replication_drained(clients, ctx),
                                 deadline=clock.now() + timeout, interval=interval, clock=clock)  # fmt: skip
        return f"replicas ACTIVE in {ctx.standby_region} after {waited:.1f} s"

    def verify() -> str:
        current = stop.alarm_state(clients.get("cloudwatch", ctx.standby_region), ctx)
        if current != "ALARM":
            raise OpsError(f"STOP alarm {ctx.alarm_name} is {current}, not ALARM")
        return "alarm ALARM"

    def sign_in() -> str:
        from regionpair.components.identity_model import OPS_CLIENT
        from regionpair.ops import user_sync

        email = ctx.pair.shared.email
        pools = user_sync.pools_of(ctx.pair, lambda region: clients.get("cognito-idp", region))
        return user_sync.standby_sign_in(pools[Role.SECONDARY], email.domains[0] if email else "example.com",
                                         ctx.pair.physical_name(OPS_CLIENT))  # fmt: skip

    actions: dict[str, Callable[[], str]] = {
        "sign-in": sign_in,
        "fence": lambda: set_to(AppState.FENCED), "drain": drain, "failover": lambda: do_switch(True),
        "promote": lambda: set_to(AppState.FAILOVER), "verify": verify,
        "fence-back": lambda: set_to(AppState.FENCED), "failback": lambda: do_switch(False),
        "unfence": lambda: set_to(AppState.ACTIVE),
    }  # fmt: skip
    names = [s.name for s in drill_plan(ctx)]
    if test_sends is not None:
        actions["test-sends"] = test_sends
        names.insert(names.index("verify") + 1, "test-sends")

    def timed(name: str, into: list[DrillResult]) -> None:
        progress(f"{name}...")
        start = clock.now()
        # Each step has its own deadline (a switch sets its own): a hung region fails the step within
        # `timeout`, it cannot hold the drill.
        try:
            with Deadline(timeout, now=clock.now).active():
                detail = actions[name]()
        except (OpsError, *AWS_ERRORS) as err:
            report.failed.append(DrillResult(name, round(clock.now() - start, 1), str(err), start, clock.now()))
            raise
        into.append(DrillResult(name, round(clock.now() - start, 1), detail, start, clock.now()))

    for name in names:
        if name in done:
            continue
        try:
            timed(name, report.steps)
        except (OpsError, *AWS_ERRORS) as err:
            report.failed_step = name
            report.error = str(err) if isinstance(err, OpsError) else str(
                aws_error(err, f"drill step {name}", ctx.primary_region, "see the audit log")
            )
            break
        done.append(name)
        save()
    if report.failed_step is None:
        _progress_file(ctx).unlink(missing_ok=True)
        return report
    if on_failure == "stop":
        report.resumable = True
        save()
        return report
    # Roll back what the drill did, most recent first: routing back to the primary, then the app state.
    undo: list[str] = []
    if {"failover", "promote", "verify"} & set(done) or report.failed_step == "failover":
        undo += ["fence-back", "failback"] if "promote" in done else ["failback"]
    if "fence" in done:
        undo.append("unfence")
    # Rolling back, the clearing value must be published; verifying routing is reported, not required (routing
    # may never have moved, e.g. when the failover's alarm wait is what failed).
    actions["failback"] = lambda: do_switch(False, strict=False)
    for name in undo:
        try:
            timed(name, report.rollback)
        except (OpsError, *AWS_ERRORS) as err:
            report.rollback_error = f"{name}: {err}"
            report.resumable = True
            save()
            return report
    _progress_file(ctx).unlink(missing_ok=True)
    return report
