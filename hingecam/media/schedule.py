"""Inference scheduling for recorded video: which frames get the two-person model
(num_poses=2), the cheaper single-pose model, or none (interpolated between their
neighbours), on one landmarker per thread. Frames in order in, (frame, poses) out."""

from __future__ import annotations

import dataclasses
import enum
import math
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from hingecam.core.fields import threshold_field
from hingecam.core.landmarks import Landmark
from hingecam.core.lifter import hip_midpoint_px, torso_length_px
from hingecam.core.poses import Frame, Pose
from hingecam.errors import ConfigError
from hingecam.media.closing import Closing
from hingecam.media.pose import MediaPipePoseEstimator, PoseEstimator
from hingecam.media.pose_config import PoseConfig

_COMPARE = "scripts/compare_schedule.py on ../shared/clips: no count/verdict change"


@dataclass(frozen=True, slots=True)
class Schedule:
    """When the expensive inference runs. `full_rate` restores the old behaviour:
    every frame inferred with PoseConfig as given (two poses, masks)."""

    full_rate: bool = False
    # The single-pose model tracks its box from the last landmarks instead of
    # re-detecting every frame, which moves landmarks ~1 px and changed checks on
    # 4 of 20 clips (docs/speed.md), so it is off unless asked for.
    single_pose: bool = False
    people_check_s: float = threshold_field(
        0.5,
        "s",
        "design: a second person is noticed within half a second",
        "Run the two-person model at least this often, so someone walking into "
        "view is seen (the TWO_PEOPLE hint, the lifter choice).",
    )
    escalate_s: float = threshold_field(
        1.0,
        "s",
        "design: " + _COMPARE,
        "After a second person, a lost pose or a jump, every frame gets the "
        "two-person model for this long.",
    )
    jump_torsos: float = threshold_field(
        0.5,
        "torso lengths",
        "design: well above a frame's hip travel in a fast swing at 30 fps",
        "A hip move between two inferred frames larger than this is treated as "
        "a swap of person: the two-person model takes over.",
    )
    skip_min_speed_torsos_per_s: float = threshold_field(
        0.5,
        "torso lengths/s",
        _COMPARE + "; a hinge's turning points and standing are slower",
        "Frames are skipped only while the shoulders move at least this fast "
        "between the last two inferred frames, so standing, each rep's bottom and "
        "its lockout (where the rep boundaries are found) are inferred in full.",
    )
    threads: int = threshold_field(
        0,
        "threads",
        "measured: two landmarkers on alternate frames ran 1.67x one "
        "on 2 cores, landmarks bit-identical (docs/speed.md)",
        "Landmarkers inferring frames in parallel, one per thread "
        "(0: one per CPU this process may use), at most MAX_THREADS.",
    )
    min_inferred_fps: float = threshold_field(
        30.0,
        "fps",
        _COMPARE,
        "Sources faster than this are inferred at an integer fraction of their "
        "rate that stays at or above it (within 1%); the frames between are "
        "interpolated.",
    )

    inference_max_side_px: int = threshold_field(
        0,
        "px",
        "measured, rejected as the default (docs/speed.md, issue 21): 640 px made "
        "2 side false alarms and lost 2 exact counts in hingecam eval",
        "Frames whose longer side is above this are scaled down for the pose "
        "model only (0: inferred at their decoded size).",
    )

    def __post_init__(self) -> None:
        if not (isinstance(self.threads, int) and 0 <= self.threads <= MAX_THREADS):
            raise ConfigError(
                f"threads must be 0 (one per CPU) to {MAX_THREADS}, got {self.threads!r}"
            )
        for f in fields(self):
            if not f.metadata or f.name in ("threads", "inference_max_side_px"):
                continue
            value = getattr(self, f.name)
            if not (isinstance(value, int | float) and math.isfinite(value)):
                raise ConfigError(f"{f.name} must be a number, got {value!r}")
            if value <= 0:
                raise ConfigError(f"{f.name} must be > 0, got {value!r}")

    def for_frame_size(self, width: int, height: int) -> Schedule:
        """This schedule for frames of `width` x `height` px: with the thread
        count left to the machine (0), frames above PARALLEL_MAX_PIXELS get one
        landmarker thread."""
        if width * height > PARALLEL_MAX_PIXELS and not self.threads:
            return dataclasses.replace(self, threads=1)
        return self

    def thread_count(self) -> int:
        """Landmarker threads to run: `threads`, or for 0 one per usable CPU."""
        return self.threads or min(usable_cpus(), MAX_THREADS)

    def stride(self, fps: float | None) -> int:
        """Every how many frames one is inferred on a `fps` source (1: all)."""
        if self.full_rate or fps is None or not math.isfinite(fps) or fps <= 0:
            return 1
        # 1% slack so 59.94 fps (NTSC) counts as twice 30
        return max(1, math.floor(fps / self.min_inferred_fps * 1.01))


