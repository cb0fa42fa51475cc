"""When a set was performed: a recording time as text (a video's metadata, a pose
track's header, a report) -> an aware datetime, and back as ISO 8601 with its UTC
offset; where the time came from."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

UNSET_BEFORE_YEAR = 1971
"""A recording time earlier than this year (a calendar year) is no time: an mp4
whose recording time was never set holds its epoch, 1904-01-01 (ISO/IEC
14496-12), and some muxers write the Unix epoch, 1970-01-01."""

_OFFSET_NO_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


class RecordedFrom(str, enum.Enum):
    """Where a set's recording time came from (report.json `meta.recorded.from`)."""

    VIDEO_METADATA = "video_metadata"  # the container's creation_time
    FILE_MTIME = "file_mtime"  # the input file's modification time
    LIVE_START = "live_start"  # the live session's start
    UNKNOWN = "unknown"

    @property
    def words(self) -> str:
        """How the report names the source: "the video's own recording time"."""
        return _WORDS[self]

    def __str__(self) -> str:  # printed as the string it replaced
        return str(self.value)


_WORDS = {
    RecordedFrom.VIDEO_METADATA: "the video's own recording time",
    RecordedFrom.FILE_MTIME: "the file's modification time",
    RecordedFrom.LIVE_START: "the live session's start",
    RecordedFrom.UNKNOWN: "unknown",
}


def parse_time(text: Any) -> datetime | None:
    """A recording time as written by phones, cameras, FFmpeg or hingecam, as
    an aware datetime; None for anything else (not text, garbage, an unset
    time before UNSET_BEFORE_YEAR).

    Accepts ISO 8601 with "T" or a space, a "Z", "+01:00" or "+0100" offset,
    and any number of fraction digits. A time without an offset is UTC, as
    QuickTime and mp4 containers store it.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    cleaned = text.strip()
    if len(cleaned) > 10 and cleaned[10] == " ":
        cleaned = cleaned[:10] + "T" + cleaned[11:]
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    cleaned = _OFFSET_NO_COLON.sub(r"\1:\2", cleaned)
    cleaned = _LONG_FRACTION.sub(r"\1", cleaned)
    try:
        at = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    if at.year < UNSET_BEFORE_YEAR:
        return None
    return at


def local(at: datetime) -> datetime:
    """`at` in this machine's time zone, with its offset (a session is a local
    calendar day)."""
    return at.astimezone()


def from_timestamp(seconds: float) -> datetime:
    """Seconds since the epoch (a file's mtime) as a local aware datetime."""
    return local(datetime.fromtimestamp(seconds, timezone.utc))


def iso_text(at: datetime | None) -> str | None:
    """ISO 8601 to the second with the UTC offset, e.g. "2025-03-04T06:06:07+01:00"."""
    return None if at is None else at.isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Recorded:
    """When a set was performed and where that time came from.

    Attributes:
        at: an aware datetime, or None when not known.
        source: where `at` came from (UNKNOWN when `at` is None).
    """

    at: datetime | None
    source: RecordedFrom = RecordedFrom.UNKNOWN

    def to_dict(self) -> dict[str, str | None]:
        """report.json's `meta.recorded`: {"at": ISO 8601 or None, "from": source}."""
        return {"at": iso_text(self.at), "from": self.source.value}

    def to_meta(self) -> dict[str, str | None]:
        """The pose track header's keys for it (`recorded_at`, `recorded_from`)."""
        return {"recorded_at": iso_text(self.at), "recorded_from": self.source.value}

    @classmethod
    def from_text(cls, at: Any, source: Any) -> Recorded:
        """From stored text (a report, a track header); unknown when unreadable."""
        when = parse_time(at)
        if when is None:
            return NOT_RECORDED
        try:
            return cls(when, RecordedFrom(source))
        except ValueError:
            return cls(when, RecordedFrom.UNKNOWN)

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Recorded:
        """From a pose track's meta (`recorded_at`, `recorded_from`)."""
        return cls.from_text(meta.get("recorded_at"), meta.get("recorded_from"))


NOT_RECORDED = Recorded(None, RecordedFrom.UNKNOWN)
"""A set whose recording time is not known."""
