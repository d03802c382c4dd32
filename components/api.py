"""Regional API Gateway + Lambda + custom domain of this half. (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.app_state import AppStateStore
from components.declaration import Pair


@dataclass
class RegionalApiArgs:
    """Inputs of `RegionalApi`."""

    pair: Pair
    app_state: AppStateStore | None = None


class RegionalApi(pulumi.ComponentResource):
    """Regional API Gateway + Lambda + custom domain of this half."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: RegionalApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:api:RegionalApi", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
