"""How sure a verdict is: a judged check, its rep's views and the thresholds ->
a Confidence (the view it came from, how much of the rep was seen, the margin)."""

from __future__ import annotations

import dataclasses
import math

from hingecam.core.datatypes import Check, Confidence, Outcome, Sureness, View
from hingecam.core.thresholds import Thresholds


def rate(check: Check, views: tuple[View, ...], th: Thresholds) -> Confidence | None:
    """The confidence of a judged check (None when it was not judged).

    Args:
        check: the check.
        views: the rep's per-frame views (UNKNOWN where the lifter was not seen).
        th: confidence_min_seen_share, confidence_min_margin_ratio.
    """
    if check.outcome is Outcome.NOT_JUDGED:
        return None
    known: list[View] = [v for v in views if v is not View.UNKNOWN]
    seen = len(known) / len(views) if views else 0.0
    view = max(set(known), key=known.count) if known else View.UNKNOWN
    margin = (
        abs(check.measured - check.threshold) / abs(check.threshold)
        if math.isfinite(check.measured) and check.threshold
        else math.nan
    )
    steps = (
        view is not View.SIDE,
        seen < th.confidence_min_seen_share,
        not margin >= th.confidence_min_margin_ratio,
    )
    level = (Sureness.HIGH, Sureness.MEDIUM, Sureness.LOW)[min(sum(steps), 2)]
    return Confidence(level, view, seen, margin)


def with_confidence(
    checks: tuple[Check, ...], views: tuple[View, ...], th: Thresholds
) -> tuple[Check, ...]:
    """The checks, each judged one carrying its Confidence."""
    return tuple(dataclasses.replace(c, confidence=rate(c, views, th)) for c in checks)
