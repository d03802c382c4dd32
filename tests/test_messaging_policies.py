"""Dedicated IPs and the event archive through the policy pack, in preview and update (as tests/test_gate.py).

The messaging variant (docs/examples/messaging) is the correct pair: both stacks pass. Each policy is then broken
twice: by a declaration the pack must refuse (a warm-standby pair on dedicated IPs; a secondary deployed from an
older pair.yaml) and by a registered resource changed after the fact (a pool of another scaling mode, a standard
pool without IPs, a missing Firehose destination, a missing replication of the events bucket).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import ROOT

VARIANT = ROOT / "docs" / "examples" / "messaging"
MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]
MESSAGING = {"ses-dedicated-ips-active-active", "ses-dedicated-ip-pool-parity", "ses-event-archive"}


def variant_copy(where: Path, change: Callable[[dict], None] | None = None) -> Path:
    for name in ("pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        shutil.copy(VARIANT / name, where / name)
    if change is not None:
        data = yaml.safe_load((where / "pair.yaml").read_text())
        change(data)
        (where / "pair.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return where


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("secondary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


@pytest.fixture(scope="module")
def deployed() -> dict:
    return simulate_stack("secondary", config_dir=VARIANT).outputs


def verdicts(pack: PolicyPackProcess, run: StackRun) -> list[Diagnostic]:
    pack.configure({})
    return [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)


def mandatory(diags: list[Diagnostic], policy: str | None = None) -> list[Diagnostic]:
    return [d for d in diags if d.level == "mandatory" and not d.undecided and (policy is None or d.policy == policy)]


def run(stack: str, preview: bool, peer: dict, config_dir: Path = VARIANT) -> StackRun:
    return simulate_stack(stack, config_dir=config_dir, peer_outputs={"secondary": peer}, preview=preview)


@pytest.mark.parametrize("preview", MODES)
def test_the_messaging_variant_passes(packs, deployed, preview):
    for stack in ("secondary", "primary"):
        diags = verdicts(packs[preview], run(stack, preview, deployed))
        assert mandatory(diags) == [], [(d.policy, d.message) for d in mandatory(diags)]
        assert not [d for d in diags if d.policy in MESSAGING], [(d.policy, d.message) for d in diags]


# ------------------------------------------------------------------------------- the guide's rule (declared)
@pytest.mark.parametrize("preview", MODES)
def test_warm_standby_on_dedicated_ips_is_refused_unless_cold_ips_are_accepted(packs, tmp_path, preview):
    (tmp_path / "cold").mkdir()
    cold = variant_copy(tmp_path / "cold", lambda d: d.update(strategy="warm-standby"))
    secondary = simulate_stack("secondary", config_dir=cold).outputs
    for stack in ("secondary", "primary"):
        r = run(stack, preview, secondary, cold)
        found = mandatory(verdicts(packs[preview], r), "ses-dedicated-ips-active-active")
        assert len(found) == 2, found  # both configuration sets send through a pool
        assert "the standby's dedicated IPs send nothing until a failover" in found[0].message
        assert "email.coldStandbyIps.reason" in found[0].message
        sets = {x.urn for x in r.by_type("aws:sesv2/configurationSet:ConfigurationSet")}
        assert {d.urn for d in found} == sets
    def accept(d: dict) -> None:
        d["strategy"] = "warm-standby"
        d["email"]["coldStandbyIps"] = {"reason": "20k mails a day: the shared pool absorbs a failover"}

    (tmp_path / "accepted").mkdir()
    accepted = variant_copy(tmp_path / "accepted", accept)
    secondary = simulate_stack("secondary", config_dir=accepted).outputs
    for stack in ("secondary", "primary"):
        assert mandatory(verdicts(packs[preview], run(stack, preview, secondary, accepted))) == []


# ------------------------------------------------------------------------------ drift of the deployed secondary
def _without_pools(d: dict) -> None:
    d["email"].pop("dedicatedIpPools")
    for cs in d["email"]["configurationSets"]:
        cs.pop("sendingPool")


def _older_secondary(where: Path, change: Callable[[dict], None]) -> dict:
    """Outputs of a secondary deployed from an older pair.yaml (no pools: no leased IPs in the stack files)."""
    old = variant_copy(where, change)
    for stack in ("primary", "secondary"):
        file = old / f"Pulumi.{stack}.yaml"
        file.write_text(file.read_text().split("  regionpair:dedicatedIps:")[0])
    return simulate_stack("secondary", config_dir=old).outputs


@pytest.mark.parametrize("preview", MODES)
def test_a_secondary_without_the_pools_is_caught_by_the_primary(packs, tmp_path, preview):
    secondary = _older_secondary(tmp_path, _without_pools)
    pools = mandatory(verdicts(packs[preview], run("primary", preview, secondary)), "ses-dedicated-ip-pool-parity")
    assert any("us-west-2 has no dedicated IP pool notify-marketing-ips" in d.message for d in pools), pools
    assert any("notify-transactional in us-west-2 sends through shared IPs" in d.message for d in pools), pools
    assert all("deploy the secondary first" in d.message or "sends through" in d.message for d in pools), pools


def test_a_secondary_without_the_archive_is_caught_in_preview_and_stops_the_update(packs, tmp_path):
    def older(d: dict) -> None:
        _without_pools(d)
        for cs in d["email"]["configurationSets"]:
            cs["destination"] = "sns"

    secondary = _older_secondary(tmp_path, older)
    archive = mandatory(verdicts(packs[True], run("primary", True, secondary)), "ses-event-archive")
    assert any("archives no events of ['transactional', 'marketing']; deploy the secondary first" in d.message
               for d in archive), archive  # fmt: skip
    # `pulumi up -s primary` cannot replicate into a bucket that does not exist: the program stops in one line.
    with pytest.raises(Exception, match=r"has no email\.eventArchive\.buckets; redeploy the secondary"):
        run("primary", False, secondary)


# ------------------------------------------------------------------------------- mutations of what is registered
def _edit(token: str, name: str, change: Callable[[dict], None]) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        target = next(x for x in r.resources if x.type == token and name in x.name)
        for props in (target.inputs, target.outputs):
            change(props)
        return target.urn

    return mutate


def _drop(token: str, name: str, urn_of: str | None = None) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        for target in [x for x in r.resources if x.type == token and name in x.name]:
            r.resources.remove(target)
        if urn_of is None:
            return r.one("regionpair:index:RegionPairHalf").urn
        return next(x for x in r.resources if x.name == urn_of).urn

    return mutate


POOL = "aws:sesv2/dedicatedIpPool:DedicatedIpPool"
MUTATIONS = [
    pytest.param(("secondary", "primary"), _edit(POOL, "marketing-ips", lambda p: p.update(scalingMode="MANAGED")),
                 "ses-dedicated-ip-pool-parity", "notify-marketing-ips in {region} is MANAGED, the declaration says "
                 "STANDARD", id="pool-scaling-mode"),
    pytest.param(("secondary", "primary"), _drop("aws:sesv2/dedicatedIpAssignment:DedicatedIpAssignment", "marketing",
                                                  urn_of="notify-email-dedicated-ips-marketing-ips"),
                 "ses-dedicated-ip-pool-parity", "STANDARD with no leased IPs", id="standard-pool-without-ips"),
    pytest.param(("secondary", "primary"),
                 _drop("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
                       "set-marketing-archive", urn_of="notify-email-set-marketing"),
                 "ses-event-archive", "notify-marketing declares destination: firehose but has no Firehose event "
                 "destination in {region}", id="no-firehose-destination"),
    pytest.param(("primary",), _drop("aws:s3/bucketReplicationConfig:BucketReplicationConfig",
                                     "event-archive-bucket-replication"),
                 "ses-event-archive", "the events bucket notify-ses-events-us-east-1 (us-east-1) does not replicate "
                 "to notify-ses-events-us-west-2", id="archive-not-replicated"),
]  # fmt: skip


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("stacks", "mutate", "policy", "fragment"), MUTATIONS)
def test_a_mutation_of_what_is_registered_is_caught(packs, deployed, preview, stacks, mutate, policy, fragment):
    for stack in stacks:
        broken = copy.deepcopy(run(stack, preview, deployed))
        urn = mutate(broken)
        region = "us-east-1" if stack == "primary" else "us-west-2"
        want = fragment.format(region=region)
        found = [d for d in mandatory(verdicts(packs[preview], broken), policy) if want in d.message]
        assert found, (stack, [d.message for d in verdicts(packs[preview], broken) if d.policy == policy])
        assert found[0].urn == urn, (stack, found[0].urn, urn)
