"""Live inference on several landmarkers at once: each frame goes to a free one,
and the results come out in frame order (the Analyzer needs increasing times);
optionally the single-pose model between two-person checks (schedule.Planner)."""

from __future__ import annotations

import dataclasses
import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hingecam.core.poses import Frame
from hingecam.errors import ConfigError
from hingecam.media import pose as pose_module
from hingecam.media.closing import THREAD_JOIN_S, Closing
from hingecam.media.pose import LIVE_STALL_S, LivePoses
from hingecam.media.pose_config import PoseConfig
from hingecam.media.schedule import Inference, Planner, Schedule, usable_cpus

MAX_DEFAULT_WORKERS = 4
"""The default worker count is the core count, at most this many: each worker
keeps one core busy (MediaPipe releases the GIL while it infers) and loads its
own models. A cap by design, measured only on 2 cores (docs/speed.md): the
camera reader and the drawing loop need a share of the machine too."""


TIMINGS_KEPT = 10_000
"""Per-result timings kept for the benchmark (the newest ones; bounded memory)."""

KEEP_UP_RATIO = 0.8
"""With `keep_up`, the two-person model runs on every frame while the slots'
measured two-person rate (slots / median two-person inference time) is at least
this share of the camera's frame rate (ratio), the one-person model between
checks below it. See docs/speed.md#the-keep-up-ratio-keep_up_ratio."""

PACE_KEPT = 15
"""Recent two-person inference times and frame times the keep-up rule reads."""


def default_workers(cores: int | None = None) -> int:
    """Landmarkers to run side by side on a machine with `cores` cores (the CPUs
    this process may run on when None): one per core, 1 to MAX_DEFAULT_WORKERS."""
    n = usable_cpus() if cores is None else cores
    return max(1, min(n, MAX_DEFAULT_WORKERS))


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
    done_s: float = math.nan
    done: bool = False
    result: LivePoses | None = None  # None once done: the result was lost


class ParallelLiveEstimator(Closing):
    """Frames to whichever slot is free; results in the order frames were taken.

    `submit` never blocks: a frame goes to a free slot, or waits in a one-frame
    slot (a newer frame replaces it, counted as dropped) until `pump` finds a
    slot free; a Dispatcher calls `pump` as each result arrives, so no model
    idles until the next camera frame. `take` returns every finished result
    whose earlier frames are all finished too, oldest first, so a frame finished
    early waits for the one before it. A result not back within `stall_s` is
    given up (its frame is skipped).

    With a `planner` (single-pose mode), each frame's model is the planner's
    choice: the two-person model for its people checks and escalations, the
    single-pose one otherwise; the planner sees the results in frame order.
    With `keep_up` too, the two-person model takes every frame while it keeps
    up with the camera (KEEP_UP_RATIO), the planner's choice otherwise.
    Thread-safe: submit/take on the loop's thread, pump on the dispatcher's.
    """

    def __init__(
        self,
        slots: Sequence[Slot],
        *,
        planner: Planner | None = None,
        keep_up: bool = False,
        clock: Callable[[], float] = time.monotonic,
        stall_s: float = LIVE_STALL_S,
    ) -> None:
        if not slots:
            raise ConfigError("a parallel live estimator needs at least one slot")
        self.slots = list(slots)
        self.planner = planner
        self.keep_up = keep_up
        self.clock = clock
        self.stall_s = stall_s
        self.dispatcher: Dispatcher | None = None
        self._lock = threading.RLock()
        self._busy: list[_Job | None] = [None] * len(self.slots)
        self._order: deque[_Job] = deque()
        self._waiting: Frame | None = None
        self._latest: LivePoses | None = None
        self._error: BaseException | None = None
        self.submitted = 0
        self.dropped = 0
        self.lost = 0
        self.counts = {Inference.FULL: 0, Inference.SINGLE: 0}
        self.timings: deque[tuple[float, float]] = deque(maxlen=TIMINGS_KEPT)
        """(inference s, held for an earlier frame s) of the latest results."""
        self._full_s: deque[float] = deque(maxlen=PACE_KEPT)
        self._offered_t: deque[float] = deque(maxlen=PACE_KEPT)

    @property
    def workers(self) -> int:
        return len(self.slots)

    def submit(self, frame: Frame) -> bool:
        """Take the frame: to a free slot now, or to wait for the next free one.

        Returns:
            True (the frame is analyzed unless a newer one replaces it first).
        """
        self._raise_pump_error()
        with self._lock:
            self._offered_t.append(frame.t_s)
            if self._waiting is not None:
                self.dropped += 1  # a newer frame wins
            self._waiting = frame
            self.pump()
        return True

    def pump(self) -> None:
        """Hand the waiting frame to a free slot, if there is one."""
        with self._lock:
            self._poll()
            frame = self._waiting
            if frame is None:
                return
            free = next((i for i, job in enumerate(self._busy) if job is None), None)
            if free is None:
                return
            self._waiting = None
            slot = self.slots[free]
            kind = Inference.FULL
            if self.planner is not None and slot.single is not None:
                kind = self.planner.next(frame.t_s)
                if kind is Inference.SKIP:  # a live planner has stride 1
                    kind = Inference.SINGLE
                if kind is Inference.SINGLE and self.keep_up and self._full_keeps_up():
                    kind = Inference.FULL
            estimator = slot.single if kind is Inference.SINGLE else slot.full
            if not estimator.submit(frame):
                self.dropped += 1  # it is still giving up on a lost result
                return
            job = _Job(frame.index, frame.t_s, free, kind, estimator, self.clock())
            self._busy[free] = job
            self._order.append(job)
            self.submitted += 1
            self.counts[kind] += 1

    def take(self) -> list[LivePoses]:
        """Every result now ready in frame order, oldest first (each once)."""
        self._raise_pump_error()
        with self._lock:
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
                now = self.clock()
                self.timings.append((job.done_s - job.started_s, now - job.done_s))
                if job.kind is Inference.FULL:
                    self._full_s.append(job.done_s - job.started_s)
            self.pump()  # a slot may have come free
            return out

    def latest(self) -> LivePoses | None:
        """The newest result released in order (see take), or None yet."""
        self.take()
        with self._lock:
            return self._latest

    def pending(self) -> int:
        """Frames taken whose results are not released yet (waiting included)."""
        with self._lock:
            return len(self._order) + (self._waiting is not None)

    def summary(self) -> dict[str, int]:
        """Frames per model, for the session's report metadata."""
        return {
            "workers": self.workers,
            "full": self.counts[Inference.FULL],
            "single": self.counts[Inference.SINGLE],
            "lost": self.lost,
        }

    def timing_ms(self) -> tuple[float, float]:
        """Median ms from a frame's start on a model to its result, and median ms
        a result waited for an earlier frame's (NaN before any result)."""
        with self._lock:
            if not self.timings:
                return math.nan, math.nan
            infer, held = zip(*self.timings, strict=True)
        return 1000.0 * statistics.median(infer), 1000.0 * statistics.median(held)

    def pump_failed(self, error: BaseException) -> None:
        """The dispatcher's pump raised: re-raised by the next submit or take."""
        self._error = error

    def close(self) -> None:
        """Stop the dispatcher and release every slot's models (idempotent)."""
        if self.dispatcher is not None:
            self.dispatcher.close()
        for slot in self.slots:
            slot.full.close()
            if slot.single is not None:
                slot.single.close()

    def _full_keeps_up(self) -> bool:
        """The two-person model, on every slot, is measured fast enough for the
        camera's frame rate (see KEEP_UP_RATIO); True until measured, so a
        set begins on analyze's landmarks and a slow machine is found out on
        its first frames."""
        if len(self._full_s) < 3 or len(self._offered_t) < 10:
            return True
        span_s = self._offered_t[-1] - self._offered_t[0]
        full_s = statistics.median(self._full_s)
        if span_s <= 0 or full_s <= 0:
            return span_s > 0  # results in no measurable time keep up
        camera_fps = (len(self._offered_t) - 1) / span_s
        return self.workers / full_s >= KEEP_UP_RATIO * camera_fps

    def _raise_pump_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

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
            job.done_s = now
            self._busy[i] = None


