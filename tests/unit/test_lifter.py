"""Following one lifter when the model finds several people (or the wrong one)."""

from __future__ import annotations

from hingecam.core.lifter import LifterTracker, choose_lifter
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
