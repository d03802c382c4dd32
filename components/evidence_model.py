"""Where the pair's replication lag is published, computed from the declaration alone (no pulumi_aws).

One list for everything that reads or shows lag: `regionpair/ops/measure.py` (measured RPO in `status`, `drill`
and the drill report) and `components/dashboard.py` (the pair dashboard). Each replicated store publishes its
lag in the region that *sends* the changes:
- S3 replication metrics (`AWS/S3` `ReplicationLatency` in seconds, `OperationsPendingReplication`,
  `BytesPendingReplication`), dimensions `SourceBucket`, `DestinationBucket`, `RuleId`, in the source bucket's
  region, only for rules with `destination.metrics` enabled (components/bucket.py enables them on every rule);
- DynamoDB global tables (`AWS/DynamoDB` `ReplicationLatency` in milliseconds), dimensions `TableName` and
  `ReceivingRegion`, in the region the writes were made in.
Sources: Amazon S3 User Guide, "Monitoring progress with replication metrics"; Amazon DynamoDB Developer Guide,
"DynamoDB metrics and dimensions" (ReplicationLatency).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from regionpair.components.declaration import Pair, Role
from regionpair.components.signals_plan import s3_replication_rule_id

S3_NAMESPACE = "AWS/S3"
DYNAMODB_NAMESPACE = "AWS/DynamoDB"
LATENCY_METRIC = "ReplicationLatency"
S3_PENDING_METRIC = "OperationsPendingReplication"
S3_BYTES_PENDING_METRIC = "BytesPendingReplication"


@dataclass(frozen=True)
class ReplicationMetric:
    """One direction of one replicated store, and the metric that says how far behind it is."""

    store: str
    """`bucket <name>` or `table <name>` (declared names)."""
    kind: str
    """`s3` or `dynamodb`."""
    source: Role
    """The role whose writes this direction carries."""
    region: str
    """Where the metric is published (the sending region)."""
    destination_region: str
    namespace: str
    dimensions: dict[str, str] = field(default_factory=dict)
    seconds_per_unit: float = 1.0
    """S3 reports seconds, DynamoDB milliseconds."""
    pending_metric: str | None = None
    """S3 only: operations not yet replicated."""

    @property
    def metric(self) -> str:
        """The latency metric's name (the same in both services)."""
        return LATENCY_METRIC

    @property
    def label(self) -> str:
        """`bucket assets us-east-1 -> us-west-2`."""
        return f"{self.store} {self.region} -> {self.destination_region}"


def replication_metrics(pair: Pair) -> list[ReplicationMetric]:
    """Every replication direction the declaration deploys, primary -> secondary first."""
    s = pair.shared
    out: list[ReplicationMetric] = []
    for role in (Role.PRIMARY, Role.SECONDARY):
        region, peer_region = pair.half(role).region, pair.half(role.peer).region
        for b in s.buckets:
            if role is Role.SECONDARY and not b.reverse_replication:
                continue
            dims = {
                "SourceBucket": pair.bucket_name(b, role),
                "DestinationBucket": pair.bucket_name(b, role.peer),
                "RuleId": s3_replication_rule_id(role.peer),
            }
            out.append(ReplicationMetric(f"bucket {b.name}", "s3", role, region, peer_region, S3_NAMESPACE, dims,
                                         1.0, S3_PENDING_METRIC))  # fmt: skip
        tables = [t.name for t in s.tables] + ([s.app_state.table] if s.app_state else [])
        for t in tables:
            dims = {"TableName": pair.physical_name(t), "ReceivingRegion": peer_region}
            out.append(ReplicationMetric(f"table {t}", "dynamodb", role, region, peer_region, DYNAMODB_NAMESPACE,
                                         dims, 0.001))  # fmt: skip
    return out
