"""Run the real Pulumi program for one stack under Pulumi's mock runtime and record every registration.

This is how the tests and the offline `regionpair check` see what `pulumi up` would register without a cloud:
the program's own code runs unchanged; only the engine's resource monitor is Pulumi's `MockMonitor`, which we
subclass to keep what `Mocks.new_resource` is not shown (parent, provider, dependencies, ignore-changes).
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pmocks
from pulumi.runtime import settings as psettings

from regionpair.components.stacks import read_yaml
from regionpair.mockcloud import CloudMocks
from regionpair.packproc import PROJECT

ORGANIZATION = "organization"
PROGRAM_DIR = Path(__file__).resolve().parent.parent
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Recorded:
    """One registration as the engine would see it (inputs camelCase, as policies receive them)."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    ignore_changes: list[str]
    delete_before_replace: bool
    replace_on_changes: list[str]
    retain_on_delete: bool
    protect: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def region(self) -> str | None:
        """The region the resource is placed in by its `region` input (None for global services)."""
        return self.inputs.get("region")


@dataclass
class StackRun:
    """Everything one stack's program registered, and what it exported."""

    stack: str
    resources: list[Recorded]
    outputs: dict[str, Any]
    errors: list[str]
    preview: bool

    def by_type(self, token: str) -> list[Recorded]:
        """Registrations of one type token, in registration order."""
        return [r for r in self.resources if r.type == token]

    def one(self, token: str, name_contains: str = "") -> Recorded:
        """The single registration of `token` whose name contains `name_contains`; fails loudly otherwise."""
        found = [r for r in self.by_type(token) if name_contains in r.name]
        if len(found) != 1:
            names = [r.name for r in self.by_type(token)]
            raise AssertionError(f"expected one {token} named *{name_contains}*, found {len(found)}: {names}")
        return found[0]

    def by_urn(self, urn: str) -> Recorded:
        """The registration with this URN."""
        for r in self.resources:
            if r.urn == urn:
                return r
        raise KeyError(urn)


