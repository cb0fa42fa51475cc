"""hingecam analyze against what a user would run instead, side by side in one run.

Per clip and repeat, back to back so machine load moves all three alike:
  1. bare single-pose inference: PoseLandmarker (VIDEO mode, full model,
     num_poses=1, no masks) over frames decoded beforehand, in this process;
  2. the peer pipeline (scripts/peer_pipeline.py): OpenCV decode, legacy
     `mp.solutions.pose` (mediapipe 0.10.21, model_complexity=1), angles, the
     skeleton drawn, an mp4v video written; a whole process in a virtual
     environment of its own, created on first use (`--peer-venv`, default the
     user cache folder; `pip install mediapipe==0.10.21` from the package index);
  3. `hingecam analyze CLIP` as a user runs it: a whole process (start-up,
     decoding, inference, analysis, annotated H.264 video, report).
Wall and CPU time (user + system) of each, medians over the repeats, then the
ratios the targets read; then the wall time of a 5-frame clip (the fixed cost),
cut from the first clip; then, with --threads-scan, hingecam analyze of the
first clip with 1, 2, ... CPU-count pose threads (how it grows with cores).

    python scripts/bench_peers.py [CLIP ...] [--repeat N] [--peer-venv DIR]
        [--model lite|full|heavy|PATH] [--flags "--single-pose ..."]
        [--threads-scan]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import child_cpu_s

REPO = Path(__file__).resolve().parents[1]
CLIPS = REPO.parent / "shared" / "clips"
DEFAULT_CLIPS = ("kbdl_side_correct_tby.mp4", "deadlift_front_good_mw_jc.mp4")
"""A 60 fps side-view clip (360x640, 648 frames) and a 1280x720 one (25 fps,
327 frames), the two the speed issue measured."""
PEER_MEDIAPIPE = "mediapipe==0.10.21"


@dataclass
class Timing:
    wall_s: float
    cpu_s: float


def peer_python(venv: Path) -> Path:
    """The peer environment's python, created with mediapipe 0.10.21 on first use."""
    python = venv / "bin" / "python"
    probe = [
        str(python),
        "-c",
        "import mediapipe as m; assert m.__version__ == '0.10.21'",
    ]
    if python.is_file() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"creating the peer environment in {venv} ({PEER_MEDIAPIPE}) ...", flush=True)
    if venv.is_symlink() and not venv.exists():
        venv.unlink()  # a link to an environment since removed (a cleared /tmp)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", PEER_MEDIAPIPE], check=True
    )
    return python


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[Timing, str]:
    """Wall and CPU seconds of a child process run to its end, and its stdout."""
    cpu0, start = child_cpu_s(), time.perf_counter()
    done = subprocess.run(
        cmd, capture_output=True, text=True, env=env, cwd=REPO, check=False
    )
    timing = Timing(time.perf_counter() - start, child_cpu_s() - cpu0)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return timing, done.stdout


def bare(clip: Path, model: Path) -> tuple[Timing, int]:
    """Single-pose inference alone over pre-decoded frames (this process)."""
    from hingecam.media.pose import MediaPipePoseEstimator
    from hingecam.media.pose_config import PoseConfig
    from hingecam.media.video import open_video

    with open_video(clip) as source:
        frames = list(source)
    config = PoseConfig(model_path=model, num_poses=1, output_segmentation_masks=False)
    with MediaPipePoseEstimator(config) as estimator:
        estimator.estimate(frames[0])  # the model loaded and warm, as in a loop
        cpu0, start = time.process_time(), time.perf_counter()
        for frame in frames:
            estimator.estimate(frame)
        return Timing(time.perf_counter() - start, time.process_time() - cpu0), len(
            frames
        )


