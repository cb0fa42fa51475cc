"""FrameAnnotator: every overlay element composed in drawing order for a FrameAnalysis."""

from __future__ import annotations

from hingecam.core.datatypes import FrameAnalysis
from hingecam.render.elements import (
    AngleOverlay,
    CueBanner,
    DebugOverlay,
    RepCounterOverlay,
    SetupHintCard,
    SkeletonOverlay,
)
from hingecam.render.style import DEFAULT_STYLE, Image, OverlayStyle


class FrameAnnotator:
    """All overlays in drawing order: skeleton, angles, counter, setup hint, cue,
    debug.

    Flags turn elements on or off (`cue` covers the setup hint too). `draw` works in place and returns the same
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
        self.hint = SetupHintCard(style)
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
            self.hint.draw(image, analysis)
            self.cue.draw(image, analysis)
        if self.show_debug:
            self.debug.draw(image, analysis)
        return image
