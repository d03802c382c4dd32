"""The user pools' settings as data, from the declaration alone (no pulumi_aws): one source for program and pack.

The program builds each region's `UserPool` and `UserPoolClient`s from these dicts (camelCase, as the engine and
the policies see inputs), and puts them in the parity manifest; the policy pack compares what each stack
registered with them and with the peer's manifest. Parity is deny by default: every input pulumi-aws 7.51.1
accepts (POOL_INPUTS, CLIENT_INPUTS, DOMAIN_INPUTS: the SDK's argument names, a test compares them) is compared,
except the per-region ones listed with their reasons in PER_REGION (docs/identity.md, "What may differ").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from regionpair.components.declaration import FailoverSignIn, Pair, Role
from regionpair.components.declaration.identity import AppClient, from_address, region_domain_prefix

ORIGIN_SUB = "custom:origin_sub"
"""Where a user's copy keeps the `sub` of its first pool (components/lambda_src/user_shadow.py uses the same)."""
OPS_CLIENT = "regionpair-ops"
"""The app client `regionpair drill` signs in with (admin auth with IAM credentials only; no OAuth, no secret)."""
REGIONAL_FUNCTION = "<this region's function>"
"""What a trigger's ARN is compared as: each pool calls the function of its own region."""

POOL_INPUTS = (
    "accountRecoverySetting", "adminCreateUserConfig", "aliasAttributes", "autoVerifiedAttributes",
    "deletionProtection", "deviceConfiguration", "emailConfiguration", "emailMfaConfiguration",
    "emailVerificationMessage", "emailVerificationSubject", "lambdaConfig", "mfaConfiguration", "name",
    "passwordPolicy", "region", "schemas", "signInPolicy", "smsAuthenticationMessage", "smsConfiguration",
    "smsVerificationMessage", "softwareTokenMfaConfiguration", "tags", "userAttributeUpdateSettings",
    "userPoolAddOns", "userPoolTier", "usernameAttributes", "usernameConfiguration", "verificationMessageTemplate",
    "webAuthnConfiguration",
)  # fmt: skip
"""pulumi-aws 7.51.1 UserPoolArgs, camelCase."""
CLIENT_INPUTS = (
    "accessTokenValidity", "allowedOauthFlows", "allowedOauthFlowsUserPoolClient", "allowedOauthScopes",
    "analyticsConfiguration", "authSessionValidity", "callbackUrls", "defaultRedirectUri",
    "enablePropagateAdditionalUserContextData", "enableTokenRevocation", "explicitAuthFlows", "generateSecret",
    "idTokenValidity", "logoutUrls", "name", "preventUserExistenceErrors", "readAttributes", "refreshTokenRotation",
    "refreshTokenValidity", "region", "supportedIdentityProviders", "tokenValidityUnits", "userPoolId",
    "writeAttributes",
)  # fmt: skip
"""pulumi-aws 7.51.1 UserPoolClientArgs, camelCase."""
DOMAIN_INPUTS = ("certificateArn", "domain", "managedLoginVersion", "region", "userPoolId")
"""pulumi-aws 7.51.1 UserPoolDomainArgs, camelCase."""

PER_REGION: dict[str, str] = {
    "name": "the pool's name carries its region (`<pair>-<pool>-<region>`), so the CLI can tell them apart",
    "region": "each pool lives in its own region",
    "tags": "carry `regionpair:role`",
    "emailConfiguration.sourceArn": "the SES identity of the pool's own region (same domain in both)",
    "lambdaConfig.*": "each trigger is the function of the pool's own region (the same triggers in both)",
    "userPoolId": "a client or domain belongs to its region's pool",
    "domain": "prefix domains are unique per region: `<prefix>-<region>`; custom domains `<sub>-<region>.<zone>`",
}
"""What may differ between the two regions' pools, clients and domains, and why. Everything else must match."""


def pool_name(pair: Pair, role: Role) -> str:
    """Physical name of the user pool in `role`'s region (both stacks and the CLI derive it)."""
    assert pair.shared.identity is not None
    return pair.physical_name(pair.shared.identity.pool, role)


def first_auth_factors(pair: Pair) -> list[str]:
    """The first factors both pools allow: passwords, and email codes when the standby signs in without one."""
    identity = pair.shared.identity
    assert identity is not None
    if identity.failover_sign_in is FailoverSignIn.EMAIL_OTP:
        return ["PASSWORD", "EMAIL_OTP"]
    return ["PASSWORD"]


