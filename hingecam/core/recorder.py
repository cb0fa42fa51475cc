"""Track recording: each frame's lifter (or nobody) -> a PoseTrack row, so a run
can be saved and re-analyzed without the model."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    VideoInfo,
)
from hingecam.core.poses import BACK_PROFILE_SAMPLES, N_LANDMARKS, Pose, PoseTrack
from hingecam.core.recorded import Recorded


def _nan(shape: tuple[int, ...]) -> NDArray[np.float32]:
    return np.full(shape, np.nan, dtype=np.float32)


class TrackRecorder:
    """Collects one row per frame; `track()` stacks them (frames without a
    person are NaN rows)."""

    def __init__(self, image_wh: tuple[int, int]) -> None:
        self.image_wh = image_wh
        self.reset()

    def reset(self) -> None:
        """Forget every row."""
        self._t: list[float] = []
        self._xy: list[NDArray[np.float32]] = []
        self._world: list[NDArray[np.float32]] = []
        self._vis: list[NDArray[np.float32]] = []
        self._pres: list[NDArray[np.float32]] = []
        self._back: list[NDArray[np.float32]] = []
        self._people: list[int] = []

    def __len__(self) -> int:
        return len(self._t)

    def update(
        self, t_s: float, pose: Pose | None, people: int, back: NDArray[np.floating]
    ) -> int:
        """Record one frame; returns the number of rows so far."""
        self._t.append(t_s)
        self._people.append(people)
        self._back.append(np.asarray(back, dtype=np.float32))
        if pose is None:
            self._xy.append(_nan((N_LANDMARKS, 2)))
            self._world.append(_nan((N_LANDMARKS, 3)))
            self._vis.append(_nan((N_LANDMARKS,)))
            self._pres.append(_nan((N_LANDMARKS,)))
        else:
            self._xy.append(pose.xy_norm.astype(np.float32))
            self._world.append(pose.world_m.astype(np.float32))
            self._vis.append(pose.visibility.astype(np.float32))
            self._pres.append(pose.presence.astype(np.float32))
        return len(self._t)

    def track(self, meta: dict[str, object] | None = None) -> PoseTrack:
        """The rows so far as a pose track (no pixels)."""
        n = len(self._t)
        return PoseTrack(
            t_s=np.asarray(self._t, dtype=np.float64),
            xy_norm=np.stack(self._xy) if n else _nan((0, N_LANDMARKS, 2)),
            world_m=np.stack(self._world) if n else _nan((0, N_LANDMARKS, 3)),
            visibility=np.stack(self._vis) if n else _nan((0, N_LANDMARKS)),
            presence=np.stack(self._pres) if n else _nan((0, N_LANDMARKS)),
            back_profile=np.stack(self._back) if n else _nan((0, BACK_PROFILE_SAMPLES)),
            people=np.asarray(self._people, dtype=np.int16),
            image_wh=self.image_wh,
            meta=dict(meta or {}),
        )


def track_video_info(track: PoseTrack) -> VideoInfo:
    """What a pose track says about its video (meta, else its timestamps),
    and when it was recorded (its `recorded_at`, carried over from its video or
    live session; unknown for a track written before hingecam recorded it)."""
    n = len(track)
    duration = float(track.t_s[-1] - track.t_s[0]) if n > 1 else 0.0
    fps = (n - 1) / duration if duration > 0 else 0.0
    return VideoInfo(
        name=str(track.meta.get("source", "pose track")),
        width=track.image_wh[0],
        height=track.image_wh[1],
        fps=float(track.meta.get("fps", fps) or fps),
        frames=n,
        duration_s=duration + (1.0 / fps if fps else 0.0),
        rotation_deg=int(track.meta.get("rotation_deg", 0) or 0),
        recorded=Recorded.from_meta(track.meta),
    )
