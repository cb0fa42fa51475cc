"""media/schedule.py with several landmarker threads: the same frames, poses and
order as one thread, whatever order the threads finish in (fake estimators)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import numpy as np
import pytest

from hingecam.core.poses import Frame, Pose
from hingecam.errors import ConfigError
from hingecam.media.fake_pose import FakeEstimator
from hingecam.media.native_logs import quiet_native_stderr
from hingecam.media.pose_config import PoseConfig
from hingecam.media.schedule import MAX_THREADS, Schedule, ScheduledEstimator
from tests.unit.test_schedule import frames, walking


class GatedEstimator(FakeEstimator):
    """A FakeEstimator whose estimate() waits until its frame is released, so a
    test decides the order in which threads finish."""

    def __init__(
        self, script: list[Pose], gates: dict[int, threading.Event], seen: Seen
    ) -> None:
        super().__init__(script)
        self.gates = gates
        self.seen = seen

    def estimate(self, frame: Frame) -> tuple[Pose, ...]:
        self.seen.note("started", frame.index)
        self.gates[frame.index].wait()
        poses = super().estimate(frame)
        self.seen.note("finished", frame.index)
        return poses


class Seen:
    """Frames started and finished by the gated estimators, waited on."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.events: dict[str, set[int]] = {"started": set(), "finished": set()}

    def note(self, what: str, index: int) -> None:
        with self.cond:
            self.events[what].add(index)
            self.cond.notify_all()

    def wait(self, what: str, indices: set[int], done: threading.Event) -> bool:
        """Until every frame in `indices` did `what` (False: the run ended)."""
        with self.cond:
            while not indices <= self.events[what]:
                if done.is_set():
                    return False
                self.cond.wait(timeout=0.05)
            return True


def run(est: ScheduledEstimator, n: int, fps: float) -> list[tuple[int, np.ndarray]]:
    return [(f.index, p[0].xy_norm) for f, p in est.run(frames(n, fps))]


@pytest.mark.parametrize("fps", [30.0, 60.0])
def test_two_threads_give_the_one_thread_output(fps: float) -> None:
    script = [walking(i / fps) for i in range(25)]
    one = ScheduledEstimator(PoseConfig(), Schedule(), fps, full=FakeEstimator(script))
    expected = run(one, 25, fps)
    lanes = [FakeEstimator(script), FakeEstimator(script)]
    two = ScheduledEstimator(PoseConfig(), Schedule(), fps, full=lanes)
    got = run(two, 25, fps)
    assert [i for i, _ in got] == list(range(25))
    for (_, a), (_, b) in zip(expected, got, strict=True):
        np.testing.assert_array_equal(a, b)
    assert one.summary() == two.summary()
    # inferred frames alternate between the landmarkers, each in time order
    inferred = sorted(lanes[0].calls + lanes[1].calls)
    assert lanes[0].calls == inferred[0::2]
    assert lanes[1].calls == inferred[1::2]
    assert two.threads == 2


def test_the_output_does_not_depend_on_which_thread_finishes_first() -> None:
    fps, n = 60.0, 12
    script = [walking(i / fps) for i in range(n)]
    gates = {i: threading.Event() for i in range(n)}
    seen = Seen()
    lanes = [GatedEstimator(script, gates, seen), GatedEstimator(script, gates, seen)]
    est = ScheduledEstimator(PoseConfig(), Schedule(), fps, full=lanes)
    out: list[int] = []
    done = threading.Event()

    exhausted = threading.Event()

    def source() -> Iterator[Frame]:
        yield from frames(n, fps)
        exhausted.set()
        with seen.cond:
            seen.cond.notify_all()

    def consume() -> None:
        out.extend(f.index for f, _ in est.run(source()))
        done.set()
        with seen.cond:
            seen.cond.notify_all()

    consumer = threading.Thread(target=consume)
    consumer.start()
    # each time both threads hold a frame, the later frame finishes first
    reversed_pairs = 0
    while not done.is_set():
        with seen.cond:
            pending = sorted(seen.events["started"] - seen.events["finished"])
            pending = [i for i in pending if not gates[i].is_set()]
            if len(pending) == 1 and exhausted.is_set():
                gates[pending[0]].set()  # nothing more comes: the last frame
                continue
            if len(pending) < 2:
                seen.cond.wait(timeout=0.05)  # a poll interval, not a deadline
                continue
        first, later = pending[0], pending[1]
        gates[later].set()
        if seen.wait("finished", {later}, done):
            reversed_pairs += 1
        gates[first].set()
    consumer.join()
    assert reversed_pairs >= 3
    assert out == list(range(n))
    free = [FakeEstimator(script), FakeEstimator(script)]
    reference = ScheduledEstimator(PoseConfig(), Schedule(), fps, full=free)
    run(reference, n, fps)
    assert est.summary() == reference.summary()
    assert [lane.calls for lane in lanes] == [lane.calls for lane in free]


