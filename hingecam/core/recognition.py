"""Which exercise a set is, read from the movement itself: the lifter's pose
track and the reps counted so far -> a `Recognition` (an exercise profile, how
sure, and why in one sentence).

Each rep is read from where the hands travel and how the legs bend:
  - first, where the load is: hands held near the shoulders (3D, in torso
    lengths) hold it at the chest, the shoulders or on the back (a squat or a
    good morning); hands at arm's length let it hang (a pull or a swing);
  - hands that never come near the knees but rise to chest height: a swing
    (with the load hanging, however near the knees its low point came);
  - hands lowered to about the knees or below: a pull; a pull that starts at
    its bottom (from the floor) or bends the knees deeply at the bottom is a
    deadlift, one with soft knees and the hands past them an RDL. The knee is
    read from the side, or at 45 deg with the legs' plane turned face on
    (core/face_on.py); from the front or behind it lies along the line of
    sight and the generic hinge stays;
  - hands that stay high (on the chest, the shoulders, a dowel on the back):
    a squat when the knees bend more than the hips (hip-knee index, 3D), else a
    good morning (a dowel hinge drill moves and is judged the same way); with
    the ankles out of frame (no knee angle), a squat when the trunk turns
    clearly less than the thighs, a good morning when clearly more.
A set is recognised when most of its reps agree; otherwise it stays the
generic hinge (Exercise.AUTO), which still counts pulls from the floor and is
never judged as a squat.
"""

from __future__ import annotations

import enum
import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    Exercise,
    MeasureSeries,
    Recognition,
    Rep,
    Sureness,
    View,
)
from hingecam.core.face_on import knee_face_on, leg_points, turn_deg, turn_sines
from hingecam.core.geometry3d import angle_between_deg, seen_midpoint
from hingecam.core.landmarks import Landmark
from hingecam.core.poses import Pose, PoseTrack
from hingecam.core.profiles import PROFILES
from hingecam.core.thresholds import Thresholds


class Reading(enum.Enum):
    """What one rep looked like."""

    SWING = "swing"
    DEADLIFT = "deadlift"
    RDL = "rdl"
    PULL = "pull"  # a deadlift or an RDL, the view cannot tell which
    PULL_ABOVE_KNEES = "pull_above_knees"  # soft knees, hands stopped above them
    SQUAT = "squat"
    GOOD_MORNING = "good_morning"
    UNKNOWN = "unknown"  # hands or legs not seen well enough


_EXERCISE = {
    Reading.SWING: Exercise.KB_SWING,
    Reading.DEADLIFT: Exercise.DEADLIFT,
    Reading.RDL: Exercise.RDL,
    Reading.SQUAT: Exercise.SQUAT,
    Reading.GOOD_MORNING: Exercise.GOOD_MORNING,
}
_PULLS = (Reading.DEADLIFT, Reading.RDL, Reading.PULL, Reading.PULL_ABOVE_KNEES)

_WHY = {
    Reading.SWING: "the hands swung up to chest height without reaching the knees",
    Reading.DEADLIFT: "the hands went to the knees or below and the knees bent deeply "
    "or the pull started from the floor",
    Reading.RDL: "the hands went below the knees with soft knees",
    Reading.PULL: "the hands went to the knees or below",
    Reading.PULL_ABOVE_KNEES: "the hands came near the knees with soft knees",
    Reading.SQUAT: "the load was held high (hands near the shoulders or above the "
    "knees) and the knees bent more than the hips",
    Reading.GOOD_MORNING: "the load was held high (hands near the shoulders or above "
    "the knees) and the hips bent more than the knees",
}


