"""Cross-field rules of a pair that need both halves or several sections; each raises `DeclarationError`."""

from __future__ import annotations

from typing import Any

from regionpair.components import budgets, constraints
from regionpair.components.adopt import check_adoption
from regionpair.components.api_rules import check_api
from regionpair.components.declaration import (
    CONFIG_NAMESPACE,
    DEFAULT_DECLARATION_FILE,
    DeclarationError,
    DkimMode,
    NumberType,
    Pair,
    Role,
    RoutingMode,
    SharedDeclaration,
    registration_key,
)
from regionpair.components.declaration.base import _ACM_ARN_RE, _SMS_ARN_RE
from regionpair.components.declaration.email import check_leased_ips, check_mail_from
from regionpair.components.declaration.identity import check_identity
from regionpair.components.region_switch_model import validate_region_switch
from regionpair.components.regions import Service, offers


def check_cdn(s: SharedDeclaration, decl_name: str = DEFAULT_DECLARATION_FILE) -> None:
    """The read path serves a declared bucket pair, and an API only if one is declared."""
    if s.cdn is None:
        return
    names = [b.name for b in s.buckets]
    if s.cdn.bucket not in names:
        raise DeclarationError(
            f"{decl_name} cdn.bucket",
            f"{s.cdn.bucket!r} is not one of buckets ({', '.join(names) or 'none declared'}); "
            "declare the bucket pair under buckets first",
        )
    if s.cdn.api is not None and s.api is None:
        raise DeclarationError(f"{decl_name} cdn.api", "puts the API behind CloudFront but no api: is declared")


def check_sms_numbers(pair: Pair, stack_key: dict[Role, str]) -> None:
    """Per-number rules AWS and the provider enforce: one message type per pool, registrations per region/number.

    Sources: a pool's identities must share its country and message type, and be ACTIVE (terraform-provider-aws
    internal/service/pinpointsmsvoicev2/pool.go, validatePhoneIdentity); registrations exist in one region and a
    US toll-free number has its own (AWS End User Messaging SMS User Guide, registrations-tfn.html).
    """
    types: dict[Role, dict[str, tuple[str, str]]] = {}
    registrations: dict[Role, dict[str, tuple[str, NumberType]]] = {}
    for role in Role:
        half, prefix = pair.half(role), stack_key[role]
        keys = half.number_keys
        for i, k in enumerate(keys):
            if k in keys[:i]:
                raise DeclarationError(
                    f"{prefix}:requestedNumbers[{i}].name",
                    f"{k!r} is the key of requestedNumbers[{keys.index(k)}] too; give each number its own name "
                    "(the key names its resource: renaming one requests a new number)",
                )
        first: dict[str, tuple[str, str]] = {}
        regs: dict[str, tuple[str, NumberType]] = {}  # registration id -> (first key using it, its type)
        entries: list[tuple[str, Any]] = [
            (f"{prefix}:requestedNumbers[{i}]", n) for i, n in enumerate(half.requested_numbers)
        ]
        entries += [(f"{prefix}:existingNumbers[{i}]", n) for i, n in enumerate(half.existing_numbers)]
        for key, num in entries:
            seen = first.setdefault(num.country, (num.message_type, key))
            if seen[0] != num.message_type:
                raise DeclarationError(
                    f"{key}.messageType",
                    f"is {num.message_type} but {seen[1].split(' ', 1)[1]} is {seen[0]} for {num.country}; a pool's "
                    "identities share one country and message type (AWS refuses others): use one message type "
                    "per country",
                )
            reg = getattr(num, "registration_id", None)
            if reg is None:
                continue
            region, bare = registration_key(reg)
            if region is not None and region != half.region:
                raise DeclarationError(
                    f"{key}.registrationId",
                    f"is in {region} but this stack deploys {half.region}; registrations are per region: "
                    f"create one in {half.region}",
                )
            if bare in regs and NumberType.TOLL_FREE in (num.type, regs[bare][1]):
                raise DeclarationError(
                    f"{key}.registrationId",
                    f"is also used by {regs[bare][0].split(' ', 1)[1]}; each US toll-free number has its own "
                    "registration: create one per number",
                )
            regs.setdefault(bare, (key, num.type))
        types[role], registrations[role] = first, regs
    for country, (mt, key) in types[Role.SECONDARY].items():
        peer = types[Role.PRIMARY].get(country)
        if peer and peer[0] != mt:
            raise DeclarationError(
                f"{key}.messageType",
                f"is {mt} but the primary's {country} numbers are {peer[0]}; after a failover the standby must "
                "send the same kind of traffic: use one message type per country in both stacks",
            )
    for bare, (key, _) in registrations[Role.SECONDARY].items():
        if bare in registrations[Role.PRIMARY]:
            raise DeclarationError(
                f"{key}.registrationId",
                f"{bare} is also used by {registrations[Role.PRIMARY][bare][0]}; a registration exists in one region: "
                f"create one in {pair.secondary.region} for this number",
            )


