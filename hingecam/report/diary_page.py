"""The progress page: diaries (report/diary.py) -> plain view values -> progress.html
(Jinja2, autoescaped, the report's stylesheet, charts from report/diary_svg.py),
and progress.csv (one row per session). Every wording decision is made here."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from markupsafe import Markup

from hingecam import __version__
from hingecam.core.datatypes import Exercise
from hingecam.core.fields import field_docs
from hingecam.core.profiles import PROFILES
from hingecam.report.diary import RULES, Diary, DiaryRules, Period, Session
from hingecam.report.diary_compare import Change, Span, ThenNow, Verdict
from hingecam.report.diary_rows import RepPick, combine, fault_label
from hingecam.report.diary_svg import Point, trend_svg
from hingecam.report.outputs import HTML_NAME
from hingecam.report.sets import href
from hingecam.report.wording import and_list, cap

PictureFn = Callable[[Path, RepPick], bytes | None]
"""Draws a picked rep from its set folder (JPEG bytes), or None when it cannot."""


def exercise_label(value: str) -> str:
    """An exercise value in words ("Deadlift", "Hip hinge" for auto)."""
    try:
        return PROFILES[Exercise(value)].label
    except (ValueError, KeyError):
        return value.replace("_", " ").capitalize() or "Unknown exercise"


def athlete_label(name: str) -> str:
    """A diary's athlete, or "Unnamed" for sets recorded without --athlete."""
    return name or "Unnamed"


def day_label(day: date | None, period: Period = Period.DAY) -> str:
    """ "Tue 4 Mar 2025", "Week of 3 Mar 2025", "March 2025", "No date"."""
    if day is None:
        return "No date"
    if period is Period.WEEK:
        return f"Week of {day.day} {day:%b %Y}"
    if period is Period.MONTH:
        return f"{day:%B %Y}"
    return f"{day:%a} {day.day} {day:%b %Y}"


def span_label(first: date, last: date) -> str:
    """ "3 Mar 2025" or "3 Mar – 26 May 2025" or "3 Mar 2024 – 26 May 2025"."""
    if first == last:
        return f"{first.day} {first:%b %Y}"
    left = (
        f"{first.day} {first:%b}"
        if first.year == last.year
        else f"{first.day} {first:%b %Y}"
    )
    return f"{left} – {last.day} {last:%b %Y}"


def count(n: int, of: int) -> str:
    """ "7 of 10"; an em dash when there were none to count."""
    return f"{n} of {of}" if of else "—"


def share(n: int, of: int) -> str:
    """ "70%"; "" when there were none."""
    return f"{100 * n / of:.0f}%" if of else ""


def plural(n: int, word: str) -> str:
    """ "1 set", "3 sets"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class SetLink:
    """A link to one set's report."""

    name: str
    href: str


