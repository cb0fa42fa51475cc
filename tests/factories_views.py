"""Synthetic sets beyond factories.hinge_set: kettlebell swings (Russian to chest
height, American overhead) with their true count, and the faults the 3D rules
judge seen at 45 deg and from the front, with their known 3D answers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

import numpy as np

from hingecam.core.datatypes import View
from hingecam.core.geometry import hip_flexion_3d
from hingecam.core.geometry3d import legs_trunk_3d
from hingecam.core.poses import BACK_PROFILE_SAMPLES, N_LANDMARKS, PoseTrack
from tests.factories import (
    IMAGE_WH,
    MOVEMENTS,
    VIEW_YAW_DEG,
    Camera,
    HingeSet,
    Pattern,
    Posture,
    _ease,
    hinge_set,
    lerp_posture,
    pose_arrays,
)


class SwingStyle(enum.Enum):
    """Where the bell goes at the top of a kettlebell swing."""

    RUSSIAN = "russian"  # arms to chest height (horizontal)
    AMERICAN = "american"  # arms overhead


SWING_TOP_ARM_DEG = {SwingStyle.RUSSIAN: 90.0, SwingStyle.AMERICAN: 0.0}
"""Arm direction at the top (geometry conventions: 0 up, 90 ahead, 180 down)."""

AMERICAN_TOP_LEAN_DEG = -25.0
"""Trunk lean at the top of an American swing: the lifter arches back under the
overhead bell, the hips extended past straight (a lean a coach would cue away,
but common; it is what the counter must still see as standing)."""

PARKED = Posture(trunk_deg=0.0, knee_deg=5.0, shin_deg=2.0, arm_deg=180.0)
"""Standing tall with the bell hanging at arms' length."""

BACKSWING = Posture(trunk_deg=65.0, knee_deg=30.0, shin_deg=10.0, arm_deg=200.0)
"""The bottom of a swing: hinged, knees soft, the bell between and behind the legs."""


@dataclass(frozen=True)
class SwingSet:
    """A synthetic swing set: the track and the true (start, end) time of each swing."""

    track: PoseTrack
    swings: tuple[tuple[float, float], ...]
    style: SwingStyle


def _swing_top(style: SwingStyle) -> Posture:
    # At the top the hips are extended to standing whatever the arms do; an
    # overhead bell is balanced with a slight lean back.
    lean = AMERICAN_TOP_LEAN_DEG if style is SwingStyle.AMERICAN else 0.0
    return Posture(
        trunk_deg=lean, knee_deg=4.0, shin_deg=2.0, arm_deg=SWING_TOP_ARM_DEG[style]
    )


def swing_set(
    swings: int = 10,
    style: SwingStyle = SwingStyle.AMERICAN,
    *,
    view: View = View.SIDE,
    fps: float = 30.0,
    stand_s: float = 1.0,
    down_s: float = 0.45,
    up_s: float = 0.5,
    float_s: float = 0.25,
    end_s: float = 1.0,
    facing: int = 1,
) -> SwingSet:
    """Stand holding the bell `stand_s`, then `swings` continuous swings (backswing
    `down_s`, hip drive `up_s`, the bell floating at the top `float_s`), then
    stand `end_s`. The arms follow the trunk: between the legs at the bottom,
    at chest height (Russian) or overhead (American) at the top; they reach the
    top during the float, after the hips have extended.
    """
    top = _swing_top(style)
    keys: list[tuple[float, Posture]] = [(0.0, PARKED), (stand_s, PARKED)]
    truths: list[tuple[float, float]] = []
    t = stand_s
    for k in range(swings):
        start = t
        t += down_s
        keys.append((t, BACKSWING))
        t += up_s
        # Hips extended at the end of the drive; the arms still rising.
        keys.append((t, replace(top, arm_deg=0.5 * (top.arm_deg + 90.0))))
        t += float_s
        keys.append((t, top))
        truths.append((start, t - float_s))
        if k == swings - 1:
            t += 0.5
            keys.append((t, PARKED))
    keys.append((t + end_s, PARKED))

    times = np.arange(round(keys[-1][0] * fps) + 1) / fps
    camera = Camera(facing=facing, yaw_deg=VIEW_YAW_DEG[view])
    n = times.size
    xy = np.empty((n, N_LANDMARKS, 2), np.float32)
    world = np.empty((n, N_LANDMARKS, 3), np.float32)
    vis = np.empty((n, N_LANDMARKS), np.float32)
    key_t = [k[0] for k in keys]
    for i, ti in enumerate(times):
        j = min(int(np.searchsorted(key_t, ti, side="right")), len(keys) - 1)
        (t0, a), (t1, b) = keys[j - 1], keys[j]
        u = (ti - t0) / (t1 - t0) if t1 > t0 else 1.0
        xy[i], world[i], vis[i] = pose_arrays(lerp_posture(a, b, _ease(u)), camera)
    track = PoseTrack(
        t_s=times,
        xy_norm=xy,
        world_m=world,
        visibility=vis,
        presence=np.full((n, N_LANDMARKS), 0.995, np.float32),
        back_profile=np.full((n, BACK_PROFILE_SAMPLES), np.nan, np.float32),
        people=np.ones(n, np.int16),
        image_wh=IMAGE_WH,
        meta={"source": "synthetic swing", "fps": fps},
    )
    return SwingSet(track, tuple(truths), style)


