"""One set's report.json (a parsed dict) -> the few numbers the practice diary
needs (a SetRow): who, which exercise, when, reps, faults, its best and worst rep.
Read leniently across schema versions; pure (no files)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hingecam.core.faults import Fault
from hingecam.core.recorded import (
    NOT_RECORDED,
    Recorded,
    RecordedFrom,
    from_timestamp,
    iso_text,
    local,
    parse_time,
)
from hingecam.report.wording import day_time

LIVE_FOLDER = re.compile(r"^live-(\d{8}-\d{6})(?:-\d+)?$")
"""A live session's folder name (app/output_names.session_folder): its start."""

SEVERITY_RANK = {"note": 0, "warning": 1, "fault": 2}
"""report.json severities, least to most (core Severity.rank)."""

_FAULT_ORDER = {f.value: i for i, f in enumerate(Fault)}


def fault_label(fault: str) -> str:
    """A fault's words ("rounded spine"); a name this version does not know
    (a newer report) in words of its own."""
    try:
        return Fault(fault).label
    except ValueError:
        return fault.replace("_", " ")


def fault_rank(fault: str) -> tuple[int, int]:
    """Sort key: the registry's order, names it does not know after, by name."""
    return (0, _FAULT_ORDER[fault]) if fault in _FAULT_ORDER else (1, 0)


def fault_severity(fault: str) -> int:
    """How much a fault matters when flagged (SEVERITY_RANK); 0 if unknown."""
    try:
        return Fault(fault).spec.severity.rank
    except ValueError:
        return 0


@dataclass(frozen=True, slots=True)
class FaultCount:
    """One fault over some reps: on how many it was judged, and flagged.

    Attributes:
        fault: the fault's report.json name ("rounded_spine").
        flagged: reps it was flagged on (a tentative "check your back" included,
            as report.json's `fault_counts` counts it).
        judged: reps it was judged on (ok or flagged).
    """

    fault: str
    flagged: int
    judged: int

    @property
    def label(self) -> str:
        """The fault in words."""
        return fault_label(self.fault)

    @property
    def rate(self) -> float | None:
        """flagged / judged, or None when never judged."""
        return self.flagged / self.judged if self.judged else None


@dataclass(frozen=True, slots=True)
class SetNumbers:
    """A set's (or several sets') reps in numbers.

    Attributes:
        reps: reps counted.
        judged: reps on which at least one check was judged.
        clean: reps judged with nothing flagged.
        faults: per fault, in registry order.
    """

    reps: int
    judged: int
    clean: int
    faults: tuple[FaultCount, ...]

    def flagged(self, fault: str) -> int:
        """Reps `fault` was flagged on."""
        return next((f.flagged for f in self.faults if f.fault == fault), 0)

    @property
    def clean_share(self) -> float | None:
        """clean / judged, or None when no rep was judged."""
        return self.clean / self.judged if self.judged else None


def main_focus(numbers: SetNumbers) -> str | None:
    """The fault flagged on the most reps (ties: the more severe, then the
    registry's order), or None when nothing was flagged."""
    flagged = [f for f in numbers.faults if f.flagged]
    if not flagged:
        return None
    best = max(
        flagged,
        key=lambda f: (
            f.flagged,
            fault_severity(f.fault),
            [-x for x in fault_rank(f.fault)],
        ),
    )
    return best.fault


def combine(parts: Iterable[SetNumbers]) -> SetNumbers:
    """Several sets' numbers added up (faults in registry order)."""
    reps = judged = clean = 0
    flagged: dict[str, int] = {}
    seen: dict[str, int] = {}
    for n in parts:
        reps, judged, clean = reps + n.reps, judged + n.judged, clean + n.clean
        for f in n.faults:
            flagged[f.fault] = flagged.get(f.fault, 0) + f.flagged
            seen[f.fault] = seen.get(f.fault, 0) + f.judged
    names = sorted(flagged, key=lambda f: (fault_rank(f), f))
    return SetNumbers(
        reps, judged, clean, tuple(FaultCount(f, flagged[f], seen[f]) for f in names)
    )


