"""`regionpair sms status`: each declared number's live status, its registration, and the next lifecycle step.

moto implements no End User Messaging SMS (`pinpoint-sms-voice-v2`) API: botocore's Stubber serves the responses,
validated against the real service model (required members, enums, the 5-id limit of DescribeRegistrations), and
checks the exact requests the library makes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from typer.testing import CliRunner

from regionpair.cli import app
from regionpair.components.declaration import Role
from regionpair.ops import sms_numbers
from regionpair.ops.clients import Clients
from regionpair.ops.context import load_context

ACCOUNT = "123456789012"
TFN_ARN = f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:phone-number/phone-tfn0"
TEN_DLC_ARN = f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcdef"
REG = "registration-0123456789abcdef0123456789abcdef"
WHEN = datetime(2026, 11, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _number(arn, number_type, status, *, pool=None, registration=None, region="us-east-1"):
    info = {
        "PhoneNumberArn": arn.replace("us-east-1", region), "PhoneNumberId": arn.rsplit("/", 1)[1],
        "PhoneNumber": "+18885550100", "Status": status, "IsoCountryCode": "US", "MessageType": "TRANSACTIONAL",
        "NumberCapabilities": ["SMS"], "NumberType": number_type, "MonthlyLeasingPrice": "2.00",
        "TwoWayEnabled": False, "SelfManagedOptOutsEnabled": False, "OptOutListName": "notify-opt-outs",
        "DeletionProtectionEnabled": True, "CreatedTimestamp": WHEN,
    }  # fmt: skip
    if pool:
        info["PoolId"] = pool
    if registration:
        info["RegistrationId"] = registration
    return info


def _registration(status, rid=REG):
    return {
        "RegistrationArn": f"arn:aws:sms-voice:us-east-1:{ACCOUNT}:registration/{rid}", "RegistrationId": rid,
        "RegistrationType": "US_TOLL_FREE_REGISTRATION", "RegistrationStatus": status, "CurrentVersionNumber": 1,
        "CreatedTimestamp": WHEN,
    }  # fmt: skip


def _tags(value):
    return {"ResourceArn": TFN_ARN, "Tags": [{"Key": "regionpair:number", "Value": value}]}


@pytest.fixture
def ctx():
    return load_context(ROOT)


@pytest.fixture
def sms():
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def _serve(stub, numbers, *, tfn_tag="notify/us-toll-free-0", registrations=None, registration_error=False):
    """One account region: its numbers, the TFN's tag, and the registration lookup."""
    stub.add_response("describe_phone_numbers", {"PhoneNumbers": numbers}, {})
    if any(n["PhoneNumberArn"] == TFN_ARN for n in numbers):
        stub.add_response("list_tags_for_resource", _tags(tfn_tag), {"ResourceArn": TFN_ARN})
    if registration_error:
        stub.add_client_error("describe_registrations", "ResourceNotFoundException", http_status_code=404,
                              expected_params={"RegistrationIds": [REG]})  # fmt: skip
    else:
        stub.add_response("describe_registrations", {"Registrations": registrations or []}, {"RegistrationIds": [REG]})


def _by_source(reports):
    return {r.source: r for r in reports}


def test_pending_toll_free_under_review_waits_and_the_active_10dlc_is_pooled(ctx, sms):
    client, stub = sms
    _serve(stub, [_number(TFN_ARN, "TOLL_FREE", "PENDING", registration=REG),
                  _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="pool-1")],
           registrations=[_registration("REVIEWING")])  # fmt: skip
    got = _by_source(sms_numbers.report(client, ctx.pair, Role.PRIMARY))
    tfn, ten_dlc = got["requested"], got["existing"]
    assert (tfn.live, tfn.registration_status, tfn.action) == ("PENDING", "REVIEWING", "wait"), tfn
    assert tfn.key == "Pulumi.primary.yaml regionpair:requestedNumbers[0]"
    assert "15 business days" in tfn.advice
    assert (ten_dlc.live, ten_dlc.in_pool, ten_dlc.action) == ("ACTIVE", True, "ok"), ten_dlc


