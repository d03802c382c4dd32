"""Drive the pair's ARC Region switch plan: start, follow, approve, cancel, status (`routing.mode: region-switch`).

Where calls go (botocore endpoint rules of `arc-region-switch`): `CreatePlan`, `GetPlan`, `ListPlans` and
`ListRoute53HealthChecks` are control-plane operations (`UseControlPlaneEndpoint`: the partition's global region,
us-east-1 for `aws`); everything used here is data plane, answered by `arc-region-switch.<region>` in each region
of the plan: `ListPlansInRegion`, `GetPlanInRegion`, `StartPlanExecution`, `GetPlanExecution`,
`ListPlanExecutionEvents`, `ApprovePlanExecutionStep`, `CancelPlanExecution`, `ListPlanExecutions`,
`GetPlanEvaluationStatus`. AWS runs a plan "from the Region being activated"
(https://docs.aws.amazon.com/r53recovery/latest/dg/plan-execution-rs.html), so `execution_region` picks that
region's client and nothing here needs the region being left or us-east-1.

The plan's ARN ends in a suffix AWS picks; it is found by name with `ListPlansInRegion` (data plane) rather than
read from a stack output, so the CLI acts on the plan as deployed.

Library only: functions take clients (one per region, from `regionpair.ops.clients.Clients`), report through a
`progress` callback and return dataclasses; AWS errors become `RegionSwitchError`, one line naming the plan, the
region and the next step. An execution that completed is reported as completed even if a later read fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from regionpair.components.declaration import Pair, Role
from regionpair.components.region_switch_model import plan_name, recovery_approach
from regionpair.ops.deadline import Deadline, current
from regionpair.ops.errors import OpsError, outcome_unknown, reason

SERVICE = "arc-region-switch"
DONE = frozenset({"completed", "completedWithExceptions", "completedMonitoringApplicationHealth"})
STOPPED = frozenset({"canceled", "planExecutionTimedOut", "failed", "pausedByFailedStep"})
APPROVAL_EVENTS = frozenset({"stepPendingApproval", "executionPendingApproval"})


class RegionSwitchError(OpsError):
    """One line: plan, region, what happened, what to do next."""

    def __init__(self, plan: str, region: str, what: str, next_step: str) -> None:
        super().__init__(f"plan {plan} in {region}: {what}; {next_step}")
        self.plan, self.region, self.next_step = plan, region, next_step


class ExecutionUnverifiedError(RegionSwitchError):
    """The execution was started (or may have been) but could not be followed to its end: never "failed".

    Its region was too slow to answer, or the deadline came first; the execution keeps running in AWS.
    """

    def __init__(self, plan: str, region: str, what: str, next_step: str, result: RunResult) -> None:
        super().__init__(plan, region, what, next_step)
        self.result = result


class ExecutionFailedError(RegionSwitchError):
    """The execution stopped short (failed step, timeout, canceled); `result` says how far it got."""

    def __init__(self, plan: str, region: str, what: str, next_step: str, result: RunResult) -> None:
        super().__init__(plan, region, what, next_step)
        self.result = result


@dataclass(frozen=True)
class Target:
    """What to start: the action, the region the plan acts on, and the region whose data plane runs it."""

    action: str
    target_region: str
    execution_region: str


@dataclass
class StepTime:
    """One step of the execution and how long it took (None while it runs or when it never started)."""

    name: str
    status: str
    seconds: float | None


@dataclass
class RunResult:
    """What an execution did, as Region switch reports it."""

    plan_arn: str
    execution_id: str
    region: str
    action: str
    target_region: str
    state: str
    steps: list[StepTime] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    approved: list[str] = field(default_factory=list)
    actual_recovery_time: str | None = None
    report_key: str | None = None
    verified: bool = True
    """False when the execution completed but its final details could not be read back."""

    @property
    def succeeded(self) -> bool:
        """The execution completed (with or without exceptions): traffic is where it was sent."""
        return self.state in DONE


@dataclass
class Status:
    """`regionpair status` in region-switch mode."""

    plan_arn: str
    region: str
    evaluation_state: str
    last_evaluated: datetime | None
    warnings: list[str]
    active_execution: str | None
    last_execution: dict[str, Any] | None


def _fail(plan: str, region: str, err: Exception, next_step: str) -> RegionSwitchError:
    return RegionSwitchError(plan, region, reason(err), next_step)


def _transient(err: ClientError) -> bool:
    """Throttling or a 5xx: the next poll may well succeed."""
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    code = err.response.get("Error", {}).get("Code", "")
    return status >= 500 or status == 429 or "Throttl" in code or code in ("ServiceUnavailable", "InternalServerError")


def _region(client: Any) -> str:
    return str(client.meta.region_name)


def execution_target(pair: Pair, *, to_standby: bool) -> Target:
    """Failover/failback as Region switch actions, run in the region that will carry the traffic.

    Warm standby (activePassive): activate the secondary (failover) or the primary (failback), in that region.
    Active-active: failover deactivates the primary from the secondary's data plane; failback activates the
    primary again, from the primary.
    """
    primary, standby = pair.primary.region, pair.secondary.region
    if recovery_approach(pair) == "activeActive":
        if to_standby:
            return Target("deactivate", primary, standby)
        return Target("activate", primary, primary)
    target = standby if to_standby else primary
    return Target("activate", target, target)


def find_plan(client: Any, name: str) -> str:
    """The ARN of the plan called `name`, from this region's data plane."""
    region = _region(client)
    try:
        for page in client.get_paginator("list_plans_in_region").paginate():
            for plan in page.get("plans", []):
                if plan.get("name") == name:
                    return str(plan["arn"])
    except (ClientError, BotoCoreError) as err:
        raise _fail(name, region, err, "check credentials and that Region switch is offered here") from None
    raise RegionSwitchError(name, region, "not found", "deploy the secondary stack, which owns the plan")


