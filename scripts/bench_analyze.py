"""Benchmark `hingecam analyze` against bare PoseLandmarker inference, side by side.

In one run, for a 30 fps and a 60 fps clip: time bare inference over pre-decoded
frames (VIDEO mode, full model; once as a minimal script runs it: num_poses=1, no
masks; once with hingecam's full-rate settings: num_poses=2, masks), then the
whole `hingecam analyze CLIP` command as a user runs it (a fresh process: start-up,
decoding, inference, analysis, annotated video and report): the default
(scheduled, one landmarker per CPU), the same on one thread, --single-pose, and
--full-rate on one thread (before issue #10). Ratios first. Then the CPU cost of
each landmarker configuration and the ratio the default could reach at best on
this machine's CPUs (see print_ceiling). Then, in child processes, the peak
memory of analyzing a clip and the clip looped 10 times (memory should stay flat).

    python scripts/bench_analyze.py [CLIP ...] [--loop-clip CLIP] [--repeat N]
        [--model lite|full|heavy|PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLIPS = REPO.parent / "shared" / "clips"


def bare_inference_fps(
    clip: Path, model: Path, num_poses: int, masks: bool
) -> tuple[float, int]:
    """Frames per second of PoseLandmarker alone over pre-decoded frames."""
    from hingecam.media.pose import MediaPipePoseEstimator
    from hingecam.media.pose_config import PoseConfig
    from hingecam.media.video import open_video

    with open_video(clip) as source:
        frames = list(source)
    config = PoseConfig(
        model_path=model, num_poses=num_poses, output_segmentation_masks=masks
    )
    start = time.perf_counter()
    with MediaPipePoseEstimator(config) as estimator:
        for frame in frames:
            estimator.estimate(frame)
    return len(frames) / (time.perf_counter() - start), len(frames)


COSTS = {
    "VIDEO num_poses=1, no masks (bare)": (1, False, "VIDEO"),
    "VIDEO num_poses=1, masks": (1, True, "VIDEO"),
    "VIDEO num_poses=2, masks (hingecam)": (2, True, "VIDEO"),
    "VIDEO num_poses=2, no masks": (2, False, "VIDEO"),
    "IMAGE num_poses=1, no masks": (1, False, "IMAGE"),
}
"""Landmarker configurations whose CPU per frame and landmarks `landmarker_costs`
compares with hingecam's (num_poses=2 with masks)."""


def landmarker_costs(
    clip: Path, model: Path, frames_max: int = 300
) -> dict[str, tuple[float, float]]:
    """CPU milliseconds per frame of each COSTS configuration on one thread, and
    the median over frames of the largest landmark distance (px) from the
    two-person model's landmarks (0.0: the same landmarks, bit for bit)."""
    import numpy as np

    from hingecam.media.pose import MediaPipePoseEstimator
    from hingecam.media.pose_config import PoseConfig, RunningMode
    from hingecam.media.video import open_video

    with open_video(clip) as source:
        frames = [f for _, f in zip(range(frames_max), source, strict=False)]
    answers = {}
    for name, (num_poses, masks, mode) in COSTS.items():
        config = PoseConfig(
            model_path=model,
            num_poses=num_poses,
            output_segmentation_masks=masks,
            running_mode=RunningMode[mode],
        )
        with MediaPipePoseEstimator(config) as estimator:
            estimator.estimate(frames[0])  # loading and the first frame apart
            start = time.process_time()
            poses = [estimator.estimate(frame) for frame in frames]
            cpu_ms = 1000 * (time.process_time() - start) / len(frames)
        answers[name] = (cpu_ms, poses)
    reference = answers["VIDEO num_poses=2, masks (hingecam)"][1]
    costs = {}
    for name, (cpu_ms, poses) in answers.items():
        gaps = [
            float(np.abs((a[0].xy_norm - b[0].xy_norm) * a[0].image_wh).max())
            for a, b in zip(poses, reference, strict=True)
            if len(a) == 1 and len(b) == 1
        ]
        costs[name] = (cpu_ms, float(np.median(gaps)) if gaps else float("nan"))
    return costs


