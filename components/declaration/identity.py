"""`identity:` of pair.yaml: one Cognito user pool per region, configured alike, for sign-in that survives a region.

Cognito user pools are regional and AWS neither replicates them nor exports password hashes (the disaster-tolerance
patterns article, still true in 2026). So each region gets its own pool from this one declaration, the standby's
users are kept in step by the shadow trigger and `regionpair sync users`, and the standby signs users in without
the password they set in the primary: passwordless email one-time codes (`failoverSignIn: email-otp`, which needs
the ESSENTIALS or PLUS feature plan and SES as the sender) or a password reset (`password-reset`). docs/identity.md.

Every limit below comes from the botocore cognito-idp model (shape named) or the Amazon Cognito Developer Guide;
components/constraints.py holds the same rules as rows the mock cloud enforces.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from regionpair.components.constraints import DOMAIN_PREFIX_RE, domain_prefix_problem, redirect_url_problem
from regionpair.components.declaration.base import DeclarationError, DkimMode, DomainName, ResourceName, _Model
from regionpair.components.declaration.email import Email

# botocore CustomAttributeNameType: 1-20 characters (the `custom:` prefix is added by Cognito).
CUSTOM_ATTRIBUTE_MAX = 20
STANDARD_ATTRIBUTES = frozenset({
    "address", "birthdate", "email", "family_name", "gender", "given_name", "locale", "middle_name", "name",
    "nickname", "phone_number", "picture", "preferred_username", "profile", "zoneinfo", "updated_at", "website",
})  # fmt: skip
"""The OpenID Connect standard attributes of a user pool (Developer Guide, "Working with user attributes")."""


class FeaturePlan(StrEnum):
    """The user pool feature plan (botocore cognito-idp UserPoolTierType)."""

    LITE = "LITE"
    ESSENTIALS = "ESSENTIALS"
    PLUS = "PLUS"


class FailoverSignIn(StrEnum):
    """How users sign in to the standby pool, where their password does not exist."""

    EMAIL_OTP = "email-otp"
    """Passwordless: a one-time code sent through the standby's SES (feature plan ESSENTIALS or PLUS)."""
    PASSWORD_RESET = "password-reset"
    """The standby holds a random password nobody knows: users choose a new one through "forgot password"."""


class Attribute(_Model):
    """A schema attribute, created the same in both pools (attributes can be added to a pool, never changed)."""

    name: str
    """A standard attribute (email, given_name, ...) or a custom one (1-20 characters, without `custom:`)."""
    type: Literal["String", "Number", "DateTime", "Boolean"] = "String"
    """botocore cognito-idp AttributeDataType."""
    required: bool = False
    """Required at sign-up. Only standard attributes can be required (Cognito refuses required custom ones)."""
    mutable: bool = True
    min_length: int | None = Field(None, ge=0, le=2048)
    max_length: int | None = Field(None, ge=1, le=2048)
    """String attributes: Cognito's limit for a string value is 2048 characters."""

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if v.startswith("custom:"):
            raise ValueError(f"write {v[7:]!r}, without custom: (the program adds the prefix Cognito uses)")
        if v not in STANDARD_ATTRIBUTES and not (1 <= len(v) <= CUSTOM_ATTRIBUTE_MAX and re.fullmatch(r"\w+", v)):
            raise ValueError(
                f"{v!r} is neither a standard attribute nor a custom name of 1-{CUSTOM_ATTRIBUTE_MAX} letters, digits "
                "or underscores (botocore cognito-idp CustomAttributeNameType)"
            )
        return v

    @property
    def custom(self) -> bool:
        """A custom attribute (Cognito stores it as `custom:<name>`)."""
        return self.name not in STANDARD_ATTRIBUTES

    @property
    def cognito_name(self) -> str:
        """The name as Cognito's user APIs use it."""
        return f"custom:{self.name}" if self.custom else self.name

    @model_validator(mode="after")
    def _required_standard_only(self) -> Attribute:
        if self.required and self.custom:
            raise ValueError(f"{self.name}: only standard attributes can be required; set required: false")
        return self


class PasswordPolicy(_Model):
    """The password policy of both pools (botocore cognito-idp PasswordPolicyType)."""

    minimum_length: int = Field(12, ge=6, le=99)
    """PasswordPolicyMinLengthType: 6-99."""
    require_lowercase: bool = True
    require_uppercase: bool = True
    require_numbers: bool = True
    require_symbols: bool = True
    temporary_password_validity_days: int = Field(7, ge=0, le=365)
    """TemporaryPasswordValidityDaysType: 0-365."""


