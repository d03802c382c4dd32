"""Copy bounces, complaints and unsubscribes to the peer region as they happen (SNS -> Lambda -> SES v2).

SES suppression lists and contact lists are per region (the Pinpoint and SES guide). Without this, an address that
hard-bounced in the primary would still be mailed by the standby after a failover. The handler is idempotent:
suppressing an address twice or unsubscribing a contact twice changes nothing, so SNS redelivery is harmless.
Environment: PEER_REGION.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

_client = None


def _ses() -> Any:
    global _client  # one client per container, created on first use (not at import)
    if _client is None:
        _client = boto3.client("sesv2", region_name=os.environ["PEER_REGION"])
    return _client


def actions(event: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The SES v2 calls an SES event asks for in the peer region."""
    kind = event.get("eventType") or event.get("notificationType")
    if kind == "Bounce" and event.get("bounce", {}).get("bounceType") == "Permanent":
        return [
            ("put_suppressed_destination", {"EmailAddress": r["emailAddress"], "Reason": "BOUNCE"})
            for r in event["bounce"].get("bouncedRecipients", [])
        ]
    if kind == "Complaint":
        return [
            ("put_suppressed_destination", {"EmailAddress": r["emailAddress"], "Reason": "COMPLAINT"})
            for r in event["complaint"].get("complainedRecipients", [])
        ]
    if kind == "Subscription":
        sub = event.get("subscription", {})
        if sub.get("newTopicPreferences", {}).get("unsubscribeAll"):
            return [
                ("update_contact", {"ContactListName": sub["contactList"], "EmailAddress": address,
                                    "UnsubscribeAll": True})
                for address in event.get("mail", {}).get("destination", [])
            ]  # fmt: skip
    return []


def handler(event: dict[str, Any], _context: Any) -> dict[str, int]:
    """Apply every record's actions in the peer region; a failure raises so SNS retries the delivery."""
    done = 0
    for record in event.get("Records", []):
        message = json.loads(record["Sns"]["Message"])
        for method, kwargs in actions(message):
            getattr(_ses(), method)(**kwargs)
            done += 1
    return {"replicated": done}
