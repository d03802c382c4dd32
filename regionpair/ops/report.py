"""Drill reports: the evidence of a tested recovery, written by every drill next to the pair's audit log.

Each drill writes four files with one stem (`drill-<UTC time>`) in `<audit log dir>/reports/`:
- `.md`: the report (plan, each step's start, end and result, measured RTO and RPO against the objectives,
  the test sends from the standby, the timeline picture linked beside it);
- `.html`: the same report, self-contained (the timeline inline): the file to hand to an auditor;
- `.svg`: the timeline picture (regionpair/ops/timeline.py);
- `.json`: the same values, structured (what `regionpair report` lists).
Nothing is sent anywhere; the directory is git-ignored with the rest of the local state (auditlog.ensure_dir).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from regionpair.components.declaration import RoutingMode
from regionpair.ops import measure
from regionpair.ops.auditlog import ensure_dir
from regionpair.ops.context import PairContext
from regionpair.ops.errors import OpsError
from regionpair.ops.standby_sends import TestSend
from regionpair.ops.timeline import Bar, render_svg

REPORTS_DIR = "reports"
STEM_PREFIX = "drill-"


def _iso(t: float | None) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds") if t is not None else ""


@dataclass
class StepRow:
    """One executed step as the report shows it."""

    name: str
    phase: str
    """`drill` or `rollback` (STOP), `failover` or `failback` execution (Region switch)."""
    result: str
    seconds: float | None
    started: float | None = None
    ended: float | None = None
    detail: str = ""


@dataclass
class DrillEvidence:
    """Everything a report says, structured."""

    pair: str
    mode: str
    primary_region: str
    standby_region: str
    operator: str
    outcome: str
    started_at: str
    ended_at: str
    plan: list[tuple[str, str]] = field(default_factory=list)
    steps: list[StepRow] = field(default_factory=list)
    rto: measure.Verdict | None = None
    rpo: measure.RpoMeasurement | None = None
    sends: list[TestSend] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def bars(self) -> list[Bar]:
        """The timeline's bars; Region switch reports durations only, so its steps are laid end to end."""
        out: list[Bar] = []
        cursor = 0.0
        for s in self.steps:
            if s.started is not None and s.ended is not None:
                start, end = s.started, s.ended
            else:
                start, end = cursor, cursor + (s.seconds or 0.0)
            cursor = end
            result = "rollback" if s.phase == "rollback" and s.result == "ok" else s.result
            out.append(Bar(s.name, start, end, result, s.phase))
        return out

    def as_dict(self) -> dict[str, Any]:
        """Structured values (camelCase): the `.json` file and --json."""
        return {
            "pair": self.pair, "mode": self.mode, "primaryRegion": self.primary_region,
            "standbyRegion": self.standby_region, "operator": self.operator, "outcome": self.outcome,
            "startedAt": self.started_at, "endedAt": self.ended_at,
            "plan": [{"step": n, "action": a} for n, a in self.plan],
            "steps": [{"name": s.name, "phase": s.phase, "result": s.result, "seconds": s.seconds,
                       "started": _iso(s.started), "ended": _iso(s.ended), "detail": s.detail} for s in self.steps],
            "rto": self.rto.as_dict() if self.rto else None, "rpo": self.rpo.as_dict() if self.rpo else None,
            "testSends": [s.as_dict() for s in self.sends], "notes": self.notes,
        }  # fmt: skip


def from_stop_drill(
    ctx: PairContext, report: Any, *, plan: Sequence[tuple[str, str]], operator: str, started: float, ended: float,
    rpo: measure.RpoMeasurement | None, sends: Sequence[TestSend] = (),
) -> DrillEvidence:  # fmt: skip
    """Evidence of a STOP drill (`regionpair.ops.drill.DrillReport`)."""
    rows = [StepRow(s.name, "drill", "ok", s.seconds, s.started, s.ended, s.detail) for s in report.steps]
    failed = list(report.failed)
    if report.failed_step is not None and failed:
        f = failed.pop(0)
        rows.append(StepRow(f.name, "drill", "failed", f.seconds, f.started, f.ended, f.detail))
    rows += [StepRow(s.name, "rollback", "ok", s.seconds, s.started, s.ended, s.detail) for s in report.rollback]
    if report.rollback_error and failed:
        f = failed.pop(0)
        rows.append(StepRow(f.name, "rollback", "failed", f.seconds, f.started, f.ended, f.detail))
    rto = measure.judge_rto([(s.name, s.seconds) for s in report.steps], ctx.pair.shared.objectives.rto_seconds)
    notes = []
    if report.resumable:
        notes.append("The drill stopped with its progress saved: continue with `regionpair drill --resume`.")
    return DrillEvidence(
        ctx.pair.shared.name, "STOP (routing.mode failover)", ctx.primary_region, ctx.standby_region, operator,
        report.outcome, _iso(started), _iso(ended), list(plan), rows, rto, rpo, list(sends), notes,
    )  # fmt: skip


