"""Drawn images -> a browser-playable H.264 mp4, encoded in a thread and published
atomically when closed."""

from __future__ import annotations

import logging
import math
import queue
import threading
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

# cv2 before av: both bundle FFmpeg libraries and this order is the one known to work.
import cv2  # noqa: F401

# isort: split
import av
import numpy as np
from numpy.typing import NDArray

from hingecam.errors import InputError, one_line
from hingecam.files import PendingFile
from hingecam.media.closing import Closing

log = logging.getLogger(__name__)


class _End:
    """Queue sentinel: no more frames."""


_END = _End()

DEFAULT_SINK_MAX_HEIGHT = 720
"""VideoSink downscales taller frames to this height (px), keeping the aspect."""


def output_size(width: int, height: int, max_height: int | None) -> tuple[int, int]:
    """(w, h) fitting max_height, aspect kept, both even (yuv420p needs it)."""
    if max_height is not None and height > max_height:
        width = round(width * max_height / height)
        height = max_height
    return max(2, width // 2 * 2), max(2, height // 2 * 2)


class VideoSink(Closing):
    """Writes BGR images to a browser-playable H.264 mp4 (yuv420p, +faststart).

    Frames go through a bounded queue to an encoder thread, so encoding overlaps
    the caller's work; `write` blocks only when the queue is full (a recording
    never drops frames). The file is written under a temporary name
    (`.<name>.<random>.tmp`, hingecam.files.PendingFile) and renamed to its
    final name by `close()`, so a crash never leaves a truncated file under the
    real name. Frames are scaled to the first frame's size (even, at most
    `max_height` high).
    """

    def __init__(
        self,
        path: Path | str,
        fps: float,
        *,
        max_height: int | None = DEFAULT_SINK_MAX_HEIGHT,
        crf: int = 23,
        preset: str = "veryfast",
        threads: int = 0,
        queue_size: int = 8,
    ) -> None:
        """Create the output (as a temporary file beside `path`, see hingecam.files).

        Args:
            path: the .mp4 to write.
            fps: nominal frame rate; also times frames written without t_s.
            max_height: downscale taller frames to this height, None to keep.
            crf: x264 constant rate factor (lower = better, 18-28 sensible).
            preset: x264 speed preset.
            threads: encoder threads, 0 = x264's choice.
            queue_size: frames buffered for the encoder thread.

        Raises:
            InputError: the output cannot be created.
        """
        if not (fps > 0 and math.isfinite(fps)):
            raise ValueError(f"fps must be positive, got {fps}")
        if max_height is not None and max_height < 2:
            raise ValueError(f"max_height must be >= 2 or None, got {max_height}")
        self.path = Path(path)
        self._fps = fps
        self._max_height = max_height
        self._codec_options = {"crf": str(crf), "preset": preset}
        self._threads = threads
        self._time_base = Fraction(1, 90000)  # MPEG clock: exact for 25/30/60/29.97
        try:  # PyAV creates the file lazily; fail here, not at the first frame
            self._part = PendingFile(self.path)
        except OSError as exc:
            raise InputError(f"cannot write {self.path}: {one_line(exc)}") from exc
        try:
            self._container: Any = av.open(
                str(self._part.path),
                mode="w",
                format="mp4",
                options={"movflags": "+faststart"},
            )
        except (av.FFmpegError, OSError) as exc:
            self._part.discard()
            raise InputError(f"cannot write {self.path}: {one_line(exc)}") from exc
        self._stream: Any = None
        self._size_wh: tuple[int, int] | None = None
        self._queue: queue.Queue[tuple[Any, int] | _End] = queue.Queue(
            maxsize=queue_size
        )
        self._error: BaseException | None = None
        self._written = 0
        self._last_pts = -1
        self._closed = False
        self._thread = threading.Thread(
            target=self._run, name=f"encode:{self.path.name}", daemon=True
        )
        self._thread.start()

    @property
    def frames_written(self) -> int:
        """Frames handed to the encoder so far."""
        return self._written

    def write(self, image_bgr: NDArray[np.uint8], t_s: float | None = None) -> None:
        """Queue one frame for encoding (copied, so the caller may reuse the array).

        Args:
            image_bgr: (H, W, 3) uint8.
            t_s: presentation time in seconds from the first frame; None uses
                frames_written / fps. Times that do not increase are nudged.
        """
        if self._closed:
            raise RuntimeError(f"{self.path.name}: VideoSink is closed")
        self._raise_worker_error()
        if (
            image_bgr.ndim != 3
            or image_bgr.shape[2] != 3
            or image_bgr.dtype != np.uint8
        ):
            raise ValueError(
                f"expected (H, W, 3) uint8, got {image_bgr.shape} {image_bgr.dtype}"
            )
        if t_s is None:
            pts = round(self._written / self._fps / self._time_base)
        else:
            pts = round(t_s / self._time_base)
        pts = max(pts, self._last_pts + 1)
        self._last_pts = pts
        # One plain copy here (~1 ms at 1080p); PyAV's from_ndarray copies row
        # by row and costs several times that, so the thread wraps the copy.
        image = np.array(image_bgr, dtype=np.uint8, order="C", copy=True)
        while True:
            try:
                self._queue.put((image, pts), timeout=0.5)
                break
            except queue.Full:
                self._raise_worker_error()
                if not self._thread.is_alive():
                    raise RuntimeError(
                        f"{self.path.name}: encoder thread stopped"
                    ) from None
        self._written += 1

    def close(self) -> None:
        """Finish encoding, finalize the mp4 and rename it into place (idempotent).

        With no frames written, no file is left behind.
        """
        if self._closed:
            return
        self._closed = True
        self._queue.put(_END)
        self._thread.join()
        try:
            self._container.close()
        except av.FFmpegError as exc:
            if self._error is None and self._stream is not None:
                self._error = exc
        if self._error is not None or self._stream is None:
            self._part.discard()
            if self._stream is None and self._error is None:
                log.warning("%s: no frames written; no file created", self.path)
            self._raise_worker_error()
            return
        self._part.commit()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
            return
        try:  # already failing: finish what can be finished, keep that error
            self.close()
        except Exception as close_exc:
            log.warning("%s: %s", self.path.name, one_line(close_exc))

    def _raise_worker_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _open_stream(self, width: int, height: int) -> None:
        self._size_wh = output_size(width, height, self._max_height)
        stream = self._container.add_stream(
            "libx264", rate=Fraction(self._fps).limit_denominator(100_000)
        )
        stream.width, stream.height = self._size_wh
        stream.pix_fmt = "yuv420p"
        stream.time_base = self._time_base
        stream.codec_context.time_base = self._time_base
        stream.codec_context.options = dict(self._codec_options)
        stream.codec_context.thread_count = self._threads
        self._stream = stream

    def _run(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if isinstance(item, _End):
                    break
                image, pts = item
                frame = av.VideoFrame.from_numpy_buffer(image, format="bgr24")
                if self._stream is None:
                    self._open_stream(frame.width, frame.height)
                w, h = self._size_wh or (frame.width, frame.height)
                # scale and convert to yuv420p in one swscale pass
                out = frame.reformat(
                    width=w, height=h, format="yuv420p", interpolation="AREA"
                )
                out.pts = pts
                out.time_base = self._time_base
                for packet in self._stream.encode(out):
                    self._container.mux(packet)
            if self._stream is not None:
                for packet in self._stream.encode(None):
                    self._container.mux(packet)
        except BaseException as exc:  # re-raised in the caller's thread
            self._error = exc
            # Keep draining so a writer blocked on a full queue wakes up.
            while not isinstance(self._queue.get(), _End):
                pass
