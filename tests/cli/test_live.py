"""`hingecam live` end to end without a camera, a screen or the model: scripted
sessions on a synthetic set with a fake camera, a fake estimator and a scripted
window (fast); the real clip is in test_live_clip.py."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hingecam.app import live
from hingecam.app.signals import Ending
from hingecam.app.stats import LiveStats
from hingecam.cli import main
from hingecam.core.cues import CueEvent, CueKind
from hingecam.core.datatypes import (
    Severity,
)
from hingecam.media import display as screen
from hingecam.media import sound
from hingecam.media.fake_pose import FakeEstimator
from hingecam.media.tracks import load_track
from hingecam.media.video import open_video
from tests.factories import hinge_set
from tests.live_fakes import WH, FakeCamera, ScriptedWindow, report_of, session_dir


@pytest.fixture(scope="module")
def three_reps() -> Any:
    """A side-view set: 2.5 s standing (the live calibration), 3 reps, 3 s standing."""
    return hinge_set(3, 30.0, stand_s=2.5, end_s=3.0, image_wh=WH)


@pytest.fixture
def fake_session(
    monkeypatch: pytest.MonkeyPatch, three_reps: Any, tmp_path: Path
) -> Callable[..., tuple[int, str, str, Any]]:
    """Runs `hingecam live` in-process on the fake camera, estimator and window."""

    def run(
        *args: str,
        window: ScriptedWindow | None = None,
        fail_after: int | None = None,
        patch_estimator: bool = True,
        default_out: bool = False,
    ) -> tuple[int, str, str, dict[str, Any]]:
        track = three_reps.track
        camera = FakeCamera(track.t_s, WH, fail_after)
        estimator = FakeEstimator.from_track(track)
        monkeypatch.setattr(live, "open_source", lambda *a: camera)
        monkeypatch.setattr(
            "hingecam.media.models.resolve_model", lambda m=None: Path("x")
        )
        if patch_estimator:
            monkeypatch.setattr(
                "hingecam.media.pose.LivePoseEstimator",
                lambda cfg, on_result=None: estimator,
            )
        monkeypatch.setattr(screen, "has_display", lambda: window is not None)
        monkeypatch.setattr(screen, "Window", lambda title: window)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            where = [] if default_out else ["--out", str(tmp_path / "out")]
            code = main(["live", *where, *args])
        return code, out.getvalue(), err.getvalue(), {"estimator": estimator}

    return run


def test_without_a_display_live_says_so_in_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    # A camera that does not exist: the display check must come first.
    code = main(["live", "--camera", "97", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "hingecam: error: no display found; run with --no-window to practise "
        "without a window\n"
    )
    assert not any(tmp_path.iterdir())


def test_a_missing_camera_gives_one_line_with_what_to_try(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["live", "--no-window", "--camera", "97", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("hingecam: error: cannot open camera 97")
    assert "--camera 98" in err and "--source FILE" in err
    assert not any(tmp_path.iterdir())


def test_no_window_prints_each_rep_once_and_saves_the_report(
    fake_session: Callable[..., Any], tmp_path: Path
) -> None:
    code, out, _err, _ = fake_session("--no-window")
    assert code == 0
    lines = out.splitlines()
    assert [ln.split("  ", 1)[1] for ln in lines if "  rep " in ln] == [
        "rep 1: good rep",
        "rep 2: good rep",
        "rep 3: good rep",
    ]
    assert sum("calibrated" in ln for ln in lines) == 1
    assert lines[-1].startswith("camera 7: 3 reps")
    assert lines[-1].endswith("report.html")
    folder = session_dir(tmp_path / "out")
    for name in ("report.json", "report.html", "reps.csv", "pose_track.npz"):
        assert (folder / name).stat().st_size > 0
    report = report_of(tmp_path / "out")
    assert report["summary"]["rep_count"] == 3
    assert report["setup"]["calibrated"] is True
    assert any("live session (stream ended)" in n for n in report["notes"])


@pytest.mark.parametrize(
    ("args", "models", "num_poses"),
    [
        ((), 4, [2, 1, 2, 1]),  # default: 2 workers here, each with both models
        (("--pose-workers", "3", "--no-single-pose"), 3, [2, 2, 2]),
        (("--pose-workers", "1"), 2, [2, 1]),
    ],
)
def test_pose_workers_and_single_pose_choose_the_models_loaded(
    fake_session: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    three_reps: Any,
    args: tuple[str, ...],
    models: int,
    num_poses: list[int],
) -> None:
    loaded: list[int] = []
    estimator = FakeEstimator.from_track(three_reps.track)

    def load(cfg: Any, on_result: Any = None) -> FakeEstimator:
        loaded.append(cfg.num_poses)
        return estimator

    monkeypatch.setattr("hingecam.media.live_parallel.default_workers", lambda: 2)
    monkeypatch.setattr("hingecam.media.pose.LivePoseEstimator", load)
    code, out, _err, _ = fake_session("--no-window", *args, patch_estimator=False)
    assert code == 0, out
    assert loaded == num_poses and len(loaded) == models
    assert out.splitlines()[-1].startswith("camera 7: 3 reps")
    track = load_track(session_dir(tmp_path / "out") / "pose_track.npz")
    inference = track.meta["live_inference"]
    assert inference["workers"] == models // (2 if 1 in num_poses else 1)
    assert inference["full"] + inference["single"] > 0


def test_pose_workers_below_one_is_one_line_and_exit_2(
    fake_session: Callable[..., Any], tmp_path: Path
) -> None:
    code, _out, err, _ = fake_session("--no-window", "--pose-workers", "0")
    assert code == 2
    assert err.strip() == "hingecam: error: live pose workers must be at least 1, got 0"
    assert not list((tmp_path / "out").glob("live-*"))  # nothing half-written


def test_keys_snapshot_pause_reset_and_quit(
    fake_session: Callable[..., Any], tmp_path: Path, three_reps: Any
) -> None:
    rep1_end = three_reps.reps[0].end_frame
    quit_at = three_reps.reps[1].end_frame + 20
    window = ScriptedWindow(
        {10: "s", 20: " ", 30: " ", rep1_end + 25: "r", quit_at: "q"}
    )
    code, out, _err, fakes = fake_session(window=window)
    assert code == 0
    folder = session_dir(tmp_path / "out")
    assert (folder / "snapshot-01.png").stat().st_size > 0
    assert "snapshot saved:" in out and "count reset to 0" in out
    # Paused: the same frozen picture, nothing sent to the model.
    submitted = set(fakes["estimator"].calls)
    assert not submitted & set(range(20, 30))
    assert all(np.array_equal(window.images[20], im) for im in window.images[21:30])
    assert window.shown == quit_at and window.was_closed
    # The count restarted at 0, the report keeps every rep done before q.
    report = report_of(tmp_path / "out")
    assert report["summary"]["rep_count"] == 2
    assert out.splitlines()[-1].startswith("camera 7: 2 reps")


@pytest.mark.parametrize(
    ("stand_after_c", "calibrated"), [(True, True), (False, False)]
)
def test_recalibrate_forgets_the_setup_until_the_lifter_stands_still_again(
    fake_session: Callable[..., Any],
    tmp_path: Path,
    three_reps: Any,
    stand_after_c: bool,
    calibrated: bool,
) -> None:
    press = three_reps.reps[-1].end_frame + 5
    quit_at = len(three_reps.track) if stand_after_c else press + 10
    window = ScriptedWindow({press: "c", quit_at: "esc"})
    code, out, _err, _ = fake_session(window=window)
    assert code == 0
    assert "recalibrating: stand tall and still" in out
    assert report_of(tmp_path / "out")["setup"]["calibrated"] is calibrated


def test_closing_the_window_ends_the_session_like_q(
    fake_session: Callable[..., Any], tmp_path: Path
) -> None:
    code, out, _err, _ = fake_session(window=ScriptedWindow({}, close_after=50))
    assert code == 0
    assert report_of(tmp_path / "out")["meta"]["video"]["frames"] == 50
    assert "report.html" in out.splitlines()[-1]


def test_a_camera_failing_mid_session_keeps_the_reps_so_far(
    fake_session: Callable[..., Any], tmp_path: Path, three_reps: Any
) -> None:
    fail_after = three_reps.reps[1].end_frame + 20
    code, out, err, _ = fake_session("--no-window", fail_after=fail_after)
    assert code == 2
    assert err == (
        "hingecam: error: camera 7 stopped delivering frames; the reps so far "
        "are saved\n"
    )
    assert report_of(tmp_path / "out")["summary"]["rep_count"] == 2
    assert out.splitlines()[-1].startswith("camera 7: 2 reps")
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".part"))]


def test_record_needs_no_model_to_be_playable(
    fake_session: Callable[..., Any], tmp_path: Path
) -> None:
    code, out, _err, _ = fake_session("--no-window", "--record", str(tmp_path / "rec"))
    assert code == 0
    (recording,) = (tmp_path / "rec").glob("live-*.mp4")
    assert f"recording: {recording}" in out
    assert recording.stem == session_dir(tmp_path / "out").name
    with open_video(recording) as video:
        n = sum(1 for _ in video)
        assert (video.info.width, video.info.height) == WH
    assert n == report_of(tmp_path / "out")["meta"]["video"]["frames"]


def test_stats_give_fps_and_latency_in_frame_intervals() -> None:
    stats = LiveStats(source_fps=50.0, shown=101, first_shown_s=10.0, last_shown_s=12.0)
    stats.latency_ms = [10.0, 20.0, 30.0]
    figures = stats.summary()
    assert figures["displayed_fps"] == pytest.approx(50.0)
    assert figures["fps_ratio"] == pytest.approx(1.0)
    assert figures["latency_median_ms"] == pytest.approx(20.0)
    assert figures["latency_median_frames"] == pytest.approx(1.0)


def test_exit_status_per_ending() -> None:
    assert Ending.QUIT.exit_status == 0
    assert Ending.STREAM_ENDED.exit_status == 0
    assert Ending.WINDOW_CLOSED.exit_status == 0
    assert Ending.INTERRUPTED.exit_status == 130
    assert Ending.TERMINATED.exit_status == 143
    assert Ending.CAMERA_FAILED.exit_status == 2


def test_speak_without_a_speech_program_warns_once_and_stays_silent(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sound.shutil, "which", lambda name: None)
    assert sound.make_sound("speak") is None
    assert len(caplog.records) == 1
    assert "cues stay silent" in caplog.records[0].getMessage()


def test_beep_writes_a_short_tone(tmp_path: Path) -> None:
    import wave

    sound.write_tone(tmp_path / "t.wav", 880.0, 0.15)
    with wave.open(str(tmp_path / "t.wav")) as w:
        assert w.getnchannels() == 1
        assert w.getnframes() / w.getframerate() == pytest.approx(0.15, abs=1e-3)


def test_a_stream_that_ends_at_once_still_writes_a_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    camera = FakeCamera(np.zeros(0), WH)
    monkeypatch.setattr(live, "open_source", lambda *a: camera)
    monkeypatch.setattr("hingecam.media.models.resolve_model", lambda m=None: Path("x"))
    monkeypatch.setattr(
        "hingecam.media.pose.LivePoseEstimator",
        lambda cfg, on_result=None: FakeEstimator({}),
    )
    code = main(["live", "--no-window", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[-1] == (
        f"camera 7: 0 reps, no frames could be read -> "
        f"{session_dir(tmp_path) / 'report.html'}"
    )
    assert report_of(tmp_path)["summary"]["rep_count"] == 0


def test_beep_rings_for_a_faulty_rep_and_a_hint_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sound.shutil, "which", lambda name: None)  # no audio player
    beeper = sound.make_sound("beep")
    assert beeper is not None
    for kind, text, severity in [
        (CueKind.REP, "good rep", Severity.NOTE),
        (CueKind.CUE, "stand tall and still to calibrate", Severity.NOTE),
        (CueKind.REP, "soften your knees", Severity.FAULT),
        (
            CueKind.HINT,
            "turn sideways to the camera to check your back",
            Severity.WARNING,
        ),
    ]:
        beeper.cue(CueEvent(kind, text, severity, 0.0, 1))
    beeper.close()
    assert capsys.readouterr().out == "\a\a"


def test_a_session_records_its_start_and_who_and_compares_with_the_last(
    fake_session: Callable[..., Any], tmp_path: Path
) -> None:
    before = datetime.now().astimezone().replace(microsecond=0)
    code, out, _err, _ = fake_session("--no-window", "--athlete", "Alex")
    assert code == 0 and "last time" not in out  # nobody to compare with yet
    first = report_of(tmp_path / "out")
    assert first["meta"]["athlete"] == "Alex"
    recorded = first["meta"]["recorded"]
    assert recorded["from"] == "live_start"
    at = datetime.fromisoformat(recorded["at"])
    assert before <= at <= datetime.now().astimezone()
    assert session_dir(tmp_path / "out").name == f"live-{at:%Y%m%d-%H%M%S}"
    assert first["summary"]["last_time"] is None
    previous = session_dir(tmp_path / "out").name
    moved = tmp_path / "out" / "first"
    session_dir(tmp_path / "out").rename(moved)  # session_dir() sees one folder

    code, out, _err, _ = fake_session("--no-window", "--athlete", "alex")
    assert code == 0
    line = out.splitlines()[-1]
    assert "; clean reps 3 of 3, last time 3 of 3 -> " in line
    second = report_of(tmp_path / "out")
    assert second["summary"]["last_time"]["set"] == "first" != previous
    assert second["summary"]["last_time"]["rep_count"] == 3
    page = (session_dir(tmp_path / "out") / "report.html").read_text("utf-8")
    assert "Since last time" in page and "Clean reps 3 of 3, last time 3 of 3." in page

    code, out, _err, _ = fake_session("--no-window", "--athlete", "Sam")
    assert code == 0 and "last time" not in out.splitlines()[-1]  # someone else


def test_without_out_a_session_goes_into_the_diary_folder(
    fake_session: Callable[..., Any], diary_home: Path
) -> None:
    code, out, _err, _ = fake_session("--no-window", default_out=True)
    assert code == 0
    diary = diary_home / "hingecam" / "diary"
    assert out.splitlines()[0] == f"hingecam live: saving the session into {diary}"
    assert report_of(diary)["summary"]["rep_count"] == 3
    assert main(["progress"]) == 0  # and progress reads it there
    assert (diary / "progress.html").is_file()


def test_live_help_names_the_diary_folder(
    diary_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["live", "--help"])
    help_text = capsys.readouterr().out
    assert "--athlete NAME" in help_text
    # argparse wraps the path where it likes (at a hyphen, too)
    assert str(diary_home / "hingecam" / "diary") in "".join(help_text.split())
