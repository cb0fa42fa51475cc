"""Live or recorded video: the one object that says what differs between them
(smoothing, calibration time, provisional counting, the calibrate prompt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hingecam.core.filtering import CausalSmoothing, Smoothing, ZeroPhaseSmoothing
from hingecam.core.thresholds import Thresholds


@dataclass(frozen=True)
class Mode:
    """What differs between live and recorded analysis, and nothing else.

    Attributes:
        name: "live" or "recorded".
        smoothing: builds the filter strategy from the thresholds.
        calibration: reads the still-standing time (s) from the thresholds.
        provisional_reference: count against a typical standing posture before
            the lifter's own is measured (recorded video; live too, so a set
            begun without a still start counts: calibration replaces it).
        calibrate_prompt: the cue shown until calibrated, or None.
        provisional_prompt: the cue shown while the first rep is counted against
            the typical posture (the lifter never stood still), or None.
        brief: reads a shorter still-standing time (s) from the thresholds,
            which gives a brief reference posture until calibration (see
            Calibrator), or None.
        judge_smoothing: the filter a finished rep's frames are smoothed with
            again before its checks and peaks are read, or None to read the
            frames as `smoothing` gave them. Live judges with the recorded
            filter: a causal filter's lag grows with speed, differently per
            measure, which skews timing checks (hips rising first) that a
            rep, once over, no longer needs to answer before the fact.
    """

    name: str
    smoothing: Callable[[Thresholds], Smoothing]
    calibration: Callable[[Thresholds], float]
    provisional_reference: bool
    calibrate_prompt: str | None
    provisional_prompt: str | None = None
    brief: Callable[[Thresholds], float] | None = None
    judge_smoothing: Callable[[Thresholds], Smoothing] | None = None

    def calibration_s(self, thresholds: Thresholds) -> float:
        """How long the lifter must stand still, by this mode's threshold."""
        return float(self.calibration(thresholds))

    def brief_s(self, thresholds: Thresholds) -> float | None:
        """How long a brief still stretch must last, or None (no brief stage)."""
        if self.brief is None:
            return None
        return float(self.brief(thresholds))


LIVE = Mode(
    name="live",
    smoothing=CausalSmoothing,
    calibration=lambda th: th.live_calibration_s,
    provisional_reference=True,
    calibrate_prompt="stand tall and still to calibrate",
    provisional_prompt="not calibrated: counting against a typical standing posture",
    brief=lambda th: th.setup_min_s,
    judge_smoothing=ZeroPhaseSmoothing,
)
"""A camera: One Euro filtering, no lag; the lifter is asked to calibrate. A set
begun after a shorter pause is counted and judged against that pause's posture
(as recorded video is), one begun without any against a typical posture,
until calibration. Each finished rep is judged on its frames smoothed as
recorded video's are."""

RECORDED = Mode(
    name="recorded",
    smoothing=ZeroPhaseSmoothing,
    calibration=lambda th: th.setup_min_s,
    provisional_reference=True,
    calibrate_prompt=None,
)
"""A video or a pose track: Hampel + Gaussian filtering with a lag."""
