"""Write a run's report files: report.json, reps.csv and report.html, each atomically."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from hingecam.core.datatypes import AnalysisResult, Outcome
from hingecam.core.faults import Fault
from hingecam.files import write_atomic  # one atomic writer for every layer
from hingecam.report.build import (
    CSV_PEAK_FIELDS,
    Report,
    build_report,
    jsonable,
)
from hingecam.report.outputs import OUTPUT_NAMES


def report_json(report: Report) -> str:
    """report.json text: indented, NaN as null, UTF-8 kept readable."""
    return (
        json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        + "\n"
    )


def write_json(report: Report, path: Path) -> Path:
    """Write report.json atomically; returns the path."""
    return write_atomic(Path(path), report_json(report))


CSV_COLUMNS: tuple[str, ...] = (
    "rep",
    "start_s",
    "bottom_s",
    "end_s",
    "start_frame",
    "bottom_frame",
    "end_frame",
    "duration_s",
    "descent_s",
    "ascent_s",
    "view",
    *(f"peak_{m}" for m in CSV_PEAK_FIELDS),
    *(f.value for f in Fault),
    "verdict",
    "cues",
)
"""reps.csv header, in order, for reps whose peaks are all in CSV_PEAK_FIELDS."""


def _csv_cell(value: Any) -> Any:
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.1f}"
    return value


def _peak_names(report: Report) -> tuple[str, ...]:
    extra = sorted({k for r in report.reps for k in r["peaks"]} - set(CSV_PEAK_FIELDS))
    return (*CSV_PEAK_FIELDS, *extra)


def csv_columns(report: Report) -> tuple[str, ...]:
    """reps.csv header for this report: CSV_COLUMNS plus any extra peak columns."""
    peaks = tuple(f"peak_{m}" for m in _peak_names(report))
    i = CSV_COLUMNS.index(f"peak_{CSV_PEAK_FIELDS[-1]}") + 1
    return (*CSV_COLUMNS[: i - len(CSV_PEAK_FIELDS)], *peaks, *CSV_COLUMNS[i:])


def reps_csv(report: Report) -> str:
    """reps.csv text: a header row, then one row per rep (see csv_columns)."""
    peak_names = _peak_names(report)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(csv_columns(report))
    for rep in report.reps:
        outcomes: dict[str, str] = {}
        for check in rep["checks"]:
            key = jsonable(check["fault"])
            outcome = jsonable(check["outcome"])
            old = outcomes.get(key)
            if old is None or Outcome(outcome).rank > Outcome(old).rank:
                outcomes[key] = outcome
        cues = [
            c["cue"]
            for c in rep["checks"]
            if jsonable(c["outcome"]) == Outcome.FLAGGED.value and c["cue"]
        ]
        row = [
            rep["index"],
            rep["start_s"],
            rep["bottom_s"],
            rep["end_s"],
            rep["start_frame"],
            rep["bottom_frame"],
            rep["end_frame"],
            rep["duration_s"],
            rep["descent_s"],
            rep["ascent_s"],
            rep["view"],
            *(rep["peaks"].get(m, math.nan) for m in peak_names),
            *(outcomes.get(f.value, "") for f in Fault),
            rep["verdict"],
            " | ".join(dict.fromkeys(cues)),
        ]
        writer.writerow([_csv_cell(v) for v in row])
    return buf.getvalue()


def write_csv(source: AnalysisResult | Report, path: Path) -> Path:
    """Write reps.csv atomically from a result or a built report; returns the path."""
    report = source if isinstance(source, Report) else build_report(source)
    return write_atomic(Path(path), reps_csv(report))


def write_outputs(
    result: AnalysisResult,
    out_dir: Path,
    *,
    created: datetime | None = None,
    last_time: Mapping[str, Any] | None = None,
) -> dict[str, Path]:
    """Write report.json, reps.csv and report.html into `out_dir`.

    Every text is rendered before any file is touched, and each file is
    replaced atomically, so a failure leaves the previous files (or none).
    `last_time`: the set it is compared with (build_report), or None.

    Returns:
        {"json": path, "csv": path, "html": path}.
    """
    from hingecam.report.html import render_html  # the report page only when written

    report = build_report(result, created=created, last_time=last_time)
    texts = {
        "json": report_json(report),
        "csv": reps_csv(report),
        "html": render_html(result, report=report),
    }
    out_dir = Path(out_dir)
    return {
        kind: write_atomic(out_dir / OUTPUT_NAMES[kind], text)
        for kind, text in texts.items()
    }
