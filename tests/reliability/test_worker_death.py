"""A pool worker that dies (killed, out of memory) mid-batch: its set fails with
one line, the other sets are analyzed, the batch ends (exit 2) with its index,
and the --out lock is released. The worker dies on cue through the test hook of
app/pool.py (HINGECAM_TEST_DIE_ON), never by timing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hingecam.app.pool import DIE_ON_ENV, DIE_WITH_ENV
from tests.conftest import REPO_ROOT
from tests.reliability.harness import assert_one_error, hingecam, leftovers

SAMPLE = REPO_ROOT / "samples" / "kbdl_side_correct.npz"
NAMES = [f"set{i}" for i in range(8)]
VICTIM = "set3"


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "b8"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(SAMPLE, folder / f"{name}.npz")
    return folder


def _complete(folder: Path) -> bool:
    """report.json with provenance: the set was published whole."""
    report = folder / "report.json"
    return report.is_file() and "input" in json.loads(report.read_text())["meta"]


@pytest.mark.parametrize(
    ("signame", "signum"), [("SIGKILL", 9), ("SIGABRT", 6)], ids=["kill", "abort"]
)
def test_a_dead_worker_fails_its_set_alone_and_the_batch_ends(
    tmp_path: Path, signame: str, signum: int
) -> None:
    inputs, out = _inputs(tmp_path), tmp_path / "kw"
    env = {**os.environ, DIE_ON_ENV: f"{VICTIM}.npz", DIE_WITH_ENV: signame}
    done = hingecam(
        "analyze", inputs, "--workers", "2", "--out", out, "--no-video", env=env
    )
    assert done.returncode == 2, done.stderr
    assert_one_error(
        done.stderr,
        f"{VICTIM}.npz: the worker analyzing it died (signal {signum}, {signame})",
        "nothing was written for it",
    )
    made = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert made == [n for n in NAMES if n != VICTIM]
    assert all(_complete(out / name) for name in made)
    assert (out / "index.html").is_file()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["sets"] == 7
    assert leftovers(out) == []  # the victim's staged .set3.*.tmp was removed

    again = hingecam("analyze", inputs, "--workers", "2", "--out", out, "--no-video")
    assert again.returncode == 0, again.stderr  # the lock was released
    assert "7 of 8 sets already analyzed" in again.stdout
    assert _complete(out / VICTIM)
    assert leftovers(out) == []


def test_a_sigterm_to_one_worker_is_left_to_the_parent(tmp_path: Path) -> None:
    """Stopping is the batch's call (a SIGTERM to the whole group reaches the
    parent, which stops the workers so they save what was measured): a SIGTERM
    to one worker alone changes nothing, every set is analyzed."""
    inputs, out = _inputs(tmp_path), tmp_path / "kw"
    env = {**os.environ, DIE_ON_ENV: f"{VICTIM}.npz", DIE_WITH_ENV: "SIGTERM"}
    done = hingecam(
        "analyze", inputs, "--workers", "2", "--out", out, "--no-video", env=env
    )
    assert done.returncode == 0, done.stderr
    assert all(_complete(out / name) for name in NAMES)
    assert leftovers(out) == []


@pytest.mark.slow
def test_a_dead_ray_worker_fails_its_set_alone_and_the_batch_ends(
    tmp_path: Path, ray_address: str
) -> None:
    """The same on the suite's real local Ray cluster: the worker process given
    RAY_DIES_ON stages its folder and kills itself with SIGKILL (a node dying
    looks alike to the driver); a new actor takes the remaining sets."""
    import subprocess
    import sys

    from tests.ray_cluster import RAY_DIES_ON, cluster_env

    inputs = _inputs(tmp_path)
    shutil.copy(SAMPLE, inputs / RAY_DIES_ON)
    out = tmp_path / "kr"
    cmd = [sys.executable, "-m", "hingecam", "analyze", str(inputs), "--out", str(out)]
    cmd += ["--ray", ray_address, "--no-video"]
    done = subprocess.run(cmd, env=cluster_env(), capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert_one_error(
        done.stderr,
        f"{RAY_DIES_ON}: the Ray worker analyzing it died",
        "nothing was written for it",
    )
    made = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert made == NAMES
    assert all(_complete(out / name) for name in made)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["sets"] == len(NAMES)
    assert leftovers(out) == []  # the staged folder the worker left was removed

    again = subprocess.run(cmd, env=cluster_env(), capture_output=True, text=True)
    assert again.returncode == 2, again.stderr  # the lock was released
    assert f"{len(NAMES)} of {len(NAMES) + 1} sets already analyzed" in again.stdout
