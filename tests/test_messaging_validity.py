"""What AWS refuses in messaging, refused first by the declaration (one line naming the key) and by the mocks.

Sources are in components/constraints.py (the AWS End User Messaging SMS User Guide's country, sender ID, toll-free
and long code pages; botocore's RequestPhoneNumber; RFC 1035 and RFC 7489; the Route 53 TXT format).
"""

from __future__ import annotations

import pytest
from pulumi.runtime import mocks as pmocks

from regionpair.components import constraints as c
from regionpair.mockcloud import CloudMocks, ConstraintViolation
from regionpair.policies.compare import SMS_THROUGHPUT, check_half
from regionpair.simulate import simulate_stack

PRIMARY_KEY = "Pulumi.primary.yaml regionpair"


def _numbers(**entry):
    return lambda cfg: cfg.update({"regionpair:requestedNumbers": [entry], "regionpair:existingNumbers": []})


# ------------------------------------------------------------------------------------------- the declaration
@pytest.mark.parametrize(
    ("edit", "key", "fragment"),
    [
        (("shared", lambda d: d["sms"].update(senderIds=[{"country": "US", "senderId": "NOTIFY"}])),
         "pair.yaml sms.senderIds[0].country", "US does not support sender IDs"),
        (("shared", lambda d: d["sms"].update(senderIds=[{"country": "CN", "senderId": "NOTIFY"}])),
         "pair.yaml sms.senderIds[0].country", "CN does not support sender IDs"),
        (("shared", lambda d: d["sms"]["countries"].update(UK={"minimumNumbers": 1})),
         "pair.yaml sms.countries", "'UK' is not an assigned ISO 3166-1 alpha-2 country code"),
        (("primary", _numbers(country="US", type="SIMULATOR", messageType="PROMOTIONAL")),
         f"{PRIMARY_KEY}:requestedNumbers[0]", "simulator numbers must be TRANSACTIONAL"),
        (("primary", _numbers(country="GB", type="TOLL_FREE", status="pending")),
         f"{PRIMARY_KEY}:requestedNumbers[0]", "toll-free numbers exist only in CA, US, not GB"),
        (("primary", _numbers(country="US", type="LONG_CODE", status="pending")),
         f"{PRIMARY_KEY}:requestedNumbers[0]", "long codes cannot send application-to-person SMS in US"),
        (("primary", _numbers(country="XK", type="LONG_CODE", status="pending")),
         f"{PRIMARY_KEY}:requestedNumbers[0].country", "'XK' is not an assigned ISO 3166-1"),
        (("shared", lambda d: d["email"].update(mailFromSubdomain="b" * 55)),
         "pair.yaml email.mailFromSubdomain", "a DNS label has at most 63"),
        (("shared", lambda d: d["email"].update(dmarcPolicy="p=quarantine; v=DMARC1")),
         "pair.yaml email.dmarcPolicy", "does not start with v=DMARC1"),
        (("shared", lambda d: d["email"].update(dmarcPolicy="v=DMARC1; rua=mailto:d@example.com")),
         "pair.yaml email.dmarcPolicy", "has no p= tag"),
        (("shared", lambda d: d["email"]["configurationSets"][0].update(sendingPool="bulk")),
         "pair.yaml email", "sendingPool 'bulk' is not one of dedicatedIpPools (none declared)"),
        (("shared", lambda d: d["email"].update(coldStandbyIps={"reason": "ok"})),
         "pair.yaml email.coldStandbyIps.reason", "at least 10 characters"),
        (("primary", lambda cfg: cfg.update({"regionpair:dedicatedIps": [{"ip": "198.51.100.1", "pool": "bulk"}]})),
         f"{PRIMARY_KEY}:dedicatedIps[0].pool", "pool 'bulk' is not one of email.dedicatedIpPools"),
        (("primary", lambda cfg: cfg.update({"regionpair:dedicatedIps": [{"ip": "198.51.100.300", "pool": "b"}]})),
         f"{PRIMARY_KEY}:dedicatedIps[0].ip", "is not an IPv4 address"),
    ],
    ids=["sender-id-us", "sender-id-cn", "iso-uk", "simulator-promotional", "toll-free-gb", "long-code-us",
         "iso-xk", "mail-from-label", "dmarc-first-tag", "dmarc-no-policy", "unknown-sending-pool",
         "cold-ips-without-reason", "ip-into-undeclared-pool", "not-an-ip"],
)  # fmt: skip
def test_the_declaration_refuses_what_aws_refuses(pair_copy, edit, key, fragment):
    where, change = edit
    if where == "shared":
        pair_copy.shared(change)
    else:
        pair_copy.stack(where, change)
    pair_copy.assert_refused(key, fragment)


