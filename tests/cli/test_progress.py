"""`hingecam progress` end to end on generated set folders (and one real set): the
page, the CSV and `hingecam.progress` agree; then against now says what the data
says; bad input, filters, the default folder, the index and a long diary."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import subprocess
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hingecam
from hingecam.app.diary_pictures import rep_picture
from hingecam.cli import main
from hingecam.files import FolderLock
from hingecam.media.tracks import TRACK_ARRAYS, load_track, save_track
from hingecam.report.diary import Session
from hingecam.report.diary_files import csv_columns
from hingecam.report.diary_rows import RepPick
from tests.factories_diary import report_dict, write_set

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "kbdl_side_roundedback.npz"


def _at(day: date, hour: int = 18) -> str:
    return datetime(day.year, day.month, day.day, hour).astimezone().isoformat()


def _make_diary(out: Path) -> None:
    """Two athletes, two exercises each, over four weeks of March 2025."""
    monday = date(2025, 3, 3)
    for week in range(4):  # Alex's deadlift: the rounded spine fades
        for offset in (0, 3):
            n = max(0, 6 - 2 * week - (offset > 0))
            day = monday + timedelta(days=7 * week + offset)
            flags = [("rounded_spine",)] * n + [()] * (8 - n)
            report = report_dict(at=_at(day), athlete="Alex", flags=flags)
            write_set(out, f"alex-dl-{day:%m%d}", report)
    for week in range(3):  # Alex's RDL: three reps a time, too few to say
        day = monday + timedelta(days=7 * week + 1)
        report = report_dict(
            at=_at(day),
            athlete="Alex",
            exercise="rdl",
            flags=[("locked_knees",), (), ()],
        )
        write_set(out, f"alex-rdl-{day:%m%d}", report)
    for week in (0, 2):  # Sam's deadlift: half the reps locked, both times
        day = monday + timedelta(days=7 * week + 2)
        flags = [("locked_knees",)] * 5 + [()] * 5
        write_set(
            out,
            f"sam-dl-{day:%m%d}",
            report_dict(at=_at(day), athlete="Sam", flags=flags),
        )
    day = monday + timedelta(days=9)  # Sam's RDL: one session, one not judged rep
    report = report_dict(
        at=_at(day), athlete="Sam", exercise="rdl", flags=[(), ()], unjudged=1
    )
    write_set(out, f"sam-rdl-{day:%m%d}", report)


@pytest.fixture(scope="module")
def diary_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated diary plus one real set (the sample track, analyzed as Kim)."""
    out = tmp_path_factory.mktemp("diary")
    _make_diary(out)
    assert main(["analyze", str(SAMPLE), "--out", str(out), "--athlete", "Kim"]) == 0
    return out


class _Page(HTMLParser):
    """The progress page's diaries: per section (aria-label), its session rows
    (their data- attributes and cell texts) and its then-and-now rows."""

    def __init__(self) -> None:
        super().__init__()
        self.diaries: dict[str, dict[str, list[Any]]] = {}
        self._diary: dict[str, list[Any]] | None = None
        self._table = ""
        self._row: dict[str, Any] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("class") == "diary":
            self._diary = self.diaries.setdefault(
                a["aria-label"] or "", {"sessions": [], "compare": [], "head": []}
            )
        elif tag == "table" and self._diary is not None:
            self._table = "sessions" if a.get("class") == "sessions" else "compare"
        elif tag == "tr" and self._diary is not None and self._table:
            self._row = {"attrs": a, "cells": [], "head": []}
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            self._row["cells" if tag == "td" else "head"].append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row["cells"] and self._diary is not None:
                self._diary[self._table].append(self._row)
            elif self._row["head"] and self._diary is not None:
                self._diary["head"] = self._row["head"]
            self._row = None
        elif tag == "table":
            self._table = ""
        elif tag == "section":
            self._diary = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _page(out: Path) -> _Page:
    page = _Page()
    page.feed((out / "progress.html").read_text(encoding="utf-8"))
    return page


def _csv(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "progress.csv").read_text("utf-8"))))


def _by_diary(sessions: list[Session]) -> dict[tuple[str, str], list[Session]]:
    out: dict[tuple[str, str], list[Session]] = {}
    for s in sessions:
        out.setdefault((s.athlete, s.exercise), []).append(s)
    return out


