"""`regionpair check`: the whole policy gate offline, with no cloud credentials and no Pulumi CLI.

Runs the program for both stacks under Pulumi's mock runtime (secondary first, then the primary with a
StackReference answered by the deployed secondary's outputs: `--peer-outputs`, or this checkout's
secondary), sends every resource to the real policy pack over its
gRPC protocol (Analyze per resource, AnalyzeStack per stack) and reports violations grouped by policy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import pulumi
import typer
from rich.console import Console
from rich.table import Table

from regionpair.analyzer import (
    LEVELS,
    AnalyzerError,
    Diagnostic,
    PendingAnalysis,
    PolicyPackProcess,
    load_policy_config,
)
from regionpair.components.declaration import DeclarationError
from regionpair.components.loader import load_pair
from regionpair.components.stacks import project_name, select_pair, stack_file_config
from regionpair.mockcloud import CloudMocks
from regionpair.simulate import StackRun, simulate_stack

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2
PACK_STACK = "check"
"""PULUMI_STACK of the pack: one process serves both stacks (its analysis depends only on the requests)."""


class OutputFormat(StrEnum):
    """Report formats."""

    TEXT = "text"
    JSON = "json"


@dataclass
class StackReport:
    """What the pack said about one stack."""

    stack: str
    resources: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    role: str = ""
    """primary or secondary: which half the stack deploys."""
    policies: dict[str, str] = field(default_factory=dict)
    """Every policy of the pack with its enforcement level for this run (the policy config applied)."""
    simulated: list[str] = field(default_factory=list)
    """Values the mock cloud made up for this run (ids, ARNs, phone numbers): not what AWS will assign."""
    repeated: int = 0
    """Findings dropped because the secondary's report already has them (the primary judges its peer too)."""

    @property
    def mandatory(self) -> list[Diagnostic]:
        """Violations that block `pulumi up`."""
        return [d for d in self.diagnostics if d.level == "mandatory" and not d.undecided]


def run_check(
    config_dir: Path,
    stacks: list[str] | None = None,
    *,
    policy_config: dict[str, Any] | None = None,
    preview: bool = False,
    peer_outputs: dict[str, Any] | None = None,
    active_numbers: frozenset[str] = frozenset(),
) -> list[StackReport]:
    """Simulate the stacks in deploy order and analyze each one with the policy pack.

    `stacks`: the stacks to check (`--stack`), one or both halves of one pair, named as the project names them;
    without, both stacks of the project's only pair (`components/stacks.py` resolves roles and peers from the
    stack files). The project's own `__main__.py` runs when `config_dir` has one (a user's program importing the
    components), else this repository's program, under the project name of `config_dir`'s Pulumi.yaml.

    The primary reads the secondary as a real `pulumi preview -s <primary>` does: as deployed. `peer_outputs`
    (the JSON of `pulumi stack output --json -s <secondary>`) is that deployed state; without it, the secondary
    of this checkout stands for it, run once as an update (its computed values known, as after `pulumi up`).
    The pack process starts first and loads while the programs run. `active_numbers`: numbers (resource names)
    the mock account already holds ACTIVE, as at a later `pulumi up` once a registration was approved.
    """
    pair = select_pair(config_dir, stacks)
    # Validate the declaration before starting anything: a config mistake is one line in a fraction of a second.
    load_pair(config_dir, stack_file_config(config_dir, pair.primary), pair.primary)
    chosen = set(stacks or pair.stacks)
    order = [s for s in pair.stacks if s in chosen]
    program, project = program_of(config_dir)
    run_stack = partial(_run_stack, config_dir=config_dir, program=program, project=project,
                        active_numbers=active_numbers)  # fmt: skip
    with PolicyPackProcess(PACK_STACK, preview=preview, wait=False) as pack, ThreadPoolExecutor(1) as worker:
        # The worker configures the pack (waiting for it to load while the first program runs), then runs each
        # stack's analysis in order, the secondary's on the pack's core while the primary's program runs here.
        started = worker.submit(lambda: _configure(pack, policy_config or {}))
        analyses: dict[str, Future[StackReport]] = {}

        def analyze(run: StackRun, pending: list[PendingAnalysis]) -> StackReport:
            diagnostics = [d for p in pending for d in p.result()]
            diagnostics += pack.analyze_stack(run.resources)
            return StackReport(
                run.stack, len(run.resources), diagnostics, role=pair.role_of(run.stack).value,
                simulated=invented_values(run),
            )  # fmt: skip

        deployed: dict[str, Any] | None = dict(peer_outputs) if peer_outputs is not None else None
        for stack in order:
            if stack == pair.secondary:
                run = run_stack(stack, preview=preview)
                if deployed is None and not preview:
                    deployed = run.outputs
            else:
                if deployed is None:
                    deployed = run_stack(pair.secondary).outputs
                run = run_stack(stack, peer_outputs={pair.secondary: deployed}, preview=preview)
            started.result()  # the pack's own start-up error, if any, before any analysis
            # Analyze for every resource, sent together once the program has run, not one by one as it registers:
            # each answer wakes a thread here that needs the interpreter lock, and answers arriving while the
            # program ran slowed it by more than the pack took to judge them all (bench/bench_check.py).
            pending = [pack.analyze_later(r) for r in run.resources]
            analyses[stack] = worker.submit(analyze, run, pending)
        policies = started.result()
        reports = [analyses[stack].result() for stack in order]
    declared = "\n".join(p.read_text() for p in sorted(config_dir.glob("*.yaml")))
    for report in reports:
        report.policies = policies
        report.simulated = [v for v in report.simulated if v not in declared]  # written by the user: real
    _drop_repeated(reports)
    return reports


