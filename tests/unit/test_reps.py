"""RepSegmenter on hand-written per-frame hip flexion tables (10 fps, standing
reference 0 deg unless stated), with the rep events each table must produce.

Boundaries: a rep starts at the last frame of the standing plateau before the
descent, its bottom is the first frame of the deepest value, and it ends at the
first frame back on the standing plateau (the event itself comes a moment later,
once the lockout has settled, or from flush() at the end of the stream)."""

from __future__ import annotations

import math

import pytest

from hingecam.core.datatypes import Phase
from hingecam.core.rep_events import RepEvent
from hingecam.core.reps import RepSegmenter
from hingecam.core.thresholds import Thresholds

TH = Thresholds()
FPS = 10.0
NAN = math.nan
ENTER, EXIT, DEPTH = TH.rep_enter_deg, TH.rep_exit_deg, TH.rep_min_depth_deg

# One clean rep: last standing frame 1, crosses enter at frame 4, peaks at
# frame 6, back <= exit at frame 10 and on the standing plateau at frame 11.
CLEAN = [0, 0, 10, 20, 35, 50, 60, 50, 35, 20, 10, 0, 0]


def run(
    values: list[float],
    reference: float | None = 0.0,
    from_floor: bool = False,
    th: Thresholds = TH,
    nan_is_a_break: bool = False,
    nan_is_unseen: bool = False,
) -> tuple[list[RepEvent], list[Phase]]:
    """The events and per-frame phases of `values`; with `nan_is_a_break`, a
    NaN is the lifter leaving between sets (break_set, as the analyzer calls it
    once they have been unseen set_break_s); with `nan_is_unseen`, a frame
    without the lifter in view (else a reading missing with the lifter seen)."""
    seg = RepSegmenter(th, from_floor=from_floor)
    if reference is not None:
        seg.set_reference(reference)
    events, phases = [], []
    for i, v in enumerate(values):
        if nan_is_a_break and math.isnan(v):
            ev = seg.break_set()
        else:
            seen = not (nan_is_unseen and math.isnan(v))
            ev = seg.update(i, i / FPS, float(v), lifter_seen=seen)
        phases.append(seg.phase)
        if ev is not None:
            events.append(ev)
    ev = seg.flush()
    if ev is not None:
        events.append(ev)
    return events, phases


def frames_of(events: list[RepEvent]) -> list[tuple[int, int, int]]:
    return [(e.start_frame, e.bottom_frame, e.end_frame) for e in events]


def test_thresholds_used_by_these_tables_are_the_defaults_they_assume() -> None:
    # The tables below step across these limits; retune them if the defaults move.
    assert EXIT < 20 < ENTER < 35 and 40 < DEPTH < 50
    assert TH.rep_min_duration_s > 0.4 and TH.rep_max_duration_s < 20


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(CLEAN, [(1, 6, 11)], id="one_clean_rep"),
        pytest.param(
            [*CLEAN[:-1], 0, 0, 0, *CLEAN[1:]],
            [(1, 6, 11), (15, 20, 25)],
            id="two_reps_with_a_half_second_pause",
        ),
        pytest.param(
            CLEAN + CLEAN[1:],
            [(1, 6, 11), (13, 18, 23)],
            id="two_reps_with_a_short_pause",
        ),
        pytest.param(
            [0, 0, 28, 32, 28, 32, 29, 31, 45, 55, 60, 55, 45, 10, 0],
            [(1, 10, 14)],
            id="jitter_at_enter_on_the_way_down",
        ),
        pytest.param(
            [0, 0, 10, 35, 50, 60, 50, 35, 31, 29, 32, 28, 31, 29, 10, 0],
            [(1, 5, 15)],
            id="jitter_at_enter_on_the_way_up",
        ),
        pytest.param(
            [0, 0, 10, 35, 50, 60, 50, 35, 17, 19, 17, 19, 17, 0],
            [(1, 5, 8)],
            id="jitter_at_exit_after_the_rep",
        ),
        pytest.param(
            [0, 0, 10, 25, 35, 40, 35, 25, 10, 0, 0],
            [],
            id="shallow_excursion_below_min_depth",
        ),
        pytest.param(
            [0, 0, 10, 25, 35, 40, 35, 25, 10, 0, 0, *CLEAN[1:]],
            [(11, 16, 21)],
            id="shallow_excursion_then_a_rep",
        ),
        pytest.param(
            [0, 0, 40, 60, 40, 0, 0], [], id="cycle_shorter_than_min_duration"
        ),
        pytest.param(
            [0, 0] + [60] * 160 + [0], [], id="cycle_longer_than_max_duration"
        ),
        pytest.param(
            [0, 0, 10, 20, 35, NAN, NAN, 60, 50, 35, NAN, 10, 0],
            [(1, 7, 12)],
            id="nan_frames_inside_a_rep",
        ),
        pytest.param(
            [0, 0, NAN, NAN, 10, 20, 35, 50, 60, 50, 35, 20, 10, 0],
            [(1, 8, 13)],
            id="nan_frames_before_a_rep",
        ),
    ],
)
def test_hip_flexion_table_gives_expected_rep_events(values, expected) -> None:
    events, _ = run(values)
    assert frames_of(events) == expected


