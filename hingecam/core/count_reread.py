"""Frames counted before the lifter's standing posture was measured -> re-read
against it once it is, so a first rep begun before calibration (a set filmed from
within its first descent) still counts."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from hingecam.core.count_signal import readings, trunk_reading
from hingecam.core.datatypes import Phase
from hingecam.core.measures import Measures
from hingecam.core.rep_events import RepEvent
from hingecam.core.reps import RepSegmenter
from hingecam.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class _Seen:
    pos: int  # position in the frame log
    frame: int
    t_s: float
    hip2d_deg: float
    hip3d_deg: float
    trunk_deg: float
    uses_2d: bool


@dataclass(frozen=True, slots=True)
class Reread:
    """What re-reading the early frames found.

    Attributes:
        segmenter: a rep counter in the state the early frames leave it in.
        events: reps that ended within the early frames.
        phases: (frame log position, phase) of every early frame.
    """

    segmenter: RepSegmenter
    events: tuple[RepEvent, ...]
    phases: tuple[tuple[int, Phase], ...]

    @property
    def found_a_rep(self) -> bool:
        """A rep ended, or is back at standing and about to end."""
        return bool(self.events) or self.segmenter.settling


class EarlyFrames:
    """The count readings of the frames before calibration, at most
    rep_max_duration_s of them (an older start could not begin a countable rep).

    Before calibration the rep counter reads hip flexion against a typical
    standing posture (standing_hip_default_deg), or not at all. A lifter whose
    own standing hip angle differs from it (3D hip 29 deg standing, seen from
    behind in rdl_back45_seb) is then taken as already bent when the clip begins
    in the first descent, and that rep is lost. Re-read against the lifter's own
    posture it is an ordinary rep: the first frame lies within rep_enter_deg of
    standing, then the descent, bottom and lockout follow.
    """

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self._seen: deque[_Seen] = deque()

    def clear(self) -> None:
        self._seen.clear()

    def add(self, pos: int, frame: int, t_s: float, m: Measures, uses_2d: bool) -> None:
        """Keep one frame's readings (its log position, index, time, measures, and
        whether the count signal was on the 2D angle)."""
        hip2d = m.hip_flexion_deg
        hip3d = m.hip_flexion_3d_deg
        if not (math.isfinite(hip2d) or math.isfinite(hip3d)):
            return
        trunk = m.trunk_incline_deg
        self._seen.append(_Seen(pos, frame, t_s, hip2d, hip3d, trunk, uses_2d))
        while self._seen and self._seen[0].t_s < t_s - self.th.rep_max_duration_s:
            self._seen.popleft()

    def reread(self, setup: Measures, from_floor: bool) -> Reread:
        """Count the kept frames again, against the lifter's reference posture
        (the calibrated one, or live a brief still moment's)."""
        ref = setup.hip_flexion_3d_deg  # what the calibrator gives the counter
        seg = RepSegmenter(self.th, from_floor=from_floor)
        seg.set_reference(ref)
        events: list[RepEvent] = []
        phases: list[tuple[int, Phase]] = []
        begun = False
        for s in self._seen:
            count, second = readings(s.uses_2d, s.hip2d_deg, s.hip3d_deg, setup)
            # Frames already bent past rep_enter_deg when the stream began are
            # the end of a rep whose descent was not seen (a clip that starts
            # hinged): no rep starts until the lifter is first seen nearer
            # standing than that.
            begun = begun or count - ref <= self.th.rep_enter_deg
            if not begun:
                phases.append((s.pos, Phase.SETUP))
                continue
            trunk = trunk_reading(s.uses_2d, s.trunk_deg, setup)
            event = seg.update(s.frame, s.t_s, count, second, trunk)
            if event is not None:
                events.append(event)
            phases.append((s.pos, seg.phase))
        return Reread(seg, tuple(events), tuple(phases))
