"""`hingecam analyze`, `eval` and `thresholds` end to end, in-process (cli.main) and
once as a subprocess."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hingecam.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "kbdl_side_roundedback.npz"


def test_analyze_a_pose_track_writes_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["analyze", str(SAMPLE), "--out", str(tmp_path)])
    assert code == 0
    folder = tmp_path / "kbdl_side_roundedback"
    report = json.loads((folder / "report.json").read_text())
    assert report["schema_version"] == "1.4"
    assert {"meta", "summary", "setup", "notes", "reps"} <= set(report)
    assert len(report["reps"]) == 5
    flagged = [
        c["fault"]
        for rep in report["reps"]
        for c in rep["checks"]
        if c["outcome"] == "flagged"
    ]
    assert flagged.count("rounded_spine") >= 4
    with open(folder / "reps.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 5
    html = (folder / "report.html").read_text()
    assert "<img" in html  # stick-figure thumbnails stand in for video frames
    assert (folder / "pose_track.npz").is_file()
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "5 reps" in out[0] and "report.html" in out[0]


def test_reanalysis_with_another_exercise_changes_the_profile(tmp_path: Path) -> None:
    assert (
        main(["analyze", str(SAMPLE), "--out", str(tmp_path), "--exercise", "rdl"]) == 0
    )
    report = json.loads(
        (tmp_path / "kbdl_side_roundedback" / "report.json").read_text()
    )
    assert report["meta"]["exercise"]["used"] == "rdl"


def test_threshold_override_from_set_reaches_the_report(tmp_path: Path) -> None:
    args = [
        "analyze",
        str(SAMPLE),
        "--out",
        str(tmp_path),
        "--set",
        "spine_bow_max_norm=0.9",
        "--set",
        "spine_offset_rise_norm=0.9",
    ]
    assert main(args) == 0
    report = json.loads(
        (tmp_path / "kbdl_side_roundedback" / "report.json").read_text()
    )
    assert report["meta"]["thresholds"]["spine_bow_max_norm"] == 0.9
    flagged = [
        c["fault"]
        for rep in report["reps"]
        for c in rep["checks"]
        if c["outcome"] == "flagged"
    ]
    assert "rounded_spine" not in flagged


def _bad_inputs(tmp_path: Path, clip: Path | None) -> dict[str, Path]:
    empty = tmp_path / "empty.mp4"
    empty.touch()
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n")
    folder = tmp_path / "a_folder"
    folder.mkdir()
    cases = {
        "missing": tmp_path / "nope.mp4",
        "empty": empty,
        "text": text,
        "directory": folder,
    }
    if clip is not None:
        truncated = tmp_path / "truncated.mp4"
        truncated.write_bytes(clip.read_bytes()[:2000])
        cases["truncated"] = truncated
    return cases


@pytest.mark.parametrize("case", ["missing", "empty", "text", "directory", "truncated"])
def test_bad_input_is_one_line_and_exit_2(
    case: str, tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    path = _bad_inputs(tmp_path, clip_path("deadlift_side_good_jeff.mp4"))[case]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hingecam",
            "analyze",
            str(path),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.startswith("hingecam:")]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(path.name) in lines[0]
    assert not (tmp_path / "out" / path.stem / "report.json").exists()


def test_a_bad_input_does_not_stop_the_good_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["analyze", str(tmp_path / "missing.npz"), str(SAMPLE), "--out", str(tmp_path)]
    )
    assert code == 2
    assert (tmp_path / "kbdl_side_roundedback" / "report.json").is_file()
    assert "missing.npz" in capsys.readouterr().err


def test_help_loads_no_heavy_modules() -> None:
    code = "import sys; from hingecam.cli import main; main(['--help'])"
    check = "import sys; from hingecam.cli import build_parser; build_parser(); print(sorted(m for m in ('cv2','mediapipe','av','matplotlib','scipy','jinja2','numpy') if m in sys.modules))"
    proc = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip() == "[]"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert "analyze" in proc.stdout and "live" in proc.stdout


def test_thresholds_toml_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["thresholds", "--toml", "--set", "rep_min_depth_deg=50"]) == 0
    toml = tmp_path / "th.toml"
    toml.write_text(capsys.readouterr().out)
    assert main(["thresholds", "--thresholds", str(toml)]) == 0
    assert any(
        line.startswith("rep_min_depth_deg") and " 50 " in line
        for line in capsys.readouterr().out.splitlines()
    )


def test_unknown_threshold_is_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["thresholds", "--set", "no_such_threshold=1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no_such_threshold" in err


def _tracks_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A labelled folder of two side-view sets (MANIFEST.tsv) with their pose
    tracks (samples/) in a cache: eval runs without a model or the clips."""
    clips = tmp_path / "clips"
    clips.mkdir()
    tracks = tmp_path / "tracks"
    tracks.mkdir()
    rows = [
        ("kbdl_side_correct_tby.mp4", "side", "deadlift", "5", "none", "extra"),
        (
            "kbdl_side_roundedback_tby.mp4",
            "side",
            "deadlift",
            "5",
            "rounded_spine",
            "extra",
        ),
    ]
    (clips / "MANIFEST.tsv").write_text(
        "file\tview\texercise\treps\tfaults\tnotes\n"
        + "".join("\t".join(r) + "\n" for r in rows)
    )
    for name in ("kbdl_side_correct", "kbdl_side_roundedback"):
        shutil.copy(REPO / "samples" / f"{name}.npz", tracks / f"{name}_tby.npz")
    return clips, tracks


def test_eval_on_a_folder_of_tracks_prints_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clips, tracks = _tracks_folder(tmp_path)
    out_json = tmp_path / "eval.json"
    assert (
        main(["eval", str(clips), "--tracks", str(tracks), "--json", str(out_json)])
        == 0
    )
    printed = capsys.readouterr().out
    assert "kbdl_side_correct_tby.mp4" in printed and "precision" in printed
    data = json.loads(out_json.read_text())
    first = data["clips"][0]
    assert {
        "file",
        "reps_labelled",
        "reps_counted",
        "faults_labelled",
        "faults_found",
        "view",
    } <= set(first)
    totals = data["totals"]
    assert totals["rep_exact_rate"] == 1.0
    assert totals["faults"]["rounded_spine"]["recall"] >= 0.8
    assert totals["faults"]["rounded_spine"]["precision"] == 1.0
    assert totals["false_alarm_rate"] == 0.0
    assert "[side] 2 clips" in printed
    assert totals["views"]["side"]["faults"]["rounded_spine"]["judged"] == 1.0


def test_eval_live_judges_the_tracks_as_live_practice_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clips, tracks = _tracks_folder(tmp_path)
    out_json = tmp_path / "eval.json"
    args = ["eval", str(clips), "--tracks", str(tracks), "--json", str(out_json)]
    assert main([*args, "--live"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("exercise: auto (recognised from the movement")
    assert "judged as `hingecam live` judges a camera" in printed.splitlines()[1]
    data = json.loads(out_json.read_text())
    assert [c["reps_counted"] for c in data["clips"]] == [5, 5]
    assert data["totals"]["faults"]["rounded_spine"]["precision"] == 1.0


def test_eval_without_manifest_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(tmp_path)]) == 2
    assert "MANIFEST.tsv" in capsys.readouterr().err


def _write_video(path: Path, frames: list[Any], fps: float = 30.0) -> Path:
    from hingecam.media.sink import VideoSink

    with VideoSink(path, fps) as sink:
        for k, image in enumerate(frames):
            sink.write(image, k / fps)
    return path


def test_video_with_nobody_gives_a_report_that_says_so(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np

    blank = [np.full((240, 320, 3), 60 + k, np.uint8) for k in range(20)]
    video = _write_video(tmp_path / "empty_room.mp4", blank)
    assert main(["analyze", str(video), "--out", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "empty_room" / "report.json").read_text())
    assert report["summary"]["status"] == "no_person"
    assert report["reps"] == []
    assert "no person" in capsys.readouterr().out


def test_one_frame_video_is_too_short_not_an_error(
    tmp_path: Path,
    clip_path: Callable[[str], Path],
    model_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hingecam.media.video import open_video

    with open_video(clip_path("kbdl_side_correct_tby.mp4")) as source:
        first = next(iter(source)).image_bgr
    video = _write_video(tmp_path / "one.mp4", [first])
    assert main(["analyze", str(video), "--out", str(tmp_path / "out")]) == 0
    assert "too short" in capsys.readouterr().out
    assert (tmp_path / "out" / "one" / "report.html").is_file()


def test_ctrl_c_keeps_what_was_measured_and_leaves_no_partial_file(
    tmp_path: Path, clip_path: Callable[[str], Path], model_path: Path
) -> None:
    import signal

    from tests.polling import wait_for
    from tests.reliability.harness import encoded_frames_exist

    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hingecam",
            "analyze",
            str(clip_path("kbdl_side_correct_tby.mp4")),
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    folder = out / "kbdl_side_correct_tby"

    wait_for(encoded_frames_exist(out), "the annotated video to grow")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    report = json.loads((folder / "report.json").read_text())
    assert any("interrupted" in note for note in report["notes"])
    assert 0 < report["meta"]["video"]["frames"] < 648
    assert (folder / "annotated.mp4").is_file() and (
        folder / "pose_track.npz"
    ).is_file()
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith((".part", ".tmp"))]
    assert leftovers == []
