"""The pair dashboard through the policy pack over gRPC, in preview and update (as tests/test_messaging_policies.py).

The example pair passes in both stacks. Each break is deliberate: the dashboard removed, its body reduced to one
region, the composite alarm's widget dropped, the dashboard built in the wrong region, and a secondary deployed
without a dashboard (`dashboard: false` in an older pair.yaml) caught by the primary.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.components.dashboard_model import dashboard_body, dashboard_name, widget_regions
from regionpair.components.loader import load_pair, read_stack_file
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import ROOT

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]
POLICY = "cloudwatch-dashboard-pair"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
REGION = {"primary": "us-east-1", "secondary": "us-west-2"}


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("primary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


@pytest.fixture(scope="module")
def deployed() -> dict:
    return simulate_stack("secondary").outputs


def run(stack: str, preview: bool, peer: dict, config_dir: Path = ROOT) -> StackRun:
    return simulate_stack(stack, config_dir=config_dir, peer_outputs={"secondary": peer}, preview=preview)


def verdicts(pack: PolicyPackProcess, run: StackRun) -> list[Diagnostic]:
    pack.configure({})
    return [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)


def found(diags: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.policy == POLICY and d.level == "mandatory" and not d.undecided]


def test_the_body_shows_both_regions_within_cloudwatch_limits():
    pair = load_pair(ROOT, read_stack_file(ROOT, "secondary"), "secondary")
    body = dashboard_body(pair, pair.this_role)
    assert widget_regions(body) == {"us-east-1", "us-west-2"}
    kinds = {w["type"] for w in body["widgets"]}
    assert kinds == {"text", "alarm", "metric"}
    alarms = [a for w in body["widgets"] if w["type"] == "alarm" for a in w["properties"]["alarms"]]
    assert "arn:aws:cloudwatch:us-west-2:123456789012:alarm:notify-stop-failover" in alarms
    assert any(a.endswith(":alarm:notify-region-unhealthy-us-east-1") for a in alarms)
    left = [w for w in body["widgets"] if w["x"] == 0 and w["type"] == "metric"]
    assert {w["properties"]["region"] for w in left} == {"us-east-1"}, "the primary on the left"
    assert dashboard_name(pair, pair.this_role) == "notify-pair-us-west-2"


@pytest.mark.parametrize("preview", MODES)
def test_the_example_pair_passes(packs, deployed, preview):
    for stack in ("secondary", "primary"):
        r = run(stack, preview, deployed)
        dash = r.one(DASHBOARD, "dashboard")
        assert dash.region == REGION[stack], dash.urn
        assert found(verdicts(packs[preview], r)) == [], stack


def _drop(r: StackRun) -> str:
    r.resources.remove(r.one(DASHBOARD, "dashboard"))
    return r.one("regionpair:index:RegionPairHalf").urn


def _edit_body(change: Callable[[dict], None]) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        dash = r.one(DASHBOARD, "dashboard")
        body = json.loads(dash.inputs["dashboardBody"])
        change(body)
        for props in (dash.inputs, dash.outputs):
            props["dashboardBody"] = json.dumps(body)
        return dash.urn

    return mutate


def _one_region(body: dict) -> None:
    body["widgets"] = [w for w in body["widgets"] if (w.get("properties") or {}).get("region") != "us-west-2"]


def _no_composite(body: dict) -> None:
    for w in body["widgets"]:
        if w["type"] == "alarm":
            w["properties"]["alarms"] = [a for a in w["properties"]["alarms"] if "region-unhealthy" not in a]


def _wrong_region(r: StackRun) -> str:
    dash = r.one(DASHBOARD, "dashboard")
    for props in (dash.inputs, dash.outputs):
        props["region"] = "eu-west-1"
    return dash.urn


MUTATIONS = [
    pytest.param(_drop, "has no pair dashboard notify-pair-{region}", id="no-dashboard"),
    pytest.param(_edit_body(_one_region), "shows no widget of us-west-2", id="one-region"),
    pytest.param(_edit_body(_no_composite), "lacks what the declaration shows: alarms notify-region-unhealthy",
                 id="no-composite-alarm"),
    pytest.param(_wrong_region, "is built in eu-west-1, not in this half's region {region}", id="wrong-region"),
]


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("mutate", "fragment"), MUTATIONS)
def test_a_broken_dashboard_is_caught(packs, deployed, preview, mutate, fragment):
    for stack in ("secondary", "primary"):
        broken = copy.deepcopy(run(stack, preview, deployed))
        urn = mutate(broken)
        want = fragment.format(region=REGION[stack])
        hits = [d for d in found(verdicts(packs[preview], broken)) if want in d.message]
        assert hits, (stack, [d.message for d in verdicts(packs[preview], broken) if d.policy == POLICY])
        assert hits[0].urn == urn, (stack, hits[0].urn, urn)


def _copy_without_dashboard(where: Path) -> Path:
    for name in ("pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        shutil.copy(ROOT / name, where / name)
    data = yaml.safe_load((where / "pair.yaml").read_text())
    data["dashboard"] = False
    (where / "pair.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return where


@pytest.mark.parametrize("preview", MODES)
def test_a_secondary_without_its_dashboard_is_caught_by_the_primary(packs, tmp_path, preview):
    older = simulate_stack("secondary", config_dir=_copy_without_dashboard(tmp_path)).outputs
    assert "dashboard" not in older["parityManifest"]
    hits = [d for d in found(verdicts(packs[preview], run("primary", preview, older)))
            if "exports no pair dashboard notify-pair-us-west-2" in d.message]  # fmt: skip
    assert hits
    assert "pulumi up -s secondary" in hits[0].message


def test_opting_out_builds_none_and_passes(packs, tmp_path):
    where = _copy_without_dashboard(tmp_path)
    r = simulate_stack("secondary", config_dir=where)
    assert r.by_type(DASHBOARD) == []
    assert found(verdicts(packs[False], r)) == []
