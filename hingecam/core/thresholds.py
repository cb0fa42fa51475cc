"""Every coaching and signal-processing number in one place, with unit, source and
reason; overrides from the exercise profile (core/profiles.py), TOML and --set."""

from __future__ import annotations

import dataclasses
import math
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from hingecam.core.datatypes import Exercise
from hingecam.core.fields import FieldDoc, field_docs, threshold_field
from hingecam.core.profiles import PROFILES
from hingecam.core.recognition_thresholds import RecognitionThresholds
from hingecam.core.signal_thresholds import CLIPS
from hingecam.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Thresholds(RecognitionThresholds):
    """Thresholds in force. Angles follow the conventions table in geometry.py."""

    # Calibration and reps.
    standing_hip_default_deg: float = threshold_field(
        8.0,
        "deg",
        "standing lifters measured 1-12 deg (3D hip angle) on " + CLIPS,
        "Standing hip flexion assumed before the lifter's own is measured (a set filmed from the floor up).",
    )
    setup_max_hip_flexion_deg: float = threshold_field(
        30.0,
        "deg",
        "COACHING.md: standing tall, knees soft; standing lifters measured 3-27 deg (3D, a barbell held from behind) on "
        + CLIPS,
        "A posture with hip flexion at or below this counts as standing.",
    )
    setup_max_knee_flexion_deg: float = threshold_field(
        35.0,
        "deg",
        "COACHING.md: soft knees at the start, never a squat",
        "A posture with knee flexion at or below this counts as standing.",
    )
    setup_max_sway_deg: float = threshold_field(
        10.0,
        "deg",
        "design: walking swings the hip +/-20 deg; standing still sways a few deg",
        "Standing counts as still (for the setup posture) while hip flexion and trunk lean stay within this range.",
    )
    setup_max_feet_shift_norm: float = threshold_field(
        0.15,
        "leg",
        "design: a walking stride moves the ankles ~1 leg length; planted feet sway a few percent",
        "Standing counts as still only while the ankles stay within this (in leg lengths): feet planted, not walking.",
    )
    setup_planted_s: float = threshold_field(
        0.2,
        "s",
        "design: a walking step lifts a foot for longer than this",
        "Recorded video: upright with the feet this long unmoved starts counting against a typical standing posture.",
    )
    setup_min_s: float = threshold_field(
        0.3,
        "s",
        "design: demo clips pause only a moment at the top; planted feet rule out walking",
        "Standing still this long, feet planted, gives the lifter's reference (setup) posture.",
    )
    live_calibration_s: float = threshold_field(
        2.0,
        "s",
        "issue 5: stand tall for two seconds",
        "Live mode asks the lifter to stand this long before counting.",
    )
    count_view_tau_s: float = threshold_field(
        1.0,
        "s",
        "design: a view change is followed within about a second",
        "Time constant of the running side-view share that picks the count signal.",
    )
    count_2d_min_side_share: float = threshold_field(
        0.5,
        "fraction",
        "design: mostly seen from the side",
        "Reps are counted on the 2D hip angle once the running side-view share reaches this (else the 3D one).",
    )
    count_2d_keep_side_share: float = threshold_field(
        0.3,
        "fraction",
        "design: hysteresis below count_2d_min_side_share so a brief turn does not switch",
        "Counting stays on the 2D hip angle until the running side-view share drops below this.",
    )
    rep_enter_deg: float = threshold_field(
        30.0,
        "deg",
        "hysteresis pair as in AIGym (up/down angles); " + CLIPS,
        "Hip flexion this far above the standing posture starts a descent.",
    )
    rep_exit_deg: float = threshold_field(
        18.0,
        "deg",
        "hysteresis pair as in AIGym; below rep_enter_deg so jitter cannot double count",
        "Hip flexion back within this of the standing posture ends the rep.",
    )
    rep_min_depth_deg: float = threshold_field(
        45.0,
        "deg",
        "COACHING.md: RDL trunk >=45 deg for good depth; " + CLIPS,
        "A rep needs its peak hip flexion this far above the standing posture.",
    )
    rep_floor_start_deg: float = threshold_field(
        80.0,
        "deg",
        "COACHING.md: conventional deadlift knee ~103-108 deg at the floor (Schellenberg 2013), the hip more",
        "A set filmed from the bottom counts its first pull only from at least this hip flexion over standing.",
    )
    rep_min_duration_s: float = threshold_field(
        0.5,
        "s",
        "design: a kettlebell swing cycle lasts ~1 s",
        "Shorter down-up cycles are jitter, not reps.",
    )
    rep_max_duration_s: float = threshold_field(
        15.0,
        "s",
        "design: longer excursions are resting bent over or leaving, not reps",
        "Longer cycles are not counted.",
    )
    set_break_s: float = threshold_field(
        3.0,
        "s",
        "measured: no gap without the lifter on the 52 clips of ../shared/clips "
        "lasted over 0.8 s; stepping out of frame and back takes longer",
        "The lifter unseen this long has left between sets: the next set starts "
        "as a recording does (at the bar, or once seen standing).",
    )
    rep_bottom_band_deg: float = threshold_field(
        6.0,
        "deg",
        "design: about the depth a lifter holds at the bottom",
        "Within this of the deepest hip flexion so far the phase reads 'bottom' (display only).",
    )
    rep_start_tol_deg: float = threshold_field(
        1.5,
        "deg",
        "design: about the jitter of the smoothed hip angle",
        "Hip flexion within this of the lowest recent value is the same upright plateau: a rep starts where the lifter last stood still.",
    )
    rep_start_lookback_s: float = threshold_field(
        1.0,
        "s",
        "design: a pause at the top lasts under a second",
        "How far back the start of a descent is looked for.",
    )
    rep_settle_rise_deg: float = threshold_field(
        3.0,
        "deg",
        "design: twice the plateau tolerance",
        "After returning to standing, hip flexion rising this much again means the lockout has passed.",
    )
    rep_settle_s: float = threshold_field(
        0.25,
        "s",
        "design: a lockout is held about a quarter second",
        "After this long back at standing the lockout is taken as reached.",
    )
    rep_setup_s: float = threshold_field(
        4.0,
        "s",
        "design: longer than a paused rep's pause (2-3 s, the usual prescription); "
        "the set-up at the bar in deadlift_45deg_rounded_bad11_bx lasts ~5.5 s",
        "In a set pulled from the floor, holding still at the bottom this long is "
        "the set-up at the bar: the rep starts again where the pull leaves it.",
    )
    rep_putdown_hold_s: float = threshold_field(
        4.0,
        "s",
        "design: between reps of a set the lifter stood <= 2.7 s on " + CLIPS + "; "
        "a lockout held longer ends the set (a single shown, then put down)",
        "In a set of singles (the last rep pulled after a set-up, rep_setup_s, or "
        "begun at the bar held still for rep_regrip_s), a "
        "descent after a lockout held this long puts the bar down: it is a rep only "
        "if a set-up follows (rep_regrip_s). Reps begun without a set-up stay reps "
        "however long the lifter rests at the top.",
    )
    rep_regrip_s: float = threshold_field(
        1.0,
        "s",
        "design: taking the grip and bracing before a pull takes at least a second; "
        "releasing the bar and standing up does not stop at the bottom",
        "After a put-down, a cycle counts only if it holds still at the bottom this "
        "long (a new set-up and pull); a recording begun at the bar that holds "
        "still this long before the pull shows the end of a set-up (a single).",
    )
    # Faults.
    locked_knee_max_flexion_deg: float = threshold_field(
        8.0,
        "deg",
        "Schellenberg 2013: good morning knee 5.3 +/- 6.7 deg; MediaPipe error -2 +/- 6 deg",
        "Knee flexion at or below this while hinged counts as locked knees.",
    )
    locked_knee_min_trunk_deg: float = threshold_field(
        30.0,
        "deg",
        "COACHING.md: locked knees matter while the hips hinge",
        "Locked knees are only judged while the trunk leans at least this far.",
    )
    squat_max_ssi: float = threshold_field(
        30.0,
        "0..100",
        "Schmid et al. 2022 Stoop-Squat Index: <30 in squat lifting (deadlift profile: 25, RDL: 40, see PROFILES)",
        "A rep whose stoop-squat index at the bottom is below this is a squat pattern.",
    )
    hips_first_min_trunk_drop_deg: float = threshold_field(
        8.0,
        "deg",
        "COACHING.md: hips rise faster than shoulders; a constant back angle off the floor is correct (0 deg); twice the ~4 deg trunk noise of smoothed MediaPipe",
        "Trunk leaning this much further forward than at the bottom, when the knees are half straight, is hips rising first.",
    )
    hips_first_min_knee_range_deg: float = threshold_field(
        25.0,
        "deg",
        "Coratella 2022: RDLs keep the knee nearly still, deadlifts extend it",
        "Hips-first is only judged when the knee extends at least this much on the ascent.",
    )
    squat_max_hki_3d: float = threshold_field(
        53.0,
        "0..100",
        "VIEWS.md 1 (45 deg, world landmarks, paired kbdl sets): hip-knee index of squat reps "
        "44-49, of the 20 other reps >= 58; a 45 deg goblet squat 46-47 (another lifter and "
        "camera); the middle of the gap",
        "Off the side view, a rep whose 3D hip-knee index (hip flexion gained over hip plus knee "
        "flexion gained, setup to the deepest crouch) is below this is a squat pattern.",
    )
    confidence_min_margin_ratio: float = threshold_field(
        0.25,
        "ratio",
        "design: the hips-first limit (8 deg) is twice the ~4 deg trunk noise of smoothed "
        "MediaPipe, so a reading within a quarter of a limit can flip on noise",
        "A verdict whose measure sits closer than this share of its limit to the limit is less sure.",
    )
    confidence_min_seen_share: float = threshold_field(
        0.9,
        "ratio",
        "design: a rep seen in fewer than 9 frames of 10 misses part of its motion",
        "A verdict on a rep whose lifter was seen in less than this share of its frames is less sure.",
    )
    back_view_min_face_depth_m: float = threshold_field(
        0.02,
        "m",
        "measured: nose minus mid-ear world z, median per clip: +0.038 and +0.065 on the two "
        "rear 45 deg clips, -0.014 or less on all 15 front and 45 deg clips of ../shared/clips",
        "A rep whose face sits this far behind the ears (world z) was filmed from behind: 3D "
        "verdicts, measured on front-side footage only, are withheld.",
    )
    back_view_min_shoulder_order_m: float = threshold_field(
        0.06,
        "m",
        "measured: left minus right shoulder world x, median per clip: -0.17 and "
        "-0.19 on the two rear 45 deg clips, +0.12 (rdl_45deg_mw) to +0.35 on all "
        "18 front and 45 deg clips of ../shared/clips; about half the smallest "
        "margin, as side-on shoulders read ~0",
        "A rep whose lifter's left shoulder sits this far to the camera's left of "
        "the right one (world x) was filmed from behind, face seen or not: 3D "
        "verdicts are withheld.",
    )
    spine_bow_max_norm: float = threshold_field(
        0.06,
        "chord",
        "COACHING.md dowel test; jeff-j-chen back_contour area ratio; flat backs <=0.03, rounded >=0.08 on "
        + CLIPS,
        "The back's outline humping this far (in shoulder-hip lengths) beyond the line joining its ends is a rounded spine.",
    )
    spine_offset_rise_norm: float = threshold_field(
        0.15,
        "chord",
        "COACHING.md: silhouette bows away from the chord, compared with setup; clean reps <=0.12 on "
        + CLIPS,
        "The mid-back outline moving this much further from the hip-shoulder chord than when standing is a rounded spine.",
    )
    shallow_hinge_max_trunk_deg: float = threshold_field(
        30.0,
        "deg",
        "COACHING.md: RDL bottom <30 deg trunk lean is an insufficient hinge (unverified)",
        "Hinge profiles: a bottom trunk lean below this is not enough hinge.",
    )
    lean_back_min_deg: float = threshold_field(
        10.0,
        "deg",
        "COACHING.md: hips fully extended without leaning back; MediaPipe error ~6 deg",
        "Trunk leaning back this far past the setup posture at lockout is a lean-back.",
    )
    spine_bottom_band_fraction: float = threshold_field(
        0.7,
        "fraction",
        "design: the deepest 30% of the rep's hip range is where the back is loaded",
        "Rounded spine is judged over the frames deeper than this fraction of the rep's hip flexion range.",
    )
    rule_min_frames: float = threshold_field(
        3.0,
        "frames",
        "design: a median or a count of fewer than 3 frames is one glitch away from wrong",
        "Spine and locked-knee checks need at least this many usable frames, else not judged.",
    )
    hips_first_min_frames: float = threshold_field(
        4.0,
        "frames",
        "design: the knee-vs-trunk timing needs a start, a middle and an end plus one",
        "The hips-rise-first check needs at least this many ascent frames with knee and "
        "trunk seen, and as many while the knees straighten (to 90%).",
    )
    hint_window_s: float = threshold_field(
        1.0,
        "s",
        "design: a passing moment should not flash a hint",
        "A set-up hint (turn sideways, step back, too dark) shows once its condition has held this long.",
    )
    hint_dark_max_brightness: float = threshold_field(
        40.0,
        "0..255",
        "design: MediaPipe loses landmarks in frames darker than about this mean",
        "Mean image brightness below this gives the 'too dark' hint.",
    )
    hint_min_presence: float = threshold_field(
        0.5,
        "0..1",
        "MediaPipe's own presence cut",
        "Feet or head landmarks all less present than this give the 'step back' hint.",
    )
    cue_hold_s: float = threshold_field(
        2.5,
        "s",
        "LearnOpenCV trainer holds messages ~50 frames; reading time for a short cue",
        "A cue stays on screen at least this long.",
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ConfigError(
                    f"threshold {f.name} must be a finite number, got {value!r}"
                )
            if value < 0:
                raise ConfigError(
                    f"threshold {f.name} must not be negative, got {value!r}"
                )
        for f in fields(self):
            if f.metadata["unit"] in ("0..1", "fraction") and getattr(self, f.name) > 1:
                raise ConfigError(
                    f"threshold {f.name} is a fraction 0..1, got {getattr(self, f.name)!r}"
                )
        if self.rep_exit_deg >= self.rep_enter_deg:
            raise ConfigError(
                f"rep_exit_deg ({self.rep_exit_deg}) must be below rep_enter_deg "
                f"({self.rep_enter_deg}) for hysteresis"
            )
        if self.rep_min_depth_deg < self.rep_enter_deg:
            raise ConfigError(
                f"rep_min_depth_deg ({self.rep_min_depth_deg}) must be at least "
                f"rep_enter_deg ({self.rep_enter_deg})"
            )
        if self.count_2d_keep_side_share > self.count_2d_min_side_share:
            raise ConfigError(
                f"count_2d_keep_side_share ({self.count_2d_keep_side_share:g}) must not "
                f"exceed count_2d_min_side_share ({self.count_2d_min_side_share:g})"
            )
        if self.view_side_max_ratio >= self.view_front_min_ratio:
            raise ConfigError(
                f"view_side_max_ratio ({self.view_side_max_ratio:g}) must be below "
                f"view_front_min_ratio ({self.view_front_min_ratio:g})"
            )
        if self.view_front_max_yaw_deg >= self.view_side_min_yaw_deg:
            raise ConfigError(
                f"view_front_max_yaw_deg ({self.view_front_max_yaw_deg:g}) must be below "
                f"view_side_min_yaw_deg ({self.view_side_min_yaw_deg:g})"
            )

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    def with_overrides(self, values: dict[str, Any], origin: str) -> Thresholds:
        """A copy with `values` applied; unknown names raise ConfigError naming `origin`."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(
                f"{origin}: unknown threshold {unknown[0]!r} (see `hingecam thresholds`)"
            )
        clean: dict[str, float] = {}
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{origin}: {name} must be a number, got {value!r}")
            clean[name] = float(value)
        return dataclasses.replace(self, **clean)

    @classmethod
    def from_toml(cls, path: Path, base: Thresholds | None = None) -> Thresholds:
        """Defaults (or `base`) overridden by a TOML file ([thresholds] table or top level)."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such thresholds file") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: not a valid TOML file: {exc}") from None
        table = data.get("thresholds", data)
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [thresholds] must be a table")
        return (base or cls()).with_overrides(table, str(path))

    @property
    def view_limits(self) -> tuple[float, float, float, float]:
        """(side max ratio, front min ratio, side min yaw, front max yaw): see estimate_view."""
        return (
            self.view_side_max_ratio,
            self.view_front_min_ratio,
            self.view_side_min_yaw_deg,
            self.view_front_max_yaw_deg,
        )


