"""Regional API Gateway + Lambda + custom domain of this half, or the existing endpoint the half names.

Both stacks build `RegionalApi` from the same code and the same `api` declaration, so the two regions serve
the same function (code, handler, runtime, architecture, memory, timeout, environment keys, layers) behind the
same custom domain name, each with its own regional ACM certificate. The function deploys your code
(`api.lambda.code`) or the bundled example; its `source_code_hash` input is the code's content hash
(components/lambda_code.py), so the parity policy sees two versions as different inputs, in preview too.
The custom domain's *regional* domain name and hosted zone id are what Route 53 alias records point at (see
`components/routing.py`); the secondary exports them in its parity manifest so the primary can build the
SECONDARY failover record without looking anything up.

With `api.endpoints: existing`, `ExistingApi` stands in its place: no resource, only the existing endpoint's
alias target and what to probe, registered as the component's inputs so the policy pack sees them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components import lambda_code
from regionpair.components.app_state import AppStateStore
from regionpair.components.declaration import DeclarationError, Pair
from regionpair.components.declaration.api import layer_for_region, layer_name
from regionpair.components.logged_function import LoggedFunctionArgs, logged_function
from regionpair.components.state_model import (
    KEY_ATTRIBUTE,
    arn_parts,
    state_table_name,
)

LAMBDA_SOURCE = lambda_code.BUNDLED_SOURCE
"""The bundled example's handler file, found next to this module (not via cwd: `pulumi up` may run from anywhere)."""
HANDLER = "app.handler"
STATE_KEY_ATTRIBUTE = KEY_ATTRIBUTE
"""Hash key of the app-state item (the architecture guide keys its `AppConfigTable` by `AppId`)."""

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
    config_dir: Path | None = None
    """The directory the pair was loaded from (`api.lambda.code` is relative to its pair.yaml); default: the
    working directory, which `pulumi up` sets to the project's."""


class RegionalApi(pulumi.ComponentResource):
    """Regional REST API, its Lambda function and the custom domain, in this stack's region.

    `manifest` (the parity manifest's `api` section): `domainName`, `regionalDomainName`, `regionalZoneId`,
    `region`, `runtime`, `handler`, `architecture`, `memoryMb`, `timeoutSeconds`, `reservedConcurrency`,
    `environmentKeys`, `layers` (the name of each: ARNs and versions are regional), `code` (bundled, directory or
    zip), `stage`, `functionName`, `restApiId`, `invokeUrl`, `codeSha256` (the function's `source_code_hash`
    input: identical in both regions when they run the same code).
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
        region = self._region = pair.this.region
        settings = api.lambda_
        if settings is None:
            raise ValueError("RegionalApi builds api.lambda; with api.endpoints: existing use ExistingApi")
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
        # Checked at the program's edge (lambda_code.check); a library user calling this directly gets the same
        # message as an exception.
        try:
            code = lambda_code.resolve(settings, lambda_code.base_dir(pair, args.config_dir or Path.cwd()))
        except lambda_code.CodeError as err:
            raise DeclarationError(f"{Path(pair.this.declaration).name} api.lambda.code", str(err)) from None
        half = pair.this.lambda_
        user_env = {**settings.environment, **(half.environment if half else {})}
        env.update(user_env)
        layers = (half.layers if half and half.layers is not None
                  else [layer_for_region(arn, region) for arn in settings.layers])  # fmt: skip
        function = logged_function(
            name,
            LoggedFunctionArgs(
                function_name=self.function_name, region=region, source=LAMBDA_SOURCE,
                handler=settings.effective_handler, runtime=settings.runtime, timeout=settings.timeout_seconds,
                memory_size=settings.memory_mb,
                description=f"{pair.shared.name} regional API ({pair.this_role.value}, {region})",
                role_description=f"Lambda execution role of the {pair.shared.name} API in {region}",
                statements=lambda _role: statements, environment=env, tags=tags, policy_suffix="role-policy",
                code=_archive(code), source_code_hash=code.source_code_hash,
                architectures=[settings.architecture.value], layers=layers or None,
                reserved_concurrent_executions=settings.reserved_concurrency,
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
        self._stage_path = f"/{api.stage_name}"
        self.manifest = (  # a dict of Output leaves, kept known leaf by leaf in preview
            {
                "domainName": api.domain_name,
                "regionalDomainName": domain.regional_domain_name,
                "regionalZoneId": domain.regional_zone_id,
                "region": region,
                "runtime": settings.runtime,
                "handler": settings.effective_handler,
                "architecture": settings.architecture.value,
                "memoryMb": settings.memory_mb,
                "timeoutSeconds": settings.timeout_seconds,
                "reservedConcurrency": settings.reserved_concurrency,
                "environmentKeys": sorted(env),
                "layers": [layer_name(arn) for arn in layers],
                "code": code.kind,
                "stage": api.stage_name,
                "functionName": self.function_name,
                "functionArn": function.arn,
                "restApiId": rest_api.id,
                "invokeUrl": stage.invoke_url,
                "codeSha256": code.source_code_hash,
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

    def health_target(self, path: str) -> tuple[pulumi.Input[str], str, int]:
        """(host, path, port) an HTTPS health check of this region probes: the REST API's own host, the stage.

        Not the custom domain's regional name: API Gateway routes custom-domain traffic by SNI/Host, so a request
        addressed to `d-....execute-api...` is refused, and the public name resolves to whichever region is healthy.
        """
        host = pulumi.Output.concat(self.rest_api_id, f".execute-api.{self._region}.amazonaws.com")
        return host, f"{self._stage_path}/{path.lstrip('/')}", 443


def _archive(code: lambda_code.Code) -> pulumi.Archive:
    """The deployment package: the files hashed (bundled, directory), or the .zip as it is."""
    if code.kind == "zip":
        return pulumi.FileArchive(str(code.path))
    return pulumi.AssetArchive({name: pulumi.FileAsset(str(file)) for name, file in code.files})


@dataclass
class ExistingApiArgs:
    """Inputs of `ExistingApi`."""

    pair: Pair
    """The validated pair; `pair.this.endpoint` names this region's endpoint (`api.endpoints: existing`)."""


