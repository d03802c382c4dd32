"""`regionpair check`: the whole policy gate offline, with no cloud credentials and no Pulumi CLI.

Runs the program for both stacks under Pulumi's mock runtime (secondary first, then the primary with a
StackReference answered by the deployed secondary's outputs: `--peer-outputs`, or this checkout's
secondary), sends every resource to the real policy pack over its
gRPC protocol (Analyze per resource, AnalyzeStack per stack) and reports violations grouped by policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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

from regionpair.analyzer import AnalyzerError, Diagnostic, PolicyPackProcess, load_policy_config
from regionpair.components.declaration import DeclarationError
from regionpair.components.loader import load_pair
from regionpair.components.stacks import project_name, select_pair, stack_file_config
from regionpair.simulate import Recorded, StackRun, simulate_stack

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
) -> list[StackReport]:
    """Simulate the stacks in deploy order and analyze each one with the policy pack.

    `stacks`: the stacks to check (`--stack`), one or both halves of one pair, named as the project names them;
    without, both stacks of the project's only pair (`components/stacks.py` resolves roles and peers from the
    stack files). The project's own `__main__.py` runs when `config_dir` has one (a user's program importing the
    components), else this repository's program, under the project name of `config_dir`'s Pulumi.yaml.

    The primary reads the secondary as a real `pulumi preview -s <primary>` does: as deployed. `peer_outputs`
    (the JSON of `pulumi stack output --json -s <secondary>`) is that deployed state; without it, the secondary
    of this checkout stands for it, run once as an update (its computed values known, as after `pulumi up`).
    The pack process starts first and loads while the programs run.
    """
    pair = select_pair(config_dir, stacks)
    # Validate the declaration before starting anything: a config mistake is one line in a fraction of a second.
    load_pair(config_dir, stack_file_config(config_dir, pair.primary), pair.primary)
    chosen = set(stacks or pair.stacks)
    order = [s for s in pair.stacks if s in chosen]
    program = config_dir if (config_dir / "__main__.py").exists() else None
    run_stack = partial(simulate_stack, config_dir=config_dir, program=program, project=project_name(config_dir))
    with PolicyPackProcess(PACK_STACK, preview=preview, wait=False) as pack, ThreadPoolExecutor(1) as worker:
        # One worker talks to the pack, in order: it waits for the pack to load while the first program runs.
        started = worker.submit(lambda: pack.ready().configure(policy_config or {}))
        analyses: dict[str, Future[StackReport]] = {}

        def stream(into: list[Future[list[Diagnostic]]]) -> Callable[[Recorded], None]:
            # As the engine does, each resource is analyzed when it registers: the pack (another process)
            # judges it while the program goes on here.
            return lambda resource: into.append(worker.submit(pack.analyze, resource))

        def analyze(run: StackRun, streamed: list[Future[list[Diagnostic]]]) -> StackReport:
            diagnostics = [d for future in streamed for d in future.result()]
            diagnostics += pack.analyze_stack(run.resources)
            return StackReport(run.stack, len(run.resources), diagnostics, role=pair.role_of(run.stack).value)

        deployed: dict[str, Any] | None = dict(peer_outputs) if peer_outputs is not None else None
        for stack in order:
            streamed: list[Future[list[Diagnostic]]] = []
            if stack == pair.secondary:
                run = run_stack(stack, preview=preview, on_register=stream(streamed))
                if deployed is None and not preview:
                    deployed = run.outputs
            else:
                if deployed is None:
                    deployed = run_stack(pair.secondary).outputs
                peers = {pair.secondary: deployed}
                run = run_stack(stack, peer_outputs=peers, preview=preview, on_register=stream(streamed))
            analyses[stack] = worker.submit(analyze, run, streamed)
        started.result()  # the pack's own start-up error, if any, before any analysis result
        reports = [analyses[stack].result() for stack in order]
    return reports


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


def render_text(reports: list[StackReport], console: Console) -> None:
    """Violations grouped by policy, with the fix in the message; undecided ones listed apart."""
    for report in reports:
        decided = [d for d in report.diagnostics if not d.undecided]
        undecided = [d for d in report.diagnostics if d.undecided]
        console.print(
            f"[bold]{report.stack}[/]: {report.resources} resources, {len(report.mandatory)} mandatory "
            f"violation(s), {len(decided) - len(report.mandatory)} advisory, {len(undecided)} undecided"
        )
        by_policy: dict[str, list[Diagnostic]] = {}
        for d in decided:
            by_policy.setdefault(d.policy, []).append(d)
        for policy, items in sorted(by_policy.items()):
            table = Table(title=f"{policy} ({items[0].level})", title_justify="left", show_lines=False)
            table.add_column("message", overflow="fold")
            table.add_column("resource", overflow="fold")
            for d in items:
                table.add_row(d.message, d.urn.rsplit("::", 1)[-1] if d.urn else "(stack)")
            console.print(table)
        for d in undecided:
            console.print(f"  undecided until apply: {d.policy}")
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
            render_text(reports, Console())
        raise typer.Exit(EXIT_VIOLATIONS if any(r.mandatory for r in reports) else EXIT_OK)