FAULTS_3D: dict[View, tuple[Pattern, ...]] = {
    View.OBLIQUE: (Pattern.SQUAT, Pattern.HIPS_RISE_FIRST),
    View.FRONT: (Pattern.SQUAT,),
}
"""The faults the 3D rules judge from each view off the side (rules3d): squat
pattern at 45 deg and from the front, hips rising first at 45 deg only."""


def view_set(pattern: Pattern, view: View, reps: int = 3) -> HingeSet:
    """A deadlift-shaped set of `pattern` filmed from `view` (45 deg or front)."""
    return hinge_set(reps, 30, pattern=pattern, view=view, masks=False)


def true_3d(posture: Posture) -> dict[str, float]:
    """The 3D hip, knee and trunk angles (deg) the world landmarks of a posture
    give: the known 3D answer a view-independent rule should read."""
    _, world, vis = pose_arrays(posture, Camera())
    legs = legs_trunk_3d(world[None], vis[None], 0.5)
    return {
        "hip_flexion_3d_deg": float(hip_flexion_3d(world[None], vis[None], 0.5)[0]),
        **{k: float(v[0]) for k, v in legs.items()},
    }


def hki_3d(pattern: Pattern) -> float:
    """The true 3D hip-knee index of a preset's bottom against its top (0..100):
    100 x hip flexion gained / (hip + knee flexion gained)."""
    mv = MOVEMENTS[pattern]
    top, bottom = true_3d(mv.top), true_3d(mv.bottom)
    d_hip = bottom["hip_flexion_3d_deg"] - top["hip_flexion_3d_deg"]
    d_knee = bottom["knee_flexion_3d_deg"] - top["knee_flexion_3d_deg"]
    return 100.0 * d_hip / (d_hip + d_knee)


def hips_first_drop_3d(hs: HingeSet, rep: int = 0) -> float:
    """The true trunk drop (deg) the 3D hips-first rule should read on a rep: the
    trunk lean when the knees are half straight on the way up (between the
    frames around that moment) minus at the rep's peak knee flexion, from the
    noise-free postures (the figure is planar
    and its world y is vertical, so its 3D trunk and knee angles are the 2D ones)."""
    truth = hs.reps[rep]
    knee = hs.truth["knee_flexion_deg"][truth.start_frame : truth.end_frame + 1]
    trunk = hs.truth["trunk_incline_deg"][truth.start_frame : truth.end_frame + 1]
    start = int(np.argmax(knee))
    target = knee[start] - 0.5 * (knee[start] - float(np.min(knee[start:])))
    after = start + int(np.flatnonzero(knee[start:] <= target)[0])
    # The half-straight moment itself, between the frames around it.
    t = np.interp(target, [knee[after], knee[after - 1]], [after, after - 1])
    return float(np.interp(t, np.arange(trunk.size), trunk) - trunk[start])
