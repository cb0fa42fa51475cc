"""One PoseLandmarker per configuration per process, reused across inputs and
never closed natively (closing one makes MediaPipe phone home)."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

RESET_GAP_MS = 1000
"""Timestamp jump (ms) before and after the blank frame that separates two inputs
on a reused VIDEO-mode landmarker; MediaPipe wants strictly increasing times."""


_DETACHED: list[Any] = []
"""Detached landmarkers, kept referenced until exit (see detach)."""
_DETACHED_LOCK = threading.Lock()


def detach(landmarker: Any) -> None:
    """Drop a landmarker without calling MediaPipe's native close.

    MpPoseLandmarkerClose (reached by close() and __del__) sends a usage log to
    play.googleapis.com, with no option or environment variable to stop it; a
    landmarker that is never closed sends nothing. Clearing `_handle` makes the
    wrapper's close() and __del__ no-ops; the OS frees the memory at exit. The
    wrapper stays referenced: the native graph still holds its ctypes result
    callback (LIVE_STREAM), and freeing that callback would crash the process.
    """
    if hasattr(landmarker, "_handle"):
        landmarker._handle = None
    with _DETACHED_LOCK:
        if not any(kept is landmarker for kept in _DETACHED):
            _DETACHED.append(landmarker)


@dataclass
class Lease:
    """A pooled landmarker lent to one input.

    Attributes:
        landmarker: the MediaPipe PoseLandmarker.
        base_ms: add to the input's own timestamps (0 for a fresh landmarker).
        needs_reset: feed one blank frame at `base_ms - RESET_GAP_MS` before the
            first real frame, so tracking from the previous input is dropped.
        last_ms: the last timestamp given to the landmarker (kept by the user).
    """

    landmarker: Any
    key: Hashable
    base_ms: int = 0
    needs_reset: bool = False
    last_ms: int | None = None


class LandmarkerPool:
    """Idle landmarkers by configuration key; thread-safe.

    `acquire` lends an idle one (or creates one), `release` gives it back for
    the next input. A landmarker is only ever used by one lease at a time, so a
    process (or a batch worker) holds as many as it runs inputs at once.
    `preload` creates landmarkers ahead of use in background threads (loading
    one takes ~0.3 s of native work, which runs while the caller goes on).
    """

    def __init__(self) -> None:
        self._lock = threading.Condition()
        # (landmarker, last timestamp given to it, None for one never used)
        self._idle: dict[Hashable, list[tuple[Any, int | None]]] = {}
        self._loading: dict[Hashable, int] = {}
        # Every landmarker made, kept alive until exit: one dropped by a caller
        # that never released it would otherwise close natively in __del__.
        self._made: list[Any] = []
        atexit.register(self.detach_all)

    def acquire(self, key: Hashable, create: Callable[[], Any]) -> Lease:
        """An idle landmarker for `key` (waiting for one being preloaded), or
        a new one from `create()`."""
        with self._lock:
            while not self._idle.get(key) and self._loading.get(key):
                self._lock.wait()
            idle = self._idle.get(key)
            if idle:
                landmarker, last_ms = idle.pop()
                if last_ms is None:  # preloaded, never used
                    return Lease(landmarker, key)
                return Lease(
                    landmarker,
                    key,
                    base_ms=last_ms + 2 * RESET_GAP_MS,
                    needs_reset=True,
                )
        landmarker = create()
        with self._lock:
            self._made.append(landmarker)
        return Lease(landmarker, key)

    def preload(self, key: Hashable, create: Callable[[], Any], count: int) -> None:
        """Start creating landmarkers for `key` in background threads, until
        `count` are idle or loading. A failure is left to `acquire`, whose own
        `create()` then raises it where it is handled."""
        with self._lock:
            missing = count - len(self._idle.get(key, [])) - self._loading.get(key, 0)
            self._loading[key] = self._loading.get(key, 0) + max(0, missing)
        for _ in range(missing):
            threading.Thread(
                target=self._load, args=(key, create), name="preload", daemon=True
            ).start()

    def _load(self, key: Hashable, create: Callable[[], Any]) -> None:
        landmarker = None
        try:
            landmarker = create()
        except Exception:  # acquire() creates (and raises) it itself
            landmarker = None
        finally:
            with self._lock:
                self._loading[key] -= 1
                if landmarker is not None:
                    self._made.append(landmarker)
                    self._idle.setdefault(key, []).append((landmarker, None))
                self._lock.notify_all()

    def release(self, lease: Lease) -> None:
        """Give a lease's landmarker back for reuse (never closed natively)."""
        last = lease.last_ms if lease.last_ms is not None else lease.base_ms
        with self._lock:
            self._idle.setdefault(lease.key, []).append((lease.landmarker, last))
            self._lock.notify_all()

    def detach_all(self) -> None:
        """Detach every landmarker this pool made (at exit; see detach())."""
        with self._lock:
            for landmarker in self._made:
                detach(landmarker)

    def idle(self, key: Hashable) -> int:
        """How many landmarkers for `key` wait for reuse."""
        with self._lock:
            return len(self._idle.get(key, []))


POOL = LandmarkerPool()
"""The process's pool (MediaPipePoseEstimator draws from it)."""
