"""A set filmed from within its first descent: once the lifter's standing posture
is measured, the frames before it are counted again, so that first rep counts;
a clip that starts already hinged (the end of a rep) still does not."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hingecam.core.analysis import analyze_track
from hingecam.core.count_reread import EarlyFrames
from hingecam.core.datatypes import Exercise, Phase
from hingecam.core.faults import Fault
from hingecam.core.measures import Measures
from hingecam.core.poses import PoseTrack
from hingecam.core.thresholds import Thresholds
from tests.factories import HingeSet, Movement, Posture, hinge_set

TH = Thresholds()


def _from(hs: HingeSet, t0_s: float) -> PoseTrack:
    """The set's track from t0_s on, re-timed to start at 0."""
    tr = hs.track
    part = tr.select(np.flatnonzero(tr.t_s >= t0_s))
    return dataclasses.replace(part, t_s=part.t_s - part.t_s[0], meta=tr.meta)


# Standing with the trunk tipped 15 deg (hip 18 deg, as the 3D hip of a lifter
# seen from behind reads 29): 10 deg above the typical standing angle.
TIPPED = Movement(
    top=Posture(trunk_deg=15.0, knee_deg=5.0, shin_deg=2.0),
    bottom=Posture(trunk_deg=75.0, knee_deg=18.0, shin_deg=7.0),
)


@pytest.mark.parametrize("exercise", [Exercise.RDL, Exercise.GOOD_MORNING])
def test_a_clip_that_starts_within_the_first_descent_counts_that_rep(
    exercise: Exercise,
) -> None:
    hs = hinge_set(3, 30, pattern=TIPPED, stand_s=1.0, descent_s=1.2)
    first = hs.reps[0]
    hip = hs.truth["hip_flexion_deg"]
    # The clip begins at 42 deg on the way down: past the upright limit, so no
    # standing reference before the rep, yet within rep_enter_deg of the
    # lifter's own standing angle (18 deg).
    start = next(i for i in range(first.start_frame, len(hip)) if hip[i] >= 42.0)
    assert hip[start] > TH.setup_max_hip_flexion_deg
    result = analyze_track(_from(hs, float(hs.track.t_s[start])), exercise, TH)
    assert len(result.reps) == 3
    assert result.reps[0].start_frame <= 2
    # Built after calibration: judged against the lifter's own setup posture.
    lean_back = result.reps[0].check(Fault.LEAN_BACK)
    assert lean_back is not None and "no setup posture" not in lean_back.reason
    # The early frames' phases were rewritten to the rep they belong to.
    assert result.frame_phase[result.reps[0].bottom_frame] is not Phase.SETUP


def test_a_clip_that_starts_hinged_does_not_count_the_partial_rep() -> None:
    hs = hinge_set(3, 30, stand_s=1.0)
    first = hs.reps[0]
    track = _from(hs, first.bottom_s)  # starts at the bottom of rep 1
    result = analyze_track(track, Exercise.RDL, TH)
    assert len(result.reps) == 2


def _measures(hip_deg: float) -> Measures:
    return Measures(hip_flexion_deg=hip_deg, hip_flexion_3d_deg=hip_deg)


def test_early_frames_reread_against_the_lifters_own_standing_angle() -> None:
    # Standing at 30 deg (3D), well above the typical 8: a rep from 40 to 110
    # and back to 32 is an ordinary rep against 30, seen from its first frame.
    early = EarlyFrames(TH)
    hips = [40, 60, 90, 110, 90, 60, 40, 32, 31, 31, 31, 31, 31, 31, 31]
    for i, h in enumerate(hips):
        early.add(i, i, i * 0.1, _measures(float(h)), uses_2d=False)
    found = early.reread(_measures(30.0), from_floor=False)
    assert found.found_a_rep
    events = list(found.events)
    if not events:  # still settling at the lockout: the stream's end emits it
        flushed = found.segmenter.flush()
        assert flushed is not None
        events = [flushed]
    assert (events[0].start_frame, events[0].bottom_frame) == (0, 3)
    assert [p for _, p in found.phases][3] is Phase.BOTTOM


def test_early_frames_keep_at_most_rep_max_duration_s() -> None:
    early = EarlyFrames(TH)
    fps = 10.0
    n = int(TH.rep_max_duration_s * fps) + 50
    for i in range(n):
        early.add(i, i, i / fps, _measures(5.0), uses_2d=False)
    found = early.reread(_measures(5.0), from_floor=False)
    kept = np.array([pos for pos, _ in found.phases])
    assert kept[0] >= n - TH.rep_max_duration_s * fps - 1 and kept[-1] == n - 1


# A pull from standing whose lifter stands with the hip at 18 deg (trunk tipped).
DEEP_TIPPED = Movement(
    top=Posture(trunk_deg=15.0, knee_deg=5.0, shin_deg=2.0),
    bottom=Posture(trunk_deg=70.0, knee_deg=95.0, shin_deg=25.0),
)


@pytest.mark.parametrize("calibration_s", [0.3, 0.6])
def test_a_rep_counted_before_calibration_starts_where_the_lifters_posture_puts_it(
    calibration_s: float,
) -> None:
    """dbdeadlift_45deg_good_fbb_vk's shape: filmed from within the first descent
    of a deep pull at 45 deg. Before the lifter's posture is measured, a pull
    profile counts the first rep from where it passes rep_floor_start_deg over
    the typical posture; once measured, the early frames are read again. Whether
    the posture comes a moment before or after that rep ends (recorded video's
    zero-phase filter ends it before live's causal one; a longer calibration
    here) must not move the rep's start: both start it with the clip."""
    from hingecam.core.datatypes import View

    hs = hinge_set(3, 30, pattern=DEEP_TIPPED, stand_s=1.0, descent_s=1.2,
                   view=View.OBLIQUE, masks=False)  # fmt: skip
    hip = hs.truth["hip_flexion_deg"]
    first = hs.reps[0]
    start = next(i for i in range(first.start_frame, len(hip)) if hip[i] >= 36.0)
    assert hip[start] > TH.setup_max_hip_flexion_deg  # no standing before it
    th = TH.with_overrides({"setup_min_s": calibration_s}, "test")
    result = analyze_track(_from(hs, float(hs.track.t_s[start])), Exercise.DEADLIFT, th)
    assert len(result.reps) == 3
    assert result.reps[0].start_frame == 0
    # Read again against the lifter's own posture, it is not provisional.
    assert not [n for n in result.notes if "typical standing posture" in n]


def test_a_pull_from_the_floor_is_not_traded_for_the_next_rep_settling() -> None:
    """deadlift_45deg_mw's shape (10 fps, a fifth of the frames dropped): a
    first pull from the floor counted against the typical standing posture,
    the second rep back at standing and settling when the lifter's own
    posture is measured. The re-read cannot begin a pull from the floor and
    found only the second rep, settling: one against one, it replaced the
    first pull. Compared like with like (each count's ended reps and the one
    it is settling), both reps stay."""
    lifter = Movement(
        top=Posture(trunk_deg=20.0, knee_deg=5.0, shin_deg=2.0),
        bottom=Posture(trunk_deg=70.0, knee_deg=80.0, shin_deg=25.0),
    )
    hs = hinge_set(
        2,
        10.0,
        pattern=lifter,
        from_floor=True,
        top_hold_s=0.2,
        end_s=1.5,
        descent_s=0.6,
        ascent_s=0.6,
    )
    result = analyze_track(hs.track, Exercise.DEADLIFT, TH)
    assert [r.start_frame for r in result.reps] == [r.start_frame for r in hs.reps]