def test_jitter_near_enter_angle_counts_one_rep() -> None:
    wobble = [28, 32] * 10
    events, _ = run([0, 0, *wobble, 50, 60, 50, *wobble, 0, 0])
    assert len(events) == 1


def test_jitter_near_exit_angle_counts_one_rep() -> None:
    wobble = [17, 19] * 10
    events, _ = run([0, 0, 10, 35, 50, 60, 50, 35, *wobble, 0])
    assert len(events) == 1


def test_rep_event_times_and_peak_follow_the_frames() -> None:
    (ev,), _ = run(CLEAN)
    assert (ev.start_s, ev.bottom_s, ev.end_s) == pytest.approx((0.1, 0.6, 1.1))
    assert ev.peak_deg == pytest.approx(60.0)
    # The peak is reported above the standing reference.
    (ev,), _ = run([v + 4 for v in CLEAN], reference=4.0)
    assert ev.peak_deg == pytest.approx(60.0)


def test_angles_are_relative_to_the_standing_reference() -> None:
    # Standing at 20 deg: the same rep shifted up by 20 still counts once ...
    events, _ = run([v + 20 for v in CLEAN], reference=20.0)
    assert frames_of(events) == [(1, 6, 11)]
    # ... and read against a 0 deg reference it never returns to standing.
    events, _ = run([v + 20 for v in CLEAN], reference=0.0)
    assert events == []


def test_phases_through_one_rep() -> None:
    _, phases = run(CLEAN)
    S, D, B, A = Phase.STANDING, Phase.DESCENT, Phase.BOTTOM, Phase.ASCENT
    assert phases == [S, S, S, S, D, B, B, A, A, A, S, S, S]


def test_without_reference_or_from_floor_it_stays_in_setup() -> None:
    events, phases = run(CLEAN * 2, reference=None)
    assert events == []
    assert set(phases) == {Phase.SETUP}


def test_from_floor_counts_the_first_ascent_from_a_deep_start() -> None:
    start = TH.standing_hip_default_deg + TH.rep_floor_start_deg + 10
    values = [start, start, start, 90, 60, 30, 10, 5, 5]
    events, phases = run(values, reference=None, from_floor=True)
    assert frames_of(events) == [(0, 0, 7)]  # back down to 5 deg at frame 7
    assert phases[0] is Phase.BOTTOM and phases[-1] is Phase.STANDING


def test_without_from_floor_an_ascent_from_a_deep_start_is_not_a_rep() -> None:
    start = TH.standing_hip_default_deg + TH.rep_floor_start_deg + 10
    values = [start, start, start, 90, 60, 30, 10, 5, 5]
    events, _ = run(values, reference=None, from_floor=False)
    assert events == []


