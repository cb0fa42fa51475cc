"""`hingecam live`: a camera, stream or file through the live loop (see
live_session) and the driver; however the session ends, the reps so far become
the same report `analyze` writes."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hingecam.app.signals import Ending, StopSignals, publishing
from hingecam.app.stats import LiveStats
from hingecam.errors import DisplayError, HingecamError

if TYPE_CHECKING:
    from hingecam.app.driver import Run
    from hingecam.app.live_session import Display, LiveSession, SessionIO
    from hingecam.core.cues import CueEvent
    from hingecam.core.datatypes import AnalysisResult, Exercise, VideoInfo
    from hingecam.core.thresholds import Thresholds
    from hingecam.files import StagedFolder

WINDOW_TITLE = "hingecam"
NO_DISPLAY_MESSAGE = (
    "no display found; run with --no-window to practise without a window"
)


@dataclass(frozen=True, slots=True)
class LiveOptions:
    """What a live session watches and analyzes with (see `hingecam live --help`).

    Attributes:
        camera, source, realtime: what to watch (see open_source).
        exercise, thresholds: the analysis settings (as `analyze`; default auto).
        model: the .task file (None: resolved as everywhere else).
        out: the report goes to out/live-YYYYmmdd-HHMMSS/ (None: the per-user
            diary folder, app/diary.py).
        record: also save the raw frames as record/live-YYYYmmdd-HHMMSS.mp4.
        sound: "off", "beep" or "speak".
        debug: draw displayed fps and latency on the frames.
        pose_workers: landmarkers run side by side (default: one per core, see
            media/live_parallel.py).
        single_pose: the one-person model between two-person checks when the
            two-person model cannot keep up (the default; landmarks move ~1 px
            from the two-person model's, docs/speed.md); False: two-person
            every frame.
        athlete: who is practising (the report records it, and the session
            is compared with their previous one in `out`), or None.
    """

    camera: int | None = None
    source: str | None = None
    realtime: bool = False
    exercise: Exercise | None = None
    thresholds: Thresholds | None = None
    model: Path | None = None
    out: Path | None = None
    record: Path | None = None
    sound: str = "off"
    debug: bool = False
    pose_workers: int | None = None
    single_pose: bool = True
    athlete: str | None = None


@dataclass
class LiveOutcome:
    """What a live session produced; `since_last` compares it with the same
    athlete's previous set of the same exercise in its folder ("clean reps 7
    of 10, last time 4 of 10; ..."), None when there is none."""

    ending: Ending
    result: AnalysisResult
    folder: Path
    stats: LiveStats
    recording: Path | None = None
    snapshots: list[Path] = field(default_factory=list)
    error: HingecamError | None = None
    since_last: str | None = None


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


def open_window() -> Display:
    """The live window (created on its first frame).

    Raises:
        DisplayError: there is no display, before anything else opens.
    """
    from hingecam.media import display as screen

    if not screen.has_display():
        raise DisplayError(NO_DISPLAY_MESSAGE)
    window: Display = screen.Window(WINDOW_TITLE)
    return window


def run_live(
    options: LiveOptions,
    display: Display | None = None,
    *,
    echo: Callable[[str], None] | None = None,
    stop: StopSignals | None = None,
) -> LiveOutcome:
    """Run one live session and save its report; see `hingecam live --help`.

    Args:
        options: what to watch and analyze with.
        display: a window (open_window(); keys, cues on screen), a NullDisplay
            (the benchmark's way of timing the window loop without a screen),
            or None: no window, cues printed.
        echo: prints a line for the user (default: print to stdout).
        stop: the stop request (default: SIGINT/SIGTERM handlers of its own).

    Raises:
        CaptureError, InputError, ModelError: the source or model cannot be opened.
    """
    from hingecam.app.diary import diary_folder
    from hingecam.app.out_lock import lock_output
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import load_thresholds
    from hingecam.media.live_parallel import open_parallel_live
    from hingecam.media.models import resolve_model
    from hingecam.media.pose import PoseConfig

    say = echo or (lambda line: print(line, flush=True))
    exercise = options.exercise or Exercise.AUTO
    options = dataclasses.replace(
        options,
        exercise=exercise,
        thresholds=options.thresholds or load_thresholds(exercise),
        out=options.out if options.out is not None else diary_folder(),
    )
    started = datetime.now().astimezone()  # the set's recording time
    with (
        contextlib.ExitStack() as cleanup,
        open_source(options.camera, options.source, options.realtime) as cam,
    ):
        # Once the source opens and the model is verified (a bad one creates
        # nothing), --out is locked as analyze locks it: a second live or
        # analyze there refuses.
        assert options.out is not None
        model_path = resolve_model(options.model)
        cleanup.callback(lock_output(options.out).release)
        config = PoseConfig(model_path=model_path, output_segmentation_masks=True)
        with open_parallel_live(
            config, workers=options.pose_workers, single_pose=options.single_pose
        ) as estimator:
            setup = _Setup(options, display, say, started, model_path)
            outcome, failure = _run_session(setup, cam, estimator, cleanup, stop)
    if failure is not None:
        raise failure
    return outcome


@dataclass(frozen=True)
class _Setup:
    """A session's settings once its source and model are open."""

    options: LiveOptions
    display: Display | None
    say: Callable[[str], None]
    started: datetime
    model_path: Path

    @property
    def window(self) -> bool:
        """A window a person looks at: cues and keys on screen, not printed."""
        from hingecam.app.live_session import NullDisplay

        return self.display is not None and not isinstance(self.display, NullDisplay)


def _run_session(
    setup: _Setup,
    cam: Any,
    estimator: Any,
    cleanup: contextlib.ExitStack,
    stop: StopSignals | None,
) -> tuple[LiveOutcome, BaseException | None]:
    """The session from its staged folder to its published report; and the
    error that ended it, to raise once the source and models are closed."""
    from hingecam.app.driver import Driver
    from hingecam.app.live_session import LiveSession
    from hingecam.app.out_lock import write_error
    from hingecam.app.output_names import session_folder
    from hingecam.core.mode import LIVE
    from hingecam.files import StagedFolder
    from hingecam.render.annotator import FrameAnnotator

    options, info = setup.options, cam.info
    assert options.exercise is not None and options.thresholds is not None
    assert options.out is not None
    folder = session_folder(options.out, setup.started)
    # The report's files are staged and published together at the end,
    # however the session ends; snapshots go straight into the folder.
    try:
        staged = StagedFolder(folder)
    except OSError as exc:
        raise write_error(folder, exc) from None
    cleanup.callback(staged.discard)  # published by then, or nothing to keep
    recording, sink = _recorder(options.record, folder, info.fps)
    driver = Driver(
        options.exercise, options.thresholds, (info.width, info.height), mode=LIVE
    )
    noise = _sound(options.sound)
    signals = stop or StopSignals()
    session = LiveSession(
        cam,
        estimator,
        driver,
        FrameAnnotator(debug=options.debug),
        display=setup.display,
        stop=signals,
        io=_session_io(setup, sink, folder, noise, info.fps),
    )
    _greet(setup, cam.name, options.thresholds.live_calibration_s)
    failure: BaseException | None = None
    with signals if stop is None else contextlib.nullcontext():
        try:
            ending = session.run()
        except Exception as exc:  # save what was measured, then re-raise
            ending, failure = Ending.FAILED, exc
        signals.saving = True
        run, since = _save(session, cam, staged, setup, ending, failure)
        if noise is not None:
            noise.close()
    outcome = LiveOutcome(
        ending=ending,
        result=run.result,
        folder=folder,
        stats=session.stats,
        recording=recording if recording is not None and recording.exists() else None,
        snapshots=session.snapshots,
        error=session.error,
        since_last=since,
    )
    return outcome, failure


def _recorder(record: Path | None, folder: Path, fps: float) -> tuple[Path | None, Any]:
    """--record: the recording's path and its sink (None, None without it)."""
    if record is None:
        return None, None
    from hingecam.media.sink import VideoSink

    record.mkdir(parents=True, exist_ok=True)
    recording = record / f"{folder.name}.mp4"
    return recording, VideoSink(recording, fps or 30.0)


def _sound(name: str) -> Any:
    from hingecam.media.sound import make_sound

    return make_sound(name)


def _session_io(
    setup: _Setup, sink: Any, folder: Path, noise: Any, source_fps: float
) -> SessionIO:
    """Cues go to the sound and, without a window, the terminal; a window's
    notices are printed too."""
    from hingecam.app.live_session import SessionIO

    window, say = setup.window, setup.say

    def on_event(event: CueEvent) -> None:
        if not window:
            say(event.line())
        if noise is not None:
            noise.cue(event)

    return SessionIO(
        sink=sink,
        snapshot_dir=folder,
        on_event=on_event,
        on_line=say if window else None,
        source_fps=source_fps,
    )


def _greet(setup: _Setup, camera_name: str, calibration_s: float) -> None:
    """The first lines: where the session is saved; what is watched, how to
    calibrate, the keys."""
    if setup.display is None or setup.window:
        setup.say(f"hingecam live: saving the session into {setup.options.out}")
    if setup.window:
        setup.say(
            f"hingecam live: {camera_name}; stand tall and still for "
            f"{calibration_s:g} s to calibrate. Keys: q quit, "
            "space pause, r reset count, c recalibrate, s snapshot"
        )
    elif setup.display is None:
        setup.say(
            f"hingecam live: {camera_name}, no window; stand tall and still for "
            f"{calibration_s:g} s to calibrate; "
            "Ctrl+C ends the session"
        )


def _save(
    session: LiveSession,
    cam: Any,
    staged: StagedFolder,
    setup: _Setup,
    ending: Ending,
    failure: BaseException | None,
) -> tuple[Run, str | None]:
    """Close the window, camera and recording, let the last poses in, and
    publish the session's report files together, compared with the athlete's
    previous set of the same exercise in --out; returns the run and that
    comparison's line (None without a previous set)."""
    from hingecam.app.driver import save_run, track_meta
    from hingecam.app.live_session import DRAIN_S
    from hingecam.app.out_lock import write_error
    from hingecam.core.recorded import Recorded, RecordedFrom
    from hingecam.report.outputs import publish_order

    if session.display is not None:
        session.display.close()
    cam.close()
    session.finish(drain_s=0.0 if failure is not None else DRAIN_S)
    info = dataclasses.replace(
        cam.info, recorded=Recorded(setup.started, RecordedFrom.LIVE_START)
    )
    if session.sink is not None:
        session.sink.close()
    try:
        run = session.driver.finish(
            info,
            meta=track_meta(
                info,
                setup.model_path,
                {"live": True, "live_inference": session.estimator.summary()},
            ),
            notes=_session_notes(info, session.stats, ending),
            athlete=setup.options.athlete,
        )
        last, since = _last_time(setup, run)
        save_run(run, staged.path, last_time=last)
        with publishing():
            staged.commit(publish_order())
    except OSError as exc:
        raise write_error(staged.target, exc) from None
    return run, since


def _last_time(setup: _Setup, run: Run) -> tuple[dict[str, Any] | None, str | None]:
    """The athlete's previous set of this exercise in --out, as the report's
    `summary.last_time`, and the comparison's line; (None, None) without one."""
    from hingecam.report.build import build_report
    from hingecam.report.diary_files import previous_set
    from hingecam.report.diary_rows import last_time, set_numbers, since_last

    assert setup.options.out is not None
    result = run.result
    previous = previous_set(
        setup.options.out,
        athlete=result.athlete,
        exercise=result.exercise.value,
        before=setup.started,
    )
    if previous is None:
        return None, None
    this = set_numbers(build_report(result).to_dict()["summary"])
    return last_time(previous), since_last(this, previous.numbers)


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
