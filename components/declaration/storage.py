"""`buckets:`, `tables:` and `appState:` of pair.yaml: the replicated state of the pair."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    StringConstraints,
    field_validator,
    model_validator,
)

from regionpair.components import constraints
from regionpair.components.declaration.base import (
    AppState,
    ResourceName,
    _Model,
)


class BucketNames(_Model):
    """Explicit S3 bucket names per half, for when `<pair>-<name>-<region>` is taken in S3's global namespace."""

    primary: str
    secondary: str

    @field_validator("primary", "secondary")
    @classmethod
    def _s3(cls, v: str) -> str:
        problems = [v2.message for v2 in constraints.check(constraints.BUCKET, "bucket", {"bucket": v})]
        if problems:
            raise ValueError(f"{v!r} is not a valid S3 bucket name: {problems[0]} (S3 naming rules)")
        return v

    @model_validator(mode="after")
    def _distinct(self) -> BucketNames:
        if self.primary == self.secondary:
            raise ValueError("the two halves need different bucket names (S3 names are global)")
        return self


class Bucket(_Model):
    """A bucket pair: one bucket per region, replicated primary -> secondary (and back, optionally)."""

    name: ResourceName
    """Logical name; the buckets are `<pair>-<name>-<region>` (shortened to 63 characters) unless `bucketNames`."""
    bucket_names: BucketNames | None = None
    """Explicit names of the two buckets, e.g. with an account-unique suffix, when the derived ones are taken."""
    replication_time_control: bool = True
    """S3 RTC: 99.99% of objects within 15 minutes, with replication metrics. Needed for an RPO <= 15 min."""
    reverse_replication: bool = True
    """Replicate secondary -> primary too, so objects written during a failover are there after failback."""
    replicate_delete_markers: bool = True
    prefix: str = ""
    """Replicate only keys under this prefix (empty: every object)."""


class KeyAttribute(_Model):
    """A DynamoDB key attribute."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    type: Literal["S", "N", "B"] = "S"


class Table(_Model):
    """A DynamoDB global table (version 2019.11.21) with a replica in the peer region."""

    name: ResourceName
    hash_key: KeyAttribute | None = None
    range_key: KeyAttribute | None = None
    point_in_time_recovery: bool = True
    """Always true: the policy dynamodb-table-global-replica refuses a table without it (validated here, early)."""
    deletion_protection: bool = True

    @field_validator("point_in_time_recovery")
    @classmethod
    def _pitr(cls, v: bool) -> bool:
        if not v:
            raise ValueError(
                "false is refused: the policy dynamodb-table-global-replica requires point-in-time recovery on "
                "every global table (the only way back from a bad write replicated to both regions); remove the key"
            )
        return v

    @model_validator(mode="after")
    def _keys(self) -> Table:
        if self.hash_key is None:
            raise ValueError("a global table needs a key schema; add hashKey: {name: pk, type: S}")
        if self.range_key is not None and self.range_key.name == self.hash_key.name:
            raise ValueError("rangeKey must differ from hashKey")
        return self


class AppStateSettings(_Model):
    """the app-state item (active/fenced/failover), in a dedicated global table."""

    table: ResourceName = "app-state"
    initial_state: AppState = AppState.ACTIVE
    app_id: str = "default"
    """The item's key: one item per application sharing the pair."""
