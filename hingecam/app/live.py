"""`hingecam live`: a camera, stream or file through the live loop (see
live_session) and the driver; however the session ends, the reps so far become
the same report `analyze` writes."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hingecam.app.signals import Ending, StopSignals, publishing
from hingecam.app.stats import LiveStats
from hingecam.errors import DisplayError, HingecamError

if TYPE_CHECKING:
    from hingecam.core.datatypes import AnalysisResult, Exercise, VideoInfo
    from hingecam.core.thresholds import Thresholds

WINDOW_TITLE = "hingecam"
NO_DISPLAY_MESSAGE = (
    "no display found; run with --no-window to practise without a window"
)


@dataclass
class LiveOutcome:
    """What a live session produced."""

    ending: Ending
    result: AnalysisResult
    folder: Path
    stats: LiveStats
    recording: Path | None = None
    snapshots: list[Path] = field(default_factory=list)
    error: HingecamError | None = None


def open_source(camera: int | None, source: str | None, realtime: bool) -> Any:
    """The live source: a camera index, a URL, or a file.

    A file always plays at its own frame rate, like a camera (live is about real
    time; `analyze` reads every frame). A URL is read as it arrives; `realtime`
    paces it too, for URLs of files.

    Raises:
        CaptureError: the camera or stream cannot be opened (one line, what to try).
        InputError: the file is missing or not a video.
    """
    from hingecam.media.camera import open_camera

    if source is None:
        return open_camera(0 if camera is None else camera)
    if source.isdigit():
        return open_camera(int(source))
    if "://" in source:
        return open_camera(source, paced=realtime)
    return open_camera(Path(source), paced=True)  # a file plays like a camera


def run_live(
    *,
    camera: int | None = None,
    source: str | None = None,
    realtime: bool = False,
    exercise: Exercise | None = None,
    thresholds: Thresholds | None = None,
    model: Path | None = None,
    out: Path = Path("hingecam-out"),
    record: Path | None = None,
    window: bool = True,
    null_display: bool = False,
    sound: str = "off",
    debug: bool = False,
    echo: Callable[[str], None] | None = None,
    stop: StopSignals | None = None,
    pose_workers: int | None = None,
    single_pose: bool = True,
) -> LiveOutcome:
    """Run one live session and save its report; see `hingecam live --help`.

    Args:
        camera, source, realtime: what to watch (see open_source).
        exercise, thresholds: the analysis settings (as `analyze`; default auto).
        model: the .task file (None: resolved as everywhere else).
        out: the report goes to out/live-YYYYmmdd-HHMMSS/.
        record: also save the raw frames as record/live-YYYYmmdd-HHMMSS.mp4.
        window: show a window (needs a display); False prints cues instead.
        null_display: with window=False, still draw every frame as if shown
            (the benchmark's way of timing the window loop without a screen).
        sound: "off", "beep" or "speak".
        debug: draw displayed fps and latency on the frames.
        echo: prints a line for the user (default: print to stdout).
        stop: the stop request (default: SIGINT/SIGTERM handlers of its own).
        pose_workers: landmarkers run side by side (default: one per core, see
            media/live_parallel.py).
        single_pose: the one-person model between two-person checks (the
            default: it keeps up with the camera; landmarks move ~1 px from the
            two-person model's, docs/speed.md); False: two-person every frame.

    Raises:
        DisplayError: window=True without a display, before anything opens.
        CaptureError, InputError, ModelError: the source or model cannot be opened.
    """
    from hingecam.app.driver import Driver, track_meta
    from hingecam.app.live_session import DRAIN_S, Display, LiveSession, NullDisplay
    from hingecam.app.out_lock import lock_output, write_error
    from hingecam.app.output_names import session_folder
    from hingecam.core.cues import CueEvent
    from hingecam.core.datatypes import Exercise

    # The layers below, grouped so their moves touch one place.
    from hingecam.core.mode import LIVE
    from hingecam.core.thresholds import load_thresholds
    from hingecam.files import StagedFolder
    from hingecam.media import display as screen
    from hingecam.media.live_parallel import open_parallel_live
    from hingecam.media.models import resolve_model
    from hingecam.media.pose import PoseConfig
    from hingecam.media.sink import VideoSink
    from hingecam.media.sound import make_sound
    from hingecam.render.annotator import FrameAnnotator
    from hingecam.report.outputs import publish_order

    if window and not screen.has_display():
        raise DisplayError(NO_DISPLAY_MESSAGE)
    say = echo or (lambda line: print(line, flush=True))
    exercise = exercise or Exercise.AUTO
    thresholds = thresholds or load_thresholds(exercise)
    started = datetime.now()
    with (
        contextlib.ExitStack() as cleanup,
        open_source(camera, source, realtime) as cam,
    ):
        # Once the source opens (a bad one creates nothing), --out is locked as
        # analyze locks it: a second live or analyze there refuses.
        cleanup.callback(lock_output(out).release)
        model_path = resolve_model(model)
        info = cam.info
        config = PoseConfig(model_path=model_path, output_segmentation_masks=True)
        with open_parallel_live(
            config, workers=pose_workers, single_pose=single_pose
        ) as estimator:
            folder = session_folder(out, started)
            # The report's files are staged and published together at the end,
            # however the session ends; snapshots go straight into the folder.
            try:
                staged = StagedFolder(folder)
            except OSError as exc:
                raise write_error(folder, exc) from None
            cleanup.callback(staged.discard)  # published by then, or nothing to keep
            recording = None
            sink = None
            if record is not None:
                record.mkdir(parents=True, exist_ok=True)
                recording = record / f"{folder.name}.mp4"
                sink = VideoSink(recording, info.fps or 30.0)
            driver = Driver(exercise, thresholds, (info.width, info.height), mode=LIVE)
            annotator = FrameAnnotator(debug=debug)
            noise = make_sound(sound)

            def on_event(event: CueEvent) -> None:
                if not window:
                    say(event.line())
                if noise is not None:
                    noise.cue(event)

            display: Display | None = None
            if window:
                display = screen.Window(WINDOW_TITLE)
            elif null_display:
                display = NullDisplay()
            signals = stop or StopSignals()
            session = LiveSession(
                cam,
                estimator,
                driver,
                annotator,
                display=display,
                stop=signals,
                sink=sink,
                snapshot_dir=folder,
                on_event=on_event,
                on_line=say if window else None,
                source_fps=info.fps,
            )
            if window:
                say(
                    f"hingecam live: {cam.name}; stand tall and still for "
                    f"{thresholds.live_calibration_s:g} s to calibrate. Keys: q quit, "
                    "space pause, r reset count, c recalibrate, s snapshot"
                )
            elif not null_display:
                say(
                    f"hingecam live: {cam.name}, no window; stand tall and still for "
                    f"{thresholds.live_calibration_s:g} s to calibrate; "
                    "Ctrl+C ends the session"
                )
            failure: BaseException | None = None
            with signals if stop is None else contextlib.nullcontext():
                try:
                    ending = session.run()
                except Exception as exc:  # save what was measured, then re-raise
                    ending, failure = Ending.FAILED, exc
                signals.saving = True
                if display is not None:
                    display.close()
                cam.close()
                session.finish(drain_s=0.0 if failure is not None else DRAIN_S)
                info = cam.info
                if sink is not None:
                    sink.close()
                try:
                    run = driver.finish(
                        info,
                        meta=track_meta(
                            info,
                            model_path,
                            {"live": True, "live_inference": estimator.summary()},
                        ),
                        notes=_session_notes(info, session.stats, ending),
                        folder=staged.path,
                    )
                    with publishing():
                        staged.commit(publish_order())
                except OSError as exc:
                    raise write_error(folder, exc) from None
                if noise is not None:
                    noise.close()
    if failure is not None:
        raise failure
    return LiveOutcome(
        ending=ending,
        result=run.result,
        folder=folder,
        stats=session.stats,
        recording=recording if recording is not None and recording.exists() else None,
        snapshots=session.snapshots,
        error=session.error,
    )


def _session_notes(info: VideoInfo, stats: LiveStats, ending: Ending) -> list[str]:
    """How much of the session the pose model could measure (live skips frames)."""
    if not (stats.analyzed and info.frames):
        return []
    duration = max(info.duration_s, 1e-9)
    return [
        f"live session ({ending.value}): the pose was measured on "
        f"{stats.analyzed} of {info.frames} frames ({stats.analyzed / duration:.0f} "
        "per second); frames the model had no time for were skipped to stay in "
        "real time"
    ]


def run_cli(args: argparse.Namespace) -> int:
    """`hingecam live`: run a session, print one summary line, return the exit status."""
    from hingecam.app.summary import summary_line
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import load_thresholds
    from hingecam.media.pose import native_logs_silenced

    exercise = Exercise(args.exercise)
    thresholds = load_thresholds(exercise, args.thresholds, args.set)
    with native_logs_silenced():  # MediaPipe's threads log after the first frame
        outcome = run_live(
            camera=args.camera,
            source=args.source,
            realtime=args.realtime,
            exercise=exercise,
            thresholds=thresholds,
            model=args.model,
            out=args.out,
            record=args.record,
            window=not args.no_window,
            sound=args.sound,
            debug=args.debug,
            pose_workers=args.pose_workers,
            single_pose=args.single_pose,
        )
    if outcome.recording is not None:
        print(f"recording: {outcome.recording}", flush=True)
    print(summary_line(outcome.result, outcome.folder), flush=True)
    if outcome.error is not None:
        print(
            f"hingecam: error: {outcome.error}; the reps so far are saved",
            file=sys.stderr,
        )
    elif outcome.ending is Ending.INTERRUPTED:
        print("hingecam: interrupted; the reps so far are saved", file=sys.stderr)
    elif outcome.ending in (Ending.TERMINATED, Ending.HUNG_UP):
        print(
            f"hingecam: {outcome.ending.value}; the reps so far are saved",
            file=sys.stderr,
        )
    return outcome.ending.exit_status
