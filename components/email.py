"""SES v2 sending domains in this half's region: identity, Easy DKIM records, MAIL FROM, DMARC, configuration sets.

SES identities, DKIM keys, MAIL FROM settings and configuration sets are regional (the Pinpoint and SES guide; the
disaster-tolerance article), so each stack creates its own and owns only DNS records that no other stack writes:
- DKIM: three CNAMEs per region; their names embed the region's tokens, so the two regions never collide.
- MAIL FROM: a per-region subdomain (`bounce-us-west-2.example.com`). Route 53 allows one MX set per name and
  SES wants its own region's feedback host in it; per-region names keep each stack independent. SPF and DMARC
  stay aligned (relaxed alignment compares organisational domains).
- DMARC: one `_dmarc` TXT per domain, published by the primary only.

With `email.dkimMode: deed` the primary's identities are DEED parents (Easy DKIM, three CNAMEs) and the
secondary's identities are their replicas (one DKIM key, no records of their own), created by the primary stack
in the secondary's region with the dynamic provider of components/deed_identity.py: a replica needs its parent
first, and the secondary is deployed first and never reads the primary (like the global tables' replicas). With
`email.multiRegionEndpoint: true` the primary also owns the SES multi-region endpoint (Global endpoints), in its
region and routing to the secondary (docs/global-endpoints.md).

Each configuration set publishes its events twice: to SNS (the event-replication Lambda, people) and to
CloudWatch with the dimension `ses:configuration-set`. SES publishes per-set metrics (such as DeliveryDelay, which
components/signals.py alarms on) only through a CloudWatch event destination that declares that dimension
(https://docs.aws.amazon.com/ses/latest/dg/event-publishing-add-event-destination-cloudwatch.html); an SNS
destination publishes no metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components import constraints
from regionpair.components.constraints import deed_origin
from regionpair.components.declaration import DkimMode, Pair, Role
from regionpair.components.dedicated_ips import DedicatedIps, DedicatedIpsArgs
from regionpair.components.dedicated_ips import pool_name as dedicated_pool_name
from regionpair.components.deed_identity import DeedEmailIdentity, DeedEmailIdentityArgs
from regionpair.components.event_archive import EventArchive, EventArchiveArgs, archived_sets
from regionpair.components.options import Stateful, stateful
from regionpair.components.peer import Peer
from regionpair.components.regions import dkim_signing_domain, mail_from_mx
from regionpair.components.signals_plan import CONFIGURATION_SET_DIMENSION

DKIM_RECORDS = 3  # Easy DKIM always publishes three keys.
DNS_TTL = 1800
SPF = "v=spf1 include:amazonses.com ~all"


def slug(domain: str) -> str:
    """A resource-name-safe form of a domain."""
    return domain.replace(".", "-")


def global_endpoint_name(pair: Pair) -> str:
    """The SES multi-region endpoint's name, `<pair>-email-global` (both stacks and the ops CLI derive it)."""
    return pair.physical_name("email-global", limit=constraints.MRE_NAME_MAX)


def mail_from_domain(subdomain: str, region: str, domain: str) -> str:
    """The per-region custom MAIL FROM domain."""
    return f"{subdomain}-{region}.{domain}"


@dataclass
class EmailIdentitiesArgs:
    """Inputs of `EmailIdentities`."""

    pair: Pair
    """The validated pair; `pair.shared.email` must be set."""
    peer: Peer | None = None
    """The secondary's manifest (primary only): the SES event archive's bucket replicates into the secondary's."""


