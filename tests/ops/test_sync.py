"""List sync both ways: union, earliest entry wins, dry run, resume.

moto implements no SES v2 suppression-list API: botocore's Stubber (validated against the real SES v2 model)
serves each region's list and records the writes.
"""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from regionpair.ops import sync

EARLY, LATE = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)


def _page(entries, token=None):
    page = {
        "SuppressedDestinationSummaries": [
            {"EmailAddress": e, "Reason": r, "LastUpdateTime": t} for e, r, t in entries
        ]
    }
    if token:
        page["NextToken"] = token
    return page


def _client():
    return boto3.client("sesv2", region_name="us-east-1")


def test_union_earliest_wins_and_pagination():
    east, west = _client(), _client()
    with Stubber(east) as s_east, Stubber(west) as s_west:
        s_east.add_response("list_suppressed_destinations", _page([("a@x.com", "BOUNCE", EARLY)], "t1"),
                            {"PageSize": 1000})  # fmt: skip
        s_east.add_response("list_suppressed_destinations", _page([("b@x.com", "COMPLAINT", LATE)]),
                            {"PageSize": 1000, "NextToken": "t1"})  # fmt: skip
        s_west.add_response("list_suppressed_destinations",
                            _page([("b@x.com", "BOUNCE", EARLY), ("c@x.com", "COMPLAINT", LATE)]), {"PageSize": 1000})
        lists = [sync.SuppressionList(east, "us-east-1"), sync.SuppressionList(west, "us-west-2")]
        plan = sync.plan(lists)
    east_writes = {(e.key, e.reason) for e in plan.writes["us-east-1"]}
    west_writes = {(e.key, e.reason) for e in plan.writes["us-west-2"]}
    # b@x.com: west's BOUNCE is earlier than east's COMPLAINT, so east is corrected to BOUNCE.
    assert east_writes == {("b@x.com", "BOUNCE"), ("c@x.com", "COMPLAINT")}
    assert west_writes == {("a@x.com", "BOUNCE")}


class _Static:
    """A list whose entries are given: the plan is pure, so this only feeds `plan`/`apply` in memory."""

    def __init__(self, region, client, entries):
        self.region, self.client, self._entries = region, client, entries

    def entries(self):
        return self._entries

    def put(self, entry):
        self.client.put_suppressed_destination(EmailAddress=entry.key, Reason=entry.reason)


def test_apply_resumes_from_checkpoint(tmp_path):
    east = _client()
    entries = {f"u{i}@x.com": sync.Entry(f"u{i}@x.com", "BOUNCE", EARLY) for i in range(3)}
    lists = [_Static("us-east-1", east, {}), _Static("us-west-2", _client(), entries)]
    plan = sync.plan(lists)
    checkpoint = sync.Checkpoint(tmp_path / "cp.jsonl", "suppression", "account")
    # An interrupted run wrote u0 already (header line, then one line per write).
    checkpoint.path.write_text('{"command": "suppression", "list": "account"}\n"us-east-1:u0@x.com:BOUNCE:"\n')
    with Stubber(east) as stub:
        for _ in range(2):
            stub.add_response("put_suppressed_destination", {}, {"EmailAddress": ANY, "Reason": "BOUNCE"})
        result = sync.apply(lists, plan, checkpoint)
        stub.assert_no_pending_responses()
    assert (result.written, result.skipped) == (2, 1)
    assert not checkpoint.path.exists()


def test_a_checkpoint_of_another_list_is_refused(tmp_path):
    path = tmp_path / "cp.jsonl"
    path.write_text('{"command": "contacts", "list": "news"}\n"us-west-2:a@x.com:SUBSCRIBED:"\n')
    with pytest.raises(sync.CheckpointError, match="belongs to sync contacts of 'news', not contacts of 'offers'"):
        sync.Checkpoint(path, "contacts", "offers").load()


KILLED_RUN = """
import json, os, signal, sys
from datetime import datetime, UTC
from regionpair.ops import sync

class Recording:
    def __init__(self, region, entries, log):
        self.region, self._entries, self.log = region, entries, log
    def entries(self):
        return self._entries
    def put(self, entry):
        with open(self.log, "a") as fh:
            fh.write(entry.key + "\\n")
        if entry.key == "u3@x.com" and sys.argv[2] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)  # no finally, no atexit: as `kill -9` does

entries = {f"u{i}@x.com": sync.Entry(f"u{i}@x.com", "BOUNCE", datetime(2026, 1, 1, tzinfo=UTC)) for i in range(6)}
lists = [Recording("us-east-1", {}, sys.argv[1] + "/writes"), Recording("us-west-2", entries, "/dev/null")]
result = sync.apply(lists, sync.plan(lists), sync.Checkpoint(__import__("pathlib").Path(sys.argv[1]) / "cp.jsonl",
                                                              "suppression", "account"))
print(json.dumps([result.written, result.skipped]))
"""


