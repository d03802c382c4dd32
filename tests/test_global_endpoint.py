"""SES Global endpoints with DEED replicas, end to end: the example variant (docs/examples/pair-global-endpoint.yaml)
runs as both stacks under the mock runtime and passes `regionpair check` in preview and update; each new policy is
broken on purpose and caught through the pack (analyzer protocol, as `pulumi preview`/`up` drive it), in preview
and in update, with the URN of the resource at fault.

The replicas are dynamic resources (`pulumi-python:dynamic:Resource`, kind `sesv2:DeedEmailIdentity`); the mock
cloud answers them as CreateEmailIdentity answers a replica (the parent's tokens) and refuses what the constraint
table refuses. The provider itself is tested against the SES model in tests/test_deed_identity.py.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.check import run_check
from regionpair.components import constraints
from regionpair.components.declaration import DeclarationError
from regionpair.mockcloud import CloudMocks, ConstraintViolation
from regionpair.simulate import Recorded, StackRun, simulate_stack
from tests.conftest import ROOT, PairCopy
from tests.peer_manifest import edit_peer

VARIANT = ROOT / "docs" / "examples" / "pair-global-endpoint.yaml"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
RECORD = "aws:route53/record:Record"
SPANS, ORIGIN = "ses-global-endpoint-spans-pair", "ses-deed-replica-origin"
PARITY = "ses-global-endpoint-identity-parity"
NEW = {SPANS, ORIGIN, PARITY}
DOMAINS = ["example.com", "notify.example.com"]
MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("global-endpoint")
    shutil.copy(VARIANT, where / "pair.yaml")
    for name in ("Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        shutil.copy(ROOT / name, where / name)
    return where


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


def one(run: StackRun, token: str, name: str = "") -> Recorded:
    return run.one(token, name)


def edit(run: StackRun, pick: Callable[[StackRun], Recorded], change: Callable[[dict], None]) -> tuple[StackRun, str]:
    """A copy of `run` with `change` applied to one resource's inputs and outputs; (copy, its URN)."""
    out = copy.deepcopy(run)
    target = pick(out)
    for props in (target.inputs, target.outputs):
        change(props)
    return out, target.urn


# ------------------------------------------------------------------------------------------ declaration
def test_multi_region_endpoint_needs_deed_named_in_one_line(pair_copy: PairCopy):
    pair_copy.shared(lambda d: d["email"].update({"multiRegionEndpoint": True}))
    pair_copy.assert_refused("pair.yaml email.multiRegionEndpoint", "needs email.dkimMode: deed")


def test_deed_and_the_endpoint_are_accepted(pair_copy: PairCopy):
    pair_copy.shared(lambda d: d["email"].update({"multiRegionEndpoint": True, "dkimMode": "deed"}))
    email = pair_copy.load().shared.email
    assert (email.dkim_mode.value, email.multi_region_endpoint) == ("deed", True)


def test_deed_outside_its_regions_is_refused_naming_the_stack_key(pair_copy: PairCopy):
    from regionpair.components.rules import check_deed_regions

    pair_copy.shared(lambda d: d["email"].update({"dkimMode": "deed"}))
    pair = pair_copy.load()
    # ap-east-2 offers SES but is not an AWS_SES_<REGION> signing origin in botocore's model.
    moved = pair.model_copy(update={"secondary": pair.secondary.model_copy(update={"region": "ap-east-2"})})
    keys = {role: f"Pulumi.{role.value}.yaml regionpair" for role in (pair.this_role, pair.this_role.peer)}
    with pytest.raises(DeclarationError) as err:
        check_deed_regions(moved, keys)
    assert err.value.key == "Pulumi.secondary.yaml regionpair:region", err.value.key
    assert "Deterministic Easy DKIM, which is not offered in ap-east-2" in err.value.message


def test_deed_without_the_endpoint_is_a_valid_pair(tmp_path):
    """DEED alone (one set of DKIM records, client-side splitting) deploys and passes the pack."""
    pair = PairCopy(tmp_path).shared(lambda d: d["email"].update({"dkimMode": "deed"}))
    reports = run_check(pair.path, ["secondary", "primary"])
    for report in reports:
        assert report.mandatory == [], (report.stack, [(d.policy, d.message) for d in report.mandatory])


