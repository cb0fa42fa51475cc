"""The one line a command prints per input: reps, faults, where the report is."""

from __future__ import annotations

from pathlib import Path

from hingecam.core.datatypes import (
    AnalysisResult,
    Exercise,
    Severity,
    VerdictKind,
    View,
)
from hingecam.core.profiles import PROFILES
from hingecam.report.context import exercise_words


def _tally(counts: dict[str, int]) -> str:
    """ "rounded spine x3, squatting x1", most first."""
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{label} x{n}" for label, n in ranked)


def summary_line(
    result: AnalysisResult, folder: Path, since_last: str | None = None
) -> str:
    """One line per input: reps, faults, (a live session: against last time,
    "clean reps 7 of 10, last time 4 of 10; ..."), where the report is."""
    reps = result.reps
    counts: dict[str, int] = {}
    checks: dict[str, int] = {}
    for rep in reps:
        for check in rep.verdict.flags:
            if check.severity is not Severity.NOTE:
                tally = checks if check.tentative else counts
                tally[check.label] = tally.get(check.label, 0) + 1
    faults = _tally(counts)
    judged = f"faults: {faults}" if faults else "no faults flagged"
    if checks:
        judged += f"; to check: {_tally(checks)}"
    if (
        not faults
        and reps
        and all(r.verdict.kind is VerdictKind.NOT_JUDGED for r in reps)
    ):
        if result.view is View.SIDE:
            judged = "form not judged (see the notes in the report)"
        else:
            judged = f"form not judged from {result.view.phrase} (film from the side)"
    if not reps:
        # The note that explains the missing reps, not a side remark.
        about = [n for n in result.notes if n.startswith("no ") or "too short" in n]
        judged = (about or list(result.notes) or ["no complete rep found"])[0]
    counted = f"{len(reps)} rep{'s' if len(reps) != 1 else ''}"
    if result.exercise_requested is Exercise.AUTO and reps:
        _, how = exercise_words(result)
        name = PROFILES[result.exercise].in_sentence
        counted += f" ({name}, {how.split(',')[0]})"
    since = f"; {since_last}" if since_last else ""
    return (
        f"{result.video.name}: {counted}, {judged}{since} -> {folder / 'report.html'}"
    )
