"""The user pool pair (`identity:`), end to end: the variant docs/examples/pair-identity.yaml validates, runs as
both stacks under the mock runtime (constraint-checking mocks) and passes `regionpair check` in preview and update;
each identity policy is broken on purpose and caught through the pack (analyzer protocol, as `pulumi preview`/`up`
drive it), in preview and in update, with the URN of the resource at fault; bad declarations are refused in one
line naming the key.
"""

from __future__ import annotations

import copy
import inspect
import shutil
from collections.abc import Callable
from pathlib import Path

import pulumi_aws as aws
import pytest
import yaml
from pulumi.runtime import mocks as pmocks

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.check import run_check
from regionpair.components import constraints as c
from regionpair.components import identity_model as model
from regionpair.components.lambda_src import user_shadow
from regionpair.mockcloud import CloudMocks, ConstraintViolation
from regionpair.simulate import Recorded, StackRun, simulate_stack
from tests.conftest import ROOT, PairCopy

VARIANT = ROOT / "docs" / "examples" / "pair-identity.yaml"
POOL, CLIENT, DOMAIN = c.USER_POOL, c.USER_POOL_CLIENT, c.USER_POOL_DOMAIN
ITEM = "aws:dynamodb/tableItem:TableItem"
POLICIES = {"cognito-pool-parity", "cognito-client-parity", "cognito-trigger-parity", "cognito-email-regional-ses"}
CALLBACKS = "identity.clients[0].callbackUrls"
MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]


def _copy(where: Path) -> Path:
    shutil.copy(VARIANT, where / "pair.yaml")
    for name in ("Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.yaml"):
        shutil.copy(ROOT / name, where / name)
    return where


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    return _copy(tmp_path_factory.mktemp("identity"))


@pytest.fixture(scope="module")
def deployed(variant) -> StackRun:
    """The variant's secondary as `pulumi up -s secondary` leaves it (the primary reads its outputs)."""
    return simulate_stack("secondary", config_dir=variant)


