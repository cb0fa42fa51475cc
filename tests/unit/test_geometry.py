"""Geometry on synthetic landmarks: hand-checkable angles, NaN propagation, the
mirror symmetry of the conventions, view classification and the back's outline."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from hingecam.core.datatypes import MeasureSeries, Side, View
from hingecam.core.facing import facing_sign
from hingecam.core.geometry import (
    BACK_T,
    angle_at,
    back_profile,
    compute_measures,
    estimate_view,
    segment_angle_deg,
    spine_bow,
    view_ratio,
    world_yaw_deg,
)
from hingecam.core.landmarks import Landmark, near_side
from hingecam.core.poses import BACK_PROFILE_SAMPLES
from hingecam.core.thresholds import DEFAULT_THRESHOLDS
from tests.factories import (
    Camera,
    Pattern,
    Posture,
    back_mask,
    back_profile_of,
    hinge_set,
    make_pose,
    track_from_poses,
)

ANGLES = (
    "trunk_incline_deg",
    "knee_flexion_deg",
    "shin_incline_deg",
    "thigh_incline_deg",
    "hip_flexion_deg",
    "head_offset_deg",
)

LANDMARK_MEASURES = (
    *ANGLES,
    "hip_back_norm",
    "hip_height_norm",
    "shoulder_height_norm",
)
"""Measures computed from the landmarks alone (not from the back's outline)."""

POSTURES = {
    "standing": Posture(trunk_deg=0.0, knee_deg=5.0, shin_deg=2.0),
    "straight": Posture(trunk_deg=0.0, knee_deg=0.0, shin_deg=0.0),
    "hinge_bottom": Posture(trunk_deg=60.0, knee_deg=18.0, shin_deg=7.0),
    "squat_bottom": Posture(trunk_deg=18.0, knee_deg=110.0, shin_deg=35.0),
    "locked_knees": Posture(trunk_deg=70.0, knee_deg=1.0, shin_deg=0.0),
    "deadlift_floor": Posture(trunk_deg=55.0, knee_deg=75.0, shin_deg=22.0),
    "lean_back": Posture(trunk_deg=-12.0, knee_deg=3.0, shin_deg=-2.0),
    "hyperextended_knee": Posture(trunk_deg=30.0, knee_deg=-4.0, shin_deg=-3.0),
    "head_dropped": Posture(trunk_deg=50.0, knee_deg=15.0, shin_deg=5.0, head_deg=25.0),
    "head_cranked": Posture(
        trunk_deg=50.0, knee_deg=15.0, shin_deg=5.0, head_deg=-30.0
    ),
}


def measures_of(pose_or_poses, **kwargs) -> MeasureSeries:
    poses = pose_or_poses if isinstance(pose_or_poses, list) else [pose_or_poses]
    return compute_measures(track_from_poses(poses), **kwargs)


def first(m: MeasureSeries, name: str) -> float:
    return float(getattr(m, name)[0])


# -- angle primitives -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        ((1.0, 0.0), (0.0, 0.0), (0.0, 1.0), 90.0),
        ((3.0, 0.0), (0.0, 0.0), (0.0, -7.0), 90.0),
        ((1.0, 0.0), (0.0, 0.0), (-2.0, 0.0), 180.0),
        ((1.0, 0.0), (0.0, 0.0), (5.0, 0.0), 0.0),
        ((1.0, 0.0), (0.0, 0.0), (1.0, 1.0), 45.0),
    ],
)
def test_angle_at_gives_hand_checked_degrees(a, b, c, expected) -> None:
    got = angle_at(np.array(a), np.array(b), np.array(c))
    assert got == pytest.approx(expected, abs=1e-9)


def test_angle_at_with_a_missing_point_is_nan() -> None:
    got = angle_at(np.array([np.nan, 0.0]), np.zeros(2), np.array([0.0, 1.0]))
    assert math.isnan(float(got))


def test_angle_at_with_a_zero_length_leg_is_nan() -> None:
    got = angle_at(np.zeros(2), np.zeros(2), np.array([0.0, 1.0]))
    assert math.isnan(float(got))


@pytest.mark.parametrize(
    ("proximal", "expected"),
    [((0.0, 1.0), 0.0), ((1.0, 1.0), 45.0), ((-1.0, 1.0), -45.0), ((1.0, 0.0), 90.0)],
)
def test_segment_angle_is_zero_vertical_and_positive_forward(
    proximal, expected
) -> None:
    # Mirrored, y-up frame: +x is where the lifter faces.
    got = segment_angle_deg(np.zeros(2), np.array(proximal))
    assert float(got) == pytest.approx(expected)


# -- measures of the stick figure ---------------------------------------------------


@pytest.mark.parametrize("name", list(POSTURES))
def test_measures_of_stick_figure_match_its_angles_within_half_a_degree(name) -> None:
    posture = POSTURES[name]
    m = measures_of(make_pose(posture))
    expected = posture.measures()
    for field in ANGLES:
        assert first(m, field) == pytest.approx(expected[field], abs=0.5), field


@pytest.mark.parametrize("pattern", list(Pattern))
@pytest.mark.parametrize("facing", [1, -1])
def test_measures_of_a_whole_set_match_the_generator_truth(pattern, facing) -> None:
    hs = hinge_set(2, 10.0, pattern=pattern, facing=facing, stand_s=0.5, end_s=0.3)
    m = compute_measures(hs.track)
    for field in (*ANGLES, "spine_bow_norm"):
        np.testing.assert_allclose(
            getattr(m, field), hs.truth[field], atol=0.5, err_msg=field
        )


@pytest.mark.parametrize("view", [View.SIDE, View.OBLIQUE, View.FRONT])
@pytest.mark.parametrize(
    "name", ["standing", "hinge_bottom", "squat_bottom", "locked_knees"]
)
def test_3d_hip_flexion_is_the_same_from_any_view(view, name) -> None:
    posture = POSTURES[name]
    m = measures_of(make_pose(posture, Camera.for_view(view)))
    assert first(m, "hip_flexion_3d_deg") == pytest.approx(
        abs(posture.hip_deg), abs=0.5
    )


@pytest.mark.parametrize("view", [View.SIDE, View.OBLIQUE, View.FRONT])
@pytest.mark.parametrize("name", ["standing", "hinge_bottom", "squat_bottom"])
def test_3d_thigh_lean_is_the_knee_bend_less_the_shin_from_any_view(view, name) -> None:
    """The world thigh's lean from up, read without the ankles (the 3D
    hips-first rule times it when the feet are out of frame)."""
    posture = POSTURES[name]
    pose = make_pose(posture, Camera.for_view(view))
    vis = pose.visibility.copy()
    vis[[Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]] = 0.0
    m = measures_of(dataclasses.replace(pose, visibility=vis))
    assert math.isnan(first(m, "knee_flexion_3d_deg"))
    assert first(m, "thigh_incline_3d_deg") == pytest.approx(
        posture.knee_deg - posture.shin_deg, abs=0.5
    )


def test_hip_flexion_is_trunk_minus_thigh_by_hand() -> None:
    # Trunk 60 forward, thigh 11 back (shin 7 - knee 18): hip flexion 71.
    m = measures_of(make_pose(trunk_deg=60.0, knee_deg=18.0, shin_deg=7.0))
    assert first(m, "hip_flexion_deg") == pytest.approx(71.0, abs=0.01)


def test_straight_vertical_leg_gives_hip_one_leg_length_above_the_ankle() -> None:
    m = measures_of(make_pose(POSTURES["straight"]))
    assert first(m, "hip_height_norm") == pytest.approx(1.0, abs=1e-3)
    assert first(m, "hip_back_norm") == pytest.approx(0.0, abs=1e-3)
    # Shoulder: leg (0.5) plus trunk (0.3) over the leg length.
    assert first(m, "shoulder_height_norm") == pytest.approx(1.6, abs=1e-3)


def test_hinging_moves_the_hip_behind_the_ankle() -> None:
    m = measures_of(make_pose(trunk_deg=60.0, knee_deg=18.0, shin_deg=7.0))
    # hip x = 0.25 sin 7 + 0.25 sin(-11) in leg lengths of 0.5
    expected = (
        0.25 * math.sin(math.radians(7)) + 0.25 * math.sin(math.radians(-11))
    ) / 0.5
    assert first(m, "hip_back_norm") == pytest.approx(expected, abs=1e-3)
    assert first(m, "hip_back_norm") < 0


