"""`regionpair readiness`: the account facts that decide whether the standby can really send.

moto implements neither SES v2 `GetAccount`'s production-access fields nor `GetDedicatedIps`/`GetDedicatedIpPool`,
and no End User Messaging SMS (`pinpoint-sms-voice-v2`) at all: botocore's Stubber serves those answers, validated
against the real service models, and checks the requests. The outage cases (the standby's API answering 503, or
refusing connections) go through moto's server with the fault hooks of tests/ops/conftest.py, which fail the call
before moto sees it, as a sick region would.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.ops import readiness as ops
from regionpair.ops.clients import Clients
from regionpair.ops.context import load_context
from tests.conftest import ROOT, PairCopy

PRIMARY, STANDBY = "us-east-1", "us-west-2"
WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def account(production=True, sending=True, day=1_000_000.0, rate=100.0, status="HEALTHY"):
    return {"ProductionAccessEnabled": production, "SendingEnabled": sending, "EnforcementStatus": status,
            "DedicatedIpAutoWarmupEnabled": True,
            "SendQuota": {"Max24HourSend": day, "MaxSendRate": rate, "SentLast24Hours": 0.0}}  # fmt: skip


def number(kind: str, region: str, n: int, pooled=True, status="ACTIVE"):
    info = {
        "PhoneNumberArn": f"arn:aws:sms-voice:{region}:123456789012:phone-number/phone-{n}",
        "PhoneNumber": f"+1888555{n:04}",
        "Status": status, "IsoCountryCode": "US", "MessageType": "TRANSACTIONAL", "NumberCapabilities": ["SMS"],
        "NumberType": kind, "MonthlyLeasingPrice": "2.00", "TwoWayEnabled": False, "SelfManagedOptOutsEnabled": False,
        "OptOutListName": "notify-opt-outs", "DeletionProtectionEnabled": True, "CreatedTimestamp": WHEN,
    }  # fmt: skip
    if pooled:
        info["PoolId"] = "pool-1"
    return info


class Stubbed:
    """SES v2 and SMS clients per region, each wrapped in a Stubber, served through `Clients.use`."""

    def __init__(self) -> None:
        self.clients = Clients(boto3.Session(region_name=PRIMARY))
        self.stubs: list[Stubber] = []
        self.ses: dict[str, Stubber] = {}
        self.sms: dict[str, Stubber] = {}
        for region in (PRIMARY, STANDBY):
            for service, into in (("sesv2", self.ses), ("pinpoint-sms-voice-v2", self.sms)):
                client = boto3.client(service, region_name=region)
                stub = Stubber(client)
                stub.activate()
                self.clients.use(service, client, region)
                into[region] = stub
                self.stubs.append(stub)

    def region(self, region: str, *, ses=None, tier="PRODUCTION", spend=1000, numbers=None, pools=None) -> Stubbed:
        self.ses[region].add_response("get_account", ses or account(), {})
        for name, mode, ips in pools or []:
            self.ses[region].add_response("get_dedicated_ip_pool", {"DedicatedIpPool": {"PoolName": name,
                                          "ScalingMode": mode}}, {"PoolName": name})  # fmt: skip
            self.ses[region].add_response("get_dedicated_ips", {"DedicatedIps": ips}, {"PoolName": name})
        sms = self.sms[region]
        sms.add_response("describe_account_attributes", {"AccountAttributes": [{"Name": "ACCOUNT_TIER",
                                                                                "Value": tier}]})
        limit = {"Name": "TEXT_MESSAGE_MONTHLY_SPEND_LIMIT", "EnforcedLimit": spend, "MaxLimit": spend,
                 "Overridden": True}
        sms.add_response("describe_spend_limits", {"SpendLimits": [limit]})
        default = [number("TEN_DLC", region, 1), number("TOLL_FREE", region, 2)]
        sms.add_response("describe_phone_numbers", {"PhoneNumbers": default if numbers is None else numbers})
        return self

    def done(self) -> None:
        for stub in self.stubs:
            stub.assert_no_pending_responses()


@pytest.fixture
def volume(pair_copy: PairCopy) -> PairCopy:
    """The example pair (warm standby) with an email failover volume and an SMS monthly spend declared."""
    pair_copy.shared(lambda d: d["email"].update(failoverVolume={"messagesPerDay": 200_000, "messagesPerSecond": 20}))
    pair_copy.shared(lambda d: d["sms"].update(monthlySpendUsd=300))
    return pair_copy


def test_a_standby_that_can_carry_the_volume_is_ready(volume):
    s = Stubbed().region(STANDBY).region(PRIMARY)
    result = ops.readiness(s.clients, volume.load())
    s.done()
    assert result.ready, result.blockers
    standby = {c.check: c for c in result.checks if c.region == STANDBY}
    assert standby["ses 24-hour quota"].value == 1_000_000.0
    assert standby["ses 24-hour quota"].needed == 200_000
    assert standby["sms throughput US"].value == 4.0  # TEN_DLC 1 + TOLL_FREE 3 covers the declared 4 msg/s
    assert all(c.carries_failover for c in standby.values())


def test_the_sandboxed_standby_with_small_quotas_is_not_ready_and_says_why(volume):
    s = Stubbed().region(STANDBY, ses=account(production=False, day=200.0, rate=1.0), tier="SANDBOXED", spend=1,
                         numbers=[number("TEN_DLC", STANDBY, 1), number("TOLL_FREE", STANDBY, 2, status="PENDING")])
    s.region(PRIMARY)
    result = ops.readiness(s.clients, volume.load())
    s.done()
    assert not result.ready
    blockers = {c.check: c.detail for c in result.blockers}
    assert set(blockers) == {"ses production access", "ses 24-hour quota", "ses send rate", "sms account tier",
                             "sms spend limit", "sms throughput US"}  # fmt: skip
    assert "us-west-2 is in the SES sandbox" in blockers["ses production access"]
    assert "fewer than the failover volume 200000" in blockers["ses 24-hour quota"]
    assert "1 msg/s to US" in blockers["sms throughput US"]  # a PENDING number is no capacity
    assert "less than the failover volume 4" in blockers["sms throughput US"]


def test_the_primary_blocks_only_an_active_active_pair(volume):
    sandboxed = account(production=False)
    s = Stubbed().region(STANDBY).region(PRIMARY, ses=sandboxed)
    assert ops.readiness(s.clients, volume.load()).ready, "warm standby: the primary carries no failover volume"
    volume.shared(lambda d: d.update(strategy="active-active"))
    s = Stubbed().region(STANDBY).region(PRIMARY, ses=sandboxed)
    result = ops.readiness(s.clients, volume.load())
    assert [(c.region, c.check) for c in result.blockers] == [(PRIMARY, "ses production access")]


def test_a_new_accounts_sms_spend_limit_blocks_when_no_spend_is_declared(pair_copy):
    s = Stubbed().region(STANDBY, spend=1).region(PRIMARY, spend=1)
    result = ops.readiness(s.clients, pair_copy.load())
    assert [c.check for c in result.blockers] == ["sms spend limit"]
    assert "a failover would stop sending when it is reached" in result.blockers[0].detail


def test_dedicated_ip_warm_up_is_reported_per_pool_and_a_missing_pool_blocks(tmp_path):
    for name in ("pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        (tmp_path / name).write_text((ROOT / "docs" / "examples" / "messaging" / name).read_text())
    pair = load_context(tmp_path).pair
    warming = [{"Ip": "203.0.113.20", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 45},
               {"Ip": "203.0.113.21", "WarmupStatus": "DONE", "WarmupPercentage": 100}]  # fmt: skip
    managed = [{"Ip": "192.0.2.7", "WarmupStatus": "NOT_APPLICABLE", "WarmupPercentage": 100}]
    s = Stubbed().region(STANDBY, pools=[("notify-transactional-ips", "MANAGED", managed),
                                         ("notify-marketing-ips", "STANDARD", warming)])  # fmt: skip
    s.ses[PRIMARY].add_response("get_account", account(), {})
    s.ses[PRIMARY].add_client_error("get_dedicated_ip_pool", "NotFoundException", http_status_code=404,
                                    expected_params={"PoolName": "notify-transactional-ips"})  # fmt: skip
    s.ses[PRIMARY].add_response("get_dedicated_ip_pool", {"DedicatedIpPool": {"PoolName": "notify-marketing-ips",
                                "ScalingMode": "STANDARD"}}, {"PoolName": "notify-marketing-ips"})  # fmt: skip
    s.ses[PRIMARY].add_response("get_dedicated_ips", {"DedicatedIps": []}, {"PoolName": "notify-marketing-ips"})
    s.sms[PRIMARY].add_response("describe_account_attributes", {"AccountAttributes": []})
    s.sms[PRIMARY].add_response("describe_spend_limits", {"SpendLimits": []})
    s.sms[PRIMARY].add_response("describe_phone_numbers", {"PhoneNumbers": [number("TEN_DLC", PRIMARY, 1),
                                                                           number("TOLL_FREE", PRIMARY, 2)]})
    result = ops.readiness(s.clients, pair)
    s.done()
    checks = {(c.region, c.check): c for c in result.checks}
    marketing = checks[(STANDBY, "dedicated ips marketing-ips")]
    assert marketing.status == "warn"
    assert not marketing.blocking
    assert "still warming (lowest 45%: 203.0.113.20 IN_PROGRESS 45%, 203.0.113.21 DONE 100%)" in marketing.detail
    assert checks[(STANDBY, "dedicated ips transactional-ips")].status == "ok"
    # Active-active: the primary must carry the standby's traffic too; its missing pool and empty standard pool block.
    assert {c.check for c in result.blockers} == {"dedicated ips transactional-ips", "dedicated ips marketing-ips",
                                                  "sms spend limit"}  # fmt: skip
    assert all(c.region == PRIMARY for c in result.blockers)


@pytest.mark.parametrize("fault", ["answer", "refuse"])
def test_a_standby_answering_503_or_refusing_connections_is_not_ready(cli_clients, faults, pair_copy, fault):
    # moto serves the primary; the standby's SES and SMS APIs fail before moto sees the call.
    faults.add(fault, "sesv2", STANDBY, status=503)
    faults.add(fault, "pinpoint-sms-voice-v2", STANDBY, status=503)
    result = CliRunner().invoke(app, ["readiness", "--config-dir", str(pair_copy.path), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["ready"] is False
    standby = [b for b in data["blockers"] if b["region"] == STANDBY]
    assert {b["check"] for b in standby} == {"ses account", "sms account tier", "sms spend limit", "sms throughput"}
    assert all(b["status"] == "unknown" and "readiness cannot be confirmed" in b["detail"] for b in standby)
    if fault == "answer":
        assert "ServiceUnavailable" in standby[0]["detail"]
    assert "regionpair: not ready: us-west-2 ses account: The SES account (GetAccount) could not be read" in (
        result.stderr)


def test_status_shows_each_regions_readiness_and_warm_up_field_by_field(volume):
    s = Stubbed().region(PRIMARY, ses=account(production=False)).region(STANDBY)
    field = ops.status_fields(s.clients, load_context(volume.path).pair)
    s.done()
    assert field["primary"]["ses production access"].startswith("not-ready: us-east-1 is in the SES sandbox")
    assert field["secondary"]["ses send rate"] == "ok: 100.0 emails per second in us-west-2"


def test_the_audit_reads_live_pools_and_compares_them_like_the_pack(tmp_path):
    # moto has no dedicated IP pools: Stubber serves GetDedicatedIpPool / GetDedicatedIps / GetConfigurationSet.
    from regionpair.ops.audit import _dedicated_ips
    from regionpair.policies.rules_messaging import compare_dedicated_ips

    for name in ("pair.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml"):
        (tmp_path / name).write_text((ROOT / "docs" / "examples" / "messaging" / name).read_text())
    ctx = load_context(tmp_path)
    client = boto3.client("sesv2", region_name=STANDBY)
    with Stubber(client) as stub:
        stub.add_response("get_dedicated_ip_pool", {"DedicatedIpPool": {"PoolName": "notify-transactional-ips",
                          "ScalingMode": "STANDARD"}}, {"PoolName": "notify-transactional-ips"})  # fmt: skip
        stub.add_response("get_dedicated_ips", {"DedicatedIps": []}, {"PoolName": "notify-transactional-ips"})
        stub.add_client_error("get_dedicated_ip_pool", "NotFoundException", http_status_code=404,
                              expected_params={"PoolName": "notify-marketing-ips"})  # fmt: skip
        stub.add_response("get_configuration_set", {"ConfigurationSetName": "notify-transactional", "DeliveryOptions":
                          {"SendingPoolName": "notify-transactional-ips"}}, {"ConfigurationSetName":
                          "notify-transactional"})  # fmt: skip
        stub.add_response("get_configuration_set", {"ConfigurationSetName": "notify-marketing"},
                          {"ConfigurationSetName": "notify-marketing"})
        live = _dedicated_ips(client, ctx, STANDBY)
    messages = [m for m, _ in compare_dedicated_ips(ctx.pair, {STANDBY: live})]
    assert any("dedicated IP pool notify-transactional-ips in us-west-2 is STANDARD, the declaration says MANAGED"
               in m for m in messages), messages  # fmt: skip
    assert any("us-west-2 has no dedicated IP pool notify-marketing-ips" in m for m in messages), messages
    assert any("notify-marketing in us-west-2 sends through shared IPs" in m for m in messages), messages


def test_the_readiness_table_of_a_ready_pair_exits_0(volume, monkeypatch):
    import regionpair.ops_cli as ops_cli

    s = Stubbed().region(STANDBY).region(PRIMARY)
    monkeypatch.setattr(ops_cli, "Clients", lambda *_a, **_k: s.clients)
    result = CliRunner().invoke(app, ["readiness", "--config-dir", str(volume.path)])
    assert result.exit_code == 0, result.output
    assert "READY" in result.output
    assert "ses 24-hour quota" in result.output
