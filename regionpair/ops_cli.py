"""Operations commands of `regionpair`: status, failover, failback, state, drill, sync, audit.

Thin: parse options, build clients, call `regionpair.ops`, print a table or JSON. Domain errors (AWS errors,
refused transitions, bad declarations) print one line naming the resource, the region and the next step, and
exit 1. Every command that changes a live account has `--dry-run` and appends to the pair's audit log
(`<config dir>/.regionpair/audit.log`).

Exit codes (also in each command's help and docs/operations.md):
0 done (and, for failover/failback, verified); 1 error or refusal, nothing changed by this command (or a drill
step failed: see its output; for `status`: nothing could be read, or the standby's control fields could not);
2 usage error; 3 published, routing not verified (failover/failback: the switch happened in CloudWatch, a
verification step timed out or its API failed); 4 outcome unknown (a write was sent and its reply lost: it may
have happened; rerun, which is safe, or check); 130/143 interrupted by SIGINT/SIGTERM (the audit log records
what was done).

Every state-changing command writes its audit intent before acting and its outcome after, also when
interrupted; a run that was killed outright is reported by the next one. `--timeout` is one deadline for the
whole command (`regionpair/ops/deadline.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import boto3
import typer
from botocore.exceptions import ClientError
from rich.console import Console
from rich.table import Table

from regionpair.components.declaration import AppState, DeclarationError, Role, RoutingMode
from regionpair.components.signals_plan import composite_alarm_name
from regionpair.ops import audit as live_audit
from regionpair.ops import auditlog, region_switch, state, stop, sync
from regionpair.ops import clients as clients_module
from regionpair.ops.clients import Clients
from regionpair.ops.context import PairContext, load_context
from regionpair.ops.deadline import Deadline
from regionpair.ops.drill import drill_plan, run_drill
from regionpair.ops.errors import AWS_ERRORS, CredentialsError, OpsError, aws_error, credentials_problem, reason
from regionpair.ops.status import pair_status, render, status_problem

EXIT_OK, EXIT_ERROR, EXIT_UNVERIFIED, EXIT_UNKNOWN = 0, 1, 3, 4
EXIT_CODES = (
    "Exit codes: 0 done and verified; 1 error or refusal (one line on stderr); 2 usage error; "
    "3 published, routing not verified (the switch happened; a check timed out or its API failed); "
    "4 outcome unknown (a reply was lost: it may have been published; rerun or check the alarm); "
    "130/143 interrupted (the audit log says what was done)."
)

ConfigDir = Annotated[Path | None, typer.Option(help="Directory of pair.yaml and the stack files; default: cwd.")]
Profile = Annotated[str | None, typer.Option(help="AWS profile (default: the usual credential chain).")]
Endpoint = Annotated[str | None, typer.Option(help="Endpoint URL for every AWS call (local testing, e.g. moto).")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable output (structured values).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing, never wait.")]
AuditLog = Annotated[
    Path | None, typer.Option(help="Audit log file; default: <config dir>/.regionpair/audit.log (one per pair).")
]
Timeout = Annotated[
    float, typer.Option(help="Seconds for the whole command (a deadline): every AWS call, publishing and every "
                             "verification wait together; what it cut short is reported.")
]
Region = Annotated[str | None, typer.Option(help="One of the pair's two regions.")]
SyncTimeout = Annotated[
    float, typer.Option(help="Seconds for the whole sync (reads and writes); writes not made by then stay in the "
                             "checkpoint for a rerun.")
]  # fmt: skip
Checkpoint = Annotated[
    Path | None,
    typer.Option(help="Resume file of an interrupted run; default: <config dir>/.regionpair/sync-<command>-"
                      "<list>.jsonl (one per command and list)."),
]  # fmt: skip

console = Console()
Approve = Annotated[
    bool, typer.Option("--approve", help="Region-switch mode: approve the plan's ManualApproval step with your "
                                         "credentials when the execution asks (default: wait for an approver).")
]  # fmt: skip
DOMAIN_ERRORS = (*AWS_ERRORS, OpsError, DeclarationError, LookupError, sync.CheckpointError)


def _setup(config_dir: Path | None, profile: str | None, endpoint_url: str | None) -> tuple[PairContext, Clients]:
    ctx = load_context((config_dir or Path.cwd()).resolve())
    return ctx, Clients(boto3.Session(profile_name=profile), endpoint_url=endpoint_url)


def _credentials(err: BaseException | None) -> CredentialsError | None:
    """The one line to print when credentials are why the command failed (it replaces any other advice)."""
    last = clients_module.Clients.last
    if last is not None and err is not None and not isinstance(err, DeclarationError):
        found = last.credentials_error(None if isinstance(err, CredentialsError) else err)
        if found is not None:  # names the credentials' source and the fix
            return found
    if isinstance(err, CredentialsError):
        return err
    problem = credentials_problem(err)
    return CredentialsError(f"AWS credentials: {problem}") if problem else None


def _fail(err: BaseException) -> typer.Exit:
    err = _credentials(err) or err
    message = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    if isinstance(err, ClientError):  # one not already named by the library: say which call and what next
        message = f"AWS {err.operation_name}: {reason(err)}; check the resource exists and your permissions, then rerun"
    typer.echo(f"regionpair: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _warn_unfinished(log: Path, as_json: bool) -> str | None:
    """Say (on stderr) that the last state-changing run did not finish; returned for the new run's details."""
    note = auditlog.unfinished_note(log)
    if note:
        typer.echo(f"regionpair: warning: {note}", err=True)
    return note


