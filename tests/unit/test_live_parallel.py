"""media/live_parallel.py: frames to free landmarkers, results in frame order,
on fake landmarkers whose completion order the test decides (no model, no sleeps)."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from hingecam.core.poses import Frame
from hingecam.errors import ConfigError
from hingecam.media.live_parallel import (
    Dispatcher,
    ParallelLiveEstimator,
    Slot,
    default_workers,
)
from hingecam.media.pose import LivePoses
from hingecam.media.schedule import Inference, Planner, Schedule
from tests.factories import make_pose


def frame(i: int, fps: float = 60.0) -> Frame:
    return Frame(np.zeros((4, 4, 3), dtype=np.uint8), i, i / fps)


class FakeLandmarker:
    """One LIVE_STREAM landmarker: one frame at a time, finished when the test says."""

    def __init__(self, name: str, on_result: Any = None) -> None:
        self.name = name
        self.on_result = on_result
        self.busy: Frame | None = None
        self.seen: list[int] = []
        self._latest: LivePoses | None = None
        self.closed = False

    def submit(self, f: Frame) -> bool:
        if self.busy is not None:
            return False
        self.busy = f
        self.seen.append(f.index)
        return True

    def finish(self, people: int = 1) -> int:
        """Deliver the result of the frame it has (with `people` poses)."""
        f = self.busy
        assert f is not None, f"{self.name} has no frame"
        self.busy = None
        poses = tuple(make_pose(t_s=f.t_s) for _ in range(people))
        self._latest = (f.index, f.t_s, poses)
        if self.on_result is not None:
            self.on_result()
        return f.index

    def lose(self) -> None:
        """The result never comes (MediaPipe dropped it)."""
        self.busy = None

    def latest(self) -> LivePoses | None:
        return self._latest

    def close(self) -> None:
        self.closed = True


def indexes(results: list[LivePoses]) -> list[int]:
    return [r[0] for r in results]


def two_slots(
    **kwargs: Any,
) -> tuple[ParallelLiveEstimator, FakeLandmarker, FakeLandmarker]:
    a, b = FakeLandmarker("a"), FakeLandmarker("b")
    return ParallelLiveEstimator([Slot(a), Slot(b)], **kwargs), a, b


def test_frames_go_to_free_landmarkers_and_the_next_one_waits() -> None:
    est, a, b = two_slots()
    for i in range(3):
        assert est.submit(frame(i))
    assert (a.seen, b.seen) == ([0], [1])
    assert est.pending() == 3  # two inferring, one waiting
    assert est.take() == []


def test_a_frame_finished_early_waits_for_the_one_before_it() -> None:
    est, a, b = two_slots()
    est.submit(frame(0))
    est.submit(frame(1))
    b.finish()
    assert est.take() == []  # frame 0 is still inferring
    a.finish()
    assert indexes(est.take()) == [0, 1]
    assert est.take() == []  # each result once


def test_results_come_out_in_frame_order_whatever_order_they_finish() -> None:
    est, a, b = two_slots()
    out: list[int] = []
    finished: list[int] = []
    for i in range(40):
        est.submit(frame(i))
        # b is quick, a finishes only every third frame: b overtakes a
        if b.busy is not None:
            finished.append(b.finish())
        if i % 3 == 2 and a.busy is not None:
            finished.append(a.finish())
        out += indexes(est.take())
    for m in (b, a):  # the last ones, newest first
        if m.busy is not None:
            finished.append(m.finish())
    out += indexes(est.take())
    assert finished != sorted(finished)  # they did finish out of order
    assert out == sorted(finished)  # yet come out in order, each once
    assert len(a.seen) > 5 and len(b.seen) > 5  # both landmarkers worked


def test_a_free_landmarker_takes_the_waiting_frame_at_once() -> None:
    est, a, _ = two_slots()
    est.submit(frame(0))
    est.submit(frame(1))
    est.submit(frame(2))  # waits
    a.finish()
    est.pump()  # what the dispatcher does on a result
    assert a.seen == [0, 2]
    assert est.dropped == 0


def test_a_newer_frame_replaces_the_waiting_one() -> None:
    est, _, b = two_slots()
    for i in range(4):
        est.submit(frame(i))  # 2 waits, then 3 replaces it
    assert est.dropped == 1
    b.finish()
    est.pump()
    assert b.seen == [1, 3]


def test_a_lost_result_is_given_up_after_the_stall_time() -> None:
    now = [0.0]
    est, a, b = two_slots(clock=lambda: now[0], stall_s=2.0)
    est.submit(frame(0))
    est.submit(frame(1))
    a.lose()
    b.finish()
    assert est.take() == []  # 1 waits behind 0
    now[0] = 1.9
    assert est.take() == []
    now[0] = 2.1
    assert indexes(est.take()) == [1]
    assert est.lost == 1
    est.submit(frame(130))
    assert a.seen == [0, 130]  # the stalled landmarker is used again


def test_one_slot_behaves_like_the_single_live_landmarker() -> None:
    a = FakeLandmarker("a")
    est = ParallelLiveEstimator([Slot(a)])
    est.submit(frame(0))
    est.submit(frame(1))
    est.submit(frame(2))
    a.finish()
    assert indexes(est.take()) == [0]
    assert a.seen == [0, 2]  # the newest frame went next
    assert est.latest() is not None and est.latest()[0] == 0  # type: ignore[index]


def test_single_pose_runs_the_two_person_model_only_for_its_checks() -> None:
    full, single = FakeLandmarker("full"), FakeLandmarker("single")
    planner = Planner(Schedule(single_pose=True), None)
    est = ParallelLiveEstimator([Slot(full, single)], planner=planner)
    for i in range(120):  # 2 s at 60 fps, one person
        est.submit(frame(i))
        (full if full.busy is not None else single).finish()
        est.take()
    # the first frame (nobody seen yet), then a check every 0.5 s
    assert full.seen == [0, 30, 60, 90]
    assert len(single.seen) == 116
    assert est.summary() == {"workers": 1, "full": 4, "single": 116, "lost": 0}


def test_a_second_person_puts_the_two_person_model_on_every_frame() -> None:
    full, single = FakeLandmarker("full"), FakeLandmarker("single")
    planner = Planner(Schedule(single_pose=True, escalate_s=0.25), None)
    est = ParallelLiveEstimator([Slot(full, single)], planner=planner)
    for i in range(60):
        est.submit(frame(i))
        if full.busy is not None:
            full.finish(people=2 if i == 30 else 1)
        else:
            single.finish()
        est.take()
    # frame 30 found two people: every frame is checked for 0.25 s (15 frames)
    assert full.seen == [0, *range(30, 45)]


def test_with_several_slots_each_frame_gets_one_model() -> None:
    slots = [Slot(FakeLandmarker(f"f{i}"), FakeLandmarker(f"s{i}")) for i in range(2)]
    planner = Planner(Schedule(single_pose=True), None)
    est = ParallelLiveEstimator(slots, planner=planner)
    out: list[int] = []
    for i in range(90):
        est.submit(frame(i))
        if i % 2:  # both slots busy every other frame, then both finish
            for slot in slots:
                for m in (slot.full, slot.single):
                    if m.busy is not None:
                        m.finish()
        out += indexes(est.take())
    seen = sorted(i for s in slots for m in (s.full, s.single) for i in m.seen)
    assert len(seen) == len(set(seen)) and out == sorted(out)
    assert est.counts[Inference.FULL] >= 3 and est.counts[Inference.SINGLE] > 60


def test_the_dispatcher_starts_the_waiting_frame_when_a_result_arrives() -> None:
    started = threading.Event()
    dispatcher = Dispatcher()
    a = FakeLandmarker("a", on_result=dispatcher.wake)
    submit = a.submit

    def submit_and_signal(f: Frame) -> bool:
        taken = submit(f)
        if taken and f.index == 1:
            started.set()
        return taken

    a.submit = submit_and_signal  # type: ignore[method-assign]
    est = ParallelLiveEstimator([Slot(a)])
    dispatcher.start(est)
    try:
        est.submit(frame(0))
        est.submit(frame(1))  # waits for a
        assert not started.is_set()
        a.finish()  # the callback wakes the dispatcher's thread
        assert started.wait(5.0)
        assert a.seen == [0, 1]
    finally:
        est.close()
    assert a.closed


def test_an_error_in_the_dispatcher_reaches_the_loop() -> None:
    dispatcher = Dispatcher()
    a = FakeLandmarker("a", on_result=dispatcher.wake)
    est = ParallelLiveEstimator([Slot(a)])
    failed = threading.Event()
    pump_failed = est.pump_failed

    def record(error: BaseException) -> None:
        pump_failed(error)
        failed.set()

    def broken(f: Frame) -> bool:
        raise RuntimeError("graph failed")

    est.pump_failed = record  # type: ignore[method-assign]
    dispatcher.start(est)
    try:
        est.submit(frame(0))
        est.submit(frame(1))  # waits for a
        a.submit = broken  # type: ignore[method-assign]
        a.finish()  # the dispatcher hands a frame 1, which fails
        assert failed.wait(5.0)
        with pytest.raises(RuntimeError, match="graph failed"):
            est.take()
        assert indexes(est.take()) == [0]  # raised once; the result is kept
    finally:
        est.close()


def test_no_slots_and_default_workers() -> None:
    with pytest.raises(ConfigError, match="at least one"):
        ParallelLiveEstimator([])
    assert default_workers(1) == 1
    assert default_workers(2) == 2
    assert default_workers(64) == 4
    assert default_workers(0) == 1


def test_with_frames_in_flight_a_people_check_is_not_repeated() -> None:
    slots = [Slot(FakeLandmarker(f"f{i}"), FakeLandmarker(f"s{i}")) for i in range(3)]
    planner = Planner(Schedule(single_pose=True), None)
    est = ParallelLiveEstimator(slots, planner=planner)
    for i in range(121):  # 2 s at 60 fps; each frame finishes two frames later
        est.submit(frame(i))
        for slot in slots:
            for m in (slot.full, slot.single):
                if m.busy is not None and m.busy.index <= i - 2:
                    m.finish()
        est.take()
    fulls = sorted(i for s in slots for i in s.full.seen)
    # until a result says one person is there every frame gets the two-person
    # model; then one check every 0.5 s, none repeated while in flight
    assert fulls == [0, 1, 2, 32, 62, 92]


@pytest.mark.parametrize(
    ("full_ms", "every_frame"),
    [(20.0, True), (25.0, False)],  # 50 or 40 two-person frames/s for 60 fps
)
def test_the_two_person_model_takes_every_frame_while_it_keeps_up(
    full_ms: float, every_frame: bool
) -> None:
    full, single = FakeLandmarker("full"), FakeLandmarker("single")
    planner = Planner(Schedule(single_pose=True), None)
    now = [0.0]
    est = ParallelLiveEstimator(
        [Slot(full, single)], planner=planner, keep_up=True, clock=lambda: now[0]
    )
    for i in range(120):  # 2 s of a 60 fps camera, one person
        est.submit(frame(i))
        model = full if full.busy is not None else single
        now[0] += (full_ms if model is full else 5.0) / 1000
        model.finish()
        est.take()
    # Every frame until measured (ten frames offered, three results) ...
    assert full.seen[:9] == list(range(9))
    if every_frame:  # ... and on, since it keeps up
        assert full.seen == list(range(120))
    else:  # ... then, under 0.8 x 60 fps, the checks only
        assert [i for i in full.seen if i >= 9] == [38, 68, 98]
