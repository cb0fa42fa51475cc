"""Render hingecam's overlays on real frames and write PNGs to /tmp/overlay_*.png.

Reads one frame from clips in ../shared/clips, builds a plausible FrameAnalysis (a
Pose from models/pose_landmarker_full.task when it exists, else hand-placed
landmarks), draws every overlay, and times FrameAnnotator.draw on a 720p frame.
The frames themselves are never written anywhere but /tmp.

    python scripts/render_overlay_demo.py [--clips DIR] [--out-dir /tmp]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import cv2
import numpy as np

from hingecam.core.datatypes import (
    Check,
    FrameAnalysis,
    Outcome,
    Phase,
    Rep,
    Severity,
    Side,
    View,
)
from hingecam.core.faults import Fault
from hingecam.core.landmarks import Landmark as L
from hingecam.core.landmarks import near_side
from hingecam.core.measures import Measures
from hingecam.core.poses import N_LANDMARKS, Pose
from hingecam.render.annotator import FrameAnnotator
from hingecam.render.stickfigure import draw_stick_figure

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "pose_landmarker_full.task"

# Hand-placed pixel positions of the near (left) side, read off each frame;
# the lifters face image-left, so the camera sees their left side.
HAND_PLACED: dict[str, dict[L, tuple[float, float]]] = {
    "kbdl_side_correct_tby.mp4": {
        L.NOSE: (120, 362),
        L.LEFT_EYE: (126, 352),
        L.LEFT_EAR: (137, 356),
        L.LEFT_SHOULDER: (166, 373),
        L.LEFT_ELBOW: (161, 433),
        L.LEFT_WRIST: (161, 481),
        L.LEFT_HIP: (236, 421),
        L.LEFT_KNEE: (167, 461),
        L.LEFT_ANKLE: (201, 522),
        L.LEFT_HEEL: (211, 531),
        L.LEFT_FOOT_INDEX: (168, 538),
    },
    "deadlift_side_good_mat01.mp4": {
        L.NOSE: (686, 492),
        L.LEFT_EYE: (706, 476),
        L.LEFT_EAR: (730, 480),
        L.LEFT_SHOULDER: (770, 500),
        L.LEFT_ELBOW: (786, 584),
        L.LEFT_WRIST: (802, 648),
        L.LEFT_HIP: (962, 564),
        L.LEFT_KNEE: (890, 640),
        L.LEFT_ANKLE: (890, 800),
        L.LEFT_HEEL: (905, 812),
        L.LEFT_FOOT_INDEX: (850, 816),
    },
}


def read_frame(path: Path, index: int) -> np.ndarray:
    cap = cv2.VideoCapture(str(path))
    try:
        cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, image = cap.read()
    finally:
        cap.release()
    if not ok:
        raise SystemExit(f"cannot read frame {index} of {path}")
    return image


def pose_from_model(image: np.ndarray) -> Pose | None:
    """One IMAGE-mode inference with the full model, or None without a model."""
    if not MODEL.exists():
        return None
    import mediapipe as mp  # only in this demo script; hingecam uses pose.py
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(MODEL)),
        running_mode=vision.RunningMode.IMAGE,
    )
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
    if not result.pose_landmarks:
        return None
    lms = result.pose_landmarks[0]
    h, w = image.shape[:2]
    return Pose(
        t_s=0.0,
        xy_norm=np.array([[p.x, p.y] for p in lms], dtype=np.float32),
        image_wh=(w, h),
        world_m=np.zeros((N_LANDMARKS, 3), dtype=np.float32),
        visibility=np.array([p.visibility for p in lms], dtype=np.float32),
        presence=np.array([p.presence for p in lms], dtype=np.float32),
    )


def pose_by_hand(clip: str, image: np.ndarray) -> Pose:
    """Near side from HAND_PLACED; the far side a few pixels behind, less visible."""
    h, w = image.shape[:2]
    xy = np.full((N_LANDMARKS, 2), np.nan, dtype=np.float32)
    vis = np.zeros(N_LANDMARKS, dtype=np.float32)
    shift = np.array([0.012 * w, -0.004 * h])  # far side: slightly behind
    for lm, (x, y) in HAND_PLACED[clip].items():
        xy[lm] = (x, y)
        vis[lm] = 0.95
        if lm.name.startswith("LEFT_"):
            far = L[lm.name.replace("LEFT_", "RIGHT_")]
            xy[far] = np.array([x, y]) + shift
            vis[far] = 0.3 if far in (L.RIGHT_ELBOW, L.RIGHT_WRIST) else 0.7
    xy /= np.array([w, h], dtype=np.float32)
    return Pose(
        t_s=0.0,
        xy_norm=xy,
        image_wh=(w, h),
        world_m=np.zeros((N_LANDMARKS, 3), dtype=np.float32),
        visibility=vis,
        presence=vis.copy(),
    )


def angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Flexion at b: 180 minus the angle between b->a and b->c, degrees."""
    u, v = a - b, c - b
    cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return 180.0 - math.degrees(math.acos(np.clip(cos, -1.0, 1.0)))


