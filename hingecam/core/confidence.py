"""How sure a verdict is: a judged check, how its rep was seen and the
thresholds -> a Confidence (the view it came from, how much of the rep was seen,
the margin)."""

from __future__ import annotations

import math

from hingecam.core.datatypes import Check, Confidence, Outcome, Sureness, View
from hingecam.core.rep_window import ViewShare
from hingecam.core.thresholds import Thresholds


def rate(check: Check, share: ViewShare, th: Thresholds) -> Confidence | None:
    """The confidence of a judged check (None when it was not judged).

    Args:
        check: the check.
        share: how the camera saw the check's rep.
        th: confidence_min_seen_share, confidence_min_margin_ratio.
    """
    if check.outcome is Outcome.NOT_JUDGED:
        return None
    margin = (
        abs(check.measured - check.threshold) / abs(check.threshold)
        if math.isfinite(check.measured) and check.threshold
        else math.nan
    )
    steps = (
        share.dominant is not View.SIDE,
        share.seen < th.confidence_min_seen_share,
        not margin >= th.confidence_min_margin_ratio,
    )
    level = (Sureness.HIGH, Sureness.MEDIUM, Sureness.LOW)[min(sum(steps), 2)]
    return Confidence(level, share.dominant, share.seen, margin)
