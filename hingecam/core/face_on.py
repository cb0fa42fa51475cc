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

from hingecam.core.datatypes import MeasureSeries
from hingecam.core.geometry import width_ratio
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


def legs_plane_turn_deg(
    track: PoseTrack, series: MeasureSeries, th: Thresholds
) -> float:
    """How far the legs' plane is turned from the image plane, deg (0 from the
    side, 90 from the front), over the frames the lifter stands in (3D hip
    flexion within rep_exit_deg of the set's least; `series` may lag the
    track); NaN when the lifter was never seen standing."""
    hip = series.hip_flexion_3d_deg[: len(track)]
    if not np.isfinite(hip).any():
        return math.nan
    standing = np.zeros(len(track), dtype=bool)
    standing[: hip.size] = hip <= np.nanmin(hip) + th.rep_exit_deg
    w, h = track.image_wh
    image = track.xy_norm[standing].astype(np.float64) * np.array([w, h])
    world = track.world_m[standing].astype(np.float64)
    vis = np.nan_to_num(track.visibility[standing].astype(np.float64), nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sine = width_ratio(image) / width_ratio(world)
    sine[(vis[:, list(_TORSO)] < th.min_visibility).any(axis=1)] = np.nan
    if not np.isfinite(sine).any():
        return math.nan
    return math.degrees(math.asin(min(1.0, float(np.nanmedian(sine)))))


def knee_face_on(
    xy: NDArray[np.float64], vis: NDArray[np.float64], th: Thresholds, turn_deg: float
) -> NDArray[np.float64]:
    """(N,) the knee's bend (deg, 0 straight) from the image's mid-hip,
    mid-knee and mid-ankle (each where either side is seen: the model places
    both, and one side's knee with both hips bends a leg that is not there),
    with the horizontal stretched by 1 / cos(turn_deg). On the side and 45 deg
    TBY pairs, filmed together, it reads the side's knee within 6 deg (mean),
    where the image's own reads 13 less (docs/eval-baseline.md).

    Args:
        xy: (N, 33, 2) image points in pixels.
        vis: (N, 33) visibility, 0 where unknown.
        th: min_visibility.
        turn_deg: legs_plane_turn_deg.
    """
    hip, knee, ankle = (
        seen_midpoint(xy, vis, a, b, th.min_visibility)
        for a, b in (
            (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
            (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
            (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
        )
    )
    stretch = np.array([1.0 / math.cos(math.radians(turn_deg)), 1.0])
    thigh = (hip - knee) * stretch
    shin = (ankle - knee) * stretch
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(thigh * shin, axis=1) / (
            np.linalg.norm(thigh, axis=1) * np.linalg.norm(shin, axis=1)
        )
    return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
