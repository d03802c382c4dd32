"""Sign-in in this half's region: a Cognito user pool, its app clients, its domain and the shadow trigger.

Both stacks build the same pool from `identity:` (components/declaration/identity.py); what differs per region is
only what AWS assigns or what must be regional (docs/identity.md, "What may differ"): the pool's name and id, the
SES identity it sends from (the pair's identity in this region, `DEVELOPER` sending), the domain and the shadow
function's ARN and target. Each pool allows passwords and (with `failoverSignIn: email-otp`) passwordless email
codes as first factors, so a user copied to the standby without a password can sign in there.

The secondary never reads the primary: the shadow function finds the peer's pool by its derived name at run
time. The primary publishes both regions' pool and client ids in the app-state table
(components/state_model.py `identity_item`), so an application reads them from its own region's replica.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from regionpair.components.declaration import Pair
from regionpair.components.declaration.identity import (
    region_custom_domain,
    region_domain_prefix,
    sender_domain,
)
from regionpair.components.identity_model import (
    CLIENT_INPUTS,
    OPS_CLIENT,
    POOL_INPUTS,
    client_settings,
    first_auth_factors,
    ops_client_settings,
    pool_name,
    pool_settings,
)
from regionpair.components.logged_function import LoggedFunctionArgs, logged_function
from regionpair.components.options import Stateful, stateful
from regionpair.components.peer import Peer
from regionpair.components.state_model import KEY_ATTRIBUTE, identity_item

HANDLER_SOURCE = Path(__file__).resolve().parent / "lambda_src" / "user_shadow.py"
__all__ = ["OPS_CLIENT", "IdentityDirectory", "UserPoolHalf", "pool_name"]
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
"""Hosted zone id of every CloudFront alias target (Route 53 Developer Guide, AliasTarget)."""


@dataclass
class UserPoolHalfArgs:
    """Inputs of `UserPoolHalf`."""

    pair: Pair
    """The validated pair; `pair.shared.identity` must be set."""
    identity_arns: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    """This region's SES identity ARN per sending domain (components/email.py)."""
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    """What must exist before the pool (the SES identities it sends from)."""