def test_page_csv_and_api_agree_session_by_session(
    diary_out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["progress", str(diary_out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [
        f"progress of 3 athletes, 5 diaries: 15 sessions, 15 sets, 101 reps -> "
        f"{diary_out / 'progress.html'}"
    ]
    sessions = hingecam.progress(diary_out)
    rows = _csv(diary_out)
    assert len(rows) == len(sessions) == 15
    for s, row in zip(sessions, rows, strict=True):
        assert (row["athlete"], row["exercise"]) == (s.athlete, s.exercise)
        assert row["date"] == (s.start.isoformat() if s.start else "")
        assert [int(row[k]) for k in ("sets", "reps", "reps_judged", "reps_clean")] == [
            len(s.sets), s.reps, s.reps_judged, s.reps_clean,
        ]  # fmt: skip
        assert row["set_folders"].split(" | ") == list(s.sets)
        for f in s.faults:
            assert (int(row[f"{f.fault}_flagged"]), int(row[f"{f.fault}_judged"])) == (
                f.flagged,
                f.judged,
            )
    page = _page(diary_out)
    labels = {
        ("Alex", "deadlift"): "Alex, Deadlift",
        ("Alex", "rdl"): "Alex, Romanian deadlift",
        ("Sam", "deadlift"): "Sam, Deadlift",
        ("Sam", "rdl"): "Sam, Romanian deadlift",
        ("Kim", "deadlift"): "Kim, Deadlift",
    }
    grouped = _by_diary(sessions)
    assert set(grouped) == set(labels) and set(page.diaries) == set(labels.values())
    for key, label in labels.items():
        shown = page.diaries[label]["sessions"]
        assert len(shown) == len(grouped[key])
        for s, row in zip(grouped[key], shown, strict=True):
            attrs, cells = row["attrs"], row["cells"]
            assert attrs["data-day"] == (s.start.isoformat() if s.start else "")
            assert (int(attrs["data-reps"]), int(attrs["data-judged"])) == (
                s.reps,
                s.reps_judged,
            )
            assert cells[3].startswith(f"{s.reps_clean} of {s.reps_judged}")
            columns = dict(zip(page.diaries[label]["head"], cells, strict=True))
            flagged = {f.label for d in grouped[key] for f in d.faults if f.flagged}
            for f in s.faults:  # a column for each fault flagged in the diary
                if f.label in flagged:
                    text = columns[f.label.capitalize()]
                    assert text.startswith(f"{f.flagged} of {f.judged}")


def _compare(diary_out: Path, label: str) -> dict[str, list[str]]:
    rows = _page(diary_out).diaries[label]["compare"]
    return {r["cells"][0]: r["cells"][1:] for r in rows}


def test_then_and_now_says_what_the_data_says(diary_out: Path) -> None:
    assert main(["progress", str(diary_out)]) == 0
    alex = _compare(diary_out, "Alex, Deadlift")
    assert alex["Clean reps"][:2] == ["5 of 16 (31%)", "16 of 16 (100%)"]
    assert alex["Clean reps"][2].startswith("more clean reps now (p")
    assert alex["Rounded spine"][:2] == ["11 of 16 (69%)", "0 of 16 (0%)"]
    assert alex["Rounded spine"][2].startswith("flagged less often now (p")
    assert set(alex) == {"Clean reps", "Rounded spine"}  # nothing else ever flagged
    rdl = _compare(diary_out, "Alex, Romanian deadlift")
    # Too few reps from either end: the first session against the other two.
    assert rdl["Locked knees"] == [
        "1 of 3 (33%)",
        "2 of 6 (33%)",
        "too few reps to say",
    ]
    sam = _compare(diary_out, "Sam, Deadlift")
    assert sam["Locked knees"] == ["5 of 10 (50%)", "5 of 10 (50%)", "no clear change"]
    html = (diary_out / "progress.html").read_text("utf-8")
    sam_rdl = html.split('aria-label="Sam, Romanian deadlift"')[1].split("</section>")[
        0
    ]
    assert "nothing to compare yet" in sam_rdl
    alex_dl = html.split('aria-label="Alex, Deadlift"')[1].split("</section>")[0]
    assert "Nothing flagged" in alex_dl  # the latest sessions are clean
    assert "Judged and never flagged: locked knees, squatting and hips rose" in alex_dl


def test_every_session_links_its_sets_and_the_real_set_has_its_pictures(
    diary_out: Path,
) -> None:
    assert main(["progress", str(diary_out)]) == 0
    html = (diary_out / "progress.html").read_text("utf-8")
    for folder in (p for p in diary_out.iterdir() if (p / "report.json").is_file()):
        assert f'href="./{folder.name}/report.html"' in html
    kim = html.split('aria-label="Kim, Deadlift"')[1].split("</section>")[0]
    assert kim.count("data:image/jpeg;base64,") == 1  # all five reps flagged
    assert 'href="./kbdl_side_roundedback/report.html#rep-' in kim
    assert "Worst rep" in kim and "Best rep" not in kim
    alex = html.split('aria-label="Alex, Deadlift"')[1].split("</section>")[0]
    assert "no picture (see the set report)" in alex  # no pose track there
    assert "http://" not in html and "https://" not in html and "<script" not in html


def test_filters_keep_one_athlete_and_exercise(
    diary_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(diary_out, out)
    assert main(["progress", str(out), "--athlete", "sam", "--exercise", "rdl"]) == 0
    assert "1 athlete, 1 diary: 1 session, 1 set, 3 reps" in capsys.readouterr().out
    assert list(_page(out).diaries) == ["Sam, Romanian deadlift"]
    assert [(r["athlete"], r["date"]) for r in _csv(out)] == [("Sam", "2025-03-12")]
    assert (
        "athlete sam and exercise Romanian deadlift"
        in (out / "progress.html").read_text()
    )
    sessions = hingecam.progress(out, athlete="SAM", exercise="rdl")
    assert [(s.reps, s.reps_judged, s.reps_clean) for s in sessions] == [(3, 2, 2)]
    assert main(["progress", str(out), "--athlete", "nobody"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"hingecam: error: {out}: no sets of athlete 'nobody'"]


def test_a_damaged_or_foreign_report_is_left_out_with_one_line(
    diary_out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(diary_out, out)
    (out / "broken").mkdir()
    (out / "broken" / "report.json").write_text('{"meta": {', encoding="utf-8")
    (out / "foreign").mkdir()
    (out / "foreign" / "report.json").write_text(
        json.dumps({"meta": [], "summary": {"rep_count": "many"}}), encoding="utf-8"
    )
    assert main(["progress", str(out)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 2 and "Traceback" not in captured.err
    assert "broken/report.json: damaged, not JSON" in err[0]
    assert "foreign/report.json: not a hingecam report" in err[1]
    assert all(e.endswith("left out of the progress page") for e in err)
    assert "15 sessions, 15 sets" in captured.out
    assert len(_csv(out)) == 15


@pytest.mark.parametrize("make", ["empty", "missing", "a file"])
def test_a_folder_without_sets_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    folder = tmp_path / "out"
    if make == "empty":
        folder.mkdir()
        (folder / "not-a-set").mkdir()
    elif make == "a file":
        folder.write_text("x")
    assert main(["progress", str(folder)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"hingecam: error: {folder}: ")
    assert captured.out == "" and not (tmp_path / "out" / "progress.html").exists()


def test_dates_in_the_future_or_missing_are_shown_as_such(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_set(
        out, "a", report_dict(at=_at(date(2025, 3, 3)), athlete="Alex", flags=[()] * 4)
    )
    write_set(
        out,
        "b",
        report_dict(at="2999-01-01T09:00:00+00:00", athlete="Alex", flags=[()] * 4),
    )
    write_set(out, "c", report_dict(at=None, athlete="Alex", flags=[()] * 4))
    write_set(out, "d", report_dict(at="not a time", athlete="Alex", flags=[()] * 4))
    old = report_dict(at=None, athlete=None, schema="1.3", flags=[()])
    write_set(out, "live-20250304-180000", old)  # an older live session
    assert main(["progress", str(out)]) == 0
    rows = _page(out).diaries["Alex, Deadlift"]["sessions"]
    assert [r["cells"][0] for r in rows] == [
        "Mon 3 Mar 2025",
        "Tue 1 Jan 2999 in the future",
        "No date",
    ]
    assert rows[2]["attrs"]["data-sets"] == "2"
    html = (out / "progress.html").read_text("utf-8")
    assert "(and 1 set dated in the future)" in html
    assert "1 set dated in the future (a wrong clock?)" in html
    unnamed = _page(out).diaries["Unnamed, Deadlift"]["sessions"]
    assert [r["attrs"]["data-day"] for r in unnamed] == ["2025-03-04"]


def test_index_rebuilds_the_progress_page_and_links_it(
    diary_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(diary_out, out)
    for name in ("progress.html", "progress.csv", "index.html"):
        (out / name).unlink(missing_ok=True)
    assert main(["index", str(out)]) == 0
    assert len(_csv(out)) == 15
    assert 'href="./progress.html"' in (out / "index.html").read_text("utf-8")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    kim = next(s for s in summary["sets"] if s["athlete"] == "Kim")
    assert kim["recorded_from"] == "file_mtime" and kim["recorded_at"]
    alex = next(s for s in summary["sets"] if s["set"] == "alex-dl-0303")
    assert alex["recorded_at"] == _at(date(2025, 3, 3))
    with open(out / "summary.csv", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert list(first)[:3] == ["set", "athlete", "recorded_at"]


def test_progress_without_a_folder_reads_the_diary_folder(
    diary_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    diary = diary_home / "hingecam" / "diary"
    _make_diary(diary)
    assert main(["progress"]) == 0
    assert capsys.readouterr().out.endswith(f"-> {diary / 'progress.html'}\n")
    assert len(_csv(diary)) == 14  # the generated sessions, without the real set


def test_a_run_holding_the_folder_does_not_block_progress(
    diary_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(diary_out, out)
    (out / "progress.html").unlink()
    lock = FolderLock(out)
    assert lock.acquire()  # a live session or a batch writing into the folder
    try:
        assert main(["progress", str(out)]) == 0
    finally:
        lock.release()
    assert (out / "progress.html").is_file()


def _long_diary(out: Path, sessions: int) -> None:
    start = date(2023, 1, 2)
    for k in range(sessions):
        day = start + timedelta(days=2 * k)
        n = max(0, 5 - k // 40)
        flags = [("rounded_spine",)] * n + [()] * (6 - n)
        write_set(
            out, f"s{k:04d}", report_dict(at=_at(day), athlete="Alex", flags=flags)
        )


def test_a_long_diary_is_grouped_on_the_page_and_whole_in_the_csv(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    _long_diary(out, 400)
    assert main(["progress", str(out)]) == 0
    assert len(_csv(out)) == 400
    rows = _page(out).diaries["Alex, Deadlift"]["sessions"]
    assert len(rows) == 27 and rows[0]["cells"][0] == "January 2023"  # by month
    assert sum(int(r["attrs"]["data-reps"]) for r in rows) == 2400
    html = (out / "progress.html").read_text("utf-8")
    assert "400 sessions: shown by month" in html
    assert len(html) < 250_000


def _screenshot(page: Path, png: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--user-data-dir={png.parent / 'profile'}", f"--screenshot={png}",
            "--window-size=1200,1600", page.as_uri(),
        ],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("sessions", [2, 300])
def test_the_page_renders_in_a_real_browser(tmp_path: Path, sessions: int) -> None:
    out = tmp_path / "out"
    _long_diary(out, sessions)
    assert main(["progress", str(out)]) == 0
    png = tmp_path / "page.png"
    _screenshot(out / "progress.html", png)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # not a blank page


def test_readme_progress_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Track your progress", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    lifts = tmp_path / "lifts"
    for k, day in enumerate((date(2025, 3, 3), date(2025, 3, 10))):
        flags = [("rounded_spine",)] * (3 - 2 * k) + [()] * 5
        write_set(lifts, f"s{k}", report_dict(at=_at(day), athlete="Sam", flags=flags))
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out.splitlines() == [
        "2025-03-03 deadlift 5 of 8 clean {'rounded_spine': '3 of 8'}",
        "2025-03-10 deadlift 5 of 6 clean {'rounded_spine': '1 of 6'}",
    ]


def test_every_progress_csv_column_is_documented() -> None:
    doc = (REPO / "docs" / "report-schema.md").read_text(encoding="utf-8")
    section = doc.split("## The practice diary", 1)[1]
    for column in csv_columns():
        name = column
        for suffix in ("_flagged", "_judged"):
            if column.endswith(suffix) and column != "reps_judged":
                name = f"<fault>{suffix}"
        assert f"`{name}`" in section, column


def test_progress_before_any_session_says_where_they_will_be(
    diary_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["progress"]) == 2
    diary = diary_home / "hingecam" / "diary"
    assert capsys.readouterr().err == (
        f"hingecam: error: {diary}: no sessions yet (`hingecam live` saves them here)\n"
    )


def test_a_reps_picture_is_the_track_row_nearest_its_moment(tmp_path: Path) -> None:
    track = load_track(SAMPLE)
    # A live track keeps only the frames the model had time for: every other one.
    kept = np.arange(0, len(track), 2)
    sparse = dataclasses.replace(
        track,
        **{k: getattr(track, k)[kept] for k in TRACK_ARRAYS},
    )
    save_track(sparse, tmp_path / "pose_track.npz")
    moment = float(track.t_s[301])  # a frame the sparse track skipped

    def pick(t_s: float) -> RepPick:
        return RepPick("s", 1, t_s, "clean", None, "left", None, (1.0,))

    picture = rep_picture(tmp_path, pick(moment))
    assert picture is not None and picture[:2] == b"\xff\xd8"
    assert rep_picture(tmp_path, pick(moment + 60.0)) is None  # not this track's
    assert rep_picture(tmp_path / "elsewhere", pick(moment)) is None  # no track
