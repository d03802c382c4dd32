"""How the primary sees the secondary: a StackReference to the secondary's exported parity manifest.

Only the primary reads its peer. The secondary never depends on the primary, so the secondary can always be
deployed first and redeployed while the primary region is down.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi

from regionpair.components.declaration import CONFIG_NAMESPACE, Pair

MANIFEST_OUTPUT = "parityManifest"


class PeerNotDeployedError(pulumi.RunError):
    """The peer stack has no parity manifest yet: the secondary must be deployed first."""


def _qualified(pair: Pair) -> str:
    name = pair.this.peer_stack
    if "/" in name:
        return name
    return f"{pulumi.get_organization()}/{pulumi.get_project()}/{name}"


class _Held:
    """The peer's manifest behind one attribute, where the SDK does not walk it.

    Why: the SDK lifts whatever an `apply` returns into Outputs, walking every nested dict and list, and the
    manifest lists every resource of the peer with all its inputs (most of the primary's run time went there).
    """

    __slots__ = ("value",)

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value


class Peer:
    """Typed access to the peer's manifest, failing with one clear line when the peer is not deployed."""

    def __init__(self, pair: Pair) -> None:
        self.pair = pair
        self.stack_name = _qualified(pair)
        self.reference = pulumi.StackReference(f"{pair.shared.name}-peer", stack_name=self.stack_name)
        # One apply on the reference's outputs, its result held (a `_Held` is one value to the SDK: neither this
        # apply nor each `get` walks the manifest again). Known as the outputs are (unknown while a previewed peer's
        # are) and secret if any of them is: conservative, and the policy pack reads secrets' values anyway.
        self._held: pulumi.Output[_Held] = self.reference.outputs.apply(
            lambda outputs: _Held(self._require_manifest((outputs or {}).get(MANIFEST_OUTPUT)))
        )

    @property
    def manifest(self) -> pulumi.Output[dict[str, Any]]:
        """The whole manifest as an Output of a dict."""
        return self._held.apply(lambda held: held.value)

    @property
    def manifest_json(self) -> pulumi.Output[str]:
        """The whole manifest as JSON text: the primary's root component carries it for the policy pack.

        Text, not a dict: the SDK serializes a string as one value, where the dict was walked leaf by leaf on
        registration, on registered outputs and by the engine's recording; the pack decodes it once per request.
        """
        return self._held.apply(lambda held: json.dumps(held.value, sort_keys=True))

    def _require_manifest(self, value: Any) -> dict[str, Any]:
        if pulumi.runtime.is_dry_run() and value is None:
            # During preview an undeployed peer reads as None too; say so once, let preview show the plan.
            pulumi.log.warn(
                f"peer stack {self.stack_name} exports no {MANIFEST_OUTPUT} yet: deploy it first "
                f"(pulumi up -s {self.stack_name.rsplit('/', 1)[-1]}); values read from it are shown as unknown"
            )
            return {}
        if not isinstance(value, dict) or not value:
            raise PeerNotDeployedError(
                f"{CONFIG_NAMESPACE}:peerStack: stack {self.stack_name} exports no {MANIFEST_OUTPUT}; "
                f"deploy the {self.pair.peer.role.value} first: pulumi up -s {self.pair.this.peer_stack_short}"
            )
        return value

    def get(self, *path: str) -> pulumi.Output[Any]:
        """A value inside the peer's manifest, e.g. `peer.get("api", "regionalDomainName")`."""

        def dig(manifest: dict[str, Any]) -> Any:
            cur: Any = manifest
            for key in path:
                if not isinstance(cur, dict) or key not in cur:
                    if pulumi.runtime.is_dry_run():
                        return None
                    raise PeerNotDeployedError(
                        f"{CONFIG_NAMESPACE}:peerStack: the {MANIFEST_OUTPUT} of {self.stack_name} has no "
                        f"{'.'.join(path)}; redeploy the {self.pair.peer.role.value} with this version first"
                    )
                cur = cur[key]
            return cur

        return self._held.apply(lambda held: dig(held.value))
