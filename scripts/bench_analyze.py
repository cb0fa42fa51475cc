"""Benchmark `hingecam analyze` against bare PoseLandmarker inference, side by side.

In one process and one run: decode a real clip into memory, time bare inference
(the same model settings hingecam uses) over its frames, then time the whole
analyze path (decode, inference, analysis, overlays, H.264 encoding, report) on
the same file, and print both frame rates and their ratio. Then, in child
processes, the peak memory of analyzing the clip and the clip looped 10 times
(memory should stay flat: frames are streamed, never all held).

    python scripts/bench_analyze.py [CLIP] [--loop-clip CLIP] [--repeat N]
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


def bare_inference_fps(clip: Path, model: Path) -> tuple[float, int]:
    """Frames per second of PoseLandmarker alone over pre-decoded frames."""
    from hingecam.media.pose import MediaPipePoseEstimator, PoseConfig
    from hingecam.media.video import open_video

    with open_video(clip) as source:
        frames = list(source)
    config = PoseConfig(model_path=model, output_segmentation_masks=True)
    start = time.perf_counter()
    with MediaPipePoseEstimator(config) as estimator:
        for frame in frames:
            estimator.estimate(frame)
    return len(frames) / (time.perf_counter() - start), len(frames)


def analyze_fps(clip: Path, model: Path, out: Path) -> tuple[float, int]:
    """Frames per second of the whole analyze path on the file (report included)."""
    from hingecam.app.pipeline import analyze_video
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import load_thresholds

    start = time.perf_counter()
    run = analyze_video(  # the path `hingecam analyze` takes, files included
        clip,
        exercise=Exercise.AUTO,
        thresholds=load_thresholds(Exercise.AUTO),
        model_path=model,
        annotated_path=out / "annotated.mp4",
        folder=out,
    )
    return run.result.video.frames / (
        time.perf_counter() - start
    ), run.result.video.frames


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "clip", nargs="?", type=Path, default=CLIPS / "kbdl_side_correct_tby.mp4"
    )
    parser.add_argument(
        "--loop-clip",
        type=Path,
        default=CLIPS / "deadlift_side_good_jeff.mp4",
        help="clip looped 10x for the memory check",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="alternate bare/analyze runs this many times",
    )
    args = parser.parse_args()

    from hingecam.media.models import resolve_model

    model = resolve_model(None)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print(f"clip: {args.clip.name}")
        for k in range(args.repeat):
            bare, n = bare_inference_fps(args.clip, model)
            full, m = analyze_fps(args.clip, model, tmp)
            print(
                f"run {k + 1}: bare inference {bare:6.1f} fps ({n} frames) | "
                f"hingecam analyze {full:6.1f} fps ({m} frames) | ratio {full / bare:.2f} (target >= 0.90)"
            )
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
