"""Waiting in tests for a sign of progress (a line printed, a file growing, a
frame taken), never for a fixed time: the deadline is only a safety net, long
enough for a busy machine, and the poll interval keeps the wait short."""

from __future__ import annotations

import time
from collections.abc import Callable

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
