"""Pictures of the progress page's best and worst reps: a stick figure of the rep
at its worst moment (its most severe flag, else its bottom), drawn from the row
of its set folder's pose track nearest that time (the report keeps the frame)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hingecam.core.datatypes import Side
from hingecam.core.facing import facing_sign
from hingecam.core.thresholds import Thresholds
from hingecam.errors import HingecamError
from hingecam.media.tracks import load_track
from hingecam.render.stickfigure import draw_stick_figure
from hingecam.report.diary_rows import RepPick
from hingecam.report.outputs import TRACK_NAME

PICTURE_HEIGHT_PX = 240
"""A picked rep's picture is this tall (px): the page shows it 220 px tall, and
a small JPEG (~10 KB) keeps the page light."""

NEAREST_MAX_S = 0.5
"""A track row further than this (s) from the rep's moment is not its picture:
a track that does not belong to the report (design: live rows are ~0.1 s apart)."""


def rep_picture(folder: Path, pick: RepPick) -> bytes | None:
    """A JPEG of the picked rep (report/diary_page.PictureFn), or None when
    the set folder has no readable pose track or no row near the moment."""
    try:
        track = load_track(folder / TRACK_NAME)
    except HingecamError:
        return None
    if not len(track):
        return None
    row = int(np.argmin(np.abs(track.t_s - pick.t_s)))
    if abs(float(track.t_s[row]) - pick.t_s) > NEAREST_MAX_S:
        return None
    side = Side(pick.side) if pick.side in ("left", "right") else None
    w, h = track.image_wh
    size = (max(2, round(w * PICTURE_HEIGHT_PX / max(h, 1))), PICTURE_HEIGHT_PX)
    facing = 0.0
    if side is not None:
        xy_px = track.xy_norm * np.array([w, h], dtype=np.float32)
        facing = facing_sign(xy_px, track.visibility, side, Thresholds().min_visibility)
    image = draw_stick_figure(
        track.xy_norm[row],
        track.visibility[row],
        size,
        side,
        source_wh=track.image_wh,
        facing=facing,
    )
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return buf.tobytes() if ok else None
