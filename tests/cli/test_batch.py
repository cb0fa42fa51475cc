"""`hingecam analyze` over many inputs (pose tracks, no model): --workers equals one
by one, the index, resume and --force, Ctrl+C mid-batch, `hingecam index`,
`--ray` without Ray, and hingecam.analyze_many."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import hingecam
from hingecam.app.api import RunOptions
from hingecam.app.staging import analyze_one
from hingecam.cli import main
from hingecam.core.datatypes import Exercise
from hingecam.core.thresholds import for_exercise, load_thresholds
from tests.batch_compare import assert_same_set, report_without_time

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "samples").glob("*.npz"))
NAMES = [p.stem for p in SAMPLES]


def _analyze(*args: str) -> int:
    return main(["analyze", *args])


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four samples analyzed once with two workers."""
    out = tmp_path_factory.mktemp("batch")
    assert _analyze(*map(str, SAMPLES), "--out", str(out), "--workers", "2") == 0
    return out


def test_two_workers_equal_one_by_one(batch_out: Path, tmp_path: Path) -> None:
    for sample in SAMPLES:  # the CLI, one input per command
        assert (
            _analyze(str(sample), "--out", str(tmp_path / "cli"), "--workers", "1") == 0
        )
    th = load_thresholds(Exercise.AUTO)
    for sample, name in zip(SAMPLES, NAMES, strict=True):
        assert_same_set(batch_out / name, tmp_path / "cli" / name)
        # ... and the single-input path itself, before provenance is recorded
        plain = tmp_path / "plain" / name
        analyze_one(
            sample, plain, RunOptions(Exercise.AUTO, th),
            show_progress=False, stop=threading.Event(),
        )  # fmt: skip
        batch = report_without_time(batch_out / name)
        batch["meta"].pop("input")
        assert batch.pop("meta")["model"] is None  # a track runs no model
        alone = report_without_time(plain)
        alone.pop("meta")
        assert batch == alone
        assert (plain / "reps.csv").read_text() == (
            batch_out / name / "reps.csv"
        ).read_text()


def test_report_records_input_and_thresholds(batch_out: Path) -> None:
    data = json.loads((batch_out / NAMES[0] / "report.json").read_text())
    assert data["schema_version"] == "1.4"
    record = data["meta"]["input"]
    st = SAMPLES[0].stat()
    assert record["size_bytes"] == st.st_size and record["mtime_ns"] == st.st_mtime_ns
    assert len(record["sha256"]) == 64 and record["path"] == str(SAMPLES[0].resolve())
    # Auto recognised the sample's exercise: its profile's numbers are in force.
    used = Exercise(data["meta"]["exercise"]["used"])
    assert used is Exercise.DEADLIFT
    in_force = for_exercise(load_thresholds(Exercise.AUTO), Exercise.AUTO, used)
    assert data["meta"]["thresholds"] == in_force.as_dict()


