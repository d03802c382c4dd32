"""One declared bucket's half: bucket, versioning, guards, replication (owned by the primary). (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.declaration import Bucket, Pair
from components.peer import Peer


@dataclass
class ReplicatedBucketArgs:
    """Inputs of `ReplicatedBucket`."""

    pair: Pair
    bucket: Bucket
    peer: Peer | None = None


class ReplicatedBucket(pulumi.ComponentResource):
    """One declared bucket's half: bucket, versioning, guards, replication (owned by the primary)."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: ReplicatedBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:storage:ReplicatedBucket", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
