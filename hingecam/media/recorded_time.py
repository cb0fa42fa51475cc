"""When a source was recorded: a video's own time from its container metadata (as
phones and cameras write it), else the file's modification time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hingecam.core.recorded import (
    NOT_RECORDED,
    Recorded,
    RecordedFrom,
    from_timestamp,
    local,
    parse_time,
)

CREATION_KEYS = ("com.apple.quicktime.creationdate", "creation_time")
"""Container (then video stream) metadata keys holding the recording time, in
order of preference: an iPhone's creationdate keeps the local offset of where it
was filmed; creation_time (mp4/mov, FFmpeg) is UTC."""


def file_recorded(path: Path) -> Recorded:
    """The file's modification time, or unknown when it cannot be read."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return NOT_RECORDED
    return Recorded(from_timestamp(mtime), RecordedFrom.FILE_MTIME)


def video_recorded(container: Any, path: Path) -> Recorded:
    """A PyAV input container's recording time (its own metadata, then its
    first video stream's), with the offset where it was filmed when the file
    says, else in local time; failing both, the file's mtime."""
    sources = [getattr(container, "metadata", None)]
    streams = getattr(getattr(container, "streams", None), "video", ())
    if streams:
        sources.append(getattr(streams[0], "metadata", None))
    for metadata in sources:
        if not isinstance(metadata, dict):
            continue
        for key in CREATION_KEYS:
            at = parse_time(metadata.get(key))
            if at is not None:
                # A UTC time is read in this machine's zone; a local one kept.
                own_offset = key == CREATION_KEYS[0] and at.utcoffset()
                return Recorded(
                    at if own_offset else local(at), RecordedFrom.VIDEO_METADATA
                )
    return file_recorded(path)
