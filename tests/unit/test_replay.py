"""Re-analysis of a recorded pose track: the batch replay must equal pushing the
frames one by one (the path live and analyze take)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hingecam.core.analysis import Analyzer, analyze_track
from hingecam.core.datatypes import Exercise
from hingecam.core.thresholds import load_thresholds
from hingecam.media.tracks import load_track, save_track
from tests.factories import push_each_frame

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "kbdl_side_hipfirst.npz"


def test_replay_equals_pushing_every_frame() -> None:
    track = load_track(SAMPLE)
    th = load_thresholds(Exercise.DEADLIFT)
    replayed = analyze_track(track, Exercise.DEADLIFT, th)
    pushed = push_each_frame(track, Exercise.DEADLIFT, th)
    result = pushed.result(replayed.video)
    for name in result.series.ANGLE_FIELDS:
        np.testing.assert_array_equal(
            getattr(result.series, name), getattr(replayed.series, name)
        )
    assert result.reps == replayed.reps
    assert result.frame_phase == replayed.frame_phase


def test_track_saved_by_the_analyzer_reanalyzes_to_the_same_reps(
    tmp_path: Path,
) -> None:
    track = load_track(SAMPLE)
    th = load_thresholds(Exercise.DEADLIFT)
    analyzer = Analyzer(Exercise.DEADLIFT, th, track.image_wh)
    analyzer.replay(track)
    save_track(analyzer.track({"source": "again"}), tmp_path / "again.npz")
    again = load_track(tmp_path / "again.npz")
    assert again.meta["source"] == "again"
    first = analyze_track(track, Exercise.DEADLIFT, th)
    second = analyze_track(again, Exercise.DEADLIFT, th)
    assert [(r.start_frame, r.end_frame) for r in first.reps] == [
        (r.start_frame, r.end_frame) for r in second.reps
    ]
