"""Drawing primitives shared by the overlay elements: anti-aliased text, rounded
panels, icons and dashed lines on BGR images, at sub-pixel precision."""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.render.style import BGR, Image

SHIFT = 4  # sub-pixel bits for cv2 lines and circles: smoother AA strokes
ONE = 1 << SHIFT


def text_size(
    text: str, font: int, scale: float, thickness: int
) -> tuple[int, int, int]:
    """(width, height above baseline, depth below baseline) of `text`."""
    (w, h), base = cv2.getTextSize(text, font, scale, thickness)
    return int(w), int(h), int(base)


def put_text(
    image: Image,
    text: str,
    org: tuple[int, int],
    font: int,
    scale: float,
    color: BGR,
    thickness: int,
) -> None:
    """Anti-aliased `text` with its baseline's left end at `org` (x, y) px."""
    cv2.putText(image, text, org, font, scale, color, thickness, cv2.LINE_AA)


def fill_rounded(
    image: Image, x0: int, y0: int, x1: int, y1: int, color: BGR, radius: int
) -> None:
    """Filled rectangle with rounded corners; coordinates inclusive-exclusive."""
    radius = max(0, min(radius, (x1 - x0) // 2, (y1 - y0) // 2))
    if radius == 0:
        cv2.rectangle(image, (x0, y0), (x1 - 1, y1 - 1), color, -1)
        return
    cv2.rectangle(image, (x0 + radius, y0), (x1 - 1 - radius, y1 - 1), color, -1)
    cv2.rectangle(image, (x0, y0 + radius), (x1 - 1, y1 - 1 - radius), color, -1)
    for cx, cy in (
        (x0 + radius, y0 + radius),
        (x1 - 1 - radius, y0 + radius),
        (x0 + radius, y1 - 1 - radius),
        (x1 - 1 - radius, y1 - 1 - radius),
    ):
        cv2.circle(image, (cx, cy), radius, color, -1, cv2.LINE_AA)


def panel(
    image: Image,
    box: tuple[int, int, int, int],
    color: BGR,
    alpha: float,
    radius: int,
) -> None:
    """Blend a rounded panel into `image`, touching only the panel's region."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = box
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    roi = image[cy0:cy1, cx0:cx1]
    if alpha >= 1.0:
        fill_rounded(roi, x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0, color, radius)
        return
    shape = roi.copy()
    fill_rounded(shape, x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0, color, radius)
    out = cv2.addWeighted(shape, alpha, roi, 1.0 - alpha, 0.0, dst=roi)
    if out is not roi:  # older bindings may not write into a strided view
        roi[...] = out


_RING = np.stack(
    [np.cos(np.linspace(0, 2 * np.pi, 24, endpoint=False)),
     np.sin(np.linspace(0, 2 * np.pi, 24, endpoint=False))], axis=1,
)  # fmt: skip
"""Unit circle as a 24-gon: cv2.circle draws tiny radii as diamonds."""


def degree_sign(image: Image, x: int, y_top: int, text_h: int, color: BGR) -> None:
    """A small ring as a degree sign just right of x, level with the cap line
    (cv2's Hershey fonts have no '°')."""
    r = max(2.5, text_h * 0.22)
    stroke = max(1, round(text_h * 0.08))
    center = np.array([x + r + max(1.0, text_h * 0.1), y_top + r])
    pts = np.round((center + _RING * r) * ONE).astype(np.int32)
    cv2.polylines(image, [pts], True, color, stroke, cv2.LINE_AA, SHIFT)


def draw_icon(
    image: Image, icon: tuple[int, int, int], fg: BGR, bg: BGR, mark: str
) -> None:
    """A filled disc in `fg` with '!' (mark='!') or 'i' (mark='i') cut out in `bg`."""
    cx, cy, r = icon
    if r <= 0:
        return
    c = np.array([cx, cy], dtype=np.float64)
    cv2.circle(image, fixed(c), r * ONE, fg, -1, cv2.LINE_AA, SHIFT)
    stroke = max(1, round(r * 0.28))
    dot = c + np.array([0.0, 0.5 * r if mark == "!" else -0.5 * r])
    bar = (-0.55, 0.15) if mark == "!" else (-0.12, 0.55)
    p0, p1 = c + np.array([0.0, bar[0] * r]), c + np.array([0.0, bar[1] * r])
    cv2.line(image, fixed(p0), fixed(p1), bg, stroke, cv2.LINE_AA, SHIFT)
    cv2.circle(image, fixed(dot), round(stroke * 0.6 * ONE), bg, -1, cv2.LINE_AA, SHIFT)


def fixed(p: NDArray[np.floating]) -> tuple[int, int]:
    """A point (x, y) px as cv2's fixed-point integers with SHIFT fraction bits."""
    return round(float(p[0]) * ONE), round(float(p[1]) * ONE)


def dashed_line(
    image: Image,
    p0: NDArray[np.float64],
    p1: NDArray[np.float64],
    color: BGR,
    thickness: int,
    dash_px: float,
) -> None:
    """Dashes of `dash_px` with equal gaps from `p0` to `p1` (pixels)."""
    x0, y0 = float(p0[0]), float(p0[1])
    dx, dy = float(p1[0]) - x0, float(p1[1]) - y0
    length = math.hypot(dx, dy)
    if not math.isfinite(length) or length < 1:
        return
    for i in range(max(1, int(length // (2 * dash_px))) + 1):
        t0 = min(1.0, 2 * i * dash_px / length)
        t1 = min(1.0, (2 * i + 1) * dash_px / length)
        a = (round((x0 + dx * t0) * ONE), round((y0 + dy * t0) * ONE))
        b = (round((x0 + dx * t1) * ONE), round((y0 + dy * t1) * ONE))
        cv2.line(image, a, b, color, thickness, cv2.LINE_AA, SHIFT)
