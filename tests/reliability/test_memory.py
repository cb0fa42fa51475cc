"""Peak memory of `hingecam analyze` on a huge-frame video stays under the limit
README promises, whatever the input resolution."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.harness import leftovers
from tests.reliability.inputs import still_clip

PEAK_LIMIT_MB = 600
"""README, "Large videos": peak resident memory of one analyze, any resolution."""

_MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "hingecam", *sys.argv[1:]],
                      capture_output=True, text=True)
sys.stderr.write(done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
"""Runs hingecam as its only child and prints its exit status and peak RSS (KiB):
RUSAGE_CHILDREN of this fresh process covers that one run and nothing else."""


def peak_rss_mb(*args: str | Path) -> tuple[int, float, str]:
    """(exit status, peak resident MB, stderr) of `hingecam ARGS`."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    status, kib = done.stdout.split()
    return int(status), int(kib) / 1024, done.stderr


@pytest.mark.model
@pytest.mark.slow
def test_an_8192x8192_video_stays_under_the_memory_limit(
    tmp_path: Path, model_path: Path
) -> None:
    clip = still_clip(tmp_path / "huge.mp4", 8192, 8192, frames=5)
    out = tmp_path / "out"
    status, peak_mb, stderr = peak_rss_mb(
        "analyze", clip, "--out", out, "--model", model_path
    )
    assert status == 0, stderr
    report = json.loads((out / "huge" / "report.json").read_text())
    video = report["meta"]["video"]
    assert (video["width"], video["height"], video["frames"]) == (1440, 1440, 5)
    assert leftovers(out) == []
    # Before the fix this clip peaked at ~780 MB: the first full-size picture
    # stayed referenced for the whole decode.
    assert peak_mb < PEAK_LIMIT_MB, f"peak {peak_mb:.0f} MB"
