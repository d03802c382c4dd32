"""Adopting existing resources: which declared stateful resource is imported (Pulumi's `import` option), by which id.

Why: a team that already sends mail, texts and stores data in one region must not have to recreate its SES
identities (and wait for DKIM verification and production access again), buckets, tables or SMS numbers (weeks of
registration). Each half's stack file lists what already exists in its region (`regionpair:adopt`); the program
registers those resources with `import_=<id>` (through `components/options.py`, the one place stateful resources
get their options), so Pulumi reads the existing resource instead of creating one.

Pulumi's import needs the declared inputs to match the existing resource: an older CLI refuses the import
("inputs to import do not match the existing resource"), a current one imports it and then updates it to the
declared inputs; an input that forces replacement would replace it. So the ids that are names (identities,
buckets, tables, the opt-out list, sender IDs) must be the names the pair gives those resources: `check_adoption`
refuses any other, naming the key to change. What an adopted resource then gets from the pair (versioning,
replicas, guards, ...) is in docs/adopting.md. Model layer: no pulumi_aws, no resource module.
"""

from __future__ import annotations

from regionpair.components.declaration import Adopt, DeclarationError, Pair, Role

# The kinds, as components/options.py's `Stateful` names them (a StrEnum: its values compare equal to these).
EMAIL_IDENTITY, BUCKET, TABLE, PHONE_NUMBER = "emailIdentity", "bucket", "table", "phoneNumber"
POOL, OPT_OUT_LIST, SENDER_ID = "pool", "optOutList", "senderId"


def import_id(pair: Pair, kind: str, key: str) -> str | None:
    """The id of the existing resource to import for this half's `kind` resource known as `key`, or None."""
    adopt = pair.this.adopt
    if adopt is None:
        return None
    if str(kind) == BUCKET and key in adopt.buckets:
        return adopt.buckets[key] or pair.bucket_name(key, pair.this_role)
    if str(kind) == TABLE and key in adopt.tables:
        return adopt.tables[key] or pair.physical_name(key)
    table: dict[str, str] = {
        EMAIL_IDENTITY: adopt.email_identities,
        BUCKET: adopt.buckets,
        TABLE: adopt.tables,
        PHONE_NUMBER: adopt.phone_numbers,
        POOL: adopt.pools,
        SENDER_ID: adopt.sender_ids,
        OPT_OUT_LIST: {adopt.opt_out_list: adopt.opt_out_list} if adopt.opt_out_list else {},
    }.get(str(kind), {})
    return table.get(key)


def adopted(pair: Pair, role: Role) -> dict[str, dict[str, str]]:
    """What `role`'s stack file adopts, by kind (for docs, `regionpair` output and tests)."""
    adopt = pair.half(role).adopt or Adopt()
    out = {
        EMAIL_IDENTITY: dict(adopt.email_identities),
        BUCKET: {k: v or pair.bucket_name(k, role) for k, v in adopt.buckets.items()},
        TABLE: {k: v or pair.physical_name(k) for k, v in adopt.tables.items()},
        PHONE_NUMBER: dict(adopt.phone_numbers),
        POOL: dict(adopt.pools),
        SENDER_ID: dict(adopt.sender_ids),
        OPT_OUT_LIST: {adopt.opt_out_list: adopt.opt_out_list} if adopt.opt_out_list else {},
    }
    return {k: v for k, v in out.items() if v}


def check_adoption(pair: Pair, stack_key: dict[Role, str], decl_name: str) -> None:
    """Each adopted id names a resource this half declares, under the name the pair gives it."""
    for role in Role:
        if pair.half(role).adopt is not None:
            _check_half(pair, role, f"{stack_key[role]}:adopt", decl_name)


def _check_half(pair: Pair, role: Role, key: str, decl_name: str) -> None:
    s, half = pair.shared, pair.half(role)
    adopt = half.adopt
    assert adopt is not None

    def refuse(sub: str, message: str) -> DeclarationError:
        return DeclarationError(f"{key}.{sub}", message)

    domains = s.email.domains if s.email else []
    for domain, ident in adopt.email_identities.items():
        if domain not in domains:
            raise refuse(f"emailIdentities.{domain}", f"is not one of email.domains in {decl_name}; declare it first")
        if ident != domain:
            raise refuse(f"emailIdentities.{domain}", f"the import id of an SES identity is its name: write {domain}")
    buckets = {b.name: b for b in s.buckets}
    for name, bucket in adopt.buckets.items():
        if name not in buckets:
            raise refuse(
                f"buckets.{name}",
                f"is not one of buckets[].name in {decl_name} ({', '.join(buckets) or 'none'}); declare the pair first",
            )
        want = pair.bucket_name(buckets[name], role)
        if bucket is not None and bucket != want:
            raise refuse(
                f"buckets.{name}",
                f"is {bucket} but the pair names this region's bucket {want}, and S3 cannot rename a bucket: set "
                f"buckets[{list(buckets).index(name)}].bucketNames.{role.value}: {bucket} in {decl_name}",
            )
    tables = [t.name for t in s.tables] + ([s.app_state.table] if s.app_state else [])
    if adopt.tables and role is Role.SECONDARY:
        raise refuse(
            "tables",
            "the secondary's stack holds no table: the primary's owns each global table with its replicas; adopt "
            "the table in the primary's stack file (docs/adopting.md says what to do with a table in this region)",
        )
    for name, table in adopt.tables.items():
        if name not in tables:
            raise refuse(f"tables.{name}", f"is not one of tables[].name or appState.table in {decl_name}")
        want = pair.physical_name(name)
        if table is not None and table != want:
            raise refuse(
                f"tables.{name}",
                f"is {table} but the pair names this table {want} (<pair name>-<table name>), and DynamoDB cannot "
                f"rename a table: choose the pair's and the table's names so that they make {table} (docs/adopting.md)",
            )
    numbers = half.number_keys
    for number in adopt.phone_numbers:
        if number not in numbers:
            raise refuse(
                f"phoneNumbers.{number}",
                f"is not the name of one of this stack's requestedNumbers ({', '.join(numbers) or 'none'}); declare "
                "the number there as it exists (country, type, message type, registration) with this name",
            )
    countries = {n.country for n in [*half.requested_numbers, *half.existing_numbers]}
    for country in adopt.pools:
        if country not in countries:
            raise refuse(f"pools.{country}", f"this stack declares no number for {country}, so it builds no pool")
    if adopt.opt_out_list is not None:
        want_list = s.sms.opt_out_list if s.sms else None
        if adopt.opt_out_list != want_list:
            raise refuse(
                "optOutList",
                f"is {adopt.opt_out_list} but sms.optOutList in {decl_name} is {want_list or 'not declared'}; set "
                f"sms.optOutList: {adopt.opt_out_list}",
            )
    sender_ids = {f"{x.country}/{x.sender_id}" for x in (s.sms.sender_ids if s.sms else [])}
    for sid, ident in adopt.sender_ids.items():
        if sid not in sender_ids:
            raise refuse(f"senderIds.{sid}", f"is not one of sms.senderIds (<country>/<sender id>) in {decl_name}")
        country, sender = sid.split("/", 1)
        if ident != f"{sender},{country}":
            raise refuse(
                f"senderIds.{sid}", f"the import id of a sender ID is <sender id>,<country>: {sender},{country}"
            )
