"""The root component of one half: builds every declared capability in this stack's region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.declaration import Pair, Role
from components.peer import Peer


@dataclass
class RegionPairHalfArgs:
    """Inputs of a half."""

    pair: Pair
    """The validated pair declaration; the half built is `pair.this_role`."""


class RegionPairHalf(pulumi.ComponentResource):
    """One half of the pair. Its inputs carry the declaration and (primary) the peer's manifest for policies."""

    manifest: pulumi.Output[dict[str, Any]]
    """The parity manifest of this half (documented in docs/parity-manifest.md)."""

    def __init__(self, name: str, args: RegionPairHalfArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        pair = args.pair
        peer = Peer(pair) if pair.this_role is Role.PRIMARY else None
        super().__init__(
            "regionpair:index:RegionPairHalf",
            name,
            {
                "role": pair.this_role.value,
                "region": pair.this.region,
                "peerRegion": pair.peer.region,
                "peerStack": pair.this.peer_stack,
                "declaration": pair.shared.model_dump(mode="json", by_alias=True, exclude_none=True),
                "peerManifest": peer.manifest if peer else None,
            },
            opts,
        )
        child = pulumi.ResourceOptions(parent=self)
        parts: dict[str, Any] = {}
        _ = child
        self.manifest = pulumi.Output.from_input(
            {
                "schemaVersion": 1,
                "pair": pair.shared.name,
                "role": pair.this_role.value,
                "region": pair.this.region,
                "peerRegion": pair.peer.region,
                "strategy": pair.shared.strategy.value,
                **parts,
            }
        )
        self.register_outputs({"manifest": self.manifest})
