"""The live loop: camera frames in; each step shows the frame the newest analysis
was computed from, with it drawn on (pose inference runs beside it and drops
frames while busy); keys pause, reset, recalibrate and snapshot; cues go to a
callback."""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

from hingecam.app.driver import Driver, brightness
from hingecam.app.signals import Ending, StopSignals
from hingecam.app.stats import LiveStats
from hingecam.core.cues import CueEvent, CueEvents
from hingecam.core.datatypes import (
    FrameAnalysis,
    Phase,
    Severity,
    View,
)
from hingecam.core.measures import Measures
from hingecam.core.poses import Frame
from hingecam.errors import CaptureError, HingecamError

if TYPE_CHECKING:
    from hingecam.media.pose import LivePoses

log = logging.getLogger(__name__)

NOTICE_S = 1.5
"""A key's confirmation ("count reset", "snapshot saved") replaces the cue this long."""
STALE_POSE_S = 0.5
"""A skeleton older than this (s) is not drawn: it would sit off the body."""
DRAIN_S = 1.0
"""At the end, wait at most this long (s) for the pose of the last frames."""
PAUSED_CUE = "paused: press space to go on"

KEY_ESC = 27
KEY_SPACE = 32


class Display(Protocol):
    """Where the loop shows frames: capture.Window, or NullDisplay for benchmarks."""

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


