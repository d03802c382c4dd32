"""SES identities, DKIM, MAIL FROM, DMARC and SMS origination in each region."""

from __future__ import annotations

import pytest

from regionpair.components.declaration import DeclarationError
from regionpair.components.loader import load_pair
from regionpair.simulate import stack_config

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
RECORD = "aws:route53/record:Record"
DOMAINS = {"example.com", "notify.example.com"}


def test_every_domain_has_an_identity_in_each_region(primary, secondary):
    for run, region in ((primary, "us-east-1"), (secondary, "us-west-2")):
        identities = run.by_type(IDENTITY)
        assert {i.inputs["emailIdentity"] for i in identities} == DOMAINS, run.stack
        for identity in identities:
            assert identity.region == region, identity.urn


def test_three_dkim_records_per_domain_per_region_aimed_at_that_region(primary, secondary):
    for run in (primary, secondary):
        tokens = {
            i.inputs["emailIdentity"]: i.outputs["dkimSigningAttributes"]["tokens"] for i in run.by_type(IDENTITY)
        }
        for domain, domain_tokens in tokens.items():
            records = [r for r in run.by_type(RECORD) if r.inputs["name"].endswith(f"._domainkey.{domain}")]
            records = [r for r in records if r.inputs["name"].split(".", 1)[0] in domain_tokens]
            assert len(records) == 3, f"{run.stack} {domain}: {[r.urn for r in records]}"
            for record in records:
                token = record.inputs["name"].split(".", 1)[0]
                assert record.inputs["type"] == "CNAME", record.urn
                assert record.inputs["records"] == [f"{token}.dkim.amazonses.com"], record.urn
                assert "region" not in record.inputs, f"{record.urn}: Route 53 is global"
    primary_names = {r.inputs["name"] for r in primary.by_type(RECORD)}
    secondary_names = {r.inputs["name"] for r in secondary.by_type(RECORD)}
    assert not primary_names & secondary_names, "the two stacks must never own the same DNS name"


def test_mail_from_per_region_and_dmarc_once(primary, secondary):
    for run, region in ((primary, "us-east-1"), (secondary, "us-west-2")):
        mail_from = run.by_type("aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes")
        assert {m.inputs["mailFromDomain"] for m in mail_from} == {f"bounce-{region}.{d}" for d in DOMAINS}
        mx = [r for r in run.by_type(RECORD) if r.inputs["type"] == "MX"]
        assert {tuple(r.inputs["records"]) for r in mx} == {(f"10 feedback-smtp.{region}.amazonses.com",)}
    dmarc = [r for run in (primary, secondary) for r in run.by_type(RECORD) if r.inputs["name"].startswith("_dmarc.")]
    assert sorted(r.inputs["name"] for r in dmarc) == ["_dmarc.example.com", "_dmarc.notify.example.com"]
    assert all(r.urn.startswith("urn:pulumi:primary::") for r in dmarc), [r.urn for r in dmarc]


def test_configuration_sets_match_and_publish_events(primary, secondary):
    for run in (primary, secondary):
        sets = run.by_type("aws:sesv2/configurationSet:ConfigurationSet")
        assert [s.inputs["configurationSetName"] for s in sets] == ["notify-transactional"], run.stack
        dest = run.one("aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination", "-destination")
        assert "BOUNCE" in dest.inputs["eventDestination"]["matchingEventTypes"], dest.urn


def test_multi_region_endpoint_needs_deed_with_the_reason(pair_copy):
    """SES Global endpoints need DEED replica identities (tests/test_global_endpoint.py runs the accepted pair)."""
    pair_copy.shared(lambda d: d["email"].update({"multiRegionEndpoint": True}))
    with pytest.raises(DeclarationError) as err:
        load_pair(pair_copy.path, stack_config(pair_copy.path, "primary"), "primary")
    assert err.value.key == "pair.yaml email.multiRegionEndpoint"
    assert "Deterministic Easy DKIM" in err.value.message
    assert "dkimMode: deed" in err.value.message


def test_each_region_pools_only_its_active_numbers(primary, secondary):
    """The pending toll-free number is requested without waiting and kept out of the pool; the ACTIVE 10DLC is in."""
    for run, region in ((primary, "us-east-1"), (secondary, "us-west-2")):
        numbers = run.by_type("aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber")
        assert [(n.inputs["isoCountryCode"], n.inputs["numberType"]) for n in numbers] == [("US", "TOLL_FREE")]
        assert numbers[0].inputs["waitForActive"] is False, numbers[0].urn
        pool = run.one("aws:pinpoint/smsvoicev2Pool:Smsvoicev2Pool")
        assert pool.region == region, pool.urn
        manifest = run.outputs["parityManifest"]["sms"]["numbers"]
        existing = [n["arn"] for n in manifest if n["source"] == "existing"]
        assert set(pool.inputs["originationIdentities"]) == set(existing), pool.urn
        assert numbers[0].outputs["arn"] not in pool.inputs["originationIdentities"], pool.urn
        opt_outs = run.one("aws:pinpoint/smsvoicev2OptOutList:Smsvoicev2OptOutList")
        assert pool.inputs["optOutListName"] == opt_outs.inputs["name"], pool.urn
