"""`api:` of pair.yaml (the regional API and its function) and what each stack file says about its half of it.

Shared (pair.yaml): the public name, and either the function both regions run (`api.lambda`: your code or the
bundled example, handler, runtime, architecture, memory, timeout, reserved concurrency, environment, layers) or
`api.endpoints: existing` (each region already has an API Gateway REST/HTTP API or an ALB; the pair builds only
routing, health checks and signals in front of them). Per half (its stack file): `regionpair:endpoint` (the
existing endpoint of that region) and `regionpair:lambda` (the region's environment values and layer ARNs, which
are regional). Nothing here reads a file: whether the code exists is checked at the program's edge
(`components/lambda_code.py`), because the policy pack rebuilds this model where the code is not.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from regionpair.components import constraints
from regionpair.components.declaration.base import (
    _ZONE_ID_RE,
    DomainName,
    ResourceName,
    _Model,
    duplicates,
)

# Runtimes a new function may use, by family (how the handler names a file): the table of what Lambda and the
# provider accept lives in components/constraints.py (LAMBDA_RUNTIMES, with its source), enforced by the mocks.
RUNTIMES: dict[str, str] = {r: re.match(r"[a-z]+", r).group(0) for r in constraints.LAMBDA_RUNTIMES}  # type: ignore[union-attr]
DEPRECATED_RUNTIMES = (
    "dotnet6", "nodejs18.x", "python3.9", "dotnet5.0", "dotnet7", "dotnetcore2.1", "dotnetcore3.1", "go1.x",
    "java8", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "provided", "python2.7", "python3.6",
    "python3.7", "python3.8", "ruby2.5", "ruby2.7",
)  # fmt: skip
"""In the SDK enum but deprecated by AWS Lambda (creating a function with them is or will soon be blocked)."""
HANDLER_FILES: dict[str, tuple[str, ...]] = {
    "python": (".py",),
    "nodejs": (".js", ".mjs", ".cjs"),
    "ruby": (".rb",),
}
"""Families whose handler `<path>.<function>` names a source file we can look for; Java, .NET and custom runtimes
name a class or leave it to `bootstrap` (possibly in a layer): not checkable."""
BUNDLED_HANDLER = "app.handler"
"""The bundled example (components/lambda_src/app.py): a Python handler."""

# Lambda's environment: keys start with a letter, then letters, digits, underscores (Lambda API reference,
# Environment: "[a-zA-Z]([a-zA-Z0-9_])+"); 4 KB for all variables together (Lambda quotas); the runtime's
# reserved variables cannot be set (Lambda Developer Guide, "Defined runtime environment variables").
ENV_KEY_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]+$")
ENV_MAX_BYTES = 4096
RESERVED_ENV_KEYS = frozenset(
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    }
)  # fmt: skip
PAIR_ENV_KEYS = frozenset({"PAIR", "ROLE", "TABLE_NAME", "APP_ID", "STATE_KEY"})
"""Set by the pair on every API function (components/api.py): the region's role and its app-state item."""
MAX_LAYERS = 5
"""Lambda quotas: at most five layers per function."""
REGION_PLACEHOLDER = "{region}"
LAYER_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+|\{region\}):(?P<account>\d{12}):layer:(?P<name>[A-Za-z0-9_-]{1,140})"
    r":(?P<version>\d+)$"
)
HANDLER_RE = re.compile(r"^[^\s]{1,128}$")
"""Lambda API reference, CreateFunction Handler: up to 128 characters, no whitespace."""


class Architecture(StrEnum):
    """Instruction set of the function (Lambda `Architectures`: one of them)."""

    X86_64 = "x86_64"
    ARM64 = "arm64"


class Endpoints(StrEnum):
    """Who provides the regional endpoints behind the public name."""

    BUILD = "build"
    """The pair builds an API Gateway REST API, the function and the custom domain in each region."""
    EXISTING = "existing"
    """Each region already has one; its stack file names it (`regionpair:endpoint`)."""


def environment_values(v: Any) -> Any:
    """YAML scalars as the strings Lambda takes; booleans refused (YAML reads yes/no/on/off as booleans)."""
    if not isinstance(v, dict):
        return v
    out: dict[Any, Any] = {}
    for key, value in v.items():
        if isinstance(value, bool):
            raise ValueError(
                f"{key}: {value!r} was read as a boolean (YAML reads yes/no/on/off/true/false so); quote it as you "
                f'wrote it, e.g. {key}: "{"yes" if value else "no"}" or {key}: "{str(value).lower()}"'
            )
        out[key] = str(value) if isinstance(value, (int, float)) else value
    return out


