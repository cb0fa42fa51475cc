"""The landmarker pool: one per configuration, reused with a blank frame between
inputs (same landmarks as a fresh one), never closed natively."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hingecam.media.landmarker_pool import RESET_GAP_MS, LandmarkerPool, detach


class FakeLandmarker:
    """Stands for MediaPipe's wrapper: close() goes native unless _handle is None."""

    def __init__(self) -> None:
        self._handle: Any = object()
        self.native_closes = 0

    def close(self) -> None:
        if self._handle:
            self.native_closes += 1
            self._handle = None


def test_a_released_landmarker_is_reused_after_a_timestamp_jump() -> None:
    pool = LandmarkerPool()
    made: list[FakeLandmarker] = []

    def create() -> FakeLandmarker:
        made.append(FakeLandmarker())
        return made[-1]

    first = pool.acquire("full", create)
    assert (first.base_ms, first.needs_reset) == (0, False)
    first.last_ms = 5_000
    pool.release(first)
    assert pool.idle("full") == 1
    second = pool.acquire("full", create)
    assert second.landmarker is first.landmarker and len(made) == 1
    assert second.needs_reset and second.base_ms == 5_000 + 2 * RESET_GAP_MS
    other = pool.acquire("lite", create)  # another configuration: its own
    assert other.landmarker is not first.landmarker and len(made) == 2


def test_two_inputs_at_once_get_two_landmarkers() -> None:
    pool = LandmarkerPool()
    a = pool.acquire("full", FakeLandmarker)
    b = pool.acquire("full", FakeLandmarker)
    assert a.landmarker is not b.landmarker


def test_detached_landmarkers_never_close_natively() -> None:
    pool = LandmarkerPool()
    lease = pool.acquire("full", FakeLandmarker)
    pool.detach_all()  # what runs at exit
    lease.landmarker.close()
    assert lease.landmarker.native_closes == 0
    loose = FakeLandmarker()
    detach(loose)
    loose.close()
    assert loose.native_closes == 0


def test_preloaded_landmarkers_are_waited_for_and_lent_fresh() -> None:
    """acquire() waits for a landmarker being preloaded rather than making a
    second one; a preloaded one is lent as new (no reset, no time offset)."""
    import threading

    pool = LandmarkerPool()
    gate = threading.Event()
    made: list[FakeLandmarker] = []

    def slow_create() -> FakeLandmarker:
        gate.wait()  # held until the test lets it finish: no timing involved
        made.append(FakeLandmarker())
        return made[-1]

    pool.preload("full", slow_create, 2)
    pool.preload("full", slow_create, 2)  # already loading: nothing more
    got: list[Any] = []
    taker = threading.Thread(
        target=lambda: got.append(pool.acquire("full", FakeLandmarker))
    )
    taker.start()
    gate.set()
    taker.join()
    assert got[0].landmarker in made
    assert (got[0].base_ms, got[0].needs_reset) == (0, False)
    second = pool.acquire("full", FakeLandmarker)  # the other preloaded one
    assert second.landmarker in made and second.landmarker is not got[0].landmarker
    assert len(made) == 2


def test_a_failed_preload_leaves_the_error_to_acquire() -> None:
    pool = LandmarkerPool()

    def broken() -> FakeLandmarker:
        raise RuntimeError("cannot load")

    pool.preload("full", broken, 1)
    with pytest.raises(RuntimeError, match="cannot load"):
        pool.acquire("full", broken)  # waits for the preload, then tries itself
    assert isinstance(pool.acquire("full", FakeLandmarker).landmarker, FakeLandmarker)


@pytest.mark.model
@pytest.mark.clips
@pytest.mark.slow
def test_a_reused_landmarker_finds_what_a_fresh_one_finds(
    clip_path: Callable[[str], Path], model_path: Path
) -> None:
    from hingecam.media import landmarker_pool
    from hingecam.media.pose import MediaPipePoseEstimator
    from hingecam.media.pose_config import PoseConfig
    from hingecam.media.video import open_video

    config = PoseConfig(model_path=model_path, output_segmentation_masks=True)

    def landmarks(name: str, frames: int | None = None) -> list[np.ndarray]:
        found = []
        with (
            MediaPipePoseEstimator(config) as estimator,
            open_video(clip_path(name)) as video,
        ):
            for frame in video:
                if frames is not None and frame.index >= frames:
                    break  # given back while it tracks someone
                poses = estimator.estimate(frame)
                found.append(
                    np.stack([p.xy_norm for p in poses])
                    if poses
                    else np.empty((0, 33, 2), np.float32)
                )
        return found

    # The first call may reuse a landmarker an earlier test left: the claim is
    # that what came before never changes what is found.
    fresh = landmarks("deadlift_side_good_jeff.mp4")
    landmarks("kbdl_side_correct_tby.mp4", frames=60)  # another person, mid-rep
    reused = landmarks("deadlift_side_good_jeff.mp4")
    assert landmarker_pool.POOL.idle(config) >= 1
    assert len(fresh) == len(reused)
    assert all(
        np.array_equal(a, b, equal_nan=True) for a, b in zip(fresh, reused, strict=True)
    )
