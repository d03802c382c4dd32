"""What AWS and pulumi-aws 7.51.1 refuse, for the resource types this program registers: one table, with sources.

Each row names a type token, an input property (camelCase, as the engine sees it; `a.b[].c` walks lists), a
rule and where the rule comes from (the Terraform AWS provider validator pulumi-aws wraps, an SDK docstring of
the installed pulumi_aws, a botocore service model, or an AWS documentation page). The mock cloud
(`regionpair/mockcloud.py`) checks every registration against this table and refuses it, so a program test
fails where `pulumi up` would; `components/naming.py` takes its name limits from here, so the names we build
and the limits we check cannot disagree. docs/constraints.md lists the table.

A rule reads only values the program gives: unknowns (preview) and absent optional properties are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's wire sentinel for an unknown string (pulumi/runtime/rpc.py UNKNOWN)."""

# ----------------------------------------------------------------------------------------------- sources
BOTO = "botocore {svc} service-2.json shape {shape}"
SDK = "pulumi_aws 7.51.1 SDK docstring {path}"
TF = "terraform-provider-aws {path}"
S3_NAMING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
LAMBDA_NAME = "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName"
SES_SET_NAME = "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSet.html"
SES_CW_DEST = "https://docs.aws.amazon.com/ses/latest/dg/event-publishing-add-event-destination-cloudwatch.html"
SMS_WAIT = SDK.format(path="pinpoint/smsvoicev2_phone_number.py wait_for_active")
SMS_POOL = TF.format(path="internal/service/pinpointsmsvoicev2/pool.go (origination identities must be ACTIVE, "
                     "same country and message type as the pool)")  # fmt: skip
APIGW_STAGE = "https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html"
LAMBDA_RUNTIMES_SOURCE = ("pulumi_aws 7.51.1 lambda_.Runtime (values not marked deprecated) less those the AWS Lambda "
                          "Developer Guide, Lambda runtimes, deprecates by 2026")  # fmt: skip
LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
LAMBDA_RUNTIMES = (
    "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
    "nodejs20.x", "nodejs22.x", "nodejs24.x",
    "ruby3.2", "ruby3.3", "ruby3.4",
    "java8.al2", "java11", "java17", "java21", "java25",
    "dotnet8", "dotnet10",
    "provided.al2", "provided.al2023",
)  # fmt: skip
"""Runtimes a new function may use (LAMBDA_RUNTIMES_SOURCE); botocore's model already lists newer ones (nodejs26.x,
python3.15, ruby4.0, java*.al2023) that pulumi-aws 7.51.1 does not: add them with the pulumi-aws upgrade."""

# Tokens (pulumi-aws v7).
BUCKET = "aws:s3/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
FUNCTION = "aws:lambda/function:Function"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
RECORD = "aws:route53/record:Record"
CONFIG_SET = "aws:sesv2/configurationSet:ConfigurationSet"
EVENT_DEST = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
MRE = "aws:sesv2/multiRegionEndpoint:MultiRegionEndpoint"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TABLE = "aws:dynamodb/table:Table"
REST_API = "aws:apigateway/restApi:RestApi"
STAGE = "aws:apigateway/stage:Stage"
INTEGRATION = "aws:apigateway/integration:Integration"
DOMAIN = "aws:apigateway/domainName:DomainName"
OAC = "aws:cloudfront/originAccessControl:OriginAccessControl"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
OPT_OUT_LIST = "aws:pinpoint/smsvoicev2OptOutList:Smsvoicev2OptOutList"
PHONE_NUMBER = "aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber"
POOL = "aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool"
SENDER_ID = "aws:pinpoint/smsvoicev2SenderId:Smsvoicev2SenderId"
DYNAMIC = "pulumi-python:dynamic:Resource"
"""Every Pulumi dynamic resource of a Python program registers with this token; ours carry a `kind` input."""
DEED_KIND = "sesv2:DeedEmailIdentity"
"""`kind` of the DEED replica identity (components/deed_identity.py), the bridge until pulumi-aws has it."""


# ------------------------------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Rule:
    """One constraint: `check(value)` returns None when the value is accepted, else why it is refused."""

    token: str
    prop: str
    """Input path; `""` for a rule over the whole inputs (a required combination)."""
    what: str
    """The rule in words, as docs/constraints.md shows it."""
    source: str
    check: Callable[[Any], str | None]

    @property
    def id(self) -> str:
        """Stable identifier: `<resource>.<prop>:<what>` (waivers and reports use it)."""
        return f"{self.token.rsplit(':', 1)[-1]}.{self.prop or '*'}:{self.what}"


def length(lo: int, hi: int) -> Callable[[Any], str | None]:
    """Length between lo and hi characters."""
    return lambda v: None if lo <= len(str(v)) <= hi else f"is {len(str(v))} characters; allowed {lo}-{hi}"


def pattern(regex: str) -> Callable[[Any], str | None]:
    """Full match of a regular expression."""
    rx = re.compile(regex)
    return lambda v: None if rx.fullmatch(str(v)) else f"does not match {regex}"


def one_of(*values: Any) -> Callable[[Any], str | None]:
    """One of an enumeration (compared as strings; engine numbers arrive as floats)."""
    allowed = {_s(v) for v in values}
    return lambda v: None if _s(v) in allowed else f"is not one of {', '.join(sorted(allowed))}"


def int_range(lo: int, hi: int) -> Callable[[Any], str | None]:
    """An integer between lo and hi."""
    return lambda v: None if float(v).is_integer() and lo <= float(v) <= hi else f"is not an integer in {lo}-{hi}"


