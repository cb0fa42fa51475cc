"""Where a run's outputs go: a set's folder under --out (named after its input)
and a live session's folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hingecam.files import safe_component
from hingecam.report.outputs import TRACK_NAME


def output_dir(out: Path, source: Path, taken: set[Path]) -> Path:
    """out/<stem>, with a numeric suffix when two inputs share a stem. A track
    written by an earlier run (<folder>/pose_track.npz) is named by its folder.
    The name is always one visible folder under `out` (files.safe_component):
    an input named "..npz" or "../pose_track.npz" never writes outside it."""
    folder = source.resolve().parent.name
    stem = folder if source.name == TRACK_NAME and folder else source.stem
    base = out / safe_component(stem)
    candidate, n = base, 2
    while candidate in taken:
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    taken.add(candidate)
    return candidate


def session_folder(out: Path, started: datetime) -> Path:
    """out/live-YYYYmmdd-HHMMSS, with a numeric suffix if taken."""
    base = out / f"live-{started:%Y%m%d-%H%M%S}"
    candidate, n = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate
