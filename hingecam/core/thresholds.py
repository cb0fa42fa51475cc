"""Every coaching and signal-processing number in one place, with unit, source and
reason; exercise profiles; overrides from TOML and --set."""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from hingecam.core.datatypes import Exercise
from hingecam.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CLIPS = "../shared/clips (all labelled clips, `hingecam eval`)"


def _t(default: float, unit: str, source: str, doc: str) -> Any:
    return field(default=default, metadata={"unit": unit, "source": source, "doc": doc})


@dataclass(frozen=True)
class Thresholds:
    """Thresholds in force. Angles follow the conventions table in geometry.py."""

    # --- signal quality and view -------------------------------------------------
    min_visibility: float = _t(
        0.5,
        "0..1",
        "MediaPipe's own drawing default; Sports2D uses 0.3 for likelihood",
        "Landmarks less visible than this count as missing.",
    )
    view_side_max_ratio: float = _t(
        0.25,
        "ratio",
        "METHODS.md (<0.5 side in public code); side clips' median <=0.25, 45 deg clips' >=0.28 on "
        + CLIPS,
        "Shoulder/hip width over torso length at or below this (with the yaw below) can be a side view.",
    )
    view_front_min_ratio: float = _t(
        0.65,
        "ratio",
        "METHODS.md (>0.7 front, public code)",
        "Shoulder/hip width over torso length at or above this is a front (or back) view.",
    )
    view_side_min_yaw_deg: float = _t(
        60.0,
        "deg",
        "METHODS.md: world-landmark torso yaw; side clips' median >=68, 45 deg clips' <=64 on "
        + CLIPS,
        "Torso yaw from the world landmarks at or above this (with the ratio above) is a side view.",
    )
    view_front_max_yaw_deg: float = _t(
        25.0,
        "deg",
        "METHODS.md: world-landmark torso yaw; front clips 14-34 on " + CLIPS,
        "Torso yaw at or below this is a front (or back) view.",
    )
    view_min_side_share: float = _t(
        0.6,
        "fraction",
        "design: a verdict needs the view for most of the rep",
        "Side-view-only checks need at least this share of a rep's frames seen from the side.",
    )
    glitch_max_speed_deg_s: float = _t(
        1000.0,
        "deg/s",
        "2.5x the fastest real joint speed on " + CLIPS + " (p99 <= 420 deg/s)",
        "A frame whose hip, knee or trunk angle moved faster than this since the last good frame is a landmark glitch and is dropped.",
    )
    glitch_reanchor_s: float = _t(
        0.3,
        "s",
        "design: longer than a landmark swap, shorter than a rep phase",
        "After this long of dropped frames the next frame is trusted again.",
    )
    # --- smoothing -----------------------------------------------------------------
    smooth_sigma_s: float = _t(
        0.05,
        "s",
        "Sports2D: Butterworth 6 Hz zero-phase; a Gaussian of 0.05 s passes ~2.6 Hz",
        "Zero-phase Gaussian width for recorded video; hinge reps last 1-4 s.",
    )
    smooth_max_gap_s: float = _t(
        0.35,
        "s",
        "design: about one tenth of a rep",
        "Missing stretches up to this long are bridged; longer ones stay missing.",
    )
    live_min_cutoff_hz: float = _t(
        1.5,
        "Hz",
        "Casiez et al. CHI 2012 tuning procedure, on live replays of the clips",
        "One Euro cutoff at rest for live use: lower is steadier, slower.",
    )
    live_beta: float = _t(
        0.02,
        "1/deg",
        "Casiez et al. CHI 2012 tuning procedure",
        "One Euro speed gain for live use: higher follows fast moves with less lag.",
    )
    # --- calibration and reps ------------------------------------------------------
    standing_hip_default_deg: float = _t(
        8.0,
        "deg",
        "standing lifters measured 1-12 deg (3D hip angle) on " + CLIPS,
        "Standing hip flexion assumed before the lifter's own is measured (a set filmed from the floor up).",
    )
    setup_max_hip_flexion_deg: float = _t(
        30.0,
        "deg",
        "COACHING.md: standing tall, knees soft; standing lifters measured 3-27 deg (3D, a barbell held from behind) on "
        + CLIPS,
        "A posture with hip flexion at or below this counts as standing.",
    )
    setup_max_knee_flexion_deg: float = _t(
        35.0,
        "deg",
        "COACHING.md: soft knees at the start, never a squat",
        "A posture with knee flexion at or below this counts as standing.",
    )
    setup_max_sway_deg: float = _t(
        10.0,
        "deg",
        "design: walking swings the hip +/-20 deg; standing still sways a few deg",
        "Standing counts as still (for the setup posture) while hip flexion and trunk lean stay within this range.",
    )
    setup_max_feet_shift_norm: float = _t(
        0.15,
        "leg",
        "design: a walking stride moves the ankles ~1 leg length; planted feet sway a few percent",
        "Standing counts as still only while the ankles stay within this (in leg lengths): feet planted, not walking.",
    )
    setup_min_s: float = _t(
        0.3,
        "s",
        "design: demo clips pause only a moment at the top; planted feet rule out walking",
        "Standing still this long, feet planted, gives the lifter's reference (setup) posture.",
    )
    live_calibration_s: float = _t(
        2.0,
        "s",
        "issue 5: stand tall for two seconds",
        "Live mode asks the lifter to stand this long before counting.",
    )
    rep_enter_deg: float = _t(
        30.0,
        "deg",
        "hysteresis pair as in AIGym (up/down angles); " + CLIPS,
        "Hip flexion this far above the standing posture starts a descent.",
    )
    rep_exit_deg: float = _t(
        18.0,
        "deg",
        "hysteresis pair as in AIGym; below rep_enter_deg so jitter cannot double count",
        "Hip flexion back within this of the standing posture ends the rep.",
    )
    rep_min_depth_deg: float = _t(
        45.0,
        "deg",
        "COACHING.md: RDL trunk >=45 deg for good depth; " + CLIPS,
        "A rep needs its peak hip flexion this far above the standing posture.",
    )
    rep_floor_start_deg: float = _t(
        80.0,
        "deg",
        "COACHING.md: conventional deadlift knee ~103-108 deg at the floor (Schellenberg 2013), the hip more",
        "A set filmed from the bottom counts its first pull only from at least this hip flexion over standing.",
    )
    rep_min_duration_s: float = _t(
        0.5,
        "s",
        "design: a kettlebell swing cycle lasts ~1 s",
        "Shorter down-up cycles are jitter, not reps.",
    )
    rep_max_duration_s: float = _t(
        15.0,
        "s",
        "design: longer excursions are resting bent over or leaving, not reps",
        "Longer cycles are not counted.",
    )
    # --- faults --------------------------------------------------------------------
    locked_knee_max_flexion_deg: float = _t(
        8.0,
        "deg",
        "Schellenberg 2013: good morning knee 5.3 +/- 6.7 deg; MediaPipe error -2 +/- 6 deg",
        "Knee flexion at or below this while hinged counts as locked knees.",
    )
    locked_knee_min_trunk_deg: float = _t(
        30.0,
        "deg",
        "COACHING.md: locked knees matter while the hips hinge",
        "Locked knees are only judged while the trunk leans at least this far.",
    )
    squat_max_ssi: float = _t(
        30.0,
        "0..100",
        "Schmid et al. 2022 Stoop-Squat Index: <30 in squat lifting (deadlift profile: 25, see PROFILES)",
        "A rep whose stoop-squat index at the bottom is below this is a squat pattern.",
    )
    hips_first_min_trunk_drop_deg: float = _t(
        8.0,
        "deg",
        "COACHING.md: hips rise faster than shoulders; a constant back angle off the floor is correct (0 deg); twice the ~4 deg trunk noise of smoothed MediaPipe",
        "Trunk leaning this much further forward than at the bottom, when the knees are half straight, is hips rising first.",
    )
    hips_first_min_knee_range_deg: float = _t(
        25.0,
        "deg",
        "Coratella 2022: RDLs keep the knee nearly still, deadlifts extend it",
        "Hips-first is only judged when the knee extends at least this much on the ascent.",
    )
    spine_bow_max_norm: float = _t(
        0.06,
        "chord",
        "COACHING.md dowel test; jeff-j-chen back_contour area ratio; flat backs <=0.03, rounded >=0.08 on "
        + CLIPS,
        "The back's outline humping this far (in shoulder-hip lengths) beyond the line joining its ends is a rounded spine.",
    )
    spine_offset_rise_norm: float = _t(
        0.15,
        "chord",
        "COACHING.md: silhouette bows away from the chord, compared with setup; clean reps <=0.12 on "
        + CLIPS,
        "The mid-back outline moving this much further from the hip-shoulder chord than when standing is a rounded spine.",
    )
    shallow_hinge_max_trunk_deg: float = _t(
        30.0,
        "deg",
        "COACHING.md: RDL bottom <30 deg trunk lean is an insufficient hinge (unverified)",
        "Hinge profiles: a bottom trunk lean below this is not enough hinge.",
    )
    lean_back_min_deg: float = _t(
        10.0,
        "deg",
        "COACHING.md: hips fully extended without leaning back; MediaPipe error ~6 deg",
        "Trunk leaning back this far past the setup posture at lockout is a lean-back.",
    )
    cue_hold_s: float = _t(
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


@dataclass(frozen=True)
class Profile:
    """How an exercise is counted and judged.

    Attributes:
        exercise: the profile's exercise.
        from_floor: a rep may start at the bottom (deadlifts start on the floor):
            an ascent from a deep enough start counts even without a descent.
        hinge_only: the movement should be a hinge: squat pattern and shallow
            hinge are judged.
        knee_extends: the knee should bend and straighten (deadlift): hips rising
            first is judged; for an RDL the knee stays nearly still.
        soft_knees: locked knees are judged.
        overrides: threshold defaults this profile changes, with the reason.
    """

    exercise: Exercise
    from_floor: bool
    hinge_only: bool
    knee_extends: bool
    soft_knees: bool
    overrides: dict[str, float] = field(default_factory=dict)


PROFILES: dict[Exercise, Profile] = {
    Exercise.AUTO: Profile(
        Exercise.AUTO,
        from_floor=False,
        hinge_only=True,
        knee_extends=True,
        soft_knees=True,
    ),
    Exercise.HINGE_DRILL: Profile(
        Exercise.HINGE_DRILL,
        from_floor=False,
        hinge_only=True,
        knee_extends=False,
        soft_knees=True,
    ),
    Exercise.GOOD_MORNING: Profile(
        Exercise.GOOD_MORNING,
        from_floor=False,
        hinge_only=True,
        knee_extends=False,
        soft_knees=True,
    ),
    Exercise.RDL: Profile(
        Exercise.RDL,
        from_floor=False,
        hinge_only=True,
        knee_extends=False,
        soft_knees=True,
    ),
    Exercise.DEADLIFT: Profile(
        Exercise.DEADLIFT,
        from_floor=True,
        hinge_only=True,
        knee_extends=True,
        soft_knees=False,
        # Coratella 2022: a conventional pull flexes the knee like a squat; a clean
        # pull from the floor measured SSI ~29 on the clips, so only clearly
        # squat-like pulls are flagged.
        overrides={"squat_max_ssi": 25.0},
    ),
    Exercise.KB_SWING: Profile(
        Exercise.KB_SWING,
        from_floor=False,
        hinge_only=True,
        knee_extends=True,
        soft_knees=True,
    ),
}
"""Exercise profiles. A conventional deadlift bends the knees ~100 deg
(Schellenberg 2013), so locked knees are not judged there; RDLs and good mornings
keep the knee nearly still (Coratella 2022), so hips-first is not judged there."""


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


def describe() -> list[tuple[str, float, str, str, str]]:
    """(name, default, unit, source, doc) for every threshold, in declaration order."""
    defaults = Thresholds()
    return [
        (
            f.name,
            float(getattr(defaults, f.name)),
            f.metadata["unit"],
            f.metadata["source"],
            f.metadata["doc"],
        )
        for f in fields(Thresholds)
    ]


def run_cli(args: argparse.Namespace) -> int:
    """`hingecam thresholds`: print the thresholds in force as a table or TOML."""
    th = load_thresholds(Exercise(args.exercise), args.thresholds, args.set)
    meta = {name: (unit, source, doc) for name, _, unit, source, doc in describe()}
    if args.toml:
        print("# hingecam thresholds; pass back with --thresholds FILE")
        print("[thresholds]")
        for name, value in th.as_dict().items():
            unit, _, doc = meta[name]
            print(f"# {doc} ({unit})")
            print(f"{name} = {value:g}")
        return 0
    width = max(len(n) for n in meta)
    for name, value in th.as_dict().items():
        unit, source, doc = meta[name]
        print(f"{name:<{width}}  {value:>7g} {unit:<9} {doc}")
        print(f"{'':<{width}}  {'':>7} {'':<9} source: {source}")
    return 0
