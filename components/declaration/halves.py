"""One stack's half (`regionpair:` keys of its stack file) and the whole validated pair."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

from regionpair.components import naming
from regionpair.components.declaration.adopt import Adopt
from regionpair.components.declaration.api import ExistingEndpoint, HalfLambda
from regionpair.components.declaration.base import (
    DEFAULT_DECLARATION_FILE,
    NumberType,
    Role,
    _Model,
)
from regionpair.components.declaration.email import LeasedIp
from regionpair.components.declaration.shared import SharedDeclaration
from regionpair.components.declaration.sms import ExistingNumber, NumberRequest
from regionpair.components.declaration.storage import Bucket
from regionpair.components.regions import ALL_REGIONS


class Half(_Model):
    """One stack's settings: what its `Pulumi.<stack>.yaml` says under the `regionpair:` namespace."""

    role: Role
    region: str
    peer_stack: str
    """The other stack's name (`secondary`) or fully qualified name (`org/project/secondary`)."""
    certificate_arn: str | None = None
    """ACM certificate for `api.domainName` in this stack's region."""
    requested_numbers: list[NumberRequest] = Field(default_factory=list)
    """Numbers this stack requests by API, one entry per number, each with its own registration and status."""
    existing_numbers: list[ExistingNumber] = Field(default_factory=list)
    dedicated_ips: list[LeasedIp] = Field(default_factory=list)
    """SES dedicated IPs this region leases, each moved into a STANDARD pool of `email.dedicatedIpPools`."""
    declaration: str = DEFAULT_DECLARATION_FILE
    """Path of the shared declaration, relative to the project directory."""
    endpoint: ExistingEndpoint | None = None
    """This region's existing API endpoint (with `api.endpoints: existing`); docs/configuration.md."""
    lambda_: HalfLambda | None = Field(None, alias="lambda")
    """This region's environment values and layer ARNs of the API's function."""
    adopt: Adopt | None = None
    """Resources that already exist in this region, imported instead of created (docs/adopting.md)."""

    @field_validator("certificate_arn", mode="before")
    @classmethod
    def _blank_is_unset(cls, v: Any) -> Any:
        # Pulumi.yaml declares an empty default so `pulumi config` lists the key; empty means "not set".
        return None if v == "" else v

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if v not in ALL_REGIONS:
            raise ValueError(f"{v!r} is not an AWS commercial region this project knows (e.g. us-east-1)")
        return v

    @property
    def peer_stack_short(self) -> str:
        """The peer's stack name without organisation and project."""
        return self.peer_stack.rsplit("/", 1)[-1]

    @property
    def number_keys(self) -> list[str]:
        """Key of each requested number: its `name`, or `<country>-<type>-<n>` counted per country and type.

        The default matches the resource names of earlier versions (`us-toll-free-0`), so upgrading replaces
        nothing; give `name` to reorder the list safely (a renamed key is a new number).
        """
        keys, seen = [], {}
        for req in self.requested_numbers:
            base = f"{req.country.lower()}-{req.type.value.lower().replace('_', '-')}"
            n = seen.get(base, 0)
            seen[base] = n + 1
            keys.append(req.name or f"{base}-{n}")
        return keys


# ------------------------------------------------------------------------------------------------ the pair
class Pair(BaseModel):
    """The whole validated pair, identical whichever stack loads it."""

    model_config = ConfigDict(frozen=True)

    shared: SharedDeclaration
    primary: Half
    secondary: Half
    this_role: Role

    @property
    def this(self) -> Half:
        """The half this stack deploys."""
        return self.primary if self.this_role is Role.PRIMARY else self.secondary

    @property
    def peer(self) -> Half:
        """The other half."""
        return self.secondary if self.this_role is Role.PRIMARY else self.primary

    def half(self, role: Role) -> Half:
        """The half of `role`."""
        return self.primary if role is Role.PRIMARY else self.secondary

    def physical_name(self, suffix: str, role: Role | None = None, *, limit: int = naming.DEFAULT_LIMIT) -> str:
        """Deterministic physical name `<pair>-<suffix>[-<region>]`: both stacks can compute the peer's names.

        At most `limit` characters (63 by default, the strictest limit of the names derived this way): a longer
        name keeps its region and gets a short hash (components/naming.py).
        """
        region = self.half(role).region if role is not None else None
        return naming.physical_name(self.shared.name, suffix, region, limit=limit)

    def bucket_name(self, bucket: Bucket | str, role: Role) -> str:
        """The S3 name of a declared bucket pair's bucket in `role`'s region: explicit `bucketNames` or derived."""
        decl = bucket if isinstance(bucket, Bucket) else next(b for b in self.shared.buckets if b.name == bucket)
        if decl.bucket_names is not None:
            return decl.bucket_names.primary if role is Role.PRIMARY else decl.bucket_names.secondary
        return self.physical_name(decl.name, role)

    def numbers_per_country(self, role: Role) -> dict[str, int]:
        """Numbers the region of `role` declares per country, pending and active (simulators excluded).

        Retiring numbers do not count (their replacement must be declared first). Pending numbers count here so that
        a first deploy, which requests them, is possible; the policy pack
        counts only pooled ACTIVE ones as capacity and reports the rest as pending.
        """
        counts: dict[str, int] = {}
        half = self.half(role)
        for num in [*half.requested_numbers, *half.existing_numbers]:
            if num.type is not NumberType.SIMULATOR and not getattr(num, "retire", False):
                counts[num.country] = counts.get(num.country, 0) + 1
        return counts
