"""The gate judges in preview, from what is really registered, against what is really deployed.

A secondary deployed from an older pair.yaml is made by running the secondary of an edited copy of the pair
(as `pulumi up -s secondary` would have exported it); the primary of today's checkout then runs against those
outputs, as a preview and as an update, and the pack is driven over the analyzer protocol with the engine's
unknown sentinel, as `pulumi preview`/`up` drive it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import ROOT

ROOT_TYPE = "regionpair:index:RegionPairHalf"
DEPLOY_FIRST = "deploy the secondary first: pulumi up -s secondary"
IN_ORDER = "failover does not work until both halves are deployed in order"
MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("secondary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


@pytest.fixture(scope="module")
def deployed() -> dict:
    """Today's secondary as deployed: its outputs after an update."""
    return simulate_stack("secondary", config_dir=ROOT).outputs


def verdicts(pack: PolicyPackProcess, run: StackRun, config: dict | None = None) -> list[Diagnostic]:
    pack.configure(config or {})
    return [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)


def mandatory(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.level == "mandatory" and not d.undecided]


def run(stack: str, preview: bool, peer: dict) -> StackRun:
    return simulate_stack(stack, config_dir=ROOT, peer_outputs={"secondary": peer}, preview=preview)


# ------------------------------------------------------------------------------------------ example pair
@pytest.mark.parametrize("preview", MODES)
def test_example_pair_is_clean_and_unknowns_are_never_mandatory(packs, deployed, preview):
    for stack in ("secondary", "primary"):
        diags = verdicts(packs[preview], run(stack, preview, deployed))
        assert mandatory(diags) == [], [(d.policy, d.message) for d in diags]
        if preview:  # only what AWS computes stays undecided, never a whole parity policy
            decided = [d for d in diags if not d.undecided and d.policy != "sms-number-pending"]
            assert decided == [], [(d.policy, d.message) for d in decided]
            parity = {"ses-identity-parity", "s3-bucket-replication-parity", "apigateway-api-parity",
                      "route53-stop-routing-parity", "pair-manifest-matches-resources", "pair-deploy-order"}
            assert not parity & {d.policy for d in diags}, [(d.policy, d.message) for d in diags]
        else:  # the example's toll-free numbers are pending registration: reported, never counted
            assert {d.policy for d in diags} <= {"sms-number-pending"}, [(d.policy, d.message) for d in diags]


# ------------------------------------------------------------------------------------------ five drifts
def _fewer_numbers(pair) -> None:
    pair.stack("secondary", lambda c: c.pop("regionpair:requestedNumbers"))
    pair.shared(lambda d: d["sms"]["countries"]["US"].update(minimumNumbers=1, failoverVolumeMps=1))


def _shared(change: Callable[[dict], None]) -> Callable[..., None]:
    return lambda pair: pair.shared(change)


DRIFTS = [
    pytest.param(_shared(lambda d: d["email"]["domains"].pop()), "pair-deploy-order",
                 "declares notify.example.com but the deployed secondary (us-west-2) has no SES identity",
                 id="one-domain-fewer"),
    pytest.param(_shared(lambda d: d["email"].update(configurationSets=[])), "pair-deploy-order",
                 "declares configuration sets ['notify-transactional'] that the deployed secondary",
                 id="no-config-set"),
    pytest.param(_fewer_numbers, "pair-deploy-order", "requests 1 TOLL_FREE number(s) for US; the deployed "
                 "secondary (us-west-2) holds 0", id="one-sms-number-fewer"),
    pytest.param(_shared(lambda d: d["api"]["lambda"].update(runtime="python3.11")), "pair-deploy-order",
                 "the deployed secondary (us-west-2) runs {'runtime': 'python3.11'}", id="other-lambda-runtime"),
    pytest.param(_shared(lambda d: d["routing"]["stop"].update(namespace="OldStop")), "route53-stop-contract",
                 "STOP alarm has {'namespace': 'OldStop'}", id="other-stop-namespace"),
]  # fmt: skip


@pytest.fixture(scope="module")
def older_secondaries(tmp_path_factory) -> dict[str, dict]:
    """Outputs of secondaries deployed from older pair.yaml files, one per drift."""
    from tests.conftest import PairCopy

    out = {}
    for param in DRIFTS:
        change = param.values[0]
        pair = PairCopy(tmp_path_factory.mktemp(param.id))
        change(pair)
        out[param.id] = simulate_stack("secondary", config_dir=pair.path).outputs
    return out


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("change", "policy", "fragment"), DRIFTS)
def test_drift_of_the_deployed_secondary_is_caught(packs, older_secondaries, preview, change, policy, fragment):
    drift = next(p.id for p in DRIFTS if p.values[0] is change)
    primary = run("primary", preview, older_secondaries[drift])
    root = primary.one(ROOT_TYPE)
    diags = [d for d in verdicts(packs[preview], primary) if d.policy == policy]
    assert any(fragment in d.message for d in diags), [d.message for d in diags]
    caught = next(d for d in diags if fragment in d.message)
    assert caught.level == "mandatory", caught
    assert caught.urn == root.urn, (caught, root.urn)
    assert DEPLOY_FIRST in caught.message or IN_ORDER in caught.message


