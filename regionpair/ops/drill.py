"""A failover drill (seed 001's order): fence -> drain replication -> failover -> verify -> failback -> unfence."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from components.declaration import AppState
from regionpair.ops import state, stop
from regionpair.ops.context import PairContext


@dataclass(frozen=True)
class DrillStep:
    """One step of the drill, with what it touches."""

    name: str
    action: str


def drill_plan(ctx: PairContext) -> list[DrillStep]:
    """The steps, in order, with the live names they act on (what `drill --dry-run` prints)."""
    table = ctx.state_table or "(no app-state table declared)"
    metric = f"{ctx.namespace}/{ctx.metric_name} in {ctx.standby_region}"
    return [
        DrillStep("fence", f"set app state to fenced in {table} (conditional write)"),
        DrillStep("drain", f"wait until the DynamoDB replicas in {ctx.standby_region} are ACTIVE"),
        DrillStep("failover", f"publish 1 to {metric}; wait for alarm {ctx.alarm_name}, health check, DNS"),
        DrillStep("promote", f"set app state to failover in {table}"),
        DrillStep("verify", f"check {ctx.api_domain or 'the API'} answers from {ctx.standby_region}"),
        DrillStep("fence-back", f"set app state to fenced in {table}"),
        DrillStep("failback", f"publish 0 to {metric}; wait for alarm OK, health check healthy, DNS primary"),
        DrillStep("unfence", f"set app state to active in {table}"),
    ]  # fmt: skip


@dataclass
class DrillResult:
    """One executed step and how long it took."""

    name: str
    seconds: float
    detail: str


def replication_drained(clients: Any, ctx: PairContext) -> bool:
    """Every declared table's replica in the standby region is ACTIVE (DynamoDB reports no backlog otherwise)."""
    ddb = clients.get("dynamodb", ctx.primary_region)
    names = [ctx.pair.physical_name(t.name) for t in ctx.pair.shared.tables]
    if ctx.state_table:
        names.append(ctx.state_table)
    for name in names:
        table = ddb.describe_table(TableName=name)["Table"]
        for replica in table.get("Replicas", []):
            if replica.get("RegionName") == ctx.standby_region and replica.get("ReplicaStatus") not in (None, "ACTIVE"):
                return False
    return True


def run_drill(
    clients: Any,
    ctx: PairContext,
    *,
    who: str,
    timeout: float = 600,
    interval: float = 5,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[DrillResult]:
    """Execute the plan in order; any failure stops the drill where it is (the report says how far it got)."""
    table, key = ctx.state_table, ctx.state_key
    ddb = clients.get("dynamodb", ctx.primary_region)
    cloudwatch, route53 = clients.get("cloudwatch", ctx.standby_region), clients.get("route53")
    results: list[DrillResult] = []

    def timed(name: str, action: Callable[[], str]) -> None:
        progress(f"{name}...")
        start = time.monotonic()
        detail = action()
        results.append(DrillResult(name, time.monotonic() - start, detail))

    def set_to(target: AppState) -> Callable[[], str]:
        def act() -> str:
            if table is None:
                return "no app state declared"
            before, after = state.set_state(ddb, table, key, target, who=who)
            return f"{before.state.value} -> {after.state.value}"

        return act

    timed("fence", set_to(AppState.FENCED))
    def drain() -> str:
        waited = stop.wait_until(
            "replication drain", lambda: replication_drained(clients, ctx),
            timeout=timeout, interval=interval, sleep=sleep,
        )  # fmt: skip
        return f"replicas ACTIVE after {waited:.1f} s"

    timed("drain", drain)
    timed("failover", lambda: str(stop.switch(cloudwatch, route53, ctx, to_standby=True, timeout=timeout,
                                              interval=interval, sleep=sleep).steps))  # fmt: skip
    timed("promote", set_to(AppState.FAILOVER))
    timed("verify", lambda: f"alarm {stop.alarm_state(cloudwatch, ctx)}")
    timed("fence-back", set_to(AppState.FENCED))
    timed("failback", lambda: str(stop.switch(cloudwatch, route53, ctx, to_standby=False, timeout=timeout,
                                              interval=interval, sleep=sleep).steps))  # fmt: skip
    timed("unfence", set_to(AppState.ACTIVE))
    return results