def test_an_active_pending_number_tells_the_user_to_flip_its_status(ctx, sms):
    client, stub = sms
    _serve(stub, [_number(TFN_ARN, "TOLL_FREE", "ACTIVE", registration=REG),
                  _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="pool-1")],
           registrations=[_registration("COMPLETE")])  # fmt: skip
    tfn = _by_source(sms_numbers.report(client, ctx.pair, Role.PRIMARY))["requested"]
    assert tfn.action == "activate", tfn
    assert "set status: active at Pulumi.primary.yaml regionpair:requestedNumbers[0]" in tfn.advice
    assert "pulumi up -s primary" in tfn.advice


def test_declared_active_but_pending_is_a_mismatch_and_fails_the_check(pair_copy, sms):
    pair_copy.stack("primary", lambda d: d["regionpair:requestedNumbers"][0].update({"status": "active"}))
    client, stub = sms
    _serve(stub, [_number(TFN_ARN, "TOLL_FREE", "PENDING", registration=REG),
                  _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="pool-1")],
           registrations=[_registration("SUBMITTED")])  # fmt: skip
    tfn = _by_source(sms_numbers.report(client, load_context(pair_copy.path).pair, Role.PRIMARY))["requested"]
    assert tfn.action == "mismatch", tfn
    assert "set status: pending" in tfn.advice


@pytest.mark.parametrize(
    ("status", "fragment"),
    [("CREATED", "complete its form and submit it"), ("REQUIRES_UPDATES", "fix the flagged fields"),
     ("DELETED", "create a new one in us-east-1")],
)  # fmt: skip
def test_registration_states_that_need_the_user(ctx, sms, status, fragment):
    client, stub = sms
    _serve(stub, [_number(TFN_ARN, "TOLL_FREE", "PENDING", registration=REG),
                  _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="pool-1")],
           registrations=[_registration(status)])  # fmt: skip
    tfn = _by_source(sms_numbers.report(client, ctx.pair, Role.PRIMARY))["requested"]
    assert (tfn.action, tfn.registration_status) == ("register", status)
    assert fragment in tfn.advice


def test_a_registration_of_another_region_is_not_found_here(ctx, sms):
    client, stub = sms
    _serve(stub, [_number(TFN_ARN, "TOLL_FREE", "PENDING"), _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="p")],
           registration_error=True)  # fmt: skip
    tfn = _by_source(sms_numbers.report(client, ctx.pair, Role.PRIMARY))["requested"]
    assert tfn.action == "register", tfn
    assert f"{REG} not found in us-east-1: registrations are per region" in tfn.advice


def test_numbers_of_another_pair_and_not_yet_requested_numbers(ctx, sms):
    client, stub = sms
    _serve(stub, [_number(TFN_ARN, "TOLL_FREE", "ACTIVE"), _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="p")],
           tfn_tag="billing/us-toll-free-0", registrations=[_registration("COMPLETE")])  # fmt: skip
    tfn = _by_source(sms_numbers.report(client, ctx.pair, Role.PRIMARY))["requested"]
    assert (tfn.live, tfn.action) == (None, "deploy"), tfn
    assert "pulumi up -s primary" in tfn.advice