@dataclass(frozen=True, slots=True)
class _Heights:
    """Per-frame heights above the ankles in leg lengths, and the hands' reach
    from the shoulders in torso lengths (3D), NaN when unseen."""

    hands: NDArray[np.float64]
    knees: NDArray[np.float64]
    reach: NDArray[np.float64]
    trunk: NDArray[np.float64]  # (N, 3) mid-hip -> mid-shoulder, world metres
    thigh: NDArray[np.float64]  # (N, 3) mid-hip -> mid-knee, world metres
    seen: NDArray[np.bool_]  # (N,) the lifter in view
    legs: NDArray[np.float64]  # (N, 3, 2) image mid-hip, mid-knee, mid-ankle
    turn_sines: NDArray[np.float64]  # (N,) sine of the legs' plane's turn


def _reach(track: PoseTrack, min_visibility: float) -> NDArray[np.float64]:
    """Per frame, the wrists' distance from their shoulders over the shoulder-hip
    distance, in world coordinates (the same from any view), both sides averaged."""
    world = track.world_m.astype(np.float64)
    vis = np.nan_to_num(track.visibility.astype(np.float64), nan=0.0)
    sides = []
    for shoulder, wrist, hip in (
        (Landmark.LEFT_SHOULDER, Landmark.LEFT_WRIST, Landmark.LEFT_HIP),
        (Landmark.RIGHT_SHOULDER, Landmark.RIGHT_WRIST, Landmark.RIGHT_HIP),
    ):
        arm = np.linalg.norm(world[:, wrist] - world[:, shoulder], axis=1)
        torso = np.linalg.norm(world[:, hip] - world[:, shoulder], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = arm / torso
        ratio[(vis[:, [shoulder, wrist, hip]] < min_visibility).any(axis=1)] = np.nan
        sides.append(ratio)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # neither side seen: NaN
        return np.asarray(np.nanmean(np.stack(sides), axis=0))


def _midpoints(
    xy: NDArray[np.float64], vis: NDArray[np.float64], min_visibility: float
) -> dict[str, NDArray[np.float64]]:
    """(N, 2) image midpoints of the hips, knees, ankles and wrists (N, 33, 2
    pixels in), NaN in frames where neither side of a pair is seen."""

    def mid(a: Landmark, b: Landmark) -> NDArray[np.float64]:
        pts = xy[:, [a, b]].copy()
        pts[vis[:, [a, b]] < min_visibility] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # nobody seen: NaN
            return np.asarray(np.nanmean(pts, axis=1))

    return {
        "hip": mid(Landmark.LEFT_HIP, Landmark.RIGHT_HIP),
        "knee": mid(Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE),
        "ankle": mid(Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE),
        "wrist": mid(Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST),
    }


def _leg_heights(
    hip: NDArray[np.float64],
    knee: NDArray[np.float64],
    ankle: NDArray[np.float64],
    wrist: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The hands' and the knees' heights above the ankles, in leg lengths."""
    thigh = np.linalg.norm(hip - knee, axis=1)
    # Feet out of frame (a camera too close, a laptop on a desk): the ankle is
    # taken a thigh's length below the knee, as a shin stands when upright
    # (shank and thigh are equally long: 0.246 and 0.245 of stature, Winter).
    ankle = ankle.copy()
    unseen = ~np.isfinite(ankle).all(axis=1)
    ankle[unseen] = knee[unseen] + thigh[unseen, None] * np.array([0.0, 1.0])
    leg = thigh + np.linalg.norm(knee - ankle, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Image y points down: height above the ankles is ankle y minus point y.
        return (ankle[:, 1] - wrist[:, 1]) / leg, (ankle[:, 1] - knee[:, 1]) / leg


def hands_above_knees(pose: Pose, min_visibility: float) -> float:
    """How far the hands are above the knees in one frame, in leg lengths (NaN
    when the hands or the knees are unseen): at or below
    recognise_pull_max_hands_norm the hands are down at the load of a pull."""
    vis = np.nan_to_num(pose.visibility.astype(np.float64), nan=0.0)[None]
    points = _midpoints(pose.xy_px.astype(np.float64)[None], vis, min_visibility)
    hands, knees = _leg_heights(**points)
    return float(hands[0] - knees[0])


def _heights(track: PoseTrack, th: Thresholds) -> _Heights:
    w, h = track.image_wh
    xy = track.xy_norm.astype(np.float64) * np.array([w, h], dtype=np.float64)
    vis = np.nan_to_num(track.visibility.astype(np.float64), nan=0.0)
    points = _midpoints(xy, vis, th.min_visibility)
    points["knee"] = _planted(track.t_s, points["knee"])
    hands, knees = _leg_heights(**points)
    return _Heights(
        hands=hands,
        knees=knees,
        reach=_reach(track, th.min_visibility),
        **_segments(track, th.min_visibility),
        seen=np.asarray(np.isfinite(track.visibility).all(axis=1)),
        legs=leg_points(track, th),
        turn_sines=turn_sines(track, th),
    )


def _planted(
    t_s: NDArray[np.floating], knee: NDArray[np.float64]
) -> NDArray[np.float64]:
    """The knees' image points with the frames that hid both of them filled in
    time from the frames around (held at the ends). A load in front of the knees
    (a bar's plates, a kettlebell between the legs) hides them just when the
    hands come nearest them, at the bottom of each rep; left unseen, those frames
    had no hands' height at all and the rep's lowest hands went unread. With the
    feet planted the knees move a few centimetres in a hinge."""
    seen = np.isfinite(knee).all(axis=1)
    if seen.all() or not seen.any():
        return knee
    t = np.asarray(t_s, dtype=np.float64)
    filled: NDArray[np.float64] = knee.copy()
    for axis in (0, 1):
        filled[~seen, axis] = np.interp(t[~seen], t[seen], knee[seen, axis])
    return filled


def _segments(
    track: PoseTrack, min_visibility: float
) -> dict[str, NDArray[np.float64]]:
    """Per frame the trunk's and the thighs' world vectors from the mid-hip (NaN
    when a pair of landmarks is unseen on both sides)."""
    world = track.world_m.astype(np.float64)
    vis = np.nan_to_num(track.visibility.astype(np.float64), nan=0.0)

    def mid(a: Landmark, b: Landmark) -> NDArray[np.float64]:
        return seen_midpoint(world, vis, a, b, min_visibility)

    hip = mid(Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    return {
        "trunk": mid(Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER) - hip,
        "thigh": mid(Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE) - hip,
    }


def _pct(values: NDArray[np.float64], q: float) -> float:
    ok = values[np.isfinite(values)]
    return float(np.percentile(ok, q)) if ok.size >= 3 else math.nan


def _hip_knee_index(series: MeasureSeries, lo: int, hi: int) -> float:
    """100 x hip flexion gained / (hip + knee flexion gained) at the deepest
    crouch of frames lo..hi, from the 3D angles (any view); NaN if unseen."""
    hip = series.hip_flexion_3d_deg[lo:hi]
    knee = series.knee_flexion_3d_deg[lo:hi]
    depth = hip + knee
    if not np.isfinite(depth).any():
        return math.nan
    b = int(np.nanargmax(depth))
    d_hip = float(hip[b] - np.nanmin(hip))
    d_knee = float(knee[b] - np.nanmin(knee))
    return 100.0 * d_hip / (d_hip + d_knee) if d_hip + d_knee > 0 else math.nan


def _trunk_share(series: MeasureSeries, heights: _Heights, lo: int, hi: int) -> float:
    """100 x the trunk's turn / (the trunk's + the thighs' turn) from the most
    upright to the deepest 3D hip flexion of frames lo..hi (world vectors, so
    any view and no gravity needed); NaN if unseen."""
    hip = series.hip_flexion_3d_deg[lo:hi]
    if not np.isfinite(hip).any():
        return math.nan
    deep, upright = lo + int(np.nanargmax(hip)), lo + int(np.nanargmin(hip))
    turns = [
        float(angle_between_deg(v[deep], v[upright]))
        for v in (heights.trunk, heights.thigh)
    ]
    total = turns[0] + turns[1]
    return 100.0 * turns[0] / total if total > 0 else math.nan


def _starts_at_bottom(
    series: MeasureSeries, rep: Rep, th: Thresholds, seen: NDArray[np.bool_]
) -> bool:
    """The rep starts deep (its first tenth at least recognise_floor_start_share
    of the way from its most upright to its deepest 3D hip flexion), and its
    start was seen: a rep that begins where the lifter came back into view
    mid-set, after more than smooth_max_gap_s out of view (`seen`: the frames
    with the lifter), began out of view."""
    before = np.flatnonzero(seen[: rep.start_frame])
    if before.size:
        away_s = series.t_s[rep.start_frame] - series.t_s[before[-1]]
        if away_s > th.smooth_max_gap_s:
            return False
    hip = series.hip_flexion_3d_deg[rep.start_frame : rep.end_frame + 1]
    first = hip[: max(3, hip.size // 10)]
    if not np.isfinite(first).any():
        return False
    start = float(np.nanmedian(first))
    low, deep = float(np.nanmin(hip)), float(np.nanmax(hip))
    return deep > low and start - low >= th.recognise_floor_start_share * (deep - low)


def _bottom_knee(
    rep: Rep, series: MeasureSeries, heights: _Heights, th: Thresholds
) -> float:
    """The knee's bend at the rep's bottom as the side view reads it: from the
    side the measured knee, at 45 deg the image's knee with the legs' plane
    turned face on (core/face_on.py; the turn read on the rep's own standing
    frames, its start or its lockout, so a lifter who turned between sets is
    read as he stands now; the median over smooth_sigma_s either side of the
    bottom); NaN from the front or the back, where that plane lies along the
    line of sight."""
    if rep.view is View.SIDE:
        return rep.peaks.knee_flexion_bottom_deg
    if rep.view is not View.OBLIQUE:
        return math.nan
    lo, hi = rep.start_frame, rep.end_frame + 1
    hip = series.hip_flexion_3d_deg[lo:hi]
    if not np.isfinite(hip).any():
        return math.nan
    turn = turn_deg(heights.turn_sines[lo:hi], hip, th)
    if not math.isfinite(turn):
        return math.nan
    t = series.t_s[lo:hi]
    near = np.abs(t - series.t_s[rep.bottom_frame]) <= th.smooth_sigma_s
    knees = knee_face_on(heights.legs[lo:hi][near], turn)
    knees = knees[np.isfinite(knees)]
    return float(np.median(knees)) if knees.size else math.nan


def read_rep(
    rep: Rep, series: MeasureSeries, heights: _Heights, th: Thresholds
) -> Reading:
    """What one rep looked like (see the module's docstring)."""
    lo, hi = rep.start_frame, rep.end_frame + 1
    hands_to_knees = _pct(heights.hands[lo:hi] - heights.knees[lo:hi], 10)
    hands_top = _pct(heights.hands[lo:hi], 90)
    reach = _pct(heights.reach[lo:hi], 50)
    if not math.isfinite(hands_to_knees):
        return Reading.UNKNOWN
    # Where the load is held decides first: at the chest, the shoulders or on
    # the back (a squat or a good morning, however deep the crouch brings the
    # hands to the knees), or hanging from the arms (a pull or a swing, however
    # little of a fast swing's low point the frames caught).
    held = reach < th.recognise_min_hanging_reach  # NaN: not seen, not held
    hanging = reach >= th.recognise_min_hanging_reach
    if (
        not held
        and hands_to_knees > 0
        and hands_top >= th.recognise_swing_min_hands_norm
    ):
        if hanging or hands_to_knees < th.recognise_pull_max_hands_norm:
            return Reading.SWING
    if not held and hands_to_knees < th.recognise_pull_max_hands_norm:
        if _starts_at_bottom(series, rep, th, heights.seen):
            return Reading.DEADLIFT
        knee = _bottom_knee(rep, series, heights, th)
        if not math.isfinite(knee):
            return Reading.PULL
        if knee >= th.recognise_deadlift_min_knee_deg:
            return Reading.DEADLIFT
        if hands_to_knees <= th.recognise_rdl_max_hands_norm:
            return Reading.RDL
        return Reading.PULL_ABOVE_KNEES
    hki = _hip_knee_index(series, lo, hi)
    if math.isfinite(hki):
        return Reading.SQUAT if hki < th.squat_max_hki_3d else Reading.GOOD_MORNING
    # No knee angle (the ankles out of frame): the trunk's turn against the
    # thighs' tells the same apart, and needs no shin.
    share = _trunk_share(series, heights, lo, hi)
    if share < th.recognise_squat_max_trunk_share:
        return Reading.SQUAT
    if share > th.recognise_hinge_min_trunk_share:
        return Reading.GOOD_MORNING
    return Reading.UNKNOWN  # unseen, or too even to tell


def recognise(
    track: PoseTrack, reps: Sequence[Rep], series: MeasureSeries, th: Thresholds
) -> Recognition:
    """The exercise of a set from its reps so far (AUTO while unsure).

    Args:
        track: the lifter's pose track (hands, knees, ankles).
        reps: the reps counted, with their frames and views.
        series: the smoothed measures of the same frames (3D hip and knee).
        th: the recognise_* thresholds and squat_max_hki_3d.
    """
    if not reps:
        return Recognition(Exercise.AUTO, Sureness.LOW, 0, 0, "no rep yet")
    heights = _heights(track, th)
    readings = [read_rep(rep, series, heights, th) for rep in reps]
    readings = [r for r in readings if r is not Reading.UNKNOWN]
    n = len(readings)
    if not n:
        return _unsure(0, "the hands and legs were not seen well enough")
    counts = Counter(readings)
    pulls = sum(counts[r] for r in _PULLS)
    if pulls >= th.recognise_min_agreement * n:
        return _pull(counts, n, th)
    reading, k = max(
        ((r, counts[r]) for r in _EXERCISE if r not in _PULLS),
        key=lambda item: item[1],
    )
    if k >= th.recognise_min_agreement * n:
        return _recognised(reading, k, n)
    return _unsure(n, "the reps did not agree on one movement")


def _pull(counts: Counter[Reading], n: int, th: Thresholds) -> Recognition:
    told = counts[Reading.DEADLIFT] + counts[Reading.RDL]
    for reading in (Reading.DEADLIFT, Reading.RDL):
        if counts[reading] and counts[reading] >= th.recognise_min_agreement * told:
            # Reps read only as "a pull" do not contradict it, but only the reps
            # that showed it agree: one told pull of five is medium confidence.
            return _recognised(reading, counts[reading], n)
    if told:
        why = "the knees bend too differently from rep to rep"
    elif counts[Reading.PULL_ABOVE_KNEES]:
        why = (
            "the knees stayed soft and the hands stopped above them (an RDL lowers "
            "them past the knees)"
        )
    else:
        why = (
            "the knees' bend that tells a deadlift from an RDL was not seen from "
            "this view or was hidden by the load"
        )
    return _unsure(n, f"the hands went to the knees or below, but {why}")


def _recognised(reading: Reading, agreeing: int, n: int) -> Recognition:
    sure = Sureness.HIGH if n >= 2 and agreeing >= 0.8 * n else Sureness.MEDIUM
    return Recognition(_EXERCISE[reading], sure, n, agreeing, _WHY[reading])


def _unsure(n: int, why: str) -> Recognition:
    return Recognition(Exercise.AUTO, Sureness.LOW, n, 0, why)


def recognition_note(recognition: Recognition) -> str:
    """The set note on what auto recognised, and how to overrule it."""
    if not recognition.recognised:
        return (
            f"the exercise was not recognised ({recognition.reason}), so the set was "
            "judged as a generic hip hinge; name it with --exercise to judge it by "
            "its own rules"
        )
    label = PROFILES[recognition.exercise].in_sentence
    reps = f"{recognition.agreeing} of {recognition.reps} reps"
    return (
        f"recognised as a {label} ({recognition.sureness.value} confidence, "
        f"{reps}): {recognition.reason}; name the exercise with --exercise if it "
        "is another"
    )
