"""Deny-by-default parity catches drift the key-by-key policies missed, in preview and in update.

Three ways a team drifts, each judged by the pack over the analyzer protocol as the engine drives it:
- **a resource changed after the program built it** (by hand in the state, or by a transformation): the
  registered inputs are edited; the half's own inventory (its claim) still says what pair.yaml builds;
- **the secondary exports a changed resource** (a transformation given to the half's component, which the
  inventory records): the secondary's exported `resources` are edited, so the primary compares against them;
- **the secondary deployed from another pair.yaml**: the secondary of an edited copy is run and exported.
Each has a correct pair that passes (the example pair, clean in both modes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from regionpair.analyzer import Diagnostic, PolicyPackProcess
from regionpair.policies import rules_parity
from regionpair.simulate import StackRun, simulate_stack
from tests.conftest import ROOT, PairCopy

MODES = [pytest.param(False, id="update"), pytest.param(True, id="preview")]
PARITY, CLAIM, CONTRACT, ORDER = ("pair-parity-all-inputs", "pair-manifest-matches-resources",
                                  "route53-stop-contract", "pair-deploy-order")  # fmt: skip
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
POOL = "aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
TABLE = "aws:dynamodb/table:Table"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
SENDER_ID = "aws:pinpoint/smsvoicev2SenderId:Smsvoicev2SenderId"


@pytest.fixture(scope="module")
def packs():
    with PolicyPackProcess("secondary", preview=False) as up, PolicyPackProcess("primary", preview=True) as pv:
        yield {False: up, True: pv}


@pytest.fixture(scope="module")
def deployed() -> dict:
    return simulate_stack("secondary", config_dir=ROOT).outputs


def verdicts(pack: PolicyPackProcess, run: StackRun) -> list[Diagnostic]:
    pack.configure({})
    return [d for r in run.resources for d in pack.analyze(r)] + pack.analyze_stack(run.resources)


def decided(diags: list[Diagnostic], policy: str | None = None) -> list[Diagnostic]:
    return [d for d in diags if d.level == "mandatory" and not d.undecided and (policy is None or d.policy == policy)]


def run(stack: str, preview: bool, peer: dict, config_dir=ROOT) -> StackRun:
    return simulate_stack(stack, config_dir=config_dir, peer_outputs={"secondary": peer}, preview=preview)


# ------------------------------------------------------------------------------------------- correct pair
@pytest.mark.parametrize("preview", MODES)
def test_the_example_pair_has_no_parity_claim_or_contract_finding(packs, deployed, preview):
    for stack in ("secondary", "primary"):
        diags = verdicts(packs[preview], run(stack, preview, deployed))
        found = [d for d in diags if d.policy in (PARITY, CLAIM, CONTRACT, ORDER)]
        assert found == [], [(d.policy, d.message) for d in found]


def test_the_secondary_exports_every_resource_it_registers(deployed):
    listed = {(e["type"], e["name"]) for e in deployed["parityManifest"]["resources"]}
    registered = simulate_stack("secondary", config_dir=ROOT).resources
    custom = {(r.type, r.name) for r in registered if rules_parity.is_resource(r.type)}
    assert custom == listed, custom ^ listed
    alarm = next(e for e in deployed["parityManifest"]["resources"] if e["name"].endswith("routing-stop-alarm"))
    assert alarm["inputs"]["treatMissingData"] == "ignore", alarm  # camelCase, as the engine receives it


# --------------------------------------------------------------------- a resource changed after the fact
def _edit(token: str, name: str, change: Callable[[dict], None]) -> Callable[[StackRun], str]:
    def mutate(r: StackRun) -> str:
        target = next(x for x in r.resources if x.type == token and name in x.name)
        for props in (target.inputs, target.outputs):
            change(props)
        return target.urn

    return mutate


def _set(path: str, value) -> Callable[[dict], None]:
    def change(props: dict) -> None:
        *head, last = path.split(".")
        cur = props
        for step in head:
            cur = cur[int(step)] if isinstance(cur, list) else cur[step]
        if isinstance(cur, list):
            cur[int(last)] = value
        else:
            cur[last] = value

    return change


CHANGED = [
    pytest.param("secondary", _edit(ALARM, "routing-stop-alarm", _set("treatMissingData", "breaching")), CONTRACT,
                 "'treatMissingData': 'breaching'", id="stop-alarm-missing-data"),
    pytest.param("secondary", _edit(ALARM, "routing-stop-alarm", _set("threshold", 0)), CONTRACT,
                 "'threshold': 0", id="stop-alarm-threshold"),
    pytest.param("secondary", _edit(ALARM, "routing-stop-alarm", _set("comparisonOperator", "LessThanThreshold")),
                 CONTRACT, "'comparisonOperator': 'LessThanThreshold'", id="stop-alarm-comparison"),
    pytest.param("secondary", _edit(ALARM, "routing-stop-alarm", _set("evaluationPeriods", 5)), CONTRACT,
                 "'evaluationPeriods': 5", id="stop-alarm-evaluation-periods"),
    pytest.param("secondary", _edit(ALARM, "routing-stop-alarm", _set("unit", "Count")), CONTRACT,
                 "'unit': 'Count'", id="stop-alarm-unit"),
    pytest.param("primary", _edit(DESTINATION, "set-transactional", _set("eventDestination.matchingEventTypes",
                 ["SEND"])), CLAIM, "eventDestination.matchingEventTypes", id="config-set-event-types"),
    pytest.param("secondary", _edit(POOL, "pool-us", _set("optOutListName", "other-opt-outs")), CLAIM,
                 "restore optOutListName to 'notify-opt-outs'", id="pool-opt-out-list"),
    pytest.param("secondary", _edit(MAIL_FROM, "example-com-mail-from", _set("behaviorOnMxFailure",
                 "REJECT_MESSAGE")), CLAIM, "behaviorOnMxFailure", id="mail-from-mx-failure"),
    pytest.param("primary", _edit(TABLE, "orders", _set("replicas.0.pointInTimeRecovery", False)), CLAIM,
                 "replicas.0.pointInTimeRecovery", id="replica-pitr"),
    pytest.param("secondary", _edit(DISTRIBUTION, "cdn-distribution",
                 _set("originGroups.0.failoverCriteria.statusCodes", [500])), CLAIM,
                 "originGroups.0.failoverCriteria.statusCodes", id="read-path-failover-criteria"),
    pytest.param("primary", _edit(ALARM, "signals-api-5xx", _set("threshold", 50)),
                 "cloudwatch-alarm-failover-signals", "its threshold is 50", id="signal-threshold"),
    pytest.param("primary", _edit(ALARM, "signals-api-5xx", _set("evaluationPeriods", 1)), CLAIM,
                 "restore evaluationPeriods to 5", id="signal-evaluation-periods"),
]  # fmt: skip


@pytest.fixture(scope="module")
def runs(deployed) -> Callable[[str, bool], StackRun]:
    """Today's halves run once per mode, copied for each mutation."""
    cache: dict[tuple[str, bool], StackRun] = {}

    def get(stack: str, preview: bool) -> StackRun:
        if (stack, preview) not in cache:
            cache[(stack, preview)] = run(stack, preview, deployed)
        return copy.deepcopy(cache[(stack, preview)])

    return get


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("stack", "mutate", "policy", "fragment"), CHANGED)
def test_a_resource_changed_after_the_fact_is_caught(packs, runs, preview, stack, mutate, policy, fragment):
    broken = runs(stack, preview)
    urn = mutate(broken)
    diags = verdicts(packs[preview], broken)
    found = [d for d in decided(diags, policy) if fragment in d.message]
    assert found, (stack, [(d.policy, d.message) for d in decided(diags)])
    assert found[0].urn == urn, (found[0].urn, urn)
    if policy != CONTRACT:
        assert "was changed" in found[0].message, found[0].message
        assert "or change pair.yaml" in found[0].message, found[0].message
    # one difference, one report: no second policy repeats it
    others = [d for d in decided(diags) if d.policy != policy and d.urn == urn and fragment in d.message]
    assert others == [], [(d.policy, d.message) for d in others]


