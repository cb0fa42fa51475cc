"""Notes on a whole set: the recorded track, the view and the reps -> sentences on
what could and could not be judged, and why."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hingecam.core.datatypes import Rep, View
from hingecam.core.faults import FAULTS, not_judged_from
from hingecam.core.landmarks import Landmark
from hingecam.core.measures import Measures
from hingecam.core.poses import PoseTrack
from hingecam.core.rep_events import AtTheBar
from hingecam.core.thresholds import Thresholds


def set_notes(
    track: PoseTrack,
    view: View,
    reps: Sequence[Rep],
    setup: Measures | None,
    thresholds: Thresholds,
    *,
    provisional_reps: int = 0,
    brief_under_s: float | None = None,
    at_the_bar: Sequence[AtTheBar] = (),
) -> list[str]:
    """Sentences for the report on people, view, calibration, feet, frame rate.

    Args:
        track: every frame's lifter (NaN rows where nobody was seen).
        view: the dominant camera view of the set.
        reps: the reps found.
        setup: the calibrated standing posture, None if never calibrated.
        thresholds: min_visibility (feet seen).
        provisional_reps: reps counted before the standing posture was measured.
        brief_under_s: live, not calibrated, reps compared with a shorter
            still moment's posture (see Calibrator.brief): the calibration time
            the lifter did not stand still for.
        at_the_bar: set-ups and put-downs the rep counter left out of the reps.
    """
    notes: list[str] = []
    n = len(track)
    if n == 0:
        return ["no frames could be read"]
    people = np.asarray(track.people)
    found = people > 0
    if not found.any():
        return ["no person was found in the video: nothing could be judged"]
    if (~found).mean() > 0.05:
        notes.append(f"no person was found in {(~found).mean():.0%} of the frames")
    if (people > 1).mean() > 0.05:
        notes.append(
            f"more than one person was in view in {(people > 1).mean():.0%} of the frames: "
            "hingecam followed the person it saw first"
        )
    if view is not View.SIDE:
        notes.append(view_note(view))
    elif any(rep.view is not View.SIDE for rep in reps):
        notes.append(
            "the view changed during the set: reps not seen from the side were judged only in part"
        )
    if setup is None and reps and brief_under_s is not None:
        notes.append(
            f"the lifter did not stand still for the {brief_under_s:g} s calibration, "
            "so reps were compared with the posture of a shorter still moment"
        )
    elif setup is None and reps:
        notes.append(
            "the lifter was never seen standing still, so reps were compared with a typical "
            "standing posture instead of the lifter's own"
        )
    elif setup is not None and provisional_reps:
        first = (
            "the first rep was"
            if provisional_reps == 1
            else (f"the first {provisional_reps} reps were")
        )
        notes.append(
            f"{first} counted before the lifter stood still to calibrate, against a "
            "typical standing posture"
        )
    vis = np.asarray(track.visibility)
    feet = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]
    feet_seen = (
        np.nan_to_num(vis[found][:, feet], nan=0.0).max(axis=1)
        >= thresholds.min_visibility
    )
    if (~feet_seen).mean() > 0.2:
        notes.append(
            f"the feet were out of frame or hidden in {(~feet_seen).mean():.0%} of the frames"
        )
    t = track.t_s
    duration = float(t[-1] - t[0]) if n > 1 else 0.0
    fps = (n - 1) / duration if duration > 0 else 0.0
    if 0 < fps < 20:
        notes.append(f"low frame rate ({fps:.2g} fps): timing measures are coarse")
    notes.extend(at_the_bar_note(stretch) for stretch in at_the_bar)
    if n < 3:
        notes.append("the video is too short to find a rep")
    elif not reps:
        notes.append("no complete rep was found")
    return notes


def hidden_knee_note(
    placed_s: Sequence[float], t_s: np.ndarray, reps: Sequence[Rep]
) -> str:
    """What was read, and what not, where the near knee was hidden behind the load."""
    placed = np.asarray(placed_s, dtype=np.float64)
    step = float(np.median(np.diff(t_s))) if len(t_s) > 1 else 0.0
    which = [
        str(rep.index)
        for rep in reps
        if ((placed >= rep.start_s) & (placed <= rep.end_s)).any()
    ]
    where = ""
    if which:
        where = f" (rep {which[0]})" if len(which) == 1 else f" (reps {_and(which)})"
    return (
        f"the near knee was hidden (behind the load) for {placed.size * step:.1f} s"
        f"{where}: the hip angle there was read from the hip, the planted ankle and "
        "the leg's lengths; the knee's own angle was not, so checks that need it "
        "were not judged there"
    )


def break_note(left_s: float, back_s: float) -> str:
    """A stretch with nobody in view, long enough to be a rest between sets
    (set_break_s): what the count did about it."""
    return (
        f"nobody was in view from {left_s:.1f} s to {back_s:.1f} s, taken as a rest "
        "between sets: a rep left unfinished before it was not counted, and the "
        "count went on as at the start of a recording (a pull from the floor, or "
        "the first descent after standing)"
    )


def at_the_bar_note(stretch: AtTheBar) -> str:
    """Why a stretch the plots show at the bottom is not (all) a rep."""
    if stretch.kind == "set-up":
        return (
            f"the {stretch.held_s:.1f} s held still at the bar from "
            f"{stretch.start_s:.1f} s was the set-up, not part of the rep: the rep "
            f"starts at {stretch.end_s:.1f} s, where the pull began"
        )
    return (
        f"not a rep: at {stretch.start_s:.1f} s the bar was put down after a lockout "
        f"held {stretch.held_s:.1f} s, and the lifter stood up without setting up again"
    )


def view_note(view: View) -> str:
    """What a set filmed from `view` (not the side) could and could not judge,
    from the fault registry."""
    judged = [s.view_words for s in FAULTS if s.main and s.judged_from(view)]
    missing = [s.view_words for s in not_judged_from(view)]
    if not judged:
        return (
            f"filmed from {view.phrase}: {_and(missing)} cannot be judged from here; "
            "film from the side at hip height"
        )
    verb = "was" if len(judged) == 1 else "were"
    said = (
        f"filmed from {view.phrase}: {_and(judged)} {verb} judged from the 3D landmarks "
        "(less sure than from the side)"
    )
    return (
        f"{said}; {_and(missing)} need a side view at hip height" if missing else said
    )


def _and(words: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