@pytest.mark.parametrize(
    "name", ["hinge_bottom", "squat_bottom", "lean_back", "head_dropped"]
)
def test_lifter_facing_the_other_way_gives_the_same_measures(name) -> None:
    posture = POSTURES[name]
    right = measures_of(make_pose(posture, Camera(facing=1)))
    left = measures_of(make_pose(posture, Camera(facing=-1)))
    assert right.side == (Side.RIGHT,)
    assert left.side == (Side.LEFT,)
    for field in LANDMARK_MEASURES:
        assert first(left, field) == pytest.approx(first(right, field), abs=1e-4), field


def _swap_sides(a: np.ndarray) -> np.ndarray:
    """Relabel left landmarks as right and vice versa (along axis 1)."""
    perm = list(range(len(Landmark)))
    for lm in Landmark:
        for one, other in (("LEFT", "RIGHT"), ("RIGHT", "LEFT")):
            if one in lm.name:
                perm[lm] = Landmark[lm.name.replace(one, other)]
    return a[:, perm]


def test_mirroring_x_and_taking_the_other_side_leaves_every_measure_unchanged() -> None:
    track = track_from_poses([make_pose(p) for p in POSTURES.values()])
    base = compute_measures(track)
    xy = track.xy_norm.copy()
    xy[..., 0] = 1.0 - xy[..., 0]
    # Pure mirror: same labels, the lifter now faces -x.
    mirrored = dataclasses.replace(track, xy_norm=xy)
    # Mirror plus relabelled sides: the other side is now the near one.
    relabelled = dataclasses.replace(
        track,
        xy_norm=_swap_sides(xy),
        visibility=_swap_sides(track.visibility),
        world_m=_swap_sides(track.world_m),
    )
    for variant, side in ((mirrored, Side.RIGHT), (relabelled, Side.LEFT)):
        m = compute_measures(variant)
        assert set(m.side) == {side}
        for field in LANDMARK_MEASURES:
            np.testing.assert_allclose(
                getattr(m, field), getattr(base, field), atol=1e-4, err_msg=field
            )


def test_facing_sign_follows_the_feet() -> None:
    for facing in (1, -1):
        pose = make_pose(camera=Camera(facing=facing))
        side = Side.RIGHT if facing == 1 else Side.LEFT
        assert facing_sign(pose.xy_px, pose.visibility, side, 0.5) == facing


def test_near_side_is_the_more_visible_one() -> None:
    pose = make_pose(camera=Camera(facing=-1))  # the left side faces the camera
    assert near_side(pose.visibility) is Side.LEFT
    assert near_side(np.stack([pose.visibility] * 4)) is Side.LEFT


def test_near_side_of_a_set_follows_the_trunk_nearer_the_camera() -> None:
    pose = make_pose(camera=Camera(facing=-1))  # the left side faces the camera
    vis = np.stack([pose.visibility] * 4)
    # A load in front of the near leg: the left knee and ankle read unseen.
    vis[:, [Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE]] = 0.0
    world = np.zeros((4, 33, 3))
    world[:, [Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP], 2] = -0.12  # nearer
    world[:, [Landmark.RIGHT_SHOULDER, Landmark.RIGHT_HIP], 2] = 0.12
    depth = DEFAULT_THRESHOLDS.side_depth_full_m
    assert near_side(vis) is Side.RIGHT  # visibility alone is fooled
    assert near_side(vis, world, depth) is Side.LEFT
    # Depth unknown: visibility decides.
    assert near_side(vis, np.full_like(world, np.nan), depth) is Side.RIGHT


def test_a_hidden_knee_makes_knee_and_hip_nan_but_keeps_the_trunk() -> None:
    pose = make_pose(trunk_deg=40.0)
    vis = pose.visibility.copy()
    vis[Landmark.RIGHT_KNEE] = 0.2  # the near knee, below MIN_VISIBILITY
    m = measures_of(dataclasses.replace(pose, visibility=vis))
    assert math.isnan(first(m, "knee_flexion_deg"))
    assert math.isnan(first(m, "hip_flexion_deg"))
    assert math.isnan(first(m, "shin_incline_deg"))
    assert math.isnan(first(m, "thigh_incline_deg"))
    assert first(m, "trunk_incline_deg") == pytest.approx(40.0, abs=1e-3)


