"""Frames and poses: a decoded frame, one person's landmarks in it, and a pose
track (every frame's lifter, as recorded in pose_track.npz). No cv2 or mediapipe
here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

N_LANDMARKS = 33
"""BlazePose landmarks per person."""

BACK_PROFILE_SAMPLES = 9
"""Points along the shoulder-hip chord where the back silhouette is sampled."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded video frame.

    Attributes:
        image_bgr: (H, W, 3) uint8, upright (rotation metadata already applied).
        index: 0-based decode order.
        t_s: presentation time in seconds from the decoder (or the monotonic
            clock for cameras), never index / fps.
    """

    image_bgr: NDArray[np.uint8]
    index: int
    t_s: float


@dataclass(frozen=True, slots=True)
class Pose:
    """One person's landmarks in one frame (BlazePose order, see landmarks.py).

    Attributes:
        t_s: seconds since the stream started.
        xy_norm: (33, 2) float32, x right and y down, 0..1 of image width/height.
        image_wh: image size in pixels, (width, height).
        world_m: (33, 3) float32 metres, hip-centred, from the model; rough z.
        visibility: (33,) float32 0..1, likelihood the point is visible.
        presence: (33,) float32 0..1, likelihood the point is in the image.
        mask: (H, W) float32 0..1 person probability, or None when not asked.
    """

    t_s: float
    xy_norm: NDArray[np.float32]
    image_wh: tuple[int, int]
    world_m: NDArray[np.float32]
    visibility: NDArray[np.float32]
    presence: NDArray[np.float32]
    mask: NDArray[np.float32] | None = None

    def __post_init__(self) -> None:
        for name, shape in (
            ("xy_norm", (N_LANDMARKS, 2)),
            ("world_m", (N_LANDMARKS, 3)),
            ("visibility", (N_LANDMARKS,)),
            ("presence", (N_LANDMARKS,)),
        ):
            value = getattr(self, name)
            if value.shape != shape:
                raise ValueError(
                    f"Pose.{name} must have shape {shape}, got {value.shape}"
                )

    @property
    def xy_px(self) -> NDArray[np.float32]:
        """(33, 2) image pixels."""
        w, h = self.image_wh
        return (self.xy_norm * np.array([w, h], dtype=np.float32)).astype(np.float32)


@dataclass(frozen=True)
class PoseTrack:
    """Landmarks of the chosen lifter over time, without pixels.

    Every array has the frame axis first, N frames, in decode order. Frames with
    no person hold NaN. This is what `hingecam analyze TRACK` re-analyzes.

    Attributes:
        t_s: (N,) float64 presentation times in seconds.
        xy_norm: (N, 33, 2) float32 normalized image coordinates.
        world_m: (N, 33, 3) float32 world coordinates in metres.
        visibility: (N, 33) float32.
        presence: (N, 33) float32.
        back_profile: (N, BACK_PROFILE_SAMPLES) float32: distance of the back's
            silhouette edge from the shoulder-hip chord, in chord lengths,
            sampled from hip (first) to shoulder (last); NaN without a mask.
        people: (N,) int16 number of people the model found in each frame.
        image_wh: (width, height) in pixels, upright.
        meta: free-form provenance: source file name, fps, model variant, ...
    """

    t_s: NDArray[np.float64]
    xy_norm: NDArray[np.float32]
    world_m: NDArray[np.float32]
    visibility: NDArray[np.float32]
    presence: NDArray[np.float32]
    back_profile: NDArray[np.float32]
    people: NDArray[np.int16]
    image_wh: tuple[int, int]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.t_s.shape[0]
        expected = {
            "xy_norm": (n, N_LANDMARKS, 2),
            "world_m": (n, N_LANDMARKS, 3),
            "visibility": (n, N_LANDMARKS),
            "presence": (n, N_LANDMARKS),
            "back_profile": (n, BACK_PROFILE_SAMPLES),
            "people": (n,),
        }
        for name, shape in expected.items():
            value = getattr(self, name)
            if value.shape != shape:
                raise ValueError(
                    f"PoseTrack.{name} must have shape {shape}, got {value.shape}"
                )

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def pose_at(self, i: int) -> Pose | None:
        """Frame i as a Pose (no mask), or None where nobody was seen.

        Nobody was seen where no coordinate is finite (a recorded frame without a
        person is all NaN); a pose with some NaN points is still a pose, its
        missing points propagating as NaN.
        """
        if not np.isfinite(self.xy_norm[i]).any():
            return None
        return Pose(
            t_s=float(self.t_s[i]),
            xy_norm=self.xy_norm[i],
            image_wh=self.image_wh,
            world_m=self.world_m[i],
            visibility=self.visibility[i],
            presence=self.presence[i],
        )

    def select(self, frames: NDArray[np.intp] | list[int]) -> PoseTrack:
        """The given frames as a track of their own (meta not kept)."""
        return PoseTrack(
            t_s=self.t_s[frames],
            xy_norm=self.xy_norm[frames],
            world_m=self.world_m[frames],
            visibility=self.visibility[frames],
            presence=self.presence[frames],
            back_profile=self.back_profile[frames],
            people=self.people[frames],
            image_wh=self.image_wh,
        )
