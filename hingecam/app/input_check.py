"""An input checked before any folder is made for it: it opens as a pose track
or a video."""

from __future__ import annotations

from pathlib import Path


def check_input(source: Path) -> None:
    """Raise InputError unless `source` opens as a pose track or a video (cheap:
    a track is loaded, a video's first frame decoded), before any folder exists."""
    from hingecam.media.tracks import is_track_file, load_track
    from hingecam.media.video import open_video

    if is_track_file(source):
        load_track(source)
        return
    with open_video(source):
        pass
