"""The `regionpair` command: the offline policy check and the operations commands."""

from __future__ import annotations

import os
import sys

if sys.argv[1:2] == ["check"]:  # start the pack first: it loads on the other core while we import (the gate's speed)
    import gc

    from regionpair import packproc

    packproc.start_early("check", "--preview" in sys.argv)
    # The check is one short run that allocates millions of small objects (pulumi_aws's classes, the mock
    # runtime's Outputs and futures); with Python's default thresholds the cyclic collector kept walking that
    # growing heap (about a fifth of the run, bench/bench_check.py). Collect young objects less often; the
    # process ends in seconds.
    gc.set_threshold(100_000, 50, 100)

import typer

from regionpair import check

app = typer.Typer(
    name="regionpair",
    help="Multi-region failover as code: offline policy check and operations for an AWS region pair.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Offline policy check, failover/failback, fencing and drills for an AWS region pair."""


check.register(app)
if sys.argv[1:2] != ["check"]:  # the gate stays lean; `regionpair diff` needs no AWS SDK either
    from regionpair import diff_cli

    diff_cli.register(app)


def _register_operations() -> None:
    from regionpair import resources_cli

    resources_cli.register(app)
    try:
        from regionpair import ops_cli, readiness_cli, sms_cli
    except ImportError:  # operations commands are optional in a minimal install
        return
    ops_cli.register(app)
    sms_cli.register(app)
    readiness_cli.register(app)


# `regionpair check` is the CI gate and needs no AWS SDK: skip importing boto3 for it (the gate's speed).
if sys.argv[1:2] != ["check"]:
    _register_operations()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as done:
        if sys.argv[1:2] != ["check"]:
            raise
        # The gate has printed its verdict and stopped the pack: skip the interpreter's teardown of the
        # thousands of pulumi_aws modules, gRPC and asyncio state it loaded (~0.7 s of a ~3.5 s run, measured
        # with bench/bench_check.py), which does no work a user or CI needs.
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if done.code is not None and not isinstance(done.code, int):
            print(done.code, file=sys.stderr)
        from regionpair import packproc

        packproc.stop_unadopted()  # atexit handlers do not run after os._exit
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
