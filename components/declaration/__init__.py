"""The pair declaration: one validated model that both stacks, the policy pack and the CLI are built from.

Shared settings live in one file (`pair.yaml` by default); each stack's `Pulumi.<stack>.yaml` says only what
differs: its role, its region, the peer stack and per-region facts (certificate ARN, SMS numbers with their
registrations and lifecycle status). Because both halves are needed to validate either one (same region?
replicas where?), the loader reads the peer's stack file from the same directory. Validation is pure: no network
calls, no Pulumi engine.

One module per section (`base`: vocabularies and errors; `email`, `sms`, `storage`, `api`, `routing`; `shared`: the
whole of pair.yaml; `halves`: a stack's half and the pair); this package re-exports them all. Reading the files and
the cross-field rules live above it, in `components/loader.py` and `components/rules.py`, so nothing here imports a
module built on the declaration.
"""


from __future__ import annotations

from regionpair.components.declaration.adopt import Adopt
from regionpair.components.declaration.api import (
    Api,
    Architecture,
    Endpoints,
    EndpointType,
    ExistingEndpoint,
    HalfLambda,
    LambdaSettings,
)
from regionpair.components.declaration.base import (
    CONFIG_NAMESPACE,
    DEFAULT_DECLARATION_FILE,
    AppState,
    Country,
    DeclarationError,
    DkimMode,
    DomainName,
    EventDestinationKind,
    MissingData,
    NumberStatus,
    NumberType,
    ResourceName,
    Role,
    RoutingMode,
    Strategy,
)
from regionpair.components.declaration.email import (
    ColdStandbyIps,
    ConfigurationSet,
    DedicatedIpPool,
    Email,
    EventArchive,
    FailoverVolume,
    LeasedIp,
)
from regionpair.components.declaration.halves import (
    Half,
    Pair,
)
from regionpair.components.declaration.identity import (
    AppClient,
    FailoverSignIn,
    FeaturePlan,
    Identity,
)
from regionpair.components.declaration.routing import (
    LatencySettings,
    Routing,
    StopSettings,
)
from regionpair.components.declaration.shared import (
    Dns,
    Objectives,
    SharedDeclaration,
)
from regionpair.components.declaration.sms import (
    ExistingNumber,
    MessageType,
    NumberRequest,
    SenderId,
    Sms,
    SmsCountry,
    registration_key,
)
from regionpair.components.declaration.storage import (
    AppStateSettings,
    Bucket,
    BucketNames,
    KeyAttribute,
    Table,
)

__all__ = [
    "CONFIG_NAMESPACE",
    "DEFAULT_DECLARATION_FILE",
    "Adopt",
    "Api",
    "AppClient",
    "AppState",
    "AppStateSettings",
    "Architecture",
    "Bucket",
    "BucketNames",
    "ColdStandbyIps",
    "ConfigurationSet",
    "Country",
    "DeclarationError",
    "DedicatedIpPool",
    "DkimMode",
    "Dns",
    "DomainName",
    "Email",
    "EndpointType",
    "Endpoints",
    "EventArchive",
    "EventDestinationKind",
    "ExistingEndpoint",
    "ExistingNumber",
    "FailoverSignIn",
    "FailoverVolume",
    "FeaturePlan",
    "Half",
    "HalfLambda",
    "Identity",
    "KeyAttribute",
    "LambdaSettings",
    "LatencySettings",
    "LeasedIp",
    "MessageType",
    "MissingData",
    "NumberRequest",
    "NumberStatus",
    "NumberType",
    "Objectives",
    "Pair",
    "ResourceName",
    "Role",
    "Routing",
    "RoutingMode",
    "SenderId",
    "SharedDeclaration",
    "Sms",
    "SmsCountry",
    "StopSettings",
    "Strategy",
    "Table",
    "registration_key",
]


# Names that moved above the declaration (they need modules built on it); served lazily for code written against
# earlier versions, so importing the declaration never imports them.
_MOVED = {
    "load_pair": "regionpair.components.loader",
    "read_stack_file": "regionpair.components.loader",
    "validate_pair": "regionpair.components.rules",
    "check_cdn": "regionpair.components.rules",
    "check_sms_numbers": "regionpair.components.rules",
    "check_delivery_delay": "regionpair.components.rules",
}


def __getattr__(name: str) -> object:
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