@dataclass(frozen=True, slots=True)
class RepPick:
    """A rep worth showing (a set's best or worst), with where to find it.

    Attributes:
        folder: the set folder's name.
        rep: the rep's 1-based index.
        t_s: the moment that shows it best (its most severe flag, else its
            bottom), in seconds of the set's clock, as its pose track's `t_s`
            (a live track skips frames: frame numbers are not its rows).
        verdict: the rep's verdict in words.
        severity: its most severe flag, or None when clean.
        side: the near side of the set ("left", "right") or None.
        recorded_at: when the set was performed, or None.
        score: higher is better (a best pick) or worse (a worst pick).
    """

    folder: str
    rep: int
    t_s: float
    verdict: str
    severity: str | None
    side: str | None
    recorded_at: datetime | None
    score: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SetRow:
    """One set as the diary reads it.

    Attributes:
        folder: the set folder's name.
        athlete: who performed it ("" when not recorded).
        exercise: the exercise it was judged as (`meta.exercise.used`).
        recorded: when it was performed, and how that is known.
        numbers: its reps and faults.
        best, worst: its best clean rep and its worst flagged rep, if any.
    """

    folder: str
    athlete: str
    exercise: str
    recorded: Recorded
    numbers: SetNumbers
    best: RepPick | None = None
    worst: RepPick | None = None


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} is not an object")
    return value


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} is not a number")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} is {value!r}")
    return int(value)


def set_numbers(summary: Mapping[str, Any]) -> SetNumbers:
    """A report's `summary` (or a `last_time` of the same shape) in numbers.

    Raises:
        TypeError, ValueError: not a hingecam summary.
    """
    summary = _mapping(summary, "summary")
    reps = _count(summary.get("rep_count", 0), "summary.rep_count")
    unjudged = _count(summary.get("reps_not_judged", 0), "summary.reps_not_judged")
    counts = _mapping(summary.get("fault_counts") or {}, "summary.fault_counts")
    faults = []
    for fault in sorted(counts, key=lambda f: (fault_rank(f), f)):
        c = _mapping(counts[fault], f"fault_counts.{fault}")
        flagged = _count(c.get("flagged", 0), f"fault_counts.{fault}.flagged")
        ok = _count(c.get("ok", 0), f"fault_counts.{fault}.ok")
        faults.append(FaultCount(str(fault), flagged, ok + flagged))
    return SetNumbers(
        reps=reps,
        judged=max(0, reps - unjudged),
        clean=_count(summary.get("reps_clean", 0), "summary.reps_clean"),
        faults=tuple(faults),
    )


def recorded_of(folder: str, meta: Mapping[str, Any]) -> Recorded:
    """When a set was performed: `meta.recorded` (schema 1.4); for an older
    report, its input file's mtime (`meta.input`, 1.2) or, for a live session,
    its folder's name (live-YYYYmmdd-HHMMSS, local time); else unknown."""
    recorded = meta.get("recorded")
    if isinstance(recorded, Mapping):
        return Recorded.from_text(recorded.get("at"), recorded.get("from"))
    made_from = meta.get("input")
    if isinstance(made_from, Mapping):
        mtime_ns = made_from.get("mtime_ns")
        if isinstance(mtime_ns, int) and not isinstance(mtime_ns, bool):
            try:
                return Recorded(from_timestamp(mtime_ns / 1e9), RecordedFrom.FILE_MTIME)
            except (OverflowError, OSError, ValueError):
                return NOT_RECORDED
    match = LIVE_FOLDER.match(folder)
    if match:
        try:
            start = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
        except ValueError:
            return NOT_RECORDED
        return Recorded(local(start.astimezone()), RecordedFrom.LIVE_START)
    return NOT_RECORDED


