"""Scoring of `hingecam eval`: the labels of MANIFEST.tsv against the reps and
faults found, per clip and in total, printed as a table."""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hingecam.core.datatypes import AnalysisResult, Exercise, Outcome, Rep
from hingecam.core.faults import MAIN_FAULTS, Fault
from hingecam.core.profiles import PROFILES
from hingecam.errors import InputError

LABELLED_FAULTS = tuple(f.value for f in MAIN_FAULTS)

AMBER_MARK = "?"
"""After a fault flagged only tentatively (amber) in the per-rep column."""

RECOGNITION_MARKS = {"ok": " ", "unsure": "?", "wrong": "!", "": " "}
"""After the exercise an auto run used: recognised as labelled, unsure (the
generic hinge), recognised wrong."""
"""The fault vocabulary of MANIFEST.tsv's `faults` column (besides none/unsure)."""


@dataclass(frozen=True)
class ClipLabel:
    """One MANIFEST.tsv row (only the columns hingecam reads)."""

    file: str
    view: str
    exercise: str
    reps: int
    faults: tuple[str, ...]  # () for none; ("unsure",) for unsure

    @property
    def unsure(self) -> bool:
        return "unsure" in self.faults


def read_manifest(folder: Path) -> list[ClipLabel]:
    """Rows of folder/MANIFEST.tsv; extra columns are ignored.

    Raises:
        InputError: no manifest, not UTF-8 text, no rows, a required column
            missing, or a row without a file or with a reps count that is not
            a whole number >= 0 (quoting the line).
    """
    path = Path(folder) / "MANIFEST.tsv"
    if not path.is_file():
        raise InputError(f"{path}: no MANIFEST.tsv in {folder}")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            rows = list(reader)
            columns = set(reader.fieldnames or ())
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a tab-separated text file ({exc})") from None
    required = {"file", "view", "exercise", "reps", "faults"}
    if not required <= columns:
        missing = sorted(required - columns)
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    if not rows:
        raise InputError(f"{path}: no clips listed")
    labels = []
    for line, row in enumerate(rows, start=2):
        reps = (row["reps"] or "").strip()
        if not (row["file"] or "").strip() or not reps.isdigit():
            raise InputError(
                f"{path}: line {line}: needs a file name and a whole number of "
                f"reps, got file={row['file']!r} reps={row['reps']!r}"
            )
        faults = tuple(
            f.strip()
            for f in (row["faults"] or "").replace(";", ",").split(",")
            if f.strip()
        )
        labels.append(
            ClipLabel(
                file=row["file"].strip(),
                view=(row["view"] or "").strip(),
                exercise=(row["exercise"] or "").strip(),
                reps=int(reps),
                faults=tuple(f for f in faults if f != "none"),
            )
        )
    return labels


def _labelled_exercise(label: ClipLabel) -> Exercise | None:
    try:
        exercise = Exercise(label.exercise)
    except ValueError:
        return None
    return None if exercise is Exercise.AUTO else exercise


def exercise_for(label: ClipLabel, requested: Exercise | None) -> Exercise:
    """The profile to analyze a clip with: the one asked for, else the clip's own
    exercise when hingecam has a profile for it, else auto."""
    if requested is not None:
        return requested
    try:
        return Exercise(label.exercise)
    except ValueError:
        return Exercise.AUTO


def judged_alike(a: Exercise, b: Exercise) -> bool:
    """Two profiles that count and judge the same way (a good morning and a
    dowel hinge drill): recognising one for the other changes no figure."""
    pa, pb = PROFILES[a], PROFILES[b]
    return dataclasses.replace(pa, exercise=pb.exercise, label=pb.label) == pb


def faults_found(rep: Rep) -> tuple[str, ...]:
    """Labelled-vocabulary faults a rep was flagged for."""
    return tuple(
        c.fault.value
        for c in rep.checks
        if c.outcome is Outcome.FLAGGED and c.fault in MAIN_FAULTS
    )


