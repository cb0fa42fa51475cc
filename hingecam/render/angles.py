"""Angle chips: hip, knee and trunk values drawn beside the near side's joints."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Side
from hingecam.core.landmarks import SIDE_POINTS
from hingecam.render.draw import (
    SHIFT,
    dashed_line,
    degree_sign,
    fixed,
    panel,
    put_text,
    text_size,
)
from hingecam.render.skeleton import valid_points
from hingecam.render.style import BGR, Image, OverlayStyle, image_wh


def unit_vector(v: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """The 2-vector scaled to length 1, or None when it is NaN or near zero."""
    n = float(np.hypot(v[0], v[1]))
    return None if not math.isfinite(n) or n < 1e-6 else v / n


@dataclass(frozen=True, slots=True)
class Chip:
    """Layout of an angle chip 'NAME 42°': sizes in pixels for one image."""

    name: str
    value: str
    w: int
    h: int
    name_w: int
    value_w: int
    value_h: int
    pad: int
    gap: int
    bar: int
    v_scale: float
    n_scale: float
    thick: int


def measure_chip(
    name: str, value_deg: float, wh: tuple[int, int], style: OverlayStyle
) -> Chip:
    """Layout of the chip 'NAME 42°' for `value_deg` on an image of size `wh`."""
    s = style.scale(wh)
    v_scale = style.font_scale * s
    n_scale = v_scale * 0.72
    thick = max(1, round(s * 1.1))
    value = f"{value_deg:.0f}"
    nw = text_size(name, style.font, n_scale, max(1, thick - 1))[0]
    vw, vh, _ = text_size(value, style.font, v_scale, thick)
    pad = max(3, round(6 * s))
    gap = max(2, round(5 * s))
    bar = max(2, round(3 * s))
    deg_w = round(vh * 0.6)
    w = bar + pad + nw + gap + vw + deg_w + pad
    return Chip(
        name, value, w, vh + 2 * pad, nw, vw, vh, pad, gap, bar, v_scale, n_scale, thick
    )


def _chip_beside(
    anchor: NDArray[np.float64],
    direction: NDArray[np.float64],
    chip: Chip,
    clearance: float,
) -> tuple[float, float]:
    """Centre for `chip` so its nearest edge is `clearance` px from `anchor` along
    the unit `direction` (the box's support distance plus the clearance)."""
    reach = abs(direction[0]) * chip.w / 2 + abs(direction[1]) * chip.h / 2
    c = anchor + direction * (reach + clearance)
    return float(c[0]), float(c[1])


def _draw_chip(
    image: Image,
    center: tuple[float, float],
    chip: Chip,
    accent: BGR,
    style: OverlayStyle,
) -> None:
    """Draw `chip` centred near `center`, kept inside the image."""
    wh = image_wh(image)
    w, h = chip.w, chip.h
    x0 = min(max(0, wh[0] - w), max(0, round(center[0] - w / 2)))
    y0 = min(max(0, wh[1] - h), max(0, round(center[1] - h / 2)))
    radius = max(2, h // 4)
    panel(image, (x0, y0, x0 + w, y0 + h), style.panel_bgr, style.panel_alpha, radius)
    inset = max(2, chip.pad // 2)
    cv2.rectangle(
        image, (x0 + inset, y0 + inset), (x0 + inset + chip.bar - 1, y0 + h - 1 - inset),
        accent, -1,
    )  # fmt: skip
    baseline = y0 + chip.pad + chip.value_h
    x = x0 + chip.bar + chip.pad
    thin = max(1, chip.thick - 1)
    put_text(
        image,
        chip.name,
        (x, baseline),
        style.font,
        chip.n_scale,
        style.muted_text_bgr,
        thin,
    )
    x += chip.name_w + chip.gap
    put_text(
        image,
        chip.value,
        (x, baseline),
        style.font,
        chip.v_scale,
        style.text_bgr,
        chip.thick,
    )
    degree_sign(
        image, x + chip.value_w, baseline - chip.value_h, chip.value_h, style.text_bgr
    )


def _outside(
    joint: NDArray[np.float64],
    a: NDArray[np.float64] | None,
    b: NDArray[np.float64] | None,
) -> NDArray[np.float64]:
    """Unit direction outside the angle a-joint-b (bisector of the reflex side)."""
    ua = unit_vector(a - joint) if a is not None else None
    ub = unit_vector(b - joint) if b is not None else None
    if ua is not None and ub is not None:
        out = unit_vector(-(ua + ub))
        return out if out is not None else np.array([-ua[1], ua[0]])
    u = ua if ua is not None else ub
    return np.array([1.0, 0.0]) if u is None else np.array([-u[1], u[0]])


def _draw_trunk_tick(
    image: Image,
    shoulder: NDArray[np.float64],
    hip: NDArray[np.float64] | None,
    accent: BGR,
    style: OverlayStyle,
) -> tuple[NDArray[np.float64], float]:
    """A dashed vertical from the shoulder, the trunk's line and the arc between.

    Returns:
        The vertical's top (px) and the side (+1 image-right, -1 left) away from
        the trunk's lean, +1 without a hip.
    """
    s = style.scale(image_wh(image))
    up = np.array([0.0, -1.0])
    length = 42.0 * s
    if hip is not None:
        length = float(np.clip(0.45 * np.hypot(*(shoulder - hip)), 24 * s, 80 * s))
    thick = max(1, round(1.6 * s))
    top = shoulder + up * length
    dashed_line(image, shoulder, top, style.outline_bgr, thick + 2, 4 * s)
    dashed_line(image, shoulder, top, style.text_bgr, thick, 4 * s)
    lean = unit_vector(shoulder - hip) if hip is not None else None
    if lean is None:
        return top, 1.0
    tip = shoulder + lean * length
    cv2.line(
        image,
        fixed(shoulder),
        fixed(tip),
        style.outline_bgr,
        thick + 2,
        cv2.LINE_AA,
        SHIFT,
    )
    cv2.line(image, fixed(shoulder), fixed(tip), accent, thick, cv2.LINE_AA, SHIFT)
    # Arc from vertical to the trunk's line, radius 60% of the tick.
    start = -90.0
    end = math.degrees(math.atan2(lean[1], lean[0]))
    r = round(length * 0.6)
    cv2.ellipse(
        image, (round(shoulder[0]), round(shoulder[1])), (r, r), 0.0,
        min(start, end), max(start, end), accent, thick, cv2.LINE_AA,
    )  # fmt: skip
    return top, -1.0 if lean[0] > 0 else 1.0


def draw_angles(
    image: Image,
    xy_px: NDArray[np.floating],
    visibility: NDArray[np.floating],
    side: Side | None,
    measures: Mapping[str, float],
    accent: BGR,
    style: OverlayStyle,
    facing: float,
) -> Image:
    """Hip, knee and trunk angle chips beside the near side's joints.

    Args:
        image: (H, W, 3) uint8 BGR, drawn on in place and returned.
        xy_px: (33, 2) landmark pixels on `image`, NaN where missing.
        visibility: (33,) 0..1; points below `style.min_visibility` are skipped.
        side: the near side; None draws nothing.
        measures: angle measures in degrees by name (`hip_flexion_deg`, ...).
        accent: colour of the chips' bars and the trunk tick.
        style: colours and sizes.
        facing: +1 facing image-right, -1 image-left, 0 unknown.
    """
    if side is None:
        return image
    wh = image_wh(image)
    s = style.scale(wh)
    pts = SIDE_POINTS[side]
    valid = valid_points(
        np.asarray(xy_px, dtype=np.float64), visibility, style.min_visibility
    )
    xy = np.asarray(xy_px, dtype=np.float64)

    def point(role: str) -> NDArray[np.float64] | None:
        i = int(pts[role])
        return xy[i] if valid[i] else None

    def value(key: str) -> float | None:
        v = measures.get(key)
        return float(v) if v is not None and math.isfinite(v) else None

    clearance = 10.0 * s  # from the joint's centre to the chip's edge
    shoulder, hip, knee, ankle = (
        point(r) for r in ("shoulder", "hip", "knee", "ankle")
    )

    # The hip's chip goes behind the body and the knee's in front, where a hinge
    # leaves room; a side picked from the joint's angle would flip between
    # frames as a nearly straight joint jitters.
    for key, name, joint, a, b, ahead in (
        ("hip_flexion_deg", "HIP", hip, shoulder, knee, -1.0),
        ("knee_flexion_deg", "KNEE", knee, hip, ankle, 1.0),
    ):
        v = value(key)
        if v is None or joint is None:
            continue
        direction = np.array([ahead * facing, 0.0])
        if facing == 0.0:  # unknown facing: outside the joint's angle
            direction = _outside(joint, a, b)
        chip = measure_chip(name, v, wh, style)
        center = _chip_beside(joint, direction, chip, clearance)
        _draw_chip(image, center, chip, accent, style)

    trunk = value("trunk_incline_deg")
    if trunk is not None and shoulder is not None:
        top, sign = _draw_trunk_tick(image, shoulder, hip, accent, style)
        if facing != 0.0:
            sign = -facing
        # The chip sits beside the tick's top, behind the lifter (away from the
        # lean of a hinge).
        chip = measure_chip("TRUNK", trunk, wh, style)
        side_dir = unit_vector(np.array([sign, -0.25]))
        assert side_dir is not None
        _draw_chip(
            image,
            _chip_beside(top, side_dir, chip, clearance * 0.5),
            chip,
            accent,
            style,
        )
    return image
