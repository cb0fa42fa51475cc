"""Small SVG drawing helpers for the report's charts: linear scales, readable
tick values, polylines with gaps for missing samples, and escaped text. Plain
strings, no plotting library: a chart costs microseconds, not the ~0.5 s of
importing matplotlib, and the same numbers always give the same markup."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True, slots=True)
class Scale:
    """Maps data values in [lo, hi] linearly to pixels in [start, end] (end may
    be below start: y grows downwards in SVG)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo
        share = (value - self.lo) / span if span else 0.5
        return self.start + share * (self.end - self.start)


def nice_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round values within [lo, hi], 1, 2, 2.5 or 5 x a power of ten apart:
    the smallest such step that gives about `most` of them (most + 1 when both
    ends fall on one)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(1, most)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(
        m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw - 1e-12
    )
    first = math.ceil(lo / step - 1e-9) * step
    count = math.floor((hi - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


def tick_text(value: float, ticks: Sequence[float]) -> str:
    """A tick's label with as many decimals as the step between ticks needs
    (2.5 -> one, 0.05 -> two)."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = next(
        (d for d in range(7) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 6
    )
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def num(value: float) -> str:
    """A coordinate with 0.1 px precision and no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def path_d(xs: ArrayLike, ys: ArrayLike, x: Scale, y: Scale) -> str:
    """The `d` of a polyline through the finite (x, y) samples; a missing
    sample (NaN) ends a stretch, so gaps stay gaps."""
    xa = np.asarray(xs, dtype=np.float64)
    ya = np.asarray(ys, dtype=np.float64)
    ok = np.isfinite(xa) & np.isfinite(ya)
    parts: list[str] = []
    pen_down = False
    for xv, yv, good in zip(xa, ya, ok, strict=True):
        if not good:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{num(x(xv))} {num(y(yv))}")
        pen_down = True
    return "".join(parts)


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: float = 11.0,
    fill: str = "#1f2933",
    weight: str | None = None,
    extra: str = "",
) -> str:
    """An SVG <text> element with its content escaped."""
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}" '
        f'font-size="{num(size)}" fill="{fill}"{bold}{extra}>{escape(content)}</text>'
    )


def attrs(**values: str | float) -> str:
    """SVG attributes from keyword arguments (underscores become dashes)."""
    return " ".join(
        f'{key.rstrip("_").replace("_", "-")}="'
        f'{num(v) if isinstance(v, float) else escape(str(v))}"'
        for key, v in values.items()
    )


def svg_element(width: float, height: float, body: Iterable[str], label: str) -> str:
    """An inline <svg> (no XML prolog, no namespace: it lives in HTML) that
    scales to its container; `label` names it for screen readers."""
    return (
        f'<svg role="img" aria-label="{escape(label)}" viewBox="0 0 {num(width)} '
        f'{num(height)}" font-family="inherit">' + "".join(body) + "</svg>"
    )
