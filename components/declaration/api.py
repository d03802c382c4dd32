"""`api:` of pair.yaml: the regional API and its function."""

from __future__ import annotations

from pydantic import (
    Field,
    field_validator,
)

from regionpair.components.declaration.base import (
    _RUNTIMES,
    DomainName,
    ResourceName,
    _Model,
)


class LambdaSettings(_Model):
    """The regional API's function; the same code and settings in both regions."""

    runtime: str = "python3.12"
    memory_mb: int = Field(256, ge=128, le=10_240)
    timeout_seconds: int = Field(10, ge=1, le=29)
    """At most 29 s: API Gateway's integration timeout."""

    @field_validator("runtime")
    @classmethod
    def _runtime(cls, v: str) -> str:
        if v not in _RUNTIMES:
            raise ValueError(f"{v!r} is not a supported runtime; use one of {', '.join(_RUNTIMES)}")
        return v


class Api(_Model):
    """A regional API Gateway REST API + Lambda in each region, behind one custom domain."""

    domain_name: DomainName
    """Public name of the API, e.g. api.example.com; the same custom domain exists in both regions."""
    stage_name: ResourceName = "prod"
    lambda_: LambdaSettings = Field(default_factory=LambdaSettings, alias="lambda")
