"""Resource options of the pair's stateful resources, decided in one place.

Why one place: the resources that hold state or take weeks to obtain (SES identities, buckets, tables, SMS
numbers, pools, opt-out lists, sender IDs, the app-state item) need the same treatment wherever they are built:
adopting an existing one instead of creating it (Pulumi's `import`), and protecting it from an accidental
delete or replacement. Each component asks `stateful(...)` for the options of such a resource, naming what it
is and its declared key, so the policy of the pair is written once and the policy pack can check it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pulumi

from regionpair.components.adopt import import_id
from regionpair.components.declaration import Pair


class Stateful(StrEnum):
    """The kinds of stateful resources the pair builds (the key that `stateful()` is given, per kind)."""

    EMAIL_IDENTITY = "emailIdentity"  # key: the domain
    BUCKET = "bucket"  # key: the declared bucket pair name
    TABLE = "table"  # key: the declared table name (the app-state table included)
    PHONE_NUMBER = "phoneNumber"  # key: the number's key in the stack file
    POOL = "pool"  # key: the ISO country code
    OPT_OUT_LIST = "optOutList"  # key: the list's name
    SENDER_ID = "senderId"  # key: "<country>/<sender id>"
    APP_STATE_ITEM = "appStateItem"  # key: the app id
    USER_POOL = "userPool"  # key: the declared pool name (identity.pool)
    IDENTITY_ITEM = "identityItem"  # key: the app id (the `<appId>#identity` item applications sign in by)


RETAINED: frozenset[Stateful] = frozenset({Stateful.APP_STATE_ITEM})
"""Kinds also kept in the account when they leave the program (`retainOnDelete`): the app-state item is the live
switch of an incident; removing the `appState` section must never delete it mid-incident."""


def protection(kind: Stateful, *, retiring: bool = False) -> dict[str, bool]:
    """`protect` / `retainOnDelete` of one stateful resource (docs/day-2.md, "Protected resources").

    Every stateful kind is `protect`ed: the engine then refuses, in preview and before any step runs, to delete or
    replace it (a replacement of a number or a table is never what a change of pair.yaml should silently do). A
    resource declared as retiring (an SMS number with `retire: true`) drops the protection for the deploy that
    precedes its removal. The policy `stateful-resources-protected` checks the options the engine receives.
    """
    return {"protect": not retiring, "retain_on_delete": kind in RETAINED}


def stateful(
    pair: Pair,
    kind: Stateful,
    key: str,
    parent: pulumi.Resource,
    *,
    retiring: bool = False,
    **options: Any,
) -> pulumi.ResourceOptions:
    """The options of one stateful resource of this half: `parent` and `options`, plus the pair's policy."""
    adopted = import_id(pair, kind, key)  # declared in the stack file as existing: imported (components/adopt.py)
    return pulumi.ResourceOptions(parent=parent, import_=adopted, **{**protection(kind, retiring=retiring), **options})
