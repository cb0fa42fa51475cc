"""Silencing MediaPipe's and TFLite's native log lines, which bypass Python and
write straight to file descriptor 2; hingecam's own stderr is kept."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator


class _QuietStderr:
    """Process-wide fd 2 redirection shared by threads: the first to enter sends
    fd 2 to /dev/null, the last to leave restores it (two landmarker threads
    loading at once must not save each other's /dev/null as "the real" fd 2)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: int | None = None

    def enter(self) -> None:
        with self._lock:
            self._users += 1
            if self._users > 1:
                return
            try:
                sys.stderr.flush()
                saved = os.dup(2)
            except OSError:  # no real fd 2 (embedded interpreters)
                return
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
            self._saved = saved

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._saved is not None:
                os.dup2(self._saved, 2)
                os.close(self._saved)
                self._saved = None


_QUIET = _QuietStderr()


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Silence MediaPipe's and TFLite's native log lines (they bypass Python).

    They print INFO/WARNING lines ("Created TensorFlow Lite XNNPACK delegate",
    "Feedback manager requires ...") straight to file descriptor 2 when a
    landmarker is created and on its first frame. A user should see one clear
    line per problem, not these; `hingecam -v` (logging at INFO) keeps them.
    Errors still arrive as Python exceptions.
    """
    if logging.getLogger().isEnabledFor(logging.INFO):
        yield
        return
    _QUIET.enter()
    try:
        yield
    finally:
        _QUIET.leave()


@contextlib.contextmanager
def native_logs_silenced() -> Iterator[None]:
    """quiet_native_stderr for a whole session, with Python's own stderr kept.

    LIVE_STREAM landmarkers log their first-frame warnings later, on their own
    threads (when a frame with a person first reaches each model), so a
    first-frame silence cannot catch them. Here fd 2 stays on /dev/null for the
    block while sys.stderr (and logging's handlers on it) write to a copy of
    the real fd 2, so every line of hingecam's own still reaches the user.
    """
    if logging.getLogger().isEnabledFor(logging.INFO):
        yield
        return
    try:
        own = os.dup(2)
    except OSError:  # no real fd 2 (embedded interpreters)
        yield
        return
    previous = sys.stderr
    previous.flush()
    stream = open(  # closed after the block
        own,
        "w",
        buffering=1,  # by line, as a terminal's stderr
        encoding=getattr(previous, "encoding", None) or "utf-8",
        errors=getattr(previous, "errors", None) or "backslashreplace",
    )
    handlers = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and h.stream is previous
    ]
    sys.stderr = stream
    for handler in handlers:
        handler.setStream(stream)
    _QUIET.enter()
    try:
        yield
    finally:
        _QUIET.leave()
        stream.flush()
        sys.stderr = previous
        for handler in handlers:
            handler.setStream(previous)
        stream.close()