def start(client: Any, plan_arn: str, target: Target, *, comment: str, mode: str = "graceful") -> str:
    """Start an execution in `client`'s region (must be `target.execution_region`); returns its id."""
    region = _region(client)
    if region != target.execution_region:
        raise RegionSwitchError(plan_arn, region, f"client is in {region}", f"start it from {target.execution_region}")
    try:
        out = client.start_plan_execution(
            planArn=plan_arn, targetRegion=target.target_region, action=target.action, mode=mode,
            comment=comment[:1024],
        )  # fmt: skip
    except (ClientError, BotoCoreError) as err:
        if outcome_unknown(err):  # sent, reply lost: the execution may be running; never start a second one
            running = running_execution(client, plan_arn)
            if running:
                return running
            result = RunResult(plan_arn, "unknown", region, target.action, target.target_region, state="unknown",
                               verified=False)  # fmt: skip
            raise ExecutionUnverifiedError(
                plan_arn, region, f"StartPlanExecution's reply was lost ({reason(err)}): the execution may have "
                "started", "run `regionpair status` (it shows a running execution) before starting again", result,
            ) from None  # fmt: skip
        next_step = "read `regionpair status` (evaluation warnings, a running execution)"
        raise _fail(plan_arn, region, err, next_step) from None
    return str(out["executionId"])


def running_execution(client: Any, plan_arn: str) -> str | None:
    """The id of an execution of the plan still in progress in `client`'s region (None if none, or unreadable)."""
    try:
        page = client.list_plan_executions(planArn=plan_arn, maxResults=20)
    except (ClientError, BotoCoreError):
        return None
    live = ("inProgress", "pending", "pendingManualApproval")
    found = [e for e in page.get("items", []) if e.get("executionState") in live]
    return str(max(found, key=lambda e: e["startTime"])["executionId"]) if found else None


def approve(client: Any, plan_arn: str, execution_id: str, step: str, *, comment: str = "") -> None:
    """Approve a ManualApproval step (the caller's role needs arc-region-switch:ApprovePlanExecutionStep)."""
    try:
        client.approve_plan_execution_step(
            planArn=plan_arn, executionId=execution_id, stepName=step, approval="approve", comment=comment[:1024]
        )
    except (ClientError, BotoCoreError) as err:
        next_step = f"approve step {step} in the console with the approvers' role"
        raise _fail(plan_arn, _region(client), err, next_step) from None


def cancel(client: Any, plan_arn: str, execution_id: str, *, confirm: Callable[[str], bool], comment: str = "") -> bool:
    """Cancel after `confirm(question)` says yes; returns whether it was canceled."""
    region = _region(client)
    if not confirm(f"cancel execution {execution_id} of {plan_arn} in {region}? Steps already done stay done"):
        return False
    try:
        client.cancel_plan_execution(planArn=plan_arn, executionId=execution_id, comment=comment[:1024])
    except (ClientError, BotoCoreError) as err:
        raise _fail(plan_arn, region, err, "cancel it in the Region switch console of this region") from None
    return True


