"""The same fault discipline in the other paths: drill and sync under a 503 or hung primary, the Region switch
mode when the activating region is slow, and the sender when the primary is slow rather than down.

drill and sync run as the CLI through the fault proxy (tests/ops/faultproxy.py) in front of moto. moto has no
ARC Region switch: botocore's Stubber (validated against the real arc-region-switch model) serves the plan's
answers, 503s included, with a fake clock (nothing waits). The sender runs against moto SES v2 through the
proxy, which makes the primary slow (answers after a delay) or hung (never answers).
"""

from __future__ import annotations

import json
import time

import boto3
import pytest
from faultproxy import FaultProxy
from test_faults import DEADLINE, MARGIN, audit, cli, state_tables
from test_region_switch import ARN, EXEC, STEPS_OK, StubbedClients, event, events, execution, plans, started

from regionpair.ops import region_switch as rs
from regionpair.ops.deadline import Deadline
from regionpair.sending import AmbiguousSendError, ResilientSender, sending_config, ses_sender

PRIMARY, STANDBY = "us-east-1", "us-west-2"
MESSAGE = {"from": "alerts@example.com", "to": ["user@example.org"], "subject": "s", "text": "t"}


@pytest.fixture
def proxy(endpoint):
    p = FaultProxy(endpoint).start()
    yield p
    p.stop()


# ------------------------------------------------------------------------------------------------- drill
@pytest.mark.parametrize(("kind", "params"), [("hang", {}), ("status", {"status": 503})], ids=["hung", "503"])
def test_drill_with_a_sick_primary_fails_at_its_first_step_within_the_deadline(ctx, proxy, independent, pair_copy,
                                                                               kind, params):  # fmt: skip
    state_tables(ctx, independent, value="active")
    proxy.add(kind, region=ctx.primary_region, **params)
    result, took = cli(proxy, pair_copy, "drill", "--json", "--timeout", str(DEADLINE))
    assert took < DEADLINE + MARGIN, f"{took:.1f} s"
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["failedStep"] == "fence"
    assert data["rollback"] == [], "nothing was done, nothing to undo"
    intent, outcome = audit(pair_copy)[-2:]
    assert (intent["phase"], outcome["phase"]) == ("intent", "outcome")
    assert outcome["details"]["failedStep"] == "fence"
    assert outcome["result"].startswith("failed at step fence")


# -------------------------------------------------------------------------------------------------- sync
@pytest.fixture
def contacts(independent):
    east, west = independent("sesv2", PRIMARY), independent("sesv2", STANDBY)
    for client in (east, west):
        client.create_contact_list(ContactListName="news")
    east.create_contact(ContactListName="news", EmailAddress="a@x.com", UnsubscribeAll=False)
    west.create_contact(ContactListName="news", EmailAddress="b@x.com", UnsubscribeAll=True)
    return east, west


def test_sync_with_a_hung_primary_writes_nothing_within_the_deadline(ctx, proxy, contacts, pair_copy):
    proxy.add("hang", region=PRIMARY)
    result, took = cli(proxy, pair_copy, "sync", "contacts", "news", "--timeout", str(DEADLINE))
    assert took < DEADLINE + MARGIN, f"{took:.1f} s"
    assert result.exit_code == 1, result.output
    assert "contact list news in us-east-1" in result.stderr
    assert "nothing was written" in result.stderr
    log = pair_copy.path / ".regionpair" / "primary" / "audit.log"
    assert not log.exists(), "the lists were not read: nothing acted"


