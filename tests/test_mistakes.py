"""Twenty-odd typical mistakes a newcomer makes (YAML, keys, types, names, files, policy config), each run through
the `regionpair check` command: one line naming the key and the fix, a non-zero exit, never a traceback.

Each case edits a copy of the example project (Pulumi.yaml, pair.yaml, both stack files) as a user would: the
YAML cases write raw text, since the point is what the YAML parser makes of it.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from regionpair.cli import app
from tests.conftest import ROOT

runner = CliRunner()
FILES = ("Pulumi.yaml", "pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml")


def _edit(name: str, mutate: Callable[[dict], None]) -> Callable[[Path], list[str]]:
    def apply(where: Path) -> list[str]:
        data = yaml.safe_load((where / name).read_text())
        mutate(data)
        (where / name).write_text(yaml.safe_dump(data, sort_keys=False))
        return []

    return apply


def _text(name: str, old: str, new: str) -> Callable[[Path], list[str]]:
    def apply(where: Path) -> list[str]:
        text = (where / name).read_text()
        assert old in text, f"{old!r} not in {name}"
        (where / name).write_text(text.replace(old, new, 1))
        return []

    return apply


def _stack(name: str, mutate: Callable[[dict], None]) -> Callable[[Path], list[str]]:
    return _edit(f"Pulumi.{name}.yaml", lambda d: mutate(d["config"]))


def _rename(data: dict, old: str, new: str) -> None:
    data[new] = data.pop(old)


def _policy_config(config: dict) -> Callable[[Path], list[str]]:
    def apply(where: Path) -> list[str]:
        (where / "policy-config.json").write_text(json.dumps(config))
        return ["--policy-config", str(where / "policy-config.json")]

    return apply


def _args(*extra: str) -> Callable[[Path], list[str]]:
    return lambda _where: list(extra)


def _empty_dir(where: Path) -> list[str]:
    empty = where / "elsewhere"
    empty.mkdir()
    return ["--config-dir", str(empty)]


def _two_tables(d: dict) -> None:
    d["tables"] = [{"name": "orders", "hashKey": {"name": "pk"}}, {"name": "orders", "hashKey": {"name": "id"}}]


# (id, mistake, key the line must name, words of the fix it must say)
MISTAKES = [
    # YAML
    ("yaml-tab-indent", _text("pair.yaml", "\n  zoneName:", "\n\tzoneName:"), "pair.yaml line 9 column 1",
     "not valid YAML"),
    ("yaml-unclosed-bracket", _text("Pulumi.primary.yaml", "aws:region: us-east-1", "aws:region: [us-east-1"),
     "Pulumi.primary.yaml line", "fix the syntax there"),
    ("yaml-norway-is-false", _edit("pair.yaml", lambda d: d["sms"]["countries"].update({False: {"minimumNumbers": 1}})),
     "pair.yaml sms.countries", 'quote the text you meant (e.g. "NO")'),
    ("yaml-on-is-true", _text("pair.yaml", "strategy: warm-standby", "strategy: ON"), "pair.yaml strategy",
     "YAML reads an unquoted"),
    # keys
    ("typo-required-key", _edit("pair.yaml", lambda d: _rename(d["email"], "domains", "domians")),
     "pair.yaml email.domians", "unknown key; did you mean domains?"),
    ("typo-top-level-key", _edit("pair.yaml", lambda d: _rename(d, "objectives", "objectivs")),
     "pair.yaml objectivs", "did you mean objectives?"),
    ("typo-stack-key", _stack("primary", lambda c: _rename(c, "regionpair:certificateArn", "regionpair:certificatArn")),
     "Pulumi.primary.yaml regionpair:certificatArn", "did you mean certificateArn?"),
    ("key-without-namespace", _stack("secondary", lambda c: _rename(c, "regionpair:role", "role")),
     "Pulumi.secondary.yaml role", "write it as regionpair:role"),
    ("key-in-another-namespace", _stack("primary", lambda c: _rename(c, "regionpair:peerStack", "notify:peerStack")),
     "Pulumi.primary.yaml notify:peerStack", "write it as regionpair:peerStack"),
    # types
    ("number-as-words", _edit("pair.yaml", lambda d: d["objectives"].update(rtoSeconds="five minutes")),
     "pair.yaml objectives.rtoSeconds", "must be a whole number"),
    ("string-instead-of-list", _edit("pair.yaml", lambda d: d["email"].update(domains="example.com")),
     "pair.yaml email.domains", "must be a list"),
    ("documented-key-a-policy-refuses",
     _edit("pair.yaml", lambda d: d.update(tables=[{"name": "orders", "hashKey": {"name": "pk"},
                                                    "pointInTimeRecovery": False}])),
     "pair.yaml tables[0].pointInTimeRecovery", "dynamodb-table-global-replica"),
    ("unknown-enum-value", _edit("pair.yaml", lambda d: d.update(strategy="hot-standby")), "pair.yaml strategy",
     "'warm-standby' or 'active-active'"),
    # names
    ("bad-resource-name", _edit("pair.yaml", lambda d: d["buckets"][0].update(name="Assets_1")),
     "pair.yaml buckets[0].name", "lower-case letters, digits and hyphens"),
    ("lower-case-country", _edit("pair.yaml", lambda d: _rename(d["sms"]["countries"], "US", "us")),
     "pair.yaml sms.countries.us", "two-letter ISO 3166 country code in capitals"),
    ("duplicate-domain", _edit("pair.yaml", lambda d: d["email"]["domains"].append("example.com")),
     "pair.yaml email.domains", "example.com is listed twice"),
    ("duplicate-table", _edit("pair.yaml", _two_tables), "pair.yaml tables", "two entries are named orders"),
    ("unknown-region",
     _stack("primary", lambda c: c.update({"regionpair:region": "us-east-7", "aws:region": "us-east-7"})),
     "Pulumi.primary.yaml regionpair:region", "not an AWS commercial region"),
    ("two-primaries", _stack("secondary", lambda c: c.update({"regionpair:role": "primary"})),
     "Pulumi.secondary.yaml regionpair:role", "one must be primary and the other secondary"),
    # files
    ("missing-peer-stack-file", lambda w: (w / "Pulumi.secondary.yaml").unlink() or [],
     "Pulumi.primary.yaml regionpair:peerStack", "there is no Pulumi.secondary.yaml"),
    ("wrong-directory", _empty_dir, "elsewhere", "not a Pulumi project directory"),
    ("unknown-stack", _args("--stack", "prod"), "--stack prod", "pulumi stack init prod"),
    ("missing-declaration-file", _stack("primary", lambda c: c.update({"regionpair:declaration": "pairs.yaml"})),
     "Pulumi.primary.yaml regionpair:declaration", "names pairs.yaml, which does not exist"),
    # policy config
    ("unknown-policy-name", _policy_config({"sms-number-minimun": "mandatory"}), "sms-number-minimun",
     "sms-number-minimum"),
    ("string-for-a-number", _policy_config({"sms-number-minimum": {"minimumNumbers": "three"}}),
     "sms-number-minimum", "minimumNumbers"),
    ("unknown-enforcement-level", _policy_config({"sms-number-minimum": "blocking"}), "sms-number-minimum",
     "mandatory"),
]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_there_are_at_least_twenty() -> None:
    assert len(MISTAKES) >= 20


@pytest.mark.parametrize(("mistake", "key", "fix"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_one_line_naming_the_key_and_the_fix(project: Path, mistake, key: str, fix: str) -> None:
    args = mistake(project)
    if "--config-dir" not in args:
        args = ["--config-dir", str(project), *args]
    result = runner.invoke(app, ["check", *args])
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    line = lines[0]
    assert key in line, line
    assert fix in line, line
    assert "[key]" not in line
    assert not re.search(r"\^\[|\]\{\d|\\d|\$'", line), f"a raw regular expression in: {line}"