@contextmanager
def _audited(
    log: Path, command: str, details: dict[str, Any], clients: Clients, as_json: bool,
    snapshot: Callable[[], dict[str, Any]] = dict,
) -> Iterator[auditlog.Run]:  # fmt: skip
    """A state-changing run: credentials checked, intent written, outcome (or interruption) recorded.

    A domain error becomes one line and exit 1 (recorded as failed with what was done so far); Ctrl-C and
    SIGTERM are recorded as interrupted and exit 130/143.
    """
    previous = _warn_unfinished(log, as_json)
    try:
        clients.check_credentials()
    except CredentialsError as err:
        raise _fail(err) from None
    extra = {"previousRunUnfinished": previous} if previous else {}
    try:
        with auditlog.guarded(log, command, {**details, **extra}) as run:
            run.snapshot = snapshot
            try:
                yield run
            except DOMAIN_ERRORS as err:
                shown = _credentials(err) or err
                run.finish(f"failed: {str(shown).splitlines()[0] if str(shown) else type(shown).__name__}",
                           _snapshot(snapshot))  # fmt: skip
                raise _fail(shown) from None
    except (KeyboardInterrupt, auditlog.Terminated) as err:
        done = _snapshot(snapshot)
        shown = ("published", "outcomeUnknown", "written", "steps", "to")
        what = "; ".join(f"{k}: {json.dumps(v, default=str)}" for k, v in done.items() if k in shown and v)
        what = what or "nothing recorded"
        typer.echo(f"regionpair: {command} interrupted ({'SIGINT' if isinstance(err, KeyboardInterrupt) else err}); "
                   f"done so far: {what}; recorded in {log}", err=True)  # fmt: skip
        raise typer.Exit(auditlog.interrupt_exit_code(err)) from None


