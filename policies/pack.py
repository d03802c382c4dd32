"""The policies of the pack, as importable objects (`ALL_POLICIES`); `policies/__main__.py` serves them.

What this half has is observed from its registered resources (`policies/observe.py`), never taken from the
manifest it exports; that manifest is a claim the peer trusts, checked against the resources in the half's own
stack (`pair-manifest-matches-resources`). How the peer is seen: a stack policy sees only its own stack, so the
root component `regionpair:index:RegionPairHalf` carries the shared declaration, its claim and, in the primary,
the deployed secondary's parity manifest (read through a StackReference, known at preview), as inputs and as
registered outputs. Parity policies therefore judge the pair in the **primary's** preview/up. In the secondary
(deployed first, when no primary exists) they judge what that half can show alone and never block on the
missing peer.

Unknown values (preview): rules read plain copies where unknowns are marked; a rule whose verdict depends on
an unknown raises `UnknownValueError`, which the SDK reports as advisory "can't run during preview", never as a
pass or a failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

from regionpair.components import budgets
from regionpair.policies import (
    compare,
    decode_once,
    observe,
    rules_evidence,
    rules_global_endpoint,
    rules_identity,
    rules_lifecycle,
    rules_parity,
    rules_region_switch_triggers,
)
from regionpair.policies import props as P

MANDATORY, ADVISORY = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY
decode_once.install()  # the SDK decodes each resource once per request, not once per policy (policies/decode_once.py)


class Undecided(UnknownValueError):
    """A verdict that depends on a value unknown until apply; the SDK reports it as advisory, not a result."""

    def __init__(self, what: str) -> None:
        Exception.__init__(self, what)
        self.unknown_type_sentinel, self.props = "", []
        self.message = f"{what} is not known until apply; the policy runs again on `pulumi up`"


def _undecided(what: str) -> Undecided:
    return Undecided(what)


# ------------------------------------------------------------------------------------------- parity (stack)
class _PerRequest:
    """What `_observe` made of one AnalyzeStack request, shared by the stack policies that judge it.

    The SDK hands each stack policy freshly deserialized resources, so object identity cannot tell requests
    apart. A request is recognised by its URNs, and a new one begins when a policy asks a second time (the SDK
    runs every policy once per request, in order): a harness that re-sends the same URNs with other props is
    therefore never served a stale observation.
    """

    def __init__(self) -> None:
        self.key: tuple[str, ...] | None = None
        self.served: set[str] = set()
        self.value: Any = None

    def get(self, policy: str, resources: list[PolicyResource]) -> Any:
        key = tuple(r.urn for r in resources)
        if key != self.key or policy in self.served:
            self.key, self.served, self.value = key, set(), _observe(resources)
        self.served.add(policy)
        return self.value


_REQUEST = _PerRequest()


def _halves(
    args: StackValidationArgs, policy: str
) -> tuple[PolicyResource, Mapping[str, Any], Any, dict[str, Any]] | None:
    """The root, its props, the pair and what this half has (observed from its resources); None without a root."""
    return _REQUEST.get(policy, list(args.resources))


def _observe(resources: list[PolicyResource]) -> tuple[PolicyResource, Mapping[str, Any], Any, dict[str, Any]] | None:
    """Read the root (declaration, claim, peer) and observe the half's resources."""
    found = P.root_context(resources)
    if found is None:
        return None
    root, props, pair = found
    claim = props.get("manifest") if isinstance(props.get("manifest"), Mapping) else {}
    return root, props, pair, observe.observe(resources, pair, claim)


def _config_set_names(pair: Any) -> dict[str, str]:
    email = pair.shared.email
    return {c.name: pair.physical_name(c.name) for c in (email.configuration_sets if email else [])}


def _pair_findings(args: StackValidationArgs, policy: str) -> tuple[PolicyResource, list[compare.Finding]] | None:
    """Every parity, claim and ordering finding of this stack (the observation is shared per request)."""
    halves = _halves(args, policy)
    if halves is None:
        return None
    settings = dict(args.get_config() or {})
    if _FINDINGS.get("of") is halves and _FINDINGS.get("settings") == settings:  # the same request's findings
        return _FINDINGS["found"]
    found = _findings_of(args, halves, settings)
    _FINDINGS.update({"of": halves, "settings": settings, "found": found})
    return found


_FINDINGS: dict[str, Any] = {}
"""The last request's findings: every parity policy reports its own share of one computation."""


