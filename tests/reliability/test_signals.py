"""Ctrl+C, SIGTERM and SIGHUP during analyze: exit 130/143/129, what was measured
is published as a whole run, no temporary file left, no traceback. Each signal is
sent on a sign of progress (a line printed, a file written), never after a delay."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hingecam.app.signals import (
    QUIT_AGAIN_LINE,
    STOPPING_LINE,
    Ending,
    ForceQuit,
    StopSignals,
    publishing,
)
from tests.polling import read_until, wait_for
from tests.reliability.harness import (
    RUN_FILES,
    encoded_frames_exist,
    error_lines,
    leftovers,
    start,
)

CLIP = "kbdl_side_correct_tby.mp4"
CLIP_FRAMES = 648
ENDINGS = [
    (signal.SIGINT, 130, "interrupted"),
    (signal.SIGTERM, 143, "terminated"),
    (signal.SIGHUP, 129, "hung up"),
]


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
@pytest.mark.parametrize(("signum", "status", "word"), ENDINGS)
def test_a_signal_mid_video_keeps_what_was_measured(
    signum: int,
    status: int,
    word: str,
    tmp_path: Path,
    clip_path: Callable[[str], Path],
    model_path: Path,
) -> None:
    out = tmp_path / "out"
    clip = clip_path(CLIP)
    # A second input that must never start once the first was stopped.
    proc = start("analyze", clip, clip, "--out", out, "--model", model_path)
    wait_for(encoded_frames_exist(out), "the first encoded frames")
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == status, stderr
    assert error_lines(stderr) == [
        STOPPING_LINE,
        f"hingecam: {word}; the results so far are saved",
    ]
    folder = out / "kbdl_side_correct_tby"
    report = json.loads((folder / "report.json").read_text())
    assert any("interrupted after" in note for note in report["notes"])
    assert 0 < report["meta"]["video"]["frames"] < CLIP_FRAMES
    for name in (*RUN_FILES, "annotated.mp4"):
        assert (folder / name).stat().st_size > 0
    assert not (out / "kbdl_side_correct_tby-2").exists()
    assert leftovers(out) == []
    assert stdout.count("->") == 1


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_ctrl_c_while_libraries_load_still_writes_a_whole_report(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    out = tmp_path / "out"
    # -v logs "analyzing ..." right after the signal handlers are in place and
    # before mediapipe, matplotlib and the model load: the slow part to hit.
    proc = start("-v", "analyze", clip_path(CLIP), "--out", out, "--model", model_path)
    seen = read_until(proc.stderr, "analyzing 1 input(s)", "the first log line")
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=300)
    stderr = "".join(seen) + rest
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert leftovers(out) == []
    folder = out / "kbdl_side_correct_tby"
    if "hingecam: interrupted; nothing was measured" in stderr:
        assert not folder.exists()  # an earlier run there would have been kept
        return
    assert "hingecam: interrupted; the results so far are saved" in stderr
    report = json.loads((folder / "report.json").read_text())
    assert 0 < report["meta"]["video"]["frames"] < CLIP_FRAMES
    assert (folder / "report.html").read_text().rstrip().endswith("</html>")


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_a_second_ctrl_c_quits_at_once_and_leaves_nothing_half_written(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    out = tmp_path / "out"
    proc = start("analyze", clip_path(CLIP), "--out", out, "--model", model_path)
    wait_for(encoded_frames_exist(out), "the first encoded frames")
    proc.send_signal(signal.SIGINT)
    # The wind-down has begun: now the second Ctrl+C.
    seen = read_until(proc.stderr, STOPPING_LINE, "the stopping line")
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=300)
    stderr = "".join(seen) + rest
    assert proc.returncode == 130, stderr
    assert error_lines(stderr) == [
        STOPPING_LINE,
        QUIT_AGAIN_LINE,
    ]
    assert leftovers(out) == []
    assert [p.name for p in out.iterdir()] == [".hingecam.lock"]


def test_a_second_ctrl_c_waits_for_a_folder_being_published() -> None:
    # In process: the handlers are this test's until the block ends.
    signals = StopSignals(force_quit=True)
    with signals:
        signals.request(Ending.INTERRUPTED)  # the first Ctrl+C: winding down
        moved = []
        with pytest.raises(ForceQuit):
            with publishing():
                os.kill(os.getpid(), signal.SIGINT)  # the second, mid-publish
                moved.append("every file")  # still runs: the quit waits
        assert moved == ["every file"]
        os.kill(os.getpid(), signal.SIGINT)  # a third: the quit is under way
    with StopSignals(force_quit=True) as signals:
        signals.request(Ending.INTERRUPTED)
        with pytest.raises(ForceQuit):  # outside publishing(): at once
            os.kill(os.getpid(), signal.SIGINT)


def test_a_force_quit_dropped_by_a_finalizer_comes_back_before_publishing() -> None:
    # The second Ctrl+C can land while the garbage collector closes a generator
    # (the video source's): Python drops an exception raised there. It must not
    # be printed as "Exception ignored", and nothing may be published after it.
    def closed_by_the_collector() -> Iterator[None]:
        try:
            yield
        finally:
            raise ForceQuit  # as if the handler had fired right here

    seen: list[object] = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append  # what the default hook would print
    try:
        with StopSignals(force_quit=True) as signals:
            signals.request(Ending.INTERRUPTED)  # the first Ctrl+C
            stream = closed_by_the_collector()
            next(stream)
            del stream  # finalized here: the ForceQuit is dropped
            published = []
            with pytest.raises(ForceQuit):
                with publishing():
                    published.append("a folder")
            assert published == []
            with publishing():  # delivered once
                published.append("a folder")
    finally:
        sys.unraisablehook = previous
    assert seen == []


def test_a_second_ctrl_c_inside_the_first_ones_handler_counts_as_the_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Python can run a handler again at any call inside it: here the second
    # press arrives while the first one writes its line.
    signals = StopSignals(force_quit=True)
    written: list[bytes] = []

    def write(fd: int, data: bytes) -> int:
        written.append(data)
        if len(written) == 1:
            signals._on_signal(signal.SIGINT, None)  # the second press
        return len(data)

    monkeypatch.setattr("hingecam.app.signals.os.write", write)
    with pytest.raises(ForceQuit):
        signals._on_signal(signal.SIGINT, None)  # the first press
    assert written == [(STOPPING_LINE + "\n").encode()]
    assert signals.reason is Ending.INTERRUPTED


_BLOCKED_WIND_DOWN = """
import sys, threading
from hingecam.app.signals import StopSignals
from hingecam.files import PendingFile, StagedFolder