# ------------------------------------------------------------------------------------------ the variant
@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_the_variant_passes_regionpair_check(variant, preview):
    reports = run_check(variant, ["secondary", "primary"], preview=preview)
    for report in reports:
        assert report.mandatory == [], (report.stack, [(d.policy, d.message) for d in report.mandatory])


def test_the_secondary_owns_no_identity_and_keeps_its_mail_from_dns(runs):
    secondary = runs[("secondary", False)]
    assert secondary.by_type(IDENTITY) == []
    assert [r for r in secondary.by_type(constraints.DYNAMIC) if r.inputs.get("kind") == constraints.DEED_KIND] == []
    assert secondary.by_type(constraints.MRE) == []
    records = secondary.by_type(RECORD)
    assert not [r for r in records if r.inputs["type"] == "CNAME"], "DKIM records are the parent's only"
    mx = {r.inputs["name"] for r in records if r.inputs["type"] == "MX"}
    assert mx == {f"bounce-us-west-2.{d}" for d in DOMAINS}
    assert secondary.outputs["parityManifest"]["email"]["domains"] == []


def test_the_primary_owns_parents_replicas_and_the_endpoint(runs):
    primary = runs[("primary", False)]
    parents = {r.inputs["emailIdentity"]: r for r in primary.by_type(IDENTITY)}
    assert sorted(parents) == DOMAINS
    assert {r.region for r in parents.values()} == {"us-east-1"}
    for domain, parent in parents.items():
        cnames = [r for r in primary.by_type(RECORD) if r.inputs["type"] == "CNAME" and parent.urn in r.dependencies]
        assert len(cnames) == 3, parent.urn
        replica = one(primary, constraints.DYNAMIC, f"email-{domain.replace('.', '-')}-replica")
        assert replica.region == "us-west-2", replica.urn
        assert replica.inputs["kind"] == constraints.DEED_KIND
        assert replica.inputs["signingAttributesOrigin"] == "AWS_SES_US_EAST_1", replica.urn
        assert replica.inputs["configurationSetName"] == "notify-transactional", replica.urn
        assert parent.urn in replica.dependencies, "the replica must be deleted before its parent"
        # DEED: the replica reports its parent's tokens (no DNS records of its own)
        assert replica.outputs["dkimTokens"] == parent.outputs["dkimSigningAttributes"]["tokens"], replica.urn
        mail_from = [m for m in primary.by_type(MAIL_FROM) if replica.urn in m.dependencies]
        want = [("us-west-2", f"bounce-us-west-2.{domain}")]
        assert [(m.region, m.inputs["mailFromDomain"]) for m in mail_from] == want, replica.urn
    endpoint = one(primary, constraints.MRE)
    assert endpoint.region == "us-east-1"
    assert endpoint.inputs["details"] == {"routesDetails": {"region": "us-west-2"}}
    assert endpoint.inputs["endpointName"] == "notify-email-global"
    replicas = {r.urn for r in primary.by_type(constraints.DYNAMIC) if r.inputs.get("kind") == constraints.DEED_KIND}
    assert replicas <= set(endpoint.dependencies)
    exported = primary.outputs["parityManifest"]["email"]["multiRegionEndpoint"]
    assert exported == {"name": "notify-email-global", "endpointId": endpoint.outputs["endpointId"],
                        "region": "us-east-1", "regions": ["us-east-1", "us-west-2"]}  # fmt: skip


@pytest.mark.parametrize("preview", MODES)
def test_the_correct_pair_passes_every_new_policy(runs, packs, preview):
    for stack in ("secondary", "primary"):
        found = [d for d in judged(packs[preview], runs[(stack, preview)]) if d.policy in NEW]
        assert found == [], [(d.policy, d.message) for d in found]


# ------------------------------------------------------------------------------------------ breaks
def _replica(run: StackRun) -> Recorded:
    return run.one(constraints.DYNAMIC, "notify-email-example-com-replica")


def _endpoint(run: StackRun) -> Recorded:
    return run.one(constraints.MRE)


def _parent(run: StackRun) -> Recorded:
    return run.one(IDENTITY, "notify-email-example-com")


def _route_elsewhere(p: dict) -> None:
    p["details"] = {"routesDetails": {"region": "eu-west-1"}}