RUNS = {
    "default": [],
    "one thread": ["--threads", "1"],
    "--single-pose": ["--single-pose"],
    "before #10": ["--full-rate", "--threads", "1"],
}
"""The `hingecam analyze` variants timed: the default (scheduled, one landmarker
per CPU), the same on one landmarker thread, --single-pose, and every frame on
one thread (what analyze did before issue #10)."""


def analyze_command_fps(
    clip: Path, model: Path, out: Path, flags: list[str]
) -> tuple[float, int]:
    """Frames per second of `hingecam analyze CLIP [flags]` in a fresh process, wall
    clock from start to exit (start-up, annotated video and report included)."""
    folder = out / ("_".join(f.strip("-") for f in flags) or "default")
    cmd = [sys.executable, "-m", "hingecam", "analyze", str(clip), "--out", str(folder)]
    cmd += ["--model", str(model), *flags]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
    took = time.perf_counter() - start
    report = json.loads((folder / clip.stem / "report.json").read_text("utf-8"))
    frames = int(report["meta"]["video"]["frames"])
    return frames / took, frames


def child_cpu_s() -> float:
    """User plus system CPU seconds of every finished child process so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def inferred_frames(folder: Path) -> int:
    """Frames a finished `hingecam analyze` run gave the pose model."""
    from hingecam.media.tracks import load_track

    track = load_track(next(folder.glob("*/pose_track.npz")))
    counts = track.meta.get("inferred_frames") or {}
    inferred = int(counts.get("full", 0)) + int(counts.get("single", 0))
    return inferred or len(track.t_s)


def loop_clip(clip: Path, times: int, dest: Path) -> Path:
    """Write `clip` repeated `times` times into one H.264 file (for the memory run)."""
    from hingecam.media.sink import VideoSink
    from hingecam.media.video import open_video

    with open_video(clip) as source:
        info = source.info
        frames = [f.image_bgr for f in source]
    fps = info.fps or 30.0
    with VideoSink(dest, fps, max_height=None) as sink:
        for k in range(times * len(frames)):
            sink.write(frames[k % len(frames)], k / fps)
    return dest


_CHILD = """
import json, sys
from pathlib import Path
from hingecam.core.datatypes import Exercise
from hingecam.app.pipeline import analyze_video
from hingecam.core.thresholds import load_thresholds
run = analyze_video(Path(sys.argv[1]), exercise=Exercise.AUTO, thresholds=load_thresholds(Exercise.AUTO),
                    model_path=Path(sys.argv[2]), annotated_path=Path(sys.argv[3]))
peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
print(json.dumps({"frames": run.result.video.frames, "peak_kib": peak}))
"""


def peak_memory_mib(clip: Path, model: Path, out: Path) -> tuple[float, int]:
    """Peak resident memory (MiB) of a fresh process analyzing `clip`."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(clip), str(model), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return data["peak_kib"] / 1024, data["frames"]