@dataclass(frozen=True)
class SessionIO:
    """Where a live session's side outputs go.

    Attributes:
        sink: records the raw frames, or None.
        snapshot_dir: where `s` saves PNGs (None: snapshots are off).
        on_event: called with each new cue event.
        on_line: called with a line for the user (pause, keys' notices).
        source_fps: nominal rate of the source, for the stats.
    """

    sink: Any = None
    snapshot_dir: Path | None = None
    on_event: Callable[[CueEvent], None] | None = None
    on_line: Callable[[str], None] | None = None
    source_fps: float = 0.0


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

    Inference runs asynchronously (the estimator drops frames while busy); its
    results (several per step when several landmarkers run, in frame order)
    go through the Analyzer, and the newest FrameAnalysis is drawn on the frames
    that follow until a newer one arrives. Nothing here waits for the model, so
    the display keeps the camera's rate.

    Args:
        camera: an iterable of Frames (capture.CameraSource), newest frame wins.
        estimator: a LiveEstimator (submit / latest), or one with `take()`
            (media/live_parallel.py: every result since the last call, in order).
        driver: the Driver of the set (mode LIVE).
        annotator: overlay.FrameAnnotator.
        display: a Window, a NullDisplay, or None (no window: draw only the
            frames kept as report thumbnails).
        stop: the stop request, set by signals or a caller.
        io: the recording sink, snapshot folder, callbacks and source rate.
        show_analyzed_frame: show the frame the newest analysis was computed
            from, so the skeleton sits on the body (the model's delay becomes
            display latency); False shows the newest frame under it.
    """

    def __init__(
        self,
        camera: Any,
        estimator: Any,
        driver: Driver,
        annotator: Any,
        *,
        display: Display | None,
        stop: StopSignals,
        io: SessionIO = SessionIO(),
        show_analyzed_frame: bool = True,
    ) -> None:
        self.camera = camera
        self.estimator = estimator
        self.driver = driver
        self.annotator = annotator
        self.display = display
        self.stop = stop
        self.sink = io.sink
        self.snapshot_dir = io.snapshot_dir
        self.on_event = io.on_event
        self.on_line = io.on_line or (lambda _line: None)
        self.stats = LiveStats(source_fps=io.source_fps)
        self.error: HingecamError | None = None
        self.snapshots: list[Path] = []
        self._events = CueEvents()
        self._analysis: FrameAnalysis | None = None
        self._analyzed_index = -1
        self._submitted_index = -1
        self._last_frame: Frame | None = None
        self._brightness: dict[int, float] = {}
        self._paused = False
        self._paused_image: NDArray[np.uint8] | None = None
        self._notice: tuple[str, float] | None = None
        self._t0_mono = math.inf  # monotonic time of t_s = 0, see _record_timing
        self.show_analyzed_frame = show_analyzed_frame
        self._in_flight: dict[int, Frame] = {}  # submitted frames, by index
        self._reps_reported = 0  # the last rep index an analysis carried
        self.drawn: list[tuple[int, NDArray[np.float32] | None]] | None = None
        """When a list (benchmarks): (shown frame index, drawn pose xy_px) per
        shown frame."""

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
            self._brightness[frame.index] = brightness(frame.image_bgr)
            if self.estimator.submit(frame):
                self._submitted_index = frame.index
                if self.show_analyzed_frame:
                    self._keep_in_flight(frame)
            self._last_frame = frame
            new = self._collect()
        captured = frame
        analysis = self._analysis or _placeholder(frame)
        frame = self._frame_to_show(frame, analysis)
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
            self.sink.write(captured.image_bgr, captured.t_s)
        if new and self._analysis is not None:
            self._keep_thumbnail(frame, self._analysis, drawn)
        return ending

    def _keep_in_flight(self, frame: Frame) -> None:
        """Keep a submitted frame to show under its analysis; frames older than
        STALE_POSE_S go (they would not be shown: see _frame_to_show), which
        bounds the memory when the estimator holds frames waiting for a model."""
        self._in_flight[frame.index] = frame
        for index in [
            i
            for i, kept in self._in_flight.items()
            if frame.t_s - kept.t_s > STALE_POSE_S
        ]:
            del self._in_flight[index]

    def _frame_to_show(self, newest: Frame, analysis: FrameAnalysis) -> Frame:
        """The frame `analysis` was computed from, while it is recent enough;
        else the newest frame (drawn without a stale skeleton, see _draw)."""
        if not self.show_analyzed_frame or self._paused:
            return newest
        for index in [i for i in self._in_flight if i < analysis.frame_index]:
            del self._in_flight[index]
        shown = self._in_flight.get(analysis.frame_index)
        if shown is None or newest.t_s - shown.t_s > STALE_POSE_S:
            return newest
        return shown

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
        for a in self.driver.flush():
            self._on_analysis(a)
        # Reps no analysis reported (closed by the flush): announced here.
        for rep in self.driver.reps[self._reps_reported :]:
            self._emit(self._events.rep_closed(rep))

    def _collect(self) -> bool:
        """Push the estimator's new results through the analyzer, oldest first."""
        new = False
        for index, t_s, poses in self._results():
            if index <= self._analyzed_index:
                continue
            self._analyzed_index = index
            bright = self._brightness.pop(index, None)
            for old in [i for i in self._brightness if i < index]:
                del self._brightness[old]
            self.stats.analyzed += 1
            for a in self.driver.push(index, t_s, poses, brightness=bright):
                self._on_analysis(a)
            new = True
        return new

    def _results(self) -> list[LivePoses]:
        """Every result finished since the last call, in frame order: `take()`
        (several landmarkers finish several frames between two polls), or the
        newest result of an estimator that has only `latest()`."""
        take = getattr(self.estimator, "take", None)
        if take is not None:
            return list(take())
        latest = self.estimator.latest()
        return [] if latest is None else [latest]

    def _on_analysis(self, a: FrameAnalysis) -> None:
        self._analysis = a
        if a.last_rep is not None:  # announced by the events below
            self._reps_reported = max(self._reps_reported, a.last_rep.index)
        for event in self._events.update(
            a, calibrated=bool(self.driver.analyzer.setup)
        ):
            self._emit(event)

    def _emit(self, event: CueEvent) -> None:
        log.info("cue %s", event.line())  # with -v, also when the window shows it
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
        if self.drawn is not None:
            pose = analysis.pose
            self.drawn.append((frame.index, None if pose is None else pose.xy_px))
        fps, latency = self.stats.recent()
        self.annotator.set_stats(fps, latency)
        return np.asarray(self.annotator.draw(image, analysis), dtype=np.uint8)

    def _record_timing(self, frame: Frame, analysis: FrameAnalysis) -> None:
        now = time.monotonic()
        age_ms = (
            (frame.t_s - analysis.t_s) * 1000.0 if self._analysis is not None else None
        )
        self.stats.shown_at(now, (now - (self._t0_mono + frame.t_s)) * 1000.0, age_ms)

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
        if drawn is None or drawn is self._paused_image:
            drawn = np.asarray(
                self.annotator.draw(frame.image_bgr.copy(), analysis), dtype=np.uint8
            )
        self.driver.keep(analysis, drawn)

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
            self.driver.reset_count()
            self._events.reset_count()
            self._say("count reset to 0")
        elif key in (ord("c"), ord("C")):
            self.driver.recalibrate()
            self._events.recalibrate()
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