def test_from_floor_starts_only_with_the_hands_down_at_the_load() -> None:
    # The same deep start and ascent with the hands held high (a goblet squat
    # or a good morning filmed from its bottom): no pull from the floor.
    start = TH.standing_hip_default_deg + TH.rep_floor_start_deg + 10
    values = [start, start, start, 90, 60, 30, 10, 5, 5]
    for hands_low, reps in ((False, 0), (True, 1)):
        seg = RepSegmenter(TH, from_floor=True)
        events = [
            seg.update(i, i / FPS, float(v), hands_low=hands_low)
            for i, v in enumerate(values)
        ]
        events.append(seg.flush())
        assert len([e for e in events if e is not None]) == reps


def test_from_floor_needs_a_deep_enough_first_frame() -> None:
    shallow = TH.standing_hip_default_deg + TH.rep_floor_start_deg - 10
    events, _ = run(
        [shallow, shallow, 30, 10, 5, 5, 5], reference=None, from_floor=True
    )
    assert events == []


def test_from_floor_counts_later_reps_from_standing() -> None:
    start = TH.standing_hip_default_deg + TH.rep_floor_start_deg + 10
    values = [start, start, start, 80, 60, 30, 8, 8, 8] + [v + 8 for v in CLEAN[1:]]
    events, _ = run(values, reference=None, from_floor=True)
    assert len(events) == 2


def test_nan_input_returns_no_event_and_keeps_the_phase() -> None:
    seg = RepSegmenter(TH)
    seg.set_reference(0.0)
    for i, v in enumerate([0, 10, 35, 50]):
        seg.update(i, i / FPS, v)
    phase = seg.phase
    assert seg.update(4, 0.4, NAN) is None
    assert seg.phase is phase


def test_custom_thresholds_change_what_counts_as_a_rep() -> None:
    deeper = Thresholds(rep_enter_deg=50.0, rep_exit_deg=40.0, rep_min_depth_deg=65.0)
    assert frames_of(run(CLEAN)[0]) == [(1, 6, 11)]
    assert run(CLEAN, th=deeper)[0] == []  # peak 60 < 65
    slower = Thresholds(rep_min_duration_s=1.5)
    assert run(CLEAN, th=slower)[0] == []  # 1.0 s < 1.5 s


def test_the_event_comes_once_the_lockout_has_settled() -> None:
    seg = RepSegmenter(TH)
    seg.set_reference(0.0)
    emitted_at = [
        i
        for i, v in enumerate([*CLEAN, 0, 0, 0])
        if seg.update(i, i / FPS, v) is not None
    ]
    # Back on the plateau at frame 11; still there 0.25 s or so later.
    assert len(emitted_at) == 1 and 11 < emitted_at[0] <= 11 + 4
    assert seg.flush() is None


def test_flush_emits_a_rep_that_ended_on_the_last_frames() -> None:
    seg = RepSegmenter(TH)
    seg.set_reference(0.0)
    assert all(seg.update(i, i / FPS, v) is None for i, v in enumerate(CLEAN))
    ev = seg.flush()
    assert ev is not None and ev.end_frame == 11


def test_reset_keeps_the_calibration_so_reps_count_again() -> None:
    seg = RepSegmenter(TH)
    seg.set_reference(0.0)
    seg.reset()
    events = [seg.update(i, i / FPS, float(v)) for i, v in enumerate(CLEAN)]
    events.append(seg.flush())
    assert sum(e is not None for e in events) == 1


def run_two(
    first: list[float], second: list[float]
) -> tuple[list[RepEvent], list[Phase]]:
    seg = RepSegmenter(TH)
    seg.set_reference(0.0)
    events, phases = [], []
    for i, (a, b) in enumerate(zip(first, second, strict=True)):
        ev = seg.update(i, i / FPS, float(a), float(b))
        phases.append(seg.phase)
        events.append(ev)
    events.append(seg.flush())
    return [e for e in events if e is not None], phases


