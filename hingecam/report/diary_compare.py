"""Then against now: a diary's first sessions against its latest, measure by
measure, in counts; a change is claimed only with enough reps and when Fisher's
exact test says chance alone would rarely give it. Pure."""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from hingecam.report.diary_rows import (
    FaultCount,
    SetNumbers,
    combine,
    fault_rank,
    main_focus,
)


class CompareRules(Protocol):
    """What a claim needs (report/diary.py DiaryRules has both)."""

    @property
    def compare_min_reps(self) -> int: ...

    @property
    def change_max_p(self) -> float: ...


class Verdict(str, enum.Enum):
    """What then against now says about one measure."""

    BETTER = "better"
    WORSE = "worse"
    NO_CLEAR_CHANGE = "no clear change"
    TOO_FEW = "too few reps to say"

    def __str__(self) -> str:  # printed as the string it replaced
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Change:
    """One measure, then against now, in counts.

    Attributes:
        fault: the fault, or "" for the clean reps.
        then, now: (reps with it, reps judged for it).
        verdict: better, worse, no clear change, or too few reps to say.
        p_value: Fisher's exact two-sided p, or None when too few reps.
    """

    fault: str
    then: tuple[int, int]
    now: tuple[int, int]
    verdict: Verdict
    p_value: float | None


@dataclass(frozen=True, slots=True)
class Span:
    """A run of sessions (one, a week's, a month's, or then's and now's): from
    `first` to `last`, `sessions` of them (days with sets), their numbers."""

    first: date
    last: date
    sessions: int
    numbers: SetNumbers


@dataclass(frozen=True, slots=True)
class ThenNow:
    """The first sessions against the latest (dated, none in the future).

    Attributes:
        then, now: the two runs of sessions compared (never overlapping).
        changes: the clean reps first, then each fault judged either time.
        main_focus: the fault flagged most in `now`, or None.
    """

    then: Span
    now: Span
    changes: tuple[Change, ...]
    main_focus: str | None


def _lcomb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_p(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test on the 2x2 table [[a, b], [c, d]]:
    how often chance alone (the margins fixed) gives a table as unlikely.

    Args:
        a, b: then: reps with the thing, reps without.
        c, d: now: the same.
    """
    r1, r2, c1 = a + b, c + d, a + c
    if r1 == 0 or r2 == 0 or c1 == 0 or c1 == r1 + r2:
        return 1.0
    total = _lcomb(r1 + r2, c1)

    def log_p(x: int) -> float:
        return _lcomb(r1, x) + _lcomb(r2, c1 - x) - total

    observed = log_p(a)
    p = sum(
        math.exp(log_p(x))
        for x in range(max(0, c1 - r2), min(r1, c1) + 1)
        if log_p(x) <= observed + 1e-7
    )
    return min(1.0, p)


def compare(
    then: tuple[int, int],
    now: tuple[int, int],
    more_is_better: bool,
    rules: CompareRules,
) -> tuple[Verdict, float | None]:
    """The verdict on one measure, (count, of) then and now: too few reps to
    say under rules.compare_min_reps a side, else better or worse only when
    Fisher's exact p is under rules.change_max_p."""
    if min(then[1], now[1]) < rules.compare_min_reps:
        return Verdict.TOO_FEW, None
    p = fisher_p(then[0], then[1] - then[0], now[0], now[1] - now[0])
    if p >= rules.change_max_p:
        return Verdict.NO_CLEAR_CHANGE, p
    up = now[0] / now[1] > then[0] / then[1]
    return (Verdict.BETTER if up == more_is_better else Verdict.WORSE), p


def joined(spans: Sequence[Span]) -> Span:
    """Consecutive spans as one."""
    return Span(
        spans[0].first,
        spans[-1].last,
        sum(s.sessions for s in spans),
        combine(s.numbers for s in spans),
    )


def then_now(days: Sequence[Span], rules: CompareRules) -> ThenNow | None:
    """The first sessions against the latest: from each end, rows are taken
    until they hold rules.compare_min_reps judged reps; when the two would
    overlap, the first half against the second. None for fewer than two.

    Args:
        days: the dated rows in time order, none in the future: sessions, or
            a long diary's weeks or months (so then and now are its first and
            latest weeks or months, not a day each).
        rules: the numbers a claim needs (DiaryRules).
    """
    if len(days) < 2:
        return None
    i, reps = 0, 0
    while i < len(days) and reps < rules.compare_min_reps:
        reps, i = reps + days[i].numbers.judged, i + 1
    j, reps = len(days), 0
    while j > 0 and reps < rules.compare_min_reps:
        j -= 1
        reps += days[j].numbers.judged
    if i > j:
        i = j = len(days) // 2
    then, now = joined(days[:i]), joined(days[j:])
    t, n = then.numbers, now.numbers
    verdict, p = compare((t.clean, t.judged), (n.clean, n.judged), True, rules)
    changes = [Change("", (t.clean, t.judged), (n.clean, n.judged), verdict, p)]
    by_fault = {f.fault: f for f in t.faults}
    now_faults = {f.fault: f for f in n.faults}
    for fault in sorted(
        by_fault.keys() | now_faults.keys(), key=lambda f: (fault_rank(f), f)
    ):
        a = by_fault.get(fault, FaultCount(fault, 0, 0))
        b = now_faults.get(fault, FaultCount(fault, 0, 0))
        if not (a.judged or b.judged):
            continue
        verdict, p = compare((a.flagged, a.judged), (b.flagged, b.judged), False, rules)
        changes.append(
            Change(fault, (a.flagged, a.judged), (b.flagged, b.judged), verdict, p)
        )
    return ThenNow(then, now, tuple(changes), main_focus(n))
