"""`hingecam live`: camera frames -> the offline analysis core (live mode) -> a window
with overlays and cues, newest frame wins; however the session ends, the reps so
far become the same report `analyze` writes."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import enum
import logging
import math
import signal
import statistics
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    AnalysisResult,
    Exercise,
    Frame,
    FrameAnalysis,
    Phase,
    Severity,
    VideoInfo,
    View,
)
from hingecam.core.lifter import LifterTracker
from hingecam.core.measures import Measures
from hingecam.core.rules import rep_cue
from hingecam.core.thresholds import Thresholds, load_thresholds
from hingecam.errors import CaptureError, DisplayError, HingecamError
from hingecam.media.sound import make_sound

log = logging.getLogger(__name__)

WINDOW_TITLE = "hingecam"
NO_DISPLAY_MESSAGE = (
    "no display found; run with --no-window to practise without a window"
)
NOTICE_S = 1.5
"""A key's confirmation ("count reset", "snapshot saved") replaces the cue this long."""
STALE_POSE_S = 0.5
"""A skeleton older than this (s) is not drawn: it would sit off the body."""
STATS_WINDOW_S = 1.0
"""Displayed fps and latency in the debug overlay are over this last stretch (s)."""
HINT_FORGET_S = 2.0
"""A set-up hint gone this long (s) is printed / spoken again when it returns."""
DRAIN_S = 1.0
"""At the end, wait at most this long (s) for the pose of the last frames."""
PAUSED_CUE = "paused: press space to go on"

KEY_ESC = 27
KEY_SPACE = 32


class Ending(enum.Enum):
    """How a live session ended; each maps to an exit status."""

    QUIT = "quit"  # q or Esc
    WINDOW_CLOSED = "window closed"
    STREAM_ENDED = "stream ended"
    INTERRUPTED = "interrupted"  # Ctrl+C
    TERMINATED = "terminated"  # SIGTERM
    CAMERA_FAILED = "camera failed"
    FAILED = "failed"  # any other error; re-raised after saving

    @property
    def exit_status(self) -> int:
        return {
            Ending.INTERRUPTED: 130,
            Ending.TERMINATED: 143,
            Ending.CAMERA_FAILED: 2,
            Ending.FAILED: 2,
        }.get(self, 0)


# -- display ----------------------------------------------------------------------


class Display(Protocol):
    """Where the loop shows frames: display.Window, or NullDisplay for benchmarks."""

    def show(self, image_bgr: NDArray[np.uint8]) -> None: ...

    def poll_key(self, delay_ms: int = 1) -> int | None: ...

    def closed(self) -> bool: ...

    def close(self) -> None: ...


class NullDisplay:
    """Shows nothing and reads no keys, so the loop (drawing included) can be timed."""

    def show(self, image_bgr: NDArray[np.uint8]) -> None:
        pass

    def poll_key(self, delay_ms: int = 1) -> int | None:
        return None

    def closed(self) -> bool:
        return False

    def close(self) -> None:
        pass


# -- terminal and sound cues --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CueEvent:
    """Something new to tell the lifter: a finished rep, a cue or a set-up hint."""

    kind: str  # "rep", "cue" or "hint"
    text: str
    severity: Severity
    t_s: float
    rep: int = 0

    def line(self) -> str:
        """One terminal line, e.g. '00:12.4  rep 3: soften your knees'."""
        minutes, seconds = divmod(max(0.0, self.t_s), 60.0)
        stamp = f"{int(minutes):02d}:{seconds:04.1f}"
        if self.kind == "rep":
            return f"{stamp}  rep {self.rep}: {self.text}"
        if self.kind == "hint":
            return f"{stamp}  set-up: {self.text}"
        return f"{stamp}  {self.text}"


