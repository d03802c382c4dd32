"""A policy config file (`--policy-pack-config`, `regionpair check --policy-config`), checked as the Pulumi CLI does.

Why: a mistake in this file must be one line naming the key and the fix, before any run. Without this, a string
where a number belongs surfaced as the pack's gRPC traceback, and a misspelt policy name was silently ignored
(the gate you think you set does not exist). The rules are the CLI's (pulumi/pulumi, `pkg/resource/analyzer`:
`parsePolicyPackConfig`, `extractEnforcementLevel`, `validatePolicyConfig`, `applyConfig`): a JSON object; each
value an enforcement level (advisory, mandatory, remediate, disabled) or an object with an optional
`enforcementLevel` and the policy's settings, validated against its `config_schema` as JSON schema; `all` sets
the level of every policy. Stricter than the CLI, on purpose: an unknown policy name and an unknown setting are
refused (the CLI accepts and ignores both). The schemas are the pack's own (`regionpair.policies.pack`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regionpair.components.declaration import DeclarationError

if TYPE_CHECKING:
    import jsonschema

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
ALL = "all"
ENFORCEMENT_LEVEL = "enforcementLevel"
_JSON_TYPES = {"integer": "an integer", "number": "a number", "string": "a string", "boolean": "true or false",
               "array": "a list", "object": "an object"}  # fmt: skip


class PolicyConfigError(DeclarationError):
    """A mistake in a policy config file: `key` is `<file> <policy>[.<setting>]`, `message` says the fix."""


def pack_schemas() -> dict[str, dict[str, Any]]:
    """Each policy of the pack with its config schema as the CLI builds it (`type: object`, properties, required)."""
    from regionpair.policies.pack import ALL_POLICIES  # the pack's model layer only (no pulumi_aws)

    out: dict[str, dict[str, Any]] = {}
    for policy in ALL_POLICIES:
        schema: dict[str, Any] = {"type": "object"}
        cs = getattr(policy, "config_schema", None)
        if cs is not None and cs.properties:
            schema["properties"] = dict(cs.properties)
        if cs is not None and cs.required:
            schema["required"] = list(cs.required)
        out[policy.name] = schema
    return out


def load(path: Path, schemas: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Read and validate a policy config file; the config as the CLI hands it to the pack (`all` applied)."""
    text = path.read_text()
    if not text.strip():
        return {}  # the CLI accepts an empty file
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as err:
        raise PolicyConfigError(
            path.name, f"is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}); fix its syntax"
        ) from None
    except _Duplicate as dup:
        raise PolicyConfigError(f"{path.name} {dup.key}", "appears twice; keep one (JSON keeps the last)") from None
    return validate(data, pack_schemas() if schemas is None else schemas, path.name)


def validate(data: Any, schemas: Mapping[str, Mapping[str, Any]], where: str = "policy config") -> dict[str, Any]:
    """Check `data` against the pack's policies and schemas; the reconciled config (`all` applied to each)."""
    if not isinstance(data, dict):
        raise PolicyConfigError(
            where,
            'must be a JSON object of policy names, e.g. {"pair-deploy-order": "advisory"} or '
            '{"route53-record-failover-pairs": {"maxTtlSeconds": 60}}',
        )
    parsed: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for name, value in data.items():
        key = f"{where} {name}"
        if name != ALL and name not in schemas:
            raise PolicyConfigError(key, f"unknown policy{_did_you_mean(name, [ALL, *schemas])} (docs/policies.md "
                                    "lists the pack's policies)")  # fmt: skip
        level, props = _entry(key, value)
        if name == ALL and props:
            raise PolicyConfigError(
                f"{key}.{next(iter(props))}",
                'all sets only an enforcement level for every policy, e.g. "all": "advisory"; put settings under '
                "the policy they belong to",
            )
        if name != ALL:
            _check_settings(key, props, schemas[name])
        parsed[name] = (level, props)
    return _reconcile(parsed, schemas)


