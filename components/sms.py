"""End User Messaging SMS numbers, pool, opt-out list and sender IDs of this half. (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.declaration import Pair


@dataclass
class SmsOriginationArgs:
    """Inputs of `SmsOrigination`."""

    pair: Pair


class SmsOrigination(pulumi.ComponentResource):
    """End User Messaging SMS numbers, pool, opt-out list and sender IDs of this half."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: SmsOriginationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:sms:SmsOrigination", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
