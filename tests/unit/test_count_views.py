"""Rep counts with known answers from every view: Russian and American kettlebell
swings, a single pull from the floor that ends standing, and a front-view set
that starts at the bar (calibration must not take the crouch for standing)."""

from __future__ import annotations

import pytest

from hingecam.core.analysis import analyze_track
from hingecam.core.datatypes import Exercise, View
from hingecam.core.thresholds import load_thresholds
from tests.factories import Pattern, hinge_set
from tests.factories_views import SwingStyle, swing_set

VIEWS = (View.SIDE, View.OBLIQUE, View.FRONT)


@pytest.mark.parametrize("style", list(SwingStyle))
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("stand_s", [1.0, 0.0], ids=["still_start", "no_still_start"])
def test_every_swing_is_counted_once(
    style: SwingStyle, view: View, stand_s: float
) -> None:
    ss = swing_set(10, style, view=view, stand_s=stand_s)
    th = load_thresholds(Exercise.KB_SWING)
    result = analyze_track(ss.track, Exercise.KB_SWING, th)
    assert len(result.reps) == len(ss.swings) == 10
    # Each counted rep is one true swing (its bottom within that swing).
    for rep, (start, end) in zip(result.reps, ss.swings, strict=True):
        assert start - 0.1 <= rep.bottom_s <= end


@pytest.mark.parametrize("fps", [10.0, 60.0])
def test_american_swings_count_at_low_and_high_frame_rates(fps: float) -> None:
    ss = swing_set(10, SwingStyle.AMERICAN, view=View.OBLIQUE, fps=fps)
    th = load_thresholds(Exercise.KB_SWING)
    assert len(analyze_track(ss.track, Exercise.KB_SWING, th).reps) == 10


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("pattern", [Pattern.DEADLIFT, Pattern.HIPS_RISE_FIRST])
@pytest.mark.parametrize("after_s", [0.0, 0.1, 0.5])
def test_a_single_pull_from_the_floor_that_ends_standing_is_one_deadlift_rep(
    view: View, pattern: Pattern, after_s: float
) -> None:
    # The clip ends after_s after the lockout: no lowering, no later rep.
    hs = hinge_set(
        1, 30, pattern=pattern, from_floor=True, top_hold_s=after_s, view=view
    )
    th = load_thresholds(Exercise.DEADLIFT)
    result = analyze_track(hs.track, Exercise.DEADLIFT, th)
    assert len(result.reps) == 1
    assert result.reps[0].start_frame == 0
    assert abs(result.reps[0].end_frame - hs.reps[0].end_frame) <= 3


@pytest.mark.parametrize("view", VIEWS)
def test_a_set_that_starts_at_the_bar_calibrates_standing_from_every_view(
    view: View,
) -> None:
    # From the front a crouch at the bar foreshortens to a nearly straight 2D
    # hip and knee; calibrating on it made every later pull invisible.
    hs = hinge_set(3, 30, pattern=Pattern.DEADLIFT, from_floor=True, view=view)
    th = load_thresholds(Exercise.DEADLIFT)
    result = analyze_track(hs.track, Exercise.DEADLIFT, th)
    assert len(result.reps) == 3
    assert result.setup is not None
    assert result.setup.hip_flexion_3d_deg <= th.setup_max_hip_flexion_deg
