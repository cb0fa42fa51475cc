"""The pose track schema (docs/report-schema.md, "Pose track"): a header and arrays
read from an .npz are checked here, one clear InputError per violation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hingecam.core.poses import N_LANDMARKS
from hingecam.errors import InputError

MAX_IMAGE_SIDE_PX = 1 << 16
"""Largest image side a track may claim (px): beyond any real video."""

_META_NUMBERS = ("fps", "rotation_deg")
"""meta keys that, when present and not null, must be finite numbers."""


def frame_shapes(n: int) -> dict[str, tuple[int, ...]]:
    """The shape of each per-frame array of an `n`-frame track (back_profile
    aside: its width is the track's own)."""
    return {
        "xy_norm": (n, N_LANDMARKS, 2),
        "world_m": (n, N_LANDMARKS, 3),
        "visibility": (n, N_LANDMARKS),
        "presence": (n, N_LANDMARKS),
        "people": (n,),
    }


def _fail(path: object, what: str) -> InputError:
    return InputError(f"{path}: invalid pose track: {what}")


def check_header(header: Any, path: object) -> tuple[tuple[int, int], dict[str, Any]]:
    """Validate a decoded header; returns (image_wh, meta).

    The format and version are checked by the caller (load_track) first.

    Raises:
        InputError: the header is not an object, image_wh is not two positive
            integers, meta is not an object, or meta.fps / rotation_deg is not
            a finite number.
    """
    if not isinstance(header, dict):
        raise _fail(path, "the header is not an object")
    wh = header.get("image_wh")
    if not (
        isinstance(wh, list)
        and len(wh) == 2
        and all(
            isinstance(v, int)
            and not isinstance(v, bool)
            and 0 < v <= MAX_IMAGE_SIDE_PX
            for v in wh
        )
    ):
        raise _fail(path, f"image_wh must be [width, height] in pixels, got {wh!r}")
    meta = header.get("meta", {})
    if not isinstance(meta, dict):
        raise _fail(path, "meta is not an object")
    for key in _META_NUMBERS:
        value = meta.get(key)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise _fail(path, f"meta.{key} must be a number >= 0, got {value!r}")
    return (wh[0], wh[1]), meta


def check_arrays(arrays: dict[str, NDArray[Any]], path: object) -> None:
    """Validate the arrays: numeric, one row per frame, finite strictly increasing
    t_s, landmark arrays of 33 points.

    Raises:
        InputError: naming the first array that breaks the schema.
    """
    for name, value in arrays.items():
        if value.dtype.kind not in "fiu":
            raise _fail(path, f"{name} is not numeric ({value.dtype})")
    t_s = arrays["t_s"]
    if t_s.ndim != 1:
        raise _fail(path, f"t_s must be one-dimensional, got shape {t_s.shape}")
    n = t_s.shape[0]
    if not np.isfinite(t_s).all():
        raise _fail(path, "t_s holds NaN or infinite times")
    if n > 1 and not (np.diff(t_s) > 0).all():
        raise _fail(path, "t_s is not strictly increasing")
    for name, shape in frame_shapes(n).items():
        if arrays[name].shape != shape:
            raise _fail(
                path, f"{name} must have shape {shape}, got {arrays[name].shape}"
            )
    back = arrays["back_profile"]
    if back.ndim != 2 or back.shape[0] != n:
        raise _fail(path, f"back_profile must have {n} rows, got shape {back.shape}")
