"""regionpair as a library: add one half of a region pair to your own Pulumi program.

Your program keeps its own project name, stack names and resources; the pair is declared as always (a pair.yaml
and, in each stack file, the `regionpair:` keys of its half). In your `__main__.py`:

    from regionpair import lib

    pair = lib.load_pair()        # this stack's half of the pair declared next to Pulumi.yaml
    half = lib.build_half(pair)   # its resources, and the `parityManifest` export the peer stack reads

The two functions are the whole contract; the component classes, their Args and the declaration types are
re-exported for programs that build parts of a half themselves (docs/library.md says what each needs and what
the policy pack then expects). Everything else in the package may change between versions.
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from regionpair.components.adopt import adopted, import_id
from regionpair.components.api import ExistingApi, ExistingApiArgs, RegionalApi, RegionalApiArgs
from regionpair.components.app_state import AppStateStore, AppStateStoreArgs
from regionpair.components.bucket import ReplicatedBucket, ReplicatedBucketArgs
from regionpair.components.cdn import ReadPath, ReadPathArgs
from regionpair.components.dashboard import PairDashboard, PairDashboardArgs
from regionpair.components.declaration import (
    CONFIG_NAMESPACE,
    Adopt,
    Api,
    DeclarationError,
    Endpoints,
    EndpointType,
    ExistingEndpoint,
    Half,
    HalfLambda,
    LambdaSettings,
    Pair,
    Role,
    RoutingMode,
    SharedDeclaration,
    Strategy,
)
from regionpair.components.email import EmailIdentities, EmailIdentitiesArgs
from regionpair.components.pair import RegionPairHalf, RegionPairHalfArgs
from regionpair.components.peer import Peer
from regionpair.components.program import build_half as _build_half
from regionpair.components.program import load_declaration
from regionpair.components.resilience_hub import ResilienceHubApp, ResilienceHubAppArgs
from regionpair.components.routing import FailoverRouting, FailoverRoutingArgs
from regionpair.components.signals import FailoverSignals, FailoverSignalsArgs
from regionpair.components.sms import SmsOrigination, SmsOriginationArgs
from regionpair.components.table import GlobalTable, GlobalTableArgs

__all__ = [
    "CONFIG_NAMESPACE",
    "Adopt",
    "Api",
    "AppStateStore",
    "AppStateStoreArgs",
    "DeclarationError",
    "EmailIdentities",
    "EmailIdentitiesArgs",
    "EndpointType",
    "Endpoints",
    "ExistingApi",
    "ExistingApiArgs",
    "ExistingEndpoint",
    "FailoverRouting",
    "FailoverRoutingArgs",
    "FailoverSignals",
    "FailoverSignalsArgs",
    "GlobalTable",
    "GlobalTableArgs",
    "Half",
    "HalfLambda",
    "LambdaSettings",
    "Pair",
    "PairDashboard",
    "PairDashboardArgs",
    "Peer",
    "ReadPath",
    "ReadPathArgs",
    "RegionPairHalf",
    "RegionPairHalfArgs",
    "RegionalApi",
    "RegionalApiArgs",
    "ReplicatedBucket",
    "ReplicatedBucketArgs",
    "ResilienceHubApp",
    "ResilienceHubAppArgs",
    "Role",
    "RoutingMode",
    "SharedDeclaration",
    "SmsOrigination",
    "SmsOriginationArgs",
    "Strategy",
    "adopted",
    "build_half",
    "import_id",
    "load_pair",
]


def load_pair(config_dir: str | Path | None = None) -> Pair:
    """The pair of this stack: its `regionpair:` config, the peer's stack file and pair.yaml, validated.

    `config_dir`: where pair.yaml and both stack files are; default the program's directory (Pulumi runs the
    program there). A bad declaration stops the program with one line naming the key (`pulumi.RunError`), before
    any resource is registered; the API's own code (`api.lambda.code`) is checked too.
    """
    return load_declaration(Path(config_dir) if config_dir is not None else None)


def build_half(
    pair: Pair,
    *,
    name: str | None = None,
    config_dir: str | Path | None = None,
    opts: pulumi.ResourceOptions | None = None,
    export: bool = True,
) -> RegionPairHalf:
    """Build this stack's half of `pair` and export what the peer stack and the operations CLI read.

    `name` prefixes the half's resource names (default: the pair's name); `opts` are the root component's options
    (a parent, a provider with your credentials); `config_dir` as for `load_pair` (the API's `code` is relative to
    its pair.yaml). With `export=False`, export `half.manifest` as `parityManifest` yourself: the primary's
    StackReference reads it from the secondary.
    """
    return _build_half(
        pair, name=name, config_dir=Path(config_dir) if config_dir is not None else None, opts=opts, export=export
    )
