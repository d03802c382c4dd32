"""SMS number lifecycle: requested -> registration pending -> active -> pooled, per region and per number.

Each test pins a rule AWS or pulumi-aws enforces that the program used to break (docs/configuration.md, "SMS
number lifecycle"): a number that needs registration is requested without waiting for ACTIVE (SDK docstring of
`Smsvoicev2PhoneNumber.wait_for_active`), a pool holds only ACTIVE identities of one country and message type
(terraform-provider-aws pool.go, validatePhoneIdentity), registrations are per region and per number, and sender
IDs follow AWS's format.
"""

from __future__ import annotations

import pytest

from regionpair.components.declaration import DeclarationError, Role
from regionpair.components.sms import NUMBER_TAG
from regionpair.mockcloud import CloudMocks
from regionpair.simulate import simulate_pair, simulate_stack

NUMBER = "aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber"
POOL = "aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool"
NUMBER_KEYS = {"country", "type", "messageType", "source", "status", "pooled", "arn", "phoneNumber", "mps"}
POOL_KEYS = {"country", "messageType", "arn", "identities"}


def _requested(stack_cfg):
    return stack_cfg["regionpair:requestedNumbers"]


def _both(copy, mutate):
    for stack in ("primary", "secondary"):
        copy.stack(stack, mutate)
    return copy


# ------------------------------------------------------------------------------------------------ the program
def test_first_deploy_requests_without_waiting_and_pools_only_active_numbers(pair_run):
    for run in pair_run:
        number = run.one(NUMBER)
        assert number.inputs["waitForActive"] is False, number.urn
        assert number.inputs["registrationId"].startswith("registration-"), number.urn
        sms = run.outputs["parityManifest"]["sms"]
        by_source = {n["source"]: n for n in sms["numbers"]}
        assert (by_source["requested"]["status"], by_source["requested"]["pooled"]) == ("pending", False)
        assert (by_source["existing"]["status"], by_source["existing"]["pooled"]) == ("active", True)
        assert [(p["country"], p["messageType"], p["identities"]) for p in sms["pools"]] == [
            ("US", "TRANSACTIONAL", 1)
        ], run.stack


def test_manifest_keeps_the_contract_the_policy_pack_reads(pair_run):
    for run in pair_run:
        sms = run.outputs["parityManifest"]["sms"]
        for entry in sms["numbers"]:
            assert set(entry) <= NUMBER_KEYS, entry
            assert {"status", "pooled", "messageType"} <= set(entry), entry
        for pool in sms["pools"]:
            assert set(pool) == POOL_KEYS, pool


def test_flipping_status_to_active_pools_the_number(pair_copy):
    _both(pair_copy, lambda d: _requested(d)[0].update({"status": "active"}))
    # The second `pulumi up`: the account now holds the number ACTIVE (the mocks refuse a pool of a PENDING one).
    active = {"notify-sms-us-toll-free-0"}
    secondary = simulate_stack("secondary", config_dir=pair_copy.path, mocks=CloudMocks(active_numbers=active))
    peer = CloudMocks(peer_outputs={"secondary": secondary.outputs}, active_numbers=active)
    for stack in (secondary, simulate_stack("primary", config_dir=pair_copy.path, mocks=peer)):
        number = stack.one(NUMBER)
        pool = stack.one(POOL)
        assert number.outputs["arn"] in pool.inputs["originationIdentities"], pool.urn
        assert len(pool.inputs["originationIdentities"]) == 2, pool.urn
        requested = [n for n in stack.outputs["parityManifest"]["sms"]["numbers"] if n["source"] == "requested"]
        assert (requested[0]["status"], requested[0]["pooled"]) == ("active", True), stack.stack
        assert number.urn.endswith("-us-toll-free-0"), number.urn  # same resource as while it was pending
        # Flipping the status must not update the registered number: the wait is read only when it is requested.
        assert {"waitForActive", "registrationId"} <= set(number.ignore_changes), number.urn


def test_no_pool_without_an_active_identity(pair_copy):
    _both(pair_copy, lambda d: d["regionpair:existingNumbers"][0].update({"status": "pending"}))
    run = simulate_pair(pair_copy.path)
    for stack in run:
        assert stack.by_type(POOL) == [], stack.stack
        sms = stack.outputs["parityManifest"]["sms"]
        assert sms["pools"] == [], stack.stack
        assert not any(n["pooled"] for n in sms["numbers"]), stack.stack


