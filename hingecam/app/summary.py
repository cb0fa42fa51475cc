"""The one line a command prints per input: reps, faults, where the report is."""

from __future__ import annotations

from pathlib import Path

from hingecam.core.datatypes import AnalysisResult, Severity, VerdictKind, View


def summary_line(result: AnalysisResult, folder: Path) -> str:
    """One line per input: reps, faults, where the report is."""
    reps = result.reps
    counts: dict[str, int] = {}
    for rep in reps:
        for check in rep.verdict.flags:
            if check.severity is not Severity.NOTE:
                label = check.fault.label
                counts[label] = counts.get(label, 0) + 1
    faults = ", ".join(
        f"{label} x{n}" for label, n in sorted(counts.items(), key=lambda kv: -kv[1])
    )
    judged = f"faults: {faults}" if faults else "no faults flagged"
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
    return f"{result.video.name}: {len(reps)} rep{'s' if len(reps) != 1 else ''}, {judged} -> {folder / 'report.html'}"