@pytest.fixture(scope="module")
def runs(variant, deployed) -> dict[tuple[str, bool], StackRun]:
    peer = {"secondary": deployed.outputs}
    return {
        (stack, preview): simulate_stack(stack, config_dir=variant, peer_outputs=peer, preview=preview)
        for stack in ("secondary", "primary")
        for preview in (False, True)
    }


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("primary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


def judged(pack: PolicyPackProcess, run: StackRun) -> list[Diagnostic]:
    pack.configure({})
    diags = [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)
    return [d for d in diags if d.level == "mandatory" and not d.undecided]


def edit(run: StackRun, pick: Callable[[StackRun], Recorded], change: Callable[[dict], None]) -> tuple[StackRun, str]:
    """A copy of `run` with `change` applied to one resource's inputs and outputs; (copy, its URN)."""
    out = copy.deepcopy(run)
    target = pick(out)
    for props in (target.inputs, target.outputs):
        change(props)
    return out, target.urn


def caught(pack: PolicyPackProcess, run: StackRun, policy: str, urn: str, says: str) -> None:
    found = [d for d in judged(pack, run) if d.policy == policy]
    assert any(d.urn == urn and says in d.message for d in found), [(d.policy, d.urn, d.message) for d in found]


# ------------------------------------------------------------------------------------------ declaration
@pytest.fixture
def identity_copy(tmp_path) -> PairCopy:
    pair = PairCopy(tmp_path)
    shutil.copy(VARIANT, tmp_path / "pair.yaml")
    return pair


@pytest.mark.parametrize(
    ("change", "key", "says"),
    [
        (lambda i: i.update(domainPrefix="my-cognito-login"), "identity.domainPrefix", "contains 'cognito'"),
        (lambda i: i.update(domainPrefix="Login"), "identity.domainPrefix", "DomainType"),
        (lambda i: i["clients"][0].update(callbackUrls=["http://app.example.com/cb"]), CALLBACKS, "requires https://"),
        (lambda i: i["clients"][0].update(callbackUrls=["https://app.example.com/cb#x"]), CALLBACKS, "fragment"),
        (lambda i: i.update(featurePlan="LITE"), "identity", "ESSENTIALS or PLUS"),
        (lambda i: i["attributes"].append({"name": "custom:plan"}), "identity.attributes", "without custom:"),
        (lambda i: i["attributes"].append({"name": "x" * 21}), "identity.attributes", "CustomAttributeNameType"),
        (lambda i: i["attributes"].append({"name": "plan", "required": True}), "identity.attributes",
         "only standard attributes can be required"),
        (lambda i: i["passwordPolicy"].update(minimumLength=5), "identity.passwordPolicy.minimumLength", "6"),
        (lambda i: i["email"].update(domain="other.example.org"), "identity.email.domain", "not one of email.domains"),
        (lambda i: i["email"].update(configurationSet="marketing"), "identity.email.configurationSet",
         "not one of email.configurationSets"),
        (lambda i: i.update(customDomain={"certificateArn": "arn:aws:acm:us-west-2:123456789012:certificate/ab-1"}),
         "identity.customDomain.certificateArn", "us-east-1"),
        (lambda i: i.update(colour="blue"), "identity.colour", "unknown key"),
    ],
)  # fmt: skip
def test_a_bad_identity_section_is_refused_in_one_line_naming_the_key(identity_copy, change, key, says):
    identity_copy.shared(lambda d: change(d["identity"]))
    identity_copy.assert_refused(f"pair.yaml {key}", says)


def test_identity_needs_the_pairs_email_and_per_region_dkim(identity_copy):
    identity_copy.shared(lambda d: d.pop("email") and d.pop("signals"))
    identity_copy.assert_refused("pair.yaml identity", "needs email")


def test_identity_with_deed_is_refused_with_the_reason(identity_copy):
    identity_copy.shared(lambda d: d["email"].update(dkimMode="deed"))
    identity_copy.assert_refused("pair.yaml identity", "dkimMode: per-region")


def test_the_variant_loads_with_its_defaults(identity_copy):
    identity = identity_copy.load().shared.identity
    assert identity.failover_sign_in.value == "email-otp"
    assert identity.feature_plan.value == "ESSENTIALS"
    assert [a.cognito_name for a in identity.attributes] == ["email", "given_name", "custom:tenant"]


# ------------------------------------------------------------------------------------------ constraints
@pytest.mark.parametrize(
    ("token", "inputs", "says"),
    [
        (POOL, {"name": "a" * 129}, "does not match"),
        (POOL, {"name": "p", "userPoolTier": "FREE"}, "is not one of"),
        (POOL, {"name": "p", "passwordPolicy": {"minimumLength": 100}}, "6-99"),
        (POOL, {"name": "p", "signInPolicy": {"allowedFirstAuthFactors": ["SOFTWARE_TOKEN"]}}, "is not one of"),
        (POOL, {"name": "p", "region": "us-east-1", "emailConfiguration": {"emailSendingAccount": "DEVELOPER"}},
         "needs sourceArn"),
        (POOL, {"name": "p", "region": "us-east-1", "emailConfiguration": {
            "emailSendingAccount": "DEVELOPER", "sourceArn": "arn:aws:ses:us-west-2:123456789012:identity/a.com"}},
         "not the pool's region us-east-1"),
        (POOL, {"name": "p", "userPoolTier": "LITE", "signInPolicy": {"allowedFirstAuthFactors": ["EMAIL_OTP"]}},
         "ESSENTIALS or PLUS"),
        (POOL, {"name": "p", "userPoolTier": "ESSENTIALS", "signInPolicy": {"allowedFirstAuthFactors": ["EMAIL_OTP"]},
                "emailConfiguration": {"emailSendingAccount": "COGNITO_DEFAULT"}}, "EMAIL_OTP needs"),
        (POOL, {"name": "p", "mfaConfiguration": "ON"}, "needs a software token"),
        (CLIENT, {"name": "c", "callbackUrls": ["http://example.com/cb"], "allowedOauthFlowsUserPoolClient": True},
         "requires https"),
        (CLIENT, {"name": "c", "callbackUrls": ["https://example.com/cb"]}, "allowedOauthFlowsUserPoolClient"),
        (CLIENT, {"name": "c", "explicitAuthFlows": ["ALLOW_MAGIC"]}, "is not one of"),
        (CLIENT, {"name": "c", "authSessionValidity": 30}, "3-15"),
        (DOMAIN, {"domain": "aws-login", "userPoolId": "p"}, "contains 'aws'"),
        (DOMAIN, {"domain": "auth.example.com", "userPoolId": "p",
                  "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/x"}, "us-east-1"),
    ],
)  # fmt: skip
def test_the_mock_refuses_what_cognito_refuses(token, inputs, says):
    with pytest.raises(ConstraintViolation) as err:
        CloudMocks().new_resource(pmocks.MockResourceArgs(token, "r", inputs, custom=True))
    assert says in str(err.value)
    assert "source:" in str(err.value)


def test_the_compared_inputs_are_the_providers():
    """Deny by default covers every input pulumi-aws accepts: a provider upgrade that adds one fails here."""
    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(p.title() for p in rest)

    for args, listed in ((aws.cognito.UserPoolArgs, model.POOL_INPUTS), (aws.cognito.UserPoolClientArgs,
                         model.CLIENT_INPUTS), (aws.cognito.UserPoolDomainArgs, model.DOMAIN_INPUTS)):  # fmt: skip
        params = [camel(p) for p in inspect.signature(args.__init__).parameters if p != "__self__"]
        assert sorted(params) == sorted(listed), args.__name__
    assert model.ORIGIN_SUB == user_shadow.ORIGIN_SUB


# ------------------------------------------------------------------------------------------ the program
def test_each_region_has_its_pool_clients_and_domain(runs):
    for stack, region, peer in (("primary", "us-east-1", "us-west-2"), ("secondary", "us-west-2", "us-east-1")):
        run = runs[(stack, False)]
        pool = run.one(POOL, "identity-pool")
        assert pool.region == region, pool.urn
        assert pool.inputs["name"] == f"notify-users-{region}", pool.urn
        assert pool.inputs["userPoolTier"] == "ESSENTIALS"
        assert pool.inputs["signInPolicy"] == {"allowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}
        email = pool.inputs["emailConfiguration"]
        assert email["emailSendingAccount"] == "DEVELOPER"
        assert email["sourceArn"] == f"arn:aws:ses:{region}:123456789012:identity/example.com", pool.urn
        assert email["fromEmailAddress"] == "Notify <no-reply@example.com>"
        assert email["configurationSet"] == "notify-transactional"
        assert pool.inputs["deletionProtection"] == "ACTIVE"
        assert {s["name"] for s in pool.inputs["schemas"]} == {"email", "given_name", "tenant", "origin_sub"}
        web = run.one(CLIENT, "client-web")
        assert web.inputs["callbackUrls"] == ["https://app.example.com/auth/callback",
                                              "http://localhost:3000/auth/callback"]  # fmt: skip
        assert "ALLOW_USER_AUTH" in web.inputs["explicitAuthFlows"]
        ops = run.one(CLIENT, "client-ops")
        assert ops.inputs["explicitAuthFlows"] == ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        domain = run.one(DOMAIN, "identity-domain")
        assert domain.inputs["domain"] == f"notify-login-{region}", domain.urn
        shadow = run.one("aws:lambda/function:Function", "identity-shadow")
        assert shadow.region == region
        assert shadow.inputs["environment"]["variables"]["PEER_POOL_NAME"] == f"notify-users-{peer}"
        assert pool.inputs["lambdaConfig"]["postConfirmation"] == shadow.outputs["arn"]
        exported = run.outputs["identity"]
        assert exported["poolId"].startswith(region + "_")
        assert [c["name"] for c in exported["clients"]] == ["web"]


def test_the_primary_publishes_both_pools_in_the_app_state_table(runs):
    import json

    primary, secondary = runs[("primary", False)], runs[("secondary", False)]
    item = json.loads(primary.one(ITEM, "identity-directory").inputs["item"])
    assert item["AppId"] == {"S": "notify#identity"}
    pools = item["pools"]["M"]
    assert pools["us-east-1"]["M"]["poolId"]["S"] == primary.outputs["identity"]["poolId"]
    assert pools["us-west-2"]["M"]["poolId"]["S"] == secondary.outputs["identity"]["poolId"]
    web = secondary.outputs["identity"]["clients"][0]["clientId"]
    assert pools["us-west-2"]["M"]["clients"]["M"]["web"]["S"] == web
    assert secondary.by_type(ITEM) == [] or all("identity" not in r.name for r in secondary.by_type(ITEM))


@pytest.mark.parametrize("preview", MODES)
def test_the_variant_passes_regionpair_check(variant, preview):
    reports = run_check(variant, ["secondary", "primary"], preview=preview)
    for report in reports:
        assert report.mandatory == [], (report.stack, [(d.policy, d.message) for d in report.mandatory])


def test_a_pair_without_identity_registers_no_pool(pair_run):
    for run in (pair_run.primary, pair_run.secondary):
        assert run.by_type(POOL) == []
        assert "identity" not in run.outputs


# ------------------------------------------------------------------------------------------ the policies
def _pool(run: StackRun) -> Recorded:
    return run.one(POOL, "identity-pool")


def _web(run: StackRun) -> Recorded:
    return run.one(CLIENT, "client-web")


@pytest.mark.parametrize("preview", MODES)
def test_the_correct_pair_passes_every_identity_policy(runs, packs, preview):
    for stack in ("secondary", "primary"):
        found = [d for d in judged(packs[preview], runs[(stack, preview)]) if d.policy in POLICIES]
        assert found == [], [(d.policy, d.message) for d in found]


@pytest.mark.parametrize("preview", MODES)
def test_pool_parity_catches_a_primary_pool_unlike_the_deployed_secondary(runs, packs, preview):
    # The declaration says 12; a hand edit (or a drifted program) makes the primary's pool accept 8.
    broken, urn = edit(runs[("primary", preview)], _pool, lambda p: p["passwordPolicy"].update(minimumLength=8))
    caught(packs[preview], broken, "cognito-pool-parity", urn, "passwordPolicy.minimumLength: 8")


@pytest.mark.parametrize("preview", MODES)
def test_pool_parity_catches_an_input_the_declaration_does_not_set(runs, packs, preview):
    """Deny by default: an input only one pool has (here a verification subject) is a difference too."""
    broken, urn = edit(runs[("primary", preview)], _pool, lambda p: p.update(emailVerificationSubject="Hi"))
    caught(packs[preview], broken, "cognito-pool-parity", urn, "emailVerificationSubject: 'Hi' != None")


@pytest.mark.parametrize("preview", MODES)
def test_pool_parity_catches_a_secondary_pool_unlike_the_declaration(runs, packs, preview):
    broken, urn = edit(runs[("secondary", preview)], _pool,
                       lambda p: p["signInPolicy"].update(allowedFirstAuthFactors=["PASSWORD"]))  # fmt: skip
    caught(packs[preview], broken, "cognito-pool-parity", urn, "signInPolicy.allowedFirstAuthFactors")


@pytest.mark.parametrize("preview", MODES)
def test_client_parity_catches_other_callback_urls(runs, packs, preview):
    broken, urn = edit(runs[("primary", preview)], _web,
                       lambda p: p.update(callbackUrls=["https://app.example.com/auth/callback"]))  # fmt: skip
    caught(packs[preview], broken, "cognito-client-parity", urn, "callbackUrls")


@pytest.mark.parametrize("preview", MODES)
def test_client_parity_catches_a_missing_client(runs, packs, preview):
    broken = copy.deepcopy(runs[("secondary", preview)])
    broken.resources = [r for r in broken.resources if "client-web" not in r.name]
    pool_urn = _pool(broken).urn
    caught(packs[preview], broken, "cognito-client-parity", pool_urn, "has app clients ['notify-regionpair-ops']")


@pytest.mark.parametrize("preview", MODES)
def test_trigger_parity_catches_a_pool_without_its_trigger(runs, packs, preview):
    broken, urn = edit(runs[("primary", preview)], _pool, lambda p: p.pop("lambdaConfig"))
    caught(packs[preview], broken, "cognito-trigger-parity", urn, "has triggers []")


@pytest.mark.parametrize("preview", MODES)
def test_trigger_parity_catches_a_trigger_in_the_other_region(runs, packs, preview):
    other = "arn:aws:lambda:us-west-2:123456789012:function:notify-user-shadow-us-west-2"
    broken, urn = edit(runs[("primary", preview)], _pool, lambda p: p["lambdaConfig"].update(postConfirmation=other))
    caught(packs[preview], broken, "cognito-trigger-parity", urn, "calls a function in us-west-2")


@pytest.mark.parametrize("preview", MODES)
def test_email_policy_catches_a_pool_sending_from_the_other_regions_ses(runs, packs, preview):
    other = "arn:aws:ses:us-west-2:123456789012:identity/example.com"
    broken, urn = edit(runs[("primary", preview)], _pool,
                       lambda p: p["emailConfiguration"].update(sourceArn=other))  # fmt: skip
    caught(packs[preview], broken, "cognito-email-regional-ses", urn, "must send from the SES identity example.com")


@pytest.mark.parametrize("preview", MODES)
def test_email_policy_catches_cognitos_own_sender(runs, packs, preview):
    broken, urn = edit(runs[("secondary", preview)], _pool,
                       lambda p: p.update(emailConfiguration={"emailSendingAccount": "COGNITO_DEFAULT"}))  # fmt: skip
    caught(packs[preview], broken, "cognito-email-regional-ses", urn, "sends with COGNITO_DEFAULT")


def test_the_docs_list_every_identity_policy():
    doc = (ROOT / "docs" / "policies.md").read_text()
    for name in POLICIES:
        assert f"`{name}`" in doc, name
    data = yaml.safe_load(VARIANT.read_text())
    assert "identity" in data
