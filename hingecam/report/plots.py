"""Report plots: AnalysisResult -> inline SVG of the measures over time, with rep
bands and flagged-check markers. Matplotlib's object API on an Agg canvas only:
no pyplot, no global backend switch."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from typing import Any

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hingecam.core.datatypes import (
    AnalysisResult,
    Outcome,
    Rep,
    Severity,
    VerdictKind,
)
from hingecam.core.faults import Fault
from hingecam.report.build import (
    MEASURE_LABELS,
)

PLOT_MEASURES: tuple[str, ...] = (
    "trunk_incline_deg",
    "hip_flexion_deg",
    "knee_flexion_deg",
    "spine_bow_norm",
)
"""Panels, top to bottom."""

LINE_COLOURS: Mapping[str, str] = {
    "trunk_incline_deg": "#2563eb",
    "hip_flexion_deg": "#7c3aed",
    "knee_flexion_deg": "#0f766e",
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

_RC: dict[str, Any] = {
    # Text stays text in the SVG so the page's font and print look right.
    "svg.fonttype": "none",
    # Fixed ids so the same result gives the same SVG.
    "svg.hashsalt": "hingecam-report",
    "font.size": 9.0,
    "axes.edgecolor": "#9ca3af",
    "axes.labelcolor": _INK,
    "xtick.color": _MUTED,
    "ytick.color": _MUTED,
}


def _unit_suffix(unit: str) -> str:
    return {"deg": " (°)", "chord": " (chord lengths)", "norm": ""}.get(unit, "")


def measures_svg(result: AnalysisResult, *, width_in: float = 10.0) -> str | None:
    """Plot trunk, hip, knee and spine-bow measures over time as inline SVG.

    Args:
        result: the analysed set; `series.t_s` is the x axis in seconds.
        width_in: figure width in inches (the SVG scales to its container).

    Returns:
        An `<svg ...>` element (no XML prolog) or None when no frame has a
        measure to plot. NaN samples are left as gaps in the lines.
    """
    series = result.series
    t = np.asarray(series.t_s, dtype=np.float64)
    data = {m: np.asarray(getattr(series, m), dtype=np.float64) for m in PLOT_MEASURES}
    if t.size == 0 or not any(np.isfinite(v).any() for v in data.values()):
        return None

    # rc_context restores every value on exit; it is the only way to set SVG
    # output options and it never touches pyplot's figure manager.
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(width_in, 1.55 * len(PLOT_MEASURES) + 0.5))
        FigureCanvasAgg(fig)
        axes = fig.subplots(len(PLOT_MEASURES), 1, sharex=True)
        # A one-frame video still gets a readable (if empty) time axis.
        t_end = max(float(t[-1]), float(t[0]) + 1.0) if t.size else 1.0
        for ax, name in zip(axes, PLOT_MEASURES, strict=True):
            _draw_panel(ax, result, t, data[name], name)
        axes[0].set_xlim(float(t[0]), t_end)
        _label_reps(axes[0], result)
        axes[-1].set_xlabel("time (s)")
        fig.subplots_adjust(left=0.085, right=0.985, top=0.95, bottom=0.07, hspace=0.22)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return _inline_svg(buf.getvalue())


def _draw_panel(
    ax: Axes, result: AnalysisResult, t: np.ndarray, y: np.ndarray, name: str
) -> None:
    label, unit = MEASURE_LABELS.get(name, (name, ""))
    for rep in result.reps:
        colour = _band_colour(rep)
        ax.axvspan(rep.start_s, rep.end_s, color=colour, alpha=0.07, lw=0)
        ax.axvline(rep.bottom_s, color=colour, alpha=0.25, lw=0.8, ls=":")
    finite = np.isfinite(y)
    if finite.any():
        ax.plot(
            t, y, color=LINE_COLOURS.get(name, _INK), lw=1.6, solid_capstyle="round"
        )
        setup = result.setup.get(name) if result.setup else math.nan
        if math.isfinite(setup):
            ax.axhline(setup, color=_MUTED, lw=0.9, ls=(0, (4, 3)))
            ax.annotate(
                "setup",
                xy=(1.0, setup),
                xycoords=("axes fraction", "data"),
                xytext=(-3, 3),
                textcoords="offset points",
                ha="right",
                va="bottom",
                fontsize=7.5,
                color=_MUTED,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
            )
        lo, hi = float(np.nanmin(y)), float(np.nanmax(y))
        pad = max((hi - lo) * 0.12, 1.0 if unit == "deg" else 0.01)
        ax.set_ylim(lo - pad, hi + pad * 1.6)
    else:
        ax.set_yticks([])
        ax.text(
            0.5,
            0.5,
            "not measured in this video",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=_MUTED,
            fontsize=9,
        )
    _draw_markers(ax, result, t, y, name)
    ax.set_ylabel(f"{label}{_unit_suffix(unit)}", fontsize=8.5)
    ax.yaxis.set_label_coords(-0.06, 0.5)
    ax.grid(axis="y", color=_GRID, lw=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=3, labelsize=8)


def _draw_markers(
    ax: Axes, result: AnalysisResult, t: np.ndarray, y: np.ndarray, name: str
) -> None:
    finite = np.isfinite(y)
    t0, t1 = (float(t[0]), float(t[-1])) if t.size else (0.0, 1.0)
    labelled: set[Fault] = set()
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
            xy: tuple[float, float]
            coords: str | tuple[str, str]
            if math.isfinite(value):
                ax.plot(
                    [check.t_s],
                    [value],
                    marker="o",
                    ms=7,
                    mfc=colour,
                    mec="white",
                    mew=1.3,
                    zorder=5,
                )
                xy, coords = (check.t_s, value), "data"
            else:
                ax.axvline(check.t_s, color=colour, lw=1.2, ls="--")
                xy, coords = (check.t_s, 0.9), ("data", "axes fraction")
            # Name each fault once per panel; later dots speak for themselves.
            if check.fault in labelled:
                continue
            labelled.add(check.fault)
            near_end = check.t_s > t0 + 0.85 * (t1 - t0)
            ax.annotate(
                check.label,
                xy=xy,
                xycoords=coords,
                xytext=(-6, 4) if near_end else (6, 4),
                textcoords="offset points",
                ha="right" if near_end else "left",
                fontsize=7.5,
                color=colour,
                fontweight="bold",
                zorder=6,
                bbox={
                    "boxstyle": "round,pad=0.1",
                    "fc": "white",
                    "ec": "none",
                    "alpha": 0.8,
                },
            )


def _label_reps(ax: Axes, result: AnalysisResult) -> None:
    for rep in result.reps:
        ax.annotate(
            f"rep {rep.index}",
            xy=((rep.start_s + rep.end_s) / 2, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8,
            fontweight="bold",
            color=_band_colour(rep),
            annotation_clip=False,
        )


_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SIZE = re.compile(r'(<svg\b[^>]*?)\s+width="[^"]*"\s+height="[^"]*"')
# Inline SVG in HTML needs no namespace declarations; dropping them keeps the
# page free of any URL.
_XMLNS = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')
_FONT = re.compile(r"font-family: [^;\"]*")


def _inline_svg(svg: str) -> str:
    """Drop the XML prolog, DOCTYPE and RDF metadata; let CSS set the size."""
    svg = _PROLOG.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    svg = _SIZE.sub(r"\1", svg, count=1)
    head, rest = svg.split(">", 1)
    svg = _XMLNS.sub("", head) + ">" + rest
    # Text takes the page's font (matplotlib writes its own font list).
    svg = _FONT.sub("font-family: inherit", svg)
    return svg.replace("<svg ", '<svg role="img" aria-label="Measures over time" ', 1)