# --------------------------------------------------------------------- the secondary exports a change
def _exported(name: str, change: Callable[[dict], None]) -> Callable[[dict], dict]:
    def edit(outputs: dict) -> dict:
        changed = copy.deepcopy(outputs)
        entry = next(e for e in changed["parityManifest"]["resources"] if e["name"].endswith(name))
        change(entry["inputs"])
        return changed

    return edit


EXPORTED = [
    pytest.param(_exported("set-transactional-destination", _set("eventDestination.matchingEventTypes", ["SEND"])),
                 "eventDestination.matchingEventTypes", id="config-set-event-types"),
    pytest.param(_exported("sms-pool-us", _set("optOutListName", "other-opt-outs")), "optOutListName",
                 id="pool-opt-out-list"),
    pytest.param(_exported("example-com-mail-from", _set("behaviorOnMxFailure", "REJECT_MESSAGE")),
                 "behaviorOnMxFailure", id="mail-from"),
    pytest.param(_exported("signals-api-5xx", _set("threshold", 50)), "threshold", id="signal-threshold"),
    pytest.param(_exported("signals-api-5xx", _set("evaluationPeriods", 1)), "evaluationPeriods",
                 id="signal-evaluation-periods"),
    pytest.param(_exported("api-function", _set("environment.variables.APP_ID", "other")),
                 "environment.variables.APP_ID", id="lambda-environment"),
]  # fmt: skip


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("edit", "path"), EXPORTED)
def test_the_secondary_s_exported_change_is_caught_in_the_primary(packs, deployed, preview, edit, path):
    primary = run("primary", preview, edit(deployed))
    diags = decided(verdicts(packs[preview], primary), PARITY)
    found = [d for d in diags if f"input {path} is" in d.message]
    assert found, [d.message for d in diags]
    message = found[0].message
    for part in ("urn:pulumi:primary::", "urn:pulumi:secondary::", "pulumi up -s secondary", "policies/per_region.py"):
        assert part in message, message


