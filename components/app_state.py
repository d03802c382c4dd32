"""The application state (`active` / `fenced` / `failover`) in its own global table.

The item is written once, by the primary, when the table is created. After that only operators change it
(`regionpair state set`, a conditional write on `version`), so Pulumi must never write it again: the item is
registered with `ignore_changes=["item"]` (a later `pulumi up` with a different declared initial state changes
nothing) and `retain_on_delete=True` (removing the app-state section never deletes live state mid-incident).
The regional API reads the item from the replica in its own region.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import KeyAttribute, Pair, Role, Table
from regionpair.components.options import Stateful, stateful
from regionpair.components.state_model import KEY_ATTRIBUTE, initial_item
from regionpair.components.table import GlobalTable, GlobalTableArgs


@dataclass
class AppStateStoreArgs:
    """Inputs of `AppStateStore`."""

    pair: Pair
    """The validated pair; `pair.shared.app_state` must be set."""


class AppStateStore(pulumi.ComponentResource):
    """The app-state global table and (primary) its initial item."""

    table_name: str
    """Physical name of the state table, the same in both regions."""
    manifest: dict[str, Any]
    """`{"table", "appId", "keyAttribute", "initialState", "regions", "owner"}`."""

    def __init__(self, name: str, args: AppStateStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:state:AppStateStore", name, None, opts)
        pair = args.pair
        settings = pair.shared.app_state
        assert settings is not None  # wired only when declared
        table = GlobalTable(
            f"{name}-table",
            GlobalTableArgs(
                pair=pair, table=Table(name=settings.table, hash_key=KeyAttribute(name=KEY_ATTRIBUTE, type="S"))
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.table_name = table.table_name
        self.table = table.table
        """The table resource where this stack owns it (the primary), else None."""
        if table.table is not None:
            aws.dynamodb.TableItem(
                f"{name}-item",
                table_name=table.table.name,
                hash_key=KEY_ATTRIBUTE,
                item=json.dumps(initial_item(settings.app_id, settings.initial_state.value)),
                region=pair.primary.region,
                opts=stateful(
                    pair, Stateful.APP_STATE_ITEM, settings.app_id, self, ignore_changes=["item"], retain_on_delete=True
                ),
            )
        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "table": self.table_name,
                "appId": settings.app_id,
                "keyAttribute": KEY_ATTRIBUTE,
                "initialState": settings.initial_state.value,
                "regions": [pair.primary.region, pair.secondary.region],
                "owner": Role.PRIMARY.value,
            }
        )
        self.register_outputs({"manifest": self.manifest})