def amber_found(rep: Rep) -> tuple[str, ...]:
    """The faults of faults_found() flagged only tentatively (amber: "check
    your back"), not as the fault itself."""
    return tuple(
        c.fault.value
        for c in rep.checks
        if c.outcome is Outcome.FLAGGED and c.fault in MAIN_FAULTS and c.tentative
    )


def red(found: tuple[str, ...], amber: tuple[str, ...]) -> bool:
    """A rep flagged red: a labelled-vocabulary fault not only tentatively."""
    return bool(set(found) - set(amber))


def extra_cues(rep: Rep) -> tuple[str, ...]:
    """Flagged extra cues (shallow hinge, lean-back, head), outside the label vocabulary."""
    return tuple(
        c.fault.value
        for c in rep.checks
        if c.outcome is Outcome.FLAGGED and c.fault not in MAIN_FAULTS
    )


@dataclass
class ClipScore:
    label: ClipLabel
    exercise: Exercise
    result: AnalysisResult | None
    error: str | None = None
    per_rep: list[tuple[str, ...]] = field(default_factory=list)
    extras: list[tuple[str, ...]] = field(default_factory=list)
    amber: list[tuple[str, ...]] = field(default_factory=list)

    def flags(self) -> list[tuple[bool, bool]]:
        """Per rep: (flagged red, flagged amber only)."""
        amber = self.amber or [()] * len(self.per_rep)
        return [
            (red(f, a), bool(f) and not red(f, a))
            for f, a in zip(self.per_rep, amber, strict=True)
        ]

    @property
    def reps_counted(self) -> int:
        return len(self.result.reps) if self.result else 0

    @property
    def used(self) -> Exercise | None:
        """The profile the clip was judged with (recognised, with auto)."""
        return self.result.exercise if self.result else None

    @property
    def recognition(self) -> str:
        """With auto: "ok" when the exercise recognised judges like the label's,
        "unsure" when none was recognised, "wrong" otherwise; "" when named or
        when the label has no profile or no rep (nothing to read it from)."""
        used, labelled = self.used, _labelled_exercise(self.label)
        if self.exercise is not Exercise.AUTO or used is None or labelled is None:
            return ""
        if not self.label.reps:
            return ""
        if used is Exercise.AUTO:
            return "unsure"
        return "ok" if judged_alike(used, labelled) else "wrong"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.label.file,
            "view_labelled": self.label.view,
            "exercise": self.exercise.value,
            "exercise_used": self.used.value if self.used else None,
            "recognition": self.recognition or None,
            "reps_labelled": self.label.reps,
            "reps_counted": self.reps_counted,
            "faults_labelled": list(self.label.faults) or ["none"],
            "faults_found": [list(f) for f in self.per_rep],
            "faults_amber": [list(f) for f in self.amber],
            "extra_cues": [list(f) for f in self.extras],
            "view": self.result.view.value if self.result else "unknown",
            "error": self.error,
        }