PLANNER_LAG = 1
"""Inferred frames still in flight when the planner decides the next frame: it
decides knowing every result but the newest one, on any thread count, so the
frames inferred (and the output) are the same on every machine."""

PARALLEL_MAX_PIXELS = 1280 * 720
"""Frames larger than this (px) are inferred on one landmarker thread: the rest
of the work on such frames already fills the second core. See
docs/speed.md#one-landmarker-thread-above-720p-parallel_max_pixels."""

MAX_THREADS = PLANNER_LAG + 1
"""Landmarker threads per video: with PLANNER_LAG results outstanding, more could
not be kept busy. More CPUs serve more videos at once (`--workers`)."""


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Inference(enum.Enum):
    """What a frame gets."""

    FULL = "full"  # the configured model: two poses, masks
    SINGLE = "single"  # one pose, masks
    SKIP = "skip"  # interpolated from the inferred frames around it


class Planner:
    """Decides each frame's Inference from what earlier frames found (no model).

    Every `stride`-th frame is inferred and the frames between are interpolated,
    while the shoulders move faster than skip_min_speed_torsos_per_s;
    with `single_pose`, the two-person model runs every people_check_s, on every
    frame while more or fewer than one person was last seen, and for escalate_s
    after a second person, a lost pose or a hip jump, and the single-pose model
    otherwise. Skipping needs exactly one person found in the last inferred frame.
    """

    def __init__(self, schedule: Schedule, fps: float | None) -> None:
        self.schedule = schedule
        self.stride = schedule.stride(fps)
        self.counts = dict.fromkeys(Inference, 0)
        self._last_check_t = -math.inf
        self._escalate_until = -math.inf
        self._people = 0
        self._skipped = 0
        self._previous: Pose | None = None
        self._speed = 0.0  # shoulders, torso lengths/s, between the last two inferred

    def next(self, t_s: float) -> Inference:
        """The inference for the frame at `t_s` (frames in time order)."""
        s = self.schedule
        if s.full_rate or self._people != 1:
            kind = Inference.FULL
        elif s.single_pose and (
            t_s < self._escalate_until or t_s - self._last_check_t >= s.people_check_s
        ):
            kind = Inference.FULL
        elif (
            self._skipped < self.stride - 1
            and self._speed >= s.skip_min_speed_torsos_per_s
        ):
            self._skipped += 1
            kind = Inference.SKIP
        else:
            kind = Inference.SINGLE if s.single_pose else Inference.FULL
        if kind is Inference.FULL:
            # what observe() records too; set here as well so a caller with
            # several frames in flight (live) does not repeat the check
            self._last_check_t = t_s
        self.counts[kind] += 1
        return kind

    def observe(self, t_s: float, kind: Inference, poses: tuple[Pose, ...]) -> None:
        """Take the result of an inferred frame (`kind` FULL or SINGLE)."""
        self._skipped = 0
        if kind is Inference.FULL:
            self._last_check_t = t_s
        nearest = nearest_pose(poses, self._previous)
        jumped = (
            self._previous is not None
            and nearest is not None
            and hip_jump_torsos(self._previous, nearest) > self.schedule.jump_torsos
        )
        if len(poses) != 1 or jumped:
            self._escalate_until = t_s + self.schedule.escalate_s
        self._speed = (
            shoulder_speed_torsos_per_s(self._previous, nearest)
            if self._previous is not None and nearest is not None
            else 0.0
        )
        self._people = len(poses)
        self._previous = nearest


def hip_jump_torsos(a: Pose, b: Pose) -> float:
    """Distance between the hip midpoints of two poses, in `a`'s torso lengths."""
    torso = torso_length_px(a)
    if not (math.isfinite(torso) and torso > 0):
        return math.inf
    return float(np.linalg.norm(hip_midpoint_px(b) - hip_midpoint_px(a))) / torso


def shoulder_speed_torsos_per_s(a: Pose, b: Pose) -> float:
    """How fast the shoulders' midpoint moved from `a` to `b`, in torso lengths/s
    (0 when it cannot be told)."""
    torso = torso_length_px(a)
    dt = b.t_s - a.t_s
    shoulders = [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]
    moved = float(
        np.linalg.norm(
            b.xy_px[shoulders].mean(axis=0) - a.xy_px[shoulders].mean(axis=0)
        )
    )
    if not (math.isfinite(torso) and torso > 0 and dt > 0 and math.isfinite(moved)):
        return 0.0
    return moved / torso / dt


