"""A batch whose parent is killed (`kill -9`): its pool workers die with it and
never publish into --out afterwards; the next run into --out removes the staged
folders the killed run left and is not refused."""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.polling import wait_for
from tests.reliability.harness import hingecam, leftovers, start

pytestmark = [
    pytest.mark.model,
    pytest.mark.clips,
    pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's"
    ),
]

CLIP = "kbdl_side_correct_tby.mp4"  # ~10 s of video: a worker is busy for a while


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(t) for t in text]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_parent_and_the_next_run_cleans_up(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for k in range(4):
        shutil.copy(clip_path(CLIP), inputs / f"set{k}.mp4")
    out = tmp_path / "out"
    batch = start(
        "analyze", inputs, "--out", out, "--workers", "2", "--no-video",
        "--model", model_path, start_new_session=True,
    )  # fmt: skip
    try:
        # A sign of progress: a worker has staged a set's folder, mid-analysis.
        wait_for(lambda: any(out.glob(".set*.tmp")), what="a staged set folder")
        workers = [p for p in _children(batch.pid) if _alive(p)]
        assert workers, "no worker process found"
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait()
        wait_for(lambda: not any(_alive(p) for p in workers), what="the workers to die")
    finally:
        if batch.poll() is None:
            os.killpg(batch.pid, signal.SIGKILL)
    assert leftovers(out), "the killed run left its staged folders"
    # The next run holds the lock: it removes what the killed one left.
    done = hingecam(
        "analyze", inputs / "set0.mp4", "--out", out, "--no-video",
        "--model", model_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert leftovers(out) == []
