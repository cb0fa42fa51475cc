"""Rep thumbnails for the report: each rep's worst moment, as a small JPEG of the
drawn frame (video, live) or a stick figure (pose track)."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    AnalysisResult,
    FrameAnalysis,
    Outcome,
    Phase,
    Rep,
)
from hingecam.core.facing import facing_sign
from hingecam.core.poses import PoseTrack
from hingecam.render.stickfigure import draw_stick_figure

THUMB_HEIGHT_PX = 360
"""Rep thumbnails in the report are this tall (enough for a card, small in HTML)."""
THUMB_HISTORY_S = 16.0
"""Drawn frames kept (as small JPEGs) for thumbnails: the longest rep plus margin."""


def worst_moment(rep: Rep) -> int:
    """Frame index that best shows a rep: its most severe flag, else its bottom."""
    flags = [c for c in rep.checks if c.outcome is Outcome.FLAGGED and c.frame >= 0]
    if flags:
        return max(flags, key=lambda c: c.severity.rank).frame
    return rep.bottom_frame


@dataclass
class ThumbnailKeeper:
    """Keeps recent drawn frames as small JPEGs; picks each rep's worst moment."""

    history_s: float = THUMB_HISTORY_S
    height_px: int = THUMB_HEIGHT_PX
    thumbnails: dict[int, bytes] = field(default_factory=dict)
    seen_reps: int = 0  # index of the last rep whose thumbnail was picked
    _recent: deque[tuple[int, float, bytes]] = field(default_factory=deque)

    def keep(self, analysis: FrameAnalysis, drawn: NDArray[np.uint8]) -> None:
        """Keep `drawn` (the frame with `analysis` on it) if it is inside a rep,
        and pick the thumbnail of a rep that just finished."""
        if analysis.phase not in (Phase.SETUP, Phase.STANDING):
            # A rep's worst moment is always inside the rep.
            self.add(analysis.frame_index, analysis.t_s, drawn)
        rep = analysis.last_rep
        if rep is not None and rep.index > self.seen_reps:
            self.seen_reps = rep.index
            self.on_rep(rep)

    def add(self, index: int, t_s: float, image: NDArray[np.uint8]) -> None:
        """Keep a small JPEG of `image`; forget those older than history_s."""
        h, w = image.shape[:2]
        scale = min(1.0, self.height_px / h)
        small = cv2.resize(
            image,
            (max(2, round(w * scale)), max(2, round(h * scale))),
            interpolation=cv2.INTER_AREA,
        )
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 82])
        if ok:
            self._recent.append((index, t_s, buf.tobytes()))
        while self._recent and self._recent[0][1] < t_s - self.history_s:
            self._recent.popleft()

    def catch_up(self, reps: Sequence[Rep]) -> None:
        """Pick thumbnails for reps that have none yet (from the frames still kept)."""
        for rep in reps:
            if rep.index not in self.thumbnails:
                self.on_rep(rep)

    def on_rep(self, rep: Rep) -> None:
        """Pick the kept frame nearest the rep's worst moment as its thumbnail."""
        want = worst_moment(rep)
        best = min(self._recent, key=lambda r: abs(r[0] - want), default=None)
        if best is not None:
            self.thumbnails[rep.index] = best[2]


def stick_thumbnails(
    result: AnalysisResult, track: PoseTrack, min_visibility: float
) -> dict[int, bytes]:
    """Rep thumbnails drawn as stick figures from a pose track (no video); the
    facing of the whole set (core.facing) places the angle chips."""
    frames = {int(i): k for k, i in enumerate(range(len(track)))}
    out: dict[int, bytes] = {}
    w, h = track.image_wh
    scale = THUMB_HEIGHT_PX / max(h, 1)
    size = (max(2, round(w * scale)), THUMB_HEIGHT_PX)
    facing = 0.0
    if result.side is not None:
        xy_px = track.xy_norm * np.array([w, h], dtype=np.float32)
        facing = facing_sign(xy_px, track.visibility, result.side, min_visibility)
    for rep in result.reps:
        k = frames.get(worst_moment(rep))
        if k is None:
            continue
        image = draw_stick_figure(
            track.xy_norm[k],
            track.visibility[k],
            size,
            result.side,
            source_wh=track.image_wh,
            measures={
                name: float(getattr(result.series, name)[k])
                for name in ("hip_flexion_deg", "knee_flexion_deg", "trunk_incline_deg")
            },
            facing=facing,
        )
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if ok:
            out[rep.index] = buf.tobytes()
    return out
