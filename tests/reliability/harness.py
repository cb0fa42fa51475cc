"""Running hingecam as a user would (a child process) and the checks every
fault-injection case makes: exit status, one error line, no traceback, no
temporary file left."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def hingecam(*args: str | Path, **popen: Any) -> subprocess.CompletedProcess[str]:
    """`python -m hingecam ARGS`, run to the end, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "hingecam", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        **popen,
    )


def start(*args: str | Path, **popen: Any) -> subprocess.Popen[str]:
    """`python -m hingecam ARGS` started, stdout and stderr piped as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "hingecam", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def encoded_frames_exist(out: Path) -> Callable[[], bool]:
    """A sign that frames were measured: the annotated video's temporary file (in
    the run's staged folder under `out`) grows once the encoder has frames."""

    def check() -> bool:
        return any(
            p.stat().st_size > 0 for p in out.glob(".*.tmp/.annotated.mp4.*.tmp")
        )

    return check


def error_lines(stderr: str) -> list[str]:
    """The `hingecam: ...` lines of stderr, after checking it has no traceback."""
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("hingecam:")]


def assert_one_error(stderr: str, *fragments: str) -> str:
    """Exactly one `hingecam: error:` line, containing every fragment; returns it."""
    lines = [
        line for line in error_lines(stderr) if line.startswith("hingecam: error:")
    ]
    assert len(lines) == 1, stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    """Temporary or partial files and folders anywhere under `folder`."""
    if not folder.exists():
        return []
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.endswith((".tmp", ".part"))
    )


RUN_FILES: Sequence[str] = (
    "pose_track.npz",
    "report.json",
    "reps.csv",
    "report.html",
)
"""The files every analyze run writes (annotated.mp4 too, for a video)."""


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
