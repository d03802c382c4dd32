"""The resilient sender under each fault mode of a sick region: nothing lost, nothing sent twice.

Sends go to moto server (SES v2 in two regions); what each region took is read back through an independent
SES client (`SentLast24Hours`). Faults come from botocore's own machinery on the sender's clients (`Faults` in
conftest): a port nothing listens on (connection refused by the OS), 503 and throttling answers returned from
`before-send`, read timeouts before the request is processed (slow), and replies lost after moto processed
the send (`after-call`). `Stubber` (real SES v2 / SMS models) serves the exact answer sequences and SMS, which
moto does not implement.
"""

from __future__ import annotations

import random

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from regionpair.sending import (
    AmbiguousSendError,
    Mode,
    ResilientSender,
    SendFailedError,
    sending_config,
    ses_sender,
    sms_sender,
)

PRIMARY, STANDBY = "us-east-1", "us-west-2"
MESSAGE = {"from": "alerts@example.com", "to": ["user@example.org"], "subject": "s", "text": "t"}


@pytest.fixture
def ses(endpoint, independent, faulty_clients):
    """SES v2 clients per region against moto (one attempt per call), the domain verified in both regions."""
    for region in (PRIMARY, STANDBY):
        independent("ses", region).verify_domain_identity(Domain="example.com")
    return {r: faulty_clients.get("sesv2", r) for r in (PRIMARY, STANDBY)}


def sent(independent, region: str) -> int:
    return int(independent("ses", region).get_send_quota()["SentLast24Hours"])


def sender(ses, **kw) -> ResilientSender:
    return ResilientSender({r: ses_sender(c) for r, c in ses.items()}, sleep=lambda _s: None, **kw)


def test_warm_standby_uses_the_primary(ses, independent):
    result = sender(ses).send(MESSAGE)
    assert (result.region, result.failed_over) == (PRIMARY, False)
    assert (sent(independent, PRIMARY), sent(independent, STANDBY)) == (1, 0)


def test_refused_connections_lose_nothing_and_stop_costing_time(ses, independent, closed_port_url):
    dead = boto3.client("sesv2", region_name=PRIMARY, endpoint_url=closed_port_url, config=sending_config())
    s = ResilientSender({PRIMARY: ses_sender(dead), STANDBY: ses_sender(ses[STANDBY])}, sleep=lambda _s: None,
                        failure_threshold=3, cooldown=3600)  # fmt: skip
    results = [s.send(MESSAGE) for _ in range(20)]
    assert all(r.region == STANDBY for r in results)
    assert sent(independent, STANDBY) == 20, "every message must be sent somewhere"
    # Once the breaker opens, the dead region is not tried: one attempt per message.
    assert [r.attempts for r in results[3:]] == [1] * 17


@pytest.mark.parametrize(("status", "code"), [(503, "ServiceUnavailable"), (429, "TooManyRequestsException")])
def test_5xx_and_persistent_throttling_move_to_the_standby(ses, independent, faults, status, code):
    faults.add("answer", "sesv2", PRIMARY, "SendEmail", status=status, code=code)
    s = sender(ses, failure_threshold=2, cooldown=3600)
    results = [s.send(MESSAGE) for _ in range(10)]
    assert {r.region for r in results} == {STANDBY}
    assert (sent(independent, PRIMARY), sent(independent, STANDBY)) == (0, 10)


def test_throttling_backs_off_with_jitter_then_succeeds_in_place():
    client = boto3.client("sesv2", region_name=PRIMARY, config=sending_config())
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


def test_all_regions_down_raises_and_says_what_each_answered(ses, faults):
    faults.add("answer", "sesv2", PRIMARY, status=500, code="InternalFailure")
    faults.add("refuse", "sesv2", STANDBY)
    with pytest.raises(SendFailedError, match="no region accepted the message: us-east-1: definite"):
        sender(ses).send(MESSAGE)


def test_reply_lost_after_processing_is_never_resent(ses, independent, faults):
    faults.add("lose_reply", "sesv2", PRIMARY, "SendEmail")
    with pytest.raises(AmbiguousSendError, match="us-east-1: the send may or may not have happened") as raised:
        sender(ses).send(MESSAGE)
    assert raised.value.region == PRIMARY
    assert raised.value.message_id is None, "the reply carrying it was lost"
    assert (sent(independent, PRIMARY), sent(independent, STANDBY)) == (1, 0), "delivered once, not duplicated"


@pytest.mark.parametrize("kind", ["slow", "lose_reply"])
def test_slow_primary_trips_the_breaker_and_nothing_is_duplicated(ses, independent, faults, kind):
    # `slow`: the read times out before SES took the message; `lose_reply`: SES took it, the answer is lost.
    faults.add(kind, "sesv2", PRIMARY, "SendEmail")
    s = sender(ses, failure_threshold=3, cooldown=3600)
    ambiguous, delivered_to = 0, []
    for _ in range(30):
        try:
            delivered_to.append(s.send(MESSAGE).region)
        except AmbiguousSendError:
            ambiguous += 1
    assert ambiguous == 3, "three unknown outcomes open the breaker"
    assert delivered_to == [STANDBY] * 27
    in_primary = sent(independent, PRIMARY)
    assert in_primary == (3 if kind == "lose_reply" else 0)
    assert sent(independent, STANDBY) == 27
    assert in_primary + sent(independent, STANDBY) <= 30, "no message delivered twice"


