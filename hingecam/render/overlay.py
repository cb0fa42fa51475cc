"""Overlays: FrameAnalysis -> the same BGR image with skeleton, angles, counter, cues.

The only module that calls cv2 drawing functions. Overlays render, never decide:
each element draws what `FrameAnalysis` says, in place, and returns the same array.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    FrameAnalysis,
    Phase,
    Pose,
    Rep,
    Severity,
    Side,
    VerdictKind,
)
from hingecam.core.landmarks import SIDE_POINTS, SKELETON_EDGES, Landmark

BGR = tuple[int, int, int]
Image = NDArray[np.uint8]

_SHIFT = 4  # sub-pixel bits for cv2 lines and circles: smoother AA strokes
_ONE = 1 << _SHIFT


def _default_severity_bgr() -> Mapping[Severity, BGR]:
    return MappingProxyType(
        {
            Severity.NOTE: (245, 228, 185),  # ice: informative, unlike any phase
            Severity.WARNING: (20, 170, 250),  # amber
            Severity.FAULT: (70, 60, 230),  # red
        }
    )


def _default_phase_bgr() -> Mapping[Phase, BGR]:
    return MappingProxyType(
        {
            Phase.SETUP: (175, 175, 175),  # grey
            Phase.STANDING: (110, 205, 60),  # green
            Phase.DESCENT: (200, 200, 40),  # teal
            Phase.BOTTOM: (200, 110, 170),  # violet
            Phase.ASCENT: (230, 160, 50),  # sky blue
        }
    )


@dataclass(frozen=True)
class OverlayStyle:
    """Colours (BGR), font and sizes of every overlay element.

    Sizes are given for a frame whose short side is `reference_px` and scale with
    the short side of the image drawn on (like supervision's
    `calculate_optimal_text_scale`), so a 360x640 phone clip and a 1080p clip
    look alike; `min_scale` keeps text legible on small frames.
    """

    text_bgr: BGR = (245, 245, 245)
    muted_text_bgr: BGR = (185, 185, 185)
    dark_text_bgr: BGR = (28, 28, 28)
    panel_bgr: BGR = (34, 28, 24)
    panel_alpha: float = 0.68
    outline_bgr: BGR = (20, 20, 20)
    clean_bgr: BGR = (95, 200, 50)
    hint_bgr: BGR = (20, 170, 250)
    severity_bgr: Mapping[Severity, BGR] = field(default_factory=_default_severity_bgr)
    phase_bgr: Mapping[Phase, BGR] = field(default_factory=_default_phase_bgr)
    far_side_brightness: float = 0.55
    font: int = cv2.FONT_HERSHEY_DUPLEX
    font_scale: float = 0.62
    cue_font_scale: float = 0.85
    line_px: float = 5.0
    margin_px: float = 14.0
    reference_px: int = 720
    min_scale: float = 0.62
    min_visibility: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.panel_alpha <= 1.0:
            raise ValueError(f"panel_alpha must be in [0, 1], got {self.panel_alpha}")
        if self.reference_px <= 0:
            raise ValueError(f"reference_px must be > 0, got {self.reference_px}")
        missing: list[Severity | Phase] = [
            s for s in Severity if s not in self.severity_bgr
        ]
        missing += [p for p in Phase if p not in self.phase_bgr]
        if missing:
            raise ValueError(f"OverlayStyle has no colour for {missing}")

    def scale(self, image_wh: tuple[int, int]) -> float:
        """Size factor for an image: its short side over `reference_px`."""
        return min(8.0, max(self.min_scale, min(image_wh) / self.reference_px))

    def px(self, size_px: float, image_wh: tuple[int, int]) -> int:
        """A reference-size length in pixels for this image, at least 1."""
        return max(1, round(size_px * self.scale(image_wh)))


DEFAULT_STYLE = OverlayStyle()


def _wh(image: Image) -> tuple[int, int]:
    return int(image.shape[1]), int(image.shape[0])


def _pose_px(pose: Pose, image: Image) -> NDArray[np.float64]:
    """(33, 2) pixels on `image`: xy_norm times the drawn image's own size, so a
    resized display frame still lines up."""
    return pose.xy_norm.astype(np.float64) * np.array(_wh(image), dtype=np.float64)


def _dim(color: BGR, factor: float) -> BGR:
    return (
        round(color[0] * factor),
        round(color[1] * factor),
        round(color[2] * factor),
    )


def _text_on(background: BGR, style: OverlayStyle) -> BGR:
    """Dark text on light backgrounds (amber), light text on dark ones."""
    b, g, r = background
    luma = 0.114 * b + 0.587 * g + 0.299 * r
    return style.dark_text_bgr if luma > 150 else style.text_bgr


def _text_size(
    text: str, font: int, scale: float, thickness: int
) -> tuple[int, int, int]:
    """(width, height above baseline, depth below baseline) of `text`."""
    (w, h), base = cv2.getTextSize(text, font, scale, thickness)
    return int(w), int(h), int(base)


def _put_text(
    image: Image,
    text: str,
    org: tuple[int, int],
    font: int,
    scale: float,
    color: BGR,
    thickness: int,
) -> None:
    cv2.putText(image, text, org, font, scale, color, thickness, cv2.LINE_AA)


def _fill_rounded(
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


def _panel(
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
        _fill_rounded(roi, x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0, color, radius)
        return
    shape = roi.copy()
    _fill_rounded(shape, x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0, color, radius)
    out = cv2.addWeighted(shape, alpha, roi, 1.0 - alpha, 0.0, dst=roi)
    if out is not roi:  # older bindings may not write into a strided view
        roi[...] = out


_RING = np.stack(
    [np.cos(np.linspace(0, 2 * np.pi, 24, endpoint=False)),
     np.sin(np.linspace(0, 2 * np.pi, 24, endpoint=False))], axis=1,
)  # fmt: skip
"""Unit circle as a 24-gon: cv2.circle draws tiny radii as diamonds."""


def _degree_sign(image: Image, x: int, y_top: int, text_h: int, color: BGR) -> None:
    """A small ring as a degree sign just right of x, level with the cap line
    (cv2's Hershey fonts have no '°')."""
    r = max(2.5, text_h * 0.22)
    stroke = max(1, round(text_h * 0.08))
    center = np.array([x + r + max(1.0, text_h * 0.1), y_top + r])
    pts = np.round((center + _RING * r) * _ONE).astype(np.int32)
    cv2.polylines(image, [pts], True, color, stroke, cv2.LINE_AA, _SHIFT)


def _wrap(text: str, font: int, scale: float, thickness: int, max_w: int) -> list[str]:
    """Greedy word wrap to `max_w` pixels; words wider than a line are split."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if _text_size(candidate, font, scale, thickness)[0] <= max_w:
                line = candidate
                continue
            if line:
                lines.append(line)
            # A single word too wide for a line is cut into pieces that fit.
            while _text_size(word, font, scale, thickness)[0] > max_w and len(word) > 1:
                cut = len(word) - 1
                while (
                    cut > 1
                    and _text_size(word[:cut], font, scale, thickness)[0] > max_w
                ):
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return [ln for ln in lines if ln] or [""]


def _ellipsize(line: str, font: int, scale: float, thickness: int, max_w: int) -> str:
    """`line` with a trailing '...' that fits in `max_w` pixels."""
    while line and _text_size(line + "...", font, scale, thickness)[0] > max_w:
        line = line[:-1]
    return line.rstrip() + "..."


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Wrapped text laid out in a centred panel: what `CueBanner.layout_*` return.

    Attributes:
        box: (x0, y0, x1, y1) panel in pixels, exclusive right/bottom.
        lines: the text of each line.
        origins: (x, baseline y) of each line, as cv2.putText takes it.
        text_boxes: (x0, y0, x1, y1) ink extent of each line.
        icon: (cx, cy, r) of the severity icon left of the text, r = 0 for none.
    """

    box: tuple[int, int, int, int]
    lines: tuple[str, ...]
    origins: tuple[tuple[int, int], ...]
    text_boxes: tuple[tuple[int, int, int, int], ...]
    icon: tuple[int, int, int]


def _layout_block(
    text: str,
    image_wh: tuple[int, int],
    font: int,
    scale: float,
    thickness: int,
    pad: int,
    margin: int,
    anchor_y: int,
    from_bottom: bool,
    max_lines: int,
) -> TextBlock:
    """Wrap `text` beside an icon in a panel centred horizontally, its bottom
    (or top) edge at `anchor_y`, never closer than `margin` to the image edges."""
    w, h = image_wh
    _, line_h, depth = _text_size("Hg", font, scale, thickness)
    gap = max(2, line_h // 2)
    step = line_h + depth + gap
    icon_r = max(3, round(line_h * 0.75))
    icon_w = 2 * icon_r + pad
    if w - 2 * margin - 2 * pad - icon_w < 6 * line_h:  # too narrow for an icon
        icon_r, icon_w = 0, 0
    max_text_w = max(1, w - 2 * margin - 2 * pad - icon_w)
    lines = _wrap(text, font, scale, thickness, max_text_w)
    room = max(1, (h - 2 * margin - 2 * pad + gap) // step)
    limit = max(1, min(max_lines, room))
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = _ellipsize(lines[-1], font, scale, thickness, max_text_w)
    widths = [_text_size(line, font, scale, thickness)[0] for line in lines]
    text_h = len(lines) * step - gap
    block_w = min(w - 2 * margin, max(widths) + icon_w + 2 * pad)
    block_h = max(text_h, 2 * icon_r) + 2 * pad
    x0 = (w - block_w) // 2
    x1 = x0 + block_w
    if from_bottom:
        y1 = min(h - margin, anchor_y)
        y0 = y1 - block_h
    else:
        y0 = max(margin, anchor_y)
        y1 = y0 + block_h
    if y1 > h:  # keep the panel inside a tiny image
        y0, y1 = max(0, h - block_h), h
    if y0 < 0:
        y0, y1 = 0, min(h, block_h)
    top = y0 + pad + (block_h - 2 * pad - text_h) // 2
    tx = x0 + pad + icon_w
    origins: list[tuple[int, int]] = []
    text_boxes: list[tuple[int, int, int, int]] = []
    for i, tw in enumerate(widths):
        baseline = top + i * step + line_h
        origins.append((tx, baseline))
        text_boxes.append((tx, baseline - line_h, tx + tw, baseline + depth))
    icon = (x0 + pad + icon_r, (y0 + y1) // 2, icon_r)
    return TextBlock(
        (x0, y0, x1, y1), tuple(lines), tuple(origins), tuple(text_boxes), icon
    )


def _draw_icon(
    image: Image, icon: tuple[int, int, int], fg: BGR, bg: BGR, mark: str
) -> None:
    """A filled disc in `fg` with '!' (mark='!') or 'i' (mark='i') cut out in `bg`."""
    cx, cy, r = icon
    if r <= 0:
        return
    c = np.array([cx, cy], dtype=np.float64)
    cv2.circle(image, _fixed(c), r * _ONE, fg, -1, cv2.LINE_AA, _SHIFT)
    stroke = max(1, round(r * 0.28))
    dot = c + np.array([0.0, 0.5 * r if mark == "!" else -0.5 * r])
    bar = (-0.55, 0.15) if mark == "!" else (-0.12, 0.55)
    p0, p1 = c + np.array([0.0, bar[0] * r]), c + np.array([0.0, bar[1] * r])
    cv2.line(image, _fixed(p0), _fixed(p1), bg, stroke, cv2.LINE_AA, _SHIFT)
    cv2.circle(
        image, _fixed(dot), round(stroke * 0.6 * _ONE), bg, -1, cv2.LINE_AA, _SHIFT
    )


# --- skeleton -------------------------------------------------------------------

_SIDE_OF: dict[Landmark, Side | None] = {
    lm: (
        Side.LEFT
        if lm.name.startswith("LEFT_")
        else Side.RIGHT
        if lm.name.startswith("RIGHT_")
        else None
    )
    for lm in Landmark
}


def _edges_by_depth(
    side: Side | None,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """(far, middle, near) edges for a near side; all near when it is unknown."""
    far: list[tuple[int, int]] = []
    mid: list[tuple[int, int]] = []
    near: list[tuple[int, int]] = []
    for a, b in SKELETON_EDGES:
        sa, sb = _SIDE_OF[a], _SIDE_OF[b]
        if side is None or (sa is side and sb is side):
            near.append((int(a), int(b)))
        elif sa is not side and sb is not side:
            far.append((int(a), int(b)))
        else:
            mid.append((int(a), int(b)))
    return far, mid, near


_EDGES_BY_SIDE = {side: _edges_by_depth(side) for side in (Side.LEFT, Side.RIGHT, None)}


def _valid_points(
    xy_px: NDArray[np.floating], visibility: NDArray[np.floating], min_visibility: float
) -> NDArray[np.bool_]:
    vis = np.nan_to_num(np.asarray(visibility, dtype=np.float64), nan=0.0)
    valid: NDArray[np.bool_] = np.isfinite(xy_px).all(axis=1) & (vis >= min_visibility)
    return valid


def _fixed(p: NDArray[np.floating]) -> tuple[int, int]:
    return round(float(p[0]) * _ONE), round(float(p[1]) * _ONE)


def _draw_skeleton(
    image: Image,
    xy_px: NDArray[np.floating],
    visibility: NDArray[np.floating],
    side: Side | None,
    color: BGR,
    style: OverlayStyle,
) -> Image:
    """Skeleton of one pose in pixel coordinates; NaN or unseen points skipped."""
    wh = _wh(image)
    valid = _valid_points(xy_px, visibility, style.min_visibility)
    if not valid.any():
        return image
    near_w = style.px(style.line_px, wh)
    far_w = max(1, round(near_w * 0.6))
    outline = max(1, round(near_w * 0.35))
    far_color = _dim(color, style.far_side_brightness)
    far, mid, near = _EDGES_BY_SIDE[side]
    fixed = {int(i): _fixed(xy_px[i]) for i in np.flatnonzero(valid)}

    def lines(edges: list[tuple[int, int]], col: BGR, width: int) -> set[int]:
        used: set[int] = set()
        for a, b in edges:
            if a in fixed and b in fixed:
                cv2.line(image, fixed[a], fixed[b], col, width, cv2.LINE_AA, _SHIFT)
                used.update((a, b))
        return used

    far_joints = lines(far, style.outline_bgr, far_w + 2 * outline)
    lines(far, far_color, far_w)
    lines(mid, style.outline_bgr, far_w + 2 * outline)
    lines(mid, _dim(color, (1 + style.far_side_brightness) / 2), far_w)
    near_joints = lines(near, style.outline_bgr, near_w + 2 * outline)
    lines(near, color, near_w)
    joint_r = max(2, round(near_w * 0.9))
    for i in sorted(far_joints - near_joints):
        r = max(1, round(far_w * 0.9)) * _ONE
        cv2.circle(image, fixed[i], r, far_color, -1, cv2.LINE_AA, _SHIFT)
    for i in sorted(near_joints):
        cv2.circle(
            image, fixed[i], (joint_r + outline) * _ONE, style.outline_bgr, -1,
            cv2.LINE_AA, _SHIFT,
        )  # fmt: skip
        cv2.circle(image, fixed[i], joint_r * _ONE, color, -1, cv2.LINE_AA, _SHIFT)
        inner = max(1, joint_r // 2) * _ONE
        cv2.circle(image, fixed[i], inner, style.text_bgr, -1, cv2.LINE_AA, _SHIFT)
    return image


def _state_color(analysis: FrameAnalysis, style: OverlayStyle) -> BGR:
    """Cue severity colour while a cue is shown, else the phase colour."""
    if analysis.cue:
        return style.severity_bgr[analysis.cue_severity]
    return style.phase_bgr[analysis.phase]


class SkeletonOverlay:
    """The lifter's skeleton, near side thick and bright, far side thin and dim.

    Colour follows the state: the cue's severity colour while a cue is active,
    else the phase colour. Points that are NaN or have visibility below
    `style.min_visibility` are skipped with their edges. Pixels are
    `pose.xy_norm` times the drawn image's size, so a resized display frame
    still lines up.
    """

    def __init__(self, style: OverlayStyle = DEFAULT_STYLE) -> None:
        self.style = style

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        pose = analysis.pose
        if pose is None:
            return image
        color = _state_color(analysis, self.style)
        return _draw_skeleton(
            image,
            _pose_px(pose, image),
            pose.visibility,
            analysis.side,
            color,
            self.style,
        )


# --- angles ---------------------------------------------------------------------


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64] | None:
    n = float(np.hypot(v[0], v[1]))
    return None if not math.isfinite(n) or n < 1e-6 else v / n


@dataclass(frozen=True, slots=True)
class _Chip:
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


def _measure_chip(
    name: str, value_deg: float, wh: tuple[int, int], style: OverlayStyle
) -> _Chip:
    s = style.scale(wh)
    v_scale = style.font_scale * s
    n_scale = v_scale * 0.72
    thick = max(1, round(s * 1.1))
    value = f"{value_deg:.0f}"
    nw = _text_size(name, style.font, n_scale, max(1, thick - 1))[0]
    vw, vh, _ = _text_size(value, style.font, v_scale, thick)
    pad = max(3, round(6 * s))
    gap = max(2, round(5 * s))
    bar = max(2, round(3 * s))
    deg_w = round(vh * 0.6)
    w = bar + pad + nw + gap + vw + deg_w + pad
    return _Chip(
        name, value, w, vh + 2 * pad, nw, vw, vh, pad, gap, bar, v_scale, n_scale, thick
    )


def _chip_beside(
    anchor: NDArray[np.float64],
    direction: NDArray[np.float64],
    chip: _Chip,
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
    chip: _Chip,
    accent: BGR,
    style: OverlayStyle,
) -> None:
    """Draw `chip` centred near `center`, kept inside the image."""
    wh = _wh(image)
    w, h = chip.w, chip.h
    x0 = min(max(0, wh[0] - w), max(0, round(center[0] - w / 2)))
    y0 = min(max(0, wh[1] - h), max(0, round(center[1] - h / 2)))
    radius = max(2, h // 4)
    _panel(image, (x0, y0, x0 + w, y0 + h), style.panel_bgr, style.panel_alpha, radius)
    inset = max(2, chip.pad // 2)
    cv2.rectangle(
        image, (x0 + inset, y0 + inset), (x0 + inset + chip.bar - 1, y0 + h - 1 - inset),
        accent, -1,
    )  # fmt: skip
    baseline = y0 + chip.pad + chip.value_h
    x = x0 + chip.bar + chip.pad
    thin = max(1, chip.thick - 1)
    _put_text(
        image,
        chip.name,
        (x, baseline),
        style.font,
        chip.n_scale,
        style.muted_text_bgr,
        thin,
    )
    x += chip.name_w + chip.gap
    _put_text(
        image,
        chip.value,
        (x, baseline),
        style.font,
        chip.v_scale,
        style.text_bgr,
        chip.thick,
    )
    _degree_sign(
        image, x + chip.value_w, baseline - chip.value_h, chip.value_h, style.text_bgr
    )


def _dashed_line(
    image: Image,
    p0: NDArray[np.float64],
    p1: NDArray[np.float64],
    color: BGR,
    thickness: int,
    dash_px: float,
) -> None:
    x0, y0 = float(p0[0]), float(p0[1])
    dx, dy = float(p1[0]) - x0, float(p1[1]) - y0
    length = math.hypot(dx, dy)
    if not math.isfinite(length) or length < 1:
        return
    for i in range(max(1, int(length // (2 * dash_px))) + 1):
        t0 = min(1.0, 2 * i * dash_px / length)
        t1 = min(1.0, (2 * i + 1) * dash_px / length)
        a = (round((x0 + dx * t0) * _ONE), round((y0 + dy * t0) * _ONE))
        b = (round((x0 + dx * t1) * _ONE), round((y0 + dy * t1) * _ONE))
        cv2.line(image, a, b, color, thickness, cv2.LINE_AA, _SHIFT)


def _facing_x(xy: NDArray[np.float64], valid: NDArray[np.bool_], side: Side) -> float:
    """+1 when the lifter faces image-right, -1 image-left, 0 when unknown:
    from heel to toe (near foot first), else from ear to nose."""
    other = Side.RIGHT if side is Side.LEFT else Side.LEFT
    pairs = [
        (int(SIDE_POINTS[sd]["heel"]), int(SIDE_POINTS[sd]["toe"]))
        for sd in (side, other)
    ]
    pairs.append((int(SIDE_POINTS[side]["ear"]), int(Landmark.NOSE)))
    for back, front in pairs:
        if valid[back] and valid[front]:
            dx = float(xy[front, 0] - xy[back, 0])
            if abs(dx) > 1.0:
                return 1.0 if dx > 0 else -1.0
    return 0.0


def _outside(
    joint: NDArray[np.float64],
    a: NDArray[np.float64] | None,
    b: NDArray[np.float64] | None,
) -> NDArray[np.float64]:
    """Unit direction outside the angle a-joint-b (bisector of the reflex side)."""
    ua = _unit(a - joint) if a is not None else None
    ub = _unit(b - joint) if b is not None else None
    if ua is not None and ub is not None:
        out = _unit(-(ua + ub))
        return out if out is not None else np.array([-ua[1], ua[0]])
    u = ua if ua is not None else ub
    return np.array([1.0, 0.0]) if u is None else np.array([-u[1], u[0]])


def _draw_angles(
    image: Image,
    xy_px: NDArray[np.floating],
    visibility: NDArray[np.floating],
    side: Side | None,
    measures: Mapping[str, float],
    accent: BGR,
    style: OverlayStyle,
    facing: float | None = None,
) -> Image:
    """Hip, knee and trunk angle chips beside the near side's joints; `facing`
    (+1/-1, 0 unknown) as decided in core, else guessed (stick figures)."""
    if side is None:
        return image
    wh = _wh(image)
    s = style.scale(wh)
    pts = SIDE_POINTS[side]
    valid = _valid_points(
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
    up = np.array([0.0, -1.0])
    shoulder, hip, knee, ankle = (
        point(r) for r in ("shoulder", "hip", "knee", "ankle")
    )

    # The hip's chip goes behind the body and the knee's in front, where a hinge
    # leaves room; a side picked from the joint's angle would flip between
    # frames as a nearly straight joint jitters.
    if facing is None:
        facing = _facing_x(xy, valid, side)
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
        chip = _measure_chip(name, v, wh, style)
        center = _chip_beside(joint, direction, chip, clearance)
        _draw_chip(image, center, chip, accent, style)

    trunk = value("trunk_incline_deg")
    if trunk is not None and shoulder is not None:
        length = 42.0 * s
        if hip is not None:
            length = float(np.clip(0.45 * np.hypot(*(shoulder - hip)), 24 * s, 80 * s))
        thick = max(1, round(1.6 * s))
        top = shoulder + up * length
        _dashed_line(image, shoulder, top, style.outline_bgr, thick + 2, 4 * s)
        _dashed_line(image, shoulder, top, style.text_bgr, thick, 4 * s)
        lean = _unit(shoulder - hip) if hip is not None else None
        sign = 1.0
        if lean is not None:
            tip = shoulder + lean * length
            cv2.line(
                image,
                _fixed(shoulder),
                _fixed(tip),
                style.outline_bgr,
                thick + 2,
                cv2.LINE_AA,
                _SHIFT,
            )
            cv2.line(
                image, _fixed(shoulder), _fixed(tip), accent, thick, cv2.LINE_AA, _SHIFT
            )
            # Arc from vertical to the trunk's line, radius 60% of the tick.
            start = -90.0
            end = math.degrees(math.atan2(lean[1], lean[0]))
            r = round(length * 0.6)
            cv2.ellipse(
                image, (round(shoulder[0]), round(shoulder[1])), (r, r), 0.0,
                min(start, end), max(start, end), accent, thick, cv2.LINE_AA,
            )  # fmt: skip
            sign = -1.0 if lean[0] > 0 else 1.0
        if facing != 0.0:
            sign = -facing
        # The chip sits beside the tick's top, behind the lifter (away from the
        # lean of a hinge).
        chip = _measure_chip("TRUNK", trunk, wh, style)
        side_dir = _unit(np.array([sign, -0.25]))
        assert side_dir is not None
        _draw_chip(
            image,
            _chip_beside(top, side_dir, chip, clearance * 0.5),
            chip,
            accent,
            style,
        )
    return image


class AngleOverlay:
    """Hip flexion at the hip, knee flexion at the knee and trunk incline at the
    shoulder (with a vertical reference tick), for the near side only.

    Values come from `analysis.measures` (`hip_flexion_deg`, `knee_flexion_deg`,
    `trunk_incline_deg`); NaN or absent values and unseen joints are not drawn.
    """

    def __init__(self, style: OverlayStyle = DEFAULT_STYLE) -> None:
        self.style = style

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        pose = analysis.pose
        if pose is None:
            return image
        accent = _state_color(analysis, self.style)
        return _draw_angles(
            image, _pose_px(pose, image), pose.visibility, analysis.side,
            analysis.measures.to_dict(), accent, self.style, facing=analysis.facing,
        )  # fmt: skip


# --- rep counter ----------------------------------------------------------------


def _verdict(rep: Rep, style: OverlayStyle) -> list[tuple[str, BGR]]:
    """Chips for the last rep: 'CLEAN', 'NOT JUDGED', or one per flagged fault."""
    verdict = rep.verdict
    if verdict.kind is VerdictKind.NOT_JUDGED:
        return [("NOT JUDGED", style.muted_text_bgr)]
    if verdict.kind is VerdictKind.CLEAN:
        return [("CLEAN", style.clean_bgr)]
    return [
        (c.fault.value.replace("_", " ").upper(), style.severity_bgr[c.severity])
        for c in verdict.flags
    ]


class RepCounterOverlay:
    """Top-left panel: REPS n, the phase, and the last rep's verdict chips."""

    def __init__(self, style: OverlayStyle = DEFAULT_STYLE) -> None:
        self.style = style

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        st = self.style
        wh = _wh(image)
        s = st.scale(wh)
        font = st.font
        margin = st.px(st.margin_px, wh)
        pad = max(4, round(10 * s))
        thick = max(1, round(1.1 * s))
        cap_scale = st.font_scale * s * 0.75
        big_scale = st.font_scale * s * 2.3
        phase_scale = st.font_scale * s

        count = str(analysis.rep_count)
        phase_name = analysis.phase.value.upper()
        phase_color = st.phase_bgr[analysis.phase]
        cw, _ch, _ = _text_size("REPS", font, cap_scale, thick)
        bw, bh, _ = _text_size(count, font, big_scale, thick * 2)
        pw, ph, _ = _text_size(phase_name, font, phase_scale, thick)
        dot_r = max(3, round(ph * 0.38))

        chips: list[tuple[str, BGR]] = []
        last_caption = ""
        if analysis.last_rep is not None:
            chips = _verdict(analysis.last_rep, st)
            last_caption = f"REP {analysis.last_rep.index}"
        chip_scale = st.font_scale * s * 0.78
        chip_pad = max(3, round(6 * s))
        chip_sizes = [_text_size(t, font, chip_scale, thick) for t, _ in chips]
        lw, lh, _ = _text_size(last_caption, font, cap_scale, thick)

        gap = max(3, round(8 * s))
        inner_w = max(
            cw + gap + bw,
            2 * dot_r + gap + pw,
            max((w for w, _, _ in chip_sizes), default=0) + 2 * chip_pad,
            lw,
        )
        w = inner_w + 2 * pad
        h = pad + bh + gap + ph + pad
        if chips:
            chip_h = chip_sizes[0][1] + 2 * chip_pad
            h += lh + gap + len(chips) * (chip_h + gap // 2)
        x0, y0 = margin, margin
        w = min(w, wh[0] - 2 * x0)
        _panel(image, (x0, y0, x0 + w, y0 + h), st.panel_bgr, st.panel_alpha, pad)

        x, y = x0 + pad, y0 + pad + bh
        _put_text(image, "REPS", (x, y), font, cap_scale, st.muted_text_bgr, thick)
        _put_text(
            image, count, (x + cw + gap, y), font, big_scale, st.text_bgr, thick * 2
        )
        y += gap + ph
        cy = y - ph // 2
        cv2.circle(image, (x + dot_r, cy), dot_r, phase_color, -1, cv2.LINE_AA)
        _put_text(
            image,
            phase_name,
            (x + 2 * dot_r + gap, y),
            font,
            phase_scale,
            phase_color,
            thick,
        )
        if chips:
            y += gap + lh + pad // 2
            _put_text(
                image, last_caption, (x, y), font, cap_scale, st.muted_text_bgr, thick
            )
            y += gap // 2
            for (text, color), (tw, th, _) in zip(chips, chip_sizes, strict=True):
                y += gap // 2
                box = (x, y, x + tw + 2 * chip_pad, y + th + 2 * chip_pad)
                _panel(image, box, color, 0.92, max(2, (th + 2 * chip_pad) // 3))
                org = (x + chip_pad, y + chip_pad + th)
                _put_text(
                    image, text, org, font, chip_scale, _text_on(color, st), thick
                )
                y = box[3]
        return image


# --- cue and setup hint ---------------------------------------------------------


class CueBanner:
    """The current cue in a banner along the bottom, coloured by its severity, and
    the setup hint (e.g. "turn sideways to the camera") as a card near the top.

    Long text is wrapped, and cut with '...' past `max_lines`, so it stays inside
    the image.
    """

    def __init__(self, style: OverlayStyle = DEFAULT_STYLE, max_lines: int = 3) -> None:
        if max_lines < 1:
            raise ValueError(f"max_lines must be >= 1, got {max_lines}")
        self.style = style
        self.max_lines = max_lines

    def _metrics(
        self, wh: tuple[int, int], factor: float
    ) -> tuple[float, int, int, int]:
        st = self.style
        s = st.scale(wh)
        return (
            st.cue_font_scale * s * factor,
            max(1, round(1.3 * s)),
            max(4, round(12 * s)),
            st.px(st.margin_px, wh),
        )

    def layout_cue(self, image_wh: tuple[int, int], text: str) -> TextBlock:
        """Where the cue banner and each of its lines go on an image this size."""
        scale, thick, pad, margin = self._metrics(image_wh, 1.0)
        return _layout_block(
            text, image_wh, self.style.font, scale, thick, pad, margin,
            image_wh[1] - margin, True, self.max_lines,
        )  # fmt: skip

    def layout_hint(self, image_wh: tuple[int, int], text: str) -> TextBlock:
        """Where the setup-hint card goes: below the top fifth of the image."""
        scale, thick, pad, margin = self._metrics(image_wh, 1.1)
        return _layout_block(
            text, image_wh, self.style.font, scale, thick, round(pad * 1.5),
            margin * 2, round(image_wh[1] * 0.2), False, self.max_lines,
        )  # fmt: skip

    def _draw_text(
        self, image: Image, block: TextBlock, fg: BGR, factor: float
    ) -> None:
        scale, thick, _, _ = self._metrics(_wh(image), factor)
        for line, org in zip(block.lines, block.origins, strict=True):
            _put_text(image, line, org, self.style.font, scale, fg, thick)

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        st = self.style
        wh = _wh(image)
        if analysis.setup_hint:
            block = self.layout_hint(wh, analysis.setup_hint)
            pad = self._metrics(wh, 1.1)[2]
            _panel(image, block.box, st.panel_bgr, 0.82, pad)
            x0, y0, x1, _ = block.box
            edge = max(2, st.px(3, wh))
            y = y0 + edge // 2
            cv2.line(
                image, (x0 + pad, y), (x1 - pad, y), st.hint_bgr, edge, cv2.LINE_AA
            )
            _draw_icon(image, block.icon, st.hint_bgr, st.panel_bgr, "!")
            self._draw_text(image, block, st.text_bgr, 1.1)
        if analysis.cue:
            color = st.severity_bgr[analysis.cue_severity]
            fg = _text_on(color, st)
            block = self.layout_cue(wh, analysis.cue)
            _panel(image, block.box, color, 0.9, self._metrics(wh, 1.0)[2])
            mark = "i" if analysis.cue_severity is Severity.NOTE else "!"
            _draw_icon(image, block.icon, fg, color, mark)
            self._draw_text(image, block, fg, 1.0)
        return image


# --- debug ----------------------------------------------------------------------


class DebugOverlay:
    """Top-right: displayed frame rate and capture-to-display latency.

    The live loop calls `set_stats` as it measures; NaN values show as '--'.
    """

    def __init__(
        self,
        style: OverlayStyle = DEFAULT_STYLE,
        fps: float = math.nan,
        latency_ms: float = math.nan,
    ) -> None:
        self.style = style
        self.fps = fps
        self.latency_ms = latency_ms

    def set_stats(self, fps: float, latency_ms: float) -> None:
        """Update the displayed frame rate (1/s) and latency (ms)."""
        self.fps = fps
        self.latency_ms = latency_ms

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        st = self.style
        wh = _wh(image)
        s = st.scale(wh)
        fps = f"{self.fps:.1f}" if math.isfinite(self.fps) else "--"
        lat = f"{self.latency_ms:.0f}" if math.isfinite(self.latency_ms) else "--"
        text = f"{fps} fps  {lat} ms  #{analysis.frame_index}"
        scale = st.font_scale * s * 0.75
        thick = 1
        tw, th, depth = _text_size(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        margin = st.px(st.margin_px, wh)
        pad = max(3, round(5 * s))
        x1 = wh[0] - margin
        x0 = max(0, x1 - tw - 2 * pad)
        y0 = margin
        y1 = y0 + th + depth + 2 * pad
        _panel(image, (x0, y0, x1, y1), st.panel_bgr, st.panel_alpha, pad)
        org = (x0 + pad, y0 + pad + th)
        _put_text(
            image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, st.muted_text_bgr, thick
        )
        return image


# --- composition ----------------------------------------------------------------


class FrameAnnotator:
    """All overlays in drawing order: skeleton, angles, counter, cue, debug.

    Flags turn elements on or off. `draw` works in place and returns the same
    array; copy the frame first when the raw image is still needed.
    """

    def __init__(
        self,
        style: OverlayStyle = DEFAULT_STYLE,
        *,
        skeleton: bool = True,
        angles: bool = True,
        counter: bool = True,
        cue: bool = True,
        debug: bool = False,
    ) -> None:
        self.style = style
        self.skeleton = SkeletonOverlay(style)
        self.angles = AngleOverlay(style)
        self.counter = RepCounterOverlay(style)
        self.cue = CueBanner(style)
        self.debug = DebugOverlay(style)
        self.show_skeleton = skeleton
        self.show_angles = angles
        self.show_counter = counter
        self.show_cue = cue
        self.show_debug = debug

    def set_stats(self, fps: float, latency_ms: float) -> None:
        """Forward live frame rate and latency to the debug overlay."""
        self.debug.set_stats(fps, latency_ms)

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        if self.show_skeleton:
            self.skeleton.draw(image, analysis)
        if self.show_angles:
            self.angles.draw(image, analysis)
        if self.show_counter:
            self.counter.draw(image, analysis)
        if self.show_cue:
            self.cue.draw(image, analysis)
        if self.show_debug:
            self.debug.draw(image, analysis)
        return image


# --- thumbnails -----------------------------------------------------------------


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
    r = round(radius * _ONE)
    outline = max(1, round(style.px(style.line_px, _wh(image)) * 0.35))
    cv2.circle(image, _fixed(center), r + outline * _ONE, style.outline_bgr, -1,
               cv2.LINE_AA, _SHIFT)  # fmt: skip
    cv2.circle(image, _fixed(center), r, color, -1, cv2.LINE_AA, _SHIFT)


def draw_stick_figure(
    pose_xy_norm: NDArray[np.floating],
    visibility: NDArray[np.floating],
    size_wh: tuple[int, int],
    side: Side | None,
    *,
    source_wh: tuple[int, int] | None = None,
    color: BGR | None = None,
    measures: Mapping[str, float] | None = None,
    background_bgr: BGR = (40, 34, 30),
    fit: bool = True,
    style: OverlayStyle = DEFAULT_STYLE,
) -> Image:
    """A stick figure on a plain canvas, for report thumbnails without video.

    Args:
        pose_xy_norm: (33, 2) normalized image coordinates, NaN where missing.
        visibility: (33,) 0..1; points below `style.min_visibility` are skipped.
        size_wh: canvas (width, height) in pixels.
        side: near side, drawn thick and bright; None draws both sides alike.
        source_wh: the source frame size, to keep the body's proportions;
            defaults to `size_wh`.
        color: skeleton colour; defaults to the STANDING phase colour.
        measures: optional angle measures (MeasureSeries names) drawn as chips.
        background_bgr: canvas colour.
        fit: scale and centre the visible body to fill the canvas.

    Returns:
        A new (H, W, 3) uint8 BGR image.
    """
    w, h = size_wh
    canvas = np.empty((h, w, 3), dtype=np.uint8)
    canvas[...] = background_bgr
    src = np.array(source_wh or size_wh, dtype=np.float64)
    xy = np.asarray(pose_xy_norm, dtype=np.float64) * src
    valid = _valid_points(xy, visibility, style.min_visibility)
    if fit and valid.any():
        lo, hi = xy[valid].min(axis=0), xy[valid].max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        # Room for the head disc, and beside the body for the angle chips.
        margin_x, margin_y = 0.12 * w, 0.14 * h
        if measures:
            chip = _measure_chip("TRUNK", 188.0, size_wh, style)
            margin_x = max(margin_x, 0.6 * chip.w)
            margin_y = max(margin_y, 1.5 * chip.h)
        k = min(
            max(1.0, w - 2 * margin_x) / span[0], max(1.0, h - 2 * margin_y) / span[1]
        )
        center = (lo + hi) / 2
        xy = (xy - center) * k + np.array([w / 2, h / 2])
    elif source_wh is not None:
        xy = xy * (np.array([w, h], dtype=np.float64) / src)
    col = color if color is not None else style.phase_bgr[Phase.STANDING]
    feet = [
        int(SIDE_POINTS[sd][role])
        for sd in (Side.LEFT, Side.RIGHT)
        for role in ("heel", "toe", "ankle")
    ]
    foot_ok = [i for i in feet if valid[i]]
    if foot_ok:  # a floor line grounds the figure
        floor_y = round(float(xy[foot_ok, 1].max()) + style.px(4, size_wh))
        if 0 <= floor_y < h:
            cv2.line(canvas, (0, floor_y), (w - 1, floor_y), _dim(style.muted_text_bgr, 0.5),
                     max(1, style.px(2, size_wh)), cv2.LINE_AA)  # fmt: skip
    _draw_skeleton(canvas, xy, visibility, side, col, style)
    _draw_head(canvas, xy, valid, side, col, style)
    if measures:
        _draw_angles(canvas, xy, visibility, side, measures, col, style)
    return canvas