def _run_stack(
    stack: str,
    *,
    active_numbers: frozenset[str],
    peer_outputs: dict[str, dict[str, Any]] | None = None,
    preview: bool = False,
    **kwargs: Any,
) -> StackRun:
    # The mock cloud holds `active_numbers` ACTIVE; otherwise simulate_stack's own mocks.
    mocks = CloudMocks(peer_outputs=peer_outputs or {}, preview=preview, active_numbers=active_numbers)
    return simulate_stack(stack, peer_outputs=peer_outputs, preview=preview, mocks=mocks, **kwargs)


def program_of(config_dir: Path) -> tuple[Path | None, str]:
    """The program a project runs (its own `__main__.py`, else this repository's) and its project name."""
    return (config_dir if (config_dir / "__main__.py").exists() else None), project_name(config_dir)


def _configure(pack: PolicyPackProcess, config: dict[str, Any]) -> dict[str, str]:
    """Configure the pack; return each policy's effective enforcement level (its own, or the config's)."""
    pack.ready().configure(config)
    every = config.get("all")
    default = every if isinstance(every, str) else (every or {}).get("enforcementLevel") if every else None
    levels: dict[str, str] = {}
    for policy in pack.info().policies:
        entry = config.get(policy.name)
        level = entry if isinstance(entry, str) else (entry or {}).get("enforcementLevel")
        levels[policy.name] = str(level or default or LEVELS.get(policy.enforcementLevel, "advisory"))
    return levels


def _drop_repeated(reports: list[StackReport]) -> None:
    """The primary compares itself with its peer's manifest: a finding about the secondary is reported once."""
    by_role = {r.role: r for r in reports}
    primary, secondary = by_role.get("primary"), by_role.get("secondary")
    if primary is None or secondary is None:
        return
    seen = {(d.policy, d.message) for d in secondary.diagnostics}
    kept = [d for d in primary.diagnostics if (d.policy, d.message) not in seen]
    primary.repeated = len(primary.diagnostics) - len(kept)
    primary.diagnostics = kept


def _leaves(value: Any, *, documents: bool = False) -> Iterator[str]:
    # documents: also the leaves of a JSON object given as one string (the primary's `peerManifest` input).
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v, documents=documents)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v, documents=documents)
    elif isinstance(value, str):
        yield value
        if documents and value.startswith("{"):
            try:
                yield from _leaves(json.loads(value))
            except ValueError:
                pass


def invented_values(run: StackRun) -> list[str]:
    """Strings AWS would assign that the mock cloud made up: in a resource's outputs, not in its inputs.

    Only values with a digit and at least 8 characters (ids, ARNs, phone numbers, generated host names): words
    such as ACTIVE are states, not inventions.
    """
    found: set[str] = set()
    for r in run.resources:
        given = set(_leaves(r.inputs, documents=True))
        found.update(v for v in _leaves(r.outputs) if v not in given and len(v) >= 8 and any(c.isdigit() for c in v))
    return sorted(found)


def load_peer_outputs(path: Path | None) -> dict[str, Any] | None:
    """Read `pulumi stack output --json -s secondary`; one line naming the file and the fix when it is wrong."""
    if path is None:
        return None
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not isinstance(data.get("parityManifest"), dict):
        raise DeclarationError(
            f"--peer-outputs {path}",
            "holds no parityManifest; write it with: pulumi stack output --json -s secondary > FILE",
        )
    return data


SIMULATED = " (simulated)"


