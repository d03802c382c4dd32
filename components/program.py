"""The program's edge: read this stack's config once, validate the whole pair, turn errors into one line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pulumi

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


def load_declaration() -> Pair:
    """Load and validate the pair; a bad declaration stops the program with one line and no resources."""
    try:
        return load_pair(project_dir(), _this_stack_config(), pulumi.get_stack())
    except DeclarationError as err:
        raise pulumi.RunError(f"invalid pair declaration: {err}") from None


def build_half(pair: Pair) -> Any:
    """Build this stack's half and export its parity manifest."""
    from regionpair.components.pair import RegionPairHalf, RegionPairHalfArgs

    half = RegionPairHalf(pair.shared.name, RegionPairHalfArgs(pair=pair))
    pulumi.export("parityManifest", half.manifest)
    pulumi.export("role", pair.this_role.value)
    pulumi.export("region", pair.this.region)
    return half
