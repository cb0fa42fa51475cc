"""Synthetic pose landmarks with known answers: a 2D stick figure built from the
measures themselves (trunk, knee and shin angles in geometry.py's conventions),
single poses, pose tracks and whole sets of reps with their true timing.

Units: segment lengths and positions are in image heights, angles in degrees,
times in seconds. The figure stands with its near ankle fixed on the floor; the
camera looks at it orthographically from the side (yaw 90), the front (yaw 0) or
in between.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hingecam.core.analysis import Analyzer
from hingecam.core.datatypes import (
    Exercise,
    MeasureSeries,
    View,
)
from hingecam.core.geometry import BACK_T, compute_measures
from hingecam.core.landmarks import Landmark
from hingecam.core.poses import BACK_PROFILE_SAMPLES, N_LANDMARKS, Pose, PoseTrack
from hingecam.core.rep_window import RepWindow
from hingecam.core.thresholds import Thresholds

L = Landmark

IMAGE_WH = (1280, 720)
"""Default frame size in pixels (landscape phone video)."""

SHIN = 0.25
THIGH = 0.25
TRUNK = 0.30
NECK = 0.10
"""Segment lengths in image heights (shoulder to ear for the neck)."""

ANKLE_HEIGHT = 0.04
"""Ankle above the floor, in image heights."""

FLOOR_Y = 0.94
"""Floor line as a fraction of the image height (y down)."""

METRES_PER_UNIT = 1.85
"""World metres per image height: a 1.75 m lifter spans about 0.95 of the frame."""

BACK_BASE = (0.09, 0.02)
"""A flat back's profile: 0.09 + 0.02 t chord lengths (a straight line, bow 0)."""

NEAR_VISIBILITY = 0.98
FAR_VISIBILITY = 0.6

# Lateral half widths (image heights) by role: left landmarks sit at +w, right at -w.
_HALF_WIDTH = {
    "shoulder": 0.12,
    "elbow": 0.14,
    "wrist": 0.13,
    "pinky": 0.13,
    "index": 0.13,
    "thumb": 0.12,
    "hip": 0.09,
    "knee": 0.08,
    "ankle": 0.08,
    "heel": 0.08,
    "toe": 0.085,
    "ear": 0.055,
    "eye_inner": 0.02,
    "eye": 0.035,
    "eye_outer": 0.045,
    "mouth": 0.02,
}

_ROLE_LANDMARKS: dict[str, tuple[Landmark, Landmark]] = {
    "shoulder": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "elbow": (L.LEFT_ELBOW, L.RIGHT_ELBOW),
    "wrist": (L.LEFT_WRIST, L.RIGHT_WRIST),
    "pinky": (L.LEFT_PINKY, L.RIGHT_PINKY),
    "index": (L.LEFT_INDEX, L.RIGHT_INDEX),
    "thumb": (L.LEFT_THUMB, L.RIGHT_THUMB),
    "hip": (L.LEFT_HIP, L.RIGHT_HIP),
    "knee": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "ankle": (L.LEFT_ANKLE, L.RIGHT_ANKLE),
    "heel": (L.LEFT_HEEL, L.RIGHT_HEEL),
    "toe": (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX),
    "ear": (L.LEFT_EAR, L.RIGHT_EAR),
    "eye_inner": (L.LEFT_EYE_INNER, L.RIGHT_EYE_INNER),
    "eye": (L.LEFT_EYE, L.RIGHT_EYE),
    "eye_outer": (L.LEFT_EYE_OUTER, L.RIGHT_EYE_OUTER),
    "mouth": (L.MOUTH_LEFT, L.MOUTH_RIGHT),
}

_ROLES = tuple(_ROLE_LANDMARKS)
_LEFT_IDX = np.array([int(_ROLE_LANDMARKS[r][0]) for r in _ROLES])
_RIGHT_IDX = np.array([int(_ROLE_LANDMARKS[r][1]) for r in _ROLES])
_HALF = np.array([_HALF_WIDTH[r] for r in _ROLES])
_BODY_ROLES = ("shoulder", "hip", "knee", "ankle")

VIEW_YAW_DEG = {View.SIDE: 90.0, View.OBLIQUE: 45.0, View.FRONT: 0.0}
"""Camera yaw per view: 90 looks at the lifter's side, 0 at the front."""


