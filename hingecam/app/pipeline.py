"""Composition root: video file -> pose -> Analyzer -> overlays/encoder -> result.

One pass over the video. Decoding runs in the source's thread, inference in the
caller's, and drawing, thumbnails and encoding in a render thread, so they
overlap. Frames are streamed: only the few frames inside the smoothing lag are
held, never the whole video.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.analysis import Analyzer
from hingecam.core.datatypes import (
    AnalysisResult,
    Exercise,
    Frame,
    FrameAnalysis,
    Outcome,
    Phase,
    Pose,
    PoseTrack,
    Rep,
    VideoInfo,
)
from hingecam.core.facing import facing_sign
from hingecam.core.lifter import LifterTracker
from hingecam.core.thresholds import Thresholds
from hingecam.media.pose import MediaPipePoseEstimator, PoseConfig
from hingecam.media.sink import VideoSink
from hingecam.media.video import open_video
from hingecam.render.annotator import FrameAnnotator
from hingecam.render.stickfigure import draw_stick_figure

log = logging.getLogger(__name__)

THUMB_HEIGHT_PX = 360
"""Rep thumbnails in the report are this tall (enough for a card, small in HTML)."""
THUMB_HISTORY_S = 16.0
"""Drawn frames kept (as small JPEGs) for thumbnails: the longest rep plus margin."""
ANNOTATED_PRESET = "superfast"
"""x264 preset of the annotated video: encoding shares 2 cores with inference, and
superfast costs about half of veryfast for a somewhat larger file."""


def worst_moment(rep: Rep) -> int:
    """Frame index that best shows a rep: its most severe flag, else its bottom."""
    flags = [c for c in rep.checks if c.outcome is Outcome.FLAGGED and c.frame >= 0]
    if flags:
        return max(flags, key=lambda c: c.severity.rank).frame
    return rep.bottom_frame


def brightness(image_bgr: NDArray[np.uint8]) -> float:
    """Mean brightness 0..255 on a sparse grid (cheap enough for every frame)."""
    return float(image_bgr[::16, ::16].mean())


@dataclass
class ThumbnailKeeper:
    """Keeps recent drawn frames as small JPEGs; picks each rep's worst moment."""

    history_s: float = THUMB_HISTORY_S
    height_px: int = THUMB_HEIGHT_PX
    thumbnails: dict[int, bytes] = field(default_factory=dict)
    _recent: deque[tuple[int, float, bytes]] = field(default_factory=deque)

    def add(self, index: int, t_s: float, image: NDArray[np.uint8]) -> None:
        h, w = image.shape[:2]
        scale = min(1.0, self.height_px / h)
        small = cv2.resize(
            image,
            (max(2, round(w * scale)), max(2, round(h * scale))),
            interpolation=cv2.INTER_AREA,
        )
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 82])
        if ok:
            self._recent.append((index, t_s, buf.tobytes()))
        while self._recent and self._recent[0][1] < t_s - self.history_s:
            self._recent.popleft()

    def catch_up(self, reps: Sequence[Rep]) -> None:
        """Pick thumbnails for reps that have none yet (from the frames still kept)."""
        for rep in reps:
            if rep.index not in self.thumbnails:
                self.on_rep(rep)

    def on_rep(self, rep: Rep) -> None:
        want = worst_moment(rep)
        best = min(self._recent, key=lambda r: abs(r[0] - want), default=None)
        if best is not None:
            self.thumbnails[rep.index] = best[2]


class _Renderer:
    """Render thread: draw overlays, keep thumbnails, feed the encoder."""

    def __init__(self, sink: VideoSink | None, annotator: FrameAnnotator) -> None:
        self.sink = sink
        self.annotator = annotator
        self.thumbs = ThumbnailKeeper()
        self._queue: queue.Queue[tuple[NDArray[np.uint8], FrameAnalysis] | None] = (
            queue.Queue(maxsize=16)
        )
        self._error: BaseException | None = None
        self._seen_reps = 0
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
                if analysis.phase not in (Phase.SETUP, Phase.STANDING):
                    # A rep's worst moment is always inside the rep.
                    self.thumbs.add(analysis.frame_index, analysis.t_s, image)
                if (
                    analysis.last_rep is not None
                    and analysis.last_rep.index > self._seen_reps
                ):
                    self._seen_reps = analysis.last_rep.index
                    self.thumbs.on_rep(analysis.last_rep)
                if self.sink is not None:
                    self.sink.write(image, analysis.t_s)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
            while self._queue.get() is not None:  # unblock the producer
                pass


