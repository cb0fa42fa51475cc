"""The progress page at scale: N set folders (copies of a real report.json, the
sample track analyzed once, each with its own date, athlete and exercise and a
fault that fades), then `hingecam progress DIR` timed in a child process with its
peak memory, for a tenth of N and for N (memory flat: the two peaks close).
Target (issue #20): 10,000 sets in under 10 s.

    PYTHONPATH=$PWD .venv/bin/python scripts/bench_progress.py [--sets 10000]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "kbdl_side_roundedback.npz"
ATHLETES = ("Alex", "Sam", "Kim")
EXERCISES = ("deadlift", "rdl")
TARGET_S = 10.0


def template(tmp: Path) -> dict[str, Any]:
    """A real report.json: the sample track analyzed by hingecam itself."""
    out = tmp / "template"
    subprocess.run(
        [sys.executable, "-m", "hingecam", "analyze", str(SAMPLE), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    report: dict[str, Any] = json.loads((out / SAMPLE.stem / "report.json").read_text())
    return report


def write_sets(folder: Path, n: int, report: dict[str, Any]) -> None:
    """n set folders, two or three sets a day over the years it takes; the
    rounded spine flagged on fewer reps as the days go by."""
    rnd = random.Random(20)
    start = datetime(2020, 1, 6, 18).astimezone()
    reps = report["reps"]
    for k in range(n):
        at = start + timedelta(hours=9 * k)
        report["meta"]["recorded"] = {"at": at.isoformat(), "from": "video_metadata"}
        report["meta"]["athlete"] = ATHLETES[k % len(ATHLETES)]
        report["meta"]["exercise"]["used"] = EXERCISES[(k // 3) % len(EXERCISES)]
        flagged = sum(rnd.random() < max(0.05, 0.9 - k / n) for _ in reps)
        counts = report["summary"]["fault_counts"]["rounded_spine"]
        counts.update(ok=len(reps) - flagged, flagged=flagged, not_judged=0)
        report["summary"]["reps_clean"] = len(reps) - flagged
        report["summary"]["reps_with_fault"] = flagged
        set_folder = folder / f"set{k:05d}"
        set_folder.mkdir(parents=True)
        (set_folder / "report.json").write_text(json.dumps(report, indent=2))


_INNER = """
import resource, sys
from hingecam.cli import main
code = main(["progress", sys.argv[1]])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def measure(folder: Path) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, the command's line) of `hingecam progress`."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _INNER, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    peak_kb = float(done.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb / 1024, done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_progress-") as name:
        tmp = Path(name)
        report = template(tmp)
        size_kb = len(json.dumps(report, indent=2)) / 1024
        print(f"report.json template: {size_kb:.0f} KB, {len(report['reps'])} reps")
        figures = {}
        for n in (max(1, args.sets // 10), args.sets):
            folder = tmp / f"sets{n}"
            write_sets(folder, n, report)
            elapsed, peak_mb, line = measure(folder)
            page_kb = (folder / "progress.html").stat().st_size / 1024
            figures[n] = (elapsed, peak_mb)
            print(
                f"{n:>6} sets: {elapsed:5.2f} s, peak RSS {peak_mb:5.0f} MB, "
                f"progress.html {page_kb:.0f} KB  ({line.split(' -> ')[0]})"
            )
        small, large = figures[min(figures)], figures[max(figures)]
        print(
            f"target: {args.sets} sets under {TARGET_S:.0f} s: "
            f"{'met' if large[0] < TARGET_S else 'NOT met'} ({large[0]:.2f} s); "
            f"memory from {min(figures)} to {max(figures)} sets: "
            f"+{large[1] - small[1]:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
