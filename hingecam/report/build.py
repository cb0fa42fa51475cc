"""Report stage: AnalysisResult -> Report (schema-versioned plain values), written
as report.json, reps.csv and report.html. No cv2 here; field names are a public
contract documented in docs/report-schema.md."""

from __future__ import annotations

import enum
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

from hingecam import __version__
from hingecam.core.datatypes import (
    AnalysisResult,
    Check,
    MeasureSeries,
    Outcome,
    Recognition,
    Rep,
    Verdict,
    VerdictKind,
    View,
)
from hingecam.core.faults import Fault

SCHEMA_VERSION = "1.4"
"""Bump the minor for added keys, the major for renamed or removed ones."""

MEASURE_LABELS: Mapping[str, tuple[str, str]] = {
    "trunk_incline_deg": ("Trunk incline", "deg"),
    "hip_flexion_deg": ("Hip flexion", "deg"),
    "knee_flexion_deg": ("Knee flexion", "deg"),
    "spine_bow_norm": ("Spine bow", "chord"),
    "shin_incline_deg": ("Shin incline", "deg"),
    "thigh_incline_deg": ("Thigh incline", "deg"),
    "hip_back_norm": ("Hips back", "norm"),
    "hip_height_norm": ("Hip height", "norm"),
    "shoulder_height_norm": ("Shoulder height", "norm"),
    "head_offset_deg": ("Head offset", "deg"),
}
"""MeasureSeries field -> (label, unit) for display."""

VIEW_LABELS: Mapping[View, str] = {
    View.SIDE: "side view",
    View.OBLIQUE: "oblique (about 45°) view",
    View.FRONT: "front or back view",
    View.UNKNOWN: "unknown view",
}

PEAK_LABELS: Mapping[str, tuple[str, str]] = {
    "trunk_incline_bottom_deg": ("Trunk at bottom", "deg"),
    "trunk_incline_max_deg": ("Trunk, most", "deg"),
    "hip_flexion_max_deg": ("Hip flexion, most", "deg"),
    "knee_flexion_bottom_deg": ("Knee at bottom", "deg"),
    "knee_flexion_min_deg": ("Knee, least", "deg"),
    "shin_incline_bottom_deg": ("Shin at bottom", "deg"),
    "spine_bow_max_norm": ("Spine bow, most", "chord"),
    "head_offset_bottom_deg": ("Head offset at bottom", "deg"),
    "stoop_squat_index": ("Stoop-squat index", "0..100"),
}
"""Rep peak name (rules.rep_peaks) -> (label, unit), in reps.csv column order."""

CSV_PEAK_FIELDS: tuple[str, ...] = tuple(PEAK_LABELS)
"""Peaks always written as `peak_<name>` columns of reps.csv, in this order;
other peak names a rep carries follow them, sorted."""


def peak_label(name: str) -> tuple[str, str]:
    """(label, unit) for a peak or measure name; the unit comes from the suffix."""
    if name in PEAK_LABELS:
        return PEAK_LABELS[name]
    if name in MEASURE_LABELS:
        return MEASURE_LABELS[name]
    for suffix, unit in (("_deg", "deg"), ("_norm", "norm"), ("_s", "s")):
        if name.endswith(suffix):
            return name[: -len(suffix)].replace("_", " ").capitalize(), unit
    return name.replace("_", " ").capitalize(), ""