def _clean(value: Any) -> Any:
    """Without None values (the engine does not send them), recursively."""
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def pool_settings(pair: Pair, *, with_shadow: bool) -> dict[str, Any]:
    """The pool's shared inputs (camelCase): everything but name, region, tags and the SES identity's ARN."""
    identity, email = pair.shared.identity, pair.shared.email
    assert identity is not None
    assert email is not None
    schemas = [
        {
            "name": a.name, "attributeDataType": a.type, "required": a.required, "mutable": a.mutable,
            "developerOnlyAttribute": False,
            "stringAttributeConstraints": {"minLength": str(a.min_length or 0), "maxLength": str(a.max_length or 2048)}
            if a.type == "String" else None,
        }
        for a in identity.attributes
    ]  # fmt: skip
    schemas.append({"name": ORIGIN_SUB.removeprefix("custom:"), "attributeDataType": "String", "required": False,
                    "mutable": True, "developerOnlyAttribute": False,
                    "stringAttributeConstraints": {"minLength": "0", "maxLength": "64"}})  # fmt: skip
    p = identity.password_policy
    cs = identity.email.configuration_set
    return _clean({
        "userPoolTier": identity.feature_plan.value,
        "usernameAttributes": list(identity.username_attributes) or None,
        # Case-insensitive sign-in names (AWS's recommendation; fixed at creation): the user sync matches users by
        # their lower-cased email across the two pools.
        "usernameConfiguration": {"caseSensitive": False},
        "autoVerifiedAttributes": ["email"],
        "schemas": schemas,
        "passwordPolicy": {
            "minimumLength": p.minimum_length, "requireLowercase": p.require_lowercase,
            "requireUppercase": p.require_uppercase, "requireNumbers": p.require_numbers,
            "requireSymbols": p.require_symbols, "temporaryPasswordValidityDays": p.temporary_password_validity_days,
        },
        "mfaConfiguration": identity.mfa,
        "softwareTokenMfaConfiguration": {"enabled": True} if identity.mfa != "OFF" else None,
        "signInPolicy": {"allowedFirstAuthFactors": first_auth_factors(pair)},
        "accountRecoverySetting": {"recoveryMechanisms": [{"name": "verified_email", "priority": 1}]},
        "emailConfiguration": {
            "emailSendingAccount": "DEVELOPER",
            "fromEmailAddress": from_address(identity, list(email.domains)),
            "replyToEmailAddress": identity.email.reply_to,
            "configurationSet": pair.physical_name(cs) if cs else None,
        },
        "lambdaConfig": {"postConfirmation": REGIONAL_FUNCTION} if with_shadow else None,
        "deletionProtection": "ACTIVE" if identity.deletion_protection else "INACTIVE",
    })  # fmt: skip


def client_settings(pair: Pair, client: AppClient) -> dict[str, Any]:
    """An app client's inputs (camelCase) but its pool id and region: the same in both pools."""
    return _clean({
        "name": pair.physical_name(client.name),
        "generateSecret": client.generate_secret,
        "allowedOauthFlowsUserPoolClient": True,
        "allowedOauthFlows": list(client.oauth_flows),
        "allowedOauthScopes": list(client.oauth_scopes),
        "callbackUrls": list(client.callback_urls),
        "logoutUrls": list(client.logout_urls) or None,
        "supportedIdentityProviders": ["COGNITO"],
        # USER_AUTH: choice-based sign-in (passwords or email codes); SRP for password clients.
        "explicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "preventUserExistenceErrors": "ENABLED",
        "enableTokenRevocation": True,
        "authSessionValidity": 3,  # minutes a sign-in session (e.g. waiting for an email code) lasts: 3-15
        "accessTokenValidity": client.access_token_validity_minutes,
        "idTokenValidity": client.id_token_validity_minutes,
        "refreshTokenValidity": client.refresh_token_validity_days,
        "tokenValidityUnits": {"accessToken": "minutes", "idToken": "minutes", "refreshToken": "days"},
    })  # fmt: skip


def ops_client_settings(pair: Pair) -> dict[str, Any]:
    """The ops client: admin password auth (IAM-signed AdminInitiateAuth only) for drills."""
    return {
        "name": pair.physical_name(OPS_CLIENT),
        "generateSecret": False,
        "explicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "preventUserExistenceErrors": "ENABLED",
    }


def domain_settings(pair: Pair, role: Role) -> dict[str, Any]:
    """The prefix domain's inputs but its pool id."""
    identity = pair.shared.identity
    assert identity is not None
    return {"domain": region_domain_prefix(identity, pair.half(role).region), "managedLoginVersion": 2}


# ----------------------------------------------------------------------------------------------- comparison
def comparable_pool(props: Mapping[str, Any]) -> dict[str, Any]:
    """A pool's inputs as parity compares them: the inputs pulumi-aws accepts, less PER_REGION."""
    out = {k: props[k] for k in POOL_INPUTS if k in props and props[k] is not None
           and k not in ("name", "region", "tags")}  # fmt: skip
    if isinstance(out.get("emailConfiguration"), Mapping):
        out["emailConfiguration"] = {k: v for k, v in out["emailConfiguration"].items() if k != "sourceArn"}
    if isinstance(out.get("lambdaConfig"), Mapping):
        out["lambdaConfig"] = {k: REGIONAL_FUNCTION if isinstance(v, str) else v
                               for k, v in out["lambdaConfig"].items() if v is not None}  # fmt: skip
    return _clean(out)


def comparable_client(props: Mapping[str, Any]) -> dict[str, Any]:
    """A client's inputs as parity compares them: the inputs pulumi-aws accepts, less its pool and region."""
    return _clean({k: props[k] for k in CLIENT_INPUTS if k in props and k not in ("userPoolId", "region")})


def differences(mine: Any, theirs: Any, path: str = "", unknown: Callable[[Any], bool] | None = None) -> list[str]:
    """Where two settings differ, as `path: mine != theirs` lines (deny by default: a key on one side only too).

    `unknown(value)` says a value is not known yet (preview): such a pair is undecided, not a difference.
    """
    if unknown is not None and (unknown(mine) or unknown(theirs)):
        return []
    if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
        out = []
        for k in sorted(set(mine) | set(theirs)):
            out += differences(mine.get(k), theirs.get(k), f"{path}.{k}" if path else k, unknown)
        return out
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        return [d for i, (a, b) in enumerate(zip(mine, theirs, strict=True))
                for d in differences(a, b, f"{path}[{i}]", unknown)]  # fmt: skip
    if _same(mine, theirs):
        return []
    return [f"{path}: {_show(mine)} != {_show(theirs)}"]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a == b and type(a) is type(b))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def _show(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."
