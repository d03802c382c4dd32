"""A declared bucket pair: a versioned, private, TLS-only bucket in each region, replicated across them.

Each stack creates its own bucket (versioning, public access block, encryption, bucket policy). Replication
spans both regions, so the primary owns it, for both directions:
- primary -> secondary: a V2 rule (with `filter`), delete markers replicated, Replication Time Control (15 min,
  with metrics) when declared;
- secondary -> primary (optional, for failback: objects written during a failover): a replication
  configuration on the *secondary's* bucket, created by the primary stack with pulumi-aws v7's `region=`.
  A bucket has one replication configuration, so the secondary stack never writes one; and the secondary
  never depends on the primary.
S3 refuses a replication configuration unless versioning is on in both buckets: the primary's rules depend on
its own versioning resource and take the secondary bucket's ARN from the secondary's manifest, which the
secondary exports only after its versioning exists.
Encryption is SSE-S3: SSE-KMS would need a key per region, grants for the replication role and
`source_selection_criteria`; declare it when you need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.cdn import bucket_policy_statement
from regionpair.components.declaration import Bucket, Pair, Role
from regionpair.components.iam import assume_role_policy
from regionpair.components.options import Stateful, stateful
from regionpair.components.peer import Peer, PeerNotDeployedError

RTC_MINUTES = 15  # the only value S3 accepts


def bucket_arn(name: str) -> str:
    """S3 bucket ARNs carry no region or account."""
    return f"arn:aws:s3:::{name}"


@dataclass
class ReplicatedBucketArgs:
    """Inputs of `ReplicatedBucket`."""

    pair: Pair
    """The validated pair."""
    bucket: Bucket
    """The declared bucket pair this half builds."""
    peer: Peer | None = None
    """The secondary's manifest (primary only): replication targets an existing, versioned bucket."""
    cdn_distribution_arn: pulumi.Input[str] | None = None
    """A CloudFront distribution allowed to read the bucket through origin access control (docs/signals-and-cdn.md)."""
    peer_path: tuple[str, ...] = ("buckets",)
    """Where the secondary's manifest lists this bucket (the SES event archive lists its own under email)."""


class ReplicatedBucket(pulumi.ComponentResource):
    """One half of a replicated bucket pair, plus (primary) the replication of both directions."""

    bucket: aws.s3.Bucket
    """This half's bucket."""
    manifest: dict[str, Any]
    """Bucket, guards and replication rules (docs/parity-manifest.md)."""

    def __init__(self, name: str, args: ReplicatedBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:storage:ReplicatedBucket", name, None, opts)
        pair, decl = args.pair, args.bucket
        region = pair.this.region
        child = pulumi.ResourceOptions(parent=self)
        tags = {**pair.shared.tags, "regionpair:role": pair.this_role.value}
        own_name = pair.bucket_name(decl, pair.this_role)
        peer_name = pair.bucket_name(decl, pair.this_role.peer)

        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=own_name,
            region=region,
            tags=tags,
            opts=stateful(pair, Stateful.BUCKET, decl.name, self),
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=self.bucket.id,
            region=region,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=self.bucket.id,
            region=region,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=self.bucket.id,
            region=region,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=child,
        )  # fmt: skip
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            region=region,
            policy=bucket_policy(self.bucket.arn, args.cdn_distribution_arn),
            # S3 rejects policies while the public access block is being applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )

        replication: list[pulumi.Input[dict[str, Any]]] = []
        if pair.this_role is Role.PRIMARY:
            replication = self._replicate(name, pair, decl, args.peer, versioning, args.peer_path)

        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "name": decl.name,
                "bucket": own_name,
                "arn": self.bucket.arn,
                "region": region,
                "versioning": True,
                "publicAccessBlocked": True,
                "tlsOnly": True,
                "encryption": "AES256",
                "cdnReader": args.cdn_distribution_arn,
                "peerBucket": peer_name,
                "replication": replication,
            }
        )
        self.register_outputs({"manifest": self.manifest})

    def _replicate(
        self, name: str, pair: Pair, decl: Bucket, peer: Peer | None, versioning: aws.s3.BucketVersioning,
        peer_path: tuple[str, ...] = ("buckets",),
    ) -> list[pulumi.Input[dict[str, Any]]]:
        """Create the replication role and the rules of both directions (primary only)."""
        primary_name = pair.bucket_name(decl, Role.PRIMARY)
        secondary_name = pair.bucket_name(decl, Role.SECONDARY)
        primary_arn = bucket_arn(primary_name)
        secondary_arn: pulumi.Input[str] = bucket_arn(secondary_name)
        if peer is not None:
            secondary_arn = peer.get(*peer_path).apply(lambda buckets: _peer_bucket_arn(buckets, decl, pair))

        directions = [(primary_arn, secondary_arn, pair.primary.region, primary_name)]
        if decl.reverse_replication:
            directions.append((secondary_arn, primary_arn, pair.secondary.region, secondary_name))

        role = aws.iam.Role(
            f"{name}-replication-role",
            name=pair.physical_name(f"{decl.name}-replication"),
            description=f"S3 replication between {primary_name} and {secondary_name}",
            assume_role_policy=assume_role_policy("s3.amazonaws.com"),
            tags=pair.shared.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-replication-policy",
            role=role.id,
            policy=replication_policy([(src, dst) for src, dst, _, _ in directions]),
            opts=pulumi.ResourceOptions(parent=self),
        )

        rules: list[pulumi.Input[dict[str, Any]]] = []
        for source_arn, dest_arn, source_region, source_name in directions:
            forward = source_region == pair.primary.region
            aws.s3.BucketReplicationConfig(
                f"{name}-replication" if forward else f"{name}-reverse-replication",
                bucket=source_name,
                region=source_region,
                role=role.arn,
                rules=[replication_rule(decl, dest_arn, "to-secondary" if forward else "to-primary")],
                # Versioning must be on in both buckets: ours here, the peer's before it exported its manifest.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning, policy]),
            )
            rules.append(
                {
                    "from": source_arn,
                    "to": dest_arn,
                    "fromRegion": source_region,
                    "toRegion": pair.secondary.region if forward else pair.primary.region,
                    "rtc": decl.replication_time_control,
                    "deleteMarkers": decl.replicate_delete_markers,
                    "prefix": decl.prefix,
                }
            )
        return rules


