"""`stateful-resources-protected`: what holds state or takes weeks to obtain is `protect`ed in the engine.

Why a policy: `components/options.py` protects every stateful resource of the pair, but a program that imports our
components, an older version of it, or a hand edit can register one without the option; then a changed pair.yaml
(a renamed table, a number's message type) makes `pulumi up` delete or replace it. The policy reads the resource
options the engine sends with each resource (`AnalyzerResourceOptions.protect`, `PolicyResource.opts.protect` in
pulumi_policy), so it sees what is registered, in preview as in update. Retain-on-delete is not in the options the
engine sends to a policy (pulumi_policy's `PolicyResourceOptions` has no such field): it is documented, not
checked.

Exempt: an SMS number declared `retire: true` (its protection is dropped on purpose for the deploy before its
removal, docs/day-2.md), and resource names listed in the policy's `exempt` config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from regionpair.components import constraints as c
from regionpair.policies import props as P

NAME = "stateful-resources-protected"
NUMBER_TAG = "regionpair:number"
"""The tag each requested number carries: `<pair name>/<number key>` (components/sms.py)."""

STATEFUL: dict[str, str] = {
    c.BUCKET: "S3 bucket (its objects)",
    c.TABLE: "DynamoDB table (its items)",
    c.IDENTITY: "SES identity (verification, DKIM, reputation)",
    c.PHONE_NUMBER: "SMS number (registration takes days to weeks)",
    c.POOL: "SMS pool",
    c.OPT_OUT_LIST: "SMS opt-out list (the opt-outs it holds)",
    c.SENDER_ID: "SMS sender ID (registration)",
    "aws:dynamodb/tableItem:TableItem": "app-state item (the live switch) or identity directory item (which pool "
    "applications sign in with)",
    "aws:cognito/userPool:UserPool": "Cognito user pool (its users: passwords cannot be exported)",
}
"""Type token -> what is lost if the resource is deleted or replaced."""


def _stateful(res: Any) -> str | None:
    """What is lost if `res` is deleted or replaced, or None when it holds nothing a deploy does not rebuild."""
    return STATEFUL.get(res.resource_type) or ("SES identity (DEED replica)" if _is_dynamic_identity(res) else None)


def _retiring_numbers(resources: list[Any]) -> set[str]:
    """`<pair>/<key>` of the requested numbers this half declares `retire: true`."""
    found = P.root_context(resources)
    if found is None:
        return set()
    pair = found[2]
    half = pair.this
    return {
        f"{pair.shared.name}/{key}"
        for key, req in zip(half.number_keys, half.requested_numbers, strict=True)
        if getattr(req, "retire", False)
    }


def _is_dynamic_identity(res: Any) -> bool:
    return res.resource_type == c.DYNAMIC and P.plain(res.props).get("kind") == c.DEED_KIND


def validate_protected(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Every stateful resource has `protect` set, but retiring numbers and exempt names."""
    config: Mapping[str, Any] = args.get_config() or {}
    exempt = set(config.get("exempt") or [])
    resources = list(args.resources)
    retiring = _retiring_numbers(resources)
    for res in resources:
        what = _stateful(res)
        if what is None or res.name in exempt:
            continue
        if res.resource_type == c.PHONE_NUMBER:
            tags = P.plain(res.props).get("tags") or {}
            if isinstance(tags, Mapping) and tags.get(NUMBER_TAG) in retiring:
                continue
        opts = getattr(res, "opts", None)
        if opts is not None and getattr(opts, "protect", False):
            continue
        report_violation(
            f"{res.name} ({what}) is not protected: a change of pair.yaml could delete or replace it. Register it "
            "with the options of components/options.py `stateful(...)` (protect=True); to remove it on purpose, "
            "follow docs/day-2.md (retire a number, or `pulumi state unprotect` then remove it)",
            res.urn,
        )


POLICIES = [
    StackValidationPolicy(
        name=NAME,
        description="Stateful resources (buckets, tables, SES identities, SMS numbers, pools, opt-out lists, sender "
        "IDs, the app-state item, Cognito user pools) are registered with `protect`, so that the engine refuses to "
        "delete or replace them; retiring numbers and `exempt` names excepted.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=validate_protected,
        config_schema=PolicyConfigSchema(
            properties={"exempt": {"type": "array", "items": {"type": "string"}, "default": []}}
        ),
    ),
]
