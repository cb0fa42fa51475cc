"""`hingecam eval DIR`: analyze every clip of DIR/MANIFEST.tsv through the driver
(or from cached pose tracks) and print the scores (see eval_score)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hingecam.errors import HingecamError

if TYPE_CHECKING:
    from hingecam.app.eval_score import ClipScore
    from hingecam.core.datatypes import AnalysisResult, Exercise
    from hingecam.core.thresholds import Thresholds


def analyze_clip(
    clip: Path,
    exercise: Exercise,
    thresholds: Thresholds,
    model: Path | None,
    cache: Path | None,
    *,
    live: bool = False,
) -> AnalysisResult:
    """Analyze one clip, from a cached pose track when there is one (the cache
    gets the track of a clip analyzed from its video).

    With `live`, the clip's pose track is judged as `hingecam live` judges a
    camera (causal filtering, its calibration; core/mode.py LIVE) with every
    frame analyzed: what live practice says when it keeps up.
    """
    from hingecam.app.driver import Driver
    from hingecam.core.mode import LIVE, RECORDED
    from hingecam.media.tracks import load_track, save_track

    mode = LIVE if live else RECORDED
    cached = cache / (clip.stem + ".npz") if cache is not None else None
    if cached is not None and cached.is_file():
        track = load_track(cached)
    else:
        from hingecam.app.pipeline import analyze_video
        from hingecam.media.models import resolve_model

        run = analyze_video(
            clip,
            exercise=exercise,
            thresholds=thresholds,
            model_path=resolve_model(model),
        )
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            save_track(run.track, cached)
        if not live:
            return run.result
        track, cached = run.track, None
    driver = Driver(exercise, thresholds, track.image_wh, mode=mode)
    driver.replay(track, cached)
    return driver.finish(thumbnails=False).result


def evaluate(
    folder: Path,
    *,
    requested: Exercise | None,
    toml_path: Path | None = None,
    sets: list[str] | None = None,
    model: Path | None = None,
    cache: Path | None = None,
    only: Sequence[str] = (),
    live: bool = False,
) -> tuple[list[ClipScore], dict[str, Any]]:
    """Score every clip of folder/MANIFEST.tsv; returns per-clip scores and totals
    (`live`: judged as live practice judges, see analyze_clip)."""
    from hingecam.app.eval_score import (
        ClipScore,
        amber_found,
        exercise_for,
        extra_cues,
        faults_found,
        read_manifest,
        score,
    )
    from hingecam.core.thresholds import load_thresholds

    labels = read_manifest(folder)
    if only:
        labels = [lab for lab in labels if any(s in lab.file for s in only)]
    scores: list[ClipScore] = []
    for label in labels:
        exercise = exercise_for(label, requested)
        thresholds = load_thresholds(exercise, toml_path, sets)
        try:
            result = analyze_clip(
                Path(folder) / label.file,
                exercise,
                thresholds,
                model,
                cache,
                live=live,
            )
        except HingecamError as exc:
            scores.append(ClipScore(label, exercise, None, error=str(exc)))
            continue
        scores.append(
            ClipScore(
                label,
                exercise,
                result,
                per_rep=[faults_found(r) for r in result.reps],
                extras=[extra_cues(r) for r in result.reps],
                amber=[amber_found(r) for r in result.reps],
            )
        )
    return scores, score(scores)
