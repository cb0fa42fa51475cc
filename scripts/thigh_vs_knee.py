"""The thighs' turn against the knees' bend, rep by rep, on the labelled clips.

With the feet out of frame the knee angle is lost with the ankle and the rules
read the thigh's lean from vertical instead (rules.knee_bend_gained,
rules._ascent_straightening; at 45 deg rules3d._straightening_3d). This prints,
for every side-view rep of the labelled clips (feet seen, auto as users run
it), the stoop-squat index and the hips-first trunk drop read both ways, then
how far the two readings are apart; then for every 45 deg and front rep the 3D
squat and hips-first rules' readings with the 3D knee and with the 3D thigh.
Each reading is the rule's own, run on the rep's window as analysis built it
with the thigh's lean removed (the knee read) and with the knee angle removed
(the thigh read; off the side, the squat's reading is then a stoop-squat
index, not the hip-knee index):

    python scripts/thigh_vs_knee.py --tracks CACHE

CACHE is the folder of pose tracks `hingecam eval ../shared/clips --tracks
CACHE` writes.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from eval_transforms import CLIPS, analyzed  # scripts/ is on the path when run

from hingecam.app.eval_score import read_manifest
from hingecam.core.datatypes import AnalysisResult, Rep, View
from hingecam.core.measures import Measures
from hingecam.core.rep_window import Finding, RepWindow
from hingecam.core.rules import check_hips_rise_first, check_squat_pattern
from hingecam.core.rules3d import check_hips_rise_first_3d, check_squat_pattern_3d
from hingecam.core.thresholds import Thresholds, load_thresholds
from hingecam.media.tracks import load_track

Rule = Callable[[RepWindow, Measures, Thresholds], Finding]


def reading(result: AnalysisResult, rep: Rep, rule: Rule, without: str) -> float:
    """A rule's reading of the rep (NaN when not judged), run on the rep's
    window with the measure `without` removed."""
    series, lo, hi = result.series, rep.start_frame, rep.end_frame + 1
    values = {name: getattr(series, name)[lo:hi] for name in series.ANGLE_FIELDS}
    values[without] = np.full(hi - lo, np.nan)
    window = RepWindow(
        t_s=series.t_s[lo:hi],
        frames=np.arange(lo, hi, dtype=np.int64),
        views=series.view[lo:hi],
        values=values,
        bottom=rep.bottom_frame - lo,
    )
    setup = result.setup if result.setup is not None else Measures()
    found = rule(window, setup, load_thresholds(result.exercise))
    return float(getattr(found, "measured", math.nan))


def off_side(rule: Callable[[RepWindow, Measures, Thresholds, View], Finding]) -> Rule:
    """A 3D rule as a side rule: judged as from 45 deg."""
    return lambda window, setup, th: rule(window, setup, th, View.OBLIQUE)


def both(
    result: AnalysisResult, rep: Rep, rule: Rule, knee: str, thigh: str
) -> tuple[float, float]:
    """The rule's reading with the knee angle only (the thigh removed) and
    with the thigh only (the knee removed)."""
    return reading(result, rep, rule, thigh), reading(result, rep, rule, knee)


def both_3d(result: AnalysisResult, rule: Rule) -> str:
    pairs = (
        both(result, rep, rule, "knee_flexion_3d_deg", "thigh_incline_3d_deg")
        for rep in result.reps
    )
    return " ".join(f"{a:+4.0f}/{b:+4.0f}" for a, b in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=Path, required=True)
    parser.add_argument("--clips", type=Path, default=CLIPS)
    args = parser.parse_args()
    limit = load_thresholds().hips_first_min_trunk_drop_deg
    drops: list[tuple[float, float]] = []
    for label in read_manifest(args.clips):
        if label.view not in ("side", "45deg", "front"):
            continue
        stem = Path(label.file).stem
        result = analyzed(load_track(args.tracks / f"{stem}.npz"))
        faults = ",".join(label.faults) or "none"
        if label.view != "side":
            squat_3d, hips_3d = (
                both_3d(result, off_side(rule))
                for rule in (check_squat_pattern_3d, check_hips_rise_first_3d)
            )
            print(
                f"{stem[:36]:36s} {faults:15s} {label.view}: 3D knee/thigh, squat "
                f"(hip-knee / stoop-squat index) {squat_3d}; hips-first {hips_3d}"
            )
            continue
        for rep in result.reps:
            squat, hips = (
                both(result, rep, rule, "knee_flexion_deg", "thigh_incline_deg")
                for rule in (check_squat_pattern, check_hips_rise_first)
            )
            if all(math.isfinite(d) for d in hips):
                drops.append(hips)
            print(
                f"{stem[:36]:36s} {faults:15s} rep {rep.index}: squat index knee "
                f"{squat[0]:4.0f} thigh {squat[1]:4.0f}; hips-first drop knee "
                f"{hips[0]:+5.0f} thigh {hips[1]:+5.0f}"
            )
    if drops:
        knee, thigh = np.array(drops).T
        gap = np.abs(knee - thigh)
        same = int(np.sum((knee >= limit) == (thigh >= limit)))
        print(
            f"side-view hips-first drop, knee vs thigh, {gap.size} reps judged both "
            f"ways: within 4 deg on {int(np.sum(gap <= 4.0))}, median "
            f"{np.median(gap):.1f} deg, max {gap.max():.0f} deg; the same verdict "
            f"(limit {limit:+.0f} deg) on {same}"
        )


if __name__ == "__main__":
    main()
