"""`hingecam analyze`, one input: its output folder name and the single-input path
every set of a batch goes through (the batch itself is app/many.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hingecam.app.driver import Run
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import Thresholds


def output_dir(out: Path, source: Path, taken: set[Path]) -> Path:
    """out/<stem>, with a numeric suffix when two inputs share a stem. A track
    written by an earlier run (<folder>/pose_track.npz) is named by its folder."""
    from hingecam.app.driver import TRACK_NAME

    stem = (
        source.parent.name
        if source.name == TRACK_NAME and source.parent.name
        else source.stem
    )
    base = out / stem
    candidate, n = base, 2
    while candidate in taken:
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    taken.add(candidate)
    return candidate


def analyze_one(
    source: Path,
    folder: Path,
    *,
    exercise: Exercise,
    thresholds: Thresholds,
    model: Path | None,
    write_video: bool,
    show_progress: bool,
    stop: threading.Event,
) -> Run:
    """Analyze one input (video or pose track) into `folder` (see api.run_file),
    with a progress bar for a video when `show_progress`."""
    from hingecam.app.api import run_file
    from hingecam.media.tracks import is_track_file

    bar = _progress_bar(source) if show_progress and not is_track_file(source) else None
    try:
        return run_file(
            source,
            exercise,
            thresholds,
            model=model,
            folder=folder,
            write_video=write_video,
            progress=(lambda done, t: bar.update(1)) if bar is not None else None,
            stop=stop,
        )
    finally:
        if bar is not None:
            bar.close()


def _progress_bar(source: Path) -> Any:
    """A tqdm bar sized from the video's duration (raises InputError like analyze)."""
    from tqdm import tqdm

    from hingecam.media.video import open_video

    with open_video(source) as probe:
        info = probe.info
    estimate = round(info.duration_s * info.fps) if info.fps else None
    return tqdm(
        total=estimate or None,
        desc=source.name,
        unit="frame",
        dynamic_ncols=True,
        leave=False,
    )
