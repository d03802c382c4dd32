"""The pair in AWS Resilience Hub (`resilienceHub:`), through the policy pack over gRPC in preview and update.

The example pair with `resilienceHub: {}` is the correct pair; each break is deliberate: the policy's targets
changed, the service on one region, the input source dropped, a registration in the secondary, one without the
declaration. Bad config: no tags to discover the resources by.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.components.declaration import DeclarationError
from regionpair.components.loader import load_pair, read_stack_file
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import ROOT

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]
POLICY = "resiliencehub-pair-registration"
RH = "aws:resiliencehub/{}:{}"
SYSTEM, RH_POLICY = RH.format("v2System", "V2System"), RH.format("v2Policy", "V2Policy")
SERVICE, SOURCE = RH.format("v2Service", "V2Service"), RH.format("v2InputSource", "V2InputSource")


def variant(where: Path, change: Callable[[dict], None] | None = None) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        shutil.copy(ROOT / name, where / name)
    data = yaml.safe_load((ROOT / "pair.yaml").read_text())
    data["resilienceHub"] = {}
    if change:
        change(data)
    (where / "pair.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return where


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("primary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Path:
    return variant(tmp_path_factory.mktemp("hub"))


@pytest.fixture(scope="module")
def deployed(hub) -> dict:
    return simulate_stack("secondary", config_dir=hub).outputs


def run(stack: str, preview: bool, peer: dict, where: Path) -> StackRun:
    return simulate_stack(stack, config_dir=where, peer_outputs={"secondary": peer}, preview=preview)


def caught(pack: PolicyPackProcess, r: StackRun, fragment: str = "") -> list[Diagnostic]:
    pack.configure({})
    diags = [d for x in r.resources for d in pack.analyze(x)] + pack.analyze_stack(r.resources)
    return [d for d in diags if d.policy == POLICY and d.level == "mandatory" and not d.undecided
            and fragment in d.message]  # fmt: skip


def test_the_primary_registers_the_pair_with_the_objectives(hub, deployed):
    r = run("primary", False, deployed, hub)
    policy = r.one(RH_POLICY, "resilience-hub")
    assert policy.region == "us-east-1"
    assert policy.inputs["multiRegion"] == {"disasterRecoveryApproach": "WARM_STANDBY", "rtoInMinutes": 5,
                                            "rpoInMinutes": 15}  # fmt: skip
    service = r.one(SERVICE, "resilience-hub")
    assert service.inputs["regions"] == ["us-east-1", "us-west-2"]
    assert r.one(SOURCE, "resilience-hub").inputs["resourceConfiguration"] == {
        "resourceTags": [{"key": "project", "values": ["notify"]}]}  # fmt: skip
    assert "resilienceHub" in r.outputs["parityManifest"]
    assert simulate_stack("secondary", config_dir=hub).by_type(SYSTEM) == [], "the secondary builds none"


def test_no_tags_no_discovery(tmp_path):
    where = variant(tmp_path, lambda d: d.update(tags={}))
    with pytest.raises(DeclarationError) as err:
        load_pair(where, read_stack_file(where, "primary"), "primary")
    assert err.value.key == "pair.yaml resilienceHub"
    assert "declare tags:" in err.value.message


@pytest.mark.parametrize("preview", MODES)
def test_the_registration_passes(packs, hub, deployed, preview):
    for stack in ("secondary", "primary"):
        assert caught(packs[preview], run(stack, preview, deployed, hub)) == [], stack


def _edit(token: str, change: Callable[[dict], None]) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        target = r.one(token, "resilience-hub")
        for props in (target.inputs, target.outputs):
            change(props)
        return target.urn

    return mutate


def _drop_source(r: StackRun) -> str:
    r.resources.remove(r.one(SOURCE, "resilience-hub"))
    return r.one("regionpair:index:RegionPairHalf").urn


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("mutate", "fragment"), [
    pytest.param(_edit(RH_POLICY, lambda p: p["multiRegion"].update(rtoInMinutes=60)),
                 "the objectives say {'disasterRecoveryApproach': 'WARM_STANDBY', 'rtoInMinutes': 5", id="policy-rto"),
    pytest.param(_edit(SERVICE, lambda p: p.update(regions=["us-east-1"])), "spans ['us-east-1'], not the pair",
                 id="one-region"),
    pytest.param(_drop_source, "has no Resilience Hub V2InputSource", id="no-input-source"),
])  # fmt: skip
def test_a_broken_registration_is_caught(packs, hub, deployed, preview, mutate, fragment):
    broken = copy.deepcopy(run("primary", preview, deployed, hub))
    urn = mutate(broken)
    hits = caught(packs[preview], broken, fragment)
    assert hits, [d.message for d in caught(packs[preview], broken)]
    assert hits[0].urn == urn


@pytest.mark.parametrize("preview", MODES)
def test_a_registration_in_the_secondary_or_undeclared_is_caught(packs, hub, deployed, preview):
    primary = run("primary", preview, deployed, hub)
    system = primary.one(SYSTEM, "resilience-hub")
    secondary = copy.deepcopy(run("secondary", preview, deployed, hub))
    secondary.resources.append(copy.deepcopy(system))
    assert caught(packs[preview], secondary, "the primary stack owns the pair's Resilience Hub registration")
    plain = copy.deepcopy(run("primary", preview, simulate_stack("secondary").outputs, ROOT))
    plain.resources.append(copy.deepcopy(system))
    assert caught(packs[preview], plain, "pair.yaml declares no resilienceHub:")