@pytest.mark.parametrize("preview", MODES)
def test_ordering_is_advisory_under_the_pull_request_config(packs, older_secondaries, preview):
    pr = json.loads((ROOT / ".ci" / "pull-request-policy.json").read_text())
    expected = {"other-stop-namespace": "route53-stop-contract"}
    for drift in ("one-domain-fewer", "no-config-set", "one-sms-number-fewer", "other-lambda-runtime",
                  "other-stop-namespace"):  # fmt: skip
        diags = verdicts(packs[preview], run("primary", preview, older_secondaries[drift]), pr)
        assert mandatory(diags) == [], (drift, [(d.policy, d.message) for d in mandatory(diags)])
        policy = expected.get(drift, "pair-deploy-order")
        assert any(d.policy == policy and d.level == "advisory" for d in diags), drift


# ------------------------------------------------------------------------------------- five mutations
def _drop(token: str, name: str) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        target = next(x for x in r.resources if x.type == token and name in x.name)
        r.resources.remove(target)
        return r.one(ROOT_TYPE).urn

    return mutate


def _edit(token: str, name: str, change: Callable[[dict], None]) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        target = next(x for x in r.resources if x.type == token and name in x.name)
        for props in (target.inputs, target.outputs):
            change(props)
        return target.urn

    return mutate


def _suspend(props: dict) -> None:
    if "versioningConfiguration" in props:
        props["versioningConfiguration"]["status"] = "Suspended"


def _bucket_urn(mutate: Callable[[StackRun], str]) -> Callable[[StackRun], str]:
    def wrapped(r: StackRun) -> str:
        mutate(r)
        return r.one("aws:s3/bucket:Bucket").urn

    return wrapped


MUTATIONS = [
    pytest.param(("secondary", "primary"), _drop("aws:sesv2/emailIdentity:EmailIdentity", "notify-example-com"),
                 "pair-manifest-matches-resources", "pair.yaml builds email domain notify.example.com",
                 id="ses-identity-removed"),
    pytest.param(("primary",), _drop("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "assets-replication"),
                 "s3-bucket-replication-parity", "has no replication rule to notify-assets-us-west-2",
                 id="replication-removed"),
    pytest.param(("secondary", "primary"),
                 _bucket_urn(_edit("aws:s3/bucketVersioning:BucketVersioning", "", _suspend)),
                 "s3-bucket-guards", "has no versioning (status Suspended)", id="versioning-suspended"),
    pytest.param(("primary",), _edit("aws:route53/record:Record", "record-primary", lambda p: p.pop("healthCheckId")),
                 "route53-record-failover-pairs", "has no health check", id="primary-record-without-health-check"),
    pytest.param(("secondary", "primary"),
                 _edit("aws:lambda/function:Function", "api-function", lambda p: p.update(runtime="nodejs20.x")),
                 "pair-manifest-matches-resources", "its runtime is 'nodejs20.x', pair.yaml builds 'python3.12'",
                 id="lambda-runtime-not-as-claimed"),
]  # fmt: skip


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("stacks", "mutate", "policy", "fragment"), MUTATIONS)
def test_mutation_of_what_is_registered_is_caught(packs, deployed, preview, stacks, mutate, policy, fragment):
    for stack in stacks:
        broken = copy.deepcopy(run(stack, preview, deployed))
        urn = mutate(broken)
        diags = [d for d in verdicts(packs[preview], broken) if d.policy == policy and not d.undecided]
        assert any(fragment in d.message for d in diags), (stack, [d.message for d in diags])
        caught = next(d for d in diags if fragment in d.message)
        assert caught.level == "mandatory", (stack, caught)
        assert caught.urn == urn, (stack, caught, urn)


# ------------------------------------------------------------------------------------------ SMS contract
@pytest.mark.parametrize("preview", MODES)
def test_pending_numbers_are_reported_never_counted(packs, deployed, preview):
    """The example's toll-free numbers are pending: reported, not capacity; a first deploy is not blocked."""
    diags = verdicts(packs[preview], run("secondary", preview, deployed))
    assert not [d for d in mandatory(diags) if d.policy.startswith("sms-")], diags
    pending = [d for d in diags if d.policy == "sms-number-pending"]
    assert pending, diags
    assert all(d.level == "advisory" for d in pending)
    assert "holds 1 active pooled origination number(s) for US, fewer than 2" in pending[0].message
    assert "pending registration (TOLL_FREE" in pending[0].message
    # When the pending numbers cannot close the gap either, the minimum is mandatory.
    stricter = {"sms-number-minimum": {"minimumNumbers": 3}}
    diags = mandatory(verdicts(packs[preview], run("secondary", preview, deployed), stricter))
    assert any(d.policy == "sms-number-minimum" and "fewer than 3 (pending: 1)" in d.message for d in diags), diags


@pytest.mark.parametrize("preview", MODES)
def test_a_number_left_out_of_the_pool_is_no_capacity(packs, deployed, preview):
    broken = copy.deepcopy(run("secondary", preview, deployed))
    pool = broken.one("aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool")
    for props in (pool.inputs, pool.outputs):
        props["originationIdentities"] = []
    pool.property_dependencies["originationIdentities"] = []
    diags = mandatory(verdicts(packs[preview], broken))
    assert any(d.policy == "sms-number-minimum" and "holds 0 active pooled" in d.message for d in diags), diags
    claim = [d for d in diags if d.policy == "pair-manifest-matches-resources"]
    assert any("sms US pooled numbers" in d.message for d in claim), claim
