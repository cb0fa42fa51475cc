"""SIGTERM (or Ctrl+C) to a batch with --workers 2: the sets in flight save what
was measured, as a single run does; no later set starts; the last line says
the results so far are saved; exit 143."""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.polling import read_until
from tests.reliability.harness import leftovers, start

pytestmark = [pytest.mark.model, pytest.mark.clips]

SHORT, LONG = "deadlift_side_good_jeff.mp4", "kbdl_side_correct_tby.mp4"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_pool_saves_the_sets_in_flight(
    tmp_path: Path,
    clip_path: Callable[[str], Path],
    model_path: Path,
    sig: signal.Signals,
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    # Worker A gets the short set 0 and then set 2; worker B the long set 1.
    # When set 0's line is printed, B is well into set 1: frames measured.
    for k, clip in enumerate((SHORT, LONG, LONG, LONG)):
        shutil.copy(clip_path(clip), inputs / f"set{k}.mp4")
    out = tmp_path / "out"
    batch = start(
        "analyze", inputs, "--out", out, "--workers", "2", "--no-video",
        "--model", model_path,
    )  # fmt: skip
    try:
        assert batch.stdout is not None
        read_until(batch.stdout, "set0.mp4: ", what="set 0 done")
        batch.send_signal(sig)
        _, stderr = batch.communicate(timeout=300)
    finally:
        if batch.poll() is None:
            batch.kill()
    assert batch.returncode == (143 if sig is signal.SIGTERM else 130), stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].endswith("the results so far are saved")
    # Set 1 was in flight: what was measured of it is saved, marked cut short.
    report = json.loads((out / "set1" / "report.json").read_text("utf-8"))
    assert report["meta"]["video"]["frames"] > 0
    assert not (out / "set3").exists()  # never started
    assert leftovers(out) == []