def test_a_lockout_only_the_second_reading_sees_ends_the_rep() -> None:
    # The first reading stays bent at the lockout (a misplaced knee); the second
    # one returns to standing, so the rep ends there.
    first = [0, 0, 10, 20, 35, 50, 60, 50, 40, 40, 40, 40, 40]
    second = [0, 0, 10, 20, 35, 50, 60, 50, 35, 20, 10, 0, 0]
    events, _ = run_two(first, second)
    assert len(events) == 1 and events[0].end_frame == 10
    assert run(first)[0] == []  # the first reading alone never ends it


def test_a_second_reading_lagging_on_the_way_down_does_not_cut_the_descent() -> None:
    # The second reading is still 'standing' as the first crosses enter: the
    # descent goes on, and the rep starts on the first reading's plateau.
    lagging = [0, 0, 0, 5, 10, 35, 60, 50, 35, 20, 10, 0, 0]
    events, _ = run_two(CLEAN, lagging)
    assert frames_of(events) == [(1, 6, 11)]


def test_a_dip_of_the_second_reading_at_the_bottom_does_not_split_the_rep() -> None:
    # The second reading drops to 'standing' for two frames while the first
    # one is still at its deepest: one rep, ended by both at the real lockout.
    first = [0, 0, 10, 20, 35, 50, 60, 60, 60, 50, 35, 20, 10, 0, 0]
    second = [0, 0, 10, 20, 35, 50, 10, 10, 60, 50, 35, 20, 10, 0, 0]
    events, _ = run_two(first, second)
    assert frames_of(events) == [(1, 6, 13)]


def test_a_first_reading_bent_at_the_lockout_that_recovers_counts_one_rep() -> None:
    # The first reading stays at 50 for a while after the lockout (a misplaced
    # knee), then recovers; the second one stood all along: no second rep.
    first = [0, 0, 10, 20, 35, 50, 60, 50, 50, 50, 50, 50, 50, 50, 10, 0, 0, 0, 0]
    second = [0, 0, 10, 20, 35, 50, 60, 50, 35, 10, 5, 5, 5, 5, 5, 0, 0, 0, 0]
    events, _ = run_two(first, second)
    assert len(events) == 1 and events[0].end_frame == 9


def run_three(
    first: list[float], second: list[float], trunk: list[float], from_floor: bool
) -> list[RepEvent]:
    seg = RepSegmenter(TH, from_floor=from_floor)
    events = []
    for i, (a, b, c) in enumerate(zip(first, second, trunk, strict=True)):
        events.append(seg.update(i, i / FPS, float(a), float(b), float(c)))
    events.append(seg.flush())
    return [e for e in events if e is not None]


def test_a_pull_whose_hip_readings_stay_bent_ends_at_the_trunks_lockout() -> None:
    """deadlift_side_unsure_mv_bad08's shape: a pull from the floor, the plates
    hiding the near knee, so both hip readings stay bent at the top (2D ~100,
    3D ~50 deg) while the trunk goes from 78 deg to vertical and back."""
    hip2d = [133, 133, 130, 120, 100, 80, 100, 100, 100, 100, 100, 120, 133, 133]
    hip3d = [134, 134, 132, 120, 90, 60, 50, 50, 50, 50, 50, 90, 130, 134]
    trunk = [78, 78, 80, 70, 45, 20, 5, 0, 0, 0, 5, 40, 75, 78]
    events = run_three(hip2d, hip3d, trunk, from_floor=True)
    assert len(events) == 1 and events[0].start_frame == 0
    assert run_two(hip2d, hip3d)[0] == []  # the hip readings alone count nothing