class ExistingApi(pulumi.ComponentResource):
    """The existing API Gateway REST/HTTP API or ALB of this region, as routing, health checks and signals need it.

    No child resource: the endpoint is yours. Its declaration is the component's inputs (what the policy pack
    reads); `manifest` is the parity manifest's `api` section: `domainName`, `regionalDomainName`,
    `regionalZoneId`, `region`, `endpointType`, `healthCheck` ({`fqdn`, `path`, `port`}), and None for what the
    pair does not deploy (`runtime`, `memoryMb`, `timeoutSeconds`, `functionName`, `codeSha256`).
    """

    regional_domain_name: pulumi.Output[str]
    """The alias target, as the stack file gives it."""
    regional_zone_id: pulumi.Output[str]
    manifest: dict[str, Any]

    def __init__(self, name: str, args: ExistingApiArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        pair = args.pair
        endpoint = pair.this.endpoint
        if pair.shared.api is None or endpoint is None:
            raise ValueError("ExistingApi needs pair.shared.api and this half's regionpair:endpoint (validated)")
        declared = endpoint.model_dump(mode="json", by_alias=True, exclude_none=True)
        super().__init__("regionpair:api:ExistingApi", name, {"endpoint": declared, "region": pair.this.region}, opts)
        self._endpoint = endpoint
        self.regional_domain_name = pulumi.Output.from_input(endpoint.domain_name)
        self.regional_zone_id = pulumi.Output.from_input(endpoint.hosted_zone_id)
        host, path, port = self.health_target(endpoint.health_check.path)
        self.manifest = {
            "domainName": pair.shared.api.domain_name,
            "regionalDomainName": endpoint.domain_name,
            "regionalZoneId": endpoint.hosted_zone_id,
            "region": pair.this.region,
            "endpointType": endpoint.type.value,
            "healthCheck": {"fqdn": host, "path": path, "port": port},
            "runtime": None,
            "memoryMb": None,
            "timeoutSeconds": None,
            "functionName": None,
            "codeSha256": None,
        }
        self.register_outputs({"manifest": self.manifest})

    def health_target(self, path: str) -> tuple[pulumi.Input[str], str, int]:
        """(host, path, port) an HTTPS health check probes: the stack file's `healthCheck` (path given there)."""
        del path  # the endpoint's own path wins: an existing API's routes are its own
        check = self._endpoint.health_check
        return check.fqdn or self._endpoint.domain_name, check.path, check.port
