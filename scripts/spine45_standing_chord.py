"""Study for issue 18 (item 5): read the back's mask outline at 45 deg and from
the front with the search window and the unit scaled to the lifter's standing
torso, not to the frame's own foreshortened shoulder-hip chord.

For each off-side clip it re-infers the person mask (PoseLandmarker, VIDEO mode,
one pose, masks), measures the back profile along the cached track's near-side
shoulder-hip chord (the same walk as hingecam.core.geometry.back_profile) with
`back_search_chords` times the standing chord as the window and the standing
chord as the unit, and writes a copy of the cached track with that profile. The
other clips are linked unchanged. `../shared/tools/spine45.py --tracks OUT` then
prints the lifter-independence test of ../shared/VIEWS.md on it (its mask_bow,
mask_bow_abs and mask_off rows are the standing-chord readings).

    python scripts/spine45_standing_chord.py --tracks CACHE --out OUT
    python ../shared/tools/spine45.py --tracks OUT --runs OUT-runs --out OUT-s45

CACHE is a folder of pose tracks as `hingecam eval ../shared/clips --tracks
CACHE` records them. Standing frames: 3D hip flexion within 10 deg of the
clip's 5th percentile (spine45.py's rule).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.core.analysis import Analyzer
from hingecam.core.datatypes import Exercise, Side
from hingecam.core.geometry import BACK_T
from hingecam.core.landmarks import SIDE_POINTS
from hingecam.core.thresholds import Thresholds
from hingecam.media.models import resolve_model
from hingecam.media.tracks import load_track

REPO = Path(__file__).resolve().parents[1]
CLIPS = REPO.parent / "shared" / "clips"
OFF_SIDE = (
    "kbdl_45deg_roundedback_tby deadlift_45deg_rounded_bad11_bx "
    "kbdl_45deg_correct_tby kbdl_45deg_squatpattern_tby kbdl_45deg_hipfirst_tby "
    "kbdl_45deg_a_tby good_morning_45deg_good_fbb_vk dbdeadlift_45deg_good_fbb_vk "
    "deadlift_45deg_mw rdl_45deg_mw kbswing_45deg_mw kbswing_russian_45deg_kbt "
    "deadlift_dowel_mixed_kbt deadlift_front_good_mw_jc goodmorning_dowel_front_kbt "
    "dbswing_front_american_vk"
).split()
TH = Thresholds()


def profile(
    mask: NDArray[np.float32],
    shoulder: NDArray[np.float64],
    hip: NDArray[np.float64],
    facing: float,
    unit_px: float,
) -> NDArray[np.float32]:
    """geometry.back_profile's walk, with the window and unit `unit_px`."""
    out = np.full(BACK_T.size, np.nan, dtype=np.float32)
    chord = shoulder - hip
    length = float(np.hypot(*chord))
    if not np.isfinite(length) or length < 1.0 or unit_px < TH.back_min_chord_px:
        return out
    u = chord / length
    normal = np.array([u[1], -u[0]]) * facing
    steps = np.arange(0.0, TH.back_search_chords * unit_px, 1.0)
    base = hip[None, :] + BACK_T[:, None] * chord[None, :]
    pts = base[:, None, :] + steps[None, :, None] * normal[None, None, :]
    h, w = mask.shape
    xi = np.rint(pts[..., 0]).astype(np.int64)
    yi = np.rint(pts[..., 1]).astype(np.int64)
    inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    on = np.zeros(xi.shape, dtype=bool)
    on[inside] = mask[yi[inside], xi[inside]] >= TH.back_mask_min_prob
    for k in range(BACK_T.size):
        off = np.flatnonzero(~on[k])
        if on[k, 0] and off.size:
            out[k] = steps[off[0]] / unit_px
    return out


def standing_chord(
    xy: NDArray[np.float64], hip3d: NDArray[np.float64], sides: list[Side | None]
) -> float:
    """Median near-side 2D shoulder-hip distance (px) over the standing frames."""
    stand = hip3d <= np.nanpercentile(hip3d, 5) + 10.0
    lengths = []
    for i in np.flatnonzero(stand):
        side = sides[i]
        if side is not None:
            pts = SIDE_POINTS[side]
            lengths.append(
                float(np.hypot(*(xy[i, pts["shoulder"]] - xy[i, pts["hip"]])))
            )
    return float(np.median(lengths))


def restudy(clip: str, cache: Path, out: Path, model: Path) -> str:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    track = load_track(cache / f"{clip}.npz")
    frames = Analyzer.offline(Exercise.AUTO, TH, track.image_wh).replay(track)
    xy = track.xy_norm.astype(np.float64) * np.array(track.image_wh, np.float64)
    hip3d = np.array([f.measures.hip_flexion_3d_deg for f in frames])
    sides = [f.side for f in frames]
    unit = standing_chord(xy, hip3d, sides)
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
        output_segmentation_masks=True,
    )
    back = np.full_like(track.back_profile, np.nan)
    capture = cv2.VideoCapture(str(CLIPS / f"{clip}.mp4"))
    last_ms = -1
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        for i, frame in enumerate(frames):
            ok, bgr = capture.read()
            if not ok:
                break
            last_ms = max(last_ms + 1, round(float(track.t_s[i]) * 1000))
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            result = landmarker.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), last_ms
            )
            if not result.segmentation_masks or frame.side is None:
                continue
            pts = SIDE_POINTS[frame.side]
            view = result.segmentation_masks[0].numpy_view()
            mask = view.reshape(view.shape[0], view.shape[1])
            sign = -1.0 if frame.facing < 0 else 1.0
            back[i] = profile(
                mask, xy[i, pts["shoulder"]], xy[i, pts["hip"]], sign, unit
            )
    capture.release()
    arrays = dict(np.load(cache / f"{clip}.npz"))
    arrays["back_profile"] = back.astype(np.float32)
    np.savez(out / f"{clip}.npz", **arrays)
    seen_before = int(np.isfinite(track.back_profile).any(axis=1).sum())
    seen_now = int(np.isfinite(back).any(axis=1).sum())
    return (
        f"{clip}: standing chord {unit:.0f} px, outline in {seen_before} -> "
        f"{seen_now} of {len(frames)} frames"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=Path, required=True, help="cached pose tracks")
    ap.add_argument("--out", type=Path, required=True, help="folder for the new tracks")
    ap.add_argument("--model", type=Path, default=None, help="a .task model file")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for cached in sorted(args.tracks.glob("*.npz")):
        link = args.out / cached.name
        if cached.stem not in OFF_SIDE and not link.exists():
            link.symlink_to(cached.resolve())
    model = resolve_model(args.model)
    for clip in OFF_SIDE:
        print(restudy(clip, args.tracks, args.out, model), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
