"""A set that never pauses still at the top still counts (against a typical
standing posture), recorded or live; live says so, and calibration wins when it
happens. Live, a pause shorter than calibration (but as long as recorded video
needs) gives the reference posture, as it does recorded."""

from __future__ import annotations

import dataclasses

from hingecam.core.analysis import Analyzer, analyze_track
from hingecam.core.datatypes import Exercise, FrameAnalysis
from hingecam.core.mode import LIVE
from hingecam.core.recorder import track_video_info
from hingecam.core.thresholds import Thresholds
from tests.factories import hinge_set

TH = Thresholds()


# A brief still moment must last 1 s here, so the sets below never have one.
NO_BRIEF = dataclasses.replace(TH, setup_min_s=1.0)


def _no_pause_set():  # type: ignore[no-untyped-def]
    # Barely a moment upright before and between reps: never still for setup_min_s.
    return hinge_set(3, 25, stand_s=0.2, top_hold_s=0.1, end_s=0.2)


def test_offline_counts_a_set_without_a_still_pause() -> None:
    hs = _no_pause_set()
    result = analyze_track(hs.track, Exercise.RDL, NO_BRIEF)
    assert len(result.reps) == len(hs.reps) == 3
    assert result.setup is None


def _live_frames(hs, calibration_s: float | None = None, th=NO_BRIEF):  # type: ignore[no-untyped-def]
    live = Analyzer.live(Exercise.RDL, th, hs.track.image_wh, calibration_s)
    frames: list[FrameAnalysis] = []
    for i in range(len(hs.track)):
        frames += live.push(
            i,
            float(hs.track.t_s[i]),
            hs.track.pose_at(i),
            int(hs.track.people[i]),
            hs.track.back_profile[i],
        )
    frames += live.finish()
    return live, frames


def test_live_counts_a_set_without_a_still_start_and_says_so() -> None:
    hs = _no_pause_set()
    live, frames = _live_frames(hs)
    assert len(live.reps) == len(hs.reps) == 3
    assert live.setup is None
    cues = [a.cue for a in frames]
    assert LIVE.provisional_prompt in cues
    # Said during the first rep only, not between every rep.
    last = max(i for i, c in enumerate(cues) if c == LIVE.provisional_prompt)
    assert frames[last].rep_count == 0
    notes = live.result(track_video_info(hs.track)).notes
    assert any("never seen standing still" in n for n in notes)


def test_live_calibration_still_wins_when_the_lifter_stands_still() -> None:
    hs = hinge_set(3, 25, stand_s=0.2, top_hold_s=1.5, end_s=0.2)
    live, _ = _live_frames(hs, calibration_s=1.0)
    assert len(live.reps) == 3
    assert live.setup is not None
    # The first rep, counted against a typical posture, is read again against
    # the calibrated one (its frames are kept): the same rep, now the lifter's.
    assert live.provisional_reps == 0
    notes = live.result(track_video_info(hs.track)).notes
    assert not any("the first rep was counted before" in n for n in notes)


def test_live_counts_and_judges_a_set_after_a_brief_pause_as_recorded_video_does() -> (
    None
):
    # Standing still 0.5 s (more than setup_min_s, less than live calibration):
    # live measures reps against that posture, as the analysis of a recording
    # does, and judges each rep the same.
    hs = hinge_set(3, 25, stand_s=0.5, top_hold_s=0.1, end_s=0.2)
    live, frames = _live_frames(hs, th=TH)
    offline = analyze_track(hs.track, Exercise.RDL, TH)
    assert live.setup is None and live.reference is not None
    assert LIVE.provisional_prompt not in [a.cue for a in frames]
    assert len(live.reps) == len(offline.reps) == 3
    for a, b in zip(live.reps, offline.reps, strict=True):
        assert [(c.fault, c.outcome) for c in a.checks] == [
            (c.fault, c.outcome) for c in b.checks
        ]
    notes = live.result(track_video_info(hs.track)).notes
    assert any("did not stand still for the 2 s calibration" in n for n in notes)
