"""Pose tracks on disk: a PoseTrack <-> one compressed .npz (landmarks, no pixels)."""

from __future__ import annotations

import dataclasses
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from hingecam.core.poses import PoseTrack
from hingecam.core.recorded import Recorded
from hingecam.errors import InputError
from hingecam.files import atomic_path
from hingecam.media.recorded_time import file_recorded
from hingecam.media.track_schema import check_arrays, check_header
from hingecam.media.track_zip import read_members, refuse

TRACK_FORMAT = "hingecam-pose-track"
TRACK_VERSION = 1
TRACK_ARRAYS = (
    "t_s",
    "xy_norm",
    "world_m",
    "visibility",
    "presence",
    "back_profile",
    "people",
)
"""The per-frame arrays of a pose track, one row per frame, as saved."""


def save_track(track: PoseTrack, path: Path) -> None:
    """Write `track` to `path` (.npz), atomically (see hingecam.files)."""
    header = {
        "format": TRACK_FORMAT,
        "version": TRACK_VERSION,
        "image_wh": list(track.image_wh),
        "meta": track.meta,
    }
    # A file object, not a path: savez would append ".npz" to the temp name.
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(
            fh,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            **{name: getattr(track, name) for name in TRACK_ARRAYS},
        )


def is_track_file(path: Path) -> bool:
    """True when `path` is meant as a pose track: an .npz file (load_track then
    says what is wrong with a damaged one, instead of "not a video")."""
    return Path(path).suffix.lower() == ".npz" and Path(path).is_file()


def load_track(path: Path) -> PoseTrack:
    """Read a pose track written by save_track().

    Every member is checked from the zip directory and its .npy header before
    it is inflated (media/track_zip.py), so a malformed file is refused with
    one line and without allocating what it declares.

    Raises:
        InputError: the file is missing, damaged, not a pose track, of a newer
            version, or breaks the schema (media/track_schema.py).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such pose track file")
    try:
        raw, arrays = read_members(path, TRACK_ARRAYS)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise InputError(
            f"{path}: not a readable pose track (damaged, truncated or another format: "
            f"{exc.__class__.__name__})"
        ) from None
    try:
        header = json.loads(bytes(raw).decode())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise refuse(path, f"header is not JSON: {type(exc).__name__}") from None
    if not isinstance(header, dict) or header.get("format") != TRACK_FORMAT:
        raise InputError(f"{path}: not a hingecam pose track")
    version = header.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise InputError(f"{path}: invalid pose track: version {version!r}")
    if version > TRACK_VERSION:
        raise InputError(
            f"{path}: pose track version {version} is newer than this "
            f"hingecam reads ({TRACK_VERSION}); upgrade hingecam"
        )
    (w, h), meta = check_header(header, path)
    check_arrays(arrays, path)
    try:
        return PoseTrack(
            t_s=arrays["t_s"].astype(np.float64),
            xy_norm=arrays["xy_norm"].astype(np.float32),
            world_m=arrays["world_m"].astype(np.float32),
            visibility=arrays["visibility"].astype(np.float32),
            presence=arrays["presence"].astype(np.float32),
            back_profile=arrays["back_profile"].astype(np.float32),
            people=arrays["people"].astype(np.int16),
            image_wh=(int(w), int(h)),
            meta=dict(meta),
        )
    except ValueError as exc:
        raise InputError(f"{path}: damaged pose track: {exc}") from None


def with_recorded_time(track: PoseTrack, path: Path) -> PoseTrack:
    """`track` with a recording time: its own (`recorded_at`, carried over from
    the video or live session it was made from), else, for a track written
    before hingecam recorded one, the track file's modification time (and
    `recorded_from` says so)."""
    if Recorded.from_meta(track.meta).at is not None:
        return track
    return dataclasses.replace(
        track, meta={**track.meta, **file_recorded(path).to_meta()}
    )