def print_ceiling(
    clip: Path, model: Path, ceilings: list[tuple[str, int, int, float, float]]
) -> None:
    """What each landmarker configuration costs, whether it gives the two-person
    model's landmarks, and the best ratio the default could reach on this
    machine's CPUs: its inferred frames at the two-person model's CPU cost,
    spread perfectly over every CPU, with and without the rest of the run
    (decoding, drawing, encoding, report: the run's CPU time less inference)."""
    from hingecam.media.schedule import usable_cpus

    costs = landmarker_costs(clip, model)
    print(f"landmarker CPU per frame on {clip.name} (one thread, pre-decoded):")
    for name, (cpu_ms, gap_px) in costs.items():
        same = (
            "the same landmarks as hingecam's"
            if gap_px == 0.0
            else f"landmarks off hingecam's by a median {gap_px:.1f} px at most"
        )
        print(f"  {name:38s} {cpu_ms:5.1f} ms  ({same})")
    per_frame_s = costs["VIDEO num_poses=2, masks (hingecam)"][0] / 1000
    cpus = usable_cpus()
    for name, n, inferred, cpu_s, bare1 in ceilings:
        bare_s = n / bare1
        inference_s = inferred * per_frame_s
        rest_s = max(cpu_s - inference_s, 0.0)
        print(
            f"ceiling on {cpus} CPUs, {name}: {inferred} of {n} frames inferred; "
            f"inference alone {bare_s / (inference_s / cpus):.2f}, with the rest "
            f"of the run ({rest_s:.1f} CPU s of {cpu_s:.1f}) "
            f"{bare_s / ((inference_s + rest_s) / cpus):.2f} x bare num_poses=1"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "clips",
        nargs="*",
        type=Path,
        default=[
            CLIPS / "squat_goblet_45deg_kbt.mp4",  # 30 fps, 14 s
            CLIPS / "kbdl_side_correct_tby.mp4",  # 60 fps, 11 s
        ],
    )
    parser.add_argument(
        "--loop-clip",
        type=Path,
        default=CLIPS / "deadlift_side_good_jeff.mp4",
        help="clip looped 10x for the memory check",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per clip")
    parser.add_argument("--model", type=Path, default=None, help="as for analyze")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory run")
    parser.add_argument(
        "--no-costs", action="store_true", help="skip the landmarker cost table"
    )
    args = parser.parse_args()

    from hingecam.media.models import resolve_model
    from hingecam.media.video import open_video

    model = resolve_model(args.model)
    print(f"model: {model.name}")
    rows = []
    ceilings = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for clip in args.clips:
            with open_video(clip) as probe:
                fps = probe.info.fps
            for k in range(args.repeat):
                bare1, n = bare_inference_fps(clip, model, 1, False)
                bare2, _ = bare_inference_fps(clip, model, 2, True)
                runs = {}
                for name, flags in RUNS.items():
                    cpu_before = child_cpu_s()
                    runs[name] = analyze_command_fps(clip, model, tmp / str(k), flags)[
                        0
                    ]
                    if name == "default":
                        cpu_s = child_cpu_s() - cpu_before
                        inferred = inferred_frames(tmp / str(k) / "default")
                rows.append((clip.name, fps, k + 1, bare1, bare2, runs, n))
                ceilings.append((clip.name, n, inferred, cpu_s, bare1))
        for name, fps, k, bare1, bare2, runs, n in rows:
            target = 2.0 if fps and fps > 45 else 1.0
            print(
                f"{name} ({fps:.0f} fps, {n} frames) run {k}: analyze / bare "
                f"num_poses=1 = {runs['default'] / bare1:.2f} (target >= "
                f"{target:.1f}); one thread {runs['one thread'] / bare1:.2f}, "
                f"--single-pose {runs['--single-pose'] / bare1:.2f}, before #10 "
                f"{runs['before #10'] / bare1:.2f} | before #10 / bare "
                f"num_poses=2+masks = {runs['before #10'] / bare2:.2f}"
            )
        for name, _fps, k, bare1, bare2, runs, _n in rows:
            timed = ", ".join(f"{key} {fps:5.1f}" for key, fps in runs.items())
            print(
                f"  {name} run {k}: bare num_poses=1 no masks {bare1:5.1f} fps, "
                f"bare num_poses=2 masks {bare2:5.1f} fps | hingecam analyze: {timed}"
            )
        if not args.no_costs:
            print_ceiling(args.clips[0], model, ceilings)
        if args.no_memory:
            return 0
        looped = loop_clip(args.loop_clip, 10, tmp / "looped.mp4")
        short_mib, short_n = peak_memory_mib(args.loop_clip, model, tmp / "short.mp4")
        long_mib, long_n = peak_memory_mib(looped, model, tmp / "long.mp4")
        print(
            f"peak memory: {short_mib:.0f} MiB for {args.loop_clip.name} ({short_n} frames), "
            f"{long_mib:.0f} MiB for it looped 10x ({long_n} frames), ratio {long_mib / short_mib:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
