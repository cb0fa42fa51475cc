"""The analysis core shared by live practice and recorded video: poses, frame by
frame -> smoothed measures, phases, reps with checks, cues -> AnalysisResult.

Live mode filters causally (One Euro) and answers every frame at once; recorded
video filters zero-phase (Gaussian) and answers each frame a fixed lag later,
once the samples after it have arrived. Everything after the filter is the same
code, so the annotated video, the live window and the report agree.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, deque
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from hingecam.core import geometry
from hingecam.core.datatypes import (
    BACK_PROFILE_SAMPLES,
    N_LANDMARKS,
    AnalysisResult,
    Exercise,
    FrameAnalysis,
    MeasureSeries,
    Phase,
    Pose,
    PoseTrack,
    Rep,
    Severity,
    Side,
    VideoInfo,
    View,
)
from hingecam.core.landmarks import SIDE_POINTS, Landmark, side_visibility
from hingecam.core.reps import RepEvent, RepSegmenter
from hingecam.core.rules import RepWindow, evaluate_rep, rep_cue, rep_peaks
from hingecam.core.smoothing import OneEuroFilter, gaussian_at, hampel_outliers
from hingecam.core.thresholds import PROFILES, Thresholds

FIELDS = MeasureSeries.ANGLE_FIELDS

COUNT_FIELD = "hip_flexion_3d_deg"
"""Off the side view reps are counted on the 3D hip angle, which reads the same from
any view; 2D angles are foreshortened there. From the side the 2D angle counts:
it is more precise, and the 3D angle is noisy when a plate hides the body."""
SIDE_COUNT_FIELD = "hip_flexion_deg"
VIEW_TAU_S = 1.0
"""Time constant of the running side-view share that picks the count signal."""

PLANTED_S = 0.2
"""Offline, upright with the feet this long unmoved starts counting provisionally."""

HAMPEL_HALF_WINDOW_S = 0.1
"""Half-width of the outlier test window: a one- or two-frame glitch at 30 fps."""
HAMPEL_FLOOR = np.array([15.0 if f.endswith("_deg") else 0.15 for f in FIELDS])
"""Deviations smaller than this (deg, or body-length ratios) are never outliers."""

SIDE_TAU_S = 1.0
"""Time constant of the running side/facing estimates: a turn is followed within ~1 s."""
SIDE_SWITCH_MARGIN = 0.15
"""The other side must be this much more visible (0..1) before the near side flips."""
HINT_WINDOW_S = 1.0
"""Set-up hints (turn sideways, step back) need this long of evidence before they show."""


@dataclass
class _Pending:
    index: int
    t_s: float
    pose: Pose | None
    raw: NDArray[np.float64]
    side: Side | None
    view: View
    hint: str | None
    feet: float  # ankle midpoint x in near-leg lengths (NaN if unseen)


@dataclass
class _TrackRows:
    t_s: list[float] = field(default_factory=list)
    xy: list[NDArray[np.float32]] = field(default_factory=list)
    world: list[NDArray[np.float32]] = field(default_factory=list)
    vis: list[NDArray[np.float32]] = field(default_factory=list)
    pres: list[NDArray[np.float32]] = field(default_factory=list)
    back: list[NDArray[np.float32]] = field(default_factory=list)
    people: list[int] = field(default_factory=list)


def _nan(shape: tuple[int, ...]) -> NDArray[np.float32]:
    return np.full(shape, np.nan, dtype=np.float32)


class Analyzer:
    """Streams poses in, finalized per-frame analyses out.

    Args:
        exercise: the profile (AUTO judges like a generic hinge).
        thresholds: numbers in force.
        image_wh: frame size in pixels.
        live: causal filtering and no lag (camera); else zero-phase with a lag.
        calibration_s: how long the lifter must stand still to calibrate
            (default: thresholds.setup_min_s, or live_calibration_s when live).
    """

    def __init__(
        self,
        exercise: Exercise,
        thresholds: Thresholds,
        image_wh: tuple[int, int],
        *,
        live: bool = False,
        calibration_s: float | None = None,
    ) -> None:
        self.exercise = exercise
        self.profile = PROFILES[exercise]
        self.th = thresholds
        self.image_wh = image_wh
        self.live = live
        self.calibration_s = (
            calibration_s
            if calibration_s is not None
            else (thresholds.live_calibration_s if live else thresholds.setup_min_s)
        )
        self.lag_s = (
            0.0
            if live
            else max(3.0 * thresholds.smooth_sigma_s, thresholds.smooth_max_gap_s)
        )
        self._rows = _TrackRows()
        self._pending: deque[_Pending] = deque()
        self._window: deque[tuple[float, NDArray[np.float64]]] = deque()
        self._tested = 0  # samples of _window already outlier-tested
        self._good: tuple[float, NDArray[np.float64]] | None = (
            None  # last frame not a glitch
        )
        self._side_share = 0.5
        self._count_2d = False
        self._count_t: float | None = None
        # Still = trunk and hips steady and the feet planted (_feet_position):
        # walking moves the feet even where the angles pass a still moment.
        self._sway_keys = [FIELDS.index("trunk_incline_deg")]
        self._gate_keys = [
            FIELDS.index(f)
            for f in ("hip_flexion_deg", "knee_flexion_deg", "trunk_incline_deg")
        ]
        self._filters = [
            OneEuroFilter(
                thresholds.live_min_cutoff_hz,
                thresholds.live_beta,
                max_gap_s=thresholds.smooth_max_gap_s,
            )
            for _ in FIELDS
        ]
        # Final (smoothed) history, one entry per finalized frame.
        self._t: list[float] = []
        self._feet: list[float] = []
        self._frames: list[int] = []
        self._values: list[NDArray[np.float64]] = []
        self._views: list[View] = []
        self._sides: list[Side | None] = []
        self._phases: list[Phase] = []
        self.reps: list[Rep] = []
        self.setup: dict[str, float] = {}
        self._segmenter = RepSegmenter(thresholds, from_floor=self.profile.from_floor)
        self._stand_start: int | None = None
        self._cue: tuple[str, Severity, float] | None = None
        self._side_score = np.array([0.5, 0.5])
        self._side: Side | None = None
        self._facing_score = 0.0
        self._last_t: float | None = None
        self._hint_since: dict[str, float] = {}
        self._rep_offset = 0

    # ------------------------------------------------------------------ input
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
        side, facing, back = self._ingest(t_s, pose, people, back_profile)
        raw, view = self._raw_measures(pose, side, facing, back)
        return self._push_raw(index, t_s, pose, people, side, raw, view, brightness)

    def replay(self, track: PoseTrack) -> list[FrameAnalysis]:
        """Push every frame of a recorded pose track, then finish.

        Gives exactly what pushing the frames one by one gives, but computes
        the measures in one vectorized call per near-side/facing stretch, so a
        typical set re-analyzes in well under a second.
        """
        n = len(track)
        poses = [_track_pose(track, i) for i in range(n)]
        decided = [
            self._ingest(
                float(track.t_s[i]),
                poses[i],
                int(track.people[i]),
                track.back_profile[i],
            )
            for i in range(n)
        ]
        raw = np.full((n, len(FIELDS)), np.nan)
        views = [View.UNKNOWN] * n
        groups: dict[tuple[Side, float], list[int]] = {}
        for i, (side, facing, _) in enumerate(decided):
            if poses[i] is not None and side is not None:
                groups.setdefault((side, facing), []).append(i)
        for (side, facing), idx in groups.items():
            sub = PoseTrack(
                t_s=track.t_s[idx],
                xy_norm=track.xy_norm[idx],
                world_m=track.world_m[idx],
                visibility=track.visibility[idx],
                presence=track.presence[idx],
                back_profile=track.back_profile[idx],
                people=track.people[idx],
                image_wh=track.image_wh,
            )
            m = geometry.compute_measures(
                sub,
                side=side,
                facing=facing,
                view_limits=self._view_limits(),
                min_visibility=self.th.min_visibility,
            )
            raw[idx] = np.stack([getattr(m, f) for f in FIELDS], axis=1)
            for k, i in enumerate(idx):
                views[i] = m.view[k]
        out: list[FrameAnalysis] = []
        for i in range(n):
            side = decided[i][0]
            t = float(track.t_s[i])
            out += self._push_raw(
                i, t, poses[i], int(track.people[i]), side, raw[i], views[i], None
            )
        return out + self.finish()

    def _ingest(
        self,
        t_s: float,
        pose: Pose | None,
        people: int,
        back_profile: NDArray[np.floating] | None,
    ) -> tuple[Side | None, float, NDArray[np.floating]]:
        """Near side, facing and back profile of a new frame; records its track row."""
        dt = 0.0 if self._last_t is None else max(t_s - self._last_t, 0.0)
        self._last_t = t_s
        side, facing = self._update_side(pose, dt)
        if back_profile is None:
            back_profile = self._back_profile(pose, side, facing)
        self._append_row(t_s, pose, people, back_profile)
        return side, facing, back_profile

    def _push_raw(
        self,
        index: int,
        t_s: float,
        pose: Pose | None,
        people: int,
        side: Side | None,
        raw: NDArray[np.float64],
        view: View,
        brightness: float | None,
    ) -> list[FrameAnalysis]:
        raw = self._gate_glitch(t_s, raw)
        hint = self._hint(t_s, pose, people, view, brightness)
        feet = _feet_position(pose, side, self.th.min_visibility)
        self._pending.append(
            _Pending(index, t_s, pose, raw, side if pose else None, view, hint, feet)
        )
        self._window.append((t_s, raw))
        return self._drain(final=False)

    def _view_limits(self) -> tuple[float, float, float, float]:
        return (
            self.th.view_side_max_ratio,
            self.th.view_front_min_ratio,
            self.th.view_side_min_yaw_deg,
            self.th.view_front_max_yaw_deg,
        )

    def finish(self) -> list[FrameAnalysis]:
        """Flush the frames still waiting for their smoothing window, and a rep
        that ended on the last frames."""
        out = self._drain(final=True)
        event = self._segmenter.flush()
        if event is not None:
            self.reps.append(self._make_rep(event))
        return out

    # ------------------------------------------------------------ live controls
    def recalibrate(self) -> None:
        """Forget the setup posture; the next still standing stretch sets a new one."""
        self.setup = {}
        self._stand_start = None
        self._segmenter = RepSegmenter(self.th, from_floor=self.profile.from_floor)

    def reset_count(self) -> None:
        """Start counting from zero again (the reps so far stay in the report)."""
        self._rep_offset = len(self.reps)
        self._segmenter.reset()
        if self.setup:
            self._segmenter.set_reference(self.setup[COUNT_FIELD])

    # ---------------------------------------------------------------- internals
    def _update_side(self, pose: Pose | None, dt: float) -> tuple[Side | None, float]:
        if pose is None:
            return self._side, 1.0 if self._facing_score >= 0 else -1.0
        alpha = (
            1.0
            if self._side is None
            else 1.0 - math.exp(-dt / SIDE_TAU_S)
            if dt > 0
            else 0.1
        )
        scores = side_visibility(np.nan_to_num(pose.visibility))
        self._side_score = (1 - alpha) * self._side_score + alpha * scores
        left, right = self._side_score
        if self._side is None:
            self._side = Side.LEFT if left >= right else Side.RIGHT
        elif self._side is Side.LEFT and right > left + SIDE_SWITCH_MARGIN:
            self._side = Side.RIGHT
        elif self._side is Side.RIGHT and left > right + SIDE_SWITCH_MARGIN:
            self._side = Side.LEFT
        pts = SIDE_POINTS[self._side]
        px = pose.xy_px
        foot = float(px[pts["toe"], 0] - px[pts["heel"], 0])
        if not (
            math.isfinite(foot)
            and pose.visibility[pts["toe"]] >= self.th.min_visibility
            and pose.visibility[pts["heel"]] >= self.th.min_visibility
        ):
            ears = (px[Landmark.LEFT_EAR, 0] + px[Landmark.RIGHT_EAR, 0]) / 2
            foot = float(px[Landmark.NOSE, 0] - ears)
        if math.isfinite(foot) and foot != 0:
            self._facing_score = (
                1 - alpha
            ) * self._facing_score + alpha * math.copysign(1.0, foot)
        return self._side, 1.0 if self._facing_score >= 0 else -1.0

    def _back_profile(
        self, pose: Pose | None, side: Side | None, facing: float
    ) -> NDArray[np.float32]:
        if pose is None or pose.mask is None or side is None:
            return _nan((BACK_PROFILE_SAMPLES,))
        pts = SIDE_POINTS[side]
        px = pose.xy_px
        return geometry.back_profile(
            pose.mask, px[pts["shoulder"]], px[pts["hip"]], facing
        )

    def _append_row(
        self, t_s: float, pose: Pose | None, people: int, back: NDArray[np.floating]
    ) -> None:
        r = self._rows
        r.t_s.append(t_s)
        r.people.append(people)
        r.back.append(np.asarray(back, dtype=np.float32))
        if pose is None:
            r.xy.append(_nan((N_LANDMARKS, 2)))
            r.world.append(_nan((N_LANDMARKS, 3)))
            r.vis.append(_nan((N_LANDMARKS,)))
            r.pres.append(_nan((N_LANDMARKS,)))
        else:
            r.xy.append(pose.xy_norm.astype(np.float32))
            r.world.append(pose.world_m.astype(np.float32))
            r.vis.append(pose.visibility.astype(np.float32))
            r.pres.append(pose.presence.astype(np.float32))

    def _raw_measures(
        self,
        pose: Pose | None,
        side: Side | None,
        facing: float,
        back: NDArray[np.floating],
    ) -> tuple[NDArray[np.float64], View]:
        if pose is None or side is None:
            return np.full(len(FIELDS), np.nan), View.UNKNOWN
        one = PoseTrack(
            t_s=np.zeros(1),
            xy_norm=pose.xy_norm[None].astype(np.float32),
            world_m=pose.world_m[None].astype(np.float32),
            visibility=pose.visibility[None].astype(np.float32),
            presence=pose.presence[None].astype(np.float32),
            back_profile=np.asarray(back, dtype=np.float32)[None],
            people=np.ones(1, dtype=np.int16),
            image_wh=self.image_wh,
        )
        m = geometry.compute_measures(
            one,
            side=side,
            facing=facing,
            view_limits=self._view_limits(),
            min_visibility=self.th.min_visibility,
        )
        return np.array([float(getattr(m, f)[0]) for f in FIELDS]), m.view[0]

    def _gate_glitch(self, t_s: float, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """Drop a frame whose key angles moved faster than a body can (a landmark swap)."""
        keys = self._gate_keys
        if not np.isfinite(raw[keys]).any():
            return raw
        if self._good is not None:
            t0, ref = self._good
            dt = t_s - t0
            if 0 < dt < self.th.glitch_reanchor_s:
                with np.errstate(invalid="ignore"):
                    speed = np.abs(raw[keys] - ref[keys]) / dt
                if np.nanmax(speed, initial=0.0) > self.th.glitch_max_speed_deg_s:
                    return np.full_like(raw, np.nan)
        self._good = (
            t_s,
            np.where(np.isfinite(raw), raw, self._good[1] if self._good else raw),
        )
        return raw

    def _hint(
        self,
        t_s: float,
        pose: Pose | None,
        people: int,
        view: View,
        brightness: float | None,
    ) -> str | None:
        """Camera set-up guidance, shown once its condition has held HINT_WINDOW_S."""
        conditions: dict[str, bool] = {
            "too dark: add light in front of you": brightness is not None
            and brightness < 40,
            "step into view: nobody is in the frame": pose is None,
            "two people in view: only one lifter at a time": people > 1,
            "turn sideways to the camera": pose is not None
            and view in (View.FRONT, View.OBLIQUE),
        }
        if pose is not None:
            feet = [
                Landmark.LEFT_ANKLE,
                Landmark.RIGHT_ANKLE,
                Landmark.LEFT_HEEL,
                Landmark.RIGHT_HEEL,
            ]
            head = [Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR]
            conditions["step back: your feet are out of frame"] = bool(
                np.nanmax(pose.presence[feet]) < 0.5
            )
            conditions["step back: your head is out of frame"] = bool(
                np.nanmax(pose.presence[head]) < 0.5
            )
        for text, active in conditions.items():
            if active:
                self._hint_since.setdefault(text, t_s)
            else:
                self._hint_since.pop(text, None)
        for text in conditions:
            since = self._hint_since.get(text)
            if since is not None and t_s - since >= HINT_WINDOW_S:
                return text
        return None

    def _reject_outliers(self, final: bool) -> None:
        """Outlier-test each raw sample once its own Hampel window is complete."""
        if self.live or not self._window:
            return
        latest = self._window[-1][0]
        t = np.fromiter((w[0] for w in self._window), float, len(self._window))
        x = np.stack([w[1] for w in self._window])
        while self._tested < len(self._window) and (
            final or t[self._tested] <= latest - HAMPEL_HALF_WINDOW_S
        ):
            bad = hampel_outliers(
                t, x, self._tested, HAMPEL_HALF_WINDOW_S, HAMPEL_FLOOR
            )
            if bad.any():
                cleaned = self._window[self._tested][1].copy()
                cleaned[bad] = np.nan
                self._window[self._tested] = (t[self._tested], cleaned)
            self._tested += 1

    def _drain(self, final: bool) -> list[FrameAnalysis]:
        out: list[FrameAnalysis] = []
        self._reject_outliers(final)
        latest = self._window[-1][0] if self._window else 0.0
        while self._pending and (
            final or self.live or self._pending[0].t_s <= latest - self.lag_s
        ):
            p = self._pending.popleft()
            out.append(self._finalize(p, self._smooth(p)))
        # Keep only what later frames' windows still need.
        if self._pending:
            keep_from = self._pending[0].t_s - self.lag_s - 1e-9
            while self._window and self._window[0][0] < keep_from and self._tested > 0:
                self._window.popleft()
                self._tested -= 1
        return out

    def _smooth(self, p: _Pending) -> NDArray[np.float64]:
        if self.live:
            return np.array(
                [
                    f.update(p.t_s, float(v))
                    for f, v in zip(self._filters, p.raw, strict=True)
                ]
            )
        t = np.fromiter((w[0] for w in self._window), float, len(self._window))
        x = np.stack([w[1] for w in self._window])
        i = int(np.searchsorted(t, p.t_s))
        return gaussian_at(t, x, i, self.th.smooth_sigma_s, self.th.smooth_max_gap_s)

    def _finalize(self, p: _Pending, values: NDArray[np.float64]) -> FrameAnalysis:
        self._t.append(p.t_s)
        self._feet.append(p.feet)
        self._frames.append(p.index)
        self._values.append(values)
        self._views.append(p.view)
        self._sides.append(p.side)
        measures = dict(zip(FIELDS, (float(v) for v in values), strict=True))
        self._calibrate(measures)
        event = self._segmenter.update(p.index, p.t_s, self._count_value(p, measures))
        phase = (
            self._segmenter.phase
            if self.setup or self._segmenter.phase is not Phase.SETUP
            else Phase.SETUP
        )
        self._phases.append(phase)
        if event is not None:
            rep = self._make_rep(event)
            self.reps.append(rep)
            self._cue = (*rep_cue(rep.checks), p.t_s)
        cue, severity = None, Severity.NOTE
        if self._cue is not None and p.t_s - self._cue[2] <= self.th.cue_hold_s:
            cue, severity = self._cue[0], self._cue[1]
        if not self.setup and p.pose is not None and self.live and p.hint is None:
            cue = cue or "stand tall and still to calibrate"
        return FrameAnalysis(
            frame_index=p.index,
            t_s=p.t_s,
            pose=p.pose,
            measures=measures,
            side=p.side,
            view=p.view,
            phase=phase,
            rep_count=len(self.reps) - self._rep_offset,
            cue=cue,
            cue_severity=severity,
            setup_hint=p.hint,
            last_rep=self.reps[-1] if self.reps else None,
        )

    def _count_value(self, p: _Pending, m: dict[str, float]) -> float:
        """Hip flexion for counting, on the same scale as the setup reference."""
        dt = 0.0 if self._count_t is None else max(p.t_s - self._count_t, 0.0)
        self._count_t = p.t_s
        if p.view is not View.UNKNOWN:
            a = 1.0 - math.exp(-dt / VIEW_TAU_S) if dt > 0 else 0.5
            self._side_share += a * (float(p.view is View.SIDE) - self._side_share)
        use_2d = (
            self._side_share >= 0.5 if not self._count_2d else self._side_share >= 0.3
        )
        self._count_2d = use_2d
        if use_2d and math.isfinite(m[SIDE_COUNT_FIELD]):
            # Shift the 2D angle onto the reference measured in 3D at setup.
            ref2d = self.setup.get(SIDE_COUNT_FIELD, math.nan)
            ref3d = self.setup.get(COUNT_FIELD, math.nan)
            offset = (
                ref3d - ref2d if math.isfinite(ref2d) and math.isfinite(ref3d) else 0.0
            )
            return m[SIDE_COUNT_FIELD] + offset
        return m[COUNT_FIELD]

    def _feet_planted(self, n: int) -> bool:
        """The ankles stayed put over the last PLANTED_S (walking moves them).

        Feet not seen at all (out of frame, a low-resolution demo) do not count
        against it: there is nothing to tell walking by, and the note on the
        report says the feet were out of frame."""
        t_end = self._t[n]
        k = n
        while k > 0 and self._t[k - 1] >= t_end - PLANTED_S:
            k -= 1
        if t_end - self._t[k] < 0.5 * PLANTED_S:
            return False
        feet = np.asarray(self._feet[k : n + 1])
        feet = feet[np.isfinite(feet)]
        return feet.size < 2 or float(np.ptp(feet)) <= self.th.setup_max_feet_shift_norm

    def _calibrate(self, m: dict[str, float]) -> None:
        if self.setup:
            return
        n = len(self._t) - 1
        # Upright by the 3D hip angle, or by the 2D one where the 3D is thrown
        # off (a plate hiding the body); knees nearly straight.
        upright = any(
            math.isfinite(m[f]) and abs(m[f]) <= self.th.setup_max_hip_flexion_deg
            for f in (COUNT_FIELD, SIDE_COUNT_FIELD)
        )
        standing = (
            upright
            and math.isfinite(m["knee_flexion_deg"])
            and m["knee_flexion_deg"] <= self.th.setup_max_knee_flexion_deg
        )
        if not standing:
            self._stand_start = None
            return
        if self._stand_start is None:
            self._stand_start = n
        if (
            not self.live
            and self._segmenter.phase is Phase.SETUP
            and self._feet_planted(n)
        ):
            # Recorded video: a set that never pauses still at the top (a looped
            # demo, continuous reps) still counts, against a typical standing
            # posture until a still stretch gives the lifter's own. Live asks
            # the lifter to calibrate first instead.
            self._segmenter.set_reference(self.th.standing_hip_default_deg)
        block = np.stack(self._values[self._stand_start : n + 1])
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sway = np.nanmax(block[:, self._sway_keys], axis=0) - np.nanmin(
                block[:, self._sway_keys], axis=0
            )
        feet = np.asarray(self._feet[self._stand_start : n + 1])
        feet = feet[np.isfinite(feet)]
        shift = float(np.ptp(feet)) if feet.size else 0.0
        if (
            np.nanmax(sway, initial=0.0) > self.th.setup_max_sway_deg
            or shift > self.th.setup_max_feet_shift_norm
        ):
            # Walking or shifting: restart the still stretch from here.
            self._stand_start = n
            return
        if self._t[n] - self._t[self._stand_start] >= self.calibration_s:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                med = np.nanmedian(block, axis=0)
            self.setup = {f: float(v) for f, v in zip(FIELDS, med, strict=True)}
            self._segmenter.set_reference(self.setup[COUNT_FIELD])

    def _window_for(self, event: RepEvent) -> RepWindow:
        frames = np.asarray(self._frames)
        lo = int(np.searchsorted(frames, event.start_frame))
        hi = int(np.searchsorted(frames, event.end_frame)) + 1
        vals = np.stack(self._values[lo:hi])
        return RepWindow(
            t_s=np.asarray(self._t[lo:hi]),
            frames=frames[lo:hi],
            views=tuple(self._views[lo:hi]),
            values={f: vals[:, k] for k, f in enumerate(FIELDS)},
            bottom=self._bottom_index(
                vals, frames[lo:hi], tuple(self._views[lo:hi]), event
            ),
        )

    def _bottom_index(
        self,
        vals: NDArray[np.float64],
        frames: NDArray[np.int64],
        views: tuple[View, ...],
        event: RepEvent,
    ) -> int:
        """The deepest frame: by the 2D hip angle the rules judge when the rep was
        seen from the side, else by the count signal (2D is foreshortened)."""
        hip2d = vals[:, FIELDS.index("hip_flexion_deg")]
        side_share = sum(v is View.SIDE for v in views) / max(len(views), 1)
        if side_share >= self.th.view_min_side_share and np.isfinite(hip2d).sum() >= 3:
            return int(np.nanargmax(hip2d))
        return int(np.searchsorted(frames, event.bottom_frame))

    def _make_rep(self, event: RepEvent) -> Rep:
        win = self._window_for(event)
        checks = evaluate_rep(win, self.setup, self.profile, self.th)
        bottom_s = float(win.t_s[win.bottom])
        return Rep(
            index=len(self.reps) + 1,
            start_s=event.start_s,
            bottom_s=bottom_s,
            end_s=event.end_s,
            start_frame=event.start_frame,
            bottom_frame=int(win.frames[win.bottom]),
            end_frame=event.end_frame,
            descent_s=bottom_s - event.start_s,
            ascent_s=event.end_s - bottom_s,
            view=win.dominant_view(),
            peaks=rep_peaks(win, self.setup),
            checks=checks,
        )

    # ------------------------------------------------------------------ output
    def track(self, meta: dict[str, object] | None = None) -> PoseTrack:
        """The lifter's landmarks so far, as a pose track (no pixels)."""
        r = self._rows
        n = len(r.t_s)
        return PoseTrack(
            t_s=np.asarray(r.t_s, dtype=np.float64),
            xy_norm=np.stack(r.xy) if n else _nan((0, N_LANDMARKS, 2)),
            world_m=np.stack(r.world) if n else _nan((0, N_LANDMARKS, 3)),
            visibility=np.stack(r.vis) if n else _nan((0, N_LANDMARKS)),
            presence=np.stack(r.pres) if n else _nan((0, N_LANDMARKS)),
            back_profile=np.stack(r.back) if n else _nan((0, BACK_PROFILE_SAMPLES)),
            people=np.asarray(r.people, dtype=np.int16),
            image_wh=self.image_wh,
            meta=dict(meta or {}),
        )

    def series(self) -> MeasureSeries:
        """Smoothed measures of every finalized frame."""
        vals = np.stack(self._values) if self._values else np.zeros((0, len(FIELDS)))
        return MeasureSeries(
            t_s=np.asarray(self._t, dtype=np.float64),
            side=tuple(self._sides),
            view=tuple(self._views),
            **{f: vals[:, k].astype(np.float64) for k, f in enumerate(FIELDS)},
        )

    def result(
        self, video: VideoInfo, thumbnails: dict[int, bytes] | None = None
    ) -> AnalysisResult:
        """Everything known about the set so far (call finish() first)."""
        series = self.series()
        views = Counter(v for v in series.view if v is not View.UNKNOWN)
        view = views.most_common(1)[0][0] if views else View.UNKNOWN
        sides = Counter(s for s in series.side if s is not None)
        side = sides.most_common(1)[0][0] if sides else None
        return AnalysisResult(
            video=video,
            exercise=self.exercise,
            exercise_requested=self.exercise,
            view=view,
            side=side,
            series=series,
            frame_phase=tuple(self._phases),
            reps=tuple(self.reps),
            setup=dict(self.setup),
            notes=tuple(self._notes(view, video)),
            thresholds=self.th.as_dict(),
            thumbnails=dict(thumbnails or {}),
        )

    def _notes(self, view: View, video: VideoInfo) -> list[str]:
        notes: list[str] = []
        r = self._rows
        n = len(r.t_s)
        if n == 0:
            return ["no frames could be read"]
        people = np.asarray(r.people)
        found = people > 0
        if not found.any():
            return ["no person was found in the video: nothing could be judged"]
        if (~found).mean() > 0.05:
            notes.append(f"no person was found in {(~found).mean():.0%} of the frames")
        if (people > 1).mean() > 0.05:
            notes.append(
                f"more than one person was in view in {(people > 1).mean():.0%} of the frames: "
                "hingecam followed the person it saw first"
            )
        if view is not View.SIDE:
            notes.append(
                f"filmed from {view.phrase}: the spine's shape, squatting vs hinging and "
                "the knees cannot be judged from here; film from the side at hip height"
            )
        elif any(rep.view is not View.SIDE for rep in self.reps):
            notes.append(
                "the view changed during the set: reps not seen from the side were judged only in part"
            )
        if not self.setup and self.reps:
            notes.append(
                "the lifter was never seen standing still, so reps were compared with a typical "
                "standing posture instead of the lifter's own"
            )
        vis = np.asarray(r.vis)
        feet = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]
        feet_seen = (
            np.nan_to_num(vis[found][:, feet], nan=0.0).max(axis=1)
            >= self.th.min_visibility
        )
        if (~feet_seen).mean() > 0.2:
            notes.append(
                f"the feet were out of frame or hidden in {(~feet_seen).mean():.0%} of the frames"
            )
        duration = r.t_s[-1] - r.t_s[0] if n > 1 else 0.0
        fps = (n - 1) / duration if duration > 0 else 0.0
        if 0 < fps < 20:
            notes.append(f"low frame rate ({fps:.0f} fps): timing measures are coarse")
        if n < 3:
            notes.append("the video is too short to find a rep")
        elif not self.reps:
            notes.append("no complete rep was found")
        return notes