def _s(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
"""Bucket name prefixes S3 reserves (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html)."""
DEED_PARENT_REGIONS = (
    "af-south-1", "eu-north-1", "ap-south-1", "eu-west-3", "eu-west-2", "eu-south-1", "eu-west-1", "ap-northeast-3",
    "ap-northeast-2", "me-south-1", "ap-northeast-1", "il-central-1", "sa-east-1", "ca-central-1", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "eu-central-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "me-central-1", "ap-south-2", "eu-central-2", "ap-southeast-5", "ca-west-1", "us-gov-east-1", "us-gov-west-1",
)  # fmt: skip
"""Regions whose identities can be DEED parents: the `AWS_SES_<REGION>` values of the botocore 1.44.5 sesv2 enum
DkimSigningAttributesOrigin (tests/test_deed_identity.py fails when the pinned botocore disagrees)."""
DEED_SOURCE = BOTO.format(svc="sesv2", shape="DkimSigningAttributes.DomainSigningAttributesOrigin (CreateEmailIdentity "
                          "replicating a parent: every value except AWS_SES and EXTERNAL)")  # fmt: skip


def deed_origin(parent_region: str) -> str:
    """The signing origin of a replica of a parent in `parent_region`: `AWS_SES_US_EAST_1` for us-east-1."""
    return "AWS_SES_" + parent_region.upper().replace("-", "_")


def deed_parent_region(origin: Any) -> str | None:
    """The parent region a signing origin names (`AWS_SES_US_EAST_1` -> us-east-1); None for AWS_SES/EXTERNAL."""
    text = str(origin or "")
    if not text.startswith("AWS_SES_"):
        return None
    return text.removeprefix("AWS_SES_").lower().replace("_", "-")


REGISTRATION_GATED_TYPES = ("TOLL_FREE", "TEN_DLC")
"""Number types AWS keeps PENDING while their registration is reviewed (SMS_WAIT)."""


def registration_gated(number_type: Any, registration_id: Any) -> bool:
    """Whether a requested number stays PENDING for days: a gated type, or any number with a registration."""
    return str(number_type) in REGISTRATION_GATED_TYPES or bool(registration_id)


def _bucket_name(v: Any) -> str | None:
    name = str(v)
    if re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", name):
        return "is formatted as an IP address"
    if ".." in name:
        return "has two adjacent periods"
    for prefix in S3_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"starts with the reserved prefix {prefix}"
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if name.endswith(suffix):
            return f"ends with the reserved suffix {suffix}"
    return None


def _alarm_period(v: Any) -> str | None:
    p = float(v)
    return None if p in (10, 20, 30) or (p >= 60 and p % 60 == 0) else "is not 10, 20, 30 or a multiple of 60"


def _extended_statistic(v: Any) -> str | None:
    return None if re.fullmatch(r"p(\d{1,2}(\.\d{1,2})?|100)", str(v)) else "is not a percentile such as p99"


def _alarm_metric(inputs: dict[str, Any]) -> str | None:
    queries, metric = inputs.get("metricQueries"), inputs.get("metricName")
    if bool(queries) == bool(metric):
        return "needs exactly one of metricName or metricQueries"
    if metric and bool(inputs.get("statistic")) == bool(inputs.get("extendedStatistic")):
        return "needs exactly one of statistic or extendedStatistic with metricName"
    if queries and sum(1 for q in queries if q.get("returnData")) != 1:
        return "metricQueries must return exactly one series (returnData: true on one query)"
    periods, to_alarm = inputs.get("evaluationPeriods"), inputs.get("datapointsToAlarm")
    if periods is not None and to_alarm is not None and float(to_alarm) > float(periods):
        return f"datapointsToAlarm {to_alarm} exceeds evaluationPeriods {periods}"
    return None


def _health_check(inputs: dict[str, Any]) -> str | None:
    if inputs.get("type") == "CLOUDWATCH_METRIC":
        if not (inputs.get("cloudwatchAlarmName") and inputs.get("cloudwatchAlarmRegion")):
            return "a CLOUDWATCH_METRIC check needs cloudwatchAlarmName and cloudwatchAlarmRegion"
    elif inputs.get("type") in ("HTTP", "HTTPS") and not (inputs.get("fqdn") or inputs.get("ipAddress")):
        return "an endpoint check needs fqdn or ipAddress"
    return None


def _record(inputs: dict[str, Any]) -> str | None:
    if inputs.get("aliases") and (inputs.get("ttl") is not None or inputs.get("records")):
        return "an alias record takes no ttl or records"
    if not inputs.get("aliases") and not inputs.get("records"):
        return "needs records or an alias"
    policies = ("failoverRoutingPolicies", "latencyRoutingPolicies", "weightedRoutingPolicies")
    routed = any(inputs.get(k) for k in policies)
    if routed and not inputs.get("setIdentifier"):
        return "a routing policy needs setIdentifier"
    return None


def _one_destination(inputs: dict[str, Any]) -> str | None:
    dest = inputs.get("eventDestination") or {}
    kinds = [k for k in ("cloudWatchDestination", "snsDestination", "kinesisFirehoseDestination",
                         "eventBridgeDestination", "pinpointDestination") if dest.get(k)]  # fmt: skip
    return None if len(kinds) == 1 else f"an event destination has exactly one target, not {kinds or 'none'}"


def _table(inputs: dict[str, Any]) -> str | None:
    names = {a.get("name") for a in inputs.get("attributes") or []}
    for key in ("hashKey", "rangeKey"):
        if inputs.get(key) and inputs[key] not in names:
            return f"{key} {inputs[key]!r} is not declared in attributes"
    streams = inputs.get("streamEnabled") and inputs.get("streamViewType") == "NEW_AND_OLD_IMAGES"
    if inputs.get("replicas") and not streams:
        return "a global table (replicas) needs streamEnabled with NEW_AND_OLD_IMAGES"
    return None


def _replication(inputs: dict[str, Any]) -> str | None:
    for rule in inputs.get("rules") or []:
        dest = rule.get("destination") or {}
        rtc = (dest.get("replicationTime") or {}).get("status") == "Enabled"
        metrics = (dest.get("metrics") or {}).get("status") == "Enabled"
        if rtc and not metrics:
            return f"rule {rule.get('id')}: Replication Time Control needs replication metrics enabled"
        if rule.get("filter") is not None and rule.get("deleteMarkerReplication") is None:
            return f"rule {rule.get('id')}: a V2 rule (filter) needs deleteMarkerReplication"
    return None


def _phone_number_wait(inputs: dict[str, Any]) -> str | None:
    gated = registration_gated(inputs.get("numberType"), inputs.get("registrationId"))
    if gated and inputs.get("waitForActive") is not False:
        return (
            f"a {inputs.get('numberType')} number (or one with registrationId) stays PENDING while its registration "
            "is reviewed: with waitForActive unset the create times out after 30 min and the number is tainted; "
            "set waitForActive: false"
        )
    return None


def _deed_identity(inputs: dict[str, Any]) -> str | None:
    if inputs.get("kind") != DEED_KIND:
        return None
    region, origin = inputs.get("region"), inputs.get("signingAttributesOrigin")
    if not region:
        return "a replica identity names its region explicitly (region)"
    if deed_parent_region(origin) == region:
        return f"a replica in {region} cannot replicate a parent in its own region ({origin})"
    return None


def _endpoint_routes(inputs: dict[str, Any]) -> str | None:
    route = ((inputs.get("details") or {}).get("routesDetails") or {}).get("region")
    if not route:
        return "needs details.routesDetails.region: the one other region the endpoint routes to"
    if inputs.get("region") and route == inputs.get("region"):
        return f"routes to {route}, the region it is created in; the secondary route must be another region"
    return None


def _sender_id(v: Any) -> str | None:
    s = str(v)
    if not re.fullmatch(r"[A-Z0-9-]{3,11}", s):
        return "must be 3-11 characters: upper case letters, digits and dashes"
    if s.isdigit():
        return "cannot be numeric only"
    if s.startswith("-") or s.endswith("-"):
        return "cannot start or end with a dash"
    return None


LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653, 0)  # fmt: skip
SES_EVENTS = ("SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE",
              "DELIVERY_DELAY", "SUBSCRIPTION")  # fmt: skip
CLOUDWATCH_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2", "ap-east-1", "ap-east-2",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "me-south-1", "me-central-1", "il-central-1", "af-south-1", "sa-east-1", "mx-central-1",
)  # fmt: skip

# Name limits, shared with components/naming.py (which builds names that fit them).
S3_BUCKET_MAX = 63
IAM_ROLE_MAX = 64
LAMBDA_NAME_MAX = 64
ALARM_NAME_MAX = 255
REFERENCE_NAME_MAX = 27
SES_SET_MAX = 64
SNS_TOPIC_MAX = 256
DYNAMODB_TABLE_MAX = 255
OAC_NAME_MAX = 64
MRE_NAME_MAX = 64
OPT_OUT_LIST_MAX = 64
LOG_GROUP_MAX = 512