def step_times(client: Any, plan_arn: str, execution_id: str) -> tuple[dict[str, Any], list[StepTime]]:
    """The execution's details and each step's time (GetPlanExecution, every page of stepStates)."""
    details: dict[str, Any] = {}
    steps: list[StepTime] = []
    for page in client.get_paginator("get_plan_execution").paginate(planArn=plan_arn, executionId=execution_id):
        details = page
        for s in page.get("stepStates", []):
            start, end = s.get("startTime"), s.get("endTime")
            seconds = (end - start).total_seconds() if start and end else None
            steps.append(StepTime(str(s.get("name")), str(s.get("status")), seconds))
    return details, steps


def _describe(event: dict[str, Any]) -> str:
    when = event.get("timestamp")
    stamp = when.strftime("%H:%M:%S") if isinstance(when, datetime) else "--:--:--"
    what = event.get("description") or event.get("error") or ""
    step = f" {event['stepName']}" if event.get("stepName") else ""
    return f"{stamp} {event.get('type', 'unknown')}{step}{': ' + what if what else ''}"


def follow(
    client: Any,
    plan_arn: str,
    execution_id: str,
    target: Target,
    *,
    approve_steps: bool = False,
    confirm_cancel: Callable[[str], bool] = lambda _q: False,
    timeout: float = 3600,
    interval: float = 10,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] = lambda _m: None,
) -> RunResult:
    """Follow events until the execution ends; approve when asked (`approve_steps`); Ctrl-C offers to cancel.

    Raises `ExecutionFailedError` (with the result so far) when it stops short, `RegionSwitchError` on AWS errors
    or when it is still running at `timeout`.
    """
    region = _region(client)
    result = RunResult(plan_arn, execution_id, region, target.action, target.target_region, state="pending")
    seen: set[str] = set()
    asked: set[str] = set()
    # The command's deadline when one is active (the CLI's --timeout across all steps), else `timeout` from now.
    limit = current() or Deadline(timeout)
    last_error: str | None = None
    while True:
        try:
            for page in client.get_paginator("list_plan_execution_events").paginate(
                planArn=plan_arn, executionId=execution_id
            ):
                for event in page.get("items", []):
                    if event["eventId"] in seen:
                        continue
                    seen.add(event["eventId"])
                    line = _describe(event)
                    result.events.append(line)
                    progress(line)
                    step = event.get("stepName")
                    if event.get("type") in APPROVAL_EVENTS and step and step not in asked:
                        asked.add(step)
                        if approve_steps:
                            approve(client, plan_arn, execution_id, step, comment="approved by regionpair --approve")
                            result.approved.append(step)
                            progress(f"approved step {step}")
                        else:
                            progress(f"step {step} waits for approval: rerun with --approve or approve in the console")
                    if event.get("type") == "executionSucceeded":
                        result.state = "completed"
            details = client.get_plan_execution(planArn=plan_arn, executionId=execution_id)
            result.state = str(details.get("executionState", result.state))
        except KeyboardInterrupt:
            if cancel(client, plan_arn, execution_id, confirm=confirm_cancel, comment="canceled from regionpair"):
                progress(f"canceled execution {execution_id}")
                result.state = "canceled"
                raise ExecutionFailedError(
                    plan_arn, region, f"execution {execution_id} canceled by the operator",
                    "steps already done stay done: read `regionpair status`, then fail over or back as needed", result,
                ) from None  # fmt: skip
            progress("not canceled: still following")
            continue
        except (ClientError, BotoCoreError) as err:
            if result.state in DONE:  # traffic moved; only the read-back failed
                result.verified = False
                return result
            if isinstance(err, ClientError) and not _transient(err):
                raise _fail(plan_arn, region, err, f"follow execution {execution_id} in the console") from None
            # A slow or briefly failing region: the execution runs in AWS regardless; keep following until the
            # deadline, then say it was started and not verified.
            last_error = reason(err)
            progress(f"could not read the execution's progress ({last_error}); retrying")
        if result.state in DONE or result.state in STOPPED:
            break
        if limit.expired or limit.remaining() <= 0:
            result.verified = False
            why = f"; last error: {last_error}" if last_error else ""
            raise ExecutionUnverifiedError(
                plan_arn, region, f"execution {execution_id} started, still {result.state} at the deadline "
                f"({limit.seconds:.0f} s){why}", "it keeps running: follow it in the console or run "
                "`regionpair status`", result,
            )  # fmt: skip
        try:
            sleep(max(min(interval, limit.remaining()), 0))
        except KeyboardInterrupt:
            if cancel(client, plan_arn, execution_id, confirm=confirm_cancel, comment="canceled from regionpair"):
                result.state = "canceled"
                raise ExecutionFailedError(
                    plan_arn, region, f"execution {execution_id} canceled by the operator",
                    "steps already done stay done: read `regionpair status`", result,
                ) from None  # fmt: skip
    try:
        details, result.steps = step_times(client, plan_arn, execution_id)
        result.actual_recovery_time = details.get("actualRecoveryTime")
        for report in details.get("generatedReportDetails") or []:
            result.report_key = (report.get("reportOutput") or {}).get("s3ReportOutput", {}).get("s3ObjectKey")
    except (ClientError, BotoCoreError):
        result.verified = False
        if result.state not in DONE:
            raise
    if result.state not in DONE:
        failed = [s.name for s in result.steps if s.status == "failed"]
        what = f"execution {execution_id} {result.state}" + (f" at step {', '.join(failed)}" if failed else "")
        errors = [line for line in result.events if "Failed" in line.split(" ", 2)[1]]
        if errors:
            what += f" ({errors[-1].split(': ', 1)[-1]})"
        raise ExecutionFailedError(
            plan_arn, region, what,
            "fix the cause, then resume or cancel it in the console (UpdatePlanExecution), or run it again", result,
        )  # fmt: skip
    return result


