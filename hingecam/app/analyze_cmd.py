"""`hingecam analyze INPUT...`: every input into its set folder under --out (see
many.run_batch), one line per set, the index, the exit status."""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hingecam.app.options import ProfileOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """`hingecam analyze`'s arguments (see `hingecam analyze --help`)."""

    inputs: tuple[Path, ...]
    out: Path = Path("hingecam-out")
    profile: ProfileOptions = field(default_factory=ProfileOptions)
    model: Path | None = None
    write_video: bool = True
    full_rate: bool = False
    single_pose: bool = False
    threads: int = 0  # pose model threads per video; 0: one per CPU, at most 4
    workers: int | None = None
    force: bool = False
    ray: str | None = None
    athlete: str | None = None  # who performed the sets (report, index, diary)


def run_cli(options: AnalyzeOptions) -> int:
    """`hingecam analyze`: one line per set, the index, non-zero if any failed.

    Ctrl+C, SIGTERM and SIGHUP stop the set being analyzed at its next frame;
    what was measured is published and no further set is started (exit 130,
    143, 129). A second Ctrl+C during that wind-down quits at once (130): the
    set in progress is dropped, never half published. The handlers go in first,
    so a signal during the slow imports below only asks to stop.
    """
    from hingecam.app.signals import QUIT_AGAIN_LINE, ForceQuit, StopSignals

    stop = threading.Event()
    with StopSignals(stop, always_save=True, force_quit=True) as signals:
        try:
            log.info("analyzing %d input(s) into %s", len(options.inputs), options.out)
            return _run(options, stop, signals)
        except ForceQuit:
            # The set in progress was discarded on the way here (its staged
            # folder, its lock); os._exit skips joining the wind-down's threads.
            sys.stdout.flush()
            print(QUIT_AGAIN_LINE, file=sys.stderr, flush=True)
            os._exit(130)


def _run(options: AnalyzeOptions, stop: threading.Event, signals: Any) -> int:
    from hingecam.app.batch import SetStatus, Settings
    from hingecam.app.many import BatchOptions, run_batch
    from hingecam.media.schedule import Schedule

    exercise, thresholds = options.profile.load()
    schedule = Schedule(
        full_rate=options.full_rate,
        single_pose=options.single_pose,
        threads=options.threads,
    )
    settings = Settings(
        exercise.value,
        thresholds,
        options.model,
        options.write_video,
        schedule,
        options.athlete,
    )
    batch_options = BatchOptions(
        workers=options.workers,
        ray=options.ray,
        force=options.force,
        show_progress=sys.stderr.isatty() and not os.environ.get("CI"),
    )
    batch = run_batch(options.inputs, options.out, settings, batch_options, stop)
    failed = bool(batch.refused) or any(
        o.status is SetStatus.FAILED or o.damaged for o in batch.outcomes
    )
    if signals.reason is not None or batch.interrupted:
        saved = any(o.frames for o in batch.outcomes)
        kept = "the results so far are saved" if saved else "nothing was measured"
        reason = signals.reason
        print(
            f"hingecam: {reason.value if reason else 'interrupted'}; {kept}",
            file=sys.stderr,
        )
        return int(reason.exit_status) if reason is not None else 130
    if len(batch.outcomes) > 1 and batch.index:
        from hingecam.report.sets import set_folders

        shown = len(set_folders(options.out))  # the sets the index lists
        print(f"index of {shown} sets -> {batch.index['html']}", flush=True)
    return 2 if failed else 0