def test_an_error_in_a_thread_reaches_the_caller_and_nothing_is_left_running() -> None:
    class Broken(FakeEstimator):
        def estimate(self, frame: Frame) -> tuple[Pose, ...]:
            if frame.index == 3:
                raise RuntimeError("model failed")
            return super().estimate(frame)

    script = [walking(i / 30) for i in range(10)]
    lanes = [Broken(script), Broken(script)]
    est = ScheduledEstimator(PoseConfig(), Schedule(), 30.0, full=lanes)
    seen = []
    with pytest.raises(RuntimeError, match="model failed"), est:
        for frame, _ in est.run(frames(10, 30.0)):
            seen.append(frame.index)
    assert seen == [0, 1, 2]
    assert all(lane.closed for lane in lanes)


def test_stopping_early_waits_for_the_frames_in_hand_then_releases_the_models() -> None:
    script = [walking(i / 30) for i in range(20)]
    lanes = [FakeEstimator(script), FakeEstimator(script)]
    with ScheduledEstimator(PoseConfig(), Schedule(), 30.0, full=lanes) as est:
        stream = est.run(frames(20, 30.0))
        assert [next(stream)[0].index for _ in range(3)] == [0, 1, 2]
        stream.close()
    assert all(lane.closed for lane in lanes)
    assert max(lanes[0].calls + lanes[1].calls) < 6  # no frame read ahead past 2


def test_threads_are_zero_for_auto_up_to_max_threads() -> None:
    for bad in (-1, MAX_THREADS + 1):
        with pytest.raises(ConfigError, match="threads"):
            Schedule(threads=bad)
    assert Schedule(threads=2).thread_count() == 2
    assert 1 <= Schedule().thread_count() <= MAX_THREADS


def test_quiet_stderr_from_two_threads_restores_the_real_stderr() -> None:
    # Thread A enters, B enters, A leaves, B leaves: fd 2 must be the real
    # stderr afterwards, not /dev/null saved by B.
    import logging

    if logging.getLogger().isEnabledFor(logging.INFO):
        pytest.skip("native logs are kept at INFO")
    before = os.fstat(2)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with quiet_native_stderr():
            a_in.set()
            b_in.wait()
        a_out.set()

    def b() -> None:
        a_in.wait()
        with quiet_native_stderr():
            b_in.set()
            a_out.wait()
            assert os.fstat(2).st_ino == os.stat(os.devnull).st_ino

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)


def test_frames_above_the_parallel_limit_get_one_thread_unless_asked() -> None:
    from hingecam.media.schedule import PARALLEL_MAX_PIXELS, Schedule

    assert 1920 * 1080 > PARALLEL_MAX_PIXELS >= 1280 * 720
    assert Schedule().for_frame_size(1920, 1080).threads == 1
    assert Schedule().for_frame_size(1280, 720).threads == 0  # one per CPU
    assert Schedule(threads=2).for_frame_size(1920, 1080).threads == 2  # asked


_SESSION = """
import logging, os, sys
from hingecam.media.native_logs import native_logs_silenced
logging.basicConfig(format="%(levelname)s %(message)s")
print("before", file=sys.stderr)
with native_logs_silenced():
    os.write(2, b"W0000 a native warning from a MediaPipe thread\\n")
    print("hingecam: a line of ours", file=sys.stderr)
    logging.warning("a logged warning")
os.write(2, b"native again\\n")
print("after", file=sys.stderr)
"""


def _stderr_lines(script: str) -> list[str]:
    """The stderr lines of `python -c script`, run to the end."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stderr.splitlines()


def test_a_session_silences_native_logs_but_keeps_our_stderr() -> None:
    assert _stderr_lines(_SESSION) == [
        "before",
        "hingecam: a line of ours",
        "WARNING a logged warning",
        "native again",  # fd 2 is back after the block
        "after",
    ]


_LOADING = """
import logging, os, sys, threading
from hingecam.media.native_logs import quiet_native_stderr
logging.basicConfig(format="%(levelname)s %(message)s")
loading, printed = threading.Event(), threading.Event()

def load():  # a landmarker loading in the background, its native logs silenced
    with quiet_native_stderr():
        os.write(2, b"INFO: a native line while loading\\n")
        loading.set()
        printed.wait()

worker = threading.Thread(target=load)
worker.start()
loading.wait()
print("hingecam: error: the one line of ours", file=sys.stderr)
logging.warning("a logged warning")
printed.set()
worker.join()
print("after", file=sys.stderr)
"""


def test_a_model_loading_in_the_background_never_swallows_our_error_line() -> None:
    # `hingecam analyze` into a folder in use printed nothing (exit 2, no line)
    # about one run in ten: its landmarker was loading on another thread with
    # fd 2 on /dev/null just as the main thread printed the error.
    assert _stderr_lines(_LOADING) == [
        "hingecam: error: the one line of ours",
        "WARNING a logged warning",
        "after",
    ]