def switch(
    clients: Any,
    pair: Pair,
    *,
    to_standby: bool,
    who: str,
    approve_steps: bool = False,
    confirm_cancel: Callable[[str], bool] = lambda _q: False,
    dry_run: bool = False,
    timeout: float = 3600,
    interval: float = 10,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] = lambda _m: None,
) -> RunResult | Target:
    """`regionpair failover|failback` in region-switch mode; `dry_run` returns what would start."""
    target = execution_target(pair, to_standby=to_standby)
    client = clients.get(SERVICE, target.execution_region)
    arn = find_plan(client, plan_name(pair))
    verb = "failover" if to_standby else "failback"
    if dry_run:
        progress(f"would {target.action} {target.target_region} with plan {arn}, from {target.execution_region}")
        return target
    execution = start(client, arn, target, comment=f"regionpair {verb} by {who}")
    progress(f"started execution {execution} of {arn} in {target.execution_region}")
    return follow(
        client, arn, execution, target, approve_steps=approve_steps, confirm_cancel=confirm_cancel,
        timeout=timeout, interval=interval, sleep=sleep, progress=progress,
    )  # fmt: skip


def drill(clients: Any, pair: Pair, *, who: str, **kwargs: Any) -> list[RunResult]:
    """Failover then failback, each followed to the end (a failure stops the drill where it is)."""
    results = []
    for to_standby in (True, False):
        result = switch(clients, pair, to_standby=to_standby, who=who, **kwargs)
        assert isinstance(result, RunResult)
        results.append(result)
    return results


def status(client: Any, plan_arn: str, *, recent: int = 20) -> Status:
    """Evaluation state, active warnings, the running execution and the latest one, from `client`'s region."""
    region = _region(client)
    try:
        evaluation: dict[str, Any] = {}
        warnings: list[str] = []
        for page in client.get_paginator("get_plan_evaluation_status").paginate(planArn=plan_arn):
            evaluation = page
            warnings += [
                f"{w.get('stepName') or (w.get('workflow') or {}).get('name') or 'plan'}: {w['warningMessage']}"
                for w in page.get("warnings", [])
                if w.get("warningStatus") == "active"
            ]
        executions: list[dict[str, Any]] = []
        pages = client.get_paginator("list_plan_executions").paginate(
            planArn=plan_arn, PaginationConfig={"MaxItems": recent}
        )
        for page in pages:
            executions += page.get("items", [])
    except (ClientError, BotoCoreError) as err:
        raise _fail(plan_arn, region, err, "try the other region of the pair (each has a data plane)") from None
    latest = max(executions, key=lambda e: e["startTime"], default=None)
    live = ("inProgress", "pending", "pendingManualApproval")
    running = next((e["executionId"] for e in executions if e["executionState"] in live), None)
    last = None
    if latest is not None:
        last = {k: latest.get(k) for k in ("executionId", "executionAction", "executionRegion", "executionState",
                                           "startTime", "endTime", "actualRecoveryTime")}  # fmt: skip
    return Status(
        plan_arn=plan_arn,
        region=region,
        evaluation_state=str(evaluation.get("evaluationState", "unknown")),
        last_evaluated=evaluation.get("lastEvaluationTime"),
        warnings=warnings,
        active_execution=running,
        last_execution=last,
    )


def status_region(pair: Pair) -> list[str]:
    """Regions to ask for status, standby first: it is the one that must answer during an outage."""
    return [pair.half(Role.SECONDARY).region, pair.half(Role.PRIMARY).region]
