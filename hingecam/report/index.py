"""The batch index: OUT/index.html, OUT/summary.csv and OUT/summary.json, rebuilt
from the per-set folders' report.json and reps.csv alone (no re-analysis)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from hingecam.files import readable, write_atomic
from hingecam.report.build import ReportStatus
from hingecam.report.outputs import (
    CSV_NAME,
    HTML_NAME,
    INDEX_NAMES,
    REPORT_NAME,
    THUMBNAIL_NAME,
)

INDEX_SCHEMA_VERSION = "1.0"


def set_folders(out: Path) -> list[Path]:
    """The set folders of OUT: its direct subfolders holding a report.json, by
    name; hidden ones (a run's staged `.NAME.*.tmp` folders) never."""
    if not out.is_dir():
        return []
    return sorted(
        (
            p
            for p in out.iterdir()
            if not p.name.startswith(".") and (p / REPORT_NAME).is_file()
        ),
        key=lambda p: p.name,
    )


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
    return {
        "set": folder.name,
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
) -> list[dict[str, Any]]:
    """Rows of the folders whose report.json parses (others are left out);
    `known` holds reports already read (a rerun's skip check read them); one
    line per folder left out for a damaged or foreign report goes to `problems`."""
    rows = []
    for folder in folders:
        report = (known or {}).get(folder)
        try:
            if report is None:
                text = (folder / REPORT_NAME).read_text(encoding="utf-8")
                report = json.loads(text)
        except (OSError, ValueError):
            continue
        try:
            if not isinstance(report, dict):
                raise TypeError("not a JSON object")
            rows.append(set_row(folder, report))
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            if problems is not None:
                problems.append(
                    f"{readable(folder / REPORT_NAME)}: not a hingecam report "
                    f"({type(exc).__name__}: {exc}); left out of the index"
                )
    return rows


def href(relative: str) -> str:
    """A link to a file beside index.html: "./" and each path segment
    percent-encoded, so a set named "javascript:x", "a#b" or "a?b" is a plain
    relative link to its own folder."""
    return "./" + "/".join(quote(part, safe="") for part in relative.split("/"))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula."""


def cell(value: str) -> str:
    """A summary.csv cell a spreadsheet shows as text: one that would start a
    formula (=, +, -, @) gets a leading apostrophe; numbers stay numbers."""
    if value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def summary_csv(out: Path, rows: Sequence[dict[str, Any]]) -> str:
    """Every set's reps.csv in one table: a `set` column, then the reps.csv
    columns (the union, in first-seen order; a column a set lacks is empty)."""
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
        records.extend(
            {k: cell(v or "") for k, v in {"set": row["set"], **rec}.items() if k}
            for rec in reader
        )
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, ["set", *columns], restval="", lineterminator="\n", extrasaction="ignore"
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


def render_index(rows: Sequence[dict[str, Any]], title: str) -> str:
    """index.html: one sortable row per set; offline (no network), linking the
    set folders beside it for reports and thumbnails."""
    from hingecam.report.html import environment, page_css

    view_rows = [
        {
            **r,
            "exercise_label": _label(r["exercise"])
            + EXERCISE_HOW.get(r.get("exercise_recognised", ""), ""),
            "view_label": _label(r["view"]),
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
    )


def write_index(
    out: Path,
    folders: Sequence[Path] | None = None,
    *,
    known: Mapping[Path, dict[str, Any]] | None = None,
    problems: list[str] | None = None,
) -> dict[str, Path]:
    """Write OUT/index.html, summary.csv and summary.json (each atomically) from
    `folders` (default: every set folder of OUT); `known`: reports already read,
    by folder; `problems`: gets a line per report left out. Returns
    {"html"|"csv"|"json": path}."""
    rows = load_rows(set_folders(out) if folders is None else folders, known, problems)
    texts = {
        "html": render_index(rows, f"hingecam · {out.resolve().name}"),
        "csv": summary_csv(out, rows),
        "json": summary_json(rows),
    }
    return {k: write_atomic(out / INDEX_NAMES[k], t) for k, t in texts.items()}
