"""Which hip angle counts reps, frame by frame: the 2D one while the lifter is
mostly seen from the side, else the 3D one, on the scale of the setup reference;
on the 2D one the 3D one is a second reading of the lockout."""

from __future__ import annotations

import math

from hingecam.core.datatypes import View
from hingecam.core.measures import Measures
from hingecam.core.thresholds import Thresholds

COUNT_FIELD = "hip_flexion_3d_deg"
"""Off the side view reps are counted on the 3D hip angle, which reads the same from
any view; 2D angles are foreshortened there. From the side the 2D angle counts:
it is more precise, and the 3D angle is noisy when a plate hides the body."""
SIDE_COUNT_FIELD = "hip_flexion_deg"


class CountSignal:
    """A running side-view share (time constant count_view_tau_s) with hysteresis:
    the 2D angle is chosen at count_2d_min_side_share and kept down to
    count_2d_keep_side_share.

    While counting on the 2D angle, `second` holds the 3D one (NaN otherwise):
    the rep counter takes the lifter as back at standing when either reading
    says so, as the calibrator takes a posture upright by either. A near knee
    hidden by a plate and misplaced by the model bends the 2D angle at the
    lockout (deadlift_side_bad_mat02: 2D 44-66 deg, 3D 22-29 deg while standing),
    while the 3D angle averages both legs."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.reset()

    def reset(self) -> None:
        """Back to an even share, counting on the 3D angle."""
        self.side_share = 0.5
        self.uses_2d = False
        self.second = math.nan
        self.trunk = math.nan
        self._t: float | None = None

    def update(
        self, t_s: float, view: View, m: Measures, setup: Measures | None
    ) -> float:
        """Hip flexion (deg) to count this frame with, NaN when missing."""
        th = self.th
        dt = 0.0 if self._t is None else max(t_s - self._t, 0.0)
        self._t = t_s
        if view is not View.UNKNOWN:
            a = 1.0 - math.exp(-dt / th.count_view_tau_s) if dt > 0 else 0.5
            self.side_share += a * (float(view is View.SIDE) - self.side_share)
        limit = (
            th.count_2d_keep_side_share if self.uses_2d else th.count_2d_min_side_share
        )
        self.uses_2d = self.side_share >= limit
        count, self.second = readings(
            self.uses_2d, m.get(SIDE_COUNT_FIELD), m.get(COUNT_FIELD), setup
        )
        self.trunk = trunk_reading(self.uses_2d, m.trunk_incline_deg, setup)
        return count


def readings(
    uses_2d: bool, hip2d_deg: float, hip3d_deg: float, setup: Measures | None
) -> tuple[float, float]:
    """(hip flexion to count with, second reading) in degrees on the 3D setup
    scale: the 2D angle shifted onto it with the 3D one second when counting on
    2D and the 2D angle is seen, else the 3D one and NaN."""
    if uses_2d and math.isfinite(hip2d_deg):
        # Shift the 2D angle onto the reference measured in 3D at setup.
        ref2d = setup.get(SIDE_COUNT_FIELD) if setup else math.nan
        ref3d = setup.get(COUNT_FIELD) if setup else math.nan
        offset = ref3d - ref2d if math.isfinite(ref2d) and math.isfinite(ref3d) else 0.0
        return hip2d_deg + offset, hip3d_deg
    return hip3d_deg, math.nan


def trunk_reading(uses_2d: bool, trunk_deg: float, setup: Measures | None) -> float:
    """How much further the trunk leans than standing (deg): than the setup's
    trunk, or than vertical before a setup is known; NaN off the side view
    (not `uses_2d`), where the 2D trunk lean is foreshortened. The trunk needs
    no knee, so it still sees the lockout when a plate hides the near knee and
    both hip readings stay bent (deadlift_side_unsure_mv_bad08)."""
    if not uses_2d:
        return math.nan
    ref = setup.get("trunk_incline_deg") if setup else math.nan
    return trunk_deg - (ref if math.isfinite(ref) else 0.0)
