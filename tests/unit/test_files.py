"""hingecam.files: atomic writes leave the old file or the whole new one, never a
temp file behind, and concurrent writers never share a temp name."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from hingecam import files
from hingecam.files import PendingFile, StagedFolder, atomic_path, write_atomic


def test_write_atomic_writes_bytes_and_text_untranslated(tmp_path: Path) -> None:
    assert write_atomic(tmp_path / "a.bin", b"\x00\x01\r\n") == tmp_path / "a.bin"
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01\r\n"
    write_atomic(tmp_path / "b.txt", "h\u00e9\r\nx\n")
    assert (tmp_path / "b.txt").read_bytes() == "h\u00e9\r\nx\n".encode()


def test_write_atomic_creates_the_folder_and_replaces_the_old_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "sub" / "f.json"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert os.listdir(target.parent) == ["f.json"]


def test_published_file_gets_umask_permissions_or_the_given_mode(
    tmp_path: Path,
) -> None:
    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a", b"x")
        write_atomic(tmp_path / "b", b"x", mode=0o600)
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o600


def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path,
) -> None:
    target = tmp_path / "track.npz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk full"), atomic_path(target) as tmp:
        tmp.write_bytes(b"half of the n")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["track.npz"]


def test_failing_rename_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(OSError, match="read-only"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["report.json"]


def test_pending_file_is_invisible_until_commit_and_discard_removes_it(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.mp4"
    kept, dropped = PendingFile(target), PendingFile(target)
    kept.path.write_bytes(b"video")
    assert not target.exists()
    assert kept.path.name.startswith(".out.mp4.")
    assert kept.path.name.endswith(files.TEMP_SUFFIX)
    dropped.discard()
    dropped.discard()  # idempotent
    assert kept.commit() == target
    assert target.read_bytes() == b"video"
    assert os.listdir(tmp_path) == ["out.mp4"]


def test_concurrent_writers_to_one_target_never_share_a_temp_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report.json"
    n = 8
    inside = threading.Barrier(n)  # every writer holds its temp file at once
    temps: list[Path] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            with atomic_path(target) as tmp:
                tmp.write_text(f"writer {i}", encoding="utf-8")
                with lock:
                    temps.append(tmp)
                inside.wait(timeout=30)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(temps)) == n
    assert target.read_text(encoding="utf-8") in {f"writer {i}" for i in range(n)}
    assert os.listdir(tmp_path) == ["report.json"]


def _set_folder(tmp_path: Path) -> tuple[Path, StagedFolder]:
    target = tmp_path / "set"
    target.mkdir()
    for name, text in (
        ("report.json", "old"),
        ("reps.csv", "old"),
        ("mine.txt", "user"),
    ):
        (target / name).write_text(text)
    staged = StagedFolder(target)
    for name in ("report.json", "reps.csv"):
        (staged.path / name).write_text("new")
    return target, staged


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def test_a_staged_folder_replaces_the_old_one_whole(tmp_path: Path) -> None:
    target, staged = _set_folder(tmp_path)
    mode = target.stat().st_mode
    staged.commit(["report.json", "reps.csv", "annotated.mp4"])
    assert _texts(target) == {
        "mine.txt": "user",
        "report.json": "new",
        "reps.csv": "new",
    }
    assert target.stat().st_mode == mode
    assert not staged.path.exists()


@pytest.mark.parametrize("killed_at", ["before the swap", "after the swap"])
def test_a_kill_while_publishing_leaves_the_old_folder_or_the_new_never_a_mix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, killed_at: str
) -> None:
    """A kill at either side of the one exchange: the folder is all old or all
    new (reps.csv never says one thing while report.json says another)."""
    target, staged = _set_folder(tmp_path)
    if killed_at == "before the swap":
        monkeypatch.setattr(files, "_exchange", _raise_interrupt)
    else:
        monkeypatch.setattr(files.shutil, "rmtree", _raise_interrupt)
    with pytest.raises(KeyboardInterrupt):
        staged.commit(["report.json", "reps.csv"])
    texts = _texts(target)
    assert texts["report.json"] == texts["reps.csv"]
    assert texts["report.json"] == ("old" if killed_at == "before the swap" else "new")
    assert texts["mine.txt"] == "user"


def _raise_interrupt(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


def test_without_an_atomic_exchange_two_renames_publish_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, staged = _set_folder(tmp_path)
    monkeypatch.setattr(files.sys, "platform", "darwin")  # no renameat2 there
    staged.commit(["report.json", "reps.csv"])
    assert _texts(target) == {
        "mine.txt": "user",
        "report.json": "new",
        "reps.csv": "new",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["set"]