def test_with_the_ankle_out_of_view_the_thigh_still_reads_the_knee_bend_less_the_shin() -> (
    None
):
    """A camera too close to see the feet: no knee angle, but the thigh's lean
    from vertical is the knee's bend less the shin's lean (110 - 35 deg)."""
    pose = make_pose(trunk_deg=18.0, knee_deg=110.0, shin_deg=35.0)
    vis = pose.visibility.copy()
    vis[[Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]] = 0.1
    m = measures_of(dataclasses.replace(pose, visibility=vis))
    assert math.isnan(first(m, "knee_flexion_deg"))
    assert first(m, "thigh_incline_deg") == pytest.approx(110.0 - 35.0, abs=1e-3)
    assert first(m, "hip_flexion_deg") == pytest.approx(18.0 + 75.0, abs=1e-3)


def test_a_nan_landmark_propagates_to_the_measures_that_use_it() -> None:
    pose = make_pose(trunk_deg=40.0)
    xy = pose.xy_norm.copy()
    xy[Landmark.RIGHT_SHOULDER] = np.nan
    m = measures_of(dataclasses.replace(pose, xy_norm=xy), side=Side.RIGHT, facing=1.0)
    assert math.isnan(first(m, "trunk_incline_deg"))
    assert math.isnan(first(m, "hip_flexion_deg"))
    assert math.isnan(first(m, "head_offset_deg"))
    assert first(m, "knee_flexion_deg") == pytest.approx(5.0, abs=1e-3)


def test_min_visibility_is_the_cut_for_missing() -> None:
    pose = make_pose(camera=Camera(near_visibility=0.45, far_visibility=0.3))
    assert math.isnan(first(measures_of(pose), "knee_flexion_deg"))
    assert first(
        measures_of(
            pose,
            thresholds=dataclasses.replace(DEFAULT_THRESHOLDS, min_visibility=0.4),
        ),
        "knee_flexion_deg",
    ) == pytest.approx(5.0, abs=1e-3)


# -- camera view -----------------------------------------------------------------------


@pytest.mark.parametrize("view", [View.SIDE, View.OBLIQUE, View.FRONT])
@pytest.mark.parametrize("name", ["standing", "hinge_bottom", "squat_bottom"])
def test_estimate_view_classifies_the_camera_yaw(view, name) -> None:
    track = track_from_poses([make_pose(POSTURES[name], Camera.for_view(view))])
    assert estimate_view(track) == [view]


def test_view_ratio_is_near_zero_from_the_side_and_above_the_front_limit_from_the_front() -> (
    None
):
    side = track_from_poses([make_pose(camera=Camera.for_view(View.SIDE))])
    front = track_from_poses([make_pose(camera=Camera.for_view(View.FRONT))])
    assert view_ratio(side.xy_norm, side.image_wh)[0] < 0.1
    assert view_ratio(front.xy_norm, front.image_wh)[0] > 0.65


def test_world_yaw_is_90_from_the_side_and_0_from_the_front() -> None:
    side = make_pose(camera=Camera.for_view(View.SIDE))
    front = make_pose(camera=Camera.for_view(View.FRONT))
    assert world_yaw_deg(side.world_m[None])[0] == pytest.approx(90.0, abs=1.0)
    assert world_yaw_deg(front.world_m[None])[0] == pytest.approx(0.0, abs=1.0)


def test_missing_shoulders_give_an_unknown_view() -> None:
    pose = make_pose()
    xy = pose.xy_norm.copy()
    xy[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]] = np.nan
    track = track_from_poses([dataclasses.replace(pose, xy_norm=xy)])
    assert estimate_view(track) == [View.UNKNOWN]


# -- the back's outline ------------------------------------------------------------------