class EmailIdentities(pulumi.ComponentResource):
    """Every declared sending domain, verified and DKIM-signed in this half's region."""

    manifest: dict[str, Any]
    """`{"domains": [...], "configurationSets": [...], "multiRegionEndpoint": ...}` (docs/parity-manifest.md)."""
    topic_arns: list[pulumi.Output[str]]
    """SNS topics receiving configuration-set events in this region."""

    def __init__(self, name: str, args: EmailIdentitiesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:email:EmailIdentities", name, None, opts)
        pair = args.pair
        email = pair.shared.email
        assert email is not None  # wired only when declared
        region = pair.this.region
        zone_id = pair.shared.dns.hosted_zone_id
        child = pulumi.ResourceOptions(parent=self)
        tags = {**pair.shared.tags, "regionpair:role": pair.this_role.value}
        deed = email.dkim_mode is DkimMode.DEED
        # With DEED the secondary's identities are replicas of the primary's, owned by the primary stack (they need
        # their parent first, and the secondary is deployed first): the secondary creates none of its own.
        own_identities = not (deed and pair.this_role is Role.SECONDARY)

        config_sets = self._configuration_sets(name, pair, tags, args.peer)
        default_set = config_sets[0][0].configuration_set_name if config_sets else None

        domains: list[dict[str, Any]] = []
        replicas: list[dict[str, Any]] = []
        owned: list[pulumi.Resource] = []
        for domain in email.domains:
            d = slug(domain)
            mail_from = mail_from_domain(email.mail_from_subdomain, region, domain)
            if own_identities:
                identity = aws.sesv2.EmailIdentity(
                    f"{name}-{d}",
                    email_identity=domain,
                    region=region,
                    configuration_set_name=default_set,
                    dkim_signing_attributes=aws.sesv2.EmailIdentityDkimSigningAttributesArgs(
                        next_signing_key_length="RSA_2048_BIT"
                    ),
                    tags=tags,
                    opts=stateful(pair, Stateful.EMAIL_IDENTITY, domain, self),
                )
                record_names: list[pulumi.Output[str]] = []
                tokens = identity.dkim_signing_attributes.apply(lambda a: (a.tokens if a else None) or [])
                for i in range(DKIM_RECORDS):
                    token = tokens.apply(lambda t, i=i: t[i] if len(t) > i else "")
                    record = aws.route53.Record(
                        f"{name}-{d}-dkim-{i}",
                        zone_id=zone_id,
                        name=token.apply(lambda t, domain=domain: f"{t}._domainkey.{domain}"),
                        type="CNAME",
                        ttl=DNS_TTL,
                        records=[token.apply(lambda t: f"{t}.{dkim_signing_domain(region)}")],
                        opts=child,
                    )
                    record_names.append(record.name)
                owned.append(aws.sesv2.EmailIdentityMailFromAttributes(
                    f"{name}-{d}-mail-from",
                    email_identity=identity.email_identity,
                    mail_from_domain=mail_from,
                    behavior_on_mx_failure="USE_DEFAULT_VALUE",
                    region=region,
                    opts=child,
                ))  # fmt: skip
                owned.append(identity)
                # Leaves are separate Outputs: in preview the domain, MAIL FROM and mode stay known while the ARN
                # and the DKIM record names (from tokens AWS computes) are unknown.
                domains.append(
                    {
                        "domain": domain,
                        "identityArn": identity.arn,
                        "dkimMode": email.dkim_mode.value,
                        "dkimOrigin": "AWS_SES",  # Easy DKIM with this region's keys (a DEED parent, in deed mode)
                        "dkimTarget": dkim_signing_domain(region),
                        "dkimRecords": record_names,
                        "mailFrom": mail_from,
                        "mailFromMx": mail_from_mx(region),
                        "dmarc": pair.this_role is Role.PRIMARY,
                    }
                )
                if deed:  # the primary: the parent's replica in the secondary region
                    replica, entry = self._replica(name, pair, domain, identity, tags)
                    owned.append(replica)
                    replicas.append(entry)
            # MAIL FROM's DNS is each region's own, whoever owns the identity: the secondary keeps its MX and SPF
            # records with DEED too, so switching the DKIM mode never moves a DNS record between stacks.
            mail_from_records = {"mx": ("MX", f"10 {mail_from_mx(region)}"), "spf": ("TXT", SPF)}
            for role_name, (record_type, value) in mail_from_records.items():
                aws.route53.Record(
                    f"{name}-{d}-mail-from-{role_name}",
                    zone_id=zone_id,
                    name=mail_from,
                    type=record_type,
                    ttl=DNS_TTL,
                    records=[value],
                    opts=child,
                )
            if pair.this_role is Role.PRIMARY:
                aws.route53.Record(
                    f"{name}-{d}-dmarc",
                    zone_id=zone_id,
                    name=f"_dmarc.{domain}",
                    type="TXT",
                    ttl=DNS_TTL,
                    records=[constraints.split_txt(email.dmarc_policy)],  # > 255 characters: several strings
                    opts=child,
                )

        endpoint = None
        if email.multi_region_endpoint and pair.this_role is Role.PRIMARY:
            endpoint = self._global_endpoint(name, pair, tags, owned)

        self.topic_arns = [topic.arn for _, topic, _ in config_sets]
        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "region": region,
                "domains": domains,
                "configurationSets": [
                    {"name": cs.configuration_set_name, "destination": kind, "events": events}
                    for cs, _, (kind, events) in config_sets
                ],
                "replicas": replicas or None,
                "multiRegionEndpoint": endpoint,
                **self.messaging_manifest,
            }
        )
        self.register_outputs({"manifest": self.manifest})

    def _replica(
        self, name: str, pair: Pair, domain: str, parent: aws.sesv2.EmailIdentity, tags: dict[str, str]
    ) -> tuple[DeedEmailIdentity, dict[str, Any]]:
        """The DEED replica of `parent` in the secondary region, and its MAIL FROM there (primary stack).

        It depends on the parent: created after it, deleted before it (SES refuses to delete a parent with
        replicas). Its default configuration set is the secondary's set of the same name, which exists because the
        secondary is deployed first.
        """
        email = pair.shared.email
        assert email is not None
        region = pair.secondary.region
        d = slug(domain)
        replica = DeedEmailIdentity(
            f"{name}-{d}-replica",
            DeedEmailIdentityArgs(
                email_identity=domain,
                region=region,
                parent_region=pair.primary.region,
                configuration_set_name=(
                    pair.physical_name(email.configuration_sets[0].name) if email.configuration_sets else None
                ),
                tags=tags,
            ),
            opts=stateful(pair, Stateful.EMAIL_IDENTITY, f"{domain}@{region}", self, depends_on=[parent]),
        )
        mail_from = mail_from_domain(email.mail_from_subdomain, region, domain)
        aws.sesv2.EmailIdentityMailFromAttributes(
            f"{name}-{d}-replica-mail-from",
            email_identity=replica.email_identity,
            mail_from_domain=mail_from,
            behavior_on_mx_failure="USE_DEFAULT_VALUE",
            region=region,
            opts=pulumi.ResourceOptions(parent=self),
        )
        entry = {
            "domain": domain,
            "region": region,
            "identityArn": replica.arn,
            "dkimMode": DkimMode.DEED.value,
            "dkimOrigin": deed_origin(pair.primary.region),
            "parentRegion": pair.primary.region,
            "dkimRecords": [],  # the parent's CNAMEs serve the replica
            "mailFrom": mail_from,
            "mailFromMx": mail_from_mx(region),
            "configurationSet": replica.configuration_set_name,
        }
        return replica, entry

    def _global_endpoint(
        self, name: str, pair: Pair, tags: dict[str, str], identities: list[pulumi.Resource]
    ) -> dict[str, Any]:
        """The SES multi-region endpoint (Global endpoints), in the primary region, routing to the secondary.

        Owned by the primary: SES creates and manages an endpoint in the region it is created in and routes to
        exactly one other region (CreateMultiRegionEndpoint: "The primary region is the region where the resource
        has been created and where it can be managed"), and it needs the identities of both regions, which the
        primary owns (parents and replicas). Sending is SES's data plane: it goes on through the endpoint, shifted
        away from an impaired region, even while the region that manages it is down.
        """
        endpoint = aws.sesv2.MultiRegionEndpoint(
            f"{name}-global-endpoint",
            endpoint_name=global_endpoint_name(pair),
            region=pair.primary.region,
            details=aws.sesv2.MultiRegionEndpointDetailsArgs(
                routes_details=aws.sesv2.MultiRegionEndpointDetailsRoutesDetailsArgs(region=pair.secondary.region)
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=identities),
        )
        return {
            "name": endpoint.endpoint_name,
            "endpointId": endpoint.endpoint_id,
            "region": pair.primary.region,
            "regions": [pair.primary.region, pair.secondary.region],
        }

    def _configuration_sets(
        self, name: str, pair: Pair, tags: dict[str, str], peer: Peer | None = None
    ) -> list[tuple[aws.sesv2.ConfigurationSet, aws.sns.Topic, tuple[str, list[str]]]]:
        """One configuration set per declared name, same name in both regions, events to an SNS topic here.

        A set with `sendingPool` sends through that dedicated IP pool of this region (components/dedicated_ips.py);
        a set with `destination: firehose` also archives its events through a Firehose stream into the replicated
        events bucket (components/event_archive.py). Sets `messaging_manifest` (`dedicatedIps`, `eventArchive`).
        """
        email = pair.shared.email
        assert email is not None
        region = pair.this.region
        child = pulumi.ResourceOptions(parent=self)
        pools = DedicatedIps(f"{name}-dedicated-ips", DedicatedIpsArgs(pair=pair), child) if (
            email.dedicated_ip_pools) else None  # fmt: skip
        self.messaging_manifest: dict[str, Any] = {}
        if pools is not None:
            self.messaging_manifest["dedicatedIps"] = {
                "pools": pools.manifest,
                "sendingPools": {pair.physical_name(cs.name): dedicated_pool_name(pair, cs.sending_pool)
                                 for cs in email.configuration_sets if cs.sending_pool},
            }  # fmt: skip
        created: dict[str, aws.sesv2.ConfigurationSet] = {}
        for cs in email.configuration_sets:
            delivery = None
            if cs.sending_pool is not None and pools is not None:
                delivery = aws.sesv2.ConfigurationSetDeliveryOptionsArgs(
                    sending_pool_name=pools.pool_names[cs.sending_pool]
                )
            created[cs.name] = aws.sesv2.ConfigurationSet(
                f"{name}-set-{cs.name}",
                configuration_set_name=pair.physical_name(cs.name),
                region=region,
                reputation_options=aws.sesv2.ConfigurationSetReputationOptionsArgs(reputation_metrics_enabled=True),
                sending_options=aws.sesv2.ConfigurationSetSendingOptionsArgs(sending_enabled=True),
                delivery_options=delivery,
                tags=tags,
                opts=child,
            )
        archived = {cs.name: created[cs.name].arn for cs in archived_sets(pair)}
        archive = None
        if archived:
            archive = EventArchive(
                f"{name}-event-archive", EventArchiveArgs(pair=pair, configuration_sets=archived, peer=peer), child
            )
            self.messaging_manifest["eventArchive"] = archive.manifest
        out = []
        for cs in email.configuration_sets:
            config_set = created[cs.name]
            topic = aws.sns.Topic(
                f"{name}-set-{cs.name}-events",
                name=pair.physical_name(f"ses-{cs.name}-events", limit=constraints.SNS_TOPIC_MAX),
                region=region,
                tags=tags,
                opts=child,
            )
            aws.sns.TopicPolicy(
                f"{name}-set-{cs.name}-events-policy",
                arn=topic.arn,
                region=region,
                policy=pulumi.Output.json_dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": "SesPublishesThisConfigurationSetsEvents",
                                "Effect": "Allow",
                                "Principal": {"Service": "ses.amazonaws.com"},
                                "Action": "sns:Publish",
                                "Resource": topic.arn,
                                "Condition": {"StringEquals": {"AWS:SourceArn": config_set.arn}},
                            }
                        ],
                    }
                ),
                opts=child,
            )
            # Two destinations per set: SNS for the events themselves, CloudWatch for the per-set metrics that
            # alarms split by `ses:configuration-set` watch (SES publishes those only through such a destination);
            # a third, Firehose, for a set whose events are archived (opens, clicks, bounces kept in both regions).
            sns = aws.sesv2.ConfigurationSetEventDestinationEventDestinationSnsDestinationArgs(topic_arn=topic.arn)
            targets: dict[str, tuple[str, dict[str, Any], list[pulumi.Resource]]] = {
                "destination": ("events", {"sns_destination": sns}, []),
                "metrics": ("metrics", {"cloud_watch_destination": metrics_destination(pair.physical_name(cs.name))},
                            []),
            }  # fmt: skip
            if archive is not None and cs.name in archive.destinations:
                targets["archive"] = ("archive", {"kinesis_firehose_destination": archive.destinations[cs.name]},
                                      archive.ready)  # fmt: skip
            for role, (destination_name, target, ready) in targets.items():
                aws.sesv2.ConfigurationSetEventDestination(
                    f"{name}-set-{cs.name}-{role}",
                    configuration_set_name=config_set.configuration_set_name,
                    event_destination_name=destination_name,
                    region=region,
                    event_destination=aws.sesv2.ConfigurationSetEventDestinationEventDestinationArgs(
                        enabled=True, matching_event_types=list(cs.events), **target
                    ),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=ready) if ready else child,
                )
            out.append((config_set, topic, (cs.destination.value, list(cs.events))))
        return out


def metrics_destination(
    configuration_set_name: str,
) -> aws.sesv2.ConfigurationSetEventDestinationEventDestinationCloudWatchDestinationArgs:
    """CloudWatch destination publishing SES metrics with the `ses:configuration-set` dimension.

    The value comes from SES's auto-tag (MESSAGE_TAG source); the default value, used when a message carries no
    such tag, is the set's own name, so every event of this set lands under its name.
    """
    return aws.sesv2.ConfigurationSetEventDestinationEventDestinationCloudWatchDestinationArgs(
        dimension_configurations=[
            aws.sesv2.ConfigurationSetEventDestinationEventDestinationCloudWatchDestinationDimensionConfigurationArgs(
                dimension_name=CONFIGURATION_SET_DIMENSION,
                dimension_value_source="MESSAGE_TAG",
                default_dimension_value=configuration_set_name,
            )
        ]
    )
