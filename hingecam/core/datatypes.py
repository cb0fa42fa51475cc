"""Plain typed values shared by every stage: views and other enums, measures over
time, checks, verdicts, reps, per-frame analysis and the set's result (frames and
poses: core/poses.py). No cv2 or mediapipe here."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from hingecam.core.measures import Measures, Peaks
from hingecam.core.poses import Pose
from hingecam.core.recorded import NOT_RECORDED, Recorded

if TYPE_CHECKING:  # the fault registry builds on these types
    from hingecam.core.faults import Fault


class Side(enum.Enum):
    """The subject's own left or right (never the image's)."""

    LEFT = "left"
    RIGHT = "right"


class View(enum.Enum):
    """Camera view relative to the lifter's sagittal plane."""

    SIDE = "side"
    OBLIQUE = "oblique"  # about 45 deg, front or back
    FRONT = "front"  # facing the camera or facing away
    UNKNOWN = "unknown"

    @property
    def phrase(self) -> str:
        """The view as words for a sentence: "a side view", "an oblique view"."""
        return f"{'an' if self.value[0] in 'aeiou' else 'a'} {self.value} view"


class Exercise(enum.Enum):
    """Exercise profiles; values match the `exercise` column of MANIFEST.tsv."""

    AUTO = "auto"
    HINGE_DRILL = "hinge_drill"
    GOOD_MORNING = "good_morning"
    RDL = "rdl"
    DEADLIFT = "deadlift"
    KB_SWING = "kb_swing"
    SQUAT = "squat"


class Outcome(enum.Enum):
    """Result of one check on one rep."""

    OK = "ok"
    FLAGGED = "flagged"
    NOT_JUDGED = "not_judged"  # the view or the data does not allow a verdict

    @property
    def rank(self) -> int:
        """0 not judged, 1 ok, 2 flagged: which of two checks of a fault wins."""
        return _OUTCOME_RANKS[self]


_OUTCOME_RANKS = {Outcome.NOT_JUDGED: 0, Outcome.OK: 1, Outcome.FLAGGED: 2}


class Severity(enum.Enum):
    NOTE = "note"
    WARNING = "warning"
    FAULT = "fault"

    @property
    def rank(self) -> int:
        """0 for a note, 1 for a warning, 2 for a fault: how much it matters."""
        return _SEVERITY_RANKS[self]


_SEVERITY_RANKS = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.FAULT: 2}


class Phase(enum.Enum):
    """Where the lifter is in the rep cycle."""

    SETUP = "setup"  # not yet calibrated / walking in / idle
    STANDING = "standing"  # upright, between reps (lockout)
    DESCENT = "descent"
    BOTTOM = "bottom"
    ASCENT = "ascent"


class SetupHint(enum.Enum):
    """Camera set-up guidance, first listed wins when several hold; the value is
    the words shown and spoken."""

    TOO_DARK = "too dark: add light in front of you"
    NOBODY = "step into view: nobody is in the frame"
    TWO_PEOPLE = "two people in view: only one lifter at a time"
    TURN_SIDEWAYS = "turn sideways to the camera to check your back"
    FEET_OUT = "step back: your feet are out of frame"
    HEAD_OUT = "step back: your head is out of frame"

    @property
    def text(self) -> str:
        """The words shown to the lifter."""
        return str(self.value)


@dataclass(frozen=True)
class MeasureSeries:
    """Per-frame measures over time (see geometry.py for the angle conventions).

    Every field but `side`, `view` and `t_s` is (N,) float64 with NaN where the
    inputs were missing or not visible enough.
    """

    t_s: NDArray[np.float64]
    side: tuple[Side | None, ...]
    view: tuple[View, ...]
    hip_flexion_deg: NDArray[np.float64]
    knee_flexion_deg: NDArray[np.float64]
    trunk_incline_deg: NDArray[np.float64]
    shin_incline_deg: NDArray[np.float64]
    thigh_incline_deg: NDArray[np.float64]
    hip_back_norm: NDArray[np.float64]
    hip_height_norm: NDArray[np.float64]
    shoulder_height_norm: NDArray[np.float64]
    head_offset_deg: NDArray[np.float64]
    spine_bow_norm: NDArray[np.float64]
    back_offset_norm: NDArray[np.float64]
    hip_flexion_3d_deg: NDArray[np.float64]
    knee_flexion_3d_deg: NDArray[np.float64]
    knee_gap_3d_deg: NDArray[np.float64]
    trunk_incline_3d_deg: NDArray[np.float64]
    thigh_incline_3d_deg: NDArray[np.float64]
    face_depth_m: NDArray[np.float64]
    shoulder_order_m: NDArray[np.float64]

    ANGLE_FIELDS = Measures.NAMES

    def __len__(self) -> int:
        return int(self.t_s.shape[0])


