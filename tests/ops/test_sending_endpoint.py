"""Sending through an SES Global endpoint (`ses_sender(..., endpoint_id=...)`).

What is checked against botocore itself: the sesv2 endpoint rules send a request with `EndpointId` to
`https://<id>.endpoints.email.amazonaws.com`, signed with SigV4a for every region (`X-Amz-Region-Set: *`), which
botocore signs only with the AWS CRT (awscrt) installed. The request is captured on botocore's `before-send` event
and never leaves the machine. moto cannot take the send: it has no multi-region endpoints, and it reads a request's
region from the SigV4 credential scope, which a SigV4a signature has not (moto server answers 500, KeyError
'DEFAULT'); so the answers, and the 503 of an endpoint that does not answer, are served by `Stubber`, which checks
each request against the real SES v2 model.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber

from regionpair.sending import GLOBAL, ResilientSender, endpoint_id_of, sending_config, ses_sender
from regionpair.sending import client as sending_client

ENDPOINT_ID = "abcde12345.fghij67890"
MESSAGE = {"from": "alerts@example.com", "to": ["user@example.org"], "subject": "s", "text": "t"}


class Captured(Exception):
    """Stops the request before it is sent."""


def _capture(client, seen: dict) -> None:
    def before_send(request, **_kw):
        seen.update(url=request.url, headers=dict(request.headers), body=request.body)
        raise Captured

    client.meta.events.register("before-send.sesv2.SendEmail", before_send)


def test_endpoint_sends_go_to_the_global_host_signed_with_sigv4a():
    client = boto3.client("sesv2", region_name="us-east-1", config=sending_config())
    seen: dict = {}
    _capture(client, seen)
    with pytest.raises(Captured):
        ses_sender(client, endpoint_id=ENDPOINT_ID, configuration_set="notify-transactional")(MESSAGE)
    assert seen["url"] == f"https://{ENDPOINT_ID}.endpoints.email.amazonaws.com/v2/email/outbound-emails"
    assert seen["headers"]["Authorization"].startswith(b"AWS4-ECDSA-P256-SHA256 ")  # SigV4a
    assert seen["headers"]["X-Amz-Region-Set"] == b"*"
    body = json.loads(seen["body"])
    assert (body["EndpointId"], body["ConfigurationSetName"]) == (ENDPOINT_ID, "notify-transactional")


def test_the_client_region_does_not_matter_to_the_endpoint():
    client = boto3.client("sesv2", region_name="eu-west-1", config=sending_config())
    seen: dict = {}
    _capture(client, seen)
    with pytest.raises(Captured):
        ses_sender(client, endpoint_id=ENDPOINT_ID)(MESSAGE)
    assert seen["url"].startswith(f"https://{ENDPOINT_ID}.endpoints.email.amazonaws.com/")


def test_without_the_crt_the_sender_is_refused_up_front(monkeypatch):
    from botocore import compat

    monkeypatch.setattr(compat, "HAS_CRT", False)
    client = boto3.client("sesv2", region_name="us-east-1", config=sending_config())
    with pytest.raises(ValueError, match=r"pip install 'botocore\[crt\]'"):
        ses_sender(client, endpoint_id=ENDPOINT_ID)
    ses_sender(client)  # regional sends need no CRT
    assert "\n" not in sending_client.CRT_MISSING


def test_an_endpoint_send_carries_the_endpoint_id_and_returns_the_message_id():
    client = boto3.client("sesv2", region_name="us-east-1", config=sending_config())
    with Stubber(client) as ses:
        ses.add_response("send_email", {"MessageId": "m-0"}, {
            "FromEmailAddress": MESSAGE["from"], "Destination": {"ToAddresses": MESSAGE["to"]},
            "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
            "ConfigurationSetName": "notify-transactional", "EndpointId": ENDPOINT_ID})  # fmt: skip
        sender = ses_sender(client, endpoint_id=ENDPOINT_ID, configuration_set="notify-transactional")
        result = ResilientSender({GLOBAL: sender}).send(MESSAGE)
    assert (result.region, result.message_id, result.failed_over) == (GLOBAL, "m-0", False)


def test_an_endpoint_that_does_not_answer_falls_back_to_a_region():
    """DEED replicas make the identity valid in both regions: a regional sender can back the endpoint up."""
    endpoint_client = boto3.client("sesv2", region_name="us-east-1", config=sending_config())
    standby = boto3.client("sesv2", region_name="us-west-2", config=sending_config())
    with Stubber(endpoint_client) as down, Stubber(standby) as up:
        down.add_client_error("send_email", "ServiceUnavailable", "unavailable", 503)
        up.add_response("send_email", {"MessageId": "m-1"})
        sender = ResilientSender({GLOBAL: ses_sender(endpoint_client, endpoint_id=ENDPOINT_ID),
                                  "us-west-2": ses_sender(standby)}, sleep=lambda _s: None)  # fmt: skip
        result = sender.send(MESSAGE)
    assert (result.region, result.message_id, result.failed_over) == ("us-west-2", "m-1", True)


def test_the_endpoint_id_is_read_from_the_primarys_outputs():
    outputs = {"parityManifest": {"email": {"multiRegionEndpoint": {"endpointId": ENDPOINT_ID}}}}
    assert endpoint_id_of(outputs) == ENDPOINT_ID
    with pytest.raises(ValueError, match=r"email\.multiRegionEndpoint: true"):
        endpoint_id_of({"parityManifest": {"email": {}}})
