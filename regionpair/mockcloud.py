"""Pulumi `Mocks` that answer registrations with the computed outputs AWS would return, and refuse what AWS refuses.

Every registration is checked against `components/constraints.py` (name lengths and patterns, enums, required
combinations, the SMS pool rules): a registration that the provider or AWS would refuse raises
`ConstraintViolation` from `new_resource`, so the program run fails as `pulumi up` would; `strict=False` records
everything in `violations` without raising (the test matrix uses it to count). A run models a first `pulumi up`:
a requested toll-free/10DLC number is PENDING; `active_numbers` names the numbers (resource names) that a later
`pulumi up` finds ACTIVE in the account, after their registration was approved.

Computed values follow AWS's documented formats (ARNs, DKIM tokens, API Gateway regional domain names and
their hosted zone ids, CloudFront's zone id) and are deterministic, so assertions can name them. In preview
mode nothing is computed: values a provider would only know after create stay unknown, as in `pulumi preview`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pulumi.runtime import mocks as pmocks

from regionpair.components import constraints
from regionpair.components.deed_identity import state_from as deed_state
from regionpair.components.region_switch_model import PLAN_ARN_RE, check_plan
from regionpair.components.regions import dkim_signing_domain

ACCOUNT_ID = "123456789012"
STACK_REFERENCE = "pulumi:pulumi:StackReference"
PLAN = "aws:arcregionswitch/plan:Plan"
ACCOUNT_PLANS: dict[str, dict[str, Any]] = {}
"""Region switch plans created by any run in this process, by ARN: the mock account both stacks share. The
secondary's `pulumi up` creates the plan; the primary's data source (`get_route53_health_checks`) reads it."""
HEALTH_CHECKS_INVOKE = "aws:arcregionswitch/getRoute53HealthChecks:getRoute53HealthChecks"

# API Gateway regional endpoints' Route 53 hosted zone ids (AWS General Reference, API Gateway endpoints).
APIGW_REGIONAL_ZONE_IDS = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "eu-west-1": "ZLY8HYME6SFDD",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ca-central-1": "Z19DQILCV0OWEC",
}
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"


def _hex(*parts: str, n: int = 32) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


def _service_of(token: str) -> str:
    module = token.split(":")[1].split("/")[0]
    return {
        "sesv2": "ses",
        "lambda": "lambda",
        "cloudwatch": "cloudwatch",
        "pinpoint": "sms-voice",
        "dynamodb": "dynamodb",
        "apigateway": "apigateway",
        "sns": "sns",
        "kinesis": "firehose",
        "iam": "iam",
        "route53": "route53",
        "cloudfront": "cloudfront",
    }.get(module, module)


class ConstraintViolation(Exception):
    """A registration the provider or AWS would refuse (one line per violated rule, with its source)."""

    def __init__(self, violations: list[constraints.Violation]) -> None:
        super().__init__("; ".join(str(v) for v in violations))
        self.violations = violations


class CloudMocks(pmocks.Mocks):
    """Answers every registration with inputs plus realistic computed outputs; serves StackReferences."""

    def __init__(
        self,
        peer_outputs: dict[str, dict[str, Any]] | None = None,
        *,
        preview: bool = False,
        default_region: str = "us-east-1",
        strict: bool = True,
        active_numbers: frozenset[str] | set[str] = frozenset(),
        allocated: bool = True,
        existing: dict[tuple[str, str], dict[str, Any]] | None = None,
    ) -> None:
        self.peer_outputs = peer_outputs or {}
        self.preview = preview
        self.default_region = default_region
        self.strict = strict
        self.registered: list[pmocks.MockResourceArgs] = []
        self.violations: list[constraints.Violation] = []
        """Every violation seen (raised or, with strict=False, only recorded)."""
        self.active_numbers = frozenset(active_numbers)
        self.sms_numbers: dict[str, dict[str, Any]] = {}
        """Numbers requested in this run by ARN: status, country, message type (for the pool rules)."""
        self.plans: dict[str, dict[str, Any]] = {}
        """ARC Region switch plans registered in this run, by ARN (the health-check data source reads them)."""
        self.allocated = allocated
        """False: the plans' health checks are still being allocated (no ids yet), as right after CreatePlan."""
        self.ip_pools: dict[tuple[str, str], str] = {}
        """SES dedicated IP pools registered in this run: (region, pool name) -> scaling mode."""
        self.existing = existing
        """What the account already holds, by (type token, id): the state an import reads. None: any import id
        exists, with the declared inputs as its state."""
        self.imports: dict[str, dict[str, Any]] = {}
        """Resources registered with Pulumi's `import` option, by resource name: `id`, `type` and `diff` (the
        declared inputs that differ from the existing resource's state)."""

    def _enforce(self, typ: str, name: str, inputs: dict[str, Any]) -> None:
        found = constraints.check(typ, name, inputs)
        if typ == constraints.POOL:
            found += constraints.check_pool(name, inputs, self.sms_numbers)
        if typ in (constraints.CONFIG_SET, constraints.DEDICATED_IP_ASSIGNMENT):
            found += constraints.check_pool_references(
                typ, name, {"region": self.default_region, **inputs}, self.ip_pools
            )
        if typ == constraints.DEDICATED_IP_POOL and isinstance(inputs.get("poolName"), str):
            region = str(inputs.get("region") or self.default_region)
            self.ip_pools[(region, inputs["poolName"])] = str(inputs.get("scalingMode") or "STANDARD")
        if not found:
            return
        self.violations += found
        if self.strict:
            raise ConstraintViolation(found)

    # ------------------------------------------------------------------------------------------ invokes
    def call(self, args: pmocks.MockCallArgs) -> Any:
        """Answer provider functions the program may call."""
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/ci", "userId": "AIDAEXAMPLE"}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com"}
        if args.token == "aws:index/getRegion:getRegion":
            region = args.args.get("region") or self.default_region
            return {"name": region, "region": region}
        if args.token == HEALTH_CHECKS_INVOKE:
            return self._plan_health_checks(args)
        raise NotImplementedError(f"no mock for invoke {args.token}; avoid invokes the engine cannot preview")

    # ------------------------------------------------------------------------------------------ resources
    def new_resource(self, args: pmocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        """Return an id and the state AWS would report after create."""
        self.registered.append(args)
        inputs = dict(args.inputs)
        if args.typ == STACK_REFERENCE:
            name = str(inputs.get("name", args.name))
            short = name.rsplit("/", 1)[-1]
            outputs = self.peer_outputs.get(name, self.peer_outputs.get(short, {}))
            return name, {"name": name, "outputs": outputs, "secretOutputNames": []}
        if args.custom:
            self._enforce(args.typ, args.name, inputs)
        if args.custom and args.resource_id:
            return self._imported(args, inputs)
        if self.preview or not args.custom:
            return (None if self.preview else f"{args.name}-component"), inputs
        if args.typ == PLAN:
            return self._plan(args.name, inputs)
        computed = self._computed(args.typ, args.name, inputs)
        rid = computed.pop("__id", None) or f"{args.name}-{_hex(args.typ, args.name, n=8)}"
        return rid, {**inputs, **computed}

    # ------------------------------------------------------------------------------------------ import
    def _imported(self, args: pmocks.MockResourceArgs, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Pulumi's `import` option: the engine reads the existing resource by id, in preview as in update.

        The id is the import id and the state is the existing resource's (so, unlike a create, nothing is unknown
        in preview). With `existing` given, an id it lacks is refused as the provider's read would, and the declared
        inputs that differ are recorded in `imports[name]["diff"]` (an older CLI refuses such an import, a current
        one imports and then updates them).
        """
        rid = str(args.resource_id)
        found = None if self.existing is None else self.existing.get((args.typ, rid))
        if self.existing is not None and found is None:
            raise ValueError(f"import of {args.typ} {rid!r} ({args.name}): no such resource in the account")
        state = dict(found or {})
        diff = sorted(k for k, v in inputs.items() if k in state and state[k] != v)
        self.imports[args.name] = {"type": args.typ, "id": rid, "diff": diff}
        computed = self._computed(args.typ, args.name, inputs)
        computed.pop("__id", None)
        region = inputs.get("region") or self.default_region
        if args.typ == "aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber":
            self.sms_numbers.pop(computed["arn"], None)
            computed["arn"] = f"arn:aws:sms-voice:{region}:{ACCOUNT_ID}:phone-number/{rid}"
            computed["status"] = state.get("status", "ACTIVE")  # a number the account already holds
            self.sms_numbers[computed["arn"]] = {"status": computed["status"],
                                                 "isoCountryCode": inputs.get("isoCountryCode"),
                                                 "messageType": inputs.get("messageType")}  # fmt: skip
        elif args.typ == "aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool":
            computed["arn"] = f"arn:aws:sms-voice:{region}:{ACCOUNT_ID}:pool/{rid}"
        return rid, {**state, **inputs, **computed}  # after the import, the declared inputs are the state

    # ------------------------------------------------------------------------------- ARC Region switch
    def _plan(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A plan validated like the API; ARN `arn:aws:arc-region-switch::<account>:plan/<name>:<6 chars>`."""
        problems = check_plan(inputs)
        if problems:
            raise ValueError(f"ValidationException: {problems[0]}")
        arn = f"arn:aws:arc-region-switch::{ACCOUNT_ID}:plan/{inputs['name']}:{_hex(name, n=6)}"
        self.plans[arn] = ACCOUNT_PLANS[arn] = inputs
        return arn, {**inputs, "arn": arn, "owner": ACCOUNT_ID, "tagsAll": inputs.get("tags", {})}

    def _plan_health_checks(self, args: pmocks.MockCallArgs) -> dict[str, Any]:
        """`get_route53_health_checks`: one check per (Route 53 step record name, region of the plan).

        Refuses an ARN that is not a plan ARN or a plan that does not exist, as the service does.
        """
        arn = str(args.args.get("planArn", ""))
        if not PLAN_ARN_RE.match(arn):
            raise ValueError(f"ValidationException: {arn!r} is not a Region switch plan ARN")
        plan = self.plans.get(arn) or ACCOUNT_PLANS.get(arn)
        if plan is None:
            raise ValueError(f"ResourceNotFoundException: plan {arn} does not exist")
        checks: list[dict[str, Any]] = []
        for workflow in plan.get("workflows") or []:
            for step in workflow.get("steps") or []:
                for cfg in step.get("route53HealthCheckConfigs") or []:
                    for region in plan["regions"]:
                        h = _hex(arn, cfg["recordName"], region, n=32)
                        entry = {"hostedZoneId": cfg["hostedZoneId"], "recordName": cfg["recordName"],
                                 "region": region, "status": "healthy" if self.allocated else "unknown"}  # fmt: skip
                        if self.allocated:
                            entry["healthCheckId"] = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
                        if entry not in checks:
                            checks.append(entry)
        return {"planArn": arn, "healthChecks": checks, "region": args.args.get("region") or self.default_region}

    def _computed(self, typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        region = inputs.get("region") or self.default_region
        service = _service_of(typ)
        out: dict[str, Any] = {"region": region} if "region" in inputs else {}
        kind = typ.split(":")[-1]

        if typ == constraints.DYNAMIC and inputs.get("kind") == constraints.DEED_KIND:
            # What CreateEmailIdentity answers for a DEED replica: the parent's tokens (deterministic across regions)
            # and signing zone; the provider's own translation makes the outputs (components/deed_identity.py).
            ident = inputs["emailIdentity"]
            parent = constraints.deed_parent_region(inputs.get("signingAttributesOrigin")) or region
            answer = {
                "IdentityType": "DOMAIN",
                "VerifiedForSendingStatus": False,
                "DkimAttributes": {
                    "SigningEnabled": True,
                    "Status": "PENDING",
                    "Tokens": [_hex(parent, ident, str(i)) for i in range(3)],
                    "SigningAttributesOrigin": inputs.get("signingAttributesOrigin"),
                    "SigningHostedZone": dkim_signing_domain(parent),
                },
            }
            arn = f"arn:aws:ses:{region}:{ACCOUNT_ID}:identity/{ident}"
            return {**deed_state(inputs, answer, arn), "__id": ident}
        if typ == "aws:sesv2/emailIdentity:EmailIdentity":
            ident = inputs["emailIdentity"]
            out["arn"] = f"arn:aws:ses:{region}:{ACCOUNT_ID}:identity/{ident}"
            out["identityType"] = "DOMAIN" if "@" not in ident else "EMAIL_ADDRESS"
            out["verifiedForSendingStatus"] = False
            out["dkimSigningAttributes"] = {
                **(inputs.get("dkimSigningAttributes") or {}),
                "tokens": [_hex(region, ident, str(i)) for i in range(3)],
                "status": "PENDING",
                "signingAttributesOrigin": "AWS_SES",
                "currentSigningKeyLength": "RSA_2048_BIT",
            }
            out["__id"] = ident
        elif typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or f"{name}-{_hex(name, n=7)}"
            out.update(
                bucket=bucket,
                arn=f"arn:aws:s3:::{bucket}",
                bucketDomainName=f"{bucket}.s3.amazonaws.com",
                bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com",
                __id=bucket,
            )
        elif typ == "aws:dynamodb/table:Table":
            tname = inputs.get("name", name)
            arn = f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{tname}"
            out.update(arn=arn, __id=tname)
            if inputs.get("streamEnabled"):
                out["streamLabel"] = "2026-11-24T00:00:00.000"
                out["streamArn"] = f"{arn}/stream/2026-11-24T00:00:00.000"
            out["replicas"] = [
                {**r, "arn": f"arn:aws:dynamodb:{r['regionName']}:{ACCOUNT_ID}:table/{tname}"}
                for r in inputs.get("replicas") or []
            ]
        elif typ == "aws:apigateway/domainName:DomainName":
            out.update(
                regionalDomainName=f"d-{_hex(region, name, n=10)}.execute-api.{region}.amazonaws.com",
                regionalZoneId=APIGW_REGIONAL_ZONE_IDS.get(region, "Z1UJRXOUMOOFQ8"),
                arn=f"arn:aws:apigateway:{region}::/domainnames/{inputs.get('domainName')}",
                __id=inputs.get("domainName"),
            )
        elif typ == "aws:apigateway/restApi:RestApi":
            api_id = _hex(name, region, n=10)
            out.update(
                rootResourceId=_hex(name, "root", n=10),
                executionArn=f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{api_id}",
                arn=f"arn:aws:apigateway:{region}::/restapis/{api_id}",
                __id=api_id,
            )
        elif typ == "aws:lambda/function:Function":
            fname = inputs.get("name", name)
            arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{fname}"
            out.update(
                arn=arn, qualifiedArn=f"{arn}:1", version="1",
                invokeArn=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations",
            )  # fmt: skip
        elif typ == "aws:apigateway/stage:Stage":
            api_id = inputs.get("restApi", "")
            stage = inputs.get("stageName", "")
            out.update(
                invokeUrl=f"https://{api_id}.execute-api.{region}.amazonaws.com/{stage}",
                executionArn=f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{api_id}/{stage}",
                arn=f"arn:aws:apigateway:{region}::/restapis/{api_id}/stages/{stage}",
            )
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            out.update(arn=f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{inputs.get('name', name)}")
        elif typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            aname = inputs.get("name", name)
            out.update(arn=f"arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{aname}", __id=aname)
        elif typ == "aws:cloudwatch/compositeAlarm:CompositeAlarm":
            aname = inputs.get("alarmName", name)
            out.update(arn=f"arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{aname}", __id=aname)
        elif typ == "aws:route53/healthCheck:HealthCheck":
            h = _hex(name, n=32)
            hc = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"  # Route 53 health check ids are UUIDs
            out.update(arn=f"arn:aws:route53:::healthcheck/{hc}", __id=hc)
        elif typ == "aws:route53/record:Record":
            out.update(fqdn=inputs.get("name"))
        elif typ == "aws:iam/role:Role":
            rname = inputs.get("name", name)
            out.update(
                arn=f"arn:aws:iam::{ACCOUNT_ID}:role/{rname}", uniqueId=f"AROA{_hex(name, n=17).upper()}", __id=rname
            )
        elif typ == "aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber":
            pid = f"phone-{_hex(name, region)}"
            digits = str(int(_hex(name, region, n=8), 16))[-7:].rjust(7, "0")
            out.update(
                arn=f"arn:aws:sms-voice:{region}:{ACCOUNT_ID}:phone-number/{pid}",
                phoneNumber=f"+1888{digits}", monthlyLeasingPrice="2.00", __id=pid,
                # A later `pulumi up`: numbers the account already holds ACTIVE (registration approved) are named
                # in `active_numbers`; a fresh request of a gated number is PENDING for days.
                status="ACTIVE" if name in self.active_numbers else constraints.number_status(inputs),
            )  # fmt: skip
            self.sms_numbers[out["arn"]] = {
                "status": out["status"],
                "isoCountryCode": inputs.get("isoCountryCode"),
                "messageType": inputs.get("messageType"),
            }
        elif typ == "aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool":
            pid = f"pool-{_hex(name, region)}"
            out.update(arn=f"arn:aws:sms-voice:{region}:{ACCOUNT_ID}:pool/{pid}", __id=pid)
        elif typ == "aws:cloudfront/distribution:Distribution":
            did = "E" + _hex(name, n=13).upper()
            out.update(
                arn=f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/{did}",
                domainName=f"d{_hex(name, n=13)}.cloudfront.net", hostedZoneId=CLOUDFRONT_ZONE_ID, __id=did,
            )  # fmt: skip
        elif typ == constraints.DEDICATED_IP_POOL:
            pool = inputs.get("poolName", name)
            out.update(arn=f"arn:aws:ses:{region}:{ACCOUNT_ID}:dedicated-ip-pool/{pool}",
                       scalingMode=inputs.get("scalingMode") or "STANDARD", __id=pool)  # fmt: skip
        elif typ == constraints.DEDICATED_IP_ASSIGNMENT:
            out.update(__id=f"{inputs.get('ip')},{inputs.get('destinationPoolName')}")
        elif typ == constraints.FIREHOSE:
            stream = inputs.get("name", name)
            out.update(arn=f"arn:aws:firehose:{region}:{ACCOUNT_ID}:deliverystream/{stream}", __id=stream)
        elif typ == constraints.USER_POOL:
            # CreateUserPool answers an id `<region>_<9 alphanumerics>` and the pool's ARN (botocore UserPoolIdType).
            pool_id = f"{region}_{_hex(name, region, n=9)}"
            out.update(
                arn=f"arn:aws:cognito-idp:{region}:{ACCOUNT_ID}:userpool/{pool_id}",
                endpoint=f"cognito-idp.{region}.amazonaws.com/{pool_id}", __id=pool_id,
            )  # fmt: skip
        elif typ == constraints.USER_POOL_CLIENT:
            out.update(__id=_hex(name, region, n=26))  # ClientIdType: 1-128 [\w+]; AWS issues 26 characters
            if inputs.get("generateSecret"):
                out["clientSecret"] = _hex(name, "secret", n=51)
        elif typ == constraints.USER_POOL_DOMAIN:
            out.update(cloudfrontDistribution=f"d{_hex(name, n=13)}.cloudfront.net",
                       cloudfrontDistributionZoneId=CLOUDFRONT_ZONE_ID, __id=inputs.get("domain"))  # fmt: skip
        elif typ == constraints.MRE:
            route = ((inputs.get("details") or {}).get("routesDetails") or {}).get("region")
            out.update(
                endpointId=f"{_hex(name, n=5)}.{_hex(name, 'x', n=5)}",
                arn=f"arn:aws:ses:{region}:{ACCOUNT_ID}:multi-region-endpoint/{inputs.get('endpointName')}",
                routes=[{"region": r} for r in (region, route) if r],  # the endpoint's region and its one route
                tagsAll=inputs.get("tags", {}),
                __id=inputs.get("endpointName"),
            )
        if "arn" not in out and service not in {"route53", "s3"} and not kind.endswith("Policy"):
            rname = inputs.get("name") or inputs.get("configurationSetName") or name
            if service == "iam":
                out["arn"] = f"arn:aws:iam::{ACCOUNT_ID}:{kind[0].lower() + kind[1:]}/{rname}"
            else:
                out["arn"] = f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{kind[0].lower() + kind[1:]}/{rname}"
        return out
