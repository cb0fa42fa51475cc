"""Report plots: AnalysisResult -> inline SVG of the measures over time, with rep
bands and flagged-check markers, drawn as plain SVG (report/svg.py): no plotting
library to import, the same result always gives the same markup."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    AnalysisResult,
    MeasureSeries,
    Outcome,
    Rep,
    Severity,
    VerdictKind,
)
from hingecam.core.faults import Fault
from hingecam.report.build import (
    MEASURE_LABELS,
)
from hingecam.report.svg import (
    Scale,
    attrs,
    nice_ticks,
    num,
    path_d,
    svg_element,
    text,
    tick_text,
)

PLOT_MEASURES: tuple[str, ...] = (
    "trunk_incline_deg",
    "hip_flexion_deg",
    "knee_flexion_deg",
    "spine_bow_norm",
)
"""Panels, top to bottom."""

STAND_INS: Mapping[str, tuple[str, str]] = {
    "knee_flexion_deg": (
        "thigh_incline_deg",
        "the feet were out of view: the thigh's lean from vertical, which the "
        "checks read for the knees' bend",
    ),
}
"""A panel's measure -> the one drawn in its place when it was never measured
and this one was, and the note that says so: with the feet out of frame the
rules read the thigh's lean for the knee's bend (rules.knee_bend_gained), so
the plot shows what they read."""

LINE_COLOURS: Mapping[str, str] = {
    "trunk_incline_deg": "#2563eb",
    "hip_flexion_deg": "#7c3aed",
    "knee_flexion_deg": "#0f766e",
    "thigh_incline_deg": "#0f766e",
    "spine_bow_norm": "#c2410c",
}

SEVERITY_COLOURS: Mapping[Severity, str] = {
    Severity.NOTE: "#6b7280",
    Severity.WARNING: "#b45309",
    Severity.FAULT: "#b91c1c",
}

_CLEAN = "#16a34a"
_NOT_JUDGED = "#94a3b8"


def _band_colour(rep: Rep) -> str:
    """Green for a clean rep, grey when nothing could be judged, else severity."""
    severity = rep.verdict.severity
    if severity is not None:
        return SEVERITY_COLOURS[severity]
    return _NOT_JUDGED if rep.verdict.kind is VerdictKind.NOT_JUDGED else _CLEAN


_INK = "#1f2933"
_MUTED = "#6b7280"
_GRID = "#e5e7eb"
_AXIS = "#9ca3af"

WIDTH_PX = 1000.0
"""The drawing's width in SVG units (it scales to its container)."""

_PANEL_PX = 124.0  # one panel's plotting height
_GAP_PX = 31.0  # between panels (room for the tick marks)
_LEFT_PX, _RIGHT_PX, _TOP_PX, _BOTTOM_PX = 92.0, 12.0, 40.0, 46.0


def _unit_suffix(unit: str) -> str:
    return {"deg": " (°)", "chord": " (chord lengths)", "norm": ""}.get(unit, "")


@dataclass(frozen=True, slots=True)
class _Panel:
    """One measure's panel: its scales and the shared time axis."""

    x: Scale
    y: Scale
    top: float
    bottom: float


def measures_svg(result: AnalysisResult) -> str | None:
    """Plot trunk, hip, knee and spine-bow measures over time as inline SVG.

    Args:
        result: the analysed set; `series.t_s` is the x axis in seconds.

    Returns:
        An `<svg ...>` element (no XML prolog) or None when no frame has a
        measure to plot. NaN samples are left as gaps in the lines.
    """
    series = result.series
    t = np.asarray(series.t_s, dtype=np.float64)
    shown = {m: _shown(series, m) for m in PLOT_MEASURES}
    data = {
        m: np.asarray(getattr(series, shown[m]), dtype=np.float64)
        for m in PLOT_MEASURES
    }
    if t.size == 0 or not any(np.isfinite(v).any() for v in data.values()):
        return None
    # A one-frame video still gets a readable (if empty) time axis.
    t_end = max(float(t[-1]), float(t[0]) + 1.0)
    x = Scale(float(t[0]), t_end, _LEFT_PX, WIDTH_PX - _RIGHT_PX)
    body: list[str] = [_rep_labels(result, x)]
    top = _TOP_PX
    for name in PLOT_MEASURES:
        panel = _panel(x, data[name], shown[name], top)
        body.append(_draw_panel(panel, result, t, data[name], name, shown[name]))
        top += _PANEL_PX + _GAP_PX
    bottom = top - _GAP_PX
    body.append(_time_axis(x, bottom))
    height = bottom + _BOTTOM_PX
    return svg_element(WIDTH_PX, height, body, "Measures over time")


