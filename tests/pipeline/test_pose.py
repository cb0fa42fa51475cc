"""pose.py: MediaPipe on real frames (marked model + clips), and the pure helpers.

The unit tests of the pure helpers (timestamps, choose_lifter, FakeEstimator,
PoseConfig) live here too, below the model tests; they need neither.
"""

from __future__ import annotations

import dataclasses
import itertools
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hingecam.core.landmarks import SIDE_POINTS, Landmark, near_side
from hingecam.core.lifter import choose_lifter
from hingecam.core.poses import N_LANDMARKS, Frame, Pose
from hingecam.core.thresholds import Thresholds
from hingecam.errors import ConfigError, ModelError
from hingecam.media.camera import open_camera
from hingecam.media.fake_pose import FakeEstimator
from hingecam.media.pose import (
    LiveEstimator,
    LivePoseEstimator,
    MediaPipePoseEstimator,
    PoseEstimator,
    timestamp_ms,
)
from hingecam.media.pose_config import PoseConfig, RunningMode, pose_knobs
from hingecam.media.video import open_video
from tests.polling import wait_for

TH = Thresholds()

STANDING_CLIP = "kbdl_side_correct_tby.mp4"  # 360x640, the lifter stands at the start
WARMUP_FRAMES = 8  # VIDEO mode tracks; judge the last of these frames


@pytest.fixture(scope="module")
def standing_frames(clip_path: Callable[[str], Path]) -> list[Frame]:
    with open_video(clip_path(STANDING_CLIP)) as source:
        return list(itertools.islice(source, WARMUP_FRAMES))


def run_video_mode(config: PoseConfig, frames: list[Frame]) -> list[tuple[Pose, ...]]:
    with MediaPipePoseEstimator(config) as estimator:
        return [estimator.estimate(frame) for frame in frames]


def assert_standing_and_plausible(pose: Pose) -> None:
    side = near_side(pose.visibility)
    points = SIDE_POINTS[side]
    chain = [points[k] for k in ("shoulder", "hip", "knee", "ankle")]
    y = pose.xy_norm[chain, 1]
    assert np.all(np.diff(y) > 0.03), f"{side} shoulder/hip/knee/ankle y = {y}"
    assert np.all(pose.visibility[chain] > 0.8), pose.visibility[chain]
    assert np.all((pose.xy_norm[chain] > 0) & (pose.xy_norm[chain] < 1))
    assert np.isfinite(pose.world_m).all()
    # hip-centred metres: the hips' midpoint is near the origin, the head above it
    hips = pose.world_m[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=0)
    assert np.linalg.norm(hips) < 0.1
    assert pose.world_m[Landmark.NOSE, 1] < -0.3  # y points down in world coords


@pytest.mark.model
@pytest.mark.clips
def test_video_mode_finds_the_standing_lifter(
    model_path: Path, standing_frames: list[Frame]
) -> None:
    results = run_video_mode(PoseConfig(model_path=model_path), standing_frames)
    assert all(len(poses) == 1 for poses in results), [len(p) for p in results]
    pose = results[-1][0]
    frame = standing_frames[-1]
    assert pose.t_s == frame.t_s
    assert pose.image_wh == (360, 640)
    assert pose.mask is None
    for name, shape in (("xy_norm", (N_LANDMARKS, 2)), ("world_m", (N_LANDMARKS, 3))):
        assert getattr(pose, name).dtype == np.float32, name
        assert getattr(pose, name).shape == shape
    assert_standing_and_plausible(pose)


@pytest.mark.model
@pytest.mark.clips
def test_segmentation_mask_matches_the_frame_and_covers_the_lifter(
    model_path: Path, standing_frames: list[Frame]
) -> None:
    config = PoseConfig(model_path=model_path, output_segmentation_masks=True)
    pose = run_video_mode(config, standing_frames)[-1][0]
    assert pose.mask is not None
    assert pose.mask.shape == standing_frames[-1].image_bgr.shape[:2]
    assert pose.mask.dtype == np.float32
    assert 0.0 <= pose.mask.min() and pose.mask.max() <= 1.0
    side = near_side(pose.visibility)
    x, y = pose.xy_px[SIDE_POINTS[side]["hip"]].astype(int)
    assert pose.mask[y, x] > 0.5  # the hip is on the person
    assert pose.mask[5, 5] < 0.5  # the top-left corner is wall