class Sureness(enum.Enum):
    """A verdict's confidence level."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Confidence:
    """How sure a judged check is, and why.

    Attributes:
        level: high (side view, rep well seen, clear margin); each missing
            condition lowers it one step.
        view: the camera view the verdict came from.
        seen_share: 0..1 of the rep's frames where the lifter was seen.
        margin_ratio: |measured - threshold| / |threshold|, NaN if not comparable.
    """

    level: Sureness
    view: View
    seen_share: float
    margin_ratio: float

    @property
    def words(self) -> str:
        """One line: "medium confidence: an oblique view, seen in 100% of the rep,
        42% from the limit"."""
        margin = (
            f", {abs(self.margin_ratio):.0%} from the limit"
            if math.isfinite(self.margin_ratio)
            else ""
        )
        return (
            f"{self.level.value} confidence: {self.view.phrase}, seen in "
            f"{self.seen_share:.0%} of the rep{margin}"
        )


@dataclass(frozen=True, slots=True)
class Check:
    """One fault check on one rep, with its evidence.

    Attributes:
        fault: what was checked.
        outcome: flagged, ok, or not judged (and why, in `reason`).
        measured: the value the verdict rests on, in `unit`.
        threshold: the limit it was compared with, in `unit`.
        unit: "deg", "ratio", "chord" ...
        t_s: when the worst moment was (seconds), NaN if none.
        frame: frame index of the worst moment, -1 if none.
        severity: how much it matters when flagged.
        cue: short coaching words for the lifter.
        reason: one sentence a coach can read: what was measured against what.
        confidence: how sure a judged check is (core/confidence.py); None when
            not judged or not rated.
        tentative: flagged on evidence too weak for a fault (a fault whose
            registry entry says so, flagged with less than high confidence):
            shown amber, as "check your back", never as the fault itself.
    """

    fault: Fault
    outcome: Outcome
    measured: float
    threshold: float
    unit: str
    t_s: float
    frame: int
    severity: Severity
    cue: str
    reason: str
    confidence: Confidence | None = None
    tentative: bool = False

    @property
    def label(self) -> str:
        """Plain words for this check: the fault's label, or for a tentative flag
        what to check ("check your back")."""
        tentative = self.fault.spec.tentative
        if self.tentative and tentative is not None:
            return tentative.label
        return self.fault.label


