"""Every labelled rep is counted on real clips whose lockout or start is hard to
see: a deadlift lockout whose near knee the plate hides, and a set filmed from
within its first descent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hingecam.app.pipeline import analyze_video
from hingecam.core.datatypes import Exercise
from hingecam.core.thresholds import load_thresholds

pytestmark = [pytest.mark.model, pytest.mark.clips, pytest.mark.slow]


@pytest.mark.parametrize(
    ("clip", "exercise", "reps"),
    [
        # The plate hides the near leg: the model lifts the near knee at the
        # lockout, so only the 3D hip angle (both legs) sees him stand.
        ("deadlift_side_bad_mat02.mp4", Exercise.DEADLIFT, 1),
        # The clip begins a third of the way into the first descent; seen from
        # behind the lifter stands at a 3D hip angle of ~29 deg.
        ("rdl_back45_seb.mp4", Exercise.RDL, 3),
    ],
)
def test_clip_counts_its_labelled_reps(
    clip_path: Callable[[str], Path],
    model_path: Path,
    clip: str,
    exercise: Exercise,
    reps: int,
) -> None:
    run = analyze_video(
        clip_path(clip),
        exercise=exercise,
        thresholds=load_thresholds(exercise),
        model_path=model_path,
    )
    assert len(run.result.reps) == reps
