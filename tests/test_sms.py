"""SmsOrigination: requested numbers carry region and opt-out list; sender IDs; manifest throughput."""

from __future__ import annotations

from regionpair.components.sms_throughput import mps
from regionpair.simulate import simulate_pair

NUMBER = "aws:pinpoint/smsvoicev2PhoneNumber:Smsvoicev2PhoneNumber"


def test_requested_numbers_are_regional_and_use_the_opt_out_list(primary, secondary):
    for run, region in ((primary, "us-east-1"), (secondary, "us-west-2")):
        for res in run.resources:
            if res.type.startswith("aws:pinpoint/"):
                assert res.region == region, res.urn
        for number in run.by_type(NUMBER):
            assert number.inputs["optOutListName"] == "notify-opt-outs", number.urn


def test_sms_manifest_counts_existing_numbers_with_their_throughput(primary, secondary):
    for run in (primary, secondary):
        sms = run.outputs["parityManifest"]["sms"]
        us = [n for n in sms["numbers"] if n["country"] == "US"]
        assert len(us) >= 2, f"{run.stack}: {us}"
        assert {n["source"] for n in us} == {"requested", "existing"}, run.stack
        for n in us:
            assert n["mps"] == mps(n["type"], "US"), f"{run.stack} {n['arn']}"
        assert [p["country"] for p in sms["pools"]] == ["US"], run.stack
        assert sms["optOutList"] == "notify-opt-outs", run.stack


def test_declared_sender_ids_are_created_in_each_region(pair_copy):
    pair_copy.shared(lambda d: d["sms"].update({"senderIds": [{"country": "DE", "senderId": "NOTIFY"}]}))
    run = simulate_pair(pair_copy.path)
    for stack in (run.primary, run.secondary):
        sender = stack.one("aws:pinpoint/smsvoicev2SenderId:Smsvoicev2SenderId")
        assert (sender.inputs["isoCountryCode"], sender.inputs["senderId"]) == ("DE", "NOTIFY"), sender.urn
        assert sender.region == stack.outputs["parityManifest"]["sms"]["region"], sender.urn
        assert stack.outputs["parityManifest"]["sms"]["senderIds"][0]["senderId"] == "NOTIFY", sender.urn
