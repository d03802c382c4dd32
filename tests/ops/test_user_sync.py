"""`regionpair sync users`, `status` and the drill's standby sign-in against moto's cognito-idp over HTTP.

moto (server mode on 127.0.0.1) implements user pools, clients and the admin user calls, including
AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH. Faults go through botocore's event hooks (tests/ops/conftest.py):
a refused region, a reply lost after Cognito processed the write (the case where a resend would duplicate), and a
SIGKILL of the CLI mid-run (a real process kill, in a subprocess). moto does not implement passwordless sign-in
(USER_AUTH with EMAIL_OTP): the drill signs in with admin password auth on the ops client, which it does implement.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.components.declaration import Role
from regionpair.components.identity_model import OPS_CLIENT, pool_name
from regionpair.ops import user_sync
from regionpair.ops.context import load_context
from regionpair.ops.errors import OpsError
from tests.conftest import ROOT

EAST, WEST = "us-east-1", "us-west-2"
VARIANT = ROOT / "docs" / "examples" / "pair-identity.yaml"


@pytest.fixture
def pair_dir(pair_copy) -> Path:
    shutil.copy(VARIANT, pair_copy.path / "pair.yaml")
    return pair_copy.path


@pytest.fixture
def ictx(pair_dir):
    return load_context(pair_dir)


def _create_pool(client, name: str) -> str:
    """A pool as the program declares it (the attributes the copies carry, case-insensitive email sign-in)."""
    schema = [{"Name": n, "AttributeDataType": "String", "Mutable": True} for n in ("tenant", "origin_sub")]
    pool = client.create_user_pool(PoolName=name, UsernameAttributes=["email"], Schema=schema,
                                   UsernameConfiguration={"CaseSensitive": False})["UserPool"]  # fmt: skip
    client.create_user_pool_client(UserPoolId=pool["Id"], ClientName="notify-web")
    client.create_user_pool_client(UserPoolId=pool["Id"], ClientName=f"notify-{OPS_CLIENT}",
                                   ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    return pool["Id"]


@pytest.fixture
def pools(independent, ictx) -> dict[str, tuple[object, str]]:
    """Both regions' pools in moto: region -> (client, pool id)."""
    out = {}
    for role, region in ((Role.PRIMARY, EAST), (Role.SECONDARY, WEST)):
        client = independent("cognito-idp", region)
        out[region] = (client, _create_pool(client, pool_name(ictx.pair, role)))
    return out


def _add(pools, region: str, email: str, **attrs: str) -> str:
    client, pool_id = pools[region]
    user = client.admin_create_user(
        UserPoolId=pool_id, Username=email, MessageAction="SUPPRESS", TemporaryPassword="Temp-pass-1234",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"},
                        *({"Name": k, "Value": v} for k, v in attrs.items())],
    )["User"]  # fmt: skip
    client.admin_set_user_password(UserPoolId=pool_id, Username=email, Password="Perm-pass-1234!", Permanent=True)
    return {a["Name"]: a["Value"] for a in user["Attributes"]}["sub"]


def _users(pools, region: str) -> dict[str, dict[str, str]]:
    client, pool_id = pools[region]
    found = client.list_users(UserPoolId=pool_id)["Users"]
    out = {}
    for u in found:
        attrs = {a["Name"]: a["Value"] for a in u["Attributes"]}
        assert attrs["email"] not in out, f"{attrs['email']} twice in {region}: duplicated"
        out[attrs["email"]] = {**attrs, "_enabled": str(u["Enabled"])}
    return out


def _pools_of(ictx, clients):
    return user_sync.pools_of(ictx.pair, lambda region: clients.get("cognito-idp", region))


