"""What the rep counter (`core/reps.py`) reports and remembers: a rep's frames
and times, a stretch at the bar left out of the reps, and the lifter seen again
after a stretch out of view."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RepEvent:
    """A completed repetition: frames and times of its start, bottom and end."""

    start_frame: int
    bottom_frame: int
    end_frame: int
    start_s: float
    bottom_s: float
    end_s: float
    peak_deg: float  # peak hip flexion above the standing reference


@dataclass(frozen=True, slots=True)
class AtTheBar:
    """A stretch at the bar that a pull from the floor leaves out of its reps.

    Attributes:
        kind: "set-up" (held still at the bottom before the pull) or "put-down"
            (the bar put down after a held lockout, then standing up).
        start_s, end_s: the stretch; a set-up ends where its rep's pull starts.
        held_s: a set-up's time held still; a put-down's lockout before it.
    """

    kind: str
    start_s: float
    end_s: float
    held_s: float


@dataclass(frozen=True, slots=True)
class Reappearance:
    """The lifter seen again after a stretch out of view (relative hip
    flexion, deg): where, and how the cycle stood before the stretch."""

    frame: int
    t_s: float
    rel: float
    rel_before: float  # the last reading before the stretch
    slope_before: float  # deg/s at that reading
    peak_before: tuple[int, float, float]  # the cycle's deepest frame, t_s, rel
    # (only a cycle in progress before the stretch is recorded: one back at
    # standing is the rep that ends there)
