"""Report page: AnalysisResult -> one self-contained, offline HTML file (inline CSS,
inline SVG plot, thumbnails as data URIs; no URL to anything outside)."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from typing import Any

from hingecam.core.datatypes import (
    AnalysisResult,
    Check,
    Exercise,
    Fault,
    Outcome,
    Rep,
    Severity,
    VerdictKind,
    View,
)
from hingecam.core.thresholds import describe
from hingecam.report.build import (
    MEASURE_LABELS,
    VIEW_LABELS,
    Report,
    build_report,
    peak_label,
)

EXERCISE_LABELS: Mapping[Exercise, str] = {
    Exercise.AUTO: "Hip hinge",
    Exercise.HINGE_DRILL: "Hip-hinge drill",
    Exercise.GOOD_MORNING: "Good morning",
    Exercise.RDL: "Romanian deadlift",
    Exercise.DEADLIFT: "Deadlift",
    Exercise.KB_SWING: "Kettlebell swing",
}

_SYMBOL = {Outcome.OK: "✓", Outcome.FLAGGED: "⚠", Outcome.NOT_JUDGED: "—"}
_OUTCOME_WORDS = {
    Outcome.OK: "ok",
    Outcome.FLAGGED: "flagged",
    Outcome.NOT_JUDGED: "not judged",
}
_CARD_PEAKS = (
    "trunk_incline_bottom_deg",
    "hip_flexion_max_deg",
    "knee_flexion_bottom_deg",
    "shin_incline_bottom_deg",
    "spine_bow_max_norm",
    "stoop_squat_index",
)
"""Peaks shown on a rep's card, in this order (all are in report.json)."""

_SETUP_UNITS = ("deg", "chord")
"""Setup measures a coach can read; normalized heights stay in report.json."""

