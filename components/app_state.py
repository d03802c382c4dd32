"""Seed 001's app state table and its item, initialised once. (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.declaration import Pair


@dataclass
class AppStateStoreArgs:
    """Inputs of `AppStateStore`."""

    pair: Pair


class AppStateStore(pulumi.ComponentResource):
    """Seed 001's app state table and its item, initialised once."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: AppStateStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:state:AppStateStore", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
