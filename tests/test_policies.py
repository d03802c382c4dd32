"""Every failure the policy pack claims to catch: a compliant pair passes, one deliberate break is caught.

Driven over the analyzer gRPC protocol, as the engine drives the pack (one pack process for the module).
Breaks are made either in the declaration (the program then builds a pair the pack must reject) or in the
recorded registrations (standing for a hand-edited program or a drifted peer), one at a time.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.mockcloud import CloudMocks
from regionpair.simulate import PairRun, StackRun, simulate_pair, simulate_stack
from tests.peer_manifest import edit_peer

PENDING = "sms-number-pending"

ROOT = "regionpair:index:RegionPairHalf"


@pytest.fixture(scope="module")
def pack():
    with PolicyPackProcess("check") as process:
        yield process


def verdicts(pack: PolicyPackProcess, run: StackRun, config: dict | None = None) -> list[Diagnostic]:
    pack.configure(config or {})
    found = [d for r in run.resources for d in pack.analyze(r)]
    return found + pack.analyze_stack(run.resources)


def edited(run: StackRun, token: str, name: str, change: Callable[[dict], None], *, where: str = "both") -> StackRun:
    """A copy of `run` with one registration's inputs/outputs changed by `change`."""
    clone = copy.deepcopy(run)
    target = next(r for r in clone.resources if r.type == token and name in r.name)
    for part in ("inputs", "outputs") if where == "both" else (where,):
        change(getattr(target, part))
    return clone


def only(diags: list[Diagnostic], policy: str) -> list[Diagnostic]:
    return [d for d in diags if d.policy == policy]


def test_example_pair_passes_every_policy(pack, pair_run: PairRun):
    info = pack.info()
    assert len(info.policies) >= 19
    for run in pair_run:
        diags = [d for d in verdicts(pack, run) if d.policy != PENDING]  # its toll-free numbers await registration
        assert diags == [], f"{run.stack}: {[(d.policy, d.message) for d in diags]}"


def _in(key: str, change: Callable[[dict], None]) -> Callable[[dict], None]:
    """Apply `change` to `props[key]` where the key is recorded (inputs, registered outputs or both)."""

    def apply(props: dict) -> None:
        if key in props:
            change(props[key])

    return apply


def _peer(change: Callable[[dict], None]) -> Callable[[dict], None]:
    def apply(props: dict) -> None:
        if "peerManifest" in props:
            edit_peer(props, change)

    return apply


def _own(change: Callable[[dict], None]) -> Callable[[dict], None]:
    return _in("manifest", change)


ROOT_BREAKS = [
    pytest.param(
        "pair-deploy-order", _peer(lambda m: m["email"]["domains"].pop()),
        "declares notify.example.com but the deployed secondary (us-west-2) has no SES identity",
        id="domain-missing-in-standby",
    ),
    pytest.param(
        "pair-deploy-order", _peer(lambda m: m["email"]["configurationSets"].clear()),
        "declares configuration sets ['notify-transactional']", id="configuration-sets-differ",
    ),
    pytest.param(
        "pair-manifest-matches-resources", _own(lambda m: m["buckets"][0]["replication"].clear()),
        "pair.yaml builds {'replication': []}", id="claim-without-replication",
    ),
    pytest.param(
        "pair-manifest-matches-resources", _own(lambda m: m["buckets"][0]["replication"][0].update(rtc=False)),
        "the resource bucket assets (", id="claim-without-rtc",
    ),
    pytest.param(
        "s3-bucket-replication-parity", _peer(lambda m: m["buckets"][0].update(versioning=False)),
        "is not versioned", id="replica-not-versioned",
    ),
    pytest.param(
        "pair-manifest-matches-resources", _own(lambda m: m["tables"][0].update(replicaRegions=[])),
        "pair.yaml builds {'replicaRegions': []}", id="claim-table-without-replica",
    ),
    pytest.param(
        "pair-deploy-order", _peer(lambda m: m["api"].update(memoryMb=512)),
        "the deployed secondary (us-west-2) runs {'memoryMb': 512}", id="lambda-memory-differs",
    ),
    pytest.param(
        "route53-stop-routing-parity", _peer(lambda m: m["routing"]["alarm"].update(region="us-east-1")),
        "not in the standby region us-west-2", id="alarm-in-primary-region",
    ),
    pytest.param(
        "pair-manifest-matches-resources", _own(lambda m: m["routing"]["healthCheck"].update(alarmName="other")),
        "pair.yaml builds {'alarmName': 'other'}", id="claim-health-check-on-other-alarm",
    ),
    pytest.param(
        "pair-rto-budget", _in("declaration", lambda d: d["objectives"].update(rtoSeconds=100)),
        "60 s period x 1 evaluation period(s) + 30 s health check + 60 s TTL = 150 s exceeds", id="rto-over-budget",
    ),
]


