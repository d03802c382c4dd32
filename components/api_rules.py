"""Cross-field rules of the API: pair.yaml's `api` against both stack files' `regionpair:endpoint` and `:lambda`.

Why these: both regions must serve the same thing. With the pair's own API, the same code and settings, the same
environment keys (values may differ per region) and the same layers (their ARNs and versions are regional); with
existing endpoints, one per region, of the same kind, in that region. Each rule raises `DeclarationError`.
"""

from __future__ import annotations

from regionpair.components.declaration import DeclarationError, EndpointType, Pair, Role, RoutingMode
from regionpair.components.declaration.api import (
    ENV_MAX_BYTES,
    REGION_PLACEHOLDER,
    env_size,
    layer_for_region,
    layer_name,
    layer_region,
)


def check_api(pair: Pair, stack_key: dict[Role, str], decl_name: str) -> None:
    """The API's rules across the two halves (`stack_key[role]`: `Pulumi.<stack>.yaml regionpair`)."""
    api = pair.shared.api
    for role in Role:
        half = pair.half(role)
        if api is None or api.builds:
            if half.endpoint is not None:
                raise DeclarationError(
                    f"{stack_key[role]}:endpoint",
                    "names an existing endpoint but pair.yaml builds the API; set api.endpoints: existing in "
                    f"{decl_name} to use it, or remove this key",
                )
        if api is None or not api.builds:
            if half.lambda_ is not None:
                raise DeclarationError(
                    f"{stack_key[role]}:lambda",
                    "configures the API's function, which the pair does not build here "
                    f"({'no api is declared' if api is None else 'api.endpoints is existing'}); remove this key",
                )
    if api is None:
        return
    if not api.builds:
        _check_endpoints(pair, stack_key, decl_name)
        return
    settings = api.lambda_
    assert settings is not None  # set by the model when the pair builds the API
    for i, arn in enumerate(settings.layers):
        if layer_region(arn) is not None:
            raise DeclarationError(
                f"{decl_name} api.lambda.layers[{i}]",
                f"names {layer_region(arn)}, but layer ARNs are regional and pair.yaml serves both regions: write "
                f"{REGION_PLACEHOLDER} in place of the region, or give each stack file its own under "
                "regionpair:lambda.layers",
            )
    names: dict[Role, list[str]] = {}
    for role in Role:
        half, key = pair.half(role), f"{stack_key[role]}:lambda"
        own = half.lambda_
        for var in own.environment if own else {}:
            if var not in settings.environment:
                raise DeclarationError(
                    f"{key}.environment.{var}",
                    f"is not declared in {decl_name} api.lambda.environment; declare it there (both regions get "
                    "the same variables), a stack file only gives its region's value",
                )
        env = {**settings.environment, **(own.environment if own else {})}
        if env_size(env) > ENV_MAX_BYTES:
            raise DeclarationError(
                f"{key}.environment",
                f"makes {env_size(env)} bytes of variables in {half.region}; Lambda allows {ENV_MAX_BYTES}",
            )
        if own is not None and own.layers is not None:
            for i, arn in enumerate(own.layers):
                if layer_region(arn) != half.region:
                    raise DeclarationError(
                        f"{key}.layers[{i}]",
                        f"is in {layer_region(arn)} but this stack deploys {half.region}; layers are regional: "
                        f"publish the layer in {half.region} and name that version",
                    )
            arns = own.layers
        else:
            arns = [layer_for_region(a, half.region) for a in settings.layers]
        names[role] = [layer_name(a) for a in arns]
    if names[Role.PRIMARY] != names[Role.SECONDARY]:
        raise DeclarationError(
            f"{stack_key[Role.SECONDARY]}:lambda.layers",
            f"the secondary's function would run layers {names[Role.SECONDARY] or 'none'}, the primary's "
            f"{names[Role.PRIMARY] or 'none'}; both regions must run the same layers (versions may differ): list the "
            "same layers in both stack files",
        )


def _check_endpoints(pair: Pair, stack_key: dict[Role, str], decl_name: str) -> None:
    kinds: dict[Role, EndpointType] = {}
    public = pair.shared.api.domain_name if pair.shared.api else "the API"
    for role in Role:
        half, key = pair.half(role), f"{stack_key[role]}:endpoint"
        endpoint = half.endpoint
        if endpoint is None:
            raise DeclarationError(
                key,
                f"missing: {decl_name} sets api.endpoints: existing, so each stack file names its region's endpoint "
                "(type, domainName, hostedZoneId); see docs/configuration.md",
            )
        if endpoint.region != half.region:
            raise DeclarationError(
                f"{key}.domainName",
                f"{endpoint.domain_name} is in {endpoint.region} but this stack deploys {half.region}; name this "
                "region's endpoint",
            )
        apigw = endpoint.type in (EndpointType.REST_API, EndpointType.HTTP_API)
        if pair.shared.routing.mode is RoutingMode.LATENCY and apigw and endpoint.health_check.fqdn is None:
            raise DeclarationError(
                f"{key}.healthCheck.fqdn",
                "required in latency routing for an API Gateway endpoint: its custom domain's regional name answers "
                f"only the public name; give <api id>.execute-api.{half.region}.amazonaws.com",
            )
        if pair.shared.routing.mode is RoutingMode.REGION_SWITCH and half.certificate_arn is None:
            raise DeclarationError(
                f"{stack_key[role]}:certificateArn",
                "required in region-switch mode (the plan's roles and functions are named in this account, read "
                f"from it): give the ACM certificate your endpoint serves {public} with in {half.region}",
            )
        kinds[role] = endpoint.type
    if kinds[Role.PRIMARY] is not kinds[Role.SECONDARY]:
        raise DeclarationError(
            f"{stack_key[Role.SECONDARY]}:endpoint.type",
            f"is {kinds[Role.SECONDARY].value} but the primary's is {kinds[Role.PRIMARY].value}; after a failover the "
            "standby must serve like the primary: use the same kind of endpoint in both regions",
        )