class Dispatcher(Closing):
    """A thread that pumps the estimator each time it is woken (by a model's
    result callback), so a waiting frame starts as soon as a model is free."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._closed = False
        self._estimator: ParallelLiveEstimator | None = None
        self._thread: threading.Thread | None = None

    def start(self, estimator: ParallelLiveEstimator) -> None:
        self._estimator = estimator
        estimator.dispatcher = self
        self._thread = threading.Thread(
            target=self._run, name="hingecam-live-dispatch", daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        """Called from MediaPipe's threads: never blocks, never raises."""
        self._event.set()

    def _run(self) -> None:
        while True:
            self._event.wait()
            self._event.clear()
            estimator = self._estimator
            if self._closed or estimator is None:
                return
            try:
                estimator.pump()
            except BaseException as exc:  # handed to the loop's thread
                estimator.pump_failed(exc)

    def close(self) -> None:
        """Stop the thread (idempotent)."""
        self._closed = True
        self._event.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(THREAD_JOIN_S)


def open_parallel_live(
    config: PoseConfig,
    *,
    workers: int | None = None,
    single_pose: bool = False,
    schedule: Schedule | None = None,
) -> ParallelLiveEstimator:
    """`workers` LIVE_STREAM landmarkers (default: default_workers()), each with a
    num_poses=1 copy when `single_pose`, fed by a Dispatcher.

    Raises:
        ConfigError: workers < 1.
        ModelError: the model is missing or cannot be loaded.
    """
    n = default_workers() if workers is None else workers
    if n < 1:
        raise ConfigError(f"live pose workers must be at least 1, got {n}")
    single_pose = single_pose and config.num_poses > 1
    dispatcher = Dispatcher()
    slots: list[Slot] = []
    try:
        for _ in range(n):
            full = pose_module.LivePoseEstimator(config, on_result=dispatcher.wake)
            slots.append(Slot(full))
            if single_pose:
                one = dataclasses.replace(config, num_poses=1)
                single = pose_module.LivePoseEstimator(one, on_result=dispatcher.wake)
                slots[-1] = Slot(full, single)
    except BaseException:
        for slot in slots:
            slot.full.close()
            if slot.single is not None:
                slot.single.close()
        raise
    planner = None
    if single_pose:
        # fps None: stride 1, so the planner never asks to skip a frame
        schedule = dataclasses.replace(schedule or Schedule(), single_pose=True)
        planner = Planner(schedule, None)
    estimator = ParallelLiveEstimator(slots, planner=planner, keep_up=single_pose)
    dispatcher.start(estimator)
    return estimator
