"""Fault rules off the side view: a rep seen at 45 deg or from the front -> checks
from the 3D world landmarks (joint angles and their timing), each saying it comes
from a weaker view. Measured in ../shared/VIEWS.md on the paired side/45 deg sets.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import View
from hingecam.core.measures import Measures
from hingecam.core.rep_window import Finding, Judged, NotJudged, RepWindow, setup_ref
from hingecam.core.rules import (
    knees_barely_straightened,
    stoop_squat_index,
    straightened_too_fast,
    trunk_at_half_straight,
)
from hingecam.core.thresholds import Thresholds

WEAKER = "by the 3D landmarks, less sure than from the side"
"""How a verdict from a weaker view says so (in its reason)."""


def from_behind(win: RepWindow, th: Thresholds) -> bool:
    """The lifter faced away from the camera: the face farther than the ears, or
    the lifter's left shoulder on the camera's left (no head needed: a head out
    of frame left a lifter seen from behind judged as if from the front)."""
    face = win["face_depth_m"]
    face = face[np.isfinite(face)]
    if face.size and float(np.median(face)) > th.back_view_min_face_depth_m:
        return True
    order = win["shoulder_order_m"]
    order = order[np.isfinite(order)]
    return (
        bool(order.size)
        and float(np.median(order)) < -th.back_view_min_shoulder_order_m
    )


def check_squat_pattern_3d(
    win: RepWindow, setup: Measures, th: Thresholds, view: View
) -> Finding:
    """Squatting instead of hinging, from the 3D hip and knee angles.

    Proxy: the hip-knee index at the deepest crouch (most hip plus knee flexion):
    100 x hip flexion gained / (hip + knee flexion gained) since setup. Joint
    angles need no "up" axis, so the camera's tilt does not matter (VIEWS.md:
    squat reps 44-49, others >= 58 at 45 deg). Fails when the depth guess of a
    leg is off, which is worst from the front: a knee read from one leg alone
    at the deepest crouch (the other hidden) cannot be checked against the
    other and is not judged. With no 3D knee at all (the feet out of frame),
    the 3D trunk and thighs give a stoop-squat index instead
    (_squat_by_the_thighs_3d).
    """
    hip = win["hip_flexion_3d_deg"]
    knee = win["knee_flexion_3d_deg"]
    if not np.isfinite(knee).any() and np.isfinite(hip).any():
        return _squat_by_the_thighs_3d(win, setup, th, view)
    depth = hip + knee
    if not np.isfinite(depth).any():
        return NotJudged("hips or knees not seen in 3D at the bottom", "0..100")
    b = int(np.nanargmax(depth))
    if not math.isfinite(float(win["knee_gap_3d_deg"][b])):
        # One leg's 3D knee alone (the other hidden, by the load or the body):
        # nothing to check its depth guess against (VIEWS.md: prefer the mean
        # of both knees and check their difference).
        return NotJudged(
            "only one knee was seen in 3D at the deepest crouch (the other leg "
            "hidden): a knee read from one leg cannot be checked",
            "0..100",
        )
    d_hip = max(float(hip[b]) - setup_ref(setup, "hip_flexion_3d_deg", win), 0.0)
    d_knee = max(float(knee[b]) - setup_ref(setup, "knee_flexion_3d_deg", win), 0.0)
    if not math.isfinite(d_hip + d_knee) or d_hip + d_knee <= 0:
        return NotJudged("no setup posture to compare the bottom with", "0..100")
    hki = 100.0 * d_hip / (d_hip + d_knee)
    return Judged(
        hki < th.squat_max_hki_3d,
        hki,
        th.squat_max_hki_3d,
        "0..100",
        b,
        f"from {view.phrase}, {WEAKER}: at the deepest crouch the hips bent {d_hip:.0f} "
        f"deg and the knees {d_knee:.0f} deg more than at setup, hip-knee index "
        f"{hki:.0f} (a squat is below {th.squat_max_hki_3d:.0f})",
    )


def _squat_by_the_thighs_3d(
    win: RepWindow, setup: Measures, th: Thresholds, view: View
) -> Finding:
    """Squatting with no 3D knee angle (the feet out of frame): the
    stoop-squat index at the deepest 3D hip flexion from the 3D trunk's lean
    gained and the 3D thigh's (the knee's bend less the shin's lean, so the
    index reads at least the knee's would: a mild squat may pass, a hinge is
    not called one), against the profile's side-view limit (squat_max_ssi).
    On the 45 deg and front clips' reps: the squatted TBY kettlebell
    deadlifts 13-18, every hinge 33 or more (docs/eval-baseline.md)."""
    b = int(np.nanargmax(win["hip_flexion_3d_deg"]))
    d_trunk = float(win["trunk_incline_3d_deg"][b]) - setup_ref(
        setup, "trunk_incline_3d_deg", win
    )
    d_thigh = float(win["thigh_incline_3d_deg"][b]) - setup_ref(
        setup, "thigh_incline_3d_deg", win
    )
    ssi = stoop_squat_index(d_trunk, d_thigh)
    if not math.isfinite(ssi):
        return NotJudged(
            "the trunk or the thighs not seen in 3D at the bottom", "0..100"
        )
    return Judged(
        ssi < th.squat_max_ssi,
        ssi,
        th.squat_max_ssi,
        "0..100",
        b,
        f"from {view.phrase}, {WEAKER}: the feet out of view, at the deepest crouch "
        f"the trunk leaned {d_trunk:.0f} deg more than at setup and the thighs turned "
        f"{d_thigh:.0f} deg further from upright (the knees bent at least as far): "
        f"stoop-squat index {ssi:.0f} (a squat is below {th.squat_max_ssi:.0f})",
    )


def _straightening_3d(
    win: RepWindow, th: Thresholds
) -> tuple[NDArray[np.float64], NDArray[np.bool_], str] | None:
    """What the 3D hips-first rule times the trunk against: the 3D knee angle,
    or with the shins out of view the 3D thigh's lean from the world's up (the
    knee's straightening less the shin's), with the window's frames where it,
    the trunk and the hip were seen and what it is called; None when neither
    was seen on enough frames."""
    trunk = win["trunk_incline_3d_deg"]
    hip = win["hip_flexion_3d_deg"]
    for name, what in (
        ("knee_flexion_3d_deg", "the knees"),
        ("thigh_incline_3d_deg", "the thighs (the shins out of view)"),
    ):
        series = win[name]
        ok = np.isfinite(series) & np.isfinite(trunk) & np.isfinite(hip)
        if ok.sum() >= th.hips_first_min_frames:
            return series, ok, what
    return None


def check_hips_rise_first_3d(
    win: RepWindow, setup: Measures, th: Thresholds, view: View
) -> Finding:
    """Hips rise first, from the 3D knee angle and trunk lean.

    Proxy: as the side-view rule (trunk lean when the knees are half straight
    minus at the start of the ascent), with the ascent starting at the peak 3D
    knee flexion, and the trunk from the hip and shoulder midpoints (VIEWS.md:
    +14..+18 deg on hips-first reps, <= -7 on the others at 45 deg). When the
    hips are still going down as the knees straighten, that is the descent: the
    ascent then starts at the deepest hip flexion. Not from the front (the
    registry does not run it there), where the trunk lean lies along the line
    of sight. With the shins out of view (no 3D knee angle) the thighs' return
    to upright is timed instead: on the 45 deg clips it flags the same four
    hips-first reps and no other (docs/eval-baseline.md).
    """
    trunk = win["trunk_incline_3d_deg"]
    hip = win["hip_flexion_3d_deg"]
    found = _straightening_3d(win, th)
    if found is None:
        return NotJudged("the ascent was not seen clearly enough", "deg")
    knee, ok, what = found
    if np.isfinite(hip).any() and not ok[int(np.nanargmax(hip))]:
        # Unseen at the deepest crouch for longer than the smoother bridges
        # (a load in front of the knees): the straightening's start is
        # unknown, as in the side view's rule (rules._ascent_straightening).
        return NotJudged("the knees were hidden at the bottom of the pull", "deg")

    def half_way(start: int) -> tuple[float, tuple[float, int] | None]:
        """The knees' range from `start` and, when judged, the trunk at half
        straight with the first frame past it (trunk_at_half_straight)."""
        idx = np.flatnonzero(ok[start:]) + start
        if idx.size < th.hips_first_min_frames:
            return 0.0, None
        knee_range = float(knee[idx[0]] - np.min(knee[idx]))
        if knee_range < th.hips_first_min_knee_range_deg:
            return knee_range, None
        return knee_range, trunk_at_half_straight(knee, trunk, idx, knee_range)

    start = int(np.flatnonzero(ok)[np.argmax(knee[ok])])
    knee_range, crossing = half_way(start)
    if crossing is not None and hip[crossing[1]] > hip[start]:
        start = int(np.flatnonzero(ok)[np.argmax(hip[ok])])
        knee_range, crossing = half_way(start)
    if crossing is None:
        return knees_barely_straightened(knee_range, th, what)
    seen = np.flatnonzero(ok[start:]) + start
    too_fast = straightened_too_fast(knee, seen, th, what)
    if too_fast is not None:
        return too_fast
    at_half, half = crossing
    drop = at_half - float(trunk[start])
    return Judged(
        drop >= th.hips_first_min_trunk_drop_deg,
        drop,
        th.hips_first_min_trunk_drop_deg,
        "deg",
        half,
        f"from {view.phrase}, {WEAKER}: when {what} were half straight the trunk "
        f"leaned {drop:+.0f} deg compared with the start of the ascent (limit "
        f"{th.hips_first_min_trunk_drop_deg:+.0f} deg)",
    )
