"""A mixin for resources that are closed with `close()` and used with `with`."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

_T = TypeVar("_T", bound="Closing")

THREAD_JOIN_S = 5.0
"""How long close() waits for a resource's worker thread before giving up on it."""


class Closing:
    """`with resource:` returns the resource and calls its close() on the way out,
    however the block ends. Subclasses implement an idempotent close()."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
