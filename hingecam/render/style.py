"""Overlay style: BGR colours, font and sizes that scale with the image drawn on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Phase, Severity

BGR = tuple[int, int, int]
Image = NDArray[np.uint8]


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


def image_wh(image: Image) -> tuple[int, int]:
    """(width, height) of an (H, W, 3) image."""
    return int(image.shape[1]), int(image.shape[0])


def dim(color: BGR, factor: float) -> BGR:
    """`color` with each channel scaled by `factor` (0..1 darkens)."""
    return (
        round(color[0] * factor),
        round(color[1] * factor),
        round(color[2] * factor),
    )


def text_on(background: BGR, style: OverlayStyle) -> BGR:
    """Dark text on light backgrounds (amber), light text on dark ones."""
    b, g, r = background
    luma = 0.114 * b + 0.587 * g + 0.299 * r
    return style.dark_text_bgr if luma > 150 else style.text_bgr