def test_numbers_are_read_across_pages(ctx, sms):
    client, stub = sms
    stub.add_response("describe_phone_numbers", {"PhoneNumbers": [_number(TFN_ARN, "TOLL_FREE", "PENDING")],
                                                 "NextToken": "t1"}, {})  # fmt: skip
    stub.add_response("describe_phone_numbers", {"PhoneNumbers": [_number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE")]},
                      {"NextToken": "t1"})  # fmt: skip
    stub.add_response("list_tags_for_resource", _tags("notify/us-toll-free-0"), {"ResourceArn": TFN_ARN})
    stub.add_response("describe_registrations", {"Registrations": [_registration("REVIEWING")]},
                      {"RegistrationIds": [REG]})  # fmt: skip
    got = _by_source(sms_numbers.report(client, ctx.pair, Role.PRIMARY))
    assert (got["requested"].live, got["existing"].live) == ("PENDING", "ACTIVE")
    assert got["existing"].action == "deploy"  # ACTIVE and declared active, but not in a pool yet


def test_more_than_five_registrations_are_read_in_batches(sms):
    client, stub = sms
    ids = [f"registration-{i:032x}" for i in range(7)]
    stub.add_response("describe_registrations", {"Registrations": [_registration("COMPLETE", r) for r in ids[:5]]},
                      {"RegistrationIds": ids[:5]})  # fmt: skip
    stub.add_response("describe_registrations", {"Registrations": [_registration("COMPLETE", r) for r in ids[5:]]},
                      {"RegistrationIds": ids[5:]})  # fmt: skip
    assert sorted(sms_numbers.describe_registrations(client, ids)) == ids


def test_live_numbers_in_the_manifest_shape_for_audit():
    entries = sms_numbers.manifest_entries(
        [_number(TFN_ARN, "TOLL_FREE", "PENDING"), _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="p"),
         _number(TFN_ARN, "TOLL_FREE", "DELETED")]
    )  # fmt: skip
    assert [(e["type"], e["status"], e["pooled"], e["messageType"]) for e in entries] == [
        ("TOLL_FREE", "pending", False, "TRANSACTIONAL"), ("TEN_DLC", "active", True, "TRANSACTIONAL")
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------------ the CLI
@pytest.fixture
def stubbed_clients(monkeypatch):
    """`Clients.get` hands out one stubbed pinpoint-sms-voice-v2 client per region."""
    made: dict[str, tuple] = {}

    def get(self, service, region=None):
        assert service == "pinpoint-sms-voice-v2", service
        if region not in made:
            client = boto3.client(service, region_name=region)
            stub = Stubber(client)
            stub.activate()
            made[region] = (client, stub)
        return made[region][0]

    monkeypatch.setattr(Clients, "get", get)
    return lambda region: get(None, "pinpoint-sms-voice-v2", region) and made[region][1]


def test_cli_json_and_fail_on_mismatch(pair_copy, stubbed_clients):
    pair_copy.stack("primary", lambda d: d["regionpair:requestedNumbers"][0].update({"status": "active"}))
    east = stubbed_clients("us-east-1")
    _serve(east, [_number(TFN_ARN, "TOLL_FREE", "PENDING", registration=REG),
                  _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="p")],
           registrations=[_registration("REVIEWING")])  # fmt: skip
    west = stubbed_clients("us-west-2")  # the secondary's region fails: the primary's numbers are still reported
    west.add_client_error("describe_phone_numbers", "ThrottlingException", http_status_code=400)
    result = CliRunner().invoke(
        app, ["sms", "status", "--config-dir", str(pair_copy.path), "--json", "--fail-on-mismatch"]
    )
    assert result.exit_code == 2, result.output
    data = json.loads(result.output)
    assert [(n["stack"], n["source"], n["action"]) for n in data["numbers"]] == [
        ("primary", "requested", "mismatch"), ("primary", "existing", "ok")
    ]  # fmt: skip
    assert "ThrottlingException" in data["errors"]["us-west-2"]


def test_cli_table_names_the_key_to_flip(stubbed_clients):
    east = stubbed_clients("us-east-1")
    _serve(east, [_number(TFN_ARN, "TOLL_FREE", "ACTIVE", registration=REG),
                  _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="p")],
           registrations=[_registration("COMPLETE")])  # fmt: skip
    result = CliRunner().invoke(app, ["sms", "status", "--config-dir", str(ROOT), "--role", "primary"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "activate" in flat, result.output
    assert "requestedNumbers[0]" in flat, result.output


def test_audit_counts_only_active_pooled_live_numbers(stubbed_clients):
    """`regionpair audit` reads the same live entries: a PENDING number is reported pending, never capacity."""
    from regionpair.ops import audit
    from regionpair.policies.compare import SMS_MINIMUM, SMS_PENDING, check_half

    ctx = load_context(ROOT)
    clients = Clients(boto3.Session(region_name="us-east-1"))
    stub = stubbed_clients("us-east-1")
    live_numbers = [_number(TFN_ARN, "TOLL_FREE", "PENDING"), _number(TEN_DLC_ARN, "TEN_DLC", "ACTIVE", pool="p")]
    stub.add_response("describe_phone_numbers", {"PhoneNumbers": live_numbers}, {})
    live = {"role": "primary", "region": "us-east-1", "sms": audit._sms(clients, ctx, "us-east-1")}
    findings = check_half(live, ctx.pair.shared.model_dump(mode="json", by_alias=True))
    sms = [f for f in findings if f.policy in (SMS_MINIMUM, SMS_PENDING)]
    assert [f.policy for f in sms] == [SMS_PENDING], findings
    assert "holds 1 active pooled origination number(s) for US, fewer than 2" in sms[0].message
