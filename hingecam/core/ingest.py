"""Frame intake: each pose -> its near side and facing, its recorded track row and
its raw measures and view (one frame at a time, or a whole track vectorized)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import View
from hingecam.core.facing import Facing, FacingEstimator
from hingecam.core.pose_measures import back_profile_of, measure_pose, measure_track
from hingecam.core.poses import Pose, PoseTrack
from hingecam.core.recorder import TrackRecorder
from hingecam.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class Intake:
    """One frame as it came in: the pose, where it faces, its raw measures."""

    pose: Pose | None
    people: int
    facing: Facing
    raw: NDArray[np.float64]
    view: View


class FrameIntake:
    """Facing estimator plus track recorder plus raw measures, in frame order."""

    def __init__(self, thresholds: Thresholds, image_wh: tuple[int, int]) -> None:
        self.th = thresholds
        self.image_wh = image_wh
        self.facing = FacingEstimator(thresholds)
        self.recorder = TrackRecorder(image_wh)

    def reset(self) -> None:
        """Forget the facing and every recorded row."""
        self.facing.reset()
        self.recorder.reset()

    def update(
        self,
        t_s: float,
        pose: Pose | None,
        people: int,
        back_profile: NDArray[np.floating] | None,
    ) -> Intake:
        """Take one frame (the back profile is computed from pose.mask when None)."""
        facing = self.facing.update(t_s, pose)
        if back_profile is None:
            back_profile = back_profile_of(pose, facing, self.th)
        if pose is not None and pose.mask is not None:
            # The mask is read here only. Frames then wait in the smoothing lag
            # and the render queue: without it a 1080p frame holds 8 MB less.
            pose = dataclasses.replace(pose, mask=None)
        self.recorder.update(t_s, pose, people, back_profile)
        raw, view = measure_pose(pose, facing, back_profile, self.image_wh, self.th)
        return Intake(pose, people, facing, raw, view)

    def replay(self, track: PoseTrack) -> list[Intake]:
        """Take every frame of a track: what update() gives frame by frame, with
        the measures computed in one call per near-side/facing stretch."""
        poses = [track.pose_at(i) for i in range(len(track))]
        facings = []
        for i, pose in enumerate(poses):
            t_s = float(track.t_s[i])
            facings.append(self.facing.update(t_s, pose))
            people = int(track.people[i])
            self.recorder.update(t_s, pose, people, track.back_profile[i])
        present = [p is not None for p in poses]
        raw, views = measure_track(track, present, facings, self.th)
        return [
            Intake(pose, int(track.people[i]), facings[i], raw[i], views[i])
            for i, pose in enumerate(poses)
        ]
