"""Operations commands of `regionpair`: status, failover, failback, state, drill, sync, audit.

Thin: parse options, build clients, call `regionpair.ops`, print a table or JSON. Domain errors (AWS errors,
refused transitions, bad declarations) print one line naming the resource, the region and the next step, and
exit 1. Every command that changes a live account has `--dry-run` and appends to the pair's audit log
(`<config dir>/.regionpair/<primary stack>/audit.log`).

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
import time
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
from regionpair.ops import auditlog, measure, region_switch, standby_sends, state, stop, sync
from regionpair.ops import clients as clients_module
from regionpair.ops import report as drill_report
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
Stacks = Annotated[
    list[str] | None,
    typer.Option(
        "--stack",
        "-s",
        metavar="STACK",
        help="A stack of the pair to operate (either half, or both: repeat); needed when the project holds several "
        "pairs.",
    ),
]
Profile = Annotated[str | None, typer.Option(help="AWS profile (default: the usual credential chain).")]
Endpoint = Annotated[str | None, typer.Option(help="Endpoint URL for every AWS call (local testing, e.g. moto).")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable output (structured values).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing, never wait.")]
AuditLog = Annotated[
    Path | None, typer.Option(help="Audit log file; default: <config dir>/.regionpair/<primary stack>/audit.log "
                                "(one per pair).")
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
    typer.Option(help="Resume file of an interrupted run; default: <config dir>/.regionpair/<primary stack>/"
                      "sync-<command>-<list>.jsonl (one per command and list)."),
]  # fmt: skip

UserSource = Annotated[
    Role, typer.Option(help="Whose attributes and enabled flags win where both pools hold a user: primary "
                            "(default), or secondary after a failover.")
]  # fmt: skip

console = Console()
Approve = Annotated[
    bool, typer.Option("--approve", help="Region-switch mode: approve the plan's ManualApproval step with your "
                                         "credentials when the execution asks (default: wait for an approver).")
]  # fmt: skip
DOMAIN_ERRORS = (*AWS_ERRORS, OpsError, DeclarationError, LookupError, sync.CheckpointError)


def _setup(
    config_dir: Path | None, profile: str | None, endpoint_url: str | None, stack: list[str] | None = None
) -> tuple[PairContext, Clients]:
    ctx = load_context((config_dir or Path.cwd()).resolve(), stack)
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
    state_app = typer.Typer(
        help="The app-state pattern (active/fenced/failover): the application's state in the global table.",
        no_args_is_help=True,
    )
    sync_app = typer.Typer(help="Reconcile per-region lists in both directions.", no_args_is_help=True)
    app.add_typer(state_app, name="state")
    app.add_typer(sync_app, name="sync")
    register_report(app)

    @app.command()
    def status(
        stack: Stacks = None,
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
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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
        stack: list[str] | None = None,
    ) -> None:  # fmt: skip
        command = "failover" if to_standby else "failback"
        limit = Deadline(timeout)  # one deadline for the whole command, from the start
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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
        """Failover: the app is fenced (the app-state pattern). Failback: the primary is healthy. --force: neither."""
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
        log: Path, as_json: bool, approve: bool, run: auditlog.Run | None = None, collect: list[Any] | None = None,
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
            if collect is not None and isinstance(err.result, region_switch.RunResult):
                collect.append(err.result)  # the drill report's evidence
            if run is not None:
                run.finish(data["outcome"], data)
            _emit(data, as_json, f"{command} (Region switch): started, not verified")
            typer.echo(f"regionpair: {err}", err=True)
            raise typer.Exit(EXIT_UNVERIFIED) from None
        data = asdict(result)
        if collect is not None and isinstance(result, region_switch.RunResult):
            collect.append(result)  # the drill report's evidence
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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Timeout = 600, audit_log: AuditLog = None, as_json: Json = False,
        force: Annotated[bool, typer.Option(help="Fail over even if the app state is not fenced.")] = False,
        approve: Approve = False,
    ) -> None:  # fmt: skip
        """Publish what the deployed STOP alarm watches, in the standby region; then verify routing step by step.

        Needs only the standby region. Requires the app state to be fenced (the app-state pattern) unless --force. In
        `routing.mode: region-switch`, starts the Region switch plan in the standby region and follows it instead
        (the plan fences itself); Ctrl-C offers to cancel the execution.
        """
        _switch(True, config_dir, profile, endpoint_url, dry_run, timeout, audit_log, as_json, force, approve, stack)

    @app.command(epilog=EXIT_CODES)
    def failback(
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Timeout = 600, audit_log: AuditLog = None, as_json: Json = False,
        force: Annotated[bool, typer.Option(help="Fail back even while the primary's composite alarm fires.")] = False,
        approve: Approve = False,
    ) -> None:  # fmt: skip
        """Publish the clearing value; also cancels a pending failover (metric at 1, alarm not yet in ALARM).

        In `routing.mode: region-switch`, starts the plan's activation of the primary region and follows it.
        """
        _switch(False, config_dir, profile, endpoint_url, dry_run, timeout, audit_log, as_json, force, approve, stack)

    @state_app.command("get")
    def state_get(
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
        region: Region = None,
    ) -> None:  # fmt: skip
        """Read the app state (strongly consistent) in --region, or the primary's replica then the standby's."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False,
        region: Annotated[str | None, typer.Option(help="Write through this region of the pair (during a failover: "
                                                        "the standby).")] = None,
    ) -> None:  # fmt: skip
        """Change the app state in order (fence before failover) with a conditional write."""
        who = auditlog.operator()
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Annotated[float, typer.Option(help="Seconds for each switch and for the drain (the drill can take "
                                                    "about 3x this).")] = 600,
        audit_log: AuditLog = None, as_json: Json = False,
        on_failure: Annotated[str, typer.Option(help="rollback: undo what the drill did (fail back, unfence); "
                                                     "stop: leave it where it failed, for --resume.")] = "rollback",
        resume: Annotated[bool, typer.Option("--resume", help="Continue a stopped drill at its failed step.")] = False,
        approve: Approve = False,
        email_to: Annotated[str, typer.Option(help="Recipient of the test email sent from the standby (default: the "
                                                   "SES mailbox simulator, which reaches no one).")] = (
            standby_sends.MAILBOX_SIMULATOR),
        sms_to: Annotated[str | None, typer.Option(help="Destination of the test SMS from the standby (use a simulator "
                                                        "destination number); without it no SMS is sent.")] = None,
        sms_from: Annotated[str | None, typer.Option(help="Origination identity of the test SMS (default: the "
                                                          "standby's pool of the pair).")] = None,
        no_test_sends: Annotated[bool, typer.Option("--no-test-sends", help="Skip the email and SMS test sends "
                                                                            "from the standby.")] = False,
    ) -> None:  # fmt: skip
        """Fence, drain replication, fail over, verify, send from the standby, fail back, unfence; each step timed.

        A failed step is named in the error, the audit log and --json; the drill rolls back or stops (--on-failure).
        Every drill writes a report (Markdown, HTML, SVG timeline, JSON) next to the audit log, with the measured
        RTO and RPO against the objectives: `regionpair report` lists and shows them.
        """
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            if on_failure not in ("rollback", "stop"):
                raise DeclarationError("--on-failure", f"{on_failure!r} is not rollback or stop")
            region_switch_mode = ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH
            if dry_run and not region_switch_mode:
                steps = [(s.name, s.action) for s in drill_plan(ctx)]
                if not no_test_sends:
                    at = [n for n, _ in steps].index("verify") + 1
                    steps.insert(at, ("test-sends", f"send a test email (to {email_to}) and SMS from "
                                                    f"{ctx.standby_region}"))  # fmt: skip
                plan = {f"{i + 1}. {name}": action for i, (name, action) in enumerate(steps)}
                _emit(plan, as_json, "drill plan (dry run)")
                return
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        log = audit_log or ctx.audit_log
        if region_switch_mode:
            # The plan's workflows fence, switch and unfence; a failed execution stops where it is (the error
            # names the execution and the step) and is resumed or canceled in the plan, not by the drill.
            started, rpo, runs = time.time(), None if dry_run else _measured_rpo(clients, ctx), []
            send = None if no_test_sends else (
                lambda into: standby_sends.run(clients, ctx, email_to=email_to, sms_to=sms_to, sms_from=sms_from,
                                               into=into))  # fmt: skip
            sends: list[standby_sends.TestSend] = []
            send_error: str | None = None
            outcome = "failed"
            try:
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
                            _run_plan(clients, ctx, name, to_standby, False, limit, log, as_json, approve, run,
                                      collect=runs)  # fmt: skip
                    # Test sends from the standby while it serves; a refused send fails the drill once the
                    # failback has run.
                    if to_standby and send is not None and not dry_run and runs and runs[-1].succeeded:
                        try:
                            with Deadline(min(timeout, 60)).active():
                                send(sends)
                        except OpsError as err:
                            send_error = str(err)
                outcome = "done" if send_error is None else f"failed: {send_error}"
            finally:
                if not dry_run and runs:  # written even when an execution fails or is unverified
                    if not all(r.verified and r.succeeded for r in runs) or len(runs) < 2:
                        outcome = "failed or unverified: see the executions"
                    evidence = drill_report.from_region_switch(ctx, runs, operator=auditlog.operator(),
                                                               started=started, ended=time.time(), rpo=rpo,
                                                               outcome=outcome, sends=sends)  # fmt: skip
                    path = drill_report.write_report(evidence, drill_report.reports_dir(ctx, log))["markdown"]
                    auditlog.record(log, "drill report",
                                    {"report": str(path), "testSends": [x.as_dict() for x in sends]},
                                    outcome)  # fmt: skip
                    if not as_json:
                        console.print(f"report: {path}")
            if send_error is not None:
                typer.echo(f"regionpair: drill {outcome}", err=True)
                raise typer.Exit(EXIT_ERROR)
            return

        def dns(to_standby: bool) -> Any:
            target = ctx.standby_region if to_standby else ctx.primary_region
            return stop.dns_expectation(clients.get("apigateway", target), ctx)

        progress: dict[str, Any] = {}

        def record_progress(message: str) -> None:
            progress.setdefault("steps", []).append(message)
            _progress(as_json)(message)

        started, rpo, sends = time.time(), _measured_rpo(clients, ctx), []
        test_sends = None if no_test_sends else (
            lambda: standby_sends.run(clients, ctx, email_to=email_to, sms_to=sms_to, sms_from=sms_from,
                                      into=sends))  # fmt: skip
        with _audited(log, "drill", {"resume": resume, "onFailure": on_failure, "timeout": timeout}, clients,
                      as_json, lambda: progress) as run:  # fmt: skip
            report = run_drill(clients, ctx, who=auditlog.operator(), timeout=timeout, on_failure=on_failure,
                               resume=resume, expected_dns=dns, progress=record_progress,
                               test_sends=test_sends)  # fmt: skip
            plan = [(s.name, s.action) for s in drill_plan(ctx)]
            if test_sends is not None:
                at = [n for n, _ in plan].index("verify") + 1
                plan.insert(at, ("test-sends", f"send a test email (to {email_to}) and SMS from {ctx.standby_region}"))
            evidence = drill_report.from_stop_drill(ctx, report, plan=plan, operator=auditlog.operator(),
                                                    started=started, ended=time.time(), rpo=rpo, sends=sends)
            path = drill_report.write_report(evidence, drill_report.reports_dir(ctx, log))["markdown"]
            payload = {**report.as_dict(), "report": str(path),
                       "rto": evidence.rto.as_dict() if evidence.rto else None,
                       "rpo": rpo.as_dict() if rpo else None, "testSends": [s.as_dict() for s in sends]}  # fmt: skip
            run.finish(report.outcome, payload)
        if report.failed_step is not None:
            credentials = clients.credentials_error()
            if credentials is not None:  # the step failed because no call could be made: say that, once
                raise _fail(credentials)
            if as_json:
                typer.echo(json.dumps(payload, indent=2, default=str))
            typer.echo(f"regionpair: drill {report.outcome}; report: {path}", err=True)
            raise typer.Exit(EXIT_ERROR)
        if as_json:
            typer.echo(json.dumps(payload, indent=2, default=str))
        else:
            rows = {r.name: f"{r.seconds:.1f} s  {r.detail}" for r in report.steps}
            for label, verdict in (("RTO", evidence.rto), ("RPO", rpo.verdict if rpo else None)):
                if verdict is not None:
                    rows[label] = f"{verdict.verdict}: {verdict.because} (objective {verdict.objective_seconds:g} s)"
            rows["report"] = str(path)
            _emit(rows, False, "drill: done")

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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
        control_plane: Annotated[bool, typer.Option("--control-plane", help="Also check control-plane "
                                                    "independence: Route 53 accelerated recovery on the hosted zone; "
                                                    "in region-switch mode, the plan through each region's data "
                                                    "plane.")] = False,
    ) -> None:  # fmt: skip
        """Read-only: build each region's manifest from the live account and compare them like the policy pack."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            with Deadline(120).active():
                missing = live_audit.not_deployed(clients, ctx)
                if missing:
                    raise OpsError(missing)
                findings = live_audit.audit(clients, ctx)
                if control_plane:
                    from regionpair.ops import independence

                    findings += independence.findings(clients, ctx)
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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None, timeout: SyncTimeout = 3600,
    ) -> None:  # fmt: skip
        """Union the SES account suppression lists of both regions (earliest entry wins)."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None, timeout: SyncTimeout = 3600,
    ) -> None:  # fmt: skip
        """Union an SES contact list across both regions; an unsubscription or topic opt-out in either wins."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None, timeout: SyncTimeout = 3600,
    ) -> None:  # fmt: skip
        """Union the SMS opt-out lists of both regions."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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


    @sync_app.command("users")
    def sync_users(
        source: UserSource = Role.PRIMARY,
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None, timeout: SyncTimeout = 3600,
    ) -> None:  # fmt: skip
        """Copy confirmed users between the two regions' user pools (union; passwords cannot be copied)."""
        from regionpair.ops import user_sync

        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            with Deadline(timeout).active():
                pools = user_sync.pools_of(ctx.pair, lambda region: clients.get("cognito-idp", region))
                user_plan = user_sync.plan(pools, source)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        data: dict[str, Any] = user_plan.as_dict()
        if not dry_run:
            log = audit_log or ctx.audit_log
            point = user_sync.checkpoint_for(ctx.state_dir, ctx.pair, checkpoint)
            result = user_sync.UserSyncResult()
            details = {"source": source.value, "planned": user_plan.total, "checkpoint": str(point.path)}

            def done() -> dict[str, Any]:
                return {"written": result.written, "skipped": result.skipped}

            # Intent before the first write, outcome after; Ctrl-C or SIGTERM is recorded as interrupted with
            # what was written, and the checkpoint resumes it.
            with _audited(log, "sync users", details, clients, as_json, done) as run, Deadline(timeout).active():
                user_sync.apply(pools, user_plan, point, result)
                run.finish("ok", {**done(), "interrupted": False})
            data["written"], data["skipped"] = result.written, result.skipped
        if as_json:
            typer.echo(json.dumps(data, indent=2, default=str))
        else:
            _emit({"pools": data["pools"], "users": data["users"],
                   **{f"{w['action']} in {w['region']}": w["user"] for w in data["writes"]},
                   **({"written": data["written"], "skipped (an interrupted run wrote them)": data["skipped"]}
                      if not dry_run else {})}, False, f"sync users{' (dry run)' if dry_run else ''}")  # fmt: skip