def test_union_both_ways_source_wins_and_a_rerun_does_nothing(pools, ictx, clients, tmp_path):
    sub = _add(pools, EAST, "ann@example.com", **{"custom:tenant": "a"})
    _add(pools, EAST, "bob@example.com")
    _add(pools, WEST, "ann@example.com", **{"custom:tenant": "old"})  # stale copy
    _add(pools, WEST, "cy@example.com")  # signed up in the standby during a failover
    mine = _pools_of(ictx, clients)
    plan = user_sync.plan(mine, Role.PRIMARY)
    assert [(w.region, w.action, w.user.key) for w in plan.writes] == [
        (WEST, "update", "ann@example.com"), (WEST, "create", "bob@example.com"), (EAST, "create", "cy@example.com")]
    result = user_sync.apply(mine, plan, user_sync.checkpoint_for(tmp_path, ictx.pair))
    assert (result.written, result.skipped) == (3, 0)
    east, west = _users(pools, EAST), _users(pools, WEST)
    assert set(east) == set(west) == {"ann@example.com", "bob@example.com", "cy@example.com"}
    assert west["ann@example.com"]["custom:tenant"] == "a", "the source's attributes win"
    assert west["bob@example.com"]["custom:origin_sub"] == _sub(east["bob@example.com"]), "the copy keeps the origin"
    assert west["ann@example.com"]["custom:origin_sub"] == sub
    assert user_sync.plan(_pools_of(ictx, clients)).total == 0, "a second run has nothing to do"
    assert not (tmp_path / "sync-users.jsonl").exists(), "a complete run removes its checkpoint"
    assert user_sync.last_sync(tmp_path)["users"] == {EAST: 2, WEST: 2}


def _sub(attrs: dict[str, str]) -> str:
    return attrs.get("custom:origin_sub") or attrs["sub"]


def test_a_disabled_user_is_disabled_in_the_standby_too(pools, ictx, clients):
    _add(pools, EAST, "dee@example.com")
    client, pool_id = pools[EAST]
    client.admin_disable_user(UserPoolId=pool_id, Username="dee@example.com")
    mine = _pools_of(ictx, clients)
    user_sync.apply(mine, user_sync.plan(mine))
    assert _users(pools, WEST)["dee@example.com"]["_enabled"] == "False"


def test_a_refused_region_writes_nothing_and_says_which(pools, ictx, faulty_clients, faults):
    _add(pools, EAST, "ann@example.com")
    faults.add("refuse", "cognito-idp", WEST)
    with pytest.raises(OpsError) as err:
        user_sync.plan(_pools_of(ictx, faulty_clients))
    assert f"in {WEST}" in str(err.value)
    assert "nothing was written" in str(err.value)
    assert set(_users(pools, WEST)) == set()


def test_writes_refused_midway_resume_from_the_checkpoint_nothing_lost_or_duplicated(
    pools, ictx, faulty_clients, faults, tmp_path
):
    for name in ("a", "b", "c", "d"):
        _add(pools, EAST, f"{name}@example.com")
    _add(pools, WEST, "w@example.com")
    mine = _pools_of(ictx, faulty_clients)
    plan = user_sync.plan(mine)
    point = user_sync.checkpoint_for(tmp_path, ictx.pair)
    # The standby stops accepting writes after two: the third create is refused at the connection.
    calls = {"n": 0}

    def count(**_kw):
        calls["n"] += 1
        if calls["n"] == 3:
            faults.add("refuse", "cognito-idp", WEST, "AdminCreateUser")

    west = faulty_clients.get("cognito-idp", WEST)
    west.meta.events.register("before-call.cognito-identity-provider.AdminCreateUser", count)
    first = user_sync.UserSyncResult()
    with pytest.raises(OpsError) as err:
        user_sync.apply(mine, plan, point, first)
    assert "rerun to resume" in str(err.value)
    assert first.written == 2
    faults.clear()
    again = user_sync.apply(_pools_of(ictx, faulty_clients), plan, point)
    assert (again.skipped, again.written) == (2, plan.total - 2)
    emails = {f"{n}@example.com" for n in "abcdw"}
    assert set(_users(pools, EAST)) == set(_users(pools, WEST)) == emails


