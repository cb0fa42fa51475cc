"""Exercise profiles: how each exercise is counted and judged, and the thresholds
it changes (applied by core/thresholds.py load_thresholds)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hingecam.core.datatypes import Exercise


@dataclass(frozen=True)
class Profile:
    """How an exercise is counted and judged.

    Attributes:
        exercise: the profile's exercise.
        label: its name for people ("Romanian deadlift").
        from_floor: a rep may start at the bottom (deadlifts start on the floor):
            an ascent from a deep enough start counts even without a descent.
        hinge_only: the movement should be a hinge: squat pattern and shallow
            hinge are judged.
        knee_extends: the knee should bend and straighten (deadlift): hips rising
            first is judged; for an RDL the knee stays nearly still.
        soft_knees: locked knees are judged.
        overrides: threshold defaults this profile changes, with the reason.
    """

    exercise: Exercise
    label: str
    from_floor: bool
    hinge_only: bool
    knee_extends: bool
    soft_knees: bool
    overrides: dict[str, float] = field(default_factory=dict)

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: lower case but for a name ("a Romanian
        deadlift", "a kettlebell swing")."""
        first, _, rest = self.label.partition(" ")
        kept = first if first in _NAMES else first.lower()
        return f"{kept} {rest}" if rest else kept


_NAMES = frozenset({"Romanian"})
"""Words of labels that keep their capital inside a sentence."""


PROFILES: dict[Exercise, Profile] = {
    # Not recognised (core/recognition.py): a generic hinge. Counted like a
    # deadlift (a pull from the floor starts at its bottom); judged on what
    # every hinge shares: the back, squatting instead of hinging, hips rising
    # first where the knees straighten; locked knees only once an RDL or a good
    # morning is recognised (a deadlift bends them on purpose).
    Exercise.AUTO: Profile(
        Exercise.AUTO,
        "Hip hinge",
        from_floor=True,
        hinge_only=True,
        knee_extends=True,
        soft_knees=False,
    ),
    Exercise.HINGE_DRILL: Profile(
        Exercise.HINGE_DRILL,
        "Hip-hinge drill",
        from_floor=False,
        hinge_only=True,
        knee_extends=False,
        soft_knees=True,
    ),
    Exercise.GOOD_MORNING: Profile(
        Exercise.GOOD_MORNING,
        "Good morning",
        from_floor=False,
        hinge_only=True,
        knee_extends=False,
        soft_knees=True,
    ),
    Exercise.RDL: Profile(
        Exercise.RDL,
        "Romanian deadlift",
        from_floor=False,
        hinge_only=True,
        knee_extends=False,
        soft_knees=True,
        # An RDL keeps the knee nearly still (Coratella 2022; COACHING.md: knees
        # 15-30 deg at a trunk of 45 deg or more, a stoop-squat index of 60 or
        # more): knees bending 1.5x as far as the trunk leans (SSI 40) squat it.
        # Clean side-view RDLs read 50-71 on the clips, a squatted one 31.
        overrides={"squat_max_ssi": 40.0},
    ),
    Exercise.DEADLIFT: Profile(
        Exercise.DEADLIFT,
        "Deadlift",
        from_floor=True,
        hinge_only=True,
        knee_extends=True,
        soft_knees=False,
        # Coratella 2022: a conventional pull flexes the knee like a squat; a clean
        # pull from the floor measured SSI ~29 on the clips, so only clearly
        # squat-like pulls are flagged.
        overrides={"squat_max_ssi": 25.0},
    ),
    Exercise.KB_SWING: Profile(
        Exercise.KB_SWING,
        "Kettlebell swing",
        from_floor=False,
        hinge_only=True,
        knee_extends=True,
        soft_knees=True,
    ),
    # A squat is meant to bend the knees: squatting instead of hinging and locked
    # knees are no faults there; hips shooting up first still is.
    Exercise.SQUAT: Profile(
        Exercise.SQUAT,
        "Squat",
        from_floor=False,
        hinge_only=False,
        knee_extends=True,
        soft_knees=False,
    ),
}
"""Exercise profiles. A conventional deadlift bends the knees ~100 deg
(Schellenberg 2013), so locked knees are not judged there; RDLs and good mornings
keep the knee nearly still (Coratella 2022), so hips-first is not judged there."""