CSS = """
:root {
  --ink: #1f2933; --muted: #5f6b7a; --line: #e3e7ec; --bg: #f4f6f8; --card: #fff;
  --accent: #1d4ed8;
  --ok: #15803d; --ok-bg: #dcfce7; --ok-ink: #14532d;
  --warn: #b45309; --warn-bg: #fef3c7; --warn-ink: #78350f;
  --fault: #b91c1c; --fault-bg: #fee2e2; --fault-ink: #7f1d1d;
  --note: #475569; --note-bg: #e2e8f0; --note-ink: #1e293b;
  --nj: #8a94a3; --nj-bg: #eef0f3;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
    Arial, "Noto Sans", "Liberation Sans", sans-serif;
  font-variant-numeric: tabular-nums;
}
.page { max-width: 1080px; margin: 0 auto; padding: 28px 20px 40px; }
h1, h2, h3 { line-height: 1.2; margin: 0; }
h1 { font-size: 28px; font-weight: 700; letter-spacing: -0.01em; }
h2 { font-size: 18px; font-weight: 650; margin-bottom: 12px; }
h3 { font-size: 16px; font-weight: 650; }
p { margin: 0; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
.brand {
  font-size: 12px; font-weight: 650; letter-spacing: 0.08em; text-transform: uppercase;
  color: var(--accent); margin-bottom: 6px;
}
header.top { margin-bottom: 20px; }
.meta {
  display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 12px 0 0; padding: 0;
}
.meta div { min-width: 0; }
.meta dt {
  font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted);
}
.meta dd { margin: 0; font-weight: 550; overflow-wrap: anywhere; }
section { margin-top: 22px; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 20px 22px; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04);
}
.summary { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr);
  gap: 24px; }
.count { display: flex; align-items: baseline; gap: 10px; }
.count .big { font-size: 46px; font-weight: 750; line-height: 1; }
.count .unit { font-size: 17px; font-weight: 600; }
.headline { margin-top: 8px; font-size: 16px; }
.chips { list-style: none; margin: 14px 0 0; padding: 0; display: flex;
  flex-wrap: wrap; gap: 8px; }
.chip {
  display: inline-flex; align-items: center; gap: 6px; border-radius: 999px;
  padding: 4px 12px 4px 10px; font-size: 13.5px; font-weight: 600;
  border: 1px solid transparent;
}
.chip::before { content: ""; width: 8px; height: 8px; border-radius: 50%;
  background: currentColor; opacity: 0.85; }
.chip b { font-weight: 750; }
.chip.clean { background: var(--ok-bg); color: var(--ok-ink); }
.chip.fault { background: var(--fault-bg); color: var(--fault-ink); }
.chip.warning { background: var(--warn-bg); color: var(--warn-ink); }
.chip.note { background: var(--note-bg); color: var(--note-ink); }
.chip.not-judged { background: var(--nj-bg); color: var(--muted); }
.focus { border-left: 4px solid var(--fault); padding: 4px 0 4px 18px; }
.focus.warning { border-color: var(--warn); }
.focus.note { border-color: var(--note); }
.focus.clean { border-color: var(--ok); }
.focus .label {
  font-size: 11px; text-transform: uppercase; letter-spacing: 0.08em;
  color: var(--muted); font-weight: 650;
}
.focus .what { font-size: 22px; font-weight: 700; margin: 4px 0 6px; }
.focus .what::first-letter { text-transform: uppercase; }
.cue { font-size: 16.5px; font-weight: 550; }
.cue::before { content: "“"; } .cue::after { content: "”"; }
.focus .muted { margin-top: 8px; font-size: 13.5px; }
.callout {
  border-radius: 12px; padding: 14px 18px; border: 1px solid var(--line);
  background: var(--card);
}
.callout.limit { background: #fffbeb; border-color: #f5d48a; }
.callout h2 { font-size: 15.5px; margin-bottom: 6px; }
.callout ul { margin: 6px 0 0; padding-left: 20px; }
.callout li + li { margin-top: 3px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 9px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
thead th {
  font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--muted); font-weight: 650; border-bottom: 2px solid var(--line);
  vertical-align: bottom;
}
thead th.chk { width: 86px; line-height: 1.25; }
tbody tr:last-child td { border-bottom: 0; }
td.num, td:first-child { white-space: nowrap; width: 1%; }
td.verdict, th.verdict { padding-left: 16px; }
td.verdict .chip { font-size: 12.5px; padding: 2px 10px 2px 8px; border-radius: 8px; }
td.chk { white-space: nowrap; text-align: center; }
th.chk { text-align: center; }
.sym { font-weight: 700; font-size: 15px; }
.val { display: block; font-size: 11.5px; color: var(--muted); }
.o-ok .sym { color: var(--ok); }
.o-flagged.s-fault .sym { color: var(--fault); }
.o-flagged.s-warning .sym { color: var(--warn); }
.o-flagged.s-note .sym { color: var(--note); }
.o-not_judged .sym { color: var(--nj); }
td.o-flagged.s-fault { background: #fff5f5; }
td.o-flagged.s-warning { background: #fffaeb; }
tr.has-cue td { border-bottom: 0; padding-bottom: 4px; }
tr.cue-row td { padding-top: 0; font-size: 13.5px; font-weight: 600; }
.cue-item { display: inline-block; margin-right: 18px; }
.cue-item::before { content: "Cue: "; color: var(--muted); font-weight: 500; }
.legend { margin-top: 10px; font-size: 12.5px; color: var(--muted); }
.legend span + span { margin-left: 14px; }
.plot svg { display: block; width: 100%; height: auto; }
.plot svg text { font-family: inherit !important; }
.reps-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
  gap: 16px; }
.rep-card { padding: 0; overflow: hidden; display: flex; flex-direction: column; }
.rep-card figure { margin: 0; background: #222831;
  aspect-ratio: var(--thumb-ratio, 16 / 9); max-height: 260px;
  display: flex; align-items: center; justify-content: center; }
.rep-card figure img { width: 100%; height: 100%; object-fit: contain; display: block; }
.rep-card figure.none { color: #aab2bd; font-size: 13px; aspect-ratio: auto;
  padding: 18px; background: #f1f3f5; }
.rep-card .body { padding: 14px 16px 16px; min-width: 0; }
.reps-grid.portrait { grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); }
.portrait .rep-card { flex-direction: row; }
.portrait .rep-card figure { flex: 0 0 38%; max-height: none; align-self: stretch;
  aspect-ratio: auto; min-height: 240px; align-items: flex-start; }
.portrait .rep-card figure img { height: auto; }
.portrait .rep-card .body { flex: 1; }
.rep-card .head { display: flex; justify-content: space-between; align-items: center;
  gap: 10px; }
.rep-card .times { font-size: 13px; color: var(--muted); margin-top: 4px; }
.peaks { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 10px 0 4px;
  font-size: 13px; }
.peaks b { font-weight: 650; }
.checks { list-style: none; padding: 0; margin: 10px 0 0; }
.checks li { display: grid; grid-template-columns: 22px 1fr; gap: 2px 6px;
  padding: 6px 0; border-top: 1px solid var(--line); font-size: 13.5px; }
.checks .name { font-weight: 650; }
.checks .name::first-letter { text-transform: uppercase; }
.checks .why { grid-column: 2; color: var(--muted); font-size: 12.5px; }
.checks .do { grid-column: 2; font-weight: 600; }
.checks .do::before { content: "Cue: "; color: var(--muted); font-weight: 500; }
.checks li.nj { color: var(--muted); }
.empty { text-align: center; padding: 34px 20px; }
.empty p + p { margin-top: 6px; }
h3.sub { margin-top: 18px; }
.kv.limits { font-size: 12.5px; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
.kv { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
  gap: 4px 24px; margin-top: 10px; font-size: 13.5px; }
.kv div { display: flex; justify-content: space-between; gap: 12px;
  border-bottom: 1px dotted var(--line); padding: 3px 0; }
.kv span:first-child { color: var(--muted); }
footer { margin-top: 30px; font-size: 12.5px; color: var(--muted); }
@media (max-width: 760px) {
  .page { padding: 18px 12px 30px; }
  .summary { grid-template-columns: 1fr; }
  h1 { font-size: 23px; }
  .count .big { font-size: 38px; }
  .plot { overflow-x: auto; }
  .reps-grid.portrait { grid-template-columns: 1fr; }
  .plot svg { min-width: 680px; }
}
@media print {
  @page { margin: 12mm; }
  body { background: #fff; font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  .card { box-shadow: none; border-color: #cfd5dc; }
  h2 { break-after: avoid; }
  .summary, .callout, .plot, .rep-card, tr { break-inside: avoid; }
  .summary { grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); }
  .table-wrap, .plot { overflow: visible; }
  .plot svg { min-width: 0; }
  .reps-grid { grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px; }
  .rep-card figure { max-height: 130px; }
  .reps-grid.portrait { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .portrait .rep-card figure { max-height: none; min-height: 0; }
  .rep-card .body { padding: 10px 12px 12px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _cap(text: str) -> str:
    """First letter upper-case: rules word cues and reasons in lower case."""
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    """Capitalised, with a full stop unless it already ends a sentence."""
    text = _cap(text.strip())
    return text if not text or text[-1] in ".!?" else text + "."


def _num(value: float, unit: str) -> str:
    """A measured value in plain words: 23°, 0.13, 1.4x; an em dash if missing."""
    if value is None or not math.isfinite(value):
        return "—"
    if unit == "deg":
        return f"{value:.0f}°"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "ratio":
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"
    if unit in ("0..100", "%"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def _vs_limit(check: Check) -> tuple[str, str]:
    """Measured and limit as text, with enough digits to tell them apart."""
    measured = _num(check.measured, check.unit)
    limit = _num(check.threshold, check.unit)
    if measured == limit and check.measured != check.threshold:
        for digits in (1, 2, 3):
            measured = f"{check.measured:.{digits}f}"
            limit = f"{check.threshold:.{digits}f}"
            if measured != limit:
                break
        if check.unit == "deg":
            measured, limit = measured + "°", limit + "°"
    return measured, limit


def _secs(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.1f} s"


def _clock(value: float) -> str:
    """Seconds as m:ss.s for times within a video."""
    if not math.isfinite(value):
        return "—"
    m, s = divmod(max(value, 0.0), 60.0)
    return f"{int(m)}:{s:04.1f}"


def _sev_class(severity: Severity | None) -> str:
    return "clean" if severity is None else severity.value


def _chip_class(rep: Rep) -> str:
    verdict = rep.verdict
    if verdict.kind is VerdictKind.CLEAN:
        return "clean"
    return "not-judged" if verdict.severity is None else verdict.severity.value


def _checked_faults(reps: Iterable[Rep]) -> list[Fault]:
    """Faults that appear in any rep's checks, in enum order."""
    seen = {c.fault for r in reps for c in r.checks}
    return [f for f in Fault if f in seen]


