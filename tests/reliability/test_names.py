"""Hostile file names: names that are not UTF-8 and names that would lead out
of --out. Every input gets one set folder inside --out, or one error line; the
other inputs are analyzed; nothing is written anywhere else."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hingecam.files import readable, safe_component
from tests.conftest import REPO_ROOT
from tests.reliability.harness import error_lines, hingecam

SAMPLE = REPO_ROOT / "samples" / "kbdl_side_correct.npz"

posix_bytes = pytest.mark.skipif(
    os.name != "posix", reason="file names as raw bytes are a POSIX thing"
)


@posix_bytes
def test_names_that_are_not_utf8_are_analyzed_with_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    latin1 = os.fsdecode(b"caf\xe9.npz")  # Latin-1, as an old camera names files
    shutil.copy(SAMPLE, folder / latin1)
    shutil.copy(SAMPLE, folder / "ok.npz")
    (folder / os.fsdecode(b"v\xff.mp4")).write_bytes(b"not a video")
    out = tmp_path / "out"
    done = hingecam("analyze", folder, "--out", out, "--workers", "2", "--no-video")
    assert done.returncode == 2, done.stderr
    (line,) = error_lines(done.stderr)
    assert "v\\udcff.mp4: not a readable video" in line
    assert "Traceback" not in done.stderr
    made = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert made == ["caf\ufffd", "ok"]
    report = json.loads((out / "caf\ufffd" / "report.json").read_text("utf-8"))
    assert report["meta"]["input"]["path"].endswith("caf\ufffd.npz")
    assert "caf\ufffd" in (out / "index.html").read_text("utf-8")


def test_names_that_lead_out_of_out_stay_inside_it(tmp_path: Path) -> None:
    here = tmp_path / "work" / "here"
    here.mkdir(parents=True)
    shutil.copy(SAMPLE, tmp_path / "work" / "pose_track.npz")
    for name in ("...npz", "..npz"):
        shutil.copy(SAMPLE, here / name)
    before = sorted(p.name for p in (tmp_path / "work").iterdir())
    done = hingecam(
        "analyze", "...npz", "..npz", "../pose_track.npz", "--out", "out",
        "--no-video", cwd=here,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = here / "out"
    sets = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert sets == ["set", "set-2", "work"]
    assert all((out / s / "report.json").is_file() for s in sets)
    # Nothing beside the inputs, in their parent or in --out's root but the index.
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == before
    assert sorted(p.name for p in here.iterdir()) == ["...npz", "..npz", "out"]
    assert not (out / "report.json").exists()


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("..", "set"),
        (".", "set"),
        ("...", "set"),
        (".hidden", "hidden"),
        ("a/b", "a_b"),
        ("a\\b", "a_b"),
        ("", "set"),
        (os.fsdecode(b"caf\xe9"), "caf\ufffd"),
        ("week 12", "week 12"),
    ],
)
def test_a_set_folder_name_is_one_visible_component(name: str, folder: str) -> None:
    assert safe_component(name) == folder


def test_readable_text_can_be_written_as_utf8() -> None:
    text = readable(Path(os.fsdecode(b"/clips/\xff\xfe.mp4")))
    assert text == "/clips/\ufffd\ufffd.mp4"
    text.encode("utf-8")


def test_a_name_is_a_plain_link_in_the_index_and_text_in_summary_csv(
    tmp_path: Path,
) -> None:
    """A set named like a script link, a fragment or a query, or a formula."""
    for name in ("javascript:alert(1).npz", "a#b?c.npz", "=HYPERLINK(1).npz"):
        shutil.copy(SAMPLE, tmp_path / name)
    out = tmp_path / "out"
    done = hingecam(
        "analyze", *sorted(tmp_path.glob("*.npz")), "--out", out, "--no-video"
    )
    assert done.returncode == 0, done.stderr
    page = (out / "index.html").read_text("utf-8")
    assert 'href="./javascript%3Aalert%281%29/report.html"' in page
    assert 'href="./a%23b%3Fc/report.html"' in page
    assert 'href="javascript' not in page
    summary = (out / "summary.csv").read_text("utf-8").splitlines()
    assert any(line.startswith("'=HYPERLINK(1),") for line in summary)
    assert not any(line.startswith("=") for line in summary)


def test_an_out_inside_the_input_folder_is_not_analyzed_again(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.npz")
    out = folder / "results"
    for _ in range(2):  # the second run must find its own outputs done, not new
        done = hingecam("analyze", folder, "--out", out, "--no-video")
        assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["a"]


def test_the_index_line_counts_the_sets_it_lists(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "good.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a track")
    done = hingecam(
        "analyze", tmp_path / "good.npz", tmp_path / "bad.npz", "--out", tmp_path / "o"
    )
    assert done.returncode == 2
    assert "index of 1 sets" in done.stdout


def test_a_set_folder_belongs_to_its_input_across_runs(tmp_path: Path) -> None:
    """Two inputs share a name; a rerun with only the second must not write it
    into the first one's folder."""
    d1, d2 = tmp_path / "d1", tmp_path / "d2"
    for d, sample in (
        (d1, SAMPLE),
        (d2, REPO_ROOT / "samples" / "kbdl_side_hipfirst.npz"),
    ):
        d.mkdir()
        shutil.copy(sample, d / "x.npz")
    out = tmp_path / "out"
    first = hingecam("analyze", d1 / "x.npz", d2 / "x.npz", "--out", out, "--no-video")
    assert first.returncode == 0, first.stderr

    def made_from(folder: str) -> str:
        report = json.loads((out / folder / "report.json").read_text("utf-8"))
        return str(report["meta"]["input"]["path"])

    assert made_from("x") == str((d1 / "x.npz").resolve())
    assert made_from("x-2") == str((d2 / "x.npz").resolve())
    before = (out / "x" / "report.json").read_bytes()
    again = hingecam("analyze", d2 / "x.npz", "--out", out, "--no-video", "--force")
    assert again.returncode == 0, again.stderr
    assert "-> " + str(out / "x-2") in again.stdout
    assert (out / "x" / "report.json").read_bytes() == before
    swapped = hingecam(
        "analyze", d2 / "x.npz", d1 / "x.npz", "--out", out, "--no-video"
    )
    assert swapped.returncode == 0 and "2 of 2 sets already analyzed" in swapped.stdout


def test_a_newline_in_a_name_stays_on_one_printed_line(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "two\nlines.npz")
    (tmp_path / "junk\n.mp4").write_bytes(b"not a video")
    done = hingecam(
        "analyze", tmp_path / "two\nlines.npz", tmp_path / "junk\n.mp4",
        "--out", tmp_path / "out", "--no-video",
    )  # fmt: skip
    assert done.returncode == 2
    (line,) = error_lines(done.stderr)
    assert "junk" in line and "not a readable video (Invalid data found" in line
    assert "[Errno" not in line
    printed = [x for x in done.stdout.splitlines() if "report.html" in x]
    assert len(printed) == 1 and "/two_nlines/report.html" in printed[0]
