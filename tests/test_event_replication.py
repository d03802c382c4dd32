"""Optional event replication: bounces, complaints and unsubscribes reach the peer region's lists."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from regionpair.check import run_check
from regionpair.policies.pack import _unavoidable_star
from regionpair.simulate import simulate_pair

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "components" / "lambda_src"))
import event_replication as handler_module

FUNCTION = "aws:lambda/function:Function"


def _sns(message: dict) -> dict:
    return {"Records": [{"Sns": {"Message": json.dumps(message)}}]}


BOUNCE = {
    "eventType": "Bounce",
    "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "a@x.com"}]},
}


def test_actions_per_event_type():
    assert handler_module.actions(BOUNCE) == [
        ("put_suppressed_destination", {"EmailAddress": "a@x.com", "Reason": "BOUNCE"})
    ]
    transient = {**BOUNCE, "bounce": {**BOUNCE["bounce"], "bounceType": "Transient"}}
    assert handler_module.actions(transient) == [], "a soft bounce must not suppress anyone"
    complaint = {"eventType": "Complaint", "complaint": {"complainedRecipients": [{"emailAddress": "c@x.com"}]}}
    assert handler_module.actions(complaint)[0][1]["Reason"] == "COMPLAINT"
    unsubscribe = {
        "eventType": "Subscription",
        "mail": {"destination": ["d@x.com"]},
        "subscription": {"contactList": "news", "newTopicPreferences": {"unsubscribeAll": True}},
    }
    assert handler_module.actions(unsubscribe) == [
        ("update_contact", {"ContactListName": "news", "EmailAddress": "d@x.com", "UnsubscribeAll": True})
    ]


def test_handler_writes_in_the_peer_region(monkeypatch):
    # moto has no SES v2 suppression-list API: Stubber checks the call against the real SES v2 model.
    client = boto3.client("sesv2", region_name="us-west-2", aws_access_key_id="t", aws_secret_access_key="t")
    monkeypatch.setattr(handler_module, "_client", client)
    with Stubber(client) as stub:
        stub.add_response("put_suppressed_destination", {}, {"EmailAddress": "a@x.com", "Reason": "BOUNCE"})
        assert handler_module.handler(_sns(BOUNCE), None) == {"replicated": 1}


@pytest.fixture
def replicating_pair(pair_copy):
    pair_copy.shared(lambda d: d["email"].update({"replicateEvents": True}))
    return pair_copy.path


def test_each_region_replicates_to_its_peer(replicating_pair):
    for run in simulate_pair(replicating_pair):
        function = run.one(FUNCTION, "event-replication")
        region = "us-east-1" if run.stack == "primary" else "us-west-2"
        peer = "us-west-2" if run.stack == "primary" else "us-east-1"
        assert function.region == region, function.urn
        assert function.inputs["environment"]["variables"]["PEER_REGION"] == peer, function.urn
        topic = run.one("aws:sns/topic:Topic", "events")
        subscription = run.one("aws:sns/topicSubscription:TopicSubscription", "event-replication")
        assert subscription.inputs["topic"] == topic.outputs["arn"], subscription.urn
        policy = json.loads(run.one("aws:iam/rolePolicy:RolePolicy", "event-replication").inputs["policy"])
        star = next(s for s in policy["Statement"] if s["Resource"] == "*")
        assert star["Condition"] == {"StringEquals": {"aws:RequestedRegion": peer}}


def test_replicating_pair_passes_the_pack(replicating_pair):
    reports = run_check(replicating_pair, ["secondary", "primary"])
    assert [d.message for r in reports for d in r.mandatory] == []


def test_star_resource_only_for_actions_without_resource_types():
    scoped = {"Action": ["ses:PutSuppressedDestination"], "Resource": "*",
              "Condition": {"StringEquals": {"aws:RequestedRegion": "us-west-2"}}}  # fmt: skip
    assert _unavoidable_star(scoped)
    assert not _unavoidable_star({**scoped, "Condition": {}})
    assert not _unavoidable_star({**scoped, "Action": ["ses:PutSuppressedDestination", "ses:SendEmail"]})


def test_replicate_events_needs_bounce_and_complaint_events(pair_copy):
    from regionpair.components.declaration import DeclarationError
    from regionpair.components.loader import load_pair
    from regionpair.simulate import stack_config

    pair_copy.shared(lambda d: d["email"].update({"replicateEvents": True, "configurationSets": []}))
    with pytest.raises(DeclarationError, match="needs a configuration set publishing BOUNCE and COMPLAINT"):
        load_pair(pair_copy.path, stack_config(pair_copy.path, "primary"), "primary")