def user_env() -> dict[str, str]:
    """A user's environment: bytecode caches written (this sandbox turns them off)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def hingecam(clip: Path, model: Path, out: Path, flags: list[str]) -> Timing:
    cmd = [sys.executable, "-m", "hingecam", "analyze", str(clip), "--out", str(out)]
    cmd += ["--model", str(model), "--force", *flags]
    return timed(cmd, user_env())[0]


def five_frames(clip: Path, dest: Path) -> Path:
    """The first 5 frames of `clip` as an H.264 file."""
    from hingecam.media.sink import VideoSink
    from hingecam.media.video import open_video

    with open_video(clip) as source:
        fps = source.info.fps or 30.0
        frames = [f.image_bgr for _, f in zip(range(5), source, strict=False)]
    with VideoSink(dest, fps, max_height=None) as sink:
        for k, image in enumerate(frames):
            sink.write(image, k / fps)
    return dest


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_clip(
    clip: Path, model: Path, peer: Path, work: Path, args: argparse.Namespace
) -> dict[str, float]:
    rows: dict[str, list[Timing]] = {"bare": [], "peer": [], "hingecam": []}
    frames = 0
    for run in range(args.repeat):
        timing, frames = bare(clip, model)
        rows["bare"].append(timing)
        peer_timing, out = timed(
            [str(peer), str(REPO / "scripts" / "peer_pipeline.py"), str(clip),
             str(work / f"peer-{clip.stem}.mp4")]
        )  # fmt: skip
        if json.loads(out.strip().splitlines()[-1])["frames"] != frames:
            raise SystemExit(f"{clip.name}: the peer decoded another frame count")
        rows["peer"].append(peer_timing)
        rows["hingecam"].append(hingecam(clip, model, work / "hc", args.flags))
        print(
            f"  {clip.name} run {run + 1}: "
            + ", ".join(
                f"{k} {v[-1].wall_s:.2f} s wall / {v[-1].cpu_s:.2f} s CPU"
                for k, v in rows.items()
            ),
            flush=True,
        )
    wall = {k: median([t.wall_s for t in v]) for k, v in rows.items()}
    cpu = {k: median([t.cpu_s for t in v]) for k, v in rows.items()}
    return {
        "frames": frames,
        **{f"{k}_wall_s": v for k, v in wall.items()},
        **{f"{k}_cpu_s": v for k, v in cpu.items()},
        "speed_vs_peer": wall["peer"] / wall["hingecam"],
        "cpu_vs_peer": cpu["hingecam"] / cpu["peer"],
        "speed_vs_bare": wall["bare"] / wall["hingecam"],
    }


def clips_first(args: argparse.Namespace) -> str:
    return Path(args.clips[0]).name


def threads_scan(
    clip: Path, model: Path, work: Path, args: argparse.Namespace
) -> dict[int, Timing]:
    """Median wall and CPU of `hingecam analyze --threads k` for k = 1 up to the
    CPUs here, at most MAX_THREADS (one video keeps no more busy: the planner
    decides each frame with PLANNER_LAG results outstanding)."""
    from hingecam.media.schedule import MAX_THREADS, usable_cpus

    out: dict[int, Timing] = {}
    for k in range(1, min(usable_cpus(), MAX_THREADS) + 1):
        runs = [
            hingecam(clip, model, work / f"t{k}", [*args.flags, "--threads", str(k)])
            for _ in range(args.repeat)
        ]
        out[k] = Timing(
            median([t.wall_s for t in runs]), median([t.cpu_s for t in runs])
        )
    return out


def main() -> int:
    from platformdirs import user_cache_dir

    from hingecam.media.models import resolve_model

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clips", nargs="*", default=list(DEFAULT_CLIPS))
    parser.add_argument("--repeat", type=int, default=3, help="runs per clip")
    parser.add_argument("--model", default=None, help="as for analyze")
    parser.add_argument(
        "--peer-venv",
        type=Path,
        default=Path(user_cache_dir("hingecam")) / "peer-venv",
        help="the peer pipeline's virtual environment (created on first use)",
    )
    parser.add_argument(
        "--flags", type=shlex.split, default=[], help="extra hingecam analyze flags"
    )
    parser.add_argument(
        "--threads-scan",
        action="store_true",
        help="also time the first clip with 1..CPU-count pose threads",
    )
    args = parser.parse_args()
    model = resolve_model(Path(args.model) if args.model else None)
    peer = peer_python(args.peer_venv)
    load = os.getloadavg()[0]
    print(f"model {model.name}; {os.cpu_count()} CPUs; load average {load:.2f}")
    table = {}
    with tempfile.TemporaryDirectory(prefix="hc-peers-") as tmp:
        work = Path(tmp)
        clips = [Path(c) if Path(c).is_file() else CLIPS / c for c in args.clips]
        for clip in clips:
            table[clip.name] = bench_clip(clip, model, peer, work, args)
        short = five_frames(clips[0], work / "five.mp4")
        hingecam(short, model, work / "hc5", args.flags)  # bytecode written once
        fixed = median(
            [hingecam(short, model, work / "hc5", args.flags).wall_s for _ in range(5)]
        )
        scan = threads_scan(clips[0], model, work, args) if args.threads_scan else {}
    print()
    print(
        f"{'clip':34s} {'frames':>6s} {'bare':>12s} {'peer':>13s} {'hingecam':>13s}"
        f"  {'speed/peer':>10s} {'CPU/peer':>8s} {'speed/bare':>10s}"
    )
    for name, r in table.items():
        print(
            f"{name:34s} {r['frames']:6.0f} {r['bare_wall_s']:5.2f}/{r['bare_cpu_s']:5.2f}s"
            f" {r['peer_wall_s']:5.2f}/{r['peer_cpu_s']:5.2f}s"
            f" {r['hingecam_wall_s']:5.2f}/{r['hingecam_cpu_s']:5.2f}s"
            f"  {r['speed_vs_peer']:9.2f}x {r['cpu_vs_peer']:7.2f}x {r['speed_vs_bare']:9.2f}x"
        )
    print("(wall/CPU seconds, medians; speed = the other's wall time / hingecam's)")
    print(
        f"5-frame clip, hingecam analyze end to end: {fixed:.2f} s wall (median of 5)"
    )
    for threads, timing in scan.items():
        print(
            f"{clips_first(args)}: --threads {threads}: {timing.wall_s:.2f} s wall, "
            f"{timing.cpu_s:.2f} s CPU (x{scan[1].wall_s / timing.wall_s:.2f} of one)"
        )
    print(
        "targets: speed/peer >= 1.5x with CPU/peer <= 1.0x on both clips; speed/bare "
        ">= 1.5x on the 60 fps clip, >= 1.0x on the 720p clip; 5-frame clip <= 0.8 s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
