"""Hostile inputs made on the fly in a temporary folder (never committed): huge
frames, still images, truncated videos, malformed pose tracks."""

from __future__ import annotations

import json
import shutil
import struct
import zipfile
import zlib
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


def npy_header(descr: str, shape: str, major: int = 1) -> bytes:
    """A handcrafted .npy header declaring `shape` (its Python text, written as
    given: any size, any nesting) for dtype `descr`, with no data after it."""
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    length = "<H" if major == 1 else "<I"
    pad = -(8 + struct.calcsize(length) + len(text) + 1) % 64
    body = (text + " " * pad + "\n").encode("latin1")
    return b"\x93NUMPY" + bytes([major, 0]) + struct.pack(length, len(body)) + body


def replace_member(source: Path, path: Path, name: str, content: bytes) -> Path:
    """A copy of pose track `source` whose member `name`.npy holds `content`."""
    with (
        zipfile.ZipFile(source) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = content if info.filename == f"{name}.npy" else src.read(info)
            dst.writestr(info.filename, data)
    return path


_MIB = 1 << 20


def deflate_bomb(
    source: Path, path: Path, name: str, head: bytes, zeros_mib: int
) -> Path:
    """A copy of pose track `source` whose member `name`.npy is `head` and then
    `zeros_mib` MiB of zero bytes, deflated: ~1 KB on disk per MiB it inflates
    to. One MiB of zeros is compressed once and its block repeated (each block
    ends with a full flush, so it stands alone), so making the file never holds
    more than a MiB; the zip directory declares the true inflated size and CRC."""
    with zipfile.ZipFile(source) as src:
        members = [(i.filename, src.read(i)) for i in src.infolist()]
    zeros = bytes(_MIB)
    block = _raw_deflate(zeros, zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(zeros_mib):
        crc = zlib.crc32(zeros, crc)
    entries = []
    for member, data in members:
        if member == f"{name}.npy":
            stream = _raw_deflate(head, zlib.Z_FULL_FLUSH) + block * zeros_mib
            stream += _raw_deflate(b"", zlib.Z_FINISH)
            entries.append((member, stream, crc, len(head) + zeros_mib * _MIB))
        else:
            stream = _raw_deflate(data, zlib.Z_FINISH)
            entries.append((member, stream, zlib.crc32(data), len(data)))
    _write_zip(path, entries)
    return path


def _raw_deflate(data: bytes, flush: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(flush)


def _write_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> None:
    """A zip of already deflated members (name, raw deflate, crc32, inflated size),
    as zipfile would write it (no data descriptors, sizes below 4 GiB)."""
    local, central = bytearray(), bytearray()
    for name, stream, crc, size in entries:
        raw_name = name.encode()
        sizes = (crc, len(stream), size, len(raw_name))
        central += struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\1\2",
            20,
            3,
            20,
            0,
            0,
            8,
            0,
            0x21,
            *sizes,
            0,
            0,
            0,
            0,
            0o600 << 16,
            len(local),
        )
        central += raw_name
        local += struct.pack("<4s2B4HL2L2H", b"PK\3\4", 20, 0, 0, 8, 0, 0x21, *sizes, 0)
        local += raw_name + stream
    end = struct.pack(
        "<4s4H2LH",
        b"PK\5\6",
        0,
        0,
        len(entries),
        len(entries),
        len(central),
        len(local),
        0,
    )
    path.write_bytes(bytes(local + central + end))
