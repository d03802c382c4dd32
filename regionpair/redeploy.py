"""What a second `pulumi up` would do to a deployed pair, and what AWS or the engine would refuse on the way.

Why: every check we had judged a first deploy. A change to a deployed pair (routing mode, strategy, a number's
type, a rename) runs against the state of the first deploy, and the engine's step order decides whether AWS
accepts each step. This module takes the state (the resources a first run registered, with their outputs and
options) and a second run of the program (`regionpair.simulate`), and computes per stack what Pulumi would do:

- the steps, in the engine's order: for each resource as the program registers it (dependency order) `same`,
  `create`, `update`, or a replacement (`create` of the replacement, the old one deleted at the end; or, with
  `deleteBeforeReplace`, the old one deleted first), then the deletions of everything the program no longer
  registers and of the replaced resources, in reverse dependency order (reverse registration order of the state);
- the refusals, each with its source, found by playing the steps against a model of the account that spans both
  stacks (Route 53 record sets, physical names, deletion protection) in deploy order (secondary, then primary).

The diff follows the bridged provider: a change of an input listed in `components/replacement.py` (or in the
resource's `replaceOnChanges`) replaces, any other input change updates in place; `ignoreChanges` are skipped.
A replaced resource gets a new id: inputs of later resources that depend on it are treated as changed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from regionpair.components import constraints as c
from regionpair.components import replacement
from regionpair.simulate import PairRun, Recorded, StackRun

# ------------------------------------------------------------------------------------------------- sources
R53_POLICY = ("Route 53 API Reference, ChangeResourceRecordSets: records with the same name and type must all use "
              "the same routing policy (\"You can't create non-failover resource record sets that have the same "
              "values for the Name and Type elements as failover resource record sets\"); one PRIMARY and one "
              "SECONDARY failover record per name and type")  # fmt: skip
R53_EXISTS = ("Route 53 API Reference, ChangeResourceRecordSets: CREATE fails with InvalidChangeBatch when a record "
              "with the same name, type and set identifier exists")  # fmt: skip
NAME_EXISTS = ("the service refuses a second resource with the same name while the first exists (AlreadyExists / "
               "ResourceInUse / BucketAlreadyOwnedByYou); Pulumi replaces create-before-delete unless "
               "deleteBeforeReplace is set (Pulumi docs, resource option deleteBeforeReplace)")  # fmt: skip
DELETION_PROTECTION = {
    c.PHONE_NUMBER: "botocore pinpoint-sms-voice-v2 ReleasePhoneNumber: a number with DeletionProtectionEnabled "
                    "cannot be released (UpdatePhoneNumber to turn it off first)",
    c.POOL: "botocore pinpoint-sms-voice-v2 DeletePool: a pool with DeletionProtectionEnabled cannot be deleted",
    c.SENDER_ID: "botocore pinpoint-sms-voice-v2 ReleaseSenderId: a sender ID with DeletionProtectionEnabled "
                 "cannot be released",
    c.TABLE: "Amazon DynamoDB Developer Guide, deletion protection: DeleteTable fails while it is enabled",
}
POOL_LAST_IDENTITY = ("terraform-provider-aws internal/service/pinpointsmsvoicev2/pool.go: origination_identities "
                      "SizeAtLeast(1); End User Messaging SMS refuses to disassociate a pool's last identity")
PROTECT = ("Pulumi docs, resource option protect: the engine refuses to delete or replace a protected resource "
           "(\"unable to delete/replace resource ... as it is currently marked for protection\")")
DANGLING_CHECK = ("Route 53 Developer Guide, health checks that monitor CloudWatch alarms: a deleted alarm leaves "
                  "the check with insufficient data, so failover records keep their last status and the STOP "
                  "metric no longer moves traffic")  # fmt: skip


@dataclass
class Step:
    """One step of the engine for one resource."""

    op: str
    """`same`, `create`, `update`, `replace` (the replacement's create), `delete-replaced`, `delete`,
    `delete-before-replace` (the old one, first)."""
    urn: str
    type: str
    name: str
    keys: list[str] = field(default_factory=list)
    """The changed inputs (update) or the inputs that force the replacement."""

    def describe(self) -> str:
        """One line in words."""
        what = {
            "create": "created",
            "update": "updated in place",
            "replace": "replaced (the new one created first)",
            "delete-before-replace": "replaced (the old one deleted first)",
            "delete-replaced": "old copy deleted after its replacement",
            "delete": "deleted",
            "same": "unchanged",
        }[self.op]
        keys = f" ({', '.join(self.keys)})" if self.keys else ""
        return f"{self.name} [{self.type.rsplit(':', 1)[-1]}] {what}{keys}"


@dataclass
class Refusal:
    """Something AWS or the engine would refuse at this step: the deploy stops there."""

    stack: str
    urn: str
    reason: str
    source: str
    fix: str = ""

    def __str__(self) -> str:
        fix = f"; {self.fix}" if self.fix else ""
        return f"{self.stack}: {self.urn.rsplit('::', 1)[-1]}: {self.reason}{fix} ({self.source})"


@dataclass
class StackPlan:
    """What one stack's second `pulumi up` would do."""

    stack: str
    steps: list[Step]
    refusals: list[Refusal] = field(default_factory=list)

    def ops(self, op: str) -> list[Step]:
        """The steps of one kind."""
        return [s for s in self.steps if s.op == op]

    @property
    def changes(self) -> list[Step]:
        """Every step that changes something."""
        return [s for s in self.steps if s.op != "same"]


@dataclass
class PairPlan:
    """Both stacks' plans, in deploy order, and everything refused."""

    stacks: list[StackPlan]

    @property
    def refusals(self) -> list[Refusal]:
        """Every refusal of both stacks, in deploy order."""
        return [r for s in self.stacks for r in s.refusals]

    @property
    def ok(self) -> bool:
        """Whether AWS and the engine would accept the whole deploy."""
        return not self.refusals

    def stack(self, name: str) -> StackPlan:
        """The plan of one stack."""
        return next(s for s in self.stacks if s.stack == name)


# ------------------------------------------------------------------------------------------------- diff
def _norm(value: Any) -> Any:
    """Absent, None, empty list and empty map are the same input to the provider; numbers compare as numbers."""
    if isinstance(value, dict):
        out = {k: _norm(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None} or None
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value] or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if _is_asset(value):
        return {ASSET_SIG: ARCHIVE_SIG, "hash": asset_digest(value)}
    return value


ASSET_SIG = "4dabf18193072939515e22adb298388d"
"""The key Pulumi's state uses to mark an asset or archive (pulumi/runtime/rpc.py `_special_sig_key`)."""
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"


def _is_asset(value: Any) -> bool:
    return hasattr(value, "__dict__") and type(value).__module__.startswith("pulumi.asset")


def asset_digest(value: Any) -> str:
    """A digest of an asset or archive of the program (its paths and texts, recursively)."""
    import hashlib

    def walk(v: Any) -> Any:
        if _is_asset(v):
            return [type(v).__name__, {k: walk(x) for k, x in sorted(vars(v).items())}]
        if isinstance(v, dict):
            return {k: walk(x) for k, x in sorted(v.items())}
        return str(v)

    return hashlib.sha256(repr(walk(value)).encode()).hexdigest()


def _archive_from_state(value: Any) -> bool:
    """An archive as a deployed state holds it: judged by the resource's code hash input, not here."""
    return isinstance(value, dict) and value.get(ASSET_SIG) == ARCHIVE_SIG


def changed_inputs(old: Recorded, new: Recorded) -> list[str]:
    """Top-level inputs whose value differs, less the new registration's `ignoreChanges`."""
    ignored = {k.split(".", 1)[0].split("[", 1)[0] for k in new.ignore_changes}
    # A deployed state's inputs also hold the defaults the provider filled in (listed in `__defaults`): a key the
    # program does not set and the provider defaulted is no change.
    defaulted = {str(k) for k in old.inputs.get("__defaults") or []} - set(new.inputs)
    ignored |= {"__defaults", *defaulted}
    # An archive read back from a real `pulumi stack export` carries Pulumi's own hash, which cannot be recomputed
    # here: a Lambda's code change is then judged by its `sourceCodeHash` input (the program sets it).
    if "sourceCodeHash" in new.inputs:
        ignored |= {k for k, v in old.inputs.items() if _archive_from_state(v)}
    keys = set(old.inputs) | set(new.inputs)
    return sorted(k for k in keys if k not in ignored and _norm(old.inputs.get(k)) != _norm(new.inputs.get(k)))


def _replacing(new: Recorded) -> set[str]:
    return {*replacement.replacing_inputs(new.type, new.inputs), *new.replace_on_changes}


def plan_stack(state: StackRun, program: StackRun) -> StackPlan:
    """The engine's steps for `program` run against `state` (no refusals: see `plan_pair`)."""
    old_by_urn = {r.urn: r for r in state.resources}
    steps: list[Step] = []
    replaced: set[str] = set()  # URNs whose id changes in this deploy
    seen: set[str] = set()
    for new in program.resources:
        if not new.custom:
            seen.add(new.urn)
            continue
        old = old_by_urn.get(new.urn)
        seen.add(new.urn)
        if old is None:
            steps.append(Step("create", new.urn, new.type, new.name))
            continue
        keys = changed_inputs(old, new)
        # A dependency replaced earlier in this deploy has a new id: the inputs that read it change too.
        via = sorted(p for p, urns in new.property_dependencies.items() if replaced & set(urns))
        keys = sorted(set(keys) | set(via))
        forcing = sorted(set(keys) & _replacing(new))
        if forcing:
            replaced.add(new.urn)
            if new.delete_before_replace:
                steps.append(Step("delete-before-replace", new.urn, new.type, new.name, forcing))
            else:
                steps.append(Step("replace", new.urn, new.type, new.name, forcing))
        elif keys:
            steps.append(Step("update", new.urn, new.type, new.name, keys))
        else:
            steps.append(Step("same", new.urn, new.type, new.name))
    new_by_urn = {r.urn: r for r in program.resources}
    for old in reversed(state.resources):
        if not old.custom:
            continue
        if old.urn not in seen:
            steps.append(Step("delete", old.urn, old.type, old.name))
        elif old.urn in replaced and not new_by_urn[old.urn].delete_before_replace:
            steps.append(Step("delete-replaced", old.urn, old.type, old.name))
    return StackPlan(program.stack, steps)


# ------------------------------------------------------------------------------------------------- the account
_POLICIES = {
    "failoverRoutingPolicies": "failover",
    "latencyRoutingPolicies": "latency",
    "weightedRoutingPolicies": "weighted",
    "geolocationRoutingPolicies": "geolocation",
    "geoproximityRoutingPolicy": "geoproximity",
    "cidrRoutingPolicy": "cidr",
    "multivalueAnswerRoutingPolicy": "multivalue",
}


def record_policy(inputs: dict[str, Any]) -> str:
    """The routing policy of a Route 53 record's inputs (`simple` when none is set)."""
    for key, policy in _POLICIES.items():
        if inputs.get(key):
            return policy
    return "simple"


def _failover_role(inputs: dict[str, Any]) -> str | None:
    policies = inputs.get("failoverRoutingPolicies") or []
    return str(policies[0].get("type")) if policies else None


def _physical(res: Recorded) -> tuple[Any, ...] | None:
    """The physical identity AWS keeps unique for a fixed-name resource (None when AWS assigns the id)."""
    row = replacement.rule(res.type, res.inputs)
    if row is None or not row.name_inputs or res.type == c.RECORD:
        return None
    values = tuple(_norm(res.inputs.get(k)) for k in row.name_inputs)
    if values[0] is None:  # the program did not name it: Pulumi auto-names it with a random suffix
        return None
    family = "s3-bucket" if res.type == c.BUCKET else res.type
    region = None if (not row.regional or res.type == c.BUCKET) else res.inputs.get("region")
    return (family, region, "/".join(str(v) for v in values if v is not None))


class Account:
    """What exists in the account while the steps run: resources by URN, record sets, fixed names."""

    def __init__(self, runs: Iterable[StackRun]) -> None:
        self.live: dict[str, Recorded] = {}
        self.retained: list[Recorded] = []
        """Resources Pulumi forgot (retainOnDelete) that still exist and still hold their names."""
        for run in runs:
            for res in run.resources:
                if res.custom:
                    self.live[res.urn] = res

    def records(self, zone: Any, name: Any, typ: Any, *, skip: str = "") -> list[Recorded]:
        """Live records of one name and type (but `skip`)."""
        return [
            r for r in self.live.values()
            if r.type == c.RECORD and r.urn != skip and r.inputs.get("zoneId") == zone
            and str(r.inputs.get("name", "")).lower().rstrip(".") == str(name).lower().rstrip(".")
            and r.inputs.get("type") == typ
        ]  # fmt: skip

    def holder(self, ident: tuple[Any, ...], *, skip: str = "") -> Recorded | None:
        """The live or retained resource holding a physical name (but `skip`)."""
        for res in [*self.live.values(), *self.retained]:
            if res.urn != skip and _physical(res) == ident:
                return res
        return None


def _record_refusal(account: Account, stack: str, res: Recorded, skip: str) -> Refusal | None:
    """Why Route 53 would refuse this record next to the live record sets of its name and type, if it would."""
    zone, name, typ = res.inputs.get("zoneId"), res.inputs.get("name"), res.inputs.get("type")
    others = account.records(zone, name, typ, skip=skip)
    policy = record_policy(res.inputs)
    clash = [o for o in others if record_policy(o.inputs) != policy]
    if clash:
        other = clash[0]
        return Refusal(
            stack, res.urn,
            f"{name} {typ}: a {policy} record cannot be created while the {record_policy(other.inputs)} record "
            f"{other.name} exists",
            R53_POLICY,
            "change routing.mode in two deploys (docs/day-2.md, routing migrations)",
        )  # fmt: skip
    same_id = [o for o in others if _norm(o.inputs.get("setIdentifier")) == _norm(res.inputs.get("setIdentifier"))]
    if same_id:
        return Refusal(stack, res.urn, f"{name} {typ} set {res.inputs.get('setIdentifier')!r} already exists "
                       f"({same_id[0].name})", R53_EXISTS,
                       "change routing in two deploys (docs/day-2.md, routing migrations), or keep the "
                       "record's resource name (an alias) so Pulumi updates it")
    role = _failover_role(res.inputs)
    if role and any(_failover_role(o.inputs) == role for o in others):
        return Refusal(stack, res.urn, f"{name} {typ}: a second {role} failover record", R53_POLICY,
                       "change routing.mode in two deploys (docs/day-2.md, routing migrations)")
    return None


def _name_refusal(account: Account, stack: str, res: Recorded, skip: str) -> Refusal | None:
    ident = _physical(res)
    if ident is None:
        return None
    holder = account.holder(ident, skip=skip)
    if holder is None:
        return None
    retained = holder in account.retained
    return Refusal(
        stack, res.urn,
        f"{res.type.rsplit(':', 1)[-1]} named {ident[2]} already exists ({holder.name}"
        f"{', retained when it left the program' if retained else ''})",
        NAME_EXISTS,
        "keep the resource's name (or add an alias to the old URN) so Pulumi updates it, or use a new physical name",
    )  # fmt: skip


def _delete_refusal(stack: str, old: Recorded, *, replacing: bool) -> Refusal | None:
    what = "replaced" if replacing else "deleted"
    if old.protect:
        return Refusal(stack, old.urn, f"protected: cannot be {what}", PROTECT, _stateful_fix(old, replacing))
    flag = (replacement.rule(old.type, old.inputs) or replacement.Replacement("", (), "")).deletion_protection
    if flag and old.inputs.get(flag) is True and not old.retain_on_delete:
        return Refusal(stack, old.urn, f"deletion protection is on: cannot be {what}",
                       DELETION_PROTECTION.get(old.type, "the service's deletion protection"),
                       _stateful_fix(old, replacing))
    return None


def _stateful_fix(old: Recorded, replacing: bool) -> str:
    if old.type == c.PHONE_NUMBER:
        return ("declare the new number under a new name, deploy, move traffic, then retire the old one "
                "(docs/day-2.md, changing a number)") if replacing else "retire the number first (docs/day-2.md)"
    if old.type == c.POOL:
        return "keep at least one active number in the country, or retire the pool first (docs/day-2.md)"
    return "keep its name and key inputs, or retire it on purpose (docs/day-2.md, retiring stateful resources)"


def _pool_refusal(stack: str, res: Recorded) -> Refusal | None:
    if res.type == c.POOL and not (res.inputs.get("originationIdentities") or []):
        return Refusal(stack, res.urn, "the pool would have no origination identity", POOL_LAST_IDENTITY,
                       "keep an active number in the pool until its replacement is active")
    return None


def _dangling_checks(account: Account, stack: str) -> list[Refusal]:
    """CLOUDWATCH_METRIC health checks used by live records whose alarm no longer exists."""
    alarms = {(r.inputs.get("name"), r.inputs.get("region")) for r in account.live.values() if r.type == c.ALARM}
    used = {r.inputs.get("healthCheckId") for r in account.live.values() if r.type == c.RECORD}
    out = []
    for hc in account.live.values():
        if hc.type != c.HEALTH_CHECK or hc.inputs.get("type") != "CLOUDWATCH_METRIC":
            continue
        if str(hc.outputs.get("arn", "")).rsplit("/", 1)[-1] not in used:
            continue
        key = (hc.inputs.get("cloudwatchAlarmName"), hc.inputs.get("cloudwatchAlarmRegion"))
        if key not in alarms:
            out.append(Refusal(stack, hc.urn, f"after this stack's deploy the health check watches {key[0]} in "
                               f"{key[1]}, which no longer exists, while failover records still use it",
                               DANGLING_CHECK, "remove the records first (docs/day-2.md, routing migrations)"))
    return out


def play(account: Account, plan: StackPlan, state: StackRun, program: StackRun) -> None:
    """Run the steps against the account; add each refusal to the plan (the real deploy would stop at the first)."""
    old_by_urn = {r.urn: r for r in state.resources}
    new_by_urn = {r.urn: r for r in program.resources}
    for step in plan.steps:
        new, old = new_by_urn.get(step.urn), old_by_urn.get(step.urn)
        found: list[Refusal | None] = []
        if step.op == "create" and new is not None:
            found += [_name_refusal(account, plan.stack, new, ""), _pool_refusal(plan.stack, new)]
            if new.type == c.RECORD:
                found.append(_record_refusal(account, plan.stack, new, ""))
            account.live[new.urn] = new
        elif step.op == "update" and new is not None:
            found.append(_pool_refusal(plan.stack, new))
            if new.type == c.RECORD:  # the provider's update: DELETE the old and CREATE the new in one batch
                found.append(_record_refusal(account, plan.stack, new, new.urn))
            account.live[new.urn] = new
        elif step.op in ("replace", "delete-before-replace") and new is not None and old is not None:
            found.append(_delete_refusal(plan.stack, old, replacing=True))
            if step.op == "delete-before-replace":
                account.live.pop(old.urn, None)
                found.append(_name_refusal(account, plan.stack, new, ""))
            else:
                found.append(_name_refusal(account, plan.stack, new, ""))  # the old one still holds the name
            if new.type == c.RECORD:
                found.append(_record_refusal(account, plan.stack, new,
                                             "" if step.op == "replace" else old.urn))
            account.live[new.urn] = new
        elif step.op == "delete-replaced" and old is not None:
            pass  # refusals of the old copy were reported at its replacement
        elif step.op == "delete" and old is not None:
            found.append(_delete_refusal(plan.stack, old, replacing=False))
            account.live.pop(old.urn, None)
            if old.retain_on_delete:
                account.retained.append(old)
        plan.refusals += [f for f in found if f is not None]
    plan.refusals += _dangling_checks(account, plan.stack)


def plan_pair(state: PairRun, program: PairRun) -> PairPlan:
    """Both stacks' second deploy, secondary first as always, played against one account model."""
    account = Account([state.secondary, state.primary])
    plans = []
    for old, new in ((state.secondary, program.secondary), (state.primary, program.primary)):
        plan = plan_stack(old, new)
        play(account, plan, old, new)
        plans.append(plan)
    return PairPlan(plans)


def plan_deploys(runs: list[PairRun]) -> list[PairPlan]:
    """A sequence of deploys (a migration procedure): each pair run deployed over the previous one."""
    return [plan_pair(before, after) for before, after in itertools.pairwise(runs)]


# ------------------------------------------------------------------------------------------------- deployed state
def state_from_export(data: dict[str, Any], stack: str) -> StackRun:
    """The state of a stack from `pulumi stack export` JSON (version 3): resources, options and stack outputs.

    Providers and the stack resource itself are left out (they are not steps of the program's resources); the
    stack resource's outputs are the stack's exports (the primary's StackReference reads the secondary's).
    """
    deployment = data.get("deployment") if isinstance(data, dict) else None
    if not isinstance(deployment, dict) or not isinstance(deployment.get("resources"), list):
        raise ValueError("not a `pulumi stack export` document: it has no deployment.resources")
    resources: list[Recorded] = []
    outputs: dict[str, Any] = {}
    for res in deployment["resources"]:
        typ = str(res.get("type", ""))
        if typ == "pulumi:pulumi:Stack":
            outputs = dict(res.get("outputs") or {})
            continue
        if typ.startswith("pulumi:providers:"):
            continue
        urn = str(res.get("urn", ""))
        resources.append(Recorded(
            urn=urn, type=typ, name=urn.rsplit("::", 1)[-1], custom=bool(res.get("custom")),
            parent=str(res.get("parent") or ""), provider=str(res.get("provider") or ""),
            dependencies=list(res.get("dependencies") or []),
            property_dependencies={k: list(v) for k, v in (res.get("propertyDependencies") or {}).items()},
            ignore_changes=list(res.get("ignoreChanges") or []),
            delete_before_replace=bool(res.get("deleteBeforeReplace")),
            replace_on_changes=list(res.get("replaceOnChanges") or []),
            retain_on_delete=bool(res.get("retainOnDelete")), protect=bool(res.get("protect")),
            inputs=dict(res.get("inputs") or {}), outputs=dict(res.get("outputs") or {}),
        ))  # fmt: skip
    return StackRun(stack=stack, resources=resources, outputs=outputs, errors=[], preview=False)


def export_of(run: StackRun) -> dict[str, Any]:
    """A `pulumi stack export`-shaped document of a simulated run (what a deployed stack's export looks like)."""
    stack_urn = f"urn:pulumi:{run.stack}::{run.resources[0].urn.split('::')[1] if run.resources else 'p'}::" \
                f"pulumi:pulumi:Stack::{run.stack}"  # fmt: skip
    resources: list[dict[str, Any]] = [{"urn": stack_urn, "custom": False, "type": "pulumi:pulumi:Stack",
                                        "outputs": run.outputs}]  # fmt: skip
    for r in run.resources:
        resources.append({
            "urn": r.urn, "custom": r.custom, "type": r.type, "parent": r.parent or stack_urn,
            "inputs": _exported(r.inputs), "outputs": _exported(r.outputs), "protect": r.protect,
            "retainOnDelete": r.retain_on_delete,
            "deleteBeforeReplace": r.delete_before_replace, "dependencies": r.dependencies,
            "propertyDependencies": r.property_dependencies,
        })  # fmt: skip
    return {"version": 3, "deployment": {"manifest": {}, "resources": resources}}


def _exported(value: Any) -> Any:
    if _is_asset(value):
        return {ASSET_SIG: ARCHIVE_SIG, "hash": asset_digest(value)}
    if isinstance(value, dict):
        return {k: _exported(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exported(v) for v in value]
    return value


def summary(plan: PairPlan) -> dict[str, Any]:
    """JSON-able: per stack the replacements, deletions, creations and updates, and every refusal."""
    out: dict[str, Any] = {"ok": plan.ok, "stacks": {}}
    for sp in plan.stacks:
        out["stacks"][sp.stack] = {
            op: [{"name": s.name, "type": s.type, "urn": s.urn, "inputs": s.keys} for s in sp.ops(op)]
            for op in ("replace", "delete-before-replace", "delete", "create", "update")
        }
        out["stacks"][sp.stack]["refused"] = [
            {"urn": r.urn, "reason": r.reason, "fix": r.fix, "source": r.source} for r in sp.refusals
        ]
    return out