def check_delivery_delay(s: SharedDeclaration, decl_name: str = DEFAULT_DECLARATION_FILE) -> None:
    """The delivery-delay alarm watches a set's CloudWatch metric: the set must exist and publish DELIVERY_DELAY."""
    if s.signals is None or s.email is None or not s.signals.email.enabled:
        return
    wanted = s.signals.email.delivery_delay_configuration_set
    sets = {c.name: c for c in s.email.configuration_sets}
    if wanted is None:
        return  # the alarm then watches the first declared set, if any (components/signals.py)
    if wanted not in sets:
        raise DeclarationError(
            f"{decl_name} signals.email.deliveryDelayConfigurationSet",
            f"{wanted!r} is not one of email.configurationSets ({', '.join(sets) or 'none declared'}); "
            "name a declared set",
        )
    if "DELIVERY_DELAY" not in sets[wanted].events:
        raise DeclarationError(
            f"{decl_name} signals.email.deliveryDelayConfigurationSet",
            f"{wanted!r} does not publish DELIVERY_DELAY events, so the alarm would never see data; add it to "
            "that set's events",
        )


def _check_messaging(pair: Pair, stack_key: dict[Role, str], decl_name: str) -> None:
    """MAIL FROM names within DNS limits in both regions; leased dedicated IPs go into declared STANDARD pools."""
    email = pair.shared.email
    if email is not None:
        problem = check_mail_from(email, [pair.primary.region, pair.secondary.region])
        if problem:
            raise DeclarationError(f"{decl_name} email.mailFromSubdomain", problem)
    for role in Role:
        found = check_leased_ips(email, pair.half(role).dedicated_ips)
        if found:
            raise DeclarationError(f"{stack_key[role]}:dedicatedIps[{found[0]}].pool", found[1])


def check_deed_regions(pair: Pair, stack_key: dict[Role, str]) -> None:
    """`dkimMode: deed`: both regions are ones where SES supports Deterministic Easy DKIM.

    Source: the `AWS_SES_<REGION>` values of botocore's sesv2 enum DkimSigningAttributesOrigin
    (constraints.DEED_PARENT_REGIONS); the primary's identities are the parents, the secondary's their replicas.
    """
    email = pair.shared.email
    if email is None or email.dkim_mode is not DkimMode.DEED:
        return
    for role in Role:
        region = pair.half(role).region
        if region not in constraints.DEED_PARENT_REGIONS:
            raise DeclarationError(
                f"{stack_key[role]}:region",
                f"email.dkimMode: deed needs SES Deterministic Easy DKIM, which is not offered in {region}; choose "
                "another region or set email.dkimMode: per-region",
            )


