"""When a set was performed: recording times parsed as phones, cameras, FFmpeg and
hingecam write them; a video's own time preferred to its file's mtime; a pose
track's time carried over, an older track dated by its file."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from hingecam.core.recorded import (
    NOT_RECORDED,
    Recorded,
    RecordedFrom,
    iso_text,
    parse_time,
)
from hingecam.core.recorder import track_video_info
from hingecam.media.recorded_time import file_recorded, video_recorded
from hingecam.media.tracks import load_track, save_track, with_recorded_time
from tests.factories import hinge_set

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-04T05:06:07.000000Z", datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)),
        ("2024-03-04 05:06:07", datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)),
        (
            "2024-03-04T06:06:07+0100",
            datetime(2024, 3, 4, 6, 6, 7, tzinfo=timezone(timedelta(hours=1))),
        ),
        (
            "2024-03-04T06:06:07.123456789-05:00",
            datetime(2024, 3, 4, 6, 6, 7, 123456, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("1904-01-01T00:00:00.000000Z", None),  # an mp4's unset time
        ("1970-01-01T00:00:00Z", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (1700000000, None),
    ],
)
def test_recording_times_parse_as_devices_write_them(
    text: object, expected: datetime | None
) -> None:
    assert parse_time(text) == expected


def test_a_recorded_time_keeps_its_offset_through_report_and_track() -> None:
    at = datetime(2025, 3, 4, 23, 30, tzinfo=timezone(timedelta(hours=1)))
    recorded = Recorded(at, RecordedFrom.LIVE_START)
    assert recorded.to_dict() == {
        "at": "2025-03-04T23:30:00+01:00",
        "from": "live_start",
    }
    meta = recorded.to_meta()
    assert Recorded.from_meta(meta) == recorded
    assert Recorded.from_meta(meta).at.date().isoformat() == "2025-03-04"  # type: ignore[union-attr]
    assert Recorded.from_text(None, "live_start") == NOT_RECORDED
    assert (
        Recorded.from_text(iso_text(at), "a newer source").source
        is RecordedFrom.UNKNOWN
    )


def _container(meta: dict[str, str], stream: dict[str, str] | None = None) -> object:
    video = [SimpleNamespace(metadata=stream or {})]
    return SimpleNamespace(metadata=meta, streams=SimpleNamespace(video=video))


def test_a_videos_own_time_wins_over_its_files_mtime(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    own = video_recorded(_container({"creation_time": "2024-03-04T05:06:07Z"}), clip)
    assert own.source is RecordedFrom.VIDEO_METADATA
    assert own.at == datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert own.at is not None and own.at.utcoffset() == own.at.astimezone().utcoffset()
    # An iPhone's local creation date keeps the offset where it was filmed.
    apple = {"com.apple.quicktime.creationdate": "2024-03-04T06:06:07+0100"}
    kept = video_recorded(_container(apple), clip)
    assert kept.at is not None and kept.at.utcoffset() == timedelta(hours=1)
    # The stream's time when the container has none.
    stream = video_recorded(
        _container({}, {"creation_time": "2024-05-06T07:08:09Z"}), clip
    )
    assert stream.at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.mark.parametrize("meta", [{}, {"creation_time": "1904-01-01T00:00:00Z"}])
def test_a_video_without_its_own_time_is_dated_by_its_file(
    tmp_path: Path, meta: dict[str, str]
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    os.utime(clip, (1_700_000_000, 1_700_000_000))
    recorded = video_recorded(_container(meta), clip)
    assert recorded.source is RecordedFrom.FILE_MTIME
    assert recorded.at == datetime.fromtimestamp(1_700_000_000, UTC)
    assert file_recorded(tmp_path / "gone.mp4") == NOT_RECORDED


def test_a_track_carries_its_time_over_and_an_older_one_is_dated_by_its_file(
    tmp_path: Path,
) -> None:
    track = hinge_set(1, 30.0).track
    at = datetime(2025, 3, 4, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    recorded = Recorded(at, RecordedFrom.VIDEO_METADATA)
    own = with_recorded_time(
        dataclasses.replace(track, meta=recorded.to_meta()), tmp_path / "x.npz"
    )
    assert track_video_info(own).recorded == recorded  # not the file's mtime
    old = tmp_path / "old.npz"
    save_track(dataclasses.replace(track, meta={}), old)  # before tracks had one
    os.utime(old, (1_700_000_000, 1_700_000_000))
    assert track_video_info(load_track(old)).recorded == NOT_RECORDED
    dated = with_recorded_time(load_track(old), old)
    assert track_video_info(dated).recorded == Recorded(
        datetime.fromtimestamp(1_700_000_000, UTC), RecordedFrom.FILE_MTIME
    )
    assert np.array_equal(dated.t_s, track.t_s)
