"""The whole pair under the constraint-checking mocks and the policy pack, for the corners a user will hit.

Each corner (tests/matrix.py) runs both stacks with mocks that record every violation; a corner passes when
nothing is refused. Each corner also goes through the pack as `regionpair check` drives it (both halves, the
analyzer over gRPC): a declaration the mocks accept but the pack blocks is a bug of one of them.
On the code before the physical-name rules these corners recorded 38 violations (18 of them names over a limit); see
docs/constraints.md.
"""

from __future__ import annotations

import pytest
import yaml

from regionpair.check import run_check
from regionpair.components import constraints
from tests.matrix import CORNERS, LONGEST, run_counting, write_corner

NAME_LIMITS = {
    (constraints.BUCKET, "bucket"): constraints.S3_BUCKET_MAX,
    (constraints.ROLE, "name"): constraints.IAM_ROLE_MAX,
    (constraints.FUNCTION, "name"): constraints.LAMBDA_NAME_MAX,
    (constraints.HEALTH_CHECK, "referenceName"): constraints.REFERENCE_NAME_MAX,
    (constraints.CONFIG_SET, "configurationSetName"): constraints.SES_SET_MAX,
    (constraints.OAC, "name"): constraints.OAC_NAME_MAX,
    (constraints.ALARM, "name"): constraints.ALARM_NAME_MAX,
    (constraints.TABLE, "name"): constraints.DYNAMODB_TABLE_MAX,
    (constraints.TOPIC, "name"): constraints.SNS_TOPIC_MAX,
}


NEVER_SET = {
    "RolePolicy.name:length 1-128",  # auto-named by the provider
}
"""Rules whose property no corner sets; every other rule must read a value somewhere (a typo'd path never fires)."""
_HIT: set[str] = set()
_RAN: set[str] = set()


@pytest.mark.parametrize("corner", CORNERS, ids=[c.name for c in CORNERS])
def test_every_corner_deploys_under_the_constraint_checking_mocks(corner, tmp_path):
    run, violations = run_counting(write_corner(corner, tmp_path), corner.active_numbers)
    _RAN.add(corner.name)
    _HIT.update(
        rule.id
        for half in run
        for r in half.resources
        for rule in constraints.rules_for(r.type)
        if next(constraints.values_at(r.inputs, rule.prop), None) is not None
    )
    refused = [str(v) for v in violations]
    assert refused == [], "\n".join(refused)
    for half in run:
        assert half.errors == [], half.errors
        assert half.outputs.get("parityManifest"), half.stack
        for r in half.resources:
            for (token, prop), limit in NAME_LIMITS.items():
                if r.type == token and isinstance(r.inputs.get(prop), str):
                    assert len(r.inputs[prop]) <= limit, r.urn


def test_the_matrix_reaches_the_corners_it_claims(tmp_path):
    """Longest names, the longest regions, both routing modes, every number type, CDN and event replication."""
    seen: dict[str, set] = {k: set() for k in ("regions", "routing", "numbers", "cdn", "events", "name")}
    for i, corner in enumerate(CORNERS):
        where = write_corner(corner, tmp_path / str(i))
        shared = yaml.safe_load((where / "pair.yaml").read_text())
        for stack in ("primary", "secondary"):
            seen["regions"].add(yaml.safe_load((where / f"Pulumi.{stack}.yaml").read_text())["config"]["aws:region"])
        seen["routing"].add(shared["routing"]["mode"])
        for stack in ("primary", "secondary"):
            cfg = yaml.safe_load((where / f"Pulumi.{stack}.yaml").read_text())["config"]
            seen["numbers"] |= {n["type"] for n in cfg.get("regionpair:requestedNumbers") or []}
        seen["cdn"].add("cdn" in shared)
        seen["events"].add(bool(shared["email"].get("replicateEvents")))
        seen["name"].add(len(shared["name"]))
    assert {"ap-southeast-2", "ap-northeast-1"} <= seen["regions"]
    assert seen["routing"] == {"failover", "latency", "region-switch"}
    assert seen["numbers"] == {"TOLL_FREE", "TEN_DLC", "SIMULATOR", "LONG_CODE"}  # SHORT_CODE: declared by ARN
    assert seen["cdn"] == {True, False}
    assert seen["events"] == {True, False}
    assert max(seen["name"]) == LONGEST


def test_every_rule_reads_a_value_the_program_sets():
    """Runs after the corners (same module): a rule that never finds its property is a dead rule."""
    if len(_RAN) < len(CORNERS):
        pytest.skip("needs every corner run first (same module, no -k filter)")
    dead = sorted(r.id for r in constraints.RULES if r.id not in _HIT and r.id not in NEVER_SET)
    assert dead == [], f"rules whose property no corner sets (typo in the path, or add a corner): {dead}"


@pytest.mark.parametrize("corner", CORNERS, ids=[c.name for c in CORNERS])
def test_every_corner_passes_the_policy_pack_in_update(corner, tmp_path):
    """`pulumi up` of both halves, secondary first: no mandatory violation on any corner the mocks accept."""
    reports = run_check(write_corner(corner, tmp_path), active_numbers=corner.active_numbers)
    blocked = [f"{r.stack}: {d.policy}: {d.message}" for r in reports for d in r.mandatory]
    assert blocked == [], "\n".join(blocked)


PREVIEW_CORNERS = ("longest-names-ap-failover-cdn-events", "every-number-type", "no-cdn-no-signals-no-sms",
                   "identity-longest-names-ap-custom-domain")  # fmt: skip
"""A preview of every corner passes too (checked by hand, about 3 more minutes on a CI runner); these cover the
hashed names, the number lifecycle, the smallest pair and the identity pair, within the suite's time."""


_PREVIEWED = [c for c in CORNERS if c.name in PREVIEW_CORNERS]


@pytest.mark.parametrize("corner", _PREVIEWED, ids=[c.name for c in _PREVIEWED])
def test_corners_pass_the_policy_pack_in_preview(corner, tmp_path):
    """`pulumi preview`: unknowns are the real sentinel; undecided policies are not blocking."""
    reports = run_check(write_corner(corner, tmp_path), preview=True, active_numbers=corner.active_numbers)
    blocked = [f"{r.stack}: {d.policy}: {d.message}" for r in reports for d in r.mandatory]
    assert blocked == [], "\n".join(blocked)
