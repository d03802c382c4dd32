"""Read a pair from its files: this stack's config, the peer's stack file and the shared declaration.

Why a module of its own: loading needs every cross-field rule (`components/rules.py`), and some of those need the
models built on the declaration (the Region switch plan); the declaration itself imports none of them, so the
layers stay a straight line: declaration -> models -> rules -> loader.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from regionpair.components.declaration import (
    CONFIG_NAMESPACE,
    DeclarationError,
    Half,
    Pair,
    Role,
    SharedDeclaration,
)
from regionpair.components.declaration.base import PATTERN_TEXT
from regionpair.components.rules import validate_pair
from regionpair.components.stacks import (
    StackFile,
    check_namespaces,
    check_peer_project,
    project_name,
    read_yaml,
    stack_file_config,
)

# ------------------------------------------------------------------------------------------------- loading
KEY_PART = "[key]"
"""Pydantic's marker in an error location for a mapping's key (not its value): never shown to the user."""
YAML_BOOLEAN = (
    "YAML reads an unquoted NO, OFF, FALSE (or YES, ON, TRUE) as a boolean; quote the text you meant (e.g. \"NO\")"
)


def _key_of(prefix: str, loc: tuple[Any, ...]) -> str:
    key = prefix
    for part in loc:
        if isinstance(part, bool):
            part = str(part).lower()
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else str(part)
    return key


def _unwrap(annotation: Any) -> Any:
    """The model or container type behind Annotated[...] and X | None."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that the location `loc` (a path of keys and indexes) points into, if it is one."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (list, tuple, set, frozenset) and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unknown_key(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """"unknown key" with the closest allowed key (difflib), else the list of allowed keys."""
    parent = _model_at(model, loc[:-1])
    if parent is None:
        return "unknown key; check its spelling against docs/configuration.md"
    allowed = [f.alias or n for n, f in parent.model_fields.items()]
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return f"unknown key; allowed here: {', '.join(allowed)}"


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(first: dict[str, Any], model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind, value = first["type"], first.get("input")
    msg = str(first["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return _unknown_key(model, loc)
    if kind == "missing":
        return "required key is missing; see docs/configuration.md for an example"
    if isinstance(value, bool) and kind in {"string_type", "enum", "literal_error", "string_pattern_mismatch"}:
        return f"is {str(value).lower()}, a boolean, where text is expected: {YAML_BOOLEAN}"
    if kind == "string_pattern_mismatch":
        pattern = (first.get("ctx") or {}).get("pattern", "")
        allowed = PATTERN_TEXT.get(pattern, "a value of the documented form (docs/configuration.md)")
        return f"{_got(value)} is not allowed; write {allowed}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"must be a whole number, got {_got(value)}"
    if kind in {"float_parsing", "float_type"}:
        return f"must be a number, got {_got(value)}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"must be true or false, got {_got(value)}"
    if kind == "string_type":
        return f"must be text, got {_got(value)}"
    if kind in {"list_type", "tuple_type", "set_type"}:
        return f"must be a list (one `- item` per line), got {_got(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"must be a mapping of keys (key: value lines), got {_got(value)}"
    if kind in {"enum", "literal_error"}:
        return msg[0].lower() + msg[1:]
    if kind.startswith(("greater_than", "less_than", "too_short", "too_long", "string_too")):
        return msg[0].lower() + msg[1:] + f" (got {_got(value)})"
    return msg


def _first_error(prefix: str, err: ValidationError, model: type[BaseModel]) -> DeclarationError:
    """One line for the most useful error: an unknown key first (a typo'd required key is also "missing")."""
    errors = err.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    if loc and loc[-1] == KEY_PART:  # the key of a mapping is wrong, not its value
        loc = loc[:-1]
        value = first.get("input")
        inner = _message(first, model, loc)
        if isinstance(value, bool):
            loc = loc[:-1]  # pydantic shows the boolean key as an index
            inner = f"a key here is {str(value).lower()}, a boolean: {YAML_BOOLEAN}"
        elif inner.startswith(_got(value)):
            inner = f"the key {inner}"
        return DeclarationError(_key_of(prefix, loc), inner)
    message = _message(first, model, loc)
    if not loc and ": " in message and message.split(": ", 1)[0].isidentifier():
        # A whole-model rule names its key at the start of its message ("buckets: two entries are named ...").
        key, message = message.split(": ", 1)
        loc = (key,)
    return DeclarationError(_key_of(prefix, loc), message)


def _half_from_stack_config(stack_config: dict[str, Any], where: str) -> Half:
    prefix = f"{CONFIG_NAMESPACE}:"
    ours = {k[len(prefix) :]: v for k, v in stack_config.items() if k.startswith(prefix)}
    try:
        return Half.model_validate(ours)
    except ValidationError as err:
        e = _first_error("", err, Half)
        raise DeclarationError(f"{where} {prefix}{e.key}", e.message) from None


def read_stack_file(project_dir: Path, stack: str, *, named_by: str | None = None) -> dict[str, Any]:
    """Read `Pulumi.<stack>.yaml`'s plain config (secure values are never needed for the peer's half).

    `named_by`: the stack whose `regionpair:peerStack` names this one (the message then names that key).
    """
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        if named_by is None:
            raise DeclarationError(
                f"Pulumi.{stack}.yaml",
                f"no such stack file in {project_dir}; create the stack (pulumi stack init {stack}) or name an "
                "existing one",
            )
        raise DeclarationError(
            f"Pulumi.{named_by}.yaml {CONFIG_NAMESPACE}:peerStack",
            f"names stack {stack}, but there is no Pulumi.{stack}.yaml in {project_dir}; create that stack "
            f"(pulumi stack init {stack}) with the other half's role and region, or fix the name",
        )
    return stack_file_config(project_dir, stack)


def load_pair(project_dir: Path, this_stack_config: dict[str, Any], this_stack: str) -> Pair:
    """Build and validate the whole pair from this stack's config, the peer's stack file and the shared file.

    `this_stack_config` uses the fully qualified keys of a stack file (`regionpair:role`, `aws:region`, ...).
    Raises `DeclarationError` naming the offending key; never touches the network.
    """
    project = project_name(project_dir)
    check_namespaces(this_stack_config, f"Pulumi.{this_stack}.yaml", project)
    this = _half_from_stack_config(this_stack_config, f"Pulumi.{this_stack}.yaml")
    check_peer_project(StackFile(this_stack, this_stack_config, None, None), project)
    peer_cfg = read_stack_file(project_dir, this.peer_stack_short, named_by=this_stack)
    check_namespaces(peer_cfg, f"Pulumi.{this.peer_stack_short}.yaml", project)
    peer = _half_from_stack_config(peer_cfg, f"Pulumi.{this.peer_stack_short}.yaml")
    aws_region = this_stack_config.get("aws:region")
    if aws_region and aws_region != this.region:
        raise DeclarationError(
            f"Pulumi.{this_stack}.yaml aws:region",
            f"is {aws_region} but regionpair:region is {this.region}; set both to the same region",
        )

    decl_path = project_dir / this.declaration
    if not decl_path.exists():
        raise DeclarationError(
            f"Pulumi.{this_stack}.yaml {CONFIG_NAMESPACE}:declaration",
            f"names {this.declaration}, which does not exist in {project_dir}; create it or fix the path "
            "(relative to the project directory)",
        )
    raw = read_yaml(decl_path) or {}
    if not isinstance(raw, dict):
        raise DeclarationError(decl_path.name, "must be a mapping of keys (name, dns, email, ...)")
    try:
        shared = SharedDeclaration.model_validate(raw)
    except ValidationError as err:
        e = _first_error("", err, SharedDeclaration)
        raise DeclarationError(f"{decl_path.name} {e.key}", e.message) from None

    if this.role is peer.role:
        raise DeclarationError(
            f"Pulumi.{this.peer_stack_short}.yaml {CONFIG_NAMESPACE}:role",
            f"both stacks say role {this.role.value}; one must be primary and the other secondary",
        )
    primary, secondary = (this, peer) if this.role is Role.PRIMARY else (peer, this)
    pair = Pair(shared=shared, primary=primary, secondary=secondary, this_role=this.role)
    validate_pair(pair, decl_path.name)
    return pair
