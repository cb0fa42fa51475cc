"""Every set knows when and who: a video's own recording time (a clip this test
writes with creation_time metadata), a pose track carrying it over, --athlete
recorded and part of what a rerun compares."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

# cv2 before av: both bundle FFmpeg libraries and this order is the one known to work.
import cv2  # noqa: F401

# isort: split
import av
import numpy as np
import pytest

from hingecam.cli import main
from hingecam.core.recorded import RecordedFrom
from hingecam.media.tracks import load_track
from hingecam.media.video import open_video

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "kbdl_side_correct.npz"
FILMED = "2024-03-04T05:06:07.000000Z"


def _clip(path: Path, creation_time: str | None) -> Path:
    """A short grey H.264 clip, with the container's creation_time when given."""
    with av.open(str(path), "w") as container:
        if creation_time is not None:
            container.metadata["creation_time"] = creation_time
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(12):
            image = np.full((48, 64, 3), 128, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def test_a_videos_own_creation_time_is_read(tmp_path: Path) -> None:
    with open_video(_clip(tmp_path / "filmed.mp4", FILMED)) as video:
        recorded = video.info.recorded
    assert recorded.source is RecordedFrom.VIDEO_METADATA
    assert recorded.at == datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    plain = _clip(tmp_path / "plain.mp4", None)
    os.utime(plain, (1_700_000_000, 1_700_000_000))
    with open_video(plain) as video:
        recorded = video.info.recorded
    assert recorded.source is RecordedFrom.FILE_MTIME
    assert recorded.at == datetime.fromtimestamp(1_700_000_000, timezone.utc)


@pytest.mark.model
def test_analyze_reports_the_videos_own_time_and_its_track_keeps_it(
    tmp_path: Path, model_path: Path
) -> None:
    clip = _clip(tmp_path / "filmed.mp4", FILMED)
    out = tmp_path / "out"
    args = ["analyze", str(clip), "--out", str(out), "--no-video"]
    assert main([*args, "--model", str(model_path), "--athlete", "Alex"]) == 0
    meta = json.loads((out / "filmed" / "report.json").read_text())["meta"]
    assert meta["recorded"]["from"] == "video_metadata"
    at = datetime.fromisoformat(meta["recorded"]["at"])
    assert at == datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
    assert meta["athlete"] == "Alex"
    track = load_track(out / "filmed" / "pose_track.npz")
    assert (track.meta["recorded_from"], track.meta["athlete"]) == (
        "video_metadata",
        "Alex",
    )


def test_a_track_carries_the_time_over_and_an_older_one_is_dated_by_its_file(
    tmp_path: Path,
) -> None:
    old = tmp_path / "in" / "set.npz"
    old.parent.mkdir()
    shutil.copy(SAMPLE, old)  # written before tracks recorded a time
    os.utime(old, (1_700_000_000, 1_700_000_000))
    assert "recorded_at" not in load_track(old).meta
    first = tmp_path / "first"
    assert main(["analyze", str(old), "--out", str(first), "--athlete", "Sam"]) == 0
    meta = json.loads((first / "set" / "report.json").read_text())["meta"]
    assert meta["recorded"]["from"] == "file_mtime" and meta["athlete"] == "Sam"
    when = datetime.fromisoformat(meta["recorded"]["at"])
    assert when == datetime.fromtimestamp(1_700_000_000, timezone.utc)
    # The set's own track now carries that time (and who) to a re-analysis,
    # whatever the new file's mtime.
    again = tmp_path / "again" / "copy.npz"
    again.parent.mkdir()
    shutil.copy(first / "set" / "pose_track.npz", again)
    second = tmp_path / "second"
    assert main(["analyze", str(again), "--out", str(second)]) == 0
    meta2 = json.loads((second / "copy" / "report.json").read_text())["meta"]
    assert meta2["recorded"] == meta["recorded"] and meta2["athlete"] == "Sam"


def test_a_rerun_for_another_athlete_analyzes_the_set_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["analyze", str(SAMPLE), "--out", str(out)]
    assert main([*args, "--athlete", "Alex"]) == 0
    assert main([*args, "--athlete", "Alex"]) == 0
    assert "already analyzed" in capsys.readouterr().out
    assert main(args) == 0  # no --athlete: the set stays Alex's
    assert "already analyzed" in capsys.readouterr().out
    assert main([*args, "--athlete", "Sam"]) == 0
    assert "already analyzed" not in capsys.readouterr().out
    report = json.loads((out / "kbdl_side_correct" / "report.json").read_text())
    assert report["meta"]["athlete"] == "Sam"


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "x" * 101])
def test_a_bad_athlete_name_is_refused_before_anything_runs(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["analyze", str(SAMPLE), "--out", str(tmp_path / "o"), "--athlete", name])
    assert stop.value.code == 2
    assert "--athlete" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
