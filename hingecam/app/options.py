"""Options every analyzing command shares: the exercise profile and the
thresholds in force (--exercise, --thresholds FILE, --set NAME=VALUE)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class ProfileOptions:
    """The exercise profile and threshold overrides a command was given.

    Attributes:
        exercise: an Exercise value ("auto", "rdl", ...), or None (eval: each
            clip's own).
        thresholds: a TOML file of overrides, or None.
        sets: NAME=VALUE overrides, in order; they win over the file.
    """

    exercise: str | None = "auto"
    thresholds: Path | None = None
    sets: tuple[str, ...] = ()

    def load(self) -> tuple[Exercise, Thresholds]:
        """The Exercise (auto when None) and the thresholds in force.

        Raises:
            ConfigError: a bad file, name or value.
        """
        from hingecam.core.datatypes import Exercise
        from hingecam.core.thresholds import load_thresholds

        exercise = Exercise(self.exercise or Exercise.AUTO.value)
        return exercise, load_thresholds(exercise, self.thresholds, list(self.sets))
