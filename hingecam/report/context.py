"""Report page context: AnalysisResult + report dict -> plain view-model values
that the Jinja2 templates lay out (all decisions and wording made here)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hingecam.core.datatypes import (
    AnalysisResult,
    Check,
    Exercise,
    Outcome,
    Rep,
    View,
)
from hingecam.core.faults import Fault
from hingecam.core.profiles import PROFILES
from hingecam.core.thresholds import describe
from hingecam.report.build import (
    MEASURE_LABELS,
    VIEW_LABELS,
    ReportStatus,
)
from hingecam.report.cards import (
    Card,
    Chip,
    card,
    checked_faults,
    chip,
    portrait,
)
from hingecam.report.diary_rows import since_last_of
from hingecam.report.wording import (
    OUTCOME_WORDS,
    SYMBOLS,
    and_list,
    article,
    cap,
    clock,
    evidence,
    num,
    rate_words,
    recorded_words,
    secs,
    sentence,
    vs_limit,
    when,
)

_SETUP_UNITS = ("deg", "chord")
"""Setup measures a coach can read; normalized heights stay in report.json."""


@dataclass(frozen=True, slots=True)
class Focus:
    """The summary's right column: what to work on next."""

    cls: str
    label: str
    what: str
    detail: str
    cue: str = ""


@dataclass(frozen=True, slots=True)
class NotJudged:
    """One notes line: these checks were not judged on any rep, and why."""

    names: str
    verb: str
    reason: str


@dataclass(frozen=True, slots=True)
class Notes:
    """The notes callout; `view` is set (e.g. 'an oblique view') when it limited."""

    title: str
    not_judged: tuple[NotJudged, ...]
    notes: tuple[str, ...]
    view: str = ""


@dataclass(frozen=True, slots=True)
class Cell:
    """One check mark in the table; `value` is the measured value or ''."""

    outcome: str
    severity: str
    title: str
    word: str
    symbol: str
    value: str


@dataclass(frozen=True, slots=True)
class Row:
    """One rep's table row; `cells` has None where the rep has no such check."""

    index: int
    times: str
    length: str
    down_up: str
    cells: tuple[Cell | None, ...]
    chip: Chip
    cues: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Value:
    """A label and value in a key-value grid, with an optional tooltip."""

    label: str
    shown: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    """Everything report.html.j2 shows, as plain text and numbers."""

    title: str
    exercise: str
    meta: tuple[tuple[str, str], ...]
    status: ReportStatus
    rep_count: int
    tally: str
    chips: tuple[Chip, ...]
    focus: Focus
    notes: Notes | None
    faults: tuple[str, ...]
    rows: tuple[Row, ...]
    cards: tuple[Card, ...]
    portrait: bool
    setup: tuple[Value, ...]
    limits: tuple[Value, ...]
    version: str
    schema_version: str
    created: str
    since: tuple[str, str] | None = None  # (comparison line, which set and when)


def _judged_faults(reps: list[Rep]) -> list[Fault]:
    """Checked faults judged on at least one rep (the rest are in the notes)."""
    return [
        f
        for f in checked_faults(reps)
        if any(
            (c := r.check(f)) is not None and c.outcome is not Outcome.NOT_JUDGED
            for r in reps
        )
    ]


def _view_limited(result: AnalysisResult) -> bool:
    limiting = (View.OBLIQUE, View.FRONT)
    return result.view in limiting or any(r.view in limiting for r in result.reps)


def exercise_words(result: AnalysisResult) -> tuple[str, str]:
    """The exercise's name and how it was chosen: ("Deadlift", "recognised,
    high confidence"), ("Hip hinge", "not recognised"), ("Squat", "as
    requested")."""
    exercise = PROFILES[result.exercise].label
    recognition = result.recognition
    if result.exercise_requested is Exercise.AUTO:
        if recognition is not None and recognition.recognised:
            return exercise, f"recognised, {recognition.sureness.value} confidence"
        return exercise, "not recognised"
    if result.exercise_requested is not result.exercise:
        requested = PROFILES[result.exercise_requested].label
        return exercise, f"asked for {requested}"
    return exercise, "as requested"


def _meta(result: AnalysisResult, created_utc: str | None) -> list[tuple[str, str]]:
    exercise, note = exercise_words(result)
    video = result.video
    side = f", {result.side.value} side nearer" if result.side is not None else ""
    length = f"{secs(video.duration_s)} · {video.frames} frames{rate_words(video)}"
    who = [("Athlete", result.athlete)] if result.athlete else []
    return [
        *who,
        ("Source", video.name),
        ("Recorded", recorded_words(video.recorded)),
        ("Analysed", when(created_utc)),
        ("Exercise", f"{exercise} ({note})"),
        ("Camera", VIEW_LABELS.get(result.view, result.view.value) + side),
        ("Length", length),
    ]


def _tally(summary: dict[str, Any], *, limited: bool) -> str:
    """The left column's sentence; the focus is on the right, so not repeated."""
    n = summary["rep_count"]
    if summary["status"] != ReportStatus.OK:
        return str(summary["headline"])
    flagged, clean = summary["reps_with_fault"], summary["reps_clean"]
    unjudged = summary["reps_not_judged"]
    if unjudged == n:
        return "None of them could be judged: see the note below."
    caveat = " in what could be judged" if limited and summary["not_judged"] else ""
    if flagged == 0 and not unjudged:
        return f"Nothing was flagged on any rep{caveat}."
    parts = [f"{clean} clean{caveat}"]
    if flagged:
        parts.append(f"{flagged} with something to work on")
    if unjudged:
        parts.append(f"{unjudged} not judged")
    return ", ".join(parts) + "."


