"""Measured RPO and RTO, compared with the declared `objectives` (`rtoSeconds`, `rpoMinutes`).

RPO, measured: what a failover now would lose is what has not reached the other region yet. Each replicated
store says so in CloudWatch (components/evidence_model.py: S3 replication metrics, DynamoDB
`ReplicationLatency` per receiving region), read with `GetMetricData` in the region that publishes it, the
worst value of the last `window` seconds. Per-region lists that we sync ourselves (SES suppression list,
contact lists, SMS opt-outs: regionpair/ops/sync.py) lag by the time since their last complete sync, read from
the audit log; an interrupted sync (its checkpoint file is still there) is said so. The slowest store decides.

A store with no datapoints in the window is **idle** (S3 and DynamoDB publish replication latency only while
something replicates; or the metrics are not enabled): listed, not counted. A region that does not answer makes
its stores **unavailable** and the verdict `unknown` (never `met` on missing evidence).

RTO, measured: from the start of the first step to the end of the last step that puts traffic on the peer
(STOP drill: fence, drain, failover, promote; Region switch: the activation's execution), against `rtoSeconds`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from regionpair.components.declaration import Pair
from regionpair.components.evidence_model import S3_BYTES_PENDING_METRIC, ReplicationMetric, replication_metrics
from regionpair.ops.context import PairContext
from regionpair.ops.errors import AWS_ERRORS, reason

DEFAULT_WINDOW_SECONDS = 900
"""15 minutes: S3 Replication Time Control's bound, and the period `regionpair status` looks back over."""
PERIOD_SECONDS = 60
"""One datapoint a minute (S3 and DynamoDB publish replication metrics each minute)."""
RTO_STEPS = ("fence", "drain", "failover", "promote")
"""STOP drill steps up to traffic served by the peer with the app in failover (regionpair/ops/drill.py)."""

MET, MISSED, UNKNOWN = "met", "missed", "unknown"


@dataclass
class StoreLag:
    """One replication direction or one synced list, as measured."""

    store: str
    kind: str
    """`s3`, `dynamodb` or `list`."""
    region: str
    """Where it was read (the sending region; `local` for lists)."""
    lag_seconds: float | None = None
    """Worst lag in the window (None: idle or unavailable)."""
    latest_seconds: float | None = None
    pending_operations: float | None = None
    pending_bytes: float | None = None
    status: str = "measured"
    """`measured`, `idle`, `unavailable`, `never synced`."""
    note: str = ""


@dataclass
class Verdict:
    """A measured value against its objective."""

    objective_seconds: float
    measured_seconds: float | None
    verdict: str
    because: str

    def as_dict(self) -> dict[str, Any]:
        """Structured values (camelCase) for --json, the audit log and the report."""
        return {"objectiveSeconds": self.objective_seconds, "measuredSeconds": self.measured_seconds,
                "verdict": self.verdict, "because": self.because}  # fmt: skip


