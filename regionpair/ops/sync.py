"""Reconcile per-region lists both ways: the SES account suppression list and SMS opt-out lists.

Contact lists are synced too, with a consent rule instead: an unsubscription in either region holds in both.
All are per region (seed 000, RESEARCH.md), so an address suppressed after a bounce in one region would still
be mailed from the other. The rule: the union of both regions; when both hold an entry with different
reasons, the **earliest** entry wins (it is the first evidence), and the later region is corrected to it.
Lists are read with paginators; writes go through clients configured with standard retries (exponential
backoff with jitter on throttling). A checkpoint file records entries already written, so an interrupted run
resumes without rewriting them; `dry_run` returns the plan without writing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Entry:
    """One suppressed address or opted-out number."""

    key: str
    reason: str
    updated: datetime | None


class RegionList(Protocol):
    """A per-region list that can be read whole and written one entry at a time."""

    region: str

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

    def entries(self) -> dict[str, Entry]:
        """Every suppressed destination (paginated with NextToken)."""
        out: dict[str, Entry] = {}
        kwargs: dict[str, Any] = {"PageSize": 1000}
        while True:
            page = self.sesv2.list_suppressed_destinations(**kwargs)
            for s in page.get("SuppressedDestinationSummaries", []):
                out[s["EmailAddress"].lower()] = Entry(s["EmailAddress"].lower(), s["Reason"], s.get("LastUpdateTime"))
            if not page.get("NextToken"):
                return out
            kwargs["NextToken"] = page["NextToken"]

    def put(self, entry: Entry) -> None:
        """Suppress an address with the winning reason (BOUNCE or COMPLAINT)."""
        self.sesv2.put_suppressed_destination(EmailAddress=entry.key, Reason=entry.reason)


@dataclass
class OptOutList:
    """An End User Messaging SMS opt-out list of one region."""

    sms: Any
    region: str
    name: str

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

    def entries(self) -> dict[str, Entry]:
        """Every contact, with its unsubscribe-all status (paginated with NextToken)."""
        out: dict[str, Entry] = {}
        kwargs: dict[str, Any] = {"ContactListName": self.name, "PageSize": 1000}
        while True:
            page = self.sesv2.list_contacts(**kwargs)
            for c in page.get("Contacts", []):
                reason = UNSUBSCRIBED if c.get("UnsubscribeAll") else SUBSCRIBED
                out[c["EmailAddress"].lower()] = Entry(c["EmailAddress"].lower(), reason, c.get("LastUpdatedTimestamp"))
            if not page.get("NextToken"):
                return out
            kwargs["NextToken"] = page["NextToken"]

    def put(self, entry: Entry) -> None:
        """Create the contact, or update its unsubscribe-all flag if it exists."""
        unsubscribed = entry.reason == UNSUBSCRIBED
        try:
            self.sesv2.create_contact(ContactListName=self.name, EmailAddress=entry.key, UnsubscribeAll=unsubscribed)
        except self.sesv2.exceptions.AlreadyExistsException:
            self.sesv2.update_contact(ContactListName=self.name, EmailAddress=entry.key, UnsubscribeAll=unsubscribed)


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
    """Consent rule for contact lists: an unsubscription anywhere holds everywhere; otherwise earliest wins."""
    if (a.reason == UNSUBSCRIBED) != (b.reason == UNSUBSCRIBED):
        return a if a.reason == UNSUBSCRIBED else b
    return _earlier(a, b)


def plan(lists: Iterable[RegionList], prefer: Callable[[Entry, Entry], Entry] = _earlier) -> SyncPlan:
    """Union of every list, `prefer` picking between conflicting entries (default: the earliest wins)."""
    snapshots = {lst.region: lst.entries() for lst in lists}
    winners: dict[str, Entry] = {}
    for entries in snapshots.values():
        for key, entry in entries.items():
            winners[key] = prefer(winners[key], entry) if key in winners else entry
    result = SyncPlan({region: [] for region in snapshots})
    for region, entries in snapshots.items():
        for key, winner in sorted(winners.items()):
            have = entries.get(key)
            if have is None or have.reason != winner.reason:
                result.writes[region].append(winner)
    return result


def apply(lists: Iterable[RegionList], sync_plan: SyncPlan, checkpoint: Path | None = None) -> int:
    """Write the plan; entries recorded in `checkpoint` by an earlier, interrupted run are skipped."""
    done: set[str] = set()
    if checkpoint is not None and checkpoint.exists():
        done = set(json.loads(checkpoint.read_text()))
    written = 0
    by_region = {lst.region: lst for lst in lists}
    try:
        for region, entries in sync_plan.writes.items():
            for entry in entries:
                marker = f"{region}:{entry.key}:{entry.reason}"
                if marker in done:
                    continue
                by_region[region].put(entry)
                done.add(marker)
                written += 1
    finally:
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            checkpoint.write_text(json.dumps(sorted(done)))
    if checkpoint is not None and checkpoint.exists():
        checkpoint.unlink()  # a complete run needs no resume point
    return written
