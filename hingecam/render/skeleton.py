"""Skeleton drawing: pose pixels -> edges and joints, near side bright, far side dim."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Side
from hingecam.core.landmarks import SKELETON_EDGES, Landmark
from hingecam.core.poses import Pose
from hingecam.render.draw import ONE, SHIFT, fixed
from hingecam.render.style import BGR, Image, OverlayStyle, dim, image_wh


def pose_px(pose: Pose, image: Image) -> NDArray[np.float64]:
    """(33, 2) pixels on `image`: xy_norm times the drawn image's own size, so a
    resized display frame still lines up."""
    return pose.xy_norm.astype(np.float64) * np.array(image_wh(image), dtype=np.float64)


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


def valid_points(
    xy_px: NDArray[np.floating], visibility: NDArray[np.floating], min_visibility: float
) -> NDArray[np.bool_]:
    """(33,) True where a point is finite and seen at `min_visibility` or more."""
    vis = np.nan_to_num(np.asarray(visibility, dtype=np.float64), nan=0.0)
    valid: NDArray[np.bool_] = np.isfinite(xy_px).all(axis=1) & (vis >= min_visibility)
    return valid


def draw_skeleton(
    image: Image,
    xy_px: NDArray[np.floating],
    visibility: NDArray[np.floating],
    side: Side | None,
    color: BGR,
    style: OverlayStyle,
) -> Image:
    """Skeleton of one pose in pixel coordinates; NaN or unseen points skipped."""
    wh = image_wh(image)
    valid = valid_points(xy_px, visibility, style.min_visibility)
    if not valid.any():
        return image
    near_w = style.px(style.line_px, wh)
    far_w = max(1, round(near_w * 0.6))
    outline = max(1, round(near_w * 0.35))
    far_color = dim(color, style.far_side_brightness)
    far, mid, near = _EDGES_BY_SIDE[side]
    at = {int(i): fixed(xy_px[i]) for i in np.flatnonzero(valid)}

    def lines(edges: list[tuple[int, int]], col: BGR, width: int) -> set[int]:
        used: set[int] = set()
        for a, b in edges:
            if a in at and b in at:
                cv2.line(image, at[a], at[b], col, width, cv2.LINE_AA, SHIFT)
                used.update((a, b))
        return used

    far_joints = lines(far, style.outline_bgr, far_w + 2 * outline)
    lines(far, far_color, far_w)
    lines(mid, style.outline_bgr, far_w + 2 * outline)
    lines(mid, dim(color, (1 + style.far_side_brightness) / 2), far_w)
    near_joints = lines(near, style.outline_bgr, near_w + 2 * outline)
    lines(near, color, near_w)
    joint_r = max(2, round(near_w * 0.9))
    for i in sorted(far_joints - near_joints):
        r = max(1, round(far_w * 0.9)) * ONE
        cv2.circle(image, at[i], r, far_color, -1, cv2.LINE_AA, SHIFT)
    for i in sorted(near_joints):
        cv2.circle(
            image, at[i], (joint_r + outline) * ONE, style.outline_bgr, -1,
            cv2.LINE_AA, SHIFT,
        )  # fmt: skip
        cv2.circle(image, at[i], joint_r * ONE, color, -1, cv2.LINE_AA, SHIFT)
        inner = max(1, joint_r // 2) * ONE
        cv2.circle(image, at[i], inner, style.text_bgr, -1, cv2.LINE_AA, SHIFT)
    return image