def score(scores: Sequence[ClipScore]) -> dict[str, Any]:
    """Totals: exact rep rate, per-fault precision/recall over reps, false alarms.

    Precision and recall count reps of clips whose label is not `unsure`: a rep
    of a clip labelled with fault F is a positive for F; every other rep of a
    labelled clip is a negative for F. The false alarm rate is the share of reps
    of side-view clips labelled `none` that got any labelled-vocabulary fault.
    """
    done = [s for s in scores if s.result is not None]
    exact = [s.reps_counted == s.label.reps for s in done]
    side = [s for s in done if s.label.view == "side"]
    side_exact = [s.reps_counted == s.label.reps for s in side]
    faults: dict[str, dict[str, float | int | None]] = {}
    for fault in LABELLED_FAULTS:
        tp = fp = fn = 0
        for s in done:
            if s.label.unsure:
                continue
            positive = fault in s.label.faults
            found = [fault in f for f in s.per_rep]
            tp += sum(found) if positive else 0
            fp += 0 if positive else sum(found)
            fn += (len(found) - sum(found)) if positive else 0
        faults[fault] = {
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
    clean = [f for s in side if not s.label.faults for f in s.flags()]
    flagged_clean = sum(1 for r, _ in clean if r)
    amber_clean = sum(1 for _, a in clean if a)
    off_side_rounded = sum(
        1
        for s in done
        if s.label.view != "side" and not s.label.faults
        for f in s.per_rep
        if Fault.ROUNDED_SPINE.value in f
    )
    read = [s.recognition for s in done if s.recognition]
    return {
        "clips": len(scores),
        "exercise_recognised_rate": read.count("ok") / len(read) if read else None,
        "exercise_recognised": {k: read.count(k) for k in ("ok", "unsure", "wrong")}
        if read
        else None,
        "clips_failed": len(scores) - len(done),
        "rep_exact_rate": sum(exact) / len(exact) if exact else None,
        "rep_exact_rate_side": sum(side_exact) / len(side_exact)
        if side_exact
        else None,
        "faults": faults,
        "false_alarm_rate": flagged_clean / len(clean) if clean else None,
        "false_alarm_reps": flagged_clean,
        "amber_clean_reps": amber_clean,
        "clean_side_reps": len(clean),
        "rounded_spine_off_side_none": off_side_rounded,
    }


def _fmt(value: float | None) -> str:
    return (
        "  -  "
        if value is None or (isinstance(value, float) and math.isnan(value))
        else f"{value:5.2f}"
    )


def print_table(
    scores: Sequence[ClipScore], totals: dict[str, Any], out: Any = None
) -> None:
    w = max([len(s.label.file) for s in scores] + [4])
    print(
        f"{'clip':<{w}}  view(lab/det)   exercise      reps lab/cnt  faults labelled -> found per rep",
        file=out,
    )
    for s in scores:
        if s.result is None:
            print(f"{s.label.file:<{w}}  ERROR: {s.error}", file=out)
            continue
        mark = "ok" if s.reps_counted == s.label.reps else "!!"
        amber = s.amber or [()] * len(s.per_rep)
        found = (
            " ".join(
                "+".join(x + AMBER_MARK * (x in a) for x in f) if f else "-"
                for f, a in zip(s.per_rep, amber, strict=True)
            )
            or "(no reps)"
        )
        labelled = ",".join(s.label.faults) or "none"
        used = s.result.exercise.value
        if s.exercise is Exercise.AUTO:
            used = f"{used}{RECOGNITION_MARKS[s.recognition]}"
        print(
            f"{s.label.file:<{w}}  {s.label.view:>5}/{s.result.view.value:<8} {used:<13}"
            f"{s.label.reps:>3}/{s.reps_counted:<3} {mark}  {labelled} -> {found}",
            file=out,
        )
    print("", file=out)
    if totals["exercise_recognised"]:
        n = totals["exercise_recognised"]
        print(
            f"exercise recognised: {_fmt(totals['exercise_recognised_rate'])} of clips "
            f"with reps labelled ({n['ok']} ok, {n['unsure']} unsure: a generic hinge, "
            f"{n['wrong']} wrong)",
            file=out,
        )
    print(
        f"exact rep count: {_fmt(totals['rep_exact_rate'])} of all clips, "
        f"{_fmt(totals['rep_exact_rate_side'])} of side-view clips",
        file=out,
    )
    for fault, m in totals["faults"].items():
        print(
            f"{fault:<16} precision {_fmt(m['precision'])}  recall {_fmt(m['recall'])}  "
            f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']}; reps)",
            file=out,
        )
    print(
        f"false alarms on side-view 'none' clips: {_fmt(totals['false_alarm_rate'])} "
        f"({totals['false_alarm_reps']} of {totals['clean_side_reps']} reps red; "
        f"{totals['amber_clean_reps']} amber: a check to make, not a fault)",
        file=out,
    )
    print(
        f"rounded spine flagged on non-side 'none' clips: {totals['rounded_spine_off_side_none']} reps",
        file=out,
    )
    if totals["clips_failed"]:
        print(f"clips that failed: {totals['clips_failed']}", file=out)
