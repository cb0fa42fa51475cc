"""BlazePose landmark indices, 0-based skeleton edges, and the near-side choice."""

from __future__ import annotations

import enum

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


def near_side(visibility: NDArray[np.floating]) -> Side:
    """The side facing the camera: the one whose leg and trunk are more visible.

    Args:
        visibility: (33,) or (N, 33); for a sequence the mean over frames decides,
            so the side does not flip frame to frame.
    """
    scores = side_visibility(visibility)
    if scores.ndim > 1:
        scores = np.nanmean(scores, axis=0)
    return Side.LEFT if scores[0] >= scores[1] else Side.RIGHT