def test_a_reply_lost_after_the_create_is_redone_as_an_update_not_a_duplicate(
    pools, ictx, faulty_clients, faults, tmp_path
):
    _add(pools, EAST, "ann@example.com")
    faults.add("lose_reply", "cognito-idp", WEST, "AdminCreateUser")
    mine = _pools_of(ictx, faulty_clients)
    point = user_sync.checkpoint_for(tmp_path, ictx.pair)
    with pytest.raises(OpsError):
        user_sync.apply(mine, user_sync.plan(mine), point)
    assert set(_users(pools, WEST)) == {"ann@example.com"}, "Cognito processed the create"
    faults.clear()
    mine = _pools_of(ictx, faulty_clients)
    assert user_sync.plan(mine).total == 0, "the create had happened: the rerun has nothing to write"
    assert list(_users(pools, WEST)) == ["ann@example.com"], "no second user"
    # The write itself is idempotent too: resent as such, the create becomes an update of the same user.
    ann = mine[Role.PRIMARY].users()["ann@example.com"]
    again = user_sync.apply(mine, user_sync.UserPlan({}, {}, [user_sync.Write(WEST, "create", ann)]))
    assert again.written == 1
    assert list(_users(pools, WEST)) == ["ann@example.com"], "the resent create updated the user, no second one"


KILLED_RUN = """
import os, signal, sys
from regionpair.ops import user_sync
real = user_sync.UserPool.put
count = {"n": 0}
mode = sys.argv[1]
def put(self, write):
    count["n"] += 1
    if count["n"] == 3 and mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)  # no finally, no atexit: as `kill -9` does
    real(self, write)
user_sync.UserPool.put = put
from regionpair.cli import app
sys.argv = ["regionpair", "sync", "users", "--config-dir", sys.argv[2], "--endpoint-url", sys.argv[3], "--json"]
app()
"""