def test_index_lists_every_set_and_every_rep(batch_out: Path) -> None:
    summary = json.loads((batch_out / "summary.json").read_text())
    assert [s["set"] for s in summary["sets"]] == NAMES
    assert summary["totals"]["sets"] == 4 and summary["totals"]["reps"] == 20
    rounded = next(s for s in summary["sets"] if s["set"] == "kbdl_side_roundedback")
    assert rounded["outcome"] == "faulty" and rounded["main_focus"] == "rounded spine"
    with open(batch_out / "summary.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 20 and {r["set"] for r in rows} == set(NAMES)
    with open(batch_out / NAMES[0] / "reps.csv", newline="") as fh:
        assert set(next(csv.DictReader(fh))) < set(rows[0])
    html = (batch_out / "index.html").read_text()
    for name in NAMES:
        assert f'href="./{name}/report.html"' in html
        assert f'src="./{name}/thumbnail.jpg"' in html
        assert (batch_out / name / "thumbnail.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert "http://" not in html and "https://" not in html


def _copy_batch(batch_out: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(batch_out, out)
    return out


def _report_mtimes(out: Path) -> dict[str, int]:
    return {n: (out / n / "report.json").stat().st_mtime_ns for n in NAMES}


def test_rerun_skips_done_sets_and_force_redoes_them(
    batch_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _copy_batch(batch_out, tmp_path)
    before = _report_mtimes(out)
    assert _analyze(*map(str, SAMPLES), "--out", str(out), "--workers", "1") == 0
    assert "4 of 4 sets already analyzed" in capsys.readouterr().out
    assert _report_mtimes(out) == before
    assert (
        _analyze(*map(str, SAMPLES), "--out", str(out), "--force", "--workers", "1")
        == 0
    )
    after = _report_mtimes(out)
    assert all(after[n] != before[n] for n in NAMES)
    assert "already analyzed" not in capsys.readouterr().out


def test_other_thresholds_or_exercise_redo_the_sets(
    batch_out: Path, tmp_path: Path
) -> None:
    out = _copy_batch(batch_out, tmp_path)
    before = _report_mtimes(out)
    args = [str(SAMPLES[0]), "--out", str(out), "--workers", "1"]
    assert _analyze(*args, "--set", "rep_min_duration_s=0.6") == 0
    assert _report_mtimes(out)[NAMES[0]] != before[NAMES[0]]
    again = _report_mtimes(out)
    assert _analyze(*args, "--exercise", "rdl") == 0
    assert _report_mtimes(out)[NAMES[0]] != again[NAMES[0]]


def test_same_bytes_newer_mtime_is_done_other_bytes_are_not(tmp_path: Path) -> None:
    src = tmp_path / "in" / "one.npz"
    src.parent.mkdir()
    shutil.copy(SAMPLES[0], src)
    out = tmp_path / "out"
    assert _analyze(str(src), "--out", str(out)) == 0
    report = out / "one" / "report.json"
    first = report.stat().st_mtime_ns
    os.utime(src, ns=(first + 10**9, first + 10**9))  # touched, same bytes: hashed
    assert _analyze(str(src), "--out", str(out)) == 0
    assert report.stat().st_mtime_ns == first
    shutil.copy(SAMPLES[1], src)  # other bytes at the same path
    assert _analyze(str(src), "--out", str(out)) == 0
    data = json.loads(report.read_text())
    assert report.stat().st_mtime_ns != first
    assert data["meta"]["source"] == hingecam.load_track(SAMPLES[1]).meta["source"]
    assert data["meta"]["input"]["size_bytes"] == SAMPLES[1].stat().st_size


def test_an_incomplete_set_is_redone_alone(batch_out: Path, tmp_path: Path) -> None:
    out = _copy_batch(batch_out, tmp_path)
    (out / NAMES[1] / "reps.csv").unlink()  # crashed before the set finished
    report = out / NAMES[2] / "report.json"
    data = json.loads(report.read_text())
    del data["meta"]["input"]  # crashed before the provenance was recorded
    report.write_text(json.dumps(data))
    before = _report_mtimes(out)
    assert _analyze(*map(str, SAMPLES), "--out", str(out), "--workers", "2") == 0
    after = _report_mtimes(out)
    assert [n for n in NAMES if after[n] != before[n]] == NAMES[1:3]
    for name in NAMES:
        assert_same_set(out / name, batch_out / name)


def test_index_command_rebuilds_from_the_set_folders(
    batch_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _copy_batch(batch_out, tmp_path)
    expected = {n: (out / n).read_text() for n in ("summary.csv", "summary.json")}
    for name in ("index.html", "summary.csv", "summary.json"):
        (out / name).unlink()
    assert main(["index", str(out)]) == 0
    assert "index of 4 sets" in capsys.readouterr().out
    assert (out / "index.html").is_file()
    assert {n: (out / n).read_text() for n in expected} == expected


def test_index_of_a_folder_without_sets_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no set folders" in err[0]


def test_folders_and_globs_expand_to_their_tracks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _analyze(str(REPO / "samples"), "--out", str(out), "--workers", "1") == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == NAMES
    out2 = tmp_path / "out2"
    pattern = str(REPO / "samples" / "*round*.npz")  # quoted: the shell left it
    assert _analyze(pattern, "--out", str(out2)) == 0
    assert [p.name for p in out2.iterdir() if p.is_dir()] == ["kbdl_side_roundedback"]


def test_a_pattern_matching_nothing_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _analyze(str(tmp_path / "*.mp4"), "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no file matches" in err[0]


def test_a_bad_input_fails_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.mp4"
    code = _analyze(
        str(missing), str(SAMPLES[0]), "--out", str(tmp_path / "o"), "--workers", "2"
    )
    assert code == 2
    captured = capsys.readouterr()
    assert "missing.mp4" in captured.err and "Traceback" not in captured.err
    assert (tmp_path / "o" / NAMES[0] / "report.json").is_file()


def test_ray_without_ray_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    code = _analyze(str(SAMPLES[0]), "--out", str(tmp_path), "--ray", "auto")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'pip install -e ".[ray]"' in err[0]
    assert not (tmp_path / NAMES[0]).exists()


def test_analyze_many_returns_one_outcome_per_input(tmp_path: Path) -> None:
    outcomes = hingecam.analyze_many(SAMPLES[:2], tmp_path, workers=1)
    assert [(o.job.source, o.status) for o in outcomes] == [
        (s, "ok") for s in SAMPLES[:2]
    ]
    again = hingecam.analyze_many(SAMPLES[:3], tmp_path, workers=2)
    assert [o.status for o in again] == ["skipped", "skipped", "ok"]
    assert (tmp_path / "index.html").is_file()
    data = json.loads((again[2].job.folder / "report.json").read_text())
    assert len(data["reps"]) == 5


def test_ctrl_c_mid_batch_loses_at_most_the_sets_in_flight(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(24):
        shutil.copy(SAMPLES[i % 4], inputs / f"set{i:02d}.npz")
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "hingecam",
        "analyze",
        str(inputs),
        "--out",
        str(out),
        "--workers",
        "2",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # wait for a finished set, not a fixed time
    assert "report.html" in first
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    done = [
        p
        for p in out.iterdir()
        if (p / "report.json").is_file()
        and "input" in json.loads((p / "report.json").read_text())["meta"]
    ]
    assert 1 <= len(done) < 24
    rerun = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(done)} of 24 sets already analyzed" in rerun.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["sets"] == 24
    for i in range(24):  # complete, and the same as the set from the same bytes
        folder = out / f"set{i:02d}"
        assert "input" in json.loads((folder / "report.json").read_text())["meta"]
        same = (out / f"set{i % 4:02d}" / "reps.csv").read_text()
        assert (folder / "reps.csv").read_text() == same


def test_readme_analyze_many_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.cli.test_api import _readme_python_blocks

    (block,) = [b for b in _readme_python_blocks() if "analyze_many" in b]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samples").symlink_to(REPO / "samples")
    exec(block, {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(
        line.startswith("ok hingecam-out/") for line in lines
    )
    assert (tmp_path / "hingecam-out" / "index.html").is_file()
