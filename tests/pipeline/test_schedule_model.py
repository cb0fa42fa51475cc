"""media/schedule.py with the real model on a real 60 fps clip (marked): the frames
it infers get exactly the landmarks and masks of full-rate inference on one or two
threads, the others are close."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from hingecam.media.pose import MediaPipePoseEstimator
from hingecam.media.pose_config import PoseConfig
from hingecam.media.schedule import Schedule, ScheduledEstimator
from hingecam.media.video import open_video

pytestmark = [pytest.mark.model, pytest.mark.clips]

CLIP = "kbdl_side_correct_tby.mp4"  # 60 fps: the default schedule infers every other
FIRST, N_FRAMES = 200, 90  # standing at the top, then the second rep's descent


@pytest.mark.parametrize("threads", [1, 2])
def test_inferred_frames_match_full_rate_and_the_rest_interpolate_within_3_px(
    clip_path: Callable[[str], Path], model_path: Path, threads: int
) -> None:
    with open_video(clip_path(CLIP)) as source:
        fps = source.info.fps
        frames = list(itertools.islice(source, FIRST, FIRST + N_FRAMES))
    config = PoseConfig(model_path=model_path, output_segmentation_masks=True)
    with MediaPipePoseEstimator(config) as estimator:
        full = [estimator.estimate(f) for f in frames]
    with ScheduledEstimator(config, Schedule(threads=threads), fps) as scheduled:
        out = list(scheduled.run(frames))
        inferred = scheduled.summary()
    assert [f.index for f, _ in out] == [f.index for f in frames]
    assert inferred["full"] + inferred["skip"] == N_FRAMES
    assert inferred["skip"] >= N_FRAMES // 4
    wh = np.array(frames[0].image_bgr.shape[1::-1], dtype=np.float32)
    exact = 0
    for (_, poses), reference in zip(out, full, strict=True):
        assert len(poses) == len(reference) == 1
        if np.array_equal(poses[0].xy_norm, reference[0].xy_norm):
            exact += 1  # inferred: the model's answer, bit for bit, on any thread
            np.testing.assert_array_equal(poses[0].world_m, reference[0].world_m)
            np.testing.assert_array_equal(poses[0].mask, reference[0].mask)
        else:
            error_px = np.abs(poses[0].xy_norm - reference[0].xy_norm) * wh
            assert np.median(error_px) < 3.0
    assert exact == inferred["full"]
