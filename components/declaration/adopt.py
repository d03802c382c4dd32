"""`regionpair:adopt` of a stack file: resources that already exist in this half's region, imported, not created.

Each entry names a stateful resource the pair declares (by the key the pair knows it by) and the id of the
existing resource; the program then registers that resource with Pulumi's `import` option (components/adopt.py).
Which ids must equal the name the pair gives the resource, and what each adoption changes, is in
docs/adopting.md; the cross-checks against the rest of the pair are in `components/adopt.py`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator

from regionpair.components.declaration.base import Country, _Model

PHONE_ID_RE = re.compile(r"^phone-[0-9a-z]{32}$")
POOL_ID_RE = re.compile(r"^pool-[0-9a-z]{32}$")
"""The ids End User Messaging SMS gives numbers and pools (`pulumi import` docs of Smsvoicev2PhoneNumber and
Smsvoicev2Pool: the `id`, e.g. phone-abcdef0123456789abcdef0123456789)."""


def _as_mapping(v: Any, derived: bool = False) -> Any:
    """A list of keys as a mapping: to itself (identities), or to None, "the name the pair gives it" (`derived`)."""
    if isinstance(v, list):
        return {str(x): (None if derived else str(x)) for x in v}
    return v


class Adopt(_Model):
    """What already exists in this half's region and is imported instead of created."""

    email_identities: dict[str, str] = Field(default_factory=dict)
    """Domain (one of email.domains) -> the SES identity, the domain itself. A list of domains is accepted."""
    buckets: dict[str, str | None] = Field(default_factory=dict)
    """Bucket pair name (one of buckets[].name) -> the existing S3 bucket of this region. A list of names: each
    bucket under the name the pair gives it."""
    tables: dict[str, str | None] = Field(default_factory=dict)
    """Table name (one of tables[].name, or appState.table) -> the existing DynamoDB table (primary only). A list
    of names: each table under the name the pair gives it (`<pair>-<table>`)."""
    phone_numbers: dict[str, str] = Field(default_factory=dict)
    """Key of one of this stack's requestedNumbers -> its phone number id (phone-...)."""
    pools: dict[Country, str] = Field(default_factory=dict)
    """ISO country code -> the existing pool id (pool-...) that holds this region's numbers for it."""
    opt_out_list: str | None = None
    """The existing opt-out list of this region: its name, which must be sms.optOutList."""
    sender_ids: dict[str, str] = Field(default_factory=dict)
    """`<country>/<sender id>` (one of sms.senderIds) -> `<sender id>,<country>`. A list of keys is accepted."""

    @field_validator("email_identities", mode="before")
    @classmethod
    def _names(cls, v: Any) -> Any:
        return _as_mapping(v)

    @field_validator("buckets", "tables", mode="before")
    @classmethod
    def _derived(cls, v: Any) -> Any:
        return _as_mapping(v, derived=True)

    @field_validator("sender_ids", mode="before")
    @classmethod
    def _sender_ids(cls, v: Any) -> Any:
        if isinstance(v, list):
            return {str(k): ",".join(reversed(str(k).split("/", 1))) for k in v}
        return v

    @field_validator("phone_numbers")
    @classmethod
    def _phone_ids(cls, v: dict[str, str]) -> dict[str, str]:
        for key, pid in v.items():
            if not PHONE_ID_RE.match(pid):
                raise ValueError(
                    f"{key}: {pid!r} is not a phone number id; copy it from `aws pinpoint-sms-voice-v2 "
                    "describe-phone-numbers` (PhoneNumberId, phone-...)"
                )
        return v

    @field_validator("pools")
    @classmethod
    def _pool_ids(cls, v: dict[str, str]) -> dict[str, str]:
        for country, pid in v.items():
            if not POOL_ID_RE.match(pid):
                raise ValueError(
                    f"{country}: {pid!r} is not a pool id; copy it from `aws pinpoint-sms-voice-v2 describe-pools` "
                    "(PoolId, pool-...)"
                )
        return v

    @property
    def empty(self) -> bool:
        """Nothing adopted."""
        return not any(
            (self.email_identities, self.buckets, self.tables, self.phone_numbers, self.pools, self.opt_out_list,
             self.sender_ids)
        )  # fmt: skip
