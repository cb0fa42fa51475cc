"""How far the hip angle moves when the near knee is placed instead of seen
(core/hidden_knee.py): on every side-view frame of the labelled clips that saw
the near shoulder, hip, knee and ankle, the knee is placed from the hip, the
ankle and the thigh's and shin's lengths of the previous second, exactly as the
filler would place it were the knee hidden, and the 2D hip and knee angles are
compared with the ones the seen knee gives.

    python scripts/hidden_knee_error.py --tracks CACHE

CACHE is a folder of pose tracks as `hingecam eval ../shared/clips --tracks
CACHE` records them. Prints per clip and over all frames the median and the
90th and 95th percentiles of the absolute differences, in degrees.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hingecam.app.eval_score import read_manifest
from hingecam.core.datatypes import View
from hingecam.core.facing import FacingEstimator
from hingecam.core.geometry import angle_at, estimate_view
from hingecam.core.hidden_knee import KneeFiller, two_link_knee
from hingecam.core.landmarks import SIDE_POINTS
from hingecam.core.poses import PoseTrack
from hingecam.core.thresholds import load_thresholds
from hingecam.media.tracks import load_track

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"


def flexion(
    a: NDArray[np.float64], b: NDArray[np.float64], c: NDArray[np.float64]
) -> float:
    """180 minus the angle a-b-c at b, degrees."""
    return 180.0 - float(angle_at(a, b, c))


def errors(track: PoseTrack) -> tuple[list[float], list[float]]:
    """(hip, knee) angle differences, placed minus seen, over the track's frames."""
    th = load_thresholds()
    views = estimate_view(track, th)
    facing, filler = FacingEstimator(th), KneeFiller(th)
    wh = np.asarray(track.image_wh, dtype=np.float64)
    hips: list[float] = []
    knees: list[float] = []
    for i in range(len(track)):
        t_s, pose = float(track.t_s[i]), track.pose_at(i)
        f = facing.update(t_s, pose)
        if pose is None or f.side is None:
            continue
        pts = SIDE_POINTS[f.side]
        s, h, k, a = (int(pts[r]) for r in ("shoulder", "hip", "knee", "ankle"))
        px = pose.xy_norm.astype(np.float64) * wh
        seen = min(pose.visibility[[s, h, k, a]]) >= th.min_visibility
        lengths, ankle = filler.leg()
        if views[i] is View.SIDE and seen and lengths is not None and ankle is not None:
            placed = two_link_knee(px[h], ankle, *lengths, filler.forward(f))
            if placed is not None:
                hips.append(
                    flexion(px[s], px[h], placed) - flexion(px[s], px[h], px[k])
                )
                knees.append(
                    flexion(px[h], placed, ankle) - flexion(px[h], px[k], px[a])
                )
        filler.update(t_s, pose, f)
    return hips, knees


def line(name: str, values: list[float]) -> str:
    v = np.abs(np.asarray(values))
    return (
        f"{name}: {v.size} frames, median {np.median(v):.1f}, "
        f"p90 {np.percentile(v, 90):.1f}, p95 {np.percentile(v, 95):.1f} deg"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=Path, required=True)
    parser.add_argument("--clips", type=Path, default=CLIPS)
    args = parser.parse_args()
    all_hips: list[float] = []
    all_knees: list[float] = []
    for label in read_manifest(args.clips):
        track = load_track(args.tracks / (Path(label.file).stem + ".npz"))
        hips, knees = errors(track)
        if hips:
            print(line(f"  {Path(label.file).stem} hip", hips))
        all_hips += hips
        all_knees += knees
    print(line("hip angle, placed - seen knee", all_hips))
    print(line("knee angle, placed - seen knee", all_knees))


if __name__ == "__main__":
    main()
