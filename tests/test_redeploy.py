"""A second `pulumi up` on a deployed pair, through the second-deploy simulation (regionpair/redeploy.py).

Each test deploys the example pair (the state), changes the declaration as a user would, runs the program again
and plays the engine's steps against one model of the account. A change AWS or the engine would refuse is
refused with its source; the documented procedure for it (docs/day-2.md) passes, deploy by deploy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from regionpair import redeploy
from regionpair.components import constraints as c
from regionpair.components import replacement
from regionpair.simulate import PairRun, simulate_pair

ROOT = Path(__file__).resolve().parent.parent
FILES = ("pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml")


class Pairs:
    """Pair runs of edited copies of the example, cached by a label (each run takes a few seconds)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.cache: dict[str, PairRun] = {}

    def run(self, label: str, shared: Callable[[dict[str, Any]], None] | None = None,
            stacks: Callable[[str, dict[str, Any]], None] | None = None) -> PairRun:  # fmt: skip
        if label not in self.cache:
            where = self.base / label.replace("/", "_").replace(" ", "_")
            where.mkdir()
            for name in FILES:
                shutil.copy(ROOT / name, where / name)
            if shared:
                data = yaml.safe_load((where / "pair.yaml").read_text())
                shared(data)
                (where / "pair.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
            if stacks:
                for stack in ("primary", "secondary"):
                    file = where / f"Pulumi.{stack}.yaml"
                    data = yaml.safe_load(file.read_text())
                    stacks(stack, data["config"])
                    file.write_text(yaml.safe_dump(data, sort_keys=False))
            self.cache[label] = simulate_pair(where)
        return self.cache[label]

    def routing(self, mode: str, strategy: str, *, publish: bool = True) -> PairRun:
        def edit(d: dict[str, Any]) -> None:
            d["routing"]["mode"] = mode
            d["strategy"] = strategy
            d["routing"]["publishRecords"] = publish

        return self.run(f"{mode}-{strategy}-{publish}", edit)


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Pairs:
    return Pairs(tmp_path_factory.mktemp("redeploy"))


def _refusals(plan: redeploy.PairPlan) -> str:
    return "\n".join(str(r) for r in plan.refusals)


# ------------------------------------------------------------------------------------------------- basics
def test_every_registered_type_has_a_replacement_row(pairs: Pairs) -> None:
    for run in pairs.routing("failover", "warm-standby"):
        for res in run.resources:
            if res.custom and not res.type.startswith("pulumi:"):
                row = replacement.rule(res.type, res.inputs)
                assert row is not None, f"{res.urn}: no row in components/replacement.py"


def test_the_same_program_again_changes_nothing(pairs: Pairs) -> None:
    state = pairs.routing("failover", "warm-standby")
    plan = redeploy.plan_pair(state, simulate_pair(ROOT))
    assert plan.ok, _refusals(plan)
    assert not [s.describe() for p in plan.stacks for s in p.changes]


def test_steps_follow_the_engine_order(pairs: Pairs) -> None:
    """Creates in registration order first, deletions last in reverse order of the state."""
    plan = redeploy.plan_pair(pairs.routing("failover", "warm-standby"), pairs.routing("latency", "warm-standby"))
    ops = [s.op for s in plan.stack("primary").changes]
    assert "delete" in ops, ops
    assert ops.index("delete") > max(i for i, op in enumerate(ops) if op == "create"), ops
    deleted = [s.name for s in plan.stack("primary").ops("delete")]
    assert deleted.index("notify-routing-record-primary") < deleted.index("notify-routing-stop-check"), deleted


# ------------------------------------------------------------------------------------------------- routing
MIGRATIONS = [
    (("failover", "warm-standby"), ("latency", "warm-standby")),
    (("latency", "warm-standby"), ("failover", "warm-standby")),
    (("failover", "warm-standby"), ("region-switch", "warm-standby")),
    (("region-switch", "warm-standby"), ("failover", "warm-standby")),
    (("region-switch", "warm-standby"), ("region-switch", "active-active")),
    (("region-switch", "active-active"), ("latency", "active-active")),
    (("latency", "active-active"), ("region-switch", "active-active")),
]


@pytest.mark.parametrize(("old", "new"), MIGRATIONS, ids=lambda m: "-".join(m))
def test_a_routing_change_in_one_deploy_is_refused_by_route53(pairs: Pairs, old: tuple, new: tuple) -> None:
    plan = redeploy.plan_pair(pairs.routing(*old), pairs.routing(*new))
    assert not plan.ok, "Route 53 would have accepted records of two policies or two PRIMARY records"
    route53 = [r for r in plan.refusals if r.source in (redeploy.R53_POLICY, redeploy.R53_EXISTS)]
    assert route53, _refusals(plan)
    assert all("two deploys" in r.fix for r in route53), _refusals(plan)


@pytest.mark.parametrize(("old", "new"), MIGRATIONS, ids=lambda m: "-".join(m))
def test_a_routing_change_in_two_deploys_passes(pairs: Pairs, old: tuple, new: tuple) -> None:
    """Step 1: the old mode with publishRecords false (its records go); step 2: the new mode (its records come)."""
    runs = [pairs.routing(*old), pairs.routing(*old, publish=False), pairs.routing(*new)]
    step1, step2 = redeploy.plan_deploys(runs)
    assert step1.ok, _refusals(step1)
    assert step2.ok, _refusals(step2)
    removed = [s for p in step1.stacks for s in p.ops("delete")]
    assert removed, [s.describe() for s in removed]
    # Only the records go, with the guard that watched them (components/record_guard.py).
    assert all(s.type == c.RECORD or s.name.endswith("-record-guard") for s in removed), [
        s.describe() for s in removed
    ]
    assert any(s.type == c.RECORD for s in removed), [s.describe() for s in removed]
    created = [s for p in step2.stacks for s in p.ops("create") if s.type == c.RECORD]
    assert len(created) == 2, [s.describe() for s in created]


SAFE_IN_ONE_DEPLOY = [
    (("failover", "warm-standby"), ("failover", "active-active")),
    (("failover", "active-active"), ("failover", "warm-standby")),
    (("latency", "warm-standby"), ("latency", "active-active")),
]


@pytest.mark.parametrize(("old", "new"), SAFE_IN_ONE_DEPLOY, ids=lambda m: "-".join(m))
def test_a_strategy_change_that_keeps_the_records_passes_in_one_deploy(pairs: Pairs, old: tuple, new: tuple) -> None:
    plan = redeploy.plan_pair(pairs.routing(*old), pairs.routing(*new))
    assert plan.ok, _refusals(plan)


def test_the_stop_alarm_deleted_under_a_live_health_check_is_reported(pairs: Pairs) -> None:
    plan = redeploy.plan_pair(pairs.routing("failover", "warm-standby"), pairs.routing("latency", "warm-standby"))
    dangling = [r for r in plan.stack("secondary").refusals if r.source == redeploy.DANGLING_CHECK]
    assert dangling, _refusals(plan)
    assert "notify-stop-failover" in dangling[0].reason, _refusals(plan)


def test_a_region_switch_strategy_change_replaces_the_plan_delete_first(pairs: Pairs) -> None:
    runs = [
        pairs.routing("region-switch", "warm-standby", publish=False),
        pairs.routing("region-switch", "active-active"),
    ]
    (plan,) = redeploy.plan_deploys(runs)
    steps = {s.name: s for s in plan.stack("secondary").steps}
    assert steps["notify-switch-plan"].op == "delete-before-replace", steps["notify-switch-plan"].describe()
    assert "recoveryApproach" in steps["notify-switch-plan"].keys
    assert plan.ok, _refusals(plan)


# ------------------------------------------------------------------------------------------------- numbers
def _number(change: dict[str, Any]) -> Callable[[str, dict[str, Any]], None]:
    def edit(_stack: str, cfg: dict[str, Any]) -> None:
        cfg["regionpair:requestedNumbers"][0].update(change)
        if "messageType" in change:  # a country's pool takes one message type: the existing number follows
            for number in cfg["regionpair:existingNumbers"]:
                number["messageType"] = change["messageType"]

    return edit


@pytest.mark.parametrize(
    ("key", "change"),
    [("messageType", {"messageType": "PROMOTIONAL"}), ("numberCapabilities", {"capabilities": ["SMS", "VOICE"]})],
)
def test_a_number_change_that_replaces_it_is_refused(pairs: Pairs, key: str, change: dict[str, Any]) -> None:
    state = pairs.routing("failover", "warm-standby")
    plan = redeploy.plan_pair(state, pairs.run(f"number-{key}", stacks=_number(change)))
    steps = [s for s in plan.stack("primary").steps if s.type == c.PHONE_NUMBER]
    assert steps[0].op == "replace", steps[0].describe()
    assert key in steps[0].keys, steps[0].describe()
    refused = [r for r in plan.refusals if r.urn == steps[0].urn]
    assert refused, _refusals(plan)
    assert refused[0].source == redeploy.PROTECT, _refusals(plan)
    assert "new name" in refused[0].fix
    assert "retire" in refused[0].fix


def test_a_number_is_changed_by_adding_one_and_retiring_the_old(pairs: Pairs) -> None:
    def add(_stack: str, cfg: dict[str, Any]) -> None:
        numbers = cfg["regionpair:requestedNumbers"]
        numbers.append(
            {
                **numbers[0],
                "name": "us-toll-free-voice",
                "capabilities": ["SMS", "VOICE"],
                "registrationId": numbers[0]["registrationId"][:-4] + "beef",
            }
        )  # one registration each

    def retire(stack: str, cfg: dict[str, Any]) -> None:
        add(stack, cfg)
        cfg["regionpair:requestedNumbers"][0]["retire"] = True

    def removed(stack: str, cfg: dict[str, Any]) -> None:
        add(stack, cfg)
        cfg["regionpair:requestedNumbers"].pop(0)

    runs = [pairs.routing("failover", "warm-standby"), pairs.run("number-add", stacks=add),
            pairs.run("number-retire", stacks=retire), pairs.run("number-remove", stacks=removed)]  # fmt: skip
    added, retiring, gone = redeploy.plan_deploys(runs)
    for plan in (added, retiring, gone):
        assert plan.ok, _refusals(plan)
    assert [s.name for s in added.stack("primary").ops("create")] == ["notify-sms-us-toll-free-voice"]
    update = next(s for s in retiring.stack("primary").ops("update") if s.type == c.PHONE_NUMBER)
    assert "deletionProtectionEnabled" in update.keys, update.describe()
    assert [s.name for s in gone.stack("primary").ops("delete")] == ["notify-sms-us-toll-free-0"]


def test_a_number_deleted_without_retiring_is_refused(pairs: Pairs) -> None:
    def drop(_stack: str, cfg: dict[str, Any]) -> None:
        cfg["regionpair:requestedNumbers"] = []

    def one_number(d: dict[str, Any]) -> None:
        d["sms"]["countries"]["US"]["minimumNumbers"] = 1

    dropped = pairs.run("number-drop", one_number, stacks=drop)
    plan = redeploy.plan_pair(pairs.routing("failover", "warm-standby"), dropped)
    refused = [r for r in plan.refusals if "us-toll-free-0" in r.urn]
    assert refused, _refusals(plan)
    assert refused[0].source == redeploy.PROTECT, _refusals(plan)


def test_deletion_protection_refuses_even_without_protect(pairs: Pairs) -> None:
    """A state written before resources were protected: AWS's own deletion protection still refuses."""
    state = pairs.routing("failover", "warm-standby")
    old = next(r for r in state.primary.resources if r.type == c.PHONE_NUMBER)
    refusal = redeploy._delete_refusal("primary", _unprotected(old), replacing=True)
    assert refusal is not None
    assert refusal.source == redeploy.DELETION_PROTECTION[c.PHONE_NUMBER]


def _unprotected(res: Any) -> Any:
    from dataclasses import replace

    return replace(res, protect=False)


def test_a_pool_without_identities_is_refused() -> None:
    from regionpair.simulate import Recorded

    pool = Recorded(urn="urn:pulumi:primary::p::aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool::pool", type=c.POOL,
                    name="pool", custom=True, parent="", provider="", dependencies=[], property_dependencies={},
                    ignore_changes=[], delete_before_replace=False, replace_on_changes=[], retain_on_delete=False,
                    protect=True, inputs={"originationIdentities": [], "isoCountryCode": "US"})  # fmt: skip
    refusal = redeploy._pool_refusal("primary", pool)
    assert refusal is not None
    assert refusal.source == redeploy.POOL_LAST_IDENTITY


# ------------------------------------------------------------------------------------------------- renames
def test_a_table_rename_is_refused(pairs: Pairs) -> None:
    def rename(d: dict[str, Any]) -> None:
        d["tables"][0]["name"] = "purchases"

    plan = redeploy.plan_pair(pairs.routing("failover", "warm-standby"), pairs.run("table-rename", rename))
    refused = [r for r in plan.refusals if "table-orders" in r.urn]
    assert refused, _refusals(plan)
    assert refused[0].source == redeploy.PROTECT, _refusals(plan)


def test_a_fixed_name_reused_by_a_new_resource_is_refused(pairs: Pairs) -> None:
    """Renaming the resource (not the physical name) creates a twin that collides with the old bucket."""
    state = pairs.routing("failover", "warm-standby")
    bucket = state.primary.one(c.BUCKET)
    from dataclasses import replace

    twin = replace(bucket, urn=bucket.urn + "-renamed", name=bucket.name + "-renamed", protect=False)
    account = redeploy.Account([state.secondary, state.primary])
    refusal = redeploy._name_refusal(account, "primary", twin, "")
    assert refusal is not None
    assert refusal.source == redeploy.NAME_EXISTS
    assert "notify-assets-us-east-1" in refusal.reason


def test_docs_list_every_replacement_row() -> None:
    text = (ROOT / "docs" / "day-2.md").read_text()
    missing = [row.token for row in replacement.TABLE if f"`{row.token}`" not in text]
    assert not missing, f"docs/day-2.md lacks rows for {missing}"