@dataclass(frozen=True, slots=True)
class RowView:
    """One row of a diary's table: a session (or a week or month of them)."""

    label: str
    note: str
    day: str
    links: tuple[SetLink, ...]
    more: int
    sets: int
    reps: int
    judged: int
    clean: str
    clean_share: str
    small: bool
    faults: tuple[tuple[str, str], ...]  # (count, share) per fault column
    focus: str


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One measure of then against now."""

    what: str
    then: str
    now: str
    says: str
    cls: str


@dataclass(frozen=True, slots=True)
class PickView:
    """The best or the worst rep: its picture and where to see it."""

    kind: str
    cls: str
    picture_b64: str
    href: str
    what: str
    when: str


@dataclass(frozen=True, slots=True)
class DiaryView:
    """One diary as the page lays it out."""

    anchor: str
    athlete: str
    exercise: str
    summary: str
    focus: str
    focus_detail: str
    focus_cls: str
    then_label: str
    now_label: str
    changes: tuple[ChangeView, ...]
    compare_note: str
    chart: Markup | None
    chart_note: str
    picks: tuple[PickView, ...]
    fault_labels: tuple[str, ...]
    rows: tuple[RowView, ...]
    rows_note: str


def _faults_of(diary: Diary) -> tuple[list[str], list[str]]:
    """The faults a diary's table and chart show (flagged on some rep), and
    those judged but never flagged (named in a line: a column of zeros says
    less and weighs more)."""
    shown = [f.fault for f in diary.numbers.faults if f.flagged]
    never = [f.fault for f in diary.numbers.faults if f.judged and not f.flagged]
    return shown, never


def _row(session: Session, faults: Sequence[str], rules: DiaryRules) -> RowView:
    n = session.numbers
    by_fault = {f.fault: f for f in n.faults}
    cells = []
    for fault in faults:
        f = by_fault.get(fault)
        cells.append(
            (count(f.flagged, f.judged), share(f.flagged, f.judged)) if f else ("—", "")
        )
    cap = len(session.sets) if session.period is Period.DAY else rules.max_links_per_row
    shown = session.sets[-cap:] if cap else ()
    note = "in the future" if session.future else ""
    return RowView(
        label=day_label(session.start, session.period),
        note=note,
        day=session.start.isoformat() if session.start else "",
        links=tuple(SetLink(s, href(f"{s}/{HTML_NAME}")) for s in shown),
        more=len(session.sets) - len(shown),
        sets=len(session.sets),
        reps=n.reps,
        judged=n.judged,
        clean=count(n.clean, n.judged),
        clean_share=share(n.clean, n.judged),
        small=n.judged < rules.handful_reps,
        faults=tuple(cells),
        focus=fault_label(session.main_focus) if session.main_focus else "—",
    )


def _says(change: Change) -> tuple[str, str]:
    """What a change says, and its CSS class."""
    if change.verdict is Verdict.TOO_FEW:
        return "too few reps to say", "few"
    if change.verdict is Verdict.NO_CLEAR_CHANGE:
        return "no clear change", "same"
    p = ""
    if change.p_value is not None:
        p = " (p < 0.001)" if change.p_value < 0.001 else f" (p = {change.p_value:.2g})"
    better = change.verdict is Verdict.BETTER
    if not change.fault:
        words = "more clean reps now" if better else "fewer clean reps now"
    else:
        words = "flagged less often now" if better else "flagged more often now"
    return words + p, "better" if better else "worse"


def _side(n: tuple[int, int]) -> str:
    return f"{count(*n)} ({share(*n)})" if n[1] else "—"


def _span_words(span: Span) -> str:
    reps = plural(span.numbers.judged, "judged rep")
    return f"{span_label(span.first, span.last)} · {plural(span.sessions, 'session')}, {reps}"


def _compare(
    then_now: ThenNow | None, rules: DiaryRules
) -> tuple[str, str, tuple[ChangeView, ...], str]:
    """(then label, now label, the rows, a note) of then against now."""
    if then_now is None:
        return "", "", (), "One dated session so far: nothing to compare yet."
    rows = []
    for change in then_now.changes:
        if change.fault and not (change.then[0] or change.now[0]):
            continue  # never flagged either time: nothing to compare
        says, cls = _says(change)
        what = "Clean reps" if not change.fault else cap(fault_label(change.fault))
        rows.append(ChangeView(what, _side(change.then), _side(change.now), says, cls))
    note = (
        f"A change is claimed only with at least {rules.compare_min_reps} judged reps "
        f"on each side and when Fisher's exact test puts chance below "
        f"{rules.change_max_p:.0%} (p < {rules.change_max_p:g})."
    )
    return _span_words(then_now.then), _span_words(then_now.now), tuple(rows), note


def _focus(diary: Diary) -> tuple[str, str, str]:
    """The main thing to work on now, on how many reps it rests, and its CSS
    class (the report's: fault, clean, note)."""
    tn = diary.then_now
    if tn is not None:
        numbers, where = tn.now.numbers, "in the latest sessions"
        focus = tn.main_focus
    else:
        dated = [s for s in diary.sessions if s.start is not None and not s.future]
        last = dated[-1] if dated else diary.sessions[-1]
        numbers, where, focus = last.numbers, "in the latest session", last.main_focus
    if focus is None:
        if numbers.judged == 0:
            film = "Film from the side so each rep can be judged."
            return "Nothing judged yet", film, "note"
        none = f"{plural(numbers.judged, 'judged rep')} {where}, none flagged."
        return "Nothing flagged", none, "clean"
    flagged = numbers.flagged(focus)
    judged = next(
        (f.judged for f in numbers.faults if f.fault == focus), numbers.judged
    )
    detail = f"Flagged on {count(flagged, judged)} reps {where}."
    return cap(fault_label(focus)), detail, "fault"


def _pick(
    kind: str, pick: RepPick | None, out: Path, pictures: PictureFn | None
) -> PickView | None:
    if pick is None:
        return None
    picture = pictures(out / pick.folder, pick) if pictures is not None else None
    when = day_label(pick.recorded_at.date()) if pick.recorded_at else "no date"
    return PickView(
        kind=kind,
        cls="clean" if kind.startswith("Best") else (pick.severity or "fault"),
        picture_b64=base64.b64encode(picture).decode("ascii") if picture else "",
        href=href(f"{pick.folder}/{HTML_NAME}") + f"#rep-{pick.rep}",
        what=f"Rep {pick.rep} of {pick.folder}: {pick.verdict or 'clean'}",
        when=when,
    )


def _points(diary: Diary, faults: Sequence[str], rules: DiaryRules) -> list[Point]:
    points = []
    for s in diary.shown:
        end = s.end
        if s.start is None or end is None or s.future:
            continue
        n = s.numbers
        counts = {f.fault: (f.flagged, f.judged) for f in n.faults if f.fault in faults}
        title = (
            f"{day_label(s.start, s.period)}: {count(n.clean, n.judged)} judged reps clean"
            f" ({plural(len(s.sets), 'set')})"
        )
        mid = s.start + timedelta(days=(end - s.start).days / 2)
        points.append(
            Point(mid, n.clean_share, counts, n.judged < rules.handful_reps, title)
        )
    return points


def _chart_note(diary: Diary, never: Sequence[str], rules: DiaryRules) -> str:
    judged = diary.numbers.judged
    notes = []
    if never:
        names = and_list([fault_label(f) for f in never])
        notes.append(f"Judged and never flagged: {names} (not drawn).")
    if judged < rules.handful_reps:
        notes.append(
            f"Only {plural(judged, 'judged rep')} so far: the chart shows them as data, "
            "not as a trend."
        )
    else:
        notes.append(
            f"Hollow points: fewer than {rules.handful_reps} judged reps, data rather "
            "than a trend."
        )
    if diary.future_sets:
        notes.append(
            f"{plural(diary.future_sets, 'set')} dated in the future (a wrong clock?) "
            "are in the table, not on the chart."
        )
    if diary.undated_sets:
        notes.append(
            f"{plural(diary.undated_sets, 'set')} without a date are in the table."
        )
    return " ".join(notes)


def diary_view(
    diary: Diary,
    index: int,
    out: Path,
    pictures: PictureFn | None,
    rules: DiaryRules = RULES,
) -> DiaryView:
    """One diary's view values (the page's section for it)."""
    faults, never = _faults_of(diary)
    then_label, now_label, changes, compare_note = _compare(diary.then_now, rules)
    focus, detail, focus_cls = _focus(diary)
    dated = [s.start for s in diary.sessions if s.start is not None and not s.future]
    when = f" · {span_label(min(dated), max(dated))}" if dated else ""
    if diary.future_sets:
        when += f" (and {plural(diary.future_sets, 'set')} dated in the future)"
    picks = (
        _pick("Best rep", diary.best, out, pictures),
        _pick("Worst rep", diary.worst, out, pictures),
    )
    n = diary.numbers
    rows_note = ""
    if diary.period is not Period.DAY:
        rows_note = (
            f"{plural(len(diary.sessions), 'session')}: shown by {diary.period.value} "
            f"(more than {rules.max_rows}), each row linking its latest "
            f"{rules.max_links_per_row} sets; progress.csv has every session and set."
        )
    svg = trend_svg(
        _points(diary, faults, rules), [(f, fault_label(f)) for f in faults]
    )
    return DiaryView(
        anchor=f"diary-{index}",
        athlete=athlete_label(diary.athlete),
        exercise=exercise_label(diary.exercise),
        summary=(
            f"{plural(len(diary.sessions), 'session')}, {plural(diary.sets, 'set')}, "
            f"{plural(n.reps, 'rep')} ({n.judged} judged){when}"
        ),
        focus=focus,
        focus_detail=detail,
        focus_cls=focus_cls,
        then_label=then_label,
        now_label=now_label,
        changes=changes,
        compare_note=compare_note,
        # Trusted markup: our own SVG of our numbers, every text in it escaped.
        chart=Markup(svg) if svg is not None else None,
        chart_note=_chart_note(diary, never, rules),
        picks=tuple(p for p in picks if p is not None),
        fault_labels=tuple(cap(fault_label(f)) for f in faults),
        rows=tuple(_row(s, faults, rules) for s in diary.shown),
        rows_note=rows_note,
    )


def render_progress(
    diaries: Sequence[Diary],
    out: Path,
    *,
    pictures: PictureFn | None = None,
    filters: str = "",
    rules: DiaryRules = RULES,
    made: datetime | None = None,
) -> str:
    """progress.html: every diary, offline (no network), linking the set
    folders beside it.

    Args:
        diaries: from DiaryBuilder.diaries().
        out: the folder the page goes in (the set folders are beside it).
        pictures: draws the best and worst reps; None: no pictures.
        filters: words for the filters applied ("athlete Alex"), or "".
        rules: the numbers the page was built with (listed at its foot).
        made: when (now by default).
    """
    from hingecam.report.html import environment, page_css

    total = combine(d.numbers for d in diaries)
    values = field_docs(DiaryRules)
    template = environment().get_template("progress.html.j2")
    return template.render(
        title=f"hingecam progress · {out.resolve().name}",
        diaries=[
            diary_view(d, i, out, pictures, rules) for i, d in enumerate(diaries, 1)
        ],
        athletes=len({d.athlete.casefold() for d in diaries}),
        exercises=len({d.exercise for d in diaries}),
        sets=sum(d.sets for d in diaries),
        reps=total.reps,
        judged=total.judged,
        filters=filters,
        rules=[
            (v.name.replace("_", " "), getattr(rules, v.name), v.unit, v.doc, v.source)
            for v in values
        ],
        made=(made or datetime.now()).astimezone().strftime("%d %b %Y, %H:%M"),
        version=__version__,
        css=Markup(page_css()),
    )


def filters_words(athlete: str | None, exercise: str | None) -> str:
    """The filters of `hingecam progress` in words, or ""."""
    parts = []
    if athlete:
        parts.append(f"athlete {athlete}")
    if exercise:
        parts.append(f"exercise {exercise_label(exercise)}")
    return and_list(parts)
