"""Deny-by-default parity: every resource of one half against its counterpart in the other, on all inputs.

The primary's pack sees its own registered resources (inputs as the engine sends them) and, through the
secondary's parity manifest, the secondary's `resources` inventory (components/inventory.py: every resource the
secondary registered with all its inputs). Resources pair by type and logical name (region and role words
replaced by placeholders); every input that differs is a finding, except what `policies/per_region.py` lists
with its reason; a resource with no counterpart is a finding unless the table says one half owns it.

The same inventory is the half's claim about itself: in each stack it is compared with what was registered, so a
resource changed after the program built it (by hand in the state, or by a transformation) is named with the
input to restore (`inventory_gaps`).

Pure functions over plain data (`policies.props.plain`), no Pulumi runtime.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from regionpair.policies import per_region
from regionpair.policies import props as P

PARITY = "pair-parity-all-inputs"
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's unknown value on the wire (a preview's computed input inside a manifest)."""


@dataclass(frozen=True)
class Entry:
    """One resource of a half: its type, logical name, URN (own stack only) and plain inputs."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    urn: str | None = None
    id: Any = None
    """The id AWS assigned (known after an update): values naming it are compared as "that resource's id"."""


@dataclass(frozen=True)
class Difference:
    """One input that differs between two entries (or a resource without its counterpart)."""

    type: str
    name: str
    path: str
    mine: Any
    theirs: Any
    urn: str | None
    peer_urn: str | None = None


def is_resource(token: str) -> bool:
    """Custom resources of a half: not the stack, providers, components or the peer's StackReference."""
    return not token.startswith(("pulumi:", "regionpair:")) and ":" in token


def registered(resources: Iterable[Any]) -> list[Entry]:
    """The stack's custom resources as `Entry`s (PolicyResource or anything with type/name/urn/props)."""
    out = []
    for r in resources:
        token = getattr(r, "resource_type", None) or getattr(r, "type", "")
        if is_resource(token):
            props = _unwire(P.plain(r.props))
            out.append(Entry(token, str(r.name), props, r.urn, props.get("id")))
    return out


def inventory(manifest: Mapping[str, Any] | None) -> list[Entry] | None:
    """The `resources` a manifest lists (None when the manifest predates the inventory)."""
    items = (manifest or {}).get("resources")
    if not isinstance(items, list):
        return None
    return [
        Entry(str(i.get("type")), str(i.get("name")), _unwire(i.get("inputs") or {}), i.get("urn"),
              _unwire(i.get("id")))
        for i in items
        if isinstance(i, Mapping) and is_resource(str(i.get("type")))
    ]


