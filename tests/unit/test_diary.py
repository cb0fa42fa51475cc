"""The practice diary's aggregation on plain rows (report/diary*.py): a set's
report read leniently, sessions per local day, rates in counts, then against now
claimed only when the reps allow, long diaries grouped, the chart drawn."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from hingecam.core.fields import field_docs
from hingecam.core.recorded import RecordedFrom
from hingecam.report.diary import RULES, DiaryBuilder, DiaryRules, Period
from hingecam.report.diary_compare import Span, Verdict, fisher_p, then_now
from hingecam.report.diary_rows import (
    FaultCount,
    SetNumbers,
    SetRow,
    last_numbers,
    last_time,
    main_focus,
    set_row,
    since_last,
)
from hingecam.report.diary_svg import Point, trend_svg
from tests.factories_diary import report_dict

CET = timezone(timedelta(hours=1))
TODAY = date(2025, 6, 1)


def _row(
    folder: str,
    at: datetime | None,
    flags: list[tuple[str, ...]],
    *,
    athlete: str = "Alex",
    exercise: str = "deadlift",
    unjudged: int = 0,
) -> SetRow:
    report = report_dict(
        at=at.isoformat() if at else None,
        athlete=athlete,
        exercise=exercise,
        flags=flags,
        unjudged=unjudged,
    )
    return set_row(folder, report)


def _numbers(judged: int, clean: int, **flagged: int) -> SetNumbers:
    faults = tuple(FaultCount(f, n, judged) for f, n in flagged.items())
    return SetNumbers(judged, judged, clean, faults)


def test_a_sets_report_becomes_its_numbers_and_its_best_and_worst_rep() -> None:
    at = datetime(2025, 3, 4, 18, 0, tzinfo=CET)
    row = _row("s1", at, [("rounded_spine",), (), ("rounded_spine", "locked_knees")])
    assert (row.athlete, row.exercise, row.recorded.at) == ("Alex", "deadlift", at)
    n = row.numbers
    assert (n.reps, n.judged, n.clean) == (3, 3, 1)
    assert n.flagged("rounded_spine") == 2 and n.flagged("locked_knees") == 1
    assert {f.fault: f.judged for f in n.faults}["rounded_spine"] == 3
    assert row.best is not None and row.best.rep == 2
    assert row.worst is not None and row.worst.rep == 3  # two flags beat one
    assert row.worst.t_s == pytest.approx(100 / 30)  # its flag's moment


def test_an_older_report_is_dated_by_its_input_or_its_live_folder() -> None:
    old = report_dict(at=None, schema="1.3", flags=[()])
    assert "recorded" not in old["meta"] and "athlete" not in old["meta"]
    assert set_row("x", old).recorded.source is RecordedFrom.UNKNOWN
    assert set_row("x", old).athlete == ""
    live = set_row("live-20250304-180102-2", old).recorded
    assert live.source is RecordedFrom.LIVE_START
    assert live.at is not None and live.at.replace(tzinfo=None) == datetime(
        2025, 3, 4, 18, 1, 2
    )
    old["meta"]["input"] = {"mtime_ns": 1_700_000_000 * 10**9}
    made = set_row("x", old).recorded
    assert made.source is RecordedFrom.FILE_MTIME
    assert made.at == datetime.fromtimestamp(1_700_000_000, timezone.utc)


@pytest.mark.parametrize(
    "report",
    [
        [],
        {"meta": [], "summary": {"rep_count": 1}},
        {"meta": {}, "summary": {"rep_count": "many"}},
        {"meta": {}, "summary": {"rep_count": 2, "fault_counts": {"x": 3}}},
        {"meta": {}},
    ],
)
def test_a_foreign_report_is_refused(report: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        set_row("x", report)  # type: ignore[arg-type]


def test_a_session_is_the_sets_of_one_local_calendar_day() -> None:
    builder = DiaryBuilder(today=TODAY)
    late = datetime(2025, 3, 4, 23, 30, tzinfo=CET)  # 22:30 UTC
    builder.add(_row("a", late, [()] * 3))
    builder.add(_row("b", late - timedelta(hours=3), [("rounded_spine",)] * 2))
    builder.add(_row("c", late + timedelta(hours=1), [()]))  # 00:30 the next day
    [diary] = builder.diaries()
    assert [s.start for s in diary.sessions] == [date(2025, 3, 4), date(2025, 3, 5)]
    first = diary.sessions[0]
    assert first.sets == ("b", "a")  # in time order
    assert (first.reps, first.reps_judged, first.reps_clean) == (5, 5, 3)
    assert first.clean_share == pytest.approx(0.6)
    assert first.main_focus == "rounded_spine"
    rates = {f.fault: (f.flagged, f.judged) for f in first.faults}
    assert rates["rounded_spine"] == (2, 5) and rates["locked_knees"] == (0, 5)


def test_athletes_and_exercises_get_a_diary_each_and_filters_keep_one() -> None:
    at = datetime(2025, 3, 4, 9, 0, tzinfo=CET)
    rows = [
        _row("a", at, [()], athlete="Alex"),
        _row("b", at, [()], athlete="alex "),  # the same person
        _row("c", at, [()], athlete="Sam", exercise="rdl"),
        _row("d", at, [()], athlete=""),
    ]
    builder = DiaryBuilder(today=TODAY)
    for row in rows:
        builder.add(row)
    assert [(d.athlete, d.exercise, d.sets) for d in builder.diaries()] == [
        ("Alex", "deadlift", 2),
        ("Sam", "rdl", 1),
        ("", "deadlift", 1),  # unnamed last
    ]
    only = DiaryBuilder(athlete="ALEX", exercise="deadlift", today=TODAY)
    assert [only.add(r) for r in rows] == [True, True, False, False]


def test_main_focus_is_the_most_flagged_then_the_more_severe_then_registry_order() -> (
    None
):
    assert main_focus(_numbers(10, 5)) is None
    assert (
        main_focus(_numbers(10, 5, locked_knees=3, rounded_spine=2)) == "locked_knees"
    )
    tie = _numbers(10, 5, shallow_hinge=2, locked_knees=2, rounded_spine=2)
    assert main_focus(tie) == "rounded_spine"


@pytest.mark.parametrize(
    ("table", "p"),
    [((8, 2, 2, 8), 0.0230), ((6, 4, 3, 7), 0.370), ((1, 9, 11, 1), 0.000289)],
)
def test_fisher_exact_p_matches_the_textbook(table: tuple[int, ...], p: float) -> None:
    assert fisher_p(*table) == pytest.approx(p, rel=2e-3)
    assert fisher_p(0, 0, 3, 3) == 1.0


def _days(*numbers: SetNumbers) -> list[Span]:
    days = [date(2025, 3, 3) + timedelta(days=7 * k) for k in range(len(numbers))]
    return [Span(d, d, 1, n) for d, n in zip(days, numbers, strict=True)]


def test_then_and_now_says_a_fading_fault_fades_in_counts() -> None:
    days = _days(
        _numbers(8, 2, rounded_spine=6),
        _numbers(8, 3, rounded_spine=5),
        _numbers(8, 7, rounded_spine=1),
        _numbers(8, 8, rounded_spine=0),
    )
    result = then_now(days, RULES)
    assert result is not None
    assert (result.then.sessions, result.now.sessions) == (2, 2)
    clean, spine = result.changes
    assert (clean.fault, clean.then, clean.now) == ("", (5, 16), (15, 16))
    assert clean.verdict is Verdict.BETTER
    assert (spine.fault, spine.then, spine.now) == ("rounded_spine", (11, 16), (1, 16))
    assert spine.verdict is Verdict.BETTER and spine.p_value is not None
    assert result.main_focus == "rounded_spine"  # still flagged once now


def test_then_and_now_claims_nothing_on_too_few_reps_or_a_small_change() -> None:
    few = then_now(_days(_numbers(3, 0, rounded_spine=3), _numbers(3, 3)), RULES)
    assert few is not None and {c.verdict for c in few.changes} == {Verdict.TOO_FEW}
    assert all(c.p_value is None for c in few.changes)
    same = then_now(
        _days(_numbers(10, 6, rounded_spine=4), _numbers(10, 7, rounded_spine=3)),
        RULES,
    )
    assert same is not None
    assert [c.verdict for c in same.changes] == [Verdict.NO_CLEAR_CHANGE] * 2
    assert then_now(_days(_numbers(30, 3)), RULES) is None  # one session


def test_then_and_now_never_overlap() -> None:
    days = _days(*[_numbers(4, 2)] * 5)  # 10 reps need 3 sessions a side
    result = then_now(days, RULES)
    assert result is not None
    assert result.then.last < result.now.first
    assert result.then.sessions + result.now.sessions == 5


def test_dates_in_the_future_or_missing_are_listed_and_left_out_of_then_and_now() -> (
    None
):
    builder = DiaryBuilder(today=TODAY)
    for k in range(4):
        at = datetime(2025, 3, 3, 9, tzinfo=CET) + timedelta(days=7 * k)
        builder.add(_row(f"s{k}", at, [()] * 10))
    builder.add(
        _row("future", datetime(2099, 1, 1, 9, tzinfo=CET), [("rounded_spine",)] * 30)
    )
    builder.add(_row("nodate", None, [()] * 2))
    [diary] = builder.diaries()
    assert [s.sets for s in diary.sessions][-2:] == [("future",), ("nodate",)]
    assert diary.sessions[-2].future and diary.sessions[-1].start is None
    assert (diary.future_sets, diary.undated_sets) == (1, 1)
    assert diary.then_now is not None
    assert diary.then_now.now.last == date(2025, 3, 24)
    assert diary.best is not None and diary.best.folder == "s3"  # not a future tie


def test_a_long_diary_is_shown_by_week_then_month_with_the_same_sums() -> None:
    builder = DiaryBuilder(today=TODAY)
    start = datetime(2023, 1, 2, 9, tzinfo=CET)
    for k in range(100):
        builder.add(
            _row(
                f"s{k:03d}", start + timedelta(days=k), [()] * 2 + [("rounded_spine",)]
            )
        )
    [diary] = builder.diaries()
    assert len(diary.sessions) == 100 and diary.period is Period.WEEK
    assert len(diary.shown) == 15
    assert (
        sum(s.reps for s in diary.shown) == sum(s.reps for s in diary.sessions) == 300
    )
    assert sum(len(s.sets) for s in diary.shown) == 100
    # Then and now are its first and latest weeks, not a day each.
    assert diary.then_now is not None
    # the latest week holds two days (6 reps): the week before joins it
    assert (diary.then_now.then.sessions, diary.then_now.now.sessions) == (7, 9)
    assert diary.then_now.then.first == date(2023, 1, 2)
    tight = dataclasses.replace(RULES, max_rows=10)
    longer = DiaryBuilder(tight, today=TODAY)
    for k in range(100):
        longer.add(_row(f"s{k:03d}", start + timedelta(days=k), [()]))
    [by_month] = longer.diaries()
    assert by_month.period is Period.MONTH
    assert [s.start for s in by_month.shown][:2] == [date(2023, 1, 1), date(2023, 2, 1)]


def test_since_last_says_both_times_in_counts() -> None:
    at = datetime(2025, 3, 4, 18, tzinfo=CET)
    last = _row("live-1", at, [("rounded_spine",)] * 6 + [()] * 4)
    this = _row("live-2", at, [("rounded_spine",)] * 2 + [()] * 7 + [("locked_knees",)])
    words = since_last(this.numbers, last.numbers)
    assert words == (
        "clean reps 7 of 10, last time 4 of 10; rounded spine 2, last time 6; "
        "locked knees 1, last time 0"
    )
    stored = last_time(last)
    assert stored["set"] == "live-1" and stored["faults_flagged"] == {
        "rounded_spine": 6
    }
    assert since_last(this.numbers, last_numbers(stored)) == words


def test_every_diary_number_has_a_unit_a_source_and_a_reason() -> None:
    docs = field_docs(DiaryRules)
    assert {d.name for d in docs} == {f.name for f in dataclasses.fields(DiaryRules)}
    for d in docs:
        assert d.unit and d.source and d.doc, d.name


def test_the_chart_draws_every_point_hollow_when_small_and_escapes_labels() -> None:
    points = [
        Point(date(2025, 3, 3), 0.25, {"rounded_spine": (3, 4)}, False, "a <b>"),
        Point(date(2025, 3, 10), 1.0, {}, True, "c"),  # rounded spine not judged
    ]
    svg = trend_svg(points, [("rounded_spine", "rounded <spine>")])
    assert svg is not None and svg.startswith("<svg") and "http" not in svg
    assert svg.count("<circle") == 3  # two clean points, one fault point
    assert 'fill="#ffffff"' in svg  # the small session, hollow
    assert "<b>" not in svg and "&lt;spine&gt; 3 of 4" in svg
    assert trend_svg([], []) is None
