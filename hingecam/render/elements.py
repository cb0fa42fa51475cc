"""Overlay elements: one class per element, each drawing a FrameAnalysis in place.

Elements render, never decide: counts, verdicts, cues and the near side all come
from the FrameAnalysis they are given.
"""

from __future__ import annotations

import math

import cv2

from hingecam.core.datatypes import (
    Check,
    FrameAnalysis,
    Rep,
    Severity,
    Sureness,
    VerdictKind,
    View,
)
from hingecam.render.angles import draw_angles
from hingecam.render.draw import draw_icon, panel, put_text, text_size
from hingecam.render.skeleton import draw_skeleton, pose_px
from hingecam.render.style import (
    BGR,
    DEFAULT_STYLE,
    Image,
    OverlayStyle,
    image_wh,
    text_on,
)
from hingecam.render.text import Font, TextBlock, layout_block


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
        return draw_skeleton(
            image,
            pose_px(pose, image),
            pose.visibility,
            analysis.side,
            color,
            self.style,
        )


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
        xy = pose_px(pose, image)
        st = self.style
        return draw_angles(
            image, xy, pose.visibility, analysis.side, analysis.measures.to_dict(),
            accent, st, analysis.facing,
        )  # fmt: skip


def verdict_chips(rep: Rep, style: OverlayStyle) -> list[tuple[str, BGR]]:
    """Chips for the last rep: 'CLEAN', 'NOT JUDGED', or one per flagged fault."""
    verdict = rep.verdict
    if verdict.kind is VerdictKind.NOT_JUDGED:
        return [("NOT JUDGED", style.muted_text_bgr)]
    if verdict.kind is VerdictKind.CLEAN:
        return [("CLEAN", style.clean_bgr)]
    return [(_chip_text(c), style.severity_bgr[c.severity]) for c in verdict.flags]


def _chip_text(check: Check) -> str:
    """'SQUAT PATTERN', with '(OBLIQUE, MEDIUM)' or '(LOW)' when the verdict is less
    than sure, so a verdict from a weaker view says so on screen too."""
    text = (
        check.label if check.tentative else check.fault.value.replace("_", " ")
    ).upper()
    sure = check.confidence
    if sure is None or sure.level is Sureness.HIGH:
        return text
    level = sure.level.value.upper()
    if sure.view is View.SIDE:
        return f"{text} ({level})"
    return f"{text} ({sure.view.value.upper()}, {level})"