def _checks(rep: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    checks = rep.get("checks")
    if not isinstance(checks, list):
        return []
    return [c for c in checks if isinstance(c, Mapping)]


def _margin(check: Mapping[str, Any]) -> float:
    confidence = check.get("confidence")
    value = confidence.get("margin_ratio") if isinstance(confidence, Mapping) else None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return 0.0


def _index(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _seconds(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if math.isfinite(value) else None
    return None


def _picks(
    folder: str, reps: Any, side: str | None, at: datetime | None
) -> tuple[RepPick | None, RepPick | None]:
    """The set's best rep (clean, most checks judged, then the widest margin
    from a limit) and its worst (most severe flag, then most sure flags, then
    most flags, then the widest margin past a limit)."""
    best: RepPick | None = None
    worst: RepPick | None = None
    for rep in reps if isinstance(reps, list) else ():
        if not isinstance(rep, Mapping) or _index(rep.get("index")) is None:
            continue
        checks = _checks(rep)
        flags = [c for c in checks if c.get("outcome") == "flagged"]
        judged = [c for c in checks if c.get("outcome") in ("ok", "flagged")]
        bottom = _seconds(rep.get("bottom_s"))
        if flags:
            top = max(flags, key=lambda c: SEVERITY_RANK.get(str(c.get("severity")), 0))
            moment = _seconds(top.get("t_s"))
            score: tuple[float, ...] = (
                SEVERITY_RANK.get(str(top.get("severity")), 0),
                sum(not c.get("tentative") for c in flags),
                len(flags),
                max(_margin(c) for c in flags),
            )
        elif judged:
            moment, score = bottom, (len(judged), min(_margin(c) for c in judged))
        else:
            continue
        pick = RepPick(
            folder,
            int(rep["index"]),
            moment if moment is not None else (bottom or 0.0),
            str(rep.get("verdict", "")),
            str(rep["severity"]) if rep.get("severity") else None,
            side,
            at,
            score,
        )
        if flags and (worst is None or pick.score > worst.score):
            worst = pick
        if not flags and (best is None or pick.score > best.score):
            best = pick
    return best, worst


def set_row(folder: str, report: Mapping[str, Any]) -> SetRow:
    """One set folder's report.json as the diary reads it.

    Args:
        folder: the set folder's name.
        report: its parsed report.json (any schema version).

    Raises:
        TypeError, ValueError: not a hingecam report (its meta or summary
            missing or of the wrong types).
    """
    report = _mapping(report, "the report")
    meta = _mapping(report.get("meta"), "meta")
    numbers = set_numbers(_mapping(report.get("summary"), "summary"))
    exercise = meta.get("exercise")
    used = exercise.get("used") if isinstance(exercise, Mapping) else None
    athlete = meta.get("athlete")
    side = meta.get("side")
    recorded = recorded_of(folder, meta)
    best, worst = _picks(
        folder,
        report.get("reps"),
        side if isinstance(side, str) else None,
        recorded.at,
    )
    return SetRow(
        folder=folder,
        athlete=athlete.strip() if isinstance(athlete, str) else "",
        exercise=used if isinstance(used, str) else "",
        recorded=recorded,
        numbers=numbers,
        best=best,
        worst=worst,
    )


def last_time(row: SetRow) -> dict[str, Any]:
    """report.json `summary.last_time`: the set a live session is compared
    with (see docs/report-schema.md)."""
    n = row.numbers
    return {
        "set": row.folder,
        "recorded_at": iso_text(row.recorded.at),
        "rep_count": n.reps,
        "reps_judged": n.judged,
        "reps_clean": n.clean,
        "faults_flagged": {f.fault: f.flagged for f in n.faults if f.flagged},
    }


def last_numbers(last: Mapping[str, Any]) -> SetNumbers:
    """A stored `summary.last_time` back in numbers (faults: flagged only)."""
    reps = _count(last.get("rep_count", 0), "last_time.rep_count")
    judged = _count(last.get("reps_judged", 0), "last_time.reps_judged")
    flagged = _mapping(last.get("faults_flagged") or {}, "last_time.faults_flagged")
    return SetNumbers(
        reps=reps,
        judged=judged,
        clean=_count(last.get("reps_clean", 0), "last_time.reps_clean"),
        faults=tuple(
            FaultCount(str(f), _count(n, f"faults_flagged.{f}"), 0)
            for f, n in sorted(flagged.items(), key=lambda kv: fault_rank(kv[0]))
        ),
    )


def since_last(this: SetNumbers, last: SetNumbers) -> str:
    """This set against the last one, in counts: "clean reps 7 of 10, last time
    4 of 10; rounded spine 2, last time 6" (of the reps judged; each fault
    flagged either time, in registry order)."""
    parts = [
        f"clean reps {this.clean} of {this.judged}, last time {last.clean} of {last.judged}"
    ]
    names = {f.fault for f in (*this.faults, *last.faults) if f.flagged}
    for fault in sorted(names, key=lambda f: (fault_rank(f), f)):
        parts.append(
            f"{fault_label(fault)} {this.flagged(fault)}, last time {last.flagged(fault)}"
        )
    return "; ".join(parts)


def since_last_of(summary: Mapping[str, Any]) -> tuple[str, str] | None:
    """A report summary's comparison with its `last_time`, as the report page
    and the live summary line say it: (the line, which set it was and when:
    "live-20250304-180200, 04 Mar 2025, 18:02"); None without one (or with a
    damaged one)."""
    last = summary.get("last_time")
    if not isinstance(last, Mapping):
        return None
    try:
        line = since_last(set_numbers(summary), last_numbers(last))
    except (TypeError, ValueError):
        return None
    return (
        line,
        f"{last.get('set', '')}, {day_time(parse_time(last.get('recorded_at')))}",
    )