def _detail(d: Diagnostic, simulated: list[str]) -> str:
    """The finding without the policy's description the SDK puts first, invented values marked."""
    text = d.message.removeprefix(d.description).strip() if d.description else d.message
    for value in sorted(simulated, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", value + SIMULATED, text)
    return " ".join(text.split())


def _cell(report: StackReport, policy: str, level: str) -> str:
    if level == "disabled":
        return "disabled"
    found = [d for d in report.diagnostics if d.policy == policy]
    undecided = sum(d.undecided for d in found)
    decided = len(found) - undecided
    if decided:
        worst = "mandatory" if any(d.level == "mandatory" and not d.undecided for d in found) else "advisory"
        return f"[{'red' if worst == 'mandatory' else 'yellow'}]{decided} {worst}[/]"
    return "undecided" if undecided else "[green]pass[/]"


def render_text(reports: list[StackReport], console: Console, *, verbose: bool = False) -> None:
    """One line per policy with its result in each stack, then the mandatory findings with their fix.

    The rest with `verbose`. A finding of the secondary is shown once; values the mock cloud invented are marked.
    """
    simulated = sorted({v for r in reports for v in r.simulated})
    policies: dict[str, str] = {}
    for r in reports:
        policies.update(r.policies)
    for r in reports:  # a policy the pack did not list (an older pack): still shown
        policies.update({d.policy: d.level for d in r.diagnostics if d.policy not in policies})
    stacks = ", ".join(f"{r.stack} ({r.role or 'stack'}, {r.resources} resources)" for r in reports)
    console.print(f"Checked {stacks} against {len(policies)} policies", soft_wrap=True)
    table = Table(show_edge=False, box=None, pad_edge=False)
    table.add_column("policy", no_wrap=True)
    table.add_column("level")
    for r in reports:
        table.add_column(r.stack)
    for policy, level in sorted(policies.items()):
        table.add_row(policy, level, *(_cell(r, policy, level) for r in reports))
    console.print(table)
    marked = False
    for r in reports:
        shown = [d for d in r.diagnostics if verbose or (d.level == "mandatory" and not d.undecided)]
        if not shown:
            continue
        console.print(f"[bold]{r.stack}[/] ({r.role or 'stack'}):")
        for d in sorted(shown, key=lambda d: (d.level != "mandatory", d.undecided, d.policy)):
            kind = "undecided until apply" if d.undecided else d.level
            where = d.urn.rsplit("::", 1)[-1] if d.urn else "(stack)"
            detail = _detail(d, simulated)
            marked = marked or SIMULATED in detail
            console.print(f"  {d.policy} ({kind}) on {where}: {detail}", soft_wrap=True, highlight=False)
    hidden = sum(1 for r in reports for d in r.diagnostics if not (d.level == "mandatory" and not d.undecided))
    notes = []
    if hidden and not verbose:
        notes.append(f"{hidden} advisory or undecided finding(s) not shown: --verbose lists them")
    repeated = sum(r.repeated for r in reports)
    if repeated:
        notes.append(f"{repeated} finding(s) of the primary about its secondary are shown once, under the secondary")
    if marked:
        notes.append("values marked (simulated) were made up by the offline run's mock cloud; AWS assigns the real "
                     "ones")  # fmt: skip
    for note in notes:
        console.print(f"[dim]{note}[/]", soft_wrap=True)
    total = sum(len(r.mandatory) for r in reports)
    console.print("[bold red]FAILED[/]" if total else "[bold green]PASSED[/]", f"{total} mandatory violation(s)")


def register(app: typer.Typer) -> None:
    """Add the `check` command to the CLI."""

    @app.command()
    def check(
        stack: Annotated[
            list[str] | None,
            typer.Option(
                "--stack",
                "-s",
                metavar="STACK",
                help="Stack to check, as the project names it (repeat for both halves of a pair); default: both "
                "stacks of the project's only pair.",
            ),
        ] = None,
        config_dir: Annotated[
            Path | None,
            typer.Option(help="Directory holding pair.yaml and Pulumi.<stack>.yaml; default: the current one."),
        ] = None,
        policy_config: Annotated[
            Path | None,
            typer.Option(help="Policy config JSON, as `pulumi --policy-pack-config` takes it.", exists=True),
        ] = None,
        output: Annotated[OutputFormat, typer.Option("--format", help="text for people, json for machines.")] = (
            OutputFormat.TEXT
        ),
        preview: Annotated[
            bool, typer.Option(help="Run as a preview: values computed by AWS are unknown, as in `pulumi preview`.")
        ] = False,
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="Also list advisory and undecided findings, not only the "
                                                       "mandatory ones.")
        ] = False,
        peer_outputs: Annotated[
            Path | None,
            typer.Option(
                help="The deployed secondary's outputs (`pulumi stack output --json -s secondary`): the primary "
                "of this checkout is checked against what the secondary really exports.",
                exists=True,
            ),
        ] = None,
    ) -> None:
        """Run both stacks under the mock runtime through the policy pack; exit 1 on mandatory violations."""
        try:
            reports = run_check(
                (config_dir or Path.cwd()).resolve(),
                stack,
                policy_config=load_policy_config(policy_config),
                preview=preview,
                peer_outputs=load_peer_outputs(peer_outputs),
            )
        except (DeclarationError, pulumi.RunError, AnalyzerError, json.JSONDecodeError) as err:
            typer.echo(f"regionpair check: {err}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        if output is OutputFormat.JSON:
            typer.echo(
                json.dumps(
                    [{**asdict(r), "mandatory": len(r.mandatory)} for r in reports],
                    indent=2,
                    default=str,
                )
            )
        else:
            render_text(reports, Console(), verbose=verbose)
        raise typer.Exit(EXIT_VIOLATIONS if any(r.mandatory for r in reports) else EXIT_OK)
