"""`regionpair status`, field by field: each field is its value or `{"unavailable": "<reason>"}`.

Built for the outage: no single failing call (Route 53's control plane in us-east-1, a region's CloudWatch, a
missing table) hides the other fields. The app state is read from the healthy region's replica: the standby
region's when the pair is failed over or the primary looks unhealthy or unreachable, else the primary's; if
that read fails, the other region's.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from typing import Any

from regionpair.components.declaration import Role, RoutingMode
from regionpair.components.region_switch_model import plan_name
from regionpair.components.signals_plan import composite_alarm_name
from regionpair.ops import measure, readiness, region_switch, state, stop
from regionpair.ops.context import PairContext
from regionpair.ops.drill import table_replicas
from regionpair.ops.errors import AWS_ERRORS, OpsError, reason

Field = dict[str, Any] | list[Any]


def _field(read: Callable[[], Field]) -> Field:
    try:
        return read()
    except (OpsError, LookupError, *AWS_ERRORS) as err:
        return {"unavailable": reason(err)}


def unavailable(value: Any) -> str | None:
    """The reason a field is unavailable, or None."""
    return value.get("unavailable") if isinstance(value, dict) else None


def plan_status(clients: Any, ctx: PairContext) -> Field:
    """Region-switch mode: the plan's evaluation and executions, from the first region of the pair that answers.

    Each region of a plan has its own data plane; the standby is asked first (it must answer during an outage).
    """
    reasons: list[str] = []
    for region in region_switch.status_region(ctx.pair):
        client = clients.get(region_switch.SERVICE, region)
        try:
            found = region_switch.status(client, region_switch.find_plan(client, plan_name(ctx.pair)))
        except region_switch.RegionSwitchError as err:
            reasons.append(str(err))
            continue
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(found).items()}
    return {"unavailable": " | ".join(reasons)}


def pair_status(clients: Any, ctx: PairContext) -> dict[str, Field]:
    """Every field of the pair's status, each read on its own, at the same time.

    Concurrent reads (a thread each, sharing the command's deadline): a hung region, or Route 53's control plane
    not answering, costs its own fields the deadline, never the standby's fields their turn.
    """
    tasks: dict[str, Future[Any]] = {}
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="status") as pool:

        def run(name: str, read: Callable[[], Any]) -> None:
            tasks[name] = pool.submit(contextvars.copy_context().run, read)

        routing_switch = ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH
        if routing_switch:
            run("regionSwitchPlan", lambda: _field(lambda: plan_status(clients, ctx)))
        else:
            run("stop", lambda: _stop_alarm_and_metric(clients, ctx))
            run("healthCheck", lambda: _field(lambda: _health_check(clients, ctx)))
        route53 = clients.get("route53")
        if ctx.api_domain:
            run("dnsAnswer", lambda: _field(lambda: {"name": ctx.api_domain, "records": stop.dns_answer(route53, ctx)}))
        for role in Role:
            run(f"region:{role.value}", lambda role=role: _composite(clients, ctx, role))
        if ctx.state_table:  # both replicas at once; which one is shown is decided below
            for region in ctx.regions:
                run(f"appState:{region}", lambda region=region: _read_state(clients, ctx, region))
        if ctx.pair.shared.tables or ctx.state_table:
            run("tables", lambda: _field(lambda: table_replicas(clients, ctx)))
        if ctx.pair.shared.email is not None or ctx.pair.shared.sms is not None:
            # Account readiness and dedicated IP warm-up per region (regionpair/ops/readiness.py): each check is
            # read on its own and says "unknown: <reason>" when its region does not answer.
            run("messaging", lambda: _field(lambda: readiness.status_fields(clients, ctx.pair)))
        if ctx.pair.shared.identity is not None:
            # Both user pools and how far the standby's users lag (regionpair/ops/user_sync.py).
            from regionpair.ops import user_sync

            pools = user_sync.pools_of(ctx.pair, lambda region: clients.get("cognito-idp", region))
            run("identity", lambda: _field(lambda: user_sync.pool_status(pools, ctx.state_dir)))
        # Measured RPO (replication lag, list sync lag) against the declared objectives (regionpair/ops/measure.py).
        run("objectives", lambda: _field(lambda: measure.status_field(clients, ctx)))
        out: dict[str, Field] = {}
        alarm: stop.DeployedAlarm | None = None
        if routing_switch:
            out["regionSwitchPlan"] = tasks["regionSwitchPlan"].result()
        else:
            alarm, stop_fields = tasks["stop"].result()
            out.update(stop_fields)
            out["healthCheck"] = tasks["healthCheck"].result()
        if "dnsAnswer" in tasks:
            out["dnsAnswer"] = tasks["dnsAnswer"].result()
        regions = {role.value: tasks[f"region:{role.value}"].result() for role in Role}
        out["regions"] = regions
        if ctx.state_table:
            out["appState"] = _app_state(ctx, alarm, regions, {r: tasks[f"appState:{r}"].result() for r in ctx.regions})
        for name in ("tables", "identity", "messaging", "objectives"):
            if name in tasks:
                out[name] = tasks[name].result()
    return out


def _composite(clients: Any, ctx: PairContext, role: Role) -> dict[str, Any]:
    region = ctx.region_of(role)
    name = composite_alarm_name(ctx.pair, role)

    def composite() -> Field:
        found = clients.get("cloudwatch", region).describe_alarms(AlarmNames=[name], AlarmTypes=["CompositeAlarm"])[
            "CompositeAlarms"
        ]
        return {"composite": name, "state": found[0]["StateValue"] if found else "not deployed"}

    return {"region": region, **_as_dict(_field(composite))}


def _read_state(clients: Any, ctx: PairContext, region: str) -> state.StateItem | str:
    assert ctx.state_table is not None
    try:
        return state.get_state(clients.get("dynamodb", region), ctx.state_table, ctx.state_key)
    except (OpsError, *AWS_ERRORS) as err:
        return str(err)


def _app_state(
    ctx: PairContext, alarm: stop.DeployedAlarm | None, regions: dict[str, Any], reads: dict[str, state.StateItem | str]
) -> Field:  # fmt: skip
    """From the healthy region's replica: the standby's when failed over or the primary looks unhealthy."""
    failed_over = alarm is not None and alarm.state == "ALARM"
    primary = regions[Role.PRIMARY.value]
    primary_doubtful = "unavailable" in primary or primary.get("state") == "ALARM"
    order = [ctx.standby_region, ctx.primary_region] if failed_over or primary_doubtful else list(ctx.regions)
    skipped: list[str] = []
    for region in order:
        item = reads[region]
        if isinstance(item, str):
            skipped.append(item)
            continue
        return {"state": item.state.value, "version": item.version, "updatedBy": item.updated_by,
                "readIn": region, "skipped": skipped}  # fmt: skip
    return {"unavailable": "; ".join(skipped)}


def _stop_alarm_and_metric(clients: Any, ctx: PairContext) -> tuple[stop.DeployedAlarm | None, dict[str, Field]]:
    """STOP mode: the deployed alarm and the metric's last value (standby CloudWatch); the alarm if it was read."""
    cw = clients.get("cloudwatch", ctx.standby_region)
    out: dict[str, Field] = {}
    alarm: stop.DeployedAlarm | None = None
    try:
        alarm = stop.read_alarm(cw, ctx)
        out["stopAlarm"] = {**alarm.as_dict(), "declarationDiffers": stop.disagreements(alarm, ctx)}
    except OpsError as err:
        out["stopAlarm"] = {"unavailable": str(err)}

    def metric() -> Field:
        if alarm is None:
            return {"unavailable": "the STOP alarm could not be read"}
        last = stop.last_value(cw, alarm)
        if last is None:
            return {"lastValue": None, "timestamp": None, "pendingFailover": False}
        pending = alarm.breaches(last[0]) and alarm.state != "ALARM"
        return {"lastValue": last[0], "timestamp": last[1].isoformat(), "pendingFailover": pending}

    out["stopMetric"] = _field(metric)
    return alarm, out


def _health_check(clients: Any, ctx: PairContext) -> Field:
    route53 = clients.get("route53")
    hc = stop.find_health_check(route53, ctx)
    if hc is None:
        return {"unavailable": "no CLOUDWATCH_METRIC health check on the STOP alarm; deploy the primary stack"}
    return stop.health_check_status(route53, hc)


def _as_dict(value: Field) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"value": value}


