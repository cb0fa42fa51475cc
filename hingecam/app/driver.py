"""The one path of every command: poses -> lifter tracker -> Analyzer -> thumbnails
-> a Run (result + pose track) -> pose_track.npz and the report files. Fed frame by
frame (video, live) or with a recorded pose track (re-analysis, eval)."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Sequence
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
    Recognition,
    Rep,
    VideoInfo,
)
from hingecam.core.lifter import LifterTracker
from hingecam.core.mode import RECORDED, Mode
from hingecam.core.poses import Pose, PoseTrack
from hingecam.core.profiles import PROFILES
from hingecam.core.recognition import recognise, recognition_note
from hingecam.core.recorder import track_video_info
from hingecam.core.thresholds import Thresholds, for_exercise
from hingecam.media.models import sha256_file
from hingecam.media.tracks import save_track
from hingecam.report.outputs import TRACK_NAME
from hingecam.report.write import write_outputs

RECOGNITION_ROUNDS = 3
"""How many times the end of a set may change the exercise recognised (each
time the whole set is analyzed again with the new profile)."""


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
    rotation, when it was recorded (`recorded_at`, `recorded_from`: a track
    carries its video's time over), the model (file name, sha256), then `extra`
    (how inference ran)."""
    return {
        "source": info.name,
        "fps": info.fps,
        "rotation_deg": info.rotation_deg,
        **info.recorded.to_meta(),
        "model": model_path.name,
        "model_sha256": sha256_file(model_path) if model_path.is_file() else None,
        **extra,
    }