def _findings_of(
    args: StackValidationArgs, halves: tuple[PolicyResource, Mapping[str, Any], Any, dict[str, Any]],
    settings: dict[str, Any],
) -> tuple[PolicyResource, list[compare.Finding]]:
    root, props, pair, own = halves
    declaration = props.get("declaration") if isinstance(props.get("declaration"), Mapping) else None
    peer = props.get("peerManifest")
    claim = props.get("manifest") if isinstance(props.get("manifest"), Mapping) else {}
    entries = rules_parity.registered(args.resources)
    built = rules_parity.inventory(claim)
    gaps = _inventory_findings(pair, built, entries, root.urn)
    changed = {f.urn for f in gaps}
    subsumed = {"STOP alarm"}  # every setting of it is route53-stop-contract's
    findings = [f for f in compare.claim_gaps(claim, own, root.urn)
                if f.urn not in changed and f.subject not in subsumed] if claim else []  # fmt: skip
    findings += gaps
    if isinstance(peer, Mapping) and peer:
        requested = [n.model_dump(mode="json", by_alias=True) for n in pair.secondary.requested_numbers]
        ordering = compare.deploy_order(declaration or {}, peer, _config_set_names(pair), requested)
        ordering += _declaration_findings(pair, declaration, peer, root.urn, ordering)
        covered = {f.subject for f in ordering}
        parity = compare.compare_manifests(own, peer, declaration, settings)
        findings += ordering + [f for f in parity if f.subject not in covered]
        findings += _parity_findings(pair, entries, built, peer, declaration, findings)
    else:
        findings += compare.check_half(own, declaration, settings)
    return root, findings


SUBSUMED: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    P.LAMBDA: (("runtime", "memorySize", "timeout", "sourceCodeHash"), frozenset({compare.API_PARITY})),
    P.CONFIGURATION_SET: (("",), frozenset({compare.SES_PARITY, compare.DEPLOY_ORDER})),
    P.EMAIL_IDENTITY: (("",), frozenset({compare.SES_PARITY, compare.DEPLOY_ORDER})),
    P.BUCKET: (("",), frozenset({compare.S3_PARITY, compare.DEPLOY_ORDER})),
}
"""A generic difference a specific policy already reports with a better message (the path's first step)."""


def _parity_findings(
    pair: Any, entries: list[rules_parity.Entry], built: list[rules_parity.Entry] | None, peer: Mapping[str, Any],
    declaration: Mapping[str, Any] | None, specific: list[compare.Finding],
) -> list[compare.Finding]:
    """pair-parity-all-inputs: the primary's resources against the secondary's inventory, every input."""
    theirs = rules_parity.inventory(peer)
    if theirs is None or pair.this_role.value != "primary":
        return []
    if built is not None:  # the user's own resources in the same stack are not the pair's to judge (library.md)
        ours = {(e.type, e.name) for e in built}
        entries = [e for e in entries if (e.type, e.name) in ours]
    mine_half = rules_parity.Half(pair.this.region, pair.peer.region, pair.this_role.value)
    peer_half = rules_parity.Half(pair.peer.region, pair.this.region, pair.peer.role.value)
    diffs = rules_parity.compare(entries, mine_half, theirs, peer_half, "primary", built, declaration)
    diffs += rules_parity.replica_differences(entries)
    reported = {f.policy for f in specific if not f.undecided}
    if any(f.policy == compare.DEPLOY_ORDER and not f.undecided for f in specific):
        return []  # the secondary lags today's pair.yaml: the differences follow from it, reported as that step
    changed = {f.subject for f in specific if f.policy == compare.CLAIM}  # said with the input to restore
    declared_per_half = rules_parity.per_half_paths(pair)
    out = []
    me, other = f"primary ({pair.this.region})", f"secondary ({pair.peer.region})"
    for d in diffs:
        keys, policies = SUBSUMED.get(d.type, ((), frozenset()))
        if policies & reported and (d.path.split(".")[0] in keys or (not d.path and "" in keys)):
            continue
        subject = f"{d.type} {d.name}"
        if f"{subject} {d.path}" in changed or rules_parity.declared_here(declared_per_half, d):
            continue
        if d.path.startswith("replicas."):
            message = (f"{d.name}'s replica in {pair.peer.region} has {d.path.split('.')[-1]} "
                       f"{rules_parity.show(d.mine)}, the table itself {rules_parity.show(d.theirs)}: the replica is "
                       "the secondary's table and must keep what the primary's keeps; set it on the replica "
                       "(components/table.py builds both from pair.yaml)")  # fmt: skip
        elif not d.path:
            where, missing = (me, other) if d.mine else (other, me)
            urn = d.urn or d.peer_urn
            message = (f"{d.name} ({urn}) exists in the {where} but has no counterpart in the {missing}: "
                       "both halves must build the same resources; redeploy the lagging half from today's pair.yaml "
                       "(secondary first: pulumi up -s secondary), or, if only one half owns it by design, add "
                       "its row with the reason to policies/per_region.py OWNED")  # fmt: skip
        else:
            message = (f"{d.name}: input {d.path} is {rules_parity.show(d.mine)} in the {me} ({d.urn}) but "
                       f"{rules_parity.show(d.theirs)} in the {other} ({d.peer_urn}); the standby must be built "
                       "like the primary: restore the changed half (a hand edit or a transform), or redeploy the "
                       "secondary from today's pair.yaml (pulumi up -s secondary); a difference that is legitimate "
                       "per region needs its row, with the reason, in policies/per_region.py")  # fmt: skip
        out.append(compare.Finding(rules_parity.PARITY, message, f"{subject} {d.path}", urn=d.urn))
    return out


