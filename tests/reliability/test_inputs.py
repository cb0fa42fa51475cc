"""Hostile inputs: still images, truncated videos, a garbage MANIFEST, huge frames,
and the existing bad-input cases: one line, exit 2, no traceback; a clean stderr
and no child processes on a successful run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hingecam.cli import main
from hingecam.media.video import (
    MAX_FRAME_PIXELS,
    MAX_FRAME_SIDE_PX,
    capped_size,
    open_video,
)
from tests.conftest import REPO_ROOT, missing_resource
from tests.reliability.harness import assert_one_error, error_lines, hingecam, leftovers
from tests.reliability.inputs import still_image, truncated_copy, write_clip

SAMPLE = REPO_ROOT / "samples" / "kbdl_side_correct.npz"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: still_image(d / "photo.jpg"), "still image"),
        (lambda d: still_image(d / "photo.png"), "still image"),
        (lambda d: still_image(d / "renamed", suffix_as=".mp4"), "still image"),
        (lambda d: d / "missing.mp4", "no such file"),
        (lambda d: (d / "empty.mp4").touch() or d / "empty.mp4", "file is empty"),
        (lambda d: d, "no videos or pose tracks"),  # an empty folder
        (
            lambda d: (d / "notes.mp4").write_text("not a video") and d / "notes.mp4",
            "not a readable video",
        ),
    ],
)
def test_a_bad_input_is_one_line_exit_2_and_the_next_input_still_runs(
    make: Callable[[Path], Path],
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)
    out = tmp_path / "out"
    assert main(["analyze", str(bad), str(SAMPLE), "--out", str(out)]) == 2
    assert_one_error(capsys.readouterr().err, str(bad), expected)
    assert (out / "kbdl_side_correct" / "report.json").is_file()
    assert leftovers(out) == []


def test_a_garbage_manifest_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "MANIFEST.tsv"
    for content in (
        bytes(range(256)),
        b"hello\nworld\n",
        b"file\tview\texercise\treps\tfaults\n",
    ):
        manifest.write_bytes(content)
        assert main(["eval", str(tmp_path)]) == 2
        assert_one_error(capsys.readouterr().err, str(manifest))
    manifest.write_text(
        "file\tview\texercise\treps\tfaults\nx.mp4\tside\tauto\tmany\tnone\n"
    )
    assert main(["eval", str(tmp_path)]) == 2
    assert_one_error(capsys.readouterr().err, "line 2", "'many'")


@pytest.mark.parametrize(
    ("wh", "capped"),
    [
        ((360, 640), (360, 640)),
        ((1920, 1080), (1920, 1080)),
        ((3840, 2160), (1920, 1080)),
        ((2160, 3840), (1080, 1920)),
        ((8192, 8192), (1440, 1440)),
        ((4000, 1000), (1920, 480)),
    ],
)
def test_frames_are_capped_by_side_and_by_pixels(
    wh: tuple[int, int], capped: tuple[int, int]
) -> None:
    w, h = capped_size(*wh)
    assert (w, h) == capped
    assert max(w, h) <= MAX_FRAME_SIDE_PX and w * h <= MAX_FRAME_PIXELS


def test_a_4k_video_is_decoded_at_the_capped_size(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "uhd.mp4", 3840, 2160, frames=3)
    with open_video(clip) as video:
        shapes = {f.image_bgr.shape for f in video}
        info = video.info
    assert shapes == {(1080, 1920, 3)}
    assert (info.width, info.height) == (1920, 1080)


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_a_truncated_video_is_analyzed_up_to_the_damage_then_exit_2(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    cut = truncated_copy(
        clip_path("kbdl_side_correct_tby.mp4"), tmp_path / "cut.mp4", 0.3
    )
    out = tmp_path / "out"
    done = hingecam("analyze", cut, "--out", out, "--no-video", "--model", model_path)
    assert done.returncode == 2
    assert_one_error(done.stderr, str(cut), "damaged or truncated")
    assert len(error_lines(done.stderr)) == 1
    report = json.loads((out / "cut" / "report.json").read_text())
    assert 0 < report["meta"]["video"]["frames"] < 648
    assert any("damaged or truncated" in note for note in report["notes"])


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_a_successful_run_is_quiet_and_spawns_no_process(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    strace = shutil.which("strace")
    if strace is None:
        missing_resource("strace is not installed (apt-get install strace)")
    log = tmp_path / "exec.log"
    done = subprocess.run(
        [
            strace,
            "-f",
            "-qq",
            "-e",
            "trace=execve",
            "-o",
            str(log),
            sys.executable,
            "-m",
            "hingecam",
            "analyze",
            str(clip_path("deadlift_side_good_jeff.mp4")),
            "--out",
            str(tmp_path / "out"),
            "--no-video",
            "--model",
            str(model_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0
    assert done.stderr == ""  # no MediaPipe INFO/W0000 lines
    programs = re.findall(r'execve\("([^"]+)".* = 0$', log.read_text(), re.MULTILINE)
    assert programs == [sys.executable]  # no gcc, ld or ldconfig


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_a_video_that_opens_on_an_empty_room_is_quiet_too(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    # MediaPipe logs a native warning on the first frame it finds a person in;
    # here that is frame 20, long after the first frame.
    import numpy as np

    from hingecam.media.sink import VideoSink
    from hingecam.media.video import open_video

    with open_video(clip_path("deadlift_side_good_jeff.mp4")) as source:
        fps = source.info.fps or 30.0
        frames = [f.image_bgr for f in source]
    walk_in = tmp_path / "walk_in.mp4"
    with VideoSink(walk_in, fps, max_height=None) as sink:
        for k, image in enumerate([np.zeros_like(frames[0])] * 20 + frames):
            sink.write(image, k / fps)
    done = hingecam(
        "analyze",
        walk_in,
        "--out",
        tmp_path / "out",
        "--no-video",
        "--model",
        model_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no W0000 line from the first person found
