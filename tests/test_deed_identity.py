"""The DEED replica identity bridge (components/deed_identity.py): each operation against the SES v2 service model.

moto implements no DEED replicas (its SES v2 identities have no DKIM origin), so every call goes through botocore's
`Stubber`, which checks each request and each response against botocore's sesv2 and sts service models: a request
shape the provider gets wrong fails here as it would fail against SES.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber

from regionpair.components import constraints
from regionpair.components.deed_identity import (
    DeedIdentityError,
    DeedIdentityProvider,
    _error,
)

DOMAIN, REGION, PARENT = "example.com", "us-west-2", "us-east-1"
ORIGIN = "AWS_SES_US_EAST_1"
ACCOUNT = "123456789012"
ARN = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{DOMAIN}"
SET = "notify-transactional"
TOKENS = ["a" * 32, "b" * 32, "c" * 32]
PROPS = {
    "kind": constraints.DEED_KIND,
    "emailIdentity": DOMAIN,
    "region": REGION,
    "signingAttributesOrigin": ORIGIN,
    "configurationSetName": SET,
    "tags": {"project": "notify"},
    "__provider": "opaque",
}


class Stubs:
    """Stubbed boto3 clients per (service, region): the provider's client factory."""

    def __init__(self) -> None:
        self.stubbers: dict[tuple[str, str], Stubber] = {}
        self.clients: dict[tuple[str, str], Any] = {}
        self.session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="y")

    def __call__(self, service: str, region: str) -> Any:
        return self.client(service, region)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self.clients:
            self.clients[key] = self.session.client(service, region_name=region)
            self.stubbers[key] = Stubber(self.clients[key])
            self.stubbers[key].activate()
        return self.clients[key]

    def on(self, service: str, region: str = REGION) -> Stubber:
        self.client(service, region)
        return self.stubbers[(service, region)]

    def done(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@pytest.fixture
def stubs() -> Iterator[Stubs]:
    s = Stubs()
    yield s
    s.done()


def identity(origin: str = ORIGIN, config_set: str | None = SET, tags: dict[str, str] | None = None) -> dict:
    """A GetEmailIdentity answer for the replica (the shape botocore's model has)."""
    out: dict[str, Any] = {
        "IdentityType": "DOMAIN",
        "FeedbackForwardingStatus": True,
        "VerifiedForSendingStatus": True,
        "DkimAttributes": {"SigningEnabled": True, "Status": "SUCCESS", "Tokens": TOKENS,
                           "SigningAttributesOrigin": origin, "SigningHostedZone": "dkim.amazonses.com"},
        "Tags": [{"Key": k, "Value": v} for k, v in (tags if tags is not None else {"project": "notify"}).items()],
        "VerificationStatus": "SUCCESS",
    }  # fmt: skip
    if config_set:
        out["ConfigurationSetName"] = config_set
    return out


def caller(stubs: Stubs, region: str = REGION) -> None:
    stubs.on("sts", region).add_response(
        "get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ci", "UserId": "AIDA"}, {}
    )


# ----------------------------------------------------------------------------------------------- create
def test_create_replicates_the_parent_region_as_signing_origin(stubs):
    stubs.on("sesv2").add_response(
        "create_email_identity",
        {"IdentityType": "DOMAIN", "VerifiedForSendingStatus": False,
         "DkimAttributes": {"SigningEnabled": True, "Status": "PENDING", "Tokens": TOKENS,
                            "SigningAttributesOrigin": ORIGIN}},
        {"EmailIdentity": DOMAIN, "DkimSigningAttributes": {"DomainSigningAttributesOrigin": ORIGIN},
         "ConfigurationSetName": SET, "Tags": [{"Key": "project", "Value": "notify"}]},
    )  # fmt: skip
    caller(stubs)
    result = DeedIdentityProvider(stubs).create(dict(PROPS))
    assert result.id == DOMAIN
    assert result.outs["arn"] == ARN
    assert result.outs["signingAttributesOrigin"] == ORIGIN
    assert result.outs["reportedSigningOrigin"] == ORIGIN
    assert result.outs["dkimTokens"] == TOKENS
    assert result.outs["dkimStatus"] == "PENDING"
    assert {k: result.outs[k] for k in ("emailIdentity", "region", "configurationSetName", "tags")} == {
        "emailIdentity": DOMAIN, "region": REGION, "configurationSetName": SET, "tags": {"project": "notify"}}


