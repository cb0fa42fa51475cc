"""FakeEstimator: scripted poses replayed per frame index, for tests of the stages
after pose (and benchmarks); implements PoseEstimator and LiveEstimator."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from hingecam.core.poses import Frame, Pose, PoseTrack
from hingecam.media.closing import Closing
from hingecam.media.pose import LivePoses


class FakeEstimator(Closing):
    """Replays scripted poses, for tests of the stages after pose.

    Poses are looked up by `frame.index` and re-timed to the frame's t_s, so
    dropped or skipped frames do not shift the script. Implements both
    PoseEstimator and LiveEstimator (results are ready at once).
    """

    def __init__(
        self,
        script: Mapping[int, Iterable[Pose] | Pose | None]
        | Sequence[Iterable[Pose] | Pose | None],
    ) -> None:
        """Args:
        script: frame index -> the poses for it (a Pose, several, or None),
            as a mapping or a sequence indexed from 0. Frames not in the
            script have nobody in them.
        """
        items = script.items() if isinstance(script, Mapping) else enumerate(script)
        self._script: dict[int, tuple[Pose, ...]] = {
            int(i): _as_poses(p) for i, p in items
        }
        self.calls: list[int] = []
        self._latest: LivePoses | None = None
        self.closed = False

    @classmethod
    def from_track(cls, track: PoseTrack) -> FakeEstimator:
        """One pose per frame of a recorded track; frames without one stay empty."""
        script: dict[int, Pose] = {}
        for i in range(len(track)):
            if (pose := track.pose_at(i)) is not None:
                script[i] = pose
        return cls(script)

    def estimate(self, frame: Frame) -> tuple[Pose, ...]:
        if self.closed:
            raise RuntimeError("the pose estimator is closed")
        self.calls.append(frame.index)
        return tuple(
            dataclasses.replace(p, t_s=frame.t_s)
            for p in self._script.get(frame.index, ())
        )

    def submit(self, frame: Frame) -> bool:
        self._latest = (frame.index, frame.t_s, self.estimate(frame))
        return True

    def latest(self) -> LivePoses | None:
        return self._latest

    def close(self) -> None:
        self.closed = True


def _as_poses(value: Iterable[Pose] | Pose | None) -> tuple[Pose, ...]:
    if value is None:
        return ()
    if isinstance(value, Pose):
        return (value,)
    return tuple(value)
