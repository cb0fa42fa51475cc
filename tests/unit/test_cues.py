"""What the lifter is told after a rep, and where re-analysis writes."""

from __future__ import annotations

import math
from pathlib import Path

from hingecam.app.analyze import output_dir
from hingecam.core.datatypes import Check, Fault, Outcome, Rep, Severity, View
from hingecam.core.rules import CUES, GOOD_REP_CUE, NOT_JUDGED_CUE, rep_cue


def _check(
    fault: Fault, outcome: Outcome, severity: Severity = Severity.FAULT
) -> Check:
    return Check(
        fault, outcome, math.nan, math.nan, "", math.nan, -1, severity, CUES[fault], ""
    )


def test_flagged_rep_gets_the_most_severe_cue() -> None:
    checks = (
        _check(Fault.LEAN_BACK, Outcome.FLAGGED, Severity.NOTE),
        _check(Fault.ROUNDED_SPINE, Outcome.FLAGGED, Severity.FAULT),
    )
    assert rep_cue(checks) == (CUES[Fault.ROUNDED_SPINE], Severity.FAULT)


def test_rep_judged_clean_is_a_good_rep() -> None:
    checks = (
        _check(Fault.ROUNDED_SPINE, Outcome.OK),
        _check(Fault.SQUAT_PATTERN, Outcome.NOT_JUDGED),
    )
    assert rep_cue(checks) == (GOOD_REP_CUE, Severity.NOTE)


def test_rep_nothing_could_judge_is_never_called_good() -> None:
    checks = (
        _check(Fault.ROUNDED_SPINE, Outcome.NOT_JUDGED),
        _check(Fault.SQUAT_PATTERN, Outcome.NOT_JUDGED),
    )
    text, _ = rep_cue(checks)
    assert text == NOT_JUDGED_CUE and "sideways" in text


def test_overlay_chip_says_not_judged_for_an_unjudged_rep() -> None:
    from hingecam.render.elements import verdict_chips
    from hingecam.render.style import DEFAULT_STYLE

    rep = Rep(
        1,
        0.0,
        1.0,
        2.0,
        0,
        30,
        60,
        1.0,
        1.0,
        View.OBLIQUE,
        {},
        (_check(Fault.ROUNDED_SPINE, Outcome.NOT_JUDGED),),
    )
    assert [text for text, _ in verdict_chips(rep, DEFAULT_STYLE)] == ["NOT JUDGED"]


def test_reanalyzed_track_is_named_after_its_folder(tmp_path: Path) -> None:
    taken: set[Path] = set()
    first = output_dir(tmp_path, Path("hingecam-out/monday_set/pose_track.npz"), taken)
    second = output_dir(tmp_path, Path("videos/monday_set.mp4"), taken)
    assert first == tmp_path / "monday_set"
    assert second == tmp_path / "monday_set-2"


def test_rep_mostly_unseen_is_not_judged_for_lack_of_frames_not_for_the_view() -> None:
    import numpy as np

    from hingecam.core.rules import RepWindow, check_rounded_spine
    from hingecam.core.thresholds import Thresholds

    n = 10
    views = (View.SIDE,) * 4 + (View.UNKNOWN,) * 6
    values = {
        name: np.zeros(n)
        for name in ("hip_flexion_deg", "spine_bow_norm", "back_offset_norm")
    }
    win = RepWindow(
        t_s=np.arange(n) / 10, frames=np.arange(n), views=views, values=values, bottom=5
    )
    check = check_rounded_spine(win, {}, Thresholds())
    assert check.outcome is Outcome.NOT_JUDGED
    assert "seen clearly in only 40%" in check.reason
    assert "view" not in check.reason


def test_severity_rank_orders_note_warning_fault() -> None:
    assert [s.rank for s in (Severity.NOTE, Severity.WARNING, Severity.FAULT)] == [
        0,
        1,
        2,
    ]


def test_view_phrase_takes_the_right_article() -> None:
    assert View.SIDE.phrase == "a side view"
    assert View.OBLIQUE.phrase == "an oblique view"
    assert View.UNKNOWN.phrase == "an unknown view"
