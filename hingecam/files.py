"""Atomic file writes: bytes or text, or a temporary path for writers that need one;
a reader sees the old file or the whole new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".tmp"
"""Temporary files are `.<target name>.<random>.tmp` beside their target."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class PendingFile:
    """A temporary file beside `target`: publish it with commit(), or discard().

    For writers whose file outlives one function call (an encoder opened in a
    constructor and finished in close()); otherwise use `atomic_path`. The
    name is unique (tempfile.mkstemp), so two runs writing the same target
    never share a temporary file.
    """

    def __init__(self, target: Path | str, *, mode: int | None = None) -> None:
        """Create the empty temporary file in the target's folder.

        Args:
            target: the file to publish to.
            mode: permission bits of the published file; None gives what a
                plain open() would (0o666 less the umask).

        Raises:
            OSError: the temporary file cannot be created (e.g. no such folder).
        """
        self.target = Path(target)
        fd, name = tempfile.mkstemp(
            prefix=f".{self.target.name}.", suffix=TEMP_SUFFIX, dir=self.target.parent
        )
        os.close(fd)
        self.path = Path(name)
        self._mode = mode

    def commit(self) -> Path:
        """fsync the temporary file and move it over the target; returns the target.

        On failure the temporary file is removed and the old target is intact.
        """
        try:
            with open(self.path, "rb+") as fh:
                os.fsync(fh.fileno())
            # mkstemp makes 0600; a published file gets ordinary permissions.
            mode = self._mode if self._mode is not None else 0o666 & ~_umask()
            os.chmod(self.path, mode)
            os.replace(self.path, self.target)
        except BaseException:
            self.discard()
            raise
        return self.target

    def discard(self) -> None:
        """Remove the temporary file (idempotent); the target is left as it was."""
        self.path.unlink(missing_ok=True)


@contextmanager
def atomic_path(target: Path | str, *, mode: int | None = None) -> Iterator[Path]:
    """A temporary path to write; published to `target` when the block succeeds.

    For writers that take a path or open their own file (PyAV, numpy savez,
    wave). If the block raises, the temporary file is removed, the old target
    stays, and the error propagates.

    Args:
        target: the file to publish to.
        mode: permission bits of the published file (see PendingFile).

    Yields:
        The temporary file's path (it exists, empty, in the target's folder).
    """
    pending = PendingFile(target, mode=mode)
    try:
        yield pending.path
    except BaseException:
        pending.discard()
        raise
    pending.commit()


def write_atomic(
    path: Path | str,
    data: bytes | str,
    *,
    encoding: str = "utf-8",
    mode: int | None = None,
) -> Path:
    """Write `data` to `path` atomically: temp file, fsync, os.replace.

    Args:
        path: the file to (re)place; its folder is created if needed.
        data: bytes, or text written in `encoding` without newline translation.
        encoding: the text encoding (ignored for bytes).
        mode: permission bits of the published file (see PendingFile).

    Returns:
        `path`, as a Path.
    """
    raw = data.encode(encoding) if isinstance(data, str) else data
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, mode=mode) as tmp, open(tmp, "wb") as fh:
        fh.write(raw)
    return Path(path)
