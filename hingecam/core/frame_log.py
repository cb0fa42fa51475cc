"""The finalized frames so far (smoothed measures, views, sides, phases): what
calibration and rep assembly look back on, and the MeasureSeries of a result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import MeasureSeries, Phase, Side, View
from hingecam.core.filtering import Smoothing
from hingecam.core.measures import Measures
from hingecam.core.pose_measures import Feet


@dataclass
class FrameLog:
    """Per finalized frame, in order: one entry in each list.

    Attributes:
        t_s: frame times in seconds.
        feet: where the ankles were (pose_measures.Feet, NaN if unseen).
        frames: frame indices.
        values: (len(Measures.NAMES),) smoothed rows.
        raw: the same frames' rows before smoothing (outliers gated), from
            which a rep can be smoothed again (see Mode.judge_smoothing).
        views, sides: camera view and near side (None without a person).
        phases: rep phase (appended after the rep counter has seen the frame).
    """

    t_s: list[float] = field(default_factory=list)
    feet: list[Feet] = field(default_factory=list)
    frames: list[int] = field(default_factory=list)
    values: list[NDArray[np.float64]] = field(default_factory=list)
    raw: list[NDArray[np.float64]] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    sides: list[Side | None] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)

    def append(
        self,
        index: int,
        t_s: float,
        values: NDArray[np.float64],
        view: View,
        side: Side | None,
        feet: Feet,
        raw: NDArray[np.float64] | None = None,
    ) -> int:
        """Log a finalized frame (its phase comes later); returns its position.
        `raw` is its row before smoothing (default: `values`)."""
        self.t_s.append(t_s)
        self.feet.append(feet)
        self.frames.append(index)
        self.values.append(values)
        self.raw.append(values if raw is None else raw)
        self.views.append(view)
        self.sides.append(side)
        return len(self.t_s) - 1

    def smoothed_again(
        self, smoothing: Smoothing, first: int = 0
    ) -> list[NDArray[np.float64]]:
        """The raw rows from position `first` on, through `smoothing` (reset
        before and after): what another filter would have made of them."""
        smoothing.reset()
        rows: list[NDArray[np.float64]] = []
        for k in range(first, len(self.t_s)):
            smoothing.push(self.t_s[k], self.raw[k])
            rows += smoothing.drain(final=False)  # as streamed: a bounded window
        rows += smoothing.drain(final=True)
        smoothing.reset()
        return rows

    def series(
        self, values: Sequence[NDArray[np.float64]] | None = None
    ) -> MeasureSeries:
        """Smoothed measures of every logged frame (or `values`, one row per
        logged frame, e.g. from smoothed_again)."""
        names = Measures.NAMES
        rows = self.values if values is None else values
        vals = np.stack(rows) if len(rows) else np.zeros((0, len(names)))
        return MeasureSeries(
            t_s=np.asarray(self.t_s, dtype=np.float64),
            side=tuple(self.sides),
            view=tuple(self.views),
            **{f: vals[:, k].astype(np.float64) for k, f in enumerate(names)},
        )