def _snapshot(snapshot: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return dict(snapshot())
    except Exception as err:
        return {"snapshotError": repr(err)}


def _emit(data: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    table = Table(title=title, title_justify="left")
    table.add_column("item")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        table.add_row(key, render(value))
    console.print(table)


def _progress(as_json: bool) -> Any:
    return (lambda _m: None) if as_json else (lambda m: console.print(f"[dim]{m}[/]"))


def register(app: typer.Typer) -> None:
    """Add the operations commands to the CLI."""
    state_app = typer.Typer(help="Seed 001's app state: active, fenced, failover.", no_args_is_help=True)
    sync_app = typer.Typer(help="Reconcile per-region lists in both directions.", no_args_is_help=True)
    app.add_typer(state_app, name="state")
    app.add_typer(sync_app, name="sync")

    @app.command()
    def status(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
        timeout: Annotated[float, typer.Option(help="Seconds for all the reads together; a field not read by then "
                                                    "is unavailable.")] = 60,
    ) -> None:  # fmt: skip
        """STOP alarm and metric, health check, DNS answer, app state, table replicas, each region's composite.

        Every field is read on its own and shows its value or "unavailable: <reason>". Exit 1 when nothing
        could be read or the standby's control fields could not (the STOP alarm or the Region switch plan, the
        app state), with one line saying which; a credentials problem is one line.
        """
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            with Deadline(timeout).active():
                fields = pair_status(clients, ctx)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        except KeyboardInterrupt:  # read-only: nothing to record; the shell's convention for Ctrl-C
            typer.echo("regionpair: status interrupted (SIGINT); nothing was changed", err=True)
            raise typer.Exit(130) from None
        credentials = clients.credentials_error()
        if credentials is not None:  # every field would say "unavailable" for the same reason: say it once
            raise _fail(credentials)
        note = auditlog.unfinished_note(ctx.audit_log)
        if note:
            fields["previousRunUnfinished"] = note
        _emit(fields, as_json, f"region pair {ctx.pair.shared.name}")
        problem = status_problem(fields, ctx)
        if problem:
            typer.echo(f"regionpair: status incomplete: {problem}", err=True)
            raise typer.Exit(EXIT_ERROR)

    def _switch(
        to_standby: bool, config_dir: Path | None, profile: str | None, endpoint_url: str | None, dry_run: bool,
        timeout: float, audit_log: Path | None, as_json: bool, force: bool, approve: bool = False,
    ) -> None:  # fmt: skip
        command = "failover" if to_standby else "failback"
        limit = Deadline(timeout)  # one deadline for the whole command, from the start
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        log = audit_log or ctx.audit_log
        report = stop.SwitchReport(command)
        notes: list[str] = []
        region_switch_mode = ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH
        with limit.active():
            if dry_run:
                try:
                    if region_switch_mode:
                        _run_plan(clients, ctx, command, to_standby, True, limit, log, as_json, approve)
                        return
                    report = stop.switch(clients, ctx, to_standby=to_standby, timeout=timeout, dry_run=True,
                                         progress=_progress(as_json), deadline=limit)  # fmt: skip
                except DOMAIN_ERRORS as err:
                    raise _fail(err) from None
                _emit({**report.as_dict(), "preconditions": ["dry run: not checked"]}, as_json,
                      f"{command}: {report.outcome}")  # fmt: skip
                return
            details = {"force": force, "timeout": timeout}
            with _audited(log, command, details, clients, as_json,
                          lambda: {**report.as_dict(), "preconditions": notes}) as run:  # fmt: skip
                if region_switch_mode:
                    if not to_standby and not force:
                        _preconditions(ctx, clients, to_standby, force)
                    _run_plan(clients, ctx, command, to_standby, False, limit, log, as_json, approve, run)
                    return
                notes += _preconditions(ctx, clients, to_standby, force)
                target = ctx.standby_region if to_standby else ctx.primary_region
                report = stop.switch(
                    clients, ctx, to_standby=to_standby, timeout=timeout, progress=_progress(as_json), deadline=limit,
                    report=report, expected_dns_factory=lambda: stop.dns_expectation(clients.get("apigateway", target),
                                                                                      ctx),
                )  # fmt: skip
                data = {**report.as_dict(), "preconditions": notes}
                run.finish(report.outcome, data)
        _emit(data, as_json, f"{command}: {report.outcome}")
        if report.verified:
            return
        unknown = report.unknown and not (report.landed or report.confirmed)
        raise typer.Exit(EXIT_UNKNOWN if unknown else EXIT_UNVERIFIED)

    def _preconditions(ctx: PairContext, clients: Clients, to_standby: bool, force: bool) -> list[str]:
        """Failover: the app is fenced (seed 001). Failback: the primary is healthy. `--force` skips either."""
        if force:
            return ["--force: preconditions not checked"]
        if to_standby:
            if not ctx.state_table:
                return ["no appState declared: fencing not checked"]
            order = [ctx.standby_region, ctx.primary_region]
            try:
                item, region, _ = state.read_anywhere(clients, ctx.state_table, ctx.state_key, order)
            except OpsError as err:
                credentials = clients.credentials_error()
                if credentials is not None:  # --force would not help: nothing can be published either
                    raise credentials from None
                raise OpsError(f"cannot read the app state ({err}); pass --force to fail over without it") from None
            if item.state is not AppState.FENCED:
                raise state.StateError(
                    f"app state is {item.state.value} (read in {region}); fence first: regionpair state set "
                    f"fenced --region {region}, or pass --force"
                )
            return [f"app state fenced (read in {region})"]
        name = composite_alarm_name(ctx.pair, Role.PRIMARY)
        try:
            blockers = stop.failback_blockers(
                clients.get("cloudwatch", ctx.primary_region), name, stop.volume_alarm_names(ctx)
            )
        except AWS_ERRORS as err:
            raise aws_error(err, f"composite alarm {name}", ctx.primary_region,
                            "the primary must answer before failing back to it; or pass --force") from None  # fmt: skip
        if blockers:
            raise state.StateError(
                f"{', '.join(blockers)} in ALARM in {ctx.primary_region}: the primary is unhealthy; fix it or "
                "pass --force to fail back anyway"
            )
        return [f"primary healthy ({name} not in ALARM, or only for silence by design)"]

    def _run_plan(
        clients: Clients, ctx: PairContext, command: str, to_standby: bool, dry_run: bool, limit: Deadline,
        log: Path, as_json: bool, approve: bool, run: auditlog.Run | None = None,
    ) -> None:  # fmt: skip
        """Region-switch mode: start the plan in the region being activated and follow it (docs/region-switch.md)."""
        try:
            result = region_switch.switch(
                clients, ctx.pair, to_standby=to_standby, who=auditlog.operator(), approve_steps=approve,
                confirm_cancel=lambda q: typer.confirm(q, default=False), dry_run=dry_run,
                timeout=limit.remaining(), progress=_progress(as_json),
            )  # fmt: skip
        except region_switch.ExecutionUnverifiedError as err:
            # Started (or may have been) and not followed to its end: exit 3 like a STOP switch not verified.
            data = {**asdict(err.result), "outcome": f"started, not verified: {err}"}
            if run is not None:
                run.finish(data["outcome"], data)
            _emit(data, as_json, f"{command} (Region switch): started, not verified")
            typer.echo(f"regionpair: {err}", err=True)
            raise typer.Exit(EXIT_UNVERIFIED) from None
        data = asdict(result)
        if isinstance(result, region_switch.RunResult):
            data["steps"] = {s.name: {"status": s.status, "seconds": s.seconds} for s in result.steps}
            if run is not None:
                run.finish(result.state, data)
            else:
                auditlog.record(log, command, data, result.state)
        _emit(data, as_json, f"{command} (Region switch){' dry run' if dry_run else ''}")
        if isinstance(result, region_switch.RunResult) and not result.verified:
            raise typer.Exit(EXIT_UNVERIFIED)

    @app.command(epilog=EXIT_CODES)
    def failover(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Timeout = 600, audit_log: AuditLog = None, as_json: Json = False,
        force: Annotated[bool, typer.Option(help="Fail over even if the app state is not fenced.")] = False,
        approve: Approve = False,
    ) -> None:  # fmt: skip
        """Publish what the deployed STOP alarm watches, in the standby region; then verify routing step by step.

        Needs only the standby region. Requires the app state to be fenced (seed 001) unless --force. In
        `routing.mode: region-switch`, starts the Region switch plan in the standby region and follows it instead
        (the plan fences itself); Ctrl-C offers to cancel the execution.
        """
        _switch(True, config_dir, profile, endpoint_url, dry_run, timeout, audit_log, as_json, force, approve)

    @app.command(epilog=EXIT_CODES)
    def failback(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Timeout = 600, audit_log: AuditLog = None, as_json: Json = False,
        force: Annotated[bool, typer.Option(help="Fail back even while the primary's composite alarm fires.")] = False,
        approve: Approve = False,
    ) -> None:  # fmt: skip
        """Publish the clearing value; also cancels a pending failover (metric at 1, alarm not yet in ALARM).

        In `routing.mode: region-switch`, starts the plan's activation of the primary region and follows it.
        """
        _switch(False, config_dir, profile, endpoint_url, dry_run, timeout, audit_log, as_json, force, approve)

    @state_app.command("get")
    def state_get(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
        region: Region = None,
    ) -> None:  # fmt: skip
        """Read the app state (strongly consistent) in --region, or the primary's replica then the standby's."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if not ctx.state_table:
                raise state.StateError("pair.yaml appState: not declared; add appState to use the app state")
            regions = [ctx.check_region(region, ctx.primary_region)] if region else list(ctx.regions)
            item, read_in, skipped = state.read_anywhere(clients, ctx.state_table, ctx.state_key, regions)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        data = {"state": item.state.value, "version": item.version, "updatedBy": item.updated_by,
                "readIn": read_in, "skipped": skipped}  # fmt: skip
        _emit(data, as_json, "state")

    @state_app.command("set")
    def state_set(
        target: Annotated[AppState, typer.Argument(help="active, fenced or failover.")],
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False,
        region: Annotated[str | None, typer.Option(help="Write through this region of the pair (during a failover: "
                                                        "the standby).")] = None,
    ) -> None:  # fmt: skip
        """Change the app state in order (fence before failover) with a conditional write."""
        who = auditlog.operator()
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if not ctx.state_table:
                raise state.StateError("pair.yaml appState: not declared; add appState to use the app state")
            write_in = ctx.check_region(region, ctx.primary_region)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        log = audit_log or ctx.audit_log
        table = ctx.state_table

        def change() -> tuple[state.StateItem, state.StateItem]:
            return state.set_state(clients.get("dynamodb", write_in), table, ctx.state_key, target, who=who,
                                   dry_run=dry_run)  # fmt: skip

        if dry_run:
            try:
                with Deadline(60).active():
                    before, after = change()
            except DOMAIN_ERRORS as err:
                raise _fail(err) from None
        else:
            with _audited(log, "state set", {"to": target.value, "region": write_in}, clients, as_json) as run:
                with Deadline(60).active():
                    before, after = change()
                run.finish("ok", {"from": before.state.value, "to": after.state.value})
        _emit(
            {"from": before.state.value, "to": after.state.value, "version": after.version, "dryRun": dry_run,
             "region": write_in},
            as_json,
            "state",
        )  # fmt: skip

    @app.command()
    def drill(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Annotated[float, typer.Option(help="Seconds for each switch and for the drain (the drill can take "
                                                    "about 3x this).")] = 600,
        audit_log: AuditLog = None, as_json: Json = False,
        on_failure: Annotated[str, typer.Option(help="rollback: undo what the drill did (fail back, unfence); "
                                                     "stop: leave it where it failed, for --resume.")] = "rollback",
        resume: Annotated[bool, typer.Option("--resume", help="Continue a stopped drill at its failed step.")] = False,
        approve: Approve = False,
    ) -> None:  # fmt: skip
        """Fence, drain replication, fail over, verify, fail back, unfence; each step timed.

        A failed step is named in the error, the audit log and --json; the drill rolls back or stops (--on-failure).
        """
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if on_failure not in ("rollback", "stop"):
                raise DeclarationError("--on-failure", f"{on_failure!r} is not rollback or stop")
            region_switch_mode = ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH
            if dry_run and not region_switch_mode:
                plan = {f"{i + 1}. {s.name}": s.action for i, s in enumerate(drill_plan(ctx))}
                _emit(plan, as_json, "drill plan (dry run)")
                return
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        log = audit_log or ctx.audit_log
        if region_switch_mode:
            # The plan's workflows fence, switch and unfence; a failed execution stops where it is (the error
            # names the execution and the step) and is resumed or canceled in the plan, not by the drill.
            for to_standby in (True, False):
                name = "drill " + ("failover" if to_standby else "failback")
                limit = Deadline(timeout)
                with limit.active():
                    if dry_run:
                        try:
                            _run_plan(clients, ctx, name, to_standby, True, limit, log, as_json, approve)
                        except DOMAIN_ERRORS as err:
                            raise _fail(err) from None
                        continue
                    with _audited(log, name, {"timeout": timeout}, clients, as_json) as run:
                        _run_plan(clients, ctx, name, to_standby, False, limit, log, as_json, approve, run)
            return

        def dns(to_standby: bool) -> Any:
            target = ctx.standby_region if to_standby else ctx.primary_region
            return stop.dns_expectation(clients.get("apigateway", target), ctx)

        progress: dict[str, Any] = {}

        def record_progress(message: str) -> None:
            progress.setdefault("steps", []).append(message)
            _progress(as_json)(message)

        with _audited(log, "drill", {"resume": resume, "onFailure": on_failure, "timeout": timeout}, clients,
                      as_json, lambda: progress) as run:  # fmt: skip
            report = run_drill(clients, ctx, who=auditlog.operator(), timeout=timeout, on_failure=on_failure,
                               resume=resume, expected_dns=dns, progress=record_progress)  # fmt: skip
            run.finish(report.outcome, report.as_dict())
        if report.failed_step is not None:
            credentials = clients.credentials_error()
            if credentials is not None:  # the step failed because no call could be made: say that, once
                raise _fail(credentials)
            if as_json:
                typer.echo(json.dumps(report.as_dict(), indent=2, default=str))
            typer.echo(f"regionpair: drill {report.outcome}", err=True)
            raise typer.Exit(EXIT_ERROR)
        if as_json:
            typer.echo(json.dumps(report.as_dict(), indent=2, default=str))
        else:
            _emit({r.name: f"{r.seconds:.1f} s  {r.detail}" for r in report.steps}, False, "drill: done")

    def _sync(
        ctx: PairContext, lists: list[sync.RegionList], dry_run: bool, checkpoint: Path | None, audit_log: Path | None,
        command: str, list_name: str, as_json: bool, prefer: Any = None,
    ) -> None:  # fmt: skip
        log = audit_log or ctx.audit_log
        sync_plan = sync.plan(lists, prefer) if prefer else sync.plan(lists)
        data: dict[str, Any] = {
            f"to write in {region}": [f"{e.key} ({e.reason}{' ' + str(dict(e.topics)) if e.topics else ''})"
                                      for e in entries]
            for region, entries in sync_plan.writes.items()
        }  # fmt: skip
        if not dry_run:
            path = checkpoint or ctx.state_dir / f"sync-{command}-{_safe(list_name)}.jsonl"
            result = sync.ApplyResult()
            details = {"list": list_name, "planned": sync_plan.total, "checkpoint": str(path)}

            def done() -> dict[str, Any]:
                return {"written": result.written, "skipped": result.skipped, "pending": result.pending,
                        "failedRegions": result.failed, "outcomeUnknown": result.unknown}  # fmt: skip

            with _audited(log, f"sync {command}", details, clients_module.Clients.last or Clients(), as_json,
                          done) as run:  # fmt: skip
                sync.apply(lists, sync_plan, sync.Checkpoint(path, command, list_name), result)
                run.finish("ok", {"written": result.written, "skipped": result.skipped, "interrupted": False})
            data["written"] = result.written
            data["skipped (written by an interrupted run)"] = result.skipped
        _emit(data, as_json, f"sync {command} {list_name}{' (dry run)' if dry_run else ''}")

    @app.command()
    def audit(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
    ) -> None:  # fmt: skip
        """Read-only: build each region's manifest from the live account and compare them like the policy pack."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            with Deadline(120).active():
                missing = _not_deployed(clients, ctx)
                if missing:
                    raise OpsError(missing)
                findings = live_audit.audit(clients, ctx)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        if as_json:
            typer.echo(json.dumps([asdict(f) for f in findings], indent=2))
        else:
            table = Table(title=f"live parity audit: {len(findings)} finding(s)", title_justify="left")
            for column in ("policy", "subject", "message"):
                table.add_column(column, overflow="fold")
            for f in findings:
                table.add_row(f.policy, f.subject, f.message)
            console.print(table)
        raise typer.Exit(1 if any(not f.undecided for f in findings) else 0)

    @sync_app.command("suppression")
    def sync_suppression(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None, timeout: SyncTimeout = 3600,
    ) -> None:  # fmt: skip
        """Union the SES account suppression lists of both regions (earliest entry wins)."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            lists: list[sync.RegionList] = [
                sync.SuppressionList(clients.get("sesv2", ctx.region_of(r)), ctx.region_of(r)) for r in Role
            ]
            with Deadline(timeout).active():
                _sync(ctx, lists, dry_run, checkpoint, audit_log, "suppression", "account", as_json)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None

    @sync_app.command("contacts")
    def sync_contacts(
        contact_list: Annotated[str, typer.Argument(help="Contact list name (the same in both regions).")],
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None, timeout: SyncTimeout = 3600,
    ) -> None:  # fmt: skip
        """Union an SES contact list across both regions; an unsubscription or topic opt-out in either wins."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            lists: list[sync.RegionList] = [
                sync.ContactList(clients.get("sesv2", ctx.region_of(r)), ctx.region_of(r), contact_list) for r in Role
            ]
            with Deadline(timeout).active():
                _sync(ctx, lists, dry_run, checkpoint, audit_log, "contacts", contact_list, as_json,
                      sync.unsubscribe_wins)  # fmt: skip
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None

    @sync_app.command("opt-outs")
    def sync_opt_outs(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None, timeout: SyncTimeout = 3600,
    ) -> None:  # fmt: skip
        """Union the SMS opt-out lists of both regions."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if ctx.pair.shared.sms is None:
                raise state.StateError("pair.yaml sms: not declared; there is no opt-out list to sync")
            name = ctx.pair.shared.sms.opt_out_list
            lists: list[sync.RegionList] = [
                sync.OptOutList(clients.get("pinpoint-sms-voice-v2", ctx.region_of(r)), ctx.region_of(r), name)
                for r in Role
            ]
            with Deadline(timeout).active():
                _sync(ctx, lists, dry_run, checkpoint, audit_log, "opt-outs", name, as_json)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None


def _not_deployed(clients: Clients, ctx: PairContext) -> str | None:
    """One line when nothing of the pair is deployed in either region (the audit would only list absences).

    Looks for what each half creates first: the STOP alarm (or the Region switch plan) in the standby, the
    declared tables in either region. A lookup that fails (not "not found") never counts as "not deployed".
    """
    looked: list[str] = []
    if ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH:
        return None  # the plan is found by name in each region's data plane; status reports it
    try:
        stop.read_alarm(clients.get("cloudwatch", ctx.standby_region), ctx)
        return None
    except OpsError as err:
        if "not found" not in str(err):
            return None
        looked.append(f"no STOP alarm {ctx.alarm_name} in {ctx.standby_region}")
    tables = [ctx.pair.physical_name(t.name) for t in ctx.pair.shared.tables] + (
        [ctx.state_table] if ctx.state_table else []
    )
    for name in tables[:3]:
        for region in ctx.regions:
            try:
                clients.get("dynamodb", region).describe_table(TableName=name)
                return None
            except ClientError as err:
                if err.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    return None
            except AWS_ERRORS:
                return None
        looked.append(f"no table {name} in {' or '.join(ctx.regions)}")
    for decl in ctx.pair.shared.buckets[:1]:
        for role in Role:
            name = ctx.pair.bucket_name(decl, role)
            try:
                clients.get("s3", ctx.region_of(role)).head_bucket(Bucket=name)
                return None
            except ClientError as err:
                if err.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
                    return None
            except AWS_ERRORS:
                return None
            looked.append(f"no bucket {name} in {ctx.region_of(role)}")
    email = ctx.pair.shared.email
    for domain in (email.domains[:1] if email else []):
        for region in ctx.regions:
            try:
                clients.get("sesv2", region).get_email_identity(EmailIdentity=domain)
                return None
            except ClientError as err:
                if err.response.get("Error", {}).get("Code") != "NotFoundException":
                    return None
            except AWS_ERRORS:
                return None
        looked.append(f"no SES identity {domain} in {' or '.join(ctx.regions)}")
    return (f"pair {ctx.pair.shared.name} is not deployed ({'; '.join(looked)}): deploy it (pulumi up -s secondary, "
            "then -s primary), then rerun the audit")  # fmt: skip


def _safe(name: str) -> str:
    """A list name as a file-name part."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
