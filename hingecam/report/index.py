"""The batch index: OUT/index.html, OUT/summary.csv and OUT/summary.json, rebuilt
from the per-set folders' report.json and reps.csv alone (no re-analysis)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from hingecam.core.recorded import iso_text
from hingecam.files import write_atomic
from hingecam.report.build import ReportStatus
from hingecam.report.diary import DiaryBuilder
from hingecam.report.diary_files import write_progress
from hingecam.report.diary_page import PictureFn
from hingecam.report.diary_rows import recorded_of
from hingecam.report.diary_rows import set_row as diary_row
from hingecam.report.outputs import (
    CSV_NAME,
    HTML_NAME,
    INDEX_NAMES,
    PROGRESS_NAMES,
    THUMBNAIL_NAME,
)
from hingecam.report.sets import (
    FOREIGN_ERRORS,
    cell,
    foreign_line,
    href,
    read_reports,
    set_folders,
)

INDEX_SCHEMA_VERSION = "1.1"
"""1.1 added `athlete`, `recorded_at` and `recorded_from` to every set."""


EXERCISE_HOW = {"yes": " (recognised)", "no": " (not recognised)"}
"""After the exercise in index.html, for sets analyzed with auto."""


def _label(value: Any) -> str:
    return str(value or "").replace("_", " ")


def _how_chosen(exercise: dict[str, Any]) -> str:
    """summary's exercise_recognised: "yes" (auto recognised it), "no" (auto
    stayed a generic hinge), "" (named by the user, or an older report)."""
    if exercise.get("requested") != "auto" or "recognised" not in exercise:
        return ""
    return "yes" if exercise.get("used") not in ("auto", None) else "no"


def set_row(folder: Path, report: dict[str, Any]) -> dict[str, Any]:
    """One set as the index shows it (and summary.json lists it)."""
    meta, summary = report.get("meta", {}), report.get("summary", {})
    focus = summary.get("main_focus") or {}
    clean = int(summary.get("reps_clean", 0))
    faulty = int(summary.get("reps_with_fault", 0))
    unjudged = int(summary.get("reps_not_judged", 0))
    status = summary.get("status", "")
    if status != ReportStatus.OK:
        outcome = "no person" if status == "no_person" else "no reps"
    elif faulty:
        outcome = "faulty"
    elif clean:
        outcome = "clean"
    else:
        outcome = "not judged"
    recorded = recorded_of(folder.name, meta)
    athlete = meta.get("athlete")
    return {
        "set": folder.name,
        "athlete": athlete if isinstance(athlete, str) else "",
        "recorded_at": iso_text(recorded.at) or "",
        "recorded_from": recorded.source.value,
        "file": meta.get("source", ""),
        "exercise": (meta.get("exercise") or {}).get("used", ""),
        "exercise_recognised": _how_chosen(meta.get("exercise") or {}),
        "view": meta.get("view", ""),
        "reps": int(summary.get("rep_count", 0)),
        "reps_clean": clean,
        "reps_with_fault": faulty,
        "reps_not_judged": unjudged,
        "outcome": outcome,
        "main_focus": focus.get("label", ""),
        "headline": summary.get("headline", ""),
        "report": f"{folder.name}/{HTML_NAME}",
        "thumbnail": (
            f"{folder.name}/{THUMBNAIL_NAME}"
            if (folder / THUMBNAIL_NAME).is_file()
            else None
        ),
    }


def load_rows(
    folders: Sequence[Path],
    known: Mapping[Path, dict[str, Any]] | None = None,
    problems: list[str] | None = None,
    diary: DiaryBuilder | None = None,
) -> list[dict[str, Any]]:
    """Rows of the folders whose report.json is a hingecam report (others are
    left out, with one line each in `problems`); `known` holds reports already
    read (a rerun's skip check read them); `diary` takes each set too, from
    the same reading (report/diary_rows.py)."""
    rows = []
    for folder, report in read_reports(folders, known, problems):
        try:
            row = set_row(folder, report)
            entry = diary_row(folder.name, report) if diary is not None else None
        except FOREIGN_ERRORS as exc:
            if problems is not None:
                problems.append(foreign_line(folder, exc, "the index"))
            continue
        rows.append(row)
        if diary is not None and entry is not None:
            diary.add(entry)
    return rows


def summary_csv(out: Path, rows: Sequence[dict[str, Any]]) -> str:
    """Every set's reps.csv in one table: `set`, `athlete` and `recorded_at`
    columns, then the reps.csv columns (the union, in first-seen order; a
    column a set lacks is empty)."""
    columns: list[str] = []
    known: set[str] = set()
    records: list[dict[str, str]] = []
    for row in rows:
        try:
            text = (out / row["set"] / CSV_NAME).read_text(encoding="utf-8")
        except OSError:
            continue
        reader = csv.DictReader(io.StringIO(text))
        for name in reader.fieldnames or ():
            if name not in known:
                known.add(name)
                columns.append(name)
        first = {
            "set": row["set"],
            "athlete": row.get("athlete", ""),
            "recorded_at": row.get("recorded_at", ""),
        }
        records.extend(
            {k: cell(v or "") for k, v in {**first, **rec}.items() if k}
            for rec in reader
        )
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf,
        ["set", "athlete", "recorded_at", *columns],
        restval="",
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    writer.writerows(records)
    return buf.getvalue()


def totals(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Sets and reps over the batch, by outcome."""
    count: dict[str, int] = {"sets": len(rows)}
    for key in ("reps", "reps_clean", "reps_with_fault", "reps_not_judged"):
        count[key] = sum(int(r[key]) for r in rows)
    for outcome in ("clean", "faulty", "not judged", "no reps", "no person"):
        count[f"sets_{outcome.replace(' ', '_')}"] = sum(
            r["outcome"] == outcome for r in rows
        )
    return count


def summary_json(rows: Sequence[dict[str, Any]]) -> str:
    """summary.json text: totals and one object per set (see docs/report-schema.md)."""
    data = {
        "schema_version": INDEX_SCHEMA_VERSION,
        "totals": totals(rows),
        "sets": list(rows),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_index(
    rows: Sequence[dict[str, Any]], title: str, progress: str | None = None
) -> str:
    """index.html: one sortable row per set; offline (no network), linking the
    set folders beside it for reports and thumbnails, and `progress` (the
    progress page beside it, by name) when given."""
    from hingecam.report.html import environment, page_css
    from hingecam.report.wording import day_time

    view_rows = [
        {
            **r,
            "exercise_label": _label(r["exercise"])
            + EXERCISE_HOW.get(r.get("exercise_recognised", ""), ""),
            "view_label": _label(r["view"]),
            "recorded_label": day_time(r.get("recorded_at") or None)
            if r.get("recorded_at")
            else "no date",
            "report_href": href(r["report"]),
            "thumbnail_href": href(r["thumbnail"]) if r.get("thumbnail") else None,
        }
        for r in rows
    ]
    template = environment().get_template("index.html.j2")
    return template.render(
        title=title,
        rows=view_rows,
        totals=totals(rows),
        css=Markup(page_css()),
        progress_href=href(progress) if progress else None,
    )


def write_index(
    out: Path,
    folders: Sequence[Path] | None = None,
    *,
    known: Mapping[Path, dict[str, Any]] | None = None,
    problems: list[str] | None = None,
    pictures: PictureFn | None = None,
) -> dict[str, Path]:
    """Write OUT/index.html, summary.csv and summary.json, and the progress
    page (progress.html, progress.csv), each atomically, from `folders`
    (default: every set folder of OUT), each report read once; `known`:
    reports already read, by folder; `problems`: gets a line per report left
    out; `pictures`: draws the progress page's best and worst reps. Returns
    {"html"|"csv"|"json"|"progress_html"|"progress_csv": path}."""
    diary = DiaryBuilder()
    rows = load_rows(
        set_folders(out) if folders is None else folders, known, problems, diary
    )
    texts = {
        "html": render_index(
            rows, f"hingecam · {out.resolve().name}", PROGRESS_NAMES["html"]
        ),
        "csv": summary_csv(out, rows),
        "json": summary_json(rows),
    }
    written = write_progress(out, diary, pictures=pictures)
    paths = {k: write_atomic(out / INDEX_NAMES[k], t) for k, t in texts.items()}
    return {**paths, **{f"progress_{k}": p for k, p in written.items()}}
