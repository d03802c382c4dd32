"""Policies of the user pool pair (`identity:`), judged on the registered resources and the peer's deployed manifest.

Parity is deny by default: every input pulumi-aws 7.51.1 accepts for a pool and a client is compared, except the
per-region ones of `components/identity_model.py` PER_REGION (name, region, tags, the SES identity's ARN, the
trigger functions' ARNs, the pool a client or domain belongs to, the domain prefix). The primary compares its own
resources with the secondary's `identity` manifest as deployed (its resources' state, Output by Output); both
stacks compare their own with the declaration.

- `cognito-pool-parity`: the pool's schema, password, MFA, sign-in, recovery, email and feature-plan settings.
- `cognito-client-parity`: the same app clients (names, URLs, flows, scopes, token lifetimes) in both pools.
- `cognito-trigger-parity`: the same triggers in both pools, each a function of the pool's own region that the
  pool may invoke.
- `cognito-email-regional-ses`: each pool sends (DEVELOPER) from the pair's SES identity of its own region.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from regionpair.components.constraints import UNKNOWN, USER_POOL, USER_POOL_CLIENT
from regionpair.components.declaration import Pair, Role
from regionpair.components.declaration.identity import sender_domain
from regionpair.components.identity_model import (
    OPS_CLIENT,
    client_settings,
    comparable_client,
    comparable_pool,
    differences,
    ops_client_settings,
    pool_name,
    pool_settings,
)
from regionpair.policies import props as P

LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
DEPLOY_SECONDARY_FIRST = "deploy the secondary first: pulumi up -s secondary"
POOL_PARITY = "cognito-pool-parity"
CLIENT_PARITY = "cognito-client-parity"
TRIGGER_PARITY = "cognito-trigger-parity"
EMAIL_SES = "cognito-email-regional-ses"


# ------------------------------------------------------------------------------------------------ helpers
def _context(args: StackValidationArgs) -> tuple[list[PolicyResource], PolicyResource, Mapping[str, Any], Pair] | None:
    resources = list(args.resources)
    found = P.root_context(resources)
    return None if found is None else (resources, *found)


def _pools(resources: list[PolicyResource], region: str) -> list[tuple[PolicyResource, dict[str, Any]]]:
    return [(r, p) for r, p in P.of_type(resources, USER_POOL) if p.get("region") in (region, None)]


def _peer_identity(props: Mapping[str, Any]) -> Mapping[str, Any] | None:
    peer = props.get("peerManifest")
    found = peer.get("identity") if isinstance(peer, Mapping) else None
    return found if isinstance(found, Mapping) else None


def _diff(mine: Any, theirs: Any) -> list[str]:
    """Known differences only: an unknown value (preview) is undecided, not a difference."""
    return differences(mine, theirs, unknown=lambda v: v is P.UNKNOWN or (isinstance(v, str) and v == UNKNOWN))


def _the_pool(
    resources: list[PolicyResource], root: PolicyResource, pair: Pair, report: ReportViolation, policy: str
) -> tuple[PolicyResource, dict[str, Any]] | None:
    """The one pool of this region, or None (reported once, by the pool policy, when it is missing or doubled)."""
    pools = _pools(resources, pair.this.region)
    if pair.shared.identity is None:
        if pools and policy == POOL_PARITY:
            report(f"{len(pools)} user pool(s) registered but pair.yaml declares no identity: section", pools[0][0].urn)
        return None
    if len(pools) != 1:
        if policy == POOL_PARITY:
            report(f"{pair.this.region} registers {len(pools)} user pools; identity: declares one "
                   f"({pool_name(pair, pair.this_role)})", root.urn)  # fmt: skip
        return None
    return pools[0]


class _PoolContext(NamedTuple):
    resources: list[PolicyResource]
    props: Mapping[str, Any]
    pair: Pair
    identity: Any
    pool: PolicyResource
    p: dict[str, Any]


def _pool_context(args: StackValidationArgs, report: ReportViolation, policy: str) -> _PoolContext | None:
    """What every identity policy starts from: the pair, its identity section and this region's one pool."""
    found = _context(args)
    if found is None:
        return None
    resources, root, props, pair = found
    the = _the_pool(resources, root, pair, report, policy)
    if the is None or pair.shared.identity is None:
        return None
    return _PoolContext(resources, props, pair, pair.shared.identity, *the)


def _clients(resources: list[PolicyResource], pool: PolicyResource) -> dict[str, tuple[PolicyResource, dict]]:
    """The clients of `pool` by physical name (a client names its pool through `userPoolId`)."""
    out = {}
    for r, p in P.of_type(resources, USER_POOL_CLIENT):
        deps = {d.urn for d in r.property_dependencies.get("userPoolId") or []}
        if pool.urn in deps or p.get("userPoolId") == P.plain(pool.props).get("id"):
            out[str(p.get("name"))] = (r, p)
    return out