def athlete_of(meta: dict[str, object]) -> str | None:
    """The athlete a pose track's meta names, or None (none, or not text)."""
    who = meta.get("athlete")
    return who.strip() if isinstance(who, str) and who.strip() else None


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
        self._requested = exercise
        self._thresholds = thresholds
        self._image_wh = image_wh
        self._mode = mode
        self.recognition: Recognition | None = None
        """With AUTO, what the movement was recognised as so far."""
        self._recognising = exercise is Exercise.AUTO
        self._reps_read = 0
        self._last_out = -1
        self._steps: Iterator[list[FrameAnalysis]] = iter(())

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
        out = self.analyzer.push(
            index, t_s, lifter, people=len(poses), brightness=brightness
        )
        return self._fresh(self._recognise(out))

    def keep(self, analysis: FrameAnalysis, drawn: NDArray[np.uint8]) -> None:
        """Offer a drawn frame (with `analysis` on it) as a rep thumbnail."""
        self.thumbs.keep(analysis, drawn)

    def flush(self) -> list[FrameAnalysis]:
        """No more frames: analyses of the frames still held back for smoothing."""
        return self._fresh(self._finish_recognised(self.analyzer.finish()))

    def reset_count(self) -> None:
        """Start counting from zero (live's `r`); the exercise recognised so far
        stays (a re-analysis would undo the reset)."""
        self._recognising = False
        self.analyzer.reset_count()

    def recalibrate(self) -> None:
        """Measure the standing posture again (live's `c`); the exercise
        recognised so far stays."""
        self._recognising = False
        self.analyzer.recalibrate()

    def _recognise(
        self, out: list[FrameAnalysis], track: PoseTrack | None = None, upto: int = 0
    ) -> list[FrameAnalysis]:
        """With AUTO requested, read the exercise again after each new rep; when
        it changes, analyze the frames so far again with its profile (as if it
        had been named from the start) and go on with that analyzer.

        Args:
            out: the analyses the current analyzer just gave.
            track: a replayed track and the frames of it pushed so far (upto);
                None when streaming (the analyzer's own track so far).
        """
        a = self.analyzer
        if not self._recognising or len(a.reps) <= self._reps_read:
            return out
        self._reps_read = len(a.reps)
        so_far = a.track()
        self.recognition = recognise(so_far, a.reps, a.series(), a.th)
        if self.recognition.exercise is a.exercise:
            return out
        th = for_exercise(self._thresholds, self._requested, self.recognition.exercise)
        self.analyzer = make_analyzer(
            self.recognition.exercise, th, self._image_wh, self._mode
        )
        self._steps = self.analyzer.steps(so_far if track is None else track)
        count = len(so_far) if track is None else upto
        again = [x for step in itertools.islice(self._steps, count) for x in step]
        self._reps_read = len(self.analyzer.reps)
        return again

    def _finish_recognised(self, out: list[FrameAnalysis]) -> list[FrameAnalysis]:
        """The last rep may change what the set is: read it again (at most a
        few times: each reading analyzes the whole set again)."""
        for _ in range(RECOGNITION_ROUNDS):
            before = self.analyzer
            out = self._recognise(out)
            if self.analyzer is before:
                break
            out += self.analyzer.finish()
        return out

    def _fresh(self, out: list[FrameAnalysis]) -> list[FrameAnalysis]:
        """The analyses of frames not handed out before (a switch re-analyzes
        frames already drawn)."""
        fresh = [a for a in out if a.frame_index > self._last_out]
        if fresh:
            self._last_out = fresh[-1].frame_index
        label = self.exercise_label
        return [dataclasses.replace(a, exercise_label=label) for a in fresh]

    @property
    def exercise_label(self) -> str:
        """The exercise as the overlay names it now: "Deadlift", with auto
        "Deadlift (recognised)", or "Hip hinge" until one is recognised."""
        label = PROFILES[self.analyzer.exercise].label
        if (
            self._requested is Exercise.AUTO
            and self.analyzer.exercise is not Exercise.AUTO
        ):
            return f"{label} (recognised)"
        return label

    def replay(self, track: PoseTrack, path: Path | None = None) -> None:
        """Analyze a recorded pose track instead of frames (vectorised; the same
        analyses as pushing its frames one by one). Call finish() next.

        Args:
            track: the track (finish() saves it as it is, meta included).
            path: the file it was read from, never overwritten by finish().
        """
        self._replayed, self._replayed_from = track, path
        if not self._recognising:
            self.analyzer.replay(track)
            return
        # As the frames would have been pushed: a switch after a rep analyzes
        # the frames so far again, then the new analyzer goes on from there.
        self._steps = self.analyzer.steps(track)
        done = 0
        while done < len(track):
            step = next(self._steps)
            done += 1
            self._recognise(step, track, done)
        self._finish_recognised(self.analyzer.finish())

    def finish(
        self,
        info: VideoInfo | None = None,
        *,
        meta: dict[str, object] | None = None,
        notes: Sequence[str] = (),
        folder: Path | None = None,
        thumbnails: bool = True,
        athlete: str | None = None,
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
            athlete: who performed the set, stored in the pose track's meta;
                None keeps the one a replayed track names (if any).
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
        result = dataclasses.replace(
            result, exercise_requested=self._requested, recognition=self.recognition
        )
        if self.recognition is not None:
            note = recognition_note(self.recognition)
            result = dataclasses.replace(result, notes=(note, *result.notes))
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
        run = with_athlete(Run(result, track), athlete)
        if folder is not None:
            save_run(run, folder, self._replayed_from)
        return run


def with_athlete(run: Run, athlete: str | None) -> Run:
    """The run with who performed it: `athlete` (stored in its pose track's
    meta, so a re-analysis of the track keeps it), else the one its track
    names (a replayed track's own), else None."""
    track = run.track
    if athlete is not None and athlete.strip():
        track = dataclasses.replace(
            track, meta={**track.meta, "athlete": athlete.strip()}
        )
    result = dataclasses.replace(run.result, athlete=athlete_of(track.meta))
    return dataclasses.replace(run, result=result, track=track)


def save_run(
    run: Run,
    folder: Path,
    replayed_from: Path | None = None,
    *,
    last_time: dict[str, object] | None = None,
) -> None:
    """Write the run's pose track and report files into `folder` (created); a
    track is not written over the file it was replayed from. `last_time`: the
    set the report compares this one with (a live session's previous one)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / TRACK_NAME
    if replayed_from is None or replayed_from.resolve() != target.resolve():
        save_track(run.track, target)
    write_outputs(run.result, folder, last_time=last_time)