@dataclass(frozen=True)
class Report:
    """The rep report as plain values; `to_dict()` is what report.json holds.

    Attributes:
        meta: provenance: versions, source, video, exercise, view, thresholds.
        summary: rep count, per-fault counts, main focus, a verdict per rep.
        setup: the reference posture the reps are compared with.
        notes: sentences on what could and could not be judged.
        reps: one dict per rep with times, peaks and checks.
        schema_version: version of this layout.
    """

    meta: dict[str, Any]
    summary: dict[str, Any]
    setup: dict[str, Any]
    notes: tuple[str, ...]
    reps: tuple[dict[str, Any], ...]
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: enums as values, NaN and infinities as None."""
        data: dict[str, Any] = jsonable(
            {
                "schema_version": self.schema_version,
                "meta": self.meta,
                "summary": self.summary,
                "setup": self.setup,
                "notes": list(self.notes),
                "reps": list(self.reps),
            }
        )
        return data


def jsonable(value: Any) -> Any:
    """`value` as JSON takes it: enums as their values, numpy numbers as Python
    ones, NaN and infinities as None, mappings and sequences converted within.

    Raises:
        TypeError: a value JSON cannot hold.
    """
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, Mapping):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} in a report")


def person_found(series: MeasureSeries) -> bool:
    """True when any frame has any finite measure."""
    for name in MeasureSeries.ANGLE_FIELDS:
        values = np.asarray(getattr(series, name), dtype=np.float64)
        if values.size and np.isfinite(values).any():
            return True
    return False


def _round_s(value: float) -> float:
    """Seconds to 0.1 ms, so 2.6 is not written as 2.5999999999999996."""
    return round(value, 4) if math.isfinite(value) else value


def _check_dict(check: Check) -> dict[str, Any]:
    return {
        "fault": check.fault,
        "label": check.label,
        "outcome": check.outcome,
        "tentative": check.tentative,
        "measured": check.measured,
        "threshold": check.threshold,
        "unit": check.unit,
        "t_s": _round_s(check.t_s),
        "frame": check.frame if check.frame >= 0 else None,
        "severity": check.severity,
        "cue": check.cue,
        "reason": check.reason,
        "confidence": None
        if check.confidence is None
        else {
            "level": check.confidence.level,
            "view": check.confidence.view,
            "seen_share": check.confidence.seen_share,
            "margin_ratio": check.confidence.margin_ratio,
            "words": check.confidence.words,
        },
    }


def _rep_dict(rep: Rep) -> dict[str, Any]:
    return {
        "index": rep.index,
        "start_s": _round_s(rep.start_s),
        "bottom_s": _round_s(rep.bottom_s),
        "end_s": _round_s(rep.end_s),
        "start_frame": rep.start_frame,
        "bottom_frame": rep.bottom_frame,
        "end_frame": rep.end_frame,
        "duration_s": _round_s(rep.duration_s),
        "descent_s": _round_s(rep.descent_s),
        "ascent_s": _round_s(rep.ascent_s),
        "view": rep.view,
        "verdict": rep.verdict.label,
        "severity": rep.verdict.severity,
        "peaks": rep.peaks.to_dict(),
        "checks": [_check_dict(c) for c in rep.checks],
    }


def _fault_counts(reps: Sequence[Rep]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for fault in Fault:
        c = {o.value: 0 for o in Outcome}
        for rep in reps:
            check = rep.check(fault)
            if check is not None:
                c[check.outcome.value] += 1
        counts[fault.value] = c
    return counts


def _main_focus(reps: Sequence[Rep]) -> dict[str, Any] | None:
    """The most often flagged fault; ties go to the more severe, then enum order."""
    by_fault: dict[Fault, list[tuple[int, Check]]] = {}
    for rep in reps:
        for check in rep.verdict.flags:
            by_fault.setdefault(check.fault, []).append((rep.index, check))
    if not by_fault:
        return None

    def rank(item: tuple[Fault, list[tuple[int, Check]]]) -> tuple[int, int, int]:
        fault, hits = item
        worst = max(c.severity.rank for _, c in hits)
        return (len(hits), worst, -list(Fault).index(fault))

    fault, hits = max(by_fault.items(), key=rank)
    cues = Counter(c.cue for _, c in hits if c.cue and not c.tentative) or Counter(
        c.cue for _, c in hits if c.cue
    )
    # Counter.most_common keeps first-seen order among ties.
    cue = cues.most_common(1)[0][0] if cues else ""
    severity = max((c.severity for _, c in hits), key=lambda s: s.rank)
    # Only tentative flags: the thing to work on is a check ("check your back").
    sure = [c for _, c in hits if not c.tentative]
    return {
        "fault": fault,
        "label": fault.label if sure else hits[0][1].label,
        "reps_flagged": len(hits),
        "reps": [i for i, _ in hits],
        "severity": severity,
        "cue": cue,
    }


def _not_judged(reps: Sequence[Rep]) -> list[dict[str, Any]]:
    """Faults that no rep could be judged on, with the first reason given."""
    out: list[dict[str, Any]] = []
    for fault in Fault:
        checks = [r.check(fault) for r in reps]
        present = [c for c in checks if c is not None]
        if present and all(c.outcome is Outcome.NOT_JUDGED for c in present):
            out.append(
                {
                    "fault": fault,
                    "label": fault.label,
                    "reps": len(present),
                    "reason": next((c.reason for c in present if c.reason), ""),
                }
            )
    return out


class ReportStatus(str, enum.Enum):
    """summary.status of report.json: what the set amounted to."""

    OK = "ok"
    NO_PERSON = "no_person"
    NO_REPS = "no_reps"

    def __str__(self) -> str:  # printed as the string it replaced
        return str(self.value)


def _headline(
    status: ReportStatus,
    verdicts: Sequence[Verdict],
    n_flagged: int,
    focus: dict[str, Any] | None,
) -> str:
    if status is ReportStatus.NO_PERSON:
        return "No person was found in the video, so nothing could be judged."
    if status is ReportStatus.NO_REPS:
        return "A person was found, but no complete rep was counted."
    n_reps = len(verdicts)
    clean = sum(1 for v in verdicts if v.kind is VerdictKind.CLEAN)
    unjudged = sum(1 for v in verdicts if v.kind is VerdictKind.NOT_JUDGED)
    reps = f"{n_reps} rep{'s' if n_reps != 1 else ''}"
    if unjudged == n_reps:
        return f"{reps} counted, but none could be judged (see the notes)."
    parts = [f"{clean} clean"] if clean else []
    if n_flagged:
        parts.append(f"{n_flagged} flagged")
    if unjudged:
        parts.append(f"{unjudged} not judged")
    if n_flagged == 0 and not unjudged:
        return f"{reps}, nothing flagged."
    text = f"{reps}: {', '.join(parts)}."
    if focus is not None:
        text += (
            f" Main thing to work on: {focus['label']}"
            f" ({focus['reps_flagged']} of {n_reps} reps)."
        )
    return text


def build_report(
    result: AnalysisResult,
    *,
    created: datetime | None = None,
    last_time: Mapping[str, Any] | None = None,
) -> Report:
    """Turn one analysed set into the report's plain values.

    Args:
        result: the pipeline's output for one set.
        created: report time (UTC); now when None. Pass one to make output
            reproducible.
        last_time: the set it is compared with (`summary.last_time`, see
            diary_rows.last_time: a live session's previous one), or None.

    Returns:
        A Report; `report.to_dict()` is the content of report.json.
    """
    when = (created or datetime.now(timezone.utc)).astimezone(timezone.utc)
    video = result.video
    reps = tuple(sorted(result.reps, key=lambda r: r.index))
    found = person_found(result.series)
    status = (
        ReportStatus.NO_PERSON
        if not found
        else (ReportStatus.NO_REPS if not reps else ReportStatus.OK)
    )
    flagged = [r for r in reps if r.verdict.flags]
    focus = _main_focus(reps)
    verdicts = [r.verdict for r in reps]

    meta = {
        "hingecam_version": __version__,
        "created_utc": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "recorded": video.recorded.to_dict(),
        "athlete": result.athlete,
        "source": video.name,
        "video": {
            "name": video.name,
            "width": video.width,
            "height": video.height,
            "fps": video.fps,
            "frames": video.frames,
            "duration_s": _round_s(video.duration_s),
            "rotation_deg": video.rotation_deg,
        },
        "exercise": {
            "requested": result.exercise_requested,
            "used": result.exercise,
            "recognised": _recognised(result.recognition),
        },
        "model": dict(result.model) or None,
        "view": result.view,
        "side": result.side,
        "thresholds": dict(sorted(result.thresholds.items())),
    }
    summary = {
        "status": status,
        "person_found": found,
        "headline": _headline(status, verdicts, len(flagged), focus),
        "rep_count": len(reps),
        "reps_with_fault": len(flagged),
        "reps_clean": sum(v.kind is VerdictKind.CLEAN for v in verdicts),
        "reps_not_judged": sum(v.kind is VerdictKind.NOT_JUDGED for v in verdicts),
        "fault_counts": _fault_counts(reps),
        "main_focus": focus,
        "not_judged": _not_judged(reps),
        "rep_verdicts": [
            {
                "index": r.index,
                "verdict": r.verdict.label,
                "severity": r.verdict.severity,
                "faults": [c.fault for c in r.verdict.flags],
            }
            for r in reps
        ],
        "last_time": dict(last_time) if last_time is not None else None,
    }
    setup = {
        "calibrated": result.setup is not None,
        "measures": result.setup.to_dict() if result.setup else {},
    }
    return Report(
        meta=meta,
        summary=summary,
        setup=setup,
        notes=tuple(result.notes),
        reps=tuple(_rep_dict(r) for r in reps),
    )


def _recognised(recognition: Recognition | None) -> dict[str, Any] | None:
    """meta.exercise.recognised: what auto read the movement as, or None when an
    exercise was named."""
    if recognition is None:
        return None
    return {
        "exercise": recognition.exercise,
        "confidence": recognition.sureness,
        "reps_read": recognition.reps,
        "reps_agreeing": recognition.agreeing,
        "reason": recognition.reason,
    }