_B = BOTO.format
_T = TF.format
# fmt: off
RULES: tuple[Rule, ...] = (
    # S3
    Rule(BUCKET, "bucket", "length 3-63", SDK.format(path="s3/bucket.py bucket") + "; " + S3_NAMING,
         length(3, S3_BUCKET_MAX)),
    Rule(BUCKET, "bucket", "lower case, digits, dots, dashes; letter/digit at both ends", S3_NAMING,
         pattern(r"[a-z0-9][a-z0-9.-]*[a-z0-9]")),
    Rule(BUCKET, "bucket", "no IP form, no '..', no reserved prefix/suffix", S3_NAMING, _bucket_name),
    Rule(VERSIONING, "versioningConfiguration.status", "enum", _B(svc="s3", shape="BucketVersioningStatus"),
         one_of("Enabled", "Suspended", "Disabled")),
    Rule(SSE, "rules[].applyServerSideEncryptionByDefault.sseAlgorithm", "enum",
         _B(svc="s3", shape="ServerSideEncryption"), one_of("AES256", "aws:kms", "aws:kms:dsse")),
    Rule(REPLICATION, "rules[].id", "length 1-255", _B(svc="s3", shape="ID (ReplicationRule)"), length(1, 255)),
    Rule(REPLICATION, "rules[].status", "enum", _B(svc="s3", shape="ReplicationRuleStatus"),
         one_of("Enabled", "Disabled")),
    Rule(REPLICATION, "rules[].destination.storageClass", "enum", _B(svc="s3", shape="StorageClass"),
         one_of("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
                "DEEP_ARCHIVE", "GLACIER_IR")),
    Rule(REPLICATION, "rules[].destination.replicationTime.time.minutes", "RTC is 15 minutes",
         "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html", one_of(15)),
    Rule(REPLICATION, "rules[].destination.metrics.eventThreshold.minutes", "15 minutes",
         "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTimeValue.html", one_of(15)),
    Rule(REPLICATION, "", "RTC needs metrics; V2 rules need deleteMarkerReplication",
         "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html", _replication),
    # IAM
    Rule(ROLE, "name", "length 1-64", _B(svc="iam", shape="roleNameType"), length(1, IAM_ROLE_MAX)),
    Rule(ROLE, "name", "[\\w+=,.@-]", _B(svc="iam", shape="roleNameType"), pattern(r"[\w+=,.@-]+")),
    Rule(ROLE, "description", "length 0-1000", _B(svc="iam", shape="roleDescriptionType"), length(0, 1000)),
    Rule(ROLE_POLICY, "name", "length 1-128", _B(svc="iam", shape="policyNameType"), length(1, 128)),
    # Lambda
    Rule(FUNCTION, "name", "length 1-64", LAMBDA_NAME, length(1, LAMBDA_NAME_MAX)),
    Rule(FUNCTION, "name", "[a-zA-Z0-9-_]", _B(svc="lambda", shape="FunctionName"), pattern(r"[a-zA-Z0-9_-]+")),
    Rule(FUNCTION, "description", "length 0-256", _B(svc="lambda", shape="Description"), length(0, 256)),
    Rule(FUNCTION, "memorySize", "128-10240 MB", "https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html",
         int_range(128, 10_240)),
    Rule(FUNCTION, "timeout", "1-900 s", "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
         int_range(1, 900)),
    Rule(FUNCTION, "runtime", "a current runtime", LAMBDA_RUNTIMES_SOURCE, one_of(*LAMBDA_RUNTIMES)),
    Rule(FUNCTION, "handler", "1-128 characters, no whitespace", _B(svc="lambda", shape="Handler"),
         pattern(r"[^\s]{1,128}")),
    Rule(FUNCTION, "architectures[]", "enum", _B(svc="lambda", shape="Architecture"), one_of("x86_64", "arm64")),
    Rule(FUNCTION, "reservedConcurrentExecutions", ">= 0 (-1: unreserved)",
         _B(svc="lambda", shape="ReservedConcurrentExecutions"), int_range(-1, 1_000_000)),
    Rule(FUNCTION, "layers[]", "a layer version ARN", _B(svc="lambda", shape="LayerVersionArn"),
         pattern(r"arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:layer:[a-zA-Z0-9_-]+:[0-9]+")),
    Rule(FUNCTION, "", "at most 5 layers", LAMBDA_QUOTAS, lambda i: None if len(i.get("layers") or []) <= 5
         else f"lists {len(i.get('layers') or [])} layers"),
    Rule(FUNCTION, "loggingConfig.logFormat", "enum", _B(svc="lambda", shape="LogFormat"), one_of("JSON", "Text")),
    # CloudWatch Logs
    Rule(LOG_GROUP, "name", "length 1-512", _B(svc="logs", shape="LogGroupName"), length(1, LOG_GROUP_MAX)),
    Rule(LOG_GROUP, "name", "[.-_/#A-Za-z0-9]", _B(svc="logs", shape="LogGroupName"), pattern(r"[.\-_/#A-Za-z0-9]+")),
    Rule(LOG_GROUP, "retentionInDays", "enum", _B(svc="logs", shape="Days"), one_of(*LOG_RETENTION_DAYS)),
    # CloudWatch alarms
    Rule(ALARM, "name", "length 1-255", _B(svc="cloudwatch", shape="AlarmName"), length(1, ALARM_NAME_MAX)),
    Rule(ALARM, "alarmDescription", "length 0-1024", _B(svc="cloudwatch", shape="AlarmDescription"),
         length(0, 1024)),
    Rule(ALARM, "comparisonOperator", "enum", _B(svc="cloudwatch", shape="ComparisonOperator"),
         one_of("GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                "LessThanOrEqualToThreshold", "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold",
                "GreaterThanUpperThreshold")),
    Rule(ALARM, "statistic", "enum", _B(svc="cloudwatch", shape="Statistic"),
         one_of("SampleCount", "Average", "Sum", "Minimum", "Maximum")),
    Rule(ALARM, "extendedStatistic", "percentile", SDK.format(path="cloudwatch/metric_alarm.py extended_statistic"),
         _extended_statistic),
    Rule(ALARM, "treatMissingData", "enum", _T(path="internal/service/cloudwatch/metric_alarm.go treat_missing_data"),
         one_of("missing", "ignore", "breaching", "notBreaching")),
    Rule(ALARM, "period", "10, 20, 30 or a multiple of 60", SDK.format(path="cloudwatch/metric_alarm.py period"),
         _alarm_period),
    Rule(ALARM, "evaluationPeriods", ">= 1", _B(svc="cloudwatch", shape="EvaluationPeriods"), int_range(1, 10_000)),
    Rule(ALARM, "namespace", "length 1-255, not starting with ':'", _B(svc="cloudwatch", shape="Namespace"),
         pattern(r"[^:].{0,254}")),
    Rule(ALARM, "metricQueries[].id", "lower-case first letter, [a-zA-Z0-9_]",
         "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html",
         pattern(r"[a-z][a-zA-Z0-9_]{0,254}")),
    Rule(ALARM, "metricQueries[].metric.period", "10, 20, 30 or a multiple of 60",
         SDK.format(path="cloudwatch/metric_alarm.py metric_query.metric.period"), _alarm_period),
    Rule(ALARM, "", "one metric source; M <= N", SDK.format(path="cloudwatch/metric_alarm.py metric_queries"),
         _alarm_metric),
    Rule(COMPOSITE, "alarmName", "length 1-255", _B(svc="cloudwatch", shape="AlarmName"), length(1, ALARM_NAME_MAX)),
    Rule(COMPOSITE, "alarmRule", "length 1-10240", _B(svc="cloudwatch", shape="AlarmRule"), length(1, 10_240)),
    Rule(COMPOSITE, "alarmDescription", "length 0-1024", _B(svc="cloudwatch", shape="AlarmDescription"),
         length(0, 1024)),
    # Route 53
    Rule(HEALTH_CHECK, "referenceName", "length 0-27",
         _T(path="internal/service/route53/health_check.go reference_name (64 - 26 unique id - 11)"),
         length(0, REFERENCE_NAME_MAX)),
    Rule(HEALTH_CHECK, "type", "enum", _B(svc="route53", shape="HealthCheckType"),
         one_of("HTTP", "HTTPS", "HTTP_STR_MATCH", "HTTPS_STR_MATCH", "TCP", "CALCULATED", "CLOUDWATCH_METRIC",
                "RECOVERY_CONTROL")),
    Rule(HEALTH_CHECK, "insufficientDataHealthStatus", "enum", _B(svc="route53", shape="InsufficientDataHealthStatus"),
         one_of("Healthy", "Unhealthy", "LastKnownStatus")),
    Rule(HEALTH_CHECK, "cloudwatchAlarmRegion", "enum", _B(svc="route53", shape="CloudWatchRegion"),
         one_of(*CLOUDWATCH_REGIONS)),
    Rule(HEALTH_CHECK, "requestInterval", "10 or 30", _T(path="internal/service/route53/health_check.go"),
         one_of(10, 30)),
    Rule(HEALTH_CHECK, "failureThreshold", "1-10", _T(path="internal/service/route53/health_check.go"),
         int_range(1, 10)),
    Rule(HEALTH_CHECK, "fqdn", "length 0-255", _T(path="internal/service/route53/health_check.go"), length(0, 255)),
    Rule(HEALTH_CHECK, "resourcePath", "length 0-255", _T(path="internal/service/route53/health_check.go"),
         length(0, 255)),
    Rule(HEALTH_CHECK, "", "alarm or endpoint per type", _B(svc="route53", shape="HealthCheckConfig"), _health_check),
    Rule(RECORD, "type", "enum", _B(svc="route53", shape="RRType"),
         one_of("SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS")),
    Rule(RECORD, "setIdentifier", "length 1-128", _B(svc="route53", shape="ResourceRecordSetIdentifier"),
         length(1, 128)),
    Rule(RECORD, "", "alias xor records; routing needs setIdentifier", SDK.format(path="route53/record.py"), _record),
    # SES
    Rule(CONFIG_SET, "configurationSetName", "length 1-64, [A-Za-z0-9_-]", SES_SET_NAME,
         pattern(r"[A-Za-z0-9_-]{1,64}")),
    Rule(EVENT_DEST, "eventDestinationName", "length 1-64, [A-Za-z0-9_-]",
         "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSetEventDestination.html",
         pattern(r"[A-Za-z0-9_-]{1,64}")),
    Rule(EVENT_DEST, "eventDestination.matchingEventTypes[]", "enum", _B(svc="sesv2", shape="EventType"),
         one_of(*SES_EVENTS)),
    # Auto-tag names (ses:configuration-set, ses:from-domain, ...) are accepted as dimension names besides the
    # letters/digits/_/- of the API reference: the SES guide lists them as dimensions (SES_CW_DEST).
    Rule(EVENT_DEST, "eventDestination.cloudWatchDestination.dimensionConfigurations[].dimensionName",
         "[A-Za-z0-9_-] up to 255, or an ses: auto-tag", _B(svc="sesv2", shape="DimensionName") + "; " + SES_CW_DEST,
         pattern(r"ses:[a-z-]+|[A-Za-z0-9_-]{1,255}")),
    Rule(EVENT_DEST, "eventDestination.cloudWatchDestination.dimensionConfigurations[].defaultDimensionValue",
         "[A-Za-z0-9_-] up to 255", _B(svc="sesv2", shape="DefaultDimensionValue"), pattern(r"[A-Za-z0-9_-]{1,255}")),
    Rule(EVENT_DEST, "eventDestination.cloudWatchDestination.dimensionConfigurations[].dimensionValueSource", "enum",
         _B(svc="sesv2", shape="DimensionValueSource"), one_of("MESSAGE_TAG", "EMAIL_HEADER", "LINK_TAG")),
    Rule(EVENT_DEST, "", "exactly one destination", _B(svc="sesv2", shape="EventDestinationDefinition"),
         _one_destination),
    Rule(IDENTITY, "dkimSigningAttributes.nextSigningKeyLength", "enum", _B(svc="sesv2", shape="DkimSigningKeyLength"),
         one_of("RSA_1024_BIT", "RSA_2048_BIT")),
    Rule(MAIL_FROM, "behaviorOnMxFailure", "enum", _B(svc="sesv2", shape="BehaviorOnMxFailure"),
         one_of("USE_DEFAULT_VALUE", "REJECT_MESSAGE")),
    Rule(MRE, "endpointName", "length 1-64, [\\w-]", _B(svc="sesv2", shape="EndpointName"),
         pattern(r"[\w-]{1,64}")),
    Rule(MRE, "", "exactly one secondary route, another region",
         _B(svc="sesv2", shape="RoutesDetails (\"Must contain exactly one route configuration\")") + "; "
         "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateMultiRegionEndpoint.html", _endpoint_routes),
    # The DEED replica identity (a dynamic resource: components/deed_identity.py), CreateEmailIdentity's shapes.
    # Every dynamic resource shares the token; these property names are the replica's (its `kind` is DEED_KIND).
    Rule(DYNAMIC, "emailIdentity", "length >= 1", _B(svc="sesv2", shape="Identity"),
         lambda v: None if str(v) else "is empty"),
    Rule(DYNAMIC, "signingAttributesOrigin", "AWS_SES_<PARENT REGION> (DEED)", DEED_SOURCE,
         one_of(*(deed_origin(r) for r in DEED_PARENT_REGIONS))),
    Rule(DYNAMIC, "configurationSetName", "length 1-64, [A-Za-z0-9_-]", SES_SET_NAME, pattern(r"[A-Za-z0-9_-]{1,64}")),
    Rule(DYNAMIC, "", "replica region explicit, parent in another region",
         _B(svc="sesv2", shape="VerificationError REPLICATION_PRIMARY_INVALID_REGION"), _deed_identity),
    # SNS
    Rule(TOPIC, "name", "length 1-256, [A-Za-z0-9_-]", _B(svc="sns", shape="CreateTopicInput.Name"),
         pattern(r"[A-Za-z0-9_-]{1,256}(\.fifo)?")),
    Rule(SUBSCRIPTION, "protocol", "enum", SDK.format(path="sns/topic_subscription.py protocol"),
         one_of("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")),
    # DynamoDB
    Rule(TABLE, "name", "length 3-255, [a-zA-Z0-9_.-]", _B(svc="dynamodb", shape="TableName"),
         pattern(r"[a-zA-Z0-9_.-]{3,255}")),
    Rule(TABLE, "billingMode", "enum", _B(svc="dynamodb", shape="BillingMode"),
         one_of("PROVISIONED", "PAY_PER_REQUEST")),
    Rule(TABLE, "streamViewType", "enum", _B(svc="dynamodb", shape="StreamViewType"),
         one_of("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")),
    Rule(TABLE, "attributes[].type", "enum", _B(svc="dynamodb", shape="ScalarAttributeType"), one_of("S", "N", "B")),
    Rule(TABLE, "", "keys declared; replicas need NEW_AND_OLD_IMAGES streams",
         "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_reqs_bestpractices.html",
         _table),
    # API Gateway (a REST API's name has no documented length limit: not constrained here)
    Rule(REST_API, "endpointConfiguration.types", "enum", _B(svc="apigateway", shape="EndpointType"),
         one_of("REGIONAL", "EDGE", "PRIVATE")),
    Rule(STAGE, "stageName", "length 1-128, [A-Za-z0-9_-]", APIGW_STAGE, pattern(r"[A-Za-z0-9_-]{1,128}")),
    Rule(INTEGRATION, "type", "enum", _B(svc="apigateway", shape="IntegrationType"),
         one_of("HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY")),
    Rule(DOMAIN, "securityPolicy", "enum", _B(svc="apigateway", shape="SecurityPolicy"),
         one_of("TLS_1_0", "TLS_1_2")),
    Rule(DOMAIN, "endpointConfiguration.types", "enum", _B(svc="apigateway", shape="EndpointType"),
         one_of("REGIONAL", "EDGE", "PRIVATE")),
    # CloudFront
    Rule(OAC, "name", "length 1-64", _B(svc="cloudfront", shape="OriginAccessControlConfig.Name"),
         length(1, OAC_NAME_MAX)),
    Rule(OAC, "originAccessControlOriginType", "enum", _B(svc="cloudfront", shape="OriginAccessControlOriginTypes"),
         one_of("s3", "mediastore", "mediapackagev2", "lambda")),
    Rule(OAC, "signingBehavior", "enum", _B(svc="cloudfront", shape="OriginAccessControlSigningBehaviors"),
         one_of("never", "always", "no-override")),
    Rule(OAC, "signingProtocol", "enum", _B(svc="cloudfront", shape="OriginAccessControlSigningProtocols"),
         one_of("sigv4", "sigv4a")),
    Rule(CACHE_POLICY, "name", "length 1-128",
         "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html", length(1, 128)),
    Rule(DISTRIBUTION, "priceClass", "enum", _B(svc="cloudfront", shape="PriceClass"),
         one_of("PriceClass_100", "PriceClass_200", "PriceClass_All")),
    Rule(DISTRIBUTION, "httpVersion", "enum", _B(svc="cloudfront", shape="HttpVersion"),
         one_of("http1.1", "http2", "http3", "http2and3")),
    Rule(DISTRIBUTION, "defaultCacheBehavior.viewerProtocolPolicy", "enum",
         _B(svc="cloudfront", shape="ViewerProtocolPolicy"), one_of("allow-all", "https-only", "redirect-to-https")),
    Rule(DISTRIBUTION, "orderedCacheBehaviors[].viewerProtocolPolicy", "enum",
         _B(svc="cloudfront", shape="ViewerProtocolPolicy"), one_of("allow-all", "https-only", "redirect-to-https")),
    Rule(DISTRIBUTION, "originGroups[].failoverCriteria.statusCodes[]", "failover codes",
         "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html",
         one_of(400, 403, 404, 416, 500, 502, 503, 504)),
    # End User Messaging SMS
    Rule(OPT_OUT_LIST, "name", "length 1-64, [A-Za-z0-9_-]", _B(svc="pinpoint-sms-voice-v2", shape="OptOutListName"),
         pattern(r"[A-Za-z0-9_-]{1,64}")),
    Rule(PHONE_NUMBER, "isoCountryCode", "[A-Z]{2}", _B(svc="pinpoint-sms-voice-v2", shape="IsoCountryCode"),
         pattern(r"[A-Z]{2}")),
    Rule(PHONE_NUMBER, "messageType", "enum", _B(svc="pinpoint-sms-voice-v2", shape="MessageType"),
         one_of("TRANSACTIONAL", "PROMOTIONAL")),
    Rule(PHONE_NUMBER, "numberType", "enum", _B(svc="pinpoint-sms-voice-v2", shape="RequestableNumberType"),
         one_of("LONG_CODE", "TOLL_FREE", "TEN_DLC", "SIMULATOR")),
    Rule(PHONE_NUMBER, "numberCapabilities[]", "enum", _B(svc="pinpoint-sms-voice-v2", shape="NumberCapability"),
         one_of("SMS", "VOICE", "MMS", "RCS")),
    Rule(PHONE_NUMBER, "", "registration-gated numbers need waitForActive: false", SMS_WAIT, _phone_number_wait),
    Rule(POOL, "isoCountryCode", "[A-Z]{2}", _B(svc="pinpoint-sms-voice-v2", shape="IsoCountryCode"),
         pattern(r"[A-Z]{2}")),
    Rule(POOL, "messageType", "enum", _B(svc="pinpoint-sms-voice-v2", shape="MessageType"),
         one_of("TRANSACTIONAL", "PROMOTIONAL")),
    Rule(POOL, "originationIdentities", "at least one identity", SMS_POOL, lambda v: None if v else "is empty"),
    Rule(SENDER_ID, "senderId", "3-11 upper case, digits, dashes; not all digits",
         SDK.format(path="pinpoint/smsvoicev2_sender_id.py sender_id"), _sender_id),
    Rule(SENDER_ID, "isoCountryCode", "[A-Z]{2}", _B(svc="pinpoint-sms-voice-v2", shape="IsoCountryCode"),
         pattern(r"[A-Z]{2}")),
)
# fmt: on
"""Every stateless rule. Rules that need what else was registered (a pool's identities) live in the mock."""

