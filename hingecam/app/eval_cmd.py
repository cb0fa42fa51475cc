"""`hingecam eval DIR`: score the analysis against a labelled folder of clips
(app/evaluate.py), print the tables, and write --json if asked."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from hingecam.app.options import ProfileOptions

LABELLED = "labelled"
"""--exercise labelled: each clip judged with its own labelled exercise."""


@dataclass(frozen=True, slots=True)
class EvalOptions:
    """`hingecam eval`'s arguments (see `hingecam eval --help`); the profile's
    exercise "labelled" (or None): each clip's own."""

    folder: Path
    profile: ProfileOptions = field(default_factory=ProfileOptions)
    model: Path | None = None
    json_path: Path | None = None  # --json FILE
    tracks: Path | None = None
    only: tuple[str, ...] = ()
    live: bool = False


def run_cli(options: EvalOptions) -> int:
    """Score the folder, print the table, and write --json if asked."""
    from hingecam.app.eval_score import print_table
    from hingecam.app.eval_views import print_views, score_agreement, score_views
    from hingecam.app.evaluate import evaluate
    from hingecam.core.datatypes import Exercise

    profile = options.profile
    requested = (
        None if profile.exercise in (None, LABELLED) else Exercise(profile.exercise)
    )
    scores, totals = evaluate(
        options.folder,
        requested=requested,
        toml_path=profile.thresholds,
        sets=list(profile.sets),
        model=options.model,
        cache=options.tracks,
        only=list(options.only),
        live=options.live,
    )
    print(
        "exercise: each clip's labelled one"
        if requested is None
        else f"exercise: {requested.value}"
        + (
            " (recognised from the movement, as users run it)"
            if requested is Exercise.AUTO
            else ""
        )
    )
    if options.live:
        print(
            "judged as `hingecam live` judges a camera (causal filtering, live "
            "calibration), every frame analyzed"
        )
    print_table(scores, totals)
    totals["views"] = score_views(scores)
    totals["agreement"] = score_agreement(scores)
    print_views(totals["views"], totals["agreement"])
    if options.json_path is not None:
        data = {"clips": [s.to_dict() for s in scores], "totals": totals}
        options.json_path.parent.mkdir(parents=True, exist_ok=True)
        options.json_path.write_text(
            json.dumps(data, indent=2) + "\n", encoding="utf-8"
        )
    return 0
