"""One rep's frames as the fault rules read them: the smoothed measures, how the
camera saw the rep (computed once, `ViewShare`), and what a rule returns
(`Judged` or `NotJudged`, turned into a `Check` by the fault registry)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import View
from hingecam.core.measures import Measures


def dominant_view(views: Iterable[View]) -> View:
    """The view seen most often (UNKNOWN frames left out; a tie goes to the one
    seen first), UNKNOWN when the lifter was never seen."""
    counts = Counter(v for v in views if v is not View.UNKNOWN)
    return counts.most_common(1)[0][0] if counts else View.UNKNOWN


@dataclass(frozen=True, slots=True)
class ViewShare:
    """How the camera saw one rep: the one reading every rule, the confidence
    and the rep's result use.

    Attributes:
        frames: the rep's frame count.
        seen_frames: frames where the lifter was seen (a known view).
        side_frames: frames seen from the side.
        dominant: the view seen most often (UNKNOWN if never seen).
    """

    frames: int
    seen_frames: int
    side_frames: int
    dominant: View

    @classmethod
    def of(cls, views: tuple[View, ...]) -> ViewShare:
        known = [v for v in views if v is not View.UNKNOWN]
        return cls(
            frames=len(views),
            seen_frames=len(known),
            side_frames=sum(v is View.SIDE for v in known),
            dominant=dominant_view(known),
        )

    @property
    def seen(self) -> float:
        """0..1 of the rep's frames where the lifter was seen."""
        return self.seen_frames / self.frames if self.frames else 0.0

    def seen_enough(self, min_share: float) -> bool:
        """The lifter was seen in at least `min_share` of the rep's frames."""
        return self.seen_frames >= min_share * self.frames

    def from_side(self, min_share: float) -> bool:
        """Seen enough, and from the side in at least `min_share` of what was
        seen: the side-view (2D) rules may judge the rep."""
        return (
            self.seen_enough(min_share)
            and self.side_frames >= min_share * self.seen_frames
        )


@dataclass(frozen=True)
class RepWindow:
    """The smoothed measures of one rep, start to end inclusive.

    Attributes:
        t_s: (M,) seconds.
        frames: (M,) frame indices.
        views: per-frame camera view.
        values: measure name -> (M,) smoothed values (MeasureSeries field names).
        bottom: index into the window of the deepest hip flexion.
        share: how the camera saw the rep (from `views`).
    """

    t_s: NDArray[np.float64]
    frames: NDArray[np.int64]
    views: tuple[View, ...]
    values: dict[str, NDArray[np.float64]]
    bottom: int
    share: ViewShare = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "share", ViewShare.of(self.views))

    def __getitem__(self, name: str) -> NDArray[np.float64]:
        return self.values[name]


@dataclass(frozen=True, slots=True)
class Judged:
    """A rule's verdict on a rep.

    Attributes:
        flagged: the fault was seen.
        measured: the value the verdict rests on, in `unit`.
        threshold: the limit it was compared with, in `unit`.
        unit: "deg", "score", "0..100" ...
        at: index into the window of the worst moment.
        reason: one sentence a coach can read: what was measured against what.
    """

    flagged: bool
    measured: float
    threshold: float
    unit: str
    at: int
    reason: str


@dataclass(frozen=True, slots=True)
class NotJudged:
    """Why a rule could not judge a rep (the view, or the data)."""

    reason: str
    unit: str = ""
    threshold: float = math.nan


Finding = Judged | NotJudged
"""What a fault rule returns."""


def setup_ref(setup: Measures, name: str, win: RepWindow) -> float:
    """The lifter's setup value, else the value at the rep's most upright frame
    (its start for a rep from standing, its lockout for a pull from the floor)."""
    value = setup.get(name)
    if math.isfinite(value):
        return value
    hip = win["hip_flexion_deg"]
    series = win[name]
    ok = np.flatnonzero(np.isfinite(series) & np.isfinite(hip))
    return float(series[ok[np.argmin(hip[ok])]]) if ok.size else math.nan


def bottom_band(win: RepWindow, fraction: float) -> NDArray[np.bool_]:
    """Frames where hip flexion is within the deepest (1 - fraction) of the rep."""
    hip = win["hip_flexion_deg"]
    if not np.isfinite(hip).any():
        return np.zeros(hip.shape, dtype=bool)
    lo = np.nanmin(hip)
    hi = np.nanmax(hip)
    return np.asarray(hip >= lo + fraction * (hi - lo))
