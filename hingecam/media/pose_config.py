"""Pose model settings: PoseConfig (the knobs that change what MediaPipe finds, each
with unit, source and doc) and the running modes, without importing mediapipe."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from pathlib import Path

from hingecam.core.fields import FieldDoc, field_docs, threshold_field
from hingecam.errors import ConfigError


class RunningMode(enum.Enum):
    """MediaPipe running modes (vision.RunningMode without importing mediapipe)."""

    IMAGE = "image"  # every frame on its own: no tracking, no timestamps
    VIDEO = "video"  # files: blocking, tracking across increasing timestamps
    LIVE_STREAM = "live_stream"  # cameras: asynchronous, results by callback


MEDIAPIPE_DEFAULT = "MediaPipe PoseLandmarkerOptions default"


@dataclass(frozen=True, slots=True)
class PoseConfig:
    """PoseLandmarker settings: the model knobs that change what is found.

    Fields with metadata (unit, source, doc, as in core/thresholds.py) are the
    knobs; `pose_knobs()` lists them. `model_path` None resolves the .task with
    hingecam.media.models. `running_mode` is VIDEO for files
    (MediaPipePoseEstimator, also IMAGE); LivePoseEstimator always uses
    LIVE_STREAM.
    """

    model_path: Path | None = None
    num_poses: int = threshold_field(
        2,
        "people",
        "design: MediaPipe's default is 1; 2 notices a second person in view",
        "Most people to detect, so a second person is noticed instead of being "
        "silently swapped for the lifter.",
    )
    min_pose_detection_confidence: float = threshold_field(
        0.5,
        "0..1",
        MEDIAPIPE_DEFAULT,
        "The detector's score needed to start tracking a person.",
    )
    min_pose_presence_confidence: float = threshold_field(
        0.5,
        "0..1",
        MEDIAPIPE_DEFAULT,
        "The landmark model's score that a person is still there; below it the "
        "detector runs again.",
    )
    min_tracking_confidence: float = threshold_field(
        0.5,
        "0..1",
        MEDIAPIPE_DEFAULT,
        "The score for keeping the previous frame's person box instead of "
        "re-detecting (VIDEO and LIVE_STREAM only).",
    )
    output_segmentation_masks: bool = threshold_field(
        False,
        "bool",
        MEDIAPIPE_DEFAULT + "; the commands turn it on for the back profile",
        "Also return each person's (H, W) mask; costs time on large frames.",
    )
    running_mode: RunningMode = RunningMode.VIDEO

    def __post_init__(self) -> None:
        if not 1 <= self.num_poses <= 10:
            raise ConfigError(f"num_poses must be 1..10, got {self.num_poses!r}")
        for f in fields(self):
            if f.metadata.get("unit") != "0..1":
                continue
            value = getattr(self, f.name)
            if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise ConfigError(f"{f.name} must be within 0..1, got {value!r}")
        if not isinstance(self.running_mode, RunningMode):
            raise ConfigError(
                f"running_mode must be a RunningMode, got {self.running_mode!r}"
            )


def pose_knobs() -> list[FieldDoc]:
    """(name, default, unit, source, doc) of every PoseConfig knob, in field order."""
    return field_docs(PoseConfig)