@dataclass
class CueEvents:
    """Turns the per-frame analyses into events, each said once (no spam).

    A rep is announced when the count goes up, with its cue; another cue when
    its words differ from the last ones announced; a set-up hint when it
    differs from the last hint announced, or returns after HINT_FORGET_S away.
    """

    count: int = 0
    cue: str | None = None
    hint: str | None = None
    hint_gone_since: float | None = None

    def update(self, a: FrameAnalysis) -> list[CueEvent]:
        events: list[CueEvent] = []
        if a.setup_hint is None:
            if self.hint is not None:
                self.hint_gone_since = self.hint_gone_since or a.t_s
                if a.t_s - self.hint_gone_since >= HINT_FORGET_S:
                    self.hint, self.hint_gone_since = None, None
        else:
            self.hint_gone_since = None
            if a.setup_hint != self.hint:
                self.hint = a.setup_hint
                events.append(CueEvent("hint", a.setup_hint, Severity.WARNING, a.t_s))
        if a.rep_count > self.count:
            text = a.cue or "done"
            events.append(CueEvent("rep", text, a.cue_severity, a.t_s, a.rep_count))
            self.cue = a.cue
        elif a.cue is not None and a.cue != self.cue:
            self.cue = a.cue
            events.append(CueEvent("cue", a.cue, a.cue_severity, a.t_s))
        self.count = a.rep_count
        return events


# -- stop signals -------------------------------------------------------------------


class StopSignals:
    """SIGINT and SIGTERM ask the loop to stop (and save) instead of killing it.

    A second Ctrl+C while the loop is still running raises KeyboardInterrupt.
    Installed only from the main thread (elsewhere Python refuses handlers).
    """

    def __init__(self) -> None:
        self.reason: Ending | None = None
        self.saving = False
        self._previous: dict[int, Any] = {}

    def request(self, reason: Ending) -> None:
        if self.reason is None:
            self.reason = reason

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        reason = Ending.INTERRUPTED if signum == signal.SIGINT else Ending.TERMINATED
        if self.reason is not None and signum == signal.SIGINT and not self.saving:
            raise KeyboardInterrupt
        self.request(reason)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


# -- the loop -----------------------------------------------------------------------


@dataclass
class LiveStats:
    """What the loop measured, for the debug overlay and the benchmark.

    Latency is from a frame's capture to the moment it was shown (after the
    window's paint); analysis age is how much older than the shown frame the
    analysis drawn on it was (the pose model's delay plus waiting).
    """

    source_fps: float = 0.0
    shown: int = 0
    first_shown_s: float = math.nan
    last_shown_s: float = math.nan
    latency_ms: list[float] = field(default_factory=list)
    analysis_age_ms: list[float] = field(default_factory=list)
    captured: int = 0  # frames the source produced
    missed_by_display: int = (
        0  # frames replaced by a newer one before the loop read them
    )
    analyzed: int = 0  # frames the pose model measured
    dropped_by_inference: int = 0  # frames skipped because the model was busy

    @property
    def displayed_fps(self) -> float:
        span = self.last_shown_s - self.first_shown_s
        return (self.shown - 1) / span if self.shown > 1 and span > 0 else math.nan

    def summary(self) -> dict[str, float]:
        """The benchmark figures as name -> value."""

        def pct(values: list[float], q: float) -> float:
            return float(np.percentile(values, q)) if values else math.nan

        interval_ms = 1000.0 / self.source_fps if self.source_fps > 0 else math.nan
        fps = self.displayed_fps
        return {
            "source_fps": self.source_fps,
            "displayed_fps": fps,
            "fps_ratio": fps / self.source_fps if self.source_fps > 0 else math.nan,
            "latency_median_ms": pct(self.latency_ms, 50),
            "latency_p95_ms": pct(self.latency_ms, 95),
            "latency_median_frames": pct(self.latency_ms, 50) / interval_ms,
            "latency_p95_frames": pct(self.latency_ms, 95) / interval_ms,
            "analysis_age_median_ms": pct(self.analysis_age_ms, 50),
            "analysis_age_p95_ms": pct(self.analysis_age_ms, 95),
            "frames_captured": float(self.captured),
            "frames_shown": float(self.shown),
            "frames_missed_by_display": float(self.missed_by_display),
            "frames_analyzed": float(self.analyzed),
            "frames_dropped_by_inference": float(self.dropped_by_inference),
        }


