"""A new user's acceptance run, scripted from the docs alone (docs/configuration.md, docs/library.md).

Project `acme`: its own `__main__.py` importing the library with a resource of its own (named with the pair's
prefix, as users do), its own Lambda code directory, explicit bucket names, and two pairs in one directory
(prod-use1/prod-usw2 from pair.yaml, stg-use1/stg-usw2 from pair-staging.yaml). What tests/test_names.py (this
repository's program, its bundled code), tests/test_library.py (one pair) and tests/ops/test_names_ops.py
(`state` by stack) already cover is not repeated: here the pieces are combined as a user combines them, and
each thing the run found broken has its test. Operations run against moto in server mode on 127.0.0.1 (the
fixtures of tests/ops/conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from regionpair.cli import app
from tests.ops.conftest import endpoint, fake_credentials, independent, moto_url  # noqa: F401 (fixtures)

runner = CliRunner()
PROD, STAGING = ("prod-use1", "prod-usw2"), ("stg-use1", "stg-usw2")

MAIN = '''"""Acme's own program: its own queue, plus this stack's half of a region pair."""
import pulumi
import pulumi_aws as aws

from regionpair import lib

pair = lib.load_pair()
region = pair.this.region

jobs = aws.sqs.Queue("acme-jobs", region=region, tags={"team": "acme"})
half = lib.build_half(pair)

pulumi.export("jobsQueueArn", jobs.arn)
'''

HANDLER = '''import json


def handle(event, context):
    if event.get("path") == "/health":
        return {"statusCode": 200, "body": "ok"}
    return {"statusCode": 200, "body": json.dumps({"hello": "acme"})}
'''


def _declaration(name: str, buckets: tuple[str, str], api: str) -> dict:
    return {
        "name": name,
        "objectives": {"rtoSeconds": 300, "rpoMinutes": 15},
        "dns": {"hostedZoneId": "Z0123456789ACMEZONE1", "zoneName": "acme.example"},
        "email": {"domains": ["acme.example", "mail.acme.example"],
                  "configurationSets": [{"name": "transactional", "destination": "sns"}]},
        "sms": {"countries": {"US": {"minimumNumbers": 2}}, "optOutList": f"{name}-opt-outs"},
        "buckets": [{"name": "uploads", "bucketNames": {"primary": buckets[0], "secondary": buckets[1]}}],
        "tables": [{"name": "orders", "hashKey": {"name": "pk", "type": "S"}}],
        "api": {"domainName": api, "lambda": {
            "code": "api", "handler": "handler.handle", "runtime": "python3.12",
            "environment": {"LOG_LEVEL": "info", "BACKEND_URL": "https://backend.acme.example"}}},
        "routing": {"mode": "failover"},
        "appState": {"appId": name},
        "tags": {"team": "acme"},
    }  # fmt: skip


def _stack(role: str, region: str, peer: str, n: int, declaration: str | None) -> dict:
    config = {
        "aws:region": region,
        "regionpair:role": role,
        "regionpair:region": region,
        "regionpair:peerStack": peer,
        "regionpair:certificateArn": f"arn:aws:acm:{region}:123456789012:certificate/11111111-2222-3333-4444-{n:012d}",
        "regionpair:lambda": {"environment": {"BACKEND_URL": f"https://{region}.backend.acme.example"}},
        "regionpair:requestedNumbers": [{"name": "us-tf-0", "country": "US", "type": "TOLL_FREE",
                                         "messageType": "TRANSACTIONAL", "registrationId": f"registration-{n:032d}"}],
        "regionpair:existingNumbers": [{
            "arn": f"arn:aws:sms-voice:{region}:123456789012:phone-number/phone-{n:032d}", "country": "US",
            "type": "TEN_DLC", "messageType": "TRANSACTIONAL", "number": f"+1206555010{n}", "status": "active"}],
    }  # fmt: skip
    if declaration:
        config["regionpair:declaration"] = declaration
    return {"config": config}


def write_acme(where: Path) -> Path:
    """The project as a newcomer writes it from docs/configuration.md and docs/library.md."""
    files = {
        "Pulumi.yaml": {"name": "acme", "runtime": {"name": "python", "options": {"toolchain": "pip",
                                                                                  "virtualenv": "venv"}}},
        "pair.yaml": _declaration("acme", ("acme-7f3a-uploads-use1", "acme-7f3a-uploads-usw2"), "api.acme.example"),
        "pair-staging.yaml": _declaration("acme-stg", ("acme-7f3a-stg-uploads-use1", "acme-7f3a-stg-uploads-usw2"),
                                          "api.stg.acme.example"),
        f"Pulumi.{PROD[0]}.yaml": _stack("primary", "us-east-1", PROD[1], 1, None),
        f"Pulumi.{PROD[1]}.yaml": _stack("secondary", "us-west-2", PROD[0], 2, None),
        f"Pulumi.{STAGING[0]}.yaml": _stack("primary", "us-east-1", STAGING[1], 3, "pair-staging.yaml"),
        f"Pulumi.{STAGING[1]}.yaml": _stack("secondary", "us-west-2", STAGING[0], 4, "pair-staging.yaml"),
    }  # fmt: skip
    for name, data in files.items():
        (where / name).write_text(yaml.safe_dump(data, sort_keys=False))
    (where / "__main__.py").write_text(MAIN)
    (where / "api").mkdir()
    (where / "api" / "handler.py").write_text(HANDLER)
    return where


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    return write_acme(tmp_path)


def _one_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


# ------------------------------------------------------------------------------------------------ the check
@pytest.mark.parametrize("pair", [PROD, STAGING], ids=["prod", "staging"])
def test_each_pair_of_the_users_own_program_passes_the_check(acme: Path, pair: tuple[str, str]) -> None:
    """Own program, own code, own queue named with the pair's prefix, explicit bucket names: no violation.

    Before: the explicit bucketNames were looked up under the derived name (pair-manifest-matches-resources and
    s3-bucket-replication-parity failed), and the user's queue was reported by pair-parity-all-inputs.
    """
    result = runner.invoke(app, ["check", "--config-dir", str(acme), "--stack", pair[0], "--stack", pair[1],
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    assert [(r["stack"], r["role"]) for r in reports] == [(pair[1], "secondary"), (pair[0], "primary")]
    assert all(r["mandatory"] == 0 for r in reports), reports
    assert not [d for r in reports for d in r["diagnostics"] if "acme-jobs" in (d["urn"] or "")], reports


def test_the_users_own_resources_and_code_are_in_what_each_stack_deploys(acme: Path) -> None:
    result = runner.invoke(app, ["resources", "--config-dir", str(acme), "--stack", STAGING[0], "--json"])
    assert result.exit_code == 0, result.output
    stacks = {s["stack"]: s for s in json.loads(result.output)}
    assert set(stacks) == set(STAGING)
    for s in stacks.values():
        names = {r["name"] for r in s["resources"]}
        assert "acme-jobs" in names, "the program run is the user's own __main__.py"
        assert any(n.startswith("acme-stg-") for n in names), "the staging pair's declaration"


def test_a_minimum_below_the_policys_setting_says_where_the_figure_comes_from(acme: Path) -> None:
    for name in (f"Pulumi.{s}.yaml" for s in PROD):
        _edit(acme / name, lambda d: d["config"].pop("regionpair:existingNumbers"))
    _edit(acme / "pair.yaml", lambda d: d["sms"]["countries"]["US"].update(minimumNumbers=1))
    result = runner.invoke(app, ["check", "--config-dir", str(acme), "--stack", PROD[0], "--format", "json"])
    assert result.exit_code == 1, result.output
    messages = [d["message"] for r in json.loads(result.output) for d in r["diagnostics"]
                if d["policy"] == "sms-number-minimum" and d["level"] == "mandatory"]  # fmt: skip
    assert messages
    assert all("fewer than 2 (pending: 1)" in m for m in messages), messages
    assert all("2 is the policy's minimumNumbers setting, pair.yaml sms.countries.US.minimumNumbers says 1" in m
               for m in messages), messages


# ------------------------------------------------------------------------------------- a newcomer's mistakes
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["config"].update({"regionpair:peerstack": d["config"].pop("regionpair:peerStack")}),
         "Pulumi.prod-use1.yaml regionpair:peerstack: unknown key; did you mean regionpair:peerStack?"),
        (lambda d: d["config"].update({"regionpair:Role": d["config"].pop("regionpair:role")}),
         "Pulumi.prod-use1.yaml regionpair:Role: unknown key; did you mean regionpair:role?"),
    ],
    ids=["peerstack", "Role"],
)  # fmt: skip
def test_a_misspelt_role_or_peer_is_named_as_unknown(acme: Path, change, expected: str) -> None:
    _edit(acme / f"Pulumi.{PROD[0]}.yaml", change)
    result = runner.invoke(app, ["check", "--config-dir", str(acme), "--stack", PROD[0], "--stack", PROD[1]])
    assert result.exit_code == 2
    assert _one_line(result).endswith(expected), result.output


def test_a_yaml_boolean_in_the_environment_suggests_the_word_written(acme: Path) -> None:
    (acme / "pair.yaml").write_text((acme / "pair.yaml").read_text().replace("LOG_LEVEL: info", "LOG_LEVEL: yes"))
    result = runner.invoke(app, ["check", "--config-dir", str(acme), "--stack", PROD[0]])
    assert result.exit_code == 2
    line = _one_line(result)
    assert "api.lambda.environment: LOG_LEVEL: True was read as a boolean" in line
    assert 'LOG_LEVEL: "yes"' in line


# ------------------------------------------------------------------------------ operations by stack, on moto
def _ops(acme: Path, endpoint: str, *args: str):  # noqa: F811 (the fixture's value)
    return runner.invoke(app, [*args, "--config-dir", str(acme), "--endpoint-url", endpoint])


def test_audit_of_an_undeployed_pair_names_its_own_stacks(acme: Path, endpoint: str) -> None:  # noqa: F811
    line = _one_line(_ops(acme, endpoint, "audit", "--stack", STAGING[1]))
    assert "pair acme-stg is not deployed" in line
    assert "pulumi up -s stg-usw2, then -s stg-use1" in line, line


def test_state_by_stack_reads_the_named_pairs_table(acme: Path, endpoint: str, independent) -> None:  # noqa: F811
    for region in ("us-east-1", "us-west-2"):
        ddb = independent("dynamodb", region)
        ddb.create_table(
            TableName="acme-stg-app-state", KeySchema=[{"AttributeName": "AppId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "AppId", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        item = {"AppId": {"S": "acme-stg"}, "state": {"S": "active"}, "version": {"N": "1"}, "updatedBy": {"S": "ops"}}
        ddb.put_item(TableName="acme-stg-app-state", Item=item)
    result = _ops(acme, endpoint, "state", "get", "--stack", STAGING[0], "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["state"] == "active"
    result = _ops(acme, endpoint, "state", "get", "--stack", PROD[0])
    assert result.exit_code == 1
    assert "acme-app-state" in _one_line(result), "the prod pair's own table, not deployed"


def test_report_takes_the_stack_of_its_pair(acme: Path, endpoint: str) -> None:  # noqa: F811
    result = runner.invoke(app, ["report", "--config-dir", str(acme), "--stack", PROD[1], "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
    result = runner.invoke(app, ["report", "--config-dir", str(acme)])
    assert result.exit_code == 1
    assert "this project holds 2 pairs" in _one_line(result)


def test_syncing_a_list_that_does_not_exist_says_so(acme: Path, endpoint: str) -> None:  # noqa: F811
    line = _one_line(_ops(acme, endpoint, "sync", "contacts", "news", "--dry-run", "--stack", PROD[0]))
    assert "contact list news in us-east-1" in line, line
    assert "it does not exist in us-east-1" in line, line
    assert "fix access" not in line


# ------------------------------------------------------------------------------------ regionpair diff by stack
def test_diff_takes_the_pairs_stack_and_runs_the_users_program(acme: Path, tmp_path: Path) -> None:
    """Exports made from the mocks (as `pulumi stack export` would write them), then a routing-mode change."""
    from regionpair.redeploy import export_of
    from regionpair.simulate import simulate_stack

    secondary = simulate_stack(STAGING[1], config_dir=acme, program=acme)
    primary = simulate_stack(STAGING[0], config_dir=acme, program=acme, peer_outputs={STAGING[1]: secondary.outputs})
    exports = {}
    for run in (secondary, primary):
        exports[run.stack] = tmp_path / f"{run.stack}.json"
        exports[run.stack].write_text(json.dumps(export_of(run)))
    args = ["diff", "--config-dir", str(acme), "--stack", STAGING[0], "--secondary-state", str(exports[STAGING[1]]),
            "--primary-state", str(exports[STAGING[0]])]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "pulumi up -s stg-usw2: 0 change(s)" in result.output, "the user's queue is in the state: no change"
    _edit(acme / "pair-staging.yaml", lambda d: d["routing"].update(mode="latency"))
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "REFUSED acme-stg-routing-record-us-west-2" in result.output
    result = runner.invoke(app, ["diff", "--config-dir", str(acme)])
    assert result.exit_code == 1
    assert "this project holds 2 pairs" in _one_line(result)


def test_pack_messages_name_the_users_stacks(acme: Path, tmp_path: Path) -> None:
    """The secondary deployed from an older pair.yaml: the fix names `pulumi up -s prod-usw2`, not `-s secondary`."""
    from regionpair.simulate import simulate_stack

    outputs = tmp_path / "prod-usw2.json"
    outputs.write_text(json.dumps(simulate_stack(PROD[1], config_dir=acme, program=acme).outputs, default=str))
    _edit(acme / "pair.yaml", lambda d: d["email"]["domains"].append("news.acme.example"))
    result = runner.invoke(app, ["check", "--config-dir", str(acme), "--stack", PROD[0], "--peer-outputs",
                                 str(outputs), "--format", "json"])  # fmt: skip
    assert result.exit_code == 1, result.output
    messages = [d["message"] for r in json.loads(result.output) for d in r["diagnostics"]
                if d["policy"] == "pair-deploy-order"]  # fmt: skip
    assert messages, result.output
    assert all("pulumi up -s prod-usw2" in m and "-s secondary" not in m for m in messages), messages


def test_every_stack_policys_fix_names_the_users_stacks(acme: Path) -> None:
    """Fix hints written by role (`pulumi up -s secondary`) name the pair's own stacks, in every stack policy."""
    from pulumi_policy import StackValidationArgs, StackValidationPolicy
    from pulumi_policy.policy import PolicyResource, PolicyResourceOptions

    from regionpair.policies import pack
    from regionpair.simulate import simulate_stack

    run = simulate_stack(PROD[0], config_dir=acme, program=acme, peer_outputs={
        PROD[1]: simulate_stack(PROD[1], config_dir=acme, program=acme).outputs})  # fmt: skip
    root = next(r for r in run.resources if r.type == "regionpair:index:RegionPairHalf")
    opts = PolicyResourceOptions(False, [], None, [], None, [])
    resource = PolicyResource(root.type, root.inputs, root.urn, root.name, opts, None, None, [], {})
    policy = pack._naming_stacks(StackValidationPolicy(
        "fix-hint", "a policy whose fix is written by role",
        lambda _args, report: report("deploy the secondary first: pulumi up -s secondary, then -s primary", None)))
    seen: list[str] = []
    policy.validate(StackValidationArgs([resource]), lambda message, _urn=None: seen.append(message))
    assert seen == [f"deploy the secondary first: pulumi up -s {PROD[1]}, then -s {PROD[0]}"], seen
    stack_policies = [p for p in pack._STACK_NAMED if isinstance(p, StackValidationPolicy)]
    assert stack_policies, "the rules modules have stack policies"
    assert all("validate" in vars(p) for p in stack_policies), "every stack policy of the rules modules is wrapped"
