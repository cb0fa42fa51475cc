"""Fault rules: one rep's smoothed measures -> checks with their evidence.

Each rule is a pure function of a `RepWindow` (the rep's frames), the lifter's
setup posture, the exercise profile and the thresholds. Each names its 2D proxy
and its failure modes. Verdicts that need a side view return NOT_JUDGED from
other views: the trunk is foreshortened and the spine's curve cannot be seen.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    Check,
    Fault,
    Outcome,
    Severity,
    Verdict,
    VerdictKind,
    View,
)
from hingecam.core.measures import Measures, Peaks
from hingecam.core.thresholds import Profile, Thresholds

CUES: dict[Fault, str] = {
    Fault.ROUNDED_SPINE: "keep your back flat: chest proud, hinge only as far as it stays straight",
    Fault.LOCKED_KNEES: "soften your knees",
    Fault.SQUAT_PATTERN: "push your hips back, not down: keep the shins nearly vertical",
    Fault.HIPS_RISE_FIRST: "lift your chest and hips together: push the floor away",
    Fault.SHALLOW_HINGE: "push your hips further back to hinge deeper",
    Fault.LEAN_BACK: "finish tall: squeeze your glutes, don't lean back",
}
"""Plain-words coaching cue per fault, shown live and in the report."""

SEVERITY: dict[Fault, Severity] = {
    Fault.ROUNDED_SPINE: Severity.FAULT,
    Fault.LOCKED_KNEES: Severity.FAULT,
    Fault.SQUAT_PATTERN: Severity.FAULT,
    Fault.HIPS_RISE_FIRST: Severity.FAULT,
    Fault.SHALLOW_HINGE: Severity.WARNING,
    Fault.LEAN_BACK: Severity.NOTE,
}

MAIN_FAULTS = (
    Fault.ROUNDED_SPINE,
    Fault.LOCKED_KNEES,
    Fault.SQUAT_PATTERN,
    Fault.HIPS_RISE_FIRST,
)
"""The four faults hingecam is built to flag; the others are extra cues."""


@dataclass(frozen=True)
class RepWindow:
    """The smoothed measures of one rep, start to end inclusive.

    Attributes:
        t_s: (M,) seconds.
        frames: (M,) frame indices.
        views: per-frame camera view.
        values: measure name -> (M,) smoothed values (MeasureSeries field names).
        bottom: index into the window of the deepest hip flexion.
    """

    t_s: NDArray[np.float64]
    frames: NDArray[np.int64]
    views: tuple[View, ...]
    values: dict[str, NDArray[np.float64]]
    bottom: int

    def __getitem__(self, name: str) -> NDArray[np.float64]:
        return self.values[name]

    def dominant_view(self) -> View:
        known = [v for v in self.views if v is not View.UNKNOWN]
        if not known:
            return View.UNKNOWN
        return max(set(known), key=known.count)


def _check(
    fault: Fault,
    flagged: bool,
    measured: float,
    threshold: float,
    unit: str,
    win: RepWindow,
    at: int,
    reason: str,
) -> Check:
    return Check(
        fault=fault,
        outcome=Outcome.FLAGGED if flagged else Outcome.OK,
        measured=float(measured),
        threshold=float(threshold),
        unit=unit,
        t_s=float(win.t_s[at]),
        frame=int(win.frames[at]),
        severity=SEVERITY[fault],
        cue=CUES[fault],
        reason=reason,
    )


def _not_judged(
    fault: Fault, reason: str, unit: str = "", threshold: float = math.nan
) -> Check:
    return Check(
        fault=fault,
        outcome=Outcome.NOT_JUDGED,
        measured=math.nan,
        threshold=threshold,
        unit=unit,
        t_s=math.nan,
        frame=-1,
        severity=SEVERITY[fault],
        cue=CUES[fault],
        reason=reason,
    )


def _knees_barely_straightened(
    fault: Fault, knee_range: float, th: Thresholds
) -> Check:
    """Hips rising first is not judged: the knees barely straightened on the way
    up (below hips_first_min_knee_range_deg; the 2D and the 3D rule alike)."""
    return _not_judged(
        fault,
        f"the knees straightened only {knee_range:.0f} deg on the way up "
        f"(judged from {th.hips_first_min_knee_range_deg:.0f} deg)",
        "deg",
    )


def _needs_side(fault: Fault, win: RepWindow, th: Thresholds) -> Check | None:
    """NOT_JUDGED unless the rep was seen, and seen from the side, long enough."""
    seen = [v for v in win.views if v is not View.UNKNOWN]
    if len(seen) < th.view_min_side_share * len(win.views):
        share = len(seen) / max(len(win.views), 1)
        return _not_judged(
            fault, f"the lifter was seen clearly in only {share:.0%} of this rep"
        )
    if sum(v is View.SIDE for v in seen) >= th.view_min_side_share * len(seen):
        return None
    return _not_judged(
        fault,
        f"the camera saw this rep from {win.dominant_view().phrase}; "
        "judging this needs a side view",
    )


def _bottom_band(win: RepWindow, fraction: float) -> NDArray[np.bool_]:
    """Frames where hip flexion is within the deepest (1 - fraction) of the rep."""
    hip = win["hip_flexion_deg"]
    if not np.isfinite(hip).any():
        return np.zeros(hip.shape, dtype=bool)
    lo = np.nanmin(hip)
    hi = np.nanmax(hip)
    return np.asarray(hip >= lo + fraction * (hi - lo))


def _ref(setup: Measures, name: str, win: RepWindow) -> float:
    """The lifter's setup value, else the value at the rep's most upright frame
    (its start for a rep from standing, its lockout for a pull from the floor)."""
    value = setup.get(name)
    if math.isfinite(value):
        return value
    hip = win["hip_flexion_deg"]
    series = win[name]
    ok = np.flatnonzero(np.isfinite(series) & np.isfinite(hip))
    return float(series[ok[np.argmin(hip[ok])]]) if ok.size else math.nan


def check_rounded_spine(win: RepWindow, setup: Measures, th: Thresholds) -> Check:
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
    fault = Fault.ROUNDED_SPINE
    if (blocked := _needs_side(fault, win, th)) is not None:
        return blocked
    band = _bottom_band(win, th.spine_bottom_band_fraction)

    def median(name: str) -> float:
        vals = win[name][band]
        vals = vals[np.isfinite(vals)]
        return float(np.median(vals)) if vals.size >= th.rule_min_frames else math.nan

    bow = median("spine_bow_norm")
    offset = median("back_offset_norm") - _ref(setup, "back_offset_norm", win)
    parts = {
        "spine_bow_norm": (bow, th.spine_bow_max_norm),
        "back_offset_norm": (offset, th.spine_offset_rise_norm),
    }
    scores = {k: v / limit for k, (v, limit) in parts.items() if math.isfinite(v)}
    if not scores:
        return _not_judged(
            fault, "the back's outline could not be seen clearly enough", "score"
        )
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
    return _check(
        fault,
        scores[key] >= 1.0,
        scores[key],
        1.0,
        "score",
        win,
        worst,
        "near the bottom " + "; ".join(said),
    )


def check_locked_knees(win: RepWindow, setup: Measures, th: Thresholds) -> Check:
    """Locked knees: the knee nearly straight while the trunk is hinged.

    Proxy: median knee flexion over the frames where the trunk leans at least
    locked_knee_min_trunk_deg. Side view only (knee angles from 45 deg are off by
    -14 +/- 15 deg, Cosoli 2026). A plate or the other leg hiding the near knee
    makes the knee noisy.
    """
    fault = Fault.LOCKED_KNEES
    if (blocked := _needs_side(fault, win, th)) is not None:
        return blocked
    trunk = win["trunk_incline_deg"]
    knee = win["knee_flexion_deg"]
    hinged = (trunk >= th.locked_knee_min_trunk_deg) & np.isfinite(knee)
    if hinged.sum() < th.rule_min_frames:
        return _not_judged(
            fault, "the trunk never leaned far enough to judge the knees", "deg"
        )
    measured = float(np.median(knee[hinged]))
    idx = np.flatnonzero(hinged)
    worst = int(idx[np.argmin(knee[idx])])
    flagged = measured <= th.locked_knee_max_flexion_deg
    return _check(
        fault,
        flagged,
        measured,
        th.locked_knee_max_flexion_deg,
        "deg",
        win,
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


def check_squat_pattern(win: RepWindow, setup: Measures, th: Thresholds) -> Check:
    """Squatting instead of hinging: knees bend much, trunk leans little.

    Proxy: the Stoop-Squat Index at the bottom (trunk lean gained over trunk lean
    plus knee flexion gained, vs setup). Side view only: from the front the trunk
    lean is foreshortened and every rep looks like a squat.
    """
    fault = Fault.SQUAT_PATTERN
    if (blocked := _needs_side(fault, win, th)) is not None:
        return blocked
    b = win.bottom
    d_trunk = float(win["trunk_incline_deg"][b]) - _ref(setup, "trunk_incline_deg", win)
    d_knee = float(win["knee_flexion_deg"][b]) - _ref(setup, "knee_flexion_deg", win)
    ssi = stoop_squat_index(d_trunk, d_knee)
    if not math.isfinite(ssi):
        return _not_judged(fault, "trunk or knee not visible at the bottom", "0..100")
    return _check(
        fault,
        ssi < th.squat_max_ssi,
        ssi,
        th.squat_max_ssi,
        "0..100",
        win,
        b,
        f"at the bottom the trunk leaned {d_trunk:.0f} deg more than at setup and the knees "
        f"bent {d_knee:.0f} deg more: stoop-squat index {ssi:.0f} (a squat is below "
        f"{th.squat_max_ssi:.0f})",
    )


def check_hips_rise_first(win: RepWindow, setup: Measures, th: Thresholds) -> Check:
    """Hips rise first: on the way up the hips shoot up while the chest stays down.

    Proxy: the trunk lean at the moment the knees have done half of their
    straightening, minus the trunk lean at the bottom. When hips and shoulders
    rise together the trunk is already more upright (negative); a constant back
    angle off the floor, which is correct, gives about 0; hips rising first makes
    the trunk lean further forward (positive). Only judged when the knees
    straighten at least hips_first_min_knee_range_deg (an RDL keeps the knee
    still). Side view only.
    """
    fault = Fault.HIPS_RISE_FIRST
    if (blocked := _needs_side(fault, win, th)) is not None:
        return blocked
    b = win.bottom
    knee = win["knee_flexion_deg"][b:]
    trunk = win["trunk_incline_deg"][b:]
    ok = np.flatnonzero(np.isfinite(knee) & np.isfinite(trunk))
    if ok.size < th.hips_first_min_frames:
        return _not_judged(fault, "the ascent was not seen clearly enough", "deg")
    knee_start = float(knee[ok[0]])
    knee_range = knee_start - float(np.min(knee[ok]))
    if knee_range < th.hips_first_min_knee_range_deg:
        return _knees_barely_straightened(fault, knee_range, th)
    half = ok[knee[ok] <= knee_start - 0.5 * knee_range][0]
    drop = float(trunk[half] - trunk[ok[0]])
    return _check(
        fault,
        drop >= th.hips_first_min_trunk_drop_deg,
        drop,
        th.hips_first_min_trunk_drop_deg,
        "deg",
        win,
        b + int(half),
        f"when the knees were half straight the trunk leaned {drop:+.0f} deg compared with "
        f"the bottom (hips and chest rising together make this negative; limit "
        f"{th.hips_first_min_trunk_drop_deg:+.0f} deg)",
    )


def check_shallow_hinge(win: RepWindow, setup: Measures, th: Thresholds) -> Check:
    """Not enough hinge: the trunk barely leans at the bottom (and it is no squat).

    Proxy: trunk lean at the bottom vs setup. Side view only.
    """
    fault = Fault.SHALLOW_HINGE
    if (blocked := _needs_side(fault, win, th)) is not None:
        return blocked
    b = win.bottom
    d_trunk = float(win["trunk_incline_deg"][b]) - _ref(setup, "trunk_incline_deg", win)
    if not math.isfinite(d_trunk):
        return _not_judged(fault, "the trunk was not visible at the bottom", "deg")
    return _check(
        fault,
        d_trunk < th.shallow_hinge_max_trunk_deg,
        d_trunk,
        th.shallow_hinge_max_trunk_deg,
        "deg",
        win,
        b,
        f"the trunk leaned {d_trunk:.0f} deg further than at setup at the bottom "
        f"(at least {th.shallow_hinge_max_trunk_deg:.0f} deg is a real hinge)",
    )


def check_lean_back(win: RepWindow, setup: Measures, th: Thresholds) -> Check:
    """Lean-back at lockout: the trunk behind its setup angle at the top.

    Proxy: the least trunk lean in the last third of the rep vs setup. Side view only.
    """
    fault = Fault.LEAN_BACK
    if (blocked := _needs_side(fault, win, th)) is not None:
        return blocked
    trunk = win["trunk_incline_deg"]
    ref = setup.trunk_incline_deg
    tail = np.arange(win.bottom, trunk.size)
    tail = tail[np.isfinite(trunk[tail])]
    if not math.isfinite(ref) or tail.size == 0:
        return _not_judged(fault, "no setup posture to compare the lockout with", "deg")
    i = int(tail[np.argmin(trunk[tail])])
    back = ref - float(trunk[i])
    return _check(
        fault,
        back >= th.lean_back_min_deg,
        back,
        th.lean_back_min_deg,
        "deg",
        win,
        i,
        f"at lockout the trunk leaned {back:.0f} deg further back than at setup "
        f"(limit {th.lean_back_min_deg:.0f} deg)",
    )


def evaluate_rep(
    win: RepWindow, setup: Measures, profile: Profile, th: Thresholds
) -> tuple[Check, ...]:
    """All checks that apply to this exercise profile, in a stable order."""
    checks = [check_rounded_spine(win, setup, th)]
    if profile.soft_knees:
        checks.append(check_locked_knees(win, setup, th))
    if profile.hinge_only:
        checks.append(check_squat_pattern(win, setup, th))
    if profile.knee_extends:
        checks.append(check_hips_rise_first(win, setup, th))
    if profile.hinge_only and not profile.from_floor:
        shallow = check_shallow_hinge(win, setup, th)
        squat = next((c for c in checks if c.fault is Fault.SQUAT_PATTERN), None)
        if squat is not None and squat.outcome is Outcome.FLAGGED:
            shallow = _not_judged(
                Fault.SHALLOW_HINGE, "the rep was a squat pattern instead"
            )
        checks.append(shallow)
    checks.append(check_lean_back(win, setup, th))
    return tuple(checks)


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

    d_trunk = at("trunk_incline_deg", b) - _ref(setup, "trunk_incline_deg", win)
    d_knee = at("knee_flexion_deg", b) - _ref(setup, "knee_flexion_deg", win)
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
