"""The legs' plane turned face on: how far the plane a hinge bends the legs in
is turned from the image plane (from the lifter's standing widths), and the
knee's bend read from the image as a side view would see it.

A hip hinge bends hips and knees in the lifter's sagittal plane. A camera
turned off the side sees that plane obliquely: vertical distances keep their
length, forward ones shrink by the cosine of the turn, so the image's knee
reads too straight (a 75 deg deadlift knee reads ~59 at 45 deg). Stretching
the image's horizontal back by 1 / cos(turn) undoes it. The turn is read while
the lifter stands: the shoulders and the hips are as wide, against the torso,
in the image as in the world landmarks when seen from the front, and
foreshortened by the sine of the turn off it. World depth is rough, but a
width is the body model's own.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from hingecam.core.geometry import view_ratio, width_ratio
from hingecam.core.geometry3d import seen_midpoint
from hingecam.core.landmarks import Landmark
from hingecam.core.poses import PoseTrack
from hingecam.core.thresholds import Thresholds

_TORSO = (
    Landmark.LEFT_SHOULDER,
    Landmark.RIGHT_SHOULDER,
    Landmark.LEFT_HIP,
    Landmark.RIGHT_HIP,
)
_LEGS = (
    (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
    (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
)


def turn_sines(track: PoseTrack, th: Thresholds) -> NDArray[np.float64]:
    """(N,) per frame the sine of the turn: the shoulders' and hips' width over
    the torso's length in the image against the same in the world landmarks
    (NaN where the torso is not seen at min_visibility). Only frames the
    lifter stands in read the turn (see turn_deg)."""
    vis = np.nan_to_num(track.visibility.astype(np.float64), nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sine = view_ratio(track.xy_norm, track.image_wh) / width_ratio(track.world_m)
    sine[(vis[:, list(_TORSO)] < th.min_visibility).any(axis=1)] = np.nan
    return np.asarray(sine)


def turn_deg(
    sines: NDArray[np.float64], hip_3d_deg: NDArray[np.float64], th: Thresholds
) -> float:
    """How far the legs' plane is turned from the image plane, deg (0 from the
    side, 90 from the front): the median sine over the frames the lifter stands
    in (3D hip flexion within rep_exit_deg of the least of these frames); NaN
    when none was seen."""
    standing = hip_3d_deg <= np.nanmin(hip_3d_deg) + th.rep_exit_deg
    seen = sines[standing & np.isfinite(sines)]
    if not seen.size:
        return math.nan
    return math.degrees(math.asin(min(1.0, float(np.median(seen)))))


def leg_points(track: PoseTrack, th: Thresholds) -> NDArray[np.float64]:
    """(N, 3, 2) the image's mid-hip, mid-knee and mid-ankle in pixels, each
    where either side is seen (the model places both, and one side's knee with
    both hips bends a leg that is not there)."""
    w, h = track.image_wh
    xy = track.xy_norm.astype(np.float64) * np.array([w, h])
    vis = np.nan_to_num(track.visibility.astype(np.float64), nan=0.0)
    return np.stack(
        [seen_midpoint(xy, vis, a, b, th.min_visibility) for a, b in _LEGS], axis=1
    )


def knee_face_on(legs: NDArray[np.float64], turn: float) -> NDArray[np.float64]:
    """The knee's bend (deg, 0 straight) of (..., 3, 2) leg_points with the
    image's horizontal stretched by 1 / cos(turn deg). On the side and 45 deg
    TBY pairs, filmed together, it reads the side's knee at the bottom within
    6 deg (mean), where the image's own reads 13 less (docs/eval-baseline.md)."""
    stretch = np.array([1.0 / math.cos(math.radians(turn)), 1.0])
    thigh = (legs[..., 0, :] - legs[..., 1, :]) * stretch
    shin = (legs[..., 2, :] - legs[..., 1, :]) * stretch
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(thigh * shin, axis=-1) / (
            np.linalg.norm(thigh, axis=-1) * np.linalg.norm(shin, axis=-1)
        )
    return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
