"""Read a pair from its files: this stack's config, the peer's stack file and the shared declaration.

Why a module of its own: loading needs every cross-field rule (`components/rules.py`), and some of those need the
models built on the declaration (the Region switch plan); the declaration itself imports none of them, so the
layers stay a straight line: declaration -> models -> rules -> loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from regionpair.components.declaration import (
    CONFIG_NAMESPACE,
    DeclarationError,
    Half,
    Pair,
    Role,
    SharedDeclaration,
)
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
def _key_of(prefix: str, loc: tuple[Any, ...]) -> str:
    key = prefix
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else str(part)
    return key


def _first_error(prefix: str, err: ValidationError) -> DeclarationError:
    first = err.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = "unknown key; check its spelling against docs/configuration.md"
    elif first["type"] == "missing":
        msg = "required key is missing; see docs/configuration.md for an example"
    elif first["type"] in {"enum", "literal_error"}:
        msg = msg[0].lower() + msg[1:]
    return DeclarationError(_key_of(prefix, loc), msg)


def _half_from_stack_config(stack_config: dict[str, Any], where: str) -> Half:
    prefix = f"{CONFIG_NAMESPACE}:"
    ours = {k[len(prefix) :]: v for k, v in stack_config.items() if k.startswith(prefix)}
    try:
        return Half.model_validate(ours)
    except ValidationError as err:
        e = _first_error("", err)
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
        raise DeclarationError(f"{CONFIG_NAMESPACE}:declaration", f"file {decl_path} does not exist")
    raw = read_yaml(decl_path) or {}
    if not isinstance(raw, dict):
        raise DeclarationError(decl_path.name, "must be a mapping of keys (name, dns, email, ...)")
    try:
        shared = SharedDeclaration.model_validate(raw)
    except ValidationError as err:
        e = _first_error("", err)
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