DEFAULT_THRESHOLDS = Thresholds()
"""The defaults, shared and frozen (safe as a default argument)."""


def parse_set(items: list[str]) -> dict[str, float]:
    """Parse `--set name=value` items into a mapping; bad items raise ConfigError."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--set {item!r}: expected NAME=VALUE")
        try:
            out[name.strip()] = float(raw)
        except ValueError:
            raise ConfigError(f"--set {item!r}: {raw!r} is not a number") from None
    return out


def load_thresholds(
    exercise: Exercise = Exercise.AUTO,
    toml_path: Path | None = None,
    sets: list[str] | None = None,
) -> Thresholds:
    """Thresholds in force: defaults < exercise profile < TOML file < --set."""
    th = Thresholds().with_overrides(
        PROFILES[exercise].overrides, f"profile {exercise.value}"
    )
    if toml_path is not None:
        th = Thresholds.from_toml(toml_path, th)
    if sets:
        th = th.with_overrides(parse_set(sets), "--set")
    return th


def for_exercise(
    th: Thresholds, loaded_for: Exercise, exercise: Exercise
) -> Thresholds:
    """The thresholds in force for `exercise`, given `th` loaded for `loaded_for`
    (an exercise recognised in auto mode): the recognised profile's own numbers
    replace the other's on every threshold the user did not change (with a TOML
    file or --set, or by passing Thresholds), that is, still at its value."""
    before, after = load_thresholds(loaded_for), load_thresholds(exercise)
    names = set(PROFILES[loaded_for].overrides) | set(PROFILES[exercise].overrides)
    unchanged = {
        name: getattr(after, name)
        for name in sorted(names)
        if getattr(th, name) == getattr(before, name)
    }
    return th.with_overrides(unchanged, f"profile {exercise.value}")


def describe() -> list[FieldDoc]:
    """(name, default, unit, source, doc) for every threshold, in declaration order."""
    return [d._replace(default=float(d.default)) for d in field_docs(Thresholds)]
