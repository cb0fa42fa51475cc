"""World-landmark (3D) angles of the legs and trunk, for views off the side: a
pose track's world_m (N, 33, 3) metres -> (N,) degrees, NaN where not seen.

| measure               | world landmarks                              | zero           | note |
|-----------------------|----------------------------------------------|----------------|------|
| knee_flexion_3d_deg   | hip, knee, ankle of each leg; mean of both   | leg straight   | one leg alone when the other is not seen |
| knee_gap_3d_deg       | the two legs' knee angles                    | legs alike     | NaN unless both legs are seen: a knee read from one leg cannot be checked against the other (VIEWS.md) |
| trunk_incline_3d_deg  | mid-hip -> mid-shoulder against world -y     | trunk vertical | world y follows the camera, not gravity: use changes, not absolute values |
| thigh_incline_3d_deg  | mid-knee -> mid-hip against world -y         | thigh vertical | read without the ankles (the feet out of frame) |
| face_depth_m          | nose z minus mid-ear z (metres)              | face side-on   | > 0: the face points away from the camera (filmed from behind) |
| shoulder_order_m      | left shoulder x minus right shoulder x (m)   | side-on        | < 0: the lifter's left is on the camera's left (filmed from behind); needs no head |
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hingecam.core.landmarks import Landmark

FloatArray = NDArray[np.float64]


def angle_between_deg(u: FloatArray, v: FloatArray) -> FloatArray:
    """Unsigned angle between vectors u and v (last axis, 2D or 3D), degrees in
    [0, 180]; NaN if either is zero."""
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def seen_midpoint(
    world: FloatArray, vis: FloatArray, a: Landmark, b: Landmark, min_vis: float
) -> FloatArray:
    """(N, 3) the midpoint of landmarks a and b, NaN in frames where neither is
    at least min_vis visible (one seen is enough: the model places both)."""
    p = (world[:, int(a)] + world[:, int(b)]) / 2
    p[(vis[:, int(a)] < min_vis) & (vis[:, int(b)] < min_vis)] = np.nan
    return np.asarray(p, dtype=np.float64)


def _seen(
    world: FloatArray, vis: FloatArray, marks: tuple[Landmark, ...], min_vis: float
) -> FloatArray:
    """The landmarks' points, (N, k, 3), NaN in frames where any is below min_vis."""
    idx = [int(m) for m in marks]
    pts = world[:, idx].copy()
    pts[(vis[:, idx] < min_vis).any(axis=1)] = np.nan
    return np.asarray(pts, dtype=np.float64)


def legs_trunk_3d(
    world_m: NDArray[np.floating],
    visibility: NDArray[np.floating],
    min_visibility: float,
) -> dict[str, FloatArray]:
    """Knee flexion (mean of the legs), trunk and thigh lean, face depth and
    the shoulders' left-right order, 3D.

    Args:
        world_m: (N, 33, 3) metres, hip-centred, y down.
        visibility: (N, 33) 0..1.
        min_visibility: landmarks below it count as missing.

    Returns:
        knee_flexion_3d_deg, knee_gap_3d_deg (the legs' difference, NaN
        unless both are seen), trunk_incline_3d_deg, thigh_incline_3d_deg (the
        knees' midpoint to the hips', from the world's up: read without the
        ankles, for the knee's straightening when they are out of frame): (N,)
        degrees; face_depth_m, shoulder_order_m: (N,) metres.
    """
    w = np.asarray(world_m, dtype=np.float64)
    vis = np.nan_to_num(np.asarray(visibility, dtype=np.float64), nan=0.0)
    knees = []
    for hip_lm, knee_lm, ankle_lm in (
        (Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE),
        (Landmark.RIGHT_HIP, Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE),
    ):
        p = _seen(w, vis, (hip_lm, knee_lm, ankle_lm), min_visibility)
        knees.append(180.0 - angle_between_deg(p[:, 0] - p[:, 1], p[:, 2] - p[:, 1]))
    left, right = knees
    both = np.isfinite(left) & np.isfinite(right)
    knee = np.where(both, (left + right) / 2, np.where(np.isfinite(left), left, right))
    nose = _seen(w, vis, (Landmark.NOSE,), min_visibility)[:, 0]
    ears = _seen(w, vis, (Landmark.LEFT_EAR, Landmark.RIGHT_EAR), min_visibility)
    sh = _seen(
        w, vis, (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER), min_visibility
    )
    hp = _seen(w, vis, (Landmark.LEFT_HIP, Landmark.RIGHT_HIP), min_visibility)
    kn = _seen(w, vis, (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE), min_visibility)
    trunk_vec = sh.mean(axis=1) - hp.mean(axis=1)
    up = np.broadcast_to(np.array([0.0, -1.0, 0.0]), trunk_vec.shape)
    return {
        "knee_flexion_3d_deg": np.asarray(knee, dtype=np.float64),
        "knee_gap_3d_deg": np.asarray(np.abs(left - right), dtype=np.float64),
        "trunk_incline_3d_deg": angle_between_deg(trunk_vec, up),
        "thigh_incline_3d_deg": angle_between_deg(
            hp.mean(axis=1) - kn.mean(axis=1), up
        ),
        "face_depth_m": np.asarray(nose[:, 2] - ears.mean(axis=1)[:, 2]),
        "shoulder_order_m": np.asarray(sh[:, 0, 0] - sh[:, 1, 0]),
    }