POOL_IDENTITIES_ACTIVE = Rule(
    POOL, "originationIdentities", "identities ACTIVE, same country and message type", SMS_POOL, lambda v: None
)
"""Stateful: checked by the mock against the numbers registered before the pool (see `check_pool`)."""


# ------------------------------------------------------------------------------ messaging (dedicated IPs, archive)
DEDICATED_IP_POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
DEDICATED_IP_ASSIGNMENT = "aws:sesv2/dedicatedIpAssignment:DedicatedIpAssignment"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
FIREHOSE_NAME_MAX = 64
SES_DEDICATED_IPS = "https://docs.aws.amazon.com/ses/latest/dg/dedicated-ip.html"
SES_FIREHOSE_DEST = "https://docs.aws.amazon.com/ses/latest/dg/event-publishing-add-event-destination-firehose.html"
SMS_COUNTRIES = (
    "https://docs.aws.amazon.com/sms-voice/latest/userguide/phone-numbers-sms-by-country.html (AWS End User "
    "Messaging SMS User Guide, Supported countries and regions for SMS messaging)"
)
SMS_SENDER_IDS = "https://docs.aws.amazon.com/sms-voice/latest/userguide/sender-id.html"
SMS_TOLL_FREE = "https://docs.aws.amazon.com/end-user-messaging/latest/userguide/nx-sms-get-set-up-identities.html"
SMS_US_LONG_CODE = "https://docs.aws.amazon.com/sms-voice/latest/userguide/phone-numbers-request-long-code.html"
ISO_3166 = "https://www.iso.org/iso-3166-country-codes.html (ISO 3166-1 alpha-2, officially assigned codes)"
DNS_LIMITS = ("https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4 (labels 63 octets, names 255 octets: 253 "
              "characters in text form)")