def nearest_pose(poses: tuple[Pose, ...], anchor: Pose | None) -> Pose | None:
    """The pose whose hips are nearest `anchor`'s (the first without an anchor)."""
    if not poses:
        return None
    if anchor is None or len(poses) == 1:
        return poses[0]
    return min(poses, key=lambda p: hip_jump_torsos(anchor, p))


def interpolate_pose(a: Pose, b: Pose, t_s: float) -> Pose:
    """The pose at `t_s` between `a` and `b`, linear in every landmark array.

    The mask is the nearer frame's (it is an image, not worth blending): the back
    profile read from it is then off by at most half an inferred frame.
    """
    span = b.t_s - a.t_s
    w = float(np.clip((t_s - a.t_s) / span, 0.0, 1.0)) if span > 0 else 0.0

    def lerp(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Any:
        return ((1.0 - w) * x + w * y).astype(np.float32)

    return Pose(
        t_s=t_s,
        xy_norm=lerp(a.xy_norm, b.xy_norm),
        image_wh=a.image_wh,
        world_m=lerp(a.world_m, b.world_m),
        visibility=lerp(a.visibility, b.visibility),
        presence=lerp(a.presence, b.presence),
        mask=a.mask if w < 0.5 else b.mask,
    )


def fill_skipped(
    held: list[Frame], before: tuple[Pose, ...], after: tuple[Pose, ...]
) -> Iterator[tuple[Frame, tuple[Pose, ...]]]:
    """(frame, poses) of the skipped frames between two inferred ones.

    Frames are skipped only after exactly one person was found; they get that
    person interpolated towards the nearest person found after them, or held
    when nobody or a jump was found after. The planner decides a frame before
    the newest inferred result is in (PLANNER_LAG), so the frame before may have
    found nobody or two people: each skipped frame then gets the people of the
    inferred frame nearer in time, so counts change only at inferred frames.
    """
    if len(before) != 1:
        for frame in held:
            span = (frame.t_s - held[0].t_s, held[-1].t_s - frame.t_s)
            nearer = before if span[0] <= span[1] else after
            yield frame, tuple(dataclasses.replace(p, t_s=frame.t_s) for p in nearer)
        return
    a = before[0]
    b = nearest_pose(after, a)
    for frame in held:
        if b is None or hip_jump_torsos(a, b) > 1.0:
            yield frame, (dataclasses.replace(a, t_s=frame.t_s),)
        else:
            yield frame, (interpolate_pose(a, b, frame.t_s),)


@dataclass
class _Job:
    """An inferred frame in flight, with the skipped frames just before it."""

    frame: Frame
    kind: Inference
    held: list[Frame]
    result: Future[tuple[Pose, ...]]


def scaled_for_inference(frame: Frame, max_side_px: int) -> Frame:
    """`frame` with its longer side scaled down to `max_side_px` (area
    averaging) when it is longer; the poses found keep their own image size."""
    h, w = frame.image_bgr.shape[:2]
    if not max_side_px or max(w, h) <= max_side_px:
        return frame
    import cv2

    k = max_side_px / max(w, h)
    size = (max(1, round(w * k)), max(1, round(h * k)))
    small = np.asarray(
        cv2.resize(frame.image_bgr, size, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    return dataclasses.replace(frame, image_bgr=small)


class _Lane:
    """One landmarker thread: a full (and maybe single-pose) estimator used only
    from its own thread, so every landmarker sees its frames in time order."""

    def __init__(
        self,
        make_full: Callable[[], PoseEstimator],
        make_single: Callable[[], PoseEstimator] | None,
        max_side_px: int = 0,
    ) -> None:
        self.max_side_px = max_side_px
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="pose")
        self.full: PoseEstimator | None = None
        self.single: PoseEstimator | None = None
        self.ready = self.executor.submit(self._load, make_full, make_single)

    def _load(
        self,
        make_full: Callable[[], PoseEstimator],
        make_single: Callable[[], PoseEstimator] | None,
    ) -> None:
        self.full = make_full()
        self.single = make_single() if make_single is not None else None

    def submit(self, frame: Frame, kind: Inference) -> Future[tuple[Pose, ...]]:
        return self.executor.submit(self._estimate, frame, kind)

    def _estimate(self, frame: Frame, kind: Inference) -> tuple[Pose, ...]:
        estimator = self.single if kind is Inference.SINGLE else self.full
        estimator = estimator or self.full
        assert estimator is not None  # _load ran first on this thread
        return estimator.estimate(scaled_for_inference(frame, self.max_side_px))

    def close(self) -> None:
        """Wait for the frame in hand, then release the estimators."""
        self.executor.shutdown(wait=True)
        for estimator in (self.full, self.single):
            if estimator is not None:
                estimator.close()


def _as_list(
    given: PoseEstimator | Sequence[PoseEstimator] | None,
) -> list[PoseEstimator] | None:
    if given is None or isinstance(given, list | tuple):
        return None if given is None else list(given)
    return [given]  # type: ignore[list-item]


class ScheduledEstimator(Closing):
    """Landmarkers (the configured one and maybe a single-pose copy, one of each
    per thread) driven by a Planner over a stream of frames.

    Inferred frames go to the threads in turn and come back in order. The
    planner decides each frame knowing every inferred frame's result except the
    last PLANNER_LAG still in flight, a fixed lag, so the output depends neither
    on timing nor on the thread count.
    With num_poses=2 and one person in view each frame's landmarks depend on
    that frame only, so any thread count gives the same landmarks.
    """

    def __init__(
        self,
        config: PoseConfig,
        schedule: Schedule,
        fps: float | None,
        *,
        full: PoseEstimator | Sequence[PoseEstimator] | None = None,
        single: PoseEstimator | Sequence[PoseEstimator] | None = None,
    ) -> None:
        """Load the models, one set per thread, in parallel.

        `full`, `single`: injected estimators for tests, one per thread (a
        single estimator means one thread).

        Raises:
            ModelError: the model is missing or cannot be loaded.
        """
        self.schedule = schedule
        self.planner = Planner(schedule, fps)
        fulls, singles = _as_list(full), _as_list(single)
        self.threads = len(fulls) if fulls else schedule.thread_count()
        wants_single = (
            schedule.single_pose and not schedule.full_rate and config.num_poses > 1
        )
        single_config = dataclasses.replace(config, num_poses=1)

        def makers(k: int) -> tuple[Callable[[], PoseEstimator], Any]:
            make_full: Callable[[], PoseEstimator] = (
                (lambda: fulls[k])
                if fulls
                else (lambda: MediaPipePoseEstimator(config))
            )
            make_single: Callable[[], PoseEstimator] | None = None
            if singles:
                make_single = lambda: singles[k]  # noqa: E731
            elif wants_single and fulls is None:
                make_single = lambda: MediaPipePoseEstimator(single_config)  # noqa: E731
            return make_full, make_single

        self._lanes = [
            _Lane(*makers(k), schedule.inference_max_side_px)
            for k in range(self.threads)
        ]
        self._submitted = 0
        try:
            for lane in self._lanes:
                lane.ready.result()
        except BaseException:
            self.close()
            raise

    def _submit(self, frame: Frame, kind: Inference, held: list[Frame]) -> _Job:
        lane = self._lanes[self._submitted % self.threads]
        self._submitted += 1
        return _Job(frame, kind, held, lane.submit(frame, kind))

    def _finish(
        self, job: _Job, before: tuple[Pose, ...]
    ) -> Generator[tuple[Frame, tuple[Pose, ...]], None, tuple[Pose, ...]]:
        poses = job.result.result()
        self.planner.observe(job.frame.t_s, job.kind, poses)
        yield from fill_skipped(job.held, before, poses)
        yield job.frame, poses
        return poses

    def run(self, frames: Iterable[Frame]) -> Iterator[tuple[Frame, tuple[Pose, ...]]]:
        """(frame, poses) for every frame, in order; skipped frames come out when
        the next inferred frame is done."""
        inflight: deque[_Job] = deque()
        held: list[Frame] = []
        before: tuple[Pose, ...] = ()
        try:
            for frame in frames:
                while len(inflight) > PLANNER_LAG:
                    before = yield from self._finish(inflight.popleft(), before)
                kind = self.planner.next(frame.t_s)
                if kind is Inference.SKIP:
                    held.append(frame)
                    continue
                inflight.append(self._submit(frame, kind, held))
                held = []
            if held:  # the stream ended on skipped frames: infer the last one
                last = held.pop()
                kind = Inference.SINGLE if self.schedule.single_pose else Inference.FULL
                self.planner.counts[Inference.SKIP] -= 1
                self.planner.counts[kind] += 1
                inflight.append(self._submit(last, kind, held))
            while inflight:
                before = yield from self._finish(inflight.popleft(), before)
        finally:  # stopped early: let the frames in hand finish before release
            for job in inflight:
                job.result.cancel() or job.result.exception()

    def summary(self) -> dict[str, int]:
        """How many frames got each Inference (recorded in the pose track)."""
        return {k.value: v for k, v in self.planner.counts.items()}

    def close(self) -> None:
        """Finish the frames in hand and release every model (idempotent)."""
        lanes, self._lanes = self._lanes, []
        for lane in lanes:
            lane.close()
