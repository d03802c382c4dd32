"""Which input changes make `pulumi up` replace a resource, per resource type the pair registers, with sources.

Why a table: a second `pulumi up` that changes a deployed pair is where damage happens. pulumi-aws is a bridge of
the Terraform AWS provider, so an input marked `ForceNew: true` (SDKv2 schema) or `RequiresReplace()` (plugin
framework plan modifier) in the provider's `internal/service/<svc>/<resource>.go` makes the engine replace the
resource; pulumi-aws v7 adds `region` to every regional resource, and changing it replaces too. Pulumi replaces
create-before-delete unless the resource sets `deleteBeforeReplace`: a resource whose physical name is fixed by
an input (a bucket's name, a table's name, an alarm's name) would then be created while the old one still holds
the name, and AWS refuses it ("already exists"). `regionpair/redeploy.py` reads this table to compute what a
second deploy would do and what AWS would refuse; docs/day-2.md lists it.

Input names are camelCase, as the engine sees them (`Recorded.inputs`); a dotted name is a nested input
(`localSecondaryIndexes` covers every field inside it).
"""

from __future__ import annotations

from dataclasses import dataclass

from regionpair.components import constraints as c

TF = "terraform-provider-aws internal/service/{path}"
"""Source format: the provider file whose schema marks the inputs ForceNew / RequiresReplace."""
REGION_SOURCE = "pulumi-aws v7 upgrade guide: the per-resource `region` input; changing it replaces the resource"


@dataclass(frozen=True)
class Replacement:
    """What replaces one resource type, whether its physical name is fixed, and what protects it from deletion."""

    token: str
    replace_on: tuple[str, ...]
    """Inputs whose change replaces the resource (besides `region` for regional types)."""
    source: str
    name_inputs: tuple[str, ...] = ()
    """Inputs that together are the physical identity AWS keeps unique; empty when AWS assigns the id."""
    regional: bool = True
    deletion_protection: str | None = None
    """The input that makes AWS refuse a delete while it is true (then a replacement or delete fails)."""
    note: str = ""

    @property
    def fixed_name(self) -> bool:
        """Whether the program names the resource: create-before-delete of a replacement would collide."""
        return bool(self.name_inputs)


PHONE_NUMBER_REPLACING = ("isoCountryCode", "messageType", "numberCapabilities", "numberType")
"""A requested number's inputs that replace it: a new paid, registration-gated number (phone_number.go)."""

