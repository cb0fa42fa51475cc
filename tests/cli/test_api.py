"""The public Python API (`from hingecam import analyze, ...`): cheap to import,
a pose track analyzed without any model, a video with it, and README's example."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import hingecam
from hingecam.core.datatypes import AnalysisResult, VerdictKind, View
from hingecam.core.faults import Fault
from hingecam.core.thresholds import Thresholds
from hingecam.errors import InputError, ModelError

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "kbdl_side_roundedback.npz"
HEAVY = ("cv2", "mediapipe", "av", "matplotlib", "jinja2", "numpy")


def without_model(tmp_path: Path) -> dict[str, str]:
    """An environment where no pose model can be found outside models/ of the
    checkout: $HINGECAM_MODEL names a missing file, HOME and the cache are empty."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        **os.environ,
        "HINGECAM_MODEL": str(tmp_path / "no_such_model.task"),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONPATH": str(REPO),
    }


@pytest.fixture
def no_model_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any model lookup fails, as on a machine without the model."""

    def missing(*_args: object, **_kw: object) -> Path:
        raise ModelError("no full pose model found")

    monkeypatch.setattr("hingecam.media.models.resolve_model", missing)


def test_importing_hingecam_loads_no_heavy_module() -> None:
    check = (
        f"import sys, hingecam; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_every_public_name_resolves() -> None:
    for name in hingecam.__all__:
        assert getattr(hingecam, name) is not None or name == "__version__"
    assert hingecam.Thresholds is Thresholds
    assert hingecam.AnalysisResult is AnalysisResult
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = hingecam.no_such_name


def test_analyze_a_track_in_a_fresh_process_needs_no_model(tmp_path: Path) -> None:
    code = (
        "from hingecam import analyze; "
        "r = analyze('samples/kbdl_side_roundedback.npz'); print(len(r.reps))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env=without_model(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "5"


@pytest.mark.usefixtures("no_model_lookup")
def test_analyze_a_track_gives_reps_with_verdicts_and_evidence() -> None:
    result = hingecam.analyze(SAMPLE)
    assert result.view is View.SIDE
    flagged = [r for r in result.reps if r.verdict.kind is VerdictKind.FAULTS]
    assert len(flagged) >= 4
    spine = flagged[0].check(Fault.ROUNDED_SPINE)
    assert spine is not None and spine.measured > spine.threshold
    assert set(result.thumbnails) == {1, 2, 3, 4, 5}


@pytest.mark.usefixtures("no_model_lookup")
def test_analyze_track_takes_a_track_and_other_thresholds() -> None:
    track = hingecam.load_track(SAMPLE)
    lenient = Thresholds().with_overrides(
        {"spine_bow_max_norm": 0.9, "spine_offset_rise_norm": 0.9}, "test"
    )
    strict = hingecam.analyze_track(track)
    relaxed = hingecam.analyze_track(track, "auto", lenient)
    assert len(strict.reps) == len(relaxed.reps) == 5
    assert any(r.check(Fault.ROUNDED_SPINE) in r.verdict.flags for r in strict.reps)
    assert not any(
        c.fault is Fault.ROUNDED_SPINE for r in relaxed.reps for c in r.verdict.flags
    )


@pytest.mark.usefixtures("no_model_lookup")
def test_write_outputs_of_an_analysis_gives_the_report_files(tmp_path: Path) -> None:
    result = hingecam.analyze(SAMPLE, exercise="rdl")
    paths = hingecam.write_outputs(result, tmp_path)
    report = json.loads(paths["json"].read_text())
    assert report["meta"]["exercise"]["used"] == "rdl"
    assert len(report["reps"]) == 5


@pytest.mark.usefixtures("no_model_lookup")
def test_a_missing_video_is_named_before_any_model_lookup(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.mp4: no such file"):
        hingecam.analyze(tmp_path / "nope.mp4")


def test_cli_names_a_missing_input_not_the_missing_model(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hingecam", "analyze", "missing.mp4"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=without_model(tmp_path),
    )
    assert proc.returncode == 2
    assert proc.stderr == "hingecam: error: missing.mp4: no such file\n"
    assert not (tmp_path / "hingecam-out").exists()


def _readme_python_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.mark.usefixtures("no_model_lookup")
def test_readme_track_example_runs_and_prints_each_rep(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    exec(_readme_python_blocks()[0], {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(line.startswith(f"rep {i}: ") for i, line in enumerate(lines, 1))
    assert "rounded spine" in lines[0]


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_analyze_a_video_gives_the_reps_of_its_track(
    clip_path: Callable[[str], Path], model_path: Path
) -> None:
    result = hingecam.analyze(clip_path("kbdl_side_correct_tby.mp4"), model=model_path)
    again = hingecam.analyze(REPO / "samples" / "kbdl_side_correct.npz")
    assert result.video.name == again.video.name == "kbdl_side_correct_tby.mp4"
    assert len(result.reps) == len(again.reps) == 5
    assert [r.verdict.kind for r in result.reps] == [r.verdict.kind for r in again.reps]


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_readme_frame_by_frame_loop_runs_on_a_clip(
    clip_path: Callable[[str], Path],
    model_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HINGECAM_MODEL", str(model_path))
    # Five swings at 10 fps: 96 frames, so the per-frame loop stays quick.
    clip = clip_path("kbswing_45deg_mw.mp4")
    source = _readme_python_blocks()[1].replace("my_set.mp4", str(clip))
    exec(source, {})
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "5 reps"
