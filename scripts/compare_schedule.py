"""Compare scheduled inference with --full-rate on every clip of a folder.

For each clip in MANIFEST.tsv: the pose track inferred at full rate (every frame,
two poses, masks) and the one the default Schedule infers, both replayed through
the same Driver; prints every difference in rep count, rep boundaries (frames)
and per-rep checks (fault and outcome), and how many frames each way inferred.
Tracks are cached per mode (a full-rate cache can be `hingecam eval --tracks`'s).

    python scripts/compare_schedule.py [CLIPS] [--full-rate-tracks DIR]
        [--tracks DIR] [--only SUBSTR ...] [--model lite|full|heavy|PATH]
        [--single-pose] [--min-inferred-fps FPS] [--threads N]

Exit 1 when a count or a check differs or a boundary moves by more than
--max-boundary-frames.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CLIPS = REPO.parent / "shared" / "clips"


def track_for(
    clip: Path, cache: Path, schedule: Any, exercise: Any, thresholds: Any, model: Path
) -> tuple[Any, float | None]:
    """The clip's pose track (cached), and the seconds inference took if run now."""
    from hingecam.app.pipeline import analyze_video
    from hingecam.media.tracks import load_track, save_track

    cached = cache / (clip.stem + ".npz")
    if cached.is_file():
        return load_track(cached), None
    start = time.perf_counter()
    run = analyze_video(
        clip,
        exercise=exercise,
        thresholds=thresholds,
        model_path=model,
        schedule=schedule,
    )
    took = time.perf_counter() - start
    cache.mkdir(parents=True, exist_ok=True)
    save_track(run.track, cached)
    return run.track, took


def replay(track: Any, exercise: Any, thresholds: Any) -> Any:
    from hingecam.app.driver import Driver

    driver = Driver(exercise, thresholds, track.image_wh)
    driver.replay(track)
    return driver.finish(thumbnails=False).result


def rep_checks(rep: Any) -> list[tuple[str, str]]:
    return sorted((c.fault.value, c.outcome.value) for c in rep.checks)


def differences(a: Any, b: Any, max_frames: int) -> tuple[list[str], int]:
    """Lines naming each difference between results a (full rate) and b, and
    the largest boundary shift in frames."""
    out: list[str] = []
    if len(a.reps) != len(b.reps):
        out.append(f"rep count {len(a.reps)} -> {len(b.reps)}")
    worst = 0
    for ra, rb in zip(a.reps, b.reps, strict=False):
        for name in ("start_frame", "bottom_frame", "end_frame"):
            shift = abs(getattr(ra, name) - getattr(rb, name))
            worst = max(worst, shift)
            if shift > max_frames:
                out.append(
                    f"rep {ra.index} {name} {getattr(ra, name)} -> {getattr(rb, name)}"
                )
        if rep_checks(ra) != rep_checks(rb):
            changed = sorted(set(rep_checks(ra)) ^ set(rep_checks(rb)))
            out.append(f"rep {ra.index} checks differ: {changed}")
    return out, worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clips", type=Path, nargs="?", default=CLIPS)
    parser.add_argument(
        "--full-rate-tracks", type=Path, default=Path("/tmp/hingecam-fullrate")
    )
    parser.add_argument("--tracks", type=Path, default=Path("/tmp/hingecam-scheduled"))
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--max-boundary-frames", type=int, default=2)
    parser.add_argument(
        "--min-inferred-fps",
        type=float,
        default=None,
        help="Schedule.min_inferred_fps (default: its default)",
    )
    parser.add_argument(
        "--single-pose",
        action="store_true",
        help="schedule the single-pose model between two-person checks",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="Schedule.threads: landmarker threads (default 0: one per CPU)",
    )
    parser.add_argument(
        "--inference-max-side",
        type=int,
        default=0,
        help="Schedule.inference_max_side_px: scale larger frames down for inference",
    )
    args = parser.parse_args()

    from hingecam.app.eval_score import exercise_for, read_manifest
    from hingecam.core.thresholds import load_thresholds
    from hingecam.media.models import resolve_model
    from hingecam.media.schedule import Schedule

    model = resolve_model(args.model)
    labels = [
        lab
        for lab in read_manifest(args.clips)
        if not args.only or any(s in lab.file for s in args.only)
    ]
    failed = 0
    worst_all = 0
    inferred = {"full-rate": 0, "scheduled": 0}
    times = {"full-rate": 0.0, "scheduled": 0.0}
    print(f"{'clip':<40} reps  max shift  inferred (2-pose/1-pose/skipped)  result")
    for label in labels:
        clip = args.clips / label.file
        exercise = exercise_for(label, None)
        th = load_thresholds(exercise)
        full, t_full = track_for(
            clip, args.full_rate_tracks, Schedule(full_rate=True), exercise, th, model
        )
        schedule = Schedule(
            single_pose=args.single_pose,
            threads=args.threads,
            inference_max_side_px=args.inference_max_side,
        )
        if args.min_inferred_fps is not None:
            schedule = dataclasses.replace(
                schedule, min_inferred_fps=args.min_inferred_fps
            )
        sched, t_sched = track_for(clip, args.tracks, schedule, exercise, th, model)
        a, b = replay(full, exercise, th), replay(sched, exercise, th)
        diffs, worst = differences(a, b, args.max_boundary_frames)
        worst_all = max(worst_all, worst)
        counts = sched.meta.get("inferred_frames", {})
        n = len(full.t_s)
        inferred["full-rate"] += n
        inferred["scheduled"] += int(counts.get("full", 0)) + int(
            counts.get("single", 0)
        )
        if t_full is not None and t_sched is not None:
            times["full-rate"] += t_full
            times["scheduled"] += t_sched
        split = "/".join(str(counts.get(k, "?")) for k in ("full", "single", "skip"))
        verdict = "same" if not diffs else "DIFFERENT"
        print(
            f"{label.file:<40} {len(a.reps):>2}/{len(b.reps):<2} {worst:>5}      "
            f"{n:>5} -> {split:<22} {verdict}"
        )
        for line in diffs:
            print(f"    {line}")
        failed += bool(diffs)
    print(
        f"{len(labels)} clips, {failed} with differences; largest boundary shift "
        f"{worst_all} frames; frames inferred {inferred['scheduled']} of "
        f"{inferred['full-rate']}"
    )
    if times["full-rate"] and times["scheduled"]:
        print(
            f"analysis time (clips inferred in this run): full rate "
            f"{times['full-rate']:.1f} s, scheduled {times['scheduled']:.1f} s"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
