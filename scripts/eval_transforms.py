"""Robustness of counts and verdicts to how a clip was filmed: each labelled
clip's pose track is transformed as another camera or phone would have seen the
same set, analyzed in auto (as users run it) and compared with the untransformed
track's answers (rep count, exercise recognised, the faults of every rep).

    python scripts/eval_transforms.py --tracks CACHE [TRANSFORM ...]

CACHE is a folder of pose tracks as `hingecam eval ../shared/clips --tracks
CACHE` records them. Transforms (all by default):
  mirror     the video flipped left-right (the lifter faces the other way);
  half_rate  every other frame (60 -> 30 fps, 30 -> 15 fps);
  rate15     about 15 fps (a phone in low light);
  small      the same pixels in a frame twice as large (a small lifter, off centre);
  jitter     1.5 px of landmark noise (a softer, noisier video).
It prints the clips whose answers changed and, per transform, how many clips
kept every answer and how many rep counts stay exact against the labels.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hingecam.app.driver import Driver
from hingecam.app.eval_score import faults_found, read_manifest
from hingecam.core.datatypes import AnalysisResult, Exercise
from hingecam.core.landmarks import Landmark
from hingecam.core.mode import RECORDED
from hingecam.core.poses import PoseTrack
from hingecam.core.thresholds import load_thresholds
from hingecam.media.tracks import load_track

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"
PER_FRAME = (
    "t_s", "xy_norm", "world_m", "visibility", "presence", "back_profile", "people",
)  # fmt: skip


def _other_side() -> list[int]:
    perm = list(range(len(Landmark)))
    for lm in Landmark:
        for a, b in (("LEFT", "RIGHT"), ("RIGHT", "LEFT")):
            if a in lm.name:
                perm[lm] = Landmark[lm.name.replace(a, b)]
    return perm


def mirror(track: PoseTrack) -> PoseTrack:
    """What the model gives on the flipped video: x mirrored, sides relabelled."""
    perm = _other_side()
    xy = track.xy_norm[:, perm].copy()
    xy[..., 0] = 1.0 - xy[..., 0]
    world = track.world_m[:, perm].copy()
    world[..., 0] *= -1.0
    return dataclasses.replace(
        track,
        xy_norm=xy,
        world_m=world,
        visibility=track.visibility[:, perm],
        presence=track.presence[:, perm],
    )


def _every(track: PoseTrack, k: int) -> PoseTrack:
    return dataclasses.replace(track, **{f: getattr(track, f)[::k] for f in PER_FRAME})


def half_rate(track: PoseTrack) -> PoseTrack:
    return _every(track, 2)


def rate15(track: PoseTrack) -> PoseTrack:
    fps = (len(track.t_s) - 1) / float(track.t_s[-1] - track.t_s[0])
    return _every(track, max(1, round(fps / 15.0)))


def small(track: PoseTrack) -> PoseTrack:
    w, h = track.image_wh
    xy = (track.xy_norm * 0.5 + 0.25).astype(np.float32)
    return dataclasses.replace(track, xy_norm=xy, image_wh=(2 * w, 2 * h))


def jitter(track: PoseTrack) -> PoseTrack:
    w, h = track.image_wh
    noise = np.random.default_rng(0).normal(0.0, 1.5, track.xy_norm.shape)
    xy = (track.xy_norm + noise / np.array([w, h])).astype(np.float32)
    return dataclasses.replace(track, xy_norm=xy)


TRANSFORMS: dict[str, Callable[[PoseTrack], PoseTrack]] = {
    "mirror": mirror,
    "half_rate": half_rate,
    "rate15": rate15,
    "small": small,
    "jitter": jitter,
}


def analyzed(track: PoseTrack) -> AnalysisResult:
    th = load_thresholds(Exercise.AUTO)
    driver = Driver(Exercise.AUTO, th, track.image_wh, mode=RECORDED)
    driver.replay(track, None)
    return driver.finish(thumbnails=False).result


def answers(result: AnalysisResult) -> tuple[int, str, list[list[str]]]:
    return (
        len(result.reps),
        result.exercise.value,
        [sorted(faults_found(rep)) for rep in result.reps],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=Path, required=True)
    parser.add_argument("--clips", type=Path, default=CLIPS)
    parser.add_argument("transforms", nargs="*", metavar="TRANSFORM")
    args = parser.parse_args()
    chosen = args.transforms or list(TRANSFORMS)
    unknown = [t for t in chosen if t not in TRANSFORMS]
    if unknown:
        parser.error(
            f"unknown transform {unknown[0]!r}: one of {', '.join(TRANSFORMS)}"
        )
    labels = read_manifest(args.clips)
    base = {}
    for label in labels:
        track = load_track(args.tracks / (Path(label.file).stem + ".npz"))
        base[label.file] = (track, answers(analyzed(track)))
    for name in chosen:
        same = exact_before = exact_after = 0
        for label in labels:
            track, before = base[label.file]
            after = answers(analyzed(TRANSFORMS[name](track)))
            same += after == before
            exact_before += before[0] == label.reps
            exact_after += after[0] == label.reps
            if after != before:
                print(f"  {name}: {Path(label.file).stem} (labelled {label.reps} reps)")
                print(f"    {before}\n -> {after}")
        n = len(labels)
        print(
            f"{name}: {same} of {n} clips kept every answer; exact rep count "
            f"{exact_before} -> {exact_after} of {n}",
            flush=True,
        )


if __name__ == "__main__":
    main()
