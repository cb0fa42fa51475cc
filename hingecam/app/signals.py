"""How a live session ends: keys, the window, the stream, Ctrl+C or SIGTERM, each
an Ending with its exit status; StopSignals turns signals into a stop request."""

from __future__ import annotations

import enum
import signal
import threading
from types import FrameType
from typing import Any


class Ending(enum.Enum):
    """How a live session ended; each maps to an exit status."""

    QUIT = "quit"  # q or Esc
    WINDOW_CLOSED = "window closed"
    STREAM_ENDED = "stream ended"
    INTERRUPTED = "interrupted"  # Ctrl+C
    TERMINATED = "terminated"  # SIGTERM
    CAMERA_FAILED = "camera failed"
    FAILED = "failed"  # any other error; re-raised after saving

    @property
    def exit_status(self) -> int:
        return {
            Ending.INTERRUPTED: 130,
            Ending.TERMINATED: 143,
            Ending.CAMERA_FAILED: 2,
            Ending.FAILED: 2,
        }.get(self, 0)


class StopSignals:
    """SIGINT and SIGTERM ask the loop to stop (and save) instead of killing it.

    A second Ctrl+C while the loop is still running raises KeyboardInterrupt.
    Installed only from the main thread (elsewhere Python refuses handlers).
    """

    def __init__(self) -> None:
        self.reason: Ending | None = None
        self.saving = False
        self._previous: dict[int, Any] = {}

    def request(self, reason: Ending) -> None:
        if self.reason is None:
            self.reason = reason

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        reason = Ending.INTERRUPTED if signum == signal.SIGINT else Ending.TERMINATED
        if self.reason is not None and signum == signal.SIGINT and not self.saving:
            raise KeyboardInterrupt
        self.request(reason)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *_exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