@pytest.mark.parametrize(("policy", "change", "fragment"), ROOT_BREAKS)
def test_parity_break_is_caught_in_the_primary(pack, primary, policy, change, fragment):
    diags = only(verdicts(pack, edited(primary, ROOT, "notify", change)), policy)
    assert diags, f"{policy} did not fire"
    assert any(fragment in d.message for d in diags), [d.message for d in diags]
    assert all(d.level == "mandatory" for d in diags)


RESOURCE_BREAKS = [
    pytest.param(
        "s3-replication-rule-complete", "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "assets-replication",
        lambda p: p["rules"][0]["deleteMarkerReplication"].update(status="Disabled"),
        "does not replicate delete markers", id="delete-markers-off",
    ),
    pytest.param(
        "pair-rpo-budget", "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "assets-replication",
        lambda p: p["rules"][0]["destination"].pop("replicationTime"),
        "RPO unbounded", id="rpo-unbounded",
    ),
    pytest.param(
        "dynamodb-table-global-replica", "aws:dynamodb/table:Table", "orders",
        lambda p: p.update(replicas=[]), "has no replica in another region", id="table-not-global",
    ),
    pytest.param(
        "dynamodb-table-global-replica", "aws:dynamodb/table:Table", "orders",
        lambda p: p.update(streamViewType="KEYS_ONLY"), "must stream NEW_AND_OLD_IMAGES", id="stream-view",
    ),
    pytest.param(
        "iam-policy-no-wildcards", "aws:iam/rolePolicy:RolePolicy", "replication",
        lambda p: p.update(policy=p["policy"].replace('"s3:ReplicateObject"', '"s3:*"')),
        "allows wildcard actions ['s3:*']", id="wildcard-action",
    ),
    pytest.param(
        "s3-bucket-guards", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "assets",
        lambda p: p.update(blockPublicPolicy=False), "does not block public access", id="public-access",
    ),
    pytest.param(
        "s3-bucket-guards", "aws:s3/bucketPolicy:BucketPolicy", "assets",
        lambda p: p.update(policy='{"Version": "2012-10-17", "Statement": []}'), "accepts non-TLS requests",
        id="no-tls-deny",
    ),
    pytest.param(
        "route53-record-failover-pairs", "aws:route53/record:Record", "record-secondary",
        lambda p: p["failoverRoutingPolicies"][0].update(type="PRIMARY"), "['PRIMARY', 'PRIMARY']",
        id="two-primaries",
    ),
    pytest.param(
        "route53-record-failover-pairs", "aws:route53/record:Record", "record-primary",
        lambda p: p.pop("healthCheckId"), "has no health check", id="primary-without-health-check",
    ),
    pytest.param(
        "route53-healthcheck-standby-alarm", "aws:route53/healthCheck:HealthCheck", "",
        lambda p: p.update(cloudwatchAlarmRegion="us-east-1"), "not in the standby region us-west-2",
        id="health-check-alarm-region",
    ),
    pytest.param(
        "route53-healthcheck-standby-alarm", "aws:route53/healthCheck:HealthCheck", "",
        lambda p: p.update(insufficientDataHealthStatus="Unhealthy"), "LastKnownStatus", id="insufficient-data",
    ),
    pytest.param(
        "route53-stop-contract", "aws:route53/healthCheck:HealthCheck", "",
        lambda p: p.update(cloudwatchAlarmName="other"), "watches {'name': 'other'",
        id="health-check-on-another-alarm",
    ),
]


