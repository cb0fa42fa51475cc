"""`hingecam analyze`: videos or pose tracks in, one report folder per input out."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import threading
from pathlib import Path

from hingecam.core.datatypes import (
    AnalysisResult,
    Exercise,
    Severity,
    VerdictKind,
    View,
)
from hingecam.core.thresholds import Thresholds, load_thresholds
from hingecam.errors import HingecamError
from hingecam.media.tracks import is_track_file, load_track, save_track

log = logging.getLogger(__name__)

ANNOTATED_NAME = "annotated.mp4"
TRACK_NAME = "pose_track.npz"


def output_dir(out: Path, source: Path, taken: set[Path]) -> Path:
    """out/<stem>, with a numeric suffix when two inputs share a stem. A track
    written by an earlier run (<folder>/pose_track.npz) is named by its folder."""
    stem = (
        source.parent.name
        if source.name == TRACK_NAME and source.parent.name
        else source.stem
    )
    base = out / stem
    candidate, n = base, 2
    while candidate in taken:
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    taken.add(candidate)
    return candidate


def summary_line(result: AnalysisResult, folder: Path) -> str:
    """One line per input: reps, faults, where the report is."""

    reps = result.reps
    counts: dict[str, int] = {}
    for rep in reps:
        for check in rep.verdict.flags:
            if check.severity is not Severity.NOTE:
                label = check.fault.label
                counts[label] = counts.get(label, 0) + 1
    faults = ", ".join(
        f"{label} x{n}" for label, n in sorted(counts.items(), key=lambda kv: -kv[1])
    )
    judged = f"faults: {faults}" if faults else "no faults flagged"
    if (
        not faults
        and reps
        and all(r.verdict.kind is VerdictKind.NOT_JUDGED for r in reps)
    ):
        if result.view is View.SIDE:
            judged = "form not judged (see the notes in the report)"
        else:
            judged = f"form not judged from {result.view.phrase} (film from the side)"
    if not reps:
        # The note that explains the missing reps, not a side remark.
        about = [n for n in result.notes if n.startswith("no ") or "too short" in n]
        judged = (about or list(result.notes) or ["no complete rep found"])[0]
    return f"{result.video.name}: {len(reps)} rep{'s' if len(reps) != 1 else ''}, {judged} -> {folder / 'report.html'}"


def analyze_one(
    source: Path,
    folder: Path,
    *,
    exercise: Exercise,
    thresholds: Thresholds,
    model: Path | None,
    write_video: bool,
    show_progress: bool,
    stop: threading.Event,
) -> tuple[AnalysisResult, bool]:
    """Analyze one input into `folder`; returns the result and whether it was interrupted."""
    from hingecam.report.write import write_outputs

    if is_track_file(source):
        from hingecam.app.pipeline import stick_thumbnails
        from hingecam.core.analysis import analyze_track

        track = load_track(source)
        result = analyze_track(track, exercise, thresholds)
        result = dataclasses.replace(
            result,
            thumbnails=stick_thumbnails(result, track, thresholds.min_visibility),
        )
        folder.mkdir(parents=True, exist_ok=True)
        write_outputs(result, folder)
        if source.resolve() != (folder / TRACK_NAME).resolve():
            save_track(track, folder / TRACK_NAME)
        return result, False

    from hingecam.app.pipeline import analyze_video
    from hingecam.media.models import resolve_model
    from hingecam.media.video import open_video

    model_path = resolve_model(model)
    with open_video(source) as probe:  # fail fast, before creating any folder
        info = probe.info
    folder.mkdir(parents=True, exist_ok=True)
    bar = None
    if show_progress:
        from tqdm import tqdm

        estimate = round(info.duration_s * info.fps) if info.fps else None
        bar = tqdm(
            total=estimate or None,
            desc=source.name,
            unit="frame",
            dynamic_ncols=True,
            leave=False,
        )
    try:
        run = analyze_video(
            source,
            exercise=exercise,
            thresholds=thresholds,
            model_path=model_path,
            annotated_path=folder / ANNOTATED_NAME if write_video else None,
            progress=(lambda done, t: bar.update(1)) if bar is not None else None,
            stop=stop,
        )
    finally:
        if bar is not None:
            bar.close()
    save_track(run.track, folder / TRACK_NAME)
    write_outputs(run.result, folder)
    return run.result, run.interrupted


def run_cli(args: argparse.Namespace) -> int:
    """Analyze every input; one summary line each; non-zero if any failed."""
    exercise = Exercise(args.exercise)
    thresholds = load_thresholds(exercise, args.thresholds, args.set)
    out: Path = args.out
    taken: set[Path] = set()
    stop = threading.Event()
    failures = 0
    show_progress = sys.stderr.isatty() and not os.environ.get("CI")
    for source in args.inputs:
        folder = output_dir(out, source, taken)
        try:
            result, interrupted = analyze_one(
                source,
                folder,
                exercise=exercise,
                thresholds=thresholds,
                model=args.model,
                write_video=not args.no_video,
                show_progress=show_progress,
                stop=stop,
            )
        except HingecamError as exc:
            print(f"hingecam: error: {exc}", file=sys.stderr)
            failures += 1
            continue
        print(summary_line(result, folder), flush=True)
        if interrupted:
            print(
                "hingecam: interrupted; the results so far are saved", file=sys.stderr
            )
            return 130
    return 2 if failures else 0
