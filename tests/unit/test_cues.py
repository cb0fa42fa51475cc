"""What the lifter is told and when (core.cues, rules.rep_cue), and where
re-analysis writes."""

from __future__ import annotations

import math
from pathlib import Path

from hingecam.app.output_names import output_dir
from hingecam.core.cues import CALIBRATED_CUE, CueEvents, CueKind
from hingecam.core.datatypes import (
    Check,
    FrameAnalysis,
    Outcome,
    Phase,
    Rep,
    SetupHint,
    Severity,
    View,
)
from hingecam.core.faults import Fault
from hingecam.core.measures import Measures
from hingecam.core.rules import GOOD_REP_CUE, NOT_JUDGED_CUE, rep_cue


def _check(
    fault: Fault, outcome: Outcome, severity: Severity = Severity.FAULT
) -> Check:
    return Check(
        fault,
        outcome,
        math.nan,
        math.nan,
        "",
        math.nan,
        -1,
        severity,
        fault.spec.cue,
        "",
    )


def test_flagged_rep_gets_the_most_severe_cue() -> None:
    checks = (
        _check(Fault.LEAN_BACK, Outcome.FLAGGED, Severity.NOTE),
        _check(Fault.ROUNDED_SPINE, Outcome.FLAGGED, Severity.FAULT),
    )
    assert rep_cue(checks) == (Fault.ROUNDED_SPINE.spec.cue, Severity.FAULT)


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

    from hingecam.core.datatypes import Exercise
    from hingecam.core.faults import judge_rep
    from hingecam.core.profiles import PROFILES
    from hingecam.core.rep_window import RepWindow
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
    checks = judge_rep(win, Measures(), PROFILES[Exercise.RDL], Thresholds())
    check = next(c for c in checks if c.fault is Fault.ROUNDED_SPINE)
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


def analysis(
    t_s: float,
    count: int = 0,
    cue: str | None = None,
    hint: SetupHint | None = None,
    severity: Severity = Severity.NOTE,
) -> FrameAnalysis:
    return FrameAnalysis(
        frame_index=round(t_s * 30),
        t_s=t_s,
        pose=None,
        measures=Measures(),
        side=None,
        view=View.SIDE,
        phase=Phase.STANDING,
        rep_count=count,
        cue=cue,
        cue_severity=severity,
        setup_hint=hint,
    )


def test_cue_events_say_each_rep_cue_and_hint_once() -> None:
    events = CueEvents()
    calib = "stand tall and still to calibrate"
    turn = SetupHint.TURN_SIDEWAYS
    frames = [
        analysis(0.0, cue=calib),
        analysis(0.1),  # the prompt flickers off and on: said once
        analysis(0.2, cue=calib),
        analysis(0.3, hint=turn),
        analysis(0.4, hint=turn),
        analysis(0.5),  # the hint goes away briefly...
        analysis(1.0, hint=turn),  # ...and back within HINT_FORGET_S: not again
        analysis(2.0, count=1, cue="good rep"),
        analysis(2.1, count=1, cue="good rep"),
        analysis(4.0, count=2, cue="good rep"),  # same words, a new rep
        analysis(5.0, count=3, cue="soften your knees", severity=Severity.FAULT),
        analysis(5.1, count=3),
        analysis(9.0, hint=turn, count=3),  # gone > HINT_FORGET_S: said again
    ]
    said = [(e.kind, e.text, e.rep) for f in frames for e in events.update(f)]
    assert said == [
        (CueKind.CUE, calib, 0),
        (CueKind.HINT, turn.text, 0),
        (CueKind.REP, "good rep", 1),
        (CueKind.REP, "good rep", 2),
        (CueKind.REP, "soften your knees", 3),
        (CueKind.HINT, turn.text, 0),
    ]


def test_cue_event_lines_carry_the_session_time() -> None:
    (event,) = CueEvents().update(analysis(72.4, count=1, cue="push your hips back"))
    assert event.line() == "01:12.4  rep 1: push your hips back"


def test_calibration_is_announced_once_and_again_after_recalibrating() -> None:
    events = CueEvents()
    states = [False, True, True, False, True]
    said = [
        e.text
        for k, calibrated in enumerate(states)
        for e in events.update(analysis(k * 0.1), calibrated=calibrated)
    ]
    assert said == [CALIBRATED_CUE, CALIBRATED_CUE]
    events.recalibrate()  # the `c` key: the next posture is announced again
    assert [e.text for e in events.update(analysis(1.0), calibrated=True)] == [
        CALIBRATED_CUE
    ]


def test_a_rep_closed_at_the_end_is_announced_with_the_next_number() -> None:
    events = CueEvents()
    events.update(analysis(2.0, count=2, cue="good rep"))
    rep = Rep(3, 4.0, 5.0, 6.0, 120, 150, 180, 1.0, 1.0, View.SIDE, {}, ())
    event = events.rep_closed(rep)
    assert (event.kind, event.rep, event.t_s) == (CueKind.REP, 3, 6.0)
    assert event.text == NOT_JUDGED_CUE  # no check ran: never called good
    events.reset_count()
    assert events.rep_closed(rep).rep == 1
