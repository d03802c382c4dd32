"""Seed 001's application state, changed with the transition order enforced and a conditional write.

Order: `active -> fenced -> failover -> fenced -> active`. Fencing first stops writes in the old primary
before the other region takes over, and again before coming back. Each write is conditional on the version
the operator read, so two operators cannot race: the second gets `StateConflictError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from components.declaration import AppState

ALLOWED: dict[AppState, set[AppState]] = {
    AppState.ACTIVE: {AppState.FENCED},
    AppState.FENCED: {AppState.ACTIVE, AppState.FAILOVER},
    AppState.FAILOVER: {AppState.FENCED},
}


class StateError(Exception):
    """A domain error an operator must read: one line, no traceback."""


class StateConflictError(StateError):
    """Someone changed the state since it was read."""


@dataclass(frozen=True)
class StateItem:
    """The app-state item."""

    state: AppState
    version: int
    updated_by: str


def get_state(dynamodb: Any, table: str, key: dict[str, Any]) -> StateItem:
    """Read the item with a strongly consistent read in the client's region."""
    item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    if not item:
        raise StateError(f"no app-state item {key} in {table}; deploy the primary stack first")
    return StateItem(AppState(item["state"]["S"]), int(item["version"]["N"]), item.get("updatedBy", {}).get("S", ""))


def check_transition(current: AppState, target: AppState) -> None:
    """Refuse transitions out of order (fence before failover, fence before going back to active)."""
    if target == current:
        return
    if target not in ALLOWED[current]:
        path = " -> ".join(s.value for s in (AppState.ACTIVE, AppState.FENCED, AppState.FAILOVER))
        raise StateError(f"cannot go from {current.value} to {target.value}; the order is {path} and back via fenced")


def set_state(
    dynamodb: Any, table: str, key: dict[str, Any], target: AppState, *, who: str, dry_run: bool = False
) -> tuple[StateItem, StateItem]:
    """Move the state to `target`; returns (before, after). Idempotent: the same state is a no-op."""
    before = get_state(dynamodb, table, key)
    check_transition(before.state, target)
    if before.state == target or dry_run:
        return before, before if before.state == target else StateItem(target, before.version + 1, who)
    after = StateItem(target, before.version + 1, who)
    try:
        dynamodb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET #s = :new, #v = :next, updatedBy = :who",
            ConditionExpression="#v = :read AND #s = :old",
            ExpressionAttributeNames={"#s": "state", "#v": "version"},
            ExpressionAttributeValues={
                ":new": {"S": target.value},
                ":old": {"S": before.state.value},
                ":read": {"N": str(before.version)},
                ":next": {"N": str(after.version)},
                ":who": {"S": who},
            },
        )
    except ClientError as err:
        if err.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise StateConflictError(
                f"the state changed since it was read (version {before.version}); read it again and retry"
            ) from None
        raise
    return before, after
