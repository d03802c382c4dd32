"""CloudFront origin-failover read path over a replicated bucket pair (owned by the primary). (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.bucket import ReplicatedBucket
from components.declaration import Pair
from components.peer import Peer


@dataclass
class ReadPathArgs:
    """Inputs of `ReadPath`."""

    pair: Pair
    buckets: dict[str, ReplicatedBucket]
    peer: Peer | None = None


class ReadPath(pulumi.ComponentResource):
    """CloudFront origin-failover read path over a replicated bucket pair (owned by the primary)."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: ReadPathArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:cdn:ReadPath", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
