"""Read-only parity audit of the live account: each region's manifest built from AWS, compared like the pack.

The manifests have the shape the stacks export (docs/parity-manifest.md), so `policies.compare` judges a live
pair exactly as the policy pack judges a declared one. Reads only: describe/get/list calls.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from regionpair.components.declaration import Role
from regionpair.components.regions import dkim_signing_domain
from regionpair.ops import readiness, sms_numbers
from regionpair.ops.clients import Clients
from regionpair.ops.context import PairContext
from regionpair.ops.errors import OpsError, aws_error
from regionpair.policies.compare import Finding, compare_manifests
from regionpair.policies.rules_messaging import POOL_PARITY, compare_dedicated_ips

# Codes that mean "this resource does not exist here" (a finding); any other error means the audit could not
# look, and it says so instead of reporting the resource as missing.
_ABSENT = {"NotFoundException", "NoSuchBucket", "ResourceNotFoundException", "ResourceNotFound",
           "ReplicationConfigurationNotFoundError", "404", "NotFound"}  # fmt: skip
_NEXT = "the audit cannot judge this region without it; check permissions and the region's health, then rerun"


def _absent(err: ClientError) -> bool:
    return err.response.get("Error", {}).get("Code") in _ABSENT


def _email(clients: Clients, ctx: PairContext, region: str) -> dict[str, Any] | None:
    email = ctx.pair.shared.email
    if email is None:
        return None
    ses = clients.get("sesv2", region)
    domains = []
    for domain in email.domains:
        try:
            identity = ses.get_email_identity(EmailIdentity=domain)
        except ClientError as err:
            if _absent(err):
                continue
            raise aws_error(err, f"SES identity {domain}", region, _NEXT) from None
        except BotoCoreError as err:
            raise aws_error(err, f"SES identity {domain}", region, _NEXT) from None
        dkim = identity.get("DkimAttributes") or {}
        mail_from = (identity.get("MailFromAttributes") or {}).get("MailFromDomain")
        domains.append(
            {
                "domain": domain,
                "verified": identity.get("VerifiedForSendingStatus", False),
                # A DEED replica reports its parent's region as origin (AWS_SES_<REGION>); Easy DKIM reports AWS_SES.
                "dkimMode": "deed" if str(dkim.get("SigningAttributesOrigin", "")).startswith("AWS_SES_")
                else "per-region",
                "dkimOrigin": dkim.get("SigningAttributesOrigin"),
                "dkimStatus": dkim.get("Status"),
                "dkimTarget": dkim_signing_domain(region),
                "dkimRecords": [f"{t}._domainkey.{domain}" for t in dkim.get("Tokens") or []] or None,
                "mailFrom": mail_from,
            }
        )
    sets: list[dict[str, str]] = []
    kwargs: dict[str, Any] = {}
    while True:  # ListConfigurationSets has no botocore paginator: follow NextToken by hand
        page = ses.list_configuration_sets(**kwargs)
        sets += [{"name": n} for n in page.get("ConfigurationSets", [])]
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    try:
        quota: Any = ses.get_account().get("SendQuota", {})
    except ClientError as err:  # e.g. no ses:GetAccount permission: the rest of the audit still stands
        quota = {"error": str(err).splitlines()[0]}
    out = {"region": region, "domains": domains, "configurationSets": sets, "sendQuota": quota}
    if email.dedicated_ip_pools:
        out["dedicatedIps"] = _dedicated_ips(ses, ctx, region)
    return out


def _dedicated_ips(ses: Any, ctx: PairContext, region: str) -> dict[str, Any]:
    """The pools and the sets' sending pools as SES reports them, in the manifest's `email.dedicatedIps` shape."""
    try:
        pools = [p for p in readiness.dedicated_ip_pools(ses, ctx.pair) if p["exists"]]
    except (ClientError, BotoCoreError) as err:
        raise aws_error(err, "SES dedicated IP pools", region, _NEXT) from None
    sending: dict[str, Any] = {}
    for cs in ctx.pair.shared.email.configuration_sets if ctx.pair.shared.email else []:
        name = ctx.pair.physical_name(cs.name)
        try:
            options = ses.get_configuration_set(ConfigurationSetName=name).get("DeliveryOptions") or {}
        except ClientError as err:
            if _absent(err):
                continue
            raise aws_error(err, f"SES configuration set {name}", region, _NEXT) from None
        sending[name] = options.get("SendingPoolName")
    return {"pools": [{"poolName": p["poolName"], "scalingMode": p["scalingMode"], "ips": [i["ip"] for i in p["ips"]]}
                      for p in pools], "sendingPools": sending}  # fmt: skip


def _buckets(clients: Clients, ctx: PairContext, role: Role) -> list[dict[str, Any]]:
    region = ctx.region_of(role)
    s3 = clients.get("s3", region)
    out = []
    for decl in ctx.pair.shared.buckets:
        name = ctx.pair.bucket_name(decl, role)
        try:
            versioning = s3.get_bucket_versioning(Bucket=name).get("Status") == "Enabled"
        except ClientError as err:
            if _absent(err):
                continue
            raise aws_error(err, f"bucket {name}", region, _NEXT) from None
        try:
            rules = s3.get_bucket_replication(Bucket=name)["ReplicationConfiguration"]["Rules"]
        except ClientError as err:
            if not _absent(err):
                raise aws_error(err, f"replication of bucket {name}", region, _NEXT) from None
            rules = []
        out.append(
            {
                "name": decl.name,
                "bucket": name,
                "arn": f"arn:aws:s3:::{name}",
                "region": region,
                "versioning": versioning,
                "replication": [
                    {
                        "from": f"arn:aws:s3:::{name}",
                        "to": r["Destination"]["Bucket"],
                        "rtc": (r["Destination"].get("ReplicationTime") or {}).get("Status") == "Enabled",
                        "deleteMarkers": (r.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled",
                    }
                    for r in rules
                    if r.get("Status") == "Enabled"
                ],
            }
        )
    return out


def _tables(clients: Clients, ctx: PairContext) -> list[dict[str, Any]]:
    ddb = clients.get("dynamodb", ctx.primary_region)
    out = []
    for decl in ctx.pair.shared.tables:
        name = ctx.pair.physical_name(decl.name)
        try:
            table = ddb.describe_table(TableName=name)["Table"]
        except ClientError as err:
            if _absent(err):
                continue
            raise aws_error(err, f"table {name}", ctx.primary_region, _NEXT) from None
        pitr = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
        out.append(
            {
                "name": decl.name,
                "table": name,
                "replicaRegions": [r["RegionName"] for r in table.get("Replicas", [])],
                "stream": (table.get("StreamSpecification") or {}).get("StreamViewType"),
                "pitr": (pitr.get("PointInTimeRecoveryDescription") or {}).get("PointInTimeRecoveryStatus")
                == "ENABLED",
                "hashKey": {"name": keys.get("HASH")},
                "rangeKey": {"name": keys["RANGE"]} if "RANGE" in keys else None,
            }
        )
    return out


def _api(clients: Clients, ctx: PairContext, role: Role) -> dict[str, Any] | None:
    if ctx.pair.shared.api is None:
        return None
    region = ctx.region_of(role)
    name = ctx.pair.physical_name("api", role)
    try:
        fn = clients.get("lambda", region).get_function_configuration(FunctionName=name)
    except ClientError as err:
        if _absent(err):
            return None
        raise aws_error(err, f"function {name}", region, _NEXT) from None
    return {
        "domainName": ctx.pair.shared.api.domain_name,
        "runtime": fn.get("Runtime"),
        "memoryMb": fn.get("MemorySize"),
        "timeoutSeconds": fn.get("Timeout"),
        "codeSha256": fn.get("CodeSha256"),
    }


def _sms(clients: Clients, ctx: PairContext, region: str) -> dict[str, Any] | None:
    """Live numbers with AWS's status and pool membership: only ACTIVE, pooled ones count as capacity."""
    if ctx.pair.shared.sms is None:
        return None
    sms = clients.get("pinpoint-sms-voice-v2", region)
    return {"region": region, "numbers": sms_numbers.manifest_entries(sms_numbers.describe_numbers(sms))}