def test_sigkill_mid_sync_resumes_where_it_stopped(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "run.py"
    script.write_text(KILLED_RUN)
    killed = subprocess.run([sys.executable, str(script), str(tmp_path), "kill"], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    lines = (tmp_path / "cp.jsonl").read_text().splitlines()
    assert len(lines) == 1 + 3, "header + u0..u2, each flushed as written (u3 was in flight)"
    resumed = subprocess.run([sys.executable, str(script), str(tmp_path), "go"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.strip() == "[3, 3]", "u3..u5 written, u0..u2 skipped"
    writes = (tmp_path / "writes").read_text().split()
    assert writes == ["u0@x.com", "u1@x.com", "u2@x.com", "u3@x.com", "u3@x.com", "u4@x.com", "u5@x.com"]
    assert not (tmp_path / "cp.jsonl").exists()


def test_topic_opt_out_wins_and_addresses_compare_case_insensitively(endpoint, independent):
    topics = [{"TopicName": t, "DisplayName": t, "DefaultSubscriptionStatus": "OPT_IN"} for t in ("news", "deals")]
    east, west = independent("sesv2", "us-east-1"), independent("sesv2", "us-west-2")
    for client in (east, west):
        client.create_contact_list(ContactListName="l", Topics=topics)
    east.create_contact(ContactListName="l", EmailAddress="Ann@X.com",
                        TopicPreferences=[{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}])  # fmt: skip
    west.create_contact(ContactListName="l", EmailAddress="ann@x.com",
                        TopicPreferences=[{"TopicName": "news", "SubscriptionStatus": "OPT_IN"},
                                          {"TopicName": "deals", "SubscriptionStatus": "OPT_OUT"}])  # fmt: skip
    lists = [sync.ContactList(east, "us-east-1", "l"), sync.ContactList(west, "us-west-2", "l")]
    result = sync.apply(lists, sync.plan(lists, sync.unsubscribe_wins))
    assert result.written == 2
    for client, spelling in ((east, "Ann@X.com"), (west, "ann@x.com")):
        (contact,) = client.list_contacts(ContactListName="l")["Contacts"]
        assert contact["EmailAddress"] == spelling, "each region keeps its own spelling: no second contact"
        prefs = {p["TopicName"]: p["SubscriptionStatus"] for p in contact["TopicPreferences"]}
        assert prefs == {"news": "OPT_OUT", "deals": "OPT_OUT"}
    assert sync.plan(lists, sync.unsubscribe_wins).total == 0, "a second run has nothing to do"


def test_contacts_sync_against_moto_unsubscribe_wins(endpoint, independent, tmp_path):
    from pathlib import Path

    from typer.testing import CliRunner

    from regionpair.cli import app

    east, west = independent("sesv2", "us-east-1"), independent("sesv2", "us-west-2")
    for client in (east, west):
        client.create_contact_list(ContactListName="news")
    east.create_contact(ContactListName="news", EmailAddress="a@x.com", UnsubscribeAll=False)
    east.create_contact(ContactListName="news", EmailAddress="b@x.com", UnsubscribeAll=False)
    west.create_contact(ContactListName="news", EmailAddress="b@x.com", UnsubscribeAll=True)
    root = str(Path(__file__).resolve().parents[2])
    args = ["sync", "contacts", "news", "--config-dir", root, "--endpoint-url", endpoint,
            "--audit-log", str(tmp_path / "a.log"), "--checkpoint", str(tmp_path / "cp.json")]  # fmt: skip
    dry = CliRunner().invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert len(west.list_contacts(ContactListName="news")["Contacts"]) == 1, "a dry run writes nothing"
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output

    def contacts(client):
        listed = client.list_contacts(ContactListName="news")["Contacts"]
        return {c["EmailAddress"]: c["UnsubscribeAll"] for c in listed}

    entry = __import__("json").loads((tmp_path / "a.log").read_text().splitlines()[-1])
    assert entry["command"] == "sync contacts"
    assert {k: entry["details"][k] for k in ("list", "planned", "written", "skipped", "interrupted")} == {
        "list": "news", "planned": 2, "written": 2, "skipped": 0, "interrupted": False}  # fmt: skip
    west_contacts, east_contacts = contacts(west), contacts(east)
    assert west_contacts == {"a@x.com": False, "b@x.com": True}
    assert east_contacts == {"a@x.com": False, "b@x.com": True}, "the unsubscription must hold in both regions"


def test_opt_outs_union_both_ways():
    # moto has no End User Messaging SMS backend: Stubber serves each region's opt-out list (real model).
    east = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    west = boto3.client("pinpoint-sms-voice-v2", region_name="us-west-2")
    page = {"OptOutListArn": "arn:aws:sms-voice:us-east-1:123456789012:opt-out-list/o", "OptOutListName": "o"}
    with Stubber(east) as s_east, Stubber(west) as s_west:
        s_east.add_response("describe_opted_out_numbers", {**page, "OptedOutNumbers": [
            {"OptedOutNumber": "+12065550100", "OptedOutTimestamp": EARLY, "EndUserOptedOut": True}]},
            {"OptOutListName": "o"})  # fmt: skip
        s_west.add_response("describe_opted_out_numbers", {**page, "OptedOutNumbers": [
            {"OptedOutNumber": "+15035550100", "OptedOutTimestamp": LATE, "EndUserOptedOut": True}]},
            {"OptOutListName": "o"})  # fmt: skip
        lists = [sync.OptOutList(east, "us-east-1", "o"), sync.OptOutList(west, "us-west-2", "o")]
        plan = sync.plan(lists)
        s_east.add_response("put_opted_out_number", {}, {"OptOutListName": "o", "OptedOutNumber": "+15035550100"})
        s_west.add_response("put_opted_out_number", {}, {"OptOutListName": "o", "OptedOutNumber": "+12065550100"})
        assert sync.apply(lists, plan).written == 2
        s_east.assert_no_pending_responses()
        s_west.assert_no_pending_responses()


def test_a_list_missing_in_one_region_is_one_line_naming_list_and_region(endpoint, independent, pair_copy):
    from typer.testing import CliRunner

    from regionpair.cli import app

    independent("sesv2", "us-east-1").create_contact_list(ContactListName="news")
    result = CliRunner().invoke(app, ["sync", "contacts", "news", "--config-dir", str(pair_copy.path),
                                      "--endpoint-url", endpoint])  # fmt: skip
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith("regionpair: contact list news in us-west-2: NotFoundException"), line
    assert line.endswith("nothing was written; it does not exist in us-west-2: check its name, or create it in both "
                         "regions, then rerun"), "a missing list is not an access problem"
