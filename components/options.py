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


def stateful(
    pair: Pair, kind: Stateful, key: str, parent: pulumi.Resource, **options: Any
) -> pulumi.ResourceOptions:
    """The options of one stateful resource of this half: `parent` and `options`, plus the pair's policy."""
    adopted = import_id(pair, kind, key)  # declared in the stack file as existing: imported (components/adopt.py)
    return pulumi.ResourceOptions(parent=parent, import_=adopted, **options)
