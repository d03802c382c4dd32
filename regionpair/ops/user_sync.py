"""Keep both regions' user pools holding the same users: `regionpair sync users`, resumable and idempotent.

Cognito has no cross-region replication and no export of password hashes (the disaster-tolerance patterns
article; still true in 2026). The shadow trigger (components/lambda_src/user_shadow.py) copies each user as it is
confirmed; this batch copies everything else: users from before the trigger, attribute changes (Cognito has no
trigger for them), disabled users, and whatever a failed trigger missed.

**Rule.** Users are matched by their sign-in attribute (the email, lower-cased: the pools are case-insensitive),
or by username in pools without one. Membership is the union: a confirmed user in either pool exists in both
(nothing lost, including users who signed up in the standby during a failover). Attributes and the enabled flag
follow `source` (default: the primary; after a failover, the standby: `--source secondary`). Passwords are never
copied (they cannot be read): a copy is passwordless (email-otp) or has a random password (password-reset);
an existing user's password is never touched. Only CONFIRMED users are copied (an unconfirmed sign-up has proved
nothing yet; the trigger copies it when it confirms); a copy counts as present whatever its status. Deleting a
user is not propagated: delete it in both pools (a user left in one is copied back).

**Nothing duplicated.** Each write is idempotent: AdminCreateUser of a user who exists (a resent create whose reply
was lost) raises UsernameExistsException and becomes an attribute update; Cognito refuses a second user with the
same username or email alias. **Checkpoint**: the list sync's (regionpair/ops/sync.py), one line per write,
flushed as written, so a killed run resumes where it stopped; a complete run removes it and records its time
(`users-last-sync.json`), which `regionpair status` reports as the standby's lag.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regionpair.components.declaration import Pair, Role
from regionpair.components.identity_model import pool_name
from regionpair.components.lambda_src.user_shadow import ORIGIN_SUB, copy_attributes, find_pool_id, upsert_user
from regionpair.ops.errors import AWS_ERRORS, OpsError, aws_error
from regionpair.ops.sync import Checkpoint

COMMAND = "users"
LAST_SYNC_FILE = "users-last-sync.json"
COPIED_STATUSES = frozenset({"CONFIRMED"})


@dataclass(frozen=True)
class User:
    """One user of one pool, as ListUsers returns it."""

    key: str
    """How the two pools' users are matched: the sign-in attribute lower-cased, or the username."""
    username: str
    attributes: dict[str, str]
    enabled: bool
    status: str

    def fingerprint(self) -> str:
        """What must agree across regions (attributes as copied, enabled flag), hashed for the checkpoint."""
        data = json.dumps([copy_attributes(self.attributes), self.enabled], sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Write:
    """Make `user` (a source of truth) exist as it is in `region`."""

    region: str
    action: str
    """`create` (missing there) or `update` (attributes or enabled flag differ)."""
    user: User
    current: User | None = None
    """The user as `region` holds it (updates): only what differs is written."""

    @property
    def marker(self) -> str:
        """Checkpoint line of this write."""
        return f"{self.region}:{self.action}:{self.user.key}:{self.user.fingerprint()}"


@dataclass
class UserPlan:
    """Writes needed in each region, and what was compared."""

    pools: dict[str, str]
    """region -> pool id."""
    counts: dict[str, int]
    """region -> confirmed users read."""
    writes: list[Write] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Number of writes."""
        return len(self.writes)

    def as_dict(self) -> dict[str, Any]:
        """Structured, for `--json`."""
        return {
            "pools": self.pools,
            "users": self.counts,
            "writes": [{"region": w.region, "action": w.action, "user": w.user.key} for w in self.writes],
        }


@dataclass
class UserPool:
    """One region's pool: read whole, written one user at a time."""

    client: Any
    region: str
    name: str
    username_attribute: str
    failover_sign_in: str
    pool_id: str = ""

    @property
    def label(self) -> str:
        """What it is, for one-line errors."""
        return f"user pool {self.name}"

    def resolve(self) -> str:
        """The pool's id, found by its derived name."""
        if not self.pool_id:
            found = find_pool_id(self.client, self.name)
            if found is None:
                raise OpsError(f"{self.label} in {self.region}: not found; deploy the stack of this region first")
            self.pool_id = found
        return self.pool_id

    def users(self) -> dict[str, User]:
        """Every user, keyed for matching (ListUsers, paginated)."""
        out: dict[str, User] = {}
        for page in self.client.get_paginator("list_users").paginate(UserPoolId=self.resolve()):
            for u in page.get("Users", []):
                attrs = {a["Name"]: a["Value"] for a in u.get("Attributes", [])}
                key = attrs.get(self.username_attribute, "") if self.username_attribute else u["Username"]
                if not key:
                    continue
                key = key.strip().lower() if self.username_attribute else key
                out[key] = User(key, u["Username"], attrs, bool(u.get("Enabled", True)), u["UserStatus"])
        return out

    def put(self, write: Write) -> None:
        """Create or update the copy of `write.user` here (only what differs), then match its enabled flag."""
        user = write.user
        name = user.attributes.get(self.username_attribute, user.key) if self.username_attribute else user.username
        wanted = copy_attributes(user.attributes)
        unchanged = {self.username_attribute} if self.username_attribute else set()
        if write.current is not None:
            name = write.current.username
            have = {a["Name"]: a["Value"] for a in copy_attributes(write.current.attributes)}
            unchanged |= {a["Name"] for a in wanted if have.get(a["Name"]) == a["Value"]}
            extra = sorted(set(have) - {a["Name"] for a in wanted} - unchanged)
            if extra:  # attributes the source no longer has
                self.client.admin_delete_user_attributes(UserPoolId=self.resolve(), Username=name,
                                                         UserAttributeNames=extra)  # fmt: skip
        upsert_user(self.client, self.resolve(), name, wanted, self.failover_sign_in, unchanged)
        if not user.enabled:
            self.client.admin_disable_user(UserPoolId=self.pool_id, Username=name)
        elif write.action == "update":
            self.client.admin_enable_user(UserPoolId=self.pool_id, Username=name)


def pools_of(pair: Pair, client_for: Callable[[str], Any]) -> dict[Role, UserPool]:
    """Both regions' pools (`client_for(region)` gives a cognito-idp client)."""
    identity = pair.shared.identity
    if identity is None:
        raise OpsError("pair.yaml identity: not declared; there are no user pools to sync")
    attribute = identity.username_attributes[0] if identity.username_attributes else ""
    return {
        role: UserPool(client_for(pair.half(role).region), pair.half(role).region, pool_name(pair, role), attribute,
                       identity.failover_sign_in.value)
        for role in Role
    }  # fmt: skip


def plan(pools: dict[Role, UserPool], source: Role = Role.PRIMARY) -> UserPlan:
    """Union of both pools' confirmed users; `source`'s attributes and enabled flag win where both hold a user."""
    snapshots: dict[Role, dict[str, User]] = {}
    for role, pool in pools.items():
        try:
            snapshots[role] = pool.users()
        except AWS_ERRORS as err:
            raise aws_error(err, pool.label, pool.region, "nothing was written; fix access to it and rerun") from None
    result = UserPlan({p.region: p.pool_id for p in pools.values()}, {pools[r].region: len(u)
                      for r, u in snapshots.items()})  # fmt: skip
    target = source.peer
    for key in sorted(set(snapshots[source]) | set(snapshots[target])):
        mine, theirs = snapshots[source].get(key), snapshots[target].get(key)
        if mine is not None and theirs is None:
            if _copyable(mine):
                result.writes.append(Write(pools[target].region, "create", mine))
        elif mine is None and theirs is not None:  # signed up in the other region (e.g. during a failover)
            if _copyable(theirs):
                result.writes.append(Write(pools[source].region, "create", theirs))
        elif mine is not None and theirs is not None and mine.fingerprint() != theirs.fingerprint():
            result.writes.append(Write(pools[target].region, "update", mine, theirs))
    return result


def _copyable(user: User) -> bool:
    """A confirmed user, or a copy made by the trigger or this sync (its status there is Cognito's business)."""
    return user.status in COPIED_STATUSES or ORIGIN_SUB in user.attributes


@dataclass
class UserSyncResult:
    """What `apply` did."""

    written: int = 0
    skipped: int = 0
    """Already written by the interrupted run the checkpoint recorded."""


def apply(pools: dict[Role, UserPool], user_plan: UserPlan, checkpoint: Checkpoint | None = None,
          result: UserSyncResult | None = None) -> UserSyncResult:  # fmt: skip
    """Write the plan; writes an earlier, interrupted run recorded in `checkpoint` are skipped.

    Each write is recorded (and flushed) right after Cognito accepted it: a kill loses at most the write in flight,
    which the resumed run redoes (every write is idempotent). `result` is updated as it goes.
    """
    done = checkpoint.load() if checkpoint else set()
    result = result if result is not None else UserSyncResult()
    by_region = {p.region: p for p in pools.values()}
    fh = checkpoint.open() if checkpoint else None
    try:
        for write in user_plan.writes:
            if write.marker in done:
                result.skipped += 1
                continue
            pool = by_region[write.region]
            try:
                pool.put(write)
            except AWS_ERRORS as err:
                raise aws_error(err, f"{pool.label} ({write.user.key})", write.region,
                                "writes so far are in the checkpoint; rerun to resume") from None  # fmt: skip
            result.written += 1
            if fh:
                fh.write(json.dumps(write.marker) + "\n")
                fh.flush()
    finally:
        if fh:
            fh.close()
    if checkpoint is not None:
        checkpoint.path.unlink(missing_ok=True)
        record_last_sync(checkpoint.path.parent, user_plan)
    return result


def record_last_sync(state_dir: Path, user_plan: UserPlan, now: Callable[[], float] = time.time) -> None:
    """When a complete run finished and how many users each pool held: the standby's lag in `status`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / LAST_SYNC_FILE).write_text(json.dumps({"finishedAt": now(), "users": user_plan.counts}))


def last_sync(state_dir: Path) -> dict[str, Any] | None:
    """The last complete run's record, or None."""
    path = state_dir / LAST_SYNC_FILE
    return json.loads(path.read_text()) if path.exists() else None


def checkpoint_for(state_dir: Path, pair: Pair, path: Path | None = None) -> Checkpoint:
    """The resume file of this pair's user sync."""
    names = f"{pool_name(pair, Role.PRIMARY)}+{pool_name(pair, Role.SECONDARY)}"
    return Checkpoint(path or state_dir / f"sync-{COMMAND}.jsonl", COMMAND, names)


# ------------------------------------------------------------------------------------------------ status and drill
def pool_status(pools: dict[Role, UserPool], state_dir: Path, now: Callable[[], float] = time.time) -> dict[str, Any]:
    """Both pools (id, region, estimated users) and the standby's lag: the user-count difference, the last sync's age.

    Each pool is read on its own: one region not answering leaves the other's fields (and says why).
    """
    out: dict[str, Any] = {}
    counts: dict[Role, int | None] = {}
    for role, pool in pools.items():
        try:
            described = pool.client.describe_user_pool(UserPoolId=pool.resolve())["UserPool"]
            counts[role] = described.get("EstimatedNumberOfUsers")
            out[role.value] = {"pool": pool.name, "poolId": pool.pool_id, "region": pool.region,
                               "estimatedUsers": counts[role]}  # fmt: skip
        except (*AWS_ERRORS, OpsError) as err:
            counts[role] = None
            out[role.value] = {"pool": pool.name, "region": pool.region, "unavailable": str(err).splitlines()[0]}
    primary, standby = counts[Role.PRIMARY], counts[Role.SECONDARY]
    out["standbyUserLag"] = primary - standby if primary is not None and standby is not None else None
    last = last_sync(state_dir)
    out["lastUserSync"] = ({"secondsAgo": int(now() - last["finishedAt"]), "users": last["users"]} if last
                           else {"never": "run regionpair sync users"})  # fmt: skip
    return out


def standby_sign_in(pool: UserPool, domain: str, ops_client_name: str) -> str:
    """Sign a throw-away user in on `pool` with the ops client (AdminInitiateAuth), then delete it; what happened.

    The drill's proof that the standby pool accepts sign-ins: IAM-signed admin auth, which works for any pool
    without a browser or an email code (a user's own email-code sign-in cannot be automated by a drill).
    """
    from regionpair.components.lambda_src.user_shadow import random_password

    client, pool_id = pool.client, pool.resolve()
    ops_name = ops_client_name
    ops = None
    for page in client.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60):
        ops = next((c["ClientId"] for c in page.get("UserPoolClients", []) if c.get("ClientName") == ops_name), ops)
    if ops is None:
        raise OpsError(f"{pool.label} in {pool.region}: no app client {ops_name}; deploy this region's stack")
    email = f"regionpair-drill+{int(time.time())}@{domain}"
    password = random_password()
    client.admin_create_user(UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS",
                             UserAttributes=[{"Name": "email", "Value": email},
                                             {"Name": "email_verified", "Value": "true"}])  # fmt: skip
    try:
        client.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
        answer = client.admin_initiate_auth(UserPoolId=pool_id, ClientId=ops, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                            AuthParameters={"USERNAME": email, "PASSWORD": password})  # fmt: skip
        if not answer.get("AuthenticationResult", {}).get("AccessToken"):
            raise OpsError(f"{pool.label} in {pool.region}: sign-in answered {answer.get('ChallengeName')}, no token")
    finally:
        client.admin_delete_user(UserPoolId=pool_id, Username=email)
    return f"signed a drill user in on {pool.name} ({pool.pool_id}) and deleted it"
