"""Synthetic sets filmed at 45 deg and from the front, through the whole analysis,
against their known 3D answers: squat pattern judged from both views by the
hip-knee index, hips rising first at 45 deg only, locked knees not judged."""

from __future__ import annotations

import pytest

from hingecam.core.analysis import analyze_track
from hingecam.core.datatypes import Exercise, Outcome, View
from hingecam.core.faults import Fault
from hingecam.core.thresholds import load_thresholds
from tests.factories import Pattern
from tests.factories_views import FAULTS_3D, hips_first_drop_3d, hki_3d, view_set

OFF_SIDE = (View.OBLIQUE, View.FRONT)


def _checks(pattern: Pattern, view: View, fault: Fault, exercise=Exercise.DEADLIFT):  # type: ignore[no-untyped-def]
    hs = view_set(pattern, view)
    result = analyze_track(hs.track, exercise, load_thresholds(exercise))
    assert result.view is view
    assert len(result.reps) == len(hs.reps)
    return hs, [rep.check(fault) for rep in result.reps]


def test_the_known_3d_answers_lie_on_either_side_of_the_limits() -> None:
    th = load_thresholds(Exercise.DEADLIFT)
    assert hki_3d(Pattern.SQUAT) < th.squat_max_hki_3d < hki_3d(Pattern.DEADLIFT)
    flagged = hips_first_drop_3d(view_set(Pattern.HIPS_RISE_FIRST, View.OBLIQUE))
    clean = hips_first_drop_3d(view_set(Pattern.DEADLIFT, View.OBLIQUE))
    assert clean < th.hips_first_min_trunk_drop_deg < flagged


@pytest.mark.parametrize("view", OFF_SIDE)
@pytest.mark.parametrize(
    ("pattern", "outcome"),
    [
        (Pattern.SQUAT, Outcome.FLAGGED),
        (Pattern.DEADLIFT, Outcome.OK),
        (Pattern.HINGE, Outcome.OK),
    ],
)
def test_squat_pattern_off_the_side_reads_the_true_hip_knee_index(
    view: View, pattern: Pattern, outcome: Outcome
) -> None:
    assert Pattern.SQUAT in FAULTS_3D[view]
    _, checks = _checks(pattern, view, Fault.SQUAT_PATTERN)
    for c in checks:
        assert c is not None and c.outcome is outcome
        assert c.measured == pytest.approx(hki_3d(pattern), abs=1.0)
        assert "less sure than from the side" in c.reason


@pytest.mark.parametrize(
    ("pattern", "outcome"),
    [(Pattern.HIPS_RISE_FIRST, Outcome.FLAGGED), (Pattern.DEADLIFT, Outcome.OK)],
)
def test_hips_rising_first_at_45_deg_reads_the_true_trunk_drop(
    pattern: Pattern, outcome: Outcome
) -> None:
    assert Pattern.HIPS_RISE_FIRST in FAULTS_3D[View.OBLIQUE]
    hs, checks = _checks(pattern, View.OBLIQUE, Fault.HIPS_RISE_FIRST)
    for i, c in enumerate(checks):
        assert c is not None and c.outcome is outcome
        assert c.measured == pytest.approx(hips_first_drop_3d(hs, i), abs=3.0)


def test_hips_rising_first_from_the_front_is_not_judged() -> None:
    assert Pattern.HIPS_RISE_FIRST not in FAULTS_3D[View.FRONT]
    _, checks = _checks(Pattern.HIPS_RISE_FIRST, View.FRONT, Fault.HIPS_RISE_FIRST)
    for c in checks:
        assert c is not None and c.outcome is Outcome.NOT_JUDGED
        assert "line of sight" in c.reason


@pytest.mark.parametrize("view", OFF_SIDE)
def test_locked_knees_off_the_side_stay_not_judged(view: View) -> None:
    _, checks = _checks(Pattern.LOCKED_KNEES, view, Fault.LOCKED_KNEES, Exercise.RDL)
    for c in checks:
        assert c is not None and c.outcome is Outcome.NOT_JUDGED
        assert "needs a side view" in c.reason
