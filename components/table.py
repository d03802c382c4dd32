"""A declared DynamoDB global table (version 2019.11.21) with its replica in the secondary region.

The primary stack owns the table *and* its replica (`replicas=[...]` on the table), for three reasons:
- deploy order: the secondary is deployed first, so a `TableReplica` in the secondary would have no
  table to replicate yet;
- one state owns the global table: split across two stacks, re-applying the table's stack has deleted
  replicas managed elsewhere (Terraform AWS provider issue 38968), and `Table.replicas` and `TableReplica`
  are mutually exclusive;
- a regional outage is not the time to change a table's definition; the replica keeps serving reads and
  writes in the secondary region without any stack being applied.
The secondary registers only this component, with a manifest describing the replica it hosts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import Pair, Role, Table
from regionpair.components.options import Stateful, stateful

STREAM_VIEW = "NEW_AND_OLD_IMAGES"  # global tables need streams; both images serve replication and consumers


@dataclass
class GlobalTableArgs:
    """Inputs of `GlobalTable`."""

    pair: Pair
    """The validated pair."""
    table: Table
    """The declared table."""


class GlobalTable(pulumi.ComponentResource):
    """One declared global table: the table and its replica in the primary's state, a description in both."""

    table_name: str
    """Physical table name, the same in both regions."""
    table: aws.dynamodb.Table | None
    """The table resource (primary only)."""
    manifest: dict[str, Any]
    """Keys, stream, PITR, owner and replica regions (docs/parity-manifest.md)."""

    def __init__(self, name: str, args: GlobalTableArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:storage:GlobalTable", name, None, opts)
        pair, decl = args.pair, args.table
        assert decl.hash_key is not None  # validated by the declaration
        self.table_name = pair.physical_name(decl.name)
        self.table = None
        arn: pulumi.Input[str | None] = None
        if pair.this_role is Role.PRIMARY:
            keys = [decl.hash_key] + ([decl.range_key] if decl.range_key else [])
            self.table = aws.dynamodb.Table(
                f"{name}-table",
                name=self.table_name,
                region=pair.primary.region,
                billing_mode="PAY_PER_REQUEST",
                hash_key=decl.hash_key.name,
                range_key=decl.range_key.name if decl.range_key else None,
                attributes=[aws.dynamodb.TableAttributeArgs(name=k.name, type=k.type) for k in keys],
                stream_enabled=True,
                stream_view_type=STREAM_VIEW,
                point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(
                    enabled=decl.point_in_time_recovery
                ),
                server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True),
                deletion_protection_enabled=decl.deletion_protection,
                replicas=[
                    aws.dynamodb.TableReplicaArgs(
                        region_name=pair.secondary.region,
                        point_in_time_recovery=decl.point_in_time_recovery,
                        deletion_protection_enabled=decl.deletion_protection,
                        propagate_tags=True,
                    )
                ],
                tags={**pair.shared.tags, "regionpair:role": "primary"},
                opts=stateful(pair, Stateful.TABLE, decl.name, self),
            )
            arn = self.table.arn
        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "name": decl.name,
                "table": self.table_name,
                "owner": Role.PRIMARY.value,
                "region": pair.primary.region,
                "replicaRegions": [pair.secondary.region],
                "hashKey": decl.hash_key.model_dump(),
                "rangeKey": decl.range_key.model_dump() if decl.range_key else None,
                "stream": STREAM_VIEW,
                "pitr": decl.point_in_time_recovery,
                "deletionProtection": decl.deletion_protection,
                "arn": arn,
            }
        )
        self.register_outputs({"manifest": self.manifest})
