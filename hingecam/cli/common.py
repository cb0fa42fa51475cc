"""What several commands share: argparse types (ranges checked as the arguments
are parsed), choices derived from the enums, and the common option groups."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload


class LazyChoices(Sequence[str]):
    """The values of an enum, as argparse choices, imported on first use: the
    choices derive from the enum, and building the parser (`hingecam --help`)
    still loads none of the enum's module (numpy, for core.datatypes)."""

    def __init__(
        self, module: str, enum_name: str, extra: tuple[str, ...] = ()
    ) -> None:
        self._where = (module, enum_name)
        self._extra = extra
        self._values: tuple[str, ...] | None = None

    def _load(self) -> tuple[str, ...]:
        if self._values is None:
            module, name = self._where
            members = getattr(importlib.import_module(module), name)
            self._values = (*(str(m.value) for m in members), *self._extra)
        return self._values

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._load()[index]

    def __len__(self) -> int:
        return len(self._load())

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __contains__(self, value: object) -> bool:
        return value in self._load()


EXERCISES = LazyChoices("hingecam.core.datatypes", "Exercise")
"""--exercise: every Exercise value ("auto" is one of them)."""
EVAL_EXERCISES = LazyChoices("hingecam.core.datatypes", "Exercise", ("labelled",))
"""eval's --exercise: an Exercise value, or "labelled" (each clip's own)."""
MODEL_VARIANTS = LazyChoices("hingecam.media.models", "ModelVariant")


def lazy_choices(action: argparse.Action) -> None:
    """add_argument formats a metavar from the choices unless one is given: it
    was given (so nothing is imported then); help and usage list the choices."""
    action.metavar = None


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def thread_count(text: str) -> int:
    """argparse type of --threads: 0 (one per CPU) or more."""
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (one per CPU) or more")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None


ATHLETE_MAX_CHARS = 100
"""Longest --athlete name: a name, not a note."""


def athlete_name(text: str) -> str:
    """argparse type of --athlete: a name of printable characters, trimmed."""
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("must not be empty")
    if len(name) > ATHLETE_MAX_CHARS:
        raise argparse.ArgumentTypeError(f"at most {ATHLETE_MAX_CHARS} characters")
    if not all(c.isprintable() for c in name):
        raise argparse.ArgumentTypeError("must be printable (no control characters)")
    return name


def add_athlete_option(p: argparse.ArgumentParser, what: str) -> None:
    """--athlete NAME: who performed the sets (the index and progress group by it)."""
    p.add_argument(
        "--athlete",
        type=athlete_name,
        default=None,
        metavar="NAME",
        help=f"who {what} (recorded in the report; `hingecam progress` "
        "follows each athlete on their own)",
    )


def add_analysis_options(
    p: argparse.ArgumentParser,
    exercise_help: str = "default: auto, the exercise recognised from the movement",
    choices: LazyChoices = EXERCISES,
) -> None:
    lazy_choices(
        p.add_argument(
            "--exercise",
            type=str,
            choices=choices,
            default="auto",
            metavar="EXERCISE",
            help="exercise profile: selects rep logic and thresholds "
            f"({exercise_help})",
        )
    )
    p.add_argument(
        "--thresholds",
        type=Path,
        metavar="FILE",
        help="TOML file overriding thresholds (see `hingecam thresholds`)",
    )
    p.add_argument(
        "--set",
        type=str,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one threshold; repeatable; wins over --thresholds",
    )


def add_model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        type=Path,
        metavar="PATH|VARIANT",
        help="PoseLandmarker .task file, or lite|full|heavy from models/ or the "
        "user cache (default: $HINGECAM_MODEL, else full)",
    )
    p.add_argument(
        "--trust-model",
        action="store_true",
        help="with --model: load that file although its sha256 matches no pin",
    )


def add_single_pose(p: argparse.ArgumentParser, default: bool, help: str) -> None:
    """--single-pose / --no-single-pose: one meaning on every command (the
    one-person model between two-person checks); each command its default."""
    p.add_argument(
        "--single-pose",
        action=argparse.BooleanOptionalAction,
        default=default,
        help=help,
    )