def _rep_title(rep: Rep) -> str:
    flags = rep.verdict.flags
    if not flags:
        return f"Rep {rep.index}: {rep.verdict.label}"
    return f"Rep {rep.index}: " + " ".join(evidence(c) for c in flags)


def _focus(summary: dict[str, Any]) -> Focus:
    n = summary["rep_count"]
    focus = summary["main_focus"]
    work_on = "Main thing to work on"
    if focus is not None:
        rep_list = and_list([str(i) for i in focus["reps"]])
        word = "rep" if len(focus["reps"]) == 1 else "reps"
        return Focus(
            focus["severity"],
            work_on,
            focus["label"],
            f"Flagged on {word} {rep_list} of {n}.",
            cap(focus["cue"]) if focus["cue"] else "",
        )
    if summary["status"] == ReportStatus.OK and summary["reps_clean"] == 0:
        return Focus(
            "note",
            work_on,
            "Nothing could be judged",
            "The reps were counted, but the checks need a clearer view. Film "
            "side-on with the camera at hip height, 2-4 m away, your whole body "
            "from head to feet in frame.",
        )
    if summary["status"] == ReportStatus.OK:
        return Focus(
            "clean",
            work_on,
            "Nothing flagged",
            "Every check that could be judged was within its limit. Keep filming "
            "from the side to track it over time.",
        )
    return Focus(
        "note",
        "Next step",
        "Film a new set",
        "Stand side-on to the camera, with the camera at hip height, 2-4 m away, "
        "your whole body from head to feet in frame, in even light.",
    )


def _notes(result: AnalysisResult, summary: dict[str, Any]) -> Notes | None:
    not_judged = summary["not_judged"]
    limited = _view_limited(result)
    if not (result.notes or not_judged or limited):
        return None
    by_reason: dict[str, list[str]] = {}
    for item in not_judged:
        by_reason.setdefault(item["reason"], []).append(item["label"])
    items = tuple(
        NotJudged(
            cap(and_list(labels)),
            "was" if len(labels) == 1 else "were",
            sentence(reason) if reason else "",
        )
        for reason, labels in by_reason.items()
    )
    notes = tuple(sentence(note) for note in result.notes)
    if limited:
        view = VIEW_LABELS.get(result.view, result.view.value)
        title = "The camera view limited what could be judged"
        return Notes(title, items, notes, article(view))
    return Notes("What could and could not be judged", items, notes)


def _cell(check: Check | None) -> Cell | None:
    if check is None:
        return None
    value = ""
    if check.outcome is not Outcome.NOT_JUDGED and math.isfinite(check.measured):
        value = vs_limit(check)[0]
    return Cell(
        check.outcome.value,
        check.severity.value,
        evidence(check),
        OUTCOME_WORDS[check.outcome],
        SYMBOLS[check.outcome],
        value,
    )


def _row(rep: Rep, faults: list[Fault]) -> Row:
    cues = tuple(
        cap(c) for c in dict.fromkeys(c.cue for c in rep.verdict.flags if c.cue)
    )
    return Row(
        rep.index,
        f"{clock(rep.start_s)}–{clock(rep.end_s)}",
        secs(rep.duration_s),
        f"{secs(rep.descent_s)} / {secs(rep.ascent_s)}",
        tuple(_cell(rep.check(f)) for f in faults),
        chip(rep),
        cues,
    )


def _setup_values(setup: Mapping[str, float]) -> tuple[Value, ...]:
    values = []
    for key, value in setup.items():
        label, unit = MEASURE_LABELS.get(key, (key, ""))
        if unit in _SETUP_UNITS:
            values.append(Value(label, num(value, unit)))
    return tuple(values)


def _limit_values(thresholds: Mapping[str, float]) -> tuple[Value, ...]:
    docs = {name: (unit, doc) for name, _, unit, _, doc in describe()}
    values = []
    for key, value in thresholds.items():
        unit, doc = docs.get(key, ("", ""))
        shown = "—" if not math.isfinite(value) else f"{value:g}"
        if shown != "—":
            shown += {"deg": "°", "s": " s", "Hz": " Hz"}.get(unit, "")
        values.append(Value(key, shown, doc))
    return tuple(values)


def page_context(result: AnalysisResult, report: dict[str, Any]) -> Page:
    """The report page's content, ready for the templates.

    Args:
        result: the analysed set (reps, thumbnails, setup, thresholds).
        report: `Report.to_dict()` of the same set (summary, meta, versions).

    Returns:
        A `Page` of plain strings, numbers and small frozen records.
    """
    summary = report["summary"]
    meta = report["meta"]
    reps = sorted(result.reps, key=lambda r: r.index)
    faults = _judged_faults(reps)
    exercise, _ = exercise_words(result)
    said = frozenset(
        (Fault(item["fault"]), item["reason"]) for item in summary["not_judged"]
    )
    return Page(
        title=f"hingecam report: {result.video.name}",
        exercise=exercise,
        meta=tuple(_meta(result, meta["created_utc"])),
        status=ReportStatus(summary["status"]),
        rep_count=summary["rep_count"],
        tally=_tally(summary, limited=_view_limited(result)),
        chips=tuple(chip(r, _rep_title(r)) for r in reps),
        focus=_focus(summary),
        notes=_notes(result, summary),
        faults=tuple(f.label for f in faults),
        rows=tuple(_row(r, faults) for r in reps),
        cards=tuple(card(r, result.thumbnails.get(r.index), said) for r in reps),
        portrait=portrait(result.thumbnails.values()),
        setup=_setup_values(result.setup.to_dict() if result.setup else {}),
        limits=_limit_values(result.thresholds) if result.thresholds else (),
        version=str(meta["hingecam_version"]),
        schema_version=str(report["schema_version"]),
        created=when(meta["created_utc"]),
        since=since_last_of(summary),
    )
