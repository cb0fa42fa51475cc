"""A recorded set that never pauses still at the top still counts (against a
typical standing posture); live practice waits for its calibration instead."""

from __future__ import annotations

from hingecam.core.analysis import Analyzer, analyze_track
from hingecam.core.datatypes import Exercise
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


def test_live_waits_for_calibration_before_counting() -> None:
    hs = _no_pause_set()
    live = Analyzer.live(Exercise.RDL, TH, hs.track.image_wh)
    for i in range(len(hs.track)):
        live.push(
            i,
            float(hs.track.t_s[i]),
            hs.track.pose_at(i),
            int(hs.track.people[i]),
            hs.track.back_profile[i],
        )
    live.finish()
    assert live.reps == []
