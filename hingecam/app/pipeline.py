"""A video file through the driver in one streamed pass: decoding (source thread),
pose (caller), Driver (analysis thread), overlays, thumbnails and encoder (render
thread) overlap; only the frames inside the smoothing lag are held."""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from hingecam.app.driver import Driver, Run, brightness, track_meta
from hingecam.core.datatypes import (
    Exercise,
    FrameAnalysis,
    VideoInfo,
)
from hingecam.core.poses import Frame, Pose
from hingecam.core.thresholds import Thresholds
from hingecam.media.models import ModelVariant
from hingecam.media.pose import PoseConfig
from hingecam.media.schedule import Schedule, ScheduledEstimator
from hingecam.media.sink import DEFAULT_SINK_MAX_HEIGHT, VideoSink, output_size
from hingecam.media.video import VideoSource, open_video
from hingecam.render.annotator import FrameAnnotator

log = logging.getLogger(__name__)

ANNOTATED_PRESET = "superfast"
"""x264 preset of the annotated video: encoding shares 2 cores with inference, and
superfast costs about half of veryfast for a somewhat larger file."""

ANNOTATED_LARGE_PRESET = "ultrafast"
"""The preset for frames of 1280x720 or more (encoded at 720 px tall): 200 frames
of a 1280x720 clip took 1.8 against 2.5-2.75 s of CPU with superfast, for a file
1.6x larger (2.4 against 1.5 MB); docs/speed.md, issue 21."""

ANNOTATED_LARGE_PIXELS = 1280 * 720
"""Frames of this many pixels or more are encoded with ANNOTATED_LARGE_PRESET."""


def annotated_preset(width: int, height: int) -> str:
    """The x264 preset of an annotated video of `width` x `height` frames."""
    large = width * height >= ANNOTATED_LARGE_PIXELS
    return ANNOTATED_LARGE_PRESET if large else ANNOTATED_PRESET


class _Renderer:
    """Render thread: draw overlays, keep thumbnails, feed the encoder."""

    def __init__(
        self, driver: Driver, sink: VideoSink | None, annotator: FrameAnnotator
    ) -> None:
        self.driver = driver
        self.sink = sink
        self.annotator = annotator
        self._queue: queue.Queue[tuple[NDArray[np.uint8], FrameAnalysis] | None] = (
            queue.Queue(maxsize=16)
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="render", daemon=True)
        self._thread.start()

    def put(self, image: NDArray[np.uint8], analysis: FrameAnalysis) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((image, analysis))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                image, analysis = item
                self.annotator.draw(image, analysis)
                self.driver.keep(analysis, image)
                if self.sink is not None:
                    self.sink.write(image, analysis.t_s)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
            while self._queue.get() is not None:  # unblock the producer
                pass


class _AnalysisWorker:
    """Analysis thread: runs the driver on (frame, poses) while the next frame's
    inference runs (MediaPipe releases the GIL), and hands finalized frames,
    with their images, to the renderer."""

    def __init__(self, driver: Driver, renderer: _Renderer) -> None:
        self.driver = driver
        self.renderer = renderer
        self._queue: queue.Queue[tuple[Frame, tuple[Pose, ...], float] | None] = (
            queue.Queue(maxsize=8)
        )
        self._pending: deque[tuple[int, NDArray[np.uint8]]] = deque()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="analysis", daemon=True)
        self._thread.start()

    def put(self, frame: Frame, poses: tuple[Pose, ...], bright: float) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((frame, poses, bright))

    def close(self) -> None:
        """Analyze what is queued, flush the analyzer, and stop."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def _emit(self, finals: list[FrameAnalysis]) -> None:
        for fa in finals:
            while self._pending and self._pending[0][0] < fa.frame_index:
                self._pending.popleft()
            if self._pending and self._pending[0][0] == fa.frame_index:
                self.renderer.put(self._pending.popleft()[1], fa)

    def _run(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                frame, poses, bright = item
                self._pending.append((frame.index, frame.image_bgr))
                self._emit(
                    self.driver.push(frame.index, frame.t_s, poses, brightness=bright)
                )
            self._emit(self.driver.flush())
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
            while self._queue.get() is not None:  # unblock the producer
                pass


def _for_drawing(frame: Frame) -> Frame:
    """The frame at the annotated video's size (at most DEFAULT_SINK_MAX_HEIGHT
    tall). Overlays are drawn from normalized landmarks, so they land in the
    same place; the ~30 frames waiting for the smoothing and the encoder then
    hold a 1080p source's frames at 1280x720 (2.25x less memory), and the
    encoder has nothing left to resize."""
    import cv2

    h, w = frame.image_bgr.shape[:2]
    size = output_size(w, h, DEFAULT_SINK_MAX_HEIGHT)
    if size == (w, h):
        return frame
    small = cv2.resize(frame.image_bgr, size, interpolation=cv2.INTER_AREA)
    return dataclasses.replace(frame, image_bgr=np.asarray(small, dtype=np.uint8))


ProgressFn = Callable[[int, float], None]
"""Called after each frame with (frames done, seconds of video done)."""


def pose_config(model_path: Path) -> PoseConfig:
    """The landmarker settings of a recorded video's analysis (masks for the
    back's outline)."""
    return PoseConfig(model_path=model_path, output_segmentation_masks=True)


