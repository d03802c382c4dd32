"""Which stacks of a Pulumi project form which pairs: read from the stack files, whatever the stacks are named.

Why a module of its own: the check and every operations command must find "the pair" in a user's project, where
stacks are named after the user's environments (`prod-use1`, `staging-usw2`), a project may hold several pairs,
and other stacks of the project may have nothing to do with regionpair. The role of a stack comes from its
`regionpair:role`, its peer from `regionpair:peerStack` (a stack name, or `org/project/stack`), the project's
name from `Pulumi.yaml`. Each way of getting this wrong has its own one-line message.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from regionpair.components.declaration import CONFIG_NAMESPACE, DeclarationError, Role

PROJECT_FILE = "Pulumi.yaml"
DEFAULT_PROJECT = "regionpair"
KNOWN_NAMESPACES = ("aws", "pulumi")
"""Namespaces a stack file may hold besides ours and the project's own (provider and engine settings)."""
OUR_KEYS = ("role", "region", "peerStack", "certificateArn", "declaration")
"""The keys Pulumi.yaml declares for our namespace: seen bare or under another namespace, they are a typo."""


def yaml_error(path: Path, exc: yaml.YAMLError) -> DeclarationError:
    """One line naming the file, line and column of a YAML syntax error, and what the parser expected."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or exc.__class__.__name__
    where = f"{path.name} line {mark.line + 1} column {mark.column + 1}" if mark is not None else path.name
    context, opened = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and opened is not None and (mark is None or opened.line != mark.line):
        problem += f" ({context} at line {opened.line + 1} column {opened.column + 1})"
    hint = "; indent with spaces, not tabs" if "\t" in str(problem) or "tab" in str(problem) else ""
    return DeclarationError(where, f"is not valid YAML: {problem}{hint}; fix the syntax there")


_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)
"""PyYAML's libyaml parser when the wheel has it: the same values (the constructor and resolver are the
Python ones) several times faster; the stack files and pair.yaml are read a dozen times per `regionpair check`."""


def read_yaml(path: Path) -> Any:
    """Parse a YAML file; a syntax error is one `DeclarationError` with its line and column."""
    text = path.read_text()
    if _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # CSafeLoader: the safe loader, in C
        except yaml.YAMLError:
            pass  # the pure-Python parser below words the error (line, column, what it expected) as documented
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc) from None


def project_name(project_dir: Path) -> str:
    """The `name:` of the project's Pulumi.yaml (the default project name without one)."""
    path = project_dir / PROJECT_FILE
    if not path.exists():
        return DEFAULT_PROJECT
    data = read_yaml(path)
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name:
        raise DeclarationError(f"{PROJECT_FILE} name", "is missing; name the project (name: my-project)")
    return name


@dataclass(frozen=True)
class StackFile:
    """One `Pulumi.<stack>.yaml` as far as pairing goes: its role and its peer, if it declares them."""

    name: str
    config: dict[str, Any]
    role: str | None
    peer: str | None
    """The peer's stack name, without organisation and project."""


@dataclass(frozen=True)
class StackPair:
    """The two stacks of one pair, by role."""

    primary: str
    secondary: str

    @property
    def stacks(self) -> tuple[str, str]:
        """Deploy order: the secondary first."""
        return self.secondary, self.primary

    def role_of(self, stack: str) -> Role:
        """Which half `stack` deploys."""
        return Role.PRIMARY if stack == self.primary else Role.SECONDARY

    def __str__(self) -> str:
        return f"{self.primary} (primary) + {self.secondary} (secondary)"


def _stack_names(project_dir: Path) -> list[str]:
    return sorted(
        p.name[len("Pulumi.") : -len(".yaml")]
        for p in project_dir.glob("Pulumi.*.yaml")
        if p.name != PROJECT_FILE and p.is_file()
    )


def stack_file_config(project_dir: Path, stack: str) -> dict[str, Any]:
    """The `config:` mapping of `Pulumi.<stack>.yaml` (must exist)."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise DeclarationError(path.name, "must be a mapping with a config: section (see docs/configuration.md)")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise DeclarationError(f"{path.name} config", "must be a mapping of namespaced keys (regionpair:role: ...)")
    return dict(config)


def check_namespaces(config: dict[str, Any], where: str, project: str) -> None:
    """Keys of ours written bare or under another namespace (`role:`, `shop:role`) named with the fix.

    `pulumi config set role primary` in a project named `shop` writes `shop:role`: the program would never see
    it, and without this the user reads "`regionpair:role`: required key is missing" about a key they did set.
    """
    ours = {k.split(":", 1)[1] for k in config if isinstance(k, str) and k.startswith(f"{CONFIG_NAMESPACE}:")}
    for key in config:
        if not isinstance(key, str):
            continue
        namespace, _, bare = key.rpartition(":")
        if namespace == CONFIG_NAMESPACE or bare not in OUR_KEYS or bare in ours:
            continue
        if namespace in KNOWN_NAMESPACES:
            continue
        written = f"`{key}`" if namespace else f"`{bare}` (no namespace)"
        fix = f"write it as {CONFIG_NAMESPACE}:{bare} (pulumi config set {CONFIG_NAMESPACE}:{bare} VALUE)"
        if namespace == project and project != CONFIG_NAMESPACE:
            fix += f"; the project's own namespace {project}: is not read by regionpair"
        raise DeclarationError(f"{where} {key}", f"{written} is not in the {CONFIG_NAMESPACE}: namespace; {fix}")


def read_stack(project_dir: Path, stack: str, project: str | None = None) -> StackFile:
    """One stack file's role and peer (as written; validation of the values is the loader's job)."""
    config = stack_file_config(project_dir, stack)
    check_namespaces(config, f"Pulumi.{stack}.yaml", project or project_name(project_dir))
    for key in ("role", "peerStack"):
        _misspelt(config, key, f"Pulumi.{stack}.yaml")
    role = config.get(f"{CONFIG_NAMESPACE}:role")
    peer = config.get(f"{CONFIG_NAMESPACE}:peerStack")
    return StackFile(
        name=stack,
        config=config,
        role=str(role) if role is not None else None,
        peer=str(peer).rsplit("/", 1)[-1] if peer is not None else None,
    )


def _misspelt(config: dict[str, Any], key: str, where: str) -> None:
    """A required key that is missing because it was misspelt names the misspelling (not "is not set").

    The role and the peer decide which stacks form a pair, before the declaration's model (which names every other
    unknown key) is loaded.
    """
    wanted = f"{CONFIG_NAMESPACE}:{key}"
    if wanted in config:
        return
    written = [k for k in config if isinstance(k, str) and k.startswith(f"{CONFIG_NAMESPACE}:")]
    lowered = {k.lower(): k for k in written}
    close = difflib.get_close_matches(wanted.lower(), list(lowered), n=1, cutoff=0.85)
    if close:
        raise DeclarationError(f"{where} {lowered[close[0]]}", f"unknown key; did you mean {wanted}?")


def check_peer_project(stack: StackFile, project: str) -> None:
    """`peerStack: org/project/stack` must name this project: the loader reads the peer's stack file here."""
    raw = str(stack.config.get(f"{CONFIG_NAMESPACE}:peerStack") or "")
    parts = raw.split("/")
    if len(parts) not in (1, 3) or not all(parts):
        raise DeclarationError(
            f"Pulumi.{stack.name}.yaml {CONFIG_NAMESPACE}:peerStack",
            f"{raw!r} is neither a stack name nor org/project/stack; write e.g. prod-usw2 or acme/{project}/prod-usw2",
        )
    if len(parts) == 3 and parts[1] != project:
        raise DeclarationError(
            f"Pulumi.{stack.name}.yaml {CONFIG_NAMESPACE}:peerStack",
            f"names project {parts[1]} but this is project {project} ({PROJECT_FILE}); both halves of a pair are "
            f"stacks of one project: write {parts[0]}/{project}/{parts[2]}",
        )


def _require_project_dir(project_dir: Path, names: list[str]) -> None:
    if not (project_dir / PROJECT_FILE).exists() and not names:
        raise DeclarationError(
            str(project_dir),
            f"no {PROJECT_FILE} here, so this is not a Pulumi project directory; run regionpair in the directory "
            "of your project's Pulumi.yaml or pass --config-dir DIR",
        )


def find_pairs(project_dir: Path) -> list[StackPair]:
    """Every pair declared by the stack files: a primary and a secondary naming each other as peers."""
    names = _stack_names(project_dir)
    _require_project_dir(project_dir, names)
    project = project_name(project_dir)
    files = {n: read_stack(project_dir, n, project) for n in names}
    pairs: list[StackPair] = []
    for f in files.values():
        if f.role != Role.PRIMARY.value or f.peer not in files:
            continue
        peer = files[f.peer]
        if peer.role == Role.SECONDARY.value and peer.peer == f.name:
            pairs.append(StackPair(primary=f.name, secondary=peer.name))
    return pairs


def _pairs_line(pairs: list[StackPair]) -> str:
    return "; ".join(str(p) for p in pairs)


def select_pair(project_dir: Path, stacks: list[str] | None = None) -> StackPair:
    """The pair that `--stack` names (one stack of it, or both), or the only pair of the project.

    Raises `DeclarationError` with one line for: not a project directory, no pair at all, several pairs and no
    `--stack`, an unknown `--stack`, a stack without a role, a missing peer stack file, two stacks of different
    pairs.
    """
    names = _stack_names(project_dir)
    _require_project_dir(project_dir, names)
    project = project_name(project_dir)
    chosen = list(dict.fromkeys(stacks or []))
    for stack in chosen:
        if stack not in names:
            known = ", ".join(names) if names else "none"
            raise DeclarationError(
                f"--stack {stack}",
                f"no stack file Pulumi.{stack}.yaml in {project_dir} (stacks here: {known}); name one of them, "
                "or create the stack: pulumi stack init " + stack,
            )
    if len(chosen) > 2:
        raise DeclarationError("--stack", f"names {len(chosen)} stacks; a pair has two: name one or both of them")
    if chosen:
        first = pair_of(project_dir, chosen[0], project)
        if len(chosen) == 2 and chosen[1] not in first.stacks:
            other = pair_of(project_dir, chosen[1], project)
            raise DeclarationError(
                f"--stack {chosen[1]}",
                f"is not the peer of {chosen[0]}: {chosen[0]} pairs with "
                f"{first.secondary if chosen[0] == first.primary else first.primary}, {chosen[1]} with "
                f"{other.secondary if chosen[1] == other.primary else other.primary}; name the two stacks of one pair",
            )
        return first
    pairs = find_pairs(project_dir)
    if len(pairs) == 1:
        return pairs[0]
    if not pairs:
        if not names:
            raise DeclarationError(
                str(project_dir),
                "has no stack files (Pulumi.<stack>.yaml); create one per half with regionpair:role, "
                "regionpair:region and regionpair:peerStack (docs/configuration.md)",
            )
        # Say what is wrong with the first stack that means to be part of a pair.
        for name in names:
            f = read_stack(project_dir, name, project)
            if f.role is not None or f.peer is not None:
                pair_of(project_dir, name, project)
        raise DeclarationError(
            f"Pulumi.{names[0]}.yaml {CONFIG_NAMESPACE}:role",
            f"no stack here declares regionpair:role (stacks: {', '.join(names)}); set it to primary in one stack "
            "and secondary in its peer (docs/configuration.md)",
        )
    raise DeclarationError(
        "--stack",
        f"this project holds {len(pairs)} pairs: {_pairs_line(pairs)}; choose one by naming its stacks, e.g. "
        f"--stack {pairs[0].primary} --stack {pairs[0].secondary}",
    )


def pair_of(project_dir: Path, stack: str, project: str | None = None) -> StackPair:
    """The pair `stack` belongs to, from its role and its peer's stack file (each mistake its own line)."""
    project = project or project_name(project_dir)
    this = read_stack(project_dir, stack, project)
    where = f"Pulumi.{stack}.yaml"
    if this.role is None:
        raise DeclarationError(
            f"{where} {CONFIG_NAMESPACE}:role",
            "is not set, so this stack is not half of a pair; set it to primary or secondary "
            f"(pulumi config set -s {stack} {CONFIG_NAMESPACE}:role primary)",
        )
    if this.role not in {r.value for r in Role}:
        raise DeclarationError(f"{where} {CONFIG_NAMESPACE}:role", f"is {this.role!r}; write primary or secondary")
    if this.peer is None:
        raise DeclarationError(
            f"{where} {CONFIG_NAMESPACE}:peerStack",
            "is not set; name the other stack of the pair (e.g. prod-usw2 or org/project/prod-usw2)",
        )
    check_peer_project(this, project)
    if this.peer == stack:
        raise DeclarationError(f"{where} {CONFIG_NAMESPACE}:peerStack", "names this stack itself; name the other half")
    if not (project_dir / f"Pulumi.{this.peer}.yaml").exists():
        raise DeclarationError(
            f"{where} {CONFIG_NAMESPACE}:peerStack",
            f"names stack {this.peer}, but there is no Pulumi.{this.peer}.yaml in {project_dir}; create that stack "
            f"(pulumi stack init {this.peer}) with the other half's role and region, or fix the name",
        )
    peer = read_stack(project_dir, this.peer, project)
    peer_where = f"Pulumi.{this.peer}.yaml"
    if peer.role is None:
        raise DeclarationError(
            f"{peer_where} {CONFIG_NAMESPACE}:role",
            f"is not set; the peer of {stack} must say role {Role(this.role).peer.value}",
        )
    if peer.role == this.role:
        raise DeclarationError(
            f"{peer_where} {CONFIG_NAMESPACE}:role",
            f"both {stack} and {this.peer} say role {this.role}; one must be primary and the other secondary",
        )
    if peer.peer != stack:
        raise DeclarationError(
            f"{peer_where} {CONFIG_NAMESPACE}:peerStack",
            f"is {peer.peer or 'not set'} but {stack} names {this.peer} as its peer; the two stacks must name each "
            f"other: set it to {stack}",
        )
    if this.role == Role.PRIMARY.value:
        return StackPair(primary=stack, secondary=this.peer)
    return StackPair(primary=this.peer, secondary=stack)
