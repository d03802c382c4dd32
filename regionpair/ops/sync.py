"""Reconcile per-region lists both ways: the SES account suppression list and SMS opt-out lists.

Contact lists are synced too, with a consent rule instead: an unsubscription in either region holds in both.
All are per region (the Pinpoint and SES guide), so an address suppressed after a bounce in one region would still
be mailed from the other. The rule: the union of both regions; when both hold an entry with different
reasons, the **earliest** entry wins (it is the first evidence), and the later region is corrected to it.
Lists are read with paginators; writes go through clients configured with standard retries (exponential
backoff with jitter on throttling). `dry_run` returns the plan without writing.

**Addresses** are compared case-insensitively (the whole address lower-cased, surrounding blanks dropped):
`Bob@Example.com` and `bob@example.com` are one recipient for mailbox providers in practice, and one entry for
us. A write keeps the spelling the target region already has, or the winning entry's spelling for a new one.
Phone numbers are compared as End User Messaging returns them (E.164).

**Contact topics**: per topic, an `OPT_OUT` in either region wins over `OPT_IN` (consent is withdrawn once,
anywhere); a topic preference held in one region only is copied; `UnsubscribeAll` in either region wins.

**Checkpoint**: one file per command and list (`sync-<command>-<list>.jsonl` in the pair's `.regionpair/`),
a header line naming both, then one line per entry written, flushed as it is written, so a run killed with
SIGKILL resumes where it stopped. A checkpoint of another command or list is never read (it is refused).
A complete run removes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError

from regionpair.ops.errors import AWS_ERRORS, OpsError, aws_error, outcome_unknown, reason


@dataclass(frozen=True)
class Entry:
    """One suppressed address, opted-out number or contact; `key` is the normalised form compared."""

    key: str
    reason: str
    updated: datetime | None
    topics: tuple[tuple[str, str], ...] = ()
    """Contacts: (topic, OPT_IN|OPT_OUT), sorted by topic."""
    spelling: str = ""
    """The address as the region holds it (written back as is); empty: `key`."""

    @property
    def value(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What must agree across regions."""
        return self.reason, self.topics

    @property
    def address(self) -> str:
        """What to send to the API."""
        return self.spelling or self.key

    @property
    def marker(self) -> str:
        """Checkpoint line for this entry's write."""
        topics = ",".join(f"{t}={v}" for t, v in self.topics)
        return f"{self.key}:{self.reason}:{topics}"


def normalise_address(address: str) -> str:
    """How addresses are compared across regions (see the module docstring)."""
    return address.strip().lower()


class RegionList(Protocol):
    """A per-region list that can be read whole and written one entry at a time."""

    region: str

    @property
    def label(self) -> str:
        """What the list is, for one-line errors."""
        ...

    def entries(self) -> dict[str, Entry]:
        """Every entry, keyed by address or number."""
        ...

    def put(self, entry: Entry) -> None:
        """Write one entry in this region."""
        ...


@dataclass
class SuppressionList:
    """The SES v2 account-level suppression list of one region."""

    sesv2: Any
    region: str
    label = "SES account suppression list"

    def entries(self) -> dict[str, Entry]:
        """Every suppressed destination (paginated with NextToken)."""
        out: dict[str, Entry] = {}
        kwargs: dict[str, Any] = {"PageSize": 1000}
        while True:
            page = self.sesv2.list_suppressed_destinations(**kwargs)
            for s in page.get("SuppressedDestinationSummaries", []):
                key = normalise_address(s["EmailAddress"])
                out[key] = Entry(key, s["Reason"], s.get("LastUpdateTime"), spelling=s["EmailAddress"])
            if not page.get("NextToken"):
                return out
            kwargs["NextToken"] = page["NextToken"]

    def put(self, entry: Entry) -> None:
        """Suppress an address with the winning reason (BOUNCE or COMPLAINT)."""
        self.sesv2.put_suppressed_destination(EmailAddress=entry.address, Reason=entry.reason)


@dataclass
class OptOutList:
    """An End User Messaging SMS opt-out list of one region."""

    sms: Any
    region: str
    name: str

    @property
    def label(self) -> str:
        """What the list is."""
        return f"opt-out list {self.name}"

    def entries(self) -> dict[str, Entry]:
        """Every opted-out number (paginated)."""
        out: dict[str, Entry] = {}
        paginator = self.sms.get_paginator("describe_opted_out_numbers")
        for page in paginator.paginate(OptOutListName=self.name):
            for n in page.get("OptedOutNumbers", []):
                reason = "END_USER" if n.get("EndUserOptedOut") else "MANUAL"
                out[n["OptedOutNumber"]] = Entry(n["OptedOutNumber"], reason, n.get("OptedOutTimestamp"))
        return out

    def put(self, entry: Entry) -> None:
        """Opt the number out in this region too."""
        self.sms.put_opted_out_number(OptOutListName=self.name, OptedOutNumber=entry.key)


