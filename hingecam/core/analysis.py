"""The analyzer shared by live practice and recorded video: poses, frame by frame ->
FrameAnalysis, then an AnalysisResult; a short composition of small state machines,
with live vs recorded given by a Mode (core/mode.py)."""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hingecam.core.calibration import Calibrator
from hingecam.core.count_reread import EarlyFrames
from hingecam.core.count_signal import COUNT_FIELD, CountSignal
from hingecam.core.cue_hold import CueHold
from hingecam.core.datatypes import (
    AnalysisResult,
    Exercise,
    FrameAnalysis,
    MeasureSeries,
    Phase,
    Rep,
    SetupHint,
    VideoInfo,
    View,
)
from hingecam.core.facing import Facing
from hingecam.core.filtering import GlitchGate
from hingecam.core.frame_log import FrameLog
from hingecam.core.hints import SetupHints
from hingecam.core.ingest import FrameIntake, Intake
from hingecam.core.measures import Measures
from hingecam.core.mode import LIVE, RECORDED, Mode
from hingecam.core.notes import break_note, hidden_knee_note, set_notes
from hingecam.core.pose_measures import Feet, feet_position
from hingecam.core.poses import Pose, PoseTrack
from hingecam.core.profiles import PROFILES
from hingecam.core.recognition import hands_above_knees
from hingecam.core.recorder import track_video_info
from hingecam.core.rep_builder import RepBuilder
from hingecam.core.rep_events import RepEvent
from hingecam.core.rep_window import dominant_view
from hingecam.core.reps import RepSegmenter
from hingecam.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class _Pending:
    index: int
    t_s: float
    pose: Pose | None
    facing: Facing
    view: View
    hint: SetupHint | None
    feet: Feet  # where the ankles were (NaN if unseen)
    raw: NDArray[np.float64]  # the gated row before smoothing