def test_a_top_read_by_the_trunk_alone_starts_no_descent_while_it_stands() -> None:
    """deadlift_side_unsure_mv_bad03 at half speed (scripts/eval_transforms.py
    `slow2`): the 2D hip reads 100 deg at the lockout, the 3D hip ~45, and only
    the trunk reads upright; both hip readings then come down slowly while the
    trunk stays vertical. A descent started at once from the hips still bent
    made a second rep of that (with a squat flag); one pull, one rep."""
    hip2d = [133, 133, 130, 110, 80, 60, 55, 75, 95, 105, 104, 95, 82, 72]
    hip2d += [68, 64, 60, 60, 52, 50, 48, 42, 38, 39, 38, 36, 35, 35]
    hip3d = [134, 134, 132, 110, 85, 66, 55, 57, 64, 63, 53, 50, 45, 39]
    hip3d += [36, 35, 38, 43, 43, 33, 32, 29, 23, 21, 23, 22, 21, 21]
    trunk = [78, 78, 80, 70, 48, 44, 39, 31, 25, 19, 16, 12, 7, 5]
    trunk += [3, 0, -3, -5, -6, -6, -6, -5, -4, -3, -3, -2, -2, -2]
    events = run_three(hip2d, hip3d, trunk, from_floor=True)
    assert len(events) == 1 and events[0].start_frame == 0
    assert events[0].end_frame >= trunk.index(16)  # the trunk within rep_exit_deg


def test_after_a_top_read_by_the_trunk_the_next_rep_still_counts() -> None:
    """The same top, then a second pull: the trunk leans again, a descent."""
    top = [133, 133, 130, 110, 80, 60, 55, 75, 95, 105, 104, 95, 82, 72]
    top3d = [134, 134, 132, 110, 85, 66, 55, 57, 64, 63, 53, 50, 45, 39]
    trunk = [78, 78, 80, 70, 48, 44, 39, 31, 25, 19, 16, 12, 7, 5]
    down = [72, 80, 95, 110, 125, 133, 133, 120, 90, 60, 55, 75, 100, 104]
    down3d = [39, 50, 70, 95, 120, 134, 134, 120, 90, 66, 55, 57, 63, 53]
    lean = [5, 15, 35, 55, 70, 78, 78, 70, 45, 39, 31, 25, 16, 12]
    events = run_three(top + down, top3d + down3d, trunk + lean, from_floor=True)
    assert len(events) == 2


def test_a_trunk_that_never_hinged_cannot_end_a_rep() -> None:
    """A squat keeps the trunk fairly upright (here 25 deg at the bottom, under
    rep_min_depth_deg): its uprightness mid-ascent is no lockout."""
    hip = [0, 0, 10, 20, 35, 50, 80, 90, 80, 60, 45, 30, 15, 0, 0]
    trunk = [0, 0, 5, 10, 15, 20, 25, 25, 20, 10, 5, 5, 0, 0, 0]
    seg = RepSegmenter(TH)
    seg.set_reference(0.0)
    events = []
    for i, (a, c) in enumerate(zip(hip, trunk, strict=True)):
        events.append(seg.update(i, i / FPS, float(a), NAN, float(c)))
    events.append(seg.flush())
    found = [e for e in events if e is not None]
    assert frames_of(found) == frames_of(run(hip)[0])  # as without the trunk


# A single pulled from the floor as filmed on a phone (10 fps): the lifter stands,
# bends to the bar (frames 2-5), sets up still for SETUP_S (small adjustments
# within twice the bottom band), pulls (the last set-up frame is the pull's start),
# holds the lockout, puts the bar down and stands up again.
SETUP_S = TH.rep_setup_s + 1.0
HOLD_S = TH.rep_putdown_hold_s + 1.0