UNSUBSCRIBED, SUBSCRIBED = "UNSUBSCRIBED", "SUBSCRIBED"


@dataclass
class ContactList:
    """An SES v2 contact list of one region (same name in both regions)."""

    sesv2: Any
    region: str
    name: str

    @property
    def label(self) -> str:
        """What the list is."""
        return f"contact list {self.name}"

    def entries(self) -> dict[str, Entry]:
        """Every contact, with its unsubscribe-all status and topic preferences (paginated with NextToken)."""
        out: dict[str, Entry] = {}
        kwargs: dict[str, Any] = {"ContactListName": self.name, "PageSize": 1000}
        while True:
            page = self.sesv2.list_contacts(**kwargs)
            for c in page.get("Contacts", []):
                reason = UNSUBSCRIBED if c.get("UnsubscribeAll") else SUBSCRIBED
                topics = tuple(sorted((t["TopicName"], t["SubscriptionStatus"]) for t in c.get("TopicPreferences", [])))
                key = normalise_address(c["EmailAddress"])
                out[key] = Entry(key, reason, c.get("LastUpdatedTimestamp"), topics, c["EmailAddress"])
            if not page.get("NextToken"):
                return out
            kwargs["NextToken"] = page["NextToken"]

    def put(self, entry: Entry) -> None:
        """Create the contact, or update its unsubscribe-all flag and topic preferences if it exists."""
        fields: dict[str, Any] = {
            "ContactListName": self.name,
            "EmailAddress": entry.address,
            "UnsubscribeAll": entry.reason == UNSUBSCRIBED,
            "TopicPreferences": [{"TopicName": t, "SubscriptionStatus": v} for t, v in entry.topics],
        }
        try:
            self.sesv2.create_contact(**fields)
        except self.sesv2.exceptions.AlreadyExistsException:
            self.sesv2.update_contact(**fields)


