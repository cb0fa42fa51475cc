"""What the live loop measured (fps, capture-to-display latency, dropped frames),
for the debug overlay and scripts/bench_live.py."""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field

STATS_WINDOW_S = 1.0
"""Displayed fps and latency in the debug overlay are over this last stretch (s)."""


@dataclass
class LiveStats:
    """What the loop measured, for the debug overlay and the benchmark.

    Latency is from a frame's capture to the moment it was shown (after the
    window's paint); analysis age is how much older than the shown frame the
    analysis drawn on it was (the pose model's delay plus waiting).
    """

    source_fps: float = 0.0
    shown: int = 0
    first_shown_s: float = math.nan
    last_shown_s: float = math.nan
    latency_ms: list[float] = field(default_factory=list)
    analysis_age_ms: list[float] = field(default_factory=list)
    captured: int = 0  # frames the source produced
    missed_by_display: int = (
        0  # frames replaced by a newer one before the loop read them
    )
    analyzed: int = 0  # frames the pose model measured
    dropped_by_inference: int = 0  # frames skipped because the model was busy
    _recent: deque[tuple[float, float]] = field(default_factory=deque, repr=False)
    """(shown at, latency ms) over the last STATS_WINDOW_S."""

    def shown_at(self, now: float, latency_ms: float, age_ms: float | None) -> None:
        """Record a frame put on screen at monotonic time `now`.

        Args:
            now: monotonic seconds when the frame was shown.
            latency_ms: from its capture to `now`.
            age_ms: how much older the analysis drawn on it was, or None.
        """
        if self.shown == 0:
            self.first_shown_s = now
        self.last_shown_s = now
        self.shown += 1
        self.latency_ms.append(latency_ms)
        if age_ms is not None:
            self.analysis_age_ms.append(age_ms)
        self._recent.append((now, latency_ms))
        while self._recent and self._recent[0][0] < now - STATS_WINDOW_S:
            self._recent.popleft()

    def recent(self) -> tuple[float, float]:
        """Displayed fps and median latency (ms) over the last STATS_WINDOW_S."""
        if len(self._recent) < 2:
            return math.nan, math.nan
        span = self._recent[-1][0] - self._recent[0][0]
        fps = (len(self._recent) - 1) / span if span > 0 else math.nan
        return fps, statistics.median(lat for _, lat in self._recent)

    @property
    def displayed_fps(self) -> float:
        span = self.last_shown_s - self.first_shown_s
        return (self.shown - 1) / span if self.shown > 1 and span > 0 else math.nan

    def summary(self) -> dict[str, float]:
        """The benchmark figures as name -> value."""

        import numpy as np  # only the benchmark asks; keeps `--help` fast

        def pct(values: list[float], q: float) -> float:
            return float(np.percentile(values, q)) if values else math.nan

        interval_ms = 1000.0 / self.source_fps if self.source_fps > 0 else math.nan
        fps = self.displayed_fps
        return {
            "source_fps": self.source_fps,
            "displayed_fps": fps,
            "fps_ratio": fps / self.source_fps if self.source_fps > 0 else math.nan,
            "latency_median_ms": pct(self.latency_ms, 50),
            "latency_p95_ms": pct(self.latency_ms, 95),
            "latency_median_frames": pct(self.latency_ms, 50) / interval_ms,
            "latency_p95_frames": pct(self.latency_ms, 95) / interval_ms,
            "analysis_age_median_ms": pct(self.analysis_age_ms, 50),
            "analysis_age_p95_ms": pct(self.analysis_age_ms, 95),
            "frames_captured": float(self.captured),
            "frames_shown": float(self.shown),
            "frames_missed_by_display": float(self.missed_by_display),
            "frames_analyzed": float(self.analyzed),
            "frames_dropped_by_inference": float(self.dropped_by_inference),
        }
