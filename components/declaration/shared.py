"""`pair.yaml` as a whole: everything both halves share."""

from __future__ import annotations

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from regionpair.components import constraints
from regionpair.components.declaration.api import Api
from regionpair.components.declaration.base import (
    _ZONE_ID_RE,
    DomainName,
    ResourceName,
    Strategy,
    _Model,
    duplicates,
)
from regionpair.components.declaration.email import Email
from regionpair.components.declaration.identity import Identity
from regionpair.components.declaration.routing import Routing
from regionpair.components.declaration.sms import Sms
from regionpair.components.declaration.storage import AppStateSettings, Bucket, Table
from regionpair.components.signals_model import Cdn, Signals


# ---------------------------------------------------------------------------------------- shared sections
class Objectives(_Model):
    """Recovery objectives the declared settings must be able to meet."""

    rto_seconds: int = Field(300, ge=10, le=86_400)
    """Maximum time from a regional failure (or the decision to fail over) to traffic served by the peer."""
    rpo_minutes: int = Field(15, ge=1, le=1_440)
    """Maximum window of data that may be lost: replication lag allowed at the moment of failover."""


class ResilienceHub(_Model):
    """Register the pair in AWS Resilience Hub: a system, a multi-Region policy from `objectives`, a service."""

    invoker_role_name: str = Field("AWSResilienceHubAssessmentRole", min_length=1, max_length=64)
    """IAM role Resilience Hub assumes to discover and assess the pair's resources (the Resilience Hub guide
    describes its policy); it finds them by the declaration's `tags`."""


class Dns(_Model):
    """The public hosted zone that carries DKIM, MAIL FROM, DMARC and the API's failover name."""

    hosted_zone_id: str
    """Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ."""
    zone_name: DomainName
    """The zone's apex domain, e.g. example.com."""

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone_id(cls, v: str) -> str:
        if not _ZONE_ID_RE.match(v):
            raise ValueError(f"{v!r} is not a Route 53 hosted zone id; copy it from `aws route53 list-hosted-zones`")
        return v


class SharedDeclaration(_Model):
    """Everything both halves share: the content of `pair.yaml`."""

    name: ResourceName
    """Short prefix for every physical name (lowercase, 3-32 characters). Names longer than a service allows are
    shortened with a hash (components/naming.py)."""
    strategy: Strategy = Strategy.WARM_STANDBY
    objectives: Objectives = Field(default_factory=Objectives)
    dns: Dns
    email: Email | None = None
    sms: Sms | None = None
    buckets: list[Bucket] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    api: Api | None = None
    routing: Routing = Field(default_factory=Routing)
    app_state: AppStateSettings | None = Field(default_factory=AppStateSettings)
    signals: Signals | None = None
    """Failover signals: CloudWatch alarms per region (docs/signals-and-cdn.md)."""
    cdn: Cdn | None = None
    """Read path through CloudFront origin failover over one bucket pair (docs/signals-and-cdn.md)."""
    identity: Identity | None = None
    """Sign-in: a Cognito user pool per region, kept alike and in step (docs/identity.md)."""
    resilience_hub: ResilienceHub | None = None
    """Emit the pair as a Resilience Hub system (components/resilience_hub.py); owned by the primary stack."""
    dashboard: bool = True
    """A CloudWatch dashboard per half showing both regions side by side (components/dashboard.py)."""
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _bucket_prefix(cls, v: str) -> str:
        # The pair name starts every bucket name: S3 reserves these prefixes (components/constraints.py).
        for prefix in constraints.S3_RESERVED_PREFIXES:
            if v.startswith(prefix):
                raise ValueError(f"{v!r} starts with {prefix!r}, which S3 reserves for bucket names; rename the pair")
        return v

    @model_validator(mode="after")
    def _unique_names(self) -> SharedDeclaration:
        for kind, items in (("buckets", self.buckets), ("tables", self.tables)):
            names = [i.name for i in items]
            if twice := duplicates(list(names)):
                raise ValueError(f"{kind}: two entries are named {twice[0]}; give each a name of its own")
        if self.app_state and self.app_state.table in {t.name for t in self.tables}:
            raise ValueError("appState.table must not reuse a name from tables")
        explicit = [n for b in self.buckets if b.bucket_names for n in b.bucket_names.model_dump().values()]
        if twice := duplicates(list(explicit)):
            raise ValueError(
                f"buckets: two bucketNames entries are {twice[0]}; S3 names are global, give each bucket its own"
            )
        return self