class VerdictKind(enum.Enum):
    """What a rep comes to: clean, faulty, or not judged (view or data)."""

    CLEAN = "clean"
    FAULTS = "faults"
    NOT_JUDGED = "not judged"


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rep's verdict, decided once here and shown by overlay, report and summary.

    Attributes:
        kind: clean, faults, or not judged.
        flags: one flagged check per fault, most severe first (empty unless FAULTS).
        reason: for NOT_JUDGED, why (the first check's reason, or no checks ran).
    """

    kind: VerdictKind
    flags: tuple[Check, ...] = ()
    reason: str = ""

    @property
    def severity(self) -> Severity | None:
        """The most severe flag's severity, or None when nothing was flagged."""
        return self.flags[0].severity if self.flags else None

    @property
    def label(self) -> str:
        """One line: "clean", "not judged", or the flagged faults in words."""
        if self.kind is VerdictKind.FAULTS:
            return ", ".join(c.label for c in self.flags)
        return "clean" if self.kind is VerdictKind.CLEAN else "not judged"

    @classmethod
    def of(cls, checks: tuple[Check, ...]) -> Verdict:
        """The verdict of a rep's checks (see Rep.verdict)."""
        if not checks:
            return cls(VerdictKind.NOT_JUDGED, reason="no fault check ran on this rep")
        worst: dict[Fault, Check] = {}
        for c in checks:
            old = worst.get(c.fault)
            if old is None or (c.outcome.rank, c.severity.rank) > (
                old.outcome.rank,
                old.severity.rank,
            ):
                worst[c.fault] = c
        flags = sorted(
            (c for c in worst.values() if c.outcome is Outcome.FLAGGED),
            key=lambda c: (-c.severity.rank, c.fault.order),
        )
        if flags:
            return cls(VerdictKind.FAULTS, tuple(flags))
        if all(c.outcome is Outcome.NOT_JUDGED for c in checks):
            return cls(VerdictKind.NOT_JUDGED, reason=checks[0].reason)
        return cls(VerdictKind.CLEAN)


@dataclass(frozen=True)
class Rep:
    """One repetition, start to end, with its phases, peaks and checks.

    Times are seconds in the source's clock; frames are decode indices.
    `peaks` holds measures at the bottom or their extremes over the rep,
    documented in rules.rep_peaks.
    """

    index: int  # 1-based
    start_s: float
    bottom_s: float
    end_s: float
    start_frame: int
    bottom_frame: int
    end_frame: int
    descent_s: float
    ascent_s: float
    view: View
    peaks: Peaks
    checks: tuple[Check, ...] = ()

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def flags(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.outcome is Outcome.FLAGGED)

    def check(self, fault: Fault) -> Check | None:
        """The check of `fault` with the strongest outcome (flagged > ok > not judged)."""
        same = [c for c in self.checks if c.fault is fault]
        if not same:
            return None
        return max(same, key=lambda c: (c.outcome.rank, c.severity.rank))

    @property
    def verdict(self) -> Verdict:
        """Clean, faults (one flag per fault, most severe first) or not judged."""
        return Verdict.of(self.checks)


@dataclass(frozen=True, slots=True)
class FrameAnalysis:
    """What the pipeline knows after one frame; overlays draw only this.

    Attributes:
        frame_index, t_s: the frame analysed.
        pose: the lifter's pose, or None.
        measures: the smoothed measures of this frame (NaN if missing).
        side, view: near side and camera view for this frame.
        facing: +1 the lifter faces image-right, -1 image-left, 0 not known
            (decided in core, see facing.py; overlays read it, never decide).
        phase: rep phase.
        rep_count: completed reps so far.
        cue: words to show the lifter now, or None.
        cue_severity: how urgent the cue is.
        setup_hint: camera set-up guidance ("turn sideways ..."), or None.
        last_rep: the last completed rep, or None.
        exercise_label: the exercise as the overlay names it ("Deadlift
            (recognised)"), "" when not shown.
    """

    frame_index: int
    t_s: float
    pose: Pose | None
    measures: Measures
    side: Side | None
    view: View
    phase: Phase
    rep_count: int
    cue: str | None = None
    cue_severity: Severity = Severity.NOTE
    setup_hint: SetupHint | None = None
    last_rep: Rep | None = None
    facing: float = 0.0
    exercise_label: str = ""


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the decoder said about a source (or what a pose track recorded).

    Attributes:
        name: file name (no folders) or "camera N".
        width, height: upright frame size in pixels.
        fps: average frame rate reported by the container (informative only;
            times come from the decoder).
        frames: frames actually decoded.
        duration_s: last timestamp minus first, plus one frame interval.
        rotation_deg: rotation metadata applied to make frames upright.
        recorded: when the set was performed and how that is known (core/recorded.py).
    """

    name: str
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    rotation_deg: int = 0
    recorded: Recorded = NOT_RECORDED


@dataclass(frozen=True, slots=True)
class Recognition:
    """The exercise a set was recognised as.

    Attributes:
        exercise: the recognised profile; AUTO when unsure (a generic hinge).
        sureness: HIGH when two or more reps agree almost all, MEDIUM when a
            single rep or most reps say so, LOW when unsure.
        reps: how many reps it was read from (those whose hands and legs
            were seen well enough).
        agreeing: how many of them read as `exercise`.
        reason: one sentence for the report.
    """

    exercise: Exercise
    sureness: Sureness
    reps: int
    agreeing: int
    reason: str

    @property
    def recognised(self) -> bool:
        """An exercise was recognised (not the generic hinge)."""
        return self.exercise is not Exercise.AUTO


@dataclass(frozen=True)
class AnalysisResult:
    """Everything known about one set: the input of report.py.

    Attributes:
        video: where the frames came from.
        exercise: the profile used: the one requested, or with AUTO the one
            recognised from the movement (AUTO when unsure: a generic hinge).
        exercise_requested: what the user asked for.
        view: dominant camera view over the set.
        side: near side over the set, or None without a person.
        series: smoothed per-frame measures, the frame axis matching the track.
        frame_phase: (N,) phase per frame, for plots and overlays.
        reps: completed reps with their checks.
        setup: the lifter's reference posture from the first still standing
            frames; None when never calibrated.
        notes: sentences on what could and could not be judged and why
            (view, visibility, people, frame rate).
        thresholds: threshold name -> value in force.
        thumbnails: rep index -> JPEG bytes of the rep's worst moment, drawn.
        model: the pose model that measured the frames, {"file": name,
            "sha256": hex}; empty when the track does not say.
        recognition: with AUTO requested, what the movement was recognised as
            and why (core/recognition.py); None when an exercise was named.
        athlete: who performed the set (`--athlete`), or None when not given.
    """

    video: VideoInfo
    exercise: Exercise
    exercise_requested: Exercise
    view: View
    side: Side | None
    series: MeasureSeries
    frame_phase: tuple[Phase, ...]
    reps: tuple[Rep, ...]
    setup: Measures | None
    notes: tuple[str, ...]
    thresholds: dict[str, float]
    thumbnails: dict[int, bytes] = field(default_factory=dict)
    model: dict[str, str] = field(default_factory=dict)
    recognition: Recognition | None = None
    athlete: str | None = None