def render(value: Any) -> str:
    """A field as one line of text for the table view."""
    why = unavailable(value)
    if why is not None:
        return f"unavailable: {why}"
    if isinstance(value, list):
        return "\n".join(render(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return ", ".join(f"{k}={render(v) if isinstance(v, dict | list) else v}" for k, v in value.items()
                         if v not in (None, [], {}) or k in ("lastValue",))  # fmt: skip
    return str(value)


def status_problem(fields: dict[str, Field], ctx: PairContext) -> str | None:
    """Why `status` must exit non-zero: nothing could be read, or the standby's control fields could not.

    The control fields are what a failover acts on, in the standby region: the STOP alarm and its metric (or
    the Region switch plan). Other fields unavailable (Route 53's control plane, the primary during an outage,
    an app-state table not deployed) are expected in the event `status` exists for, and keep exit 0.
    """
    readable = {k: v for k, v in fields.items() if k != "previousRunUnfinished"}
    reasons = [f"{k}: {_why(v)}" for k, v in readable.items() if _why(v) is not None]
    if readable and len(reasons) == len(readable):
        return "nothing could be read (" + "; ".join(reasons)[:300] + ")"
    region_switch_mode = ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH
    control = ["regionSwitchPlan"] if region_switch_mode else ["stopAlarm", "stopMetric"]
    bad = [f"{k}: {unavailable(fields[k])}" for k in control if unavailable(fields.get(k)) is not None]
    if bad:
        return f"the standby's control fields could not be read in {ctx.standby_region} ({'; '.join(bad)[:300]})"
    return None


def _why(value: Any) -> str | None:
    """Why a field (or every part of it) is unavailable; None when any part of it was read."""
    why = unavailable(value)
    if why is not None:
        return why
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        parts = [_why(v) for v in value.values()]
        return parts[0] if all(p is not None for p in parts) else None
    if isinstance(value, dict):  # readiness checks: "unknown: <reason>" for each check that could not be read
        checks = [v for k, v in value.items() if k != "region"]
        if checks and all(isinstance(v, str) and v.startswith("unknown") for v in checks):
            return str(checks[0])
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        if all("error" in v for v in value):
            return str(value[0]["error"])
    if isinstance(value, dict) and isinstance(value.get("rpo"), dict):
        # `objectives`: the declared values are always there; it was read only if some store's lag was measured.
        # List sync lag comes from the local audit log, not from AWS: it does not count as read.
        stores = [s for s in value["rpo"].get("stores") or [] if isinstance(s, dict) and s.get("kind") != "list"]
        if stores and all(s.get("status") not in ("measured", "idle") for s in stores):
            return str(value["rpo"].get("because") or "no replication lag could be read")
    return None
