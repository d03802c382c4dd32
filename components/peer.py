"""How the primary sees the secondary: a StackReference to the secondary's exported parity manifest.

Only the primary reads its peer. The secondary never depends on the primary, so the secondary can always be
deployed first and redeployed while the primary region is down.
"""

from __future__ import annotations

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


class Peer:
    """Typed access to the peer's manifest, failing with one clear line when the peer is not deployed."""

    def __init__(self, pair: Pair) -> None:
        self.pair = pair
        self.stack_name = _qualified(pair)
        self.reference = pulumi.StackReference(f"{pair.shared.name}-peer", stack_name=self.stack_name)
        self.manifest: pulumi.Output[dict[str, Any]] = self.reference.get_output(MANIFEST_OUTPUT).apply(
            self._require_manifest
        )

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

        return self.manifest.apply(dig)