def _single(setup_s: float, hold_s: float, regrip_s: float = 0.0) -> list[float]:
    approach = [0, 0, 30, 60, 85, 90]
    setup = [90 + (3 if i % 4 == 0 else -2) for i in range(int(setup_s * FPS))]
    pull = [80, 60, 40, 20, 5, 0]
    hold = [0] * int(hold_s * FPS)
    putdown = [30, 70, 90] + [90] * int(regrip_s * FPS) + [60, 30, 10, 0, 0, 0]
    return approach + setup + pull + hold + putdown


def test_a_set_up_held_at_the_bar_is_not_the_bottom_of_the_pull() -> None:
    values = _single(SETUP_S, hold_s=0.5)[:-9]  # ends at the lockout
    events, _ = run(values, from_floor=True)
    pull_start = 6 + int(SETUP_S * FPS) - 1  # the last set-up frame
    assert len(events) == 1
    assert pull_start - 1 <= events[0].start_frame <= pull_start
    assert events[0].bottom_frame >= pull_start - 1
    # Without from_floor (an RDL, a good morning) a long pause stays in the rep.
    events, _ = run(values, from_floor=False)
    assert [e.start_frame for e in events] == [1]


def test_a_short_pause_at_the_bottom_stays_in_the_rep() -> None:
    values = _single(TH.rep_setup_s - 1.5, hold_s=0.5)[:-9]
    events, _ = run(values, from_floor=True)
    assert [e.start_frame for e in events] == [1]


def test_putting_the_bar_down_after_a_held_lockout_is_not_a_second_rep() -> None:
    events, _ = run(_single(SETUP_S, HOLD_S), from_floor=True)
    assert len(events) == 1
    # A lockout held briefly is a set going on: the next cycle is a rep.
    events, _ = run(_single(SETUP_S, hold_s=1.0), from_floor=True)
    assert len(events) == 2
    # After a held lockout, a new set-up at the bar and a pull is a rep.
    regrip = TH.rep_regrip_s + 0.5
    events, _ = run(_single(SETUP_S, HOLD_S, regrip_s=regrip), from_floor=True)
    assert len(events) == 2
    # Without from_floor every down-up cycle is a rep.
    events, _ = run(_single(SETUP_S, HOLD_S), from_floor=False)
    assert len(events) == 2


@pytest.mark.parametrize("reference", [None, 0.0])
def test_a_single_filmed_from_within_its_set_up_is_one_rep(reference) -> None:
    # The phone started 2 s before the pull: the set-up is seen held still for
    # less than rep_setup_s, but for more than a grip and a brace
    # (rep_regrip_s), so the bar put down after the held lockout is no second
    # rep. With or without a (typical) standing reference to count against.
    values = _single(SETUP_S, HOLD_S)
    pull_start = 6 + int(SETUP_S * FPS) - 1
    seen = values[pull_start - int(2.0 * FPS) :]
    events, _ = run(seen, reference=reference, from_floor=True)
    assert len(events) == 1
    # Begun at the bar without holding still there (the pull itself filmed
    # from its first frame), it may be one rep of a set: a later descent after
    # a rest at the top still counts (tests/unit/test_analysis.py).
    events, _ = run(values[pull_start:], reference=reference, from_floor=True)
    assert len(events) == 2


def test_resting_at_the_top_between_reps_begun_without_a_set_up_is_no_put_down() -> (
    None
):
    # Touch-and-go reps from standing (a hinge drill, kettlebell deadlifts,
    # live practice reading the last rep's cue) with the lifter standing
    # HOLD_S between them: every rep counts, from the floor or not.
    rest = [0] * int(HOLD_S * FPS)
    values = rest + (CLEAN + rest) * 3
    for from_floor in (False, True):
        events, _ = run(values, from_floor=from_floor)
        assert len(events) == 3, from_floor


def test_after_a_put_down_a_rep_without_a_set_up_counts() -> None:
    # A single: set-up, pull, held lockout, the bar put down and the lifter
    # standing up (no rep); then, after standing HOLD_S again, a quick down-up
    # rep. The put-down ends the singles: that rep counts.
    values = _single(SETUP_S, HOLD_S) + [0] * int(HOLD_S * FPS) + CLEAN
    events, _ = run(values, from_floor=True)
    assert len(events) == 2
    assert events[1].start_frame > len(_single(SETUP_S, HOLD_S))


