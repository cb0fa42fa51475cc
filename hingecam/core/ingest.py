"""Frame intake: each pose -> its near side and facing, its recorded track row and
its raw measures and view (one frame at a time, or a whole track vectorized)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import View
from hingecam.core.facing import Facing, FacingEstimator
from hingecam.core.hidden_knee import KneeFiller
from hingecam.core.measures import Measures
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


_FROM_KNEE = [
    Measures.NAMES.index(n)
    for n in ("knee_flexion_deg", "shin_incline_deg", "thigh_incline_deg")
]
"""Measures that a placed knee (hidden_knee.py) would only echo: its angle
follows from the lengths it was placed with, so they stay unread there; the
hip angle, which needs only the thigh's direction, is read (the count follows
it); the thigh's own lean, which stands in for the knee's bend in the rules
when the shins are out of view, is not."""


class FrameIntake:
    """Facing estimator plus track recorder plus raw measures, in frame order."""

    def __init__(self, thresholds: Thresholds, image_wh: tuple[int, int]) -> None:
        self.th = thresholds
        self.image_wh = image_wh
        self.facing = FacingEstimator(thresholds)
        self.knee = KneeFiller(thresholds)
        self.knee_placed_s: list[float] = []  # times of frames measured with it
        self.recorder = TrackRecorder(image_wh)

    def reset(self) -> None:
        """Forget the facing, the leg and every recorded row."""
        self.facing.reset()
        self.knee.reset()
        self.knee_placed_s.clear()
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
        # Measured with a hidden near knee placed (hidden_knee.py); recorded,
        # drawn and passed on as the model gave it.
        measured = self.knee.update(t_s, pose, facing)
        raw, view = measure_pose(measured, facing, back_profile, self.image_wh, self.th)
        if self.knee.placed:
            raw[_FROM_KNEE] = np.nan
            self.knee_placed_s.append(t_s)
        return Intake(pose, people, facing, raw, view)

    def replay(self, track: PoseTrack) -> list[Intake]:
        """Take every frame of a track: what update() gives frame by frame, with
        the measures computed in one call per near-side/facing stretch."""
        poses = [track.pose_at(i) for i in range(len(track))]
        facings = []
        xy, visibility = track.xy_norm.copy(), track.visibility.copy()
        placed: list[int] = []
        for i, pose in enumerate(poses):
            t_s = float(track.t_s[i])
            facings.append(self.facing.update(t_s, pose))
            people = int(track.people[i])
            self.recorder.update(t_s, pose, people, track.back_profile[i])
            measured = self.knee.update(t_s, pose, facings[-1])
            if self.knee.placed and measured is not None:
                xy[i], visibility[i] = measured.xy_norm, measured.visibility
                placed.append(i)
                self.knee_placed_s.append(t_s)
        present = [p is not None for p in poses]
        filled = dataclasses.replace(track, xy_norm=xy, visibility=visibility)
        raw, views = measure_track(filled, present, facings, self.th)
        raw[np.ix_(placed, _FROM_KNEE)] = np.nan
        return [
            Intake(pose, int(track.people[i]), facings[i], raw[i], views[i])
            for i, pose in enumerate(poses)
        ]