def _unit(deg: float) -> NDArray[np.float64]:
    """Unit vector at `deg` from vertical-up, positive forward, in (forward, up)."""
    r = math.radians(deg)
    return np.array([math.sin(r), math.cos(r)])


@dataclass(frozen=True)
class Posture:
    """The measures a pose is built from, in geometry.py's conventions.

    Attributes:
        trunk_deg: trunk incline (hip -> shoulder from vertical, + forward).
        knee_deg: knee flexion (shin minus thigh, + flexed).
        shin_deg: shin incline (ankle -> knee from vertical, + knee ahead).
        head_deg: head offset (shoulder -> ear minus trunk, + ear ahead).
        bow: spine bulge in chord lengths (the spine_bow_norm it gives).
        arm_deg: shoulder -> wrist from vertical-up, + forward: 180 hangs straight
            down (holding a bar), 90 points ahead at chest height (a Russian
            swing's top), 0 overhead (an American swing's top).
        reach: shoulder -> wrist distance (a straight arm 0.28, about 0.93
            trunk lengths; hands held at the chest or behind the head about half).
    """

    trunk_deg: float = 0.0
    knee_deg: float = 5.0
    shin_deg: float = 2.0
    head_deg: float = 0.0
    bow: float = 0.0
    arm_deg: float = 180.0
    reach: float = 0.28

    @property
    def thigh_deg(self) -> float:
        """Thigh angle (knee -> hip from vertical, + forward)."""
        return self.shin_deg - self.knee_deg

    @property
    def hip_deg(self) -> float:
        """Hip flexion: trunk minus thigh."""
        return self.trunk_deg - self.thigh_deg

    def measures(self) -> dict[str, float]:
        """The measures geometry.compute_measures should find, by field name."""
        return {
            "trunk_incline_deg": self.trunk_deg,
            "knee_flexion_deg": self.knee_deg,
            "shin_incline_deg": self.shin_deg,
            "thigh_incline_deg": -self.thigh_deg,
            "hip_flexion_deg": self.hip_deg,
            "head_offset_deg": self.head_deg,
            "spine_bow_norm": self.bow,
        }


def lerp_posture(
    a: Posture, b: Posture, s: float, s_knee: float | None = None
) -> Posture:
    """Posture a fraction `s` of the way from a to b; the knee and shin may use
    their own fraction `s_knee` (a knee that leads or lags the trunk)."""
    k = s if s_knee is None else s_knee
    return Posture(
        trunk_deg=a.trunk_deg + s * (b.trunk_deg - a.trunk_deg),
        knee_deg=a.knee_deg + k * (b.knee_deg - a.knee_deg),
        shin_deg=a.shin_deg + k * (b.shin_deg - a.shin_deg),
        head_deg=a.head_deg + s * (b.head_deg - a.head_deg),
        bow=a.bow + s * (b.bow - a.bow),
        arm_deg=a.arm_deg + s * (b.arm_deg - a.arm_deg),
        reach=a.reach + s * (b.reach - a.reach),
    )


