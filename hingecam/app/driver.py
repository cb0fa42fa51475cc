"""The one path of every command: poses -> lifter tracker -> Analyzer -> thumbnails
-> a Run (result + pose track) -> pose_track.npz and the report files. Fed frame by
frame (video, live) or with a recorded pose track (re-analysis, eval)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

# The layers below, kept to these few imports so their moves touch one place.
from hingecam.app.thumbnails import ThumbnailKeeper, stick_thumbnails
from hingecam.core.analysis import Analyzer
from hingecam.core.datatypes import (
    AnalysisResult,
    Exercise,
    FrameAnalysis,
    Rep,
    VideoInfo,
)
from hingecam.core.lifter import LifterTracker
from hingecam.core.mode import RECORDED, Mode
from hingecam.core.poses import Pose, PoseTrack
from hingecam.core.recorder import track_video_info
from hingecam.core.thresholds import Thresholds
from hingecam.media.models import sha256_file
from hingecam.media.tracks import save_track
from hingecam.report.outputs import TRACK_NAME
from hingecam.report.write import write_outputs


def make_analyzer(
    exercise: Exercise, thresholds: Thresholds, image_wh: tuple[int, int], mode: Mode
) -> Analyzer:
    """Every Analyzer of the app is built here.

    Args:
        mode: LIVE (causal smoothing, no lag: a camera) or RECORDED (zero-phase
            smoothing with a lag: a file or a track).
    """
    return Analyzer(exercise, thresholds, image_wh, mode)


def track_meta(
    info: VideoInfo, model_path: Path, extra: dict[str, object]
) -> dict[str, object]:
    """The meta a run's pose track stores: the source, its frame rate and
    rotation, the model (file name, sha256), then `extra` (how inference ran)."""
    return {
        "source": info.name,
        "fps": info.fps,
        "rotation_deg": info.rotation_deg,
        "model": model_path.name,
        "model_sha256": sha256_file(model_path) if model_path.is_file() else None,
        **extra,
    }


def brightness(image_bgr: NDArray[np.uint8]) -> float:
    """Mean brightness 0..255 on a sparse grid (cheap enough for every frame)."""
    return float(image_bgr[::16, ::16].mean())


@dataclass
class Run:
    """What one set produced: the result, the lifter's pose track, whether the
    run was cut short (a signal), and whether the video was damaged (truncated:
    the frames that decoded were analyzed)."""

    result: AnalysisResult
    track: PoseTrack
    interrupted: bool = False
    damaged: bool = False


class Driver:
    """One set through the analysis: feed it frames (push, keep) or a pose track
    (replay), then finish().

    Args:
        exercise, thresholds: the analysis settings.
        image_wh: frame size in pixels.
        mode: LIVE for a camera, RECORDED (default) for a file or a track.
    """

    def __init__(
        self,
        exercise: Exercise,
        thresholds: Thresholds,
        image_wh: tuple[int, int],
        *,
        mode: Mode = RECORDED,
    ) -> None:
        self.analyzer = make_analyzer(exercise, thresholds, image_wh, mode)
        self.thumbs = ThumbnailKeeper()
        self._tracker = LifterTracker(thresholds)
        self._replayed: PoseTrack | None = None
        self._replayed_from: Path | None = None

    @property
    def reps(self) -> list[Rep]:
        """The reps completed so far."""
        return self.analyzer.reps

    def push(
        self,
        index: int,
        t_s: float,
        poses: Sequence[Pose],
        *,
        brightness: float | None = None,
    ) -> list[FrameAnalysis]:
        """Add one frame's poses; returns the analyses of frames that became final.

        Args:
            index: frame index in decode order.
            t_s: frame time in seconds (increasing).
            poses: every person the model found; the lifter is picked here.
            brightness: the frame's mean brightness 0..255 (see brightness()).
        """
        lifter = self._tracker.update(poses, t_s)
        return self.analyzer.push(
            index, t_s, lifter, people=len(poses), brightness=brightness
        )

    def keep(self, analysis: FrameAnalysis, drawn: NDArray[np.uint8]) -> None:
        """Offer a drawn frame (with `analysis` on it) as a rep thumbnail."""
        self.thumbs.keep(analysis, drawn)

    def flush(self) -> list[FrameAnalysis]:
        """No more frames: analyses of the frames still held back for smoothing."""
        return self.analyzer.finish()

    def replay(self, track: PoseTrack, path: Path | None = None) -> None:
        """Analyze a recorded pose track instead of frames (vectorised; the same
        analyses as pushing its frames one by one). Call finish() next.

        Args:
            track: the track (finish() saves it as it is, meta included).
            path: the file it was read from, never overwritten by finish().
        """
        self.analyzer.replay(track)
        self._replayed, self._replayed_from = track, path

    def finish(
        self,
        info: VideoInfo | None = None,
        *,
        meta: dict[str, object] | None = None,
        notes: Sequence[str] = (),
        folder: Path | None = None,
        thumbnails: bool = True,
    ) -> Run:
        """The set's result and pose track; written to `folder` when given.

        Args:
            info: the source's VideoInfo (None after replay(): the track's).
            meta: stored in the pose track (source, fps, model, ...); a replayed
                track keeps its own.
            notes: sentences appended to the result's notes.
            folder: where pose_track.npz, report.json, reps.csv and report.html
                go (created), or None to write nothing.
            thumbnails: after replay(), draw stick-figure thumbnails (video and
                live runs keep drawn frames as they go).
        """
        replayed = self._replayed
        if replayed is not None:
            track = replayed
            info = info or track_video_info(replayed)
        else:
            track = self.analyzer.track(meta)
            self.thumbs.catch_up(self.analyzer.reps)  # reps closed by flush()
        if info is None:
            raise ValueError("finish() needs the VideoInfo of a streamed run")
        result = self.analyzer.result(info, self.thumbs.thumbnails)
        if replayed is not None and thumbnails:
            result = dataclasses.replace(
                result,
                thumbnails=stick_thumbnails(
                    result, replayed, self.analyzer.th.min_visibility
                ),
            )
        if notes:
            result = dataclasses.replace(result, notes=(*result.notes, *notes))
        if track.meta.get("model_sha256"):
            model = {
                "file": str(track.meta.get("model", "")),
                "sha256": str(track.meta["model_sha256"]),
            }
            result = dataclasses.replace(result, model=model)
        run = Run(result, track)
        if folder is not None:
            save_run(run, folder, self._replayed_from)
        return run


def save_run(run: Run, folder: Path, replayed_from: Path | None = None) -> None:
    """Write the run's pose track and report files into `folder` (created); a
    track is not written over the file it was replayed from."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / TRACK_NAME
    if replayed_from is None or replayed_from.resolve() != target.resolve():
        save_track(run.track, target)
    write_outputs(run.result, folder)