@dataclass
class RpoMeasurement:
    """Every store's lag and the verdict."""

    stores: list[StoreLag] = field(default_factory=list)
    verdict: Verdict | None = None
    measured_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Structured values (camelCase) for --json, the audit log and the report."""
        return {"measuredAt": self.measured_at, **(self.verdict.as_dict() if self.verdict else {}),
                "stores": [_camel(asdict(s)) for s in self.stores]}  # fmt: skip


def _camel(d: dict[str, Any]) -> dict[str, Any]:
    def c(k: str) -> str:
        head, *rest = k.split("_")
        return head + "".join(w.title() for w in rest)

    return {c(k): v for k, v in d.items()}


def _query(i: int, metric: ReplicationMetric, name: str) -> dict[str, Any]:
    dims = [{"Name": k, "Value": v} for k, v in metric.dimensions.items()]
    return {"Id": f"m{i}", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": metric.namespace, "MetricName": name, "Dimensions": dims},
        "Period": PERIOD_SECONDS, "Stat": "Maximum"}}  # fmt: skip


def replication_lag(
    clients: Any, pair: Pair, *, now: datetime | None = None, window: float = DEFAULT_WINDOW_SECONDS
) -> list[StoreLag]:
    """Each replication direction's worst lag in the last `window` seconds, one GetMetricData per region."""
    now = now or datetime.now(UTC)
    start = now - timedelta(seconds=window)
    metrics = replication_metrics(pair)
    out: dict[int, StoreLag] = {}
    for region in dict.fromkeys(m.region for m in metrics):
        queries: list[dict[str, Any]] = []
        wanted: dict[str, tuple[int, str]] = {}
        for i, m in enumerate(metrics):
            if m.region != region:
                continue
            for name, what in [(m.metric, "latency")] + (
                [(m.pending_metric, "pending"), (S3_BYTES_PENDING_METRIC, "bytes")] if m.pending_metric else []
            ):
                q = _query(len(queries), m, name)
                queries.append(q)
                wanted[q["Id"]] = (i, what)
        values: dict[str, list[tuple[datetime, float]]] = {q["Id"]: [] for q in queries}
        try:
            pages = clients.get("cloudwatch", region).get_paginator("get_metric_data").paginate(
                MetricDataQueries=queries, StartTime=start, EndTime=now, ScanBy="TimestampDescending"
            )  # fmt: skip
            for page in pages:
                for result in page["MetricDataResults"]:
                    values[result["Id"]] += list(zip(result.get("Timestamps", []), result.get("Values", []),
                                                     strict=False))  # fmt: skip
        except AWS_ERRORS as err:
            for i, m in enumerate(metrics):
                if m.region == region:
                    out[i] = StoreLag(m.label, m.kind, region, status="unavailable",
                                      note=f"CloudWatch in {region}: {reason(err)}")  # fmt: skip
            continue
        for qid, (i, what) in wanted.items():
            m = metrics[i]
            lag = out.setdefault(i, StoreLag(m.label, m.kind, region, status="idle", note=_idle_note(m, window)))
            points = sorted(values[qid], key=lambda p: p[0], reverse=True)
            if not points:
                continue
            worst, latest = max(v for _, v in points), points[0][1]
            if what == "latency":
                lag.lag_seconds = round(worst * m.seconds_per_unit, 3)
                lag.latest_seconds = round(latest * m.seconds_per_unit, 3)
                lag.status, lag.note = "measured", f"{m.namespace} {m.metric}, worst of {len(points)} minute(s)"
            elif what == "pending":
                lag.pending_operations = latest
            else:
                lag.pending_bytes = latest
    return [out[i] for i in sorted(out)]


def _idle_note(m: ReplicationMetric, window: float) -> str:
    enabled = "replication metrics enabled on the rule" if m.kind == "s3" else "a global-table replica"
    return f"no datapoints in the last {window / 60:.0f} min: nothing replicated (needs {enabled})"


def _sync_lists(pair: Pair) -> list[tuple[str, str]]:
    """(command, list) of the per-region lists this pair syncs (regionpair sync ...)."""
    out = []
    if pair.shared.email is not None:
        out.append(("suppression", "account"))
    if pair.shared.sms is not None:
        out.append(("opt-outs", pair.shared.sms.opt_out_list))
    return out


def list_sync_lag(ctx: PairContext, *, now: datetime | None = None, audit_log: Path | None = None) -> list[StoreLag]:
    """Each synced list's lag: the time since its last complete `regionpair sync` (audit log)."""
    now = now or datetime.now(UTC)
    log = audit_log or ctx.audit_log
    last: dict[tuple[str, str], datetime] = {}
    lists = _sync_lists(ctx.pair)
    for entry in _entries(log):
        command = str(entry.get("command", ""))
        if not command.startswith("sync ") or entry.get("result") != "ok":
            continue
        key = (command.removeprefix("sync "), str((entry.get("details") or {}).get("list", "")))
        if key[0] == "contacts" and key not in lists:
            lists.append(key)  # contact lists are named on the command line: the ones synced before count
        try:
            when = datetime.fromisoformat(str(entry["when"]))
        except (KeyError, ValueError):
            continue
        last[key] = max(last.get(key, when), when)
    out = []
    for command, name in lists:
        label = f"{command} list {name}"
        checkpoints = list(ctx.state_dir.glob(f"sync-{command}-*.jsonl")) if ctx.state_dir.exists() else []
        interrupted = "; an interrupted sync left a checkpoint: rerun it" if checkpoints else ""
        if (command, name) not in last:
            out.append(StoreLag(label, "list", "local", status="never synced",
                                note=f"no complete sync in {log.name}: run `regionpair sync {command}`{interrupted}"))
            continue
        age = max((now - last[(command, name)]).total_seconds(), 0.0)
        out.append(StoreLag(label, "list", "local", lag_seconds=round(age, 1), latest_seconds=round(age, 1),
                            note=f"last complete sync {last[(command, name)].isoformat()}{interrupted}"))
    return out