staged = StagedFolder(sys.argv[1])
PendingFile(staged.path / "report.json")
half = PendingFile(sys.argv[1] + ".csv")  # a half-written file beside it
with StopSignals(threading.Event(), always_save=True, force_quit=True):
    try:
        print("ready", flush=True)
        threading.Event().wait()  # the run: the first Ctrl+C only asks
    finally:
        threading.Event().wait()  # a wind-down that blocks where ForceQuit landed
"""


def test_a_second_ctrl_c_quits_even_when_the_wind_down_blocks(tmp_path: Path) -> None:
    # The force quit is an exception raised where the handler runs; if that
    # place blocks (a join or a put in a `finally`), the watchdog still ends the
    # process with 130, after removing what was staged or half-written.
    import subprocess

    target = tmp_path / "set"
    proc = subprocess.Popen(
        [sys.executable, "-c", _BLOCKED_WIND_DOWN, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == "ready\n"
    assert len(leftovers(tmp_path)) == 3  # the staged folder, a file in it, the csv
    proc.send_signal(signal.SIGINT)
    assert proc.stderr.readline().rstrip() == STOPPING_LINE
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=120)  # the watchdog acts in seconds
    assert proc.returncode == 130, rest
    assert error_lines(rest) == [QUIT_AGAIN_LINE]
    assert leftovers(tmp_path) == []
    assert list(tmp_path.iterdir()) == []
