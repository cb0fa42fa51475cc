"""Where a run's outputs go: a set's folder under --out (named after its input)
and a live session's folder."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from hingecam.files import readable, safe_component
from hingecam.report.outputs import REPORT_NAME, TRACK_NAME


def output_dir(out: Path, source: Path, taken: set[Path]) -> Path:
    """out/<stem>, with a numeric suffix when two inputs share a stem. A track
    written by an earlier run (<folder>/pose_track.npz) is named by its folder.

    The name is stable across runs: a folder whose report.json records another
    input is never reused for this one, and the folder made from this very
    input before is found again whatever the order or the other inputs of the
    run. It is always one visible folder under `out` (files.safe_component):
    an input named "..npz" or "../pose_track.npz" never writes outside it."""
    folder = source.resolve().parent.name
    stem = folder if source.name == TRACK_NAME and folder else source.stem
    base = out / safe_component(stem)
    mine = readable(source.resolve())
    free: Path | None = None
    candidate, n = base, 2
    while True:
        if candidate not in taken:
            made_from = _made_from(candidate)
            if made_from == mine or source.resolve().parent == candidate.resolve():
                free = candidate  # this input's own folder: found again
                break
            if made_from is None and free is None:
                free = candidate
            if not candidate.exists():
                break
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    chosen = free if free is not None else candidate
    taken.add(chosen)
    return chosen


def _made_from(folder: Path) -> str | None:
    """The input path folder/report.json records, or None (no folder, no
    report, a report without one: a folder anyone may use)."""
    try:
        report = json.loads((folder / REPORT_NAME).read_text(encoding="utf-8"))
        recorded = report["meta"]["input"]["path"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return recorded if isinstance(recorded, str) else None


def session_folder(out: Path, started: datetime) -> Path:
    """out/live-YYYYmmdd-HHMMSS, with a numeric suffix if taken."""
    base = out / f"live-{started:%Y%m%d-%H%M%S}"
    candidate, n = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate
