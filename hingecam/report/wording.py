"""Report wording: measured values, times and check evidence as short plain text."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from hingecam.core.datatypes import Check, Outcome, VideoInfo
from hingecam.core.recorded import Recorded, parse_time

OUTCOME_WORDS: Mapping[Outcome, str] = {
    Outcome.OK: "ok",
    Outcome.FLAGGED: "flagged",
    Outcome.NOT_JUDGED: "not judged",
}
SYMBOLS: Mapping[Outcome, str] = {
    Outcome.OK: "✓",
    Outcome.FLAGGED: "⚠",
    Outcome.NOT_JUDGED: "—",
}


def cap(text: str) -> str:
    """First letter upper-case: rules word cues and reasons in lower case."""
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """Capitalised, with a full stop unless it already ends a sentence."""
    text = cap(text.strip())
    return text if not text or text[-1] in ".!?" else text + "."


def num(value: float | None, unit: str) -> str:
    """A measured value in plain words: 23°, 0.13, 1.4x; an em dash if missing."""
    if value is None or not math.isfinite(value):
        return "—"
    if unit == "deg":
        return f"{value:.0f}°"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "ratio":
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"
    if unit in ("0..100", "%"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def vs_limit(check: Check) -> tuple[str, str]:
    """Measured and limit as text, with enough digits to tell them apart."""
    measured = num(check.measured, check.unit)
    limit = num(check.threshold, check.unit)
    if measured == limit and check.measured != check.threshold:
        for digits in (1, 2, 3):
            measured = f"{check.measured:.{digits}f}"
            limit = f"{check.threshold:.{digits}f}"
            if measured != limit:
                break
        if check.unit == "deg":
            measured, limit = measured + "°", limit + "°"
    return measured, limit


def secs(value: float) -> str:
    """A duration as '1.4 s', or an em dash if missing."""
    return "—" if not math.isfinite(value) else f"{value:.1f} s"


def rate_words(video: VideoInfo) -> str:
    """ " at 30 fps" (3 significant digits: 0.5, 29.97 -> 30); from the frames
    and duration when the container gives no rate; "" when neither is known."""
    if video.fps > 0:
        return f" at {video.fps:.3g} fps"
    if video.frames > 0 and video.duration_s > 0:
        return f" at about {video.frames / video.duration_s:.3g} fps"
    return ""


def clock(value: float) -> str:
    """Seconds as m:ss.s for times within a video."""
    if not math.isfinite(value):
        return "—"
    m, s = divmod(max(value, 0.0), 60.0)
    return f"{int(m)}:{s:04.1f}"


def evidence(check: Check) -> str:
    """Text behind a table cell's tooltip: outcome, measured vs limit, reason."""
    words = OUTCOME_WORDS[check.outcome]
    parts = [f"{check.label.capitalize()}: {words}."]
    if check.outcome is not Outcome.NOT_JUDGED and math.isfinite(check.measured):
        measured, limit = vs_limit(check)
        parts.append(
            f"Measured {measured} (limit {limit})"
            + (f" at {clock(check.t_s)}" if math.isfinite(check.t_s) else "")
            + "."
        )
    if check.reason:
        parts.append(sentence(check.reason))
    if check.confidence is not None:
        parts.append(sentence(check.confidence.words))
    return " ".join(parts)


def when(created_utc: str | None) -> str:
    """ "2025-03-04T05:06:07Z" as "04 Mar 2025, 05:06 UTC"."""
    created = created_utc or ""
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return created
    return moment.strftime("%d %b %Y, %H:%M UTC")


def day_time(at: datetime | str | None) -> str:
    """An aware time (or ISO 8601 text) as "04 Mar 2025, 06:06" in its own
    offset (the local time it was stored with); "unknown" when missing."""
    moment = parse_time(at) if isinstance(at, str) or at is None else at
    return "unknown" if moment is None else moment.strftime("%d %b %Y, %H:%M")


def recorded_words(recorded: Recorded) -> str:
    """When a set was performed and how that is known: "04 Mar 2025, 06:06
    (the video's own recording time)"; "unknown" when it is not."""
    if recorded.at is None:
        return "unknown"
    return f"{day_time(recorded.at)} ({recorded.source.words})"


def article(noun: str) -> str:
    """'a side view', 'an oblique view'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def and_list(items: list[str]) -> str:
    """'1, 2 and 3'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
