"""Policies of SES Global endpoints and Deterministic Easy DKIM (DEED), judged on the registered resources.

- `ses-global-endpoint-spans-pair`: with `email.multiRegionEndpoint: true` the primary registers exactly one
  SES multi-region endpoint, created in the primary region with its one route to the secondary region (so it
  spans exactly the pair's two regions), after the identities of both regions; the secondary registers none
  (the primary owns it), and no stack registers one the declaration does not ask for.
- `ses-deed-replica-origin`: with `email.dkimMode: deed` each declared domain has, in the primary stack, a parent
  identity in the primary region with Easy DKIM (no Bring Your Own DKIM key) and its three DKIM CNAMEs, and a
  replica in the secondary region whose signing origin is `AWS_SES_<PRIMARY REGION>` and which depends on its
  parent (SES deletes replicas first); the secondary registers no identity of its own for a declared domain, and
  a deployed secondary that still has one (a pair switched from per-region) is reported before the replica's
  create would fail on it.
- `ses-global-endpoint-identity-parity`: the endpoint's regions have the same identities and configuration sets
  (Global endpoints require it): every declared domain is a parent in the primary region and a replica in the
  secondary, each replica's default configuration set is its parent's, and the configuration sets of the two
  regions (the primary's own, the deployed secondary's from its parity manifest) are the declared ones.

Sources: Amazon SES Developer Guide, "Using Global endpoints" and "Using Deterministic Easy DKIM (DEED)"; the AWS
Messaging blog "How to Make Simple Email Service Resilient Across Two AWS Regions with Global Endpoints"; SES API
v2 CreateMultiRegionEndpoint (the endpoint's region is where it is created and managed, one route to the other).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from regionpair.components.constraints import DEED_KIND, DYNAMIC, MRE, deed_origin, deed_parent_region
from regionpair.components.declaration import DkimMode, Pair, Role
from regionpair.policies import props as P

DEPLOY_SECONDARY_FIRST = "deploy the secondary first: pulumi up -s secondary"
DKIM_RECORDS = 3
URN = "_urn"


# ------------------------------------------------------------------------------------------- observation
def _of(resources: Any, token: str) -> list[tuple[Any, dict[str, Any]]]:
    """`(resource, plain props)` of one token, from an `observe.Stack` or a list of PolicyResource."""
    if hasattr(resources, "of"):
        return list(resources.of(token))
    return P.of_type(list(resources), token)


def _urns(items: Any) -> set[str]:
    return {d.urn for d in items or []}


def replicas_of(resources: Any) -> list[tuple[Any, dict[str, Any]]]:
    """The DEED replica identities (dynamic resources of kind `sesv2:DeedEmailIdentity`)."""
    return [(r, p) for r, p in _of(resources, DYNAMIC) if p.get("kind") == DEED_KIND]


def observe_global_email(resources: Any, pair: Pair) -> dict[str, Any]:
    """The `replicas` and `multiRegionEndpoint` of this half's email manifest, as its resources show them."""
    out: dict[str, Any] = {}
    mail_from = _of(resources, P.EMAIL_MAIL_FROM)
    replicas = []
    for r, p in replicas_of(resources):
        # The replica's MAIL FROM names it through `emailIdentity` (a dependency known at preview).
        mine = [m for mr, m in mail_from if r.urn in _urns(mr.property_dependencies.get("emailIdentity"))
                or (m.get("emailIdentity") == p.get("emailIdentity") and m.get("region") == p.get("region"))]
        origin = p.get("signingAttributesOrigin")
        replicas.append({
            URN: r.urn,
            "domain": p.get("emailIdentity"),
            "region": p.get("region"),
            "identityArn": p.get("arn", P.UNKNOWN),
            "dkimMode": DkimMode.DEED.value,
            "dkimOrigin": origin,
            "parentRegion": deed_parent_region(origin),
            "dkimRecords": [],
            "mailFrom": mine[0].get("mailFromDomain") if mine else None,
            "configurationSet": p.get("configurationSetName"),
        })  # fmt: skip
    if replicas:
        out["replicas"] = replicas
    endpoints = _of(resources, MRE)
    if endpoints:
        r, p = endpoints[0]
        route = P.dig(p, "details.routesDetails.region")
        out["multiRegionEndpoint"] = {
            URN: r.urn,
            "name": p.get("endpointName"),
            "endpointId": p.get("endpointId", P.UNKNOWN),
            "region": p.get("region"),
            "regions": [p.get("region"), route],
        }
    del pair  # the observation needs no declaration; kept in the signature for observe.py's call
    return out


