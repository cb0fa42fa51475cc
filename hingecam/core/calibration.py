"""Calibration: smoothed frames -> the lifter's standing reference posture, once
they have stood still (trunk steady, feet planted) for calibration_s."""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import NDArray

from hingecam.core.count_signal import COUNT_FIELD, SIDE_COUNT_FIELD
from hingecam.core.datatypes import View
from hingecam.core.frame_log import FrameLog
from hingecam.core.measures import Measures
from hingecam.core.pose_measures import feet_shift
from hingecam.core.thresholds import Thresholds

SWAY_FIELDS = ("trunk_incline_deg",)
"""Measures that must stay steady for standing to count as still."""


class Calibrator:
    """Finds the setup posture: the median of a still standing stretch.

    Still = upright (hip within setup_max_hip_flexion_deg by the 3D or the 2D
    angle), knees nearly straight, trunk sway within setup_max_sway_deg and the
    feet within setup_max_feet_shift_norm (walking moves the feet even where the
    angles pass a still moment). The sway is read on the frames before
    smoothing too: live's causal filter lags a movement already under way when
    the camera starts, and its output alone looked still while the lifter
    leaned into the first descent.

    Args:
        thresholds: the setup_* numbers.
        calibration_s: how long the lifter must stand still.
        provisional: while the rep counter has no reference, upright with the
            feet planted for setup_planted_s starts counting against
            standing_hip_default_deg (recorded video and live alike; a still
            stretch of calibration_s replaces it).
        brief_s: a still stretch this long (shorter than calibration_s) gives
            a brief reference posture, `brief`, counted and judged against
            until calibration_s of standing still replaces it: live, where
            calibration asks for two seconds, a set begun after a shorter
            pause is then measured against the same posture a recorded video's
            analysis finds (setup_min_s). None: no brief stage.
    """

    def __init__(
        self,
        thresholds: Thresholds,
        calibration_s: float,
        provisional: bool,
        brief_s: float | None = None,
    ) -> None:
        self.th = thresholds
        self.calibration_s = calibration_s
        self.provisional = provisional
        self.brief_s = (
            brief_s if brief_s is not None and brief_s < calibration_s else None
        )
        self._sway = [Measures.NAMES.index(f) for f in SWAY_FIELDS]
        self.reset()

    def reset(self) -> None:
        """Forget the setup posture and the current still stretch."""
        self.setup: Measures | None = None
        self.brief: Measures | None = None
        self._stand_start: int | None = None

    @property
    def reference(self) -> Measures | None:
        """The posture reps are counted and judged against: the calibrated one,
        else the brief one, else None (a typical posture stands in)."""
        return self.setup if self.setup is not None else self.brief

    def update(self, log: FrameLog, m: Measures, counting: bool) -> float | None:
        """Look at the newest logged frame (measures `m`).

        Args:
            log: the finalized frames, the newest last.
            m: the newest frame's measures.
            counting: the rep counter already has a reference posture.

        Returns:
            A standing hip angle for the rep counter to count against (the
            calibrated one, or the provisional default), or None for no change.
        """
        if self.setup is not None:
            return None
        th = self.th
        n = len(log.t_s) - 1
        # Upright by the 3D hip angle, or from the side by the 2D one where the
        # 3D is thrown off (a plate hiding the body); knees nearly straight by
        # either. Off the side the 2D hip angle is foreshortened (a crouch at the
        # bar seen from the front reads nearly straight in 2D): only the 3D one.
        side = log.views[n] is View.SIDE
        upright = any(
            math.isfinite(v) and abs(v) <= th.setup_max_hip_flexion_deg
            for v in (
                (m.get(COUNT_FIELD), m.get(SIDE_COUNT_FIELD))
                if side
                else (m.get(COUNT_FIELD),)
            )
        )
        knees = [
            v for v in (m.knee_flexion_deg, m.knee_flexion_3d_deg) if math.isfinite(v)
        ]
        knee = m.knee_flexion_deg if side else min(knees, default=math.nan)
        # Neither knee reading (the feet out of frame, so no shin): the hip
        # alone says upright; a crouch bends it past setup_max_hip_flexion_deg.
        straight = knee <= th.setup_max_knee_flexion_deg or not knees
        if not (upright and straight):
            self._stand_start = None
            return None
        if self._stand_start is None:
            self._stand_start = n
        reference: float | None = None
        if self.provisional and not counting and self._feet_planted(log, n):
            # Recorded video: a set that never pauses still at the top (a looped
            # demo, continuous reps) still counts, against a typical standing
            # posture until a still stretch gives the lifter's own.
            reference = th.standing_hip_default_deg
        start = self._stand_start
        block = np.stack(log.values[start : n + 1])
        raw = np.stack(log.raw[start : n + 1])

        def span(rows: NDArray[np.float64]) -> NDArray[np.float64]:
            part = rows[:, self._sway]
            return np.asarray(np.nanmax(part, axis=0) - np.nanmin(part, axis=0))

        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sway = np.maximum(span(block), span(raw))  # smoothed and raw alike
        shift = feet_shift(log.feet[start : n + 1])
        if (
            np.nanmax(sway, initial=0.0) > th.setup_max_sway_deg
            or shift > th.setup_max_feet_shift_norm
        ):
            # Walking or shifting: restart the still stretch from here.
            self._stand_start = n
            return reference
        still_s = log.t_s[n] - log.t_s[start]
        brief = self.brief is None and still_s >= (self.brief_s or math.inf)
        if still_s >= self.calibration_s or brief:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                posture = Measures.from_array(np.nanmedian(block, axis=0))
            if still_s >= self.calibration_s:
                self.setup = posture
            else:
                self.brief = posture
            reference = posture.get(COUNT_FIELD)
        return reference

    def _feet_planted(self, log: FrameLog, n: int) -> bool:
        """The ankles stayed put over the last setup_planted_s (walking moves them).

        Feet not seen at all (out of frame, a low-resolution demo) do not count
        against it: there is nothing to tell walking by, and the note on the
        report says the feet were out of frame."""
        planted_s = self.th.setup_planted_s
        t_end = log.t_s[n]
        k = n
        while k > 0 and log.t_s[k - 1] >= t_end - planted_s:
            k -= 1
        if t_end - log.t_s[k] < 0.5 * planted_s:
            return False
        return feet_shift(log.feet[k : n + 1]) <= self.th.setup_max_feet_shift_norm