def test_back_profile_of_an_upright_rectangle_finds_the_edge_at_its_distance() -> None:
    # Lifter facing +x, hip at (100, 200), shoulder at (100, 80): chord 120 px.
    # The body spans x 70..130, so the back edge is 30 px = 0.25 chord behind.
    mask = np.zeros((300, 300), np.float32)
    mask[60:221, 70:131] = 1.0
    prof = back_profile(mask, np.array([100.0, 80.0]), np.array([100.0, 200.0]), 1.0)
    assert prof.shape == (BACK_PROFILE_SAMPLES,)
    np.testing.assert_allclose(prof, 31 / 120, atol=1.5 / 120)


def test_back_profile_looks_behind_the_lifter_whichever_way_they_face() -> None:
    # Back edge 30 px behind (x 70) when facing +x, 50 px behind (x 150) facing -x.
    mask = np.zeros((300, 300), np.float32)
    mask[60:221, 70:151] = 1.0
    shoulder, hip = np.array([100.0, 80.0]), np.array([100.0, 200.0])
    np.testing.assert_allclose(
        back_profile(mask, shoulder, hip, 1.0), 31 / 120, atol=0.0125
    )
    np.testing.assert_allclose(
        back_profile(mask, shoulder, hip, -1.0), 51 / 120, atol=0.0125
    )


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("trunk_deg", [0.0, 45.0, 70.0])
@pytest.mark.parametrize("bow", [0.0, 0.12])
def test_back_profile_of_a_drawn_back_recovers_the_drawn_outline(
    facing, trunk_deg, bow
) -> None:
    hip = (320.0, 300.0)
    r = math.radians(trunk_deg)
    shoulder = (hip[0] + facing * 200 * math.sin(r), hip[1] - 200 * math.cos(r))
    drawn = back_profile_of(bow)
    mask = back_mask((640, 480), hip, shoulder, facing, drawn)
    prof = back_profile(mask, np.array(shoulder), np.array(hip), float(facing))
    # One pixel of rasterisation either way on a 200 px chord.
    np.testing.assert_allclose(prof, drawn, atol=2.0 / 200)
    assert float(spine_bow(prof.astype(np.float64))) == pytest.approx(bow, abs=0.015)


def test_back_profile_is_nan_where_the_chord_leaves_the_mask() -> None:
    mask = np.zeros((300, 300), np.float32)
    mask[140:221, 70:131] = 1.0  # only the lower half of the trunk is in the mask
    prof = back_profile(mask, np.array([100.0, 80.0]), np.array([100.0, 200.0]), 1.0)
    lower = BACK_T <= 0.45
    assert np.isfinite(prof[lower]).all()
    assert np.isnan(prof[BACK_T >= 0.55]).all()


def test_back_profile_without_a_shoulder_is_all_nan() -> None:
    mask = np.ones((100, 100), np.float32)
    prof = back_profile(mask, np.array([np.nan, 10.0]), np.array([50.0, 90.0]), 1.0)
    assert np.isnan(prof).all()


