"""Rep cards and verdict chips of the report page: one rep -> the plain values
its card and chip show (report/context.py lays out the rest of the page)."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hingecam.core.datatypes import Check, Outcome, Rep, VerdictKind
from hingecam.core.faults import Fault
from hingecam.report.build import peak_label
from hingecam.report.jpeg import jpeg_size
from hingecam.report.wording import (
    SYMBOLS,
    and_list,
    cap,
    clock,
    num,
    secs,
    sentence,
    vs_limit,
)

_CARD_PEAKS = (
    "trunk_incline_bottom_deg",
    "hip_flexion_max_deg",
    "knee_flexion_bottom_deg",
    "shin_incline_bottom_deg",
    "spine_bow_max_norm",
    "stoop_squat_index",
)
"""Peaks shown on a rep's card, in this order (all are in report.json)."""


@dataclass(frozen=True, slots=True)
class Chip:
    """A verdict chip: CSS class (clean, fault, warning, note, not-judged) and text."""

    cls: str
    label: str
    rep: int
    title: str = ""


@dataclass(frozen=True, slots=True)
class CardCheck:
    """A judged check on a rep card."""

    outcome: str
    severity: str
    symbol: str
    name: str
    measured: str
    why: str
    cue: str
    sure: str = ""
    sure_level: str = ""


@dataclass(frozen=True, slots=True)
class Card:
    """One rep card: thumbnail (base64 JPEG or ''), times, peaks and checks."""

    index: int
    thumbnail_b64: str
    thumbnail_wh: tuple[int, int] | None
    chip: Chip
    times: str
    length: str
    down: str
    up: str
    peaks: tuple[tuple[str, str], ...]
    checks: tuple[CardCheck, ...]
    not_judged: tuple[tuple[str, str], ...]  # (the checks, and why), per reason


def chip(rep: Rep, title: str = "") -> Chip:
    verdict = rep.verdict
    if verdict.kind is VerdictKind.CLEAN:
        cls = "clean"
    else:
        cls = "not-judged" if verdict.severity is None else verdict.severity.value
    return Chip(cls, verdict.label, rep.index, title)


def checked_faults(reps: Iterable[Rep]) -> list[Fault]:
    """Faults that appear in any rep's checks, in enum order."""
    seen = {c.fault for r in reps for c in r.checks}
    return [f for f in Fault if f in seen]


def card_check(check: Check) -> CardCheck:
    flagged = check.outcome is Outcome.FLAGGED
    measured = ""
    if math.isfinite(check.measured):
        measured = " · {} (limit {})".format(*vs_limit(check))
    return CardCheck(
        check.outcome.value,
        check.severity.value,
        SYMBOLS[check.outcome],
        check.label.capitalize(),
        measured,
        sentence(check.reason) if flagged and check.reason else "",
        cap(check.cue) if flagged and check.cue else "",
        cap(check.confidence.words) if check.confidence is not None else "",
        check.confidence.level.value if check.confidence is not None else "",
    )


def card(rep: Rep, thumbnail: bytes | None, said: frozenset[tuple[Fault, str]]) -> Card:
    peaks: list[tuple[str, str]] = []
    peak_values = rep.peaks.to_dict()
    names = [n for n in _CARD_PEAKS if n in peak_values] or list(peak_values)
    for name in names:
        value = peak_values.get(name)
        if value is None or not math.isfinite(value):
            continue
        label, unit = peak_label(name)
        peaks.append((label, num(value, unit)))
    judged: list[Check] = []
    skipped: list[Check] = []
    for fault in checked_faults([rep]):
        check = rep.check(fault)
        if check is not None:
            (skipped if check.outcome is Outcome.NOT_JUDGED else judged).append(check)
    judged.sort(key=lambda c: c.outcome is not Outcome.FLAGGED)
    return Card(
        rep.index,
        base64.b64encode(thumbnail).decode("ascii") if thumbnail else "",
        jpeg_size(thumbnail) if thumbnail else None,
        chip(rep),
        f"{clock(rep.start_s)}–{clock(rep.end_s)}",
        secs(rep.duration_s),
        secs(rep.descent_s),
        secs(rep.ascent_s),
        tuple(peaks),
        tuple(card_check(c) for c in judged),
        _not_judged_why(skipped, said),
    )


def _not_judged_why(
    skipped: Sequence[Check], said: frozenset[tuple[Fault, str]]
) -> tuple[tuple[str, str], ...]:
    """The checks a rep could not be judged on, grouped by the reason given
    (as the set's notes group them), so a rep card says why; a reason the
    set's notes already give for every rep (`said`: fault and reason) is not
    repeated on each card."""
    by_reason: dict[str, list[str]] = {}
    for check in skipped:
        reason = "" if (check.fault, check.reason) in said else check.reason
        by_reason.setdefault(reason, []).append(check.fault.label)
    return tuple(
        (and_list(labels), sentence(reason) if reason else "")
        for reason, labels in by_reason.items()
    )


def portrait(thumbnails: Iterable[bytes]) -> bool:
    """Whether most thumbnails are tall (phone video): they go beside the text."""
    sizes = [jpeg_size(t) for t in thumbnails]
    tall = sum(1 for wh in sizes if wh is not None and wh[1] > wh[0])
    return tall * 2 > len(sizes)
