"""Command line: one parser function per subcommand, each turning its Namespace
into the typed options of its app/ command module, nothing more. Command
modules are imported when run, so `hingecam --help` stays fast."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hingecam import __version__
from hingecam.cli.common import (
    EVAL_EXERCISES,
    EXERCISES,
    add_analysis_options,
    add_athlete_option,
    add_model_option,
    add_single_pose,
    lazy_choices,
    positive_int,
    thread_count,
)
from hingecam.cli.models import add_models
from hingecam.errors import HingecamError

if TYPE_CHECKING:
    from hingecam.app.options import ProfileOptions

Handler = Callable[[argparse.Namespace], int]
"""A command: the parsed Namespace turned into its typed options, then run."""


def _profile(args: argparse.Namespace) -> ProfileOptions:
    from hingecam.app.options import ProfileOptions

    return ProfileOptions(args.exercise, args.thresholds, tuple(args.set))


def _add_analyze(sub: Any) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyze recorded videos or pose tracks and write the rep report",
        description="Analyze each VIDEO (or a pose track .npz written by an earlier "
        "run) and write, per input, a folder with an annotated video, report.html, "
        "report.json, reps.csv and the pose track.",
    )
    p.add_argument(
        "inputs",
        type=Path,
        nargs="+",
        metavar="INPUT",
        help="video file, pose track (.npz), folder of them, or glob",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("hingecam-out"),
        metavar="DIR",
        help="output folder (default: ./hingecam-out)",
    )
    p.add_argument("--no-video", action="store_true", help="skip the annotated video")
    p.add_argument(
        "--full-rate",
        action="store_true",
        help="infer every frame (the default interpolates every other frame of "
        "sources above 30 fps; see docs/speed.md)",
    )
    add_single_pose(
        p,
        False,
        "follow one person between two-person checks: faster, but landmarks "
        "move ~1 px and some checks differ (docs/speed.md); off by default: "
        "the two-person model on every inferred frame",
    )
    p.add_argument(
        "--threads",
        type=thread_count,
        default=0,
        metavar="N",
        help="pose model threads per video (default 0: one per CPU, at most 4; "
        "with --workers, the CPUs are shared out)",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="sets analyzed at once, each in its own process (default: one per CPU; "
        "with --ray: the cluster's CPUs)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="re-analyze sets already done with the same input, model and thresholds",
    )
    p.add_argument(
        "--ray",
        type=str,
        default=None,
        metavar="ADDRESS",
        help="run the sets on a Ray cluster (host:port, or auto); needs the ray extra "
        "and inputs and OUT on storage every node sees",
    )
    add_athlete_option(p, "performed the sets")
    add_analysis_options(p)
    add_model_option(p)
    p.set_defaults(handler=_analyze)


def _analyze(args: argparse.Namespace) -> int:
    from hingecam.app.analyze_cmd import AnalyzeOptions, run_cli

    options = AnalyzeOptions(
        inputs=tuple(args.inputs),
        out=args.out,
        profile=_profile(args),
        model=args.model,
        write_video=not args.no_video,
        full_rate=args.full_rate,
        single_pose=args.single_pose,
        threads=args.threads,
        workers=args.workers,
        force=args.force,
        ray=args.ray,
        athlete=args.athlete,
    )
    return run_cli(options)


def _add_index(sub: Any) -> None:
    p = sub.add_parser(
        "index",
        help="rebuild OUT/index.html, summary.csv, summary.json and progress.html",
        description="Rebuild the batch index of an output folder (and its "
        "progress page, as `hingecam progress` writes it) from its set folders' "
        "report.json and reps.csv, without analyzing anything.",
    )
    p.add_argument("out", type=Path, metavar="OUT", help="output folder of `analyze`")
    p.set_defaults(handler=_index)


def _index(args: argparse.Namespace) -> int:
    from hingecam.app.index_cmd import IndexOptions, run_cli

    return run_cli(IndexOptions(args.out))


def _diary() -> str:
    """The diary folder, for help texts (platformdirs only: --help stays light)."""
    from hingecam.app.diary import diary_folder

    return str(diary_folder())


def _add_progress(sub: Any) -> None:
    p = sub.add_parser(
        "progress",
        help="write DIR/progress.html and progress.csv: every session over time",
        description="The practice diary of an output folder: per athlete and "
        "exercise, the sessions (the sets of one day) over time with reps, "
        "clean reps and each fault, charts, the first sessions against the "
        "latest, the best and the worst rep, links to every set report. Read "
        "from the set folders' report.json; nothing is analyzed again.",
    )
    p.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=None,
        metavar="DIR",
        help=f"output folder of `analyze` or `live` (default: the diary folder, {_diary()})",
    )
    p.add_argument(
        "--athlete", type=str, default=None, metavar="NAME", help="only this athlete"
    )
    lazy_choices(
        p.add_argument(
            "--exercise",
            type=str,
            choices=EXERCISES,
            default=None,
            metavar="EXERCISE",
            help="only sets judged as this exercise",
        )
    )
    p.set_defaults(handler=_progress)


def _progress(args: argparse.Namespace) -> int:
    from hingecam.app.progress_cmd import ProgressOptions, run_cli

    return run_cli(ProgressOptions(args.folder, args.athlete, args.exercise))


def _add_live(sub: Any) -> None:
    p = sub.add_parser(
        "live",
        help="practise in front of a camera with live cues",
        description="Live practice: a window with skeleton, angles, rep counter and "
        "cues. Keys: q/Esc quit, space pause, r reset count, c recalibrate, "
        "s snapshot. The reps are saved as the same report `analyze` writes.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--camera",
        type=int,
        default=None,
        metavar="N",
        help="camera index (default: 0)",
    )
    src.add_argument(
        "--source",
        type=str,
        default=None,
        metavar="FILE_OR_URL",
        help="video file or stream URL instead of a camera",
    )
    p.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="DIR",
        help="also save the raw recording to DIR",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the session report goes (default: the per-user diary folder, "
        f"{_diary()}, where sessions gather for `hingecam progress`)",
    )
    add_athlete_option(p, "is practising; the session is compared with their last")
    p.add_argument(
        "--no-window",
        action="store_true",
        help="no window: print cues and the count to the terminal",
    )
    p.add_argument(
        "--sound",
        type=str,
        choices=("off", "beep", "speak"),
        default="off",
        help="audible cues (default: off)",
    )
    p.add_argument(
        "--debug",
        action="store_true",
        help="show displayed fps and capture-to-display latency",
    )
    p.add_argument(
        "--realtime",
        action="store_true",
        help="with --source URL: pace the stream at its own frame rate (files are "
        "always paced)",
    )
    p.add_argument(
        "--pose-workers",
        type=int,
        default=None,
        metavar="N",
        help="pose models run side by side (default: one per core, at most 4)",
    )
    add_single_pose(
        p,
        True,
        "when the two-person model cannot keep up with the camera (under 0.8 "
        "of its frames), follow one person between two-person checks every 0.5 s "
        "(default: on; its landmarks move ~1 px from analyze's, docs/speed.md); "
        "--no-single-pose runs the two-person model on every frame regardless",
    )
    add_analysis_options(p)
    add_model_option(p)
    p.set_defaults(handler=_live)


def _live(args: argparse.Namespace) -> int:
    from hingecam.app.live import LiveOptions
    from hingecam.app.live_cmd import LiveCommand, run_cli

    session = LiveOptions(
        camera=args.camera,
        source=args.source,
        realtime=args.realtime,
        model=args.model,
        out=args.out,
        record=args.record,
        sound=args.sound,
        debug=args.debug,
        pose_workers=args.pose_workers,
        single_pose=args.single_pose,
        athlete=args.athlete,
    )
    return run_cli(LiveCommand(session, _profile(args), window=not args.no_window))


def _add_eval(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help="measure accuracy against a labelled folder of clips",
        description="Analyze every clip listed in DIR/MANIFEST.tsv and print, per clip "
        "and in total, reps and faults labelled against found.",
    )
    p.add_argument(
        "folder",
        type=Path,
        metavar="DIR",
        help="folder holding MANIFEST.tsv and the clips",
    )
    p.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the results as JSON",
    )
    p.add_argument(
        "--tracks",
        type=Path,
        default=None,
        metavar="DIR",
        help="cache of pose tracks: read <clip>.npz from here when present, write "
        "it when not",
    )
    p.add_argument(
        "--only",
        type=str,
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="only clips whose file name contains this; repeatable",
    )
    p.add_argument(
        "--live",
        action="store_true",
        help="judge the clips as `hingecam live` judges a camera (causal filtering, "
        "live calibration) on every frame, from their pose tracks",
    )
    add_analysis_options(
        p,
        "default: auto, as users run it: the exercise recognised from the movement; "
        "labelled: each clip's own exercise column, auto where there is no profile",
        EVAL_EXERCISES,
    )
    add_model_option(p)
    p.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    from hingecam.app.eval_cmd import EvalOptions, run_cli

    options = EvalOptions(
        folder=args.folder,
        profile=_profile(args),
        model=args.model,
        json_path=args.json,
        tracks=args.tracks,
        only=tuple(args.only),
        live=args.live,
    )
    return run_cli(options)


def _add_thresholds(sub: Any) -> None:
    p = sub.add_parser(
        "thresholds",
        help="print every threshold with its unit, source and reason",
        description="Print the thresholds in force (defaults < --thresholds FILE < --set).",
    )
    add_analysis_options(p)
    p.add_argument(
        "--toml",
        action="store_true",
        help="print as a TOML file to edit and pass back with --thresholds",
    )
    p.set_defaults(handler=_thresholds)


def _thresholds(args: argparse.Namespace) -> int:
    """`hingecam thresholds` (its module pulls in numpy: imported when run)."""
    from hingecam.app.thresholds_cmd import ThresholdsOptions, run_cli

    return run_cli(ThresholdsOptions(_profile(args), args.toml))


def build_parser() -> argparse.ArgumentParser:
    """The `hingecam` parser: global flags, then one subparser per command."""
    parser = argparse.ArgumentParser(
        prog="hingecam",
        description="Rep-by-rep form checker for the hip hinge "
        "(hinge drill, good morning, RDL, deadlift, kettlebell swing).",
    )
    parser.add_argument(
        "--version", action="version", version=f"hingecam {__version__}"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log diagnostics to stderr"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (
        _add_analyze,
        _add_index,
        _add_progress,
        _add_live,
        _add_eval,
        _add_thresholds,
        add_models,
    ):
        add(sub)
    return parser


def _trust_model(args: argparse.Namespace) -> contextlib.AbstractContextManager[object]:
    """--trust-model: vouch for the content of --model while the command runs."""
    if not getattr(args, "trust_model", False):
        return contextlib.nullcontext()
    if args.model is None:
        raise HingecamError("--trust-model needs --model PATH")
    from hingecam.media.models import trusting

    return trusting(args.model)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a HingecamError)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        with _trust_model(args):
            return int(handler(args))
    except HingecamError as exc:
        print(f"hingecam: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hingecam: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` or similar: stop quietly.
        sys.stdout = open(os.devnull, "w")
        return 0