BREAKS = [
    pytest.param(_endpoint, _route_elsewhere, SPANS, "routes to eu-west-1, not to the secondary region us-west-2",
                 id="endpoint-routes-outside-the-pair"),
    pytest.param(_endpoint, lambda p: p.update(region="us-west-2", details={"routesDetails": {"region": "us-east-1"}}),
                 SPANS, "created in us-west-2, not in the primary region us-east-1", id="endpoint-in-the-secondary"),
    pytest.param(_replica, lambda p: p.update(signingAttributesOrigin="AWS_SES_US_EAST_2"), ORIGIN,
                 "signing origin AWS_SES_US_EAST_2; it must replicate the parent in the primary region: "
                 "AWS_SES_US_EAST_1", id="replica-of-another-region"),
    pytest.param(_parent, lambda p: p["dkimSigningAttributes"].update(domainSigningSelector="sel",
                                                                     domainSigningPrivateKey="a2V5"),
                 ORIGIN, "uses Bring Your Own DKIM", id="parent-without-easy-dkim"),
    pytest.param(_replica, lambda p: p.update(configurationSetName="notify-bulk"), PARITY,
                 "default configuration set notify-bulk, its parent with notify-transactional",
                 id="replica-with-another-set"),
]  # fmt: skip


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("pick", "change", "policy", "says"), BREAKS)
def test_each_break_is_caught_with_its_urn(runs, packs, preview, pick, change, policy, says):
    broken, urn = edit(runs[("primary", preview)], pick, change)
    caught = [d for d in judged(packs[preview], broken) if d.policy == policy]
    assert [d.urn for d in caught if says in d.message] == [urn], [(d.policy, d.urn, d.message) for d in caught]


def _without(run: StackRun, match: Callable[[Recorded], bool]) -> StackRun:
    out = copy.deepcopy(run)
    out.resources = [r for r in out.resources if not match(r)]
    return out


@pytest.mark.parametrize("preview", MODES)
def test_a_missing_endpoint_or_replica_is_caught(runs, packs, preview):
    primary = runs[("primary", preview)]
    no_endpoint = _without(primary, lambda r: r.type == constraints.MRE)
    caught = {d.policy: d.message for d in judged(packs[preview], no_endpoint) if d.policy in NEW}
    assert "must register exactly one SES multi-region endpoint, it registers 0" in caught.get(SPANS, ""), caught
    no_replica = _without(primary, lambda r: r.name.startswith("notify-email-notify-example-com-replica"))
    caught = {(d.policy, d.message) for d in judged(packs[preview], no_replica) if d.policy in NEW}
    assert any(p == ORIGIN and "notify.example.com has no DEED replica in the secondary region" in m
               for p, m in caught), caught  # fmt: skip
    assert any(p == PARITY and "us-west-2 has identities ['example.com']" in m for p, m in caught), caught


@pytest.mark.parametrize("preview", MODES)
def test_a_replica_that_does_not_depend_on_its_parent_is_caught(runs, packs, preview):
    broken = copy.deepcopy(runs[("primary", preview)])
    replica, parent = _replica(broken), _parent(broken)
    replica.dependencies = [d for d in replica.dependencies if d != parent.urn]
    caught = [d for d in judged(packs[preview], broken) if d.policy == ORIGIN]
    assert [d.urn for d in caught if "does not depend on its parent" in d.message] == [replica.urn], caught


@pytest.mark.parametrize("preview", MODES)
def test_an_endpoint_in_the_secondary_stack_is_caught(runs, packs, preview):
    secondary = copy.deepcopy(runs[("secondary", preview)])
    endpoint = copy.deepcopy(_endpoint(runs[("primary", preview)]))
    endpoint.urn = endpoint.urn.replace("urn:pulumi:primary::", "urn:pulumi:secondary::")
    endpoint.dependencies = []
    secondary.resources.append(endpoint)
    caught = [d for d in judged(packs[preview], secondary) if d.policy == SPANS]
    assert [d.urn for d in caught] == [endpoint.urn], caught
    assert "the primary owns it" in caught[0].message


