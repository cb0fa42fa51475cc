"""`hingecam index OUT`: rebuild OUT/index.html, summary.csv and summary.json, and
the progress page (progress.html, progress.csv), from the set folders' report.json
and reps.csv, without analyzing anything."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from hingecam.errors import InputError


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """`hingecam index`'s argument: the output folder of `analyze`."""

    out: Path


def run_cli(options: IndexOptions) -> int:
    """Write the three index files; one line saying where and how many sets."""
    from hingecam.app.diary_pictures import rep_picture
    from hingecam.app.out_lock import lock_output, write_error
    from hingecam.report.index import write_index
    from hingecam.report.sets import set_folders

    out = options.out
    if not out.is_dir():
        raise InputError(f"{out}: no such folder")
    folders = set_folders(out)
    if not folders:
        raise InputError(f"{out}: no set folders (subfolders with a report.json)")
    problems: list[str] = []
    lock = lock_output(out)  # never over a running batch's index
    try:
        paths = write_index(out, folders, problems=problems, pictures=rep_picture)
    except OSError as exc:
        raise write_error(out, exc) from None
    finally:
        lock.release()
    for line in problems:
        print(f"hingecam: error: {line}", file=sys.stderr, flush=True)
    shown = len(folders) - len(problems)
    print(f"index of {shown} sets -> {paths['html']}", flush=True)
    return 2 if problems else 0
