"""Deterministic Easy DKIM (DEED) replica identities: a Pulumi dynamic provider on boto3.

Why a bridge: SES Global endpoints need the secondary's identities to be DEED replicas of the primary's (one DKIM
key, one set of DNS records for both regions: Amazon SES Developer Guide, "Using Deterministic Easy DKIM (DEED)"
and "Using Global endpoints"). A replica is an SES v2 `CreateEmailIdentity` with
`DkimSigningAttributes.DomainSigningAttributesOrigin = AWS_SES_<PARENT_REGION>`; pulumi-aws 7.51.1 has no input
for that origin on `sesv2.EmailIdentity` (the Terraform AWS provider request, hashicorp/terraform-provider-aws
issue 43205, is open). Replace this resource with the provider's own once it supports the origin.

What AWS requires (same sources): the parent uses Easy DKIM and exists in the parent region before the replica
is created (else verification fails with REPLICATION_PRIMARY_NOT_FOUND); a replica cannot be a parent; the
parent cannot be deleted while replicas exist, so replicas are deleted first (the replica `depends_on` its
parent: Pulumi deletes dependents first); the caller needs `ses:ReplicateEmailIdentityDKIMSigningKey` on the
parent besides the usual identity actions.

How the provider behaves:
- create: `CreateEmailIdentity` in the replica's region; an identity of that name already there that is a replica
  of the same parent region is adopted (a create retried after a lost answer, or `import`); any other is an error.
- read (refresh, import): `GetEmailIdentity`; not found means deleted outside Pulumi.
- update in place: the default configuration set (`PutEmailIdentityConfigurationSetAttributes`) and tags
  (`TagResource`/`UntagResource`).
- replace: the domain, the region or the signing origin; delete-before-replace when the name stays in the same
  region (SES holds one identity per name and region).
- delete: `DeleteEmailIdentity`; not found means already gone.
The provider object is pickled into the Pulumi state by reference (this module's class, no clients, no
credentials): boto3 clients are built per call, with the region explicit, from the credentials in the environment
of `pulumi up` (AWS_PROFILE, AWS_ACCESS_KEY_ID..., an instance or SSO role), not from the `aws:` stack config
of pulumi-aws. Every AWS error surfaces as one line naming the call, the identity, the region and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from regionpair.components import constraints

ClientFactory = Callable[[str, str], Any]
"""(service, region) -> a boto3 client; tests pass a factory of stubbed clients, the program none."""

REPLACE_KEYS = ("emailIdentity", "region", "signingAttributesOrigin")
"""What SES cannot change on an identity: a new identity (replacement)."""
UPDATE_KEYS = ("configurationSetName", "tags")
"""What changes in place."""
INPUT_KEYS = ("kind", *REPLACE_KEYS, *UPDATE_KEYS)
UNKNOWN = constraints.UNKNOWN
"""The engine's unknown (preview) on the wire, as the dynamic provider host hands it to `diff` and `check`."""
PERMISSIONS = (
    "ses:CreateEmailIdentity, ses:GetEmailIdentity, ses:DeleteEmailIdentity, ses:TagResource, ses:UntagResource, "
    "ses:PutEmailIdentityConfigurationSetAttributes in the replica's region and "
    "ses:ReplicateEmailIdentityDKIMSigningKey on the parent identity"
)
_HINTS = {
    "AccessDenied": f"the credentials `pulumi up` runs with need {PERMISSIONS}",
    "AccessDeniedException": f"the credentials `pulumi up` runs with need {PERMISSIONS}",
    "NotFoundException": "the configuration set must exist in the replica's region first: deploy the secondary "
    "first (pulumi up on the secondary stack)",
    "BadRequestException": "the parent identity must exist in the parent region with Easy DKIM (not BYODKIM, not a "
    "replica itself)",
    "TooManyRequestsException": "SES throttled the call; run pulumi up again",
    "LimitExceededException": "the region's identity quota is reached; delete unused identities or ask for more",
    "ConcurrentModificationException": "another change to this identity is under way; run pulumi up again",
}


class DeedIdentityError(Exception):
    """One line: which call failed for which identity in which region, what AWS said and what to do."""


