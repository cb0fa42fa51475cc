"""Batches with real clips (model): two workers give what one-by-one gives, and a
real local Ray cluster (127.0.0.1, 2 CPUs) gives what this machine gives."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hingecam.cli import main
from tests.batch_compare import assert_same_set

pytestmark = [pytest.mark.model, pytest.mark.clips, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SHORT_CLIP = "deadlift_side_bad_jeff.mp4"  # 1 s, 30 frames
TRACKS = sorted((REPO / "samples").glob("*.npz"))[:3]


@pytest.fixture(scope="module")
def local_out(
    clip_path: Callable[[str], Path],
    model_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[Path], Path]:
    """A short clip and three tracks analyzed one by one (one command each)."""
    inputs = [clip_path(SHORT_CLIP), *TRACKS]
    out = tmp_path_factory.mktemp("one-by-one")
    for source in inputs:
        assert main(["analyze", str(source), "--out", str(out), "--workers", "1"]) == 0
    return inputs, out


def _names(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if (p / "report.json").is_file())


def test_two_workers_equal_one_by_one_on_a_clip(
    local_out: tuple[list[Path], Path], tmp_path: Path
) -> None:
    inputs, one_by_one = local_out
    args = ["analyze", *map(str, inputs), "--out", str(tmp_path), "--workers", "2"]
    assert main(args) == 0
    assert _names(tmp_path) == _names(one_by_one)
    for name in _names(one_by_one):
        assert_same_set(tmp_path / name, one_by_one / name)
    assert (tmp_path / "deadlift_side_bad_jeff" / "annotated.mp4").stat().st_size > 0


def test_a_ray_cluster_gives_the_local_results(
    local_out: tuple[list[Path], Path], ray_address: str, tmp_path: Path
) -> None:
    from tests.ray_cluster import cluster_env

    inputs, one_by_one = local_out
    cmd = [sys.executable, "-m", "hingecam", "analyze", *map(str, inputs)]
    cmd += ["--out", str(tmp_path), "--ray", ray_address]
    done = subprocess.run(
        cmd, env=cluster_env(), capture_output=True, text=True, timeout=110
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == len(inputs) + 1  # + the index line
    assert _names(tmp_path) == _names(one_by_one)
    for name in _names(one_by_one):
        assert_same_set(tmp_path / name, one_by_one / name)
    # the index and resume rules are the same: a rerun skips everything
    again = subprocess.run(
        cmd, env=cluster_env(), capture_output=True, text=True, timeout=110
    )
    assert again.returncode == 0, again.stderr
    assert f"{len(inputs)} of {len(inputs)} sets already analyzed" in again.stdout