def _evidence(check: Check) -> str:
    """Text behind a table cell's tooltip: outcome, measured vs limit, reason."""
    words = _OUTCOME_WORDS[check.outcome]
    parts = [f"{check.fault.label.capitalize()}: {words}."]
    if check.outcome is not Outcome.NOT_JUDGED and math.isfinite(check.measured):
        measured, limit = _vs_limit(check)
        parts.append(
            f"Measured {measured} (limit {limit})"
            + (f" at {_clock(check.t_s)}" if math.isfinite(check.t_s) else "")
            + "."
        )
    if check.reason:
        parts.append(_sentence(check.reason))
    return " ".join(parts)


def _when(created_utc: str | None) -> str:
    """ "2025-03-04T05:06:07Z" as "04 Mar 2025, 05:06 UTC"."""
    created = created_utc or ""
    try:
        when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return created
    return when.strftime("%d %b %Y, %H:%M UTC")


def _header(result: AnalysisResult, report: dict[str, Any]) -> str:
    meta = report["meta"]
    exercise = EXERCISE_LABELS.get(result.exercise, result.exercise.value)
    if (
        result.exercise_requested is Exercise.AUTO
        and result.exercise is not Exercise.AUTO
    ):
        exercise_note = "detected"
    elif result.exercise_requested is not result.exercise:
        requested = EXERCISE_LABELS.get(
            result.exercise_requested, result.exercise_requested.value
        )
        exercise_note = f"asked for {requested}"
    else:
        exercise_note = "as requested"
    created_text = _when(meta["created_utc"])
    video = result.video
    side = f", {result.side.value} side nearer" if result.side is not None else ""
    items = [
        ("Source", video.name),
        ("Analysed", created_text),
        ("Exercise", f"{exercise} ({exercise_note})"),
        ("Camera", VIEW_LABELS.get(result.view, result.view.value) + side),
        (
            "Length",
            f"{_secs(video.duration_s)} · {video.frames} frames at {video.fps:.0f} fps",
        ),
    ]
    meta_html = "".join(
        f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in items
    )
    return (
        '<header class="top"><div class="brand">hingecam · rep report</div>'
        f"<h1>{_e(exercise)}</h1>"
        f'<dl class="meta">{meta_html}</dl></header>'
    )