@pytest.mark.model
@pytest.mark.clips
def test_repeated_timestamps_do_not_break_video_mode(
    model_path: Path, standing_frames: list[Frame]
) -> None:
    # Variable frame rate files can repeat a time; MediaPipe rejects that.
    with MediaPipePoseEstimator(PoseConfig(model_path=model_path)) as estimator:
        first = estimator.estimate(standing_frames[0])
        repeat = Frame(standing_frames[1].image_bgr, 1, standing_frames[0].t_s)
        again = estimator.estimate(repeat)
    assert len(first) == len(again) == 1


@pytest.mark.model
@pytest.mark.clips
def test_image_mode_needs_no_timestamps(
    model_path: Path, standing_frames: list[Frame]
) -> None:
    config = PoseConfig(model_path=model_path, running_mode=RunningMode.IMAGE)
    with MediaPipePoseEstimator(config) as estimator:
        poses = estimator.estimate(standing_frames[-1])
        poses_again = estimator.estimate(standing_frames[-1])  # same time is fine
    assert len(poses) == len(poses_again) == 1
    assert_standing_and_plausible(poses[0])


@pytest.fixture
def held_results(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Hold every LivePoseEstimator result until the returned event is set, so
    the model is busy for as long as a test decides, however fast the machine.
    A result is never given up as stalled meanwhile, however slow the machine."""
    release = threading.Event()
    on_result = LivePoseEstimator._on_result

    def held(self: LivePoseEstimator, result: Any, image: Any, ms: int) -> None:
        release.wait(timeout=120)
        on_result(self, result, image, ms)

    monkeypatch.setattr(LivePoseEstimator, "_on_result", held)
    monkeypatch.setattr("hingecam.media.pose.LIVE_STALL_S", 600.0)
    return release


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.machine_dependent
def test_live_mode_drops_frames_while_busy_and_returns_the_result(
    model_path: Path, standing_frames: list[Frame], held_results: threading.Event
) -> None:
    """Assumes only that the real model answers within wait_for's safety net: the
    busy spell is made by holding the result, not by the model's speed."""
    with LivePoseEstimator(PoseConfig(model_path=model_path)) as estimator:
        assert isinstance(estimator, LiveEstimator)
        assert estimator.latest() is None
        assert estimator.submit(standing_frames[0]) is True
        # A frame arriving while the model is busy is dropped, not queued.
        assert estimator.submit(standing_frames[1]) is False
        held_results.set()
        wait_for(lambda: estimator.latest() is not None, "its result", every_s=0.005)
        latest = estimator.latest()
        assert latest is not None
        index, t_s, poses = latest
        assert (index, t_s) == (0, standing_frames[0].t_s)
        assert len(poses) == 1
        assert_standing_and_plausible(poses[0])
        assert estimator.submit(standing_frames[2]) is True  # free again
        assert estimator.dropped == 1


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.machine_dependent
def test_live_loop_on_a_paced_replay_keeps_up_by_dropping(
    model_path: Path, clip_path: Callable[[str], Path], held_results: threading.Event
) -> None:
    """Assumes only that the real model gives 3 results within the 10.8 s clip:
    the first result is held while the camera offers 3 more frames, so frames are
    dropped on any machine, and freshness is counted in frames, not seconds."""
    accepted: list[int] = []
    seen: list[int] = []
    rejected = 0
    config = PoseConfig(model_path=model_path)
    with (
        LivePoseEstimator(config) as estimator,
        open_camera(clip_path(STANDING_CLIP), paced=True) as camera,
    ):
        for frame in camera:
            if estimator.submit(frame):
                accepted.append(frame.index)
            else:
                rejected += 1
            if rejected >= 3:
                held_results.set()
            latest = estimator.latest()
            if latest is not None and (not seen or latest[0] != seen[-1]):
                seen.append(latest[0])
                assert len(latest[2]) == 1
                # No backlog: at most the frame after it (and, in the instant
                # between a result freeing the model and being stored, the one
                # after that) was taken since the frame of the newest result.
                assert len([i for i in accepted if i > latest[0]]) <= 2
            if len(seen) >= 5:
                break
    assert estimator.dropped == rejected >= 3
    assert len(seen) >= 3
    assert set(seen) <= set(accepted)


def test_a_damaged_model_raises_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "pose_landmarker_full.task"
    bad.write_bytes(b"not a model" * 100)
    with pytest.raises(ModelError) as info:
        MediaPipePoseEstimator(PoseConfig(model_path=bad))
    assert "\n" not in str(info.value)


def test_a_missing_model_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        MediaPipePoseEstimator(PoseConfig(model_path=tmp_path / "none.task"))


# -- pure helpers: no model, no clips ------------------------------------------------


def make_pose(
    hip_xy_norm: tuple[float, float] = (0.5, 0.5),
    half_size_norm: float = 0.1,
    visibility: float = 0.9,
    image_wh: tuple[int, int] = (1000, 1000),
    t_s: float = 0.0,
) -> Pose:
    """A person as a square of landmarks around the hips (enough for lifter choice)."""
    rng = np.random.default_rng(0)
    xy = np.asarray(hip_xy_norm) + rng.uniform(-1, 1, (N_LANDMARKS, 2)) * half_size_norm
    xy[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]] = hip_xy_norm
    xy[0] = np.asarray(hip_xy_norm) - half_size_norm  # pin the box corners
    xy[1] = np.asarray(hip_xy_norm) + half_size_norm
    return Pose(
        t_s=t_s,
        xy_norm=xy.astype(np.float32),
        image_wh=image_wh,
        world_m=np.zeros((N_LANDMARKS, 3), np.float32),
        visibility=np.full(N_LANDMARKS, visibility, np.float32),
        presence=np.full(N_LANDMARKS, visibility, np.float32),
    )


