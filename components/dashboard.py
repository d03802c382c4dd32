"""The pair dashboard of this half: one `aws.cloudwatch.Dashboard` in this half's region showing both regions.

The body comes from `components/dashboard_model.py` (pure, shared with the policy pack), so what is deployed is
what the pack judges. Each half builds its own from the declaration alone: the secondary never reads the primary,
and either dashboard shows the whole pair (docs/operations.md, "The pair dashboard").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.dashboard_model import dashboard_body, dashboard_name, widget_regions
from regionpair.components.declaration import Pair


@dataclass
class PairDashboardArgs:
    """Inputs of `PairDashboard`."""

    pair: Pair
    """The validated pair; the dashboard is built in `pair.this.region`."""


class PairDashboard(pulumi.ComponentResource):
    """A CloudWatch dashboard of the whole pair, built in this half's region."""

    dashboard: aws.cloudwatch.Dashboard
    """The dashboard (named `<pair>-pair-<region>`)."""
    manifest: dict[str, Any]
    """{"name", "region", "regions": the regions its widgets show, "widgets": count}."""

    def __init__(self, name: str, args: PairDashboardArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:observe:PairDashboard", name, None, opts)
        pair = args.pair
        body = dashboard_body(pair, pair.this_role)
        own = dashboard_name(pair, pair.this_role)
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=own,
            dashboard_body=json.dumps(body, sort_keys=True),
            region=pair.this.region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.manifest = {
            "name": own,
            "region": pair.this.region,
            "regions": sorted(widget_regions(body)),
            "widgets": len(body["widgets"]),
        }
        self.register_outputs({"manifest": self.manifest})
