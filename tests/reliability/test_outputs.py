"""Write failures and concurrent runs: one line naming the path and the cause,
exit 2, the previous run's files intact and never mixed with a new run's, no
temporary file left, other inputs still written."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from hingecam.files import LOCK_NAME, FolderLock, StagedFolder
from tests.conftest import REPO_ROOT
from tests.reliability.harness import (
    RUN_FILES,
    assert_one_error,
    error_lines,
    hingecam,
    leftovers,
    start,
)

SAMPLE = REPO_ROOT / "samples" / "kbdl_side_correct.npz"
OTHER = REPO_ROOT / "samples" / "kbdl_side_hipfirst.npz"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_out_that_is_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    target.write_text("mine\n")
    done = hingecam("analyze", SAMPLE, "--out", target)
    assert done.returncode == 2
    assert_one_error(done.stderr, str(target), "not a folder")
    assert target.read_text() == "mine\n"


def test_out_under_proc_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = hingecam("analyze", SAMPLE, "--out", "/proc/hingecam-out")
    assert done.returncode == 2
    assert_one_error(done.stderr, "/proc/hingecam-out")


def _limit_file_size(limit: int) -> None:
    # A file may not grow past `limit` bytes: writes fail with EFBIG, as on a
    # full disk, without root or a tmpfs. SIGXFSZ would kill the process first.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_failed_rewrite_keeps_the_previous_run_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert hingecam("analyze", SAMPLE, "--out", out).returncode == 0
    folder = out / "kbdl_side_correct"
    before = _snapshot(folder)
    done = hingecam(
        "analyze",
        SAMPLE,
        "--out",
        out,
        "--exercise",
        "rdl",
        # The set's report.html (~160 KB) and pose track (~530 KB) cannot be
        # written; the folder's index and progress page (~25 KB) still can.
        preexec_fn=lambda: _limit_file_size(50_000),
    )
    assert done.returncode == 2
    assert_one_error(done.stderr, str(folder), "File too large")
    # report.json of the new run never sits beside report.html of the old one.
    assert _snapshot(folder) == before
    assert leftovers(out) == []


def test_a_write_failure_skips_only_that_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "kbdl_side_correct").write_text("a file where the folder goes\n")
    done = hingecam("analyze", SAMPLE, OTHER, "--out", out)
    assert done.returncode == 2
    assert_one_error(done.stderr, str(out / "kbdl_side_correct"))
    for name in RUN_FILES:
        assert (out / "kbdl_side_hipfirst" / name).is_file()
    assert leftovers(out) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_a_full_disk_is_one_line_per_input_and_leaves_nothing(tmp_path: Path) -> None:
    disk = tmp_path / "full-disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=100k", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr!r}")
    try:
        done = hingecam("analyze", SAMPLE, OTHER, "--out", disk)
        assert done.returncode == 2
        lines = [x for x in error_lines(done.stderr) if "No space left" in x]
        assert len(lines) == 2, done.stderr
        assert leftovers(disk) == []
        assert sorted(p.name for p in disk.iterdir()) == [LOCK_NAME]
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_second_run_into_a_busy_out_refuses_with_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    lock = FolderLock(out)
    assert lock.acquire()  # stands for a first run still writing
    try:
        done = hingecam("analyze", SAMPLE, "--out", out)
        assert done.returncode == 2
        assert_one_error(done.stderr, str(out), "in use by another hingecam run")
        assert not (out / "kbdl_side_correct").exists()
    finally:
        lock.release()
    assert hingecam("analyze", SAMPLE, "--out", out).returncode == 0


def test_two_runs_at_once_never_mix_their_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [
        start("analyze", SAMPLE, "--out", out, "--exercise", e)
        for e in ("rdl", "deadlift")
    ]
    results = [(p.wait(timeout=300), p.communicate()) for p in runs]
    for status, (_, err) in results:
        assert status in (0, 2)
        if status == 2:
            assert_one_error(err, "in use by another hingecam run")
    assert 0 in [status for status, _ in results]

    folder = out / "kbdl_side_correct"
    report = json.loads((folder / "report.json").read_text())
    used = report["meta"]["exercise"]["used"]
    label = {
        "rdl": "Romanian deadlift (as requested)",
        "deadlift": "Deadlift (as requested)",
    }
    assert label[used] in (folder / "report.html").read_text()
    assert leftovers(out) == []


def test_a_killed_run_leaves_no_stale_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = start("analyze", SAMPLE, "--out", out)
    proc.kill()
    proc.wait()
    assert hingecam("analyze", SAMPLE, "--out", out).returncode == 0


def test_a_staged_folder_publishes_all_files_or_none(tmp_path: Path) -> None:
    target = tmp_path / "run"
    target.mkdir()
    (target / "a.txt").write_text("old a")
    (target / "b.txt").write_text("old b")
    staged = StagedFolder(target)
    (staged.path / "a.txt").write_text("new a")
    staged.discard()  # a failure before commit: the old files stay
    assert (target / "a.txt").read_text() == "old a"
    staged = StagedFolder(target)
    (staged.path / "a.txt").write_text("new a")
    staged.commit(["a.txt", "b.txt", "c.txt"])
    # b.txt was not written by the new run: it is the old run's, so it goes.
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    assert (target / "a.txt").read_text() == "new a"
    assert not staged.path.exists()
    shutil.rmtree(target)
