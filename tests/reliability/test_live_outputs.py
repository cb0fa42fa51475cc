"""`hingecam live --out`: locked like analyze's (a second live or analyze there
refuses with one line) and its report published whole however the session ends."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.polling import read_until
from tests.reliability.harness import (
    assert_one_error,
    error_lines,
    hingecam,
    leftovers,
    start,
)

CLIP = "kbdl_side_correct_tby.mp4"
CALIBRATE = ("--set", "live_calibration_s=1.0")


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_a_live_session_locks_its_out_and_publishes_its_report_whole(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    out = tmp_path / "out"
    clip = clip_path(CLIP)
    live = ("live", "--no-window", "--source", clip, "--out", out)
    first = start(*live, "--model", model_path, *CALIBRATE)
    # Under way: the lock is held, reps are measured.
    read_until(first.stdout, "calibrated", "the session calibrated")
    # Nothing of the report is visible before the session ends.
    assert not list(out.glob("live-*/report.json"))

    second = hingecam(*live, "--model", model_path)
    assert second.returncode == 2, second.stderr
    assert_one_error(second.stderr, str(out), "in use by another hingecam run")
    into = hingecam("analyze", clip, "--out", out, "--no-video", "--model", model_path)
    assert into.returncode == 2, into.stderr
    assert_one_error(into.stderr, str(out), "in use by another hingecam run")

    first.send_signal(signal.SIGTERM)
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 143, stderr
    assert error_lines(stderr) == ["hingecam: terminated; the reps so far are saved"]
    folders = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(folders) == 1 and folders[0].startswith("live-"), folders
    report = json.loads((out / folders[0] / "report.json").read_text())
    assert report["meta"]["video"]["frames"] > 0
    assert (out / folders[0] / "report.html").read_text().rstrip().endswith("</html>")
    assert leftovers(out) == []
    # The lock went with the session: the next live there may start.
    again = hingecam(*live, "--model", model_path, *CALIBRATE)
    assert again.returncode == 0, again.stderr
    assert len([p for p in out.glob("live-*") if p.is_dir()]) == 2
