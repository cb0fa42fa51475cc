"""Malformed pose tracks: one line naming the file and the fault, exit 2, and the
other inputs of the command line still analyzed."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hingecam.cli import main
from tests.conftest import REPO_ROOT
from tests.reliability.harness import assert_one_error, leftovers
from tests.reliability.inputs import rewrite_track, track_header

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