def test_create_adopts_the_same_replica_and_brings_it_to_the_declared_settings(stubs):
    """A create retried after a lost answer (or an import) finds the replica there: adopted, not an error."""
    ses = stubs.on("sesv2")
    ses.add_client_error("create_email_identity", "AlreadyExistsException", "exists", 400)
    ses.add_response("get_email_identity", identity(config_set=None, tags={"old": "1"}), {"EmailIdentity": DOMAIN})
    caller(stubs)
    ses.add_response("put_email_identity_configuration_set_attributes", {},
                     {"EmailIdentity": DOMAIN, "ConfigurationSetName": SET})  # fmt: skip
    ses.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeys": ["old"]})
    ses.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": [{"Key": "project", "Value": "notify"}]})
    ses.add_response("get_email_identity", identity(), {"EmailIdentity": DOMAIN})
    caller(stubs)
    result = DeedIdentityProvider(stubs).create(dict(PROPS))
    assert (result.id, result.outs["configurationSetName"], result.outs["dkimStatus"]) == (DOMAIN, SET, "SUCCESS")


def test_create_refuses_an_identity_that_is_not_this_replica_in_one_line(stubs):
    ses = stubs.on("sesv2")
    ses.add_client_error("create_email_identity", "AlreadyExistsException", "exists", 400)
    ses.add_response("get_email_identity", identity(origin="AWS_SES"), {"EmailIdentity": DOMAIN})
    with pytest.raises(DeedIdentityError) as err:
        DeedIdentityProvider(stubs).create(dict(PROPS))
    message = str(err.value)
    assert "\n" not in message
    assert "already exists there with DKIM origin AWS_SES, not AWS_SES_US_EAST_1" in message
    assert "pulumi up on the secondary stack first" in message


def test_create_without_permission_says_which_permissions_in_one_line(stubs):
    stubs.on("sesv2").add_client_error("create_email_identity", "AccessDeniedException", "not authorized", 403)
    with pytest.raises(DeedIdentityError) as err:
        DeedIdentityProvider(stubs).create(dict(PROPS))
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"SES CreateEmailIdentity (DEED replica) {DOMAIN} in {REGION}: AccessDeniedException")
    assert "ses:ReplicateEmailIdentityDKIMSigningKey on the parent identity" in message


def test_create_refuses_bad_inputs_before_any_call(stubs):
    with pytest.raises(DeedIdentityError) as err:
        DeedIdentityProvider(stubs).create({**PROPS, "signingAttributesOrigin": "AWS_SES_US_WEST_2"})
    assert "cannot replicate a parent in its own region" in str(err.value)
    with pytest.raises(DeedIdentityError) as err:
        DeedIdentityProvider(stubs).create({**PROPS, "signingAttributesOrigin": "EXTERNAL"})
    assert "is not one of" in str(err.value)


# ------------------------------------------------------------------------------------------------- read
def test_read_reports_what_aws_has_as_state_and_inputs(stubs):
    stubs.on("sesv2").add_response("get_email_identity", identity(config_set="other", tags={}),
                                   {"EmailIdentity": DOMAIN})  # fmt: skip
    result = DeedIdentityProvider(stubs).read(DOMAIN, {**PROPS, "arn": ARN})
    assert result.id == DOMAIN
    assert result.inputs["configurationSetName"] == "other"  # drift shows up in the next diff
    assert result.inputs["tags"] == {}
    assert result.outs["arn"] == ARN
    assert result.outs["verifiedForSendingStatus"] is True


def test_read_of_an_import_computes_the_arn(stubs):
    stubs.on("sesv2").add_response("get_email_identity", identity(), {"EmailIdentity": DOMAIN})
    caller(stubs)
    result = DeedIdentityProvider(stubs).read(DOMAIN, {"region": REGION})
    assert (result.id, result.outs["arn"], result.inputs["signingAttributesOrigin"]) == (DOMAIN, ARN, ORIGIN)


