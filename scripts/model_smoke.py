"""Load a PoseLandmarker .task with mediapipe and run it on frames of a real clip.

Usage: python scripts/model_smoke.py [MODEL.task] [CLIP.mp4] [--frames N]
Defaults: the model hingecam resolves and ../shared/clips/kbdl_side_correct_tby.mp4.
Prints, per frame, the number of poses, landmarks and the mask shape; exits 1 if
no pose is found in any frame.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import mediapipe as mp
from mediapipe.tasks.python import BaseOptions
from mediapipe.tasks.python.vision import (
    PoseLandmarker,
    PoseLandmarkerOptions,
    RunningMode,
)

from hingecam.media.models import resolve_model

DEFAULT_CLIP = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "clips"
    / "kbdl_side_correct_tby.mp4"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path, nargs="?", default=None)
    parser.add_argument("clip", type=Path, nargs="?", default=DEFAULT_CLIP)
    parser.add_argument("--frames", type=int, default=5)
    args = parser.parse_args()
    model = resolve_model(args.model)
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=RunningMode.VIDEO,
        output_segmentation_masks=True,
    )
    cap = cv2.VideoCapture(str(args.clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    found = 0
    with PoseLandmarker.create_from_options(options) as landmarker:
        for index in range(args.frames):
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            result = landmarker.detect_for_video(image, int(index * 1000 / fps))
            masks = result.segmentation_masks or []
            shape = masks[0].numpy_view().shape if masks else None
            n_landmarks = len(result.pose_landmarks[0]) if result.pose_landmarks else 0
            print(
                f"frame {index}: poses={len(result.pose_landmarks)} "
                f"landmarks={n_landmarks} mask={shape}"
            )
            found += bool(result.pose_landmarks)
    cap.release()
    print(f"{model}: pose found in {found} of {args.frames} frames")
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
