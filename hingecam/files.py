"""Atomic file writes (bytes, text, a temporary path, a staged folder of a run's
files) and a folder lock: a reader sees the old file or the whole new one, never
half of it, and one run's files never beside another's."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_SUFFIX = ".tmp"
"""Temporary files are `.<target name>.<random>.tmp` beside their target."""

_pending: set[Path] = set()
"""Temporary files and staged folders not yet published or discarded (their
names are unique): what discard_all_pending() removes when the process must
leave without running its cleanup (a force quit's last resort, see signals)."""


def readable(name: str | Path) -> str:
    """A file name or path as text every output can hold: bytes of the name that
    are not UTF-8 (Python keeps them as lone surrogates) become U+FFFD, so a
    report, an index or a printed line never fails on a foreign file name."""
    text = str(name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    # A control character (a newline in a file name) would split a printed line.
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def safe_component(name: str, fallback: str = "set") -> str:
    """`name` as one visible folder name: readable, no path separators, no
    leading dots (not hidden, never "." or ".."), never empty."""
    text = readable(name).replace("/", "_").replace("\\", "_").replace("\x00", "_")
    return text.lstrip(".").strip() or fallback


def discard_all_pending() -> None:
    """Remove every temporary file and staged folder still pending (idempotent)."""
    for path in list(_pending):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


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
        _pending.add(self.path)

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
        _pending.discard(self.path)
        return self.target

    def discard(self) -> None:
        """Remove the temporary file (idempotent); the target is left as it was."""
        self.path.unlink(missing_ok=True)
        _pending.discard(self.path)


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


class StagedFolder:
    """A private temporary folder beside `target`: write a run's files into
    `path`, then commit() publishes them into `target` together, or discard().

    Nothing reaches `target` until every file is written, so a failure (a full
    disk, a signal before the end) leaves the previous run's files intact.
    """

    def __init__(self, target: Path | str) -> None:
        """Create `.<target name>.<random>.tmp/` beside `target` (and its parent).

        Raises:
            OSError: the folder cannot be created.
        """
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(
            tempfile.mkdtemp(
                prefix=f".{self.target.name}.",
                suffix=TEMP_SUFFIX,
                dir=self.target.parent,
            )
        )
        _pending.add(self.path)

    def commit(self, names: Iterable[str], *, keep: Iterable[str] = ()) -> Path:
        """Publish the staged folder as `target`, whole, in one step; returns
        `target`.

        Files of `target` that are not among `names` (not a run's file), and
        those in `keep` that this run did not write, are carried over first as
        hard links (no copy, no space needed). Then the staged folder and
        `target` are swapped in one atomic exchange (Linux renameat2
        RENAME_EXCHANGE; elsewhere two renames), so a reader or a kill sees the
        old folder or the new one, never a mix; the old one is then removed
        (a kill before that leaves it staged, for the next run's clean-up).
        """
        run_files = set(names)
        kept = set(keep)
        try:
            mode = (
                self.target.stat().st_mode & 0o7777
                if self.target.is_dir()
                else 0o777 & ~_umask()
            )
            os.chmod(self.path, mode)  # mkdtemp made it private (0700)
            if not self.target.exists():
                os.rename(self.path, self.target)
                _pending.discard(self.path)
                return self.target
            for old in self.target.iterdir():
                wanted = old.name not in run_files or old.name in kept
                staged = self.path / old.name
                if wanted and old.is_file() and not staged.exists():
                    os.link(old, staged)
            _exchange(self.path, self.target)
            for old in self.path.iterdir():  # subfolders a hard link cannot carry
                if old.is_dir() and not (self.target / old.name).exists():
                    os.rename(old, self.target / old.name)
        finally:
            self.discard()
        return self.target

    def discard(self) -> None:
        """Remove the staged folder and what is in it (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)
        _pending.discard(self.path)


RENAME_EXCHANGE = 2
"""renameat2(2) flag: swap two paths atomically (Linux 3.15+)."""

AT_FDCWD = -100
"""renameat2(2): paths relative to the current folder."""


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders: atomically where the kernel and filesystem can
    (renameat2 RENAME_EXCHANGE), else by two renames (a moment without `b`,
    never a mix of the two)."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = getattr(libc, "renameat2", None)
        if renameat2 is not None:
            done = renameat2(
                AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE
            )
            if done == 0:
                return
            err = ctypes.get_errno()
            if err not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
                raise OSError(err, os.strerror(err), str(b))
    aside = a.with_suffix(".old" + a.suffix)
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


LOCK_NAME = ".hingecam.lock"
"""The lock file a run holds in its output folder (an empty file, left in place)."""


class FolderLock:
    """An exclusive lock on a folder for one run: a second run gets False from
    acquire() instead of mixing its files with the first's.

    flock, not a pid file: the kernel drops the lock when the process dies, so
    a killed run never leaves a stale lock behind.
    """

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Create the folder and take the lock; False if another process holds it.

        Raises:
            OSError: the folder or the lock file cannot be created.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Drop the lock (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
