"""A near knee hidden behind the load, placed from what is still seen.

Filmed from the side, a barbell's plates (or a kettlebell) pass in front of the
near knee and shin during the bottom half of a pull, and the model then reports
the knee as not visible. Without the knee there is no hip angle, so the pull is
not counted, its bottom not judged, its hips not timed. The leg is a two-link
chain whose ends are still known: the hip is seen above the plates, and the
ankle does not move while the feet stay planted. With the thigh's and the
shin's lengths from the frames where the whole leg was seen, the knee is where
a circle of the thigh's length round the hip meets one of the shin's round the
ankle, on the side the lifter faces (knees bend forward).

`KneeFiller` does this frame by frame, from past frames only, so a live camera
and a recorded video read the same knee, and only in side-view frames: off the
side the image foreshortens the leg, and the 3D angles are read there anyway.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Side, View
from hingecam.core.facing import Facing
from hingecam.core.geometry import views_of
from hingecam.core.landmarks import SIDE_POINTS
from hingecam.core.poses import Pose
from hingecam.core.thresholds import Thresholds

LEG_SEGMENT_PER_TORSO = 0.85
"""Thigh (and shin) length over the shoulder-hip distance: 0.245 (and 0.246) of
stature over 0.29 (Winter 2009, Biomechanics and Motor Control of Human
Movement, segment lengths); only until the lifter's own leg has been seen."""


BENT_MIN_OFFSET = 0.1
"""The knee at least this many thigh lengths off the hip-ankle line (about 12
deg of knee flexion) shows which way it bends; a straighter leg is noise."""


def two_link_knee(
    hip: NDArray[np.float64],
    ankle: NDArray[np.float64],
    thigh: float,
    shin: float,
    forward: float,
) -> NDArray[np.float64] | None:
    """The knee of a planar hip-knee-ankle chain with these segment lengths (px,
    image y down), bent towards `forward` (+1: image +x, -1: -x).

    A hip farther from the ankle than the leg is long puts the knee on the
    straight line between them; closer than the two lengths' difference, the
    chain cannot be closed and there is no knee (None).
    """
    d = ankle - hip
    dist = float(np.hypot(d[0], d[1]))
    if dist >= thigh + shin:
        return np.asarray(hip + d * thigh / (thigh + shin), dtype=np.float64)
    if dist <= abs(thigh - shin) or dist == 0.0:
        return None
    along = (thigh * thigh - shin * shin + dist * dist) / (2.0 * dist)
    off = math.sqrt(max(thigh * thigh - along * along, 0.0))
    base = hip + d * along / dist
    normal = np.array([-d[1], d[0]]) / dist
    a, b = base + off * normal, base - off * normal
    return np.asarray(a if forward * (a[0] - b[0]) > 0 else b, dtype=np.float64)


