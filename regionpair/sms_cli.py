"""`regionpair sms`: read-only SMS commands (the number lifecycle: when may a number join its pool?).

Thin: options, clients, `regionpair.ops.sms_numbers`, a table or JSON. Nothing here changes the account; the
user flips `status: active` in the stack file and runs `pulumi up` (docs/configuration.md, "SMS number lifecycle").
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from botocore.exceptions import BotoCoreError, ClientError

from regionpair.ops_cli import DOMAIN_ERRORS, ConfigDir, Endpoint, Json, Profile, Stacks, _fail, _setup

app = typer.Typer(help="SMS origination numbers: lifecycle status per region (read-only).", no_args_is_help=True)


class Which(StrEnum):
    """Which half to report."""

    BOTH = "both"
    PRIMARY = "primary"
    SECONDARY = "secondary"


@app.command("status")
def status(
    stack: Stacks = None,
    config_dir: ConfigDir = None,
    profile: Profile = None,
    endpoint_url: Endpoint = None,
    role: Annotated[Which, typer.Option(help="Report the primary's numbers, the secondary's, or both.")] = Which.BOTH,
    fail_on_mismatch: Annotated[
        bool,
        typer.Option(
            "--fail-on-mismatch",
            help="Exit 2 when a number declared active is not ACTIVE in AWS (the next `pulumi up` would fail).",
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Each declared number's status in AWS, its registration, and the next step (e.g. set status: active)."""
    from regionpair.components.declaration import Role
    from regionpair.ops import sms_numbers

    try:
        ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
    except DOMAIN_ERRORS as err:
        raise _fail(err) from None
    if ctx.pair.shared.sms is None:
        raise _fail(ValueError("pair.yaml declares no sms section: no numbers to report"))
    rows, errors = [], {}
    for r in Role:
        if role is not Which.BOTH and role.value != r.value:
            continue
        region = ctx.region_of(r)
        try:  # one region's outage must not hide the other region's numbers
            rows += sms_numbers.report(clients.get("pinpoint-sms-voice-v2", region), ctx.pair, r)
        except (ClientError, BotoCoreError) as err:
            errors[region] = str(err).splitlines()[0]
    if errors and clients.credentials_error() is not None:  # one line for a credentials problem, every command
        raise _fail(clients.credentials_error())
    if as_json:
        typer.echo(json.dumps({"numbers": [row.as_dict() for row in rows], "errors": errors}, indent=2))
    else:
        # One block per number rather than a table: the next step is a sentence and must stay readable.
        for row in rows:
            reg = f"registration {row.registration_id} {row.registration_status or ''}" if row.registration_id else ""
            facts = [f"declared {row.declared}", f"AWS {row.live or 'not found'}", reg.strip(),
                     "pooled" if row.in_pool else "not pooled"]  # fmt: skip
            typer.echo(f"{row.stack} ({row.region}) {row.key.split(' ', 1)[1]}: {row.country} {row.type} "
                       f"{row.phone_number or ''}".rstrip())  # fmt: skip
            typer.echo(f"  {', '.join(f for f in facts if f)}")
            typer.echo(f"  -> {row.action}: {row.advice}")
        for region, message in errors.items():
            typer.echo(f"regionpair: {region}: could not read numbers: {message}", err=True)
    if errors and not rows:
        raise typer.Exit(1)
    if fail_on_mismatch and any(row.action == "mismatch" for row in rows):
        raise typer.Exit(2)


def register(root: typer.Typer) -> None:
    """Add `regionpair sms ...` to the CLI."""
    root.add_typer(app, name="sms")
