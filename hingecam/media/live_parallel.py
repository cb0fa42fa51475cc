"""Live inference on several landmarkers at once: each frame goes to a free one,
and the results come out in frame order (the Analyzer needs increasing times);
optionally the single-pose model between two-person checks (schedule.Planner)."""

from __future__ import annotations

import dataclasses
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hingecam.core.datatypes import Frame
from hingecam.errors import ConfigError
from hingecam.media import pose as pose_module
from hingecam.media.closing import Closing
from hingecam.media.pose import LIVE_STALL_S, LivePoses, PoseConfig
from hingecam.media.schedule import Inference, Planner, Schedule

MAX_DEFAULT_WORKERS = 4
"""The default worker count is the core count, at most this many: each landmarker
keeps one core busy (MediaPipe releases the GIL while it infers), and beyond a
few the camera reader and the drawing loop starve."""


def default_workers(cores: int | None = None) -> int:
    """Landmarkers to run side by side on a machine with `cores` cores
    (os.cpu_count() when None): one per core, 1 to MAX_DEFAULT_WORKERS."""
    n = os.cpu_count() if cores is None else cores
    return max(1, min(n or 1, MAX_DEFAULT_WORKERS))


@dataclass(frozen=True, slots=True)
class Slot:
    """One worker: the two-person model and, with single_pose, a one-person copy.

    Only one of them has a frame at a time, so a slot keeps one core busy.
    """

    full: Any  # LiveEstimator: submit / latest / close
    single: Any = None


@dataclass(slots=True)
class _Job:
    """A submitted frame, until its result is released (or given up on)."""

    index: int
    t_s: float
    slot: int
    kind: Inference
    estimator: Any
    started_s: float
    done: bool = False
    result: LivePoses | None = None  # None once done: the result was lost


class ParallelLiveEstimator(Closing):
    """Frames to whichever slot is free; results in the order frames were taken.

    `submit` never blocks: with every slot busy the frame is dropped. `take`
    returns every finished result whose earlier frames are all finished too,
    oldest first, so a frame finished early waits for the one before it. A
    result not back within LIVE_STALL_S is given up (its frame is skipped).

    With a `planner` (single-pose mode), each frame's model is the planner's
    choice: the two-person model for its people checks and escalations, the
    single-pose one otherwise; the planner sees the results in frame order.
    """

    def __init__(
        self,
        slots: Sequence[Slot],
        *,
        planner: Planner | None = None,
        clock: Callable[[], float] = time.monotonic,
        stall_s: float = LIVE_STALL_S,
    ) -> None:
        if not slots:
            raise ConfigError("a parallel live estimator needs at least one slot")
        self.slots = list(slots)
        self.planner = planner
        self.clock = clock
        self.stall_s = stall_s
        self._busy: list[_Job | None] = [None] * len(self.slots)
        self._order: deque[_Job] = deque()
        self._latest: LivePoses | None = None
        self.submitted = 0
        self.dropped = 0
        self.lost = 0
        self.counts = {Inference.FULL: 0, Inference.SINGLE: 0}

    @property
    def workers(self) -> int:
        return len(self.slots)

    def submit(self, frame: Frame) -> bool:
        """Hand the frame to a free slot.

        Returns:
            True if a slot took it, False if every slot was busy (dropped).
        """
        self._poll()
        free = next((i for i, job in enumerate(self._busy) if job is None), None)
        if free is None:
            self.dropped += 1
            return False
        slot = self.slots[free]
        kind = Inference.FULL
        if self.planner is not None and slot.single is not None:
            kind = self.planner.next(frame.t_s)
            if kind is Inference.SKIP:  # a live planner has stride 1; never skip
                kind = Inference.SINGLE
        estimator = slot.single if kind is Inference.SINGLE else slot.full
        if not estimator.submit(frame):
            self.dropped += 1  # it is still giving up on a lost result
            return False
        job = _Job(frame.index, frame.t_s, free, kind, estimator, self.clock())
        self._busy[free] = job
        self._order.append(job)
        self.submitted += 1
        self.counts[kind] += 1
        return True

    def take(self) -> list[LivePoses]:
        """Every result now ready in frame order, oldest first (each once)."""
        self._poll()
        out: list[LivePoses] = []
        while self._order and self._order[0].done:
            job = self._order.popleft()
            if job.result is None:
                continue
            if self.planner is not None:
                self.planner.observe(job.t_s, job.kind, job.result[2])
            out.append(job.result)
            self._latest = job.result
        return out

    def latest(self) -> LivePoses | None:
        """The newest result released in order (see take), or None yet."""
        self.take()
        return self._latest

    def pending(self) -> int:
        """Frames taken whose results are not released yet."""
        return len(self._order)

    def summary(self) -> dict[str, int]:
        """Frames per model, for the session's report metadata."""
        return {
            "workers": self.workers,
            "full": self.counts[Inference.FULL],
            "single": self.counts[Inference.SINGLE],
            "lost": self.lost,
        }

    def close(self) -> None:
        """Release every slot's models (idempotent)."""
        for slot in self.slots:
            slot.full.close()
            if slot.single is not None:
                slot.single.close()

    def _poll(self) -> None:
        """Mark the jobs whose estimator has answered (or stalled) as done."""
        now = self.clock()
        for i, job in enumerate(self._busy):
            if job is None:
                continue
            result = job.estimator.latest()
            if result is not None and result[0] >= job.index:
                job.result = result if result[0] == job.index else None
            elif now - job.started_s < self.stall_s:
                continue
            if job.result is None:
                self.lost += 1
            job.done = True
            self._busy[i] = None


def open_parallel_live(
    config: PoseConfig,
    *,
    workers: int | None = None,
    single_pose: bool = False,
    schedule: Schedule | None = None,
) -> ParallelLiveEstimator:
    """`workers` LIVE_STREAM landmarkers (default: default_workers()), each with a
    num_poses=1 copy when `single_pose`.

    Raises:
        ConfigError: workers < 1.
        ModelError: the model is missing or cannot be loaded.
    """
    n = default_workers() if workers is None else workers
    if n < 1:
        raise ConfigError(f"live pose workers must be at least 1, got {n}")
    single_pose = single_pose and config.num_poses > 1
    slots: list[Slot] = []
    try:
        for _ in range(n):
            full = pose_module.LivePoseEstimator(config)
            slots.append(Slot(full))
            if single_pose:
                one = dataclasses.replace(config, num_poses=1)
                slots[-1] = Slot(full, pose_module.LivePoseEstimator(one))
    except BaseException:
        for slot in slots:
            slot.full.close()
            if slot.single is not None:
                slot.single.close()
        raise
    planner = None
    if single_pose:
        # fps None: stride 1, so the planner never asks to skip a frame
        planner = Planner(schedule or Schedule(single_pose=True), None)
    return ParallelLiveEstimator(slots, planner=planner)
