"""A pose track's .npz read safely: every member checked from the zip directory
and its .npy header against the schema's shapes before anything is inflated."""

from __future__ import annotations

import io
import math
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from hingecam.errors import InputError
from hingecam.media.track_schema import frame_shapes

MAX_NPY_HEADER_BYTES = 4096
"""Longest .npy header dict read (bytes); numpy writes ~120 for a track's arrays,
and a longer one (a deeply nested shape) is refused before it is parsed."""

MAX_HEADER_JSON_BYTES = 1 << 20
"""Largest `header` member (bytes of JSON): provenance, never megabytes."""

MAX_BACK_SAMPLES = 64
"""Most columns `back_profile` may have (hingecam writes BACK_PROFILE_SAMPLES)."""

MAX_TRACK_BYTES = 1 << 30
"""Largest total of a track's arrays (bytes): ~1 KB a frame, so about 1 million
frames (9 h at 30 fps), beyond any set; a larger track is refused unread."""

_MAGIC = b"\x93NUMPY"
_LENGTH_FORMAT = {1: "<H", 2: "<I"}
"""Header-length field of .npy versions 1.0 and 2.0 (the ones numpy writes for
plain numeric arrays)."""

_PARSE = {
    1: np.lib.format.read_array_header_1_0,
    2: np.lib.format.read_array_header_2_0,
}


@dataclass(frozen=True, slots=True)
class _Member:
    """One .npy member as its zip entry and header declare it."""

    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype[Any]


def refuse(path: object, why: str) -> InputError:
    """The one-line error for a track that breaks the format: `PATH: not a valid
    pose track (WHY)`."""
    return InputError(f"{path}: not a valid pose track ({why})")


def read_members(
    path: Path, names: tuple[str, ...]
) -> tuple[NDArray[np.uint8], dict[str, NDArray[Any]]]:
    """The `header` bytes and the arrays `names` of the .npz at `path`.

    Every member is checked first, from the zip directory and the .npy header
    only: numeric dtype, the schema's shape for the frame count of `t_s`, an
    uncompressed size equal to what that shape needs, and a total within
    MAX_TRACK_BYTES. Only then are the members inflated, so memory stays within
    what the declared frames need.

    Raises:
        InputError: naming the file and the first rule broken; zipfile, zlib
            and OS errors while reading (a damaged or truncated file) too.
    """
    with zipfile.ZipFile(path) as archive:
        members = _checked_members(archive, path, names)
        header = _read(archive, members["header"])
        arrays = {name: _read(archive, members[name]) for name in names}
    return header, arrays


def _checked_members(
    archive: zipfile.ZipFile, path: object, names: tuple[str, ...]
) -> dict[str, _Member]:
    if "header.npy" not in archive.namelist():
        raise InputError(f"{path}: not a hingecam pose track")
    members = {name: _member(archive, path, name) for name in ("header", *names)}
    header = members["header"]
    if len(header.shape) != 1 or header.dtype != np.uint8:
        raise refuse(path, f"header must be uint8 bytes, got {header.dtype}")
    if header.shape[0] > MAX_HEADER_JSON_BYTES:
        raise refuse(path, f"header of {header.shape[0]} bytes is too large")
    t_s = members["t_s"].shape
    if len(t_s) != 1:
        raise refuse(path, f"t_s must be one-dimensional, got shape {t_s}")
    n = t_s[0]
    for name, shape in frame_shapes(n).items():
        if members[name].shape != shape:
            raise refuse(
                path, f"{name} must have shape {shape}, got {members[name].shape}"
            )
    back = members["back_profile"].shape
    if len(back) != 2 or back[0] != n or back[1] > MAX_BACK_SAMPLES:
        raise refuse(
            path,
            f"back_profile must have {n} rows of at most {MAX_BACK_SAMPLES}, "
            f"got shape {back}",
        )
    total = sum(m.info.file_size for m in members.values())
    if total > MAX_TRACK_BYTES:
        raise refuse(path, f"{total} bytes of arrays, more than {MAX_TRACK_BYTES}")
    return members


def _member(archive: zipfile.ZipFile, path: object, name: str) -> _Member:
    """The member `name`.npy as declared: no byte of its data is inflated."""
    try:
        info = archive.getinfo(f"{name}.npy")
    except KeyError:
        raise refuse(path, f"no {name} array") from None
    if info.flag_bits & 0x1:
        raise refuse(path, f"{name} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise refuse(path, f"{name} uses zip compression method {info.compress_type}")
    with archive.open(info) as fh:
        offset, shape, dtype = _npy_header(fh, path, name)
    if dtype.hasobject or dtype.kind not in "fiu" or dtype.shape != ():
        raise refuse(path, f"{name} is not numeric ({dtype})")
    if any(d < 0 for d in shape):
        raise refuse(path, f"{name} has a negative dimension {shape}")
    # Python ints: a declared 10**11 elements is a number here, never an array.
    needed = offset + math.prod(shape) * dtype.itemsize
    if info.file_size != needed:
        raise refuse(
            path,
            f"{name} of shape {shape} needs {needed} bytes, its zip entry "
            f"declares {info.file_size}",
        )
    return _Member(info, shape, dtype)


def _npy_header(
    fh: IO[bytes], path: object, name: str
) -> tuple[int, tuple[int, ...], np.dtype[Any]]:
    """(data offset, shape, dtype) from the start of a .npy stream, its header
    length bounded before it is read and its dict parsed from a bounded copy."""
    prefix = fh.read(len(_MAGIC) + 2)
    if len(prefix) < len(_MAGIC) + 2 or not prefix.startswith(_MAGIC):
        raise refuse(path, f"{name} is not a .npy array")
    major = prefix[len(_MAGIC)]
    if major not in _LENGTH_FORMAT or prefix[-1] != 0:
        raise refuse(path, f"{name} has .npy version {major}.{prefix[-1]}")
    length_field = fh.read(struct.calcsize(_LENGTH_FORMAT[major]))
    if len(length_field) != struct.calcsize(_LENGTH_FORMAT[major]):
        raise refuse(path, f"{name} has a truncated .npy header")
    (length,) = struct.unpack(_LENGTH_FORMAT[major], length_field)
    if length > MAX_NPY_HEADER_BYTES:
        raise refuse(path, f"{name} has a .npy header of {length} bytes")
    text = fh.read(length)
    if len(text) != length:
        raise refuse(path, f"{name} has a truncated .npy header")
    try:
        shape, _fortran, dtype = _PARSE[major](
            io.BytesIO(length_field + text), max_header_size=MAX_NPY_HEADER_BYTES
        )
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError) as exc:
        raise refuse(
            path, f"{name} has an unreadable .npy header: {type(exc).__name__}"
        ) from None
    return len(prefix) + len(length_field) + length, tuple(shape), dtype


def _read(archive: zipfile.ZipFile, member: _Member) -> NDArray[Any]:
    """Inflate a checked member: its size is what its checked shape needs."""
    with archive.open(member.info) as fh:
        array: NDArray[Any] = np.lib.format.read_array(
            fh, allow_pickle=False, max_header_size=MAX_NPY_HEADER_BYTES
        )
    return array
