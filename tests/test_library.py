"""regionpair from your own program: examples/own-program (its own project, stack names and resources) under the mocks.

`simulate_stack(program=...)` runs that program's `__main__.py` as the Pulumi CLI would, with its Pulumi.yaml's
project name; the policy pack judges each stack over gRPC as the engine does, in preview and update.
"""

from __future__ import annotations

import pytest

from regionpair import lib
from regionpair.analyzer import PolicyPackProcess
from regionpair.simulate import PairRun, simulate_stack
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "own-program"
PRIMARY, SECONDARY = "shop-use1", "shop-usw2"


def _pair(preview: bool = False) -> PairRun:
    secondary = simulate_stack(SECONDARY, program=EXAMPLE, preview=preview)
    deployed = secondary if not preview else simulate_stack(SECONDARY, program=EXAMPLE)
    primary = simulate_stack(PRIMARY, program=EXAMPLE, peer_outputs={SECONDARY: deployed.outputs}, preview=preview)
    return PairRun(secondary=secondary, primary=primary)


@pytest.fixture(scope="module")
def shop() -> PairRun:
    return _pair()


def test_the_program_keeps_its_own_project_stacks_and_resources(shop: PairRun) -> None:
    for run, stack, region in ((shop.primary, PRIMARY, "us-east-1"), (shop.secondary, SECONDARY, "us-west-2")):
        assert all(r.urn.startswith(f"urn:pulumi:{stack}::shop::") for r in run.resources), run.resources[0].urn
        queue = run.one("aws:sqs/queue:Queue", "shop-orders")
        assert queue.region == region, queue.urn
        assert queue.parent.endswith(stack), queue.urn
        topic = run.one("aws:sns/topic:Topic", "shop-alerts")
        assert topic.parent == queue.parent, "the shop's own resources sit at its stack's root"
        half = run.one("regionpair:index:RegionPairHalf")
        assert half.inputs["peerStack"] == (SECONDARY if run is shop.primary else PRIMARY), half.urn
        assert {"parityManifest", "role", "region", "ordersQueueArn"} <= set(run.outputs), sorted(run.outputs)


def test_the_primary_reads_the_secondary_by_its_own_stack_name(shop: PairRun) -> None:
    records = [r for r in shop.primary.by_type("aws:route53/record:Record") if r.inputs.get("setIdentifier")]
    secondary_api = shop.secondary.outputs["parityManifest"]["api"]
    targets = {r.inputs["setIdentifier"]: r.inputs["aliases"][0]["name"] for r in records}
    assert targets["secondary"] == secondary_api["regionalDomainName"], targets


def test_its_own_function_code_runs_in_both_halves(shop: PairRun) -> None:
    functions = [run.one("aws:lambda/function:Function", "-api-function").inputs for run in shop]
    assert functions[0]["sourceCodeHash"] == functions[1]["sourceCodeHash"]
    assert (functions[0]["handler"], functions[0]["runtime"]) == ("main.handler", "python3.13")
    assert sorted(functions[0]["code"].assets) == ["main.py"]
    assert functions[0]["code"].assets["main.py"].path == str(EXAMPLE / "function" / "main.py")
    urls = {f["environment"]["variables"]["CHECKOUT_URL"] for f in functions}
    assert len(urls) == 2, "each region's stack file gives its own value"


@pytest.mark.parametrize("preview", [False, True])
def test_the_policy_pack_passes_the_program(preview: bool) -> None:
    runs = _pair(preview)
    for run in runs:
        with PolicyPackProcess(run.stack, preview=preview) as pack:
            found = [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)
        mandatory = [d for d in found if d.level == "mandatory" and not d.undecided]
        assert not mandatory, [(d.policy, d.message) for d in mandatory]


def test_the_library_surface() -> None:
    for name in ("load_pair", "build_half", "RegionPairHalf", "RegionPairHalfArgs", "Pair", "Role", "DeclarationError",
                 "RegionalApi", "ExistingApi", "LambdaSettings", "Adopt"):  # fmt: skip
        assert name in lib.__all__, name
    assert all(hasattr(lib, name) for name in lib.__all__)


def test_the_default_program_still_runs(secondary) -> None:
    assert secondary.one("regionpair:index:RegionPairHalf").urn.startswith("urn:pulumi:secondary::regionpair::")
