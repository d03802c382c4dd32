"""`regionpair readiness`: can the standby carry the failover volume? Exit 0 when it can, 1 when not (or unknown).

Thin: options, clients, `regionpair.ops.readiness`, a table or JSON. Read-only: it changes nothing, so it has no
`--dry-run`; run it from CI or on a schedule (docs/messaging.md).
"""

from __future__ import annotations

import json

import typer
from rich.table import Table

from regionpair.ops import readiness as ops
from regionpair.ops_cli import DOMAIN_ERRORS, ConfigDir, Endpoint, Json, Profile, Stacks, _fail, _setup, console

EXIT_READY, EXIT_NOT_READY = 0, 1


def register(app: typer.Typer) -> None:
    """Add the `readiness` command to the CLI."""

    @app.command(epilog="Exit codes: 0 ready; 1 not ready, or a check of a region that must carry the failover "
                 "volume could not be read (one line per blocker on stderr); 2 usage error.")  # fmt: skip
    def readiness(
        stack: Stacks = None,
        config_dir: ConfigDir = None, profile: Profile = None, endpoint_url: Endpoint = None, as_json: Json = False
    ) -> None:
        """SES production access, sending, quota and rate, dedicated IP warm-up, SMS tier, spend and throughput.

        Read per region; the regions that must carry the failover volume (the secondary, or both when the pair is
        active-active) decide the exit code.
        """
        try:
            ctx, clients = _setup(config_dir, profile, endpoint_url, stack)
            result = ops.readiness(clients, ctx.pair)
        except DOMAIN_ERRORS as err:
            raise _fail(err) from None
        if clients.credentials_error() is not None:  # every check would be "unknown" for the same reason
            raise _fail(clients.credentials_error())
        if as_json:
            typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        else:
            table = Table(title=f"readiness of pair {ctx.pair.shared.name}: "
                          f"{'READY' if result.ready else 'NOT READY'}", title_justify="left")  # fmt: skip
            for column in ("region", "check", "status", "detail"):
                table.add_column(column, overflow="fold")
            for c in result.checks:
                mark = f"{c.status}{' (blocks)' if c.blocking else ''}"
                table.add_row(f"{c.region} ({c.role})", c.check, mark, c.detail)
            console.print(table)
        for c in result.blockers:
            typer.echo(f"regionpair: not ready: {c.region} {c.check}: {c.detail}", err=True)
        raise typer.Exit(EXIT_READY if result.ready else EXIT_NOT_READY)