def _entry(key: str, value: Any) -> tuple[str | None, dict[str, Any]]:
    if isinstance(value, str):
        return _level(key, value), {}
    if isinstance(value, dict):
        props = dict(value)
        level = props.pop(ENFORCEMENT_LEVEL, None)
        if level is not None and not isinstance(level, str):
            raise PolicyConfigError(f"{key}.{ENFORCEMENT_LEVEL}", f"{json.dumps(level)} is not an enforcement level; "
                                    f"write one of {', '.join(LEVELS)} as a string")  # fmt: skip
        return (_level(f"{key}.{ENFORCEMENT_LEVEL}", level) if level is not None else None), props
    raise PolicyConfigError(
        key,
        f"{json.dumps(value)} is neither an enforcement level nor an object; write \"advisory\" (or mandatory, "
        'remediate, disabled) or {"enforcementLevel": "advisory", ...}',
    )


def _level(key: str, level: str) -> str:
    if level not in LEVELS:
        raise PolicyConfigError(
            key, f"{level!r} is not an enforcement level{_did_you_mean(level, LEVELS)} (use one of {', '.join(LEVELS)})"
        )
    return level


def _check_settings(key: str, props: dict[str, Any], schema: Mapping[str, Any]) -> None:
    known = dict(schema.get("properties") or {})
    for prop in props:
        if prop not in known:
            offer = f" (its settings: {', '.join(known)})" if known else " (this policy takes no settings)"
            raise PolicyConfigError(f"{key}.{prop}", f"unknown setting{_did_you_mean(prop, list(known))}{offer}")
    import jsonschema  # only when a config file is given: `regionpair check` without one stays fast

    # As the CLI does: the policy's defaults, then the given settings, validated against the schema.
    merged = {k: v["default"] for k, v in known.items() if isinstance(v, Mapping) and "default" in v} | props
    errors = sorted(jsonschema.Draft7Validator(dict(schema)).iter_errors(merged), key=lambda e: list(e.path))
    if errors:
        raise _schema_error(key, errors[0], known)


def _schema_error(key: str, error: jsonschema.ValidationError, known: Mapping[str, Any]) -> PolicyConfigError:
    path = ".".join(str(p) for p in error.path)
    where = f"{key}.{path}" if path else key
    value = json.dumps(error.instance)
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
        example = json.dumps(known.get(path, {}).get("default", 1 if wanted in ("integer", "number") else ""))
        quoted = " (without quotes)" if isinstance(error.instance, str) and wanted in ("integer", "number") else ""
        return PolicyConfigError(
            where, f"{value} is not {_JSON_TYPES.get(wanted, wanted)}; write e.g. {example}{quoted}"
        )
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return PolicyConfigError(where, f"{value} is out of range ({error.validator} {error.validator_value})")
    if error.validator == "enum":
        return PolicyConfigError(where, f"{value} is not one of {', '.join(map(json.dumps, error.validator_value))}")
    if error.validator == "required":
        return PolicyConfigError(key, f"{error.message}; add it")
    return PolicyConfigError(where, error.message)


def _reconcile(
    parsed: Mapping[str, tuple[str | None, dict[str, Any]]], schemas: Mapping[str, Any]
) -> dict[str, Any]:
    """What the CLI sends the pack: `all`'s level applied to every policy, then each policy's own entry."""
    out: dict[str, Any] = {}
    everyone = parsed.get(ALL, (None, {}))[0]
    if everyone is not None:
        out = {name: {ENFORCEMENT_LEVEL: everyone} for name in schemas}
    for name, (level, props) in parsed.items():
        if name == ALL:
            continue
        entry = dict(out.get(name, {}))
        if level is not None:
            entry[ENFORCEMENT_LEVEL] = level
        entry.update(props)
        out[name] = entry
    return out


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Duplicate(k)
        out[k] = v
    return out
