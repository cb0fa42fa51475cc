"""Per-view eval scores and side-vs-45 deg agreement on hand-made clip scores."""

from __future__ import annotations

import dataclasses
import io
import math
from types import SimpleNamespace
from typing import Any

from hingecam.app.eval_score import ClipLabel, ClipScore
from hingecam.app.eval_views import print_views, score_agreement, score_views
from hingecam.core.datatypes import Check, Exercise, Outcome, Rep, Severity, View
from hingecam.core.faults import Fault
from hingecam.core.measures import Peaks


def _rep(i: int, outcomes: dict[Fault, Outcome]) -> Rep:
    checks = tuple(
        Check(f, o, 1.0, 1.0, "deg", math.nan, -1, Severity.FAULT, "", "")
        for f, o in outcomes.items()
    )
    return Rep(i, 0, 1, 2, 0, 30, 60, 1, 1, View.SIDE, Peaks(), checks)


def _clip(name: str, view: str, faults: tuple[str, ...], reps: list[Rep]) -> ClipScore:
    label = ClipLabel(name, view, "deadlift", len(reps), faults)
    result: Any = SimpleNamespace(reps=reps, exercise=Exercise.DEADLIFT)
    per_rep = [
        tuple(c.fault.value for c in r.checks if c.outcome is Outcome.FLAGGED)
        for r in reps
    ]
    return ClipScore(label, Exercise.DEADLIFT, result, per_rep=per_rep)


SQ, RS = Fault.SQUAT_PATTERN, Fault.ROUNDED_SPINE
F, OK, NJ = Outcome.FLAGGED, Outcome.OK, Outcome.NOT_JUDGED


def test_views_are_scored_apart_with_judged_share_and_false_alarms() -> None:
    scores = [
        _clip("x_side_sq.mp4", "side", ("squat_pattern",), [_rep(1, {SQ: F})] * 2),
        _clip(
            "x_45deg_sq.mp4",
            "45deg",
            ("squat_pattern",),
            [_rep(1, {SQ: F}), _rep(2, {SQ: NJ})],
        ),
        _clip("y_45deg_ok.mp4", "45deg", (), [_rep(1, {SQ: F}), _rep(2, {SQ: OK})]),
    ]
    views = score_views(scores)
    side, oblique = views["side"], views["45deg"]
    assert side["faults"]["squat_pattern"]["recall"] == 1.0
    assert oblique["faults"]["squat_pattern"]["recall"] == 0.5
    assert oblique["faults"]["squat_pattern"]["judged"] == 0.5
    assert oblique["faults"]["squat_pattern"]["precision"] == 0.5
    assert oblique["false_alarm_rate"] == 0.5 and side["false_alarm_rate"] is None
    assert views["front"]["clips"] == 0


def test_agreement_counts_withheld_verdicts_only_in_the_strict_figure() -> None:
    side = _clip(
        "k_side_rb.mp4",
        "side",
        ("rounded_spine",),
        [_rep(1, {RS: F, SQ: OK}), _rep(2, {RS: F, SQ: OK}), _rep(3, {RS: OK, SQ: F})],
    )
    oblique = _clip(
        "k_45deg_rb.mp4",
        "45deg",
        ("rounded_spine",),
        [_rep(1, {RS: NJ, SQ: OK}), _rep(2, {RS: NJ, SQ: F}), _rep(3, {RS: OK, SQ: F})],
    )
    agreement = score_agreement([side, oblique])
    assert agreement["reps"] == 3
    assert agreement["agreement"] == 2 / 3
    assert agreement["agreement_strict"] == 1 / 3
    out = io.StringIO()
    print_views(score_views([side, oblique]), agreement, out)
    assert "side vs 45deg per-rep agreement:  0.67" in out.getvalue()
    assert "k_side_rb.mp4" in out.getvalue()


def test_amber_checks_are_detections_but_not_red_false_alarms() -> None:
    from hingecam.app.eval_score import score

    amber_rep = _rep(1, {RS: F})
    amber_rep = Rep(
        *[getattr(amber_rep, f) for f in ("index", "start_s", "bottom_s", "end_s")],
        0, 30, 60, 1, 1, View.SIDE, Peaks(),
        tuple(dataclasses.replace(c, tentative=True) for c in amber_rep.checks),
    )  # fmt: skip
    clean = _clip("z_side_ok.mp4", "side", (), [amber_rep, _rep(2, {RS: OK})])
    clean.amber.extend([("rounded_spine",), ()])
    rounded = _clip("z_side_rs.mp4", "side", ("rounded_spine",), [amber_rep])
    rounded.amber.append(("rounded_spine",))
    totals = score([clean, rounded])
    assert totals["false_alarm_reps"] == 0 and totals["amber_clean_reps"] == 1
    assert totals["faults"]["rounded_spine"]["recall"] == 1.0
    assert score_views([clean, rounded])["side"]["amber_reps"] == 1
