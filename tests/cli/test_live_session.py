"""LiveSession on fake landmarkers (no camera, screen or model): the last frame
is analyzed, the skeleton is drawn on the frame it was measured on, several
landmarkers keep the frames in order, a rep closed while draining is announced
once."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from hingecam.app.driver import Driver
from hingecam.app.live_session import LiveSession, SessionIO
from hingecam.app.signals import Ending, StopSignals
from hingecam.core.cues import CueEvent, CueKind
from hingecam.core.datatypes import Exercise
from hingecam.core.mode import LIVE
from hingecam.core.poses import Frame, PoseTrack
from hingecam.core.thresholds import load_thresholds
from hingecam.media.fake_pose import FakeEstimator
from hingecam.media.live_parallel import ParallelLiveEstimator, Slot
from hingecam.render.annotator import FrameAnnotator
from tests.factories import hinge_set
from tests.live_fakes import WH, FakeCamera, ScriptedWindow


@pytest.fixture(scope="module")
def three_reps() -> Any:
    """A side-view set: 2.5 s standing (the live calibration), 3 reps, 3 s standing."""
    return hinge_set(3, 30.0, stand_s=2.5, end_s=3.0, image_wh=WH)


class SlowEstimator(FakeEstimator):
    """A live estimator whose result is ready only a few polls after submit."""

    def __init__(self, script: Any, polls: int = 3) -> None:
        super().__init__(script)
        self.polls = polls
        self._flight: tuple[Frame, int] | None = None
        self._ready: Any = None

    def submit(self, frame: Frame) -> bool:
        if self._flight is not None:
            return False
        self._flight = (frame, self.polls)
        return True

    def latest(self) -> Any:
        if self._flight is not None:
            frame, left = self._flight
            if left <= 1:
                self._ready = (frame.index, frame.t_s, self.estimate(frame))
                self._flight = None
            else:
                self._flight = (frame, left - 1)
        return self._ready


def live_session(
    track: PoseTrack, estimator: Any, *, window: bool = False, **kwargs: Any
) -> tuple[LiveSession, Driver]:
    """A LiveSession over the track's frames from a fake camera, with `estimator`
    (a scripted window when `window`, else none), and its Driver."""
    driver = Driver(Exercise.AUTO, load_thresholds(), WH, mode=LIVE)
    session = LiveSession(
        FakeCamera(track.t_s, WH),
        estimator,
        driver,
        FrameAnnotator(),
        display=ScriptedWindow({}) if window else None,
        stop=StopSignals(),
        **kwargs,
    )
    return session, driver


def parallel(track: PoseTrack, polls: list[int]) -> ParallelLiveEstimator:
    """One slot per entry of `polls`: each fake landmarker finishes its frame
    after that many polls, so quicker ones overtake slower ones."""
    script = FakeEstimator.from_track(track)._script
    return ParallelLiveEstimator([Slot(SlowEstimator(script, p)) for p in polls])


def skeleton_errors_px(session: LiveSession, track: PoseTrack) -> list[float]:
    """For each shown frame with a skeleton: the largest distance (px) of a drawn
    landmark from that frame's own pose in the track."""
    wh = np.array(WH, dtype=np.float32)
    assert session.drawn is not None
    return [
        float(np.abs(xy - track.xy_norm[i] * wh).max())
        for i, xy in session.drawn
        if xy is not None
    ]


def test_the_last_frame_is_analyzed_before_the_session_ends(three_reps: Any) -> None:
    track = three_reps.track
    estimator = SlowEstimator(FakeEstimator.from_track(track)._script)
    session, driver = live_session(track, estimator)
    assert session.run() is Ending.STREAM_ENDED
    last = len(track) - 1
    assert estimator.calls[-1] != last  # the model was busy when it came
    session.finish()
    assert estimator.calls[-1] == last
    assert driver.analyzer.series().t_s[-1] == pytest.approx(track.t_s[last])


@pytest.mark.parametrize("sync", [True, False])
def test_the_skeleton_is_drawn_on_the_frame_it_was_measured_on(
    three_reps: Any, sync: bool
) -> None:
    track = three_reps.track
    estimator = SlowEstimator(FakeEstimator.from_track(track)._script, polls=4)
    session, _ = live_session(track, estimator, window=True, show_analyzed_frame=sync)
    session.drawn = []
    session.run()
    errors = skeleton_errors_px(session, track)
    assert len(errors) > len(track) // 2
    if sync:  # the model lags 3 frames, yet every skeleton sits on its own frame
        assert max(errors) < 0.01
    else:
        assert max(errors) > 1.0  # px: mid-rep the body has moved on


def test_parallel_landmarkers_analyze_more_frames_in_order_with_the_skeleton_on_the_body(
    three_reps: Any,
) -> None:
    track = three_reps.track
    one, _ = live_session(track, parallel(track, [12]), window=True)
    one.drawn = []
    one.run()
    one.finish()
    session, driver = live_session(track, parallel(track, [12, 2]), window=True)
    session.drawn = []
    pushed: list[float] = []
    push = driver.push

    def logged_push(index: int, t_s: float, *args: Any, **kwargs: Any) -> Any:
        pushed.append(t_s)
        return push(index, t_s, *args, **kwargs)

    driver.push = logged_push  # type: ignore[method-assign]
    assert session.run() is Ending.STREAM_ENDED
    session.finish()
    assert all(b > a for a, b in itertools.pairwise(pushed))
    # every frame a landmarker took reaches the analyzer, none out of order
    assert session.stats.analyzed == session.estimator.submitted
    assert session.stats.analyzed > 1.5 * one.stats.analyzed
    assert len(driver.reps) == 3
    errors = skeleton_errors_px(session, track)
    assert len(errors) > len(track) // 2
    assert max(errors) < 0.01  # every skeleton on the frame it was measured on


@pytest.mark.parametrize(("end_s", "polls"), [(0.4, [40]), (0.6, [30, 30])])
def test_a_rep_closed_while_the_last_frames_drain_is_announced_once(
    end_s: float, polls: list[int]
) -> None:
    track = hinge_set(3, 30.0, stand_s=2.5, end_s=end_s, image_wh=WH).track
    events: list[CueEvent] = []
    session, driver = live_session(
        track, parallel(track, polls), io=SessionIO(on_event=events.append)
    )
    session.run()
    session.finish(drain_s=5.0)  # the slow fakes finish only while polled
    assert len(driver.reps) == 3
    assert [e.rep for e in events if e.kind is CueKind.REP] == [1, 2, 3]