@pytest.mark.parametrize("preview", MODES)
def test_an_own_identity_in_the_secondary_is_caught(runs, packs, preview):
    """With DEED the secondary's identity is the primary's replica: one of its own would collide with it."""
    secondary = copy.deepcopy(runs[("secondary", preview)])
    own = copy.deepcopy(_parent(runs[("primary", preview)]))
    own.urn = own.urn.replace("urn:pulumi:primary::", "urn:pulumi:secondary::")
    for props in (own.inputs, own.outputs):
        props["region"] = "us-west-2"
    secondary.resources.append(own)
    caught = [d for d in judged(packs[preview], secondary) if d.policy == ORIGIN]
    assert [d.urn for d in caught] == [own.urn], caught


@pytest.mark.parametrize("preview", MODES)
def test_switching_to_deed_before_the_secondary_is_redeployed_is_refused_up_front(variant, packs, preview):
    """Day 2: a secondary deployed with per-region identities; the primary's preview says what to run first."""
    per_region = simulate_stack("secondary", config_dir=ROOT).outputs
    primary = simulate_stack("primary", config_dir=variant, peer_outputs={"secondary": per_region}, preview=preview)
    caught = [d for d in judged(packs[preview], primary) if d.policy == ORIGIN]
    assert len(caught) == 1, [(d.policy, d.message) for d in caught]
    assert "still owns its own SES identity for example.com, notify.example.com" in caught[0].message
    assert "deploy the secondary first: pulumi up -s secondary" in caught[0].message


@pytest.mark.parametrize("preview", MODES)
def test_a_deployed_secondary_without_the_sets_is_caught(runs, packs, deployed, preview):
    primary = copy.deepcopy(runs[("primary", preview)])
    root = primary.one("regionpair:index:RegionPairHalf")
    for props in (root.inputs, root.outputs):
        edit_peer(props, lambda m: m["email"].update(configurationSets=[]))
    caught = [d.message for d in judged(packs[preview], primary) if d.policy == PARITY]
    assert any("the deployed secondary (us-west-2) has configuration sets []" in m for m in caught), caught


@pytest.mark.parametrize("preview", MODES)
def test_the_existing_parity_policy_reads_replicas_as_the_secondarys_identities(runs, packs, preview):
    """A replica without its MAIL FROM in the secondary region is an ses-identity-parity finding, deed or not."""
    primary = _without(runs[("primary", preview)], lambda r: r.name == "notify-email-example-com-replica-mail-from")
    caught = [d.message for d in judged(packs[preview], primary) if d.policy == "ses-identity-parity"]
    assert any("example.com has no custom MAIL FROM in us-west-2" in m for m in caught), caught


# ------------------------------------------------------------------------------------------ constraints
def test_the_mock_refuses_a_replica_of_its_own_region_and_an_endpoint_without_a_route():
    from tests.test_constraints import register

    with pytest.raises(ConstraintViolation, match="cannot replicate a parent in its own region"):
        register(CloudMocks(), constraints.DYNAMIC, {"kind": constraints.DEED_KIND, "emailIdentity": "example.com",
                                                     "region": "us-east-1",
                                                     "signingAttributesOrigin": "AWS_SES_US_EAST_1"})  # fmt: skip
    with pytest.raises(ConstraintViolation, match="is not one of"):
        register(CloudMocks(), constraints.DYNAMIC, {"kind": constraints.DEED_KIND, "emailIdentity": "example.com",
                                                     "region": "us-west-2", "signingAttributesOrigin": "AWS_SES"})
    with pytest.raises(ConstraintViolation, match=r"needs details\.routesDetails\.region"):
        register(CloudMocks(), constraints.MRE, {"endpointName": "notify-email-global", "region": "us-east-1"})
    with pytest.raises(ConstraintViolation, match="the region it is created in"):
        register(CloudMocks(), constraints.MRE, {"endpointName": "e", "region": "us-east-1",
                                                 "details": {"routesDetails": {"region": "us-east-1"}}})  # fmt: skip


def test_the_variant_differs_from_the_example_only_in_email_and_strategy():
    example, variant = (yaml.safe_load(p.read_text()) for p in (ROOT / "pair.yaml", VARIANT))
    assert variant["email"]["dkimMode"] == "deed"
    assert variant["email"]["multiRegionEndpoint"] is True
    assert variant["strategy"] == "active-active"
    for doc in (example, variant):
        doc["email"].pop("dkimMode")
        doc["email"].pop("multiRegionEndpoint")
        doc.pop("strategy")
    assert variant == example