@pytest.mark.parametrize("preview", MODES)
def test_a_resource_missing_from_the_secondary_is_caught(packs, deployed, preview):
    outputs = copy.deepcopy(deployed)
    resources = outputs["parityManifest"]["resources"]
    resources.remove(next(e for e in resources if e["name"].endswith("signals-api-5xx")))
    diags = decided(verdicts(packs[preview], run("primary", preview, outputs)), PARITY)
    assert any("has no counterpart in the secondary (us-west-2)" in d.message for d in diags), diags


# ----------------------------------------------------------------- the secondary from another pair.yaml
OLDER = [
    pytest.param(lambda d: d["routing"]["stop"].update(treatMissingData="breaching"), CONTRACT,
                 "'treatMissingData': 'breaching'", id="stop-missing-data"),
    pytest.param(lambda d: d["email"]["configurationSets"][0].update(events=["SEND", "BOUNCE"]), ORDER,
                 "email.configurationSets.0.events", id="config-set-event-types"),
    pytest.param(lambda d: d["cdn"].update(failoverStatusCodes=[500]), ORDER, "cdn.failoverStatusCodes",
                 id="read-path-failover-criteria"),
    pytest.param(lambda d: d["signals"]["api"].update(errorRatePercent=50), ORDER,
                 "signals.api.errorRatePercent", id="signal-threshold"),
    pytest.param(lambda d: d["email"].update(mailFromSubdomain="mail"), ORDER, "email.mailFromSubdomain",
                 id="mail-from"),
    pytest.param(lambda d: d["sms"].update(optOutList="older-opt-outs"), ORDER, "sms.optOutList",
                 id="opt-out-list"),
]  # fmt: skip