def validate_pair(pair: Pair, decl_name: str = DEFAULT_DECLARATION_FILE) -> None:
    """Cross-field rules that need both halves; raises `DeclarationError`."""
    s = pair.shared
    if s.resilience_hub is not None and not s.tags:
        raise DeclarationError(f"{decl_name} resilienceHub", "Resilience Hub finds the pair's resources by tag: "
                               "declare tags: (e.g. {project: <name>}), which every resource carries")  # fmt: skip
    stack_key = {r: f"Pulumi.{pair.half(r.peer).peer_stack_short}.yaml {CONFIG_NAMESPACE}" for r in Role}
    if pair.primary.region == pair.secondary.region:
        raise DeclarationError(
            f"{stack_key[Role.SECONDARY]}:region",
            f"primary and secondary are both in {pair.primary.region}; put the secondary in another region",
        )
    for role in Role:
        half = pair.half(role)
        if s.sms is None and (half.requested_numbers or half.existing_numbers):
            # Without sms nothing pools or sends from them: an orphan number costs money (or is never created).
            key = "requestedNumbers" if half.requested_numbers else "existingNumbers"
            raise DeclarationError(
                f"{stack_key[role]}:{key}",
                f"declares SMS numbers but {decl_name} has no sms section; declare sms (countries) in {decl_name} "
                "or remove the numbers from this stack file",
            )
        needs = [(Service.CORE, "the pair")]
        if s.email:
            needs.append((Service.SES, "email (SES)"))
        if s.sms and (s.sms.countries or half.requested_numbers or half.existing_numbers):
            needs.append((Service.SMS, "sms (End User Messaging SMS)"))
        for service, what in needs:
            if not offers(service, half.region):
                raise DeclarationError(
                    f"{stack_key[role]}:region",
                    f"{what} is not offered in {half.region}; choose a region where it is "
                    "(components/regions.py lists them)",
                )
        for i, num in enumerate(half.existing_numbers):
            m = _SMS_ARN_RE.match(num.arn)
            if m and m.group(1) != half.region:
                raise DeclarationError(
                    f"{stack_key[role]}:existingNumbers[{i}].arn",
                    f"is in {m.group(1)} but this stack deploys {half.region}; numbers are per region",
                )
        if s.api and s.api.builds and half.certificate_arn is None:
            raise DeclarationError(
                f"{stack_key[role]}:certificateArn",
                f"missing: the API's custom domain needs an ACM certificate for {s.api.domain_name} in {half.region}",
            )
        if half.certificate_arn is not None:
            m = _ACM_ARN_RE.match(half.certificate_arn)
            if not m:
                raise DeclarationError(f"{stack_key[role]}:certificateArn", "is not an ACM certificate ARN")
            if m.group(1) != half.region:
                raise DeclarationError(
                    f"{stack_key[role]}:certificateArn",
                    f"is in {m.group(1)}; a regional API needs a certificate in {half.region}",
                )
    _check_messaging(pair, stack_key, decl_name)
    for i, domain in enumerate(s.email.domains if s.email else []):
        if domain != s.dns.zone_name and not domain.endswith("." + s.dns.zone_name):
            raise DeclarationError(
                f"{decl_name} email.domains[{i}]",
                f"{domain} is not inside the hosted zone {s.dns.zone_name}; DKIM records could not be created",
            )
    if s.api and not (s.api.domain_name.endswith("." + s.dns.zone_name)):
        raise DeclarationError(
            f"{decl_name} api.domainName", f"{s.api.domain_name} is not inside the hosted zone {s.dns.zone_name}"
        )
    if s.sms:
        check_sms_numbers(pair, stack_key)
        for role in Role:
            have = pair.numbers_per_country(role)
            for country, need in s.sms.countries.items():
                if have.get(country, 0) < need.minimum_numbers:
                    raise DeclarationError(
                        f"{decl_name} sms.countries.{country}.minimumNumbers",
                        f"{pair.half(role).region} would hold {have.get(country, 0)} origination number(s) for "
                        f"{country}, fewer than {need.minimum_numbers}; add regionpair:requestedNumbers or "
                        f"regionpair:existingNumbers in {stack_key[role].split()[0]}",
                    )
    if s.email and s.email.replicate_events:
        wanted = {"BOUNCE", "COMPLAINT"}
        if not any(wanted <= set(cs.events) for cs in s.email.configuration_sets):
            raise DeclarationError(
                f"{decl_name} email.replicateEvents",
                "needs a configuration set publishing BOUNCE and COMPLAINT events (email.configurationSets)",
            )
    check_cdn(s, decl_name)
    check_identity(s.identity, s.email, decl_name)
    check_delivery_delay(s, decl_name)
    check_deed_regions(pair, stack_key)
    check_api(pair, stack_key, decl_name)
    check_adoption(pair, stack_key, decl_name)
    if s.routing.mode is RoutingMode.REGION_SWITCH:
        validate_region_switch(pair, decl_name)
    rto = budgets.worst_case_rto(s.routing)
    if rto.seconds is not None and rto.seconds > s.objectives.rto_seconds:
        raise DeclarationError(
            f"{decl_name} objectives.rtoSeconds",
            f"the declared routing cannot meet {s.objectives.rto_seconds} s: {rto.arithmetic}; "
            "shorten routing periods or raise the objective",
        )
    rpo = budgets.worst_case_rpo(s.buckets, s.tables)
    if rpo.minutes is not None and rpo.minutes > s.objectives.rpo_minutes:
        raise DeclarationError(
            f"{decl_name} objectives.rpoMinutes",
            f"the declared replication cannot meet {s.objectives.rpo_minutes} min: {rpo.arithmetic}",
        )
    if rpo.minutes is None and (s.buckets or s.tables):
        raise DeclarationError(
            f"{decl_name} objectives.rpoMinutes",
            f"no bound on replication lag: {rpo.arithmetic}; set replicationTimeControl: true on those buckets",
        )