def _body_points(
    p: Posture, far_leg: Posture | None = None
) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Role -> ((forward, up) of the near side, of the far side), ankle at (0, 0)."""
    ankle = np.zeros(2)
    knee = ankle + SHIN * _unit(p.shin_deg)
    hip = knee + THIGH * _unit(p.thigh_deg)
    shoulder = hip + TRUNK * _unit(p.trunk_deg)
    neck = p.trunk_deg + p.head_deg
    axis = _unit(neck)
    ahead = np.array([axis[1], -axis[0]])  # the neck axis turned a quarter forward
    ear = shoulder + NECK * axis
    down = _unit(p.arm_deg)  # the arms' direction: straight down unless swinging
    near: dict[str, NDArray[np.float64]] = {
        "shoulder": shoulder,
        "elbow": shoulder + 0.54 * p.reach * down,
        "wrist": shoulder + p.reach * down,
        "pinky": shoulder + (p.reach + 0.04) * down + np.array([0.01, 0.0]),
        "index": shoulder + (p.reach + 0.05) * down + np.array([0.02, 0.0]),
        "thumb": shoulder + (p.reach + 0.03) * down + np.array([0.02, 0.0]),
        "hip": hip,
        "knee": knee,
        "ankle": ankle,
        "heel": ankle + np.array([-0.04, -ANKLE_HEIGHT + 0.005]),
        "toe": ankle + np.array([0.11, -ANKLE_HEIGHT]),
        "ear": ear,
        "eye_inner": ear + 0.05 * ahead + 0.015 * axis,
        "eye": ear + 0.04 * ahead + 0.015 * axis,
        "eye_outer": ear + 0.03 * ahead + 0.015 * axis,
        "mouth": ear + 0.045 * ahead - 0.035 * axis,
        "nose": ear + 0.06 * ahead - 0.005 * axis,
    }
    far = dict(near)
    if far_leg is not None:
        # The far leg hangs from the shared hip with its own angles.
        f_knee = hip - THIGH * _unit(far_leg.thigh_deg)
        f_ankle = f_knee - SHIN * _unit(far_leg.shin_deg)
        far.update(
            knee=f_knee,
            ankle=f_ankle,
            heel=f_ankle + (near["heel"] - ankle),
            toe=f_ankle + (near["toe"] - ankle),
        )
    return {role: (near[role], far[role]) for role in near}


@dataclass(frozen=True)
class Camera:
    """How the stick figure is seen.

    Attributes:
        facing: +1 when the lifter faces +x (right) in the image, -1 for -x.
        yaw_deg: 90 from the side, 0 from the front (the lifter faces the camera).
        image_wh: frame size in pixels.
        ankle_x: near ankle x as a fraction of the image width.
        near_visibility, far_visibility: visibility of the near and far side (from
            the side; from the front both sides get near_visibility).
        far_offset_px: the far side's shift in pixels (x towards the lifter's
            back, y up) from the side, as a far limb's slight perspective gives.
    """

    facing: int = 1
    yaw_deg: float = 90.0
    image_wh: tuple[int, int] = IMAGE_WH
    ankle_x: float = 0.5
    near_visibility: float = NEAR_VISIBILITY
    far_visibility: float = FAR_VISIBILITY
    far_offset_px: float = 4.0

    @classmethod
    def for_view(cls, view: View, **kwargs: Any) -> Camera:
        return cls(yaw_deg=VIEW_YAW_DEG[view], **kwargs)


def pose_arrays(
    posture: Posture,
    camera: Camera = Camera(),
    *,
    ankle_x: float | None = None,
    far_leg: Posture | None = None,
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    """xy_norm (33, 2), world_m (33, 3) and visibility (33,) of one posture.

    The near side is the lifter's right when facing +x and left when facing -x
    (a person facing right shows the camera their right side).
    """
    w, h = camera.image_wh
    yaw = math.radians(camera.yaw_deg)
    fwd = np.array([camera.facing * math.sin(yaw), -math.cos(yaw)])  # (X, Z)
    left = np.array([-fwd[1], fwd[0]])
    sx = float(camera.facing) * math.sin(yaw)
    # The near side is the one towards the camera (smaller Z).
    near_is_left = left[1] < 0 or (abs(left[1]) < 1e-12 and camera.facing < 0)
    x0 = (camera.ankle_x if ankle_x is None else ankle_x) * w
    floor_px = FLOOR_Y * h - ANKLE_HEIGHT * h  # near ankle's pixel row

    xy_px = np.full((N_LANDMARKS, 2), np.nan)
    world = np.full((N_LANDMARKS, 3), np.nan)
    vis = np.full(N_LANDMARKS, np.nan)
    far_vis = camera.far_visibility + (
        camera.near_visibility - camera.far_visibility
    ) * abs(math.cos(yaw))
    far_shift = np.array(
        [-camera.far_offset_px * sx, -camera.far_offset_px / 2 * abs(math.sin(yaw))]
    )

    def place(
        fu: NDArray[np.float64], lateral: NDArray[np.float64]
    ) -> tuple[NDArray, NDArray]:
        """(R, 2) forward/up points at (R,) lateral offsets -> pixels, world."""
        x = fu[:, 0] * fwd[0] + lateral * left[0]
        z = fu[:, 0] * fwd[1] + lateral * left[1]
        px = np.stack([x0 + x * h, floor_px - fu[:, 1] * h], axis=-1)
        wm = np.stack([x, -fu[:, 1], z], axis=-1) * METRES_PER_UNIT
        return px, wm

    points = _body_points(posture, far_leg)
    near_fu = np.stack([points[r][0] for r in _ROLES])
    far_fu = np.stack([points[r][1] for r in _ROLES])
    for idx, lateral, is_near in (
        (_LEFT_IDX, _HALF, near_is_left),
        (_RIGHT_IDX, -_HALF, not near_is_left),
    ):
        px, wm = place(near_fu if is_near else far_fu, lateral)
        xy_px[idx] = px if is_near else px + far_shift
        world[idx] = wm
        vis[idx] = camera.near_visibility if is_near else far_vis
    px, wm = place(points["nose"][0][None], np.zeros(1))
    xy_px[L.NOSE], world[L.NOSE], vis[L.NOSE] = px[0], wm[0], camera.near_visibility

    hip_mid = (world[L.LEFT_HIP] + world[L.RIGHT_HIP]) / 2
    world = world - hip_mid
    xy_norm = xy_px / np.array([w, h])
    return (
        xy_norm.astype(np.float32),
        world.astype(np.float32),
        vis.astype(np.float32),
    )


def back_profile_of(bow: float) -> NDArray[np.float32]:
    """(BACK_PROFILE_SAMPLES,) profile of a straight back plus a bulge of `bow`.

    The bulge is a half sine between 25% and 75% of the chord, peaking at the
    middle sample, so geometry.spine_bow() returns exactly `bow`.
    """
    t = BACK_T
    base = BACK_BASE[0] + BACK_BASE[1] * t
    bump = np.where((t > 0.25) & (t < 0.75), np.sin(np.pi * (t - 0.25) / 0.5), 0.0)
    return (base + bow * bump).astype(np.float32)


def make_pose(
    posture: Posture | None = None,
    camera: Camera = Camera(),
    *,
    t_s: float = 0.0,
    mask: NDArray[np.float32] | None = None,
    **measures: float,
) -> Pose:
    """One Pose from a posture (or from measures: make_pose(trunk_deg=60, knee_deg=20)).

    Args:
        posture: the measures; keyword measures override its fields.
        camera: facing, view and image size.
        t_s: the pose's time.
        mask: optional (H, W) person mask.
    """
    p = replace(posture or Posture(), **measures)
    xy, world, vis = pose_arrays(p, camera)
    return Pose(
        t_s=t_s,
        xy_norm=xy,
        image_wh=camera.image_wh,
        world_m=world,
        visibility=vis,
        presence=np.full(N_LANDMARKS, 0.995, dtype=np.float32),
        mask=mask,
    )


def track_from_poses(poses: Sequence[Pose]) -> PoseTrack:
    """Stack single poses into a PoseTrack (back profile NaN: no masks)."""
    n = len(poses)
    wh = poses[0].image_wh if poses else IMAGE_WH
    return PoseTrack(
        t_s=np.array([p.t_s for p in poses], dtype=np.float64),
        xy_norm=np.stack([p.xy_norm for p in poses]).astype(np.float32),
        world_m=np.stack([p.world_m for p in poses]).astype(np.float32),
        visibility=np.stack([p.visibility for p in poses]).astype(np.float32),
        presence=np.stack([p.presence for p in poses]).astype(np.float32),
        back_profile=np.full((n, BACK_PROFILE_SAMPLES), np.nan, dtype=np.float32),
        people=np.ones(n, dtype=np.int16),
        image_wh=wh,
    )


def empty_track(n: int = 30, fps: float = 30.0) -> PoseTrack:
    """n frames in which nobody was found."""
    return PoseTrack(
        t_s=np.arange(n, dtype=np.float64) / fps,
        xy_norm=np.full((n, N_LANDMARKS, 2), np.nan, dtype=np.float32),
        world_m=np.full((n, N_LANDMARKS, 3), np.nan, dtype=np.float32),
        visibility=np.full((n, N_LANDMARKS), np.nan, dtype=np.float32),
        presence=np.full((n, N_LANDMARKS), np.nan, dtype=np.float32),
        back_profile=np.full((n, BACK_PROFILE_SAMPLES), np.nan, dtype=np.float32),
        people=np.zeros(n, dtype=np.int16),
        image_wh=IMAGE_WH,
    )


# -- movement patterns -------------------------------------------------------------

STANDING = Posture(trunk_deg=0.0, knee_deg=5.0, shin_deg=2.0)
"""Standing tall with soft knees: hip flexion 3 deg."""


@dataclass(frozen=True)
class Movement:
    """One rep's shape: the top and bottom postures and how the ascent is timed.

    Attributes:
        top, bottom: standing and deepest postures.
        knee_first: hips rise first: on the ascent the knee (and shin) extend
            fully in the first `knee_first` fraction of it while the shoulders
            stay at their bottom height (the trunk tips further forward), then
            the trunk rises; 0 means everything moves together.
    """

    top: Posture
    bottom: Posture
    knee_first: float = 0.0


class Pattern(enum.Enum):
    """Preset movements with known verdicts."""

    HINGE = "hinge"  # trunk 0 -> 60, knees 5 -> 18: a good hip hinge / RDL
    SQUAT = "squat"  # trunk 0 -> 18, knees 5 -> 110: squatting instead of hinging
    LOCKED_KNEES = "locked_knees"  # trunk 0 -> 70 with knees at 1-2 deg
    DEADLIFT = "deadlift"  # trunk 0 -> 55, knees 5 -> 75, chest and hips together
    HIPS_RISE_FIRST = "hips_rise_first"  # the deadlift, knees straighten first
    ROUNDED_SPINE = "rounded_spine"  # the hinge with the back bulging 0.15 chord


MOVEMENTS: dict[Pattern, Movement] = {
    Pattern.HINGE: Movement(
        STANDING, Posture(trunk_deg=60.0, knee_deg=18.0, shin_deg=7.0)
    ),
    Pattern.SQUAT: Movement(
        STANDING, Posture(trunk_deg=18.0, knee_deg=110.0, shin_deg=35.0)
    ),
    Pattern.LOCKED_KNEES: Movement(
        Posture(trunk_deg=0.0, knee_deg=2.0, shin_deg=1.0),
        Posture(trunk_deg=70.0, knee_deg=1.0, shin_deg=0.0),
    ),
    Pattern.DEADLIFT: Movement(
        STANDING, Posture(trunk_deg=55.0, knee_deg=75.0, shin_deg=22.0)
    ),
    Pattern.HIPS_RISE_FIRST: Movement(
        STANDING, Posture(trunk_deg=55.0, knee_deg=75.0, shin_deg=22.0), knee_first=0.45
    ),
    Pattern.ROUNDED_SPINE: Movement(
        STANDING, Posture(trunk_deg=65.0, knee_deg=18.0, shin_deg=7.0, bow=0.15)
    ),
}


class Occlusion(enum.Enum):
    """What an occlusion gap looks like in the track."""

    NO_PERSON = "no_person"  # the model found nobody: NaN landmarks, people 0
    HIDDEN = "hidden"  # landmarks present but every body point barely visible


@dataclass(frozen=True)
class RepTruth:
    """When a rep really happened: the movement's own start, deepest point and end.

    start is when the descent begins (the first frame for a pull from the floor),
    bottom the middle of the deepest hold, end when the lifter is back up.
    """

    start_s: float
    bottom_s: float
    end_s: float
    start_frame: int
    bottom_frame: int
    end_frame: int


@dataclass(frozen=True)
class HingeSet:
    """A synthetic set and its answers.

    Attributes:
        track: the pose track (what the analysis sees).
        reps: true timing of each rep.
        truth: measure name -> (N,) the true (noise-free) value per frame, NaN in
            occlusion gaps (MeasureSeries field names).
        movement: the rep shape used.
    """

    track: PoseTrack
    reps: tuple[RepTruth, ...]
    truth: dict[str, NDArray[np.float64]]
    movement: Movement
    meta: dict[str, object] = field(default_factory=dict)


def _ease(u: float) -> float:
    """Smooth 0 -> 1 (half cosine), clipped."""
    u = min(max(u, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * u)


def _chest_down_trunk(legs: Posture, shoulder_up: float) -> float:
    """Trunk incline that keeps the shoulder at `shoulder_up` above the ankle."""
    pts = _body_points(replace(legs, trunk_deg=0.0))
    hip_up = float(pts["hip"][0][1])
    c = min(max((shoulder_up - hip_up) / TRUNK, -1.0), 1.0)
    return math.degrees(math.acos(c))


@dataclass(frozen=True)
class _Segment:
    t0: float
    t1: float
    a: Posture
    b: Posture
    knee_first: float = 0.0

    def at(self, t: float) -> Posture:
        u = (t - self.t0) / (self.t1 - self.t0) if self.t1 > self.t0 else 1.0
        if self.knee_first <= 0:
            return lerp_posture(self.a, self.b, _ease(u))
        # Hips rise first: the knees straighten while the shoulders stay at their
        # bottom height (so the trunk tips further forward), then the trunk rises.
        k = self.knee_first
        shoulder_up = float(_body_points(self.a)["shoulder"][0][1])
        legs = lerp_posture(self.a, self.b, 0.0, _ease(u / k))
        if u <= k:
            return replace(legs, trunk_deg=_chest_down_trunk(legs, shoulder_up))
        tipped = _chest_down_trunk(legs, shoulder_up)
        s = _ease((u - k) / (1 - k))
        return replace(
            lerp_posture(self.a, self.b, s, 1.0),
            trunk_deg=tipped + s * (self.b.trunk_deg - tipped),
        )


def _walk_posture(t: float, cycle_s: float = 1.1) -> tuple[Posture, Posture]:
    """Near and far leg postures while walking (legs in anti-phase, trunk upright):
    the thigh swings +-20 deg and the knee bends to ~60 deg in the swing."""
    phase = 2 * math.pi * t / cycle_s

    def leg(ph: float) -> Posture:
        thigh = -20.0 * math.sin(ph)  # negative: knee ahead of the hip
        knee = 5.0 + 55.0 * max(0.0, math.sin(ph + 0.8)) ** 2
        return Posture(trunk_deg=3.0, knee_deg=knee, shin_deg=thigh + knee)

    return leg(phase), leg(phase + math.pi)


def _timestamps(duration_s: float, fps: float, vfr: float, seed: int) -> NDArray:
    if vfr <= 0:
        n = round(duration_s * fps) + 1
        return np.arange(n, dtype=np.float64) / fps
    rng = np.random.default_rng(seed + 1)
    steps = (1.0 / fps) * rng.uniform(
        1.0 - vfr, 1.0 + vfr, int(duration_s * fps * 2) + 10
    )
    t = np.concatenate([[0.0], np.cumsum(steps)])
    return t[t <= duration_s + 1e-9]


def hinge_set(
    reps: int = 3,
    fps: float = 30.0,
    *,
    pattern: Pattern | Movement = Pattern.HINGE,
    stand_s: float = 1.5,
    descent_s: float = 1.0,
    bottom_hold_s: float = 0.2,
    ascent_s: float = 1.0,
    top_hold_s: float = 0.8,
    end_s: float = 1.0,
    from_floor: bool = False,
    floor_hold_s: float = 0.6,
    walk_in_s: float = 0.0,
    view: View = View.SIDE,
    facing: int = 1,
    jitter_px: float = 0.0,
    gaps: Sequence[tuple[float, float]] = (),
    occlusion: Occlusion = Occlusion.NO_PERSON,
    vfr: float = 0.0,
    masks: bool = True,
    seed: int = 0,
    image_wh: tuple[int, int] = IMAGE_WH,
) -> HingeSet:
    """A set of reps seen by the camera, with its true timing and measures.

    The timeline is: walk in (optional), stand still `stand_s` (the calibration),
    then per rep descent, bottom hold, ascent and a top hold (`end_s` after the
    last rep). With `from_floor` the set starts at the bottom instead (a
    deadlift's first pull: `floor_hold_s` at the bottom, then the ascent is rep 1)
    and `stand_s` and `walk_in_s` are not used.

    Args:
        reps: number of reps.
        fps: mean frame rate; `vfr` > 0 makes each frame interval vary by up to
            that fraction (uniform, seeded).
        pattern: a preset or a custom Movement.
        view: camera view (SIDE, OBLIQUE or FRONT).
        facing: +1 the lifter faces +x in the image, -1 faces -x.
        jitter_px: standard deviation of Gaussian landmark noise in pixels.
        gaps: (start_s, end_s) stretches occluded as `occlusion` says.
        masks: give a back profile (flat, bulging by the posture's bow); else NaN.
        seed: seeds the jitter and the frame intervals.
        image_wh: frame size in pixels.
    """
    mv = MOVEMENTS[pattern] if isinstance(pattern, Pattern) else pattern
    top, bottom = mv.top, mv.bottom
    segs: list[_Segment] = []
    truths: list[tuple[float, float, float]] = []
    walk_from = 0.0
    t = 0.0
    if from_floor:
        segs.append(_Segment(t, t + floor_hold_s, bottom, bottom))
        t += floor_hold_s
        segs.append(_Segment(t, t + ascent_s, bottom, top, mv.knee_first))
        truths.append((0.0, 0.0, t + ascent_s))
        t += ascent_s
        segs.append(_Segment(t, t + top_hold_s, top, top))
        t += top_hold_s
        cycles = reps - 1
    else:
        walk_from = walk_in_s
        t = walk_in_s
        segs.append(_Segment(t, t + stand_s, top, top))
        t += stand_s
        cycles = reps
    for k in range(cycles):
        start = t
        segs.append(_Segment(t, t + descent_s, top, bottom))
        t += descent_s
        segs.append(_Segment(t, t + bottom_hold_s, bottom, bottom))
        bottom_t = t + bottom_hold_s / 2
        t += bottom_hold_s
        segs.append(_Segment(t, t + ascent_s, bottom, top, mv.knee_first))
        t += ascent_s
        truths.append((start, bottom_t, t))
        hold = end_s if k == cycles - 1 else top_hold_s
        segs.append(_Segment(t, t + hold, top, top))
        t += hold
    duration = t

    times = _timestamps(duration, fps, vfr, seed)
    n = times.size
    camera = Camera(facing=facing, yaw_deg=VIEW_YAW_DEG[view], image_wh=image_wh)
    rng = np.random.default_rng(seed)
    xy = np.empty((n, N_LANDMARKS, 2), np.float32)
    world = np.empty((n, N_LANDMARKS, 3), np.float32)
    vis = np.empty((n, N_LANDMARKS), np.float32)
    back = np.empty((n, BACK_PROFILE_SAMPLES), np.float32)
    people = np.ones(n, np.int16)
    truth = {name: np.empty(n) for name in Posture().measures()}
    set_x = camera.ankle_x
    start_x = set_x - facing * 0.3 * image_wh[1] / image_wh[0] * 1.5
    for i, ti in enumerate(times):
        far_leg = None
        ankle_x = set_x
        if ti < walk_from:
            posture, far_leg = _walk_posture(ti)
            ankle_x = start_x + (set_x - start_x) * ti / walk_from
        else:
            seg = next((s for s in segs if s.t0 <= ti <= s.t1), segs[-1])
            posture = seg.at(ti)
        xy[i], world[i], vis[i] = pose_arrays(
            posture, camera, ankle_x=ankle_x, far_leg=far_leg
        )
        back[i] = back_profile_of(posture.bow) if masks else np.nan
        for name, value in posture.measures().items():
            truth[name][i] = value
    if jitter_px > 0:
        noise = rng.normal(0.0, jitter_px, xy.shape) / np.array(image_wh)
        xy = (xy + noise).astype(np.float32)
    presence = np.full((n, N_LANDMARKS), 0.995, np.float32)
    for g0, g1 in gaps:
        sel = (times >= g0) & (times <= g1)
        if occlusion is Occlusion.NO_PERSON:
            xy[sel] = np.nan
            world[sel] = np.nan
            vis[sel] = np.nan
            presence[sel] = np.nan
            back[sel] = np.nan
            people[sel] = 0
        else:
            body = [int(lm) for role in _BODY_ROLES for lm in _ROLE_LANDMARKS[role]]
            vis[np.ix_(sel, body)] = 0.1
            back[sel] = np.nan
        for name in truth:
            truth[name][sel] = np.nan

    def frame_of(ts: float) -> int:
        return int(np.argmin(np.abs(times - ts)))

    rep_truths = tuple(
        RepTruth(s, b, e, frame_of(s), frame_of(b), frame_of(e)) for s, b, e in truths
    )
    meta = {"source": "synthetic", "fps": fps}
    track = PoseTrack(
        t_s=times,
        xy_norm=xy,
        world_m=world,
        visibility=vis,
        presence=presence,
        back_profile=back,
        people=people,
        image_wh=image_wh,
        meta=dict(meta),
    )
    return HingeSet(track=track, reps=rep_truths, truth=truth, movement=mv, meta=meta)


# -- helpers for the analysis and the rules ------------------------------------------


def poses_of(
    track: PoseTrack,
) -> Iterator[tuple[int, float, Pose | None, int, NDArray[np.float32]]]:
    """(index, t_s, pose or None, people, back_profile) per frame, as analyze_track
    feeds Analyzer.push."""
    for i in range(len(track)):
        pose = track.pose_at(i)
        yield i, float(track.t_s[i]), pose, int(track.people[i]), track.back_profile[i]


def rep_window(
    values: dict[str, Sequence[float]],
    fps: float = 30.0,
    view: View = View.SIDE,
    bottom: int | None = None,
) -> RepWindow:
    """A RepWindow from per-frame values; measures not given are NaN.

    `bottom` defaults to the frame of the largest hip flexion.
    """
    n = len(next(iter(values.values())))
    vals = {
        f: np.asarray(values.get(f, np.full(n, np.nan)), dtype=np.float64)
        for f in MeasureSeries.ANGLE_FIELDS
    }
    if bottom is None:
        bottom = int(np.nanargmax(vals["hip_flexion_deg"]))
    return RepWindow(
        t_s=np.arange(n) / fps,
        frames=np.arange(n, dtype=np.int64),
        views=(view,) * n,
        values=vals,
        bottom=bottom,
    )


def window_from_set(hs: HingeSet, rep: int = 0, view: View | None = None) -> RepWindow:
    """The unsmoothed measures of one true rep of a set, as a RepWindow.

    Args:
        hs: the set.
        rep: 0-based rep number.
        view: force every frame's view (e.g. FRONT); else the measured views.
    """
    truth = hs.reps[rep]
    m = compute_measures(hs.track)
    lo, hi = truth.start_frame, truth.end_frame + 1
    views = m.view[lo:hi] if view is None else (view,) * (hi - lo)
    return RepWindow(
        t_s=m.t_s[lo:hi],
        frames=np.arange(lo, hi, dtype=np.int64),
        views=tuple(views),
        values={
            f: np.asarray(getattr(m, f))[lo:hi] for f in MeasureSeries.ANGLE_FIELDS
        },
        bottom=truth.bottom_frame - lo,
    )


def back_mask(
    image_wh: tuple[int, int],
    hip_px: tuple[float, float],
    shoulder_px: tuple[float, float],
    facing: int,
    profile: NDArray[np.floating] | None = None,
    front_chords: float = 0.3,
) -> NDArray[np.float32]:
    """A person mask around a hip-shoulder chord whose back edge follows `profile`.

    Every pixel is classified by where it projects on the chord (t from hip 0 to
    shoulder 1) and its distance across it (towards the back positive, in chord
    lengths). The mask is 1 where t lies in [-0.1, 1.1] and the distance lies
    between -front_chords and the profile at t (linear between BACK_T samples).

    Args:
        image_wh: (width, height).
        hip_px, shoulder_px: chord ends in pixels (x right, y down).
        facing: +1 when the lifter faces +x.
        profile: (BACK_PROFILE_SAMPLES,) back distances; default a flat 0.1.
    """
    w, h = image_wh
    prof = (
        np.full(BACK_PROFILE_SAMPLES, 0.1) if profile is None else np.asarray(profile)
    )
    hp = np.asarray(hip_px, dtype=np.float64)
    chord = np.asarray(shoulder_px, dtype=np.float64) - hp
    length = float(np.hypot(*chord))
    u = chord / length
    normal = np.array([u[1], -u[0]]) * facing  # towards the back, as in geometry
    yy, xx = np.mgrid[0:h, 0:w]
    rel = np.stack([xx - hp[0], yy - hp[1]], axis=-1)
    t = rel @ u / length
    d = rel @ normal / length
    edge = np.interp(t, BACK_T, prof)
    inside = (t >= -0.1) & (t <= 1.1) & (d >= -front_chords) & (d <= edge)
    return inside.astype(np.float32)


def push_each_frame(track: PoseTrack, exercise: Exercise, th: Thresholds) -> Analyzer:
    """An analyzer fed the track's frames one at a time (the path live and
    analyze take), finished."""
    analyzer = Analyzer(exercise, th, track.image_wh)
    for i in range(len(track)):
        analyzer.push(
            i,
            float(track.t_s[i]),
            track.pose_at(i),
            int(track.people[i]),
            track.back_profile[i],
        )
    analyzer.finish()
    return analyzer