def _client(factory: ClientFactory | None, service: str, region: str) -> Any:
    if factory is not None:
        return factory(service, region)
    import boto3  # here, not at import: the program and the pack never need it
    from botocore.config import Config

    return boto3.session.Session().client(
        service, region_name=region, config=Config(retries={"mode": "standard", "total_max_attempts": 4})
    )


def _error(err: Exception, action: str, domain: Any, region: Any) -> DeedIdentityError:
    from botocore.exceptions import ClientError, NoCredentialsError

    if isinstance(err, NoCredentialsError):
        return DeedIdentityError(
            f"SES {action} {domain} in {region}: no AWS credentials in the environment of `pulumi up`; the DEED "
            "replica bridge reads AWS_PROFILE / AWS_ACCESS_KEY_ID or a role, not the aws: stack config"
        )
    if isinstance(err, ClientError):
        info = err.response.get("Error", {})
        code, message = str(info.get("Code", "")), str(info.get("Message", "")).replace("\n", " ")
        hint = _HINTS.get(code)
        return DeedIdentityError(
            f"SES {action} {domain} in {region}: {code}: {message}" + (f"; {hint}" if hint else "")
        )
    return DeedIdentityError(f"SES {action} {domain} in {region}: {type(err).__name__}: {err}".replace("\n", " "))


def _code(err: Exception) -> str:
    response = getattr(err, "response", None)
    return str((response or {}).get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def _tags(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()} if isinstance(value, Mapping) else {}


def _tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def problems(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What AWS would refuse in these inputs, as (property, reason): the constraint table's rows for the replica."""
    found = constraints.check(constraints.DYNAMIC, str(props.get("emailIdentity") or "replica"), dict(props))
    out = [(v.rule.prop or "signingAttributesOrigin", f"{v.message} [{v.rule.what}; source: {v.rule.source}]")
           for v in found]  # fmt: skip
    if not props.get("emailIdentity"):
        out.append(("emailIdentity", "is required"))
    if not props.get("signingAttributesOrigin"):
        out.append(("signingAttributesOrigin", "is required: AWS_SES_<PARENT_REGION>"))
    return out


def state_from(props: Mapping[str, Any], identity: Mapping[str, Any], arn: Any) -> dict[str, Any]:
    """The resource's outputs: its inputs plus what SES reports (CreateEmailIdentity or GetEmailIdentity shape).

    The mock cloud builds its answer with this function too, so the program sees one shape in tests and on AWS.
    """
    dkim = identity.get("DkimAttributes") or {}
    out = {k: props.get(k) for k in INPUT_KEYS}
    out["tags"] = _tags(props.get("tags"))
    out.update(
        arn=arn,
        identityType=identity.get("IdentityType"),
        verifiedForSendingStatus=bool(identity.get("VerifiedForSendingStatus", False)),
        dkimStatus=dkim.get("Status"),
        dkimTokens=list(dkim.get("Tokens") or []),
        signingHostedZone=dkim.get("SigningHostedZone"),
        reportedSigningOrigin=dkim.get("SigningAttributesOrigin"),
    )
    return out


def _inputs_from(identity: Mapping[str, Any], kept: Mapping[str, Any], domain: str, region: str) -> dict[str, Any]:
    """Inputs as AWS has them now (refresh): the next diff compares the program with what is really there."""
    dkim = identity.get("DkimAttributes") or {}
    return {
        "kind": constraints.DEED_KIND,
        "emailIdentity": domain,
        "region": region,
        "signingAttributesOrigin": dkim.get("SigningAttributesOrigin") or kept.get("signingAttributesOrigin"),
        "configurationSetName": identity.get("ConfigurationSetName"),
        "tags": {t["Key"]: t["Value"] for t in identity.get("Tags") or []},
    }


class DeedIdentityProvider(ResourceProvider):
    """Create, read, update, delete and diff of one DEED replica identity (see the module docstring)."""

    serialize_as_secret_always = False
    """The provider holds no credentials or secrets: its pickle in the state need not be a secret."""

    def __init__(self, client_factory: ClientFactory | None = None) -> None:
        super().__init__()
        self.client_factory = client_factory

    # ------------------------------------------------------------------------------------------ helpers
    def _ses(self, region: str) -> Any:
        return _client(self.client_factory, "sesv2", region)

    def _arn(self, domain: str, region: str) -> str:
        """The identity's ARN (SES does not return it): account and partition from STS in the same region."""
        try:
            caller = _client(self.client_factory, "sts", region).get_caller_identity()
        except Exception as err:
            raise _error(err, "GetCallerIdentity (for the ARN of)", domain, region) from None
        partition = str(caller.get("Arn", "arn:aws:")).split(":")[1] or "aws"
        return f"arn:{partition}:ses:{region}:{caller['Account']}:identity/{domain}"

    def _get(self, domain: str, region: str) -> dict[str, Any] | None:
        try:
            return dict(self._ses(region).get_email_identity(EmailIdentity=domain))
        except Exception as err:
            if _code(err) == "NotFoundException":
                return None
            raise _error(err, "GetEmailIdentity", domain, region) from None

    def _apply(self, domain: str, region: str, arn: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        """Bring the in-place settings from `old` to `new`: default configuration set, tags."""
        ses = self._ses(region)
        if (old.get("configurationSetName") or None) != (new.get("configurationSetName") or None):
            kwargs: dict[str, Any] = {"EmailIdentity": domain}
            if new.get("configurationSetName"):
                kwargs["ConfigurationSetName"] = new["configurationSetName"]
            try:
                ses.put_email_identity_configuration_set_attributes(**kwargs)
            except Exception as err:
                raise _error(err, "PutEmailIdentityConfigurationSetAttributes", domain, region) from None
        before, after = _tags(old.get("tags")), _tags(new.get("tags"))
        removed = sorted(set(before) - set(after))
        changed = {k: v for k, v in after.items() if before.get(k) != v}
        try:
            if removed:
                ses.untag_resource(ResourceArn=arn, TagKeys=removed)
            if changed:
                ses.tag_resource(ResourceArn=arn, Tags=_tag_list(changed))
        except Exception as err:
            raise _error(err, "TagResource/UntagResource", domain, region) from None

    # ------------------------------------------------------------------------------------------ protocol
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Refuse at preview what SES would refuse (the constraint table's rows for the replica)."""
        return CheckResult(news, [CheckFailure(prop, reason) for prop, reason in problems(news)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Replace for the domain, region or origin; update in place for the configuration set and tags."""

        def differs(key: str) -> bool:
            new = news.get(key)
            if new == UNKNOWN:
                return True
            if key == "tags":
                return _tags(olds.get(key)) != _tags(new)
            return (olds.get(key) or None) != (new or None)

        replaces = [k for k in REPLACE_KEYS if differs(k)]
        updates = [k for k in UPDATE_KEYS if differs(k)]
        same_name_here = not differs("emailIdentity") and not differs("region")
        return DiffResult(
            changes=bool(replaces or updates),
            replaces=replaces,
            delete_before_replace=bool(replaces) and same_name_here,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """`CreateEmailIdentity` with the parent's region as signing origin (or adopt the same replica)."""
        domain, region = str(props.get("emailIdentity")), str(props.get("region"))
        bad = problems(props)
        if bad:
            raise DeedIdentityError(f"DEED replica {domain}: {bad[0][0]} {bad[0][1]}")
        origin = props["signingAttributesOrigin"]
        kwargs: dict[str, Any] = {
            "EmailIdentity": domain,
            "DkimSigningAttributes": {"DomainSigningAttributesOrigin": origin},
        }
        if props.get("configurationSetName"):
            kwargs["ConfigurationSetName"] = props["configurationSetName"]
        tags = _tags(props.get("tags"))
        if tags:
            kwargs["Tags"] = _tag_list(tags)
        try:
            identity = dict(self._ses(region).create_email_identity(**kwargs))
        except Exception as err:
            if _code(err) != "AlreadyExistsException":
                raise _error(err, "CreateEmailIdentity (DEED replica)", domain, region) from None
            identity = self._adopt(domain, region, origin, props)
        return CreateResult(domain, state_from(props, identity, self._arn(domain, region)))

    def _adopt(self, domain: str, region: str, origin: str, props: Mapping[str, Any]) -> dict[str, Any]:
        """The identity exists: keep it if it is already this replica (same parent region), else refuse."""
        found = self._get(domain, region)
        have = ((found or {}).get("DkimAttributes") or {}).get("SigningAttributesOrigin")
        if found is None or have != origin:
            raise DeedIdentityError(
                f"SES CreateEmailIdentity (DEED replica) {domain} in {region}: an identity of that name already "
                f"exists there with DKIM origin {have}, not {origin}; a stack still owns it (with dkimMode "
                "per-region the secondary does: pulumi up on the secondary stack first removes it) or delete it by hand"
            )
        arn = self._arn(domain, region)
        self._apply(domain, region, arn, _inputs_from(found, props, domain, region), props)
        return self._get(domain, region) or found

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """`GetEmailIdentity`: the live state (refresh, import); an empty id when the identity is gone."""
        region = str(props.get("region"))
        found = self._get(id_, region)
        if found is None:
            return ReadResult("", {})
        arn = props.get("arn") or self._arn(id_, region)
        current = _inputs_from(found, props, id_, region)
        return ReadResult(id_, state_from(current, found, arn), current)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Default configuration set and tags, in place."""
        region = str(news.get("region"))
        arn = str(olds.get("arn") or self._arn(id_, region))
        self._apply(id_, region, arn, olds, news)
        found = self._get(id_, region)
        if found is None:
            raise DeedIdentityError(
                f"SES GetEmailIdentity {id_} in {region}: the replica disappeared during the update; run "
                "pulumi refresh, then pulumi up to create it again"
            )
        return UpdateResult(state_from(news, found, arn))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """`DeleteEmailIdentity`; not found is success (already gone)."""
        region = str(props.get("region"))
        try:
            self._ses(region).delete_email_identity(EmailIdentity=id_)
        except Exception as err:
            if _code(err) == "NotFoundException":
                return
            raise _error(err, "DeleteEmailIdentity", id_, region) from None


# ---------------------------------------------------------------------------------------------- resource
@dataclass
class DeedEmailIdentityArgs:
    """Inputs of `DeedEmailIdentity`."""

    email_identity: str
    """The domain, the same as the parent's."""
    region: str
    """The replica's region (explicit, never the ambient one)."""
    parent_region: str
    """The region of the parent identity (Easy DKIM), which must exist first."""
    configuration_set_name: pulumi.Input[str] | None = None
    """Default configuration set of the replica; it must exist in `region`."""
    tags: Mapping[str, str] = field(default_factory=dict)


def _camel(name: str) -> str:
    if name.startswith("__"):  # the engine's `__provider` key stays as it is
        return name
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _snake(name: str) -> str:
    if name.startswith("__"):
        return name
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


class DeedEmailIdentity(pulumi.dynamic.Resource):
    """An SES v2 DEED replica identity in `region` of a parent identity in `parent_region` (dynamic provider)."""

    email_identity: pulumi.Output[str]
    region: pulumi.Output[str]
    signing_attributes_origin: pulumi.Output[str]
    configuration_set_name: pulumi.Output[str | None]
    arn: pulumi.Output[str]
    dkim_status: pulumi.Output[str]
    dkim_tokens: pulumi.Output[list[str]]
    signing_hosted_zone: pulumi.Output[str | None]
    verified_for_sending_status: pulumi.Output[bool]

    def __init__(self, name: str, args: DeedEmailIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        props: dict[str, Any] = {
            "kind": constraints.DEED_KIND,
            "email_identity": args.email_identity,
            "region": args.region,
            "signing_attributes_origin": constraints.deed_origin(args.parent_region),
            "configuration_set_name": args.configuration_set_name,
            "tags": dict(args.tags),
            # Outputs (filled by create/read): declared so that they are attributes of this object.
            "arn": None,
            "identity_type": None,
            "verified_for_sending_status": None,
            "dkim_status": None,
            "dkim_tokens": None,
            "signing_hosted_zone": None,
            "reported_signing_origin": None,
        }
        super().__init__(DeedIdentityProvider(), name, props, opts)

    def translate_input_property(self, prop: str) -> str:
        """Send camelCase names on the wire, as the engine, the policies and the constraint table see every resource."""
        return _camel(prop)

    def translate_output_property(self, prop: str) -> str:
        """Back to snake_case attributes."""
        return _snake(prop)
