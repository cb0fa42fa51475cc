"""media/schedule.py: which frames get the two-person model, the single-pose
model or interpolation, on scripted poses (FakeEstimator, no model)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hingecam.core.poses import Frame, Pose
from hingecam.errors import ConfigError
from hingecam.media.fake_pose import FakeEstimator
from hingecam.media.pose_config import PoseConfig
from hingecam.media.schedule import (
    Inference,
    Planner,
    Schedule,
    ScheduledEstimator,
    fill_skipped,
    interpolate_pose,
)
from tests.factories import make_pose

F, S, K = Inference.FULL, Inference.SINGLE, Inference.SKIP
SINGLE = Schedule(single_pose=True)


def shifted(pose: Pose, dx_norm: float, t_s: float) -> Pose:
    return dataclasses.replace(pose, xy_norm=pose.xy_norm + dx_norm, t_s=t_s)


WALK_NORM_PER_S = 0.5  # 3 torso lengths/s for make_pose(): fast enough to skip


def walking(t_s: float, speed_norm_per_s: float = WALK_NORM_PER_S) -> Pose:
    return shifted(make_pose(), speed_norm_per_s * t_s, t_s)


def plan(
    planner: Planner,
    n: int,
    fps: float,
    people: int = 1,
    speed_norm_per_s: float = WALK_NORM_PER_S,
) -> list[Inference]:
    """Kinds for n frames where every inferred frame finds `people` people moving
    sideways at `speed_norm_per_s`."""
    kinds = []
    for i in range(n):
        t = i / fps
        kind = planner.next(t)
        kinds.append(kind)
        if kind is not K:
            planner.observe(t, kind, (walking(t, speed_norm_per_s),) * people)
    return kinds


def test_sixty_fps_infers_every_other_frame_and_checks_people_twice_a_second() -> None:
    kinds = plan(Planner(Schedule(single_pose=True), fps=60.0), 61, 60.0)
    # the speed is known from the second inferred frame on
    assert kinds[:7] == [F, S, K, S, K, S, K]
    assert [i for i, k in enumerate(kinds) if k is F] == [0, 30, 60]
    assert kinds.count(K) == 29


def test_thirty_fps_infers_every_frame_with_one_pose_between_checks() -> None:
    kinds = plan(Planner(Schedule(single_pose=True), fps=30.0), 31, 30.0)
    assert K not in kinds
    assert [i for i, k in enumerate(kinds) if k is F] == [0, 15, 30]


def test_default_schedule_infers_every_other_frame_at_sixty_with_two_poses() -> None:
    kinds = plan(Planner(Schedule(), fps=60.0), 8, 60.0)
    assert kinds == [F, F, K, F, K, F, K, F]


def test_standing_still_is_inferred_on_every_frame_even_at_sixty_fps() -> None:
    kinds = plan(Planner(Schedule(), fps=60.0), 20, 60.0, speed_norm_per_s=0.0)
    assert kinds == [F] * 20


def test_skipping_starts_once_the_shoulders_move_fast_enough() -> None:
    # 0.9 x skip_min_speed_torsos_per_s in norm/s: shifted() moves x and y alike,
    # along the 1280x720 image's diagonal; make_pose()'s torso is 216 px
    slow = 0.9 * 0.5 * 216 / float(np.hypot(1280, 720))
    assert K not in plan(Planner(Schedule(), fps=60.0), 20, 60.0, 1, slow)
    assert K in plan(Planner(Schedule(), fps=60.0), 20, 60.0, 1, slow / 0.9 * 1.1)


def test_default_schedule_infers_every_frame_at_thirty_fps() -> None:
    kinds = plan(Planner(Schedule(), fps=30.0), 40, 30.0)
    assert kinds == [F] * 40


def test_default_schedule_never_skips_while_two_people_are_seen() -> None:
    kinds = plan(Planner(Schedule(), fps=60.0), 10, 60.0, people=2)
    assert kinds == [F] * 10


def test_full_rate_runs_the_configured_model_on_every_frame() -> None:
    kinds = plan(Planner(Schedule(full_rate=True), fps=60.0), 20, 60.0)
    assert kinds == [F] * 20


def test_two_people_keep_the_two_person_model_on_every_frame() -> None:
    kinds = plan(Planner(Schedule(), fps=60.0), 20, 60.0, people=2)
    assert kinds == [F] * 20


def test_a_lost_pose_escalates_for_escalate_s() -> None:
    planner = Planner(Schedule(single_pose=True, escalate_s=0.2), fps=30.0)
    pose = make_pose()
    kinds = []
    for i in range(15):
        t = i / 30.0
        kind = planner.next(t)
        kinds.append(kind)
        planner.observe(t, kind, () if i == 3 else (pose,))
    # frame 3 finds nobody: frames 4..9 (< 3/30 + 0.2 s) get the two-person model
    assert kinds[:4] == [F, S, S, S]
    assert kinds[4:10] == [F] * 6
    assert kinds[10] is S


def test_a_hip_jump_escalates() -> None:
    planner = Planner(Schedule(single_pose=True), fps=30.0)
    pose = make_pose()
    planner.observe(0.0, F, (pose,))
    assert planner.next(1 / 30) is S
    planner.observe(1 / 30, S, (shifted(pose, 0.3, 1 / 30),))
    assert planner.next(2 / 30) is F


@pytest.mark.parametrize("name", ["people_check_s", "escalate_s", "min_inferred_fps"])
def test_schedule_rejects_non_positive_knobs(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Schedule(**{name: 0.0})


def test_interpolated_pose_is_linear_and_takes_the_nearer_mask() -> None:
    mask_a = np.zeros((4, 4), np.float32)
    mask_b = np.ones((4, 4), np.float32)
    a = dataclasses.replace(make_pose(t_s=0.0), mask=mask_a)
    b = dataclasses.replace(shifted(a, 0.1, 0.1), mask=mask_b)
    mid = interpolate_pose(a, b, 0.025)
    np.testing.assert_allclose(mid.xy_norm, a.xy_norm + 0.025, atol=1e-6)
    assert mid.t_s == 0.025
    assert mid.mask is mask_a
    assert interpolate_pose(a, b, 0.075).mask is mask_b


def test_skipped_frames_next_to_two_people_get_the_nearer_frames_people() -> None:
    a, b = make_pose(t_s=0.0), shifted(make_pose(), 0.3, 0.0)
    held = [Frame(np.zeros((2, 2, 3), np.uint8), i, i / 60) for i in (1, 2, 3)]
    after = (shifted(make_pose(), 0.01, 4 / 60),)
    out = list(fill_skipped(held, (a, b), after))
    assert [len(p) for _, p in out] == [2, 2, 1]
    assert [p[0].t_s for _, p in out] == [1 / 60, 2 / 60, 3 / 60]
    np.testing.assert_array_equal(out[2][1][0].xy_norm, after[0].xy_norm)


def test_skipped_frames_hold_the_last_pose_when_nobody_follows() -> None:
    a = make_pose(t_s=0.0)
    frame = Frame(np.zeros((2, 2, 3), np.uint8), 1, 0.5)
    [(out_frame, poses)] = list(fill_skipped([frame], (a,), ()))
    assert out_frame is frame
    assert poses[0].t_s == 0.5
    np.testing.assert_array_equal(poses[0].xy_norm, a.xy_norm)


def frames(n: int, fps: float) -> list[Frame]:
    image = np.zeros((4, 4, 3), np.uint8)
    return [Frame(image, i, i / fps) for i in range(n)]


def test_scheduled_run_yields_every_frame_in_order_with_interpolated_poses() -> None:
    base = make_pose()
    script = {i: shifted(base, 0.01 * i, i / 60) for i in range(10)}
    full, single = FakeEstimator(script), FakeEstimator(script)
    est = ScheduledEstimator(PoseConfig(), SINGLE, 60.0, full=full, single=single)
    out = list(est.run(frames(10, 60.0)))
    assert [f.index for f, _ in out] == list(range(10))
    # frame 1 is planned before frame 0's result is in (PLANNER_LAG = 1): the
    # two-person model runs until one person is seen
    assert full.calls == [0, 1]
    assert single.calls == [2, 4, 6, 8, 9]
    for frame, poses in out:  # linear motion: interpolation is exact
        np.testing.assert_allclose(
            poses[0].xy_norm, script[frame.index].xy_norm, atol=1e-6
        )
    assert est.summary() == {"full": 2, "single": 5, "skip": 3}


def test_a_stream_ending_on_a_skipped_frame_infers_the_last_frame() -> None:
    script = [walking(i / 60) for i in range(5)]
    full, single = FakeEstimator(script), FakeEstimator(script)
    est = ScheduledEstimator(PoseConfig(), SINGLE, 60.0, full=full, single=single)
    out = list(est.run(frames(5, 60.0)))
    assert [f.index for f, _ in out] == [0, 1, 2, 3, 4]
    assert single.calls == [2, 4]
    assert est.summary() == {"full": 2, "single": 2, "skip": 1}


def test_second_person_found_by_a_check_is_reported_from_then_on() -> None:
    # checks every 0.5 s from the first one-person frame (frame 1): frames 1, 16;
    # frame 17 was planned before frame 16's result was in (PLANNER_LAG = 1), so
    # it still got the one-person model; every frame after gets the two-person one
    pose = make_pose()
    other = shifted(pose, 0.4, 0.0)
    full = FakeEstimator({i: [pose, other] if i >= 15 else pose for i in range(40)})
    single = FakeEstimator(dict.fromkeys(range(40), pose))
    est = ScheduledEstimator(PoseConfig(), SINGLE, 30.0, full=full, single=single)
    people = [len(p) for _, p in est.run(frames(40, 30.0))]
    assert people[:16] == [1] * 16
    assert people[16] == 2
    assert people[18:] == [2] * 22
    assert full.calls[:3] == [0, 1, 16]
    assert full.calls[3:] == list(range(18, 40))


def test_default_schedule_runs_only_the_configured_model() -> None:
    script = [walking(i / 60) for i in range(6)]
    full = FakeEstimator(script)
    est = ScheduledEstimator(PoseConfig(), Schedule(), 60.0, full=full)
    assert [f.index for f, _ in est.run(frames(6, 60.0))] == [0, 1, 2, 3, 4, 5]
    assert full.calls == [0, 1, 2, 4, 5]


@pytest.mark.parametrize(
    ("fps", "stride"), [(59.94, 2), (60.0, 2), (29.97, 1), (30.0, 1), (120.0, 4)]
)
def test_stride_keeps_inference_at_or_near_min_inferred_fps(
    fps: float, stride: int
) -> None:
    assert Schedule().stride(fps) == stride
    assert Schedule(full_rate=True).stride(fps) == 1


def test_frames_are_scaled_for_inference_only_above_the_limit() -> None:
    from hingecam.media.schedule import scaled_for_inference

    frame = Frame(np.zeros((720, 1280, 3), dtype=np.uint8), 3, 0.1)
    assert scaled_for_inference(frame, 0) is frame  # off
    assert scaled_for_inference(frame, 1280) is frame  # not larger
    small = scaled_for_inference(frame, 640)
    assert small.image_bgr.shape == (360, 640, 3) and small.image_bgr.dtype == np.uint8
    assert (small.index, small.t_s) == (3, 0.1)


def test_the_annotated_video_of_large_frames_is_encoded_cheaper() -> None:
    from hingecam.app.pipeline import annotated_preset

    assert annotated_preset(1280, 720) == annotated_preset(1920, 1080) == "ultrafast"
    assert annotated_preset(360, 640) == annotated_preset(1080, 720) == "superfast"
