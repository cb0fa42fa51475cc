"""The pieces of a batch: inputs expanded (files, folders, globs) into jobs, sets
already done found, one set's work (run_set), the bar (the local pool: pool.py)."""

from __future__ import annotations

import glob
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hingecam.app.resume import Wanted
from hingecam.errors import HingecamError, InputError, one_line

if TYPE_CHECKING:
    from hingecam.app.driver import Run
    from hingecam.core.thresholds import Thresholds
    from hingecam.media.schedule import Schedule

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"})
"""What a folder given as input is searched for, besides pose tracks (.npz)."""


@dataclass(frozen=True, slots=True)
class SetJob:
    """One input and the folder its outputs go to."""

    source: Path
    folder: Path


@dataclass(frozen=True, slots=True)
class Settings:
    """What every set of a batch is analyzed with (picklable, for workers).

    Attributes:
        model: the .task given with --model, or None to resolve it where the
            set runs (on a cluster: each node's own models/ or user cache).
        athlete: who performed the sets (--athlete), or None.
    """

    exercise: str
    thresholds: Thresholds
    model: Path | None
    write_video: bool
    schedule: Schedule | None = None  # None: the default schedule
    athlete: str | None = None


class SetStatus(str, Enum):
    """What became of one set of a batch."""

    OK = "ok"
    SKIPPED = "skipped"  # done before with the same input and settings
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    def __str__(self) -> str:  # printed as the string it replaced
        return str(self.value)


@dataclass(frozen=True, slots=True)
class SetOutcome:
    """What became of one set: ok, failed, interrupted (or skipped: done before).

    Attributes:
        line: the summary line of an analyzed set, or the error of a failed one.
        frames: frames analyzed (0 for skipped and failed sets).
        damaged: for a damaged video, the error line (the set still counts as
            failed for the exit status).
    """

    job: SetJob
    status: SetStatus
    line: str
    frames: int = 0
    damaged: str = ""  # the error line of a damaged video analyzed as far as it decodes


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _search(folder: Path, skip: Path | None = None) -> list[Path]:
    """Videos and .npz tracks under `folder`, recursively, sorted, no hidden
    parts, nothing under `skip` (the --out being written: its own outputs are
    no new inputs)."""
    found = []
    skipped = skip.resolve() if skip is not None else None
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).parts
        if any(p.startswith(".") for p in rel) or not path.is_file():
            continue
        if skipped is not None and path.resolve().is_relative_to(skipped):
            continue
        if path.suffix.lower() in VIDEO_SUFFIXES or path.suffix.lower() == ".npz":
            found.append(path)
    return sorted(found)


def expand_inputs(
    items: Iterable[Path | str],
    errors: list[str] | None = None,
    out: Path | None = None,
) -> list[Path]:
    """Files as given; folders searched for videos and pose tracks (not inside
    `out`); globs the shell left unexpanded matched here. Order kept,
    duplicates dropped.

    Args:
        errors: when given, an input that yields nothing adds its one-line error
            here and the others are still expanded; else it raises.
        out: the folder the run writes into, never searched for inputs (with
            --out inside the input folder a rerun would analyze its own outputs).

    Raises:
        InputError: an input that is neither a file, a folder nor a matching
            glob, or a folder holding nothing to analyze (without `errors`).
    """
    found: list[Path] = []
    for item in items:
        try:
            found.extend(_expand_one(item, out))
        except InputError as exc:
            if errors is None:
                raise
            errors.append(one_line(exc))
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _expand_one(item: Path | str, out: Path | None) -> list[Path]:
    """One input's files (see expand_inputs); InputError when it yields none."""
    path = Path(item)
    if path.is_dir():
        found = _search(path, out)
        if not found:
            raise InputError(f"{path}: no videos or pose tracks (.npz) in this folder")
        return found
    if path.exists() or not _is_glob(str(item)):
        return [path]  # a missing file fails as its own set, as before
    matches = sorted(Path(m) for m in glob.glob(str(item), recursive=True))
    files = [m for m in matches if m.is_file()]
    if not files:
        raise InputError(f"{item}: no file matches this pattern")
    return files


def plan(inputs: Sequence[Path], out: Path) -> list[SetJob]:
    """One job per input, folders named as `hingecam analyze` always named them."""
    from hingecam.app.output_names import output_dir

    taken: set[Path] = set()
    return [SetJob(src, output_dir(out, src, taken)) for src in inputs]


def is_video(source: Path) -> bool:
    """Whether an input needs the pose model (anything but a pose track)."""
    return source.suffix.lower() != ".npz"