# ------------------------------------------------------------------------------------------------ policies
def validate_pool_parity(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The pool is the declared one, and (primary) the same as the deployed secondary's on every shared input."""
    ctx = _pool_context(args, report_violation, POOL_PARITY)
    if ctx is None:
        return
    props, pair, identity, pool, p = ctx.props, ctx.pair, ctx.identity, ctx.pool, ctx.p
    if p.get("name") != pool_name(pair, pair.this_role) and not P.is_unknown(p.get("name")):
        report_violation(f"the pool is named {p.get('name')}, the pair derives {pool_name(pair, pair.this_role)}: "
                         "the CLI and the peer's shadow trigger find it by that name", pool.urn)  # fmt: skip
    declared = pool_settings(pair, with_shadow=identity.shadow)
    mine = comparable_pool(p)
    # Against the declaration: every declared setting as declared (the provider may add its defaults).
    wrong = _diff({k: mine.get(k) for k in declared}, declared)
    if wrong:
        report_violation(f"the pool in {pair.this.region} differs from identity: in pair.yaml: {'; '.join(wrong)}",
                         pool.urn)  # fmt: skip
    if pair.this_role is not Role.PRIMARY:
        return
    peer = _peer_identity(props)
    if peer is None:
        report_violation(f"the deployed secondary has no user pool to compare with; {DEPLOY_SECONDARY_FIRST}", pool.urn)
        return
    # Against the deployed secondary: deny by default over every input both pools have or either has.
    diff = _diff(mine, comparable_pool(peer.get("deployed") or {}))
    if diff:
        report_violation(
            f"the pools differ between {pair.primary.region} and the deployed secondary ({pair.secondary.region}): "
            f"{'; '.join(diff)}. Only what docs/identity.md lists may differ per region; deploy the same "
            f"declaration to both ({DEPLOY_SECONDARY_FIRST})",
            pool.urn,
        )


def validate_client_parity(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The declared app clients (and the ops client) in this pool, the same as in the deployed secondary's."""
    ctx = _pool_context(args, report_violation, CLIENT_PARITY)
    if ctx is None:
        return
    resources, props, pair, identity, pool = ctx.resources, ctx.props, ctx.pair, ctx.identity, ctx.pool
    clients = _clients(resources, pool)
    declared = {pair.physical_name(c.name): client_settings(pair, c) for c in identity.clients}
    declared[pair.physical_name(OPS_CLIENT)] = ops_client_settings(pair)
    if not any(P.is_unknown(n) for n in clients) and sorted(clients) != sorted(declared):
        report_violation(f"the pool in {pair.this.region} has app clients {sorted(clients)}, pair.yaml declares "
                         f"{sorted(declared)}", pool.urn)  # fmt: skip
    for name, (r, p) in clients.items():
        want = declared.get(name)
        if want is None:
            continue
        mine = comparable_client(p)
        wrong = _diff({k: mine.get(k) for k in want}, want)
        if wrong:
            report_violation(f"app client {name} differs from identity.clients in pair.yaml: {'; '.join(wrong)}",
                             r.urn)  # fmt: skip
    if pair.this_role is not Role.PRIMARY:
        return
    peer = _peer_identity(props)
    if peer is None:
        return  # reported by cognito-pool-parity
    theirs = {pair.physical_name(c.get("name")): c for c in peer.get("clients") or [] if isinstance(c, Mapping)}
    mine_names = sorted(n for n in clients if n != pair.physical_name(OPS_CLIENT))
    if sorted(theirs) != mine_names:
        report_violation(f"app clients differ: {pair.primary.region} has {mine_names}, the deployed secondary "
                         f"{sorted(theirs)}; {DEPLOY_SECONDARY_FIRST}", pool.urn)  # fmt: skip
    for name, c in theirs.items():
        if name not in clients:
            continue
        r, p = clients[name]
        diff = _diff(comparable_client(p), comparable_client(c.get("deployed") or {}))
        if diff:
            report_violation(f"app client {name} differs from the deployed secondary's: {'; '.join(diff)}", r.urn)


def _function_of(resources: list[PolicyResource], pool: PolicyResource, arn: Any) -> PolicyResource | None:
    fns = [r for r in resources if r.resource_type == P.LAMBDA]
    by_arn = [r for r in fns if P.plain(r.props).get("arn") == arn]
    if by_arn:
        return by_arn[0]
    deps = {d.urn for d in pool.property_dependencies.get("lambdaConfig") or []}
    linked = [r for r in fns if r.urn in deps]
    return linked[0] if len(linked) == 1 else None


def validate_trigger_parity(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The same triggers in both pools, each a function of the pool's region with permission to be invoked."""
    ctx = _pool_context(args, report_violation, TRIGGER_PARITY)
    if ctx is None:
        return
    resources, props, pair, identity, pool, p = ctx
    config = p.get("lambdaConfig") if isinstance(p.get("lambdaConfig"), Mapping) else {}
    # A trigger's ARN is unknown in preview while its function is new: the trigger is there all the same.
    triggers = {k: v for k, v in config.items() if isinstance(v, str) or (v is not None and P.is_unknown(v))}
    want = ["postConfirmation"] if identity.shadow else []
    if sorted(triggers) != want:
        report_violation(f"the pool in {pair.this.region} has triggers {sorted(triggers)}, the pair declares "
                         f"{want} (identity.shadow: {str(identity.shadow).lower()})", pool.urn)  # fmt: skip
    permissions = [P.plain(r.props) for r in resources if r.resource_type == LAMBDA_PERMISSION]
    for trigger, arn in triggers.items():
        known = isinstance(arn, str) and arn != UNKNOWN and arn.count(":") >= 6
        fn = None if known else _function_of(resources, pool, arn)  # preview: the function it depends on
        region = arn.split(":")[3] if known else (P.plain(fn.props).get("region") if fn is not None else None)
        if region is not None and region != pair.this.region:
            report_violation(f"trigger {trigger} of the pool in {pair.this.region} calls a function in {region}: a "
                             "pool must call its own region's function, which works while the other region is down",
                             pool.urn)  # fmt: skip
        allowed = [q for q in permissions if q.get("principal") == "cognito-idp.amazonaws.com"
                   and (q.get("sourceArn") in (P.plain(pool.props).get("arn"), P.UNKNOWN))]  # fmt: skip
        if not allowed:
            report_violation(f"no lambda Permission lets cognito-idp.amazonaws.com invoke trigger {trigger} from this "
                             "pool (sourceArn the pool's ARN): Cognito's call would be refused", pool.urn)  # fmt: skip
    if pair.this_role is not Role.PRIMARY:
        return
    peer = _peer_identity(props)
    deployed = peer.get("deployed") if peer is not None else None
    if not isinstance(deployed, Mapping):
        return
    peer_config = deployed.get("lambdaConfig") if isinstance(deployed.get("lambdaConfig"), Mapping) else {}
    peer_triggers = sorted(k for k, v in peer_config.items() if v is not None)
    if peer_triggers != sorted(triggers):
        report_violation(f"triggers differ: {pair.primary.region} has {sorted(triggers)}, the deployed secondary "
                         f"{peer_triggers}; {DEPLOY_SECONDARY_FIRST}", pool.urn)  # fmt: skip


def validate_email_regional_ses(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The pool sends through SES (DEVELOPER) from the pair's identity in its own region."""
    ctx = _pool_context(args, report_violation, EMAIL_SES)
    if ctx is None:
        return
    resources, pair, identity, pool, p = ctx.resources, ctx.pair, ctx.identity, ctx.pool, ctx.p
    email = pair.shared.email
    config = p.get("emailConfiguration") if isinstance(p.get("emailConfiguration"), Mapping) else {}
    if config.get("emailSendingAccount") != "DEVELOPER":
        account = config.get("emailSendingAccount") or "COGNITO_DEFAULT"
        report_violation(f"the pool in {pair.this.region} sends with {account}: Cognito's own sender is limited "
                         "to a few emails a day and is not the pair's; send through SES (DEVELOPER)",
                         pool.urn)  # fmt: skip
        return
    domain = sender_domain(identity, list(email.domains) if email else [])
    source = config.get("sourceArn")
    if P.is_unknown(source) or source is None:
        ids = [r for r, q in P.of_type(resources, P.EMAIL_IDENTITY)
               if q.get("emailIdentity") == domain and q.get("region") == pair.this.region]  # fmt: skip
        deps = {d.urn for d in pool.property_dependencies.get("emailConfiguration") or []}
        if source is None or not any(r.urn in deps for r in ids):
            report_violation(f"the pool's sender is not the SES identity {domain} of {pair.this.region}", pool.urn)
        return
    parts = str(source).split(":")
    region, name = (parts[3], parts[5].removeprefix("identity/")) if len(parts) >= 6 else (None, None)
    if region != pair.this.region or name != domain:
        report_violation(f"the pool in {pair.this.region} sends from {source}; it must send from the SES identity "
                         f"{domain} of its own region ({pair.this.region}), which stays up when the other fails",
                         pool.urn)  # fmt: skip


POLICIES: list[StackValidationPolicy] = [
    StackValidationPolicy(
        name=POOL_PARITY,
        description="The user pool is the declared one and, in the primary, the same as the deployed secondary's "
        "on every input but the per-region ones (deny by default).",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_pool_parity,
    ),
    StackValidationPolicy(
        name=CLIENT_PARITY,
        description="Both user pools have the declared app clients with the same settings, callback and logout URLs.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_client_parity,
    ),
    StackValidationPolicy(
        name=TRIGGER_PARITY,
        description="Both user pools have the same triggers, each a function of the pool's own region that "
        "Cognito is allowed to invoke.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_trigger_parity,
    ),
    StackValidationPolicy(
        name=EMAIL_SES,
        description="Each user pool sends its email through SES (DEVELOPER) from the pair's identity in its own "
        "region.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_email_regional_ses,
    ),
]
