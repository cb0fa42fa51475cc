"""Video files -> Iterator[Frame]: input validated, decoded by PyAV in a prefetch
thread, turned upright and timed by the decoder."""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

# cv2 before av: both bundle FFmpeg libraries and this order is the one known to work.
import cv2

# isort: split
import av
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import VideoInfo
from hingecam.core.poses import Frame
from hingecam.errors import InputError, one_line
from hingecam.files import readable
from hingecam.media import heap
from hingecam.media.closing import THREAD_JOIN_S, Closing
from hingecam.media.recorded_time import video_recorded

log = logging.getLogger(__name__)

DEFAULT_PREFETCH = 8
"""Decoded frames a VideoSource keeps ready ahead of the consumer."""

MAX_FRAME_SIDE_PX = 1920
"""Longest side (px) of a decoded frame; larger frames are downscaled (aspect kept)
while decoding, before inference and drawing. Source: design, issue #11: the pose
model sees 256x256 anyway, and frames of 1080p size in the decode, analysis and
render queues keep a short 8192x8192 clip under 600 MB peak RSS (measured: a 2 s
4K clip peaked at 1.5 GB, a 10-frame 8192x8192 one at 3.8 GB before the cap)."""

MAX_FRAME_PIXELS = 1920 * 1080
"""Most pixels (px) of a decoded frame, with MAX_FRAME_SIDE_PX: a square 8192x8192
frame becomes 1440x1440, no larger in memory than a 1080p one. Source: as above."""

STILL_IMAGE_FORMATS = frozenset(
    {
        "image2",
        "png_pipe",
        "jpeg_pipe",
        "bmp_pipe",
        "webp_pipe",
        "tiff_pipe",
        "gif",
        "gif_pipe",
        "jpegls_pipe",
        "j2k_pipe",
    }
)
"""FFmpeg demuxers of still images (probed from the content, whatever the file
name): refused, since one frame is no set to analyze."""


def capped_size(
    width: int,
    height: int,
    max_side: int = MAX_FRAME_SIDE_PX,
    max_pixels: int = MAX_FRAME_PIXELS,
) -> tuple[int, int]:
    """(width, height) scaled down (aspect kept, even sides) so the longest side is
    at most `max_side` and the area at most `max_pixels`; within both, unchanged."""
    scale = min(
        1.0, max_side / max(width, height), math.sqrt(max_pixels / (width * height))
    )
    if scale >= 1.0:
        return width, height
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


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


def _check_input_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a video file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({one_line(exc)})") from exc
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
                f"{self.path}: not a readable video ({one_line(exc)})"
            ) from exc
        self._container: Any = container
        self._decode_errors = 0  # packets skipped as damaged
        try:
            if container.format.name in STILL_IMAGE_FORMATS:
                raise InputError(
                    f"{self.path}: is a still image ({container.format.name}), "
                    "expected a video"
                )
            if not container.streams.video:
                raise InputError(f"{self.path}: has no video stream")
            stream = container.streams.video[0]
            big = capped_size(stream.width or 1, stream.height or 1) != (
                stream.width or 1,
                stream.height or 1,
            )
            # Frame threading keeps a full-size frame per thread (an 8192x8192
            # one is 100 MB); slices share one.
            stream.thread_type = "SLICE" if big else "AUTO"
            if big:
                heap.map_large_blocks()
            self._big = big
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
        w, h = capped_size(int(first.width), int(first.height))
        self._decoded_wh = (w, h)  # before rotation
        if (w, h) != (first.width, first.height):
            log.info("%s: frames downscaled to %dx%d", self.path.name, w, h)
        if self._rotation_cw in (90, 270):
            w, h = h, w
        self._size_wh = (w, h)
        self._container_frames = int(stream.frames or 0)
        self._container_duration_s = self._stream_duration_s()
        self._recorded = video_recorded(container, self.path)

        self._queue: queue.Queue[Frame | _End] = queue.Queue(maxsize=prefetch)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._iterated = False
        self._finished = False
        self._closed = False
        self._delivered = 0
        self._last_t_s = math.nan

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
            name=readable(self.path.name),
            width=w,
            height=h,
            fps=self._fps,
            frames=frames,
            duration_s=duration_s,
            rotation_deg=self._rotation_cw,
            recorded=self._recorded,
        )

    @property
    def damaged(self) -> bool:
        """True when damaged or truncated data was skipped (the frames decoded
        before and after it are still delivered)."""
        return self._decode_errors > 0

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
            self._thread.join(timeout=THREAD_JOIN_S)
            if self._thread.is_alive():
                log.warning("%s: decoder thread did not stop", self.path.name)
                return  # never close the container under a running decoder
        # The decode generator refers back to this object: without breaking the
        # cycle, the decoder's buffers (300 MB at 8192x8192) live until the
        # next garbage collection, and a probe then doubles the peak.
        self._first_av_frame = None
        self._av_frames.close()
        self._container.close()
        self._stream = None
        if self._big:
            heap.give_back_freed()

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
                log.info(
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

    def _decode_packets(self) -> Generator[Any, None, None]:
        """av.VideoFrames in presentation order; a bad packet is skipped, not fatal."""
        packets = self._container.demux(self._stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return
            except av.FFmpegError as exc:
                self._decode_errors += 1
                log.debug("%s: demux stopped: %s", self.path.name, one_line(exc))
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
                log.debug("%s: skipped a packet: %s", self.path.name, one_line(exc))
                continue
            # Handed on one at a time, so the list keeps no picture alive.
            while frames:
                yield frames.pop(0)

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
        w, h = self._decoded_wh
        if (av_frame.width, av_frame.height) == (w, h):
            image = av_frame.to_ndarray(format="bgr24")
        else:  # scaled by swscale in the conversion: no full-size BGR copy
            image = av_frame.to_ndarray(format="bgr24", width=w, height=h)
        image = rotate_cw(image, self._rotation_cw)
        return Frame(image_bgr=np.ascontiguousarray(image), index=index, t_s=t_s)

    def _run(self) -> None:
        try:
            index = 0
            prev_t_s = 0.0
            av_frame = self._first_av_frame
            self._first_av_frame = None
            while av_frame is not None:
                if self._stop.is_set():
                    return
                frame = self._to_frame(av_frame, index, prev_t_s)
                # Drop the full-size picture before decoding the next one: a
                # reference held here makes FFmpeg's pool allocate one more
                # (136 MB at 8192x8192) and keep it until the file is closed.
                del av_frame
                prev_t_s = frame.t_s
                index += 1
                if not self._put(frame):
                    return
                del frame
                av_frame = next(self._av_frames, None)
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


def open_video(path: Path | str, *, prefetch: int = DEFAULT_PREFETCH) -> VideoSource:
    """Open a video file for decoding. See VideoSource.

    Raises:
        InputError: with one line naming the path and what is wrong.
    """
    return VideoSource(path, prefetch=prefetch)