class RecordingMonitor(pmocks.MockMonitor):
    """MockMonitor that keeps the registration fields tests and policies need."""

    def __init__(self, mocks: pmocks.Mocks) -> None:
        super().__init__(mocks)
        self.recorded: dict[str, Recorded] = {}
        self.stack_outputs: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        """Register through the mock, then keep the fields `Mocks.new_resource` does not see."""
        response = super().RegisterResource(request)
        if request.type == STACK_TYPE:
            return response
        pmocks._ensure_event_loop()
        inputs = pmocks.rpc.deserialize_properties(request.object)
        reg = self.resources.get(response.urn)
        self.recorded[response.urn] = Recorded(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent,
            provider=request.provider,
            dependencies=list(request.dependencies),
            property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
            ignore_changes=list(request.ignoreChanges),
            delete_before_replace=bool(request.deleteBeforeReplace),
            replace_on_changes=list(request.replaceOnChanges),
            retain_on_delete=bool(request.retainOnDelete) if request.HasField("retainOnDelete") else False,
            protect=bool(request.protect) if request.HasField("protect") else False,
            inputs=_plain(inputs),
            outputs=_plain(reg.state if reg else {}),
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        """Keep component outputs and the stack's exports."""
        outputs = pmocks.rpc.deserialize_properties(request.outputs)
        if request.urn.split("::")[2] == STACK_TYPE:
            self.stack_outputs.update(_plain(outputs))
        elif request.urn in self.recorded:
            self.recorded[request.urn].outputs.update(_plain(outputs))
        return super().RegisterResourceOutputs(request)


def _plain(value: Any) -> Any:
    """Strip protobuf/Pulumi wrappers into JSON-able Python values (unknowns stay as the SDK's sentinel)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def stack_config(config_dir: Path, stack: str) -> dict[str, Any]:
    """The plain config of `Pulumi.<stack>.yaml`, as the CLI would hand it to the program."""
    path = config_dir / f"Pulumi.{stack}.yaml"
    data = read_yaml(path) if path.exists() else {}
    return dict((data or {}).get("config") or {})


class _EngineLog:
    """Collects `pulumi.log.error` lines the way the engine would fail the update on them."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def debug(self, msg: str, *a: Any, **k: Any) -> None: ...
    def info(self, msg: str, *a: Any, **k: Any) -> None: ...

    def warning(self, msg: str, *a: Any, **k: Any) -> None:
        self.warnings.append(str(msg))

    def error(self, msg: str, *a: Any, **k: Any) -> None:
        self.errors.append(str(msg))


@contextmanager
def _environment(config_dir: Path, program_dir: Path = PROGRAM_DIR) -> Iterator[None]:
    old = os.environ.get("REGIONPAIR_CONFIG_DIR")
    os.environ["REGIONPAIR_CONFIG_DIR"] = str(config_dir)
    added = str(program_dir) not in sys.path
    if added:
        sys.path.insert(0, str(program_dir))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("REGIONPAIR_CONFIG_DIR", None)
        else:
            os.environ["REGIONPAIR_CONFIG_DIR"] = old
        if added:
            sys.path.remove(str(program_dir))


def _program(program: Path | None) -> tuple[Path, str]:
    """The program file to run and its Pulumi project name (from the Pulumi.yaml next to it)."""
    if program is None:
        return PROGRAM_DIR / "__main__.py", PROJECT
    main = program / "__main__.py" if program.is_dir() else program
    project_file = main.parent / "Pulumi.yaml"
    project = PROJECT
    if project_file.exists():
        project = str((read_yaml(project_file) or {}).get("name") or PROJECT)
    return main.resolve(), project


def simulate_stack(
    stack: str,
    *,
    config_dir: Path | None = None,
    config: dict[str, Any] | None = None,
    peer_outputs: dict[str, dict[str, Any]] | None = None,
    preview: bool = False,
    mocks: CloudMocks | None = None,
    program: Path | None = None,
    project: str | None = None,
) -> StackRun:
    """Run `__main__.py` for `stack` under mocks.

    `config` replaces the stack file's config when given. `peer_outputs` maps a stack name to the outputs a
    StackReference to it returns (a missing name reads as a stack with no outputs). Declaration and other
    program errors propagate as the exception the program raised (e.g. `pulumi.RunError`). `program`: another
    Pulumi program to run instead of this repository's, its `__main__.py` or the directory holding it; its
    project name is read from the Pulumi.yaml there, and `config_dir` defaults to that directory. `project`
    overrides the project name (a user's project running this repository's program: its Pulumi.yaml's name).
    """
    main, program_project = _program(program)
    project = project or program_project
    config_dir = (config_dir or (main.parent if program is not None else PROGRAM_DIR)).resolve()
    cfg = stack_config(config_dir, stack) if config is None else dict(config)
    mocks = mocks or CloudMocks(peer_outputs=peer_outputs or {}, preview=preview)
    monitor = RecordingMonitor(mocks)
    log = _EngineLog()

    psettings.configure(psettings.Settings(project=project, stack=stack))  # drop the previous run's state
    pulumi.runtime.set_all_config({k: v if isinstance(v, str) else json.dumps(v) for k, v in cfg.items()})
    psettings.ROOT.set(None)
    pmocks.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor, organization=ORGANIZATION)
    pmocks.SETTINGS.engine = pmocks.MockEngine(log)  # type: ignore[arg-type]

    def run() -> None:
        runpy.run_path(str(main), run_name="__main__")
        root = psettings.get_root_resource()
        if root is not None:
            # Register the exports the way the engine does at the end of a run, inside the test wrapper so that
            # it waits for that RPC too (the mock root was finished before the program ran).
            root._outputs_registered = False
            root._finish()

    with _environment(config_dir, main.parent):
        pulumi.runtime.test(run)()
    return StackRun(
        stack=stack,
        resources=list(monitor.recorded.values()),
        outputs=dict(monitor.stack_outputs),
        errors=log.errors,
        preview=preview,
    )


@dataclass
class PairRun:
    """Both halves, the secondary run first (as they must be deployed)."""

    secondary: StackRun
    primary: StackRun

    def __iter__(self) -> Iterator[StackRun]:
        yield self.secondary
        yield self.primary


def simulate_pair(
    config_dir: Path | None = None,
    *,
    primary_stack: str = "primary",
    secondary_stack: str = "secondary",
    preview: bool = False,
) -> PairRun:
    """Run the secondary, then the primary with a StackReference that returns the secondary's outputs."""
    secondary = simulate_stack(secondary_stack, config_dir=config_dir, preview=preview)
    peer = {secondary_stack: secondary.outputs}
    primary = simulate_stack(primary_stack, config_dir=config_dir, peer_outputs=peer, preview=preview)
    return PairRun(secondary=secondary, primary=primary)