def test_sync_with_a_primary_refusing_writes_still_corrects_the_standby(ctx, proxy, contacts, pair_copy):
    east, west = contacts
    for write in ("CreateContact", "UpdateContact"):
        proxy.add("status", region=PRIMARY, service="sesv2", operation=write, status=503)
    result, _took = cli(proxy, pair_copy, "sync", "contacts", "news", "--timeout", "20")
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert line.startswith("regionpair: sync stopped in us-east-1: contact list news"), line
    assert "1 written elsewhere" in line
    assert "rerun to resume" in line
    # The standby got its correction: a@x.com (from the primary) now exists there.
    assert {c["EmailAddress"] for c in west.list_contacts(ContactListName="news")["Contacts"]} == {"a@x.com", "b@x.com"}
    entry = audit(pair_copy)[-1]
    assert entry["details"]["written"] == 1
    assert entry["details"]["pending"] == 1
    assert PRIMARY in entry["details"]["failedRegions"]
    assert (pair_copy.path / ".regionpair" / "primary" / "sync-contacts-news.jsonl").exists(), "kept for the rerun"
    proxy.clear()
    again, _ = cli(proxy, pair_copy, "sync", "contacts", "news", "--timeout", "20")
    assert again.exit_code == 0, again.output
    assert any(c["EmailAddress"] == "b@x.com" for c in east.list_contacts(ContactListName="news")["Contacts"])


# ---------------------------------------------------------------------------------------- Region switch
class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.001)


def _unavailable(stub, operation, times):
    for _ in range(times):
        stub.add_client_error(operation, service_error_code="ServiceUnavailable", http_status_code=503)


def test_region_switch_keeps_following_through_a_briefly_failing_region(pair) -> None:
    clients = StubbedClients()
    west = clients.stub(STANDBY)
    plans(west)
    started(west)
    _unavailable(west, "list_plan_execution_events", 2)  # the activating region answers 503 twice
    events(west, event(1, "executionStarted"), event(2, "executionSucceeded"))
    execution(west, "completed")
    execution(west, "completed", STEPS_OK)
    clock = FakeClock()
    lines: list[str] = []
    with Deadline(60, now=clock.now).active():
        result = rs.switch(clients, pair, to_standby=True, who="a", sleep=clock.sleep, progress=lines.append)
    assert isinstance(result, rs.RunResult)
    assert result.succeeded
    assert sum("could not read the execution's progress" in line for line in lines) == 2


def test_region_switch_not_followed_to_the_end_is_started_not_verified(pair) -> None:
    clients = StubbedClients()
    west = clients.stub(STANDBY)
    plans(west)
    started(west)
    _unavailable(west, "list_plan_execution_events", 40)  # slow and failing for longer than the deadline
    clock = FakeClock()
    with Deadline(30, now=clock.now).active(), pytest.raises(rs.ExecutionUnverifiedError) as raised:
        rs.switch(clients, pair, to_standby=True, who="a", sleep=clock.sleep, interval=10)
    assert "started, still pending at the deadline (30 s); last error: ServiceUnavailable" in str(raised.value)
    assert raised.value.result.verified is False
    assert clock.t - 1000.0 <= 30.5, "the deadline held"


def test_region_switch_start_with_a_lost_reply_follows_the_running_execution(pair) -> None:
    from botocore.exceptions import ConnectionClosedError

    clients = StubbedClients()
    west = clients.stub(STANDBY)
    plans(west)
    client = clients.clients[STANDBY]
    started(west)  # AWS took the start...

    def lost(**_kw):  # ...and its answer did not come back
        raise ConnectionClosedError(endpoint_url="https://arc-region-switch.us-west-2.amazonaws.com")

    client.meta.events.register("after-call.arc-region-switch.StartPlanExecution", lost)
    west.add_response("list_plan_executions", {"items": [
        {"planArn": ARN, "executionId": EXEC, "startTime": event(0, "x")["timestamp"], "mode": "graceful",
         "executionState": "inProgress", "executionAction": "activate", "executionRegion": STANDBY}]},
        {"planArn": ARN, "maxResults": 20})  # fmt: skip
    events(west, event(1, "executionStarted"), event(2, "executionSucceeded"))
    execution(west, "completed")
    execution(west, "completed", STEPS_OK)
    result = rs.switch(clients, pair, to_standby=True, who="a", sleep=lambda _s: None)
    assert isinstance(result, rs.RunResult)
    assert result.execution_id == EXEC, "the running execution was followed; no second one was started"