def from_region_switch(
    ctx: PairContext, runs: Sequence[Any], *, operator: str, started: float, ended: float,
    rpo: measure.RpoMeasurement | None, outcome: str, sends: Sequence[TestSend] = (),
) -> DrillEvidence:  # fmt: skip
    """Evidence of a Region switch drill: its executions (`regionpair.ops.region_switch.RunResult`)."""
    rows, plan = [], []
    for run in runs:
        phase = "failover" if run.target_region == ctx.standby_region else "failback"
        plan.append((f"{phase} execution", f"{run.action} {run.target_region} (plan {run.plan_arn}, in {run.region})"))
        for s in run.steps:
            result = "ok" if s.status == "completed" else "failed" if s.status == "failed" else s.status
            rows.append(StepRow(s.name, phase, result, s.seconds, detail=f"execution {run.execution_id}"))
    first = [r for r in rows if r.phase == "failover"]
    rto = measure.judge_rto([("failover", sum(r.seconds or 0.0 for r in first))] if first else [],
                            ctx.pair.shared.objectives.rto_seconds, counted=("failover",))  # fmt: skip
    notes = ["Step durations as Region switch reports them; the timeline lays them end to end.",
             "Test sends run between the failover and the failback executions, while the standby serves."]
    notes += [f"Region switch's own recovery time for {run.execution_id}: {run.actual_recovery_time}"
              for run in runs if run.actual_recovery_time]  # fmt: skip
    return DrillEvidence(ctx.pair.shared.name, "Region switch (routing.mode region-switch)", ctx.primary_region,
                         ctx.standby_region, operator, outcome, _iso(started), _iso(ended), plan, rows, rto, rpo,
                         list(sends), notes)  # fmt: skip


