"""Compare `hingecam live` in real time with `hingecam analyze` on every clip.

For each clip in MANIFEST.tsv: `hingecam live --source CLIP --no-window` (the
clip paced at its own rate, as a camera would deliver it, with the live default
settings) in a fresh process, and the recorded analysis of the clip's full-rate
pose track (cached, e.g. `hingecam eval --tracks`'s). Prints each clip's rep
counts and per-rep flagged faults both ways, then how many clips count the same
and how many reps get the same verdict. `hingecam eval --live` answers the same
question deterministically with every frame analyzed; this adds what real time
costs (frames the model has no time for, the one-person model between checks).

    python scripts/compare_live.py [CLIPS] [--tracks DIR] [--only SUBSTR ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLIPS = REPO.parent / "shared" / "clips"


def live_faults(clip: Path, exercise: str, out: Path) -> list[tuple[str, ...]]:
    """Per rep, the main faults `hingecam live` flagged on the clip in real time."""
    from hingecam.core.faults import MAIN_FAULTS

    names = {f.value for f in MAIN_FAULTS}
    cmd = [sys.executable, "-m", "hingecam", "live", "--source", str(clip)]
    cmd += ["--no-window", "--exercise", exercise, "--out", str(out)]
    subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
    report = json.loads(next(out.glob("*/report.json")).read_text("utf-8"))
    return [
        tuple(
            c["fault"]
            for c in rep["checks"]
            if c["outcome"] == "flagged" and c["fault"] in names
        )
        for rep in report["reps"]
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clips", nargs="?", type=Path, default=CLIPS)
    parser.add_argument("--tracks", type=Path, default=None, help="pose track cache")
    parser.add_argument("--only", nargs="*", default=[], help="clip name substrings")
    args = parser.parse_args()

    from hingecam.app.eval_score import exercise_for, faults_found, read_manifest
    from hingecam.app.evaluate import analyze_clip
    from hingecam.core.thresholds import load_thresholds

    labels = read_manifest(args.clips)
    if args.only:
        labels = [lab for lab in labels if any(s in lab.file for s in args.only)]
    same_count = same_reps = reps = 0
    w = max(len(lab.file) for lab in labels)
    print(f"{'clip':<{w}}  reps live/analyze  flagged per rep: live | analyze")
    with tempfile.TemporaryDirectory() as tmp:
        for k, label in enumerate(labels):
            exercise = exercise_for(label, None)
            thresholds = load_thresholds(exercise)
            clip = args.clips / label.file
            recorded = analyze_clip(clip, exercise, thresholds, None, args.tracks)
            offline = [faults_found(r) for r in recorded.reps]
            live = live_faults(clip, exercise.value, Path(tmp) / str(k))
            same_count += len(live) == len(offline)
            if len(live) == len(offline):
                reps += len(live)
                same_reps += sum(
                    set(a) == set(b) for a, b in zip(live, offline, strict=True)
                )

            def shown(per_rep: list[tuple[str, ...]]) -> str:
                return " ".join("+".join(f) or "-" for f in per_rep) or "(no reps)"

            mark = "same" if live == offline else "DIFFERENT"
            print(
                f"{label.file:<{w}}  {len(live):>4}/{len(offline):<4}  "
                f"{shown(live)} | {shown(offline)}  {mark}",
                flush=True,
            )
    print(
        f"{same_count} of {len(labels)} clips counted alike; "
        f"{same_reps} of {reps} reps of those judged alike"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
