"""Waiting in tests for a sign of progress (a line printed, a file growing, a
frame taken), never for a fixed time: the deadline is only a safety net, long
enough for a busy machine, and the poll interval keeps the wait short; a line
is waited for by reading the child's pipe up to it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO

import pytest

WAIT_S = 120.0
"""Longest wait for a sign of progress; a safety net, never a pacing delay."""


def wait_for(
    condition: Callable[[], bool],
    what: str,
    *,
    within_s: float = WAIT_S,
    every_s: float = 0.02,
) -> None:
    """Poll `condition` every `every_s` seconds until it is true; fail the test
    naming `what` if that takes longer than `within_s`."""
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within_s:g} s waiting for {what}")
        time.sleep(every_s)


def read_until(pipe: IO[str] | None, text: str, what: str) -> list[str]:
    """Read `pipe` line by line up to the first line containing `text`; returns
    the lines read, that one included. Fails the test, naming `what` and
    showing the last lines, if the pipe ends first (the child exited)."""
    assert pipe is not None, "the child's pipe was not opened"
    seen: list[str] = []
    for line in pipe:
        seen.append(line)
        if text in line:
            return seen
    pytest.fail(f"the stream ended before {what}:\n" + "".join(seen[-20:]))
