"""Compare two set folders: report.json without its creation time, reps.csv, and
the pose track's arrays (batch results must equal one-by-one results)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np


def report_without_time(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "report.json").read_text())
    data["meta"].pop("created_utc")
    return data


def assert_same_set(a: Path, b: Path) -> None:
    """The two folders hold the same analysis (all but report.json's time)."""
    assert report_without_time(a) == report_without_time(b), (a, b)
    assert (a / "reps.csv").read_text() == (b / "reps.csv").read_text(), (a, b)
    with np.load(a / "pose_track.npz") as x, np.load(b / "pose_track.npz") as y:
        assert sorted(x.files) == sorted(y.files)
        for name in x.files:
            np.testing.assert_array_equal(x[name], y[name], err_msg=f"{a} {name}")