@pytest.mark.parametrize(
    "profile",
    [
        np.full(BACK_PROFILE_SAMPLES, 0.1),
        0.05 + 0.1 * BACK_T,
        0.2 - 0.08 * BACK_T,
    ],
    ids=["constant", "rising_line", "falling_line"],
)
def test_spine_bow_of_a_straight_profile_is_zero(profile) -> None:
    assert float(spine_bow(profile)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("bow", [0.02, 0.08, 0.2])
def test_spine_bow_measures_the_bulge_of_the_mid_back(bow) -> None:
    assert float(spine_bow(back_profile_of(bow).astype(np.float64))) == pytest.approx(
        bow, abs=1e-6
    )


def test_spine_bow_of_a_hollow_back_is_not_positive() -> None:
    hollow = back_profile_of(-0.1).astype(np.float64)
    assert float(spine_bow(hollow)) <= 1e-6


def test_spine_bow_with_a_gap_in_the_profile_is_nan() -> None:
    prof = back_profile_of(0.1).astype(np.float64)
    prof[4] = np.nan
    assert math.isnan(float(spine_bow(prof)))


def test_spine_bow_works_on_a_stack_of_profiles() -> None:
    stack = np.stack([back_profile_of(b).astype(np.float64) for b in (0.0, 0.05, 0.1)])
    np.testing.assert_allclose(spine_bow(stack), [0.0, 0.05, 0.1], atol=1e-6)


def test_track_back_profile_becomes_spine_bow_norm() -> None:
    track = track_from_poses([make_pose(), make_pose()])
    back = np.stack([back_profile_of(0.0), back_profile_of(0.1)])
    m = compute_measures(dataclasses.replace(track, back_profile=back))
    np.testing.assert_allclose(m.spine_bow_norm, [0.0, 0.1], atol=1e-6)


@pytest.mark.parametrize(
    ("trunk", "knee", "shin", "hip"),
    [
        (90.0, 80.0, 0.0, 170.0),  # the deepest a hip flexes: kept
        (-10.0, 0.0, 15.0, -25.0),  # leaning back past upright: kept
        (80.0, 130.0, 0.0, math.nan),  # thigh beyond the trunk (210 = -150)
    ],
)
def test_a_2d_hip_flexion_no_joint_can_reach_is_nan(
    trunk: float, knee: float, shin: float, hip: float
) -> None:
    m = measures_of(make_pose(trunk_deg=trunk, knee_deg=knee, shin_deg=shin))
    if math.isnan(hip):
        assert math.isnan(first(m, "hip_flexion_deg"))
        assert first(m, "knee_flexion_deg") == pytest.approx(knee, abs=1e-3)
    else:
        assert first(m, "hip_flexion_deg") == pytest.approx(hip, abs=1e-3)


def _upside_down(pose):
    """The pose mirrored top to bottom: the model's upside-down lifter."""
    xy = pose.xy_norm.copy()
    xy[:, 1] = 1.0 - xy[:, 1]
    return dataclasses.replace(pose, xy_norm=xy)


def test_an_upside_down_skeleton_is_no_reading() -> None:
    """Shoulders below the hips and knees above them: no lift goes there, so
    every 2D measure of the frame is unread rather than a trunk at 120 deg."""
    flipped = measures_of(_upside_down(make_pose(trunk_deg=60.0, knee_deg=20.0)))
    for name in (*LANDMARK_MEASURES, "thigh_incline_deg"):
        assert math.isnan(first(flipped, name)), name


@pytest.mark.parametrize(
    ("trunk", "knee", "shin"),
    [
        (100.0, 20.0, 5.0),  # shoulders just below the hips, knees under them
        (20.0, 140.0, 40.0),  # a deep squat: hips below the knees
    ],
)
def test_the_deepest_real_postures_are_not_upside_down(
    trunk: float, knee: float, shin: float
) -> None:
    m = measures_of(make_pose(trunk_deg=trunk, knee_deg=knee, shin_deg=shin))
    assert first(m, "trunk_incline_deg") == pytest.approx(trunk, abs=1e-3)
    assert first(m, "knee_flexion_deg") == pytest.approx(knee, abs=1e-3)


@pytest.mark.parametrize("turn", [0.0, 20.0, 45.0, 60.0])
@pytest.mark.parametrize("bend", [5.0, 25.0, 75.0, 110.0])
def test_the_knee_read_face_on_is_the_bend_in_the_legs_plane(
    turn: float, bend: float
) -> None:
    """A leg bent `bend` deg in a plane turned `turn` deg off the image plane,
    seen orthographically: the image's knee reads straighter as the plane
    turns; stretched back face on it reads the bend."""
    from hingecam.core.face_on import knee_face_on

    shin_lean = math.radians(bend / 3)  # the shin leans forward, the thigh back
    thigh_lean = math.radians(bend) - shin_lean
    forward = math.cos(math.radians(turn))  # forward lengths in the image
    knee = np.array([0.0, 0.0])  # y down, forward to +x
    hip = np.array([-math.sin(thigh_lean) * forward, -math.cos(thigh_lean)])
    ankle = np.array([-math.sin(shin_lean) * forward, math.cos(shin_lean)])
    legs = np.array([[hip, knee, ankle]]) * 300.0
    assert knee_face_on(legs, turn)[0] == pytest.approx(bend, abs=1e-6)
    if turn and bend > 5:
        assert knee_face_on(legs, 0.0)[0] < bend - 0.5