# ------------------------------------------------------------------------------------------------- rendering
def _sections(ev: DrillEvidence) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of each table, shared by the Markdown and HTML renderings."""

    def num(v: float | None) -> str:
        return "" if v is None else f"{v:g}"

    objectives = []
    if ev.rto:
        objectives.append(["RTO", f"{ev.rto.objective_seconds:g} s", num(ev.rto.measured_seconds) + " s"
                           if ev.rto.measured_seconds is not None else "", ev.rto.verdict, ev.rto.because])  # fmt: skip
    if ev.rpo and ev.rpo.verdict:
        v = ev.rpo.verdict
        objectives.append(["RPO", f"{v.objective_seconds:g} s", num(v.measured_seconds) + " s"
                           if v.measured_seconds is not None else "", v.verdict, v.because])  # fmt: skip
    steps = [[str(i + 1), s.name, s.phase, _iso(s.started), _iso(s.ended), num(s.seconds), s.result, s.detail]
             for i, s in enumerate(ev.steps)]  # fmt: skip
    lag = [[s.store, s.region, num(s.lag_seconds), num(s.latest_seconds), num(s.pending_operations), s.status, s.note]
           for s in (ev.rpo.stores if ev.rpo else [])]  # fmt: skip
    sends = [[s.channel, s.region, s.sender, s.to, s.result, s.message_id or "", s.detail] for s in ev.sends]
    return [
        ("Objectives: declared and measured", ["", "objective", "measured", "verdict", "how"], objectives),
        ("Plan", ["step", "action"], [[n, a] for n, a in ev.plan]),
        ("Steps", ["#", "step", "phase", "start (UTC)", "end (UTC)", "seconds", "result", "detail"], steps),
        (f"Replication lag when the drill started (RPO, measured {ev.rpo.measured_at if ev.rpo else 'never'})",
         ["store", "read in", "worst lag (s)", "latest (s)", "pending operations", "status", "note"], lag),
        (f"Test sends from the standby ({ev.standby_region})",
         ["channel", "region", "from", "to", "result", "message id", "detail"], sends),
    ]  # fmt: skip


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _facts(ev: DrillEvidence) -> list[tuple[str, str]]:
    return [("Outcome", ev.outcome), ("Mode", ev.mode), ("Primary region", ev.primary_region),
            ("Standby region", ev.standby_region), ("Operator", ev.operator), ("Started (UTC)", ev.started_at),
            ("Ended (UTC)", ev.ended_at)]  # fmt: skip


def render_markdown(ev: DrillEvidence, svg_name: str) -> str:
    """The report as Markdown (the picture linked beside it)."""
    lines = [f"# Failover drill of pair `{ev.pair}`", ""]
    lines += [f"- **{k}:** {v}" for k, v in _facts(ev)]
    for title, header, rows in _sections(ev):
        lines += ["", f"## {title}", ""]
        if not rows:
            lines.append("(none)")
            continue
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    lines += ["", "## Timeline", "", f"![Timeline of the drill's steps]({svg_name})"]
    if ev.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in ev.notes]
    return "\n".join(lines) + "\n"


def render_html(ev: DrillEvidence, svg: str) -> str:
    """The report as one self-contained HTML file (the picture inline, no external resource)."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Failover drill of pair {e(ev.pair)}</title>",
             "<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;"
             "margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}"
             "th{background:#f4f4f4}</style></head><body>",
             f"<h1>Failover drill of pair <code>{e(ev.pair)}</code></h1>",
             "<ul>" + "".join(f"<li><b>{e(k)}:</b> {e(v)}</li>" for k, v in _facts(ev)) + "</ul>"]  # fmt: skip
    for title, header, rows in _sections(ev):
        parts.append(f"<h2>{e(title)}</h2>")
        if not rows:
            parts.append("<p>(none)</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
    parts += ["<h2>Timeline</h2>", svg.split("?>", 1)[-1]]
    if ev.notes:
        parts += ["<h2>Notes</h2>", "<ul>" + "".join(f"<li>{e(n)}</li>" for n in ev.notes) + "</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# -------------------------------------------------------------------------------------------- files on disk
def reports_dir(ctx: PairContext, audit_log: Path | None = None) -> Path:
    """`<audit log dir>/reports/`: next to the audit log the drill appends to."""
    return (audit_log or ctx.audit_log).parent / REPORTS_DIR


def write_report(ev: DrillEvidence, directory: Path, *, now: datetime | None = None) -> dict[str, Path]:
    """Write the four files; returns their paths by kind (`markdown`, `html`, `svg`, `json`)."""
    ensure_dir(directory.parent)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    stem = f"{STEM_PREFIX}{stamp}"
    n = 1
    while (directory / f"{stem}.json").exists():  # two drills in one second keep both reports
        n += 1
        stem = f"{STEM_PREFIX}{stamp}-{n}"
    rto = ev.rto.objective_seconds if ev.rto else None
    svg = render_svg(ev.bars(), title=f"Drill of {ev.pair}: {ev.outcome}"[:120], rto_seconds=rto)
    paths = {k: directory / f"{stem}.{ext}" for k, ext in
             (("markdown", "md"), ("html", "html"), ("svg", "svg"), ("json", "json"))}  # fmt: skip
    paths["svg"].write_text(svg, encoding="utf-8")
    paths["markdown"].write_text(render_markdown(ev, paths["svg"].name), encoding="utf-8")
    paths["html"].write_text(render_html(ev, svg), encoding="utf-8")
    paths["json"].write_text(json.dumps(ev.as_dict(), indent=2, default=str) + "\n", encoding="utf-8")
    return paths


def list_reports(directory: Path) -> list[dict[str, Any]]:
    """Every report in `directory`, newest first: name, outcome, verdicts and paths."""
    out = []
    for path in sorted(directory.glob(f"{STEM_PREFIX}*.json"), reverse=True):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            data = {"outcome": "unreadable report file"}
        out.append({
            "name": path.stem, "startedAt": data.get("startedAt"), "outcome": data.get("outcome"),
            "rto": (data.get("rto") or {}).get("verdict"), "rpo": (data.get("rpo") or {}).get("verdict"),
            "markdown": str(path.with_suffix(".md")), "html": str(path.with_suffix(".html")),
        })  # fmt: skip
    return out


def find_report(directory: Path, name: str) -> Path:
    """The JSON file of report `name` (`latest` for the newest); `OpsError` naming what exists otherwise."""
    found = list_reports(directory)
    if not found:
        raise OpsError(f"no drill report in {directory}; run `regionpair drill` first")
    if name == "latest":
        return Path(found[0]["markdown"]).with_suffix(".json")
    for r in found:
        if r["name"] == name or r["name"] == f"{STEM_PREFIX}{name}":
            return Path(r["markdown"]).with_suffix(".json")
    raise OpsError(f"no drill report {name!r} in {directory}; `regionpair report` lists them (or use latest)")


def is_region_switch(ctx: PairContext) -> bool:
    """Which builder applies."""
    return ctx.pair.shared.routing.mode is RoutingMode.REGION_SWITCH
