"""Set folders for practice-diary tests: report.json files shaped like the ones
`hingecam analyze` and `live` write (docs/report-schema.md), with chosen dates,
athletes, exercises and faults per rep, and no video or pose track."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hingecam.core.faults import Fault

JUDGED = ("rounded_spine", "locked_knees", "squat_pattern", "hips_rise_first")
"""The faults every generated rep is checked for (judged ok or flagged)."""


def _check(fault: str, flagged: bool, judged: bool, frame: int) -> dict[str, Any]:
    label = Fault(fault).label
    return {
        "fault": fault,
        "label": label,
        "outcome": ("flagged" if flagged else "ok") if judged else "not_judged",
        "tentative": False,
        "measured": (0.3 if flagged else 0.1) if judged else None,
        "threshold": 0.2 if judged else None,
        "unit": "chord",
        "t_s": frame / 30 if judged else None,
        "frame": frame if judged else None,
        "severity": "fault",
        "cue": f"fix the {label}",
        "reason": f"{label}: measured against its limit",
        "confidence": {
            "level": "high",
            "view": "side",
            "seen_share": 1.0,
            "margin_ratio": 0.5,
            "words": "high confidence",
        }
        if judged
        else None,
    }


def report_dict(
    *,
    at: str | None,
    athlete: str | None = None,
    exercise: str = "deadlift",
    flags: Sequence[Sequence[str]] = (),
    unjudged: int = 0,
    recorded_from: str = "video_metadata",
    schema: str = "1.4",
    source: str = "set.mp4",
) -> dict[str, Any]:
    """One set's report.json: a rep per entry of `flags` (the faults flagged
    on it, each of JUDGED judged), then `unjudged` reps nothing could judge.
    `schema` "1.3" leaves out what 1.4 added (meta.recorded, meta.athlete)."""
    reps: list[dict[str, Any]] = []
    counts = {f.value: {"ok": 0, "flagged": 0, "not_judged": 0} for f in Fault}
    all_reps = [(tuple(f), True) for f in flags] + [((), False)] * unjudged
    for i, (flagged, judged) in enumerate(all_reps, 1):
        checks = [_check(f, f in flagged, judged, 30 * i + 10) for f in JUDGED]
        for c in checks:
            counts[c["fault"]][c["outcome"]] += 1
        labels = [Fault(f).label for f in JUDGED if f in flagged]
        verdict = ", ".join(labels) if labels else ("clean" if judged else "not judged")
        reps.append(
            {
                "index": i,
                "start_s": 30 * i / 30,
                "bottom_s": (30 * i + 10) / 30,
                "end_s": (30 * i + 25) / 30,
                "start_frame": 30 * i,
                "bottom_frame": 30 * i + 10,
                "end_frame": 30 * i + 25,
                "duration_s": 0.8333,
                "descent_s": 0.3333,
                "ascent_s": 0.5,
                "view": "side",
                "verdict": verdict,
                "severity": "fault" if labels else None,
                "peaks": {"trunk_incline_bottom_deg": 60.0},
                "checks": checks,
            }
        )
    n = len(reps)
    faulty = sum(1 for f, j in all_reps if j and f)
    clean = sum(1 for f, j in all_reps if j and not f)
    meta: dict[str, Any] = {
        "hingecam_version": "0.1.0",
        "created_utc": "2025-06-01T00:00:00Z",
        "source": source,
        "video": {"name": source, "width": 640, "height": 360, "fps": 30.0},
        "exercise": {"requested": "auto", "used": exercise, "recognised": None},
        "model": None,
        "view": "side",
        "side": "left",
        "thresholds": {"min_visibility": 0.5},
    }
    if schema >= "1.4":
        meta["recorded"] = {"at": at, "from": recorded_from if at else "unknown"}
        meta["athlete"] = athlete
    return {
        "schema_version": schema,
        "meta": meta,
        "summary": {
            "status": "ok" if n else "no_reps",
            "person_found": True,
            "headline": f"{n} reps",
            "rep_count": n,
            "reps_with_fault": faulty,
            "reps_clean": clean,
            "reps_not_judged": unjudged,
            "fault_counts": counts,
            "main_focus": None,
            "not_judged": [],
            "rep_verdicts": [],
            "last_time": None,
        },
        "setup": {"calibrated": True, "measures": {}},
        "notes": [],
        "reps": reps,
    }


def write_set(out: Path, name: str, report: dict[str, Any]) -> Path:
    """out/name/report.json; returns the set folder."""
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return folder
