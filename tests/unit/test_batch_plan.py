"""Pure batch pieces: input expansion, output folder names, the resume rule, and
the index rows (no analysis, no model)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hingecam.app.batch import expand_inputs, plan
from hingecam.app.resume import Wanted, input_record, is_done
from hingecam.errors import InputError
from hingecam.report.index import set_row, summary_csv, totals


def _touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_folders_are_searched_for_videos_and_tracks(tmp_path: Path) -> None:
    a = _touch(tmp_path / "in" / "b.MP4")
    b = _touch(tmp_path / "in" / "sub" / "a.npz")
    _touch(tmp_path / "in" / "notes.txt")
    _touch(tmp_path / "in" / ".hidden" / "c.mp4")
    assert expand_inputs([tmp_path / "in"]) == [a, b]


def test_files_keep_their_order_and_duplicates_go(tmp_path: Path) -> None:
    a, b = _touch(tmp_path / "z.mov"), _touch(tmp_path / "a.mov")
    assert expand_inputs([a, b, tmp_path / "." / "z.mov"]) == [a, b]


def test_a_missing_file_is_kept_to_fail_as_its_own_set(tmp_path: Path) -> None:
    assert expand_inputs([tmp_path / "gone.mp4"]) == [tmp_path / "gone.mp4"]


def test_globs_expand_and_an_empty_match_is_an_error(tmp_path: Path) -> None:
    a, b = _touch(tmp_path / "s1.mp4"), _touch(tmp_path / "s2.mp4")
    assert expand_inputs([str(tmp_path / "s*.mp4")]) == [a, b]
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.avi")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no videos or pose tracks"):
        expand_inputs([tmp_path / "empty"])


def test_output_folders_are_named_as_before(tmp_path: Path) -> None:
    jobs = plan(
        [Path("x/a.mp4"), Path("y/a.mp4"), Path("old/pose_track.npz")], tmp_path
    )
    assert [j.folder.name for j in jobs] == ["a", "a-2", "old"]


WANTED = Wanted("auto", {"t_s": 1.0}, "m" * 64, write_video=False)


def _done_folder(tmp_path: Path, source: Path, **meta: object) -> Path:
    folder = tmp_path / "out"
    for name in ("reps.csv", "report.html", "pose_track.npz"):
        _touch(folder / name)
    base = {
        "exercise": {"requested": "auto", "used": "rdl"},
        "thresholds": {"t_s": 1.0},
        "input": input_record(source),
        "model": {"file": "m.task", "sha256": "m" * 64},
    }
    (folder / "report.json").write_text(json.dumps({"meta": {**base, **meta}}))
    return folder


def test_a_complete_matching_folder_is_done(tmp_path: Path) -> None:
    src = _touch(tmp_path / "v.mp4", b"video")
    folder = _done_folder(tmp_path, src)
    assert is_done(src, folder, WANTED, is_video=True) is not None


@pytest.mark.parametrize(
    "meta",
    [
        {"thresholds": {"t_s": 2.0}},
        {"exercise": {"requested": "rdl", "used": "rdl"}},
        {"model": {"file": "m.task", "sha256": "n" * 64}},
        {"input": None},
    ],
    ids=["thresholds", "exercise", "model", "no provenance"],
)
def test_other_settings_are_not_done(tmp_path: Path, meta: dict[str, object]) -> None:
    src = _touch(tmp_path / "v.mp4", b"video")
    folder = _done_folder(tmp_path, src, **meta)
    assert is_done(src, folder, WANTED, is_video=True) is None


def test_a_missing_output_or_video_is_not_done(tmp_path: Path) -> None:
    src = _touch(tmp_path / "v.mp4", b"video")
    folder = _done_folder(tmp_path, src)
    wants_video = Wanted("auto", {"t_s": 1.0}, "m" * 64, write_video=True)
    assert is_done(src, folder, wants_video, is_video=True) is None
    (folder / "reps.csv").unlink()
    assert is_done(src, folder, WANTED, is_video=True) is None


def test_a_track_needs_no_model(tmp_path: Path) -> None:
    src = _touch(tmp_path / "t.npz", b"track")
    folder = _done_folder(tmp_path, src, model=None)
    no_model = Wanted("auto", {"t_s": 1.0}, None, write_video=True)
    assert is_done(src, folder, no_model, is_video=False) is not None


def test_size_and_mtime_first_then_the_hash(tmp_path: Path) -> None:
    src = _touch(tmp_path / "v.mp4", b"video")
    folder = _done_folder(tmp_path, src)
    later = src.stat().st_mtime_ns + 10**9  # set, not waited for: mtime is coarse
    src.write_bytes(b"VIDEO")  # same size, other bytes, new mtime: hashed, differs
    os.utime(src, ns=(later, later))
    assert is_done(src, folder, WANTED, is_video=True) is None
    src.write_bytes(b"video")  # the same bytes again, still a new mtime: hashed, same
    os.utime(src, ns=(later, later))
    assert is_done(src, folder, WANTED, is_video=True) is not None
    src.write_bytes(b"video!")  # other size: not done, without hashing
    assert is_done(src, folder, WANTED, is_video=True) is None


def _report(status: str, clean: int, faulty: int, unjudged: int) -> dict[str, object]:
    return {
        "meta": {"source": "a.mp4", "exercise": {"used": "rdl"}, "view": "side"},
        "summary": {
            "status": status,
            "rep_count": clean + faulty + unjudged,
            "reps_clean": clean,
            "reps_with_fault": faulty,
            "reps_not_judged": unjudged,
            "main_focus": {"label": "rounded spine"} if faulty else None,
            "headline": "h",
        },
    }


@pytest.mark.parametrize(
    ("report", "outcome"),
    [
        (_report("ok", 2, 1, 0), "faulty"),
        (_report("ok", 3, 0, 1), "clean"),
        (_report("ok", 0, 0, 2), "not judged"),
        (_report("no_reps", 0, 0, 0), "no reps"),
        (_report("no_person", 0, 0, 0), "no person"),
    ],
)
def test_a_set_row_says_its_outcome(
    tmp_path: Path, report: dict[str, object], outcome: str
) -> None:
    row = set_row(tmp_path / "s1", report)
    assert row["outcome"] == outcome and row["report"] == "s1/report.html"
    assert row["thumbnail"] is None
    assert totals([row])[f"sets_{outcome.replace(' ', '_')}"] == 1


def test_summary_csv_joins_columns_of_every_set(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "reps.csv", b"rep,verdict\n1,clean\n")
    _touch(
        tmp_path / "b" / "reps.csv", b"rep,peak_x,verdict\n1,2.5,faulty\n2,3,clean\n"
    )
    rows = [
        {"set": "a", "athlete": "Alex", "recorded_at": "2025-03-04T06:06:07+01:00"},
        {"set": "b"},  # an older row: no athlete, no date
    ]
    assert summary_csv(tmp_path, rows).splitlines() == [
        "set,athlete,recorded_at,rep,verdict,peak_x",
        "a,Alex,2025-03-04T06:06:07+01:00,1,clean,",
        "b,,,1,faulty,2.5",
        "b,,,2,clean,3",
    ]
