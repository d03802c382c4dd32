"""Every resource a half registers, with all its inputs as the engine receives them: the manifest's `resources`.

Why: parity is deny by default (docs/parity.md). The primary's policy pack compares each of its resources with
its counterpart in the secondary on **all** inputs, and a stack policy sees only its own stack, so the
secondary must export what it registered. Listing keys by hand is how drift slipped through; this inventory is
collected by a resource transformation on the root component, so a resource or input added later is exported
(and compared) without anyone remembering to.

How: the transformation runs in the SDK, in this process, for every resource created under the half (the
component's descendants inherit it), before transformations registered on the stack by the user's program.
Its props are serialized with the SDK's own serializer (`pulumi.runtime.rpc.serialize_properties`, with the
resource's input type for snake_case -> camelCase, nested types included), so the values are those the
engine is sent: unknowns as the engine's unknown sentinel (preview), secrets replaced by a digest of their
value (comparable, never revealed), assets and archives by a digest of their content. Nothing is changed.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import sys
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi import _types
from pulumi.runtime import rpc

SECRET_SIG = rpc._special_secret_sig  # the wire's signatures, the SDK's own constants
ASSET_SIG = rpc._special_asset_sig
ARCHIVE_SIG = rpc._special_archive_sig
RESOURCE_SIG = rpc._special_resource_sig
SIG_KEY = rpc._special_sig_key


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:32]


def compact(value: Any) -> Any:
    """Wire values in a form a stack output can carry and the pack can compare, without revealing secrets."""
    if isinstance(value, dict):
        sig = value.get(SIG_KEY)
        if sig == SECRET_SIG:
            return {"secretSha256": _digest(value.get("value"))}
        if sig in (ASSET_SIG, ARCHIVE_SIG):
            return {"assetSha256": _digest(value)}
        if sig == RESOURCE_SIG:
            return {"resourceUrn": value.get("urn")}
        return {k: _digest(v) if k == "__provider" else compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [compact(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _input_type(resource: pulumi.Resource) -> type | None:
    """The resource's Args class (pulumi_aws generates `<Name>Args` beside `<Name>`): the engine's key names."""
    cls = type(resource)
    module = sys.modules.get(cls.__module__)
    for name in (f"{cls.__name__}InitArgs", f"{cls.__name__}Args"):  # InitArgs where a nested type took the name
        args = getattr(module, name, None)
        if isinstance(args, type) and _types.is_input_type(args) and args.__module__ == cls.__module__:
            return args
    return None


def _snapshot(value: Any) -> Any:
    """A copy of the containers (a later transformation may edit them in place), Outputs kept as they are."""
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return copy.copy(value) if _types.is_input_type(type(value)) else value


class Inventory:
    """Collects `{type, name, urn, id, inputs}` of each custom resource created under the component it is given to."""

    def __init__(self) -> None:
        self._collected: list[tuple[pulumi.CustomResource, str, str, pulumi.Output[dict[str, Any]]]] = []

    def options(self) -> pulumi.ResourceOptions:
        """The resource options that attach the collector (give them to the root component)."""
        return pulumi.ResourceOptions(transformations=[self._collect])

    def entries(self) -> list[dict[str, Any]]:
        """The manifest's `resources`: one Output per resource (its id is AWS's, known after the update)."""
        # A dict of Output leaves: the id is unknown in a preview, the inputs and the URN are not.
        return [
            {"type": token, "name": name, "urn": resource.urn, "id": resource.id, "inputs": inputs}
            for resource, token, name, inputs in self._collected
        ]

    def _collect(self, args: pulumi.ResourceTransformationArgs) -> None:
        if not isinstance(args.resource, pulumi.CustomResource):
            return None  # components are judged through what they build
        props = _snapshot(dict(args.props))
        typ, resource = _input_type(args.resource), args.resource

        async def serialize() -> dict[str, Any]:
            translate = None if typ else resource.translate_input_property
            struct = await rpc.serialize_properties(props, {}, resource, translate, typ)
            return compact(json_format.MessageToDict(struct))

        loop = asyncio.get_event_loop()
        known: asyncio.Future[bool] = loop.create_future()
        known.set_result(True)
        secret: asyncio.Future[bool] = loop.create_future()
        secret.set_result(False)
        inputs = pulumi.Output(set(), loop.create_task(serialize()), known, secret)
        self._collected.append((args.resource, args.type_, args.name, inputs))
        return None