TXT_STRINGS = ("https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#TXTFormat (each "
               "string up to 255 characters); " + SDK.format(path="route53/record.py records"))  # fmt: skip

ISO_COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC
CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD
GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH
KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW
MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC
SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY
UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())
"""Every officially assigned ISO 3166-1 alpha-2 code (249): End User Messaging takes country codes in this format."""
SENDER_ID_UNSUPPORTED = frozenset({"US", "CA", "CN"})
"""Countries where AWS End User Messaging SMS cannot send from a sender ID ("Several major markets (including
Canada, China, and the United States) don't support sender ID": SMS_SENDER_IDS; the Supports Sender IDs column of
SMS_COUNTRIES lists the others: add a country here when you find it there)."""
TOLL_FREE_COUNTRIES = frozenset({"US", "CA"})
"""Toll-free numbers exist for the United States and Canada only (SMS_TOLL_FREE)."""
TEN_DLC_COUNTRIES = frozenset({"US"})
"""10DLC is a United States number type (SMS_TOLL_FREE)."""
NO_A2P_LONG_CODE = frozenset({"US", "PR", "VI", "GU", "AS"})
"""Where senders may not use long codes for application-to-person SMS: the US and its territories Puerto Rico, US
Virgin Islands, Guam and American Samoa need a short code, 10DLC or toll-free number (SMS_US_LONG_CODE)."""
TXT_STRING_MAX = 255
DNS_LABEL_MAX = 63
DNS_NAME_MAX = 253


def number_type_in_country(number_type: str, country: str, capabilities: Any = ("SMS",)) -> str | None:
    """Why AWS refuses a number type in a country (None when it is offered there)."""
    if number_type == "TOLL_FREE" and country not in TOLL_FREE_COUNTRIES:
        return f"toll-free numbers exist only in {', '.join(sorted(TOLL_FREE_COUNTRIES))}, not {country}"
    if number_type == "TEN_DLC" and country not in TEN_DLC_COUNTRIES:
        return f"10DLC numbers exist only in the US, not {country}; use LONG_CODE there"
    if number_type == "LONG_CODE" and country in NO_A2P_LONG_CODE and "SMS" in list(capabilities or []):
        return (f"long codes cannot send application-to-person SMS in {country}; use TEN_DLC, TOLL_FREE or a "
                "short code")  # fmt: skip
    return None


def _iso_country(v: Any) -> str | None:
    return None if str(v) in ISO_COUNTRIES else f"{v!r} is not an assigned ISO 3166-1 alpha-2 country code"


def _number_in_country(inputs: dict[str, Any]) -> str | None:
    kind, country = str(inputs.get("numberType")), str(inputs.get("isoCountryCode"))
    if kind == "SIMULATOR" and inputs.get("messageType") not in (None, "TRANSACTIONAL"):
        return "a SIMULATOR number must be requested with messageType TRANSACTIONAL"
    return number_type_in_country(kind, country, inputs.get("numberCapabilities") or ["SMS"])


def _sender_id_country(v: Any) -> str | None:
    return f"{v} does not support sender IDs" if str(v) in SENDER_ID_UNSUPPORTED else None


def dns_name_problem(name: str) -> str | None:
    """Why a DNS name is too long (a label over 63 characters, the name over 253), or None."""
    if len(name) > DNS_NAME_MAX:
        return f"is {len(name)} characters; a domain name has at most {DNS_NAME_MAX}"
    for label in name.split("."):
        if len(label) > DNS_LABEL_MAX:
            return f"has a label of {len(label)} characters ({label[:20]}...); a DNS label has at most {DNS_LABEL_MAX}"
    return None


def txt_strings(value: str) -> list[str]:
    """The character strings of one TXT record value as the provider sends it (split at `""`)."""
    return value.split('""')


def split_txt(value: str) -> str:
    """A TXT value longer than 255 characters as several strings of at most 255 each.

    Joined by `""`, as the pulumi-aws Record docstring says; receivers concatenate the strings (RFC 7208 section
    3.3, RFC 7489 section 6.3), so a DMARC record with many `rua` addresses stays one record.
    """
    return '""'.join(value[i : i + TXT_STRING_MAX] for i in range(0, len(value), TXT_STRING_MAX)) or value


def _txt_record(inputs: dict[str, Any]) -> str | None:
    if inputs.get("type") != "TXT":
        return None
    for record in inputs.get("records") or []:
        if not isinstance(record, str) or _unknown(record):
            continue
        long = [s for s in txt_strings(record) if len(s) > TXT_STRING_MAX]
        if long:
            return (f"a TXT string of {len(long[0])} characters; each string holds at most {TXT_STRING_MAX}: split it "
                    'with "" (components/constraints.py split_txt)')  # fmt: skip
    return None


def _ipv4(v: Any) -> str | None:
    parts = str(v).split(".")
    ok = len(parts) == 4 and all(p.isdigit() and 0 <= int(p) <= 255 and str(int(p)) == p for p in parts)
    return None if ok else "is not an IPv4 address"


def _firehose_destination(inputs: dict[str, Any]) -> str | None:
    dest = (inputs.get("eventDestination") or {}).get("kinesisFirehoseDestination")
    if dest and not (dest.get("deliveryStreamArn") and dest.get("iamRoleArn")):
        return "a Firehose destination needs deliveryStreamArn and iamRoleArn"
    return None


def _firehose(inputs: dict[str, Any]) -> str | None:
    if inputs.get("destination") == "extended_s3":
        s3 = inputs.get("extendedS3Configuration") or {}
        if not (s3.get("bucketArn") and s3.get("roleArn")):
            return "an extended_s3 destination needs extendedS3Configuration with bucketArn and roleArn"
    return None


