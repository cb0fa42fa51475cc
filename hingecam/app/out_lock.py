"""The lock on --out a run holds (a second analyze or live there refuses), and
the one line a failed write becomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hingecam.errors import HingecamError


def write_error(path: Path, exc: OSError) -> HingecamError:
    """One line for a failed write: the path the user chose and the cause."""
    from hingecam.errors import OutputError

    cause = exc.strerror or str(exc) or type(exc).__name__
    return OutputError(f"cannot write {path}: {cause}")


def lock_output(out: Path) -> Any:
    """Take the lock on --out for this run (a FolderLock to release).

    Raises:
        OutputError: --out is not a writable folder, or another run holds it.
    """
    from hingecam.errors import OutputError

    lock = try_lock_output(out)
    if lock is None:
        raise OutputError(
            f"{out} is in use by another hingecam run; wait for it or choose "
            "another --out"
        )
    return lock


def remove_stale_staging(out: Path) -> None:
    """Remove the staged `.NAME.*.tmp` folders and temporary files a killed run
    left in `out`. Only a run holding the lock calls this: no other run can be
    writing them."""
    import shutil

    for path in out.glob(".*.tmp"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def try_lock_output(out: Path) -> Any:
    """The lock on `out` when no other run holds it (a FolderLock to release),
    else None: for a short write that must not wait for a long run (`live`
    holds its folder for a whole session).

    Raises:
        OutputError: `out` is not a writable folder.
    """
    from hingecam.errors import OutputError
    from hingecam.files import FolderLock

    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot write {out}: it is a file, not a folder")
    lock = FolderLock(out)
    try:
        acquired = lock.acquire()
    except OSError as exc:
        raise write_error(out, exc) from None
    if not acquired:
        return None
    remove_stale_staging(out)
    return lock