# ------------------------------------------------------------------------------------------------ helpers
def _context(args: StackValidationArgs) -> tuple[list[PolicyResource], PolicyResource, Mapping[str, Any], Pair] | None:
    resources = list(args.resources)
    found = P.root_context(resources)
    return None if found is None or found[2].shared.email is None else (resources, *found)


def _peer_email(props: Mapping[str, Any]) -> Mapping[str, Any] | None:
    peer = props.get("peerManifest")
    email = peer.get("email") if isinstance(peer, Mapping) else None
    return email if isinstance(email, Mapping) else None


def _identities(resources: list[PolicyResource], region: str) -> dict[str, tuple[PolicyResource, dict[str, Any]]]:
    found = _of(resources, P.EMAIL_IDENTITY)
    return {str(p.get("emailIdentity")): (r, p) for r, p in found if p.get("region") == region}


def _easy_dkim(props: Mapping[str, Any]) -> str | None:
    """Why an identity does not use Easy DKIM (None when it does): a DEED parent must."""
    dkim = props.get("dkimSigningAttributes") or {}
    if dkim.get("domainSigningPrivateKey") or dkim.get("domainSigningSelector"):
        return "uses Bring Your Own DKIM (a private key and selector)"
    origin = dkim.get("signingAttributesOrigin")
    if isinstance(origin, str) and origin != "AWS_SES":
        return f"has DKIM origin {origin}"
    return None


def _cnames_of(resources: list[PolicyResource], identity: PolicyResource) -> int:
    return sum(
        1 for r, p in _of(resources, P.RECORD) if p.get("type") == "CNAME" and identity.urn in _urns(r.dependencies)
    )


def _declared_sets(pair: Pair) -> list[str]:
    email = pair.shared.email
    return sorted(pair.physical_name(c.name) for c in (email.configuration_sets if email else []))