def test_failback_when_the_primary_recovers(ses, faults):
    now = [0.0]
    s = sender(ses, failure_threshold=1, cooldown=10, clock=lambda: now[0])
    faults.add("refuse", "sesv2", PRIMARY)
    assert s.send(MESSAGE).region == STANDBY
    faults.clear()
    now[0] = 11.0
    assert s.send(MESSAGE).region == PRIMARY


def test_a_client_that_retries_on_its_own_is_refused():
    # botocore's max_attempts counts retries: {"max_attempts": 1} is two attempts, a resend of an ambiguous send.
    retrying = boto3.client("sesv2", region_name=PRIMARY, config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ValueError, match="total_max_attempts"):
        ses_sender(retrying)
    assert ses_sender(boto3.client("sesv2", region_name=PRIMARY, config=sending_config()))


def test_active_active_splits_by_weight(ses, independent):
    s = sender(ses, mode=Mode.ACTIVE_ACTIVE, weights={PRIMARY: 1, STANDBY: 1}, rng=random.Random(3))
    for _ in range(40):
        s.send(MESSAGE)
    east, west = sent(independent, PRIMARY), sent(independent, STANDBY)
    assert east + west == 40
    assert 10 <= east <= 30


def test_sms_fails_over_between_regional_pools():
    # moto has no End User Messaging SMS backend: Stubber answers SendTextMessage with the real model.
    east = boto3.client("pinpoint-sms-voice-v2", region_name=PRIMARY, config=sending_config())
    west = boto3.client("pinpoint-sms-voice-v2", region_name=STANDBY, config=sending_config())
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


# ------------------------------------------------------------------------------ dedicated IPs: keep pools warm
def test_the_active_active_split_keeps_every_region_warm():
    from regionpair.sending import warm_split

    shares = warm_split({PRIMARY: 0.95, STANDBY: 0.05}, [PRIMARY, STANDBY], minimum_share=0.2)
    assert shares == pytest.approx({PRIMARY: 0.8, STANDBY: 0.2}), "the standby's pool keeps a steady share"
    assert warm_split({PRIMARY: 1, STANDBY: 1}, [PRIMARY, STANDBY]) == {PRIMARY: 0.5, STANDBY: 0.5}
    with pytest.raises(ValueError, match=f"weight 0 for {STANDBY}: its dedicated IPs would get no traffic"):
        ResilientSender({PRIMARY: lambda m: "1", STANDBY: lambda m: "2"}, mode=Mode.ACTIVE_ACTIVE,
                        weights={PRIMARY: 1, STANDBY: 0})  # fmt: skip


def test_a_starved_region_still_gets_its_minimum_share_of_sends():
    counts = {PRIMARY: 0, STANDBY: 0}

    def to(region):
        def send(_m):
            counts[region] += 1
            return region

        return send

    s = ResilientSender({PRIMARY: to(PRIMARY), STANDBY: to(STANDBY)}, mode=Mode.ACTIVE_ACTIVE,
                        weights={PRIMARY: 99, STANDBY: 1}, minimum_share=0.25, rng=random.Random(5))  # fmt: skip
    for _ in range(2000):
        s.send(MESSAGE)
    assert 400 < counts[STANDBY] < 600, counts  # about a quarter, not 1%


def test_the_sender_says_when_a_pool_is_still_warming():
    # moto has no GetDedicatedIpPool / GetDedicatedIps: Stubber serves SES v2's real answers.
    from regionpair.sending import read_pool

    client = boto3.client("sesv2", region_name=STANDBY, config=sending_config())
    with Stubber(client) as stub:
        stub.add_response("get_dedicated_ip_pool", {"DedicatedIpPool": {"PoolName": "notify-marketing-ips",
                          "ScalingMode": "STANDARD"}}, {"PoolName": "notify-marketing-ips"})  # fmt: skip
        stub.add_response("get_dedicated_ips", {"DedicatedIps": [
            {"Ip": "203.0.113.20", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 45}], "NextToken": "t"},
            {"PoolName": "notify-marketing-ips"})  # fmt: skip
        stub.add_response("get_dedicated_ips", {"DedicatedIps": [
            {"Ip": "203.0.113.21", "WarmupStatus": "DONE", "WarmupPercentage": 100}]},
            {"PoolName": "notify-marketing-ips", "NextToken": "t"})  # fmt: skip
        pool = read_pool(client, STANDBY, "notify-marketing-ips")
    s = ResilientSender({PRIMARY: lambda m: "1", STANDBY: lambda m: "2"}, mode=Mode.ACTIVE_ACTIVE, pools=[pool])
    assert s.notes() == [f"dedicated IP pool notify-marketing-ips in {STANDBY} is still warming (1 IP(s), lowest "
                         "45%): SES sends what its IPs are not ready for through shared IPs; its region takes 50% of "
                         "the split: keep it steady"]  # fmt: skip