# fmt: off
MESSAGING_RULES: tuple[Rule, ...] = (
    Rule(DEDICATED_IP_POOL, "scalingMode", "enum", _T(path="internal/service/sesv2/dedicated_ip_pool.go scaling_mode")
         + "; " + _B(svc="sesv2", shape="ScalingMode"), one_of("STANDARD", "MANAGED")),
    Rule(DEDICATED_IP_ASSIGNMENT, "ip", "an IPv4 address", _B(svc="sesv2", shape="Ip"), _ipv4),
    Rule(EVENT_DEST, "", "a Firehose destination names its stream and role",
         _B(svc="sesv2", shape="KinesisFirehoseDestination") + "; " + SES_FIREHOSE_DEST, _firehose_destination),
    Rule(FIREHOSE, "name", "length 1-64, [a-zA-Z0-9_.-]", _B(svc="firehose", shape="DeliveryStreamName"),
         pattern(r"[a-zA-Z0-9_.-]{1,64}")),
    Rule(FIREHOSE, "extendedS3Configuration.bufferingInterval", "0-900 s",
         _B(svc="firehose", shape="IntervalInSeconds"), int_range(0, 900)),
    Rule(FIREHOSE, "extendedS3Configuration.bufferingSize", "1-128 MB", _B(svc="firehose", shape="SizeInMBs"),
         int_range(1, 128)),
    Rule(FIREHOSE, "extendedS3Configuration.compressionFormat", "enum", _B(svc="firehose", shape="CompressionFormat"),
         one_of("UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY")),
    Rule(FIREHOSE, "extendedS3Configuration.prefix", "length 0-1024", _B(svc="firehose", shape="Prefix"),
         length(0, 1024)),
    Rule(FIREHOSE, "extendedS3Configuration.errorOutputPrefix", "length 0-1024",
         _B(svc="firehose", shape="ErrorOutputPrefix"), length(0, 1024)),
    Rule(FIREHOSE, "", "extended_s3 needs a bucket and a role",
         _B(svc="firehose", shape="ExtendedS3DestinationConfiguration"), _firehose),
    Rule(RECORD, "", "TXT strings of at most 255 characters", TXT_STRINGS, _txt_record),
    Rule(MAIL_FROM, "mailFromDomain", "labels <= 63, name <= 253 characters", DNS_LIMITS,
         lambda v: dns_name_problem(str(v))),
    Rule(PHONE_NUMBER, "isoCountryCode", "an assigned ISO 3166-1 code", ISO_3166 + "; " + SMS_COUNTRIES, _iso_country),
    Rule(PHONE_NUMBER, "", "SIMULATOR is TRANSACTIONAL; number type offered in the country",
         _B(svc="pinpoint-sms-voice-v2", shape="RequestPhoneNumberRequest.NumberType") + "; " + SMS_TOLL_FREE + "; "
         + SMS_US_LONG_CODE, _number_in_country),
    Rule(POOL, "isoCountryCode", "an assigned ISO 3166-1 code", ISO_3166, _iso_country),
    Rule(SENDER_ID, "isoCountryCode", "an assigned ISO 3166-1 code", ISO_3166, _iso_country),
    Rule(SENDER_ID, "isoCountryCode", "a country that supports sender IDs", SMS_SENDER_IDS + "; " + SMS_COUNTRIES,
         _sender_id_country),
)
# fmt: on
RULES = RULES + MESSAGING_RULES


# ---------------------------------------------------------------------------------- identity (Cognito user pools)
USER_POOL = "aws:cognito/userPool:UserPool"
USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
USER_POOL_DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
COGNITO_EMAIL = "https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-email.html"
COGNITO_PASSWORDLESS = ("https://docs.aws.amazon.com/cognito/latest/developerguide/"
                        "amazon-cognito-user-pools-authentication-flow-methods.html (passwordless sign-in; feature "
                        "plans: https://docs.aws.amazon.com/cognito/latest/developerguide/"
                        "cognito-sign-in-feature-plans.html)")  # fmt: skip
COGNITO_PREFIX_DOMAIN = ("https://docs.aws.amazon.com/cognito/latest/developerguide/"
                         "cognito-user-pools-assign-domain-prefix.html")  # fmt: skip
COGNITO_CUSTOM_DOMAIN = SDK.format(path="cognito/user_pool_domain.py certificate_arn (\"an ISSUED ACM certificate in "
                                   "us-east-1 for a custom domain\")")  # fmt: skip