@dataclass
class SyncPlan:
    """Writes needed in each region."""

    writes: dict[str, list[Entry]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Number of writes."""
        return sum(len(v) for v in self.writes.values())


def _earlier(a: Entry, b: Entry) -> Entry:
    if a.updated is None:
        return b
    if b.updated is None:
        return a
    return a if a.updated <= b.updated else b


def unsubscribe_wins(a: Entry, b: Entry) -> Entry:
    """Consent rule for contact lists: an unsubscription or topic opt-out anywhere holds everywhere."""
    base = _earlier(a, b)
    reason = UNSUBSCRIBED if UNSUBSCRIBED in (a.reason, b.reason) else base.reason
    topics: dict[str, str] = {}
    for topic, status in (*a.topics, *b.topics):
        topics[topic] = "OPT_OUT" if "OPT_OUT" in (status, topics.get(topic)) else status
    return replace(base, reason=reason, topics=tuple(sorted(topics.items())))


def _next_step(err: BaseException, region: str) -> str:
    """What to do when a region's list cannot be read: a list that does not exist is not an access problem."""
    code = err.response.get("Error", {}).get("Code") if isinstance(err, ClientError) else None
    if code in ("NotFoundException", "ResourceNotFoundException"):
        return (f"nothing was written; it does not exist in {region}: check its name, or create it in both regions, "
                "then rerun")  # fmt: skip
    return "nothing was written; fix access to it and rerun"


def plan(lists: Iterable[RegionList], prefer: Callable[[Entry, Entry], Entry] = _earlier) -> SyncPlan:
    """Union of every list, `prefer` picking between conflicting entries (default: the earliest wins)."""
    snapshots: dict[str, dict[str, Entry]] = {}
    for lst in lists:
        try:
            snapshots[lst.region] = lst.entries()
        except AWS_ERRORS as err:
            raise aws_error(err, lst.label, lst.region, _next_step(err, lst.region)) from None
    winners: dict[str, Entry] = {}
    for entries in snapshots.values():
        for key, entry in entries.items():
            winners[key] = prefer(winners[key], entry) if key in winners else entry
    result = SyncPlan({region: [] for region in snapshots})
    for region, entries in snapshots.items():
        for key, winner in sorted(winners.items()):
            have = entries.get(key)
            if have is None or have.value != winner.value:
                # Keep the target's spelling of an existing address; a new one takes the winner's.
                result.writes[region].append(replace(winner, spelling=have.address) if have else winner)
    return result


class CheckpointError(Exception):
    """A checkpoint that belongs to another sync: refused rather than trusted."""


@dataclass
class Checkpoint:
    """Resume point of one sync (`command` + `list`): a header line, then one line per write, flushed as written."""

    path: Path
    command: str
    list_name: str

    def load(self) -> set[str]:
        """Markers written by an interrupted run of this same sync (empty when there is none)."""
        if not self.path.exists():
            return set()
        lines = self.path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0]) if lines else {}
        if (header.get("command"), header.get("list")) != (self.command, self.list_name):
            raise CheckpointError(
                f"{self.path} belongs to sync {header.get('command')} of {header.get('list')!r}, not "
                f"{self.command} of {self.list_name!r}; delete it or pass the matching --checkpoint"
            )
        done = set()
        for line in lines[1:]:
            try:
                done.add(str(json.loads(line)))
            except json.JSONDecodeError:
                break  # a line cut by a kill: that write is redone (writes are idempotent)
        return done

    def open(self) -> Any:
        """Append handle; writes the header on a fresh file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        fh = self.path.open("a", encoding="utf-8")
        if fresh:
            fh.write(json.dumps({"command": self.command, "list": self.list_name}) + "\n")
            fh.flush()
        return fh


@dataclass
class ApplyResult:
    """What `apply` did."""

    written: int = 0
    skipped: int = 0
    """Already written by the interrupted run the checkpoint recorded."""
    failed: dict[str, str] = field(default_factory=dict)
    """Region -> why its writes stopped (the other region's writes still went ahead)."""
    pending: int = 0
    """Writes not made because their region stopped answering (the checkpoint keeps the rest for a rerun)."""
    unknown: list[str] = field(default_factory=list)
    """Writes sent whose reply was lost: they may have happened (every write here is idempotent: rerun)."""


class PartialSyncError(OpsError):
    """Some writes were made, some were not: the message says which region stopped and how to resume."""


def apply(
    lists: Iterable[RegionList],
    sync_plan: SyncPlan,
    checkpoint: Checkpoint | None = None,
    result: ApplyResult | None = None,
) -> ApplyResult:
    """Write the plan; entries recorded in `checkpoint` by an earlier, interrupted run are skipped.

    Each write is recorded (and flushed) right after AWS accepted it, so a kill loses at most the one write in
    flight, which the resumed run redoes (every write here is idempotent). `result` is updated as it goes, so
    a caller still has the counts when a write raises.
    """
    done = checkpoint.load() if checkpoint else set()
    result = result if result is not None else ApplyResult()
    by_region = {lst.region: lst for lst in lists}
    fh = checkpoint.open() if checkpoint else None
    try:
        for region, entries in sync_plan.writes.items():
            # A region that stops answering (503 after retries, hung, refused) stops only its own writes: the
            # other region still gets its corrections, which is what protects recipients during an outage.
            for position, entry in enumerate(entries):
                marker = f"{region}:{entry.marker}"
                if marker in done:
                    result.skipped += 1
                    continue
                try:
                    by_region[region].put(entry)
                except AWS_ERRORS as err:
                    if outcome_unknown(err):
                        result.unknown.append(f"{region}:{entry.key}")
                    left = sum(1 for e in entries[position:] if f"{region}:{e.marker}" not in done)
                    result.pending += left
                    result.failed[region] = (f"{by_region[region].label} ({entry.key}): {reason(err)}; "
                                             f"{left} write(s) not made")  # fmt: skip
                    break
                result.written += 1
                if fh:
                    fh.write(json.dumps(marker) + "\n")
                    fh.flush()
    finally:
        if fh:
            fh.close()
    if result.failed:
        maybe = f"; {len(result.unknown)} may have been written (reply lost)" if result.unknown else ""
        where = "; ".join(f"in {r}: {why}" for r, why in result.failed.items())
        raise PartialSyncError(f"sync stopped {where}{maybe}; {result.written} written elsewhere; the checkpoint "
                               "keeps what was done: rerun to resume (every write is idempotent)")  # fmt: skip
    if checkpoint is not None:
        checkpoint.path.unlink(missing_ok=True)  # a complete run needs no resume point
    return result