def measures_of(pose: Pose, side: Side) -> dict[str, float]:
    """Rough demo measures from the pixels (geometry.py owns the real ones)."""
    p = pose.xy_px.astype(np.float64)
    k = "LEFT_" if side is Side.LEFT else "RIGHT_"
    sh, hip, knee, ank = (p[L[k + n]] for n in ("SHOULDER", "HIP", "KNEE", "ANKLE"))
    trunk = sh - hip
    return {
        "hip_flexion_deg": angle_at(sh, hip, knee),
        "knee_flexion_deg": angle_at(hip, knee, ank),
        "trunk_incline_deg": math.degrees(math.atan2(abs(trunk[0]), -trunk[1])),
    }


def make_rep(index: int, faults: tuple[tuple[Fault, Severity], ...]) -> Rep:
    checks = tuple(
        Check(f, Outcome.FLAGGED, 30.0, 20.0, "deg", 1.0, 30, sev, "", "")
        for f, sev in faults
    )
    return Rep(index, 0.0, 1.0, 2.0, 0, 30, 60, 1.0, 1.0, View.SIDE, {}, checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=ROOT.parent / "shared" / "clips")
    parser.add_argument("--out-dir", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    out: Path = args.out_dir

    scenes = [
        # clip, frame, phase, cue, severity, reps, last rep faults, tag
        ("kbdl_side_correct_tby.mp4", 280, Phase.BOTTOM, None, Severity.NOTE, 2, (),
         "kb_bottom"),
        ("kbdl_side_correct_tby.mp4", 280, Phase.BOTTOM,
         "Flat back: chest up, push your hips back", Severity.FAULT, 3,
         ((Fault.ROUNDED_SPINE, Severity.FAULT), (Fault.LOCKED_KNEES, Severity.WARNING)),
         "kb_fault"),
        ("deadlift_side_good_mat01.mp4", 24, Phase.DESCENT,
         "Soften your knees a little", Severity.WARNING, 1, (), "dl_1080p"),
    ]  # fmt: skip
    annotator = FrameAnnotator(debug=True)
    annotator.set_stats(29.7, 48.0)
    for clip, index, phase, cue, severity, reps, faults, tag in scenes:
        image = read_frame(args.clips / clip, index)
        pose = pose_from_model(image) or pose_by_hand(clip, image)
        side = near_side(pose.visibility)
        analysis = FrameAnalysis(
            frame_index=index,
            t_s=index / 30.0,
            pose=pose,
            measures=Measures(**measures_of(pose, side)),
            side=side,
            view=View.SIDE,
            phase=phase,
            rep_count=reps,
            cue=cue,
            cue_severity=severity,
            last_rep=make_rep(reps, faults) if reps else None,
        )
        annotator.draw(image, analysis)
        cv2.imwrite(str(out / f"overlay_{tag}.png"), image)

    # Setup: no person found yet, camera guidance shown.
    image = read_frame(args.clips / "kbdl_side_correct_tby.mp4", 0)
    hint = FrameAnalysis(0, 0.0, None, Measures(), None, View.UNKNOWN, Phase.SETUP, 0,
                         setup_hint="Turn sideways to the camera, whole body in view")  # fmt: skip
    annotator.draw(image, hint)
    cv2.imwrite(str(out / "overlay_setup_hint.png"), image)

    # Setup on a landscape clip: a person found, the view not yet usable.
    image = read_frame(args.clips / "deadlift_side_good_mat01.mp4", 90)
    pose = pose_from_model(image) or pose_by_hand("deadlift_side_good_mat01.mp4", image)
    side = near_side(pose.visibility)
    hint = FrameAnalysis(
        90, 3.0, pose, Measures(**measures_of(pose, side)), side, View.OBLIQUE, Phase.SETUP, 0,
        setup_hint="Move the camera closer: you fill a quarter of the frame",
    )  # fmt: skip
    annotator.draw(image, hint)
    cv2.imwrite(str(out / "overlay_setup_landscape.png"), image)

    # A cue far too long for one line must wrap and stay inside the frame.
    image = read_frame(args.clips / "kbdl_side_correct_tby.mp4", 360)
    pose = pose_from_model(image) or pose_by_hand("kbdl_side_correct_tby.mp4", image)
    side = near_side(pose.visibility)
    long_cue = FrameAnalysis(
        360, 6.0, pose, Measures(**measures_of(pose, side)), side, View.SIDE,
        Phase.ASCENT, 4, cue="Drive your hips forward and squeeze your glutes at the "
        "top, keep the bell close to your legs and your back flat all the way up",
        cue_severity=Severity.NOTE, last_rep=make_rep(4, ()),
    )  # fmt: skip
    annotator.draw(image, long_cue)
    cv2.imwrite(str(out / "overlay_long_cue.png"), image)

    # Report thumbnail from the pose alone (the bottom of a rep).
    image = read_frame(args.clips / "kbdl_side_correct_tby.mp4", 280)
    pose = pose_from_model(image) or pose_by_hand("kbdl_side_correct_tby.mp4", image)
    side = near_side(pose.visibility)
    thumb_wh = (round(pose.image_wh[0] * 360 / pose.image_wh[1]), 360)  # as pipeline
    thumb = draw_stick_figure(
        pose.xy_norm, pose.visibility, thumb_wh, side,
        source_wh=pose.image_wh, measures=measures_of(pose, side),
    )  # fmt: skip
    cv2.imwrite(str(out / "overlay_thumbnail.png"), thumb)

    # Cost per frame on 720p, every element on.
    full = read_frame(args.clips / "deadlift_side_good_mat01.mp4", 24)
    pose = pose_from_model(full) or pose_by_hand("deadlift_side_good_mat01.mp4", full)
    frame = cv2.resize(full, (1280, 720), interpolation=cv2.INTER_AREA)
    side = near_side(pose.visibility)
    analysis = FrameAnalysis(
        24, 0.8, pose, Measures(**measures_of(pose, side)), side, View.SIDE,
        Phase.DESCENT, 3, cue="Soften your knees a little", cue_severity=Severity.WARNING,
        setup_hint=None, last_rep=make_rep(3, ((Fault.ROUNDED_SPINE, Severity.FAULT),)),
    )  # fmt: skip
    cv2.imwrite(str(out / "overlay_720p.png"), annotator.draw(frame.copy(), analysis))
    copies = [frame.copy() for _ in range(300)]
    times_ms = []
    for img in copies:
        t0 = time.perf_counter()
        annotator.draw(img, analysis)
        times_ms.append((time.perf_counter() - t0) * 1000)
    median, p90 = np.median(times_ms), np.percentile(times_ms, 90)
    source = "model" if MODEL.exists() else "hand-placed landmarks"
    print(
        f"pose from {source}; FrameAnnotator.draw on 1280x720, all elements: "
        f"median {median:.2f} ms/frame, p90 {p90:.2f} ms"
    )
    for p in sorted(out.glob("overlay_*.png")):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
