"""The Python API behind `from hingecam import analyze`: a video or a pose track in,
an AnalysisResult out, through the same driver as the command line."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hingecam.app.driver import Run
    from hingecam.core.datatypes import AnalysisResult, Exercise
    from hingecam.core.poses import PoseTrack
    from hingecam.core.thresholds import Thresholds
    from hingecam.media.schedule import Schedule

ProgressFn = Callable[[int, float], None]
"""Called after each video frame with (frames done, seconds of video done)."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What one input is analyzed with.

    Attributes:
        exercise, thresholds: the analysis settings.
        model: the .task for a video (None: resolved).
        write_video: also write the set folder's annotated.mp4 (videos only).
        schedule: which frames get which inference (None: the default Schedule).
        athlete: who performed the set (None: not recorded; a pose track's own).
    """

    exercise: Exercise
    thresholds: Thresholds
    model: Path | None = None
    write_video: bool = False
    schedule: Schedule | None = None
    athlete: str | None = None


def resolve_settings(
    exercise: str | Exercise, thresholds: Thresholds | None
) -> tuple[Exercise, Thresholds]:
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import load_thresholds

    """The Exercise named, and the thresholds in force (None: its defaults)."""
    chosen = Exercise(exercise)
    return chosen, thresholds if thresholds is not None else load_thresholds(chosen)


def analyze(
    path: str | Path,
    exercise: str | Exercise = "auto",
    thresholds: Thresholds | None = None,
    model: str | Path | None = None,
) -> AnalysisResult:
    """Analyze one recorded set: a video file, or a pose track (.npz) written by
    an earlier run (re-analyzed without the pose model).

    Args:
        path: the video or pose track.
        exercise: an Exercise or its value ("auto", "rdl", "deadlift", ...).
        thresholds: the numbers in force (None: the exercise profile's defaults).
        model: the PoseLandmarker .task for a video (None: resolved as the
            command line does: $HINGECAM_MODEL, models/, the user cache).

    Returns:
        The result: reps with their verdicts and evidence, notes, the series.

    Raises:
        InputError: the file is missing or is neither a video nor a pose track
            (checked before the model is looked up).
        ModelError: a video, and no usable pose model.
    """
    chosen, th = resolve_settings(exercise, thresholds)
    model_path = None if model is None else Path(model)
    return run_file(Path(path), RunOptions(chosen, th, model_path)).result


def analyze_track(
    track: PoseTrack | str | Path,
    exercise: str | Exercise = "auto",
    thresholds: Thresholds | None = None,
) -> AnalysisResult:
    """Re-analyze a pose track (no model, no video), e.g. with other thresholds.

    Args:
        track: a PoseTrack, or the path of one (.npz).
        exercise, thresholds: as for analyze().
    """
    from hingecam.app.driver import Driver
    from hingecam.media.tracks import load_track, with_recorded_time

    chosen, th = resolve_settings(exercise, thresholds)
    if isinstance(track, (str, Path)):
        path: Path | None = Path(track)
        loaded = with_recorded_time(load_track(Path(track)), Path(track))
    else:
        path, loaded = None, track
    driver = Driver(chosen, th, loaded.image_wh)
    driver.replay(loaded, path)
    return driver.finish().result


def run_file(
    source: Path,
    options: RunOptions,
    *,
    folder: Path | None = None,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
    checked: bool = False,
) -> Run:
    """A video or pose track through the driver; written to `folder` if given.

    The input is checked before the model is looked up, so a missing file is
    reported as missing on a machine without the model (`checked`: the caller
    already did, with app/input_check.py; the video is not opened twice).

    Args:
        source: the video or pose track.
        options: what it is analyzed with (see RunOptions).
        folder: where the set's files go (report/outputs.py), or None.
        progress, stop: see pipeline.analyze_video.

    Raises:
        InputError: the input is missing or unreadable.
        ModelError: a video, and no usable pose model.
    """
    from hingecam.app.driver import Driver, save_run, with_athlete
    from hingecam.media.tracks import is_track_file, load_track, with_recorded_time

    if is_track_file(source):
        track = with_recorded_time(load_track(source), source)
        driver = Driver(options.exercise, options.thresholds, track.image_wh)
        driver.replay(track, source)
        return driver.finish(folder=folder, athlete=options.athlete)

    from hingecam.app.pipeline import analyze_video
    from hingecam.media.models import resolve_model
    from hingecam.media.video import open_video
    from hingecam.report.outputs import ANNOTATED_NAME

    if not checked:
        with open_video(source):  # fail fast, before the model or any folder
            pass
    model_path = resolve_model(options.model)
    annotated = (
        folder / ANNOTATED_NAME if folder is not None and options.write_video else None
    )
    run = analyze_video(
        source,
        exercise=options.exercise,
        thresholds=options.thresholds,
        model_path=model_path,
        annotated_path=annotated,
        progress=progress,
        stop=stop,
        schedule=options.schedule,
    )
    run = with_athlete(run, options.athlete)
    if folder is not None:
        save_run(run, folder)
    return run
