"""The batch index against what a folder of sets can hold: a damaged or foreign
report.json, a run's staged folder, an index that cannot be written, a batch
running into the same folder. One line and exit 2, never a traceback; the other
sets are indexed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hingecam.files import FolderLock
from tests.conftest import REPO_ROOT
from tests.reliability.harness import assert_one_error, error_lines, hingecam

SAMPLE = REPO_ROOT / "samples" / "kbdl_side_correct.npz"


def _analyzed(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    done = hingecam("analyze", SAMPLE, "--out", out, "--no-video")
    assert done.returncode == 0, done.stderr
    return out


def test_a_report_with_wrong_types_is_left_out_with_one_line(tmp_path: Path) -> None:
    out = _analyzed(tmp_path)
    foreign = out / "foreign"
    foreign.mkdir()
    report = {"meta": [], "summary": {"rep_count": "many"}, "reps": 3}
    (foreign / "report.json").write_text(json.dumps(report))
    done = hingecam("index", out)
    assert done.returncode == 2
    assert_one_error(done.stderr, "foreign/report.json", "not a hingecam report")
    assert "index of 1 sets" in done.stdout
    page = (out / "index.html").read_text("utf-8")
    assert "kbdl_side_correct" in page and ">foreign<" not in page
    # A later analyze into the same folder does not crash on it either.
    again = hingecam("analyze", SAMPLE, "--out", out, "--no-video", "--force")
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert len(error_lines(again.stderr)) == 1


def test_a_staged_folder_is_never_listed_as_a_set(tmp_path: Path) -> None:
    out = _analyzed(tmp_path)
    staged = out / ".kbdl_side_correct.1234.tmp"  # what a SIGKILL mid-publish leaves
    shutil.copytree(out / "kbdl_side_correct", staged)
    done = hingecam("index", out)
    assert done.returncode == 0, done.stderr
    assert "index of 1 sets" in done.stdout
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert [s["set"] for s in summary["sets"]] == ["kbdl_side_correct"]


def test_an_index_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = _analyzed(tmp_path)
    (out / "index.html").unlink()
    (out / "index.html").mkdir()  # a rename over it fails, whoever runs the test
    done = hingecam("index", out)
    assert done.returncode == 2
    assert_one_error(done.stderr, "cannot write", str(out))
    again = hingecam("analyze", SAMPLE, "--out", out, "--no-video", "--force")
    assert again.returncode == 2
    assert_one_error(again.stderr, "cannot write")


def test_index_waits_for_no_one_and_never_writes_over_a_running_batch(
    tmp_path: Path,
) -> None:
    out = _analyzed(tmp_path)
    before = (out / "index.html").read_bytes()
    lock = FolderLock(out)
    assert lock.acquire()  # a batch running into the folder holds it
    try:
        done = hingecam("index", out)
    finally:
        lock.release()
    assert done.returncode == 2
    assert_one_error(done.stderr, "in use by another hingecam run")
    assert (out / "index.html").read_bytes() == before
