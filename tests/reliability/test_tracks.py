"""Malformed pose tracks: one line naming the file and the fault, exit 2, and the
other inputs of the command line still analyzed."""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hingecam.cli import main
from tests.conftest import REPO_ROOT
from tests.reliability.harness import assert_one_error, leftovers, peak_rss_mb
from tests.reliability.inputs import (
    deflate_bomb,
    npy_header,
    replace_member,
    rewrite_track,
    track_header,
)

SAMPLE = REPO_ROOT / "samples" / "kbdl_side_correct.npz"


def _header(**changes: Any) -> Callable[[Path], dict[str, Any]]:
    def make(source: Path) -> dict[str, Any]:
        header = track_header(source)
        for key, value in changes.items():
            if value is KeyError:
                header.pop(key, None)
            else:
                header[key] = value
        return header

    return make


def _meta(**changes: Any) -> Callable[[Path], dict[str, Any]]:
    def make(source: Path) -> dict[str, Any]:
        header = track_header(source)
        header["meta"] = {**header.get("meta", {}), **changes}
        return header

    return make


def _t_s(fix: Callable[[np.ndarray], None]) -> dict[str, np.ndarray]:
    with np.load(SAMPLE) as data:
        t_s = data["t_s"].copy()
    fix(t_s)
    return {"t_s": t_s}


def _nan_at_3(t: np.ndarray) -> None:
    t[3] = math.nan


def _repeat_at_5(t: np.ndarray) -> None:
    t[5] = t[4]


def _backwards(t: np.ndarray) -> None:
    t[:] = t[::-1]