class RepCounterOverlay:
    """Top-left panel: REPS n, the phase, and the last rep's verdict chips."""

    def __init__(self, style: OverlayStyle = DEFAULT_STYLE) -> None:
        self.style = style

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        st = self.style
        wh = image_wh(image)
        s = st.scale(wh)
        font = st.font
        margin = st.px(st.margin_px, wh)
        pad = max(4, round(10 * s))
        thick = max(1, round(1.1 * s))
        cap_scale = st.font_scale * s * 0.75
        big_scale = st.font_scale * s * 2.3
        phase_scale = st.font_scale * s

        count = str(analysis.rep_count)
        title = analysis.exercise_label.upper()
        tw_, th_, _ = text_size(title, font, cap_scale, thick) if title else (0, 0, 0)
        phase_name = analysis.phase.value.upper()
        phase_color = st.phase_bgr[analysis.phase]
        cw, _ch, _ = text_size("REPS", font, cap_scale, thick)
        bw, bh, _ = text_size(count, font, big_scale, thick * 2)
        pw, ph, _ = text_size(phase_name, font, phase_scale, thick)
        dot_r = max(3, round(ph * 0.38))

        chips: list[tuple[str, BGR]] = []
        last_caption = ""
        if analysis.last_rep is not None:
            chips = verdict_chips(analysis.last_rep, st)
            last_caption = f"REP {analysis.last_rep.index}"
        chip_scale = st.font_scale * s * 0.78
        chip_pad = max(3, round(6 * s))
        chip_sizes = [text_size(t, font, chip_scale, thick) for t, _ in chips]
        lw, lh, _ = text_size(last_caption, font, cap_scale, thick)

        gap = max(3, round(8 * s))
        inner_w = max(
            tw_,
            cw + gap + bw,
            2 * dot_r + gap + pw,
            max((w for w, _, _ in chip_sizes), default=0) + 2 * chip_pad,
            lw,
        )
        w = inner_w + 2 * pad
        h = pad + bh + gap + ph + pad + (th_ + gap if title else 0)
        if chips:
            chip_h = chip_sizes[0][1] + 2 * chip_pad
            h += lh + gap + len(chips) * (chip_h + gap // 2)
        x0, y0 = margin, margin
        w = min(w, wh[0] - 2 * x0)
        panel(image, (x0, y0, x0 + w, y0 + h), st.panel_bgr, st.panel_alpha, pad)

        x, y = x0 + pad, y0 + pad + bh
        if title:
            put_text(
                image,
                title,
                (x, y0 + pad + th_),
                font,
                cap_scale,
                st.muted_text_bgr,
                thick,
            )
            y += th_ + gap
        put_text(image, "REPS", (x, y), font, cap_scale, st.muted_text_bgr, thick)
        put_text(
            image, count, (x + cw + gap, y), font, big_scale, st.text_bgr, thick * 2
        )
        y += gap + ph
        cy = y - ph // 2
        cv2.circle(image, (x + dot_r, cy), dot_r, phase_color, -1, cv2.LINE_AA)
        put_text(
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
            put_text(
                image, last_caption, (x, y), font, cap_scale, st.muted_text_bgr, thick
            )
            y += gap // 2
            for (text, color), (tw, th, _) in zip(chips, chip_sizes, strict=True):
                y += gap // 2
                box = (x, y, x + tw + 2 * chip_pad, y + th + 2 * chip_pad)
                panel(image, box, color, 0.92, max(2, (th + 2 * chip_pad) // 3))
                org = (x + chip_pad, y + chip_pad + th)
                put_text(image, text, org, font, chip_scale, text_on(color, st), thick)
                y = box[3]
        return image


class _WrappedText:
    """Shared sizes of the wrapped-text elements (cue banner, setup-hint card).

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
        """(font scale, thickness, padding, margin) on an image this size."""
        st = self.style
        s = st.scale(wh)
        return (
            st.cue_font_scale * s * factor,
            max(1, round(1.3 * s)),
            max(4, round(12 * s)),
            st.px(st.margin_px, wh),
        )

    def _draw_text(
        self, image: Image, block: TextBlock, fg: BGR, factor: float
    ) -> None:
        scale, thick, _, _ = self._metrics(image_wh(image), factor)
        for line, org in zip(block.lines, block.origins, strict=True):
            put_text(image, line, org, self.style.font, scale, fg, thick)


class SetupHintCard(_WrappedText):
    """The setup hint (e.g. "turn sideways to the camera") as a card near the top."""

    def layout_hint(self, image_wh: tuple[int, int], text: str) -> TextBlock:
        """Where the setup-hint card goes: below the top fifth of the image."""
        scale, thick, pad, margin = self._metrics(image_wh, 1.1)
        return layout_block(
            text, image_wh, Font(self.style.font, scale, thick), round(pad * 1.5),
            margin * 2, round(image_wh[1] * 0.2), False, self.max_lines,
        )  # fmt: skip

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        if analysis.setup_hint is None:
            return image
        st = self.style
        wh = image_wh(image)
        block = self.layout_hint(wh, analysis.setup_hint.text)
        pad = self._metrics(wh, 1.1)[2]
        panel(image, block.box, st.panel_bgr, 0.82, pad)
        x0, y0, x1, _ = block.box
        edge = max(2, st.px(3, wh))
        y = y0 + edge // 2
        cv2.line(image, (x0 + pad, y), (x1 - pad, y), st.hint_bgr, edge, cv2.LINE_AA)
        draw_icon(image, block.icon, st.hint_bgr, st.panel_bgr, "!")
        self._draw_text(image, block, st.text_bgr, 1.1)
        return image


class CueBanner(_WrappedText):
    """The current cue in a banner along the bottom, coloured by its severity."""

    def layout_cue(self, image_wh: tuple[int, int], text: str) -> TextBlock:
        """Where the cue banner and each of its lines go on an image this size."""
        scale, thick, pad, margin = self._metrics(image_wh, 1.0)
        return layout_block(
            text, image_wh, Font(self.style.font, scale, thick), pad, margin,
            image_wh[1] - margin, True, self.max_lines,
        )  # fmt: skip

    def draw(self, image: Image, analysis: FrameAnalysis) -> Image:
        """Draw in place on `image` (H, W, 3) uint8 BGR and return the same array."""
        if not analysis.cue:
            return image
        st = self.style
        wh = image_wh(image)
        color = st.severity_bgr[analysis.cue_severity]
        fg = text_on(color, st)
        block = self.layout_cue(wh, analysis.cue)
        panel(image, block.box, color, 0.9, self._metrics(wh, 1.0)[2])
        mark = "i" if analysis.cue_severity is Severity.NOTE else "!"
        draw_icon(image, block.icon, fg, color, mark)
        self._draw_text(image, block, fg, 1.0)
        return image


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
        wh = image_wh(image)
        s = st.scale(wh)
        fps = f"{self.fps:.1f}" if math.isfinite(self.fps) else "--"
        lat = f"{self.latency_ms:.0f}" if math.isfinite(self.latency_ms) else "--"
        text = f"{fps} fps  {lat} ms  #{analysis.frame_index}"
        scale = st.font_scale * s * 0.75
        thick = 1
        tw, th, depth = text_size(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        margin = st.px(st.margin_px, wh)
        pad = max(3, round(5 * s))
        x1 = wh[0] - margin
        x0 = max(0, x1 - tw - 2 * pad)
        y0 = margin
        y1 = y0 + th + depth + 2 * pad
        panel(image, (x0, y0, x1, y1), st.panel_bgr, st.panel_alpha, pad)
        org = (x0 + pad, y0 + pad + th)
        put_text(
            image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, st.muted_text_bgr, thick
        )
        return image
