"""The resilient sender under injected faults: outage, 5xx, throttling, lost responses. Zero messages lost.

Sends go to moto server (SES v2 in two regions); what each region took is read back through an independent
SES client (`SentLast24Hours`). Faults are injected with botocore's own machinery: a `before-send` event
handler raising the connection error a dead region produces, and `Stubber` (validated against the real SES v2
model) for throttling and 5xx answers.
"""

from __future__ import annotations

import random

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from regionpair.sending import AmbiguousSendError, Mode, ResilientSender, SendFailedError, ses_sender

PRIMARY, STANDBY = "us-east-1", "us-west-2"
MESSAGE = {"from": "alerts@example.com", "to": ["user@example.org"], "subject": "s", "text": "t"}
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})


@pytest.fixture
def ses(endpoint, independent):
    """SES v2 clients per region against moto, with the sending domain verified in both regions."""
    for region in (PRIMARY, STANDBY):
        independent("ses", region).verify_domain_identity(Domain="example.com")
    return {r: boto3.client("sesv2", region_name=r, endpoint_url=endpoint, config=NO_RETRY) for r in (PRIMARY, STANDBY)}


def sent(independent, region: str) -> int:
    return int(independent("ses", region).get_send_quota()["SentLast24Hours"])


def outage(client, error=EndpointConnectionError):
    def fail(**_kwargs):
        if error is ReadTimeoutError:
            raise ReadTimeoutError(endpoint_url="https://email.us-east-1.amazonaws.com")
        raise error(endpoint_url="https://email.us-east-1.amazonaws.com")

    client.meta.events.register("before-send.sesv2.SendEmail", fail, unique_id="outage")
    return lambda: client.meta.events.unregister("before-send.sesv2.SendEmail", unique_id="outage")


def sender(ses, **kw) -> ResilientSender:
    return ResilientSender({r: ses_sender(c) for r, c in ses.items()}, sleep=lambda _s: None, **kw)


def test_warm_standby_uses_the_primary(ses, independent):
    result = sender(ses).send(MESSAGE)
    assert (result.region, result.failed_over) == (PRIMARY, False)
    assert (sent(independent, PRIMARY), sent(independent, STANDBY)) == (1, 0)


def test_primary_outage_loses_nothing_and_stops_costing_time(ses, independent):
    s = sender(ses, failure_threshold=3, cooldown=3600)
    restore = outage(ses[PRIMARY])
    results = [s.send(MESSAGE) for _ in range(20)]
    restore()
    assert all(r.region == STANDBY for r in results)
    assert sent(independent, STANDBY) == 20, "every message must be sent somewhere"
    assert sent(independent, PRIMARY) == 0
    # Once the breaker opens, the dead region is not tried: one attempt per message.
    assert [r.attempts for r in results[3:]] == [1] * 17


def test_failback_when_the_primary_recovers(ses, independent):
    now = [0.0]
    s = sender(ses, failure_threshold=1, cooldown=10, clock=lambda: now[0])
    restore = outage(ses[PRIMARY])
    assert s.send(MESSAGE).region == STANDBY
    restore()
    now[0] = 11.0
    assert s.send(MESSAGE).region == PRIMARY


def test_throttling_backs_off_with_jitter_then_succeeds_in_place(independent):
    client = boto3.client("sesv2", region_name=PRIMARY)
    delays: list[float] = []
    s = ResilientSender({PRIMARY: ses_sender(client)}, sleep=delays.append, rng=random.Random(7), base_delay=0.1)
    with Stubber(client) as stub:
        for _ in range(2):
            stub.add_client_error("send_email", "TooManyRequestsException", http_status_code=429)
        stub.add_response("send_email", {"MessageId": "m-1"})
        result = s.send(MESSAGE)
    assert (result.message_id, result.attempts) == ("m-1", 3)
    assert len(delays) == 2
    assert 0 <= delays[0] <= 0.1
    assert 0 <= delays[1] <= 0.2


def test_5xx_fails_over_and_all_regions_down_raises(ses):
    primary = boto3.client("sesv2", region_name=PRIMARY)
    s = ResilientSender({PRIMARY: ses_sender(primary), STANDBY: ses_sender(ses[STANDBY])}, sleep=lambda _s: None)
    with Stubber(primary) as stub:
        stub.add_client_error("send_email", "InternalFailure", http_status_code=500)
        assert s.send(MESSAGE).region == STANDBY
    restore = outage(ses[STANDBY])
    with Stubber(primary) as stub:
        stub.add_client_error("send_email", "InternalFailure", http_status_code=500)
        with pytest.raises(SendFailedError, match="no region accepted the message"):
            s.send(MESSAGE)
    restore()


def test_lost_response_is_not_resent(ses, independent):
    restore = outage(ses[PRIMARY], ReadTimeoutError)
    with pytest.raises(AmbiguousSendError, match="us-east-1: the send may or may not have happened"):
        sender(ses).send(MESSAGE)
    restore()
    assert sent(independent, STANDBY) == 0, "an ambiguous send must not be duplicated in the other region"


def test_active_active_splits_by_weight(ses, independent):
    s = sender(ses, mode=Mode.ACTIVE_ACTIVE, weights={PRIMARY: 1, STANDBY: 1}, rng=random.Random(3))
    for _ in range(40):
        s.send(MESSAGE)
    east, west = sent(independent, PRIMARY), sent(independent, STANDBY)
    assert east + west == 40
    assert 10 <= east <= 30


def test_sms_fails_over_between_regional_pools():
    # moto has no End User Messaging SMS backend: Stubber answers SendTextMessage with the real model.
    from regionpair.sending import sms_sender

    east = boto3.client("pinpoint-sms-voice-v2", region_name=PRIMARY)
    west = boto3.client("pinpoint-sms-voice-v2", region_name=STANDBY)
    s = ResilientSender(
        {PRIMARY: sms_sender(east, origination_identity="pool-east"),
         STANDBY: sms_sender(west, origination_identity="pool-west")},
        sleep=lambda _s: None,
    )  # fmt: skip
    expected = {"DestinationPhoneNumber": "+12065550199", "MessageBody": "hi", "MessageType": "TRANSACTIONAL"}
    with Stubber(east) as s_east, Stubber(west) as s_west:
        s_east.add_client_error("send_text_message", "InternalServerException", http_status_code=500)
        params = {**expected, "OriginationIdentity": "pool-west"}
        s_west.add_response("send_text_message", {"MessageId": "sms-1"}, params)
        result = s.send({"to": "+12065550199", "text": "hi"})
    assert (result.region, result.message_id, result.failed_over) == (STANDBY, "sms-1", True)
