"""A failover drill (seed 001's order): fence -> drain replication -> failover -> verify -> failback -> unfence."""

from __future__ import annotations

from dataclasses import dataclass

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
        DrillStep("drain", f"wait until S3 and DynamoDB report no replication backlog into {ctx.standby_region}"),
        DrillStep("failover", f"publish 1 to {metric}; wait for alarm {ctx.alarm_name}, health check, DNS"),
        DrillStep("promote", f"set app state to failover in {table}"),
        DrillStep("verify", f"check {ctx.api_domain or 'the API'} answers from {ctx.standby_region}"),
        DrillStep("fence-back", f"set app state to fenced in {table}"),
        DrillStep("failback", f"publish 0 to {metric}; wait for alarm OK, health check healthy, DNS primary"),
        DrillStep("unfence", f"set app state to active in {table}"),
    ]  # fmt: skip