@pytest.fixture
def pair():
    from test_region_switch import ROOT, load_pair, stack_config, with_region_switch

    return with_region_switch(load_pair(ROOT, stack_config(ROOT, "primary"), "primary"))


# ------------------------------------------------------------------------------------------------ sender
@pytest.fixture
def ses(proxy, independent):
    for region in (PRIMARY, STANDBY):
        independent("ses", region).verify_domain_identity(Domain="example.com")

    def make(region, read_timeout=5.0):
        return boto3.client("sesv2", region_name=region, endpoint_url=proxy.url,
                            config=sending_config(read_timeout=read_timeout))  # fmt: skip

    return make


def sent(independent, region):
    return int(independent("ses", region).get_send_quota()["SentLast24Hours"])


def test_a_slow_primary_sends_move_to_the_standby_after_the_threshold(proxy, ses, independent):
    proxy.add("slow", region=PRIMARY, service="sesv2", delay=0.6)  # answers, late
    sender = ResilientSender({PRIMARY: ses_sender(ses(PRIMARY)), STANDBY: ses_sender(ses(STANDBY))},
                             slow_after=0.3, failure_threshold=2, cooldown=3600)  # fmt: skip
    results = [sender.send(MESSAGE) for _ in range(5)]
    assert [r.region for r in results] == [PRIMARY, PRIMARY, STANDBY, STANDBY, STANDBY]
    assert all(r.seconds < 0.3 for r in results[2:]), "once moved, sends do not wait for the primary"
    assert (sent(independent, PRIMARY), sent(independent, STANDBY)) == (2, 3), "each message sent once"


def test_a_hung_primary_costs_a_send_at_most_its_budget(proxy, ses, independent):
    proxy.add("hang", region=PRIMARY, service="sesv2")
    sender = ResilientSender({PRIMARY: ses_sender(ses(PRIMARY)), STANDBY: ses_sender(ses(STANDBY))},
                             budget=1.0, failure_threshold=1, cooldown=3600)  # fmt: skip
    began = time.monotonic()
    with pytest.raises(AmbiguousSendError):
        sender.send(MESSAGE)  # sent to the primary, no answer: never resent by default
    assert time.monotonic() - began < 1.0 + 0.5, "the read timeout was capped by the budget"
    nxt = sender.send(MESSAGE)
    assert nxt.region == STANDBY
    assert nxt.seconds < 0.5, "the breaker sends the next one straight to the standby"


def test_at_least_once_resends_an_ambiguous_send_to_the_standby_within_the_budget(proxy, ses, independent):
    proxy.add("hang", region=PRIMARY, service="sesv2")
    sender = ResilientSender({PRIMARY: ses_sender(ses(PRIMARY)), STANDBY: ses_sender(ses(STANDBY))},
                             budget=2.0, resend_ambiguous=True)  # fmt: skip
    result = sender.send(MESSAGE)
    assert result.region == STANDBY
    assert result.maybe_duplicate == PRIMARY
    assert result.seconds < 2.0 + 0.5
    assert sent(independent, STANDBY) == 1


# --------------------------------------------------------------------------------------------- app state
def test_state_set_whose_reply_was_lost_is_done_not_a_conflict(ctx, proxy, independent, pair_copy):
    # The conditional UpdateItem lands, its reply is lost; botocore's retry then fails its condition on our own
    # write. That is the write having happened, not another operator racing us.
    state_tables(ctx, independent, value="active")
    proxy.add("drop_reply", region=PRIMARY, service="dynamodb", operation="UpdateItem", times=1)
    result, _took = cli(proxy, pair_copy, "state", "set", "fenced", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["to"] == "fenced"
    item = independent("dynamodb", PRIMARY).get_item(TableName=ctx.state_table, Key=ctx.state_key)["Item"]
    assert (item["state"]["S"], item["version"]["N"]) == ("fenced", "3")
    assert audit(pair_copy)[-1]["result"] == "ok"