def _summary(result: AnalysisResult, report: dict[str, Any]) -> str:
    summary = report["summary"]
    n = summary["rep_count"]
    reps = sorted(result.reps, key=lambda r: r.index)
    chips = "".join(
        f'<li class="chip {_chip_class(r)}" title="{_e(_rep_title(r))}">'
        f"<b>Rep {r.index}</b>&nbsp;{_e(r.verdict.label)}</li>"
        for r in reps
    )
    left = (
        '<div><div class="count">'
        f'<span class="big">{n}</span><span class="unit">rep{"s" if n != 1 else ""}'
        f"</span></div>"
        f'<p class="headline">{_e(_tally(summary, limited=_view_limited(result)))}</p>'
        + (
            f'<ul class="chips" aria-label="Verdict per rep">{chips}</ul>'
            if chips
            else ""
        )
        + "</div>"
    )
    focus = summary["main_focus"]
    if focus is not None:
        rep_list = _and_list([str(i) for i in focus["reps"]])
        word = "rep" if len(focus["reps"]) == 1 else "reps"
        right = (
            f'<div class="focus {_e(focus["severity"])}">'
            '<p class="label">Main thing to work on</p>'
            f'<p class="what">{_e(focus["label"])}</p>'
            + (f'<p class="cue">{_e(_cap(focus["cue"]))}</p>' if focus["cue"] else "")
            + f'<p class="muted">Flagged on {word} {_e(rep_list)} of {n}.</p></div>'
        )
    elif summary["status"] == "ok" and summary["reps_clean"] == 0:
        right = (
            '<div class="focus note"><p class="label">Main thing to work on</p>'
            '<p class="what">Nothing could be judged</p>'
            '<p class="muted">The reps were counted, but the checks need a clearer '
            "view. Film side-on with the camera at hip height, 2-4 m away, your "
            "whole body from head to feet in frame.</p></div>"
        )
    elif summary["status"] == "ok":
        right = (
            '<div class="focus clean"><p class="label">Main thing to work on</p>'
            '<p class="what">Nothing flagged</p>'
            '<p class="muted">Every check that could be judged was within its limit. '
            "Keep filming from the side to track it over time.</p></div>"
        )
    else:
        right = (
            '<div class="focus note"><p class="label">Next step</p>'
            '<p class="what">Film a new set</p>'
            '<p class="muted">Stand side-on to the camera, with the camera at hip '
            "height, 2-4 m away, your whole body from head to feet in frame, in "
            "even light.</p></div>"
        )
    return f'<section class="card summary" aria-label="Summary">{left}{right}</section>'


def _view_limited(result: AnalysisResult) -> bool:
    limiting = (View.OBLIQUE, View.FRONT)
    return result.view in limiting or any(r.view in limiting for r in result.reps)


def _tally(summary: dict[str, Any], *, limited: bool) -> str:
    """The left column's sentence; the focus is on the right, so not repeated."""
    n = summary["rep_count"]
    if summary["status"] != "ok":
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
    return f"Rep {rep.index}: " + " ".join(_evidence(c) for c in flags)


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _notes(result: AnalysisResult, report: dict[str, Any]) -> str:
    not_judged = report["summary"]["not_judged"]
    notes = list(result.notes)
    limited = _view_limited(result)
    if not (notes or not_judged or limited):
        return ""
    by_reason: dict[str, list[str]] = {}
    for item in not_judged:
        by_reason.setdefault(item["reason"], []).append(item["label"])
    items = []
    for reason, labels in by_reason.items():
        names = _cap(_and_list(labels))
        verb = "was" if len(labels) == 1 else "were"
        items.append(
            f"<li><b>{_e(names)}</b> {verb} not judged on any rep"
            + (f": {_e(_sentence(reason))}" if reason else ".")
            + "</li>"
        )
    items += [f"<li>{_e(_sentence(note))}</li>" for note in notes]
    if limited:
        view = VIEW_LABELS.get(result.view, result.view.value)
        title = "The camera view limited what could be judged"
        intro = (
            f"<p>This set was filmed from {_e(_article(view))}. From this angle the trunk lean "
            "looks smaller than it is and the curve of the back cannot be seen, so "
            "some checks were left out rather than guessed. For a full check, film "
            "side-on with the camera at hip height and your whole body in frame.</p>"
        )
        cls = "callout limit"
    else:
        title = "What could and could not be judged"
        intro = ""
        cls = "callout"
    body = f"<ul>{''.join(items)}</ul>" if items else ""
    return (
        f'<section class="{cls}" aria-label="Notes"><h2>{_e(title)}</h2>'
        f"{intro}{body}</section>"
    )


def _check_cell(check: Check | None) -> str:
    if check is None:
        return '<td class="chk o-not_judged"><span class="sym">·</span></td>'
    value = ""
    if check.outcome is not Outcome.NOT_JUDGED and math.isfinite(check.measured):
        value = f'<span class="val">{_e(_vs_limit(check)[0])}</span>'
    word = _OUTCOME_WORDS[check.outcome]
    return (
        f'<td class="chk o-{check.outcome.value} s-{check.severity.value}" '
        f'title="{_e(_evidence(check))}">'
        f'<span class="sym" aria-label="{_e(word)}">{_SYMBOL[check.outcome]}</span>'
        f"{value}</td>"
    )


def _judged_faults(reps: list[Rep]) -> list[Fault]:
    """Checked faults judged on at least one rep (the rest are in the notes)."""
    return [
        f
        for f in _checked_faults(reps)
        if any(
            (c := r.check(f)) is not None and c.outcome is not Outcome.NOT_JUDGED
            for r in reps
        )
    ]


def _table(result: AnalysisResult) -> str:
    reps = sorted(result.reps, key=lambda r: r.index)
    faults = _judged_faults(reps)
    head = (
        "<tr><th>Rep</th><th>Time</th><th>Length</th><th>Down / up</th>"
        + "".join(f'<th class="chk" scope="col">{_e(f.label)}</th>' for f in faults)
        + '<th class="verdict">Verdict</th></tr>'
    )
    rows = []
    for rep in reps:
        cues = list(dict.fromkeys(c.cue for c in rep.verdict.flags if c.cue))
        rows.append(
            f'<tr id="rep-row-{rep.index}"{" class=has-cue" if cues else ""}>'
            f"<td><b>{rep.index}</b></td>"
            f'<td class="num">{_clock(rep.start_s)}–{_clock(rep.end_s)}</td>'
            f'<td class="num">{_secs(rep.duration_s)}</td>'
            f'<td class="num">{_secs(rep.descent_s)} / {_secs(rep.ascent_s)}</td>'
            + "".join(_check_cell(rep.check(f)) for f in faults)
            + f'<td class="verdict"><span class="chip {_chip_class(rep)}">'
            f"{_e(rep.verdict.label)}</span></td></tr>"
        )
        if cues:
            # The cue gets a full-width line of its own: a column of cues
            # squeezes the checks once there are more than four of them.
            rows.append(
                f'<tr class="cue-row"><td></td><td colspan="{4 + len(faults)}">'
                + " ".join(f'<span class="cue-item">{_e(_cap(c))}</span>' for c in cues)
                + "</td></tr>"
            )
    legend = (
        '<p class="legend"><span><b class="o-ok"><span class="sym">✓</span></b> ok</span>'
        '<span><span class="sym" style="color:var(--fault)">⚠</span> flagged</span>'
        '<span><span class="sym" style="color:var(--nj)">—</span> not judged</span>'
        "<span>Hover a mark for the evidence; the cards below list it too.</span></p>"
    )
    return (
        '<section aria-label="Reps"><h2>Reps</h2><div class="card table-wrap">'
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
        f"{legend}</div></section>"
    )


def _plots(result: AnalysisResult) -> str:
    from hingecam.report.plots import measures_svg

    svg = measures_svg(result)
    if svg is None:
        return ""
    return (
        '<section class="plot-section" aria-label="Measures over time">'
        "<h2>Over time</h2>"
        f'<div class="card plot">{svg}'
        '<p class="legend">Shaded bands are reps (green clean, amber or red '
        "flagged, grey not judged); the dotted line is the bottom of each rep, the dashed line "
        "your setup posture, and dots mark where a check was flagged. Gaps are "
        "frames where the body was not seen well enough to measure.</p>"
        "</div></section>"
    )


def _rep_card(rep: Rep, thumbnail: bytes | None) -> str:
    if thumbnail:
        data = base64.b64encode(thumbnail).decode("ascii")
        wh = jpeg_size(thumbnail)
        shape = f' style="--thumb-ratio: {wh[0]} / {wh[1]}"' if wh else ""
        figure = (
            f'<figure{shape}><img src="data:image/jpeg;base64,{data}" '
            f'alt="Rep {rep.index} at its key moment" loading="lazy"></figure>'
        )
    else:
        figure = ""
    peaks = []
    peak_values = rep.peaks.to_dict()
    names = [n for n in _CARD_PEAKS if n in peak_values] or list(peak_values)
    for name in names:
        value = peak_values.get(name)
        if value is None or not math.isfinite(value):
            continue
        label, unit = peak_label(name)
        peaks.append(f"<span>{_e(label)} <b>{_e(_num(value, unit))}</b></span>")
    judged, skipped = [], []
    for fault in _checked_faults([rep]):
        check = rep.check(fault)
        if check is None:
            continue
        if check.outcome is Outcome.NOT_JUDGED:
            skipped.append(check)
            continue
        judged.append(check)
    judged.sort(key=lambda c: c.outcome is not Outcome.FLAGGED)
    items = []
    for check in judged:
        measured = (
            " · {} (limit {})".format(*_vs_limit(check))
            if math.isfinite(check.measured)
            else ""
        )
        cue = (
            f'<span class="do">{_e(_cap(check.cue))}</span>'
            if check.outcome is Outcome.FLAGGED and check.cue
            else ""
        )
        why = (
            f'<span class="why">{_e(_sentence(check.reason))}</span>'
            if check.outcome is Outcome.FLAGGED and check.reason
            else ""
        )
        items.append(
            f'<li class="o-{check.outcome.value} s-{check.severity.value}">'
            f'<span class="sym">{_SYMBOL[check.outcome]}</span>'
            f'<span><span class="name">{_e(check.fault.label.capitalize())}</span>'
            f'<span class="muted">{_e(measured)}</span></span>{why}{cue}</li>'
        )
    if skipped:
        unjudged = _and_list([c.fault.label for c in skipped])
        items.append(
            '<li class="nj o-not_judged"><span class="sym">—</span>'
            f"<span>Not judged: {_e(unjudged)}</span></li>"
        )
    return (
        f'<article class="card rep-card" id="rep-{rep.index}">{figure}'
        '<div class="body"><div class="head">'
        f"<h3>Rep {rep.index}</h3>"
        f'<span class="chip {_chip_class(rep)}">{_e(rep.verdict.label)}</span></div>'
        f'<p class="times">{_clock(rep.start_s)}–{_clock(rep.end_s)} · '
        f"{_secs(rep.duration_s)} · down {_secs(rep.descent_s)}, "
        f"up {_secs(rep.ascent_s)}</p>"
        f'<div class="peaks">{"".join(peaks)}</div>'
        f'<ul class="checks">{"".join(items)}</ul></div></article>'
    )


_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's frame header, or None if it has none."""
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _SOF_MARKERS:
            h = int.from_bytes(data[i + 5 : i + 7], "big")
            w = int.from_bytes(data[i + 7 : i + 9], "big")
            return (w, h) if w and h else None
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return None


def _rep_cards(result: AnalysisResult) -> str:
    reps = sorted(result.reps, key=lambda r: r.index)
    cards = "".join(_rep_card(r, result.thumbnails.get(r.index)) for r in reps)
    # Tall (phone) thumbnails go beside the text rather than above it.
    sizes = [jpeg_size(t) for t in result.thumbnails.values()]
    tall = sum(1 for wh in sizes if wh is not None and wh[1] > wh[0])
    portrait = tall * 2 > len(sizes)
    return (
        '<section aria-label="Rep by rep"><h2>Rep by rep</h2>'
        f'<div class="reps-grid{" portrait" if portrait else ""}">{cards}</div>'
        "</section>"
    )


def _empty(report: dict[str, Any]) -> str:
    status = report["summary"]["status"]
    if status == "no_person":
        text = (
            "No person was found in this video, so there are no reps or "
            "measures to show."
        )
    else:
        text = (
            "No complete rep was counted: stand still for a moment at the start, "
            "then hinge all the way down and back up."
        )
    return (
        '<section class="card empty" aria-label="No reps">'
        f"<p><b>{_e(text)}</b></p></section>"
    )


def _kv(values: Mapping[str, float], *, measures: bool) -> str:
    docs = (
        {} if measures else {name: (unit, doc) for name, _, unit, _, doc in describe()}
    )
    rows = []
    for key, value in values.items():
        title = ""
        if measures:
            label, unit = MEASURE_LABELS.get(key, (key, ""))
            shown = _num(value, unit)
        else:
            label = key
            unit, doc = docs.get(key, ("", ""))
            shown = "—" if not math.isfinite(value) else f"{value:g}"
            suffix = {"deg": "°", "s": " s", "Hz": " Hz"}.get(unit, "")
            if shown != "—":
                shown += suffix
            title = f' title="{_e(doc)}"' if doc else ""
        rows.append(
            f"<div{title}><span>{_e(label)}</span><span>{_e(shown)}</span></div>"
        )
    return f'<div class="kv">{"".join(rows)}</div>'


def _reference(result: AnalysisResult) -> str:
    parts = []
    setup = {
        k: v
        for k, v in (result.setup.to_dict() if result.setup else {}).items()
        if MEASURE_LABELS.get(k, ("", ""))[1] in _SETUP_UNITS
    }
    if setup:
        parts.append(
            "<h3>Your setup posture</h3>"
            '<p class="muted small">Measured in the first standing frames; each rep '
            "is compared with it.</p>" + _kv(setup, measures=True)
        )
    if result.thresholds:
        parts.append(
            '<h3 class="sub">Limits used for this report</h3>'
            '<p class="muted small">Each check compares a measure with one of '
            "these; `hingecam thresholds` explains every one.</p>"
            + _kv(result.thresholds, measures=False).replace(
                'class="kv"', 'class="kv limits"', 1
            )
        )
    if not parts:
        return ""
    return f'<section class="card" aria-label="Reference">{"".join(parts)}</section>'


def render_html(result: AnalysisResult, *, report: Report | None = None) -> str:
    """Render one analysed set as a self-contained HTML page.

    Args:
        result: the analysed set (series for plots, thumbnails for cards).
        report: the built report, to share its creation time with report.json;
            built from `result` when None.

    Returns:
        The whole page as a string: inline CSS and SVG, JPEG thumbnails as
        data URIs, every text escaped, no external resource.
    """
    data = (report or build_report(result)).to_dict()
    title = f"hingecam report: {result.video.name}"
    if result.reps:
        body = _table(result) + _plots(result) + _rep_cards(result)
    else:
        body = _empty(data) + _plots(result)
    meta = data["meta"]
    footer = (
        f"<footer>Made by hingecam {_e(meta['hingecam_version'])} (report schema "
        f"{_e(data['schema_version'])}) on {_e(_when(meta['created_utc']))}. Angles are "
        "estimated from a single 2D video and are most trustworthy from a side "
        "view. This report describes what was measured; it is not a medical "
        "assessment.</footer>"
    )
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="hingecam">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        '<body><main class="page">'
        + _header(result, data)
        + _summary(result, data)
        + _notes(result, data)
        + body
        + _reference(result)
        + footer
        + "</main></body></html>\n"
    )
