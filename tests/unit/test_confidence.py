"""A judged check's confidence: view, share of the rep seen, margin past the limit."""

from __future__ import annotations

import math

from hingecam.core.confidence import rate
from hingecam.core.datatypes import Check, Outcome, Severity, Sureness, View
from hingecam.core.faults import Fault
from hingecam.core.rep_window import ViewShare
from hingecam.core.thresholds import Thresholds

TH = Thresholds()


def _check(measured: float, outcome: Outcome = Outcome.FLAGGED) -> Check:
    return Check(
        Fault.SQUAT_PATTERN, outcome, measured, 50.0, "0..100", 1.0, 30,
        Severity.FAULT, "cue", "reason",
    )  # fmt: skip


def test_a_clear_side_view_verdict_is_high() -> None:
    sure = rate(_check(20.0), ViewShare.of((View.SIDE,) * 10), TH)
    assert sure is not None and sure.level is Sureness.HIGH
    assert sure.margin_ratio == 0.6 and sure.seen_share == 1.0
    assert sure.words.startswith("high confidence: a side view")


def test_an_oblique_view_is_never_high_and_says_so() -> None:
    sure = rate(_check(20.0), ViewShare.of((View.OBLIQUE,) * 10), TH)
    assert sure is not None and sure.level is Sureness.MEDIUM
    assert "an oblique view" in sure.words


def test_a_close_call_on_a_rep_half_seen_is_low() -> None:
    views = (View.SIDE,) * 5 + (View.UNKNOWN,) * 5
    sure = rate(_check(48.0), ViewShare.of(views), TH)
    assert sure is not None and sure.level is Sureness.LOW
    assert sure.seen_share == 0.5


def test_a_not_judged_check_has_no_confidence() -> None:
    assert (
        rate(_check(math.nan, Outcome.NOT_JUDGED), ViewShare.of((View.SIDE,)), TH)
        is None
    )