class Analyzer:
    """Streams poses in, finalized per-frame analyses out.

    Args:
        exercise: the profile (AUTO judges like a generic hinge).
        thresholds: numbers in force.
        image_wh: frame size in pixels.
        mode: LIVE or RECORDED (see Analyzer.live / Analyzer.offline).
        calibration_s: how long the lifter must stand still to calibrate
            (default: the mode's thresholds field).
    """

    def __init__(
        self,
        exercise: Exercise,
        thresholds: Thresholds,
        image_wh: tuple[int, int],
        mode: Mode = RECORDED,
        *,
        calibration_s: float | None = None,
    ) -> None:
        self.exercise = exercise
        self.profile = PROFILES[exercise]
        self.th = thresholds
        self.image_wh = image_wh
        self.mode = mode
        if calibration_s is None:
            calibration_s = mode.calibration_s(thresholds)
        self._intake = FrameIntake(thresholds, image_wh)
        self._gate = GlitchGate(thresholds)
        self._smoothing = mode.smoothing(thresholds)
        self._hints = SetupHints(thresholds)
        self._calibrator = Calibrator(
            thresholds,
            calibration_s,
            mode.provisional_reference,
            brief_s=mode.brief_s(thresholds),
        )
        self._count = CountSignal(thresholds)
        self._segmenter = RepSegmenter(thresholds, from_floor=self.profile.from_floor)
        self._early = EarlyFrames(thresholds)
        self._seen_s = math.nan  # when the lifter was last seen
        self._on_break = False  # unseen set_break_s since: left between sets
        self._breaks: list[tuple[float, float]] = []  # last seen, seen again (s)
        self._builder = RepBuilder(
            self.profile,
            thresholds,
            mode.judge_smoothing(thresholds) if mode.judge_smoothing else None,
        )
        self._log = FrameLog()
        self._pending: deque[_Pending] = deque()
        self._cue = CueHold(
            thresholds.cue_hold_s, mode.calibrate_prompt, mode.provisional_prompt
        )
        self._rep_offset = 0
        self.reps: list[Rep] = []
        self.provisional_reps = 0
        self._first_provisional = False
        """Reps counted before the lifter's standing posture was measured."""

    @classmethod
    def live(
        cls, exercise: Exercise, thresholds: Thresholds, image_wh: tuple[int, int],
        calibration_s: float | None = None,
    ) -> Analyzer:  # fmt: skip
        """A camera's analyzer: causal filtering, no lag, calibrate first."""
        return cls(exercise, thresholds, image_wh, LIVE, calibration_s=calibration_s)

    @classmethod
    def offline(
        cls, exercise: Exercise, thresholds: Thresholds, image_wh: tuple[int, int],
        calibration_s: float | None = None,
    ) -> Analyzer:  # fmt: skip
        """A recorded video's analyzer: zero-phase filtering with a lag."""
        return cls(
            exercise, thresholds, image_wh, RECORDED, calibration_s=calibration_s
        )

    @property
    def lag_s(self) -> float:
        """How long after a frame its analysis comes out (0 when live)."""
        return self._smoothing.lag_s

    @property
    def calibration_s(self) -> float:
        """How long the lifter must stand still to calibrate."""
        return self._calibrator.calibration_s

    @property
    def setup(self) -> Measures | None:
        """The lifter's standing posture, None until calibrated."""
        return self._calibrator.setup

    @property
    def reference(self) -> Measures | None:
        """The posture reps are counted and judged against: the calibrated one,
        else (live) a brief still moment's, else None."""
        return self._calibrator.reference

    def push(
        self,
        index: int,
        t_s: float,
        pose: Pose | None,
        people: int = 1,
        back_profile: NDArray[np.floating] | None = None,
        brightness: float | None = None,
    ) -> list[FrameAnalysis]:
        """Add one frame; returns the analyses of the frames that became final.

        Args:
            index: frame index in decode order.
            t_s: frame time in seconds (increasing).
            pose: the lifter's pose, or None when nobody was found.
            people: how many people the model found.
            back_profile: precomputed back silhouette profile (a replayed pose
                track); computed from pose.mask when None.
            brightness: mean image brightness 0..255, for the "too dark" hint.
        """
        frame = self._intake.update(t_s, pose, people, back_profile)
        return self._push_raw(index, t_s, frame, brightness)

    def replay(self, track: PoseTrack) -> list[FrameAnalysis]:
        """Push every frame of a recorded pose track, then finish.

        Gives exactly what pushing the frames one by one gives, but computes
        the measures in one vectorized call per near-side/facing stretch, so a
        typical set re-analyzes in well under a second.
        """
        out = [a for step in self.steps(track) for a in step]
        return out + self.finish()

    def steps(self, track: PoseTrack) -> Iterator[list[FrameAnalysis]]:
        """Push the frames of a recorded pose track one at a time (measured as
        replay() measures them), yielding each frame's finalized analyses; no
        finish()."""
        for i, frame in enumerate(self._intake.replay(track)):
            yield self._push_raw(i, float(track.t_s[i]), frame, None)

    def finish(self) -> list[FrameAnalysis]:
        """Flush the frames still waiting for their smoothing window, and a rep
        that ended on the last frames."""
        out = self._drain(final=True)
        event = self._segmenter.flush()
        if event is not None:
            self._add_rep(event)
        return out

    def recalibrate(self) -> None:
        """Forget the setup posture; the next still standing stretch sets a new one."""
        self._calibrator.reset()
        self._segmenter = RepSegmenter(self.th, from_floor=self.profile.from_floor)
        self._early.clear()

    def reset_count(self) -> None:
        """Start counting from zero again (the reps so far stay in the report)."""
        self._rep_offset = len(self.reps)
        self._segmenter.reset()
        if self.reference is not None:
            self._segmenter.set_reference(self.reference.get(COUNT_FIELD))

    def _hands_low(self, pose: Pose | None) -> bool:
        """Whether the hands are not seen held high, read only where the rep
        counter uses it (before the lifter has stood, a profile that starts on
        the floor): see RepSegmenter.update."""
        if (
            pose is None
            or not self.profile.from_floor
            or self._segmenter.phase is not Phase.SETUP
        ):
            return True
        above = hands_above_knees(pose, self.th.min_visibility)
        return not above > self.th.recognise_pull_max_hands_norm  # NaN: unseen

    def _left_between_sets(self, t_s: float, pose: Pose | None) -> RepEvent | None:
        """Once the lifter has been unseen for set_break_s, the set is over: a
        rep they finished before leaving (RepSegmenter.break_set), if any."""
        if pose is not None:
            if self._on_break:
                self._breaks.append((self._seen_s, t_s))
            self._seen_s, self._on_break = t_s, False
            return None
        if self._on_break or not t_s - self._seen_s >= self.th.set_break_s:
            return None  # NaN (never seen yet) compares False
        self._on_break = True
        return self._segmenter.break_set()

    def _add_rep(self, event: RepEvent) -> Rep:
        rep = self._builder.update(event, self._log, self.reference, len(self.reps) + 1)
        self.reps.append(rep)
        return rep

    def _push_raw(
        self, index: int, t_s: float, f: Intake, brightness: float | None
    ) -> list[FrameAnalysis]:
        hint = self._hints.update(t_s, f.pose, f.people, f.view, brightness)
        feet = feet_position(f.pose, f.facing.side, self.th.min_visibility)
        raw = self._gate.update(t_s, f.raw)
        self._pending.append(
            _Pending(index, t_s, f.pose, f.facing, f.view, hint, feet, raw)
        )
        self._smoothing.push(t_s, raw)
        return self._drain(final=False)

    def _drain(self, final: bool) -> list[FrameAnalysis]:
        return [
            self._finalize(self._pending.popleft(), row)
            for row in self._smoothing.drain(final)
        ]

    def _reread_early_frames(self) -> Rep | None:
        """A reference posture found just now (calibrated, or live a brief
        still moment) with no rep counted but against the typical posture:
        count the frames before it again against the lifter's own standing
        posture (see EarlyFrames); the last rep found, if any.

        Reps counted against the typical posture are replaced by the re-read's
        when it finds as many (ended or about to end, on each side): where each
        starts then depends on the lifter's posture, not on whether the rep
        ended a moment before or after the posture was measured (live's causal
        filter ends it later than recorded video's)."""
        assert self.reference is not None
        found = self._early.reread(self.reference, self.profile.from_floor)
        self._early.clear()
        provisional = len(self.reps)
        # Like with like: the reps each count has ended, and the one each is
        # settling to a lockout (a rep from the floor the re-read cannot begin
        # is not traded for the next rep, still settling here).
        counted = provisional + self._segmenter.settling
        if not found.found_a_rep or (
            provisional and len(found.events) + found.segmenter.settling != counted
        ):
            return None
        del self.reps[:provisional]
        self.provisional_reps -= provisional
        self._segmenter = found.segmenter
        for pos, phase in found.phases:
            self._log.phases[pos] = phase
        reps = [self._add_rep(e) for e in found.events]
        return reps[-1] if reps else None

    def _finalize(self, p: _Pending, values: NDArray[np.float64]) -> FrameAnalysis:
        side = p.facing.side if p.pose is not None else None
        pos = self._log.append(p.index, p.t_s, values, p.view, side, p.feet, p.raw)
        m = Measures.from_array(values)
        counting = self._segmenter.phase is not Phase.SETUP
        had_reference = self.reference is not None
        reference = self._calibrator.update(self._log, m, counting)
        if reference is not None:
            self._segmenter.set_reference(reference)
        early_rep = None
        if (
            not had_reference
            and self.reference is not None
            and len(self.reps) == self.provisional_reps
        ):
            early_rep = self._reread_early_frames()
        hip = self._count.update(p.t_s, p.view, m, self.reference)
        if self.reference is None:
            self._early.add(pos, p.index, p.t_s, m, self._count.uses_2d)
        left = self._left_between_sets(p.t_s, p.pose)
        event = self._segmenter.update(
            p.index,
            p.t_s,
            hip,
            self._count.second,
            self._count.trunk,
            hands_low=self._hands_low(p.pose),
            lifter_seen=p.pose is not None,
        )
        if event is None:
            event = left
        phase = self._segmenter.phase
        self._log.phases.append(phase)
        rep = self._add_rep(event) if event is not None else early_rep
        prompt = self.setup is None and p.pose is not None and p.hint is None
        if rep is not None and self.reference is None:
            self.provisional_reps += 1
        # The first rep begun without calibration is said once; later reps' cues
        # would otherwise alternate with it between reps.
        self._first_provisional = (
            self.reference is None
            and not self.reps
            and (self._first_provisional or phase not in (Phase.SETUP, Phase.STANDING))
        )
        cue, severity = self._cue.update(p.t_s, rep, prompt, self._first_provisional)
        return FrameAnalysis(
            frame_index=p.index,
            t_s=p.t_s,
            pose=p.pose,
            measures=m,
            side=side,
            view=p.view,
            phase=phase,
            rep_count=len(self.reps) - self._rep_offset,
            cue=cue,
            cue_severity=severity,
            setup_hint=p.hint,
            last_rep=self.reps[-1] if self.reps else None,
            facing=p.facing.shown_sign if side is not None else 0.0,
        )

    def track(self, meta: dict[str, object] | None = None) -> PoseTrack:
        """The lifter's landmarks so far, as a pose track (no pixels)."""
        return self._intake.recorder.track(meta)

    def series(self) -> MeasureSeries:
        """Smoothed measures of every finalized frame; live, smoothed again as
        recorded video's are (Mode.judge_smoothing), so the report's plots show
        the measures its reps were judged on."""
        if self.mode.judge_smoothing is None:
            return self._log.series()
        judging = self.mode.judge_smoothing(self.th)
        return self._log.series(self._log.smoothed_again(judging))

    def _notes(self, view: View) -> list[str]:
        track = self.track()
        notes = set_notes(
            track,
            view,
            self.reps,
            self.setup,
            self.th,
            provisional_reps=self.provisional_reps,
            brief_under_s=self.calibration_s if self.reference else None,
            at_the_bar=self._segmenter.at_the_bar,
        )
        if self._intake.knee_placed_s:
            placed = self._intake.knee_placed_s
            notes.append(hidden_knee_note(placed, track.t_s, self.reps))
        notes.extend(break_note(left_s, back_s) for left_s, back_s in self._breaks)
        return notes

    def result(
        self, video: VideoInfo, thumbnails: dict[int, bytes] | None = None
    ) -> AnalysisResult:
        """Everything known about the set so far (call finish() first)."""
        view = dominant_view(self._log.views)
        sides = Counter(s for s in self._log.sides if s is not None)
        return AnalysisResult(
            video=video,
            exercise=self.exercise,
            exercise_requested=self.exercise,
            view=view,
            side=sides.most_common(1)[0][0] if sides else None,
            series=self.series(),
            frame_phase=tuple(self._log.phases),
            reps=tuple(self.reps),
            setup=self.reference,
            notes=tuple(self._notes(view)),
            thresholds=self.th.as_dict(),
            thumbnails=dict(thumbnails or {}),
        )


def analyze_track(
    track: PoseTrack,
    exercise: Exercise,
    thresholds: Thresholds,
    video: VideoInfo | None = None,
) -> AnalysisResult:
    """Re-run the analysis on a recorded pose track (no model, no video)."""
    analyzer = Analyzer.offline(exercise, thresholds, track.image_wh)
    analyzer.replay(track)
    return analyzer.result(video or track_video_info(track))
