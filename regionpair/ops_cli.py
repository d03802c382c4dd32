"""Operations commands of `regionpair`: status, failover, failback, state, drill, sync.

Thin: parse options, build clients, call `regionpair.ops`, print a table or JSON. Domain errors (AWS errors,
timeouts, refused transitions, bad declarations) print one line and exit 1; every command that changes a live
account has `--dry-run` and appends to the local audit log.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import boto3
import typer
from botocore.exceptions import BotoCoreError, ClientError
from rich.console import Console
from rich.table import Table

from components.declaration import AppState, DeclarationError, Role
from components.signals import composite_alarm_name
from regionpair.ops import audit as live_audit
from regionpair.ops import auditlog, state, stop, sync
from regionpair.ops.clients import Clients
from regionpair.ops.context import PairContext, load_context
from regionpair.ops.drill import drill_plan, replication_drained, run_drill

ConfigDir = Annotated[Path | None, typer.Option(help="Directory of pair.yaml and the stack files; default: cwd.")]
Profile = Annotated[str | None, typer.Option(help="AWS profile (default: the usual credential chain).")]
Endpoint = Annotated[str | None, typer.Option(help="Endpoint URL for every AWS call (local testing, e.g. moto).")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing.")]
AuditLog = Annotated[Path, typer.Option(help="Where mutating commands record who, when, what.")]
Timeout = Annotated[float, typer.Option(help="Seconds to wait for each step.")]

console = Console()
DOMAIN_ERRORS = (
    ClientError, BotoCoreError, state.StateError, stop.WaitTimeoutError, DeclarationError, LookupError,
)  # fmt: skip


def _setup(config_dir: Path | None, profile: str | None, endpoint_url: str | None) -> tuple[PairContext, Clients]:
    ctx = load_context((config_dir or Path.cwd()).resolve())
    return ctx, Clients(boto3.Session(profile_name=profile), endpoint_url=endpoint_url)


def _fail(err: Exception) -> typer.Exit:
    message = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    typer.echo(f"regionpair: {message}", err=True)
    return typer.Exit(1)


def _emit(data: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    table = Table(title=title, title_justify="left")
    table.add_column("item")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        table.add_row(key, value if isinstance(value, str) else json.dumps(value, default=str))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the operations commands to the CLI."""
    state_app = typer.Typer(help="Seed 001's app state: active, fenced, failover.", no_args_is_help=True)
    sync_app = typer.Typer(help="Reconcile per-region lists in both directions.", no_args_is_help=True)
    app.add_typer(state_app, name="state")
    app.add_typer(sync_app, name="sync")

    @app.command()
    def status(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False
    ) -> None:
        """STOP alarm, health check, app state, table replicas and each region's composite alarm."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            cw = clients.get("cloudwatch", ctx.standby_region)
            data: dict[str, Any] = {"stop alarm": f"{ctx.alarm_name} ({ctx.standby_region})"}
            data["stop alarm state"] = stop.alarm_state(cw, ctx)
            data["stop metric last value"] = stop.last_value(cw, ctx)
            route53 = clients.get("route53")
            hc = stop.find_health_check(route53, ctx)
            data["health check"] = hc or "not found (deploy the primary)"
            if hc:
                data["health check healthy"] = stop.health_check_healthy(route53, hc)
            if ctx.api_domain:
                try:
                    data["dns answer"] = stop.dns_answer(route53, ctx)
                except ClientError as err:
                    data["dns answer"] = f"unavailable: {str(err).splitlines()[0]}"
            if ctx.state_table:
                item = state.get_state(clients.get("dynamodb", ctx.primary_region), ctx.state_table, ctx.state_key)
                data["app state"] = f"{item.state.value} (version {item.version}, by {item.updated_by})"
            if ctx.pair.shared.tables or ctx.state_table:
                drained = replication_drained(clients, ctx)
                data["table replicas"] = f"ACTIVE in {ctx.standby_region}" if drained else "replicating / not ACTIVE"
            for role in Role:
                region = ctx.region_of(role)
                name = composite_alarm_name(ctx.pair, role)
                alarms = clients.get("cloudwatch", region).describe_alarms(
                    AlarmNames=[name], AlarmTypes=["CompositeAlarm"]
                )["CompositeAlarms"]
                data[f"{role.value} health ({region})"] = alarms[0]["StateValue"] if alarms else "no composite alarm"
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        _emit(data, as_json, "region pair status")

    def _switch(
        to_standby: bool, config_dir: Path | None, profile: str | None, endpoint_url: str | None, dry_run: bool,
        timeout: float, audit_log: Path, as_json: bool, force: bool = False,
    ) -> None:  # fmt: skip
        command = "failover" if to_standby else "failback"
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if not to_standby and not force:
                name = composite_alarm_name(ctx.pair, Role.PRIMARY)
                if stop.primary_unhealthy(clients.get("cloudwatch", ctx.primary_region), name):
                    raise state.StateError(
                        f"{name} is in ALARM: the primary is unhealthy; fix it or pass --force to fail back anyway"
                    )
            target = ctx.standby_region if to_standby else ctx.primary_region
            expected = None if dry_run else stop.dns_expectation(clients.get("apigateway", target), ctx)
            if expected is None and not dry_run and not as_json:
                console.print(f"[yellow]the API endpoint in {target} does not resolve from here: DNS not checked[/]")
            report = stop.switch(
                clients.get("cloudwatch", ctx.standby_region), clients.get("route53"), ctx,
                to_standby=to_standby, timeout=timeout, dry_run=dry_run, expected_dns=expected,
                progress=(lambda m: None) if as_json else (lambda m: console.print(f"[dim]{m}[/]")),
            )  # fmt: skip
        except DOMAIN_ERRORS as err:
            if not dry_run:
                auditlog.record(audit_log, command, {"dry_run": dry_run}, f"failed: {err}")
            raise _fail(err) from None
        if not dry_run:
            auditlog.record(audit_log, command, {"published": report.published}, "ok")
        _emit(asdict(report), as_json, command)

    @app.command()
    def failover(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Timeout = 600, audit_log: AuditLog = auditlog.DEFAULT_PATH, as_json: Json = False,
    ) -> None:  # fmt: skip
        """Publish 1 to the STOP metric in the standby region and wait until routing follows."""
        _switch(True, config_dir, profile, endpoint_url, dry_run, timeout, audit_log, as_json)

    @app.command()
    def failback(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Timeout = 600, audit_log: AuditLog = auditlog.DEFAULT_PATH, as_json: Json = False,
        force: Annotated[bool, typer.Option(help="Fail back even while the primary's composite alarm fires.")] = False,
    ) -> None:  # fmt: skip
        """Publish 0 to the STOP metric and wait until routing is back on the primary."""
        _switch(False, config_dir, profile, endpoint_url, dry_run, timeout, audit_log, as_json, force)

    @state_app.command("get")
    def state_get(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
        region: Annotated[str | None, typer.Option(help="Read from this region's replica.")] = None,
    ) -> None:  # fmt: skip
        """Read the app state (strongly consistent, in the primary region unless --region)."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if not ctx.state_table:
                raise state.StateError("pair.yaml declares no appState")
            item = state.get_state(
                clients.get("dynamodb", region or ctx.primary_region), ctx.state_table, ctx.state_key
            )
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        _emit({"state": item.state.value, "version": item.version, "updatedBy": item.updated_by}, as_json, "state")

    @state_app.command("set")
    def state_set(
        target: Annotated[AppState, typer.Argument(help="active, fenced or failover.")],
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = auditlog.DEFAULT_PATH, as_json: Json = False,
        region: Annotated[str | None, typer.Option(help="Write through this region (during a failover).")] = None,
    ) -> None:  # fmt: skip
        """Change the app state in order (fence before failover) with a conditional write."""
        who = auditlog.operator()
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if not ctx.state_table:
                raise state.StateError("pair.yaml declares no appState")
            before, after = state.set_state(
                clients.get("dynamodb", region or ctx.primary_region), ctx.state_table, ctx.state_key, target,
                who=who, dry_run=dry_run,
            )  # fmt: skip
        except DOMAIN_ERRORS as err:
            if not dry_run:
                auditlog.record(audit_log, "state set", {"target": target.value}, f"failed: {err}")
            raise _fail(err) from None
        if not dry_run:
            auditlog.record(audit_log, "state set", {"from": before.state.value, "to": after.state.value}, "ok")
        _emit(
            {"from": before.state.value, "to": after.state.value, "version": after.version, "dryRun": dry_run},
            as_json,
            "state",
        )

    @app.command()
    def drill(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        timeout: Timeout = 600, audit_log: AuditLog = auditlog.DEFAULT_PATH, as_json: Json = False,
    ) -> None:  # fmt: skip
        """Fence, drain replication, fail over, verify, fail back, unfence; each step timed."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if dry_run:
                plan = {f"{i + 1}. {s.name}": s.action for i, s in enumerate(drill_plan(ctx))}
                _emit(plan, as_json, "drill plan (dry run)")
                return
            who = auditlog.operator()
            results = run_drill(
                clients, ctx, who=who, timeout=timeout,
                progress=(lambda m: None) if as_json else (lambda m: console.print(f"[dim]{m}[/]")),
            )  # fmt: skip
        except DOMAIN_ERRORS as err:
            if not dry_run:
                auditlog.record(audit_log, "drill", {}, f"failed: {err}")
            raise _fail(err) from None
        auditlog.record(audit_log, "drill", {"steps": [r.name for r in results]}, "ok")
        _emit({r.name: f"{r.seconds:.1f} s  {r.detail}" for r in results}, as_json, "drill")

    def _sync(
        lists: list[sync.RegionList], dry_run: bool, checkpoint: Path, audit_log: Path, what: str, as_json: bool,
        prefer: Any = None,
    ) -> None:  # fmt: skip
        sync_plan = sync.plan(lists, prefer) if prefer else sync.plan(lists)
        data: dict[str, Any] = {
            f"to write in {region}": [f"{e.key} ({e.reason})" for e in entries]
            for region, entries in sync_plan.writes.items()
        }
        if not dry_run:
            written = sync.apply(lists, sync_plan, checkpoint)
            data["written"] = written
            auditlog.record(audit_log, f"sync {what}", {"writes": sync_plan.total}, "ok")
        _emit(data, as_json, f"sync {what}{' (dry run)' if dry_run else ''}")

    @app.command()
    def audit(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False,
    ) -> None:  # fmt: skip
        """Read-only: build each region's manifest from the live account and compare them like the policy pack."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
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
        audit_log: AuditLog = auditlog.DEFAULT_PATH, as_json: Json = False,
        checkpoint: Annotated[Path, typer.Option(help="Resume point of an interrupted run.")] = Path(
            ".regionpair/sync-suppression.json"
        ),
    ) -> None:  # fmt: skip
        """Union the SES account suppression lists of both regions (earliest entry wins)."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            lists: list[sync.RegionList] = [
                sync.SuppressionList(clients.get("sesv2", ctx.region_of(r)), ctx.region_of(r)) for r in Role
            ]
            _sync(lists, dry_run, checkpoint, audit_log, "suppression", as_json)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None

    @sync_app.command("contacts")
    def sync_contacts(
        contact_list: Annotated[str, typer.Argument(help="Contact list name (the same in both regions).")],
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = auditlog.DEFAULT_PATH, as_json: Json = False,
        checkpoint: Annotated[Path, typer.Option(help="Resume point of an interrupted run.")] = Path(
            ".regionpair/sync-contacts.json"
        ),
    ) -> None:  # fmt: skip
        """Union an SES contact list across both regions; an unsubscription in either region wins."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            lists: list[sync.RegionList] = [
                sync.ContactList(clients.get("sesv2", ctx.region_of(r)), ctx.region_of(r), contact_list) for r in Role
            ]
            _sync(lists, dry_run, checkpoint, audit_log, "contacts", as_json, sync.unsubscribe_wins)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None

    @sync_app.command("opt-outs")
    def sync_opt_outs(
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, dry_run: DryRun = False,
        audit_log: AuditLog = auditlog.DEFAULT_PATH, as_json: Json = False,
        checkpoint: Annotated[Path, typer.Option(help="Resume point of an interrupted run.")] = Path(
            ".regionpair/sync-opt-outs.json"
        ),
    ) -> None:  # fmt: skip
        """Union the SMS opt-out lists of both regions."""
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url)
            if ctx.pair.shared.sms is None:
                raise state.StateError("pair.yaml declares no sms")
            name = ctx.pair.shared.sms.opt_out_list
            lists: list[sync.RegionList] = [
                sync.OptOutList(clients.get("pinpoint-sms-voice-v2", ctx.region_of(r)), ctx.region_of(r), name)
                for r in Role
            ]
            _sync(lists, dry_run, checkpoint, audit_log, "opt-outs", as_json)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