class KneeFiller:
    """Places the near knee (and a hidden ankle) of side-view frames where the
    model did not see it (see the module's docstring).

    The segment lengths are the medians over the last knee_fill_leg_window_s of
    frames that saw the near hip, knee and ankle (before any such frame, in
    proportion to the trunk: LEG_SEGMENT_PER_TORSO); the ankle, when hidden too,
    is where it was last seen; the knee bends the way it was last seen
    bending, else the way the planted foot was last seen pointing, else the way
    the lifter faces. Filled points get visibility min_visibility: just seen
    enough to be measured. A knee is placed only once it has been hidden for
    smooth_max_gap_s: shorter gaps (a flicker of the model's visibility) the
    smoothing bridges from both sides. A change of near side, or the lifter
    unseen for lifter_forget_s (time enough to walk away), starts over.
    """

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.reset()

    def reset(self) -> None:
        """Forget the leg seen so far."""
        self._legs: deque[tuple[float, float, float]] = deque()  # t_s, thigh, shin
        self._ankle: NDArray[np.float64] | None = None
        self._side: Side | None = None
        self._bend = 0.0  # +1 / -1: the side of the hip-ankle line the knee was seen on
        self._toes = 0.0  # +1 / -1: the way the planted near foot points, in image x
        self._hidden_since = math.nan  # when the knee was last lost from view
        self._pose_t = math.inf  # when the lifter was last seen (inf: never)
        self.placed = False

    def update(self, t_s: float, pose: Pose | None, facing: Facing) -> Pose | None:
        """The pose with its near knee placed if it was hidden (else unchanged);
        `placed` says which."""
        self.placed = False
        if pose is None or facing.side is None or not facing.known:
            return pose
        if (
            facing.side is not self._side
            or t_s - self._pose_t > self.th.lifter_forget_s
        ):
            self.reset()  # another side, or the lifter gone long enough to move
            self._side = facing.side
        self._pose_t = t_s
        pts = SIDE_POINTS[facing.side]
        hip, knee, ankle = (int(pts[k]) for k in ("hip", "knee", "ankle"))
        vis = np.nan_to_num(pose.visibility.astype(np.float64), nan=0.0)
        seen = vis >= self.th.min_visibility
        px = pose.xy_norm.astype(np.float64) * np.asarray(pose.image_wh, np.float64)
        if seen[ankle]:
            self._ankle = px[ankle]
        heel, toe = int(pts["heel"]), int(pts["toe"])
        if seen[heel] and seen[toe] and px[toe, 0] != px[heel, 0]:
            self._toes = 1.0 if px[toe, 0] > px[heel, 0] else -1.0
        if seen[hip] and seen[knee] and seen[ankle]:
            self._remember(t_s, px[hip], px[knee], px[ankle])
        if seen[knee]:
            self._hidden_since = math.nan
            return pose
        if not math.isfinite(self._hidden_since):
            self._hidden_since = t_s
        if t_s - self._hidden_since < self.th.smooth_max_gap_s:
            return pose  # a flicker: the smoothing bridges it from both sides
        if not seen[hip] or self._ankle is None:
            return pose
        if not self._side_on(pose):
            return pose  # off the side, the image foreshortens the leg's lengths
        lengths, _ = self.leg()
        if lengths is None and seen[int(pts["shoulder"])]:
            # A recording begun at the bar, the knee hidden from the start: the
            # segments in proportion to the trunk, seen side-on, until the
            # whole leg shows.
            torso = float(np.hypot(*(px[int(pts["shoulder"])] - px[hip])))
            lengths = (LEG_SEGMENT_PER_TORSO * torso,) * 2
        if lengths is None:
            return pose
        placed = two_link_knee(px[hip], self._ankle, *lengths, self.forward(facing))
        if placed is None:
            return pose
        self.placed = True
        xy = pose.xy_norm.copy()
        visibility = pose.visibility.copy()
        wh = np.asarray(pose.image_wh, np.float64)
        xy[knee] = placed / wh
        visibility[knee] = self.th.min_visibility
        if not seen[ankle]:
            xy[ankle] = self._ankle / wh
            visibility[ankle] = self.th.min_visibility
        return dataclasses.replace(pose, xy_norm=xy, visibility=visibility)

    def leg(self) -> tuple[tuple[float, float] | None, NDArray[np.float64] | None]:
        """The thigh's and shin's lengths (px, medians over the last
        knee_fill_leg_window_s that saw the whole near leg) and where the near
        ankle was last seen; None for what has not been seen yet."""
        lengths = None
        if self._legs:
            lengths = (
                float(np.median([leg[1] for leg in self._legs])),
                float(np.median([leg[2] for leg in self._legs])),
            )
        return lengths, self._ankle

    def forward(self, facing: Facing) -> float:
        """Which way in image x a placed knee bends: as last seen bending, else
        the way the planted foot points, else the way the lifter faces."""
        return self._bend or self._toes or facing.sign

    def _side_on(self, pose: Pose) -> bool:
        views = views_of(pose.xy_norm[None], pose.world_m[None], pose.image_wh, self.th)
        return views[0] is View.SIDE

    def _remember(
        self,
        t_s: float,
        hip: NDArray[np.float64],
        knee: NDArray[np.float64],
        ankle: NDArray[np.float64],
    ) -> None:
        thigh = float(np.hypot(*(hip - knee)))
        shin = float(np.hypot(*(knee - ankle)))
        self._legs.append((t_s, thigh, shin))
        # Which way the knee bends, in image x: the knee's side of the line
        # from the hip to the ankle, where it is clearly off it.
        line, off = ankle - hip, knee - hip
        cross = float(line[0] * off[1] - line[1] * off[0])
        if abs(cross) > BENT_MIN_OFFSET * thigh * float(np.hypot(*line)):
            self._bend = -1.0 if cross > 0 else 1.0
        while self._legs and self._legs[0][0] < t_s - self.th.knee_fill_leg_window_s:
            self._legs.popleft()