STOP_INPUTS = frozenset({"name", "region", "namespace", "metricName", "dimensions", "statistic", "extendedStatistic",
                         "unit", "period", "evaluationPeriods", "datapointsToAlarm", "threshold",
                         "comparisonOperator", "treatMissingData", "metricQueries"})  # fmt: skip
"""The STOP alarm's inputs route53-stop-contract judges against what `regionpair failover` publishes."""
SIGNAL_INPUTS = frozenset({"region", "namespace", "metricName", "threshold", "metricQueries"})
"""A failover signal's inputs cloudwatch-alarm-failover-signals judges against pair.yaml signals."""


def _judged_elsewhere(d: rules_parity.Difference) -> bool:
    """A changed input a specific policy reports with a better message (one difference, one report)."""
    if d.type != P.METRIC_ALARM:
        return False
    first = d.path.split(".")[0]
    if d.name.endswith("-routing-stop-alarm"):
        return first in STOP_INPUTS
    return "-signals-" in d.name and first in SIGNAL_INPUTS


def _inventory_findings(
    pair: Any, built: list[rules_parity.Entry] | None, entries: list[rules_parity.Entry], root_urn: str
) -> list[compare.Finding]:
    """The claim, generically: each registered resource against what the program built (its inventory entry)."""
    if built is None:
        return []
    out = []
    for d in rules_parity.inventory_gaps(built, entries):
        if _judged_elsewhere(d):
            continue
        out.append(compare.Finding(
            compare.CLAIM,
            f"the resource {d.name} ({d.urn}) was changed after the program built it (by hand or by a transform): "
            f"its {d.path} is {rules_parity.show(d.mine)}, pair.yaml builds {rules_parity.show(d.theirs)}; "
            f"restore {d.path} to {rules_parity.show(d.theirs)} or change pair.yaml",
            f"{d.type} {d.name} {d.path}", urn=d.urn or root_urn,
        ))  # fmt: skip
    return out


def _declaration_findings(
    pair: Any, declaration: Mapping[str, Any] | None, peer: Mapping[str, Any], root_urn: str,
    ordering: list[compare.Finding],
) -> list[compare.Finding]:
    """The secondary deployed from another pair.yaml: every key that differs (deny by default), once.

    Keys the specific deploy-order findings already name (a domain, a configuration set, the Lambda, a bucket)
    are left to them.
    """
    deployed = peer.get("declaration")
    if pair.this_role.value != "primary" or not isinstance(deployed, Mapping) or declaration is None:
        return []
    domains = set((declaration.get("email") or {}).get("domains") or [])
    said = set()
    for f in ordering:
        if f.subject in domains:
            said.add("email.domains")
        elif f.subject == "configuration sets":
            said.add("email.configurationSets")
        elif f.subject == "api":
            said.add("api.lambda")
        elif f.subject.startswith("bucket "):
            said.add("buckets")
    diffs = [d for d in rules_parity.declaration_differences(dict(declaration), dict(deployed))
             if not any(d[0] == k or d[0].startswith(k + ".") for k in said)]  # fmt: skip
    if not diffs:
        return []
    shown = "; ".join(f"{path}: {rules_parity.show(b)} deployed, {rules_parity.show(a)} today"
                      for path, a, b in diffs[:8])  # fmt: skip
    more = f" (and {len(diffs) - 8} more)" if len(diffs) > 8 else ""
    return [compare.Finding(
        compare.DEPLOY_ORDER,
        f"the deployed secondary ({pair.peer.region}) was built from another pair.yaml: {shown}{more}; "
        f"{compare.DEPLOY_SECONDARY_FIRST}",
        "secondary declaration", urn=root_urn,
    )]  # fmt: skip


_ROLE_STACK = re.compile(r"(?<=-s )(primary|secondary)\b")


def _stack_names(root: PolicyResource, pair: Any) -> dict[str, str]:
    """Role -> stack name: this stack's from the root's URN, the peer's from `regionpair:peerStack`."""
    this = str(root.urn).split("::", 1)[0].rsplit(":", 1)[-1]
    return {pair.this_role.value: this, pair.peer.role.value: pair.this.peer_stack_short}