@pytest.mark.parametrize(("policy", "token", "name", "change", "fragment"), RESOURCE_BREAKS)
def test_resource_break_is_caught_with_its_urn(pack, primary, policy, token, name, change, fragment):
    broken = edited(primary, token, name, change)
    target = next(r for r in broken.resources if r.type == token and name in r.name)
    diags = only(verdicts(pack, broken), policy)
    assert diags, f"{policy} did not fire on {target.urn}"
    assert any(fragment in d.message for d in diags), [d.message for d in diags]
    if policy == "s3-bucket-guards":  # reported on the bucket that lacks the guard
        target = broken.one("aws:s3/bucket:Bucket", name)
    if not policy.startswith("pair-"):
        assert any(d.urn == target.urn for d in diags), f"expected {target.urn}, got {[d.urn for d in diags]}"


def test_sms_minimum_follows_policy_config(pack, secondary):
    diags = only(verdicts(pack, secondary, {"sms-number-minimum": {"minimumNumbers": 3}}), "sms-number-minimum")
    assert any("holds 1 active pooled origination number(s) for US, fewer than 3 (pending: 1)" in d.message
               for d in diags), diags


def test_sms_throughput_and_snowshoeing_from_the_declaration(pack, pair_copy):
    def two_active_toll_free(cfg):
        requested = cfg["regionpair:requestedNumbers"]
        requested[0]["status"] = "active"
        requested.append({**requested[0], "name": "us-toll-free-1",
                          "registrationId": "registration-11111111111111111111111111111111"})  # fmt: skip

    pair_copy.shared(lambda d: d["sms"]["countries"]["US"].update(failoverVolumeMps=20))
    pair_copy.stack("secondary", two_active_toll_free)
    # A later `pulumi up`: both registrations approved, the numbers ACTIVE in the account.
    active = {"notify-sms-us-toll-free-0", "notify-sms-us-toll-free-1"}
    run = simulate_stack("secondary", config_dir=pair_copy.path, mocks=CloudMocks(active_numbers=active))
    diags = verdicts(pack, run)
    throughput = only(diags, "sms-standby-throughput")
    assert any("the standby can send 7 msg/s to US" in d.message for d in throughput), diags
    snowshoe = only(diags, "sms-tollfree-snowshoeing")
    assert snowshoe, diags
    assert snowshoe[0].level == "advisory"
    assert "snowshoeing" in snowshoe[0].message


def test_first_deploy_of_the_secondary_is_not_blocked(pack, secondary):
    root = secondary.one(ROOT)
    assert root.outputs.get("peerManifest") is None
    diags = verdicts(pack, secondary)
    assert all(d.policy == PENDING and d.level == "advisory" for d in diags), diags


def test_preview_unknowns_are_undecided_not_verdicts(pack):
    for run in simulate_pair(preview=True):
        diags = verdicts(pack, run)
        wrong = [d for d in diags if not d.undecided and d.policy != PENDING]
        assert wrong == [], [(d.policy, d.message) for d in wrong]
        assert all(d.level == "advisory" for d in diags)


def _ttl_300(props: dict) -> None:
    props.pop("aliases", None)
    props.update(ttl=300, records=["192.0.2.10"])


def test_long_ttl_on_a_non_alias_failover_record_is_caught_and_configurable(pack, primary):
    broken = edited(primary, "aws:route53/record:Record", "record-primary", _ttl_300)
    target = next(r for r in broken.resources if r.type == "aws:route53/record:Record" and "record-primary" in r.name)
    diags = only(verdicts(pack, broken), "route53-record-failover-pairs")
    assert any("has TTL 300 s > 60 s" in d.message and d.urn == target.urn for d in diags), (target.urn, diags)
    relaxed = verdicts(pack, broken, {"route53-record-failover-pairs": {"maxTtlSeconds": 300}})
    assert only(relaxed, "route53-record-failover-pairs") == [], target.urn


def test_missing_mail_from_in_the_standby_is_caught(pack, primary):
    def no_mail_from(outputs: dict) -> None:
        def change(manifest: dict) -> None:
            for domain in manifest["email"]["domains"]:
                domain["mailFrom"] = None

        edit_peer(outputs, change)

    broken = edited(primary, ROOT, "", no_mail_from, where="outputs")
    root = broken.one(ROOT)
    diags = only(verdicts(pack, broken), "ses-identity-parity")
    assert any("has no custom MAIL FROM in us-west-2" in d.message for d in diags), (root.urn, diags)
    assert all(d.urn in (None, "", root.urn) for d in diags), root.urn
