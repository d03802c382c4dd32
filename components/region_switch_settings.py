"""The `routing.regionSwitch` section of the declaration: settings of an ARC Region switch plan.

Apart from `components/region_switch_model.py` (the plan computed from a pair) because the declaration imports
this section and that module imports the declaration. Sources of the patterns: botocore `arc-region-switch`
2022-07-26 shapes `PlanName`, `IamRoleArn`, `AccountId`, `S3ReportOutputConfigurationBucketPathString`.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

PLAN_NAME_RE = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$")
IAM_ROLE_ARN_RE = re.compile(r"^arn:aws[a-zA-Z0-9-]*:iam::[0-9]{12}:role/.+$")
ACCOUNT_RE = re.compile(r"^\d{12}$")


class _Strict(BaseModel):
    """`declaration._Model`'s config (camelCase, extra=forbid, frozen); not imported: the declaration imports us."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True, use_enum_values=False
    )


class Approval(_Strict):
    """A manual approval step before anything changes (ManualApproval execution block)."""

    approver_role_arn: str
    """IAM role the approvers assume; it needs `arc-region-switch:ApprovePlanExecutionStep` on the plan
    (https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_manual_approval.html)."""
    timeout_minutes: int = Field(60, ge=1, le=10_080)
    """How long the execution waits for an approval (API minimum 1; capped at the plan's RTO ceiling)."""

    @field_validator("approver_role_arn")
    @classmethod
    def _role(cls, v: str) -> str:
        if not IAM_ROLE_ARN_RE.match(v):
            raise ValueError(f"{v!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        return v


class Reports(_Strict):
    """Where Region switch writes execution reports (one S3 output)."""

    bucket: str
    """An existing S3 bucket name (no dots: the API's bucketPath pattern refuses them). Prefer a bucket outside
    both regions of the pair or in the standby: the report is written after the execution."""
    prefix: str = "region-switch/"
    bucket_owner: str | None = None
    """12-digit account id of the bucket's owner; default: the plan's account."""

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", v):
            raise ValueError(f"{v!r}: write a bucket name of 3-63 lower-case letters, digits and '-' (no dots)")
        return v

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        if v.startswith("/") or " " in v or "//" in v:
            raise ValueError(f"{v!r}: a key prefix without leading '/', spaces or empty segments")
        return v

    @field_validator("bucket_owner")
    @classmethod
    def _owner(cls, v: str | None) -> str | None:
        if v is not None and not ACCOUNT_RE.match(v):
            raise ValueError(f"{v!r} is not a 12-digit account id")
        return v


class Triggers(_Strict):
    """Automatic execution: Region switch starts the plan itself from the failover signals' composite alarms.

    ARC evaluates the conditions of each trigger (alarm `red` = ALARM, `green` = OK; all conditions of a trigger
    must hold) and starts the trigger's workflow, at most once per `minDelayMinutes` (ARC `Trigger`:
    `minDelayMinutesBetweenExecutions`; botocore arc-region-switch 2022-07-26 shapes Trigger, TriggerCondition).
    A declared `approval` still stops an automatic execution until an approver confirms it.
    """

    min_delay_minutes: int = Field(60, ge=1, le=10_080)
    """Minimum minutes between two automatic executions: a flapping alarm cannot switch the pair back and forth."""
    require_target_healthy: bool = True
    """Fire only while the region being activated is green too: never switch into a region that is itself sick."""
    failback: bool = False
    """Also activate the primary automatically when the secondary is red and the primary green (active/passive).
    Off by default: failing back is a decision (what was written during the failover, the primary's state)."""


class RegionSwitchSettings(_Strict):
    """`routing.regionSwitch`: an ARC Region switch plan drives the API's failover name.

    The plan's RTO is `objectives.rtoSeconds` (rounded up to minutes); its alarms are the failover signals'
    composite alarms; its regions are the pair's.
    """

    plan_name: str | None = None
    """Default `<pair>-switch`; set it when that is longer than the API's 32 characters."""
    approval: Approval | None = None
    reports: Reports | None = None
    step_timeout_minutes: int = Field(5, ge=1, le=60)
    """Timeout of each automated step (fence Lambda, Route 53 health check step)."""
    retry_interval_minutes: float = Field(1.0, gt=0, le=60)
    """How often Region switch retries a failed Lambda step before its timeout."""
    function_timeout_seconds: int = Field(30, ge=3, le=900)
    """The fence function's own timeout (Lambda maximum 900 s); one attempt of a Lambda step."""
    triggers: Triggers | None = None
    """Start the plan automatically from the composite alarms (docs/region-switch.md, "Automatic Region switch")."""

    @field_validator("plan_name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and not PLAN_NAME_RE.match(v):
            raise ValueError(f"{v!r}: 1-32 letters, digits and '-', alphanumeric at both ends (ARC PlanName)")
        return v
