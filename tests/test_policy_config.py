"""Policy config files checked as the Pulumi CLI checks them: each mistake one line naming the key, exit 2.

The CLI tests run the installed `regionpair check` as a user does; the unit tests call `regionpair.policy_config`
with the pack's own schemas (the policies' `config_schema`, as GetAnalyzerInfo serves them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToJson

from regionpair.analyzer import PolicyPackProcess, load_policy_config
from regionpair.policies.pack import ALL_POLICIES
from regionpair.policy_config import PolicyConfigError, pack_schemas, validate
from tests.conftest import ROOT

REGIONPAIR = str(Path(sys.executable).parent / "regionpair")

MISTAKES = [
    ('{"pair-deploy-ordr": "advisory"}', "pair-deploy-ordr", "did you mean pair-deploy-order"),
    ('{"pair-deploy-order": "mandtory"}', "pair-deploy-order", "did you mean mandatory"),
    ('{"pair-deploy-order": {"enforcementLevel": "warn"}}', "pair-deploy-order.enforcementLevel", "advisory"),
    ('{"pair-deploy-order": {"enforcementLevel": 1}}', "pair-deploy-order.enforcementLevel", "as a string"),
    ('{"route53-record-failover-pairs": {"maxTtlSeconds": "60"}}', "route53-record-failover-pairs.maxTtlSeconds",
     "without quotes"),
    ('{"sms-number-minimum": {"minimumNumbers": 0}}', "sms-number-minimum.minimumNumbers", "minimum 1"),
    ('{"sms-number-minimum": {"minimumNumber": 3}}', "sms-number-minimum.minimumNumber", "did you mean minimumNumbers"),
    ('{"pair-deploy-order": {"maxTtlSeconds": 5}}', "pair-deploy-order.maxTtlSeconds", "takes no settings"),
    ('{"all": "strict"}', "all", "not an enforcement level"),
    ('{"all": {"enforcementLevel": "advisory", "maxTtlSeconds": 5}}', "all.maxTtlSeconds", "only an enforcement"),
    ('{"pair-deploy-order": 1}', "pair-deploy-order", "neither an enforcement level nor an object"),
    ('["pair-deploy-order"]', "policy.json", "must be a JSON object"),
    ('{"pair-deploy-order": "advisory",}', "policy.json", "line 1, column 34"),
    ('{"pair-deploy-order": "advisory", "pair-deploy-order": "disabled"}', "pair-deploy-order", "appears twice"),
]  # fmt: skip


@pytest.fixture(scope="module")
def schemas() -> dict:
    return pack_schemas()


@pytest.mark.parametrize(("text", "key", "fragment"), MISTAKES)
def test_each_mistake_is_one_line_naming_the_key(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    path = tmp_path / "policy.json"
    path.write_text(text)
    with pytest.raises(PolicyConfigError) as info:
        load_policy_config(path)
    assert key in info.value.key, f"{info.value.key!r} does not name {key!r}: {info.value}"
    assert fragment in str(info.value), str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "key", "fragment"), MISTAKES[:6] + MISTAKES[8:10] + MISTAKES[12:13])
def test_check_refuses_each_mistake_with_exit_2(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    path = tmp_path / "policy.json"
    path.write_text(text)
    out = subprocess.run([REGIONPAIR, "check", "--policy-config", str(path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)  # fmt: skip
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert key in lines[0], lines[0]
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in out.stderr
    assert not out.stdout.strip()


def test_the_pull_request_policy_config_is_valid(schemas: dict) -> None:
    config = load_policy_config(ROOT / ".ci" / "pull-request-policy.json")
    assert config == {
        "pair-deploy-order": {"enforcementLevel": "advisory"},
        "pair-parity-all-inputs": {"enforcementLevel": "advisory"},
        "route53-stop-contract": {"enforcementLevel": "advisory"},
    }


def test_all_sets_every_policys_level_then_each_policy_its_own(schemas: dict) -> None:
    config = validate({"all": "advisory", "pair-deploy-order": "mandatory"}, schemas)
    assert set(config) == set(schemas), "all reaches every policy, as the CLI applies it"
    assert config["pair-deploy-order"] == {"enforcementLevel": "mandatory"}
    assert config["s3-bucket-guards"] == {"enforcementLevel": "advisory"}


def test_settings_and_levels_pass_through(schemas: dict) -> None:
    config = validate({"route53-record-failover-pairs": {"enforcementLevel": "advisory", "maxTtlSeconds": 120}},
                      schemas)  # fmt: skip
    assert config == {"route53-record-failover-pairs": {"enforcementLevel": "advisory", "maxTtlSeconds": 120}}
    assert validate({}, schemas) == {}


def test_schemas_are_the_packs_as_it_serves_them(schemas: dict) -> None:
    assert set(schemas) == {p.name for p in ALL_POLICIES}
    with PolicyPackProcess("check") as pack:
        served = {p.name: p for p in pack.info().policies}
    assert set(served) == set(schemas)
    for name, schema in schemas.items():
        wire = served[name].configSchema
        props = json.loads(MessageToJson(wire.properties)) if wire.HasField("properties") else {}
        assert props == schema.get("properties", {}), name


def test_an_empty_file_is_no_config(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("  \n")
    assert load_policy_config(path) == {}