def live_manifest(clients: Clients, ctx: PairContext, role: Role) -> dict[str, Any]:
    """Build the manifest of `role`'s region as the account shows it now."""
    region = ctx.region_of(role)
    manifest: dict[str, Any] = {"role": role.value, "region": region, "peerRegion": ctx.region_of(role.peer)}
    try:
        manifest["email"] = _email(clients, ctx, region)
    except BotoCoreError as err:  # the region's endpoint did not answer at all
        raise aws_error(err, "SES", region, _NEXT) from None
    try:
        manifest["sms"] = _sms(clients, ctx, region)
    except (ClientError, BotoCoreError) as err:  # not offered to this account/region, or no permission
        manifest["sms"] = {"region": region, "numbers": [], "error": str(err).splitlines()[0]}
    manifest["buckets"] = _buckets(clients, ctx, role)
    manifest["tables"] = _tables(clients, ctx) if role is Role.PRIMARY else []
    manifest["api"] = _api(clients, ctx, role)
    return manifest


def audit(clients: Clients, ctx: PairContext) -> list[Finding]:
    """Compare the two live halves the way the policy pack compares declared ones; judge each account's readiness."""
    primary = live_manifest(clients, ctx, Role.PRIMARY)
    secondary = live_manifest(clients, ctx, Role.SECONDARY)
    declaration = ctx.pair.shared.model_dump(mode="json", by_alias=True, exclude_none=True)
    findings = compare_manifests(primary, secondary, declaration)
    if ctx.pair.shared.email and ctx.pair.shared.email.dedicated_ip_pools:
        halves = {m["region"]: (m.get("email") or {}).get("dedicatedIps") or {} for m in (primary, secondary)}
        findings += [Finding(POOL_PARITY, message, "dedicated IPs")
                     for message, _ in compare_dedicated_ips(ctx.pair, halves)]  # fmt: skip
    return findings + readiness_findings(clients, ctx)


