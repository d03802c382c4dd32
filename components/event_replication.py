"""Optional (`email.replicateEvents`): a Lambda in each region replicating suppression events to the peer.

Subscribed to this region's configuration-set topics (components/email.py), it suppresses permanently bounced
and complaining addresses, and applies unsubscribe-all, in the **peer** region's SES account lists. Both stacks
deploy it, so each direction is owned by the region where the event happens. `regionpair sync` reconciles
whatever happened before it was deployed or while it was failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import Pair
from regionpair.components.logged_function import LoggedFunctionArgs, logged_function

HANDLER_SOURCE = Path(__file__).resolve().parent / "lambda_src" / "event_replication.py"


@dataclass
class EventReplicationArgs:
    """Inputs of `EventReplication`."""

    pair: Pair
    """The validated pair."""
    topic_arns: list[pulumi.Input[str]] = field(default_factory=list)
    """SNS topics receiving SES events in this region."""


class EventReplication(pulumi.ComponentResource):
    """The replicating function, its least-privilege role and the topic subscriptions."""

    function_arn: pulumi.Output[str]
    """The Lambda function."""

    def __init__(self, name: str, args: EventReplicationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:email:EventReplication", name, None, opts)
        pair = args.pair
        region, peer_region = pair.this.region, pair.peer.region
        child = pulumi.ResourceOptions(parent=self)
        function_name = pair.physical_name("event-replication", pair.this_role)

        def statements(role: aws.iam.Role) -> list[dict[str, Any]]:
            account = role.arn.apply(lambda arn: arn.split(":")[4])
            return [
                {
                    # PutSuppressedDestination has no resource type: IAM only accepts "*"; the region
                    # condition keeps it to the peer's account-level list.
                    "Sid": "SuppressInPeerRegion",
                    "Effect": "Allow",
                    "Action": ["ses:PutSuppressedDestination"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": peer_region}},
                },
                {
                    "Sid": "UnsubscribeInPeerContactLists",
                    "Effect": "Allow",
                    "Action": ["ses:UpdateContact"],
                    "Resource": pulumi.Output.concat("arn:aws:ses:", peer_region, ":", account, ":contact-list/*"),
                },
            ]

        function = logged_function(
            name,
            LoggedFunctionArgs(
                function_name=function_name, region=region, source=HANDLER_SOURCE,
                handler="event_replication.handler", runtime="python3.12", timeout=30,
                description=f"{pair.shared.name}: replicate bounces, complaints, unsubscribes to {peer_region}",
                statements=statements, environment={"PEER_REGION": peer_region},
            ),
            self,
        )  # fmt: skip
        for i, topic in enumerate(args.topic_arns):
            aws.lambda_.Permission(
                f"{name}-invoke-{i}",
                action="lambda:InvokeFunction",
                function=function.name,
                principal="sns.amazonaws.com",
                source_arn=topic,
                region=region,
                opts=child,
            )
            aws.sns.TopicSubscription(
                f"{name}-subscription-{i}", topic=topic, protocol="lambda", endpoint=function.arn, region=region,
                opts=child,
            )  # fmt: skip
        self.function_arn = function.arn
        self.register_outputs({"functionArn": self.function_arn})