_R = Replacement
TABLE: tuple[Replacement, ...] = (
    # ------------------------------------------------------------------ storage
    _R(c.BUCKET, ("bucket", "bucketPrefix", "objectLockEnabled"), TF.format(path="s3/bucket.go (ForceNew)"),
       name_inputs=("bucket",), note="bucket names are global: the old name is unavailable until deleted"),
    _R(c.VERSIONING, ("bucket", "expectedBucketOwner"), TF.format(path="s3/bucket_versioning.go (ForceNew)"),
       name_inputs=("bucket",), note="one versioning configuration per bucket"),
    _R(c.SSE, ("bucket", "expectedBucketOwner"),
       TF.format(path="s3/bucket_server_side_encryption_configuration.go (ForceNew)"), name_inputs=("bucket",)),
    _R("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", ("bucket",),
       TF.format(path="s3/bucket_public_access_block.go (ForceNew)"), name_inputs=("bucket",)),
    _R("aws:s3/bucketPolicy:BucketPolicy", ("bucket",), TF.format(path="s3/bucket_policy.go (ForceNew)"),
       name_inputs=("bucket",)),
    _R(c.REPLICATION, ("bucket",), TF.format(path="s3/bucket_replication_configuration.go (ForceNew)"),
       name_inputs=("bucket",), note="one replication configuration per bucket: a second Put overwrites the first"),
    _R(c.TABLE, ("name", "hashKey", "rangeKey", "localSecondaryIndexes", "restoreSourceName",
                 "restoreToLatestTime", "restoreDateTime"),
       TF.format(path="dynamodb/table.go (ForceNew)"), name_inputs=("name",),
       deletion_protection="deletionProtectionEnabled"),
    _R("aws:dynamodb/tableItem:TableItem", ("tableName", "hashKey", "rangeKey"),
       TF.format(path="dynamodb/table_item.go (ForceNew; a change of the item's key attributes also replaces)"),
       name_inputs=("tableName", "hashKey", "rangeKey", "item")),
    # ------------------------------------------------------------------ email
    _R(c.IDENTITY, ("emailIdentity",), TF.format(path="sesv2/email_identity.go (ForceNew)"),
       name_inputs=("emailIdentity",), note="a replaced identity must be verified again (new DKIM tokens)"),
    _R(c.MAIL_FROM, ("emailIdentity",), TF.format(path="sesv2/email_identity_mail_from_attributes.go (ForceNew)"),
       name_inputs=("emailIdentity",)),
    _R(c.CONFIG_SET, ("configurationSetName",), TF.format(path="sesv2/configuration_set.go (ForceNew)"),
       name_inputs=("configurationSetName",)),
    _R(c.EVENT_DEST, ("configurationSetName", "eventDestinationName"),
       TF.format(path="sesv2/configuration_set_event_destination.go (ForceNew)"),
       name_inputs=("configurationSetName", "eventDestinationName")),
    _R(c.MRE, ("endpointName", "details"), TF.format(path="sesv2/multi_region_endpoint.go (RequiresReplace)"),
       name_inputs=("endpointName",)),
    _R("aws:sesv2/dedicatedIpPool:DedicatedIpPool", ("poolName", "scalingMode"),
       TF.format(path="sesv2/dedicated_ip_pool.go (ForceNew)"), name_inputs=("poolName",)),
    _R("aws:sesv2/dedicatedIpAssignment:DedicatedIpAssignment", ("ip", "destinationPoolName"),
       TF.format(path="sesv2/dedicated_ip_assignment.go (ForceNew)"), name_inputs=("ip",)),
    _R(c.DYNAMIC, ("emailIdentity", "region", "signingAttributesOrigin"),
       "components/deed_identity.py DeedIdentityProvider.diff (delete-before-replace when the name stays)",
       name_inputs=("emailIdentity",), note="the DEED replica identity (dynamic provider)"),
    # ------------------------------------------------------------------ SMS
    _R(c.PHONE_NUMBER, PHONE_NUMBER_REPLACING,
       TF.format(path="pinpointsmsvoicev2/phone_number.go (RequiresReplace)"),
       deletion_protection="deletionProtectionEnabled",
       note="a replacement requests a new paid number, registration-gated in the US (days to weeks)"),
    _R(c.POOL, ("isoCountryCode", "messageType"), TF.format(path="pinpointsmsvoicev2/pool.go (RequiresReplace)"),
       deletion_protection="deletionProtectionEnabled",
       note="origination_identities: at least one (SizeAtLeast(1)); a pool cannot lose its last identity"),
    _R(c.SENDER_ID, ("senderId", "isoCountryCode", "messageTypes"),
       TF.format(path="pinpointsmsvoicev2/sender_id.go (RequiresReplace)"),
       name_inputs=("senderId", "isoCountryCode"), deletion_protection="deletionProtectionEnabled"),
    _R(c.OPT_OUT_LIST, ("name",), TF.format(path="pinpointsmsvoicev2/opt_out_list.go (RequiresReplace)"),
       name_inputs=("name",), note="a replaced list starts empty: the opt-outs it held are lost"),
    # ------------------------------------------------------------------ routing and signals
    _R(c.RECORD, ("name", "zoneId"), TF.format(path="route53/record.go (ForceNew)"),
       name_inputs=("zoneId", "name", "type", "setIdentifier"), regional=False,
       note="type, set identifier and routing policy change in place (one DELETE+CREATE change batch)"),
    _R(c.HEALTH_CHECK, ("type", "referenceName", "requestInterval", "measureLatency", "routingControlArn"),
       TF.format(path="route53/health_check.go (ForceNew)"), regional=False,
       note="the caller reference gets a unique suffix: no name collision; records using the old id are updated"),
    _R(c.ALARM, ("name",), TF.format(path="cloudwatch/metric_alarm.go (alarm_name ForceNew)"),
       name_inputs=("name",), note="Create refuses an alarm name that exists (\"already exists\")"),
    _R(c.COMPOSITE, ("alarmName",), TF.format(path="cloudwatch/composite_alarm.go (ForceNew)"),
       name_inputs=("alarmName",)),
    _R(c.DASHBOARD, ("dashboardName",), TF.format(path="cloudwatch/dashboard.go (dashboard_name ForceNew)"),
       name_inputs=("dashboardName",),
       note="PutDashboard overwrites a dashboard of the same name instead of refusing it"),
    _R(c.TOPIC, ("name", "namePrefix", "fifoTopic"), TF.format(path="sns/topic.go (ForceNew)"),
       name_inputs=("name",)),
    _R("aws:sns/topicPolicy:TopicPolicy", ("arn",), TF.format(path="sns/topic_policy.go (ForceNew)"),
       name_inputs=("arn",)),
    _R(c.SUBSCRIPTION, ("topic", "protocol", "endpoint"), TF.format(path="sns/topic_subscription.go (ForceNew)")),
    _R("aws:arcregionswitch/plan:Plan", ("name", "regions", "recoveryApproach"),
       TF.format(path="arcregionswitch/plan.go (RequiresReplace)"), name_inputs=("name",)),
    # ------------------------------------------------------------------ API and compute
    _R(c.ROLE, ("name", "namePrefix", "path"), TF.format(path="iam/role.go (ForceNew)"), name_inputs=("name",),
       regional=False),
    _R(c.ROLE_POLICY, ("name", "namePrefix", "role"), TF.format(path="iam/role_policy.go (ForceNew)"),
       name_inputs=("role", "name"), regional=False),
    _R(c.FUNCTION, ("name", "packageType"), TF.format(path="lambda/function.go (function_name ForceNew)"),
       name_inputs=("name",)),
    _R("aws:lambda/permission:Permission", ("action", "function", "principal", "sourceArn", "statementId",
                                            "sourceAccount", "qualifier"),
       TF.format(path="lambda/permission.go (ForceNew)"), name_inputs=("function", "statementId")),
    _R(c.LOG_GROUP, ("name", "namePrefix", "logGroupClass"), TF.format(path="logs/group.go (ForceNew)"),
       name_inputs=("name",)),
    _R(c.REST_API, (), TF.format(path="apigateway/rest_api.go (name and body update in place)")),
    _R("aws:apigateway/resource:Resource", ("restApi",), TF.format(path="apigateway/resource.go (ForceNew)")),
    _R("aws:apigateway/method:Method", ("restApi", "resourceId", "httpMethod"),
       TF.format(path="apigateway/method.go (ForceNew)"), name_inputs=("restApi", "resourceId", "httpMethod")),
    _R(c.INTEGRATION, ("restApi", "resourceId", "httpMethod"),
       TF.format(path="apigateway/integration.go (ForceNew)"), name_inputs=("restApi", "resourceId", "httpMethod")),
    _R("aws:apigateway/deployment:Deployment", ("restApi", "triggers"),
       TF.format(path="apigateway/deployment.go (ForceNew)")),
    _R(c.STAGE, ("restApi", "stageName"), TF.format(path="apigateway/stage.go (ForceNew)"),
       name_inputs=("restApi", "stageName")),
    _R(c.DOMAIN, ("domainName",), TF.format(path="apigateway/domain_name.go (ForceNew)"),
       name_inputs=("domainName",), note="a custom domain name exists once per account and region"),
    _R("aws:apigateway/basePathMapping:BasePathMapping", ("domainName",),
       TF.format(path="apigateway/base_path_mapping.go (ForceNew)"), name_inputs=("domainName", "basePath")),
    _R("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", ("name", "destination"),
       TF.format(path="firehose/delivery_stream.go (ForceNew)"), name_inputs=("name",)),
    # ------------------------------------------------------------------ CDN (global)
    _R(c.DISTRIBUTION, (), TF.format(path="cloudfront/distribution.go (updates in place)"), regional=False),
    _R(c.OAC, (), TF.format(path="cloudfront/origin_access_control.go (updates in place)"), regional=False),
    _R(c.CACHE_POLICY, (), TF.format(path="cloudfront/cache_policy.go (updates in place)"), regional=False),
)

