"""Frame I/O edge: video files and cameras -> Iterator[Frame]; drawn images -> an
H.264 mp4 (VideoSink) or a window (Window). The only module that opens media."""

from __future__ import annotations

import logging
import math
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

# cv2 before av: both bundle FFmpeg libraries and this order is the one known to work.
import cv2

# isort: split
import av
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Frame, VideoInfo
from hingecam.errors import CaptureError, DisplayError, InputError
from hingecam.media.closing import Closing

log = logging.getLogger(__name__)

DEFAULT_PREFETCH = 8
"""Decoded frames a VideoSource keeps ready ahead of the consumer."""

_THREAD_JOIN_S = 5.0  # how long close() waits for a worker thread


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


# -- rotation -------------------------------------------------------------------


def rotation_to_upright_cw(display_rotation_ccw_deg: float) -> int:
    """Clockwise turn that makes a frame upright, from its display-matrix rotation.

    Args:
        display_rotation_ccw_deg: PyAV's `VideoFrame.rotation`: degrees the
            display matrix rotates the frame counter-clockwise (-180..180).
            Phone portrait videos usually say -90.

    Returns:
        0, 90, 180 or 270: degrees to rotate the decoded image clockwise.
    """
    if not math.isfinite(display_rotation_ccw_deg):
        return 0
    cw = round(-display_rotation_ccw_deg / 90.0) * 90 % 360
    if abs(((-display_rotation_ccw_deg - cw) + 180) % 360 - 180) > 1:
        log.warning(
            "rotation %.1f deg is not a multiple of 90; using %d",
            display_rotation_ccw_deg,
            cw,
        )
    return cw


_CV2_ROTATE = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


def rotate_cw(image: NDArray[np.uint8], degrees_cw: int) -> NDArray[np.uint8]:
    """Rotate an image clockwise by 0, 90, 180 or 270 degrees (a new array if turned)."""
    if degrees_cw % 360 == 0:
        return image
    try:
        code = _CV2_ROTATE[degrees_cw % 360]
    except KeyError:
        raise ValueError(
            f"rotation must be a multiple of 90, got {degrees_cw}"
        ) from None
    return np.asarray(cv2.rotate(image, code), dtype=np.uint8)


# -- video files ----------------------------------------------------------------


def _check_input_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a video file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({_one_line(exc)})") from exc
    if size == 0:
        raise InputError(f"{path}: file is empty")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")


class _End:
    """Queue sentinel: the decoder has stopped."""


_END = _End()


