"""One frame's pose (or a replayed track) and its facing -> raw measure rows, view,
back profile and feet position, through geometry.py."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from hingecam.core import geometry
from hingecam.core.datatypes import Side, View
from hingecam.core.facing import Facing
from hingecam.core.landmarks import SIDE_POINTS, Landmark
from hingecam.core.measures import Measures
from hingecam.core.poses import BACK_PROFILE_SAMPLES, Pose, PoseTrack
from hingecam.core.thresholds import Thresholds

_N = len(Measures.NAMES)


def back_profile_of(
    pose: Pose | None, facing: Facing, thresholds: Thresholds
) -> NDArray[np.float32]:
    """The back silhouette profile from the pose's mask (NaN without a mask)."""
    if pose is None or pose.mask is None or facing.side is None:
        return np.full(BACK_PROFILE_SAMPLES, np.nan, dtype=np.float32)
    pts = SIDE_POINTS[facing.side]
    px = pose.xy_px
    return geometry.back_profile(
        pose.mask, px[pts["shoulder"]], px[pts["hip"]], facing.sign, thresholds
    )


def measure_pose(
    pose: Pose | None,
    facing: Facing,
    back: NDArray[np.floating],
    image_wh: tuple[int, int],
    thresholds: Thresholds,
) -> tuple[NDArray[np.float64], View]:
    """Raw (unsmoothed) measures of one pose as a row in Measures.NAMES order,
    the pose scaled to `image_wh` (the analyzer's frame size)."""
    if pose is None or facing.side is None:
        return np.full(_N, np.nan), View.UNKNOWN
    one = PoseTrack(
        t_s=np.zeros(1),
        xy_norm=pose.xy_norm[None].astype(np.float32),
        world_m=pose.world_m[None].astype(np.float32),
        visibility=pose.visibility[None].astype(np.float32),
        presence=pose.presence[None].astype(np.float32),
        back_profile=np.asarray(back, dtype=np.float32)[None],
        people=np.ones(1, dtype=np.int16),
        image_wh=image_wh,
    )
    m = geometry.compute_measures(
        one, side=facing.side, facing=facing.sign, thresholds=thresholds
    )
    return np.array([float(getattr(m, f)[0]) for f in Measures.NAMES]), m.view[0]


def measure_track(
    track: PoseTrack,
    present: Sequence[bool],
    facings: Sequence[Facing],
    thresholds: Thresholds,
) -> tuple[NDArray[np.float64], list[View]]:
    """Raw measures of every frame of a track, one vectorized call per stretch of
    the same near side and facing; frames not `present` stay NaN / UNKNOWN.

    Gives exactly what measure_pose gives frame by frame.
    """
    n = len(track)
    raw = np.full((n, _N), np.nan)
    views = [View.UNKNOWN] * n
    groups: dict[tuple[Side, float], list[int]] = {}
    for i, f in enumerate(facings):
        if present[i] and f.side is not None:
            groups.setdefault((f.side, f.sign), []).append(i)
    for (side, sign), idx in groups.items():
        m = geometry.compute_measures(
            track.select(idx), side=side, facing=sign, thresholds=thresholds
        )
        raw[idx] = np.stack([getattr(m, f) for f in Measures.NAMES], axis=1)
        for k, i in enumerate(idx):
            views[i] = m.view[k]
    return raw, views


class Feet(NamedTuple):
    """Where one frame's ankles are: their midpoint's x and the near leg's length
    (thigh + shin), both in pixels; NaN when unseen."""

    x_px: float
    leg_px: float


NO_FEET = Feet(math.nan, math.nan)


def feet_position(pose: Pose | None, side: Side | None, min_visibility: float) -> Feet:
    """The ankles' midpoint and the near leg's length in one frame (see feet_shift)."""
    if pose is None or side is None:
        return NO_FEET
    px = pose.xy_px.astype(np.float64)
    ankles = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]
    if np.nan_to_num(pose.visibility[ankles], nan=0.0).min() < min_visibility:
        return NO_FEET
    pts = SIDE_POINTS[side]
    leg = float(
        np.linalg.norm(px[pts["hip"]] - px[pts["knee"]])
        + np.linalg.norm(px[pts["knee"]] - px[pts["ankle"]])
    )
    if not leg > 1.0:
        return NO_FEET
    return Feet(float(px[ankles, 0].mean()), leg)


def feet_shift(feet: Sequence[Feet]) -> float:
    """How far the ankles moved over some frames, in near-leg lengths: the span
    of their x over the median leg length (0 with fewer than two frames seen).

    Planted feet keep it a few percent; walking moves them about a stride (~1
    leg length). Dividing the span, not each frame's x, keeps it the same
    wherever in the picture the lifter stands (x over each frame's leg length
    grew with the distance from the image's left edge)."""
    seen = [f for f in feet if math.isfinite(f.x_px) and math.isfinite(f.leg_px)]
    if len(seen) < 2:
        return 0.0
    xs = np.array([f.x_px for f in seen])
    leg = float(np.median([f.leg_px for f in seen]))
    return float(np.ptp(xs)) / leg