def test_leased_ips_go_into_standard_pools_only(pair_copy):
    pair_copy.shared(lambda d: d["email"].update(dedicatedIpPools=[{"name": "bulk", "scalingMode": "MANAGED"}]))
    pair_copy.stack("primary", lambda cfg: cfg.update({"regionpair:dedicatedIps": [{"ip": "198.51.100.1",
                                                                                     "pool": "bulk"}]}))  # fmt: skip
    pair_copy.assert_refused(f"{PRIMARY_KEY}:dedicatedIps[0].pool", "pool 'bulk' is MANAGED")


# -------------------------------------------------------------------------------------------------- the mocks
def register(mocks: CloudMocks, token: str, inputs: dict, name: str = "r") -> dict:
    _, state = mocks.new_resource(pmocks.MockResourceArgs(token, name, inputs, custom=True))
    return state


NUMBER = {"isoCountryCode": "US", "messageType": "TRANSACTIONAL", "numberCapabilities": ["SMS"]}
TXT = {"zoneId": "Z1", "name": "_dmarc.example.com", "type": "TXT", "ttl": 1800}


@pytest.mark.parametrize(
    ("token", "inputs", "says"),
    [
        (c.PHONE_NUMBER, {**NUMBER, "numberType": "SIMULATOR", "messageType": "PROMOTIONAL"}, "TRANSACTIONAL"),
        (c.PHONE_NUMBER, {**NUMBER, "numberType": "TOLL_FREE", "isoCountryCode": "GB", "waitForActive": False},
         "toll-free numbers exist only in"),
        (c.PHONE_NUMBER, {**NUMBER, "numberType": "LONG_CODE"}, "long codes cannot send application-to-person SMS"),
        (c.PHONE_NUMBER, {**NUMBER, "numberType": "LONG_CODE", "isoCountryCode": "UK"}, "not an assigned ISO"),
        (c.SENDER_ID, {"senderId": "NOTIFY", "isoCountryCode": "CA"}, "CA does not support sender IDs"),
        (c.RECORD, {**TXT, "records": ["v=DMARC1; p=none; " + "x" * 250]}, "a TXT string of 268 characters"),
        (c.MAIL_FROM, {"emailIdentity": "example.com", "mailFromDomain": f"{'b' * 64}.example.com"},
         "a DNS label has at most 63"),
        (c.DEDICATED_IP_POOL, {"poolName": "p", "scalingMode": "AUTO"}, "is not one of"),
        (c.DEDICATED_IP_ASSIGNMENT, {"ip": "10.0.0", "destinationPoolName": "p"}, "is not an IPv4 address"),
        (c.FIREHOSE, {"name": "s", "destination": "extended_s3", "extendedS3Configuration": {
            "bucketArn": "arn:aws:s3:::b", "roleArn": "r", "bufferingInterval": 901}}, "is not an integer in 0-900"),
        (c.FIREHOSE, {"name": "s", "destination": "extended_s3", "extendedS3Configuration": {"bucketArn": "b"}},
         "needs extendedS3Configuration with bucketArn and roleArn"),
        (c.EVENT_DEST, {"eventDestinationName": "archive", "eventDestination": {
            "matchingEventTypes": ["SEND"], "kinesisFirehoseDestination": {"deliveryStreamArn": "s"}}},
         "needs deliveryStreamArn and iamRoleArn"),
    ],
    ids=["simulator-promotional", "toll-free-gb", "long-code-us", "iso-uk", "sender-id-ca", "txt-256", "mail-from",
         "pool-mode", "ipv4", "buffering", "firehose-role", "firehose-destination"],
)  # fmt: skip
def test_the_mock_refuses_what_aws_refuses(token, inputs, says):
    with pytest.raises(ConstraintViolation) as err:
        register(CloudMocks(), token, inputs)
    assert says in str(err.value)
    assert "source:" in str(err.value)


