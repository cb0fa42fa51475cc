"""Fault rules off the side view: a rep seen at 45 deg or from the front -> checks
from the 3D world landmarks (joint angles and their timing), each saying it comes
from a weaker view. Measured in ../shared/VIEWS.md on the paired side/45 deg sets.
"""

from __future__ import annotations

import math

import numpy as np

from hingecam.core.confidence import with_confidence
from hingecam.core.datatypes import Check, Fault, Outcome, View
from hingecam.core.measures import Measures
from hingecam.core.rules import (
    RepWindow,
    _check,
    _knees_barely_straightened,
    _not_judged,
    _ref,
    evaluate_rep,
)
from hingecam.core.thresholds import Profile, Thresholds

WEAKER = "by the 3D landmarks, less sure than from the side"
"""How a verdict from a weaker view says so (in its reason)."""


def off_side_view(win: RepWindow, th: Thresholds) -> View | None:
    """The view a rep was judged from in 3D: OBLIQUE or FRONT when it was seen
    well enough but not from the side, else None (the 2D rules stand)."""
    seen = [v for v in win.views if v is not View.UNKNOWN]
    if len(seen) < th.view_min_side_share * len(win.views):
        return None
    if sum(v is View.SIDE for v in seen) >= th.view_min_side_share * len(seen):
        return None
    view = win.dominant_view()
    return view if view in (View.OBLIQUE, View.FRONT) else None


def _from_behind(win: RepWindow, th: Thresholds) -> bool:
    face = win["face_depth_m"]
    face = face[np.isfinite(face)]
    return bool(face.size) and float(np.median(face)) > th.back_view_min_face_depth_m


def check_squat_pattern_3d(
    win: RepWindow, setup: Measures, th: Thresholds, view: View
) -> Check:
    """Squatting instead of hinging, from the 3D hip and knee angles.

    Proxy: the hip-knee index at the deepest crouch (most hip plus knee flexion):
    100 x hip flexion gained / (hip + knee flexion gained) since setup. Joint
    angles need no "up" axis, so the camera's tilt does not matter (VIEWS.md:
    squat reps 44-49, others >= 58 at 45 deg). Fails when the depth guess of a
    leg is off, which is worst from the front.
    """
    fault = Fault.SQUAT_PATTERN
    hip = win["hip_flexion_3d_deg"]
    knee = win["knee_flexion_3d_deg"]
    depth = hip + knee
    if not np.isfinite(depth).any():
        return _not_judged(
            fault, "hips or knees not seen in 3D at the bottom", "0..100"
        )
    b = int(np.nanargmax(depth))
    d_hip = max(float(hip[b]) - _ref(setup, "hip_flexion_3d_deg", win), 0.0)
    d_knee = max(float(knee[b]) - _ref(setup, "knee_flexion_3d_deg", win), 0.0)
    if not math.isfinite(d_hip + d_knee) or d_hip + d_knee <= 0:
        return _not_judged(
            fault, "no setup posture to compare the bottom with", "0..100"
        )
    hki = 100.0 * d_hip / (d_hip + d_knee)
    return _check(
        fault,
        hki < th.squat_max_hki_3d,
        hki,
        th.squat_max_hki_3d,
        "0..100",
        win,
        b,
        f"from {view.phrase}, {WEAKER}: at the deepest crouch the hips bent {d_hip:.0f} "
        f"deg and the knees {d_knee:.0f} deg more than at setup, hip-knee index "
        f"{hki:.0f} (a squat is below {th.squat_max_hki_3d:.0f})",
    )


