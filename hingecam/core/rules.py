"""Fault rules: one rep's smoothed measures -> checks with their evidence.

Each rule is a pure function of a `RepWindow` (the rep's frames), the lifter's
setup posture and the thresholds, returning `Judged` or `NotJudged`; each names
its 2D proxy and its failure modes. The fault registry (`core/faults.py`) runs a
rule only on a rep seen from the side (off the side view the trunk is
foreshortened and the spine's curve cannot be seen) and turns its finding into a
`Check`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Check, Severity, Verdict, VerdictKind
from hingecam.core.measures import Measures, Peaks
from hingecam.core.rep_window import (
    Finding,
    Judged,
    NotJudged,
    RepWindow,
    bottom_band,
    setup_ref,
)
from hingecam.core.thresholds import Thresholds


def knees_barely_straightened(
    knee_range: float, th: Thresholds, what: str = "the knees"
) -> NotJudged:
    """Hips rising first is not judged: the knees (`what` straightened in their
    stead) barely straightened on the way up (below
    hips_first_min_knee_range_deg; the 2D and the 3D rule alike)."""
    return NotJudged(
        f"{what} straightened only {knee_range:.0f} deg on the way up "
        f"(judged from {th.hips_first_min_knee_range_deg:.0f} deg)",
        "deg",
    )


def trunk_at_half_straight(
    knee: NDArray[np.float64],
    trunk: NDArray[np.float64],
    seen: NDArray[np.intp],
    knee_range: float,
) -> tuple[float, int]:
    """The trunk lean at the moment the knees were half straight, and the first
    seen frame at or past it. The moment falls between two frames: the trunk is
    read linearly between them, so where the frames happen to fall (the frame
    rate, a frame dropped) does not move it by a frame's worth of trunk turn.
    The 2D and the 3D rule alike.

    Args:
        knee, trunk: the window's knee flexion and trunk lean per frame.
        seen: the ascent's frames with knee and trunk seen, in order.
        knee_range: how far the knees straightened over them (deg).
    """
    target = float(knee[seen[0]]) - 0.5 * knee_range
    k = int(np.flatnonzero(knee[seen] <= target)[0])
    after = int(seen[k])
    if k == 0:
        return float(trunk[after]), after
    before = int(seen[k - 1])
    a, b = float(knee[before]), float(knee[after])
    w = (a - target) / (a - b) if a > b else 1.0
    return float(trunk[before] + w * (trunk[after] - trunk[before])), after


def straightened_too_fast(
    knee: NDArray[np.float64],
    seen: NDArray[np.intp],
    th: Thresholds,
    what: str = "the knees",
) -> NotJudged | None:
    """Hips rising first is not judged when the knees straightened (to 90% of
    their range, from the first seen ascent frame) within fewer than
    hips_first_min_frames seen frames: the half-straight moment cannot be
    placed (a fast pull at a low frame rate, a hidden knee jumping). The 2D
    and the 3D rule alike; None when there are frames enough.

    Args:
        knee: the window's knee flexion per frame.
        seen: the ascent's frames with knee and trunk seen, in order.
    """
    start = float(knee[seen[0]])
    end = start - 0.9 * (start - float(np.min(knee[seen])))
    straight = seen[knee[seen] <= end][0]
    frames = int(np.count_nonzero(seen <= straight))
    if frames >= th.hips_first_min_frames:
        return None
    return NotJudged(
        f"{what} straightened within {frames} frames: too few to time the hips "
        "against them (film at a higher frame rate)",
        "deg",
    )


def check_rounded_spine(win: RepWindow, setup: Measures, th: Thresholds) -> Finding:
    """Rounded spine: the back leaves the straight line of the dowel test.

    Two 2D proxies from the person mask, over the deepest part of the rep
    (median, so one bad mask frame is not enough), each divided by its limit;
    the larger is the score, flagged at 1:
      - bow: the back's outline humps beyond the line joining its hip and
        shoulder ends (spine_bow_norm), a lower- or mid-back rounding;
      - offset rise: the mid-back outline moves away from the hip-shoulder chord
        compared with standing (back_offset_norm vs the setup posture, else the
        rep's most upright frame), the upper back and shoulders rolling forward.
    The ear against the shoulder-hip line was tried and left out: where the arms
    are (a dowel behind the neck, a bell hanging) moves the shoulder landmark
    more than a rounded neck does. Side view only. Fails with loose clothing, a
    plate or the arms hiding the back, or a background the mask merges with.
    """
    band = bottom_band(win, th.spine_bottom_band_fraction)

    def median(name: str) -> float:
        vals = win[name][band]
        vals = vals[np.isfinite(vals)]
        return float(np.median(vals)) if vals.size >= th.rule_min_frames else math.nan

    bow = median("spine_bow_norm")
    offset = median("back_offset_norm") - setup_ref(setup, "back_offset_norm", win)
    parts = {
        "spine_bow_norm": (bow, th.spine_bow_max_norm),
        "back_offset_norm": (offset, th.spine_offset_rise_norm),
    }
    scores = {k: v / limit for k, (v, limit) in parts.items() if math.isfinite(v)}
    if not scores:
        return NotJudged("the back's outline could not be seen clearly enough", "score")
    key = max(scores, key=lambda k: scores[k])
    idx = np.flatnonzero(band & np.isfinite(win[key]))
    worst = int(idx[np.argmax(win[key][idx])]) if idx.size else win.bottom
    said = []
    if math.isfinite(bow):
        said.append(
            f"the back's outline humped {bow:.2f} shoulder-hip lengths off a straight line "
            f"(limit {th.spine_bow_max_norm:.2f})"
        )
    if math.isfinite(offset):
        said.append(
            f"the mid-back sat {offset:+.2f} lengths further from the hip-shoulder line than "
            f"when standing (limit {th.spine_offset_rise_norm:.2f})"
        )
    return Judged(
        scores[key] >= 1.0,
        scores[key],
        1.0,
        "score",
        worst,
        "near the bottom " + "; ".join(said),
    )


def check_locked_knees(win: RepWindow, setup: Measures, th: Thresholds) -> Finding:
    """Locked knees: the knee nearly straight while the trunk is hinged.

    Proxy: median knee flexion over the frames where the trunk leans at least
    locked_knee_min_trunk_deg. Side view only (knee angles from 45 deg are off by
    -14 +/- 15 deg, Cosoli 2026). A plate or the other leg hiding the near knee
    makes the knee noisy.
    """
    trunk = win["trunk_incline_deg"]
    knee = win["knee_flexion_deg"]
    hinged = (trunk >= th.locked_knee_min_trunk_deg) & np.isfinite(knee)
    if hinged.sum() < th.rule_min_frames:
        return NotJudged("the trunk never leaned far enough to judge the knees", "deg")
    measured = float(np.median(knee[hinged]))
    idx = np.flatnonzero(hinged)
    worst = int(idx[np.argmin(knee[idx])])
    flagged = measured <= th.locked_knee_max_flexion_deg
    return Judged(
        flagged,
        measured,
        th.locked_knee_max_flexion_deg,
        "deg",
        worst,
        f"knees bent {measured:.0f} deg while hinged (locked at or below "
        f"{th.locked_knee_max_flexion_deg:.0f} deg)",
    )


def stoop_squat_index(d_trunk_deg: float, d_knee_deg: float) -> float:
    """Stoop-Squat Index (Schmid et al. 2022): 0 = pure squat, 100 = pure stoop.

    Args:
        d_trunk_deg: trunk lean gained from setup to the bottom.
        d_knee_deg: knee flexion gained from setup to the bottom.
    """
    a = max(d_trunk_deg, 0.0)
    b = max(d_knee_deg, 0.0)
    if a + b <= 1e-9:
        return math.nan
    return 100.0 * a / (a + b)


def knee_bend_gained(win: RepWindow, setup: Measures, at: int) -> tuple[float, str]:
    """The knees' bend gained from setup to frame `at`, and what it was read
    from: the knee angle, or with the shins out of view (the ankles unseen;
    not a knee the load hides, which is placed and leaves both unread) the
    thigh's turn from vertical. The knee's bend is the thigh's turn plus the
    shin's lean, and the shin leans forward at least as far at a hinge's or a
    squat's bottom as standing, so the thigh's turn never reads more bend than
    the knee made: an index read with it errs towards a hinge."""
    for name, said in (("knee_flexion_deg", "knees"), ("thigh_incline_deg", "thighs")):
        gained = float(win[name][at]) - setup_ref(setup, name, win)
        if math.isfinite(gained):
            return gained, said
    return math.nan, "knees"


def check_squat_pattern(win: RepWindow, setup: Measures, th: Thresholds) -> Finding:
    """Squatting instead of hinging: knees bend much, trunk leans little.

    Proxy: the Stoop-Squat Index at the bottom (trunk lean gained over trunk lean
    plus knee flexion gained, vs setup). Side view only: from the front the trunk
    lean is foreshortened and every rep looks like a squat. With the shins out
    of view the thighs' turn stands in for the knees' bend (knee_bend_gained),
    which can miss a mild squat but not flag a hinge.
    """
    b = win.bottom
    d_trunk = float(win["trunk_incline_deg"][b]) - setup_ref(
        setup, "trunk_incline_deg", win
    )
    d_knee, read = knee_bend_gained(win, setup, b)
    ssi = stoop_squat_index(d_trunk, d_knee)
    if not math.isfinite(ssi):
        return NotJudged("trunk or knee not visible at the bottom", "0..100")
    bent = (
        f"the knees bent {d_knee:.0f} deg more"
        if read == "knees"
        else f"the thighs turned {d_knee:.0f} deg further from upright (the shins "
        "out of view; the knees bent at least as far)"
    )
    return Judged(
        ssi < th.squat_max_ssi,
        ssi,
        th.squat_max_ssi,
        "0..100",
        b,
        f"at the bottom the trunk leaned {d_trunk:.0f} deg more than at setup and "
        f"{bent}: stoop-squat index {ssi:.0f} (a squat is below "
        f"{th.squat_max_ssi:.0f})",
    )


def _ascent_straightening(
    win: RepWindow, th: Thresholds
) -> tuple[NDArray[np.float64], NDArray[np.intp], str] | NotJudged:
    """What the hips-first rule times the trunk against on the way up: the
    knees' bend, or with the shins out of view for the ascent the thighs' turn
    from vertical (the knee's bend less the shin's lean, which also goes to
    zero at lockout), with the ascent's frames where it and the trunk were
    seen and what it is called; NotJudged when neither was seen from the
    bottom on."""
    b = win.bottom
    trunk = win["trunk_incline_deg"][b:]
    hidden = None
    for name, what in (
        ("knee_flexion_deg", "the knees"),
        ("thigh_incline_deg", "the thighs (the shins out of view)"),
    ):
        series = win[name][b:]
        ok = np.flatnonzero(np.isfinite(series) & np.isfinite(trunk))
        if ok.size < th.hips_first_min_frames:
            continue
        if ok[0] > 0:
            # Not seen at the bottom itself, for longer than the smoother
            # bridges: hidden behind the load (a plate in front of the near
            # knee). Timed from where it reappears, the straightening misses
            # its fast start when the hips rise first (a knee 86 deg at the
            # bottom came back into view at 30), and half way is read late.
            hidden = hidden or NotJudged(
                "the knees were hidden at the bottom of the pull", "deg"
            )
            continue
        return series, ok, what
    return hidden or NotJudged("the ascent was not seen clearly enough", "deg")


def check_hips_rise_first(win: RepWindow, setup: Measures, th: Thresholds) -> Finding:
    """Hips rise first: on the way up the hips shoot up while the chest stays down.

    Proxy: the trunk lean at the moment the knees have done half of their
    straightening, minus the trunk lean at the bottom. When hips and shoulders
    rise together the trunk is already more upright (negative); a constant back
    angle off the floor, which is correct, gives about 0; hips rising first makes
    the trunk lean further forward (positive). Only judged when the knees
    straighten at least hips_first_min_knee_range_deg (an RDL keeps the knee
    still). With the shins out of view the thighs' return to upright is timed
    instead (_ascent_straightening): on the 49 side-view reps judged both
    ways its trunk drop is within 4 deg of the knees' on 42 and gives the same
    verdict on 48 (scripts/thigh_vs_knee.py, docs/eval-baseline.md). Side
    view only.
    """
    b = win.bottom
    trunk = win["trunk_incline_deg"][b:]
    found = _ascent_straightening(win, th)
    if isinstance(found, NotJudged):
        return found
    knee, ok, what = found
    knee_start = float(knee[ok[0]])
    knee_range = knee_start - float(np.min(knee[ok]))
    if knee_range < th.hips_first_min_knee_range_deg:
        return knees_barely_straightened(knee_range, th, what)
    too_fast = straightened_too_fast(knee, ok, th, what)
    if too_fast is not None:
        return too_fast
    at_half, half = trunk_at_half_straight(knee, trunk, ok, knee_range)
    drop = at_half - float(trunk[ok[0]])
    return Judged(
        drop >= th.hips_first_min_trunk_drop_deg,
        drop,
        th.hips_first_min_trunk_drop_deg,
        "deg",
        b + int(half),
        f"when {what} were half straight the trunk leaned {drop:+.0f} deg "
        f"compared with the bottom (hips and chest rising together make this "
        f"negative; limit {th.hips_first_min_trunk_drop_deg:+.0f} deg)",
    )


def check_shallow_hinge(win: RepWindow, setup: Measures, th: Thresholds) -> Finding:
    """Not enough hinge: the trunk barely leans at the bottom (and it is no squat).

    Proxy: trunk lean at the bottom vs setup. Side view only.
    """
    b = win.bottom
    d_trunk = float(win["trunk_incline_deg"][b]) - setup_ref(
        setup, "trunk_incline_deg", win
    )
    if not math.isfinite(d_trunk):
        return NotJudged("the trunk was not visible at the bottom", "deg")
    return Judged(
        d_trunk < th.shallow_hinge_max_trunk_deg,
        d_trunk,
        th.shallow_hinge_max_trunk_deg,
        "deg",
        b,
        f"the trunk leaned {d_trunk:.0f} deg further than at setup at the bottom "
        f"(at least {th.shallow_hinge_max_trunk_deg:.0f} deg is a real hinge)",
    )


def check_lean_back(win: RepWindow, setup: Measures, th: Thresholds) -> Finding:
    """Lean-back at lockout: the trunk behind its setup angle at the top.

    Proxy: the least trunk lean in the last third of the rep vs setup. Side view only.
    """
    trunk = win["trunk_incline_deg"]
    ref = setup.trunk_incline_deg
    tail = np.arange(win.bottom, trunk.size)
    tail = tail[np.isfinite(trunk[tail])]
    if not math.isfinite(ref) or tail.size == 0:
        return NotJudged("no setup posture to compare the lockout with", "deg")
    i = int(tail[np.argmin(trunk[tail])])
    back = ref - float(trunk[i])
    return Judged(
        back >= th.lean_back_min_deg,
        back,
        th.lean_back_min_deg,
        "deg",
        i,
        f"at lockout the trunk leaned {back:.0f} deg further back than at setup "
        f"(limit {th.lean_back_min_deg:.0f} deg)",
    )


NOT_JUDGED_CUE = "rep counted: turn sideways so your form can be checked"
GOOD_REP_CUE = "good rep"


def rep_cue(checks: tuple[Check, ...]) -> tuple[str, Severity]:
    """What to tell the lifter after a rep: the most severe flag's cue, a plain
    "good rep", or, when nothing could be judged (camera view), how to fix that."""
    verdict = Verdict.of(checks)
    if verdict.kind is VerdictKind.FAULTS:
        worst = verdict.flags[0]
        return worst.cue, worst.severity
    if verdict.kind is VerdictKind.NOT_JUDGED:
        return NOT_JUDGED_CUE, Severity.NOTE
    return GOOD_REP_CUE, Severity.NOTE


def rep_peaks(win: RepWindow, setup: Measures) -> Peaks:
    """Headline numbers of a rep for the report (degrees, ratios)."""
    b = win.bottom

    def at(name: str, i: int) -> float:
        return float(win[name][i])

    d_trunk = at("trunk_incline_deg", b) - setup_ref(setup, "trunk_incline_deg", win)
    d_knee, _ = knee_bend_gained(win, setup, b)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN measure is NaN
        return Peaks(
            hip_flexion_max_deg=float(np.nanmax(win["hip_flexion_deg"])),
            trunk_incline_bottom_deg=at("trunk_incline_deg", b),
            trunk_incline_max_deg=float(np.nanmax(win["trunk_incline_deg"])),
            knee_flexion_bottom_deg=at("knee_flexion_deg", b),
            knee_flexion_min_deg=float(np.nanmin(win["knee_flexion_deg"])),
            shin_incline_bottom_deg=at("shin_incline_deg", b),
            spine_bow_max_norm=float(np.nanmax(win["spine_bow_norm"]))
            if np.isfinite(win["spine_bow_norm"]).any()
            else math.nan,
            head_offset_bottom_deg=at("head_offset_deg", b),
            stoop_squat_index=stoop_squat_index(d_trunk, d_knee),
        )
