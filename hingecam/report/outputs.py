"""The files a set folder holds, in one ordered registry: who writes each, the
order they are published in, and which a finished folder must hold (resume)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Writer(Enum):
    """Who writes a set file (into the staged folder; see app/staging.py)."""

    PIPELINE = "app/pipeline.py (the render thread's encoder)"
    DRIVER = "app/driver.py Driver.finish"
    BATCH = "app/batch.py run_set"
    REPORT = "report/write.py write_outputs"


class Need(Enum):
    """When a finished set folder must hold the file (app/resume.py is_done)."""

    ALWAYS = "always"
    WANTED_VIDEO = "for a video input, when the annotated video is wanted"
    OPTIONAL = "optional"


@dataclass(frozen=True, slots=True)
class SetFile:
    """One file of a set folder.

    Attributes:
        key: a short name for it ("json", "csv", "html", ...).
        name: the file name inside the set folder.
        writer: who writes it.
        need: when a complete folder holds it.
    """

    key: str
    name: str
    writer: Writer
    need: Need


ANNOTATED = SetFile("annotated", "annotated.mp4", Writer.PIPELINE, Need.WANTED_VIDEO)
TRACK = SetFile("track", "pose_track.npz", Writer.DRIVER, Need.ALWAYS)
THUMBNAIL = SetFile("thumbnail", "thumbnail.jpg", Writer.BATCH, Need.OPTIONAL)
REPS_CSV = SetFile("csv", "reps.csv", Writer.REPORT, Need.ALWAYS)
REPORT_HTML = SetFile("html", "report.html", Writer.REPORT, Need.ALWAYS)
REPORT_JSON = SetFile("json", "report.json", Writer.REPORT, Need.ALWAYS)

SET_FILES: tuple[SetFile, ...] = (
    ANNOTATED,
    TRACK,
    THUMBNAIL,
    REPS_CSV,
    REPORT_HTML,
    REPORT_JSON,
)
"""Every file of a set folder, in publish order: report.json, last, marks a
complete folder (and its provenance, written into it last, a finished set)."""

TRACK_NAME = TRACK.name
"""The pose track of a run, beside its report (re-analyzed with `analyze`)."""
ANNOTATED_NAME = ANNOTATED.name
THUMBNAIL_NAME = THUMBNAIL.name
REPORT_NAME = REPORT_JSON.name
CSV_NAME = REPS_CSV.name
HTML_NAME = REPORT_HTML.name

OUTPUT_NAMES: dict[str, str] = {
    f.key: f.name for f in SET_FILES if f.writer is Writer.REPORT
}
"""The report files write_outputs writes, by key ("json", "csv", "html")."""


def publish_order() -> tuple[str, ...]:
    """Every set file's name, in the order a staged run publishes them."""
    return tuple(f.name for f in SET_FILES)


def required_names(*, annotated: bool) -> tuple[str, ...]:
    """The files a finished set folder must hold; `annotated`: a video whose
    annotated video was wanted."""
    return tuple(
        f.name
        for f in SET_FILES
        if f.need is Need.ALWAYS or (annotated and f.need is Need.WANTED_VIDEO)
    )


INDEX_NAMES = {"html": "index.html", "csv": "summary.csv", "json": "summary.json"}
"""The batch index files OUT holds beside its set folders (report/index.py)."""

PROGRESS_NAMES = {"html": "progress.html", "csv": "progress.csv"}
"""The practice diary files OUT holds beside its set folders (`hingecam
progress`, report/diary_files.py); `hingecam index` rebuilds them too."""
