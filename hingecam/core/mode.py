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
        calibration_field: the Thresholds field with the still-standing time.
        provisional_reference: count against a typical standing posture before
            the lifter's own is measured (recorded video; live too, so a set
            begun without a still start counts: calibration replaces it).
        calibrate_prompt: the cue shown until calibrated, or None.
        provisional_prompt: the cue shown while the first rep is counted against
            the typical posture (the lifter never stood still), or None.
    """

    name: str
    smoothing: Callable[[Thresholds], Smoothing]
    calibration_field: str
    provisional_reference: bool
    calibrate_prompt: str | None
    provisional_prompt: str | None = None

    def calibration_s(self, thresholds: Thresholds) -> float:
        """How long the lifter must stand still, by this mode's threshold."""
        return float(getattr(thresholds, self.calibration_field))


LIVE = Mode(
    name="live",
    smoothing=CausalSmoothing,
    calibration_field="live_calibration_s",
    provisional_reference=True,
    calibrate_prompt="stand tall and still to calibrate",
    provisional_prompt="not calibrated: counting against a typical standing posture",
)
"""A camera: One Euro filtering, no lag; the lifter is asked to calibrate, and a
set begun without standing still counts against a typical posture meanwhile."""

RECORDED = Mode(
    name="recorded",
    smoothing=ZeroPhaseSmoothing,
    calibration_field="setup_min_s",
    provisional_reference=True,
    calibrate_prompt=None,
)
"""A video or a pose track: Hampel + Gaussian filtering with a lag."""
