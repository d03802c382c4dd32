"""`regionpair diff`: what the next `pulumi up` would create, replace or delete, and what it would refuse.

Thin: it reads each deployed stack's state (`pulumi stack export > secondary.json`), runs the program of this
checkout for both stacks under the mock runtime (regionpair/simulate.py, the primary reading the secondary's
exports as its StackReference would), and plays the steps against the account (regionpair/redeploy.py). Read
only: it changes nothing, in the account or in the stacks. Run it before `pulumi up` (or in CI on a pull request)
after changing pair.yaml or a stack file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer


def diff(
    secondary_state: Annotated[
        Path | None,
        typer.Option("--secondary-state", help="`pulumi stack export -s secondary` output (JSON file).",
                     exists=True, dir_okay=False),
    ] = None,
    primary_state: Annotated[
        Path | None,
        typer.Option("--primary-state", help="`pulumi stack export -s primary` output (JSON file).", exists=True,
                     dir_okay=False),
    ] = None,
    config_dir: Annotated[
        Path, typer.Option("--config-dir", help="Where pair.yaml and the stack files are (default: here).")
    ] = Path("."),
    stack: Annotated[
        list[str] | None,
        typer.Option("--stack", "-s", metavar="STACK", help="A stack of the pair (either half, or both: repeat), as "
                     "for the other commands; needed when the project holds several pairs."),
    ] = None,
    primary_stack: Annotated[str | None, typer.Option(help="The primary's stack name (default: from --stack).")] = None,
    secondary_stack: Annotated[
        str | None, typer.Option(help="The secondary's stack name (default: from --stack).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON (steps and refusals).")] = False,
) -> None:
    """Say in words what `pulumi up` of the secondary, then the primary, would replace or delete, and refuse."""
    from regionpair import redeploy
    from regionpair.simulate import PairRun, StackRun, simulate_stack

    def load(path: Path | None, stack: str) -> StackRun:
        if path is None:
            return StackRun(stack=stack, resources=[], outputs={}, errors=[], preview=False)
        try:
            return redeploy.state_from_export(json.loads(path.read_text()), stack)
        except (OSError, ValueError) as err:
            raise _fail(f"{path}: {err}") from None

    from regionpair.check import program_of
    from regionpair.components.declaration import DeclarationError
    from regionpair.components.stacks import select_pair

    config_dir = config_dir.resolve()
    if primary_stack is None or secondary_stack is None:  # the pair's stacks, by any names (docs/configuration.md)
        try:
            names = select_pair(config_dir, stack)
        except DeclarationError as err:
            raise _fail(str(err).splitlines()[0]) from None
        primary_stack, secondary_stack = primary_stack or names.primary, secondary_stack or names.secondary
    state = PairRun(secondary=load(secondary_state, secondary_stack), primary=load(primary_state, primary_stack))
    program, project = program_of(config_dir)  # the project's own __main__.py if it has one, as `check` runs
    try:
        secondary = simulate_stack(secondary_stack, config_dir=config_dir, program=program, project=project)
        primary = simulate_stack(primary_stack, config_dir=config_dir, program=program, project=project,
                                 peer_outputs={secondary_stack: secondary.outputs})  # fmt: skip
    except Exception as err:  # the program's own one-line errors (invalid declaration, peer not deployed)
        raise _fail(str(err).splitlines()[0] if str(err) else type(err).__name__) from None
    plan = redeploy.plan_pair(state, PairRun(secondary=secondary, primary=primary))
    if as_json:
        typer.echo(json.dumps(redeploy.summary(plan), indent=2))
    else:
        for sp in plan.stacks:
            _print_stack(sp)
    if not plan.ok:
        raise typer.Exit(1)


def _print_stack(sp: Any) -> None:
    changes = [s for s in sp.steps if s.op in ("replace", "delete-before-replace", "delete", "create", "update")]
    typer.echo(f"pulumi up -s {sp.stack}: {len(changes)} change(s)")
    for op, verb in (("replace", "would REPLACE"), ("delete-before-replace", "would REPLACE (delete first)"),
                     ("delete", "would DELETE"), ("create", "would create"), ("update", "would update")):  # fmt: skip
        for step in sp.ops(op):
            keys = f" because {', '.join(step.keys)} changed" if step.keys and op != "update" else ""
            if op == "update":
                keys = f" ({', '.join(step.keys)})"
            typer.echo(f"  {verb} {step.name} [{step.type.rsplit(':', 1)[-1]}]{keys}")
    for refusal in sp.refusals:
        typer.echo(f"  REFUSED {refusal.urn.rsplit('::', 1)[-1]}: {refusal.reason}")
        if refusal.fix:
            typer.echo(f"    -> {refusal.fix}")
        typer.echo(f"    source: {refusal.source}")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"regionpair diff: {message}", err=True)
    return typer.Exit(1)


def register(root: typer.Typer) -> None:
    """Add `regionpair diff` to the CLI."""
    root.command("diff")(diff)
