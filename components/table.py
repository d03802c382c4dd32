"""One declared global table (owned by the primary, replica in the secondary region). (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.declaration import Pair, Table


@dataclass
class GlobalTableArgs:
    """Inputs of `GlobalTable`."""

    pair: Pair
    table: Table


class GlobalTable(pulumi.ComponentResource):
    """One declared global table (owned by the primary, replica in the secondary region)."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: GlobalTableArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:storage:GlobalTable", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