def test_the_set_up_and_the_put_down_are_kept_for_the_report() -> None:
    seg = RepSegmenter(TH, from_floor=True)
    seg.set_reference(0.0)
    values = _single(SETUP_S, HOLD_S)
    for i, v in enumerate(values):
        seg.update(i, i / FPS, float(v))
    seg.flush()
    setup, put_down = seg.at_the_bar
    pull_start = (6 + int(SETUP_S * FPS) - 1) / FPS
    assert setup.kind == "set-up"
    assert setup.end_s == pytest.approx(pull_start, abs=0.11)
    assert setup.held_s == pytest.approx(SETUP_S, abs=0.3)
    assert put_down.kind == "put-down"
    assert put_down.held_s == pytest.approx(HOLD_S, abs=0.3)

    from hingecam.core.notes import at_the_bar_note

    assert "was the set-up, not part of the rep" in at_the_bar_note(setup)
    assert at_the_bar_note(put_down).startswith("not a rep: at ")


def _with_break(
    first: list[float], second: list[float], from_floor: bool
) -> tuple[list[RepEvent], list[Phase]]:
    """`first`, then the lifter gone, then `second`, frames numbered on."""
    return run([*first, NAN, *second], from_floor=from_floor, nan_is_a_break=True)


# A pull from the floor and the bar put down again: the recording's last
# frames before the lifter walks off.
PUT_DOWN = [0, 0, 10, 30, 50, 70, 90, 90, 90]
# The second set begins at the bar: the pull from the floor.
AT_THE_BAR = [90, 90, 90, 70, 50, 30, 10, 0, 0, 0]


def test_after_a_break_the_next_set_starts_at_the_bar_and_the_put_down_is_dropped() -> (
    None
):
    # Before: the put-down's cycle stayed open through the rest and the next
    # set's pull closed it, a "rep" longer than rep_max_duration_s with a long
    # rest, dropped: the second set's first pull was lost.
    events, phases = _with_break(CLEAN + PUT_DOWN, AT_THE_BAR, from_floor=True)
    start = len(CLEAN + PUT_DOWN) + 1
    assert [(e.start_frame, e.end_frame) for e in events] == [
        (1, 11),
        (start, start + 7),
    ]
    assert phases[len(CLEAN + PUT_DOWN)] is Phase.SETUP


def test_a_rep_finished_before_a_break_is_counted_when_the_lifter_leaves() -> None:
    seg = RepSegmenter(TH)
    seg.set_reference(0.0)
    for i, v in enumerate(CLEAN[:-1]):  # back at standing, still settling
        assert seg.update(i, i / FPS, float(v)) is None
    event = seg.break_set()
    assert event is not None and (event.start_frame, event.end_frame) == (1, 11)


@pytest.mark.parametrize(
    ("second", "reps"),
    [
        # Walked back in standing, then a rep: counted.
        ([0, 0, *CLEAN], 1),
        # A set filmed from within its first descent (at most rep_enter_deg
        # down): counted from the return.
        ([ENTER - 5, 40, 50, 60, 50, 35, 20, 10, 0, 0], 1),
        # Seen already bent (picking the dowel up) and standing up: no rep,
        # as at a recording's start.
        ([80, 70, 60, 50, 35, 20, 10, 0, 0], 0),
    ],
)
def test_after_a_break_a_set_from_standing_counts_from_the_first_upright_frames(
    second: list[float], reps: int
) -> None:
    events, _ = _with_break(CLEAN, second, from_floor=False)
    assert len(events) == 1 + reps


