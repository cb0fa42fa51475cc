"""Text layout: word wrap, ellipsis and a centred panel of lines (`TextBlock`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from hingecam.render.draw import text_size


class Font(NamedTuple):
    """A cv2 font as cv2.putText takes it: face, scale and stroke thickness (px)."""

    face: int
    scale: float
    thickness: int


def wrap(text: str, font: int, scale: float, thickness: int, max_w: int) -> list[str]:
    """Greedy word wrap to `max_w` pixels; words wider than a line are split."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_size(candidate, font, scale, thickness)[0] <= max_w:
                line = candidate
                continue
            if line:
                lines.append(line)
            # A single word too wide for a line is cut into pieces that fit.
            while text_size(word, font, scale, thickness)[0] > max_w and len(word) > 1:
                cut = len(word) - 1
                while (
                    cut > 1 and text_size(word[:cut], font, scale, thickness)[0] > max_w
                ):
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return [ln for ln in lines if ln] or [""]


def ellipsize(line: str, font: int, scale: float, thickness: int, max_w: int) -> str:
    """`line` with a trailing '...' that fits in `max_w` pixels."""
    while line and text_size(line + "...", font, scale, thickness)[0] > max_w:
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


def layout_block(
    text: str,
    image_wh: tuple[int, int],
    font: Font,
    pad: int,
    margin: int,
    anchor_y: int,
    from_bottom: bool,
    max_lines: int,
) -> TextBlock:
    """Wrap `text` beside an icon in a panel centred horizontally, its bottom
    (or top) edge at `anchor_y`, never closer than `margin` to the image edges."""
    face, scale, thickness = font
    w, h = image_wh
    _, line_h, depth = text_size("Hg", face, scale, thickness)
    gap = max(2, line_h // 2)
    step = line_h + depth + gap
    icon_r = max(3, round(line_h * 0.75))
    icon_w = 2 * icon_r + pad
    if w - 2 * margin - 2 * pad - icon_w < 6 * line_h:  # too narrow for an icon
        icon_r, icon_w = 0, 0
    max_text_w = max(1, w - 2 * margin - 2 * pad - icon_w)
    lines = wrap(text, face, scale, thickness, max_text_w)
    room = max(1, (h - 2 * margin - 2 * pad + gap) // step)
    limit = max(1, min(max_lines, room))
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = ellipsize(lines[-1], face, scale, thickness, max_text_w)
    widths = [text_size(line, face, scale, thickness)[0] for line in lines]
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