def test_existing_promotional_numbers_get_a_promotional_pool(pair_copy):
    def promotional(d):
        d["regionpair:existingNumbers"][0]["messageType"] = "PROMOTIONAL"
        _requested(d)[0]["messageType"] = "PROMOTIONAL"

    _both(pair_copy, promotional)
    run = simulate_pair(pair_copy.path)
    for stack in run:
        assert stack.one(POOL).inputs["messageType"] == "PROMOTIONAL", stack.stack
        assert stack.one(NUMBER).inputs["messageType"] == "PROMOTIONAL", stack.stack


def test_simulator_numbers_try_the_pair_without_registration(pair_copy):
    """docs/configuration.md "Try it without registration": simulators are active at once and pooled."""
    pair_copy.shared(lambda d: d["sms"].update({"countries": {}}))

    def simulators(d):
        d["regionpair:existingNumbers"] = []
        d["regionpair:requestedNumbers"] = [{"country": "US", "type": "SIMULATOR"} for _ in range(2)]

    _both(pair_copy, simulators)
    run = simulate_pair(pair_copy.path)
    for stack in run:
        numbers = stack.by_type(NUMBER)
        assert [n.inputs["waitForActive"] for n in numbers] == [True, True], stack.stack
        assert all("registrationId" not in n.inputs for n in numbers), stack.stack
        pool = stack.one(POOL)
        assert set(pool.inputs["originationIdentities"]) == {n.outputs["arn"] for n in numbers}, pool.urn
        assert {n.inputs["tags"][NUMBER_TAG] for n in numbers} == {"notify/us-simulator-0", "notify/us-simulator-1"}


def test_a_simulator_never_joins_a_pool_of_real_numbers(pair_copy):
    _both(pair_copy, lambda d: _requested(d).append({"country": "US", "type": "SIMULATOR"}))
    run = simulate_pair(pair_copy.path)
    for stack in run:
        simulator = stack.one(NUMBER, "us-simulator-0")
        assert simulator.outputs["arn"] not in stack.one(POOL).inputs["originationIdentities"], stack.stack
        sim = [n for n in stack.outputs["parityManifest"]["sms"]["numbers"] if n["type"] == "SIMULATOR"]
        assert (sim[0]["status"], sim[0]["pooled"]) == ("active", False), stack.stack


# --------------------------------------------------------------------------------------------- the declaration
def test_minimum_counts_pending_numbers_so_a_first_deploy_is_possible(pair_copy):
    pair = pair_copy.load()
    for role in Role:
        assert pair.numbers_per_country(role) == {"US": 2}  # one pending toll-free + one active 10DLC
        assert [n.status.value for n in pair.half(role).requested_numbers] == ["pending"]


