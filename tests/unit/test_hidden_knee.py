"""A near knee hidden behind the load (hingecam/core/hidden_knee.py): the
two-link geometry, a set whose knee the plates hide at every bottom, and the
facing that a hidden foot leaves in force."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hingecam.core.analysis import analyze_track
from hingecam.core.datatypes import Exercise, Side
from hingecam.core.facing import FacingEstimator
from hingecam.core.hidden_knee import KneeFiller, two_link_knee
from hingecam.core.landmarks import SIDE_POINTS, Landmark, near_side
from hingecam.core.poses import PoseTrack
from hingecam.core.thresholds import load_thresholds
from tests.factories import Pattern, hinge_set, push_each_frame

TH = load_thresholds(Exercise.AUTO)


def test_two_link_knee_closes_the_chain_bent_forward() -> None:
    hip, ankle = np.array([0.0, 0.0]), np.array([0.0, 100.0])
    for forward in (1.0, -1.0):
        knee = two_link_knee(hip, ankle, 60.0, 60.0, forward)
        assert knee is not None
        assert math.hypot(*(knee - hip)) == pytest.approx(60.0)
        assert math.hypot(*(knee - ankle)) == pytest.approx(60.0)
        assert knee[1] == pytest.approx(50.0)
        assert math.copysign(1.0, knee[0]) == forward  # 33.2 px forward


def test_two_link_knee_straight_and_impossible_legs() -> None:
    hip, ankle = np.array([10.0, 0.0]), np.array([10.0, 130.0])
    straight = two_link_knee(hip, ankle, 60.0, 60.0, 1.0)
    assert straight is not None
    np.testing.assert_allclose(straight, [10.0, 65.0])  # on the line, by length
    assert two_link_knee(hip, np.array([10.0, 5.0]), 80.0, 40.0, 1.0) is None


def _near_leg(track: PoseTrack) -> tuple[Landmark, Landmark, list[Landmark]]:
    side = near_side(np.nan_to_num(track.visibility))
    pts = SIDE_POINTS[side]
    foot = [pts["ankle"], pts["heel"], pts["toe"]]
    return pts["knee"], pts["ankle"], foot


def plates_at_the_bottom(track: PoseTrack, hip_deg: np.ndarray) -> PoseTrack:
    """The near knee and foot unseen whenever the true hip flexion is past 45
    deg: the bottom half of every pull, as a bar's plates hide them."""
    knee, _, foot = _near_leg(track)
    hidden = np.nan_to_num(hip_deg) > 45.0
    visibility = track.visibility.copy()
    visibility[np.ix_(hidden, [knee, *foot])] = 0.0
    return dataclasses.replace(track, visibility=visibility)


@pytest.fixture(scope="module")
def plated() -> tuple[PoseTrack, int]:
    hs = hinge_set(
        3,
        30.0,
        pattern=Pattern.DEADLIFT,
        descent_s=1.2,
        bottom_hold_s=0.8,
        ascent_s=1.2,
        jitter_px=0.5,
    )
    return plates_at_the_bottom(hs.track, hs.truth["hip_flexion_deg"]), len(hs.reps)


def test_plates_hiding_the_near_knee_still_count_every_pull(
    plated: tuple[PoseTrack, int],
) -> None:
    track, reps = plated
    result = analyze_track(track, Exercise.DEADLIFT, TH)
    assert len(result.reps) == reps
    for rep in result.reps:
        # The deadlift's bottom: trunk 55 deg, knees 75 (factories.MOVEMENTS),
        # so the hip flexes ~110 deg; read through the placed knee.
        assert rep.peaks.hip_flexion_max_deg == pytest.approx(110.0, abs=12.0)
        # The knee's angle would only echo the lengths it was placed with; so
        # would the thigh's lean, which stands in for it with the feet unseen.
        assert math.isnan(rep.peaks.knee_flexion_bottom_deg)
        assert np.isnan(result.series.thigh_incline_deg[rep.bottom_frame])
    # The report says where the knee was placed and what that leaves unjudged.
    (note,) = [n for n in result.notes if n.startswith("the near knee was hidden")]
    assert "(reps 1, 2 and 3)" in note and "were not judged there" in note


