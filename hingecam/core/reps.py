"""Rep segmentation: smoothed hip flexion, frame by frame -> phases and rep events.

A hysteresis state machine on hip flexion relative to the lifter's standing
posture. Hip flexion, not trunk lean, drives it so that a squatted rep (upright
trunk, deep hips) is still counted, and then judged as a squat pattern. The
analyzer feeds the 3D hip angle from the world landmarks, which reads the same
from any camera view.
"""

from __future__ import annotations

import math
from collections import deque

from hingecam.core.datatypes import Phase
from hingecam.core.rep_events import AtTheBar, Reappearance, RepEvent
from hingecam.core.thresholds import Thresholds


class RepSegmenter:
    """Counts reps from hip flexion with enter/exit hysteresis.

    States: SETUP until the lifter has stood still once (or, with `from_floor`,
    until the lifter is seen deep enough to be at the bar on the floor), then
    STANDING -> DESCENT -> BOTTOM -> ASCENT -> STANDING. A rep is emitted when the
    lifter returns to standing after a deep enough bottom, within the duration
    limits. Excursions that are too shallow, too quick or too long are dropped
    silently.

    With `from_floor`, two moments at the bar are not the rep's: holding still at
    the bottom for rep_setup_s is the set-up, so the rep starts again where the
    pull leaves it; and in a set of singles (the last rep pulled after such a
    set-up, or begun at the bar as the recording began and held still there
    for rep_regrip_s: the set-up's end) the descent after a lockout held
    rep_putdown_hold_s puts the bar down, a rep only if the lifter then holds
    still at the bottom for rep_regrip_s (a new set-up), not when they let go
    and stand up. Reps begun
    without a set-up (a set from standing, touch-and-go, a hinge drill) stay
    reps however long the lifter stands between them: resting at the top,
    reading the last rep's cue, is no put-down.

    Frames without the lifter in view (`lifter_seen`): a deep cycle the
    lifter rose into such a stretch longer than smooth_max_gap_s and goes down
    out of passed its top unseen (someone walked past the camera) when either
    side of the stretch was out of the bottom: seen again shallower than its
    bottom band, or last seen before it shallower than rep_min_depth_deg; the
    rep ends where the lifter is seen again. A lifter gone set_break_s has
    left between sets (break_set).

    Args:
        thresholds: rep_enter_deg, rep_exit_deg, rep_min_depth_deg,
            rep_min_duration_s, rep_max_duration_s.
        from_floor: a rep may begin at the bottom (a deadlift's first pull):
            an ascent counts before any standing when it starts at least
            rep_floor_start_deg deep.
    """

    def __init__(self, thresholds: Thresholds, from_floor: bool = False) -> None:
        self.th = thresholds
        self.from_floor = from_floor
        self.reference_deg = math.nan
        self.at_the_bar: list[AtTheBar] = []  # what the rules above left out
        self.reset()

    def reset(self) -> None:
        """Forget the current cycle; the reference posture (if any) is kept."""
        self.phase = (
            Phase.STANDING if math.isfinite(self.reference_deg) else Phase.SETUP
        )
        self._start: tuple[int, float] | None = None
        self._recent: deque[tuple[int, float, float]] = deque()
        self._peak: tuple[int, float, float] = (-1, math.nan, -math.inf)
        self._settle: tuple[int, float, float] | None = None
        self._second_left = False
        self._trunk_left = False
        # The last rep's top was read by the trunk alone, the hip still bent
        # past rep_enter_deg: until the hip reads standing, the trunk must lean
        # again for a descent.
        self._top_by_trunk = False
        self._still: tuple[float, float, float] | None = None  # since s, lo, hi deg
        self._still_s = 0.0  # longest hold at depth in this cycle
        self._setup_from_s = math.nan  # a set-up's first still moment, this cycle
        self._began_at_bar = False  # this cycle began at the bottom
        self._after_hold = False
        self._lockout_s = math.nan  # end of the last rep counted
        self._singles = False  # that rep was pulled after a set-up at the bar
        self._last: tuple[float, float, float] | None = None  # t_s, rel, slope
        # Seen again after a stretch unseen; the frame after it reads it
        # (_top_hidden), when its own slope is known.
        self._reappeared: Reappearance | None = None
        self._after_reappearing: Reappearance | None = None
        self._away_from = math.nan  # when the lifter was last lost from view
        self._away_s = 0.0  # how long they were out of view, since the last reading

    def set_reference(self, standing_hip_deg: float) -> None:
        """The lifter's standing hip flexion (from calibration).

        Angles seen before it were on another scale, so the lookback for the
        next descent's start begins again."""
        self.reference_deg = standing_hip_deg
        self._recent.clear()
        if self.phase is Phase.SETUP:
            self.phase = Phase.STANDING

    def _ref(self) -> float:
        return (
            self.reference_deg
            if math.isfinite(self.reference_deg)
            else self.th.standing_hip_default_deg
        )

    def update(
        self,
        frame: int,
        t_s: float,
        hip_flexion_deg: float,
        second_deg: float = math.nan,
        trunk_lean_deg: float = math.nan,
        hands_low: bool = True,
        lifter_seen: bool = True,
    ) -> RepEvent | None:
        """Advance one frame; returns a RepEvent when a rep has just ended.

        Args:
            frame, t_s: the frame's index and time.
            hip_flexion_deg: the hip angle that counts (NaN: frame skipped).
            second_deg: another reading of the same hip angle (NaN if none):
                once it too has left standing in this cycle (past rep_enter_deg:
                its own hysteresis, so a reading that lags on the way down cannot
                cut the descent short), the lifter is back at standing on the
                way up when either reading is within rep_exit_deg, and a
                descent starts only once both have passed rep_enter_deg;
                everything else follows hip_flexion_deg.
            trunk_lean_deg: the trunk's lean beyond standing (NaN if unseen):
                once it has leaned past rep_min_depth_deg in this cycle (a
                real hinge), its return within rep_exit_deg is a third reading
                of the lockout on the way up, for a hip read wrong at the top;
                after a top it alone read (the hip still past rep_enter_deg),
                the next descent needs it past rep_enter_deg again.
            hands_low: the hands are not seen held high (above the knees by
                more than recognise_pull_max_hands_norm): before the lifter has
                stood, only a pull with the hands down at the load starts a rep
                from the floor; a squat or a good morning filmed from its bottom,
                the load at the chest or on the back, does not.
            lifter_seen: the lifter is in view (a reading can be missing with
                the lifter seen: a knee behind the plates); see _top_hidden.
        """
        self._note_presence(t_s, lifter_seen)
        if not math.isfinite(hip_flexion_deg):
            return None
        rel = hip_flexion_deg - self._ref()
        second_rel = second_deg - self._ref()  # NaN compares False below
        th = self.th
        self._follow(frame, t_s, rel)

        if self.phase is Phase.SETUP:
            # Before the lifter has ever stood, only a deadlift's pull from the
            # floor can start a rep: walking in and bending to the bar are not reps.
            if self.from_floor and hands_low and rel >= th.rep_floor_start_deg:
                self._begin_cycle(
                    (frame, t_s), (frame, t_s, rel), Phase.BOTTOM, at_bar=True
                )
            elif math.isfinite(self.reference_deg) and rel <= th.rep_enter_deg:
                # Back after a break between sets and seen no deeper than a
                # descent's start: the next descent is a rep. A return seen
                # already bent (picking the load up, a pull begun out of view)
                # is not one.
                self.phase = Phase.STANDING
                self._recent.append((frame, t_s, hip_flexion_deg))
            return None

        if self.phase is Phase.STANDING:
            return self._standing(
                frame, t_s, rel, hip_flexion_deg, second_rel, trunk_lean_deg
            )

        # In a cycle: DESCENT, BOTTOM or ASCENT.
        top = self._top_hidden(frame, t_s, rel)
        if top is not None:
            return top
        self._in_cycle(frame, t_s, rel, hip_flexion_deg, second_rel, trunk_lean_deg)
        return None

    def _standing(
        self,
        frame: int,
        t_s: float,
        rel: float,
        hip_flexion_deg: float,
        second_rel: float,
        trunk_lean_deg: float,
    ) -> RepEvent | None:
        """One frame at STANDING: the last rep settling to its lockout, then
        the next descent's start (see update)."""
        th = self.th
        event = None
        if rel <= th.rep_enter_deg:
            self._top_by_trunk = False
        if self._settle is not None:
            event = self._settling(frame, t_s, rel)
            if self._settle is not None:
                # Still settling: keep the frame as a candidate start for the
                # next descent (a short pause at the top).
                self._recent.append((frame, t_s, hip_flexion_deg))
        if self._settle is None:
            self._recent.append((frame, t_s, hip_flexion_deg))
            while self._recent and self._recent[0][1] < t_s - th.rep_start_lookback_s:
                self._recent.popleft()
            # Both readings must have left standing (NaN compares False):
            # a first reading bent by a landmark error while the second
            # still stands is no descent; nor one that never read the
            # last top, while the trunk that read it stays upright.
            trunk_stands = self._top_by_trunk and not (
                trunk_lean_deg > th.rep_enter_deg
            )
            if (
                rel > th.rep_enter_deg
                and not second_rel <= th.rep_enter_deg
                and not trunk_stands
            ):
                # The descent starts at the last moment the lifter was as
                # upright as in the last rep_start_lookback_s (within rep_start_tol_deg).
                low = min(r[2] for r in self._recent)
                start = next(
                    r
                    for r in reversed(self._recent)
                    if r[2] <= low + th.rep_start_tol_deg
                )
                self._recent.clear()
                self._begin_cycle(
                    (start[0], start[1]),
                    (frame, t_s, rel),
                    Phase.DESCENT,
                    at_bar=start[2] - self._ref() >= th.rep_floor_start_deg,
                )
        return event

    def _begin_cycle(
        self,
        start: tuple[int, float],
        peak: tuple[int, float, float],
        phase: Phase,
        at_bar: bool = False,
    ) -> None:
        """A down-up cycle from `start`; `at_bar`: it begins at the bottom (the
        recording began with the lifter at the bar)."""
        self._start = start
        self._began_at_bar = at_bar
        self._peak = peak
        self._second_left = False
        self._trunk_left = False
        self._still = None
        self._still_s = 0.0
        self._setup_from_s = math.nan
        self._after_hold = (
            self.from_floor
            and self._singles
            and start[1] - self._lockout_s >= self.th.rep_putdown_hold_s
        )
        self.phase = phase

    def _hold_at_bottom(self, frame: int, t_s: float, rel: float) -> None:
        """Track holding still at depth: the hip staying within a span of twice
        rep_bottom_band_deg (a set-up's small adjustments, wedging in and taking
        the slack out, move it that much). A hold of rep_setup_s in a pull from
        the floor is the set-up, so the rep starts again here."""
        th = self.th
        if rel < th.rep_min_depth_deg:
            self._still = None
            return
        lo, hi = (rel, rel) if self._still is None else self._still[1:]
        lo, hi = min(lo, rel), max(hi, rel)
        if self._still is None or hi - lo > 2 * th.rep_bottom_band_deg:
            self._still = (t_s, rel, rel)
            return
        self._still = (self._still[0], lo, hi)
        held = t_s - self._still[0]
        self._still_s = max(self._still_s, held)
        if self.from_floor and held >= th.rep_setup_s:
            self._start = (frame, t_s)
            self._peak = (frame, t_s, rel)
            self._setup_from_s = self._still[0]

    def _note_presence(self, t_s: float, lifter_seen: bool) -> None:
        """How long the lifter was out of view, once seen again."""
        if not lifter_seen:
            if not math.isfinite(self._away_from):
                self._away_from = t_s
        elif math.isfinite(self._away_from):
            self._away_s = max(self._away_s, t_s - self._away_from)
            self._away_from = math.nan

    def _follow(self, frame: int, t_s: float, rel: float) -> None:
        """Keep the last reading and its slope, and a reappearance after the
        lifter was out of view longer than the smoothing bridges, for the next
        frame."""
        last, away = self._last, self._away_s
        self._away_s = 0.0
        gap = self.th.smooth_max_gap_s
        gone = last is not None and t_s - last[0] > gap and away > gap
        self._after_reappearing = self._reappeared
        in_cycle = self.phase in (Phase.DESCENT, Phase.BOTTOM, Phase.ASCENT)
        self._reappeared = (
            Reappearance(frame, t_s, rel, last[1], last[2], self._peak)
            if last and gone and in_cycle
            else None
        )
        slope = 0.0
        if last is not None and not gone and t_s > last[0]:
            slope = (rel - last[1]) / (t_s - last[0])
        self._last = (t_s, rel, slope)

    def _top_hidden(self, frame: int, t_s: float, rel: float) -> RepEvent | None:
        """A deep cycle whose top the lifter passed out of view: rising into a
        stretch unseen (someone walking past the camera) and going down again
        out of it, with either side of the stretch out of the bottom: seen
        again shallower than the bottom band, or last seen before it already
        shallower than a rep's minimum depth (so that going down again to depth
        is a rep's own descent; a lifter can come back into view deeper than
        the last rep's bottom). The rep ends where the lifter was seen again;
        the next one starts there."""
        seen = self._after_reappearing
        if seen is None:
            return None
        th = self.th
        peak = seen.peak_before
        deep = peak[2] >= th.rep_min_depth_deg
        out_of_bottom = (
            seen.rel < peak[2] - th.rep_bottom_band_deg
            or seen.rel_before < th.rep_min_depth_deg
        )
        if not (deep and out_of_bottom and seen.slope_before < 0 and rel > seen.rel):
            return None
        # The frame seen again may have deepened this cycle's peak: it is the
        # next rep's.
        self._peak = peak
        self.phase = Phase.STANDING
        self._settle = (seen.frame, seen.t_s, seen.rel)
        event = self._emit()
        self._begin_cycle((seen.frame, seen.t_s), (frame, t_s, rel), Phase.DESCENT)
        return event

    def _in_cycle(
        self,
        frame: int,
        t_s: float,
        rel: float,
        hip_flexion_deg: float,
        second_rel: float,
        trunk_lean_deg: float,
    ) -> None:
        """One frame of DESCENT, BOTTOM or ASCENT: the peak, the phase, and the
        crossing back to standing by any reading (see update)."""
        th = self.th
        self._hold_at_bottom(frame, t_s, rel)
        if second_rel > th.rep_enter_deg:
            self._second_left = True
        if trunk_lean_deg > th.rep_min_depth_deg:
            self._trunk_left = True
        if rel > self._peak[2]:
            self._peak = (frame, t_s, rel)
        deep = self._peak[2] >= th.rep_min_depth_deg
        # The second reading ends a rep only on the way up (the first one past
        # its bottom band), so a dip of it at the bottom cannot split a rep.
        on_the_way_up = deep and rel < self._peak[2] - th.rep_bottom_band_deg
        second_standing = on_the_way_up and (
            (self._second_left and second_rel <= th.rep_exit_deg)
            or (self._trunk_left and trunk_lean_deg <= th.rep_exit_deg)
        )
        if rel <= th.rep_exit_deg or second_standing:
            self.phase = Phase.STANDING
            self._top_by_trunk = (
                rel > th.rep_enter_deg
                and self._trunk_left
                and trunk_lean_deg <= th.rep_exit_deg
            )
            if not deep or self._start is None:
                self._drop()
                return
            self._settle = (frame, t_s, rel)
            self._recent.clear()
            self._recent.append((frame, t_s, hip_flexion_deg))
            return
        if rel >= self._peak[2] - th.rep_bottom_band_deg:
            self.phase = Phase.BOTTOM if deep else Phase.DESCENT
        else:
            self.phase = Phase.ASCENT

    @property
    def settling(self) -> bool:
        """Back at standing after a deep enough bottom, the rep not yet emitted."""
        return self._settle is not None

    def break_set(self) -> RepEvent | None:
        """The lifter has left between sets (unseen set_break_s): a rep back
        at standing is emitted, any other cycle in progress dropped (a bar put
        down before walking off is no rep), and the next set starts as a
        recording does: a pull from the floor at the bar (with `from_floor`),
        else the first descent after the lifter is seen standing again. The
        reference posture is kept: the same lifter, the same camera."""
        event = self.flush()
        self.reset()
        self.phase = Phase.SETUP
        return event

    def flush(self) -> RepEvent | None:
        """End of stream: emit a rep that was back at standing and settling."""
        if self._settle is None:
            return None
        return self._emit()

    def _settling(self, frame: int, t_s: float, rel: float) -> RepEvent | None:
        """After the exit crossing, find the lockout: the lowest point reached."""
        assert self._settle is not None
        s_frame, s_t, s_low = self._settle
        if rel < s_low - self.th.rep_start_tol_deg:
            self._settle = (frame, t_s, rel)
            return None
        if (
            rel > s_low + self.th.rep_settle_rise_deg
            or t_s - s_t >= self.th.rep_settle_s
            or rel > self.th.rep_enter_deg
        ):
            return self._emit()
        if rel < s_low:
            self._settle = (s_frame, s_t, rel)
        return None

    def _drop(self) -> None:
        self._start = None
        self._settle = None
        self._peak = (-1, math.nan, -math.inf)

    def _emit(self) -> RepEvent | None:
        start, peak, end = self._start, self._peak, self._settle
        self._drop()
        if start is None or end is None:
            return None
        duration = end[1] - start[1]
        if not (self.th.rep_min_duration_s <= duration <= self.th.rep_max_duration_s):
            return None
        if self._after_hold and self._still_s < self.th.rep_regrip_s:
            # the bar put down after the set, then standing up
            put_down = AtTheBar(
                "put-down", start[1], end[1], start[1] - self._lockout_s
            )
            self.at_the_bar.append(put_down)
            # The bar is down: a later rep needs its own set-up and held lockout
            # before a descent can put the bar down again.
            self._lockout_s = math.nan
            self._singles = False
            return None
        # A pull after a set-up is a single, and so is one the recording began
        # with at the bar held still for a grip and a brace (rep_regrip_s):
        # the rest of its set-up was before the start.
        self._singles = math.isfinite(self._setup_from_s) or (
            self.from_floor
            and self._began_at_bar
            and self._still_s >= self.th.rep_regrip_s
        )
        if math.isfinite(self._setup_from_s):
            held = start[1] - self._setup_from_s
            self.at_the_bar.append(
                AtTheBar("set-up", self._setup_from_s, start[1], held)
            )
        self._lockout_s = end[1]
        return RepEvent(
            start_frame=start[0],
            bottom_frame=peak[0],
            end_frame=end[0],
            start_s=start[1],
            bottom_s=peak[1],
            end_s=end[1],
            peak_deg=peak[2],
        )
