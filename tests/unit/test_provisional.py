"""A set that never pauses still at the top still counts (against a typical
standing posture), recorded or live; live says so, and calibration wins when it
happens."""

from __future__ import annotations

from hingecam.core.analysis import Analyzer, analyze_track
from hingecam.core.datatypes import Exercise, FrameAnalysis
from hingecam.core.mode import LIVE
from hingecam.core.recorder import track_video_info
from hingecam.core.thresholds import Thresholds
from tests.factories import hinge_set

TH = Thresholds()


def _no_pause_set():  # type: ignore[no-untyped-def]
    # Barely a moment upright before and between reps: never still for setup_min_s.
    return hinge_set(3, 25, stand_s=0.2, top_hold_s=0.1, end_s=0.2)


def test_offline_counts_a_set_without_a_still_pause() -> None:
    hs = _no_pause_set()
    result = analyze_track(hs.track, Exercise.RDL, TH)
    assert len(result.reps) == len(hs.reps) == 3
    # The first rep starts before any still stretch of setup_min_s existed.
    assert result.reps[0].start_s < TH.setup_min_s + 0.2


def _live_frames(hs, calibration_s: float | None = None):  # type: ignore[no-untyped-def]
    live = Analyzer.live(Exercise.RDL, TH, hs.track.image_wh, calibration_s)
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
    assert live.provisional_reps == 1
    notes = live.result(track_video_info(hs.track)).notes
    assert any("the first rep was counted before" in n for n in notes)
