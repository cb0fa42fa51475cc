"""Raw per-frame measures -> filtered measures: the glitch gate, then one of two
smoothing strategies (causal One Euro for live, zero-phase Hampel + Gaussian with
a lag for recorded video)."""

from __future__ import annotations

from collections import deque
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from hingecam.core.measures import Measures
from hingecam.core.smoothing import OneEuroFilter, gaussian_at, hampel_outliers
from hingecam.core.thresholds import Thresholds

Row = NDArray[np.float64]
"""(len(Measures.NAMES),) one frame's measures in Measures.NAMES order."""

_NAMES = Measures.NAMES
GATE_FIELDS = ("hip_flexion_deg", "knee_flexion_deg", "trunk_incline_deg")
"""Angles whose speed betrays a landmark swap."""


class GlitchGate:
    """Drops a frame whose key angles moved faster than a body can (a landmark swap).

    Compares with the last frame that passed; after glitch_reanchor_s of dropped
    frames the next one is trusted again.
    """

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self._keys = [_NAMES.index(f) for f in GATE_FIELDS]
        self.reset()

    def reset(self) -> None:
        """Forget the last good frame."""
        self._good: tuple[float, Row] | None = None

    def update(self, t_s: float, raw: Row) -> Row:
        """The frame's row, or all NaN when it is a glitch."""
        keys = self._keys
        if not np.isfinite(raw[keys]).any():
            return raw
        if self._good is not None:
            t0, ref = self._good
            dt = t_s - t0
            if 0 < dt < self.th.glitch_reanchor_s:
                with np.errstate(invalid="ignore"):
                    speed = np.abs(raw[keys] - ref[keys]) / dt
                if np.nanmax(speed, initial=0.0) > self.th.glitch_max_speed_deg_s:
                    return np.full_like(raw, np.nan)
        self._good = (
            t_s,
            np.where(np.isfinite(raw), raw, self._good[1] if self._good else raw),
        )
        return raw


class Smoothing(Protocol):
    """A filter strategy: rows go in with push(), final rows come out of drain()
    in push order, `lag_s` seconds after their frame (0 for a causal filter)."""

    lag_s: float

    def push(self, t_s: float, raw: Row) -> None:
        """Add one frame's gated row."""

    def drain(self, final: bool) -> list[Row]:
        """Filtered rows of the oldest frames that became final (all when final)."""
        ...

    def reset(self) -> None:
        """Forget every frame."""


class CausalSmoothing:
    """Live: a One Euro filter per measure, answering every frame at once.

    A measure missing for at most smooth_max_gap_s (an occluded joint, a gated
    outlier) is read as its last reading until the next, and the filter goes on
    from it, where the recorded filter bridges the same gap from both sides:
    without it a brief dropout blanks the overlay and breaks the rep counter's
    signal, and with the last filtered value frozen instead, a lockout seen on
    one frame before a dropout stays as far from it as the filter's lag left it
    (deadlift_side_rounded_bdbf_bx: 29 deg where the frame read 21)."""

    lag_s = 0.0

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.reset()

    def reset(self) -> None:
        """New filters, nothing pending."""
        th = self.th
        self._filters = [
            OneEuroFilter(
                th.live_min_cutoff_hz, th.live_beta, max_gap_s=th.smooth_max_gap_s
            )
            for _ in _NAMES
        ]
        self._pending: deque[tuple[float, Row]] = deque()
        self._last = np.full(len(_NAMES), np.nan)
        self._last_t = np.full(len(_NAMES), -np.inf)

    def push(self, t_s: float, raw: Row) -> None:
        """Add one frame's gated row."""
        self._pending.append((t_s, raw))

    def drain(self, final: bool) -> list[Row]:
        """Every pushed row, filtered (no lag)."""
        out = []
        while self._pending:
            t_s, raw = self._pending.popleft()
            seen = np.isfinite(raw)
            self._last[seen], self._last_t[seen] = raw[seen], t_s
            stale = ~seen & (t_s - self._last_t <= self.th.smooth_max_gap_s)
            reading = np.where(stale, self._last, raw)
            out.append(
                np.array(
                    [
                        f.update(t_s, float(v))
                        for f, v in zip(self._filters, reading, strict=True)
                    ]
                )
            )
        return out


class ZeroPhaseSmoothing:
    """Recorded video: Hampel outlier rejection, then a Gaussian centred on each
    frame, answered once the samples `lag_s` after it have arrived."""

    def __init__(self, thresholds: Thresholds) -> None:
        th = thresholds
        self.th = th
        self.lag_s = max(3.0 * th.smooth_sigma_s, th.smooth_max_gap_s)
        self._floor = np.array(
            [th.hampel_floor_deg if f.endswith("_deg") else th.hampel_floor_norm
             for f in _NAMES]
        )  # fmt: skip
        self.reset()

    def reset(self) -> None:
        """Nothing pending, an empty window."""
        self._pending: deque[float] = deque()
        self._window: deque[tuple[float, Row]] = deque()
        self._tested = 0  # samples of _window already outlier-tested

    def push(self, t_s: float, raw: Row) -> None:
        """Add one frame's gated row."""
        self._pending.append(t_s)
        self._window.append((t_s, raw))

    def drain(self, final: bool) -> list[Row]:
        """Rows of the frames whose smoothing window is complete (all when final)."""
        out: list[Row] = []
        self._reject_outliers(final)
        latest = self._window[-1][0] if self._window else 0.0
        while self._pending and (final or self._pending[0] <= latest - self.lag_s):
            out.append(self._smooth(self._pending.popleft()))
        # Keep only what later frames' windows still need.
        if self._pending:
            keep_from = self._pending[0] - self.lag_s - 1e-9
            while self._window and self._window[0][0] < keep_from and self._tested > 0:
                self._window.popleft()
                self._tested -= 1
        return out

    def _reject_outliers(self, final: bool) -> None:
        """Outlier-test each raw sample once its own Hampel window is complete."""
        if not self._window:
            return
        half = self.th.hampel_half_window_s
        latest = self._window[-1][0]
        t = np.fromiter((w[0] for w in self._window), float, len(self._window))
        x = np.stack([w[1] for w in self._window])
        while self._tested < len(self._window) and (
            final or t[self._tested] <= latest - half
        ):
            bad = hampel_outliers(
                t, x, self._tested, half, self._floor, k=self.th.hampel_k
            )
            if bad.any():
                cleaned = self._window[self._tested][1].copy()
                cleaned[bad] = np.nan
                self._window[self._tested] = (t[self._tested], cleaned)
            self._tested += 1

    def _smooth(self, t_s: float) -> Row:
        t = np.fromiter((w[0] for w in self._window), float, len(self._window))
        x = np.stack([w[1] for w in self._window])
        i = int(np.searchsorted(t, t_s))
        return gaussian_at(t, x, i, self.th.smooth_sigma_s, self.th.smooth_max_gap_s)
