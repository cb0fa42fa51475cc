"""What to tell the lifter and when: per-frame analyses in, CueEvents out, each
said once (no spam). Pure: the live loop prints, shows or speaks them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hingecam.core.datatypes import FrameAnalysis, Rep, SetupHint, Severity
from hingecam.core.rules import rep_cue

HINT_FORGET_S = 2.0
"""A set-up hint gone this long (s) is printed / spoken again when it returns."""
CALIBRATED_CUE = "calibrated: standing posture taken"
"""Said once each time the analyzer takes the lifter's standing posture."""


class CueKind(str, enum.Enum):
    """What an event announces. The values are the words shown in logs, and a
    kind equals its word (`CueKind.REP == "rep"`)."""

    REP = "rep"  # a finished rep, with its cue
    CUE = "cue"  # a cue between reps (calibration prompt, a form cue)
    HINT = "hint"  # camera set-up guidance


@dataclass(frozen=True, slots=True)
class CueEvent:
    """Something new to tell the lifter: a finished rep, a cue or a set-up hint."""

    kind: CueKind
    text: str
    severity: Severity
    t_s: float
    rep: int = 0

    def line(self) -> str:
        """One terminal line, e.g. '00:12.4  rep 3: soften your knees'."""
        minutes, seconds = divmod(max(0.0, self.t_s), 60.0)
        stamp = f"{int(minutes):02d}:{seconds:04.1f}"
        if self.kind is CueKind.REP:
            return f"{stamp}  rep {self.rep}: {self.text}"
        if self.kind is CueKind.HINT:
            return f"{stamp}  set-up: {self.text}"
        return f"{stamp}  {self.text}"


@dataclass
class CueEvents:
    """Turns the per-frame analyses into events, each said once.

    A rep is announced when the count goes up, with its cue; another cue when
    its words differ from the last ones announced; a set-up hint when it
    differs from the last hint announced, or returns after HINT_FORGET_S away;
    "calibrated" each time the standing posture is taken (again).
    """

    count: int = 0
    cue: str | None = None
    hint: SetupHint | None = None
    hint_gone_since: float | None = None
    calibrated: bool = False

    def update(
        self, a: FrameAnalysis, calibrated: bool | None = None
    ) -> list[CueEvent]:
        """Events for one finalized frame.

        Args:
            a: the frame's analysis.
            calibrated: whether the analyzer holds a standing posture now (None:
                not tracked, no calibration events).

        Returns:
            The events to announce, in order (often none).
        """
        events: list[CueEvent] = []
        if calibrated is not None:
            if calibrated and not self.calibrated:
                events.append(
                    CueEvent(CueKind.CUE, CALIBRATED_CUE, Severity.NOTE, a.t_s)
                )
            self.calibrated = calibrated
        if a.setup_hint is None:
            if self.hint is not None:
                self.hint_gone_since = self.hint_gone_since or a.t_s
                if a.t_s - self.hint_gone_since >= HINT_FORGET_S:
                    self.hint, self.hint_gone_since = None, None
        else:
            self.hint_gone_since = None
            if a.setup_hint != self.hint:
                self.hint = a.setup_hint
                events.append(
                    CueEvent(CueKind.HINT, a.setup_hint.text, Severity.WARNING, a.t_s)
                )
        if a.rep_count > self.count:
            text = a.cue or "done"
            events.append(
                CueEvent(CueKind.REP, text, a.cue_severity, a.t_s, a.rep_count)
            )
            self.cue = a.cue
        elif a.cue is not None and a.cue != self.cue:
            self.cue = a.cue
            events.append(CueEvent(CueKind.CUE, a.cue, a.cue_severity, a.t_s))
        self.count = a.rep_count
        return events

    def rep_closed(self, rep: Rep) -> CueEvent:
        """The announcement of a rep no frame reported (closed at the end of the set)."""
        text, severity = rep_cue(rep.checks)
        self.count += 1
        return CueEvent(CueKind.REP, text, severity, rep.end_s, self.count)

    def reset_count(self) -> None:
        """The lifter restarted the count: the next rep is rep 1 again."""
        self.count = 0

    def recalibrate(self) -> None:
        """The standing posture was dropped: announce the next one."""
        self.calibrated = False