def check_environment_keys(env: dict[str, str]) -> None:
    """Keys Lambda accepts and the pair does not set itself."""
    for key in env:
        if not ENV_KEY_RE.match(key):
            raise ValueError(
                f"{key!r} is not a Lambda environment variable name; start with a letter, then letters, digits or "
                "underscores (at least two characters)"
            )
        if key in RESERVED_ENV_KEYS:
            raise ValueError(f"{key} is reserved by the Lambda runtime and cannot be set; rename it")
        if key in PAIR_ENV_KEYS:
            raise ValueError(
                f"{key} is set by the pair itself ({', '.join(sorted(PAIR_ENV_KEYS))}); rename your variable"
            )


def env_size(env: dict[str, str]) -> int:
    """Bytes Lambda counts against its 4 KB environment quota (keys and values)."""
    return sum(len(k.encode()) + len(v.encode()) for k, v in env.items())


class LambdaSettings(_Model):
    """The regional API's function; the same code and settings in both regions."""

    code: str | None = None
    """Your function's code: a directory or a .zip archive, relative to the directory of pair.yaml. Unset: the
    bundled example (components/lambda_src/app.py)."""
    handler: str | None = None
    """Required with `code`, e.g. `index.handler` (Node.js), `app.handler` (Python), a class for Java/.NET."""
    runtime: str = "python3.12"
    architecture: Architecture = Architecture.X86_64
    memory_mb: int = Field(256, ge=128, le=10_240)
    timeout_seconds: int = Field(10, ge=1, le=29)
    """At most 29 s: API Gateway's integration timeout."""
    reserved_concurrency: int | None = Field(None, ge=1)
    """Concurrency reserved for the function in each region; unset: it shares the account's unreserved pool."""
    environment: dict[str, str] = Field(default_factory=dict)
    """Variables of the function, the same keys in both regions; a stack file may give its region's values
    (`regionpair:lambda.environment`)."""
    layers: list[str] = Field(default_factory=list)
    """Layer version ARNs with `{region}` in place of the region (the same layer published in each region under
    the same account, name and version), or set per half in the stack files (`regionpair:lambda.layers`)."""

    @field_validator("runtime")
    @classmethod
    def _runtime(cls, v: str, info: ValidationInfo) -> str:
        if v in DEPRECATED_RUNTIMES:
            raise ValueError(
                f"{v} is deprecated by AWS Lambda (new functions are refused); use a current one, e.g. {_successor(v)}"
            )
        if v not in RUNTIMES:
            raise ValueError(f"{v!r} is not a Lambda runtime; use one of {', '.join(RUNTIMES)}")
        if info.data.get("code") is None and RUNTIMES[v] != "python" and "code" in info.data:
            raise ValueError(
                f"{v} is not a supported runtime for the bundled example (Python); set api.lambda.code to your "
                "function's directory or .zip, and its handler"
            )
        return v

    @field_validator("code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.strip():
            raise ValueError("is empty; name a directory or a .zip archive, or remove the key for the bundled example")
        if v.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", v):
            raise ValueError(
                f"{v!r} is an absolute path; write it relative to the directory of pair.yaml, so both stacks and CI "
                "deploy the same code"
            )
        return v

    @field_validator("handler")
    @classmethod
    def _handler(cls, v: str | None) -> str | None:
        if v is not None and not HANDLER_RE.match(v):
            raise ValueError(f"{v!r} is not a Lambda handler: at most 128 characters, no spaces")
        return v

    @field_validator("environment", mode="before")
    @classmethod
    def _env_values(cls, v: Any) -> Any:
        return environment_values(v)

    @field_validator("environment")
    @classmethod
    def _env(cls, v: dict[str, str]) -> dict[str, str]:
        check_environment_keys(v)
        if env_size(v) > ENV_MAX_BYTES:
            raise ValueError(f"holds {env_size(v)} bytes; Lambda allows {ENV_MAX_BYTES} for all variables together")
        return v

    @field_validator("layers")
    @classmethod
    def _layers(cls, v: list[str]) -> list[str]:
        return check_layers(v, placeholder=True)

    @model_validator(mode="after")
    def _code_and_handler(self) -> LambdaSettings:
        family = RUNTIMES[self.runtime]
        if self.code is None:
            if self.handler not in (None, BUNDLED_HANDLER):
                raise ValueError(
                    f"handler {self.handler!r} needs your own code: set code to your function's directory or .zip "
                    f"(the bundled example's handler is {BUNDLED_HANDLER})"
                )
        elif self.handler is None:
            example = {
                "nodejs": "index.handler",
                "ruby": "function.handler",
                "java": "example.Handler::handleRequest",
                "dotnet": "Assembly::Namespace.Class::Method",
                "provided": "bootstrap",
            }.get(family, "app.handler")
            raise ValueError(f"handler: required with code; name the entry point, e.g. {example}")
        elif family in HANDLER_FILES and "." not in self.handler.rsplit("/", 1)[-1]:
            raise ValueError(
                f"handler {self.handler!r} must be <file>.<function> for {self.runtime}, e.g. index.handler"
            )
        return self

    @property
    def effective_handler(self) -> str:
        """The handler Lambda is given."""
        return self.handler or BUNDLED_HANDLER

    @property
    def family(self) -> str:
        """python, nodejs, ruby, java, dotnet or provided."""
        return RUNTIMES[self.runtime]


def _successor(runtime: str) -> str:
    family = re.match(r"[a-z]+", runtime)
    current = [r for r in RUNTIMES if family and r.startswith(family.group(0))]
    return current[-1] if current else "python3.13"


def check_layers(arns: list[str], *, placeholder: bool) -> list[str]:
    """Layer version ARNs, at most five; `{region}` in the region part only where `placeholder`."""
    if len(arns) > MAX_LAYERS:
        raise ValueError(f"lists {len(arns)} layers; Lambda allows at most {MAX_LAYERS} per function")
    for arn in arns:
        m = LAYER_ARN_RE.match(arn)
        if not m:
            raise ValueError(
                f"{arn!r} is not a layer version ARN; write arn:aws:lambda:<region>:<account>:layer:<name>:<version>"
            )
        if m.group("region") == REGION_PLACEHOLDER and not placeholder:
            raise ValueError(f"{arn!r}: write this region's ARN here; {REGION_PLACEHOLDER} is for pair.yaml")
    names = [LAYER_ARN_RE.match(a).group("name") for a in arns]  # type: ignore[union-attr]
    if twice := duplicates(list(names)):
        raise ValueError(f"names layer {twice[0]} twice; list each layer once")
    return arns


def layer_for_region(arn: str, region: str) -> str:
    """A pair.yaml layer ARN in `region` (`{region}` replaced)."""
    return arn.replace(REGION_PLACEHOLDER, region)


def layer_region(arn: str) -> str | None:
    """The region a layer version ARN names, None for the `{region}` placeholder."""
    m = LAYER_ARN_RE.match(arn)
    region = m.group("region") if m else None
    return None if region == REGION_PLACEHOLDER else region


def layer_name(arn: str) -> str:
    """The name of a layer version ARN: the same layer in each region, whatever its version and account there.

    AWS publishes some layers from a different account in some regions.
    """
    m = LAYER_ARN_RE.match(arn)
    return m.group("name") if m else arn


# ------------------------------------------------------------------------------------- per half (stack file)
class HalfLambda(_Model):
    """`regionpair:lambda` of a stack file: what the API's function takes in this region only."""

    environment: dict[str, str] = Field(default_factory=dict)
    """This region's values of variables declared in pair.yaml `api.lambda.environment` (keys must be there)."""
    layers: list[str] | None = None
    """This region's layer version ARNs (layers are regional); both stack files list the same layers."""

    @field_validator("environment", mode="before")
    @classmethod
    def _env_values(cls, v: Any) -> Any:
        return environment_values(v)

    @field_validator("layers")
    @classmethod
    def _layers(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else check_layers(v, placeholder=False)


class EndpointType(StrEnum):
    """What an existing regional endpoint is."""

    REST_API = "restApi"
    HTTP_API = "httpApi"
    ALB = "alb"


# The alias targets AWS gives each kind: API Gateway regional custom domains d-<id>.execute-api.<region>...;
# Application Load Balancers <name>-<id>.<region>.elb.amazonaws.com (optionally with dualstack.).
_APIGW_TARGET_RE = re.compile(r"^d-[a-z0-9]+\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com$")
_ALB_TARGET_RE = re.compile(r"^(dualstack\.)?[a-z0-9-]+\.(?P<region>[a-z0-9-]+)\.elb\.amazonaws\.com$")
_PATH_RE = re.compile(r"^/[^\s]{0,254}$")


class EndpointHealthCheck(_Model):
    """What Route 53 probes in latency routing (HTTPS)."""

    path: str = "/health"
    """The path probed, e.g. /prod/health for a REST API's stage (Route 53 ResourcePath: up to 255 characters)."""
    fqdn: DomainName | None = None
    """The host probed. Default: the endpoint's domain name, which works for an ALB; an API Gateway custom
    domain's regional name answers only its own name, so give `<api id>.execute-api.<region>.amazonaws.com`."""
    port: int = Field(443, ge=1, le=65_535)

    @field_validator("path")
    @classmethod
    def _path(cls, v: str) -> str:
        if not _PATH_RE.match(v):
            raise ValueError(f"{v!r} must be a path starting with / (up to 255 characters, no spaces)")
        return v


class ExistingEndpoint(_Model):
    """`regionpair:endpoint` of a stack file: this region's existing API Gateway API or ALB (alias target)."""

    type: EndpointType
    domain_name: str
    """The alias target: the API Gateway custom domain's regional domain name (d-....execute-api.<region>
    .amazonaws.com) or the ALB's DNS name."""
    hosted_zone_id: str
    """Its Route 53 hosted zone id: the custom domain's regional hosted zone id, or the ALB's canonical one."""
    health_check: EndpointHealthCheck = Field(default_factory=EndpointHealthCheck)
    api_name: str | None = None
    """restApi: the REST API's name (the `ApiName` dimension of its CloudWatch metrics)."""
    api_id: str | None = None
    """httpApi: the HTTP API's id (the `ApiId` dimension of its metrics)."""
    stage: str | None = None
    """restApi, httpApi: the stage (the `Stage` dimension); httpApi default `$default`."""
    load_balancer: str | None = None
    """alb: the `LoadBalancer` dimension, the end of the ALB's ARN: app/<name>/<id>."""

    @field_validator("domain_name")
    @classmethod
    def _domain(cls, v: str) -> str:
        return v.strip().lower().rstrip(".")

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone(cls, v: str) -> str:
        if not _ZONE_ID_RE.match(v):
            raise ValueError(
                f"{v!r} is not a Route 53 hosted zone id; copy the endpoint's (regionalHostedZoneId of the custom "
                "domain, CanonicalHostedZoneId of the ALB)"
            )
        return v

    @model_validator(mode="after")
    def _per_type(self) -> ExistingEndpoint:
        apigw = self.type in (EndpointType.REST_API, EndpointType.HTTP_API)
        if not (_APIGW_TARGET_RE if apigw else _ALB_TARGET_RE).match(self.domain_name):
            shape = "d-<id>.execute-api.<region>.amazonaws.com" if apigw else "<name>-<id>.<region>.elb.amazonaws.com"
            raise ValueError(
                f"domainName {self.domain_name!r} is not the alias target of a {self.type.value}; write {shape}"
            )
        need = {
            EndpointType.REST_API: ("api_name", "apiName", "the REST API's name"),
            EndpointType.HTTP_API: ("api_id", "apiId", "the HTTP API's id"),
            EndpointType.ALB: ("load_balancer", "loadBalancer", "app/<name>/<id> from the ALB's ARN"),
        }[self.type]
        if getattr(self, need[0]) is None:
            raise ValueError(f"{need[1]}: required for a {self.type.value} (its metrics' dimension): {need[2]}")
        if self.type is EndpointType.REST_API and self.stage is None:
            raise ValueError("stage: required for a restApi (the Stage dimension of its metrics)")
        if self.type is EndpointType.ALB and not re.match(r"^app/[A-Za-z0-9-]+/[a-f0-9]+$", self.load_balancer or ""):
            raise ValueError(f"loadBalancer {self.load_balancer!r} must be app/<name>/<id>, the end of the ALB's ARN")
        return self

    @property
    def region(self) -> str | None:
        """The region the alias target names."""
        m = (_ALB_TARGET_RE if self.type is EndpointType.ALB else _APIGW_TARGET_RE).match(self.domain_name)
        return m.group("region") if m else None

    @property
    def metric_stage(self) -> str:
        """The Stage dimension (an HTTP API's default stage is `$default`)."""
        return self.stage or "$default"


class Api(_Model):
    """The API behind one public name, served from both regions."""

    domain_name: DomainName
    """Public name of the API, e.g. api.example.com; the same custom domain exists in both regions."""
    stage_name: ResourceName = "prod"
    endpoints: Endpoints = Endpoints.BUILD
    """build (default): the pair builds a regional API Gateway + Lambda + custom domain in each region. existing:
    each stack file names its region's endpoint (`regionpair:endpoint`); the pair builds routing, health checks
    and signals only."""
    lambda_: LambdaSettings | None = Field(None, alias="lambda")
    """The function (endpoints: build); defaults when omitted."""

    @model_validator(mode="before")
    @classmethod
    def _lambda_default(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        existing = str(data.get("endpoints", Endpoints.BUILD.value)) == Endpoints.EXISTING.value
        has_lambda = data.get("lambda", data.get("lambda_")) is not None
        if existing and has_lambda:
            raise ValueError(
                "lambda: not used with endpoints: existing (each region's own API serves the requests); remove "
                "api.lambda"
            )
        if not existing and not has_lambda:
            data = {**data, "lambda": {}}
        return data

    @property
    def builds(self) -> bool:
        """Whether the pair builds the regional APIs (else each stack file names its existing endpoint)."""
        return self.endpoints is Endpoints.BUILD
