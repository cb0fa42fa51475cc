"""`hingecam progress [DIR]`: the practice diary of an output folder (the per-user
diary folder by default) as DIR/progress.html and DIR/progress.csv, built from
the set folders' report.json; one line."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from hingecam.report.outputs import PROGRESS_NAMES


@dataclass(frozen=True, slots=True)
class ProgressOptions:
    """`hingecam progress`'s arguments.

    Attributes:
        folder: the output folder; None: the diary folder (app/diary.py).
        athlete: only this athlete's sets, or None.
        exercise: only this exercise's sets (an Exercise value), or None.
    """

    folder: Path | None = None
    athlete: str | None = None
    exercise: str | None = None


def _mtime_ns(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def run_cli(options: ProgressOptions) -> int:
    """Read every set, write the two files, print one line (and one per report
    left out: then exit 2, as `hingecam index`).

    The sets are read without the --out lock (each set folder is published
    whole), so a running `analyze` or `live` never blocks this. The lock is
    taken only to write, when free; when another run holds it, the files are
    still written, unless a newer page appeared meanwhile (that run wrote one).
    """
    from hingecam.app.diary import diary_folder, read_diary
    from hingecam.app.diary_pictures import rep_picture
    from hingecam.app.out_lock import try_lock_output, write_error
    from hingecam.files import write_atomic
    from hingecam.report.diary_files import progress_texts

    folder = options.folder if options.folder is not None else diary_folder()
    if options.folder is None and not folder.exists():
        from hingecam.errors import InputError

        raise InputError(f"{folder}: no sessions yet (`hingecam live` saves them here)")
    page = folder / PROGRESS_NAMES["html"]
    before = _mtime_ns(page)
    problems: list[str] = []
    builder = read_diary(
        folder, problems, athlete=options.athlete, exercise=options.exercise
    )
    for line in problems:
        print(f"hingecam: error: {line}", file=sys.stderr, flush=True)
    diaries = builder.diaries()
    if not diaries:
        from hingecam.errors import InputError

        raise InputError(f"{folder}: {_nothing(options)}")
    texts = progress_texts(folder, builder, pictures=rep_picture)
    lock = try_lock_output(folder)
    try:
        if lock is None and _mtime_ns(page) != before:
            print(
                f"{page}: a newer progress page was written meanwhile; left as it is",
                flush=True,
            )
            return 2 if problems else 0
        for kind in ("csv", "html"):
            write_atomic(folder / PROGRESS_NAMES[kind], texts[kind])
    except OSError as exc:
        raise write_error(folder, exc) from None
    finally:
        if lock is not None:
            lock.release()
    sessions = sum(len(d.sessions) for d in diaries)
    sets = sum(d.sets for d in diaries)
    reps = sum(d.numbers.reps for d in diaries)
    athletes = len({d.athlete.casefold() for d in diaries})
    print(
        f"progress of {_n(athletes, 'athlete')}, {_n(len(diaries), 'diary', 'diaries')}: "
        f"{_n(sessions, 'session')}, {_n(sets, 'set')}, {_n(reps, 'rep')} -> {page}",
        flush=True,
    )
    return 2 if problems else 0


def _n(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _nothing(options: ProgressOptions) -> str:
    """Why there is no diary: no set matches the filters, or none could be read."""
    parts = []
    if options.athlete:
        parts.append(f"athlete {options.athlete!r}")
    if options.exercise:
        parts.append(f"exercise {options.exercise}")
    if not parts:
        return "no set could be read"
    return "no sets of " + " and ".join(parts)
