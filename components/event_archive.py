"""The SES event archive of this half: a Firehose delivery stream per configuration set into a replicated bucket.

The Pinpoint and SES multi-region guide: event data (opens, clicks, bounces, complaints) "should also be replicated
across regions so it isn't lost. Using Kinesis Data Firehose along with S3 Object replication is one way to do
this." So each region has:
- the events bucket pair, built by `ReplicatedBucket` exactly like a declared bucket (versioned, private, TLS-only,
  SSE-S3; the primary replicates it to the secondary with Replication Time Control, and back for failback);
- per configuration set with `destination: firehose`, a delivery stream writing under `<prefix><set>/`, with a
  role Firehose assumes that may write only there (Firehose -> S3), and a role SES assumes that may put records
  into that stream only (SES -> Firehose, trusted only for that configuration set: `AWS:SourceArn`).

Events written in either region end up in both buckets: a failover loses none of the standby's events, and the
primary's are already in the standby's bucket. Sources: SES, "Set up a Firehose event destination" (the SES role
and its trust); Firehose, "Grant Firehose access to an Amazon S3 destination" (the S3 actions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components import constraints
from regionpair.components.bucket import ReplicatedBucket, ReplicatedBucketArgs
from regionpair.components.declaration import ConfigurationSet, Pair
from regionpair.components.iam import assume_role_policy
from regionpair.components.peer import Peer

PEER_BUCKETS = ("email", "eventArchive", "buckets")
"""Where the secondary's manifest lists its events bucket (the primary's replication reads its ARN there)."""
FIREHOSE_S3_BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
FIREHOSE_S3_OBJECT_ACTIONS = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
SES_FIREHOSE_ACTIONS = ["firehose:PutRecord", "firehose:PutRecordBatch"]


def stream_name(pair: Pair, set_name: str) -> str:
    """The delivery stream of one configuration set (the same name in both regions)."""
    return pair.physical_name(f"ses-{set_name}-events", limit=constraints.FIREHOSE_NAME_MAX)


def object_prefix(pair: Pair, set_name: str) -> str:
    """Where one set's events land in the bucket."""
    return f"{pair.shared.email.event_archive.prefix if pair.shared.email else 'ses-events/'}{set_name}/"


@dataclass
class EventArchiveArgs:
    """Inputs of `EventArchive`."""

    pair: Pair
    """The validated pair."""
    configuration_sets: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    """Declared name -> ARN of each configuration set with `destination: firehose` (the SES role trusts only it)."""
    peer: Peer | None = None
    """The secondary's manifest (primary only): the events bucket replicates into the secondary's."""


class EventArchive(pulumi.ComponentResource):
    """The events bucket of this half, a delivery stream per archived set and the two roles."""

    bucket: ReplicatedBucket
    """This half's events bucket (with, in the primary, the replication of both directions)."""
    destinations: dict[str, aws.sesv2.ConfigurationSetEventDestinationEventDestinationKinesisFirehoseDestinationArgs]
    """Declared set name -> the Firehose target of its SES event destination."""
    ready: list[pulumi.Resource]
    """What an event destination must wait for (SES checks it can assume the role and reach the stream)."""
    manifest: dict[str, Any]
    """`{"buckets": [<ReplicatedBucket manifest>], "streams": [{"set", "stream", "arn", "prefix"}]}`."""

    def __init__(self, name: str, args: EventArchiveArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:email:EventArchive", name, None, opts)
        pair = args.pair
        email = pair.shared.email
        assert email is not None
        region, role = pair.this.region, pair.this_role
        child = pulumi.ResourceOptions(parent=self)
        archive = email.event_archive
        self.bucket = ReplicatedBucket(
            f"{name}-bucket",
            ReplicatedBucketArgs(pair=pair, bucket=archive.as_bucket(), peer=args.peer, peer_path=PEER_BUCKETS),
            child,
        )
        bucket_arn = self.bucket.bucket.arn

        firehose_role = aws.iam.Role(
            f"{name}-firehose-role",
            name=pair.physical_name("ses-events-firehose", role),
            description=f"Firehose writes SES events into the events bucket in {region}",
            assume_role_policy=assume_role_policy("firehose.amazonaws.com"),
            tags=pair.shared.tags,
            opts=child,
        )
        prefixes = [object_prefix(pair, s) for s in args.configuration_sets]
        firehose_policy = aws.iam.RolePolicy(
            f"{name}-firehose-policy",
            role=firehose_role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Sid": "FindTheEventsBucket", "Effect": "Allow", "Action": FIREHOSE_S3_BUCKET_ACTIONS,
                         "Resource": bucket_arn},
                        {"Sid": "WriteEventObjects", "Effect": "Allow", "Action": FIREHOSE_S3_OBJECT_ACTIONS,
                         "Resource": [pulumi.Output.concat(bucket_arn, "/", p, "*") for p in prefixes]},
                    ],
                }
            ),
            opts=child,
        )

        self.destinations, self.ready, streams = {}, [], []
        for set_name, config_set_arn in args.configuration_sets.items():
            prefix = object_prefix(pair, set_name)
            stream = aws.kinesis.FirehoseDeliveryStream(
                f"{name}-{set_name}-stream",
                name=stream_name(pair, set_name),
                destination="extended_s3",
                extended_s3_configuration=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs(
                    bucket_arn=bucket_arn,
                    role_arn=firehose_role.arn,
                    prefix=prefix,
                    error_output_prefix=f"{prefix}errors/",
                    buffering_interval=archive.buffering_interval_seconds,
                    buffering_size=archive.buffering_size_mb,
                    compression_format="GZIP",
                ),
                region=region,
                tags=pair.shared.tags,
                # Firehose checks the role can write to the bucket when the stream is created.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[firehose_policy]),
            )
            ses_role = aws.iam.Role(
                f"{name}-{set_name}-ses-role",
                name=pair.physical_name(f"ses-{set_name}-to-firehose", role),
                description=f"SES publishes the events of configuration set {set_name} to Firehose in {region}",
                assume_role_policy=ses_trust(config_set_arn),
                tags=pair.shared.tags,
                opts=child,
            )
            ses_policy = aws.iam.RolePolicy(
                f"{name}-{set_name}-ses-policy",
                role=ses_role.id,
                policy=pulumi.Output.json_dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Sid": "PutEventsIntoTheStream", "Effect": "Allow",
                                       "Action": SES_FIREHOSE_ACTIONS, "Resource": stream.arn}],
                    }
                ),
                opts=child,
            )
            self.destinations[set_name] = (
                aws.sesv2.ConfigurationSetEventDestinationEventDestinationKinesisFirehoseDestinationArgs(
                    delivery_stream_arn=stream.arn, iam_role_arn=ses_role.arn
                )
            )
            self.ready += [stream, ses_policy]
            streams.append({"set": set_name, "stream": stream_name(pair, set_name), "arn": stream.arn,
                            "prefix": prefix})  # fmt: skip
        self.manifest = {"buckets": [self.bucket.manifest], "streams": streams}
        self.register_outputs({"manifest": self.manifest})


def ses_trust(config_set_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """SES may assume the role only on behalf of this configuration set (confused-deputy protection)."""
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ses.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"AWS:SourceArn": config_set_arn}},
                }
            ],
        }
    )


def archived_sets(pair: Pair) -> list[ConfigurationSet]:
    """The configuration sets whose events go to the archive."""
    email = pair.shared.email
    return [cs for cs in (email.configuration_sets if email else []) if cs.destination.value == "firehose"]