def _placeholder(frame: Frame) -> FrameAnalysis:
    """What to draw before the first pose result arrives."""
    return FrameAnalysis(
        frame_index=frame.index,
        t_s=frame.t_s,
        pose=None,
        measures=Measures(),
        side=None,
        view=View.UNKNOWN,
        phase=Phase.SETUP,
        rep_count=0,
    )


class LiveSession:
    """The live loop: every captured frame is shown with the newest analysis on it.

    Inference runs asynchronously (the estimator drops frames while busy); each
    result goes through the Analyzer, and the newest FrameAnalysis is drawn on
    the frames that follow until a newer one arrives. Nothing here waits for
    the model, so the display keeps the camera's rate.

    Args:
        camera: an iterable of Frames (camera.CameraSource), newest frame wins.
        estimator: a LiveEstimator (submit / latest).
        analyzer: analysis.Analyzer.live(...).
        annotator: overlay.FrameAnnotator.
        display: a Window, a NullDisplay, or None (no window: draw only the
            frames kept as report thumbnails).
        stop: the stop request, set by signals or a caller.
        sink: records the raw frames, or None.
        snapshot_dir: where `s` saves PNGs.
        on_event: called with each new cue event.
        source_fps: nominal rate of the source, for the stats.
    """

    def __init__(
        self,
        camera: Any,
        estimator: Any,
        analyzer: Any,
        annotator: Any,
        *,
        display: Display | None,
        stop: StopSignals,
        sink: Any = None,
        snapshot_dir: Path | None = None,
        on_event: Callable[[CueEvent], None] | None = None,
        on_line: Callable[[str], None] | None = None,
        source_fps: float = 0.0,
    ) -> None:
        from hingecam.app.pipeline import ThumbnailKeeper

        self.camera = camera
        self.estimator = estimator
        self.analyzer = analyzer
        self.annotator = annotator
        self.display = display
        self.stop = stop
        self.sink = sink
        self.snapshot_dir = snapshot_dir
        self.on_event = on_event
        self.on_line = on_line or (lambda _line: None)
        self.thumbs = ThumbnailKeeper()
        self.stats = LiveStats(source_fps=source_fps)
        self.error: HingecamError | None = None
        self.snapshots: list[Path] = []
        self._events = CueEvents()
        self._analysis: FrameAnalysis | None = None
        self._analyzed_index = -1
        self._submitted_index = -1
        self._last_frame: Frame | None = None
        self._lifter = LifterTracker(analyzer.th)
        self._brightness: dict[int, float] = {}
        self._seen_reps = 0
        self._calibrated = False
        self._paused = False
        self._paused_image: NDArray[np.uint8] | None = None
        self._notice: tuple[str, float] | None = None
        self._t0_mono = math.inf  # monotonic time of t_s = 0, see _latency
        self._recent: deque[tuple[float, float]] = deque()  # (shown at, latency ms)

    # -- public ---------------------------------------------------------------------

    def run(self) -> Ending:
        """Loop until the stream ends, a key, a signal or an error stops it."""
        frames: Iterator[Frame] = iter(self.camera)
        try:
            while True:
                if self.stop.reason is not None:
                    return self.stop.reason
                try:
                    frame = next(frames)
                except StopIteration:
                    return Ending.STREAM_ENDED
                except CaptureError as exc:
                    if self.stop.reason is not None:  # asked to stop while waiting
                        return self.stop.reason
                    self.error = exc
                    return Ending.CAMERA_FAILED
                ending = self.step(frame)
                if ending is not None:
                    return ending
        except KeyboardInterrupt:
            return Ending.INTERRUPTED
        finally:
            self._update_drop_counts()

    def step(self, frame: Frame) -> Ending | None:
        """Handle one captured frame; returns an Ending when a key or the window ends it."""
        received = time.monotonic()
        self._t0_mono = min(self._t0_mono, received - frame.t_s)
        new = False
        if not self._paused:
            self._brightness[frame.index] = _brightness(frame.image_bgr)
            if self.estimator.submit(frame):
                self._submitted_index = frame.index
            self._last_frame = frame
            new = self._collect()
        analysis = self._analysis or _placeholder(frame)
        drawn: NDArray[np.uint8] | None = None
        if self.display is not None:
            if self._paused and self._paused_image is not None:
                drawn = self._paused_image
            else:
                drawn = self._draw(frame, analysis)
            self.display.show(drawn)
            key = self.display.poll_key(1)
            if not self._paused:
                self._record_timing(frame, analysis)
            ending = self._on_key(key, frame, analysis, drawn)
            if ending is None and self.display.closed():
                ending = Ending.WINDOW_CLOSED
        else:
            ending = None
            if not self._paused:
                self._record_timing(frame, analysis)
        # Bookkeeping after the frame is on screen, so it adds no latency.
        if self.sink is not None:
            self.sink.write(frame.image_bgr, frame.t_s)
        if new and self._analysis is not None:
            self._keep_thumbnail(frame, self._analysis, drawn)
        return ending

    def finish(self, drain_s: float = DRAIN_S) -> None:
        """Analyze the last frame, flush the analyzer, announce a rep it could
        only close at the end.

        The frame in flight and the last frame seen (if the model was busy
        then) are analyzed first, waiting at most `drain_s`: a rep that ends
        just before the stream does still counts.
        """

        deadline = time.monotonic() + drain_s
        last = self._last_frame
        while time.monotonic() < deadline:
            self._collect()
            if self._analyzed_index >= self._submitted_index:
                if last is None or self._submitted_index >= last.index:
                    break
                if self.estimator.submit(last):
                    self._submitted_index = last.index
                    continue
            time.sleep(0.005)
        for a in self.analyzer.finish():
            self._on_analysis(a)
        reps = self.analyzer.reps
        for rep in reps[self._seen_reps :] if self._seen_reps < len(reps) else []:
            self._seen_reps = rep.index
            self.thumbs.on_rep(rep)
            text, severity = rep_cue(rep.checks)
            self._events.count += 1
            self._emit(
                CueEvent(
                    "rep",
                    text,
                    severity,
                    rep.end_s,
                    self._events.count,
                )
            )

    # -- internals --------------------------------------------------------------------

    def _collect(self) -> bool:
        """Push the estimator's newest result through the analyzer if it is new."""
        latest = self.estimator.latest()
        if latest is None or latest[0] <= self._analyzed_index:
            return False
        index, t_s, poses = latest
        self._analyzed_index = index
        lifter = self._lifter.update(poses, t_s)
        bright = self._brightness.pop(index, None)
        for old in [i for i in self._brightness if i < index]:
            del self._brightness[old]
        self.stats.analyzed += 1
        for a in self.analyzer.push(
            index, t_s, lifter, people=len(poses), brightness=bright
        ):
            self._on_analysis(a)
        return True

    def _on_analysis(self, a: FrameAnalysis) -> None:
        self._analysis = a
        if not self._calibrated and self.analyzer.setup:
            self._calibrated = True
            self._emit(
                CueEvent(
                    "cue", "calibrated: standing posture taken", Severity.NOTE, a.t_s
                )
            )
        elif self._calibrated and not self.analyzer.setup:
            self._calibrated = False
        for event in self._events.update(a):
            self._emit(event)

    def _emit(self, event: CueEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _draw(self, frame: Frame, analysis: FrameAnalysis) -> NDArray[np.uint8]:
        image = frame.image_bgr.copy()
        if frame.t_s - analysis.t_s > STALE_POSE_S:
            analysis = dataclasses.replace(analysis, pose=None)
        if self._notice is not None:
            text, until = self._notice
            if time.monotonic() < until:
                analysis = dataclasses.replace(
                    analysis, cue=text, cue_severity=Severity.NOTE
                )
            else:
                self._notice = None
        fps, latency = self._recent_stats()
        self.annotator.set_stats(fps, latency)
        return np.asarray(self.annotator.draw(image, analysis), dtype=np.uint8)

    def _record_timing(self, frame: Frame, analysis: FrameAnalysis) -> None:
        now = time.monotonic()
        latency_ms = (now - (self._t0_mono + frame.t_s)) * 1000.0
        s = self.stats
        if s.shown == 0:
            s.first_shown_s = now
        s.last_shown_s = now
        s.shown += 1
        s.latency_ms.append(latency_ms)
        if self._analysis is not None:
            s.analysis_age_ms.append((frame.t_s - analysis.t_s) * 1000.0)
        self._recent.append((now, latency_ms))
        while self._recent and self._recent[0][0] < now - STATS_WINDOW_S:
            self._recent.popleft()

    def _recent_stats(self) -> tuple[float, float]:
        if len(self._recent) < 2:
            return math.nan, math.nan
        span = self._recent[-1][0] - self._recent[0][0]
        fps = (len(self._recent) - 1) / span if span > 0 else math.nan
        return fps, statistics.median(lat for _, lat in self._recent)

    def _update_drop_counts(self) -> None:
        missed = int(getattr(self.camera, "dropped", 0))
        delivered = self.camera.info.frames if hasattr(self.camera, "info") else 0
        self.stats.missed_by_display = missed
        self.stats.captured = delivered + missed
        self.stats.dropped_by_inference = int(getattr(self.estimator, "dropped", 0))

    def _keep_thumbnail(
        self,
        frame: Frame,
        analysis: FrameAnalysis,
        drawn: NDArray[np.uint8] | None,
    ) -> None:
        rep = analysis.last_rep
        if drawn is None or drawn is self._paused_image:
            drawn = np.asarray(
                self.annotator.draw(frame.image_bgr.copy(), analysis), dtype=np.uint8
            )
        self.thumbs.add(analysis.frame_index, analysis.t_s, drawn)
        if rep is not None and rep.index > self._seen_reps:
            self._seen_reps = rep.index
            self.thumbs.on_rep(rep)

    def _on_key(
        self,
        key: int | None,
        frame: Frame,
        analysis: FrameAnalysis,
        drawn: NDArray[np.uint8],
    ) -> Ending | None:
        if key is None:
            return None
        if key in (ord("q"), ord("Q"), KEY_ESC):
            return Ending.QUIT
        if key == KEY_SPACE:
            self._paused = not self._paused
            if self._paused:
                self._notice = None  # "paused" wins over a key's confirmation
                paused = dataclasses.replace(
                    analysis, cue=PAUSED_CUE, cue_severity=Severity.NOTE
                )
                self._paused_image = self._draw(frame, paused)
                self.on_line("paused (space goes on)")
            else:
                self._paused_image = None
                self.on_line("going on")
        elif key in (ord("r"), ord("R")):
            self.analyzer.reset_count()
            self._events.count = 0
            self._say("count reset to 0")
        elif key in (ord("c"), ord("C")):
            self.analyzer.recalibrate()
            self._calibrated = False
            self._say("recalibrating: stand tall and still")
        elif key in (ord("s"), ord("S")):
            self._snapshot(drawn)
        return None

    def _say(self, text: str, line: str | None = None) -> None:
        """Show `text` in place of the cue for NOTICE_S; print `line` (or text)."""
        self._notice = (text, time.monotonic() + NOTICE_S)
        self.on_line(line or text)

    def _snapshot(self, drawn: NDArray[np.uint8]) -> None:
        import cv2

        if self.snapshot_dir is None:
            return
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        n = len(self.snapshots) + 1
        path = self.snapshot_dir / f"snapshot-{n:02d}.png"
        while path.exists():
            n += 1
            path = self.snapshot_dir / f"snapshot-{n:02d}.png"
        if cv2.imwrite(str(path), drawn):
            self.snapshots.append(path)
            self._say(f"snapshot saved: {path.name}", f"snapshot saved: {path}")
        else:
            log.warning("could not write %s", path)


def _brightness(image_bgr: NDArray[np.uint8]) -> float:
    from hingecam.app.pipeline import brightness

    return brightness(image_bgr)


# -- composition ----------------------------------------------------------------------


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


def session_folder(out: Path, started: datetime) -> Path:
    """out/live-YYYYmmdd-HHMMSS, with a numeric suffix if taken."""
    base = out / f"live-{started:%Y%m%d-%H%M%S}"
    candidate, n = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


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
    exercise: Exercise = Exercise.AUTO,
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
) -> LiveOutcome:
    """Run one live session and save its report; see `hingecam live --help`.

    Args:
        camera, source, realtime: what to watch (see open_source).
        exercise, thresholds: the analysis settings (as `analyze`).
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

    Raises:
        DisplayError: window=True without a display, before anything opens.
        CaptureError, InputError, ModelError: the source or model cannot be opened.
    """
    from hingecam.core.analysis import Analyzer
    from hingecam.media import display as screen
    from hingecam.media.models import resolve_model
    from hingecam.media.pose import LivePoseEstimator, PoseConfig
    from hingecam.media.sink import VideoSink
    from hingecam.render.annotator import FrameAnnotator

    if window and not screen.has_display():
        raise DisplayError(NO_DISPLAY_MESSAGE)
    say = echo or (lambda line: print(line, flush=True))
    thresholds = thresholds or load_thresholds(exercise)
    started = datetime.now()
    with open_source(camera, source, realtime) as cam:
        model_path = resolve_model(model)
        info = cam.info
        config = PoseConfig(model_path=model_path, output_segmentation_masks=True)
        with LivePoseEstimator(config) as estimator:
            folder = session_folder(out, started)
            folder.mkdir(parents=True, exist_ok=True)
            recording = None
            sink = None
            if record is not None:
                record.mkdir(parents=True, exist_ok=True)
                recording = record / f"{folder.name}.mp4"
                sink = VideoSink(recording, info.fps or 30.0)
            analyzer = Analyzer.live(exercise, thresholds, (info.width, info.height))
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
                analyzer,
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
                result = _live_result(analyzer, info, session, ending)
                _save(result, analyzer, folder, info, model_path)
                if noise is not None:
                    noise.close()
    if failure is not None:
        raise failure
    return LiveOutcome(
        ending=ending,
        result=result,
        folder=folder,
        stats=session.stats,
        recording=recording if recording is not None and recording.exists() else None,
        snapshots=session.snapshots,
        error=session.error,
    )