BAD = [
    pytest.param(
        lambda c: c.shared(lambda d: d["sms"].update({"numbers": [{"country": "US", "type": "TOLL_FREE"}]})),
        "pair.yaml sms.numbers",
        "regionpair:requestedNumbers",
        id="numbers-moved-to-the-half",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: d["regionpair:existingNumbers"][0].pop("messageType")),
        "Pulumi.primary.yaml regionpair:existingNumbers[0].messageType",
        "required",
        id="existing-number-without-message-type",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary", lambda d: d["regionpair:existingNumbers"][0].update({"messageType": "PROMOTIONAL"})
        ),
        "Pulumi.primary.yaml regionpair:existingNumbers[0].messageType",
        "share one country and message type",
        id="mixed-pool-in-a-half",
    ),
    pytest.param(
        lambda c: _both(
            c,
            lambda d: (
                d["regionpair:existingNumbers"][0].update({"messageType": "PROMOTIONAL"})
                if d["regionpair:role"] == "secondary"
                else None,
                _requested(d)[0].update({"messageType": "PROMOTIONAL"})
                if d["regionpair:role"] == "secondary"
                else None,
            ),
        ),
        "Pulumi.secondary.yaml regionpair:requestedNumbers[0].messageType",
        "the primary's US numbers are TRANSACTIONAL",
        id="message-type-differs-between-regions",
    ),
    pytest.param(
        lambda c: c.stack(
            "secondary",
            lambda d: _requested(d)[0].update({"registrationId": "registration-0123456789abcdef0123456789abcdef"}),
        ),
        "Pulumi.secondary.yaml regionpair:requestedNumbers[0].registrationId",
        "a registration exists in one region",
        id="registration-shared-by-both-regions",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary",
            lambda d: _requested(d)[0].update(
                {"registrationId": "arn:aws:sms-voice:us-west-2:123456789012:registration/registration-abc"}
            ),
        ),
        "Pulumi.primary.yaml regionpair:requestedNumbers[0].registrationId",
        "registrations are per region",
        id="registration-arn-in-the-other-region",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: _requested(d).append({**_requested(d)[0], "name": "us-tfn-2"})),
        "Pulumi.primary.yaml regionpair:requestedNumbers[1].registrationId",
        "each US toll-free number has its own registration",
        id="toll-free-numbers-sharing-a-registration",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary",
            lambda d: d["regionpair:requestedNumbers"].insert(
                0, {"country": "US", "type": "TEN_DLC", "registrationId": _requested(d)[0]["registrationId"]}
            ),
        ),
        "Pulumi.primary.yaml regionpair:requestedNumbers[1].registrationId",
        "each US toll-free number has its own registration",
        id="toll-free-number-on-a-10dlc-campaign-registration",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary",
            lambda d: _requested(d).append({"country": "US", "type": "SIMULATOR", "registrationId": "registration-x"}),
        ),
        "Pulumi.primary.yaml regionpair:requestedNumbers[1]",
        "simulator numbers need no registration",
        id="simulator-with-registration",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: _requested(d).append({"country": "CA", "type": "TEN_DLC"})),
        "Pulumi.primary.yaml regionpair:requestedNumbers[1]",
        "only in the US",
        id="ten-dlc-outside-the-us",
    ),
    pytest.param(
        lambda c: c.stack(
            "primary", lambda d: _requested(d).append({"country": "US", "type": "TOLL_FREE", "name": "us-toll-free-0"})
        ),
        "Pulumi.primary.yaml regionpair:requestedNumbers",
        "give each number its own name",
        id="two-numbers-one-key",
    ),
    pytest.param(
        lambda c: c.stack("primary", lambda d: _requested(d)[0].update({"status": "ready"})),
        "Pulumi.primary.yaml regionpair:requestedNumbers[0].status",
        "pending",
        id="unknown-status",
    ),
]


@pytest.mark.parametrize(("break_it", "key", "fragment"), BAD)
def test_bad_sms_declaration_names_the_key(pair_copy, break_it, key, fragment):
    break_it(pair_copy)
    pair_copy.assert_refused(key, fragment)


@pytest.mark.parametrize("sender_id", ["ab", "12345", "notify", "ABCDEFGHIJKL", "-NOTIFY", "NOTIFY-", "NO_TIFY", "1-2"])
def test_sender_ids_aws_refuses_are_refused(pair_copy, sender_id):
    pair_copy.shared(lambda d: d["sms"].update({"senderIds": [{"country": "DE", "senderId": sender_id}]}))
    with pytest.raises(DeclarationError) as info:
        pair_copy.load()
    assert info.value.key == "pair.yaml sms.senderIds[0].senderId", info.value
    assert "3-11 upper case letters" in info.value.message


@pytest.mark.parametrize("sender_id", ["NOTIFY", "ACME-1", "A1B", "ABCDEFGHIJK"])
def test_sender_ids_aws_accepts_are_accepted(pair_copy, sender_id):
    pair_copy.shared(lambda d: d["sms"].update({"senderIds": [{"country": "DE", "senderId": sender_id}]}))
    assert pair_copy.load().shared.sms.sender_ids[0].sender_id == sender_id


def test_lowercase_sender_id_error_says_the_fix(pair_copy):
    pair_copy.shared(lambda d: d["sms"].update({"senderIds": [{"country": "DE", "senderId": "notify"}]}))
    with pytest.raises(DeclarationError, match="write 'NOTIFY'"):
        pair_copy.load()
