"""The cue on screen: each finished rep's cue, held cue_hold_s; before calibration
(live) a prompt to stand still, or that the reps are counted without calibration."""

from __future__ import annotations

from hingecam.core.datatypes import Rep, Severity
from hingecam.core.rules import rep_cue


class CueHold:
    """Holds the last rep's cue for cue_hold_s seconds.

    Args:
        hold_s: how long a rep's cue stays.
        calibrate_prompt: shown while not calibrated and nothing else is (None:
            never).
        provisional_prompt: shown instead while a rep is counted without
            calibration (None: the calibrate prompt stays).
    """

    def __init__(
        self,
        hold_s: float,
        calibrate_prompt: str | None,
        provisional_prompt: str | None = None,
    ) -> None:
        self.hold_s = hold_s
        self.calibrate_prompt = calibrate_prompt
        self.provisional_prompt = provisional_prompt
        self.reset()

    def reset(self) -> None:
        """No cue held."""
        self._cue: tuple[str, Severity, float] | None = None

    def update(
        self,
        t_s: float,
        rep: Rep | None,
        prompt_allowed: bool,
        provisional: bool = False,
    ) -> tuple[str | None, Severity]:
        """The cue and its severity at `t_s`.

        Args:
            t_s: frame time in seconds.
            rep: the rep that ended on this frame, or None.
            prompt_allowed: not calibrated, a lifter in view and no set-up hint.
            provisional: a rep is being counted against the typical posture.
        """
        if rep is not None:
            self._cue = (*rep_cue(rep.checks), t_s)
        cue: str | None = None
        severity = Severity.NOTE
        if self._cue is not None and t_s - self._cue[2] <= self.hold_s:
            cue, severity = self._cue[0], self._cue[1]
        prompt = self.calibrate_prompt
        if provisional and self.provisional_prompt:
            prompt = self.provisional_prompt
        if prompt and prompt_allowed:
            cue = cue or prompt
        return cue, severity