@pytest.mark.parametrize(
    ("t_s", "previous_ms", "expected_ms"),
    [
        (0.0, None, 0),
        (0.0334, 0, 33),
        (0.0336, 33, 34),
        (0.0336, 34, 35),  # repeated time: bumped by 1 ms
        (0.0300, 40, 41),  # time going back: still increasing
        (1.2345, 100, 1234),  # round half to even: 1234.5 -> 1234
        (float("nan"), 7, 8),
    ],
)
def test_timestamp_ms_always_increases(
    t_s: float, previous_ms: int | None, expected_ms: int
) -> None:
    assert timestamp_ms(t_s, previous_ms) == expected_ms


def test_choose_lifter_of_nobody_is_none() -> None:
    assert choose_lifter((), None, TH) is None
    assert choose_lifter((), make_pose(), TH) is None


def test_choose_lifter_without_history_takes_the_largest_visible_person() -> None:
    small = make_pose((0.2, 0.5), half_size_norm=0.05)
    large = make_pose((0.7, 0.5), half_size_norm=0.2)
    assert choose_lifter((small, large), None, TH) is large


def test_choose_lifter_ignores_hidden_landmarks_when_sizing() -> None:
    hidden_large = make_pose((0.7, 0.5), half_size_norm=0.3, visibility=0.1)
    small = make_pose((0.2, 0.5), half_size_norm=0.05)
    assert choose_lifter((hidden_large, small), None, TH) is small


def test_choose_lifter_follows_the_previous_lifter_not_the_bigger_person() -> None:
    previous = make_pose((0.25, 0.5), half_size_norm=0.05)
    lifter = make_pose((0.27, 0.5), half_size_norm=0.05)
    passer_by = make_pose((0.7, 0.5), half_size_norm=0.3)
    assert choose_lifter((passer_by, lifter), previous, TH) is lifter