def _named(message: str, names: Mapping[str, str]) -> str:
    """Messages say `pulumi up -s secondary` by role; the user's stacks may be named otherwise (prod-usw2)."""
    return _ROLE_STACK.sub(lambda m: names.get(m.group(1), m.group(1)), message) if names else message


def _parity_validator(policy: str) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        found = _pair_findings(args, policy)
        if found is None:
            return
        root, findings = found
        observed = _REQUEST.value  # what _pair_findings just observed (asking _halves again starts a new request)
        names = _stack_names(root, observed[2]) if observed is not None else {}
        mine = [f for f in findings if f.policy == policy]
        for f in mine:
            if not f.undecided:
                report_violation(_named(f"{f.subject}: {f.message}", names), f.urn or root.urn)
        if mine and all(f.undecided for f in mine):
            raise _undecided(_named("; ".join(f"{f.subject}: {f.message}" for f in mine), names))

    return validate


_PARITY = [
    (compare.SES_PARITY, "Every sending domain is verified in both regions with its own Easy DKIM records and a "
     "custom MAIL FROM, and both regions have the same configuration sets (the Pinpoint and SES guide: identities "
     "are regional)."),
    (compare.SMS_MINIMUM, "Each region holds at least the minimum of SMS origination numbers per declared country "
     "(the Pinpoint and SES guide: at least two, to survive a carrier problem), counting numbers registered by hand."),
    (compare.SMS_THROUGHPUT, "The standby's summed SMS throughput per country (messages per second by number type) "
     "covers the declared failover volume."),
    (compare.SMS_SNOWSHOE, "No more toll-free numbers per country than configured (default 1): spreading traffic "
     "over toll-free numbers to add throughput gets filtered by carriers."),
    (compare.S3_PARITY, "Every declared bucket exists and is versioned in both regions, the primary replicates it "
     "to the peer's bucket with delete markers, and with Replication Time Control when the RPO is <= 15 min."),
    (compare.DYNAMODB_PARITY, "Every declared global table has a replica in the peer region, the declared keys, "
     "NEW_AND_OLD_IMAGES streams and point-in-time recovery."),
    (compare.API_PARITY, "The regional API exists in both regions with the same domain, Lambda runtime, memory, "
     "timeout and code."),
    (compare.CLAIM, "The parity manifest a half exports (which the peer trusts) says what the half's registered "
     "resources are: a claim without a resource, or a resource without a claim, is a violation."),
    (compare.DEPLOY_ORDER, "The deployed secondary has everything today's declaration asks of it; otherwise deploy "
     "the secondary first. Mandatory by default; a pull request's check makes it advisory (docs/policies.md)."),
    (compare.SMS_PENDING, "Numbers whose registration is pending are reported, never counted as capacity."),
    (rules_parity.PARITY, "Deny by default: each resource of the primary matches its counterpart in the secondary "
     "(by type and logical name) on every input, except what policies/per_region.py lists with its reason; a "
     "resource with no counterpart is a violation unless that table says one half owns it (docs/parity.md)."),
    (compare.ROUTING_PARITY, "STOP routing is wired across the pair: the alarm lives in the standby region, the "
     "primary's health check watches exactly that alarm, and the failover records alias the two regional APIs."),
]  # fmt: skip

_SMS_SCHEMA = PolicyConfigSchema(
    properties={
        "minimumNumbers": {"type": "integer", "default": 2, "minimum": 1},
        "maxTollFreePerCountry": {"type": "integer", "default": 1, "minimum": 1},
    }
)

PARITY_POLICIES = [
    StackValidationPolicy(
        name=name,
        description=description,
        enforcement_level=ADVISORY if name in (compare.SMS_SNOWSHOE, compare.SMS_PENDING) else MANDATORY,
        validate=_parity_validator(name),
        config_schema=_SMS_SCHEMA if name.startswith("sms-") else None,
    )
    for name, description in _PARITY
]


