"""`hingecam analyze`, one input: its output folder name and the single-input path
every set of a batch goes through (the batch itself is app/many.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hingecam.errors import HingecamError

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from hingecam.app.driver import Run
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import Thresholds
    from hingecam.media.schedule import Schedule


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
    schedule: Schedule | None = None,
) -> Run:
    """Analyze one input (video or pose track) into `folder` (see api.run_file),
    with a progress bar for a video when `show_progress`. The input was checked
    (check_input) before its folder was planned."""
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
            schedule=schedule,
            checked=True,
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


def publish_order() -> tuple[str, ...]:
    """A run's files in the order they are published; report.json, last, marks a
    complete folder."""
    from hingecam.app.driver import ANNOTATED_NAME, TRACK_NAME
    from hingecam.report.index import THUMBNAIL_NAME
    from hingecam.report.write import OUTPUT_NAMES

    return (
        ANNOTATED_NAME,
        TRACK_NAME,
        THUMBNAIL_NAME,
        OUTPUT_NAMES["csv"],
        OUTPUT_NAMES["html"],
        OUTPUT_NAMES["json"],
    )


def analyze_into(
    source: Path,
    folder: Path,
    before_publish: Callable[[Path, Run], None] | None = None,
    **settings: Any,
) -> Run | None:
    """analyze_one into a private staged folder beside `folder`, then publish
    every file of the run into `folder` together (see files.StagedFolder).
    A run stopped before its first frame publishes nothing and returns None, so
    an earlier run's folder is not replaced by an empty one.

    Raises:
        HingecamError: as analyze_one; OutputError when a file cannot be
            written (nothing is published, no temporary file is left).
    """
    from hingecam.app.driver import ANNOTATED_NAME, TRACK_NAME
    from hingecam.app.signals import publishing
    from hingecam.files import StagedFolder

    try:
        staged = StagedFolder(folder)
    except OSError as exc:
        raise write_error(folder, exc) from None
    try:
        run = analyze_one(source, staged.path, **settings)
        if run.interrupted and run.result.video.frames == 0:
            staged.discard()
            return None
        if before_publish is not None:
            before_publish(staged.path, run)  # e.g. a batch's thumbnail, provenance
        # Re-analyzing a folder's own track keeps that folder's video.
        own_track = source.name == TRACK_NAME and source.parent == folder
        with publishing():  # a force quit waits for the moves (see signals)
            staged.commit(publish_order(), keep=(ANNOTATED_NAME,) if own_track else ())
    except OSError as exc:
        staged.discard()
        raise write_error(folder, exc) from None
    except BaseException:
        staged.discard()
        raise
    return run


def write_error(path: Path, exc: OSError) -> HingecamError:
    """One line for a failed write: the path the user chose and the cause."""
    from hingecam.errors import OutputError

    cause = exc.strerror or str(exc) or type(exc).__name__
    return OutputError(f"cannot write {path}: {cause}")


def lock_output(out: Path) -> Any:
    """Take the lock on --out for this run (a FolderLock to release).

    Raises:
        OutputError: --out is not a writable folder, or another run holds it.
    """
    from hingecam.errors import OutputError
    from hingecam.files import FolderLock

    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write {out}: it is a file, not a folder")
    lock = FolderLock(out)
    try:
        acquired = lock.acquire()
    except OSError as exc:
        raise write_error(out, exc) from None
    if not acquired:
        raise OutputError(
            f"{out} is in use by another hingecam run; wait for it or choose "
            "another --out"
        )
    return lock


def check_input(source: Path) -> None:
    """Raise InputError unless `source` opens as a pose track or a video (cheap:
    a track is loaded, a video's first frame decoded), before any folder exists."""
    from hingecam.media.tracks import is_track_file, load_track
    from hingecam.media.video import open_video

    if is_track_file(source):
        load_track(source)
        return
    with open_video(source):
        pass