def test_choose_lifter_with_unusable_history_falls_back_to_size() -> None:
    previous = make_pose()
    previous.xy_norm[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]] = np.nan
    small = make_pose((0.25, 0.5), half_size_norm=0.05)
    large = make_pose((0.7, 0.5), half_size_norm=0.3)
    assert choose_lifter((small, large), previous, TH) is large


def test_fake_estimator_replays_by_frame_index_and_retimes() -> None:
    pose = make_pose(t_s=99.0)
    fake = FakeEstimator({2: pose, 3: (pose, pose), 4: None})
    image = np.zeros((4, 4, 3), np.uint8)
    frames = [Frame(image, i, i / 10) for i in (0, 2, 3, 4, 5)]
    results = [fake.estimate(f) for f in frames]
    assert [len(r) for r in results] == [0, 1, 2, 0, 0]
    assert results[1][0].t_s == pytest.approx(0.2)
    assert fake.calls == [0, 2, 3, 4, 5]
    assert isinstance(fake, PoseEstimator)
    assert isinstance(fake, LiveEstimator)
    assert fake.submit(frames[1]) is True
    latest = fake.latest()
    assert latest is not None and latest[0] == 2 and len(latest[2]) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_poses": 0},
        {"min_pose_detection_confidence": 1.5},
        {"min_pose_presence_confidence": -0.1},
        {"min_tracking_confidence": "high"},
        {"running_mode": "video"},
    ],
)
def test_pose_config_rejects_bad_values_naming_them(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as info:
        PoseConfig(**kwargs)  # type: ignore[arg-type]
    assert next(iter(kwargs)) in str(info.value)


def test_every_pose_knob_has_a_unit_a_source_and_a_doc() -> None:
    knobs = pose_knobs()
    others = {"model_path", "running_mode"}
    names = [f.name for f in dataclasses.fields(PoseConfig) if f.name not in others]
    assert [k[0] for k in knobs] == names
    for name, _, unit, source, doc in knobs:
        assert unit and source and doc.endswith("."), name


def test_pose_knob_defaults_are_the_ones_results_were_made_with() -> None:
    assert {name: default for name, default, *_ in pose_knobs()} == {
        "num_poses": 2,
        "min_pose_detection_confidence": 0.5,
        "min_pose_presence_confidence": 0.5,
        "min_tracking_confidence": 0.5,
        "output_segmentation_masks": False,
    }
    config = PoseConfig()
    assert all(getattr(config, name) == d for name, d, *_ in pose_knobs())


def test_live_stream_mode_is_refused_by_the_video_estimator() -> None:
    with pytest.raises(ConfigError, match="LivePoseEstimator"):
        MediaPipePoseEstimator(PoseConfig(running_mode=RunningMode.LIVE_STREAM))


def test_importing_pose_does_not_import_mediapipe() -> None:
    code = "import sys, hingecam.media.pose; print('mediapipe' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_mediapipe_modules_a_landmarker_never_uses_load_only_when_used() -> None:
    """import_mediapipe leaves the drawing helpers (matplotlib) and the audio,
    text, decision and retrieval tasks unexecuted until someone uses them; they
    then work as usual."""
    code = (
        "import sys\n"
        "from hingecam.media.pose import LAZY_MEDIAPIPE_MODULES, import_mediapipe\n"
        "mp = import_mediapipe()\n"
        "from mediapipe.tasks.python import vision\n"
        "assert vision.PoseLandmarker is not None\n"
        "lazy = [n for n in LAZY_MEDIAPIPE_MODULES if n in sys.modules and\n"
        "        type(sys.modules[n]).__name__ == '_LazyModule']\n"
        "print(sorted(lazy) == sorted(LAZY_MEDIAPIPE_MODULES)\n"
        "      and 'mediapipe.tasks.python.audio' in lazy,\n"
        "      'matplotlib' in sys.modules, 'sounddevice' in sys.modules)\n"
        "from mediapipe.tasks.python import audio\n"
        "print(audio.AudioClassifier.__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split("\n")[:2] == ["True False False", "AudioClassifier"]
