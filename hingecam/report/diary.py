"""The practice diary: set rows (report/diary_rows.py) -> per athlete and exercise,
the sessions over time (a session: the sets of one local calendar day), then
against now, and the best and the worst rep. Pure: plain rows in, typed rows out."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from hingecam.core.fields import threshold_field
from hingecam.report.diary_compare import Span, ThenNow, joined, then_now
from hingecam.report.diary_rows import (
    FaultCount,
    RepPick,
    SetNumbers,
    SetRow,
    combine,
    main_focus,
)


@dataclass(frozen=True)
class DiaryRules:
    """The numbers that decide what the progress page claims and how it groups.

    Every field carries its unit, source and reason (core/fields.py), as the
    thresholds do; the page lists them at its foot.
    """

    handful_reps: int = threshold_field(
        5,
        "reps",
        "design, issue #20: 'with fewer than a handful of reps a trend is shown "
        "as data, not as a verdict'",
        "A session with fewer judged reps is drawn hollow, as data, and a diary "
        "with fewer is not read as a trend.",
    )
    compare_min_reps: int = threshold_field(
        10,
        "reps",
        "Fisher's exact test at 10 reps a side tells 8 of 10 from 2 of 10 "
        "(p = 0.023) but not 6 of 10 from 3 of 10 (p = 0.37)",
        "Then and now each need this many judged reps before a change is claimed.",
    )
    change_max_p: float = threshold_field(
        0.05,
        "p",
        "the conventional 5% level of a two-sided Fisher's exact test",
        "A change is claimed only when chance alone would give one as large "
        "less often than this.",
    )
    max_rows: int = threshold_field(
        60,
        "rows",
        "design: a table a screen or two long, and chart points at least "
        "~14 px apart on a 900 px wide chart",
        "A diary with more sessions is shown by week, and with more weeks by month.",
    )
    max_links_per_row: int = threshold_field(
        6,
        "links",
        "design: keeps the page of 10,000 sets near half a megabyte "
        "(scripts/bench_progress.py)",
        "A week's or a month's row links its latest this many set reports (a "
        "session's row links all of its own); progress.csv lists every set.",
    )


RULES = DiaryRules()
"""The rules in force (frozen; pass another DiaryRules to try others)."""


class Period(str, enum.Enum):
    """What one row of a diary covers."""

    DAY = "day"  # a session
    WEEK = "week"  # Monday to Sunday
    MONTH = "month"

    def __str__(self) -> str:  # printed as the string it replaced
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Session:
    """One athlete's sets of one exercise over one period: a day (a session),
    or, on a long diary's page, a week or a month of them.

    Attributes:
        athlete: who ("" when not recorded).
        exercise: the exercise value ("deadlift", "auto": a generic hinge).
        period: what the row covers.
        start: its first day (local calendar); None for sets without a date.
        sets: the set folders' names, in time order.
        numbers: reps, judged, clean and each fault, added over the sets.
        main_focus: the fault flagged on the most reps, or None.
        future: some set is dated after today (a wrong clock?).
    """

    athlete: str
    exercise: str
    period: Period
    start: date | None
    sets: tuple[str, ...]
    numbers: SetNumbers
    main_focus: str | None
    future: bool = False

    @property
    def reps(self) -> int:
        """Reps counted."""
        return self.numbers.reps

    @property
    def reps_judged(self) -> int:
        """Reps on which a check was judged."""
        return self.numbers.judged

    @property
    def reps_clean(self) -> int:
        """Reps judged with nothing flagged."""
        return self.numbers.clean

    @property
    def clean_share(self) -> float | None:
        """reps_clean / reps_judged, or None when none was judged."""
        return self.numbers.clean_share

    @property
    def faults(self) -> tuple[FaultCount, ...]:
        """Each fault checked: flagged and judged reps, in registry order."""
        return self.numbers.faults

    @property
    def end(self) -> date | None:
        """Its last day."""
        if self.start is None:
            return None
        if self.period is Period.WEEK:
            return self.start + timedelta(days=6)
        if self.period is Period.MONTH:
            return _next_month(self.start) - timedelta(days=1)
        return self.start


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _period_start(day: date, period: Period) -> date:
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    return day


@dataclass(frozen=True, slots=True)
class Diary:
    """One athlete's diary of one exercise.

    Attributes:
        athlete, exercise: whose and which.
        sessions: the days, in time order, sets without a date last.
        shown: the rows the page shows: the days, or by week or month when
            there are more than DiaryRules.max_rows of them.
        period: what a shown row covers.
        numbers: every set's reps added up.
        then_now: the first sessions against the latest; None with fewer than
            two dated sessions.
        best, worst: the best clean rep and the worst flagged one, if any.
    """

    athlete: str
    exercise: str
    sessions: tuple[Session, ...]
    shown: tuple[Session, ...]
    period: Period
    numbers: SetNumbers
    then_now: ThenNow | None
    best: RepPick | None
    worst: RepPick | None

    @property
    def sets(self) -> int:
        """Sets in the diary."""
        return sum(len(s.sets) for s in self.sessions)

    @property
    def undated_sets(self) -> int:
        """Sets whose recording time is not known."""
        return sum(len(s.sets) for s in self.sessions if s.start is None)

    @property
    def future_sets(self) -> int:
        """Sets dated after today."""
        return sum(len(s.sets) for s in self.sessions if s.future)


def regroup(days: Sequence[Session], period: Period) -> list[Session]:
    """Day sessions added up by week or month (sets without a date stay one
    row, last); the numbers of a row are the sums of its days'."""
    if period is Period.DAY:
        return list(days)
    buckets: dict[date | None, list[Session]] = {}
    for day in days:
        key = None if day.start is None else _period_start(day.start, period)
        buckets.setdefault(key, []).append(day)
    rows = []
    for key, group in buckets.items():
        numbers = combine(d.numbers for d in group)
        rows.append(
            Session(
                group[0].athlete,
                group[0].exercise,
                period if key is not None else Period.DAY,
                key,
                tuple(s for d in group for s in d.sets),
                numbers,
                main_focus(numbers),
                any(d.future for d in group),
            )
        )
    return rows


