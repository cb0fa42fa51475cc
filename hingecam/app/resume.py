"""Resumable batches: what a set folder was made from (input, model, thresholds),
recorded in its report.json, and whether a rerun may skip it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hingecam.files import readable, write_atomic
from hingecam.report.outputs import REPORT_NAME, required_names


@dataclass(frozen=True, slots=True)
class Wanted:
    """The settings a set must have been made with to be skipped.

    Attributes:
        exercise: the requested exercise value ("auto", "rdl", ...).
        thresholds: Thresholds.as_dict() of the thresholds in force.
        model_sha256: sha256 of the pose model a video would use, or None when
            no model resolves here (then no video set is skipped).
        write_video: whether annotated.mp4 is wanted for videos.
        athlete: who performed the sets (--athlete), or None: a set recorded
            for someone else is analyzed again (None matches a set without
            one, and a pose track that names its own).
    """

    exercise: str
    thresholds: dict[str, float]
    model_sha256: str | None
    write_video: bool
    athlete: str | None = None


@lru_cache(maxsize=8)
def model_sha256(path: Path) -> str:
    """sha256 of a model file, hashed once per process (it does not change mid-run)."""
    from hingecam.media.models import sha256_file

    return sha256_file(path)


def input_record(source: Path, *, digest: str | None = None) -> dict[str, Any]:
    """meta.input of report.json: the input's path, size, mtime and sha256."""
    from hingecam.media.models import sha256_file

    st = source.stat()
    return {
        "path": readable(source.resolve()),
        "size_bytes": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "sha256": digest if digest is not None else sha256_file(source),
    }


def record_provenance(
    folder: Path, input_meta: dict[str, Any], model_meta: dict[str, Any] | None
) -> None:
    """Add meta.input and meta.model to folder/report.json (atomically).

    Written after every other file of the set, so its presence is what marks
    the set complete: a crash before it makes a rerun redo the set.
    """
    path = folder / REPORT_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["meta"]["input"] = input_meta
    data["meta"]["model"] = model_meta
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomic(path, text)


def read_report(folder: Path) -> dict[str, Any] | None:
    """folder/report.json parsed, or None when missing or unreadable."""
    try:
        data = json.loads((folder / REPORT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _same_numbers(a: Any, b: dict[str, float]) -> bool:
    return (
        isinstance(a, dict)
        and a.keys() == b.keys()
        and all(
            isinstance(a[k], (int, float)) and float(a[k]) == v for k, v in b.items()
        )
    )


def is_done(
    source: Path, folder: Path, wanted: Wanted, *, is_video: bool
) -> dict[str, Any] | None:
    """The set's report when `folder` is complete and was made from this very
    input and these settings, else None (the set must be analyzed).

    Size and mtime are compared first; the input is hashed only when they
    differ (a copied or touched file with the same bytes is still done).
    """
    report = read_report(folder)
    if report is None:
        return None
    meta = report.get("meta", {})
    recorded = meta.get("input")
    if not isinstance(recorded, dict):
        return None
    needed = required_names(annotated=is_video and wanted.write_video)
    if any(not (folder / name).is_file() for name in needed):
        return None
    exercise = meta.get("exercise", {})
    if not isinstance(exercise, dict) or exercise.get("requested") != wanted.exercise:
        return None
    if wanted.athlete is not None and meta.get("athlete") != wanted.athlete:
        return None
    if not _same_numbers(
        meta.get("thresholds"), _in_force(wanted, exercise.get("used"))
    ):
        return None
    if is_video:
        model = meta.get("model")
        if wanted.model_sha256 is None or not isinstance(model, dict):
            return None
        if model.get("sha256") != wanted.model_sha256:
            return None
    try:
        st = source.stat()
    except OSError:
        return None
    if st.st_size != recorded.get("size_bytes"):
        return None
    if st.st_mtime_ns == recorded.get("mtime_ns"):
        return report
    from hingecam.media.models import sha256_file

    return report if sha256_file(source) == recorded.get("sha256") else None


def _in_force(wanted: Wanted, used: object) -> dict[str, float]:
    """The thresholds a set judged as `used` had in force when made with the
    wanted settings (auto: the recognised exercise's profile applies)."""
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import Thresholds, for_exercise

    if not isinstance(used, str) or used == wanted.exercise:
        return wanted.thresholds
    try:
        th = Thresholds(**wanted.thresholds)
        return for_exercise(th, Exercise(wanted.exercise), Exercise(used)).as_dict()
    except (TypeError, ValueError):
        return wanted.thresholds
