"""Pure numpy geometry: pose landmarks (one frame or a track) -> hinge measures.

Angle conventions. Every angle is computed in image pixels (x scaled by width, y by
height, so it is isotropic), after mirroring x so the lifter faces +x and flipping
y so it points up. Segment angles are measured from the vertical-up axis, positive
when the distal-to-proximal vector leans *forward* (towards where the lifter faces).

| measure                | landmarks (near side)        | zero                          | positive                        |
|------------------------|------------------------------|-------------------------------|---------------------------------|
| trunk_incline_deg      | hip -> shoulder              | trunk vertical                | shoulders ahead of hips (lean forward); negative = leaning back |
| shin_incline_deg       | ankle -> knee                | shin vertical                 | knee ahead of ankle             |
| thigh_incline_deg      | knee -> hip                  | thigh vertical                | hip behind the knee (hips back, thigh tilting towards horizontal); the knee's bend less the shin's lean, read with the shins out of view |
| hip_flexion_deg        | trunk minus thigh (knee->hip)| trunk in line with thigh      | flexed (hinged); negative = hip hyperextended |
| knee_flexion_deg       | shin minus thigh             | leg straight                  | flexed; negative = hyperextended |
| head_offset_deg        | shoulder -> ear minus trunk  | ear on the hip-shoulder line  | ear ahead of the line (head dropped / jutting); negative = cranked back |
| hip_back_norm          | hip x minus ankle x          | hip over the ankle            | hip ahead of the ankle; in leg lengths |
| hip_height_norm        | hip y minus ankle y          | hip at ankle height           | up; in leg lengths              |
| shoulder_height_norm   | shoulder y minus ankle y     | shoulder at ankle height      | up; in leg lengths              |
| spine_bow_norm         | back silhouette (mask)       | back edge on a straight line  | mid-back bulges beyond the line joining its ends (rounding); in chord lengths |
| hip_flexion_3d_deg     | world: mid-shoulder, mid-hip, mid-knee | trunk in line with thighs | flexed; unsigned, from the 3D world landmarks: rough but the same from any view (used to count reps) |
| back_offset_norm       | back silhouette (mask)       | back edge on the chord        | mean distance of the mid-back edge from the hip-shoulder chord; in chord lengths |
| *_3d_deg (knee, trunk) | world landmarks              | see geometry3d.py             | judged off the side view only   |

Leg length is thigh plus shin length in the same frame. Missing or low-visibility
inputs give NaN, which propagates.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    MeasureSeries,
    Side,
    View,
)
from hingecam.core.facing import facing_sign
from hingecam.core.geometry3d import angle_between_deg, legs_trunk_3d, seen_midpoint
from hingecam.core.landmarks import SIDE_POINTS, Landmark, near_side
from hingecam.core.poses import BACK_PROFILE_SAMPLES, PoseTrack
from hingecam.core.thresholds import DEFAULT_THRESHOLDS, Thresholds

FloatArray = NDArray[np.float64]

BACK_T = np.linspace(0.0, 1.0, BACK_PROFILE_SAMPLES)
"""Where along the hip (0) to shoulder (1) chord the back silhouette is sampled."""


def segment_angle_deg(distal: FloatArray, proximal: FloatArray) -> FloatArray:
    """Angle of the vector distal -> proximal from vertical-up, positive forward.

    Args:
        distal, proximal: (..., 2) points in the mirrored, y-up frame.

    Returns:
        (...) degrees in (-180, 180].
    """
    d = proximal - distal
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def wrap_deg(angle: FloatArray) -> FloatArray:
    """Wrap degrees into (-180, 180] so differences of segment angles never jump."""
    return 180.0 - np.mod(180.0 - angle, 360.0)


MAX_HYPEREXTENSION_DEG = 90.0
"""A 2D hip flexion read below minus this is no joint position: a hip extends
~30 deg at most. The segment angles wrap at 180, so such a reading is a flexion
past 180 (the thigh beyond the trunk) from a misplaced, hidden knee at the
bottom of a deep pull. Kept, it jumped from ~+170 to ~-170 between frames; the
glitch gate dropped it, but as a recording's first frame it anchored the gate
and the frames after it were dropped instead. (The knee angle keeps its wrapped
reading: nulling it too changed which frames the gate kept on a letterboxed
clip whose knees are misread throughout, and lost one of its reps.)"""


def flexion_deg(angle: FloatArray) -> FloatArray:
    """A joint flexion from a segment angle difference: degrees in (-90, 180],
    NaN where the landmarks cannot be a joint (see MAX_HYPEREXTENSION_DEG)."""
    out = wrap_deg(angle)
    return np.where(out > -MAX_HYPEREXTENSION_DEG, out, np.nan)


def angle_at(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Unsigned angle a-b-c at vertex b, degrees in [0, 180]; NaN if a leg is zero."""
    return angle_between_deg(a - b, c - b)


