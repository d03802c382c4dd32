"""Regional API Gateway + Lambda + custom domain of this half.

Both stacks build this component from the same code and the same `api` declaration, so the two regions serve
the same function (code, runtime, memory, timeout) behind the same custom domain name, each with its own
regional ACM certificate. The custom domain's *regional* domain name and hosted zone id are what Route 53 alias
records point at (see `components/routing.py`); the secondary exports them in its parity manifest so the
primary can build the SECONDARY failover record without looking anything up.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.app_state import AppStateStore
from regionpair.components.declaration import Pair
from regionpair.components.logged_function import LoggedFunctionArgs, logged_function
from regionpair.components.state_model import (
    KEY_ATTRIBUTE,
    arn_parts,
    state_table_name,
)

LAMBDA_SOURCE = Path(__file__).resolve().parent / "lambda_src" / "app.py"
"""The handler file, found next to this module (not via cwd: `pulumi up` may run from anywhere)."""
HANDLER = "app.handler"
STATE_KEY_ATTRIBUTE = KEY_ATTRIBUTE
"""Hash key of the app-state item (seed 001 keys its `AppConfigTable` by `AppId`)."""

# One proxy resource plus the root: every path reaches the function, which routes itself (lambda_src/app.py).
_ROUTES: tuple[tuple[str, str | None], ...] = (("root", None), ("proxy", "{proxy+}"))
_METHOD = "ANY"


@dataclass
class RegionalApiArgs:
    """Inputs of `RegionalApi`."""

    pair: Pair
    """The validated pair; `pair.shared.api` must be set and this half must have a certificate ARN."""
    app_state: AppStateStore | None = None
    """The app-state store of this half; when declared, the function may read its item (`GET /state`)."""


class RegionalApi(pulumi.ComponentResource):
    """Regional REST API, its Lambda function and the custom domain, in this stack's region.

    `manifest` (the parity manifest's `api` section): `domainName`, `regionalDomainName`, `regionalZoneId`,
    `region`, `runtime`, `memoryMb`, `timeoutSeconds`, `stage`, `functionName`, `restApiId`, `invokeUrl`,
    `codeSha256` (of the handler source, identical in both regions when they run the same version).
    """

    regional_domain_name: pulumi.Output[str]
    """The custom domain's regional endpoint (`d-....execute-api.<region>.amazonaws.com`): the alias target."""
    regional_zone_id: pulumi.Output[str]
    """Route 53 hosted zone id of API Gateway's regional endpoints in this region."""
    invoke_url: pulumi.Output[str]
    """The stage's default `execute-api` URL (bypasses the custom domain: for smoke tests)."""
    rest_api_id: pulumi.Output[str]
    """Id of the REST API; `{id}.execute-api.<region>.amazonaws.com` answers without the custom domain."""
    api_name: str
    """Name of the REST API (the `ApiName` dimension of its CloudWatch metrics, used by `signals.py`)."""
    function_name: str
    """Physical name of the function (region included): the `FunctionName` metric dimension."""
    stage_name: str
    manifest: dict[str, Any]

    def __init__(self, name: str, args: RegionalApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:api:RegionalApi", name, None, opts)
        pair = args.pair
        api = pair.shared.api
        if api is None or pair.this.certificate_arn is None:
            raise ValueError("RegionalApi needs pair.shared.api and this half's certificateArn (validated upstream)")
        region = pair.this.region
        settings = api.lambda_
        partition, account = arn_parts(pair.this.certificate_arn)
        child = pulumi.ResourceOptions(parent=self)
        tags = {**pair.shared.tags, "regionpair:pair": pair.shared.name, "regionpair:role": pair.this_role.value}

        # IAM is global and both stacks create a role: the region in the name keeps them apart.
        self.function_name = pair.physical_name("api", pair.this_role)
        self.stage_name = api.stage_name
        self.api_name = pair.physical_name("api")
        statements: list[dict[str, Any]] = []
        table = state_table_name(pair)
        env: dict[str, pulumi.Input[str]] = {"PAIR": pair.shared.name, "ROLE": pair.this_role.value}
        if table and pair.shared.app_state:
            # The replica in THIS region: after failover the standby reads its own copy.
            statements.append(
                {
                    "Sid": "ReadAppState",
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem"],
                    "Resource": f"arn:{partition}:dynamodb:{region}:{account}:table/{table}",
                }
            )
            env.update(TABLE_NAME=table, APP_ID=pair.shared.app_state.app_id, STATE_KEY=STATE_KEY_ATTRIBUTE)
        code_sha256 = hashlib.sha256(LAMBDA_SOURCE.read_bytes()).hexdigest()
        function = logged_function(
            name,
            LoggedFunctionArgs(
                function_name=self.function_name, region=region, source=LAMBDA_SOURCE, handler=HANDLER,
                runtime=settings.runtime, timeout=settings.timeout_seconds, memory_size=settings.memory_mb,
                description=f"{pair.shared.name} regional API ({pair.this_role.value}, {region})",
                role_description=f"Lambda execution role of the {pair.shared.name} API in {region}",
                statements=lambda _role: statements, environment=env, tags=tags, policy_suffix="role-policy",
            ),
            self,
        )  # fmt: skip

        rest_api = aws.apigateway.RestApi(
            f"{name}-rest",
            name=self.api_name,
            description=f"{pair.shared.name} API, regional endpoint in {region}",
            endpoint_configuration={"types": "REGIONAL"},
            region=region,
            tags=tags,
            opts=child,
        )
        wiring: list[pulumi.CustomResource] = []
        for label, path_part in _ROUTES:
            resource_id: pulumi.Input[str]
            if path_part is None:
                resource_id = rest_api.root_resource_id
            else:
                resource = aws.apigateway.Resource(
                    f"{name}-{label}",
                    rest_api=rest_api.id,
                    parent_id=rest_api.root_resource_id,
                    path_part=path_part,
                    region=region,
                    opts=child,
                )
                resource_id = resource.id
                wiring.append(resource)
            method = aws.apigateway.Method(
                f"{name}-{label}-method",
                rest_api=rest_api.id,
                resource_id=resource_id,
                http_method=_METHOD,
                authorization="NONE",
                region=region,
                opts=child,
            )
            integration = aws.apigateway.Integration(
                f"{name}-{label}-integration",
                rest_api=rest_api.id,
                resource_id=resource_id,
                http_method=method.http_method,
                type="AWS_PROXY",
                integration_http_method="POST",  # Lambda is always invoked with POST, whatever the client used
                uri=function.invoke_arn,
                region=region,
                opts=child,
            )
            wiring += [method, integration]

        # A deployment is a snapshot: without a trigger, changed methods/integrations would never go live.
        redeploy = pulumi.Output.json_dumps(
            [_ROUTES, _METHOD, *[r.id for r in wiring], function.invoke_arn]
        ).apply(lambda s: hashlib.sha256(s.encode()).hexdigest())
        deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=rest_api.id,
            description=f"{pair.shared.name} API in {region}",
            triggers={"redeployment": redeploy},
            region=region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=wiring),
        )
        stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=rest_api.id,
            deployment=deployment.id,
            stage_name=api.stage_name,
            region=region,
            tags=tags,
            opts=child,
        )
        aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="apigateway.amazonaws.com",
            # Only this API's stage may invoke the function (any method, any path).
            source_arn=pulumi.Output.concat(rest_api.execution_arn, f"/{api.stage_name}/*/*"),
            region=region,
            opts=child,
        )

        domain = aws.apigateway.DomainName(
            f"{name}-domain",
            domain_name=api.domain_name,
            regional_certificate_arn=pair.this.certificate_arn,
            endpoint_configuration={"types": "REGIONAL"},
            security_policy="TLS_1_2",
            region=region,
            tags=tags,
            opts=child,
        )
        aws.apigateway.BasePathMapping(
            f"{name}-mapping",
            domain_name=domain.domain_name,
            rest_api=rest_api.id,
            stage_name=stage.stage_name,
            region=region,
            opts=child,
        )

        self.regional_domain_name = domain.regional_domain_name
        self.regional_zone_id = domain.regional_zone_id
        self.invoke_url = stage.invoke_url
        self.rest_api_id = rest_api.id
        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "domainName": api.domain_name,
                "regionalDomainName": domain.regional_domain_name,
                "regionalZoneId": domain.regional_zone_id,
                "region": region,
                "runtime": settings.runtime,
                "memoryMb": settings.memory_mb,
                "timeoutSeconds": settings.timeout_seconds,
                "stage": api.stage_name,
                "functionName": self.function_name,
                "functionArn": function.arn,
                "restApiId": rest_api.id,
                "invokeUrl": stage.invoke_url,
                "codeSha256": code_sha256,
            }
        )
        self.register_outputs(
            {
                "regionalDomainName": self.regional_domain_name,
                "regionalZoneId": self.regional_zone_id,
                "invokeUrl": self.invoke_url,
                "manifest": self.manifest,
            }
        )