# ----------------------------------------------------------------------------------- bucket guards (stack)
def validate_bucket_guards(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Each bucket has versioning on, all four public-access blocks and a policy denying non-TLS requests.

    A guard belongs to the bucket its `bucket` property depends on (known at preview, unlike the bucket's id).
    """
    resources = list(args.resources)
    guards: dict[str, dict[str, Any]] = {}
    for token, key in (
        (P.BUCKET_VERSIONING, "versioning"),
        (P.BUCKET_PUBLIC_ACCESS, "public"),
        (P.BUCKET_POLICY, "policy"),
    ):
        for resource, props in P.of_type(resources, token):
            owners = [d.urn for d in resource.property_dependencies.get("bucket") or []]
            if not owners and props.get("bucket") is P.UNKNOWN:
                raise _undecided("which bucket a versioning/public-access/policy resource belongs to")
            for owner in owners or [str(props.get("bucket"))]:
                guards.setdefault(owner, {})[key] = props
    undecided = []
    for resource, props in P.of_type(resources, P.BUCKET):
        name = props.get("bucket")
        have = guards.get(resource.urn) or guards.get(str(name)) or guards.get(str(props.get("id"))) or {}
        status = P.dig(have.get("versioning"), "versioningConfiguration.status")
        if status != "Enabled":
            report_violation(
                f"bucket {name} has no versioning (status {status}); replication needs it: set "
                "versioning_configuration status Enabled",
                resource.urn,
            )
        flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        public = have.get("public") or {}
        if not all(public.get(f) is True for f in flags):
            report_violation(f"bucket {name} does not block public access (all four must be true)", resource.urn)
        if (have.get("policy") or {}).get("policy") is P.UNKNOWN:  # it names the bucket's ARN
            undecided.append(f"bucket {name}'s policy (TLS-only)")
        elif not _denies_insecure_transport(P.policy_document((have.get("policy") or {}).get("policy"))):
            report_violation(
                f"bucket {name} accepts non-TLS requests; add a Deny on aws:SecureTransport=false", resource.urn
            )
    if undecided:
        raise _undecided(", ".join(undecided))


def _denies_insecure_transport(doc: dict[str, Any] | None) -> bool:
    for statement in (doc or {}).get("Statement") or []:
        condition = (statement.get("Condition") or {}).get("Bool") or {}
        if statement.get("Effect") == "Deny" and str(condition.get("aws:SecureTransport")).lower() == "false":
            return True
    return False


# ------------------------------------------------------------------------------ replication rule (resource)
def validate_replication_rule(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Every rule is an enabled V2 rule (filter) that replicates delete markers to another bucket."""
    if args.resource_type != P.BUCKET_REPLICATION:
        return
    props = P.plain(args.props)
    source = props.get("bucket")
    for i, rule in enumerate(props.get("rules") or []):
        rid = rule.get("id") or f"rules[{i}]"
        if rule.get("status") != "Enabled":
            report_violation(f"replication rule {rid} of {source} is not Enabled", None)
        if "filter" not in rule:
            report_violation(f"replication rule {rid} of {source} has no filter (a V1 rule); add filter: {{}}", None)
        if P.dig(rule, "deleteMarkerReplication.status") != "Enabled":
            report_violation(
                f"replication rule {rid} of {source} does not replicate delete markers; enable "
                "deleteMarkerReplication so deletions reach the peer",
                None,
            )
        dest = P.dig(rule, "destination.bucket")
        if dest is P.UNKNOWN:
            raise _undecided(f"the destination of rule {rid}")
        if isinstance(source, str) and isinstance(dest, str) and dest.endswith(f":::{source}"):
            report_violation(f"replication rule {rid} of {source} replicates into the same bucket", None)


# ------------------------------------------------------------------------------------ global table (resource)
def validate_global_table(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """A table is a global table: a replica in another region, NEW_AND_OLD_IMAGES streams, PITR."""
    if args.resource_type != P.TABLE:
        return
    props = P.plain(args.props)
    name, region = props.get("name"), props.get("region")
    regions = [r.get("regionName") for r in props.get("replicas") or []]
    if not any(r and r != region for r in regions):
        report_violation(f"table {name} in {region} has no replica in another region (replicas: {regions})", None)
    if not props.get("streamEnabled") or props.get("streamViewType") != "NEW_AND_OLD_IMAGES":
        report_violation(f"table {name} must stream NEW_AND_OLD_IMAGES (global tables need streams)", None)
    if not P.dig(props, "pointInTimeRecovery.enabled"):
        report_violation(f"table {name} has no point-in-time recovery", None)


# ------------------------------------------------------------------------------------ IAM wildcards (resource)
def validate_no_wildcards(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """No `*` action (or `service:*`) and no `*` resource in the pair's IAM policies."""
    if args.resource_type != P.ROLE_POLICY:
        return
    raw = P.plain(args.props).get("policy")
    if raw is P.UNKNOWN:
        raise _undecided("the role policy document")
    doc = P.policy_document(raw)
    if doc is None:
        return
    for statement in doc.get("Statement") or []:
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid", "a statement")
        bad_actions = [a for a in P.as_list(statement.get("Action")) if a == "*" or str(a).endswith(":*")]
        if bad_actions:
            report_violation(f"{sid} allows wildcard actions {bad_actions}; list the actions needed", None)
        if "*" in P.as_list(statement.get("Resource")) and not _unavoidable_star(statement):
            report_violation(f'{sid} allows Resource "*"; scope it to the pair\'s ARNs', None)


def _unavoidable_star(statement: Mapping[str, Any]) -> bool:
    """Resource "*" is the only option for actions without a resource type; require a region condition then."""
    actions = set(P.as_list(statement.get("Action")))
    region = (P.dig(statement, "Condition") or {}).get("StringEquals", {}).get("aws:RequestedRegion")
    return bool(actions) and actions <= P.NO_RESOURCE_TYPE_ACTIONS and bool(region)


# ----------------------------------------------------------------------------------- failover routing (stack)
def validate_failover_records(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Failover records come in PRIMARY/SECONDARY pairs; PRIMARY has a health check; short TTL when not alias."""
    max_ttl = int((args.get_config() or {}).get("maxTtlSeconds", 60))
    groups: dict[tuple[Any, Any, Any], list[tuple[PolicyResource, dict[str, Any]]]] = {}
    for resource, props in P.of_type(list(args.resources), P.RECORD):
        policies = props.get("failoverRoutingPolicies") or []
        if not policies:
            continue
        groups.setdefault((props.get("zoneId"), props.get("name"), props.get("type")), []).append((resource, props))
        ttl = props.get("ttl")
        if not props.get("aliases") and ttl is not None and ttl is not P.UNKNOWN and int(ttl) > max_ttl:
            report_violation(
                f"failover record {props.get('name')} has TTL {int(ttl)} s > {max_ttl} s: resolvers keep the dead "
                f"region's answer that long; set ttl <= {max_ttl} or make the record an alias",
                resource.urn,
            )
    for (_, name, _), records in groups.items():
        kinds = sorted(str(P.dig(p, "failoverRoutingPolicies.0.type")) for _, p in records)
        if kinds != ["PRIMARY", "SECONDARY"]:
            report_violation(
                f"failover records for {name} are {kinds}; create exactly one PRIMARY and one SECONDARY",
                records[0][0].urn,
            )
        for resource, props in records:
            primary = P.dig(props, "failoverRoutingPolicies.0.type") == "PRIMARY"
            if primary and not props.get("healthCheckId"):
                report_violation(
                    f"the PRIMARY record for {name} has no health check: it would never fail over", resource.urn
                )


def validate_stop_health_check(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """A CLOUDWATCH_METRIC health check watches an alarm in the standby region, keeping last known status."""
    resources = list(args.resources)
    root = P.root_props(resources) or {}
    standby = root.get("peerRegion") if root.get("role") == "primary" else root.get("region")
    for resource, props in P.of_type(resources, P.HEALTH_CHECK):
        if props.get("type") != "CLOUDWATCH_METRIC":
            continue
        region = props.get("cloudwatchAlarmRegion")
        if region is P.UNKNOWN:
            raise _undecided("the health check's alarm region")
        if standby and region != standby:
            report_violation(
                f"the STOP health check watches an alarm in {region}, not in the standby region {standby}: "
                "failing over must not depend on the failed region",
                resource.urn,
            )
        if props.get("insufficientDataHealthStatus") != "LastKnownStatus":
            report_violation(
                "set insufficientDataHealthStatus to LastKnownStatus so a gap in the metric does not flip routing",
                resource.urn,
            )


STOP_ORDER = (
    "failover does not work until both halves are deployed in order: pulumi up -s secondary, then pulumi up -s primary"
)


def validate_stop_contract(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The declared STOP metric, the secondary's alarm and the alarm the primary's health check watches agree.

    `regionpair failover` publishes the declared metric; the alarm must watch exactly it and the health check
    must watch exactly that alarm, or publishing fails nobody over.
    """
    halves = _halves(args, "route53-stop-contract")
    if halves is None:
        return
    root, props, pair, own = halves
    if pair.shared.routing.mode.value != "failover" or pair.shared.api is None:
        return
    want = observe.declared_stop(pair)

    def judge(alarm: Mapping[str, Any] | None, where: str, urn: str, fix: str) -> None:
        if not alarm:
            report_violation(f"{where} has no STOP alarm {want['name']}; {fix}; {STOP_ORDER}", urn)
            return
        bad = {k: alarm.get(k) for k, v in want.items() if not P.is_unknown(alarm.get(k)) and alarm.get(k) != v}
        if alarm.get("metricQueries"):
            bad["metricQueries"] = "a metric-math expression"
        if bad:
            expected = {k: want.get(k) for k in bad}
            report_violation(
                f"{where}'s STOP alarm has {bad} ({want['name']}), but pair.yaml routing.stop declares {expected}: "
                f"`regionpair failover` publishes {want['metric']}=1 and `failback` 0 to exactly that alarm, so it "
                f"would fire at the wrong time or never clear; {fix}; {STOP_ORDER}",
                urn,
            )

    if pair.this_role.value == "secondary":
        alarm = (own.get("routing") or {}).get("alarm")
        judge(alarm, f"the secondary ({pair.this.region})", (alarm or {}).get(observe.URN) or root.urn,
              "the resource was changed (by hand or by a transform): restore those settings to what pair.yaml "
              "declares, or change pair.yaml routing.stop and redeploy both halves")  # fmt: skip
        return
    peer = props.get("peerManifest")
    if not isinstance(peer, Mapping) or not peer:
        return
    alarm = P.dig(peer, "routing.alarm")
    judge(alarm, f"the deployed secondary ({pair.secondary.region})", root.urn,
          "redeploy the secondary from this pair.yaml (pulumi up -s secondary)")
    check = (own.get("routing") or {}).get("healthCheck")
    if not check:
        report_violation(f"the primary has no CLOUDWATCH_METRIC health check on {want['name']}; {STOP_ORDER}",
                         root.urn)  # fmt: skip
        return
    watched = {"name": check.get("alarmName"), "region": check.get("alarmRegion")}
    exported = {"name": (alarm or {}).get("name"), "region": (alarm or {}).get("region")}
    for label, other in (("pair.yaml's STOP alarm", {k: want[k] for k in ("name", "region")}),
                         ("the alarm the secondary exports", exported)):  # fmt: skip
        if not P.is_unknown(watched) and watched != other:
            report_violation(
                f"the STOP health check ({check.get(observe.URN) or root.urn}) watches {watched}, but {label} is "
                f"{other}: if the check was changed (by hand or by a transform), restore cloudwatchAlarmName and "
                f"cloudwatchAlarmRegion to {other}; otherwise redeploy the secondary, then the primary; {STOP_ORDER}",
                check.get(observe.URN) or root.urn,
            )


# ---------------------------------------------------------------------------------------- budgets (stack)
def validate_rto_budget(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Worst-case RTO of the deployed routing (alarm period x periods + health check + TTL) fits the objective."""
    resources = list(args.resources)
    root = P.root_props(resources)
    if root is None or not isinstance(root.get("declaration"), Mapping):
        return
    decl = root["declaration"]
    objective = int((decl.get("objectives") or {}).get("rtoSeconds", 300))
    routing = decl.get("routing") or {}
    mode = routing.get("mode", "failover")
    if mode == "region-switch":
        return  # the plan's own budget: arc-plan-rto-within-objective (policies/rules_region_switch.py)
    if mode == "failover":
        alarm = _stop_alarm(resources, root)
        if alarm is None:
            return
        period, periods = alarm.get("period"), alarm.get("evaluationPeriods")
        if P.UNKNOWN in (period, periods) or period is None or periods is None:
            raise _undecided("the STOP alarm's period")
        budget = budgets.rto_from("failover", period_seconds=int(period), evaluation_periods=int(periods))
    else:
        lat = routing.get("latency") or {}
        budget = budgets.rto_from(
            "latency",
            request_interval_seconds=int(lat.get("requestIntervalSeconds", 30)),
            failure_threshold=int(lat.get("failureThreshold", 3)),
        )
    if budget.seconds is not None and budget.seconds > objective:
        report_violation(f"worst-case RTO {budget.arithmetic} exceeds objectives.rtoSeconds {objective} s", None)


def _stop_alarm(resources: list[PolicyResource], root: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for _, props in P.of_type(resources, P.METRIC_ALARM):
        if str(props.get("name", "")).endswith("stop-failover"):
            return props
    peer = root.get("peerManifest") or {}
    return P.dig(peer, "routing.alarm") if isinstance(peer, Mapping) else None


def validate_rpo_budget(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """The RPO implied by the deployed replication (RTC 15 min, global tables ~1 min) fits the objective."""
    resources = list(args.resources)
    root = P.root_props(resources)
    if root is None or not isinstance(root.get("declaration"), Mapping):
        return
    objective = int((root["declaration"].get("objectives") or {}).get("rpoMinutes", 15))
    stores: list[dict[str, Any]] = []
    for _, props in P.of_type(resources, P.BUCKET_REPLICATION):
        for rule in props.get("rules") or []:
            rtc = P.dig(rule, "destination.replicationTime.status") == "Enabled"
            stores.append({"name": f"{props.get('bucket')}/{rule.get('id')}", "replicationTimeControl": rtc})
    tables = [{"name": p.get("name")} for _, p in P.of_type(resources, P.TABLE) if p.get("replicas")]
    budget = budgets.worst_case_rpo(stores, tables)
    if budget.minutes is None:
        report_violation(f"RPO unbounded: {budget.arithmetic}; enable Replication Time Control", None)
    elif budget.minutes > objective:
        report_violation(f"worst-case RPO {budget.arithmetic} exceeds objectives.rpoMinutes {objective} min", None)


RESOURCE_POLICIES = [
    ResourceValidationPolicy(
        name="s3-replication-rule-complete",
        description="Replication rules are enabled V2 rules that replicate delete markers into another bucket.",
        enforcement_level=MANDATORY,
        validate=validate_replication_rule,
    ),
    ResourceValidationPolicy(
        name="dynamodb-table-global-replica",
        description="Tables are global tables: a replica in another region, NEW_AND_OLD_IMAGES streams, PITR.",
        enforcement_level=MANDATORY,
        validate=validate_global_table,
    ),
    ResourceValidationPolicy(
        name="iam-policy-no-wildcards",
        description="The replication and Lambda roles grant no `*` action or resource: least privilege.",
        enforcement_level=MANDATORY,
        validate=validate_no_wildcards,
    ),
]

STACK_POLICIES = [
    StackValidationPolicy(
        name="s3-bucket-guards",
        description="Buckets are versioned, block public access and deny requests not made over TLS.",
        enforcement_level=MANDATORY,
        validate=validate_bucket_guards,
    ),
    StackValidationPolicy(
        name="route53-record-failover-pairs",
        description="Failover records come in PRIMARY/SECONDARY pairs, the PRIMARY has a health check, and "
        "non-alias failover records have a TTL no longer than configured (default 60 s).",
        enforcement_level=MANDATORY,
        validate=validate_failover_records,
        config_schema=PolicyConfigSchema(properties={"maxTtlSeconds": {"type": "integer", "default": 60}}),
    ),
    StackValidationPolicy(
        name="route53-healthcheck-standby-alarm",
        description="The STOP health check (CLOUDWATCH_METRIC) watches an alarm in the standby region and keeps "
        "its last known status when data is missing (the STOP pattern).",
        enforcement_level=MANDATORY,
        validate=validate_stop_health_check,
    ),
    StackValidationPolicy(
        name="route53-stop-contract",
        description="The STOP alarm as registered (and as the secondary exports it) agrees with what `regionpair "
        "failover`/`failback` publish on every setting that decides when it fires (namespace, metric, dimensions, "
        "statistic, unit, period, evaluation periods, datapoints, threshold, comparison, missing-data "
        "treatment), and the primary's health check watches exactly that alarm.",
        enforcement_level=MANDATORY,
        validate=validate_stop_contract,
    ),
    StackValidationPolicy(
        name="pair-rto-budget",
        description="The worst-case RTO computed from the deployed routing fits objectives.rtoSeconds.",
        enforcement_level=MANDATORY,
        validate=validate_rto_budget,
    ),
    StackValidationPolicy(
        name="pair-rpo-budget",
        description="The RPO implied by the deployed replication fits objectives.rpoMinutes.",
        enforcement_level=MANDATORY,
        validate=validate_rpo_budget,
    ),
]


def _signal_policies() -> list[Any]:
    from regionpair.policies.rules_signals import POLICIES

    return list(POLICIES)


def _region_switch_policies() -> list[Any]:
    from regionpair.policies.rules_region_switch import POLICIES

    return list(POLICIES)


def _messaging_policies() -> list[Any]:
    from regionpair.policies.rules_messaging import POLICIES

    return list(POLICIES)




def _naming_stacks(policy: Any) -> Any:
    """A stack policy whose fix hints (`pulumi up -s secondary`) name the user's own stacks (prod-usw2).

    The hints are written by role; the pair's stacks may have any names. The root component's URN names this
    stack and its declaration the peer's (`regionpair:peerStack`).
    """
    if not isinstance(policy, StackValidationPolicy):
        return policy
    validate = policy.validate

    def named(args: StackValidationArgs, report_violation: ReportViolation) -> Any:
        found = P.root_context(args.resources)
        names = _stack_names(found[0], found[2]) if found is not None else {}
        return validate(args, lambda message, urn=None: report_violation(_named(message, names), urn))

    policy.validate = named
    return policy


ALL_POLICIES = [*PARITY_POLICIES, *RESOURCE_POLICIES, *STACK_POLICIES, *_signal_policies(),
                *_region_switch_policies()]  # fmt: skip
_STACK_NAMED = (*_messaging_policies(), *rules_global_endpoint.POLICIES, *rules_lifecycle.POLICIES,
                *rules_identity.POLICIES, *rules_evidence.POLICIES, *rules_region_switch_triggers.POLICIES)
ALL_POLICIES += [_naming_stacks(p) for p in _STACK_NAMED]
