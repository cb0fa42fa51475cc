"""Rep assembly: a RepEvent from the counter plus the logged frames -> a Rep with
its bottom, peaks and fault checks."""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Rep
from hingecam.core.faults import judge_rep
from hingecam.core.filtering import Smoothing
from hingecam.core.frame_log import FrameLog
from hingecam.core.measures import Measures
from hingecam.core.profiles import Profile
from hingecam.core.rep_events import RepEvent
from hingecam.core.rep_window import RepWindow
from hingecam.core.rules import rep_peaks
from hingecam.core.thresholds import Thresholds

_NO_SETUP = Measures()


class RepBuilder:
    """Turns each rep event into a judged Rep (stateless between reps).

    Args:
        profile, thresholds: the exercise's rules and numbers.
        judge_smoothing: a filter to smooth the rep's raw rows with again before
            judging (see Mode.judge_smoothing), or None to judge the log's rows.
    """

    def __init__(
        self,
        profile: Profile,
        thresholds: Thresholds,
        judge_smoothing: Smoothing | None = None,
    ) -> None:
        self.profile = profile
        self.th = thresholds
        self._judge_smoothing = judge_smoothing

    def reset(self) -> None:
        """Nothing to forget: every rep is built from the log alone."""

    def update(
        self, event: RepEvent, log: FrameLog, setup: Measures | None, index: int
    ) -> Rep:
        """The rep `index` (1-based) that `event` delimits.

        Args:
            event: the counter's start, bottom and end.
            log: the finalized frames, covering the event.
            setup: the lifter's standing posture, None if not calibrated.
            index: the rep's number.
        """
        win = self._window_for(event, log)
        reference = setup or _NO_SETUP
        checks = judge_rep(win, reference, self.profile, self.th)
        bottom_s = float(win.t_s[win.bottom])
        return Rep(
            index=index,
            start_s=event.start_s,
            bottom_s=bottom_s,
            end_s=event.end_s,
            start_frame=event.start_frame,
            bottom_frame=int(win.frames[win.bottom]),
            end_frame=event.end_frame,
            descent_s=bottom_s - event.start_s,
            ascent_s=event.end_s - bottom_s,
            view=win.share.dominant,
            peaks=rep_peaks(win, reference),
            checks=checks,
        )

    def _window_for(self, event: RepEvent, log: FrameLog) -> RepWindow:
        frames = np.asarray(log.frames)
        lo = int(np.searchsorted(frames, event.start_frame))
        hi = int(np.searchsorted(frames, event.end_frame)) + 1
        vals = self._values(log, lo, hi)
        win = RepWindow(
            t_s=np.asarray(log.t_s[lo:hi]),
            frames=frames[lo:hi],
            views=tuple(log.views[lo:hi]),
            values={f: vals[:, k] for k, f in enumerate(Measures.NAMES)},
            bottom=0,
        )
        bottom = self._bottom_index(win, event)
        return dataclasses.replace(win, bottom=bottom)

    def _values(self, log: FrameLog, lo: int, hi: int) -> NDArray[np.float64]:
        """Rows lo:hi of the log, or smoothed again from their raw rows with the
        judging filter: every logged frame from one smoothing window before the
        rep to the newest goes in, so the rep's frames get the windows a
        recorded video's would (but for the newest frames, which have no later
        ones yet)."""
        smoothing = self._judge_smoothing
        if smoothing is None:
            return np.stack(log.values[lo:hi])
        margin_s = smoothing.lag_s + self.th.hampel_half_window_s
        first = int(np.searchsorted(log.t_s, log.t_s[lo] - margin_s))
        rows = log.smoothed_again(smoothing, first)
        return np.stack(rows[lo - first : hi - first])

    def _bottom_index(self, win: RepWindow, event: RepEvent) -> int:
        """The deepest frame: by the 2D hip angle the rules judge when the rep was
        seen from the side, else by the count signal (2D is foreshortened)."""
        hip2d = win["hip_flexion_deg"]
        if (
            win.share.from_side(self.th.view_min_side_share)
            and np.isfinite(hip2d).sum() >= 3
        ):
            return int(np.nanargmax(hip2d))
        return int(np.searchsorted(win.frames, event.bottom_frame))