def _feet_position(
    pose: Pose | None, side: Side | None, min_visibility: float
) -> float:
    """Horizontal position of the ankles' midpoint in near-leg lengths (px / px).

    Planted feet keep it still; walking moves it by about a stride (~1 leg length).
    """
    if pose is None or side is None:
        return math.nan
    px = pose.xy_px.astype(np.float64)
    ankles = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]
    if np.nan_to_num(pose.visibility[ankles], nan=0.0).min() < min_visibility:
        return math.nan
    pts = SIDE_POINTS[side]
    leg = float(
        np.linalg.norm(px[pts["hip"]] - px[pts["knee"]])
        + np.linalg.norm(px[pts["knee"]] - px[pts["ankle"]])
    )
    if not leg > 1.0:
        return math.nan
    return float(px[ankles, 0].mean() / leg)


def _track_pose(track: PoseTrack, i: int) -> Pose | None:
    """Frame i of a pose track as a Pose (no mask), or None where nobody was seen."""
    if not np.isfinite(track.xy_norm[i]).all():
        return None
    return Pose(
        t_s=float(track.t_s[i]),
        xy_norm=track.xy_norm[i],
        image_wh=track.image_wh,
        world_m=track.world_m[i],
        visibility=track.visibility[i],
        presence=track.presence[i],
    )


def analyze_track(
    track: PoseTrack,
    exercise: Exercise,
    thresholds: Thresholds,
    video: VideoInfo | None = None,
) -> AnalysisResult:
    """Re-run the analysis on a recorded pose track (no model, no video)."""
    analyzer = Analyzer(exercise, thresholds, track.image_wh)
    analyzer.replay(track)
    if video is None:
        n = len(track)
        duration = float(track.t_s[-1] - track.t_s[0]) if n > 1 else 0.0
        fps = (n - 1) / duration if duration > 0 else 0.0
        video = VideoInfo(
            name=str(track.meta.get("source", "pose track")),
            width=track.image_wh[0],
            height=track.image_wh[1],
            fps=float(track.meta.get("fps", fps) or fps),
            frames=n,
            duration_s=duration + (1.0 / fps if fps else 0.0),
            rotation_deg=int(track.meta.get("rotation_deg", 0) or 0),
        )
    return analyzer.result(video)