def test_read_of_a_deleted_identity_says_gone(stubs):
    stubs.on("sesv2").add_client_error("get_email_identity", "NotFoundException", "no such identity", 404)
    result = DeedIdentityProvider(stubs).read(DOMAIN, {**PROPS, "arn": ARN})
    assert (result.id, result.outs) == ("", {})


def test_read_error_is_one_line(stubs):
    stubs.on("sesv2").add_client_error("get_email_identity", "TooManyRequestsException", "slow down", 429)
    with pytest.raises(DeedIdentityError) as err:
        DeedIdentityProvider(stubs).read(DOMAIN, {**PROPS, "arn": ARN})
    assert str(err.value) == (f"SES GetEmailIdentity {DOMAIN} in {REGION}: TooManyRequestsException: slow down; "
                              "SES throttled the call; run pulumi up again")  # fmt: skip


# ----------------------------------------------------------------------------------------------- update
def test_update_changes_the_configuration_set_and_tags_in_place(stubs):
    ses = stubs.on("sesv2")
    ses.add_response("put_email_identity_configuration_set_attributes", {},
                     {"EmailIdentity": DOMAIN, "ConfigurationSetName": "bulk"})  # fmt: skip
    ses.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeys": ["project"]})
    ses.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": [{"Key": "team", "Value": "mail"}]})
    ses.add_response("get_email_identity", identity(config_set="bulk", tags={"team": "mail"}),
                     {"EmailIdentity": DOMAIN})  # fmt: skip
    olds = {**PROPS, "arn": ARN}
    news = {**PROPS, "configurationSetName": "bulk", "tags": {"team": "mail"}}
    result = DeedIdentityProvider(stubs).update(DOMAIN, olds, news)
    assert (result.outs["configurationSetName"], result.outs["tags"], result.outs["arn"]) == (
        "bulk", {"team": "mail"}, ARN)


def test_update_removing_the_default_set_calls_without_a_name(stubs):
    ses = stubs.on("sesv2")
    ses.add_response("put_email_identity_configuration_set_attributes", {}, {"EmailIdentity": DOMAIN})
    ses.add_response("get_email_identity", identity(config_set=None), {"EmailIdentity": DOMAIN})
    result = DeedIdentityProvider(stubs).update(DOMAIN, {**PROPS, "arn": ARN}, {**PROPS, "configurationSetName": None})
    assert result.outs["configurationSetName"] is None


def test_update_error_is_one_line(stubs):
    stubs.on("sesv2").add_client_error("put_email_identity_configuration_set_attributes", "NotFoundException",
                                       "configuration set bulk does not exist", 404)  # fmt: skip
    with pytest.raises(DeedIdentityError) as err:
        DeedIdentityProvider(stubs).update(DOMAIN, {**PROPS, "arn": ARN}, {**PROPS, "configurationSetName": "bulk"})
    assert "\n" not in str(err.value)
    assert "deploy the secondary first" in str(err.value)


# ----------------------------------------------------------------------------------------------- delete
def test_delete_deletes_the_replica(stubs):
    stubs.on("sesv2").add_response("delete_email_identity", {}, {"EmailIdentity": DOMAIN})
    DeedIdentityProvider(stubs).delete(DOMAIN, dict(PROPS))


def test_delete_of_an_identity_already_gone_succeeds(stubs):
    stubs.on("sesv2").add_client_error("delete_email_identity", "NotFoundException", "no such identity", 404)
    DeedIdentityProvider(stubs).delete(DOMAIN, dict(PROPS))


def test_delete_error_is_one_line(stubs):
    stubs.on("sesv2").add_client_error("delete_email_identity", "ConcurrentModificationException", "busy", 500)
    with pytest.raises(DeedIdentityError) as err:
        DeedIdentityProvider(stubs).delete(DOMAIN, dict(PROPS))
    assert "\n" not in str(err.value)
    assert str(err.value).startswith(f"SES DeleteEmailIdentity {DOMAIN} in {REGION}: ConcurrentModificationException")


# ------------------------------------------------------------------------------------------------- diff
OLDS = {**PROPS, "arn": ARN, "dkimStatus": "SUCCESS", "dkimTokens": TOKENS}


