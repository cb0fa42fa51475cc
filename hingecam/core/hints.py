"""Camera set-up hints, frame by frame: light, people in view, the view, feet and
head in frame -> the hint to show once its condition has held hint_window_s."""

from __future__ import annotations

import numpy as np

from hingecam.core.datatypes import SetupHint, View
from hingecam.core.faults import not_judged_from
from hingecam.core.landmarks import Landmark
from hingecam.core.poses import Pose
from hingecam.core.thresholds import Thresholds

_FEET = [
    Landmark.LEFT_ANKLE,
    Landmark.RIGHT_ANKLE,
    Landmark.LEFT_HEEL,
    Landmark.RIGHT_HEEL,
]
_HEAD = [Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR]


class SetupHints:
    """Remembers since when each hint's condition holds; shows the first that has
    held for hint_window_s (a passing moment does not flash a hint)."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.reset()

    def reset(self) -> None:
        """Forget every condition."""
        self._since: dict[SetupHint, float] = {}

    def update(
        self,
        t_s: float,
        pose: Pose | None,
        people: int,
        view: View,
        brightness: float | None,
    ) -> SetupHint | None:
        """The hint to show at `t_s`, or None.

        Args:
            t_s: frame time in seconds.
            pose: the lifter's pose, or None.
            people: how many people the model found.
            view: this frame's camera view.
            brightness: mean image brightness 0..255, None when unknown.
        """
        th = self.th
        conditions: dict[SetupHint, bool] = {
            SetupHint.TOO_DARK: brightness is not None
            and brightness < th.hint_dark_max_brightness,
            SetupHint.NOBODY: pose is None,
            SetupHint.TWO_PEOPLE: people > 1,
            SetupHint.TURN_SIDEWAYS: pose is not None
            and view is not View.UNKNOWN
            and bool(not_judged_from(view)),
        }
        if pose is not None:
            conditions[SetupHint.FEET_OUT] = bool(
                np.nanmax(pose.presence[_FEET]) < th.hint_min_presence
            )
            conditions[SetupHint.HEAD_OUT] = bool(
                np.nanmax(pose.presence[_HEAD]) < th.hint_min_presence
            )
        for hint, active in conditions.items():
            if active:
                self._since.setdefault(hint, t_s)
            else:
                self._since.pop(hint, None)
        for hint in conditions:  # in SetupHint order: the first listed wins
            since = self._since.get(hint)
            if since is not None and t_s - since >= th.hint_window_s:
                return hint
        return None
