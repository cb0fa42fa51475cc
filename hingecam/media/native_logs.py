"""Silencing MediaPipe's and TFLite's native log lines, which bypass Python and
write straight to file descriptor 2; hingecam's own stderr is kept."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from typing import TextIO


class _QuietStderr:
    """Process-wide fd 2 redirection shared by threads: the first to enter sends
    fd 2 to /dev/null, the last to leave restores it (two landmarker threads
    loading at once must not save each other's /dev/null as "the real" fd 2).

    While fd 2 is silenced, Python's own stderr (and logging's handlers on it)
    write to a copy of the real fd 2: a landmarker loading on another thread
    must not swallow the one error line the main thread prints meanwhile
    (`hingecam analyze` into a folder in use printed nothing, ~1 run in 10)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: int | None = None
        self._own: _OwnStderr | None = None

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
            self._own = _OwnStderr.keep(saved)
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
                if self._own is not None:
                    self._own.restore()
                    self._own = None


class _OwnStderr:
    """sys.stderr and the logging handlers on it, moved to a copy of the real
    fd 2 while fd 2 itself is silenced; restore() puts them back."""

    def __init__(self, previous: TextIO, stream: TextIO) -> None:
        self.previous, self.stream = previous, stream
        self.handlers = [
            h
            for h in logging.getLogger().handlers
            if isinstance(h, logging.StreamHandler) and h.stream is previous
        ]
        sys.stderr = stream
        for handler in self.handlers:
            handler.setStream(stream)

    @classmethod
    def keep(cls, real_fd: int) -> _OwnStderr | None:
        """Move Python's stderr to a copy of `real_fd` when it writes to fd 2
        (not when it is already elsewhere, e.g. captured by a test)."""
        previous = sys.stderr
        try:
            if previous is None or previous.fileno() != 2:
                return None
        except (OSError, ValueError, AttributeError):  # io.StringIO and the like
            return None
        stream = open(  # closed by restore()
            os.dup(real_fd),
            "w",
            buffering=1,  # by line, as a terminal's stderr
            encoding=getattr(previous, "encoding", None) or "utf-8",
            errors=getattr(previous, "errors", None) or "backslashreplace",
        )
        return cls(previous, stream)

    def restore(self) -> None:
        """Back to the previous stderr; the copy is flushed as it closes."""
        sys.stderr = self.previous
        for handler in self.handlers:
            handler.setStream(self.previous)
        self.stream.close()


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
    the real fd 2, so every line of hingecam's own still reaches the user (as
    in every quiet_native_stderr block).
    """
    with quiet_native_stderr():
        yield
