"""How far the hip angle moves when the near knee is placed instead of seen
(core/hidden_knee.py): on every side-view frame of the labelled clips that saw
the near shoulder, hip, knee and ankle, the knee is placed from the hip, the
ankle and the thigh's and shin's lengths of the previous second, exactly as the
filler would place it were the knee hidden, and the 2D hip and knee angles are
compared with the ones the seen knee gives.

    python scripts/hidden_knee_error.py --tracks CACHE

CACHE is a folder of pose tracks as `hingecam eval ../shared/clips --tracks
CACHE` records them. Prints per clip and over all frames the median and the
90th and 95th percentiles of the absolute differences and the signed median, in
degrees, and the knee angle's by how far the seen knee bent.
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


def errors(track: PoseTrack) -> tuple[list[float], list[float], list[float]]:
    """(hip, knee) angle differences, placed minus seen, over the track's
    frames, and the seen knee angle of each of those frames."""
    th = load_thresholds()
    views = estimate_view(track, th)
    facing, filler = FacingEstimator(th), KneeFiller(th)
    wh = np.asarray(track.image_wh, dtype=np.float64)
    hips: list[float] = []
    knees: list[float] = []
    seen_knees: list[float] = []
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
                seen_knee = flexion(px[h], px[k], px[a])
                knees.append(flexion(px[h], placed, ankle) - seen_knee)
                seen_knees.append(seen_knee)
        filler.update(t_s, pose, f)
    return hips, knees, seen_knees


def line(name: str, values: list[float]) -> str:
    v = np.abs(np.asarray(values))
    return (
        f"{name}: {v.size} frames, median {np.median(v):.1f}, "
        f"p90 {np.percentile(v, 90):.1f}, p95 {np.percentile(v, 95):.1f} deg, "
        f"signed median {np.median(values):+.1f}"
    )


KNEE_BANDS_DEG = ((0.0, 20.0), (20.0, 40.0), (40.0, 60.0), (60.0, 90.0), (90.0, 180.0))
"""Bands of the seen knee's bend: the error of a placed knee's angle differs
between a straight leg (most sensitive to the hip-ankle distance) and a bent one."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=Path, required=True)
    parser.add_argument("--clips", type=Path, default=CLIPS)
    args = parser.parse_args()
    all_hips: list[float] = []
    all_knees: list[float] = []
    all_seen: list[float] = []
    for label in read_manifest(args.clips):
        track = load_track(args.tracks / (Path(label.file).stem + ".npz"))
        hips, knees, seen = errors(track)
        if hips:
            print(line(f"  {Path(label.file).stem} hip", hips))
        all_hips += hips
        all_knees += knees
        all_seen += seen
    print(line("hip angle, placed - seen knee", all_hips))
    print(line("knee angle, placed - seen knee", all_knees))
    error, bend = np.asarray(all_knees), np.asarray(all_seen)
    for lo, hi in KNEE_BANDS_DEG:
        band = error[(bend >= lo) & (bend < hi)]
        if band.size:
            print(
                line(
                    f"  knee angle where the seen knee bent {lo:.0f}-{hi:.0f} deg",
                    list(band),
                )
            )


if __name__ == "__main__":
    main()
