"""Following one lifter when the model finds several people (or the wrong one)."""

from __future__ import annotations

import dataclasses

import numpy as np

from hingecam.core.landmarks import Landmark
from hingecam.core.lifter import LifterTracker, choose_lifter, flipped
from hingecam.core.poses import Pose
from hingecam.core.thresholds import Thresholds
from tests.factories import Camera, make_pose

TH = Thresholds()

LIFTER = make_pose(camera=Camera(ankle_x=0.3))
OTHER = make_pose(camera=Camera(ankle_x=0.8))


def test_the_person_nearest_the_lifter_keeps_the_role() -> None:
    assert choose_lifter([OTHER, LIFTER], LIFTER, TH) is LIFTER


def test_someone_else_found_alone_does_not_take_over() -> None:
    assert choose_lifter([OTHER], LIFTER, TH) is None


def test_without_a_lifter_the_only_person_is_taken() -> None:
    assert choose_lifter([OTHER], None, TH) is OTHER
    assert choose_lifter([], LIFTER, TH) is None


def test_tracker_skips_frames_where_only_the_other_person_is_found() -> None:
    tracker = LifterTracker(TH)
    assert tracker.update([LIFTER, OTHER], 0.0) is LIFTER
    assert tracker.update([OTHER], 0.1) is None
    assert tracker.update([OTHER, LIFTER], 0.2) is LIFTER


def test_tracker_forgets_a_lifter_gone_for_long() -> None:
    tracker = LifterTracker(TH)
    tracker.update([LIFTER], 0.0)
    assert tracker.update([OTHER], TH.lifter_forget_s / 2) is None
    assert tracker.update([OTHER], TH.lifter_forget_s + 0.1) is OTHER


def _upside_down(pose: Pose, *, image: bool = True, world: bool = True) -> Pose:
    """The pose turned half a turn about its hips: what the model reads in a
    plate or a poster as a small person upside down, next to the lifter."""
    xy, w = pose.xy_norm.astype(np.float64), pose.world_m.astype(np.float64)
    hips_xy = xy[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=0)
    if image:
        xy = hips_xy - 0.5 * (xy - hips_xy)
    if world:
        w = -w
    return dataclasses.replace(
        pose, xy_norm=xy.astype(np.float32), world_m=w.astype(np.float32)
    )


PHANTOM = _upside_down(LIFTER)


def test_a_phantom_upside_down_next_to_the_lifter_is_not_the_lifter() -> None:
    tracker = LifterTracker(TH)
    assert tracker.update([LIFTER], 0.0) is LIFTER
    # Found alone, nearer than lifter_max_hip_jump_torsos: still not the lifter.
    assert choose_lifter([PHANTOM], LIFTER, TH) is PHANTOM  # hips alone allow it
    assert tracker.update([PHANTOM], 1 / 30) is None
    # Found with the lifter (whose hips moved further than the phantom's), the
    # lifter keeps the role.
    moved = make_pose(camera=Camera(ankle_x=0.33))
    assert tracker.update([PHANTOM, moved], 2 / 30) is moved


def test_a_flip_in_one_reading_only_is_noise_not_a_phantom() -> None:
    # The world landmarks' depth noise at the bottom of a pull turns their trunk
    # by 90-110 deg from frame to frame; the image trunk stays: the lifter.
    tracker = LifterTracker(TH)
    tracker.update([LIFTER], 0.0)
    world_only = _upside_down(LIFTER, image=False)
    assert tracker.update([world_only], 1 / 30) is world_only
    assert not flipped(_upside_down(LIFTER, world=False), LIFTER, TH)
    assert flipped(PHANTOM, LIFTER, TH)


def test_after_the_flip_window_the_nearest_pose_is_taken_again() -> None:
    # A phantom taken first (nothing else seen) must not keep the real lifter
    # out: once the last pose is older than lifter_flip_window_s, the
    # upside-down comparison is not made.
    tracker = LifterTracker(TH)
    tracker.update([PHANTOM], 0.0)
    assert tracker.update([LIFTER], 0.1) is None
    assert tracker.update([LIFTER], 0.1 + TH.lifter_flip_window_s) is LIFTER