@pytest.mark.parametrize(
    ("change", "changes", "replaces", "delete_first"),
    [
        pytest.param({}, False, [], False, id="nothing"),
        pytest.param({"configurationSetName": "bulk"}, True, [], False, id="configuration-set-in-place"),
        pytest.param({"tags": {"project": "notify", "team": "mail"}}, True, [], False, id="tags-in-place"),
        pytest.param({"tags": None, "configurationSetName": None}, True, [], False, id="both-removed"),
        pytest.param({"signingAttributesOrigin": "AWS_SES_US_EAST_2"}, True, ["signingAttributesOrigin"], True,
                     id="origin-replaces-same-name-deleted-first"),
        pytest.param({"emailIdentity": "notify.example.com"}, True, ["emailIdentity"], False,
                     id="domain-replaces-side-by-side"),
        pytest.param({"region": "eu-west-1"}, True, ["region"], False, id="region-replaces-side-by-side"),
        pytest.param({"configurationSetName": constraints.UNKNOWN}, True, [], False, id="unknown-in-preview"),
        pytest.param({"__provider": "other pickle"}, False, [], False, id="provider-pickle-ignored"),
    ],
)  # fmt: skip
def test_diff(change, changes, replaces, delete_first):
    result = DeedIdentityProvider().diff(DOMAIN, dict(OLDS), {**PROPS, **change})
    assert (result.changes, result.replaces, bool(result.delete_before_replace)) == (changes, replaces, delete_first)


def test_tags_empty_and_absent_are_the_same():
    assert DeedIdentityProvider().diff(DOMAIN, {**OLDS, "tags": {}}, {**PROPS, "tags": None}).changes is False


# ------------------------------------------------------------------------------------------------ check
def test_check_refuses_what_ses_refuses_and_accepts_the_replica():
    provider = DeedIdentityProvider()
    assert provider.check({}, dict(PROPS)).failures == []
    bad = provider.check({}, {**PROPS, "signingAttributesOrigin": "AWS_SES", "configurationSetName": "has space"})
    assert sorted(f.property for f in bad.failures) == ["configurationSetName", "signingAttributesOrigin"]
    same = provider.check({}, {**PROPS, "region": PARENT})
    assert [f.property for f in same.failures] == ["signingAttributesOrigin"]
    assert "own region" in same.failures[0].reason
    preview = provider.check({}, {**PROPS, "configurationSetName": constraints.UNKNOWN})
    assert preview.failures == []


def test_missing_credentials_are_one_line():
    message = str(_error(NoCredentialsError(), "CreateEmailIdentity", DOMAIN, REGION))
    assert "\n" not in message
    assert "AWS_PROFILE" in message
    assert "not the aws: stack config" in message


# ------------------------------------------------------------------------------- model and serialization
def test_the_parent_regions_are_the_botocore_enum():
    model = botocore.session.get_session().get_service_model("sesv2")
    enum = model.shape_for("DkimSigningAttributesOrigin").enum
    regions = [constraints.deed_parent_region(v) for v in enum if v not in ("AWS_SES", "EXTERNAL")]
    assert sorted(regions) == sorted(constraints.DEED_PARENT_REGIONS)
    assert constraints.deed_origin("us-east-1") in enum
    assert constraints.deed_parent_region("AWS_SES_US_GOV_WEST_1") == "us-gov-west-1"


def test_the_provider_pickles_by_reference_without_clients():
    """The state holds the pickled provider: a reference to this module's class, never a client or a credential."""
    from pulumi.dynamic.dynamic import serialize_provider

    blob = base64.b64decode(serialize_provider(DeedIdentityProvider()))
    assert b"regionpair.components.deed_identity" in blob
    assert b"DeedIdentityProvider" in blob
    assert b"botocore" not in blob
    assert b"boto3" not in blob
    assert len(blob) < 200, len(blob)
    code = (
        "import base64, dill, sys\n"
        f"p = dill.loads(base64.b64decode({base64.b64encode(blob)!r}))\n"
        "print(type(p).__module__, p.client_factory, 'boto3' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.split() == ["regionpair.components.deed_identity", "None", "False"]
