"""The drill's timeline as an SVG picture, written by our own code (no network, no plotting dependency).

One row per executed step (drill steps, then rollback steps), a bar from its start to its end on a shared time
axis, coloured by result, labelled with the step and its duration; a dashed line marks the RTO objective from
the first step's start. Each step is a `<g class="step" data-step="..." data-result="...">` so a test (or an
auditor's script) can read the picture back. Text is escaped; the picture is plain SVG 1.1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

COLOURS = {"ok": "#2e7d32", "failed": "#c62828", "rollback": "#ef6c00", "skipped": "#9e9e9e"}
ROW, LABEL_WIDTH, CHART_WIDTH, TOP, BOTTOM = 28, 190, 640, 46, 40


@dataclass(frozen=True)
class Bar:
    """One step on the timeline; times in seconds from any common origin."""

    name: str
    start: float
    end: float
    result: str
    """`ok`, `failed`, `rollback` (an undo step that succeeded) or `skipped`."""
    phase: str = "drill"


def _nice_step(span: float) -> float:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600):
        if span / step <= 8:
            return float(step)
    return 7200.0


def render_svg(bars: Sequence[Bar], *, title: str, rto_seconds: float | None = None) -> str:
    """The picture; an empty drill gives a picture that says so (never an empty file)."""
    origin = min((b.start for b in bars), default=0.0)
    span = max([b.end - origin for b in bars] + [rto_seconds or 0.0, 1.0])
    scale = CHART_WIDTH / span
    height = TOP + ROW * max(len(bars), 1) + BOTTOM
    width = LABEL_WIDTH + CHART_WIDTH + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    tick = _nice_step(span)
    axis_y = TOP + ROW * max(len(bars), 1) + 6
    t = 0.0
    while t <= span + 1e-9:
        x = LABEL_WIDTH + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{axis_y}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle" fill="#555">{t:g} s</text>')
        t += tick
    if not bars:
        out.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 16}" fill="#555">no step ran</text>')
    for i, b in enumerate(bars):
        y = TOP + i * ROW
        x = LABEL_WIDTH + (b.start - origin) * scale
        w = max((b.end - b.start) * scale, 2.0)
        seconds = b.end - b.start
        label = f"{b.name}" + (" (rollback)" if b.phase == "rollback" else "")
        out += [
            f'<g class="step" data-step={quoteattr(b.name)} data-phase={quoteattr(b.phase)} '
            f'data-result={quoteattr(b.result)} data-seconds="{seconds:.1f}">',
            f'<text x="10" y="{y + 17}">{escape(label)}</text>',
            f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{ROW - 10}" rx="3" '
            f'fill="{COLOURS.get(b.result, "#616161")}"><title>{escape(f"{label}: {b.result}, {seconds:.1f} s")}'
            "</title></rect>",
            f'<text x="{min(x + w + 4, LABEL_WIDTH + CHART_WIDTH - 60):.1f}" y="{y + 17}" fill="#333">'
            f"{seconds:.1f} s {escape(b.result)}</text>",
            "</g>",
        ]
    if rto_seconds:
        x = LABEL_WIDTH + rto_seconds * scale
        out += [
            f'<g class="objective" data-rto-seconds="{rto_seconds:g}">',
            f'<line x1="{x:.1f}" y1="{TOP - 10}" x2="{x:.1f}" y2="{axis_y}" stroke="#1565c0" '
            'stroke-dasharray="6,4" stroke-width="2"/>',
            f'<text x="{x - 4:.1f}" y="{TOP - 14}" text-anchor="end" fill="#1565c0">RTO objective {rto_seconds:g} s'
            "</text>",
            "</g>",
        ]
    out.append("</svg>")
    return "\n".join(out) + "\n"
