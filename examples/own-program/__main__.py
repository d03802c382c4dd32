"""The shop's own Pulumi program: its own resources, plus one half of the region pair from regionpair's library."""

import pulumi
import pulumi_aws as aws

from regionpair import lib

config = pulumi.Config()  # the shop's own namespace (`shop:` keys)
pair = lib.load_pair()  # pair.yaml and the `regionpair:` keys of this stack's file, validated (one line if not)
region = pair.this.region

# The shop's own resources, in the same stack: an alert topic and the queue its order workers read.
alerts = aws.sns.Topic("shop-alerts", region=region, tags={"team": "shop"})
aws.sns.TopicSubscription(
    "shop-alerts-oncall", topic=alerts.arn, protocol="email", endpoint=config.require("alertEmail"), region=region
)
orders = aws.sqs.Queue("shop-orders", region=region, message_retention_seconds=1_209_600, tags={"team": "shop"})

half = lib.build_half(pair)  # exports parityManifest, role and region (the peer stack reads parityManifest)

pulumi.export("ordersQueueArn", orders.arn)
pulumi.export("apiName", pair.shared.api.domain_name if pair.shared.api else None)