USER_POOL_NAME_MAX = 128
DOMAIN_PREFIX_RE = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")
"""botocore cognito-idp DomainType (1-63 characters)."""
DOMAIN_PREFIX_RESERVED = ("aws", "amazon", "cognito")
"""Words a prefix domain may not contain (COGNITO_PREFIX_DOMAIN)."""
FIRST_AUTH_FACTORS = ("PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
"""botocore AuthFactorType less SOFTWARE_TOKEN ("not currently supported as a first auth factor": SignInPolicyType)."""
EXPLICIT_AUTH_FLOWS = ("ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH",
                       "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                       "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
                       "ALLOW_TOKEN_EXCHANGE_DELEGATION", "ALLOW_TOKEN_EXCHANGE_IMPERSONATION")  # fmt: skip
"""botocore cognito-idp ExplicitAuthFlowsType."""


def domain_prefix_problem(prefix: str) -> str | None:
    """Why Cognito refuses a prefix domain, or None (DomainType; DOMAIN_PREFIX_RESERVED)."""
    if not DOMAIN_PREFIX_RE.match(prefix):
        return (f"{prefix!r} is not a Cognito domain prefix: 1-63 lower case letters, digits and inner dashes "
                "(botocore cognito-idp DomainType)")  # fmt: skip
    for word in DOMAIN_PREFIX_RESERVED:
        if word in prefix:
            return f"{prefix!r} contains {word!r}, which Cognito refuses in a domain prefix; choose another prefix"
    return None


def redirect_url_problem(url: str) -> str | None:
    """Why Cognito refuses a callback or logout URL, or None (botocore CreateUserPoolClient CallbackURLs).

    "Be an absolute URI ... Not include a fragment component ... Amazon Cognito requires HTTPS over HTTP except for
    callback URLs to http://localhost, http://127.0.0.1 and http://[::1] ... App callback URLs such as
    myapp://example are also supported." RedirectUrlType: 1-1024 characters.
    """
    from urllib.parse import urlsplit

    if not 1 <= len(url) <= 1024:
        return "is longer than 1024 characters (botocore cognito-idp RedirectUrlType)"
    parts = urlsplit(url)
    if not parts.scheme or not (parts.netloc or parts.path):
        return "is not an absolute URI; write https://app.example.com/callback"
    if parts.fragment or "#" in url:
        return "has a fragment (#...), which a redirect URI must not have (OAuth 2.0 redirection endpoint)"
    if parts.scheme == "http" and (parts.hostname or "") not in ("localhost", "127.0.0.1", "::1"):
        return "uses http://; Cognito requires https:// except for http://localhost, 127.0.0.1 and [::1]"
    return None


def _redirect(v: Any) -> str | None:
    return redirect_url_problem(str(v))


def _region_of_arn(arn: Any) -> str | None:
    parts = str(arn).split(":")
    return parts[3] if len(parts) > 5 and parts[0] == "arn" else None


def _user_pool(inputs: dict[str, Any]) -> str | None:
    region = inputs.get("region")
    email = inputs.get("emailConfiguration") or {}
    account, source = email.get("emailSendingAccount"), email.get("sourceArn")
    if account == "DEVELOPER" and source is None:
        return "emailConfiguration DEVELOPER needs sourceArn (a verified SES identity)"
    if source is not None and not _unknown(source) and not _unknown(region) and region is not None:
        if _region_of_arn(source) != region:
            return (f"emailConfiguration.sourceArn is an SES identity in {_region_of_arn(source)}, not the pool's "
                    f"region {region}; send from the identity in the pool's region")  # fmt: skip
    factors = (inputs.get("signInPolicy") or {}).get("allowedFirstAuthFactors") or []
    if any(f in ("EMAIL_OTP", "SMS_OTP") for f in factors if not _unknown(f)):
        tier = inputs.get("userPoolTier")
        if tier is not None and not _unknown(tier) and tier == "LITE":
            return "passwordless first factors (EMAIL_OTP, SMS_OTP) need userPoolTier ESSENTIALS or PLUS"
        if "EMAIL_OTP" in factors and account != "DEVELOPER" and not _unknown(account):
            return "EMAIL_OTP needs emailConfiguration.emailSendingAccount DEVELOPER (Cognito sends codes via SES)"
    mfa = inputs.get("mfaConfiguration")
    if mfa in ("ON", "OPTIONAL") and not any(
        inputs.get(k) for k in ("softwareTokenMfaConfiguration", "smsConfiguration", "emailMfaConfiguration")
    ):
        return f"mfaConfiguration {mfa} needs a software token, SMS or email MFA configuration"
    if inputs.get("usernameAttributes") and inputs.get("aliasAttributes"):
        return "usernameAttributes conflicts with aliasAttributes"
    return None


def _user_pool_client(inputs: dict[str, Any]) -> str | None:
    oauth = inputs.get("allowedOauthFlowsUserPoolClient")
    for key in ("callbackUrls", "logoutUrls", "allowedOauthFlows", "allowedOauthScopes"):
        if inputs.get(key) and oauth is not True and not _unknown(oauth):
            return f"{key} needs allowedOauthFlowsUserPoolClient true"
    default = inputs.get("defaultRedirectUri")
    if default is not None and not _unknown(default) and default not in (inputs.get("callbackUrls") or []):
        return "defaultRedirectUri must be one of callbackUrls"
    return None


def _user_pool_domain(inputs: dict[str, Any]) -> str | None:
    domain, cert = inputs.get("domain"), inputs.get("certificateArn")
    if domain is None or _unknown(domain):
        return None
    if cert is None:
        return domain_prefix_problem(str(domain))
    if _unknown(cert):
        return None
    if _region_of_arn(cert) != "us-east-1":
        return f"a custom domain's certificate must be in us-east-1, not {_region_of_arn(cert)}"
    return dns_name_problem(str(domain)) or (None if "." in str(domain) else "a custom domain is a full DNS name")


_C = "cognito-idp"
# fmt: off
IDENTITY_RULES: tuple[Rule, ...] = (
    Rule(USER_POOL, "name", "length 1-128, [\\w\\s+=,.@-]", _B(svc=_C, shape="UserPoolNameType"),
         pattern(r"[\w\s+=,.@-]{1,128}")),
    Rule(USER_POOL, "userPoolTier", "enum", _B(svc=_C, shape="UserPoolTierType"), one_of("LITE", "ESSENTIALS", "PLUS")),
    Rule(USER_POOL, "mfaConfiguration", "enum", _B(svc=_C, shape="UserPoolMfaType"), one_of("OFF", "ON", "OPTIONAL")),
    Rule(USER_POOL, "deletionProtection", "enum", _B(svc=_C, shape="DeletionProtectionType"),
         one_of("ACTIVE", "INACTIVE")),
    Rule(USER_POOL, "passwordPolicy.minimumLength", "6-99", _B(svc=_C, shape="PasswordPolicyMinLengthType"),
         int_range(6, 99)),
    Rule(USER_POOL, "passwordPolicy.temporaryPasswordValidityDays", "0-365",
         _B(svc=_C, shape="TemporaryPasswordValidityDaysType"), int_range(0, 365)),
    Rule(USER_POOL, "schemas[].attributeDataType", "enum", _B(svc=_C, shape="AttributeDataType"),
         one_of("String", "Number", "DateTime", "Boolean")),
    Rule(USER_POOL, "schemas[].name", "length 1-20", _B(svc=_C, shape="CustomAttributeNameType"), length(1, 20)),
    Rule(USER_POOL, "schemas", "at most 50 attributes", _B(svc=_C, shape="SchemaAttributesListType"),
         lambda v: None if len(v) <= 50 else f"lists {len(v)} attributes"),
    Rule(USER_POOL, "emailConfiguration.emailSendingAccount", "enum", _B(svc=_C, shape="EmailSendingAccountType"),
         one_of("COGNITO_DEFAULT", "DEVELOPER")),
    Rule(USER_POOL, "signInPolicy.allowedFirstAuthFactors[]", "enum, not SOFTWARE_TOKEN",
         _B(svc=_C, shape="SignInPolicyType.AllowedFirstAuthFactors"), one_of(*FIRST_AUTH_FACTORS)),
    Rule(USER_POOL, "", "SES sender in the pool's region; passwordless needs ESSENTIALS and SES; MFA needs a factor",
         _B(svc=_C, shape="EmailConfigurationType.SourceArn") + "; " + COGNITO_EMAIL + "; " + COGNITO_PASSWORDLESS
         + "; " + SDK.format(path="cognito/user_pool.py mfa_configuration"), _user_pool),
    Rule(USER_POOL_CLIENT, "name", "length 1-128, [\\w\\s+=,.@-]", _B(svc=_C, shape="ClientNameType"),
         pattern(r"[\w\s+=,.@-]{1,128}")),
    Rule(USER_POOL_CLIENT, "callbackUrls[]", "absolute, no fragment, https except localhost",
         _B(svc=_C, shape="CreateUserPoolClientRequest.CallbackURLs"), _redirect),
    Rule(USER_POOL_CLIENT, "logoutUrls[]", "absolute, no fragment, https except localhost",
         _B(svc=_C, shape="RedirectUrlType") + " (as CallbackURLs)", _redirect),
    Rule(USER_POOL_CLIENT, "callbackUrls", "at most 100", _B(svc=_C, shape="CallbackURLsListType"),
         lambda v: None if len(v) <= 100 else f"lists {len(v)} URLs"),
    Rule(USER_POOL_CLIENT, "allowedOauthFlows[]", "enum", _B(svc=_C, shape="OAuthFlowType"),
         one_of("code", "implicit", "client_credentials")),
    Rule(USER_POOL_CLIENT, "explicitAuthFlows[]", "enum", _B(svc=_C, shape="ExplicitAuthFlowsType"),
         one_of(*EXPLICIT_AUTH_FLOWS)),
    Rule(USER_POOL_CLIENT, "authSessionValidity", "3-15 minutes", _B(svc=_C, shape="AuthSessionValidityType"),
         int_range(3, 15)),
    Rule(USER_POOL_CLIENT, "", "OAuth settings need allowedOauthFlowsUserPoolClient; default redirect listed",
         SDK.format(path="cognito/user_pool_client.py allowed_oauth_flows_user_pool_client, default_redirect_uri"),
         _user_pool_client),
    Rule(USER_POOL_DOMAIN, "", "prefix: DomainType, no aws/amazon/cognito; custom: DNS name, cert in us-east-1",
         _B(svc=_C, shape="DomainType") + "; " + COGNITO_PREFIX_DOMAIN + "; " + COGNITO_CUSTOM_DOMAIN,
         _user_pool_domain),
)
# fmt: on
RULES = RULES + IDENTITY_RULES
# --------------------------------------------------------------------------------------- CloudWatch dashboards
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
DASHBOARD_NAME_MAX = 255
DASHBOARD_WIDGETS_MAX = 500
DASHBOARD_BODY = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html"
PUT_DASHBOARD = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"
DASHBOARD_WIDGET_TYPES = ("metric", "text", "log", "alarm", "explorer", "custom")


def _dashboard_body(v: Any) -> str | None:
    """The body's structure: JSON, 0-500 widgets on the 24-column grid, each widget's required properties."""
    import json

    try:
        body = json.loads(str(v))
    except ValueError as err:
        return f"is not JSON ({err})"
    widgets = body.get("widgets") if isinstance(body, dict) else None
    if not isinstance(widgets, list):
        return "has no widgets array"
    if len(widgets) > DASHBOARD_WIDGETS_MAX:
        return f"has {len(widgets)} widgets; at most {DASHBOARD_WIDGETS_MAX}"
    for i, w in enumerate(widgets):
        kind, props = w.get("type"), w.get("properties")
        x, width, height, y = w.get("x", 0), w.get("width", 6), w.get("height", 6), w.get("y", 0)
        if kind not in DASHBOARD_WIDGET_TYPES:
            return f"widget {i}: type {kind!r} is not one of {', '.join(DASHBOARD_WIDGET_TYPES)}"
        if not isinstance(props, dict):
            return f"widget {i}: properties is required"
        if not (isinstance(width, int) and 1 <= width <= 24 and isinstance(height, int) and 1 <= height <= 1000):
            return f"widget {i}: width {width} (1-24) or height {height} (1-1000) out of range"
        if not (isinstance(x, int) and 0 <= x <= 23 and x + width <= 24 and isinstance(y, int) and y >= 0):
            return f"widget {i}: x {x} with width {width} leaves the 24-column grid (or y {y} < 0)"
        if kind == "metric" and not (props.get("metrics") and props.get("region")):
            return f"widget {i}: a metric widget needs metrics and region"
        if kind == "alarm" and not props.get("alarms"):
            return f"widget {i}: an alarm widget needs alarms (ARNs)"
        if kind == "alarm" and not all(str(a).startswith("arn:") and ":alarm:" in str(a) for a in props["alarms"]):
            return f"widget {i}: alarms must be alarm ARNs"
        if kind == "text" and not isinstance(props.get("markdown"), str):
            return f"widget {i}: a text widget needs markdown"
    return None


DASHBOARD_RULES: tuple[Rule, ...] = (
    Rule(DASHBOARD, "dashboardName", "length 1-255, [A-Za-z0-9_-]", PUT_DASHBOARD,
         pattern(r"[A-Za-z0-9_-]{1,255}")),
    Rule(DASHBOARD, "dashboardBody", "JSON; 0-500 widgets on the 24-column grid; required widget properties",
         DASHBOARD_BODY, _dashboard_body),
)  # fmt: skip
"""Dashboards are global to the account (PutDashboard): names must differ across regions (components/naming)."""
RULES = RULES + DASHBOARD_RULES

# ---------------------------------------------------------------------------------------- AWS Resilience Hub
RH_SYSTEM = "aws:resiliencehub/v2System:V2System"
RH_POLICY = "aws:resiliencehub/v2Policy:V2Policy"
RH_SERVICE = "aws:resiliencehub/v2Service:V2Service"
RH_INPUT_SOURCE = "aws:resiliencehub/v2InputSource:V2InputSource"
RESILIENCE_HUB_NAME_MAX = 60
_RH = BOTO.format(svc="resiliencehubv2", shape="{shape}")
_RH_NAME = r"[A-Za-z0-9][A-Za-z0-9_\-]{1,59}"

RESILIENCE_HUB_RULES: tuple[Rule, ...] = (
    Rule(RH_SYSTEM, "name", "2-60, [A-Za-z0-9][A-Za-z0-9_-]", _RH.format(shape="CreateSystemRequest.name"),
         pattern(_RH_NAME)),
    Rule(RH_POLICY, "name", "2-60, [A-Za-z0-9][A-Za-z0-9_-]", _RH.format(shape="CreatePolicyRequest.name"),
         pattern(_RH_NAME)),
    Rule(RH_POLICY, "multiRegion.disasterRecoveryApproach", "enum",
         _RH.format(shape="MultiRegionDisasterRecoveryApproach"),
         one_of("ACTIVE_ACTIVE", "HOT_STANDBY", "WARM_STANDBY", "PILOT_LIGHT", "BACKUP_AND_RESTORE")),
    Rule(RH_POLICY, "multiRegion.rtoInMinutes", "integer >= 0", _RH.format(shape="MultiRegionTargets"),
         int_range(0, 10**9)),
    Rule(RH_POLICY, "multiRegion.rpoInMinutes", "integer >= 0", _RH.format(shape="MultiRegionTargets"),
         int_range(0, 10**9)),
    Rule(RH_SERVICE, "name", "2-60, [A-Za-z0-9][A-Za-z0-9_-]", _RH.format(shape="CreateServiceRequest.name"),
         pattern(_RH_NAME)),
    Rule(RH_SERVICE, "regions", "1-5 regions", _RH.format(shape="CreateServiceRequest.regions"),
         lambda v: None if 1 <= len(v or []) <= 5 else f"has {len(v or [])} regions; 1-5"),
    Rule(RH_SERVICE, "permissionModel.invokerRoleName", "required", _RH.format(shape="PermissionModel"),
         lambda v: None if v else "is empty"),
    Rule(RH_INPUT_SOURCE, "resourceConfiguration.resourceTags", "1-10 tags, keys 1-128",
         _RH.format(shape="ResourceConfiguration.resourceTags, ResourceTag"),
         lambda v: None if 1 <= len(v or []) <= 10 and all(1 <= len(str(t.get("key", ""))) <= 128 for t in v)
         else "needs 1-10 tags with keys of 1-128 characters"),
)  # fmt: skip
RULES = RULES + RESILIENCE_HUB_RULES

SENDING_POOL_EXISTS = Rule(
    CONFIG_SET, "deliveryOptions.sendingPoolName", "a dedicated IP pool of this region",
    _B(svc="sesv2", shape="DeliveryOptions.SendingPoolName") + "; " + SES_DEDICATED_IPS, lambda v: None
)  # fmt: skip
"""Stateful: a configuration set sends through a pool that exists in its region (checked by the mock)."""
ASSIGNMENT_STANDARD_POOL = Rule(
    DEDICATED_IP_ASSIGNMENT, "destinationPoolName", "a STANDARD pool of this region",
    _B(svc="sesv2", shape="PutDedicatedIpInPoolRequest") + "; https://docs.aws.amazon.com/ses/latest/dg/"
    "managed-dedicated-sending.html (SES manages a managed pool's IPs)", lambda v: None
)  # fmt: skip
"""Stateful: leased IPs move only into a standard pool that exists in their region (checked by the mock)."""


def check_pool_references(
    token: str, name: str, inputs: dict[str, Any], pools: dict[tuple[str, str], str]
) -> list[Violation]:
    """A configuration set's sending pool and an IP assignment's pool exist in the region; an assignment's is STANDARD.

    `pools` maps (region, pool name) to the scaling mode of every pool registered so far.
    """
    region = str(inputs.get("region"))
    if token == CONFIG_SET:
        wanted = (inputs.get("deliveryOptions") or {}).get("sendingPoolName")
        if isinstance(wanted, str) and not _unknown(wanted) and (region, wanted) not in pools:
            return [Violation(SENDING_POOL_EXISTS, name, wanted, f"no dedicated IP pool {wanted} in {region}")]
    if token == DEDICATED_IP_ASSIGNMENT:
        wanted = inputs.get("destinationPoolName")
        if isinstance(wanted, str) and not _unknown(wanted):
            mode = pools.get((region, wanted))
            if mode is None:
                return [Violation(ASSIGNMENT_STANDARD_POOL, name, wanted, f"no dedicated IP pool {wanted} in {region}")]
            if mode != "STANDARD":
                return [Violation(ASSIGNMENT_STANDARD_POOL, name, wanted,
                                  f"{wanted} is a {mode} pool: SES chooses its IPs; lease IPs into a STANDARD pool")]
    return []


# ------------------------------------------------------------------------------------------------ checking
@dataclass(frozen=True)
class Violation:
    """One refused value: what `pulumi up` (provider validation or the AWS API) would stop on."""

    rule: Rule
    resource: str
    """The resource's logical name."""
    value: Any
    message: str

    def __str__(self) -> str:
        prop = self.rule.prop or "(inputs)"
        return (
            f"{self.rule.token} {self.resource!r} {prop}={_short(self.value)}: {self.message} "
            f"[{self.rule.what}; source: {self.rule.source}]"
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def values_at(inputs: Any, path: str) -> Iterator[Any]:
    """Every known value at `path` (`a.b[].c`); absent, None and unknown values yield nothing."""
    if path == "":
        yield inputs
        return
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if not isinstance(inputs, dict) or inputs.get(key) is None:
        return
    value = inputs[key]
    items = value if many and isinstance(value, list) else [value]
    for item in items:
        if item is None or _unknown(item):
            continue
        if rest:
            yield from values_at(item, rest)
        else:
            yield item


def _unknown(value: Any) -> bool:
    """Unknown in preview: the wire sentinel, or the SDK's `Unknown` object the mock monitor deserializes to."""
    return (isinstance(value, str) and value == UNKNOWN) or type(value).__name__ == "Unknown"


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return _unknown(value)


def rules_for(token: str) -> list[Rule]:
    """The stateless rules of one type token."""
    return [r for r in RULES if r.token == token]


def check(token: str, name: str, inputs: dict[str, Any]) -> list[Violation]:
    """Every stateless rule of `token` that `inputs` break."""
    out = []
    for rule in rules_for(token):
        for value in values_at(inputs, rule.prop):
            try:
                message = rule.check(value)
            except (TypeError, ValueError) as exc:
                # A combination rule may read a value still unknown in preview: judge it when it is known.
                message = None if _contains_unknown(value) else f"is not the expected type ({exc})"
            if message:
                out.append(Violation(rule, name, value if rule.prop else None, message))
    return out


def check_pool(name: str, inputs: dict[str, Any], numbers: dict[str, dict[str, Any]]) -> list[Violation]:
    """A pool's identities requested in this deployment: ACTIVE, same country and message type as the pool.

    `numbers` maps the ARN of each number registered so far to its `status`, `isoCountryCode`, `messageType`.
    Identities not in it (declared by ARN, registered by hand) cannot be judged here and are accepted.
    """
    out = []
    for arn in inputs.get("originationIdentities") or []:
        number = numbers.get(arn)
        if number is None:
            continue
        problems = []
        if number["status"] != "ACTIVE":
            problems.append(f"is {number['status']} (registration under review), not ACTIVE")
        if number["isoCountryCode"] != inputs.get("isoCountryCode"):
            problems.append(f"is a {number['isoCountryCode']} number in a {inputs.get('isoCountryCode')} pool")
        if inputs.get("messageType") and number["messageType"] != inputs["messageType"]:
            problems.append(f"is {number['messageType']} in a {inputs['messageType']} pool")
        for p in problems:
            out.append(Violation(POOL_IDENTITIES_ACTIVE, name, arn, p))
    return out


def number_status(inputs: dict[str, Any]) -> str:
    """The status AWS gives a requested number: registration-gated types stay PENDING (SMS_WAIT)."""
    return "PENDING" if registration_gated(inputs.get("numberType"), inputs.get("registrationId")) else "ACTIVE"
