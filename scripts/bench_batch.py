"""Batch throughput: 8 clips with --workers 1, --workers 2 and on a one-machine Ray
cluster (ratio, peak memory per worker), and a simulated batch of tiny generated
tracks: --analyzed of them analyzed for real (sets/s), the rest of --sets cloned
as finished sets, then a rerun over all of them with nothing to do.

    PYTHONPATH=$PWD .venv/bin/python scripts/bench_batch.py [--clips DIR] [--sets 10000]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLIPS = REPO.parent / "shared" / "clips"
SAMPLE = REPO / "samples" / "kbdl_side_correct.npz"
CLIP_PATTERN = "kbdl_*_tby.mp4"  # same size and frame rate: a fair split


def hingecam(*args: str) -> list[str]:
    return list(args)


def measure(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of one worker) of `hingecam ARGS`, run in a
    child that reports its own peak (--workers 1 analyzes in process) and its
    pool workers' (the largest; joined before exit)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _INNER, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: hingecam {' '.join(args)} failed:\n{done.stderr}")
    mine, kids = (int(x) for x in done.stderr.strip().splitlines()[-1].split()[1:])
    pooled = "--workers" in args and args[args.index("--workers") + 1] != "1"
    return seconds, (kids if pooled else mine) / 1024


_INNER = (
    "import resource, sys\n"
    "from hingecam.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print('peak_kb', mine, kids, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def frames_of(out: Path) -> int:
    data = json.loads((out / "summary.json").read_text())
    return sum(
        json.loads((out / s["set"] / "report.json").read_text())["meta"]["video"][
            "frames"
        ]
        for s in data["sets"]
    )


def bench_clips(clips: list[Path], tmp: Path, ray_ok: bool) -> None:
    common = ["--no-video", "--force"]
    runs: dict[str, tuple[float, float]] = {}
    for n in (1, 2):
        out = tmp / f"w{n}"
        runs[f"w{n}"] = measure(
            hingecam(
                "analyze",
                *map(str, clips),
                "--out",
                str(out),
                "--workers",
                str(n),
                *common,
            )
        )
    frames = frames_of(tmp / "w1")
    for key, (sec, mb) in runs.items():
        print(
            f"--workers {key[1]}: {sec:6.1f} s, {frames / sec:5.1f} frames/s, peak {mb:.0f} MB per process"
        )
    ratio = runs["w1"][0] / runs["w2"][0]
    print(f"throughput --workers 2 / --workers 1: {ratio:.2f}x (target >= 1.7x)")
    if not ray_ok:
        print("ray: not installed, skipped (pip install -e '.[ray]')")
        return
    sys.path.insert(0, str(REPO))
    from tests.ray_cluster import cluster_env, local_cluster

    with local_cluster(num_cpus=2) as address:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "hingecam", "analyze", *map(str, clips),
             "--out", str(tmp / "ray-out"), "--ray", address, *common],
            check=True, env=cluster_env(), stdout=subprocess.DEVNULL,
        )  # fmt: skip
        sec = time.perf_counter() - started
    print(f"--ray (2 CPUs, this machine): {sec:6.1f} s, {frames / sec:5.1f} frames/s")
    print(
        f"ray overhead against --workers 2: {100 * (sec / runs['w2'][0] - 1):+.1f}% (target <= +15%)"
    )


def make_tracks(folder: Path, n: int) -> None:
    """n tiny distinct tracks: the first 4 s of a sample (one rep), jittered."""
    import numpy as np

    from hingecam.media.tracks import TRACK_ARRAYS, load_track, save_track

    base = load_track(SAMPLE)
    keep = int(np.searchsorted(base.t_s, base.t_s[0] + 4.0))
    short = dataclasses.replace(
        base, **{k: getattr(base, k)[:keep] for k in TRACK_ARRAYS}
    )
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        jitter = rng.normal(0.0, 0.002, short.xy_norm.shape).astype(short.xy_norm.dtype)
        save_track(
            dataclasses.replace(short, xy_norm=short.xy_norm + jitter),
            folder / f"set{i:05d}.npz",
        )


def clone_done_sets(tracks: Path, out: Path, analyzed: int, n: int) -> None:
    """Sets analyzed..n-1 as a finished batch would leave them: each input a copy
    of input i % analyzed, its folder hard links to that set's files and its own
    report.json (provenance of its own input file)."""
    from hingecam.app.resume import input_record

    for i in range(analyzed, n):
        j = i % analyzed
        src = tracks / f"set{i:05d}.npz"
        shutil.copyfile(tracks / f"set{j:05d}.npz", src)
        done, folder = out / f"set{j:05d}", out / f"set{i:05d}"
        folder.mkdir()
        for f in done.iterdir():
            if f.name != "report.json":
                os.link(f, folder / f.name)
        data = json.loads((done / "report.json").read_text())
        data["meta"]["input"] = input_record(src)
        (folder / "report.json").write_text(json.dumps(data, indent=2) + "\n")


def bench_simulated(n: int, analyzed: int, tmp: Path) -> None:
    tracks, out = tmp / "tracks", tmp / "sim-out"
    analyzed = min(analyzed, n)
    t = time.perf_counter()
    make_tracks(tracks, analyzed)
    print(
        f"simulated batch: {analyzed} distinct tracks generated in {time.perf_counter() - t:.0f} s"
    )
    first, _ = measure(
        hingecam("analyze", str(tracks), "--out", str(out), "--workers", "2")
    )
    rate = analyzed / first
    print(
        f"simulated batch, --workers 2: {first:.0f} s for {analyzed} sets ({rate:.2f} sets/s"
        f" -> {n / rate / 60:.0f} min for {n})"
    )
    if n > analyzed:
        t = time.perf_counter()
        clone_done_sets(tracks, out, analyzed, n)
        print(
            f"sets {analyzed}..{n - 1}: inputs and finished folders cloned in {time.perf_counter() - t:.0f} s"
        )
    again, _ = measure(
        hingecam("analyze", str(tracks), "--out", str(out), "--workers", "2")
    )
    summary = json.loads((out / "summary.json").read_text())
    html = (out / "index.html").stat().st_size / 1e6
    print(
        f"rerun over {n} done sets, nothing to do: {again:.1f} s (target < 30 s); index {summary['totals']['sets']} rows, {html:.1f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=CLIPS)
    parser.add_argument(
        "--analyzed",
        type=int,
        default=400,
        help="simulated sets really analyzed; the rest are clones of finished ones",
    )
    parser.add_argument(
        "--sets", type=int, default=10_000, help="simulated batch size (0: skip)"
    )
    parser.add_argument(
        "--no-clips", action="store_true", help="only the simulated batch"
    )
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(REPO))
    print(
        f"cpus: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()[0]:.1f}; peak memory is ru_maxrss"
    )
    tmp = Path(tempfile.mkdtemp(prefix="hingecam-bench-"))
    try:
        if not args.no_clips:
            clips = sorted(args.clips.glob(CLIP_PATTERN))[:8]
            if len(clips) < 8:
                raise SystemExit(
                    f"bench: need 8 clips matching {CLIP_PATTERN} in {args.clips}"
                )
            try:
                import ray  # noqa: F401

                ray_ok = True
            except ImportError:
                ray_ok = False
            bench_clips(clips, tmp, ray_ok)
        if args.sets:
            bench_simulated(args.sets, args.analyzed, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