class _AnalysisWorker:
    """Analysis thread: runs the Analyzer on (frame, pose) while the next frame's
    inference runs (MediaPipe releases the GIL), and hands finalized frames,
    with their images, to the renderer."""

    def __init__(self, analyzer: Analyzer, renderer: _Renderer) -> None:
        self.analyzer = analyzer
        self.renderer = renderer
        self._queue: queue.Queue[tuple[Frame, Pose | None, int] | None] = queue.Queue(
            maxsize=8
        )
        self._pending: deque[tuple[int, NDArray[np.uint8]]] = deque()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="analysis", daemon=True)
        self._thread.start()

    def put(self, frame: Frame, lifter: Pose | None, people: int) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((frame, lifter, people))

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
                frame, lifter, people = item
                self._pending.append((frame.index, frame.image_bgr))
                self._emit(
                    self.analyzer.push(
                        frame.index,
                        frame.t_s,
                        lifter,
                        people=people,
                        brightness=brightness(frame.image_bgr),
                    )
                )
            self._emit(self.analyzer.finish())
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
            while self._queue.get() is not None:  # unblock the producer
                pass


ProgressFn = Callable[[int, float], None]
"""Called after each frame with (frames done, seconds of video done)."""


@dataclass
class VideoRun:
    """What analyze_video produced, also when it was interrupted."""

    result: AnalysisResult
    track: PoseTrack
    interrupted: bool = False


def analyze_video(
    path: Path,
    *,
    exercise: Exercise,
    thresholds: Thresholds,
    model_path: Path,
    annotated_path: Path | None = None,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
) -> VideoRun:
    """Analyze one video file in a single streamed pass.

    Args:
        path: the video.
        exercise, thresholds: the analysis settings.
        model_path: a verified PoseLandmarker .task.
        annotated_path: where to write the annotated H.264 mp4, or None.
        progress: called after each frame.
        stop: when set (or on KeyboardInterrupt), stop early and return what was
            measured so far, with `interrupted=True`.

    Raises:
        InputError: the file cannot be read as a video.
    """
    interrupted = False
    with open_video(path) as source:
        info = source.info
        analyzer = Analyzer.offline(exercise, thresholds, (info.width, info.height))
        sink = (
            VideoSink(annotated_path, info.fps or 30.0, preset=ANNOTATED_PRESET)
            if annotated_path is not None
            else None
        )
        renderer = _Renderer(sink, FrameAnnotator())
        worker = _AnalysisWorker(analyzer, renderer)
        config = PoseConfig(model_path=model_path, output_segmentation_masks=True)
        tracker = LifterTracker(thresholds)
        done = 0
        try:
            with MediaPipePoseEstimator(config) as estimator:
                for frame in source:
                    if stop is not None and stop.is_set():
                        interrupted = True
                        break
                    poses = estimator.estimate(frame)
                    lifter = tracker.update(poses, frame.t_s)
                    worker.put(frame, lifter, len(poses))
                    done += 1
                    if progress is not None:
                        progress(done, frame.t_s)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            worker.close()  # finishes the analysis of every frame handed over
            renderer.close()
        # A rep closed by finish() (the set ends at lockout) reached no frame.
        renderer.thumbs.catch_up(analyzer.reps)
        if sink is not None:
            sink.close()
        info = source.info  # frames and duration are final now
    if interrupted:
        info = VideoInfo(
            name=info.name,
            width=info.width,
            height=info.height,
            fps=info.fps,
            frames=done,
            duration_s=float(analyzer.series().t_s[-1]) if done else 0.0,
            rotation_deg=info.rotation_deg,
        )
    result = analyzer.result(info, renderer.thumbs.thumbnails)
    if interrupted:
        result = _with_note(
            result, f"analysis was interrupted after {result.video.duration_s:.1f} s"
        )
    meta = {
        "source": info.name,
        "fps": info.fps,
        "rotation_deg": info.rotation_deg,
        "model": model_path.name,
    }
    return VideoRun(result=result, track=analyzer.track(meta), interrupted=interrupted)


def _with_note(result: AnalysisResult, note: str) -> AnalysisResult:
    from dataclasses import replace

    return replace(result, notes=(*result.notes, note))


def stick_thumbnails(
    result: AnalysisResult, track: PoseTrack, min_visibility: float
) -> dict[int, bytes]:
    """Rep thumbnails drawn as stick figures from a pose track (no video)."""
    frames = {int(i): k for k, i in enumerate(range(len(track)))}
    out: dict[int, bytes] = {}
    w, h = track.image_wh
    scale = THUMB_HEIGHT_PX / max(h, 1)
    size = (max(2, round(w * scale)), THUMB_HEIGHT_PX)
    facing = 0.0
    if result.side is not None:
        xy_px = track.xy_norm * np.array([w, h], dtype=np.float32)
        facing = facing_sign(xy_px, track.visibility, result.side, min_visibility)
    for rep in result.reps:
        k = frames.get(worst_moment(rep))
        if k is None:
            continue
        image = draw_stick_figure(
            track.xy_norm[k],
            track.visibility[k],
            size,
            result.side,
            source_wh=track.image_wh,
            measures={
                name: float(getattr(result.series, name)[k])
                for name in ("hip_flexion_deg", "knee_flexion_deg", "trunk_incline_deg")
            },
            facing=facing,
        )
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            out[rep.index] = buf.tobytes()
    return out
