"""STOP alarm (secondary), health check and failover records (primary), or latency records. (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.api import RegionalApi
from components.declaration import Pair
from components.peer import Peer


@dataclass
class FailoverRoutingArgs:
    """Inputs of `FailoverRouting`."""

    pair: Pair
    api: RegionalApi
    peer: Peer | None = None


class FailoverRouting(pulumi.ComponentResource):
    """STOP alarm (secondary), health check and failover records (primary), or latency records."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: FailoverRoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:routing:FailoverRouting", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