def _side_points(
    xy_px: FloatArray,
    visibility: FloatArray,
    side: Side,
    facing: float,
    min_visibility: float,
) -> dict[str, FloatArray]:
    """Near-side points in the mirrored, y-up frame; NaN where not visible."""
    out: dict[str, FloatArray] = {}
    for role, lm in SIDE_POINTS[side].items():
        p = xy_px[..., int(lm), :].copy()
        p[..., 0] *= facing
        p[..., 1] *= -1.0
        p[visibility[..., int(lm)] < min_visibility] = np.nan
        out[role] = p
    return out


def upside_down(
    xy_px: FloatArray, visibility: FloatArray, min_visibility: float
) -> NDArray[np.bool_]:
    """(N,) frames whose skeleton stands on its head: the shoulders below the
    hips and a knee above them at once (image y; a knee of either side, so the
    far one tells when the load hides the near one). No lift goes there: a
    hinge may take the shoulders to the hips' height or just below with the
    knees well under the hips, a squat the hips below the knees with the
    shoulders well above. It is the model's mirror image of the lifter
    (deadlift_side_rounded_bdbf_bx at the bottom of its first pull: 12 frames
    with the trunk read 160-170 deg from upright, a third of a second, too long
    for the glitch gate)."""
    vis = np.nan_to_num(visibility, nan=0.0)

    def height(a: Landmark, b: Landmark) -> FloatArray:
        return -seen_midpoint(xy_px, vis, a, b, min_visibility)[..., 1]

    hips = height(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    shoulders = height(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
    knee_up = np.zeros(hips.shape, dtype=bool)
    for knee in (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE):
        seen = vis[:, int(knee)] >= min_visibility
        with np.errstate(invalid="ignore"):
            knee_up |= seen & (-xy_px[:, int(knee), 1] > hips)
    with np.errstate(invalid="ignore"):
        return np.asarray((shoulders < hips) & knee_up)


def compute_measures(
    track: PoseTrack,
    side: Side | None = None,
    facing: float | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> MeasureSeries:
    """All per-frame measures of a pose track (unsmoothed).

    Args:
        track: the lifter's landmarks over N frames.
        side: near side; chosen from visibility over the track when None.
        facing: +1/-1 facing direction in the image; estimated when None.
        thresholds: min_visibility (landmarks below it count as missing) and the
            view_* limits (see estimate_view).

    Returns:
        MeasureSeries with (N,) arrays; NaN where inputs are missing.
    """
    n = len(track)
    min_visibility = thresholds.min_visibility
    w, h = track.image_wh
    xy = track.xy_norm.astype(np.float64) * np.array([w, h], dtype=np.float64)
    vis = track.visibility.astype(np.float64)
    valid = np.isfinite(vis).all(axis=1) if n else np.zeros(0, bool)
    if side is None:
        side = (
            near_side(vis[valid], track.world_m[valid], thresholds.side_depth_full_m)
            if valid.any()
            else Side.LEFT
        )
    if facing is None:
        facing = (
            facing_sign(xy[valid], vis[valid], side, min_visibility)
            if valid.any()
            else 1.0
        )
    p = _side_points(xy, np.nan_to_num(vis, nan=0.0), side, facing, min_visibility)
    flipped = upside_down(xy, vis, min_visibility)
    for role in p:
        p[role][flipped] = np.nan
    profile = track.back_profile.astype(np.float64)
    profile[flipped] = np.nan

    trunk = segment_angle_deg(p["hip"], p["shoulder"])
    thigh = segment_angle_deg(p["knee"], p["hip"])
    shin = segment_angle_deg(p["ankle"], p["knee"])
    neck = segment_angle_deg(p["shoulder"], p["ear"])
    leg = np.linalg.norm(p["hip"] - p["knee"], axis=-1) + np.linalg.norm(
        p["knee"] - p["ankle"], axis=-1
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        hip_back = (p["hip"][:, 0] - p["ankle"][:, 0]) / leg
        hip_height = (p["hip"][:, 1] - p["ankle"][:, 1]) / leg
        shoulder_height = (p["shoulder"][:, 1] - p["ankle"][:, 1]) / leg

    sides: tuple[Side | None, ...] = tuple(
        side if bool(v) else None for v in np.atleast_1d(valid)
    )
    return MeasureSeries(
        t_s=track.t_s.astype(np.float64),
        side=sides,
        view=tuple(estimate_view(track, thresholds)),
        hip_flexion_deg=flexion_deg(trunk - thigh),
        knee_flexion_deg=wrap_deg(shin - thigh),
        trunk_incline_deg=trunk,
        shin_incline_deg=shin,
        thigh_incline_deg=-thigh,
        hip_back_norm=hip_back,
        hip_height_norm=hip_height,
        shoulder_height_norm=shoulder_height,
        head_offset_deg=wrap_deg(neck - trunk),
        spine_bow_norm=spine_bow(profile),
        back_offset_norm=back_offset(profile),
        hip_flexion_3d_deg=hip_flexion_3d(
            track.world_m, track.visibility, min_visibility
        ),
        **legs_trunk_3d(track.world_m, track.visibility, min_visibility),
    )


def hip_flexion_3d(
    world_m: NDArray[np.floating],
    visibility: NDArray[np.floating],
    min_visibility: float = DEFAULT_THRESHOLDS.min_visibility,
) -> FloatArray:
    """Hip flexion from the 3D world landmarks: 180 minus the angle at the hip
    midpoint between the shoulder midpoint and the knee midpoint.

    View-independent (MediaPipe's world z is rough, so it is used to count reps,
    not to judge form). NaN when the hips, shoulders and knees are not all seen.

    Args:
        world_m: (N, 33, 3) metres.
        visibility: (N, 33).

    Returns:
        (N,) degrees, 0 standing straight.
    """
    w = np.asarray(world_m, dtype=np.float64)
    vis = np.nan_to_num(np.asarray(visibility, dtype=np.float64), nan=0.0)
    pairs = {
        "shoulder": (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER),
        "hip": (Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
        "knee": (Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
    }
    mid = {
        role: seen_midpoint(w, vis, a, b, min_visibility)
        for role, (a, b) in pairs.items()
    }
    return np.asarray(180.0 - angle_at(mid["shoulder"], mid["hip"], mid["knee"]))


def back_profile(
    mask: NDArray[np.floating],
    shoulder_px: NDArray[np.floating],
    hip_px: NDArray[np.floating],
    facing: float,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> NDArray[np.float32]:
    """Distance of the back's silhouette edge from the hip-shoulder chord.

    Walks from points along the chord (hip to shoulder, BACK_T) outwards along
    the normal that points to the lifter's back, and stops where the person mask
    drops below `thresholds.back_mask_min_prob`. A flat back gives a profile that is a straight line;
    a rounded back bulges in the middle.

    Args:
        mask: (H, W) person probability 0..1.
        shoulder_px, hip_px: (2,) pixel coordinates (x right, y down).
        facing: +1 when the lifter faces +x in the image, else -1.
        thresholds: back_mask_min_prob, back_min_chord_px, back_search_chords.

    Returns:
        (BACK_PROFILE_SAMPLES,) float32 distances in chord lengths; NaN where the
        chord point is outside the mask or the edge is not found.
    """
    out = np.full(BACK_PROFILE_SAMPLES, np.nan, dtype=np.float32)
    s = np.asarray(shoulder_px, dtype=np.float64)
    hp = np.asarray(hip_px, dtype=np.float64)
    if not (np.isfinite(s).all() and np.isfinite(hp).all()):
        return out
    chord = s - hp
    length = float(np.hypot(*chord))
    if length < thresholds.back_min_chord_px:
        return out
    u = chord / length
    # Rotate the chord direction a quarter turn towards the back: for a lifter
    # facing +x standing upright (u = (0, -1) in y-down pixels) this gives (-1, 0).
    normal = np.array([u[1], -u[0]]) * facing
    steps = np.arange(0.0, thresholds.back_search_chords * length, 1.0)
    base = hp[None, :] + BACK_T[:, None] * chord[None, :]  # (K, 2)
    pts = base[:, None, :] + steps[None, :, None] * normal[None, None, :]  # (K, S, 2)
    h, w = mask.shape
    xi = np.rint(pts[..., 0]).astype(np.int64)
    yi = np.rint(pts[..., 1]).astype(np.int64)
    inside_img = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    vals = np.zeros(xi.shape, dtype=bool)
    vals[inside_img] = (
        mask[yi[inside_img], xi[inside_img]] >= thresholds.back_mask_min_prob
    )
    for k in range(BACK_PROFILE_SAMPLES):
        row = vals[k]
        if not row[0]:
            continue
        outside = np.flatnonzero(~row)
        if outside.size == 0:
            continue
        out[k] = steps[outside[0]] / length
    return out


def spine_bow(profile: FloatArray) -> FloatArray:
    """How far the back's outline bulges beyond the straight line joining its ends.

    The dowel test in 2D: a neutral back's outline from the tailbone end (hip) to
    the upper back (shoulder) is close to a straight line; a rounded back humps
    away from it. The bow is the largest distance of the profile beyond that
    line, in chord lengths; about 0 for a flat back.

    Args:
        profile: (..., BACK_PROFILE_SAMPLES) from back_profile().

    Returns:
        (...) bow in chord lengths, NaN where the profile has gaps.
    """
    p = np.asarray(profile, dtype=np.float64)
    line = p[..., :1] + (p[..., -1:] - p[..., :1]) * BACK_T
    with np.errstate(invalid="ignore"):
        bow = np.max(p[..., 1:-1] - line[..., 1:-1], axis=-1)
    return np.where(np.isnan(p).any(axis=-1), np.nan, bow)


def back_offset(profile: FloatArray) -> FloatArray:
    """Mean distance of the mid-back outline (25-75% of the chord) from the chord.

    Grows when the upper back rounds and the shoulders roll forward of the back's
    line; compared with the lifter's own standing value, never absolutely
    (clothing and build set the baseline).

    Args:
        profile: (..., BACK_PROFILE_SAMPLES) from back_profile().

    Returns:
        (...) chord lengths, NaN where the mid-back has gaps.
    """
    p = np.asarray(profile, dtype=np.float64)
    mid = (BACK_T >= 0.25) & (BACK_T <= 0.75)
    return np.asarray(p[..., mid].mean(axis=-1))


def view_ratio(xy_norm: NDArray[np.floating], image_wh: tuple[int, int]) -> FloatArray:
    """Shoulder and hip width relative to torso length, in image pixels.

    About 0 from a true side view, about 1.4 (shoulders) from the front.

    Args:
        xy_norm: (N, 33, 2) normalized coordinates.

    Returns:
        (N,) the mean of the shoulder-width and hip-width ratios.
    """
    w, h = image_wh
    xy = np.asarray(xy_norm, dtype=np.float64) * np.array([w, h], dtype=np.float64)
    return width_ratio(xy)


def width_ratio(points: NDArray[np.floating]) -> FloatArray:
    """(N,) the mean of the shoulder-width and hip-width ratios to the torso's
    length, of (N, 33, k) points in any units (image pixels, world metres)."""
    p = np.asarray(points, dtype=np.float64)
    ls, rs = p[:, Landmark.LEFT_SHOULDER], p[:, Landmark.RIGHT_SHOULDER]
    lh, rh = p[:, Landmark.LEFT_HIP], p[:, Landmark.RIGHT_HIP]
    torso = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shoulders = np.linalg.norm(ls - rs, axis=-1) / torso
        hips = np.linalg.norm(lh - rh, axis=-1) / torso
    return np.asarray((shoulders + hips) / 2)


def world_yaw_deg(world_m: NDArray[np.floating]) -> FloatArray:
    """Yaw of the shoulder and hip lines from the world landmarks, degrees 0..90.

    0 when the shoulders are square to the camera, 90 from a true side view.
    World z is rough, so this only backs up the 2D ratio.
    """
    wm = np.asarray(world_m, dtype=np.float64)
    lines = [
        wm[:, Landmark.LEFT_SHOULDER] - wm[:, Landmark.RIGHT_SHOULDER],
        wm[:, Landmark.LEFT_HIP] - wm[:, Landmark.RIGHT_HIP],
    ]
    yaws = [np.degrees(np.arctan2(np.abs(v[:, 2]), np.abs(v[:, 0]))) for v in lines]
    return np.asarray((yaws[0] + yaws[1]) / 2)


def estimate_view(
    track: PoseTrack, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[View]:
    """Camera view per frame from the 2D width ratio and the world-landmark yaw.

    Side needs both a narrow torso in the image (view_ratio) and a yaw near 90
    deg; front needs either a wide torso or a yaw near 0, by the Thresholds
    view_* limits. A lifter hinging towards the camera foreshortens
    the torso, which raises the ratio: errors go towards "not side", the safe
    direction for spine verdicts.
    """
    return views_of(track.xy_norm, track.world_m, track.image_wh, thresholds)


def views_of(
    xy_norm: NDArray[np.floating],
    world_m: NDArray[np.floating],
    image_wh: tuple[int, int],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[View]:
    """estimate_view on landmark arrays, (N, 33, 2) and (N, 33, 3)."""
    side_max_ratio, front_min_ratio, side_min_yaw_deg, front_max_yaw_deg = (
        thresholds.view_limits
    )
    ratio = view_ratio(xy_norm, image_wh)
    yaw = world_yaw_deg(world_m)
    views = []
    for r, y in zip(ratio, yaw, strict=True):
        if not (np.isfinite(r) and np.isfinite(y)):
            views.append(View.UNKNOWN)
        elif r <= side_max_ratio and y >= side_min_yaw_deg:
            views.append(View.SIDE)
        elif r >= front_min_ratio or y <= front_max_yaw_deg:
            views.append(View.FRONT)
        else:
            views.append(View.OBLIQUE)
    return views
