"""Stick figure: one pose (normalized landmarks) -> a small canvas for report
thumbnails when there is no video frame to draw on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Phase, Side
from hingecam.core.landmarks import SIDE_POINTS, Landmark
from hingecam.render.angles import draw_angles, measure_chip
from hingecam.render.draw import ONE, SHIFT, fixed
from hingecam.render.skeleton import draw_skeleton, valid_points
from hingecam.render.style import (
    BGR,
    DEFAULT_STYLE,
    Image,
    OverlayStyle,
    dim,
    image_wh,
)

_HEAD = (Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR, Landmark.LEFT_EYE,
         Landmark.RIGHT_EYE)  # fmt: skip


def _draw_head(
    image: Image,
    xy: NDArray[np.float64],
    valid: NDArray[np.bool_],
    side: Side | None,
    color: BGR,
    style: OverlayStyle,
) -> None:
    """A disc for the head of a stick figure, sized from the trunk's length."""
    face = [int(i) for i in _HEAD if valid[i]]
    if not face:
        return
    center = xy[face].mean(axis=0)
    chain = SIDE_POINTS[side or Side.LEFT]
    sh, hip = int(chain["shoulder"]), int(chain["hip"])
    radius = 0.0
    if valid[sh] and valid[hip]:  # a stylised head: 0.15 trunk lengths in radius
        radius = 0.15 * float(np.hypot(*(xy[sh] - xy[hip])))
    elif len(face) > 1:
        radius = 1.1 * float(np.max(np.hypot(*(xy[face] - center).T)))
    if radius < 2:
        return
    r = round(radius * ONE)
    outline = max(1, round(style.px(style.line_px, image_wh(image)) * 0.35))
    cv2.circle(image, fixed(center), r + outline * ONE, style.outline_bgr, -1,
               cv2.LINE_AA, SHIFT)  # fmt: skip
    cv2.circle(image, fixed(center), r, color, -1, cv2.LINE_AA, SHIFT)


@dataclass(frozen=True, slots=True)
class StickFigureLook:
    """How a stick figure is drawn.

    Attributes:
        color: skeleton colour; None for the STANDING phase colour.
        background_bgr: canvas colour.
        fit: scale and centre the visible body to fill the canvas.
        style: colours and sizes of the overlay it shares.
    """

    color: BGR | None = None
    background_bgr: BGR = (40, 34, 30)
    fit: bool = True
    style: OverlayStyle = DEFAULT_STYLE


DEFAULT_LOOK = StickFigureLook()


def draw_stick_figure(
    pose_xy_norm: NDArray[np.floating],
    visibility: NDArray[np.floating],
    size_wh: tuple[int, int],
    side: Side | None,
    *,
    source_wh: tuple[int, int] | None = None,
    measures: Mapping[str, float] | None = None,
    facing: float = 0.0,
    look: StickFigureLook = DEFAULT_LOOK,
) -> Image:
    """A stick figure on a plain canvas, for report thumbnails without video.

    Args:
        pose_xy_norm: (33, 2) normalized image coordinates, NaN where missing.
        visibility: (33,) 0..1; points below `style.min_visibility` are skipped.
        size_wh: canvas (width, height) in pixels.
        side: near side, drawn thick and bright; None draws both sides alike.
        source_wh: the source frame size, to keep the body's proportions;
            defaults to `size_wh`.
        measures: optional angle measures (MeasureSeries names) drawn as chips.
        facing: +1 facing image-right, -1 image-left, 0 unknown (chip sides).
        look: colour, background, fitting and style.

    Returns:
        A new (H, W, 3) uint8 BGR image.
    """
    style = look.style
    w, h = size_wh
    canvas = np.empty((h, w, 3), dtype=np.uint8)
    canvas[...] = look.background_bgr
    src = np.array(source_wh or size_wh, dtype=np.float64)
    xy = np.asarray(pose_xy_norm, dtype=np.float64) * src
    valid = valid_points(xy, visibility, style.min_visibility)
    if look.fit and valid.any():
        lo, hi = xy[valid].min(axis=0), xy[valid].max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        # Room for the head disc, and beside the body for the angle chips.
        margin_x, margin_y = 0.12 * w, 0.14 * h
        if measures:
            chip = measure_chip("TRUNK", 188.0, size_wh, style)
            margin_x = max(margin_x, 0.6 * chip.w)
            margin_y = max(margin_y, 1.5 * chip.h)
        k = min(
            max(1.0, w - 2 * margin_x) / span[0], max(1.0, h - 2 * margin_y) / span[1]
        )
        center = (lo + hi) / 2
        xy = (xy - center) * k + np.array([w / 2, h / 2])
    elif source_wh is not None:
        xy = xy * (np.array([w, h], dtype=np.float64) / src)
    col = look.color if look.color is not None else style.phase_bgr[Phase.STANDING]
    feet = [
        int(SIDE_POINTS[sd][role])
        for sd in (Side.LEFT, Side.RIGHT)
        for role in ("heel", "toe", "ankle")
    ]
    foot_ok = [i for i in feet if valid[i]]
    if foot_ok:  # a floor line grounds the figure
        floor_y = round(float(xy[foot_ok, 1].max()) + style.px(4, size_wh))
        if 0 <= floor_y < h:
            cv2.line(canvas, (0, floor_y), (w - 1, floor_y), dim(style.muted_text_bgr, 0.5),
                     max(1, style.px(2, size_wh)), cv2.LINE_AA)  # fmt: skip
    draw_skeleton(canvas, xy, visibility, side, col, style)
    _draw_head(canvas, xy, valid, side, col, style)
    if measures:
        draw_angles(canvas, xy, visibility, side, measures, col, style, facing)
    return canvas
