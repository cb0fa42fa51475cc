"""What most open-source form checkers do with a video, as a baseline for
scripts/bench_peers.py: OpenCV decodes, the legacy `mp.solutions.pose`
(mediapipe 0.10.21, model_complexity=1, the full model) finds one person per
frame, joint angles are computed, the skeleton and the angles are drawn, and
an mp4v video is written. Runs in the peer virtual environment that
bench_peers.py creates (mediapipe 0.10.21 brings its own OpenCV).

    PEER_PYTHON scripts/peer_pipeline.py VIDEO OUT.mp4

Prints one JSON line: frames, wall seconds, frames with a person.
"""

from __future__ import annotations

import json
import math
import sys
import time


def angle(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> float:
    """The angle at b (degrees) between b->a and b->c."""
    ang = math.degrees(
        math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(a[1] - b[1], a[0] - b[0])
    )
    ang = abs(ang)
    return 360.0 - ang if ang > 180.0 else ang


def main() -> int:
    import cv2
    import mediapipe as mp

    video, out_path = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    pose_api = mp.solutions.pose
    drawing = mp.solutions.drawing_utils
    cap = cv2.VideoCapture(video)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    writer = cv2.VideoWriter(
        out_path, cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height)
    )
    frames = seen = 0
    lm = pose_api.PoseLandmark
    with pose_api.Pose(model_complexity=1, min_detection_confidence=0.5,
                       min_tracking_confidence=0.5) as pose:  # fmt: skip
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            frames += 1
            result = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            if result.pose_landmarks:
                seen += 1
                p = result.pose_landmarks.landmark

                def xy(i: int) -> tuple[float, float]:
                    return (p[i].x * width, p[i].y * height)  # noqa: B023

                hip = angle(xy(lm.LEFT_SHOULDER), xy(lm.LEFT_HIP), xy(lm.LEFT_KNEE))
                knee = angle(xy(lm.LEFT_HIP), xy(lm.LEFT_KNEE), xy(lm.LEFT_ANKLE))
                sx, sy = xy(lm.LEFT_SHOULDER)
                hx, hy = xy(lm.LEFT_HIP)
                trunk = math.degrees(math.atan2(abs(sx - hx), abs(hy - sy)))
                drawing.draw_landmarks(
                    frame, result.pose_landmarks, pose_api.POSE_CONNECTIONS
                )
                for row, (name, value) in enumerate(
                    (("hip", hip), ("knee", knee), ("trunk", trunk))
                ):
                    cv2.putText(frame, f"{name} {value:.0f}", (20, 40 + 30 * row),
                                cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)  # fmt: skip
            writer.write(frame)
    cap.release()
    writer.release()
    wall = time.perf_counter() - start
    print(json.dumps({"frames": frames, "wall_s": wall, "seen": seen}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
