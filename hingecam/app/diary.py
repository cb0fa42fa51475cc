"""The practice diary: the per-user folder live sessions gather in, and
`hingecam.progress` (a folder's sessions as typed rows, the progress page's
numbers). Cheap to import: the command line names the folder in its help."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hingecam.core.datatypes import Exercise
    from hingecam.report.diary import DiaryBuilder, Session

log = logging.getLogger(__name__)

APP_NAME = "hingecam"
DIARY_FOLDER_NAME = "diary"


def diary_folder() -> Path:
    """The per-user folder `hingecam live` saves into without --out, and
    `hingecam progress` reads without DIR: the platform's user data folder
    (platformdirs; on Linux ~/.local/share/hingecam/diary, $XDG_DATA_HOME
    respected)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / DIARY_FOLDER_NAME


def read_diary(
    folder: Path,
    problems: list[str],
    *,
    athlete: str | None = None,
    exercise: str | Exercise | None = None,
) -> DiaryBuilder:
    """Every set folder of `folder` read into a DiaryBuilder (report.json only,
    nothing analyzed again); a damaged or foreign report adds a line to
    `problems`.

    Raises:
        InputError: no such folder, no set folder in it, or an unknown exercise.
    """
    from hingecam.core.datatypes import Exercise
    from hingecam.errors import InputError
    from hingecam.report.diary_files import collect
    from hingecam.report.sets import set_folders

    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    try:
        chosen = Exercise(exercise).value if exercise is not None else None
    except ValueError:
        names = ", ".join(e.value for e in Exercise)
        raise InputError(f"unknown exercise {exercise!r} (one of: {names})") from None
    folders = set_folders(folder)
    if not folders:
        raise InputError(f"{folder}: no set folders (subfolders with a report.json)")
    return collect(folders, problems, athlete=athlete, exercise=chosen)


def progress(
    folder: str | Path,
    athlete: str | None = None,
    exercise: str | Exercise | None = None,
) -> list[Session]:
    """A folder's practice diary as typed rows: one Session per athlete,
    exercise and day (a session: the sets of one local calendar day), the
    numbers `hingecam progress` puts on its page and in progress.csv.

    Args:
        folder: an output folder of `analyze` or `live` (the set folders in it).
        athlete: only this athlete's sets (case and spaces ignored), or None.
        exercise: only sets judged as this exercise ("deadlift", an Exercise).

    Returns:
        Sessions by athlete (unnamed last), then exercise, then date (sets
        without a date last). Each has `start` (the day), `sets` (folder
        names), `reps`, `reps_judged`, `reps_clean`, `clean_share`, `faults`
        (flagged and judged per fault), `main_focus` and `future`.

    Raises:
        InputError: no such folder, no set folders in it, or an unknown exercise.
    """
    problems: list[str] = []
    builder = read_diary(Path(folder), problems, athlete=athlete, exercise=exercise)
    for line in problems:
        log.warning("%s", line)
    return [s for d in builder.diaries() for s in d.sessions]
