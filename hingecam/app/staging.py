"""One input of `hingecam analyze` into its set folder: analyzed into a private
staged folder, then every file of the set published together (report/outputs.py
lists them, in publish order)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hingecam.app.out_lock import write_error

if TYPE_CHECKING:
    from hingecam.app.api import RunOptions
    from hingecam.app.driver import Run


def analyze_one(
    source: Path,
    folder: Path,
    options: RunOptions,
    *,
    show_progress: bool,
    stop: threading.Event,
) -> Run:
    """Analyze one input (video or pose track) into `folder` (see api.run_file),
    with a progress bar for a video when `show_progress`. The input was checked
    (input_check.check_input) before its folder was planned."""
    from hingecam.app.api import run_file
    from hingecam.app.progress import progress_bar
    from hingecam.media.tracks import is_track_file

    bar = progress_bar(source) if show_progress and not is_track_file(source) else None
    try:
        return run_file(
            source,
            options,
            folder=folder,
            progress=(lambda done, t: bar.update(1)) if bar is not None else None,
            stop=stop,
            checked=True,
        )
    finally:
        if bar is not None:
            bar.close()


def analyze_into(
    source: Path,
    folder: Path,
    options: RunOptions,
    *,
    before_publish: Callable[[Path, Run], None] | None = None,
    show_progress: bool = False,
    stop: threading.Event,
) -> Run | None:
    """analyze_one into a private staged folder beside `folder`, then publish
    every file of the run into `folder` together (see files.StagedFolder).
    A run stopped before its first frame publishes nothing and returns None, so
    an earlier run's folder is not replaced by an empty one.

    Raises:
        HingecamError: as analyze_one; OutputError when a file cannot be
            written (nothing is published, no temporary file is left).
    """
    from hingecam.app.signals import publishing
    from hingecam.files import StagedFolder
    from hingecam.report.outputs import ANNOTATED_NAME, TRACK_NAME, publish_order

    try:
        staged = StagedFolder(folder)
    except OSError as exc:
        raise write_error(folder, exc) from None
    try:
        run = analyze_one(
            source, staged.path, options, show_progress=show_progress, stop=stop
        )
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