class AppClient(_Model):
    """An app client, created in both pools with the same settings, callback and logout URLs."""

    name: ResourceName
    callback_urls: list[str] = Field(min_length=1, max_length=100)
    """Where managed login returns after sign-in (CallbackURLsListType: at most 100). HTTPS, except
    http://localhost, http://127.0.0.1 and http://[::1] for testing; app schemes (myapp://) are accepted."""
    logout_urls: list[str] = Field(default_factory=list, max_length=100)
    oauth_flows: list[Literal["code", "implicit", "client_credentials"]] = Field(default_factory=lambda: ["code"])
    oauth_scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    generate_secret: bool = False
    """A confidential client (server-side apps). Each pool generates its own secret: they differ per region."""
    access_token_validity_minutes: int = Field(60, ge=5, le=1440)
    """Between 5 minutes and 1 day (pulumi-aws UserPoolClient access_token_validity)."""
    id_token_validity_minutes: int = Field(60, ge=5, le=1440)
    refresh_token_validity_days: int = Field(30, ge=1, le=3650)
    """Between 60 minutes and 10 years; declared in days here."""

    @field_validator("callback_urls", "logout_urls")
    @classmethod
    def _urls(cls, v: list[str]) -> list[str]:
        for url in v:
            problem = redirect_url_problem(url)
            if problem:
                raise ValueError(f"{url!r} {problem}")
        if len(set(v)) != len(v):
            raise ValueError("a URL is listed twice; list each once")
        return v


class CustomDomain(_Model):
    """Managed login on your own names: `<subdomain>-<region>.<dns.zoneName>`, one per region.

    A custom domain is served by CloudFront, whose alternate names are unique across AWS: the two pools cannot
    share one name, so each region gets its own, and both are covered by one ACM certificate in us-east-1
    (pulumi-aws UserPoolDomain certificate_arn: "an ISSUED ACM certificate in us-east-1").
    """

    subdomain: str = "auth"
    certificate_arn: str
    """An ACM certificate in us-east-1 covering `<subdomain>-<region>.<zone>` of both regions (or a wildcard)."""

    @field_validator("subdomain")
    @classmethod
    def _label(cls, v: str) -> str:
        if not DOMAIN_PREFIX_RE.match(v):
            raise ValueError(f"{v!r} is not a DNS label; use lower case letters, digits and inner dashes")
        return v

    @field_validator("certificate_arn")
    @classmethod
    def _us_east_1(cls, v: str) -> str:
        m = re.match(r"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$", v)
        if not m:
            raise ValueError("is not an ACM certificate ARN")
        if m.group(1) != "us-east-1":
            raise ValueError(f"is in {m.group(1)}; Cognito custom domains need a certificate in us-east-1")
        return v


class IdentityEmail(_Model):
    """Who the pools' emails (codes, invitations) come from: the pair's SES identity in each pool's region."""

    from_local_part: str = "no-reply"
    """The address is `<fromLocalPart>@<domain>`."""
    domain: DomainName | None = None
    """One of `email.domains`; default: the first."""
    from_name: str | None = None
    """Display name, e.g. `Notify`."""
    reply_to: str | None = None
    configuration_set: ResourceName | None = None
    """One of `email.configurationSets`: Cognito's mail then publishes events like the rest of the pair's."""

    @field_validator("from_local_part")
    @classmethod
    def _local(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9._%+-]{1,64}", v):
            raise ValueError(f"{v!r} is not the local part of an email address (e.g. no-reply)")
        return v


class Identity(_Model):
    """A Cognito user pool per region, the same in both."""

    pool: ResourceName = "users"
    """Logical name; the pool in each region is `<pair>-<pool>-<region>`."""
    feature_plan: FeaturePlan = FeaturePlan.ESSENTIALS
    """LITE, ESSENTIALS or PLUS (pricing differs). Passwordless sign-in needs ESSENTIALS or PLUS."""
    username_attributes: list[Literal["email", "phone_number"]] = Field(default_factory=lambda: ["email"])
    """What users sign in with instead of a username. Cannot be changed after the pool is created."""
    attributes: list[Attribute] = Field(default_factory=lambda: [Attribute(name="email", required=True)])
    password_policy: PasswordPolicy = Field(default_factory=PasswordPolicy)
    mfa: Literal["OFF", "OPTIONAL", "ON"] = "OPTIONAL"
    """Multi-factor authentication (botocore UserPoolMfaType), with authenticator apps (TOTP) as the factor."""
    failover_sign_in: FailoverSignIn = FailoverSignIn.EMAIL_OTP
    """How users sign in to the standby pool: passwordless email codes, or a password reset."""
    clients: list[AppClient] = Field(min_length=1)
    domain_prefix: str
    """Managed login prefix; each region's domain is `<domainPrefix>-<region>.auth.<region>.amazoncognito.com`
    (prefixes are unique per region across AWS accounts: choose one that is yours)."""
    custom_domain: CustomDomain | None = None
    email: IdentityEmail = Field(default_factory=IdentityEmail)
    deletion_protection: bool = True
    """Refuse `DeleteUserPool` while set: a pool's users cannot be restored once it is deleted."""
    shadow: bool = True
    """Deploy the shadow trigger: each confirmed sign-up is written to the other region's pool at once."""

    @field_validator("domain_prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        problem = domain_prefix_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Identity:
        names = [a.name for a in self.attributes]
        if len(set(names)) != len(names):
            raise ValueError("two attributes share a name; declare each once")
        if len(self.attributes) > 50:
            raise ValueError("declares more than 50 attributes (botocore SchemaAttributesListType: at most 50)")
        clients = [c.name for c in self.clients]
        if len(set(clients)) != len(clients):
            raise ValueError("two clients share a name; name each app client once")
        if self.failover_sign_in is FailoverSignIn.EMAIL_OTP:
            if self.feature_plan is FeaturePlan.LITE:
                raise ValueError(
                    "failoverSignIn email-otp needs featurePlan ESSENTIALS or PLUS (passwordless sign-in is not in "
                    "LITE); set featurePlan: ESSENTIALS or failoverSignIn: password-reset"
                )
            if "email" not in self.username_attributes and "email" not in names:
                raise ValueError("failoverSignIn email-otp needs the email attribute; add it to attributes")
        return self


def region_domain_prefix(identity: Identity, region: str) -> str:
    """The prefix domain of the pool in `region`: unique per region, within DomainType's 63 characters."""
    suffix = f"-{region}"
    return identity.domain_prefix[: 63 - len(suffix)].rstrip("-") + suffix


def region_custom_domain(identity: Identity, zone_name: str, region: str) -> str | None:
    """The custom domain of the pool in `region`, or None."""
    if identity.custom_domain is None:
        return None
    return f"{identity.custom_domain.subdomain}-{region}.{zone_name}"


def check_identity(identity: Identity | None, email: Email | None, decl_name: str) -> None:
    """Rules that need the email section: the pools send through the pair's SES identities."""
    if identity is None:
        return
    if email is None:
        raise DeclarationError(
            f"{decl_name} identity",
            "needs email: the pools send their codes through the pair's SES identity in each region; declare "
            "email.domains",
        )
    if email.dkim_mode is DkimMode.DEED:
        raise DeclarationError(
            f"{decl_name} identity",
            "is not supported with email.dkimMode: deed yet: the secondary's pool would send from a replica identity "
            "the primary creates later, and Cognito refuses an unverified sender; use dkimMode: per-region",
        )
    domains = list(email.domains)
    if identity.email.domain is not None and identity.email.domain not in domains:
        raise DeclarationError(
            f"{decl_name} identity.email.domain",
            f"{identity.email.domain} is not one of email.domains ({', '.join(domains)}); Cognito sends only "
            "from an SES identity verified in the pool's region",
        )
    sets = [c.name for c in email.configuration_sets]
    cs = identity.email.configuration_set
    if cs is not None and cs not in sets:
        raise DeclarationError(
            f"{decl_name} identity.email.configurationSet",
            f"{cs!r} is not one of email.configurationSets ({', '.join(sets) or 'none declared'})",
        )


def sender_domain(identity: Identity, email_domains: list[str]) -> str:
    """The SES identity (domain) the pools send from."""
    return identity.email.domain or email_domains[0]


def from_address(identity: Identity, email_domains: list[str]) -> str:
    """The FROM of the pools' email: `Name <local@domain>` or `local@domain`."""
    addr = f"{identity.email.from_local_part}@{sender_domain(identity, email_domains)}"
    return f"{identity.email.from_name} <{addr}>" if identity.email.from_name else addr