# A rep rising into a stretch with nobody in view (0.6 s at 10 fps, more than
# smooth_max_gap_s) and the next one going down out of it: its top was hidden.
RISING_INTO_A_DROPOUT = [0, 0, 10, 20, 35, 50, 60, 50, 40]
GOING_DOWN_OUT_OF_IT = [32, 40, 50, 60, 50, 35, 20, 10, 0, 0]


def test_a_top_passed_out_of_view_ends_the_rep_where_the_lifter_is_seen_again() -> None:
    assert 6 / FPS > TH.smooth_max_gap_s
    values = [*RISING_INTO_A_DROPOUT, *[NAN] * 6, *GOING_DOWN_OUT_OF_IT]
    events, _ = run(values, nan_is_unseen=True)
    back = len(RISING_INTO_A_DROPOUT) + 6
    assert frames_of(events) == [(1, 6, back), (back, back + 3, back + 8)]
    # The lifter in view all along, the hip unread (a knee behind the plates):
    # nothing says a lockout happened there; one rep, as seen.
    assert len(run(values)[0]) == 1


# The same, but the next rep comes back into view deeper than this one's
# bottom (someone walked past the top and the start of the next descent): seen
# rising past rep_min_depth_deg into the stretch, the lifter was out of the
# bottom on that side of it.
RISING_PAST_DEPTH = [0, 0, 10, 20, 35, 50, 60, 50, 40, 30]
BACK_DEEPER = [65, 70, 60, 45, 30, 15, 0, 0]


def test_a_top_passed_out_of_view_is_found_from_the_side_before_it() -> None:
    assert RISING_PAST_DEPTH[-1] < DEPTH < max(RISING_PAST_DEPTH) < BACK_DEEPER[0]
    values = [*RISING_PAST_DEPTH, *[NAN] * 6, *BACK_DEEPER]
    events, _ = run(values, nan_is_unseen=True)
    back = len(RISING_PAST_DEPTH) + 6
    # The first rep keeps its own bottom (frame 6), not the deeper frame seen
    # again, which starts the second.
    assert frames_of(events) == [(1, 6, back), (back, back + 1, back + 6)]


def test_a_rep_back_at_standing_before_a_dropout_is_not_split_after_it() -> None:
    # Back within rep_exit_deg before the stretch, seen again deep going down:
    # the first rep ends at its own lockout and the second starts from the last
    # upright moment seen; no third rep made of the stretch itself.
    first = [0, 0, 10, 20, 35, 50, 60, 50, 35, 15, 10]
    values = [*first, *[NAN] * 6, 60, 70, 60, 45, 30, 15, 0, 0]
    events, _ = run(values, nan_is_unseen=True)
    assert len(events) == 2
    assert events[0].end_frame <= events[1].start_frame < len(first)


def test_a_bounce_at_the_bottom_around_a_dropout_is_one_rep() -> None:
    # Rising a little out of the bottom but still deeper than a rep's minimum
    # depth when lost from view, and deeper again when seen: no top was
    # passed, one rep.
    values = [0, 0, 10, 20, 35, 50, 60, 55, *[NAN] * 6, 62, 65, 50, 35, 15, 0, 0]
    assert 55 >= DEPTH
    events, _ = run(values, nan_is_unseen=True)
    assert len(events) == 1


def test_without_the_dropout_the_same_readings_are_one_rep() -> None:
    # Seen all the way, the lifter came up to 32 deg and went down again: no
    # lockout in between, one rep.
    events, _ = run([*RISING_INTO_A_DROPOUT, *GOING_DOWN_OUT_OF_IT])
    assert len(events) == 1


def test_a_dropout_at_a_shallow_bottom_is_no_rep_and_no_split() -> None:
    # Nobody in view across the bottom of a descent that never reached
    # rep_min_depth_deg where it was seen: not counted, as a shallow bob.
    values = [0, 0, 10, 20, 35, 40, *[NAN] * 6, 40, 35, 20, 10, 0, 0]
    events, _ = run(values, nan_is_unseen=True)
    assert events == []
