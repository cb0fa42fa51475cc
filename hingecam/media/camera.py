"""Live sources -> Iterator[Frame], newest frame wins: a camera index, a stream
URL, or a file replayed in real time; timed by time.monotonic()."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import VideoInfo
from hingecam.core.poses import Frame
from hingecam.errors import CaptureError
from hingecam.media.closing import THREAD_JOIN_S, Closing
from hingecam.media.video import VideoSource

log = logging.getLogger(__name__)


class Clock(Protocol):
    """Where a paced replay reads the time and waits for a frame's moment."""

    def now(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep_until(self, deadline: float, stop: threading.Event) -> None:
        """Return once `now() >= deadline`, or at once when `stop` is set."""
        ...


class MonotonicClock:
    """The real clock: time.monotonic(), waiting on the stop event."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, deadline: float, stop: threading.Event) -> None:
        delay = deadline - time.monotonic()
        if delay > 0:
            stop.wait(delay)


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
    timed by the clock (`time.monotonic()`) from the first capture; `index` counts every
    captured frame, so gaps in it are frames dropped for being stale.

    Use `open_camera(...)`; close with `close()` or `with`.
    """

    def __init__(
        self,
        source: int | str | Path = 0,
        *,
        paced: bool = False,
        read_timeout_s: float = 5.0,
        clock: Clock | None = None,
    ) -> None:
        """Open a camera index, a stream URL or (with paced=True) a file.

        Args:
            source: camera index, stream URL, or a video file path.
            paced: replay at the source's own frame rate, as a camera would
                deliver it. Required for files; useful for URLs of files.
            read_timeout_s: how long to wait for a frame before failing.
            clock: times frames and paces a replay; None is the real clock
                (tests pass a manual one).

        Raises:
            CaptureError: the camera or stream cannot be opened or gives no frame.
            InputError: a file path (paced) is missing or not a video.
        """
        self._paced = paced
        self._clock: Clock = clock or MonotonicClock()
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
            self._thread.join(timeout=THREAD_JOIN_S)
        if self._thread.is_alive():
            log.warning("%s: capture thread did not stop", self.name)
            return
        if self._cap is not None:
            self._cap.release()
        if self._video is not None:
            self._video.close()

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

    def _publish(self, image: NDArray[np.uint8]) -> None:
        now = self._clock.now()
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
        start = self._clock.now()
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
        start = self._clock.now()
        for frame in video:
            if self._stop.is_set():
                return
            self._sleep_until(start + frame.t_s)
            self._publish(frame.image_bgr)

    def _sleep_until(self, deadline: float) -> None:
        self._clock.sleep_until(deadline, self._stop)


def _camera_hint(index: int) -> str:
    return (
        f"cannot open camera {index}: try another index (--camera {index + 1}), "
        "check the camera is connected and allowed (Linux: video group; "
        "macOS/Windows: privacy settings), or analyze a file with --source FILE"
    )


def open_camera(
    source: int | str | Path = 0,
    *,
    paced: bool = False,
    read_timeout_s: float = 5.0,
    clock: Clock | None = None,
) -> CameraSource:
    """Open a live source: camera index, stream URL, or a file with paced=True.

    Newest frame wins: frames the consumer is too slow for are dropped, never
    queued. See CameraSource.

    Raises:
        CaptureError: one line saying what failed and what to try.
    """
    return CameraSource(source, paced=paced, read_timeout_s=read_timeout_s, clock=clock)
