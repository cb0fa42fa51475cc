"""Running hingecam as a user would (a child process) and the checks every
fault-injection case makes: exit status, one error line, no traceback, no
temporary file left."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

WAIT_S = 120.0
"""Longest wait for a sign of progress; a safety net, never a pacing delay."""


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


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll `condition` (a file appearing, growing) until true; fail after WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


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
