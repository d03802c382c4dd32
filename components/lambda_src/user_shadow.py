"""Write each newly confirmed user to the other region's user pool (Cognito post-confirmation trigger).

Cognito has no cross-region replication and no export of password hashes (the disaster-tolerance patterns
article). This trigger keeps the standby's copy of a user as it is confirmed (sign-up, forgotten-password
confirmation); `regionpair sync users` fills in everything else (users from before the trigger, attribute
changes, a failed write here), so the trigger never blocks a sign-up: a failure is logged and the event returned.

The copy has no password (none can be read). With FAILOVER_SIGN_IN=email-otp the copy is a passwordless user, who
signs in to the standby with a one-time code sent through the standby's SES; with password-reset it gets a random
password nobody knows, and the user chooses a new one through "forgot password" on the standby. The copy keeps the
original's `sub` in `custom:origin_sub`, so applications can key their data on one id in both regions.

AdminCreateUser does not fire the peer's post-confirmation trigger, so the copy never echoes back. The same
functions (`copy_attributes`, `upsert_user`) are used by `regionpair sync users` (regionpair/ops/user_sync.py).
Environment: PEER_REGION, PEER_POOL_NAME, FAILOVER_SIGN_IN, USERNAME_ATTRIBUTE (email, phone_number or empty).
"""

from __future__ import annotations

import json
import os
import secrets
import string
from typing import Any

import boto3

ORIGIN_SUB = "custom:origin_sub"
"""Where a copy keeps the `sub` of the user's first pool (Cognito gives each pool's user its own `sub`)."""
NOT_COPIED = frozenset({"sub", "cognito:user_status", "cognito:mfa_enabled", "cognito:username", "identities"})
"""Attributes Cognito owns: AdminCreateUser refuses them."""

_client = None
_peer_pool_id: str | None = None


def _peer() -> Any:
    global _client  # one client per container, created on first use (not at import)
    if _client is None:
        _client = boto3.client("cognito-idp", region_name=os.environ["PEER_REGION"])
    return _client


def find_pool_id(client: Any, pool_name: str) -> str | None:
    """The id of the pool named `pool_name` (names are derived from the declaration: both regions know them)."""
    for page in client.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page.get("UserPools", []):
            if pool.get("Name") == pool_name:
                return pool["Id"]
    return None


def copy_attributes(attributes: dict[str, str]) -> list[dict[str, str]]:
    """The attributes of the copy: all but Cognito's own, the original's `sub` kept in `custom:origin_sub`."""
    out = [{"Name": k, "Value": v} for k, v in sorted(attributes.items()) if k not in NOT_COPIED and k != ORIGIN_SUB]
    origin = attributes.get(ORIGIN_SUB) or attributes.get("sub")
    if origin:
        out.append({"Name": ORIGIN_SUB, "Value": origin})
    return out


def username_of(username: str, attributes: dict[str, str], username_attribute: str) -> str:
    """The name to create the copy under: the email (or phone) when the pools sign in with it, else the username.

    A pool with username attributes names its users by a generated id; the copy is created by the attribute.
    """
    return attributes.get(username_attribute) or username if username_attribute else username


def random_password(length: int = 32) -> str:
    """A password nobody knows, valid under any policy (upper, lower, digit and symbol)."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(length - 4))
    return core + secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase) + \
        secrets.choice(string.digits) + "!"  # fmt: skip


def upsert_user(client: Any, pool_id: str, username: str, attributes: list[dict[str, str]],
                failover_sign_in: str, unchanged: frozenset[str] | set[str] = frozenset()) -> str:  # fmt: skip
    """Create the copy, or update its attributes when it exists; "created" or "updated". Idempotent.

    Passwordless (email-otp): created without a password, which Cognito allows only in a pool with passwordless
    sign-in (botocore AdminCreateUser TemporaryPassword). password-reset: a random permanent password. An update
    leaves out `unchanged` attributes (the sign-in attribute: rewriting an email makes Cognito re-verify it).
    """
    try:
        kwargs: dict[str, Any] = {"UserPoolId": pool_id, "Username": username, "UserAttributes": attributes,
                                  "MessageAction": "SUPPRESS"}  # fmt: skip
        if failover_sign_in != "email-otp":
            kwargs["TemporaryPassword"] = random_password()
        client.admin_create_user(**kwargs)
    except (client.exceptions.UsernameExistsException, client.exceptions.AliasExistsException):
        # The user is there (a resent create whose reply was lost, or a copy made by the other path): update it.
        changed = [a for a in attributes if a["Name"] not in unchanged]
        if changed:
            client.admin_update_user_attributes(UserPoolId=pool_id, Username=username, UserAttributes=changed)
        return "updated"
    if failover_sign_in != "email-otp":
        client.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=random_password(),
                                       Permanent=True)  # fmt: skip
    return "created"


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Copy the confirmed user to the peer pool; always return the event (a failure must not block sign-up)."""
    global _peer_pool_id
    try:
        client = _peer()
        if _peer_pool_id is None:
            _peer_pool_id = find_pool_id(client, os.environ["PEER_POOL_NAME"])
        if _peer_pool_id is None:
            raise LookupError(f"no user pool {os.environ['PEER_POOL_NAME']} in {os.environ['PEER_REGION']}")
        attrs = event.get("request", {}).get("userAttributes", {})
        name = username_of(event["userName"], attrs, os.environ.get("USERNAME_ATTRIBUTE", ""))
        sign_in = os.environ.get("USERNAME_ATTRIBUTE", "")
        result = upsert_user(client, _peer_pool_id, name, copy_attributes(attrs), os.environ["FAILOVER_SIGN_IN"],
                             {sign_in} if sign_in else set())  # fmt: skip
        print(json.dumps({"shadow": result, "trigger": event.get("triggerSource"), "peer": _peer_pool_id}))
    except Exception as exc:
        print(json.dumps({"shadow": "failed", "error": type(exc).__name__, "detail": str(exc)[:300]}))
    return event