# --------------------------------------------------------------------------------------------- endpoint
def validate_endpoint_spans_pair(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """One endpoint, in the primary region, routing to the secondary, created after both regions' identities."""
    found = _context(args)
    if found is None:
        return
    resources, root, _, pair = found
    email = pair.shared.email
    assert email is not None
    endpoints = _of(resources, MRE)
    primary, secondary = pair.primary.region, pair.secondary.region
    if pair.this_role is Role.SECONDARY:
        for r, _ in endpoints:
            report_violation(
                "the secondary registers an SES multi-region endpoint; the primary owns it (it is managed in the "
                "region it is created in and needs both regions' identities): remove it from this stack",
                r.urn,
            )
        return
    if not email.multi_region_endpoint:
        for r, _ in endpoints:
            report_violation("an SES multi-region endpoint is registered but pair.yaml sets "
                             "email.multiRegionEndpoint: false; remove it or declare it", r.urn)  # fmt: skip
        return
    if len(endpoints) != 1:
        report_violation(
            f"pair.yaml email.multiRegionEndpoint is true: the primary must register exactly one SES multi-region "
            f"endpoint, it registers {len(endpoints)}; build it with EmailIdentities (components/email.py)",
            endpoints[1][0].urn if len(endpoints) > 1 else root.urn,
        )
    replicas = [r.urn for r, _ in replicas_of(resources)]
    parents = [r.urn for r, _ in _identities(resources, primary).values()]
    for r, p in endpoints:
        region, route = p.get("region"), P.dig(p, "details.routesDetails.region")
        if P.is_unknown(region) or P.is_unknown(route):
            continue
        if region != primary:
            report_violation(
                f"the multi-region endpoint is created in {region}, not in the primary region {primary}: SES routes "
                "an endpoint from the region it is created in (its primary) to one other; set region to the "
                "primary's",
                r.urn,
            )
        if route != secondary:
            report_violation(
                f"the multi-region endpoint routes to {route}, not to the secondary region {secondary}: it must span "
                f"exactly the pair's two regions ({primary}, {secondary})",
                r.urn,
            )
        needed = set(parents) | set(replicas)
        missing = needed - _urns(r.dependencies)
        if missing:
            report_violation(
                f"the multi-region endpoint does not depend on {len(missing)} identity resource(s) of the pair: it "
                "must be created after, and deleted before, the identities of both regions (depends_on)",
                r.urn,
            )


# ------------------------------------------------------------------------------------------------ DEED
def validate_deed_replica_origin(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Easy DKIM parents in the primary region, replicas of them (origin the primary region) in the secondary."""
    found = _context(args)
    if found is None:
        return
    resources, root, props, pair = found
    email = pair.shared.email
    assert email is not None
    replicas = replicas_of(resources)
    primary, secondary = pair.primary.region, pair.secondary.region
    want_origin = deed_origin(primary)
    if email.dkim_mode is not DkimMode.DEED:
        for r, _ in replicas:
            report_violation("a DEED replica identity is registered but pair.yaml sets email.dkimMode "
                             f"{email.dkim_mode.value}; remove it or set dkimMode: deed", r.urn)  # fmt: skip
        return
    if pair.this_role is Role.SECONDARY:
        own = _identities(resources, secondary)
        for domain in email.domains:
            if domain in own:
                report_violation(
                    f"with dkimMode: deed the secondary's identity for {domain} is a replica the primary creates; "
                    "this stack must not create its own (SES holds one identity per name and region)",
                    own[domain][0].urn,
                )
        for r, _ in replicas:
            report_violation("the secondary registers a DEED replica; the primary owns replicas (they need their "
                             "parent first, and the secondary is deployed first)", r.urn)  # fmt: skip
        return
    parents = _identities(resources, primary)
    by_domain = {str(p.get("emailIdentity")): (r, p) for r, p in replicas}
    for domain in email.domains:
        parent = parents.get(domain)
        if parent is None:
            report_violation(f"{domain} has no parent identity in the primary region {primary}", root.urn)
        else:
            why = _easy_dkim(parent[1])
            if why:
                report_violation(f"the parent identity of {domain} {why}; a DEED parent must use Easy DKIM",
                                 parent[0].urn)  # fmt: skip
            cnames = _cnames_of(resources, parent[0])
            if cnames != DKIM_RECORDS:
                report_violation(f"the parent identity of {domain} has {cnames} DKIM CNAME record(s); Easy DKIM "
                                 f"needs {DKIM_RECORDS}, and its replica reuses them", parent[0].urn)  # fmt: skip
        replica = by_domain.get(domain)
        if replica is None:
            report_violation(
                f"{domain} has no DEED replica in the secondary region {secondary}; the primary creates it "
                "(components/email.py, DeedEmailIdentity)",
                root.urn,
            )
            continue
        r, p = replica
        if p.get("region") != secondary:
            report_violation(f"the replica of {domain} is in {p.get('region')}, not in the secondary region "
                             f"{secondary}", r.urn)  # fmt: skip
        origin = p.get("signingAttributesOrigin")
        if not P.is_unknown(origin) and origin != want_origin:
            report_violation(
                f"the replica of {domain} has signing origin {origin}; it must replicate the parent in the primary "
                f"region: {want_origin}",
                r.urn,
            )
        if parent is not None and parent[0].urn not in _urns(r.dependencies):
            report_violation(
                f"the replica of {domain} does not depend on its parent identity: Pulumi could delete the parent "
                "first, which SES refuses while a replica exists (depends_on the parent)",
                r.urn,
            )
    for domain, (r, _) in by_domain.items():
        if domain not in email.domains:
            report_violation(f"a DEED replica of {domain}, which pair.yaml email.domains does not declare", r.urn)
    peer = _peer_email(props)
    still = [d.get("domain") for d in (peer or {}).get("domains") or [] if d.get("domain") in email.domains]
    if still:
        report_violation(
            f"the deployed secondary ({secondary}) still owns its own SES identity for {', '.join(map(str, still))} "
            f"(deployed with dkimMode per-region): the replica cannot be created while it exists; "
            f"{DEPLOY_SECONDARY_FIRST} (it removes them)",
            root.urn,
        )


# --------------------------------------------------------------------------------------------- parity
def validate_identity_parity(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Both regions of the endpoint have the declared identities and configuration sets."""
    found = _context(args)
    if found is None:
        return
    resources, root, props, pair = found
    email = pair.shared.email
    assert email is not None
    if not email.multi_region_endpoint:
        return
    declared_sets = _declared_sets(pair)
    own_sets = sorted(str(p.get("configurationSetName")) for _, p in _of(resources, P.CONFIGURATION_SET)
                      if p.get("region") == pair.this.region)  # fmt: skip
    if own_sets != declared_sets and not any(P.is_unknown(s) for s in own_sets):
        report_violation(
            f"{pair.this.region} has configuration sets {own_sets}, pair.yaml declares {declared_sets}: a Global "
            "endpoint needs the same sets in both regions",
            root.urn,
        )
    if pair.this_role is Role.SECONDARY:
        return
    primary, secondary = pair.primary.region, pair.secondary.region
    parents = _identities(resources, primary)
    replicas = {str(p.get("emailIdentity")): (r, p) for r, p in replicas_of(resources) if p.get("region") == secondary}
    want = sorted(email.domains)
    for label, have in ((primary, sorted(parents)), (secondary, sorted(replicas))):
        if have != want:
            report_violation(
                f"the endpoint's region {label} has identities {have}, pair.yaml declares {want}: a Global endpoint "
                "sends from the same identities in both regions",
                root.urn,
            )
    for domain, (r, p) in replicas.items():
        parent = parents.get(domain)
        mine, theirs = p.get("configurationSetName"), (parent[1].get("configurationSetName") if parent else None)
        if P.is_unknown(mine) or P.is_unknown(theirs) or parent is None:
            continue
        if (mine or None) != (theirs or None):
            report_violation(
                f"the replica of {domain} sends with default configuration set {mine}, its parent with {theirs}: "
                "SES picks either region for a message, give both the same set",
                r.urn,
            )
    peer = _peer_email(props)
    if peer is not None:
        peer_sets = sorted(str(c.get("name")) for c in peer.get("configurationSets") or [])
        if peer_sets != declared_sets:
            report_violation(
                f"the deployed secondary ({secondary}) has configuration sets {peer_sets}, pair.yaml declares "
                f"{declared_sets}: a Global endpoint needs the same sets in both regions; {DEPLOY_SECONDARY_FIRST}",
                root.urn,
            )
        for domain, (r, p) in replicas.items():
            default = p.get("configurationSetName")
            if isinstance(default, str) and default and default not in peer_sets:
                report_violation(
                    f"the replica of {domain} names configuration set {default}, which the deployed secondary "
                    f"({secondary}) does not have; {DEPLOY_SECONDARY_FIRST}",
                    r.urn,
                )


POLICIES: list[StackValidationPolicy] = [
    StackValidationPolicy(
        name="ses-global-endpoint-spans-pair",
        description="The SES multi-region endpoint (Global endpoints) is the primary's, created in the primary "
        "region with its one route to the secondary: exactly the pair's two regions, after both regions' "
        "identities.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_endpoint_spans_pair,
    ),
    StackValidationPolicy(
        name="ses-deed-replica-origin",
        description="With Deterministic Easy DKIM the primary's identities use Easy DKIM with their three CNAMEs and "
        "the secondary's are replicas of them (signing origin the primary region), created and deleted after "
        "their parents by the primary stack.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_deed_replica_origin,
    ),
    StackValidationPolicy(
        name="ses-global-endpoint-identity-parity",
        description="Both regions of the Global endpoint have the same identities and configuration sets, and "
        "each replica sends with its parent's default configuration set.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_identity_parity,
    ),
]