def check_hips_rise_first_3d(
    win: RepWindow, setup: Measures, th: Thresholds, view: View
) -> Check:
    """Hips rise first, from the 3D knee angle and trunk lean.

    Proxy: as the side-view rule (trunk lean when the knees are half straight
    minus at the start of the ascent), with the ascent starting at the peak 3D
    knee flexion, and the trunk from the hip and shoulder midpoints (VIEWS.md:
    +14..+18 deg on hips-first reps, <= -7 on the others at 45 deg). When the
    hips are still going down as the knees straighten, that is the descent: the
    ascent then starts at the deepest hip flexion. Not from the front, where the
    trunk lean lies along the line of sight.
    """
    fault = Fault.HIPS_RISE_FIRST
    if view is not View.OBLIQUE:
        return _not_judged(
            fault,
            f"the camera saw this rep from {view.phrase}: the trunk leans along the "
            "line of sight, so judging this needs a side or 45 deg view",
            "deg",
        )
    knee = win["knee_flexion_3d_deg"]
    trunk = win["trunk_incline_3d_deg"]
    hip = win["hip_flexion_3d_deg"]
    ok = np.isfinite(knee) & np.isfinite(trunk) & np.isfinite(hip)
    if ok.sum() < th.hips_first_min_frames:
        return _not_judged(fault, "the ascent was not seen clearly enough", "deg")

    def half_way(start: int) -> tuple[float, int | None]:
        idx = np.flatnonzero(ok[start:]) + start
        if idx.size < th.hips_first_min_frames:
            return 0.0, None
        knee_range = float(knee[idx[0]] - np.min(knee[idx]))
        if knee_range < th.hips_first_min_knee_range_deg:
            return knee_range, None
        return knee_range, int(idx[knee[idx] <= knee[idx[0]] - 0.5 * knee_range][0])

    start = int(np.flatnonzero(ok)[np.argmax(knee[ok])])
    knee_range, half = half_way(start)
    if half is not None and hip[half] > hip[start]:
        start = int(np.flatnonzero(ok)[np.argmax(hip[ok])])
        knee_range, half = half_way(start)
    if half is None:
        return _knees_barely_straightened(fault, knee_range, th)
    drop = float(trunk[half] - trunk[start])
    return _check(
        fault,
        drop >= th.hips_first_min_trunk_drop_deg,
        drop,
        th.hips_first_min_trunk_drop_deg,
        "deg",
        win,
        half,
        f"from {view.phrase}, {WEAKER}: when the knees were half straight the trunk "
        f"leaned {drop:+.0f} deg compared with the start of the ascent (limit "
        f"{th.hips_first_min_trunk_drop_deg:+.0f} deg)",
    )


LOCKED_KNEES_OFF_SIDE = (
    "judging locked knees needs a side view: standing tall the 3D knee reads "
    "11-20 deg where the side view reads 6-11, and no labelled clip had locked "
    "knees to set a 3D limit on"
)


def evaluate_rep_views(
    win: RepWindow, setup: Measures, profile: Profile, th: Thresholds
) -> tuple[Check, ...]:
    """All checks of the profile: the side-view rules, with squat pattern and hips
    rising first judged in 3D instead when the rep was seen at 45 deg or from the
    front (from the front side; filmed from behind they stay not judged). Each
    judged check carries its confidence."""
    checks = evaluate_rep(win, setup, profile, th)
    view = off_side_view(win, th)
    if view is None:
        return with_confidence(checks, win.views, th)
    behind = _from_behind(win, th)
    out = []
    for c in checks:
        if c.outcome is not Outcome.NOT_JUDGED:
            out.append(c)
        elif c.fault is Fault.LOCKED_KNEES:
            out.append(_not_judged(c.fault, LOCKED_KNEES_OFF_SIDE, "deg"))
        elif c.fault in (Fault.SQUAT_PATTERN, Fault.HIPS_RISE_FIRST) and behind:
            out.append(
                _not_judged(
                    c.fault,
                    f"the camera saw this rep from behind at {view.phrase}: 3D "
                    "verdicts are only made from the front side",
                    c.unit,
                )
            )
        elif c.fault is Fault.SQUAT_PATTERN:
            out.append(check_squat_pattern_3d(win, setup, th, view))
        elif c.fault is Fault.HIPS_RISE_FIRST:
            out.append(check_hips_rise_first_3d(win, setup, th, view))
        else:
            out.append(c)
    return with_confidence(tuple(out), win.views, th)
