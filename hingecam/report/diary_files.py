"""The practice diary on disk: an output folder's set folders read into diaries,
progress.html and progress.csv written atomically, and the set a live session is
compared with found."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from hingecam.core.faults import Fault
from hingecam.files import write_atomic
from hingecam.report.diary import RULES, Diary, DiaryBuilder, DiaryRules, same_athlete
from hingecam.report.diary_page import (
    PictureFn,
    filters_words,
    render_progress,
)
from hingecam.report.diary_rows import SetRow, set_row
from hingecam.report.outputs import PROGRESS_NAMES
from hingecam.report.sets import (
    FOREIGN_ERRORS,
    cell,
    foreign_line,
    read_reports,
    set_folders,
)

LEFT_OUT = "the progress page"

CSV_FIRST = (
    "athlete",
    "exercise",
    "date",
    "in_future",
    "sets",
    "reps",
    "reps_judged",
    "reps_clean",
    "clean_share",
    "main_focus",
)
"""progress.csv's first columns; then `<fault>_flagged`, `<fault>_judged` per
fault of the registry, then `set_folders`."""


def csv_columns() -> list[str]:
    """progress.csv's header."""
    per_fault = [f"{f.value}_{k}" for f in Fault for k in ("flagged", "judged")]
    return [*CSV_FIRST, *per_fault, "set_folders"]


def progress_csv(diaries: Sequence[Diary]) -> str:
    """progress.csv: one row per session (a day; sets without a date one row)
    of every diary, with every set folder, whatever the page groups."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(csv_columns())
    for diary in diaries:
        for s in diary.sessions:
            n = s.numbers
            by_fault = {f.fault: f for f in n.faults}
            per_fault = []
            for fault in Fault:
                f = by_fault.get(fault.value)
                per_fault += [f.flagged, f.judged] if f else [0, 0]
            writer.writerow(
                [
                    cell(diary.athlete),
                    diary.exercise,
                    s.start.isoformat() if s.start else "",
                    "yes" if s.future else "no",
                    len(s.sets),
                    n.reps,
                    n.judged,
                    n.clean,
                    f"{n.clean_share:.3f}" if n.clean_share is not None else "",
                    s.main_focus or "",
                    *per_fault,
                    cell(" | ".join(s.sets)),
                ]
            )
    return buf.getvalue()


def collect(
    folders: Sequence[Path],
    problems: list[str] | None = None,
    *,
    athlete: str | None = None,
    exercise: str | None = None,
    rules: DiaryRules = RULES,
    today: date | None = None,
) -> DiaryBuilder:
    """Every set folder's report.json into a DiaryBuilder (one report in
    memory at a time); a damaged or foreign one is left out with one line in
    `problems`. `athlete`, `exercise`: keep only those sets; `today`: the
    local date now (default: the clock's)."""
    builder = DiaryBuilder(rules, athlete=athlete, exercise=exercise, today=today)
    for folder, report in read_reports(folders, None, problems, LEFT_OUT):
        try:
            row = set_row(folder.name, report)
        except FOREIGN_ERRORS as exc:
            if problems is not None:
                problems.append(foreign_line(folder, exc, LEFT_OUT))
            continue
        builder.add(row)
    return builder


def progress_texts(
    out: Path,
    builder: DiaryBuilder,
    *,
    pictures: PictureFn | None = None,
) -> dict[str, str]:
    """{"html": progress.html, "csv": progress.csv} of the builder's diaries."""
    diaries = builder.diaries()
    filters = filters_words(builder.athlete, builder.exercise)
    return {
        "csv": progress_csv(diaries),
        "html": render_progress(
            diaries, out, pictures=pictures, filters=filters, rules=builder.rules
        ),
    }


def write_progress(
    out: Path,
    builder: DiaryBuilder,
    *,
    pictures: PictureFn | None = None,
) -> dict[str, Path]:
    """Write OUT/progress.csv, then OUT/progress.html (each atomically);
    returns {"csv"|"html": path}."""
    texts = progress_texts(out, builder, pictures=pictures)
    return {k: write_atomic(out / PROGRESS_NAMES[k], t) for k, t in texts.items()}


def previous_set(
    out: Path, *, athlete: str | None, exercise: str, before: datetime
) -> SetRow | None:
    """The latest set in `out` recorded before `before` by the same athlete
    (none matches none) of the same exercise, or None. Reports that cannot be
    read are passed over (the progress page names them)."""
    best: SetRow | None = None
    for folder, report in read_reports(set_folders(out)):
        try:
            row = set_row(folder.name, report)
        except FOREIGN_ERRORS:
            continue
        at = row.recorded.at
        if row.exercise != exercise or not same_athlete(row.athlete, athlete or ""):
            continue
        if at is None or at >= before:
            continue
        if best is None or (best.recorded.at is not None and at > best.recorded.at):
            best = row
    return best