def _safe(name: str) -> str:
    """A list name as a file-name part."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


RPO_BUDGET = 3.0
"""Seconds for reading the replication lag at a drill's start: GetMetricData answers in well under a second in a
healthy region, and a hung one must not delay the drill's first step (the lag is then "unknown" in the report)."""


def _measured_rpo(clients: Clients, ctx: PairContext) -> measure.RpoMeasurement | None:
    """The RPO measured when the drill starts; a failure to read it is in the report, never stops the drill."""
    try:
        with Deadline(RPO_BUDGET).active():
            return measure.measure_rpo(clients, ctx)
    except DOMAIN_ERRORS as err:
        return measure.RpoMeasurement(
            [measure.StoreLag("replication metrics", "s3", "-", status="unavailable", note=str(err))],
            measure.Verdict(ctx.pair.shared.objectives.rpo_minutes * 60, None, measure.UNKNOWN, str(err)),
        )


def register_report(app: typer.Typer) -> None:
    """`regionpair report`: list the drill reports, or show one."""

    @app.command()
    def report(
        name: Annotated[str | None, typer.Argument(help="A report's name (e.g. drill-20261203T091500Z) or latest; "
                                                        "without it, list the reports.")] = None,
        config_dir: ConfigDir = None, stack: Stacks = None, audit_log: AuditLog = None, as_json: Json = False,
        fmt: Annotated[str, typer.Option("--format", help="What to print of the report: md (the report), html "
                                                          "(self-contained file), svg (the timeline), json, or "
                                                          "path (its file paths only).")] = "md",
    ) -> None:  # fmt: skip
        """List the drill reports kept next to the audit log (newest first), or print one (reopen it)."""
        try:
            ctx = load_context((config_dir or Path.cwd()).resolve(), stack)  # each pair keeps its own reports
            directory = drill_report.reports_dir(ctx, audit_log)
            if name is None:
                found = drill_report.list_reports(directory)
                if as_json:
                    typer.echo(json.dumps(found, indent=2))
                    return
                table = Table(title=f"drill reports in {directory}: {len(found)}", title_justify="left")
                for column in ("name", "started", "outcome", "RTO", "RPO"):
                    table.add_column(column, overflow="fold")
                for r in found:
                    table.add_row(r["name"], r["startedAt"] or "", r["outcome"] or "", r["rto"] or "", r["rpo"] or "")
                console.print(table)
                return
            if fmt not in ("md", "html", "svg", "json", "path"):
                raise DeclarationError("--format", f"{fmt!r} is not md, html, svg, json or path")
            found_json = drill_report.find_report(directory, name)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        if fmt == "path" or as_json:
            paths = {ext: str(found_json.with_suffix(f".{ext}")) for ext in ("md", "html", "svg", "json")}
            typer.echo(json.dumps(paths, indent=2) if as_json else "\n".join(paths.values()))
            return
        typer.echo(found_json.with_suffix(f".{fmt}").read_text(encoding="utf-8"), nl=False)