@pytest.mark.parametrize("preview", MODES)
@pytest.mark.parametrize(("change", "policy", "fragment"), OLDER)
def test_a_secondary_deployed_from_another_pair_yaml_is_caught(packs, tmp_path, preview, change, policy, fragment):
    older = PairCopy(tmp_path).shared(change)
    secondary = simulate_stack("secondary", config_dir=older.path).outputs
    primary = run("primary", preview, secondary)
    diags = verdicts(packs[preview], primary)
    found = [d for d in decided(diags, policy) if fragment in d.message]
    assert found, [(d.policy, d.message) for d in decided(diags)]
    assert "pulumi up -s secondary" in found[0].message, found[0].message
    assert not decided(diags, PARITY), "the differences follow from the declaration: reported once"


# ------------------------------------------------------------------------------------------- sender IDs
def _sender_ids(pair: PairCopy, sender: str = "NOTIFY") -> PairCopy:
    def shared(d: dict) -> None:
        d["sms"]["countries"]["GB"] = {"minimumNumbers": 1}
        d["sms"]["senderIds"] = [{"country": "GB", "senderId": sender}]

    pair.shared(shared)
    for stack in ("primary", "secondary"):
        pair.stack(stack, lambda c: c["regionpair:requestedNumbers"].append(
            {"name": "gb-long", "country": "GB", "type": "LONG_CODE", "status": "active"}))
    return pair


@pytest.mark.parametrize("preview", MODES)
def test_sender_ids_are_compared(packs, tmp_path, preview):
    pair = _sender_ids(PairCopy(tmp_path))
    secondary = simulate_stack("secondary", config_dir=pair.path).outputs
    primary = run("primary", preview, secondary, pair.path)
    assert not decided(verdicts(packs[preview], primary), PARITY)
    edited = _exported("sms-sender-gb-notify", _set("senderId", "OTHER"))
    try:
        changed = edited(secondary)
    except StopIteration:  # the logical name of the sender ID resource
        names = [e["name"] for e in secondary["parityManifest"]["resources"] if e["type"] == SENDER_ID]
        entry = names[0]
        changed = _exported(entry, _set("senderId", "OTHER"))(secondary)
    diags = decided(verdicts(packs[preview], run("primary", preview, changed, pair.path)), PARITY)
    assert any("input senderId is" in d.message for d in diags), [d.message for d in diags]


# ------------------------------------------------------------------------------------------ pure parts
def test_replica_differences_name_the_replica_input():
    table = rules_parity.Entry(TABLE, "t", {"pointInTimeRecovery": {"enabled": True}, "deletionProtectionEnabled":
                               True, "replicas": [{"regionName": "us-west-2", "pointInTimeRecovery": False,
                                                   "deletionProtectionEnabled": True}]}, "urn:t")  # fmt: skip
    diffs = rules_parity.replica_differences([table])
    assert [(d.path, d.mine, d.theirs) for d in diffs] == [("replicas.0.pointInTimeRecovery", False, True)]


def test_placeholders_keep_a_wrong_region_different():
    primary = rules_parity.Half("us-east-1", "us-west-2", "primary")
    secondary = rules_parity.Half("us-west-2", "us-east-1", "secondary")
    assert primary.text("notify-api-us-east-1") == secondary.text("notify-api-us-west-2")
    assert primary.text("arn:aws:sns:us-west-2:1:t") != secondary.text("arn:aws:sns:us-west-2:1:t")


def test_secrets_and_archives_are_exported_as_digests():
    from regionpair.components import inventory

    secret = {inventory.SIG_KEY: inventory.SECRET_SIG, "value": "hunter2"}
    archive = {inventory.SIG_KEY: inventory.ARCHIVE_SIG, "assets": {"a.py": "print(1)"}}
    out = inventory.compact({"password": secret, "code": archive, "n": 1.0})
    assert "hunter2" not in str(out)
    assert out["password"] == inventory.compact({"x": secret})["x"]  # the same value, the same digest
    assert set(out["code"]) == {"assetSha256"}
    assert out["n"] == 1
