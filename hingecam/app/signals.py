"""How a session ends: keys, the window, the stream, Ctrl+C, SIGTERM or SIGHUP, each
an Ending with its exit status; StopSignals turns signals into a stop request, and
a second Ctrl+C into ForceQuit (never in the middle of publishing a folder)."""

from __future__ import annotations

import contextlib
import enum
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

STOPPING_LINE = (
    "hingecam: stopping; saving what was measured (Ctrl+C again quits at once)"
)
"""Printed on the first stop signal when a second Ctrl+C force-quits."""


class ForceQuit(BaseException):
    """A second Ctrl+C while a run winds down: leave now, keeping only what was
    already published. A BaseException, not a KeyboardInterrupt, so no handler
    that saves an interrupted run catches it; `finally` blocks still clean up."""


_publishing = 0  # depth of publishing() sections (main thread only)
_deferred = False  # a ForceQuit is due at the next publishing() boundary
_entry = threading.Lock()  # publishing() entry against the last resort's check

FORCE_QUIT_GRACE_S = 2.0
"""Seconds a decided force quit may take to unwind before the last resort ends
the process (seconds; the unwinding takes milliseconds, this only bounds a
ForceQuit that landed somewhere that blocks, like a join in a `finally`)."""

QUIT_AGAIN_LINE = (
    "hingecam: interrupted again; quit at once, the set in progress was not saved"
)
"""Printed when a second Ctrl+C has quit (exit 130)."""


@contextlib.contextmanager
def publishing() -> Iterator[None]:
    """A section that a force quit waits for (moving a run's files into its
    folder), so a folder is never left half old, half new. A force quit that
    could not be raised where it was decided (see StopSignals._on_unraisable)
    is raised on entering one, before anything moves."""
    global _publishing, _deferred
    with _entry:
        if _deferred and not _publishing:
            _deferred = False
            raise ForceQuit
        _publishing += 1
    try:
        yield
    finally:
        _publishing -= 1
        if _publishing == 0 and _deferred:
            _deferred = False
            raise ForceQuit


class Ending(enum.Enum):
    """How a live session ended; each maps to an exit status."""

    QUIT = "quit"  # q or Esc
    WINDOW_CLOSED = "window closed"
    STREAM_ENDED = "stream ended"
    INTERRUPTED = "interrupted"  # Ctrl+C
    TERMINATED = "terminated"  # SIGTERM
    HUNG_UP = "hung up"  # SIGHUP: the terminal closed
    CAMERA_FAILED = "camera failed"
    FAILED = "failed"  # any other error; re-raised after saving

    @property
    def exit_status(self) -> int:
        return {
            Ending.INTERRUPTED: 130,
            Ending.TERMINATED: 143,
            Ending.HUNG_UP: 129,
            Ending.CAMERA_FAILED: 2,
            Ending.FAILED: 2,
        }.get(self, 0)


SIGNAL_ENDINGS = {
    signal.SIGINT: Ending.INTERRUPTED,
    signal.SIGTERM: Ending.TERMINATED,
    signal.SIGHUP: Ending.HUNG_UP,
}
"""The signals that stop a run and save what was measured (exit 128 + signal)."""

_ENDING_OF = {int(signum): ending for signum, ending in SIGNAL_ENDINGS.items()}
"""SIGNAL_ENDINGS by signal number: looked up in a handler without a call."""


class StopSignals:
    """SIGINT, SIGTERM and SIGHUP ask the loop to stop (and save) instead of
    killing it.

    A second Ctrl+C while the loop is still running raises KeyboardInterrupt,
    unless `saving` (or `always_save`) is set. Installed only from the main
    thread (elsewhere Python refuses handlers).

    Args:
        event: also set when a stop is requested (for loops that wait on one).
        always_save: never raise KeyboardInterrupt: every signal only asks.
        force_quit: print STOPPING_LINE on the first signal and raise ForceQuit
            on a second Ctrl+C (after any publishing() section in progress).
    """

    def __init__(
        self,
        event: threading.Event | None = None,
        *,
        always_save: bool = False,
        force_quit: bool = False,
    ) -> None:
        self.reason: Ending | None = None
        self.saving = always_save
        self.event = event
        self.force_quit = force_quit
        self._quitting = False
        self._unwound = threading.Event()  # the block was left: no last resort
        self._previous: dict[int, Any] = {}
        self._previous_hook: Any = None

    def request(self, reason: Ending) -> None:
        if self.reason is None:
            self.reason = reason
        if self.event is not None:
            self.event.set()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        global _deferred
        # The reason is taken before any call: a second signal can run this
        # handler again at any call inside it, and must find the first one.
        first = self.reason is None
        if first:
            self.reason = _ENDING_OF[signum]
        elif signum == signal.SIGINT:
            if self.force_quit:
                if self._quitting:  # decided: more presses must not cut the cleanup
                    return
                self._quitting = True  # the watchdog thread starts its clock
                if _publishing:  # quit once the folder being published is whole
                    _deferred = True
                    return
                raise ForceQuit
            if not self.saving:
                raise KeyboardInterrupt
        if first and self.force_quit:
            # os.write, not print: the handler may interrupt a print to stderr.
            os.write(2, (STOPPING_LINE + "\n").encode())
        if self.event is not None:
            self.event.set()

    def _watch(self) -> None:
        """Bound a decided force quit. Unless the block is left within
        FORCE_QUIT_GRACE_S of the second Ctrl+C: wait for any publishing()
        section to end, bar new ones, remove what is staged or half-written
        (files.discard_all_pending) and exit 130 from this thread, whatever the
        main thread is blocked in. It polls a flag: a handler that started a
        thread or set an Event could wait on a lock the main thread holds."""
        global _deferred
        from hingecam.files import discard_all_pending

        while not self._quitting:
            if self._unwound.wait(0.05):
                return
        if self._unwound.wait(FORCE_QUIT_GRACE_S):
            return
        while True:
            with _entry:
                if not _publishing:
                    _deferred = True  # a publishing() entered from now on raises
                    break
            if self._unwound.wait(0.01):
                return
        discard_all_pending()
        os.write(2, (QUIT_AGAIN_LINE + "\n").encode())
        os._exit(130)

    def _on_unraisable(self, info: Any) -> None:
        """A ForceQuit that landed in a finalizer (a generator closed by the
        garbage collector, a __del__) is dropped by Python, and it cannot be
        raised again from here (this hook is itself such a place): it is not
        printed, and is raised at the next publishing(), before the folder of
        the set in progress is published."""
        global _deferred
        if isinstance(info.exc_value, ForceQuit):
            _deferred = True
            return
        self._previous_hook(info)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNAL_ENDINGS:
                self._previous[signum] = signal.signal(signum, self._on_signal)
            if self.force_quit:
                self._previous_hook = sys.unraisablehook
                sys.unraisablehook = self._on_unraisable
                threading.Thread(
                    target=self._watch, name="force-quit watchdog", daemon=True
                ).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._unwound.set()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
        if self._previous_hook is not None:
            sys.unraisablehook = self._previous_hook
            self._previous_hook = None