def _entries(log: Path) -> Iterable[dict[str, Any]]:
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a torn last line of a killed process: skip it, keep the rest
    return out


def judge_rpo(stores: Sequence[StoreLag], objective_seconds: float) -> Verdict:
    """The slowest store decides; missing evidence is `unknown`, never `met`."""
    over = [s for s in stores if s.lag_seconds is not None and s.lag_seconds > objective_seconds]
    never = [s for s in stores if s.status == "never synced"]
    gone = [s for s in stores if s.status == "unavailable"]
    measured = [s.lag_seconds for s in stores if s.lag_seconds is not None]
    worst = max(measured) if measured else None
    if over or never:
        names = ", ".join(s.store for s in [*over, *never])
        return Verdict(objective_seconds, worst, MISSED, f"behind the objective: {names}")
    if gone:
        return Verdict(objective_seconds, worst, UNKNOWN, "not measured: " + ", ".join(s.store for s in gone))
    if worst is None:
        return Verdict(objective_seconds, None, MET, "every store idle: nothing waiting to replicate")
    worst_store = next(s.store for s in stores if s.lag_seconds == worst)
    return Verdict(objective_seconds, worst, MET, f"worst {worst:g} s ({worst_store})")


def measure_rpo(
    clients: Any, ctx: PairContext, *, now: datetime | None = None, window: float = DEFAULT_WINDOW_SECONDS
) -> RpoMeasurement:
    """Replication lag and list sync lag against `objectives.rpoMinutes`."""
    now = now or datetime.now(UTC)
    stores = replication_lag(clients, ctx.pair, now=now, window=window) + list_sync_lag(ctx, now=now)
    objective = ctx.pair.shared.objectives.rpo_minutes * 60
    return RpoMeasurement(stores, judge_rpo(stores, objective), now.isoformat(timespec="seconds"))


def judge_rto(
    steps: Sequence[tuple[str, float]], objective_seconds: float, counted: Sequence[str] = RTO_STEPS
) -> Verdict:
    """The counted steps' total against `objectives.rtoSeconds` (`unknown` when a counted step did not run)."""
    ran = {name: seconds for name, seconds in steps}
    missing = [n for n in counted if n not in ran]
    total = round(sum(ran[n] for n in counted if n in ran), 1)
    arithmetic = " + ".join(f"{n} {ran[n]:g} s" for n in counted if n in ran) or "no step"
    if missing:
        return Verdict(objective_seconds, total if ran else None, UNKNOWN,
                       f"not measured: step(s) {', '.join(missing)} did not complete ({arithmetic})")  # fmt: skip
    verdict = MET if total <= objective_seconds else MISSED
    return Verdict(objective_seconds, total, verdict, f"{arithmetic} = {total:g} s")


def status_field(clients: Any, ctx: PairContext) -> dict[str, Any]:
    """`regionpair status`'s `objectives` field: declared RTO/RPO and the RPO measured now."""
    rpo = measure_rpo(clients, ctx)
    return {"rtoSeconds": ctx.pair.shared.objectives.rto_seconds, "rpo": rpo.as_dict(),
            "rto": "measured by `regionpair drill` (see its report)"}  # fmt: skip
