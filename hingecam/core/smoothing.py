"""Filters for per-frame measures: a zero-phase windowed filter for recorded video
and a causal One Euro filter for live use. Both take irregular timestamps (variable
frame rate) and NaN gaps; neither invents values across long gaps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray


def gaussian_at(
    t_s: NDArray[np.floating],
    x: NDArray[np.floating],
    i: int,
    sigma_s: float,
    max_gap_s: float,
) -> NDArray[np.float64]:
    """Zero-phase Gaussian estimate at sample i of several series (NaN-aware).

    The estimate is the Gaussian-weighted mean of the valid samples within
    3 sigma of t_s[i] (normalized convolution). Where x[i] is missing it stays
    NaN unless valid samples lie on both sides within `max_gap_s` of each other:
    short dropouts are bridged, long gaps are not.

    Args:
        t_s: (M,) increasing timestamps in seconds (irregular spacing allowed).
        x: (M, F) values, NaN where missing.
        i: the sample to estimate.
        sigma_s: Gaussian standard deviation in seconds.
        max_gap_s: longest stretch of missing time bridged.

    Returns:
        (F,) float64.
    """
    t = np.asarray(t_s, dtype=np.float64)
    v = np.asarray(x, dtype=np.float64)
    if sigma_s <= 0:
        row: NDArray[np.float64] = np.array(v[i], dtype=np.float64)
        return row
    lo = int(np.searchsorted(t, t[i] - 3.0 * sigma_s, side="left"))
    hi = int(np.searchsorted(t, t[i] + 3.0 * sigma_s, side="right"))
    win = v[lo:hi]
    ok = np.isfinite(win)
    wts = np.exp(-0.5 * ((t[lo:hi] - t[i]) / sigma_s) ** 2)[:, None] * ok
    total = wts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (wts * np.where(ok, win, 0.0)).sum(axis=0) / total
    out[total <= 1e-9] = np.nan
    for f in np.flatnonzero(~np.isfinite(v[i])):
        valid = np.flatnonzero(np.isfinite(v[:, f]))
        before = valid[valid < i]
        after = valid[valid > i]
        if not before.size or not after.size or t[after[0]] - t[before[-1]] > max_gap_s:
            out[f] = np.nan
    return np.asarray(out, dtype=np.float64)


def hampel_outliers(
    t_s: NDArray[np.floating],
    x: NDArray[np.floating],
    i: int,
    half_window_s: float,
    floor: NDArray[np.floating],
    k: float,
) -> NDArray[np.bool_]:
    """Which of sample i's values are outliers (Hampel identifier, per column).

    A value is an outlier when it is further from the median of the samples
    within `half_window_s` than k scaled MADs, and further than `floor` (so a
    still signal with a tiny MAD does not reject ordinary jitter). Catches the
    one- or two-frame landmark swaps MediaPipe makes under occlusion.

    Args:
        t_s: (M,) timestamps.
        x: (M, F) values, NaN where missing.
        i: the sample to test.
        half_window_s: window half-width in seconds.
        floor: (F,) smallest deviation that can count, in each column's unit.
        k: MADs (scaled by 1.4826 to a standard deviation) that count.

    Returns:
        (F,) True where x[i] is an outlier.
    """
    t = np.asarray(t_s, dtype=np.float64)
    lo = int(np.searchsorted(t, t[i] - half_window_s, side="left"))
    hi = int(np.searchsorted(t, t[i] + half_window_s, side="right"))
    win = np.asarray(x[lo:hi], dtype=np.float64)
    med = nanmedian_columns(win)
    mad = 1.4826 * nanmedian_columns(np.abs(win - med))
    with np.errstate(invalid="ignore"):
        dev = np.abs(np.asarray(x[i], dtype=np.float64) - med)
        return np.asarray((dev > k * mad) & (dev > floor))


def nanmedian_columns(x: NDArray[np.floating]) -> NDArray[np.float64]:
    """Median of each column ignoring NaN (NaN for an all-NaN column).

    Same result as np.nanmedian(x, axis=0), without its masked-array path,
    which costs ~1 ms on the small windows filtered every frame.

    Args:
        x: (M, F).

    Returns:
        (F,) float64.
    """
    v = np.asarray(x, dtype=np.float64)
    ordered = np.sort(v, axis=0)  # NaN sorts last
    n = np.isfinite(v).sum(axis=0)
    out = np.full(v.shape[1], np.nan)
    has = np.flatnonzero(n > 0)
    lo = (n[has] - 1) // 2
    hi = n[has] // 2
    out[has] = 0.5 * (ordered[lo, has] + ordered[hi, has])
    return out


def gaussian_smooth(
    t_s: NDArray[np.floating],
    x: NDArray[np.floating],
    sigma_s: float,
    max_gap_s: float,
) -> NDArray[np.float64]:
    """Zero-phase Gaussian smoothing of a whole series: gaussian_at at every sample.

    Args:
        t_s: (N,) timestamps in seconds.
        x: (N,) or (N, F) values, NaN where missing.

    Returns:
        Same shape as x, float64.
    """
    v = np.asarray(x, dtype=np.float64)
    two_d = v.reshape(v.shape[0], -1)
    out = (
        np.stack(
            [gaussian_at(t_s, two_d, i, sigma_s, max_gap_s) for i in range(v.shape[0])]
        )
        if v.shape[0]
        else two_d.copy()
    )
    return out.reshape(v.shape)


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


@dataclass
class OneEuroFilter:
    """Causal One Euro filter (Casiez et al., CHI 2012) for one scalar stream.

    Cutoff rises with speed: `min_cutoff_hz + beta * |dx/dt|`, so it is smooth
    at rest and keeps up on fast moves. NaN input returns NaN and, after a gap
    longer than `max_gap_s`, restarts the filter instead of sliding from stale
    values.

    Attributes:
        min_cutoff_hz: cutoff at rest (Hz); lower means less jitter, more lag.
        beta: cutoff gain per unit/s of speed; higher means less lag on moves.
        d_cutoff_hz: cutoff for the speed estimate (Hz).
        max_gap_s: gap after which the filter restarts.
    """

    min_cutoff_hz: float = 1.5
    beta: float = 0.02
    d_cutoff_hz: float = 1.0
    max_gap_s: float = 0.5
    lag_s: float = 0.0
    _t: float | None = field(default=None, init=False, repr=False)
    _x: float = field(default=math.nan, init=False, repr=False)
    _dx: float = field(default=0.0, init=False, repr=False)

    def reset(self) -> None:
        self._t = None
        self._x = math.nan
        self._dx = 0.0

    def update(self, t_s: float, x: float) -> float:
        """Filter one sample taken at `t_s`; returns the filtered value."""
        if not math.isfinite(x):
            if self._t is not None and t_s - self._t > self.max_gap_s:
                self.reset()
            return math.nan
        if self._t is None or t_s - self._t > self.max_gap_s or t_s <= self._t:
            if self._t is None or t_s - self._t > self.max_gap_s:
                self._t, self._x, self._dx = t_s, x, 0.0
            return self._x if self._t is not None else x
        dt = t_s - self._t
        dx = (x - self._x) / dt
        self._dx += _alpha(self.d_cutoff_hz, dt) * (dx - self._dx)
        cutoff = self.min_cutoff_hz + self.beta * abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        self._t = t_s
        return self._x
