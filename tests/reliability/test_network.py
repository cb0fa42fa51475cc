"""Zero network at run time: analyze, live and eval under strace make no DNS
lookup and no internet connection (MediaPipe's landmarker is never closed
natively, see media/landmarker_pool.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import missing_resource

CLIP = "deadlift_side_good_jeff.mp4"
TRACED = "connect,sendto,sendmmsg"
INTERNET = re.compile(r"AF_INET6?\b|htons\(53\)")
"""An internet socket address or DNS port in a traced call (AF_UNIX is local)."""


def _strace() -> str:
    path = shutil.which("strace")
    if path is None:
        missing_resource("strace is not installed (apt-get install strace)")
    probe = subprocess.run([path, "-o", "/dev/null", "true"], capture_output=True)
    if probe.returncode != 0:
        missing_resource(f"strace cannot trace here: {probe.stderr.decode()[:200]}")
    return path


def _network_calls(tmp_path: Path, *args: str | Path) -> tuple[int, list[str]]:
    log = tmp_path / "strace.log"
    done = subprocess.run(
        [
            _strace(),
            "-f",
            "-qq",
            "-e",
            f"trace={TRACED}",
            "-o",
            str(log),
            sys.executable,
            "-m",
            "hingecam",
            *map(str, args),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    calls = [line for line in log.read_text().splitlines() if INTERNET.search(line)]
    return done.returncode, calls


def test_the_audit_pattern_catches_a_dns_lookup() -> None:
    line = (
        "42 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=...}, 16) = 0"
    )
    assert INTERNET.search(line)
    assert not INTERNET.search(
        '42 connect(3, {sa_family=AF_UNIX, sun_path="/x"}, 110) = 0'
    )


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_analyze_two_videos_makes_no_network_call(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    clip = clip_path(CLIP)  # twice: a landmarker is reused and released
    status, calls = _network_calls(
        tmp_path,
        "analyze",
        clip,
        clip,
        "--out",
        tmp_path / "out",
        "--model",
        model_path,
    )
    assert status == 0
    assert calls == []


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_live_makes_no_network_call(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    status, calls = _network_calls(
        tmp_path,
        "live",
        "--no-window",
        "--source",
        clip_path(CLIP),
        "--out",
        tmp_path / "out",
        "--model",
        model_path,
    )
    assert status == 0
    assert calls == []


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_eval_makes_no_network_call(
    tmp_path: Path, clips_dir: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    lines = (clips_dir / "MANIFEST.tsv").read_text().splitlines()
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "MANIFEST.tsv").write_text(
        "\n".join([lines[0], *(x for x in lines if x.startswith(CLIP))]) + "\n"
    )
    (folder / CLIP).symlink_to(clip_path(CLIP))
    status, calls = _network_calls(tmp_path, "eval", folder, "--model", model_path)
    assert status == 0
    assert calls == []
