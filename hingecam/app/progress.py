"""The frame progress bar of one video being analyzed (tqdm, on stderr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def progress_bar(source: Path) -> Any:
    """A tqdm bar sized from the video's duration (raises InputError like analyze)."""
    from tqdm import tqdm

    from hingecam.media.video import open_video

    with open_video(source) as probe:
        info = probe.info
    estimate = round(info.duration_s * info.fps) if info.fps else None
    return tqdm(
        total=estimate or None,
        desc=source.name,
        unit="frame",
        dynamic_ncols=True,
        leave=False,
    )