def test_knee_placed_live_equals_knee_placed_in_replay(
    plated: tuple[PoseTrack, int],
) -> None:
    track, _ = plated
    replayed = analyze_track(track, Exercise.AUTO, TH)
    pushed = push_each_frame(track, Exercise.AUTO, TH)
    result = pushed.result(replayed.video)
    np.testing.assert_array_equal(
        result.series.hip_flexion_deg, replayed.series.hip_flexion_deg
    )
    assert repr(result.reps) == repr(replayed.reps)  # NaN peaks: compare as text


def test_a_flicker_of_the_knee_is_left_to_the_smoothing() -> None:
    hs = hinge_set(1, 30.0, pattern=Pattern.DEADLIFT)
    track = hs.track
    knee, _, _ = _near_leg(track)
    filler, facing = KneeFiller(TH), FacingEstimator(TH)
    placed = []
    for i in range(len(track)):
        pose = track.pose_at(i)
        if pose is not None and i in (40, 41):  # two frames, 67 ms
            visibility = pose.visibility.copy()
            visibility[knee] = 0.0
            pose = dataclasses.replace(pose, visibility=visibility)
        filler.update(
            float(track.t_s[i]), pose, facing.update(float(track.t_s[i]), pose)
        )
        placed.append(filler.placed)
    assert not any(placed)


def test_a_hidden_foot_keeps_the_facing_the_head_would_flip() -> None:
    hs = hinge_set(1, 30.0, pattern=Pattern.HINGE, facing=1)
    track = hs.track
    estimator = FacingEstimator(TH)
    side: Side | None = None
    signs = []
    for i in range(len(track)):
        pose = track.pose_at(i)
        if pose is None:
            continue
        if i > len(track) // 3 and side is not None:
            # Feet hidden behind the load, the head turned the other way.
            pts = SIDE_POINTS[side]
            visibility = pose.visibility.copy()
            visibility[[pts["heel"], pts["toe"]]] = 0.0
            xy = pose.xy_norm.copy()
            ears = (xy[Landmark.LEFT_EAR, 0] + xy[Landmark.RIGHT_EAR, 0]) / 2
            xy[Landmark.NOSE, 0] = ears - 0.05
            pose = dataclasses.replace(pose, visibility=visibility, xy_norm=xy)
        facing = estimator.update(float(track.t_s[i]), pose)
        side = facing.side
        signs.append(facing.sign)
    assert side in (Side.LEFT, Side.RIGHT)
    assert set(signs) == {1.0}


def test_a_lifter_gone_long_enough_to_move_is_measured_afresh() -> None:
    # The ankle is where it was last seen while the feet stay planted; after
    # lifter_forget_s without the lifter, they may stand anywhere.
    hs = hinge_set(1, 30.0, pattern=Pattern.DEADLIFT)
    track = hs.track
    knee, _, foot = _near_leg(track)
    filler, facing = KneeFiller(TH), FacingEstimator(TH)
    for i in range(45):  # standing, the whole leg seen
        pose = track.pose_at(i)
        filler.update(
            float(track.t_s[i]), pose, facing.update(float(track.t_s[i]), pose)
        )
    gone = float(track.t_s[44]) + TH.lifter_forget_s + 0.1
    pose = track.pose_at(45)
    assert pose is not None
    visibility = pose.visibility.copy()
    visibility[[knee, *foot]] = 0.0
    hidden = dataclasses.replace(pose, visibility=visibility)
    for k in range(20):  # hidden for longer than the smoothing bridges
        t = gone + k / 30.0
        filler.update(t, hidden, facing.update(t, hidden))
        assert not filler.placed