def _peer_bucket_arn(buckets: Any, decl: Bucket, pair: Pair) -> str:
    name = decl.name
    for b in buckets or []:
        if isinstance(b, dict) and b.get("name") == name and b.get("versioning"):
            return str(b["arn"])
    if pulumi.runtime.is_dry_run():
        return bucket_arn(pair.bucket_name(decl, Role.SECONDARY))
    raise PeerNotDeployedError(
        f"regionpair:peerStack: the secondary has no versioned bucket {name!r} yet; "
        f"deploy the secondary first: pulumi up -s {pair.this.peer_stack_short}"
    )


def replication_rule(
    decl: Bucket, destination_arn: pulumi.Input[str], rule_id: str
) -> aws.s3.BucketReplicationConfigRuleArgs:
    """A V2 rule: filtered, delete markers as declared, replication metrics always, RTC when declared."""
    rtc = decl.replication_time_control
    s3 = aws.s3
    replication_time = None
    # Replication metrics on every rule, with or without RTC: they are how `regionpair status` and the drill
    # report measure the RPO (ReplicationLatency, OperationsPendingReplication; regionpair/ops/measure.py).
    # The event threshold is optional without RTC (S3 API reference, Metrics: EventThreshold not required).
    metrics = s3.BucketReplicationConfigRuleDestinationMetricsArgs(status="Enabled")
    if rtc:
        replication_time = s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
            status="Enabled", time=s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(minutes=RTC_MINUTES)
        )
        # RTC requires replication metrics with the same 15-minute threshold.
        metrics = s3.BucketReplicationConfigRuleDestinationMetricsArgs(
            status="Enabled",
            event_threshold=s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(minutes=RTC_MINUTES),
        )
    return s3.BucketReplicationConfigRuleArgs(
        id=rule_id,
        status="Enabled",
        priority=1,
        filter=s3.BucketReplicationConfigRuleFilterArgs(prefix=decl.prefix),
        delete_marker_replication=s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
            status="Enabled" if decl.replicate_delete_markers else "Disabled"
        ),
        destination=s3.BucketReplicationConfigRuleDestinationArgs(
            bucket=destination_arn, storage_class="STANDARD", replication_time=replication_time, metrics=metrics
        ),
    )


def replication_policy(directions: list[tuple[pulumi.Input[str], pulumi.Input[str]]]) -> pulumi.Output[str]:
    """Least privilege for S3 replication: read config and versions on sources, replicate into destinations."""
    sources = [src for src, _ in directions]
    destinations = [dst for _, dst in directions]
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadReplicationConfiguration",
                    "Effect": "Allow",
                    "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    "Resource": sources,
                },
                {
                    "Sid": "ReadSourceVersions",
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                    ],
                    "Resource": [pulumi.Output.concat(src, "/*") for src in sources],
                },
                {
                    "Sid": "WriteReplicas",
                    "Effect": "Allow",
                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    "Resource": [pulumi.Output.concat(dst, "/*") for dst in destinations],
                },
            ],
        }
    )


def bucket_policy(arn: pulumi.Input[str], cdn_distribution_arn: pulumi.Input[str] | None) -> pulumi.Output[str]:
    """Deny any request not made over TLS; optionally let one CloudFront distribution read objects (OAC)."""
    statements: list[Any] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, pulumi.Output.concat(arn, "/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if cdn_distribution_arn is not None:
        statements.append(bucket_policy_statement(arn, cdn_distribution_arn))
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})
