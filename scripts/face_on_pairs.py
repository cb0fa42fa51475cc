"""The knee at 45 deg read face on, against the same rep filmed from the side.

The TBY clips were filmed by two cameras at once, one from the side and one at
45 deg (kbdl_side_X_tby.mp4 and kbdl_45deg_X_tby.mp4). For each rep this prints
the knee's bend at the bottom as the side view reads it, and at 45 deg as the
image shows it, as MediaPipe's 3D landmarks give it, and as recognition reads
it with the legs' plane turned face on (core/face_on.py), with the turn read on
the rep's own standing frames; then each 45 deg reading's difference from the
side's (median, mean absolute, range):

    python scripts/face_on_pairs.py --tracks CACHE

CACHE is the folder of pose tracks `hingecam eval ../shared/clips --tracks
CACHE` writes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from eval_transforms import analyzed  # scripts/ is on the path when run

from hingecam.core import recognition
from hingecam.core.datatypes import Exercise
from hingecam.core.face_on import knee_face_on, leg_points, turn_deg
from hingecam.core.thresholds import load_thresholds
from hingecam.media.tracks import load_track

PAIRS = ("correct", "roundedback", "squatpattern", "hipfirst", "a")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=Path, required=True)
    args = parser.parse_args()
    th = load_thresholds(Exercise.AUTO)
    diffs: dict[str, list[float]] = {"image": [], "3D": [], "face on": []}
    print("pair          rep  turn   side  image     3D  face on   (deg)")
    for pair in PAIRS:
        side = analyzed(load_track(args.tracks / f"kbdl_side_{pair}_tby.npz"))
        track = load_track(args.tracks / f"kbdl_45deg_{pair}_tby.npz")
        oblique = analyzed(track)
        heights = recognition._heights(track, th)
        image = knee_face_on(leg_points(track, th), 0.0)
        for a, b in zip(side.reps, oblique.reps, strict=False):
            lo, hi = b.start_frame, b.end_frame + 1
            hip = oblique.series.hip_flexion_3d_deg[lo:hi]
            turn = turn_deg(heights.turn_sines[lo:hi], hip, th)
            readings = {
                "image": float(image[b.bottom_frame]),
                "3D": float(oblique.series.knee_flexion_3d_deg[b.bottom_frame]),
                "face on": recognition._bottom_knee(b, oblique.series, heights, th),
            }
            truth = a.peaks.knee_flexion_bottom_deg
            for name, value in readings.items():
                diffs[name].append(value - truth)
            print(
                f"{pair:13s} {b.index:3d} {turn:5.0f} {truth:6.0f} "
                + " ".join(f"{v:6.0f}" for v in readings.values())
            )
    print("\n45 deg minus side: median, mean abs, range (deg)")
    for name, values in diffs.items():
        d = np.asarray(values)
        d = d[np.isfinite(d)]
        print(
            f"  {name:8s} {np.median(d):+6.1f} {np.mean(np.abs(d)):6.1f}   "
            f"{d.min():+.0f}..{d.max():+.0f}  ({d.size} reps)"
        )


if __name__ == "__main__":
    main()