def _live_result(
    analyzer: Any, info: VideoInfo, session: LiveSession, ending: Ending
) -> AnalysisResult:
    stats = session.stats
    result: AnalysisResult = analyzer.result(info, session.thumbs.thumbnails)
    notes = list(result.notes)
    if stats.analyzed and info.frames:
        duration = max(info.duration_s, 1e-9)
        notes.append(
            f"live session ({ending.value}): the pose was measured on "
            f"{stats.analyzed} of {info.frames} frames ({stats.analyzed / duration:.0f} "
            "per second); frames the model had no time for were skipped to stay in "
            "real time"
        )
    return dataclasses.replace(result, notes=tuple(notes))


def _save(
    result: AnalysisResult,
    analyzer: Any,
    folder: Path,
    info: VideoInfo,
    model_path: Path,
) -> None:
    from hingecam.app.analyze import TRACK_NAME
    from hingecam.media.tracks import save_track
    from hingecam.report.write import write_outputs

    meta = {
        "source": info.name,
        "fps": info.fps,
        "rotation_deg": info.rotation_deg,
        "model": model_path.name,
        "live": True,
    }
    save_track(analyzer.track(meta), folder / TRACK_NAME)
    write_outputs(result, folder)


def run_cli(args: argparse.Namespace) -> int:
    """`hingecam live`: run a session, print one summary line, return the exit status."""
    from hingecam.app.analyze import summary_line

    exercise = Exercise(args.exercise)
    thresholds = load_thresholds(exercise, args.thresholds, args.set)
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
    elif outcome.ending is Ending.TERMINATED:
        print("hingecam: terminated; the reps so far are saved", file=sys.stderr)
    return outcome.ending.exit_status
