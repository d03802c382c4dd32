"""ARC Region switch custom-action step: fence and unfence the app state in the Region being activated.

Region switch invokes one function per Region of the plan and runs the one in the activating Region
(`regionToRun: activatingRegion`), so this code only ever writes its own Region's replica of the app-state
global table: the Region being left may be unreachable. The write replicates to the other Region when it can.

pulumi-aws 7.51.1 cannot set a per-step payload, so the function learns what to do from the execution metadata
Region switch adds to every invocation (`StepName`, `PlanArn`, `ExecutionId`, `InvokedBy`) and from its own
configuration: `FENCE_STEP` / `RELEASE_STEP` name the two steps, `ACTIVATED_STATE` is this Region's state once
it is the active one (`active` in the primary, `failover` in the secondary).

Idempotent (Region switch retries a failed step every `retryIntervalMinutes` until its timeout): a step whose
target state is already there changes nothing. Each write is conditional on the version read, like
`regionpair state set`, and follows the app-state order (`ALLOWED`, the same table as `regionpair/ops/state.py`;
a test keeps them equal). A refused transition raises, so the step fails and the execution pauses for an
operator instead of routing traffic to a region whose state says it must not take writes.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

ALLOWED: dict[str, set[str]] = {"active": {"fenced"}, "fenced": {"active", "failover"}, "failover": {"fenced"}}
_DYNAMODB = None


class FenceError(Exception):
    """The step must fail: Region switch pauses the execution and shows this message."""


def _client() -> Any:
    global _DYNAMODB
    if _DYNAMODB is None:
        _DYNAMODB = boto3.client("dynamodb", region_name=os.environ["AWS_REGION"])
    return _DYNAMODB


def _key() -> dict[str, Any]:
    return {os.environ.get("STATE_KEY", "AppId"): {"S": os.environ["APP_ID"]}}


def _read(ddb: Any, table: str) -> tuple[str, int]:
    item = ddb.get_item(TableName=table, Key=_key(), ConsistentRead=True).get("Item")
    if not item:
        raise FenceError(f"no app-state item {_key()} in {table} in {os.environ.get('AWS_REGION')}")
    return item["state"]["S"], int(item["version"]["N"])


def _write(ddb: Any, table: str, old: str, version: int, new: str, who: str) -> None:
    if new not in ALLOWED.get(old, set()):
        raise FenceError(f"refusing {old} -> {new}: the app-state order is active -> fenced -> failover and back")
    ddb.update_item(
        TableName=table,
        Key=_key(),
        UpdateExpression="SET #s = :new, #v = :next, updatedBy = :who",
        ConditionExpression="#v = :read AND #s = :old",
        ExpressionAttributeNames={"#s": "state", "#v": "version"},
        ExpressionAttributeValues={
            ":new": {"S": new},
            ":old": {"S": old},
            ":read": {"N": str(version)},
            ":next": {"N": str(version + 1)},
            ":who": {"S": who},
        },
    )


def decide(step: str, current: str, activated: str, fence_step: str, release_step: str) -> str | None:
    """The state to write for `step` given the current one (None: nothing to do)."""
    if step == fence_step:
        return None if current in ("fenced", activated) else "fenced"
    if step == release_step:
        if current == activated:
            return None
        if current != "fenced":
            raise FenceError(f"state is {current}, not fenced: the {fence_step} step must run first")
        return activated
    raise FenceError(f"unknown step {step!r}; expected {fence_step} or {release_step}")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fence or unfence, then report before/after (Region switch shows it in the execution's events)."""
    table, activated = os.environ["TABLE_NAME"], os.environ["ACTIVATED_STATE"]
    step = str(event.get("StepName", ""))
    who = f"arc-region-switch:{event.get('ExecutionId', 'unknown')}"
    ddb = _client()
    current, version = _read(ddb, table)
    target = decide(step, current, activated, os.environ["FENCE_STEP"], os.environ["RELEASE_STEP"])
    if target is not None:
        _write(ddb, table, current, version, target, who)
    result = {"region": os.environ.get("AWS_REGION"), "step": step, "before": current, "after": target or current}
    print(json.dumps(result))
    return result
