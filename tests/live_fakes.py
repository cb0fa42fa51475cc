"""A camera and a window for live tests without hardware (a synthetic pose
track's frames delivered like a camera's, keys pressed after given frames), and
where a live session's report lands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from hingecam.core.datatypes import VideoInfo
from hingecam.core.poses import Frame
from hingecam.errors import CaptureError


class FakeCamera:
    """Frames of a synthetic pose track as a camera would deliver them (unpaced)."""

    def __init__(
        self, t_s: np.ndarray, image_wh: tuple[int, int], fail_after: int | None = None
    ) -> None:
        self.name = "camera 7"
        self.t_s = t_s
        self.image_wh = image_wh
        self.fail_after = fail_after
        self.delivered = 0
        self.dropped = 0
        self.closed = False

    @property
    def info(self) -> VideoInfo:
        n = self.delivered
        return VideoInfo(
            name=self.name,
            width=self.image_wh[0],
            height=self.image_wh[1],
            fps=30.0,
            frames=n,
            duration_s=float(self.t_s[n - 1]) + 1 / 30 if n else 0.0,
            rotation_deg=0,
        )

    def __iter__(self) -> Iterator[Frame]:
        w, h = self.image_wh
        for i, t in enumerate(self.t_s):
            if self.closed:
                return
            if self.fail_after is not None and i >= self.fail_after:
                raise CaptureError(f"{self.name} stopped delivering frames")
            self.delivered += 1
            image = np.full((h, w, 3), 90, dtype=np.uint8)
            yield Frame(image_bgr=image, index=i, t_s=float(t))

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> FakeCamera:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class ScriptedWindow:
    """A window that presses keys after given numbers of shown frames."""

    def __init__(self, keys: dict[int, str], close_after: int | None = None) -> None:
        self.keys = {n: (27 if k == "esc" else ord(k)) for n, k in keys.items()}
        self.close_after = close_after
        self.shown = 0
        self.images: list[np.ndarray] = []
        self.was_closed = False

    def show(self, image_bgr: np.ndarray) -> None:
        self.shown += 1
        self.images.append(image_bgr)

    def poll_key(self, delay_ms: int = 1) -> int | None:
        return self.keys.get(self.shown)

    def closed(self) -> bool:
        return self.close_after is not None and self.shown >= self.close_after

    def close(self) -> None:
        self.was_closed = True


WH = (320, 180)


def session_dir(out: Path) -> Path:
    """The one live-* session folder `hingecam live --out out` made."""
    folders = sorted(out.glob("live-*"))
    assert len(folders) == 1, folders
    return folders[0]


def report_of(out: Path) -> dict[str, Any]:
    """That session's report.json."""
    report: dict[str, Any] = json.loads((session_dir(out) / "report.json").read_text())
    return report
