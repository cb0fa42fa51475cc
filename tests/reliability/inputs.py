"""Hostile inputs made on the fly in a temporary folder (never committed): huge
frames, still images, truncated videos, malformed pose tracks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np


def write_clip(path: Path, width: int, height: int, frames: int, fps: int = 30) -> Path:
    """An H.264 mp4 of moving noise-free gradients, `frames` long."""
    import av

    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
        y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
        for i in range(frames):
            plane = ((x + y + 8 * i) % 256).astype(np.uint8)
            image = np.dstack([plane, plane[::-1], np.full_like(plane, 128)])
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def still_clip(path: Path, width: int, height: int, frames: int) -> Path:
    """An H.264 mp4 showing one gradient `frames` times: cheap to encode at any
    size, yet decoded like any clip (an I frame, then P frames)."""
    import av

    x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    plane = ((x + y) % 256).astype(np.uint8)
    image = av.VideoFrame.from_ndarray(
        np.dstack([plane, plane[::-1], np.full_like(plane, 128)]), format="bgr24"
    ).reformat(format="yuv420p")
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(frames):
            image.pts = i
            for packet in stream.encode(image):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def truncated_copy(source: Path, path: Path, keep: float = 0.6) -> Path:
    """The first `keep` share of `source`'s bytes (a cut-off download)."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def still_image(path: Path, suffix_as: str | None = None) -> Path:
    """A 64x48 image, written as `path`'s format; renamed to `suffix_as` if given."""
    import cv2

    image = np.full((48, 64, 3), 127, np.uint8)
    real = path.with_suffix(path.suffix if suffix_as is None else ".png")
    cv2.imwrite(str(real), image)
    if suffix_as is not None:
        target = path.with_suffix(suffix_as)
        shutil.move(real, target)
        return target
    return real


def rewrite_track(source: Path, path: Path, header: Any = None, **arrays: Any) -> Path:
    """A copy of pose track `source` with its header and/or arrays replaced."""
    with np.load(source, allow_pickle=False) as data:
        content = {name: data[name] for name in data.files}
    if header is not None:
        content["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    content.update(arrays)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **content)
    return path


def track_header(source: Path) -> dict[str, Any]:
    """The decoded header of pose track `source`."""
    with np.load(source, allow_pickle=False) as data:
        header: dict[str, Any] = json.loads(bytes(data["header"]).decode())
    return header
