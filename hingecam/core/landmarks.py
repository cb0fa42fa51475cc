"""BlazePose landmark indices, 0-based skeleton edges, and the near-side choice."""

from __future__ import annotations

import enum
import math

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Side


class Landmark(enum.IntEnum):
    """BlazePose 33-point topology (MediaPipe PoseLandmarker order)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


L = Landmark

SKELETON_EDGES: tuple[tuple[Landmark, Landmark], ...] = (
    (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    (L.LEFT_HIP, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_HIP),
    (L.RIGHT_SHOULDER, L.RIGHT_HIP),
    (L.LEFT_SHOULDER, L.LEFT_ELBOW),
    (L.LEFT_ELBOW, L.LEFT_WRIST),
    (L.RIGHT_SHOULDER, L.RIGHT_ELBOW),
    (L.RIGHT_ELBOW, L.RIGHT_WRIST),
    (L.LEFT_HIP, L.LEFT_KNEE),
    (L.LEFT_KNEE, L.LEFT_ANKLE),
    (L.RIGHT_HIP, L.RIGHT_KNEE),
    (L.RIGHT_KNEE, L.RIGHT_ANKLE),
    (L.LEFT_ANKLE, L.LEFT_HEEL),
    (L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    (L.LEFT_ANKLE, L.LEFT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_HEEL),
    (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
    (L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX),
    (L.LEFT_EAR, L.LEFT_SHOULDER),
    (L.RIGHT_EAR, L.RIGHT_SHOULDER),
)
"""0-based edges drawn as the skeleton (face points other than the ears left out)."""

SIDE_POINTS: dict[Side, dict[str, Landmark]] = {
    Side.LEFT: {
        "ear": L.LEFT_EAR,
        "shoulder": L.LEFT_SHOULDER,
        "hip": L.LEFT_HIP,
        "knee": L.LEFT_KNEE,
        "ankle": L.LEFT_ANKLE,
        "heel": L.LEFT_HEEL,
        "toe": L.LEFT_FOOT_INDEX,
        "wrist": L.LEFT_WRIST,
    },
    Side.RIGHT: {
        "ear": L.RIGHT_EAR,
        "shoulder": L.RIGHT_SHOULDER,
        "hip": L.RIGHT_HIP,
        "knee": L.RIGHT_KNEE,
        "ankle": L.RIGHT_ANKLE,
        "heel": L.RIGHT_HEEL,
        "toe": L.RIGHT_FOOT_INDEX,
        "wrist": L.RIGHT_WRIST,
    },
}
"""The landmarks of each body side that the measures use, by role."""

_CHAIN = ("shoulder", "hip", "knee", "ankle")
_TRUNK = ("shoulder", "hip")


def side_visibility(visibility: NDArray[np.floating]) -> NDArray[np.float64]:
    """Mean visibility of each side's shoulder-hip-knee-ankle chain.

    Args:
        visibility: (..., 33) per-landmark visibility.

    Returns:
        (..., 2) mean visibility of [left, right].
    """
    left = [SIDE_POINTS[Side.LEFT][k] for k in _CHAIN]
    right = [SIDE_POINTS[Side.RIGHT][k] for k in _CHAIN]
    vis = np.asarray(visibility, dtype=np.float64)
    return np.stack([vis[..., left].mean(axis=-1), vis[..., right].mean(axis=-1)], -1)


def side_nearness(
    visibility: NDArray[np.floating],
    world_m: NDArray[np.floating],
    depth_full_m: float,
) -> NDArray[np.float64]:
    """How much each side faces the camera, 0..1: the mean of its chain's
    visibility and of how much nearer the camera the model places its shoulder
    and hip than the other side's (a gap of depth_full_m or more reads 1 and 0).

    Visibility alone is fooled by a load in front of the near leg: a bar's
    plates or a kettlebell hide the near knee and ankle, which then read less
    visible than the far ones. The trunk's depth order is not hidden by the
    load. A trunk seen face-on has no depth gap and visibility decides; where
    depth is unknown (NaN) visibility decides alone.

    Args:
        visibility: (..., 33) per-landmark visibility.
        world_m: (..., 33, 3) world landmarks, metres (z: away from the camera).
        depth_full_m: the depth gap between the two sides' trunks seen side-on.

    Returns:
        (..., 2) scores of [left, right].
    """
    vis = side_visibility(visibility)
    world = np.asarray(world_m, dtype=np.float64)
    left = [SIDE_POINTS[Side.LEFT][k] for k in _TRUNK]
    right = [SIDE_POINTS[Side.RIGHT][k] for k in _TRUNK]
    # Positive when the left trunk is nearer the camera (smaller z).
    gap = world[..., right, 2].mean(axis=-1) - world[..., left, 2].mean(axis=-1)
    lead = np.clip(gap / (2.0 * depth_full_m), -0.5, 0.5)
    depth = np.stack([0.5 + lead, 0.5 - lead], -1)
    mixed = (vis + depth) / 2.0
    return np.asarray(np.where(np.isfinite(depth), mixed, vis), dtype=np.float64)


def near_side(
    visibility: NDArray[np.floating],
    world_m: NDArray[np.floating] | None = None,
    depth_full_m: float = math.nan,
) -> Side:
    """The side facing the camera: the one whose leg and trunk are more visible,
    and, given world landmarks, whose trunk is nearer (see side_nearness).

    Args:
        visibility: (33,) or (N, 33); for a sequence the mean over frames decides,
            so the side does not flip frame to frame.
        world_m: (33, 3) or (N, 33, 3) world landmarks, or None.
        depth_full_m: with world_m, side_depth_full_m of the thresholds.
    """
    scores = (
        side_visibility(visibility)
        if world_m is None
        else side_nearness(visibility, world_m, depth_full_m)
    )
    if scores.ndim > 1:
        scores = np.nanmean(scores, axis=0)
    return Side.LEFT if scores[0] >= scores[1] else Side.RIGHT