BY_TOKEN: dict[str, Replacement] = {r.token: r for r in TABLE}
RECORD_GUARD = _R(c.DYNAMIC, (), "components/record_guard.py RecordSetGuardProvider.diff (never replaces)",
                  regional=False, note="the record-set guard owns nothing in AWS")
DYNAMIC_KINDS: dict[str, Replacement] = {c.DEED_KIND: BY_TOKEN[c.DYNAMIC], "route53:RecordSetGuard": RECORD_GUARD}
"""Every dynamic resource registers as `pulumi-python:dynamic:Resource`: its `kind` input picks the row."""


def rule(token: str, inputs: dict[str, object] | None = None) -> Replacement | None:
    """The replacement row of a type token (None for component resources and types we do not register)."""
    if token == c.DYNAMIC and inputs is not None:
        return DYNAMIC_KINDS.get(str(inputs.get("kind")))
    return BY_TOKEN.get(token)


def replacing_inputs(token: str, inputs: dict[str, object] | None = None) -> tuple[str, ...]:
    """Inputs whose change replaces a `token` resource, `region` included for regional ones."""
    row = rule(token, inputs)
    if row is None:
        return ()
    regional = row.regional and (inputs is None or "region" in inputs)
    return (*row.replace_on, *(("region",) if regional and "region" not in row.replace_on else ()))