READINESS = "account-readiness"
"""The audit's name for what `regionpair readiness` judges (no policy can: no resource holds it)."""


def readiness_findings(clients: Clients, ctx: PairContext) -> list[Finding]:
    """What keeps a region that must carry the failover volume from carrying it, and dedicated IPs still warming."""
    result = readiness.readiness(clients, ctx.pair)
    return [Finding(READINESS, f"{c.check}: {c.detail}", f"{c.role} ({c.region}) {c.check}")
            for c in result.checks if c.blocking or c.status == readiness.WARN]  # fmt: skip


def _lookup_not_found(lookup: Any) -> bool:
    """True only when the lookup says "not found": a failure of another kind never counts as "not deployed"."""
    try:
        lookup()
    except ClientError as err:
        return _absent(err)
    except (BotoCoreError, OpsError):
        return False
    return False


def not_deployed(clients: Clients, ctx: PairContext) -> str | None:
    """One line when nothing of the pair is deployed in either region (the audit would only list absences).

    Looks for what each half creates first: the STOP alarm in the standby, the declared tables, a bucket and an SES
    identity in either region. A lookup that fails (not "not found") never counts as "not deployed".
    """
    from regionpair.components.declaration import RoutingMode
    from regionpair.ops import stop

    if ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH:
        return None  # the plan is found by name in each region's data plane; status reports it
    looked: list[str] = []
    try:
        stop.read_alarm(clients.get("cloudwatch", ctx.standby_region), ctx)
        return None
    except OpsError as err:
        if "not found" not in str(err):
            return None
        looked.append(f"no STOP alarm {ctx.alarm_name} in {ctx.standby_region}")
    tables = [ctx.pair.physical_name(t.name) for t in ctx.pair.shared.tables] + (
        [ctx.state_table] if ctx.state_table else []
    )
    for name in tables[:3]:
        for region in ctx.regions:
            ddb = clients.get("dynamodb", region)
            if not _lookup_not_found(lambda ddb=ddb, name=name: ddb.describe_table(TableName=name)):
                return None
        looked.append(f"no table {name} in {' or '.join(ctx.regions)}")
    for decl in ctx.pair.shared.buckets[:1]:
        for role in Role:
            name, s3 = ctx.pair.bucket_name(decl, role), clients.get("s3", ctx.region_of(role))
            if not _lookup_not_found(lambda s3=s3, name=name: s3.head_bucket(Bucket=name)):
                return None
            looked.append(f"no bucket {name} in {ctx.region_of(role)}")
    email = ctx.pair.shared.email
    for domain in email.domains[:1] if email else []:
        for region in ctx.regions:
            ses = clients.get("sesv2", region)
            if not _lookup_not_found(lambda ses=ses, domain=domain: ses.get_email_identity(EmailIdentity=domain)):
                return None
        looked.append(f"no SES identity {domain} in {' or '.join(ctx.regions)}")
    return (f"pair {ctx.pair.shared.name} is not deployed ({'; '.join(looked)}): deploy it (pulumi up -s "
            f"{ctx.stacks.secondary}, then -s {ctx.stacks.primary}), then rerun the audit")  # fmt: skip