def _unwire(value: Any) -> Any:
    """The wire's unknown sentinel string as `P.UNKNOWN`; floats that are integers as ints."""
    if value == UNKNOWN_SENTINEL:
        return P.UNKNOWN
    if isinstance(value, Mapping):
        return {k: _unwire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwire(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------------------------- normalising
class Half:
    """How one half's strings read with its region and role words replaced by placeholders."""

    def __init__(self, region: str, peer_region: str, role: str) -> None:
        peer_role = "secondary" if role == "primary" else "primary"
        self.words = {region: "{region}", peer_region: "{peer-region}", role: "{role}", peer_role: "{peer-role}"}
        self.pattern = per_region.placeholders(region, peer_region, role, peer_role)

    def text(self, value: str) -> str:
        """A string with the half's region and role words, and a shortened name's digest, as placeholders."""
        return per_region.DIGEST.sub("{digest}", self.pattern.sub(lambda m: self.words[m.group(0)], value))

    def value(self, value: Any) -> Any:
        """A whole input tree, keys and strings, with the placeholders."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def differences(token: str, mine: Any, theirs: Any, path: str = "", name: str = "") -> list[tuple[str, Any, Any]]:
    """Every leaf path where two (normalised) input trees differ; unknown leaves are no verdict."""
    if mine is P.UNKNOWN or theirs is P.UNKNOWN:
        return []
    if path and per_region.exempt(token, path, name) is not None:
        return []
    if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
        out = []
        for key in sorted(set(mine) | set(theirs), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in mine or key not in theirs:
                a, b = mine.get(key), theirs.get(key)
                if not (_empty(a) and _empty(b)) and per_region.exempt(token, sub, name) is None:
                    out.append((sub, a, b))
                continue
            out += differences(token, mine[key], theirs[key], sub, name)
        return out
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        out = []
        for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            out += differences(token, a, b, f"{path}.{i}" if path else str(i), name)
        return out
    if P.is_unknown(mine) or P.is_unknown(theirs):
        return []
    return [] if mine == theirs else [(path, mine, theirs)]


def _empty(value: Any) -> bool:
    """Absent, null and empty read alike: the provider sends no key for an unset input."""
    return value is None or value == {} or value == []


# ------------------------------------------------------------------------------------------------ compare
def restrict(registered: Any, *shapes: Any) -> Any:
    """`registered` (a stack policy sees inputs and outputs merged) cut to the keys the inputs trees have.

    The engine hands a stack policy each resource's state, outputs included (`arn`, `id`, ...); the inventory
    holds inputs only. An input the program set is in its own inventory; one the peer set is in the peer's.
    """
    trees = [t for t in shapes if t is not None and t is not P.UNKNOWN]
    if isinstance(registered, Mapping) and trees and all(isinstance(t, Mapping) for t in trees):
        keys = set().union(*(set(t) for t in trees))
        return {k: restrict(registered.get(k), *(t.get(k) for t in trees)) for k in keys if k in registered}
    if isinstance(registered, list) and trees and all(isinstance(t, list) for t in trees):
        return [restrict(v, *(t[i] if i < len(t) else None for t in trees)) for i, v in enumerate(registered)]
    return registered


def _ids(pairs: list[tuple[tuple[str, str], Entry | None, Entry | None]]) -> tuple[dict[str, str], dict[str, str]]:
    """Each paired resource's AWS-assigned id, in each half, mapped to one placeholder naming the resource."""
    mine, theirs = {}, {}
    for (_, name), a, b in pairs:
        if a is None or b is None:
            continue
        x, y = a.id, b.id
        if isinstance(x, str) and isinstance(y, str) and x != y and len(x) >= 6 and len(y) >= 6:
            label = f"{{id of {name}}}"
            mine[x], theirs[y] = label, label
    return mine, theirs


def _substituter(ids: dict[str, str]) -> Callable[[Any], Any]:
    """`value` with each id (ARN, URN, generated id) replaced by its placeholder; the pattern built once."""
    if not ids:
        return lambda value: value
    pattern = re.compile("(?<![A-Za-z0-9_-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
                         + ")(?![A-Za-z0-9_])")  # fmt: skip

    def sub(v: Any) -> Any:
        if isinstance(v, str):
            return pattern.sub(lambda m: ids[m.group(1)], v)
        if isinstance(v, Mapping):
            return {k: sub(x) for k, x in v.items()}
        if isinstance(v, list):
            return [sub(x) for x in v]
        return v

    return sub


def compare(
    own: list[Entry], own_half: Half, peer: list[Entry], peer_half: Half, own_role: str,
    claim: list[Entry] | None = None, declaration: Mapping[str, Any] | None = None,
) -> list[Difference]:
    """Every difference between this half's registered resources and the peer's inventory.

    `claim`: this half's own inventory (its inputs, as its program built them): the registered state is cut to
    the inputs either half set, so outputs AWS computes are never compared.
    """
    built = {(e.type, e.name): e for e in claim or []}
    if claim is not None:  # the user's own resources in the same stack are not the half's: not ours to compare
        own = [e for e in own if (e.type, e.name) in built]
    mine = {(e.type, own_half.text(e.name)): e for e in own}
    theirs = {(e.type, peer_half.text(e.name)): e for e in peer}
    for key, e in list(mine.items()):  # the state may not carry the id: the half's own inventory does
        if e.id is None and (e.type, e.name) in built:
            mine[key] = Entry(e.type, e.name, e.inputs, e.urn, built[(e.type, e.name)].id)
    pairs = [(k, mine.get(k), theirs.get(k)) for k in sorted(set(mine) | set(theirs))]
    my_ids, their_ids = _ids(pairs)
    mine_sub, theirs_sub = _substituter(my_ids), _substituter(their_ids)
    out: list[Difference] = []
    for key, a, b in pairs:
        token, name = key
        row = per_region.owned(token, name, declaration)
        if row is not None and row.owner == "each":
            continue  # each half's own, never paired
        if a is None or b is None:
            holder = own_role if a is not None else ("secondary" if own_role == "primary" else "primary")
            if row is not None and row.owner in (holder, "either"):
                continue
            out.append(Difference(token, name, "", a is not None, b is not None, a.urn if a else None,
                                  b.urn if b else None))
            continue
        own_inputs = (built.get((a.type, a.name)) or Entry(token, name, {})).inputs
        have = restrict(dict(a.inputs), dict(own_inputs) if claim is not None else None, dict(b.inputs))
        # A value both halves hold literally (a dashboard naming both regions) is equal, whatever its ids and
        # placeholders would read: only a path where the raw values differ too is a difference.
        raw = {h.text(p) for p, _, _ in differences(token, have, dict(b.inputs), "", name)
               for h in (own_half, peer_half)}
        x = own_half.value(mine_sub(have))
        y = peer_half.value(theirs_sub(dict(b.inputs)))
        for path, u, v in differences(token, x, y, "", name):
            if not path.startswith("__") and path in raw:
                out.append(Difference(token, name, path, u, v, a.urn, b.urn))
    return out


def replica_differences(own: list[Entry]) -> list[Difference]:
    """A global table's replica is the secondary's table: it must keep what the table keeps (PITR, protection)."""
    out = []
    pairs = (("pointInTimeRecovery", "pointInTimeRecovery.enabled"), ("deletionProtectionEnabled",
             "deletionProtectionEnabled"))  # fmt: skip
    for e in own:
        if e.type != P.TABLE:
            continue
        for i, replica in enumerate(e.inputs.get("replicas") or []):
            if not isinstance(replica, Mapping):
                continue
            for on_replica, on_table in pairs:
                want, have = bool(P.dig(e.inputs, on_table)), replica.get(on_replica)
                if P.is_unknown(have) or P.dig(e.inputs, on_table) is P.UNKNOWN:
                    continue
                if bool(have) != want:
                    out.append(Difference(e.type, e.name, f"replicas.{i}.{on_replica}", have, want, e.urn))
    return out


def inventory_gaps(claim: list[Entry], own: list[Entry]) -> list[Difference]:
    """Where a resource as registered differs from what the half's program built (its exported inventory)."""
    said = {(e.type, e.name): e for e in claim}
    out = []
    for e in own:
        c = said.get((e.type, e.name))
        if c is None:
            continue  # resources the program did not build under the half (the user's own) are not ours to judge
        state = restrict(dict(e.inputs), dict(c.inputs))
        for path, have, built in differences(e.type, state, dict(c.inputs), "", e.name):
            if path.startswith("__"):
                continue
            out.append(Difference(e.type, e.name, path, have, built, e.urn))
    return out


def show(value: Any) -> str:
    """A value in a message: short, `unset` for None."""
    if value is None:
        return "unset"
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def declaration_differences(today: Any, deployed: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Where the declaration a half was deployed from differs from today's (deep, every key)."""
    if isinstance(today, Mapping) and isinstance(deployed, Mapping):
        out = []
        for key in sorted(set(today) | set(deployed), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in today or key not in deployed:
                if not (_empty(today.get(key)) and _empty(deployed.get(key))):
                    out.append((sub, today.get(key), deployed.get(key)))
                continue
            out += declaration_differences(today[key], deployed[key], sub)
        return out
    if isinstance(today, list) and isinstance(deployed, list) and len(today) == len(deployed):
        return [d for i, (a, b) in enumerate(zip(today, deployed, strict=True))
                for d in declaration_differences(a, b, f"{path}.{i}")]  # fmt: skip
    return [] if today == deployed else [(path, today, deployed)]


def per_half_paths(pair: Any) -> dict[str, set[str]]:
    """Inputs a stack file sets for its own half only (docs/configuration.md): type -> path prefixes.

    `regionpair:lambda` gives a region its own values of declared environment variables and its own layer
    ARNs; `regionpair:adopt` names the existing bucket or opt-out list of that region; `regionpair:endpoint` names
    the region's own existing API or load balancer, which its signals' dimensions and its latency health check
    name.
    """
    out: dict[str, set[str]] = {}
    for half in (pair.primary, pair.secondary):
        lam = half.lambda_
        if lam is not None:
            out.setdefault(P.LAMBDA, set()).update(f"environment.variables.{k}" for k in lam.environment)
            if lam.layers is not None:
                out[P.LAMBDA].add("layers")
        adopt = half.adopt
        if adopt is not None and adopt.buckets:
            for token in (P.BUCKET, P.BUCKET_VERSIONING, P.BUCKET_POLICY, P.BUCKET_PUBLIC_ACCESS,
                          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                          "aws:s3/bucketOwnershipControls:BucketOwnershipControls"):  # fmt: skip
                out.setdefault(token, set()).update({"bucket", "policy"})
        if adopt is not None and adopt.opt_out_list:
            out.setdefault(P.SMS_POOL, set()).add("optOutListName")
            out.setdefault("aws:pinpoint/smsvoicev2OptOutList:Smsvoicev2OptOutList", set()).add("name")
        if half.endpoint is not None:  # `regionpair:endpoint`: each region's own existing API or load balancer
            out.setdefault(f"{P.METRIC_ALARM} *-signals-api-*", set()).update({"dimensions", "metricQueries"})
            out.setdefault(f"{P.HEALTH_CHECK} *-routing-endpoint-check", set()).update(
                {"fqdn", "resourcePath", "port", "ipAddress"})
    return out


def declared_here(paths: Mapping[str, set[str]], d: Difference) -> bool:
    """Whether a difference is one a stack file declares for its half (`type` or `type name-pattern` keys)."""
    for key, prefixes in paths.items():
        kind, _, pattern = key.partition(" ")
        if kind != d.type or (pattern and not fnmatch.fnmatchcase(d.name, pattern)):
            continue
        if any(d.path == p or d.path.startswith(p + ".") for p in prefixes):
            return True
    return False
