"""The program's edge: read this stack's config once, validate the whole pair, turn errors into one line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pulumi

from regionpair.components import lambda_code
from regionpair.components.declaration import CONFIG_NAMESPACE, DeclarationError, Half, Pair
from regionpair.components.loader import load_pair

# The offline check runs the program for a pair declared in another directory.
CONFIG_DIR_ENV = "REGIONPAIR_CONFIG_DIR"


def _this_stack_config() -> dict[str, Any]:
    cfg = pulumi.Config(CONFIG_NAMESPACE)
    out: dict[str, Any] = {}
    for field_name, field in Half.model_fields.items():
        key = field.alias or field_name
        try:
            value = cfg.get_object(key)
        except Exception:  # a plain string that is not JSON
            value = cfg.get(key)
        if value is None:
            value = cfg.get(key)
        if value is not None:
            out[f"{CONFIG_NAMESPACE}:{key}"] = value
    aws_region = pulumi.Config("aws").get("region")
    if aws_region:
        out["aws:region"] = aws_region
    return out


def project_dir() -> Path:
    """Where `pair.yaml` and the stack files are: the program's working directory unless overridden."""
    return Path(os.environ.get(CONFIG_DIR_ENV) or Path.cwd())


def load_declaration(config_dir: Path | None = None) -> Pair:
    """Load and validate the pair; a bad declaration stops the program with one line and no resources.

    `config_dir`: where pair.yaml and the stack files are (default: `project_dir()`).
    """
    where = config_dir or project_dir()
    try:
        pair = load_pair(where, _this_stack_config(), pulumi.get_stack())
        lambda_code.check(pair, where)  # the API's own code, where the program runs (not in ops commands)
        return pair
    except DeclarationError as err:
        raise pulumi.RunError(f"invalid pair declaration: {err}") from None


def build_half(
    pair: Pair,
    *,
    name: str | None = None,
    config_dir: Path | None = None,
    opts: pulumi.ResourceOptions | None = None,
    export: bool = True,
) -> Any:
    """Build this stack's half and export its parity manifest (the peer's StackReference reads `parityManifest`).

    `name` (default: the pair's name) prefixes every resource name of the half; `opts` are the root component's
    (e.g. a parent or provider of your program); `export=False` leaves the exports to the caller, who must export
    `parityManifest` from the secondary's stack for the primary to read it.
    """
    from regionpair.components.pair import RegionPairHalf, RegionPairHalfArgs

    half = RegionPairHalf(
        name or pair.shared.name, RegionPairHalfArgs(pair=pair, config_dir=config_dir or project_dir()), opts
    )
    if export:
        pulumi.export("parityManifest", half.manifest)
        pulumi.export("role", pair.this_role.value)
        pulumi.export("region", pair.this.region)
        if "identity" in half.manifest:  # where applications sign in, in this region (docs/identity.md)
            pulumi.export("identity", half.manifest["identity"])
    return half
