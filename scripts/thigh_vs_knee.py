"""The thighs' turn against the knees' bend, rep by rep, on the labelled clips.

With the feet out of frame the knee angle is lost with the ankle and the rules
read the thigh's lean from vertical instead (rules.knee_bend_gained,
rules._ascent_straightening; at 45 deg rules3d._straightening_3d). This prints,
for every side-view rep of the labelled clips (feet seen, auto as users run
it), the stoop-squat index and the hips-first trunk drop read both ways, then
how far the two readings are apart; then for every 45 deg and front rep the 3D
squat and hips-first rules' readings with the 3D knee and with the 3D thigh
(the same rep with its 3D knee angle removed; the squat's reading is then a
stoop-squat index, not the hip-knee index):

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
from numpy.typing import NDArray

from hingecam.app.driver import Driver
from hingecam.app.eval_score import read_manifest
from hingecam.core.datatypes import AnalysisResult, Exercise, MeasureSeries, Rep, View
from hingecam.core.measures import Measures
from hingecam.core.mode import RECORDED
from hingecam.core.rep_window import Finding, RepWindow
from hingecam.core.rules import stoop_squat_index, trunk_at_half_straight
from hingecam.core.rules3d import check_hips_rise_first_3d, check_squat_pattern_3d
from hingecam.core.thresholds import Thresholds, load_thresholds
from hingecam.media.tracks import load_track

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"


def analyzed(path: Path) -> AnalysisResult:
    track = load_track(path)
    th = load_thresholds(Exercise.AUTO)
    driver = Driver(Exercise.AUTO, th, track.image_wh, mode=RECORDED)
    driver.replay(track, None)
    return driver.finish(thumbnails=False).result


def gained(result: AnalysisResult, name: str, rep: Rep) -> float:
    """The measure at the rep's bottom less its setup value (else its value at
    the rep's most upright frame), as the rules read it."""
    values: NDArray[np.float64] = getattr(result.series, name)
    ref = result.setup.get(name) if result.setup is not None else math.nan
    if not math.isfinite(ref):
        hip = result.series.hip_flexion_deg[rep.start_frame : rep.end_frame + 1]
        ok = np.flatnonzero(
            np.isfinite(hip) & np.isfinite(values[rep.start_frame : rep.end_frame + 1])
        )
        if not ok.size:
            return math.nan
        ref = float(values[rep.start_frame + ok[np.argmin(hip[ok])]])
    return float(values[rep.bottom_frame]) - ref


def trunk_drop(series: MeasureSeries, name: str, rep: Rep) -> float:
    """The hips-first reading (trunk at half straight less at the bottom) with
    `name` as what straightens; NaN when it straightened under 10 deg."""
    b, end = rep.bottom_frame, rep.end_frame + 1
    straightening: NDArray[np.float64] = getattr(series, name)[b:end]
    trunk = series.trunk_incline_deg[b:end]
    ok = np.flatnonzero(np.isfinite(straightening) & np.isfinite(trunk))
    if ok.size < 4:
        return math.nan
    rng = float(straightening[ok[0]] - np.min(straightening[ok]))
    if rng < 10.0:
        return math.nan
    at_half, _ = trunk_at_half_straight(straightening, trunk, ok, rng)
    return at_half - float(trunk[ok[0]])


Rule3D = Callable[[RepWindow, Measures, Thresholds, View], Finding]


def read_3d(result: AnalysisResult, rep: Rep, rule: Rule3D, knee: bool) -> float:
    """A 3D rule's reading of the rep (NaN when not judged), with its 3D knee
    angle or, `knee` False, without it (the 3D thigh read instead)."""
    series, lo, hi = result.series, rep.start_frame, rep.end_frame + 1
    values = {name: getattr(series, name)[lo:hi] for name in series.ANGLE_FIELDS}
    if not knee:
        values["knee_flexion_3d_deg"] = np.full(hi - lo, np.nan)
    window = RepWindow(
        t_s=series.t_s[lo:hi],
        frames=np.arange(lo, hi, dtype=np.int64),
        views=series.view[lo:hi],
        values=values,
        bottom=rep.bottom_frame - lo,
    )
    setup = result.setup if result.setup is not None else Measures()
    found = rule(window, setup, load_thresholds(result.exercise), View.OBLIQUE)
    return float(getattr(found, "measured", math.nan))


def both_3d(result: AnalysisResult, rule: Rule3D) -> str:
    return " ".join(
        f"{read_3d(result, rep, rule, True):+4.0f}/{read_3d(result, rep, rule, False):+4.0f}"
        for rep in result.reps
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=Path, required=True)
    parser.add_argument("--clips", type=Path, default=CLIPS)
    args = parser.parse_args()
    gaps: list[float] = []
    for label in read_manifest(args.clips):
        if label.view != "side":
            continue
        stem = Path(label.file).stem
        result = analyzed(args.tracks / f"{stem}.npz")
        for rep in result.reps:
            d_trunk = gained(result, "trunk_incline_deg", rep)
            by_knee = stoop_squat_index(
                d_trunk, gained(result, "knee_flexion_deg", rep)
            )
            by_thigh = stoop_squat_index(
                d_trunk, gained(result, "thigh_incline_deg", rep)
            )
            drops = [
                trunk_drop(result.series, n, rep)
                for n in ("knee_flexion_deg", "thigh_incline_deg")
            ]
            if all(math.isfinite(d) for d in drops):
                gaps.append(abs(drops[0] - drops[1]))
            print(
                f"{stem[:36]:36s} {','.join(label.faults) or 'none':15s} rep {rep.index}: "
                f"squat index knee {by_knee:4.0f} thigh {by_thigh:4.0f}; "
                f"hips-first drop knee {drops[0]:+5.0f} thigh {drops[1]:+5.0f}"
            )
    for label in read_manifest(args.clips):
        if label.view not in ("45deg", "front"):
            continue
        stem = Path(label.file).stem
        result = analyzed(args.tracks / f"{stem}.npz")
        faults = ",".join(label.faults) or "none"
        print(
            f"{stem[:36]:36s} {faults:15s} {label.view}: 3D knee/thigh, squat "
            f"(hip-knee / stoop-squat index) {both_3d(result, check_squat_pattern_3d)}; "
            f"hips-first {both_3d(result, check_hips_rise_first_3d)}"
        )
    if gaps:
        arr = np.array(gaps)
        print(
            f"hips-first drop, knee vs thigh, {arr.size} reps read both ways: "
            f"within 4 deg on {int(np.sum(arr <= 4.0))}, median {np.median(arr):.1f} deg, "
            f"max {arr.max():.0f} deg"
        )


if __name__ == "__main__":
    main()
