"""The application state (active/fenced/failover), changed with the transition order enforced and a conditional write.

Order: `active -> fenced -> failover -> fenced -> active`. Fencing first stops writes in the old primary
before the other region takes over, and again before coming back. Each write is conditional on the version
the operator read, so two operators cannot race: the second gets `StateConflictError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from regionpair.components.declaration import AppState
from regionpair.ops.errors import AWS_ERRORS, OpsError, aws_error, outcome_unknown

ALLOWED: dict[AppState, set[AppState]] = {
    AppState.ACTIVE: {AppState.FENCED},
    AppState.FENCED: {AppState.ACTIVE, AppState.FAILOVER},
    AppState.FAILOVER: {AppState.FENCED},
}


class StateError(OpsError):
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
    """Read the item with a strongly consistent read in the client's region (that region's replica)."""
    region = dynamodb.meta.region_name
    try:
        item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    except AWS_ERRORS as err:
        code = err.response["Error"]["Code"] if isinstance(err, ClientError) else ""
        hint = (
            "deploy the primary stack (it creates the global table and its replica)"
            if code == "ResourceNotFoundException"
            else "check the region's health and your permissions"
        )
        raise aws_error(err, f"app-state table {table}", region, hint) from None
    if not item:
        raise StateError(f"app-state table {table} in {region}: no item {key}; deploy the primary stack first")
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
            # botocore retries a write whose reply was lost; if that first attempt landed, the retry's condition
            # fails on our own write. The item then holds exactly what we wrote: that is success, not a race.
            if _holds(dynamodb, table, key, after):
                return before, after
            raise StateConflictError(
                f"the state changed since it was read (version {before.version}); read it again and retry"
            ) from None
        next_step = "nothing changed; retry, or write through the other region with --region"
        raise aws_error(err, f"app-state table {table}", dynamodb.meta.region_name, next_step) from None
    except AWS_ERRORS as err:
        if outcome_unknown(err) and _holds(dynamodb, table, key, after):
            return before, after  # the reply was lost, the write landed
        raise aws_error(err, f"app-state table {table}", dynamodb.meta.region_name,
                        "the write may not have happened; read the state again before retrying") from None  # fmt: skip
    return before, after


def _holds(dynamodb: Any, table: str, key: dict[str, Any], wanted: StateItem) -> bool:
    """Whether the item now is exactly `wanted` (our write); False when it cannot be read."""
    try:
        return get_state(dynamodb, table, key) == wanted
    except OpsError:
        return False


def read_anywhere(
    clients: Any, table: str, key: dict[str, Any], regions: list[str]
) -> tuple[StateItem, str, list[str]]:
    """The state from the first region whose replica answers: (item, region read, why others were skipped).

    During an outage only one region answers; a global table's replica in it holds the state (replication is
    asynchronous: a write made in the other region in the last second may not be there yet).
    """
    skipped: list[str] = []
    for region in regions:
        try:
            return get_state(clients.get("dynamodb", region), table, key), region, skipped
        except OpsError as err:
            skipped.append(str(err))
    raise StateError("; ".join(skipped) or "no region to read the app state from")
