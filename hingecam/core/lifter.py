"""Lifter choice: which of the people the model found is the one lifting, frame by
frame (closest to the lifter's last hips, else the largest visible person; never
a phantom turned upside down against the lifter a moment ago)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from hingecam.core.geometry3d import angle_between_deg
from hingecam.core.landmarks import Landmark
from hingecam.core.poses import Pose
from hingecam.core.thresholds import Thresholds

_HIPS = [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]


def hip_midpoint_px(pose: Pose) -> NDArray[np.float64]:
    """(2,) pixel midpoint of the hips (NaN if missing)."""
    return np.asarray(pose.xy_px[_HIPS].mean(axis=0), dtype=np.float64)


def visible_box_area_px(pose: Pose, min_visibility: float) -> float:
    """Area in px² of the box around landmarks at least `min_visibility` visible."""
    xy = pose.xy_px[pose.visibility >= min_visibility]
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) < 2:
        return 0.0
    w, h = xy.max(axis=0) - xy.min(axis=0)
    return float(w) * float(h)


def _trunk(points: NDArray[np.floating]) -> NDArray[np.float64]:
    """The hip-to-shoulder midpoint vector of one pose's (33, 2) image or
    (33, 3) world points (NaN if unseen)."""
    xy = points.astype(np.float64)
    shoulders = (xy[Landmark.LEFT_SHOULDER] + xy[Landmark.RIGHT_SHOULDER]) / 2
    hips = (xy[Landmark.LEFT_HIP] + xy[Landmark.RIGHT_HIP]) / 2
    return np.asarray(shoulders - hips)


def torso_length_px(pose: Pose) -> float:
    """Distance between the shoulder and hip midpoints, in pixels (NaN if unseen)."""
    return float(np.linalg.norm(_trunk(pose.xy_px)))


def flipped(pose: Pose, previous: Pose, thresholds: Thresholds) -> bool:
    """Whether `pose`'s trunk points the other way from `previous`'s: more than
    lifter_max_flip_deg in the image and lifter_max_world_flip_deg in the world
    landmarks. The model read something else (a plate, a poster) as a person
    upside down, or an arm as the trunk. Both readings must agree: a trunk
    foreshortened to a few pixels turns by noise in the image, and the world
    landmarks' depth noise at the bottom of a pull turns theirs by up to ~100
    deg from one frame to the next."""
    image = angle_between_deg(_trunk(pose.xy_px), _trunk(previous.xy_px))
    world = angle_between_deg(_trunk(pose.world_m), _trunk(previous.world_m))
    return bool(  # NaN compares False: an unseen trunk is no flip
        image > thresholds.lifter_max_flip_deg
        and world > thresholds.lifter_max_world_flip_deg
    )


def choose_lifter(
    poses: Sequence[Pose], previous: Pose | None, thresholds: Thresholds
) -> Pose | None:
    """Pick the person to analyze in this frame.

    With a previous lifter, the pose whose hip midpoint is closest to it keeps
    the role, unless even that one is more than lifter_max_hip_jump_torsos torso
    lengths away: then the lifter was not found this frame (None), so a
    passer-by found alone never takes over. Without a usable previous pose, the
    largest box of visible landmarks (the person nearest the camera) wins. Pure:
    no model involved.

    Args:
        poses: everyone found in this frame.
        previous: the lifter chosen in an earlier frame, or None.
        thresholds: lifter_max_hip_jump_torsos and lifter_min_visibility.

    Returns:
        One of `poses`, or None.
    """
    if not poses:
        return None
    if previous is not None:
        anchor = hip_midpoint_px(previous)
        torso = torso_length_px(previous)
        if np.isfinite(anchor).all() and math.isfinite(torso) and torso > 0:
            distances = [
                float(np.linalg.norm(hip_midpoint_px(p) - anchor)) for p in poses
            ]
            finite = [d if math.isfinite(d) else math.inf for d in distances]
            best = int(np.argmin(finite))
            if finite[best] <= thresholds.lifter_max_hip_jump_torsos * torso:
                return poses[best]
            return None
    if len(poses) == 1:
        return poses[0]
    areas = [visible_box_area_px(p, thresholds.lifter_min_visibility) for p in poses]
    return poses[int(np.argmax(areas))]


class LifterTracker:
    """Keeps following one lifter across frames (see choose_lifter); forgets them
    after lifter_forget_s unseen, so a lifter who stepped away is found again."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.reset()

    def reset(self) -> None:
        """Forget the lifter: the next person found takes the role."""
        self._last: Pose | None = None
        self._last_t = -math.inf

    def update(self, poses: Sequence[Pose], t_s: float) -> Pose | None:
        """The lifter among `poses` at time `t_s`, or None if not among them.

        A pose flipped against the lifter of at most lifter_flip_window_s ago
        (see `flipped`) is not a candidate; after that long without the lifter,
        whoever is nearest may take the role again, so a phantom taken first
        never keeps the real lifter out for long."""
        th = self.th
        if t_s - self._last_t <= th.lifter_flip_window_s and self._last is not None:
            last = self._last
            poses = [p for p in poses if not flipped(p, last, th)]
        previous = self._last if t_s - self._last_t <= th.lifter_forget_s else None
        lifter = choose_lifter(poses, previous, self.th)
        if lifter is not None:
            self._last, self._last_t = lifter, t_s
        return lifter