def analyze_video(
    path: Path,
    *,
    exercise: Exercise,
    thresholds: Thresholds,
    model_path: Path,
    annotated_path: Path | None = None,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
    schedule: Schedule | None = None,
) -> Run:
    """Analyze one video file in a single streamed pass (driver.save_run writes
    the set's files).

    Args:
        path: the video.
        exercise, thresholds: the analysis settings.
        model_path: a verified PoseLandmarker .task.
        annotated_path: where to write the annotated H.264 mp4, or None.
        progress: called after each frame.
        stop: when set (or on KeyboardInterrupt), stop early and return what was
            measured so far, with `interrupted=True`.
        schedule: which frames get which inference (media/schedule.py); None is
            the default Schedule(), Schedule(full_rate=True) infers every frame.

    Raises:
        InputError: the file cannot be read as a video.
    """
    with open_video(path) as source:
        info = source.info
        driver = Driver(exercise, thresholds, (info.width, info.height))
        sink = None
        if annotated_path is not None:
            annotated_path.parent.mkdir(parents=True, exist_ok=True)
            preset = annotated_preset(info.width, info.height)
            sink = VideoSink(annotated_path, info.fps or 30.0, preset=preset)
        schedule = (schedule or Schedule()).for_frame_size(info.width, info.height)
        config = pose_config(model_path)
        streamed = _stream(source, driver, sink, (config, schedule), progress, stop)
        if sink is not None:
            sink.close()
        info = source.info  # frames and duration are final now
        damaged = source.damaged
    notes: list[str] = []
    if damaged:
        notes.append(
            f"the video is damaged or truncated: {streamed.done} frames could be "
            "decoded and were analyzed"
        )
    if model_path.name != ModelVariant.FULL.file_name:
        notes.append(f"pose model: {model_path.name} (not the default full model)")
    if streamed.interrupted:
        info = _cut_short(info, driver, streamed.done)
        notes.append(f"analysis was interrupted after {info.duration_s:.1f} s")
    meta = track_meta(
        info,
        model_path,
        {
            "inference": "full-rate" if schedule.full_rate else "scheduled",
            "inferred_frames": streamed.inferred,
        },
    )
    run = driver.finish(info, meta=meta, notes=notes)
    run.interrupted = streamed.interrupted
    run.damaged = damaged
    return run


@dataclasses.dataclass(frozen=True, slots=True)
class _Streamed:
    done: int  # frames handed to the analysis
    interrupted: bool
    inferred: dict[str, int]  # ScheduledEstimator.summary(), {} if never loaded


def _stream(
    source: VideoSource,
    driver: Driver,
    sink: VideoSink | None,
    inference: tuple[PoseConfig, Schedule],
    progress: ProgressFn | None,
    stop: threading.Event | None,
) -> _Streamed:
    """Decode, infer and hand every frame to the analysis and render threads
    until the video ends, `stop` is set or Ctrl+C; the threads are finished."""
    config, schedule = inference
    renderer = _Renderer(driver, sink, FrameAnnotator())
    worker = _AnalysisWorker(driver, renderer)
    interrupted = False
    done = 0
    estimator: ScheduledEstimator | None = None  # None: stopped while loading
    try:
        with ScheduledEstimator(config, schedule, source.info.fps) as estimator:
            for frame, poses in estimator.run(source):
                if stop is not None and stop.is_set():
                    interrupted = True
                    break
                bright = brightness(frame.image_bgr)  # of the frame as decoded
                worker.put(_for_drawing(frame), poses, bright)
                done += 1
                if progress is not None:
                    progress(done, frame.t_s)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        worker.close()  # finishes the analysis of every frame handed over
        renderer.close()
    inferred = estimator.summary() if estimator is not None else {}
    return _Streamed(done, interrupted, inferred)


def _cut_short(info: VideoInfo, driver: Driver, done: int) -> VideoInfo:
    """The VideoInfo of a run stopped after `done` frames."""
    series_t = driver.analyzer.series().t_s
    return dataclasses.replace(
        info, frames=done, duration_s=float(series_t[-1]) if done else 0.0
    )
