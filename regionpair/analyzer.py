"""Drive the policy pack exactly as the Pulumi engine does: a subprocess speaking the analyzer gRPC protocol.

The CLI launches a Python pack as `python -u -m pulumi.policy <engine-address> <pack-dir>` with the pack
directory as working directory and PULUMI_* variables set; the pack prints its port and serves
`GetAnalyzerInfo`, `Configure`, `Analyze` (one resource's inputs) and `AnalyzeStack` (every resource's outputs,
with parent and dependencies). We do the same, with resources recorded by the mock-runtime run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.asset import Archive, Asset, AssetArchive, FileArchive, FileAsset, StringAsset
from pulumi.output import Unknown
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from regionpair import packproc, policy_config
from regionpair.simulate import Recorded

PACK_DIR = packproc.PACK_DIR
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's wire sentinel for an unknown value
SIG = "4dabf18193072939515e22adb298388d"
ASSET_SIG, ARCHIVE_SIG = "c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7"
LEVELS = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}


class AnalyzerError(RuntimeError):
    """The pack did not start or answer."""


@dataclass(frozen=True)
class Diagnostic:
    """One policy result, as the engine would print it."""

    policy: str
    message: str
    urn: str
    level: str
    description: str

    @property
    def undecided(self) -> bool:
        """Whether the policy could not run because a value is unknown until apply."""
        return "during preview" in self.message


def to_wire(value: Any) -> Any:
    """Encode a recorded value as the engine sends it (unknowns as the sentinel, assets with their signature)."""
    if isinstance(value, Unknown):
        return UNKNOWN_STRING
    if isinstance(value, Mapping):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    if isinstance(value, AssetArchive):
        return {SIG: ARCHIVE_SIG, "assets": {k: to_wire(v) for k, v in value.assets.items()}}
    if isinstance(value, FileArchive):
        return {SIG: ARCHIVE_SIG, "path": value.path}
    if isinstance(value, FileAsset):
        return {SIG: ASSET_SIG, "path": value.path}
    if isinstance(value, StringAsset):
        return {SIG: ASSET_SIG, "text": value.text}
    if isinstance(value, (Asset, Archive)):
        return {SIG: ASSET_SIG}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(to_wire(dict(props)))
    return struct


def _options(r: Recorded) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=r.protect, ignoreChanges=r.ignore_changes, deleteBeforeReplace=r.delete_before_replace,
        parent=r.parent,
    )  # fmt: skip


class PolicyPackProcess:
    """A running pack; use as a context manager."""

    def __init__(self, stack: str, *, preview: bool = False, pack_dir: Path = PACK_DIR, wait: bool = True) -> None:
        self.stack, self.preview, self.pack_dir, self.wait = stack, preview, pack_dir, wait
        self.process: subprocess.Popen[str] | None = None
        self.channel: grpc.Channel | None = None
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None

    def __enter__(self) -> PolicyPackProcess:
        self.process = packproc.adopt(self.stack, self.preview, self.pack_dir) or packproc.spawn(
            self.stack, self.preview, self.pack_dir
        )
        if self.wait:
            self.ready()
        return self

    def ready(self) -> PolicyPackProcess:
        """Wait for the pack to print its port and connect (`wait=False` lets the caller work meanwhile)."""
        if self.stub is not None:
            return self
        assert self.process is not None
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            err = self.process.stderr.read() if self.process.stderr else ""
            self.__exit__(None, None, None)
            raise AnalyzerError(f"the policy pack did not start: {line} {err.strip().splitlines()[-1:] or ''}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        grpc.channel_ready_future(self.channel).result(timeout=30)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for stream in (self.process.stdout, self.process.stderr) if self.process else ():
            if stream:
                stream.close()

    # ---------------------------------------------------------------------------------------- protocol
    def info(self) -> analyzer_pb2.AnalyzerInfo:
        """GetAnalyzerInfo: the pack's name and policies."""
        assert self.stub is not None
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty())

    def configure(self, config: Mapping[str, Any]) -> None:
        """Configure with a policy config in the CLI's JSON shape: `{policy: level | {enforcementLevel, ...}}`."""
        assert self.stub is not None
        levels = {v: k for k, v in LEVELS.items()}
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, value in config.items():
            entry = {"enforcementLevel": value} if isinstance(value, str) else dict(value)
            level = levels.get(str(entry.pop("enforcementLevel", "mandatory")), 1)
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(enforcementLevel=level, properties=_struct(entry))
            )
        self.stub.Configure(request)

    def analyze(self, resource: Recorded) -> list[Diagnostic]:
        """Analyze one resource's inputs (what `pulumi preview` checks before each step)."""
        return self.analyze_later(resource).result()

    def analyze_later(self, resource: Recorded) -> PendingAnalysis:
        """Send Analyze for one resource now and collect its answer later.

        Why: requests in flight are answered by the pack as fast as it can judge them; one blocking call at a
        time waited for a round trip (and this process's interpreter lock) per resource.
        """
        assert self.stub is not None
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type, properties=_struct(resource.inputs), urn=resource.urn, name=resource.name,
            options=_options(resource),
        )  # fmt: skip
        return PendingAnalysis(self.stub.Analyze.future(request), resource.urn)

    def analyze_stack(self, resources: Iterable[Recorded]) -> list[Diagnostic]:
        """AnalyzeStack over every resource's outputs, with parents and dependencies."""
        assert self.stub is not None
        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            res = request.resources.add(
                type=r.type, properties=_struct({**r.inputs, **r.outputs}), urn=r.urn, name=r.name,
                options=_options(r), parent=r.parent, dependencies=r.dependencies,
            )  # fmt: skip
            for key, urns in r.property_dependencies.items():
                res.propertyDependencies[key].urns.extend(urns)
        return _diagnostics(self.stub.AnalyzeStack(request), "")


class PendingAnalysis:
    """An Analyze request in flight."""

    def __init__(self, call: Any, urn: str) -> None:
        self.call, self.urn = call, urn

    def result(self) -> list[Diagnostic]:
        """The pack's diagnostics for the resource (waits for the answer; raises the call's error)."""
        return _diagnostics(self.call.result(), self.urn)


def _diagnostics(response: Any, default_urn: str) -> list[Diagnostic]:
    return [
        Diagnostic(
            policy=d.policyName,
            message=d.message,
            urn=d.urn or default_urn,
            level=LEVELS.get(d.enforcementLevel, str(d.enforcementLevel)),
            description=d.description,
        )
        for d in response.diagnostics
    ]


def load_policy_config(path: Path | None) -> dict[str, Any]:
    """Read a policy config file (`--policy-pack-config` JSON), validated as the Pulumi CLI validates it."""
    if path is None:
        return {}
    return policy_config.load(path)

