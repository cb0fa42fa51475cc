"""Many inputs (`hingecam analyze`, `hingecam.analyze_many`): expand, skip what
is done, analyze the rest (local pool or Ray), rebuild OUT/index.html."""

from __future__ import annotations

import dataclasses
import logging
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hingecam.app.batch import BatchProgress, SetJob, SetOutcome, SetStatus, Settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from hingecam.core.datatypes import Exercise
    from hingecam.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How a batch runs.

    Attributes:
        workers: processes on this machine (None: one per CPU), or with `ray`
            the most actors to start (None: one per CPU of the cluster).
        ray: a Ray cluster address, or None to stay on this machine.
        force: re-analyze sets already done with the same input and settings.
        show_progress: progress bars on stderr.
        echo: print each set's line (the CLI); the Python API is quiet.
    """

    workers: int | None = None
    ray: str | None = None
    force: bool = False
    show_progress: bool = False
    echo: bool = True


@dataclass
class Batch:
    """What a batch did: an outcome per input, in input order (done sets as
    "skipped"), whether Ctrl+C cut it short, and the index files written."""

    outcomes: list[SetOutcome]
    interrupted: bool = False
    index: dict[str, Path] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # inputs that expand to nothing


def analyze_sets(
    jobs: Sequence[SetJob],
    settings: Settings,
    *,
    workers: int,
    ray: str | None = None,
    progress: BatchProgress | None = None,
    frame_bars: bool = False,
    stop: threading.Event | None = None,
    into: list[SetOutcome] | None = None,
) -> list[SetOutcome]:
    """Analyze `jobs` (none skipped here): in this process when workers == 1
    (with a frame progress bar per video when `frame_bars`), else a local pool,
    or on the Ray cluster at `ray`. Stops at an interrupt; the outcomes so far
    are in `into` (when given) even when an interrupt is raised."""
    from hingecam.app.batch import run_set
    from hingecam.app.pool import run_local

    outcomes: list[SetOutcome] = [] if into is None else into
    if ray is not None:
        from hingecam.app.ray_backend import run_ray

        # a Ray task holds one CPU of its node
        settings = _share_cpus(settings, processes=0)
        stream: Iterable[SetOutcome] = run_ray(jobs, settings, ray, workers or None)
    elif workers <= 1 or len(jobs) <= 1:

        def one_by_one() -> Iterator[SetOutcome]:
            for job in jobs:
                yield run_set(job, settings, show_progress=frame_bars, stop=stop)

        stream = one_by_one()
    else:
        settings = _share_cpus(settings, processes=min(workers, len(jobs)))
        stream = run_local(jobs, settings, workers, stop)
    for outcome in stream:
        outcomes.append(outcome)
        if progress is not None:
            progress.done(outcome)
        if outcome.status is SetStatus.INTERRUPTED:
            break
    return outcomes


def run_batch(
    inputs: Sequence[Path | str],
    out: Path,
    settings: Settings,
    options: BatchOptions,
    stop: threading.Event | None = None,
) -> Batch:
    """Analyze every input not already done into out/<name>, then write the index.

    Raises:
        InputError: an input is neither a file, a folder nor a matching glob.
        ConfigError: --ray without Ray installed, or no cluster at the address.
    """
    from hingecam.app.batch import (
        expand_inputs,
        is_video,
        plan,
        split_done,
        wanted_settings,
    )
    from hingecam.app.diary_pictures import rep_picture
    from hingecam.app.out_lock import lock_output, write_error
    from hingecam.media.schedule import usable_cpus
    from hingecam.report.index import write_index
    from hingecam.report.sets import set_folders

    workers, ray, show_progress = options.workers, options.ray, options.show_progress
    errors: list[str] = []
    jobs = plan(expand_inputs(inputs, errors, out), out)
    for error in errors:  # other inputs are still analyzed
        print(f"hingecam: error: {error}", file=sys.stderr, flush=True)
    todo, done = (
        (list(jobs), {})
        if options.force
        else split_done(jobs, wanted_settings(settings, jobs))
    )
    if ray is not None:
        from hingecam.app.ray_backend import import_ray

        import_ray()  # fail on a missing extra before any work
    if done and options.echo:
        print(
            f"{len(done)} of {len(jobs)} sets already analyzed with these inputs and "
            "settings, skipped (--force re-analyzes them)",
            flush=True,
        )
    batch_bar = show_progress and (len(todo) > 1 or ray is not None)
    progress = BatchProgress(len(todo), batch_bar, options.echo)
    if workers is None:  # Ray: every CPU of the cluster; here: every CPU we have
        workers = 0 if ray is not None else usable_cpus()
    if ray is None and any(is_video(j.source) and j.source.is_file() for j in todo):
        # A model that is missing or unverified fails here, before --out or
        # its lock exist (every video set would fail the same way). On a Ray
        # cluster each node loads its own model; this machine may have none.
        from hingecam.media.models import resolve_model

        model_path = resolve_model(settings.model)
        if workers <= 1 or len(todo) == 1:  # the sets run in this process
            _preload(model_path, settings)  # while the inputs are checked
    todo, refused = _checked(todo)
    for outcome in refused:
        progress.done(outcome)
    # Bad inputs alone create nothing; otherwise the lock covers the sets and
    # the index, so no other run writes either meanwhile.
    lock = lock_output(out) if todo or done else None
    try:
        ran, interrupted = _run_sets(
            todo,
            settings,
            progress,
            stop,
            workers=workers,
            ray=ray,
            frame_bars=show_progress and not batch_bar,
        )
        ran = [*refused, *ran]
        interrupted = interrupted or any(o.status is SetStatus.INTERRUPTED for o in ran)
        by_job = {o.job: o for o in ran}
        skipped = {j: SetOutcome(j, SetStatus.SKIPPED, "") for j in done}
        outcomes = [by_job.get(j) or skipped.get(j) for j in jobs]
        batch = Batch(
            [o for o in outcomes if o is not None], interrupted, refused=errors
        )
        if set_folders(out):  # nothing made, nothing indexed (and no empty OUT)
            known = {job.folder: report for job, report in done.items()}
            problems: list[str] = []
            try:
                batch.index = write_index(
                    out, known=known, problems=problems, pictures=rep_picture
                )
            except OSError as exc:
                raise write_error(out, exc) from None
            for line in problems:
                print(f"hingecam: error: {line}", file=sys.stderr, flush=True)
    finally:
        if lock is not None:
            lock.release()
    return batch


def _run_sets(
    todo: list[SetJob],
    settings: Settings,
    progress: BatchProgress,
    stop: threading.Event | None,
    *,
    workers: int,
    ray: str | None,
    frame_bars: bool,
) -> tuple[list[SetOutcome], bool]:
    """The outcomes of the sets run (kept at an interrupt) and whether the run
    was interrupted; sets left unfinished are discarded."""
    from hingecam.app.batch import discard_unfinished

    ran: list[SetOutcome] = []  # filled as sets finish, kept at an interrupt
    interrupted = False
    try:
        analyze_sets(
            todo,
            settings,
            workers=workers,
            ray=ray,
            progress=progress,
            frame_bars=frame_bars,
            stop=stop,
            into=ran,
        )
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
        finished = {o.job for o in ran}
        discard_unfinished(j for j in todo if j not in finished)
    return ran, interrupted


def _preload(model_path: Path, settings: Settings) -> None:
    """Load the first video's landmarkers in the background while the run
    goes on (pipeline.analyze_video makes the same PoseConfig)."""
    from hingecam.app.pipeline import pose_config
    from hingecam.media.pose import preload
    from hingecam.media.schedule import Schedule

    threads = (settings.schedule or Schedule()).thread_count()
    preload(pose_config(model_path), threads)


def _share_cpus(settings: Settings, processes: int) -> Settings:
    """Settings whose automatic pose threads share this machine's CPUs among
    `processes` worker processes (0: one thread each, for Ray tasks)."""
    from hingecam.media.schedule import Schedule, usable_cpus

    schedule = settings.schedule or Schedule()
    if schedule.threads:  # the user chose
        return settings
    threads = max(1, usable_cpus() // processes) if processes else 1
    return dataclasses.replace(
        settings, schedule=dataclasses.replace(schedule, threads=threads)
    )


def _checked(jobs: Sequence[SetJob]) -> tuple[list[SetJob], list[SetOutcome]]:
    """The jobs whose input opens (a track loads, a video's first frame decodes),
    and a failed outcome for each other one, before any folder is made."""
    from hingecam.app.input_check import check_input
    from hingecam.errors import HingecamError, one_line

    ok: list[SetJob] = []
    refused: list[SetOutcome] = []
    for job in jobs:
        try:
            check_input(job.source)
        except HingecamError as exc:
            refused.append(SetOutcome(job, SetStatus.FAILED, one_line(exc)))
        else:
            ok.append(job)
    return ok, refused


def analyze_many(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    workers: int | None = None,
    ray: str | None = None,
    exercise: str | Exercise = "auto",
    thresholds: Thresholds | None = None,
    model: str | Path | None = None,
    write_video: bool = False,
    force: bool = False,
    athlete: str | None = None,
) -> list[SetOutcome]:
    """Analyze many recorded sets into out/<name>/ and write out/index.html.

    Args:
        inputs: videos, pose tracks, folders (searched for both) or globs.
        out: the output folder.
        workers: processes on this machine (None: one per CPU), or with `ray`
            the most actors to start (None: one per CPU of the cluster).
        ray: a Ray cluster address ("auto": the one this machine is part of),
            or None to stay on this machine. Needs the `ray` extra.
        exercise, thresholds, model: as for analyze().
        write_video: also write each video's annotated.mp4.
        force: re-analyze sets already done with the same input and settings.
        athlete: who performed the sets, recorded in each report (the index
            and `hingecam.progress` group by it), or None.

    Returns:
        One SetOutcome per input, in order: status "ok", "skipped" (done
        before), "failed" (its line says why) or "interrupted"; the report is
        in outcome.job.folder / "report.json".
    """
    from hingecam.app.api import resolve_settings

    chosen, th = resolve_settings(exercise, thresholds)
    settings = Settings(
        chosen.value,
        th,
        None if model is None else Path(model),
        write_video,
        athlete=athlete.strip() if athlete and athlete.strip() else None,
    )
    options = BatchOptions(workers, ray, force, echo=False)
    batch = run_batch([Path(p) for p in inputs], Path(out), settings, options)
    return batch.outcomes