def period_for(days: Sequence[Session], rules: DiaryRules = RULES) -> Period:
    """Days when there are at most rules.max_rows of them, else weeks when
    those are few enough, else months."""
    dated = [d.start for d in days if d.start is not None]
    if len(dated) <= rules.max_rows:
        return Period.DAY
    weeks = {_period_start(d, Period.WEEK) for d in dated}
    return Period.WEEK if len(weeks) <= rules.max_rows else Period.MONTH


def _stretches(days: Sequence[Session], period: Period) -> list[Span]:
    """Dated day sessions as the rows then and now are drawn from: each day,
    or each week or month (as the page groups them)."""
    rows: dict[date, list[Span]] = {}
    for day in days:
        assert day.start is not None
        one = Span(day.start, day.start, 1, day.numbers)
        rows.setdefault(_period_start(day.start, period), []).append(one)
    return [joined(group) for group in rows.values()]


def same_athlete(a: str, b: str) -> bool:
    """Names as the diary matches them: case and surrounding spaces ignored."""
    return a.strip().casefold() == b.strip().casefold()


NOTHING = SetNumbers(0, 0, 0, ())
"""No sets yet (frozen: shared safely as a default)."""


@dataclass
class _Day:
    """One (athlete, exercise, day)'s sets, added up as they come."""

    sets: list[tuple[float, str]] = field(default_factory=list)
    numbers: SetNumbers = NOTHING


@dataclass
class _Book:
    """One athlete's diary of one exercise while rows come in."""

    athlete: str
    exercise: str
    days: dict[date | None, _Day] = field(default_factory=dict)
    best: RepPick | None = None
    worst: RepPick | None = None


def _later(pick: RepPick, today: date) -> float:
    at = pick.recorded_at
    if at is None or at.date() > today:  # no date, or a wrong clock's
        return -math.inf
    return at.timestamp()


def _better(new: RepPick | None, old: RepPick | None, today: date) -> bool:
    """A higher score wins; on a tie, the more recent (never a future date)."""
    if new is None:
        return False
    if old is None:
        return True
    return (new.score, _later(new, today)) > (old.score, _later(old, today))


class DiaryBuilder:
    """Set rows in, one at a time (memory grows with the sessions, not with the
    reps), diaries out.

    Args:
        rules: the numbers in force.
        athlete: keep only this athlete's sets (same_athlete), or None.
        exercise: keep only this exercise's sets, or None.
        today: the local date now (default: read from the clock); sets dated
            later are shown as in the future and kept out of then and now.
    """

    def __init__(
        self,
        rules: DiaryRules = RULES,
        *,
        athlete: str | None = None,
        exercise: str | None = None,
        today: date | None = None,
    ) -> None:
        self.rules = rules
        self.athlete = athlete
        self.exercise = exercise
        self.today = today or today_local()
        self._books: dict[tuple[str, str], _Book] = {}
        self.rows = 0

    def add(self, row: SetRow) -> bool:
        """Take one set; False when the filters leave it out."""
        if self.athlete is not None and not same_athlete(row.athlete, self.athlete):
            return False
        if self.exercise is not None and row.exercise != self.exercise:
            return False
        self.rows += 1
        key = (row.athlete.casefold(), row.exercise)
        book = self._books.setdefault(key, _Book(row.athlete, row.exercise))
        at = row.recorded.at
        day = book.days.setdefault(at.date() if at is not None else None, _Day())
        day.sets.append((at.timestamp() if at is not None else math.inf, row.folder))
        day.numbers = combine((day.numbers, row.numbers))
        if _better(row.best, book.best, self.today):
            book.best = row.best
        if _better(row.worst, book.worst, self.today):
            book.worst = row.worst
        return True

    def diaries(self) -> list[Diary]:
        """Every diary, by athlete (unnamed last) then exercise."""
        keys = sorted(self._books, key=lambda k: (k[0] == "", k))
        return [self._diary(self._books[key], self.today) for key in keys]

    def _diary(self, book: _Book, today: date) -> Diary:
        days = []
        for start in sorted(book.days, key=lambda d: (d is None, d or date.min)):
            day = book.days[start]
            numbers = day.numbers
            days.append(
                Session(
                    book.athlete,
                    book.exercise,
                    Period.DAY,
                    start,
                    tuple(name for _, name in sorted(day.sets)),
                    numbers,
                    main_focus(numbers),
                    start is not None and start > today,
                )
            )
        period = period_for(days, self.rules)
        dated = _stretches([d for d in days if d.start and not d.future], period)
        return Diary(
            athlete=book.athlete,
            exercise=book.exercise,
            sessions=tuple(days),
            shown=tuple(regroup(days, period)),
            period=period,
            numbers=combine(d.numbers for d in days),
            then_now=then_now(dated, self.rules),
            best=book.best,
            worst=book.worst,
        )


def today_local(now: datetime | None = None) -> date:
    """The local calendar date now (the edge reads the clock; tests pass one)."""
    return (now or datetime.now()).astimezone().date()
