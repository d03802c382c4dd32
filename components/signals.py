"""Alarms that say 'fail over' in this half's region, a composite alarm and an SNS topic. (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.api import RegionalApi
from components.declaration import Pair


@dataclass
class FailoverSignalsArgs:
    """Inputs of `FailoverSignals`."""

    pair: Pair
    api: RegionalApi | None = None


class FailoverSignals(pulumi.ComponentResource):
    """Alarms that say 'fail over' in this half's region, a composite alarm and an SNS topic."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: FailoverSignalsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:signals:FailoverSignals", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