def test_sigkill_mid_sync_resumes_where_it_stopped(pools, pair_dir, endpoint, tmp_path, monkeypatch):
    for name in ("a", "b", "c", "d", "e"):
        _add(pools, EAST, f"{name}@example.com")
    script = tmp_path / "run.py"
    script.write_text(KILLED_RUN)
    run = [sys.executable, str(script)]
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PATH": "/usr/bin:/bin"}
    killed = subprocess.run([*run, "kill", str(pair_dir), endpoint], capture_output=True, text=True, env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    lines = (pair_dir / ".regionpair" / "primary" / "sync-users.jsonl").read_text().splitlines()
    assert len(lines) == 1 + 2, "header + two writes, each flushed as written (the third was in flight)"
    assert len(_users(pools, WEST)) == 2
    resumed = subprocess.run([*run, "go", str(pair_dir), endpoint], capture_output=True, text=True, env=env)
    assert resumed.returncode == 0, resumed.stderr
    out = json.loads(resumed.stdout)
    assert (out["written"], out["skipped"]) == (3, 0), "the resumed run plans only what is missing"
    assert set(_users(pools, WEST)) == {f"{n}@example.com" for n in "abcde"}
    assert not (pair_dir / ".regionpair" / "primary" / "sync-users.jsonl").exists()


def test_cli_dry_run_writes_nothing_and_json_is_structured(pools, pair_dir, endpoint):
    _add(pools, EAST, "ann@example.com")
    res = CliRunner().invoke(app, ["sync", "users", "--config-dir", str(pair_dir), "--endpoint-url", endpoint,
                                   "--dry-run", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["writes"] == [{"region": WEST, "action": "create", "user": "ann@example.com"}]
    assert data["users"] == {EAST: 1, WEST: 0}
    assert _users(pools, WEST) == {}


def test_cli_without_identity_is_one_line(pair_copy, endpoint):
    res = CliRunner().invoke(app, ["sync", "users", "--config-dir", str(pair_copy.path), "--endpoint-url", endpoint])
    assert res.exit_code == 1
    assert "identity: not declared" in res.output


def test_cli_with_a_pool_not_deployed_is_one_line(pair_dir, endpoint):
    res = CliRunner().invoke(app, ["sync", "users", "--config-dir", str(pair_dir), "--endpoint-url", endpoint])
    assert res.exit_code == 1
    assert "user pool notify-users-us-east-1 in us-east-1: not found; deploy" in res.output


def test_status_shows_both_pools_and_the_standbys_lag(pools, ictx, clients, tmp_path):
    _add(pools, EAST, "ann@example.com")
    _add(pools, EAST, "bob@example.com")
    fields = user_sync.pool_status(_pools_of(ictx, clients), tmp_path)
    assert fields["primary"]["poolId"] == pools[EAST][1]
    assert fields["secondary"]["region"] == WEST
    assert fields["standbyUserLag"] == 2
    assert "never" in fields["lastUserSync"]


def test_status_of_an_unreachable_standby_keeps_the_primary(pools, ictx, faulty_clients, faults, tmp_path):
    faults.add("refuse", "cognito-idp", WEST)
    fields = user_sync.pool_status(_pools_of(ictx, faulty_clients), tmp_path)
    assert fields["primary"]["poolId"] == pools[EAST][1]
    assert "unavailable" in fields["secondary"]
    assert fields["standbyUserLag"] is None


def test_the_drill_signs_a_user_in_on_the_standby_pool(pools, ictx, clients):
    mine = _pools_of(ictx, clients)
    detail = user_sync.standby_sign_in(mine[Role.SECONDARY], "example.com", ictx.pair.physical_name(OPS_CLIENT))
    assert "signed a drill user in on notify-users-us-west-2" in detail
    assert _users(pools, WEST) == {}, "the drill user is deleted"


def test_the_drill_plan_has_the_sign_in_step(ictx):
    from regionpair.ops.drill import drill_plan

    steps = [s.name for s in drill_plan(ictx)]
    assert steps.index("sign-in") == steps.index("verify") + 1


# ------------------------------------------------------------------------------------------ the shadow trigger
@pytest.fixture
def shadow_env(monkeypatch, endpoint, ictx):
    """The trigger's environment as the program sets it, its boto3 client aimed at moto (AWS_ENDPOINT_URL)."""
    from regionpair.components.lambda_src import user_shadow

    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    for key, value in {"PEER_REGION": WEST, "PEER_POOL_NAME": pool_name(ictx.pair, Role.SECONDARY),
                       "FAILOVER_SIGN_IN": "email-otp", "USERNAME_ATTRIBUTE": "email"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(user_shadow, "_client", None)
    monkeypatch.setattr(user_shadow, "_peer_pool_id", None)
    return user_shadow


def _confirmation(sub: str, email: str) -> dict:
    return {"version": "1", "triggerSource": "PostConfirmation_ConfirmSignUp", "region": EAST,
            "userPoolId": "us-east-1_x", "userName": sub,
            "request": {"userAttributes": {"sub": sub, "email": email, "email_verified": "true",
                                           "cognito:user_status": "CONFIRMED", "custom:tenant": "a"}},
            "response": {}}  # fmt: skip


def test_the_shadow_trigger_copies_a_confirmed_user_to_the_standby(pools, shadow_env):
    event = _confirmation("11111111-2222-3333-4444-555555555555", "ann@example.com")
    assert shadow_env.handler(event, None) is event, "a trigger must return the event"
    copy = _users(pools, WEST)["ann@example.com"]
    assert copy["custom:tenant"] == "a"
    assert copy["custom:origin_sub"] == "11111111-2222-3333-4444-555555555555"
    assert shadow_env.handler(event, None) is event, "a second confirmation (redelivery) updates, never duplicates"
    assert list(_users(pools, WEST)) == ["ann@example.com"]


def test_the_shadow_trigger_never_blocks_a_sign_up(shadow_env, endpoint, capsys):
    """The standby's pool missing (or its region down): the event is returned, the failure logged for the sync."""
    event = _confirmation("s", "bob@example.com")
    assert shadow_env.handler(event, None) is event
    logged = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert logged["shadow"] == "failed"
    assert "no user pool notify-users-us-west-2" in logged["detail"]