def run_set(
    job: SetJob,
    settings: Settings,
    *,
    show_progress: bool = False,
    stop: threading.Event | None = None,
) -> SetOutcome:
    """Analyze one set exactly as a single `hingecam analyze INPUT` does, then
    write its thumbnail and, last, its provenance (see resume.record_provenance)."""
    from hingecam.app.api import RunOptions
    from hingecam.app.resume import input_record, record_provenance
    from hingecam.app.staging import analyze_into
    from hingecam.app.summary import summary_line
    from hingecam.core.datatypes import Exercise
    from hingecam.media.tracks import is_track_file

    before = _size_mtime(job.source)  # None when missing: run_file says so

    def finish_staged(staged: Path, run: Run) -> None:
        """Thumbnail and, last, provenance into the staged folder: a set cut short
        gets no provenance, so a rerun redoes it."""
        _write_thumbnail(staged, run.result.thumbnails)
        if run.interrupted:
            return
        # The model the run loaded, as the report already records it (file,
        # sha256); a pose track re-analyzed runs no model.
        video = not is_track_file(job.source)
        model_meta = dict(run.result.model) if video and run.result.model else None
        record = input_record(job.source)
        if (record["size_bytes"], record["mtime_ns"]) != before:
            raise InputError(f"{job.source}: changed while it was being analyzed")
        record_provenance(staged, record, model_meta)

    try:
        options = RunOptions(
            Exercise(settings.exercise),
            settings.thresholds,
            settings.model,
            settings.write_video,
            settings.schedule,
            settings.athlete,
        )
        run = analyze_into(
            job.source,
            job.folder,
            options,
            before_publish=finish_staged,
            show_progress=show_progress,
            stop=stop or threading.Event(),
        )
    except HingecamError as exc:
        return SetOutcome(job, SetStatus.FAILED, one_line(exc))
    except OSError as exc:  # writing the thumbnail or the provenance
        return SetOutcome(job, SetStatus.FAILED, f"{job.folder}: {exc.strerror or exc}")
    if run is None:
        return SetOutcome(
            job, SetStatus.INTERRUPTED, f"{job.source}: nothing was measured"
        )
    line = summary_line(run.result, job.folder)
    if run.interrupted:
        return SetOutcome(job, SetStatus.INTERRUPTED, line, run.result.video.frames)
    damage = (
        f"{job.source}: damaged or truncated video; the {run.result.video.frames} "
        "frames that decode were analyzed"
        if run.damaged
        else ""
    )
    return SetOutcome(job, SetStatus.OK, line, run.result.video.frames, damage)


def _size_mtime(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _write_thumbnail(folder: Path, thumbnails: dict[int, bytes]) -> None:
    """The set's picture in OUT/index.html: the thumbnail of its first rep."""
    from hingecam.files import write_atomic
    from hingecam.report.outputs import THUMBNAIL_NAME

    target = folder / THUMBNAIL_NAME
    if thumbnails:
        write_atomic(target, thumbnails[min(thumbnails)])
    else:
        target.unlink(missing_ok=True)  # a rerun found no rep: no stale picture


def wanted_settings(settings: Settings, jobs: Sequence[SetJob]) -> Wanted:
    """The Wanted a set must match to be skipped; the model is resolved and
    hashed only when there is a video among the jobs."""
    from hingecam.app.resume import model_sha256

    digest = None
    if any(is_video(j.source) for j in jobs):
        from hingecam.media.models import resolve_model

        try:
            digest = model_sha256(resolve_model(settings.model))
        except HingecamError:
            digest = None  # no model here: no video set counts as done
    return Wanted(
        settings.exercise,
        settings.thresholds.as_dict(),
        digest,
        settings.write_video,
        settings.athlete,
    )


def split_done(
    jobs: Sequence[SetJob], wanted: Wanted
) -> tuple[list[SetJob], dict[SetJob, dict[str, Any]]]:
    """(jobs to run, done jobs -> their report): done when the folder is
    complete and matches `wanted` (the reports are kept for the index)."""
    from hingecam.app.resume import is_done

    todo: list[SetJob] = []
    done: dict[SetJob, dict[str, Any]] = {}
    for job in jobs:
        report = is_done(job.source, job.folder, wanted, is_video=is_video(job.source))
        if report is None:
            todo.append(job)
        else:
            done[job] = report
    return todo, done


@dataclass
class BatchProgress:
    """One bar for the batch: sets done/total, frames per second, ETA."""

    total: int
    enabled: bool
    echo: bool = True  # print each set's line (the CLI); the Python API is quiet

    def __post_init__(self) -> None:
        self._frames = 0
        self._start = time.monotonic()
        self._bar: Any = None
        if self.enabled and self.total:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, unit="set", dynamic_ncols=True)

    def done(self, outcome: SetOutcome) -> None:
        """Print the set's line (errors to stderr) and advance the bar."""
        import sys

        self._frames += outcome.frames
        failed = outcome.status is SetStatus.FAILED
        line = f"hingecam: error: {outcome.line}" if failed else outcome.line
        stream = sys.stderr if failed else sys.stdout
        if self.echo and self._bar is None:
            print(line, file=stream, flush=True)
            if outcome.damaged:
                print(
                    f"hingecam: error: {outcome.damaged}", file=sys.stderr, flush=True
                )
        if self._bar is None:
            return
        if self.echo:
            self._bar.write(line, file=stream)
        fps = self._frames / max(time.monotonic() - self._start, 1e-9)
        self._bar.set_postfix_str(f"{fps:.1f} frames/s", refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def discard_unfinished(jobs: Iterable[SetJob]) -> None:
    """Remove the staged folders (`.NAME.*.tmp` beside each set's folder) that
    terminated workers left: a set cut short publishes nothing."""
    import shutil

    for job in jobs:
        for staged in job.folder.parent.glob(f".{glob.escape(job.folder.name)}.*.tmp"):
            shutil.rmtree(staged, ignore_errors=True)
