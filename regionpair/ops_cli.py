"""Operations commands of `regionpair`: status, failover, failback, state, drill, sync, audit.

Thin: parse options, build clients, call `regionpair.ops`, print a table or JSON. Domain errors (AWS errors,
refused transitions, bad declarations) print one line naming the resource, the region and the next step, and
exit 1. Every command that changes a live account has `--dry-run` and appends to the pair's audit log
(`<config dir>/.regionpair/<primary stack>/audit.log`).

Exit codes (also in each command's help and docs/operations.md):
0 done (and, for failover/failback, verified); 1 error or refusal, nothing changed by this command (or a drill
step failed: see its output); 2 usage error; 3 published, routing not verified (failover/failback: the switch
happened in CloudWatch, a verification step timed out or its API failed).
"""

from __future__ import annotations

import json
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
from regionpair.ops.clients import Clients
from regionpair.ops.context import PairContext, load_context
from regionpair.ops.drill import drill_plan, run_drill
from regionpair.ops.errors import AWS_ERRORS, OpsError, aws_error, reason
from regionpair.ops.status import pair_status, render

EXIT_OK, EXIT_ERROR, EXIT_UNVERIFIED = 0, 1, 3
EXIT_CODES = (
    "Exit codes: 0 done and verified; 1 error or refusal (one line on stderr); 2 usage error; "
    "3 published, routing not verified (the switch happened; a check timed out or its API failed)."
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
    float, typer.Option(help="Seconds for the whole command: publishing and every verification wait together.")
]
Region = Annotated[str | None, typer.Option(help="One of the pair's two regions.")]
Checkpoint = Annotated[
    Path | None,
    typer.Option(help="Resume file of an interrupted run; default: <config dir>/.regionpair/<primary stack>/"
                      "sync-<command>-<list>.jsonl (one per command and list)."),
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


def _fail(err: BaseException) -> typer.Exit:
    message = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    if isinstance(err, ClientError):  # one not already named by the library: say which call and what next
        message = f"AWS {err.operation_name}: {reason(err)}; check the resource exists and your permissions, then rerun"
    typer.echo(f"regionpair: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


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

    @app.command()
    def status(
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False
    ) -> None:
        """STOP alarm and metric, health check, DNS answer, app state, table replicas, each region's composite.

        Every field is read on its own and shows its value or "unavailable: <reason>".
        """
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        _emit(pair_status(clients, ctx), as_json, f"region pair {ctx.pair.shared.name}")

    def _switch(
        to_standby: bool, config_dir: Path | None, profile: str | None, endpoint_url: str | None, dry_run: bool,
        timeout: float, audit_log: Path | None, as_json: bool, force: bool, approve: bool = False,
        stack: list[str] | None = None,
    ) -> None:  # fmt: skip
        command = "failover" if to_standby else "failback"
        log: Path | None = audit_log
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            log = audit_log or ctx.audit_log
            if ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH:
                if not to_standby and not force:
                    _preconditions(ctx, clients, to_standby, force)
                _run_plan(clients, ctx, command, to_standby, dry_run, timeout, log, as_json, approve)
                return
            notes = _preconditions(ctx, clients, to_standby, force)
            target = ctx.standby_region if to_standby else ctx.primary_region
            expected = None if dry_run else stop.dns_expectation(clients.get("apigateway", target), ctx)
            report = stop.switch(clients, ctx, to_standby=to_standby, timeout=timeout, dry_run=dry_run,
                                 expected_dns=expected, progress=_progress(as_json))  # fmt: skip
        except DOMAIN_ERRORS as err:
            if not dry_run and log is not None:
                auditlog.record(log, command, {"published": [], "force": force}, f"failed: {err}")
            raise _fail(err) from None
        data = {**report.as_dict(), "preconditions": notes}
        if not dry_run:
            auditlog.record(log, command, data, report.outcome)
        _emit(data, as_json, f"{command}: {report.outcome}")
        if not dry_run and not report.verified:
            raise typer.Exit(EXIT_UNVERIFIED)

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
        clients: Clients, ctx: PairContext, command: str, to_standby: bool, dry_run: bool, timeout: float,
        log: Path, as_json: bool, approve: bool,
    ) -> None:  # fmt: skip
        """Region-switch mode: start the plan in the region being activated and follow it (docs/region-switch.md)."""
        result = region_switch.switch(
            clients, ctx.pair, to_standby=to_standby, who=auditlog.operator(), approve_steps=approve,
            confirm_cancel=lambda q: typer.confirm(q, default=False), dry_run=dry_run, timeout=timeout,
            progress=_progress(as_json),
        )  # fmt: skip
        data = asdict(result)
        if isinstance(result, region_switch.RunResult):
            data["steps"] = {s.name: {"status": s.status, "seconds": s.seconds} for s in result.steps}
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
        log = audit_log
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            log = audit_log or ctx.audit_log
            if not ctx.state_table:
                raise state.StateError("pair.yaml appState: not declared; add appState to use the app state")
            write_in = ctx.check_region(region, ctx.primary_region)
            before, after = state.set_state(
                clients.get("dynamodb", write_in), ctx.state_table, ctx.state_key, target, who=who, dry_run=dry_run,
            )  # fmt: skip
        except DOMAIN_ERRORS as err:
            if not dry_run and log is not None:
                auditlog.record(log, "state set", {"target": target.value}, f"failed: {err}")
            raise _fail(err) from None
        if not dry_run:
            auditlog.record(log, "state set", {"from": before.state.value, "to": after.state.value,
                                               "region": write_in}, "ok")  # fmt: skip
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
    ) -> None:  # fmt: skip
        """Fence, drain replication, fail over, verify, fail back, unfence; each step timed.

        A failed step is named in the error, the audit log and --json; the drill rolls back or stops (--on-failure).
        """
        log = audit_log
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            log = audit_log or ctx.audit_log
            if on_failure not in ("rollback", "stop"):
                raise DeclarationError("--on-failure", f"{on_failure!r} is not rollback or stop")
            if ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH:
                # The plan's workflows fence, switch and unfence; a failed execution stops where it is (the error
                # names the execution and the step) and is resumed or canceled in the plan, not by the drill.
                for to_standby in (True, False):
                    _run_plan(clients, ctx, "drill " + ("failover" if to_standby else "failback"), to_standby,
                              dry_run, timeout, log, as_json, approve)  # fmt: skip
                return
            if dry_run:
                plan = {f"{i + 1}. {s.name}": s.action for i, s in enumerate(drill_plan(ctx))}
                _emit(plan, as_json, "drill plan (dry run)")
                return
            def dns(to_standby: bool) -> Any:
                target = ctx.standby_region if to_standby else ctx.primary_region
                return stop.dns_expectation(clients.get("apigateway", target), ctx)

            report = run_drill(clients, ctx, who=auditlog.operator(), timeout=timeout, on_failure=on_failure,
                               resume=resume, expected_dns=dns, progress=_progress(as_json))  # fmt: skip
        except DOMAIN_ERRORS as err:
            if not dry_run and log is not None:
                auditlog.record(log, "drill", {"resume": resume}, f"failed: {err}")
            raise _fail(err) from None
        auditlog.record(log, "drill", report.as_dict(), report.outcome)
        if report.failed_step is not None:
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
            try:
                sync.apply(lists, sync_plan, sync.Checkpoint(path, command, list_name), result)
            except BaseException as err:
                auditlog.record(log, f"sync {command}", {**details, "written": result.written,
                                "skipped": result.skipped, "interrupted": True}, f"interrupted: {err!r}")  # fmt: skip
                raise
            data["written"] = result.written
            data["skipped (written by an interrupted run)"] = result.skipped
            auditlog.record(log, f"sync {command}", {**details, "written": result.written, "skipped": result.skipped,
                                                      "interrupted": False}, "ok")  # fmt: skip
        _emit(data, as_json, f"sync {command} {list_name}{' (dry run)' if dry_run else ''}")

    @app.command()
    def audit(
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
    ) -> None:  # fmt: skip
        """Read-only: build each region's manifest from the live account and compare them like the policy pack."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
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
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None,
    ) -> None:  # fmt: skip
        """Union the SES account suppression lists of both regions (earliest entry wins)."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            lists: list[sync.RegionList] = [
                sync.SuppressionList(clients.get("sesv2", ctx.region_of(r)), ctx.region_of(r)) for r in Role
            ]
            _sync(ctx, lists, dry_run, checkpoint, audit_log, "suppression", "account", as_json)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None

    @sync_app.command("contacts")
    def sync_contacts(
        contact_list: Annotated[str, typer.Argument(help="Contact list name (the same in both regions).")],
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None,
    ) -> None:  # fmt: skip
        """Union an SES contact list across both regions; an unsubscription or topic opt-out in either wins."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            lists: list[sync.RegionList] = [
                sync.ContactList(clients.get("sesv2", ctx.region_of(r)), ctx.region_of(r), contact_list) for r in Role
            ]
            _sync(ctx, lists, dry_run, checkpoint, audit_log, "contacts", contact_list, as_json,
                  sync.unsubscribe_wins)  # fmt: skip
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None

    @sync_app.command("opt-outs")
    def sync_opt_outs(
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = None, as_json: Json = False, checkpoint: Checkpoint = None,
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
            _sync(ctx, lists, dry_run, checkpoint, audit_log, "opt-outs", name, as_json)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None


def _safe(name: str) -> str:
    """A list name as a file-name part."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