class UserPoolHalf(pulumi.ComponentResource):
    """The user pool of this region with its clients, domain and (optionally) the shadow trigger."""

    pool_id: pulumi.Output[str]
    """The pool's id (`<region>_<id>`)."""
    client_ids: dict[str, pulumi.Output[str]]
    """App client id by declared name (the ops client under `regionpair-ops`)."""
    manifest: dict[str, Any]
    """What the parity manifest and the stack outputs carry (docs/parity-manifest.md, `identity`)."""

    def __init__(self, name: str, args: UserPoolHalfArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:identity:UserPoolHalf", name, None, opts)
        pair = args.pair
        identity = pair.shared.identity
        email = pair.shared.email
        assert identity is not None
        assert email is not None
        region = pair.this.region
        child = pulumi.ResourceOptions(parent=self)
        tags = {**pair.shared.tags, "regionpair:role": pair.this_role.value}
        domains = list(email.domains)
        this_pool = pool_name(pair, pair.this_role)
        peer_pool = pool_name(pair, pair.this_role.peer)

        shadow = None
        if identity.shadow:
            shadow = self._shadow(name, pair, peer_pool, tags)

        # One source for what is built and what the parity manifest says was built (components/identity_model.py).
        settings = pool_settings(pair, with_shadow=shadow is not None)
        regional: dict[str, Any] = {
            "emailConfiguration": {**settings["emailConfiguration"],
                                   "sourceArn": args.identity_arns[sender_domain(identity, domains)]},
            "lambdaConfig": {"postConfirmation": shadow.arn} if shadow is not None else None,
        }  # fmt: skip
        pool = aws.cognito.UserPool(
            f"{name}-pool",
            name=this_pool,
            region=region,
            tags=tags,
            **_snake({**settings, **regional}),
            # Users live here and cannot be restored: with deletion protection, Pulumi also refuses (in preview) a
            # change that would replace the pool (usernameAttributes, an attribute's type, the pool's name).
            opts=stateful(pair, Stateful.USER_POOL, identity.pool, self, depends_on=args.depends_on or None,
                          protect=identity.deletion_protection),
        )
        if shadow is not None:
            aws.lambda_.Permission(
                f"{name}-shadow-invoke",
                action="lambda:InvokeFunction",
                function=shadow.name,
                principal="cognito-idp.amazonaws.com",
                source_arn=pool.arn,
                region=region,
                opts=child,
            )

        self.client_ids = {}
        clients_manifest = []
        for c in identity.clients:
            wanted = client_settings(pair, c)
            client = aws.cognito.UserPoolClient(
                f"{name}-client-{c.name}", user_pool_id=pool.id, region=region, **_snake(wanted), opts=child
            )
            self.client_ids[c.name] = client.id
            deployed = _deployed(client, CLIENT_INPUTS, skip={"region", "userPoolId"})
            clients_manifest.append({"name": c.name, "clientId": client.id, "deployed": deployed})
        ops = aws.cognito.UserPoolClient(
            f"{name}-client-ops", user_pool_id=pool.id, region=region, **_snake(ops_client_settings(pair)), opts=child
        )
        self.client_ids[OPS_CLIENT] = ops.id

        prefix = region_domain_prefix(identity, region)
        aws.cognito.UserPoolDomain(
            f"{name}-domain", domain=prefix, user_pool_id=pool.id, managed_login_version=2, region=region, opts=child
        )
        custom = region_custom_domain(identity, pair.shared.dns.zone_name, region)
        if custom is not None and identity.custom_domain is not None:
            domain = aws.cognito.UserPoolDomain(
                f"{name}-custom-domain", domain=custom, user_pool_id=pool.id, managed_login_version=2, region=region,
                certificate_arn=identity.custom_domain.certificate_arn, opts=child,
            )  # fmt: skip
            aws.route53.Record(
                f"{name}-custom-domain-alias",
                zone_id=pair.shared.dns.hosted_zone_id,
                name=custom,
                type="A",
                aliases=[aws.route53.RecordAliasArgs(
                    name=domain.cloudfront_distribution, zone_id=CLOUDFRONT_ZONE_ID, evaluate_target_health=False
                )],
                opts=child,
            )  # fmt: skip

        self.pool_id = pool.id
        self.manifest = {
            "region": region,
            "poolName": this_pool,
            "poolId": pool.id,
            "poolArn": pool.arn,
            "featurePlan": identity.feature_plan.value,
            "failoverSignIn": identity.failover_sign_in.value,
            "firstAuthFactors": first_auth_factors(pair),
            # The pool's deployed inputs (Output leaves: its state after `pulumi up`, provider defaults included), as
            # the peer's parity policies compare them (policies/rules_identity.py).
            "deployed": _deployed(pool, POOL_INPUTS, skip={"name", "region", "tags"}),
            "clients": clients_manifest,
            "opsClientId": ops.id,
            "domain": f"{prefix}.auth.{region}.amazoncognito.com",
            "customDomain": custom,
            "shadow": {"functionArn": shadow.arn, "peerPool": peer_pool} if shadow else None,
        }
        self.register_outputs({"manifest": self.manifest})

    def _shadow(self, name: str, pair: Pair, peer_pool: str, tags: dict[str, str]) -> aws.lambda_.Function:
        """The post-confirmation function writing each confirmed user to the peer's pool."""
        identity = pair.shared.identity
        assert identity is not None
        peer_region = pair.peer.region

        def statements(role: aws.iam.Role) -> list[dict[str, Any]]:
            account = role.arn.apply(lambda arn: arn.split(":")[4])
            return [
                {
                    # ListUserPools has no resource type: IAM only accepts "*", kept to the peer's region.
                    "Sid": "FindPeerPool",
                    "Effect": "Allow",
                    "Action": ["cognito-idp:ListUserPools"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": peer_region}},
                },
                {
                    "Sid": "WriteUsersToPeerPool",
                    "Effect": "Allow",
                    "Action": ["cognito-idp:AdminCreateUser", "cognito-idp:AdminUpdateUserAttributes",
                               "cognito-idp:AdminSetUserPassword"],
                    "Resource": pulumi.Output.concat("arn:aws:cognito-idp:", peer_region, ":", account, ":userpool/*"),
                },
            ]

        return logged_function(
            f"{name}-shadow",
            LoggedFunctionArgs(
                function_name=pair.physical_name("user-shadow", pair.this_role), region=pair.this.region,
                source=HANDLER_SOURCE, handler="user_shadow.handler", runtime="python3.12",
                timeout=5,  # Cognito waits at most 5 s for a trigger (Developer Guide, Lambda triggers)
                description=f"{pair.shared.name}: copy confirmed users to the user pool in {peer_region}",
                statements=statements, tags=tags,
                environment={
                    "PEER_REGION": peer_region, "PEER_POOL_NAME": peer_pool,
                    "FAILOVER_SIGN_IN": identity.failover_sign_in.value,
                    "USERNAME_ATTRIBUTE": identity.username_attributes[0] if identity.username_attributes else "",
                },
            ),
            self,
        )  # fmt: skip



@dataclass
class IdentityDirectoryArgs:
    """Inputs of `IdentityDirectory` (primary only)."""

    pair: Pair
    this: UserPoolHalf
    """This region's pool."""
    peer: Peer
    """The secondary's manifest (its `identity` entry)."""
    table: aws.dynamodb.Table
    """The app-state table the item goes into."""


class IdentityDirectory(pulumi.ComponentResource):
    """The item `<appId>#identity` of the app-state table: both regions' pool and client ids.

    An application reads it from its own region's replica (as it reads the state item) and signs users in against
    the pool of the region the state item names; after a failover the standby's ids are already there.
    """

    def __init__(self, name: str, args: IdentityDirectoryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("regionpair:identity:IdentityDirectory", name, None, opts)
        pair = args.pair
        settings = pair.shared.app_state
        assert settings is not None
        mine = args.this.manifest
        theirs = args.peer.get("identity")

        def item(values: list[Any]) -> str:
            this_pool, this_clients, peer_manifest = values
            pools = {
                mine["region"]: {"poolId": this_pool, "domain": mine["domain"], "clients": this_clients},
                peer_manifest["region"]: {
                    "poolId": peer_manifest["poolId"],
                    "domain": peer_manifest["domain"],
                    "clients": {c["name"]: c["clientId"] for c in peer_manifest["clients"]},
                },
            }
            return json.dumps(identity_item(settings.app_id, pools))

        this_clients = pulumi.Output.all(**{c["name"]: c["clientId"] for c in mine["clients"]})
        aws.dynamodb.TableItem(
            f"{name}-item",
            table_name=args.table.name,
            hash_key=KEY_ATTRIBUTE,
            item=pulumi.Output.all(mine["poolId"], this_clients, theirs).apply(item),
            region=pair.primary.region,
            # Applications sign in by it: protected like the app-state item (stateful-resources-protected).
            opts=stateful(pair, Stateful.IDENTITY_ITEM, settings.app_id, self),
        )
        self.register_outputs({})


def _snake(settings: dict[str, Any]) -> dict[str, Any]:
    """CamelCase settings as the SDK's keyword arguments and ArgsDicts (snake_case keys, recursively)."""
    import re

    def key(k: str) -> str:
        return re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower()

    def walk(v: Any) -> Any:
        if isinstance(v, dict):
            return {key(k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(settings)


def _deployed(resource: pulumi.CustomResource, inputs: tuple[str, ...], skip: set[str]) -> dict[str, Any]:
    """The resource's state of every input but `skip` (its per-region ones), one Output per key."""
    return {k: getattr(resource, _snake({k: None}).popitem()[0]) for k in inputs if k not in skip}
