"""Progress charts: a diary's sessions over time -> one inline SVG, written directly
(no matplotlib): the share of clean reps and each fault's rate, on a date axis,
in the report's colours; readable in a browser and in print."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

FAULT_COLOURS: Mapping[str, str] = {
    "rounded_spine": "#b91c1c",
    "locked_knees": "#7c3aed",
    "squat_pattern": "#0f766e",
    "hips_rise_first": "#c2410c",
    "shallow_hinge": "#2563eb",
    "lean_back": "#a16207",
}
"""One line colour per fault (report/plots.py's palette); others grey."""

OTHER_COLOUR = "#6b7280"
CLEAN_COLOUR = "#15803d"
INK, MUTED, GRID = "#1f2933", "#6b7280", "#e5e7eb"

WIDTH_PX = 900
"""The chart's drawing width (SVG units); it scales to the page."""
PANEL_PX = 150
"""Height of each panel's plotting area."""
LEFT_PX, RIGHT_PX, TOP_PX = 52, 16, 22
AXIS_PX = 34  # under the last panel: the date labels
GAP_PX = 40  # between the panels: the second panel's title


@dataclass(frozen=True, slots=True)
class Point:
    """One row of a diary on the chart.

    Attributes:
        day: where on the date axis (the middle of a week or month).
        share: clean reps / judged reps, or None when none was judged.
        faults: fault -> (reps flagged, reps judged); left out when not judged.
        small: fewer judged reps than a handful: drawn hollow, as data.
        title: the tooltip, in words and counts.
    """

    day: date
    share: float | None
    faults: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    small: bool = False
    title: str = ""


def _ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Date ticks for the span: weeks (Mondays), months or years, at most ~12."""
    span = (last - first).days
    if span <= 70:
        start = first - timedelta(days=first.weekday())
        step = 7 * max(1, span // 63 + 1)
        days = [start + timedelta(days=k) for k in range(0, span + 14, step)]
        return [(d, f"{d.day} {d:%b}") for d in days if first <= d <= last] or [
            (first, f"{first.day} {first:%b}")
        ]
    if span <= 800:
        months = []
        d = date(first.year, first.month, 1)
        every = max(1, (span // 30) // 12 + 1)
        k = 0
        while d <= last:
            if d >= first and k % every == 0:
                months.append((d, f"{d:%b}" if d.month != 1 else f"{d:%b %Y}"))
            d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
            k += 1
        return months
    years = range(first.year + 1, last.year + 1)
    every = max(1, len(years) // 12 + 1)
    return [(date(y, 1, 1), str(y)) for y in years if (y - first.year) % every == 0]


class _Axis:
    """Dates to x positions (SVG units)."""

    def __init__(self, first: date, last: date) -> None:
        pad = max(1, (last - first).days // 40)
        self.first = first - timedelta(days=pad)
        self.days = max(1, (last - first).days + 2 * pad)

    def x(self, day: date) -> float:
        inner = WIDTH_PX - LEFT_PX - RIGHT_PX
        return LEFT_PX + inner * (day - self.first).days / self.days


def _y(value: float, top: float) -> float:
    return top + PANEL_PX * (1.0 - value)


def _panel(top: float, title: str) -> list[str]:
    """A panel's frame: the title, gridlines at 0, 50 and 100 %."""
    out = [
        f'<text x="{LEFT_PX}" y="{top - 8:.1f}" fill="{INK}" font-size="12" '
        f'font-weight="600">{html.escape(title)}</text>'
    ]
    for value in (0.0, 0.5, 1.0):
        y = _y(value, top)
        out.append(
            f'<line x1="{LEFT_PX}" x2="{WIDTH_PX - RIGHT_PX}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT_PX - 6}" y="{y + 4:.1f}" fill="{MUTED}" font-size="11" '
            f'text-anchor="end">{value:.0%}</text>'
        )
    return out


DOTS_MAX = 60
"""Up to this many points a fault's line gets a dot (with its counts) at each;
beyond, its line alone (the clean reps keep their dots): the page stays light."""


def _series(
    points: Sequence[tuple[float, float, bool, str]], colour: str, top: float, r: float
) -> list[str]:
    """A line through (x, value) points, and a dot at each (r > 0): filled, or
    hollow for a small session, with its tooltip."""
    out = []
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{_y(v, top):.1f}" for x, v, _, _ in points)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            'stroke-width="1.6" stroke-linejoin="round" opacity="0.75"/>'
        )
    for x, v, small, title in points if r > 0 else ():
        fill = "#ffffff" if small else colour
        out.append(
            f'<circle cx="{x:.1f}" cy="{_y(v, top):.1f}" r="{r}" fill="{fill}" '
            f'stroke="{colour}" stroke-width="1.5"><title>{html.escape(title)}'
            "</title></circle>"
        )
    return out


def trend_svg(points: Sequence[Point], faults: Sequence[tuple[str, str]]) -> str | None:
    """The diary's chart: the share of clean reps (top) and each fault's rate
    (below, one line per fault, with a legend) over time.

    Args:
        points: the rows to draw, in time order (dated ones only).
        faults: (fault name, label) of each fault line, in legend order.

    Returns:
        An <svg> element, or None when there is nothing to draw.
    """
    if not points:
        return None
    axis = _Axis(points[0].day, points[-1].day)
    r = 4.0 if len(points) <= 60 else 3.0
    top2 = TOP_PX + PANEL_PX + GAP_PX
    height = top2 + PANEL_PX + AXIS_PX + (22 if faults else 0)
    out = [
        f'<svg viewBox="0 0 {WIDTH_PX} {height}" '
        f'role="img" aria-label="Clean reps and faults over time" '
        'font-family="system-ui, sans-serif">'
    ]
    out += _panel(TOP_PX, "Clean reps (share of the reps judged)")
    clean = [
        (axis.x(p.day), p.share, p.small, p.title)
        for p in points
        if p.share is not None
    ]
    out += _series(clean, CLEAN_COLOUR, TOP_PX, r)
    out += _panel(top2, "Each fault (share of the reps it was judged on)")
    dot = r - 1 if len(points) <= DOTS_MAX else 0.0
    for fault, label in faults:
        colour = FAULT_COLOURS.get(fault, OTHER_COLOUR)
        line = []
        for p in points:
            n, of = p.faults.get(fault, (0, 0))
            if of:  # judged at all then
                line.append((axis.x(p.day), n / of, p.small, f"{label} {n} of {of}"))
        out += _series(line, colour, top2, dot)
    base = top2 + PANEL_PX
    for day, label in _ticks(points[0].day, points[-1].day):
        x = axis.x(day)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base:.1f}" y2="{base + 5:.1f}" '
            f'stroke="{MUTED}"/><text x="{x:.1f}" y="{base + 18:.1f}" fill="{MUTED}" '
            f'font-size="11" text-anchor="middle">{html.escape(label)}</text>'
        )
    x = float(LEFT_PX)
    for fault, label in faults:
        colour = FAULT_COLOURS.get(fault, OTHER_COLOUR)
        y = base + AXIS_PX + 8
        out.append(
            f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="2.4"/><text x="{x + 24:.1f}" '
            f'y="{y + 4:.1f}" fill="{INK}" font-size="12">{html.escape(label)}</text>'
        )
        x += 34 + 7.2 * len(label)
    out.append("</svg>")
    return "".join(out)