CASES = {
    "NaN time": ({}, _t_s(_nan_at_3), "t_s holds NaN"),
    "repeated time": ({}, _t_s(_repeat_at_5), "not strictly increasing"),
    "times backwards": ({}, _t_s(_backwards), "not strictly increasing"),
    "no image_wh": (_header(image_wh=KeyError), {}, "image_wh"),
    "image_wh of strings": (_header(image_wh=["a", "b"]), {}, "image_wh"),
    "negative image_wh": (_header(image_wh=[-1, 10]), {}, "image_wh"),
    "meta fps a string": (_meta(fps="thirty"), {}, "meta.fps"),
    "meta fps infinite": (_meta(fps=1e999), {}, "meta.fps"),
    "meta not an object": (_header(meta=[1, 2]), {}, "meta is not an object"),
    "version a string": (_header(version="1"), {}, "version"),
    "short xy_norm": ({}, {"xy_norm": np.zeros((3, 33, 2), np.float32)}, "xy_norm"),
    "text in people": ({}, {"people": np.array(["x"])}, "people is not numeric"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_malformed_track_is_one_line_and_exit_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header, arrays, expected = CASES[case]
    bad = rewrite_track(
        SAMPLE,
        tmp_path / "bad.npz",
        header(SAMPLE) if callable(header) else None,
        **arrays,
    )
    out = tmp_path / "out"
    assert main(["analyze", str(bad), str(SAMPLE), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert_one_error(captured.err, str(bad), expected)
    # The good input after it is still analyzed; the bad one left nothing.
    assert (out / "kbdl_side_correct" / "report.json").is_file()
    assert not (out / "bad").exists()
    assert leftovers(out) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "truncated.npz",
            lambda data: data[: len(data) // 2],
            "not a readable pose track",
        ),
        ("empty.npz", lambda data: b"", "not a readable pose track"),
        ("text.npz", lambda data: b"hello", "not a readable pose track"),
    ],
)
def test_a_damaged_track_is_called_a_damaged_track_not_a_video(
    name: str,
    content: Callable[[bytes], bytes],
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content(SAMPLE.read_bytes()))
    assert main(["analyze", str(bad), "--out", str(tmp_path / "out")]) == 2
    line = assert_one_error(capsys.readouterr().err, str(bad))
    assert expected in line or "file is empty" in line
    assert "video" not in line


def test_an_npz_that_is_not_a_track_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "weights.npz"
    np.savez(other, w=np.zeros(3))
    assert main(["analyze", str(other), "--out", str(tmp_path / "out")]) == 2
    assert_one_error(capsys.readouterr().err, str(other), "not a")


def test_a_valid_track_still_loads_unchanged(tmp_path: Path) -> None:
    from hingecam.media.tracks import load_track

    copy = rewrite_track(SAMPLE, tmp_path / "same.npz", track_header(SAMPLE))
    a, b = load_track(SAMPLE), load_track(copy)
    assert a.image_wh == b.image_wh and np.array_equal(a.t_s, b.t_s)


BOMB_FRAMES = 1 << 23
"""Rows of the deflate bomb's xy_norm: 8388608 x 33 x 2 float32 = 2112 MiB
(2.2 GB) of zeros, 2.5 MB on disk; the sample has 648 frames."""

BOMB_MIB = BOMB_FRAMES * 33 * 2 * 4 >> 20


def _huge_shape(source: Path, path: Path) -> Path:
    """xy_norm's header declares (10**11, 33, 2): numpy raised _ArrayMemoryError."""
    head = npy_header("<f4", f"({10**11}, 33, 2)")
    return replace_member(source, path, "xy_norm", head)


def _nested_shape(source: Path, path: Path) -> Path:
    """xy_norm's header dict holds a shape nested 100,000 deep (a 200 KB .npy 2.0
    header)."""
    head = npy_header("<f4", "[" * 100_000 + "]" * 100_000, major=2)
    return replace_member(source, path, "xy_norm", head)


def _nested_short(source: Path, path: Path) -> Path:
    """The same nesting within the header length allowed: parsed, and refused."""
    return replace_member(
        source, path, "xy_norm", npy_header("<f4", "(" * 1500 + ")" * 1500)
    )


def _nested_json(source: Path, path: Path) -> Path:
    """The JSON header nested 100,000 deep: json raised RecursionError."""
    text = b"[" * 100_000 + b"]" * 100_000
    head = npy_header("|u1", f"({len(text)},)")
    return replace_member(source, path, "header", head + text)


def _deflate_bomb(source: Path, path: Path) -> Path:
    """2.5 MB whose xy_norm inflates to 2112 MiB of an array of the shape its
    header declares (numpy inflated it all, 2.25 GB and 13 s, then refused it)."""
    head = npy_header("<f4", f"({BOMB_FRAMES}, 33, 2)")
    return deflate_bomb(source, path, "xy_norm", head, BOMB_MIB)


def _padded_member(source: Path, path: Path) -> Path:
    """xy_norm's header is right (648, 33, 2) but its zip entry inflates to 2112
    MiB: refused from the zip directory, never inflated."""
    head = npy_header("<f4", "(648, 33, 2)")
    return deflate_bomb(source, path, "xy_norm", head, BOMB_MIB)


HOSTILE = {
    "shape of 10**11 rows": (_huge_shape, "xy_norm of shape (100000000000, 33, 2)"),
    "shape nested 100,000 deep": (_nested_shape, "xy_norm has a .npy header of"),
    "shape nested 1,500 deep": (_nested_short, "unreadable .npy header"),
    "JSON header nested 100,000 deep": (_nested_json, "header is not JSON"),
    "deflate bomb": (_deflate_bomb, "xy_norm must have shape (648, 33, 2)"),
    "member padded to 2 GB": (_padded_member, "its zip entry declares"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_track_in_a_folder_is_one_line_and_the_rest_is_analyzed(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, expected = HOSTILE[case]
    folder = tmp_path / "sets"
    folder.mkdir()
    bad = make(SAMPLE, folder / "bad.npz")
    shutil.copy(SAMPLE, folder / "good.npz")
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "--out", str(out)]) == 2
    line = assert_one_error(capsys.readouterr().err, str(bad), expected)
    assert "not a valid pose track (" in line
    assert (out / "good" / "report.json").is_file()
    assert not (out / "bad").exists()
    assert leftovers(out) == []


@pytest.mark.parametrize("case", ["deflate bomb", "member padded to 2 GB"])
def test_a_deflate_bomb_is_refused_in_less_memory_than_a_real_track_needs(
    case: str, tmp_path: Path
) -> None:
    """The bound: the refusal's peak RSS stays below that of analyzing the
    648-frame sample, measured here the same way (~135 MB: the refusal reads
    only zip directory and headers, ~82 MB; inflating the bomb peaked at 2.2
    GB). Relative, so it holds whatever the libraries weigh on the machine; and
    under an eighth of what the member inflates to, so it is no accident."""
    make, expected = HOSTILE[case]
    bad = make(SAMPLE, tmp_path / "bad.npz")
    assert bad.stat().st_size < 4 << 20
    status, peak_mb, stderr = peak_rss_mb("analyze", bad, "--out", tmp_path / "o")
    assert status == 2
    assert_one_error(stderr, str(bad), expected)
    status, sample_mb, stderr = peak_rss_mb(
        "analyze", SAMPLE, "--out", tmp_path / "good"
    )
    assert status == 0, stderr
    assert peak_mb < sample_mb, f"refusal {peak_mb:.0f} MB, sample {sample_mb:.0f} MB"
    assert peak_mb < BOMB_MIB / 8