class VideoSource(Closing):
    """Decoded frames of a video file, upright, timed by the decoder.

    Validated in the constructor (which decodes the first frame). Iterate once;
    decoding runs in a background thread `prefetch` frames ahead, so it overlaps
    inference. Reads until the decoder stops: container frame counts can lie.
    A file damaged or truncated mid-way stops early with a logged warning and
    keeps the frames decoded so far.

    `info.fps` is the container's average rate (0.0 when it gives none); it is
    informative only, times come from the decoder.

    Use `open_video(path)`; close with `close()` or `with`.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        prefetch: int = DEFAULT_PREFETCH,
        decoder_threads: int = 0,
    ) -> None:
        """Open and validate a video file.

        Args:
            path: the video file.
            prefetch: decoded frames buffered ahead of the consumer (>= 1).
            decoder_threads: FFmpeg decoder threads, 0 = FFmpeg's choice.

        Raises:
            InputError: missing, a directory, empty, not a video, no video
                stream, or no frame decodes (e.g. truncated).
        """
        if prefetch < 1:
            raise ValueError(f"prefetch must be >= 1, got {prefetch}")
        self.path = Path(path)
        _check_input_file(self.path)
        try:
            container = av.open(str(self.path), mode="r")
        except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{self.path}: not a readable video ({_one_line(exc)})"
            ) from exc
        self._container: Any = container
        self._decode_errors = 0  # packets skipped as damaged
        try:
            if not container.streams.video:
                raise InputError(f"{self.path}: has no video stream")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            stream.thread_count = decoder_threads
            self._stream: Any = stream
            self._av_frames = self._decode_packets()
            first = next(self._av_frames, None)
            if first is None:
                raise InputError(
                    f"{self.path}: no frame could be decoded (truncated or damaged file?)"
                )
        except BaseException:
            container.close()
            raise

        self._rotation_cw = rotation_to_upright_cw(float(first.rotation))
        if self._rotation_cw:
            log.info(
                "%s: rotating frames %d deg clockwise",
                self.path.name,
                self._rotation_cw,
            )
        self._first_av_frame: Any = first
        self._t0_s = float(first.time) if first.time is not None else 0.0
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        self._fps = float(rate) if rate else 0.0  # 0.0: unknown, so `fps or x` works
        w, h = int(first.width), int(first.height)
        if self._rotation_cw in (90, 270):
            w, h = h, w
        self._size_wh = (w, h)
        self._container_frames = int(stream.frames or 0)
        self._container_duration_s = self._stream_duration_s()

        self._queue: queue.Queue[Frame | _End] = queue.Queue(maxsize=prefetch)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._iterated = False
        self._finished = False
        self._closed = False
        self._delivered = 0
        self._last_t_s = math.nan

    # -- public ---------------------------------------------------------------

    @property
    def info(self) -> VideoInfo:
        """What is known about the video.

        `frames` and `duration_s` are the container's estimates until the
        iteration has ended (see `finished`); after that they are what was
        actually decoded.
        """
        w, h = self._size_wh
        if self._finished:
            frames = self._delivered
            duration_s = self._decoded_duration_s()
        else:
            frames = self._container_frames
            duration_s = self._container_duration_s
        return VideoInfo(
            name=self.path.name,
            width=w,
            height=h,
            fps=self._fps,
            frames=frames,
            duration_s=duration_s,
            rotation_deg=self._rotation_cw,
        )

    @property
    def finished(self) -> bool:
        """True once iteration reached the end of the decodable frames."""
        return self._finished

    def __iter__(self) -> Iterator[Frame]:
        if self._iterated:
            raise RuntimeError(f"{self.path.name}: a VideoSource can be iterated once")
        if self._closed:
            raise RuntimeError(f"{self.path.name}: the VideoSource is closed")
        self._iterated = True
        self._thread = threading.Thread(
            target=self._run, name=f"decode:{self.path.name}", daemon=True
        )
        self._thread.start()
        return self._consume()

    def close(self) -> None:
        """Stop the decoder thread and close the file (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._thread is not None:
            self._drain_queue()
            self._thread.join(timeout=_THREAD_JOIN_S)
            if self._thread.is_alive():
                log.warning("%s: decoder thread did not stop", self.path.name)
                return  # never close the container under a running decoder
        self._container.close()

    # -- consumer side ----------------------------------------------------------

    def _consume(self) -> Iterator[Frame]:
        try:
            while True:
                try:
                    item = self._queue.get(timeout=0.1)
                except queue.Empty:
                    if self._closed:  # closed from another thread
                        return
                    continue
                if isinstance(item, _End):
                    break
                self._delivered += 1
                self._last_t_s = item.t_s
                yield item
            if self._error is not None:
                raise self._error
            self._finished = True
            if self._decode_errors:
                log.warning(
                    "%s: damaged or truncated data; kept the %d frames decoded "
                    "(container says %d)",
                    self.path.name,
                    self._delivered,
                    self._container_frames,
                )
        finally:
            self.close()

    def _drain_queue(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    # -- decoder thread -------------------------------------------------------

    def _decode_packets(self) -> Iterator[Any]:
        """av.VideoFrames in presentation order; a bad packet is skipped, not fatal."""
        packets = self._container.demux(self._stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return
            except av.FFmpegError as exc:
                self._decode_errors += 1
                log.debug("%s: demux stopped: %s", self.path.name, _one_line(exc))
                return
            if packet.is_corrupt:
                # A truncated file ends in a partial packet. Frame-threaded
                # decoding would swallow its error, so skip it here and count it.
                self._decode_errors += 1
                continue
            try:
                frames = self._stream.decode(packet)
            except av.error.EOFError:
                return
            except av.FFmpegError as exc:
                # FFmpeg itself skips an undecodable packet and keeps going.
                self._decode_errors += 1
                log.debug("%s: skipped a packet: %s", self.path.name, _one_line(exc))
                continue
            yield from frames

    def _to_frame(self, av_frame: Any, index: int, prev_t_s: float) -> Frame:
        if av_frame.time is not None:
            t_s = float(av_frame.time) - self._t0_s
        else:  # no pts at all: the only fallback left is the nominal rate
            step = 1.0 / self._fps if self._fps > 0 else 1.0 / 30.0
            t_s = prev_t_s + step if index else 0.0
        if index and t_s <= prev_t_s:
            # Broken or duplicate timestamps; times must increase downstream.
            log.debug(
                "%s: frame %d time %.4f not increasing", self.path.name, index, t_s
            )
            t_s = prev_t_s + 1e-3
        image = av_frame.to_ndarray(format="bgr24")
        image = rotate_cw(image, self._rotation_cw)
        return Frame(image_bgr=np.ascontiguousarray(image), index=index, t_s=t_s)

    def _run(self) -> None:
        try:
            index = 0
            prev_t_s = 0.0
            av_frames = self._av_frames
            first = self._first_av_frame
            self._first_av_frame = None
            for av_frame in _chain_one(first, av_frames):
                if self._stop.is_set():
                    return
                frame = self._to_frame(av_frame, index, prev_t_s)
                prev_t_s = frame.t_s
                index += 1
                if not self._put(frame):
                    return
        except BaseException as exc:  # handed to the consumer, re-raised there
            self._error = exc
        finally:
            self._put(_END)

    def _put(self, item: Frame | _End) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _stream_duration_s(self) -> float:
        s = self._stream
        if s.duration is not None and s.time_base is not None:
            return float(s.duration * s.time_base)
        if self._container.duration is not None:
            return float(self._container.duration) / av.time_base
        return 0.0  # unknown until decoded

    def _decoded_duration_s(self) -> float:
        if self._delivered == 0:
            return 0.0
        if self._delivered == 1:
            return 1.0 / self._fps if self._fps > 0 else 0.0
        mean_step = self._last_t_s / (self._delivered - 1)
        return self._last_t_s + mean_step


def _chain_one(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    if first is not None:
        yield first
    yield from rest


def open_video(path: Path | str, *, prefetch: int = DEFAULT_PREFETCH) -> VideoSource:
    """Open a video file for decoding. See VideoSource.

    Raises:
        InputError: with one line naming the path and what is wrong.
    """
    return VideoSource(path, prefetch=prefetch)


# -- cameras and paced streams -----------------------------------------------------


class _NewestSlot:
    """Holds only the newest captured frame: a writer never waits, readers skip."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: Frame | None = None
        self._seq = 0
        self._done = False
        self._error: BaseException | None = None

    def put(self, frame: Frame) -> None:
        with self._cond:
            self._item = frame
            self._seq += 1
            self._cond.notify_all()

    def finish(self, error: BaseException | None = None) -> None:
        with self._cond:
            self._done = True
            self._error = error
            self._cond.notify_all()

    def get_after(self, seq: int, timeout_s: float) -> tuple[int, Frame] | None:
        """The newest frame if newer than `seq`; None at the end of the stream.

        Raises:
            TimeoutError: nothing new within `timeout_s`.
            BaseException: whatever stopped the reader.
        """
        with self._cond:
            deadline = time.monotonic() + timeout_s
            while self._seq <= seq and not self._done:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self._cond.wait(remaining)
            if self._seq > seq and self._item is not None:
                return self._seq, self._item
            if self._error is not None:
                raise self._error
            return None


class CameraSource(Closing):
    """Live frames from a camera, a stream URL or a file replayed in real time.

    Once iterated, a reader thread captures continuously and keeps only the
    newest frame, so a slow consumer always gets the latest picture and never a
    backlog. Frames are
    timed by `time.monotonic()` from the first capture; `index` counts every
    captured frame, so gaps in it are frames dropped for being stale.

    Use `open_camera(...)`; close with `close()` or `with`.
    """

    def __init__(
        self,
        source: int | str | Path = 0,
        *,
        paced: bool = False,
        read_timeout_s: float = 5.0,
    ) -> None:
        """Open a camera index, a stream URL or (with paced=True) a file.

        Args:
            source: camera index, stream URL, or a video file path.
            paced: replay at the source's own frame rate, as a camera would
                deliver it. Required for files; useful for URLs of files.
            read_timeout_s: how long to wait for a frame before failing.

        Raises:
            CaptureError: the camera or stream cannot be opened or gives no frame.
            InputError: a file path (paced) is missing or not a video.
        """
        self._paced = paced
        self._timeout_s = read_timeout_s
        self._slot = _NewestSlot()
        self._stop = threading.Event()
        self._cap: Any = None
        self._first_image: NDArray[np.uint8] | None = None
        self._video: VideoSource | None = None
        self._t0 = math.nan
        self._delivered = 0
        self._captured = 0
        self._last_t_s = 0.0
        self._closed = False
        self._iterated = False
        self._fps = 0.0

        if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
            index = int(source)
            self.name = f"camera {index}"
            self._open_cv2(index, _camera_hint(index))
        elif isinstance(source, Path) or "://" not in str(source):
            path = Path(source)
            self.name = path.name
            if not paced:
                raise CaptureError(
                    f"{path}: a file is not live; use paced=True to replay it "
                    "in real time, or open_video() to read every frame"
                )
            self._video = VideoSource(path, prefetch=2)
            info = self._video.info
            self._fps = info.fps
            self._size_wh = (info.width, info.height)
        else:
            url = str(source)
            self.name = url
            self._open_cv2(url, f"cannot open stream {url}: check the URL and network")
        # Started by the first iteration, so a paced replay starts from its
        # first frame even if the consumer is slow to begin (e.g. loads a model).
        self._thread = threading.Thread(
            target=self._run, name=f"capture:{self.name}", daemon=True
        )

    def _open_cv2(self, source: int | str, failure: str) -> None:
        # OpenCV logs every backend it tries for a missing camera; our one-line
        # error says it better, so silence it for the open only.
        level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        try:
            cap = cv2.VideoCapture(source)
        finally:
            cv2.utils.logging.setLogLevel(level)
        if not cap.isOpened():
            cap.release()
            raise CaptureError(failure)
        ok, image = cap.read()
        if not ok or image is None:
            cap.release()
            raise CaptureError(failure)
        self._cap = cap
        self._first_image = np.asarray(image, dtype=np.uint8)
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._fps = fps if math.isfinite(fps) and fps > 0 else 0.0
        self._size_wh = (int(image.shape[1]), int(image.shape[0]))

    # -- public -----------------------------------------------------------------

    @property
    def info(self) -> VideoInfo:
        """Source description; `frames` counts frames delivered so far."""
        w, h = self._size_wh
        n = self._delivered
        step = self._last_t_s / (n - 1) if n > 1 else 0.0
        return VideoInfo(
            name=self.name,
            width=w,
            height=h,
            fps=self._fps,
            frames=n,
            duration_s=self._last_t_s + step if n else 0.0,
            rotation_deg=self._video.info.rotation_deg if self._video else 0,
        )

    @property
    def dropped(self) -> int:
        """Frames captured but replaced by a newer one before being read."""
        return max(0, self._captured - self._delivered)

    def __iter__(self) -> Iterator[Frame]:
        if self._iterated:
            raise RuntimeError(f"{self.name}: a CameraSource can be iterated once")
        if self._closed:
            raise RuntimeError(f"{self.name}: the CameraSource is closed")
        self._iterated = True
        self._thread.start()
        return self._consume()

    def close(self) -> None:
        """Stop the reader thread and release the device (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout=_THREAD_JOIN_S)
        if self._thread.is_alive():
            log.warning("%s: capture thread did not stop", self.name)
            return
        if self._cap is not None:
            self._cap.release()
        if self._video is not None:
            self._video.close()

    # -- consumer side ------------------------------------------------------------

    def _consume(self) -> Iterator[Frame]:
        seq = 0
        try:
            while not self._closed:
                try:
                    got = self._slot.get_after(seq, self._timeout_s)
                except TimeoutError:
                    raise CaptureError(
                        f"{self.name}: no frame for {self._timeout_s:g} s"
                    ) from None
                if got is None:
                    return
                seq, frame = got
                self._delivered += 1
                self._last_t_s = frame.t_s
                yield frame
        finally:
            self.close()

    # -- reader thread ------------------------------------------------------------

    def _publish(self, image: NDArray[np.uint8]) -> None:
        now = time.monotonic()
        if self._captured == 0:
            self._t0 = now
        frame = Frame(image_bgr=image, index=self._captured, t_s=now - self._t0)
        self._captured += 1
        self._slot.put(frame)

    def _run(self) -> None:
        error: BaseException | None = None
        try:
            if self._video is not None:
                self._run_file(self._video)
            else:
                self._run_cv2()
        except BaseException as exc:  # handed to the consumer, re-raised there
            error = exc
        finally:
            self._slot.finish(error)

    def _run_cv2(self) -> None:
        cap = self._cap
        image = self._first_image
        self._first_image = None
        start = time.monotonic()
        media_t0_ms = float(cap.get(cv2.CAP_PROP_POS_MSEC) or 0.0)
        while not self._stop.is_set():
            if image is None:
                ok, image = cap.read()
                if not ok or image is None:
                    if self._paced:
                        return  # a replayed stream simply ended
                    raise CaptureError(f"{self.name} stopped delivering frames")
            if self._paced:
                media_s = (float(cap.get(cv2.CAP_PROP_POS_MSEC)) - media_t0_ms) / 1e3
                self._sleep_until(start + media_s)
            self._publish(image)
            image = None

    def _run_file(self, video: VideoSource) -> None:
        start = time.monotonic()
        for frame in video:
            if self._stop.is_set():
                return
            self._sleep_until(start + frame.t_s)
            self._publish(frame.image_bgr)

    def _sleep_until(self, deadline: float) -> None:
        delay = deadline - time.monotonic()
        if delay > 0:
            self._stop.wait(delay)


def _camera_hint(index: int) -> str:
    return (
        f"cannot open camera {index}: try another index (--camera {index + 1}), "
        "check the camera is connected and allowed (Linux: video group; "
        "macOS/Windows: privacy settings), or analyze a file with --source FILE"
    )


def open_camera(
    source: int | str | Path = 0, *, paced: bool = False, read_timeout_s: float = 5.0
) -> CameraSource:
    """Open a live source: camera index, stream URL, or a file with paced=True.

    Newest frame wins: frames the consumer is too slow for are dropped, never
    queued. See CameraSource.

    Raises:
        CaptureError: one line saying what failed and what to try.
    """
    return CameraSource(source, paced=paced, read_timeout_s=read_timeout_s)


# -- output video -------------------------------------------------------------------

DEFAULT_SINK_MAX_HEIGHT = 720
"""VideoSink downscales taller frames to this height (px), keeping the aspect."""


def _even_size(width: int, height: int, max_height: int | None) -> tuple[int, int]:
    """(w, h) fitting max_height, aspect kept, both even (yuv420p needs it)."""
    if max_height is not None and height > max_height:
        width = round(width * max_height / height)
        height = max_height
    return max(2, width // 2 * 2), max(2, height // 2 * 2)


class VideoSink(Closing):
    """Writes BGR images to a browser-playable H.264 mp4 (yuv420p, +faststart).

    Frames go through a bounded queue to an encoder thread, so encoding overlaps
    the caller's work; `write` blocks only when the queue is full (a recording
    never drops frames). The file is written as `<name>.part` and renamed to
    its final name by `close()`, so a crash never leaves a truncated file under
    the real name. Frames are scaled to the first frame's size (even, at most
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
        """Create the output (as <path>.part).

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
        self._part = self.path.with_name(self.path.name + ".part")
        self._fps = fps
        self._max_height = max_height
        self._codec_options = {"crf": str(crf), "preset": preset}
        self._threads = threads
        self._time_base = Fraction(1, 90000)  # MPEG clock: exact for 25/30/60/29.97
        try:  # PyAV creates the file lazily; fail here, not at the first frame
            self._part.touch()
            self._container: Any = av.open(
                str(self._part),
                mode="w",
                format="mp4",
                options={"movflags": "+faststart"},
            )
        except (av.FFmpegError, OSError) as exc:
            raise InputError(f"cannot write {self.path}: {_one_line(exc)}") from exc
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
            self._part.unlink(missing_ok=True)
            if self._stream is None and self._error is None:
                log.warning("%s: no frames written; no file created", self.path)
            self._raise_worker_error()
            return
        os.replace(self._part, self.path)

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
            log.warning("%s: %s", self.path.name, _one_line(close_exc))

    def _raise_worker_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _open_stream(self, width: int, height: int) -> None:
        self._size_wh = _even_size(width, height, self._max_height)
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


# -- window -----------------------------------------------------------------------


def has_display() -> bool:
    """True when a window can be shown (on Linux/BSD: DISPLAY or WAYLAND_DISPLAY).

    cv2.imshow without a display aborts the whole process, so ask first.
    """
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


WINDOW_MAX_WH = (1280, 720)
"""A window opens at the frame's size, shrunk (aspect kept) to fit this box (px)."""


def window_size_wh(
    width: int, height: int, max_wh: tuple[int, int] = WINDOW_MAX_WH
) -> tuple[int, int]:
    """Initial window size for a frame: its own size, shrunk to fit `max_wh`."""
    scale = min(1.0, max_wh[0] / max(width, 1), max_wh[1] / max(height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


class Window(Closing):
    """An OpenCV window: show images, read keys, notice when the user closes it.

    Call `poll_key()` once per shown frame: it also lets the GUI repaint.
    """

    def __init__(self, title: str = "hingecam") -> None:
        """Prepare a window (created on the first `show`).

        Raises:
            DisplayError: there is no display to show it on.
        """
        if not has_display():
            raise DisplayError(
                "no display (DISPLAY and WAYLAND_DISPLAY are unset): run where a "
                "screen is available, or record with `hingecam analyze VIDEO --video OUT.mp4`"
            )
        self.title = title
        self._created = False
        self._closed = False

    def show(self, image_bgr: NDArray[np.uint8]) -> None:
        """Display an image (ignored once the window is closed)."""
        if self._closed:
            return
        if not self._created:
            # GUI_NORMAL: no Qt toolbar or status bar, just the picture.
            cv2.namedWindow(
                self.title,
                cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL,
            )
            w, h = window_size_wh(image_bgr.shape[1], image_bgr.shape[0])
            cv2.resizeWindow(self.title, w, h)  # Qt opens NORMAL windows tiny
            self._created = True
        cv2.imshow(self.title, image_bgr)

    def poll_key(self, delay_ms: int = 1) -> int | None:
        """The key pressed (its low byte, e.g. ord("q")), or None; waits delay_ms."""
        if self._closed or not self._created:
            return None
        key = cv2.waitKey(max(1, delay_ms))
        return None if key < 0 else key & 0xFF

    def closed(self) -> bool:
        """True after close() or once the user closed the window."""
        if self._closed:
            return True
        if not self._created:
            return False
        try:
            visible = cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE)
        except cv2.error:
            return True
        return visible < 1

    def close(self) -> None:
        """Destroy the window (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._created:
            try:
                cv2.destroyWindow(self.title)
                cv2.waitKey(1)
            except cv2.error:
                pass
