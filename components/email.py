"""SES v2 identities, DKIM, MAIL FROM, DMARC and configuration sets of this half. (STUB: to be implemented.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.declaration import Pair


@dataclass
class EmailIdentitiesArgs:
    """Inputs of `EmailIdentities`."""

    pair: Pair


class EmailIdentities(pulumi.ComponentResource):
    """SES v2 identities, DKIM, MAIL FROM, DMARC and configuration sets of this half."""

    manifest: pulumi.Output[dict[str, Any]]

    def __init__(self, name: str, args: EmailIdentitiesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:email:EmailIdentities", name, None, opts)
        self.manifest = pulumi.Output.from_input({})
        self.register_outputs({"manifest": self.manifest})