def test_a_long_txt_value_split_into_strings_is_accepted():
    value = "v=DMARC1; p=quarantine; " + "; ".join(f"rua=mailto:reports-{i}@example.com" for i in range(12))
    assert len(value) > 255
    split = c.split_txt(value)
    assert all(len(s) <= 255 for s in c.txt_strings(split))
    assert "".join(c.txt_strings(split)) == value, "receivers concatenate the strings back"
    register(CloudMocks(), c.RECORD, {**TXT, "records": [split]})


def test_a_configuration_set_sends_only_through_a_pool_of_its_region():
    mocks = CloudMocks()
    dedicated = {"configurationSetName": "s", "region": "us-west-2", "deliveryOptions": {"sendingPoolName": "bulk"}}
    with pytest.raises(ConstraintViolation, match="no dedicated IP pool bulk in us-west-2"):
        register(mocks, c.CONFIG_SET, dedicated)
    register(mocks, c.DEDICATED_IP_POOL, {"poolName": "bulk", "scalingMode": "MANAGED", "region": "us-east-1"})
    with pytest.raises(ConstraintViolation, match="no dedicated IP pool bulk in us-west-2"):
        register(mocks, c.CONFIG_SET, dedicated)  # a pool of the other region does not count
    register(mocks, c.DEDICATED_IP_POOL, {"poolName": "bulk", "scalingMode": "MANAGED", "region": "us-west-2"})
    register(mocks, c.CONFIG_SET, dedicated)
    with pytest.raises(ConstraintViolation, match="bulk is a MANAGED pool: SES chooses its IPs"):
        register(mocks, c.DEDICATED_IP_ASSIGNMENT, {"ip": "198.51.100.1", "destinationPoolName": "bulk",
                                                    "region": "us-west-2"})  # fmt: skip


# -------------------------------------------------------------------------------------------- in the program
def test_a_dmarc_record_with_many_rua_is_published_as_several_strings(pair_copy):
    value = "v=DMARC1; p=quarantine; " + "; ".join(f"rua=mailto:reports-{i}@example.com" for i in range(12))
    pair_copy.shared(lambda d: d["email"].update(dmarcPolicy=value))
    peer = simulate_stack("secondary", config_dir=pair_copy.path).outputs
    run = simulate_stack("primary", config_dir=pair_copy.path, peer_outputs={"secondary": peer})
    records = [r for r in run.by_type("aws:route53/record:Record") if r.inputs.get("name") == "_dmarc.example.com"]
    assert records
    (published,) = records[0].inputs["records"]
    assert '""' in published
    assert "".join(c.txt_strings(published)) == value, records[0].urn


def test_a_sender_id_joins_its_countrys_pool_and_counts_only_there(pair_copy):
    pair_copy.shared(lambda d: d["sms"].update(senderIds=[{"country": "DE", "senderId": "NOTIFY"}]))
    for stack in ("primary", "secondary"):
        pair_copy.stack(stack, lambda cfg: cfg["regionpair:requestedNumbers"].append(
            {"name": "de-long", "country": "DE", "type": "LONG_CODE", "status": "active"}))  # fmt: skip
    run = simulate_stack("secondary", config_dir=pair_copy.path)
    sender = run.one("aws:pinpoint/smsvoicev2SenderId:Smsvoicev2SenderId")
    pool = next(p for p in run.by_type("aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool")
                if p.inputs["isoCountryCode"] == "DE")  # fmt: skip
    assert sender.outputs["arn"] in pool.inputs["originationIdentities"], pool.urn
    assert sender.inputs["messageTypes"] == ["TRANSACTIONAL"], sender.urn
    assert run.outputs["parityManifest"]["sms"]["senderIds"][0]["pooled"] is True
    # The throughput a sender ID adds counts only when pooled sending can use it.
    declaration = {"sms": {"countries": {"DE": {"minimumNumbers": 1, "failoverVolumeMps": 15}}}}
    number = {"country": "DE", "type": "LONG_CODE", "status": "active", "pooled": True, "mps": 10}
    for pooled, short in ((True, False), (False, True)):
        manifest = {"role": "secondary", "region": "us-west-2", "sms": {
            "numbers": [number], "senderIds": [{"country": "DE", "senderId": "NOTIFY", "mps": 10, "pooled": pooled}]}}
        found = [f for f in check_half(manifest, declaration) if f.policy == SMS_THROUGHPUT]
        assert bool(found) is short, found