def _shown(series: MeasureSeries, name: str) -> str:
    """The measure drawn in `name`'s panel: itself, or its stand-in when it was
    never measured and the stand-in was (STAND_INS)."""
    stand_in = STAND_INS.get(name, (name, ""))[0]
    if np.isfinite(getattr(series, name)).any():
        return name
    return stand_in if np.isfinite(getattr(series, stand_in)).any() else name


def _panel(x: Scale, y: NDArray[np.float64], name: str, top: float) -> _Panel:
    unit = MEASURE_LABELS.get(name, (name, ""))[1]
    finite = y[np.isfinite(y)]
    if finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        pad = max((hi - lo) * 0.12, 1.0 if unit == "deg" else 0.01)
        lo, hi = lo - pad, hi + pad * 1.6
    else:
        lo, hi = 0.0, 1.0
    bottom = top + _PANEL_PX
    return _Panel(x, Scale(lo, hi, bottom, top), top, bottom)


def _draw_panel(
    panel: _Panel,
    result: AnalysisResult,
    t: NDArray[np.float64],
    y: NDArray[np.float64],
    name: str,
    shown: str,
) -> str:
    """One panel: rep bands, the `shown` measure's line (in `name`'s panel, see
    STAND_INS) with its setup level, and the markers of the checks plotted on
    `name`."""
    label, unit = MEASURE_LABELS.get(shown, (shown, ""))
    x, top, bottom = panel.x, panel.top, panel.bottom
    out: list[str] = []
    for rep in result.reps:
        colour = _band_colour(rep)
        x0, x1 = x(max(rep.start_s, x.lo)), x(min(rep.end_s, x.hi))
        out.append(
            f"<rect {attrs(x=x0, y=top, width=max(0.0, x1 - x0), height=_PANEL_PX)}"
            f' fill="{colour}" fill-opacity="0.07"/>'
        )
        xb = x(rep.bottom_s)
        out.append(
            f'<line {attrs(x1=xb, y1=top, x2=xb, y2=bottom)} stroke="{colour}"'
            ' stroke-opacity="0.25" stroke-width="0.8" stroke-dasharray="1.5 2.5"/>'
        )
    finite = np.isfinite(y)
    if finite.any():
        out.append(_y_axis(panel))
        out.append(
            f'<path d="{path_d(t, y, x, panel.y)}" fill="none" '
            f'stroke="{LINE_COLOURS.get(shown, _INK)}" stroke-width="1.6" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
        setup = result.setup.get(shown) if result.setup else math.nan
        if math.isfinite(setup):
            ys = panel.y(setup)
            out.append(
                f"<line {attrs(x1=x.start, y1=ys, x2=x.end, y2=ys)} "
                f'stroke="{_MUTED}" stroke-width="0.9" stroke-dasharray="4 3"/>'
            )
            out.append(_label(x.end - 4, ys - 4, "setup", _MUTED, "end", bold=False))
    else:
        middle = (top + bottom) / 2
        out.append(
            text(
                (x.start + x.end) / 2,
                middle + 4,
                "not measured in this video",
                anchor="middle",
                fill=_MUTED,
            )
        )
    if shown != name:
        out.append(
            _label(  # in the gap above the panel, clear of its markers
                x.start + 4,
                top - 8,
                STAND_INS[name][1],
                _MUTED,
                "start",
                bold=False,
            )
        )
    out.append(_draw_markers(panel, result, t, y, name))
    out.append(
        f'<line {attrs(x1=x.start, y1=bottom, x2=x.end, y2=bottom)} stroke="{_AXIS}"/>'
        f'<line {attrs(x1=x.start, y1=top, x2=x.start, y2=bottom)} stroke="{_AXIS}"/>'
    )
    for tick in nice_ticks(x.lo, x.hi, 8):
        xt = x(tick)
        out.append(
            f'<line {attrs(x1=xt, y1=bottom, x2=xt, y2=bottom + 4)} stroke="{_AXIS}"/>'
        )
    middle = (top + bottom) / 2
    out.append(
        text(
            22,
            middle,
            f"{label}{_unit_suffix(unit)}",
            anchor="middle",
            size=11,
            extra=f' transform="rotate(-90 22 {num(middle)})"',
        )
    )
    return "".join(out)


def _y_axis(panel: _Panel) -> str:
    """Horizontal grid lines and tick labels at round values."""
    y, x = panel.y, panel.x
    ticks = nice_ticks(y.lo, y.hi, 5)
    out = []
    for tick in ticks:
        yt = y(tick)
        out.append(
            f'<line {attrs(x1=x.start, y1=yt, x2=x.end, y2=yt)} stroke="{_GRID}" '
            'stroke-width="0.7"/>'
            f"<line {attrs(x1=x.start - 4, y1=yt, x2=x.start, y2=yt)} "
            f'stroke="{_AXIS}"/>'
        )
        out.append(
            text(x.start - 7, yt + 3.5, tick_text(tick, ticks), anchor="end",
                 size=10, fill=_MUTED)
        )  # fmt: skip
    return "".join(out)


def _time_axis(x: Scale, bottom: float) -> str:
    ticks = nice_ticks(x.lo, x.hi, 8)
    labels = [
        text(x(tick), bottom + 17, tick_text(tick, ticks), anchor="middle",
             size=10, fill=_MUTED)
        for tick in ticks
    ]  # fmt: skip
    middle = (x.start + x.end) / 2
    return "".join(labels) + text(middle, bottom + 36, "time (s)", anchor="middle")


def _label(
    x: float, y: float, content: str, colour: str, anchor: str, *, bold: bool = True
) -> str:
    """A small label on a white backing, so lines under it do not cross it."""
    return text(
        x,
        y,
        content,
        anchor=anchor,
        size=9.5,
        fill=colour,
        weight="bold" if bold else None,
        extra=' stroke="white" stroke-width="3" paint-order="stroke"',
    )


def _draw_markers(
    panel: _Panel,
    result: AnalysisResult,
    t: NDArray[np.float64],
    y: NDArray[np.float64],
    name: str,
) -> str:
    finite = np.isfinite(y)
    t0, t1 = float(t[0]), float(t[-1])
    labelled: set[Fault] = set()
    out: list[str] = []
    for rep in result.reps:
        for check in rep.checks:
            if check.outcome is not Outcome.FLAGGED or not math.isfinite(check.t_s):
                continue
            if check.fault.spec.plot_measure != name:
                continue
            colour = SEVERITY_COLOURS[check.severity]
            value = (
                float(np.interp(check.t_s, t[finite], y[finite]))
                if finite.sum() >= 2
                else math.nan
            )
            xc = panel.x(check.t_s)
            if math.isfinite(value):
                yc = panel.y(value)
                out.append(
                    f'<circle {attrs(cx=xc, cy=yc, r=4.2)} fill="{colour}" '
                    'stroke="white" stroke-width="1.3"/>'
                )
            else:
                yc = panel.top + 0.1 * _PANEL_PX
                out.append(
                    f"<line {attrs(x1=xc, y1=panel.top, x2=xc, y2=panel.bottom)} "
                    f'stroke="{colour}" stroke-width="1.2" stroke-dasharray="4 2"/>'
                )
            # Name each fault once per panel; later dots speak for themselves.
            if check.fault in labelled:
                continue
            labelled.add(check.fault)
            near_end = check.t_s > t0 + 0.85 * (t1 - t0)
            dx = -8.0 if near_end else 8.0
            anchor = "end" if near_end else "start"
            out.append(_label(xc + dx, yc - 5, check.label, colour, anchor))
    return "".join(out)


def _rep_labels(result: AnalysisResult, x: Scale) -> str:
    return "".join(
        text(
            x((rep.start_s + rep.end_s) / 2),
            _TOP_PX - 6,
            f"rep {rep.index}",
            anchor="middle",
            size=10.5,
            fill=_band_colour(rep),
            weight="bold",
        )
        for rep in result.reps
    )
