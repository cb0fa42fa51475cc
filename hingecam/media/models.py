"""Pose models: find, verify and install PoseLandmarker `.task` files.

Input: a variant or a path; output: a verified Path, or one ModelError line.
Nothing downloads except `hingecam models install`.
"""

from __future__ import annotations

import argparse
import enum
import hashlib
import http.client
import io
import json
import logging
import os
import struct
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from hingecam.errors import ModelError

logger = logging.getLogger(__name__)

ENV_VAR = "HINGECAM_MODEL"
DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKER_MEMBER = "pose_landmarks_detector.tflite"
DOWNLOAD_TIMEOUT_S = 10.0
# Member data of a .task starts on this boundary so MediaPipe can use it in place.
TASK_ALIGNMENT_BYTES = 16
_OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{v}/float16/latest/pose_landmarker_{v}.task"
)


class ModelVariant(enum.Enum):
    """PoseLandmarker sizes; each maps to one `.task` file name."""

    LITE = "lite"
    FULL = "full"
    HEAVY = "heavy"

    @property
    def file_name(self) -> str:
        return f"pose_landmarker_{self.value}.task"

    @property
    def official_url(self) -> str:
        return _OFFICIAL_URL.format(v=self.value)


# The manifest: every pin lives here; models/manifest.json is rendered from it
# (scripts/model_manifest.py) and a unit test keeps the two identical.


@dataclass(frozen=True, slots=True)
class WheelMember:
    """One tflite taken from the wheel and the name it gets inside the .task."""

    wheel_path: str
    task_member: str
    sha256: str


@dataclass(frozen=True, slots=True)
class WheelBuild:
    """How `full` is rebuilt from a pinned mediapipe wheel on the package index."""

    requirement: str
    platform: str
    python_version: str
    wheel: str
    wheel_sha256: str
    members: tuple[WheelMember, ...]
    # Input NormalizationOptions written into the landmark model: (x - mean) / std.
    input_mean: float
    input_std: float


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A variant's pins. `sha256` None means no trusted hash is known here."""

    variant: ModelVariant
    sha256: str | None
    size_bytes: int | None
    source: str
    official_sha256: str | None
    build: WheelBuild | None
    note: str

    @property
    def pins(self) -> tuple[str, ...]:
        return tuple(h for h in (self.sha256, self.official_sha256) if h)


LICENSE = "Apache-2.0"

_FULL_BUILD = WheelBuild(
    requirement="mediapipe==0.10.21",
    platform="manylinux_2_28_x86_64",
    python_version="3.11",
    wheel="mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl",
    wheel_sha256="05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3",
    members=(
        WheelMember(
            wheel_path="mediapipe/modules/pose_detection/pose_detection.tflite",
            task_member=DETECTOR_MEMBER,
            sha256="9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        ),
        WheelMember(
            wheel_path="mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
            task_member=LANDMARKER_MEMBER,
            sha256="e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        ),
    ),
    input_mean=0.0,
    input_std=255.0,
)

_UNPINNED_NOTE = (
    "No sha256 of Google's published file is pinned here: install downloads it "
    "over HTTPS and checks its size against Content-Length and that it is a .task "
    "holding both tflite models, prints its sha256, and hingecam warns that it is "
    "unpinned each time it loads it. Pin it here once it is known."
)

MANIFEST: tuple[ModelSpec, ...] = (
    ModelSpec(
        variant=ModelVariant.LITE,
        sha256=None,
        size_bytes=None,
        source="Google's published .task (official_url)",
        official_sha256=None,
        build=None,
        note=_UNPINNED_NOTE,
    ),
    ModelSpec(
        variant=ModelVariant.FULL,
        sha256="b464990c7b7475dd5d6c6e3fcb0577ec163314488d7561fddef856e7cfb1a32b",
        size_bytes=9398980,
        source="built by `hingecam models install full` from the mediapipe "
        "0.10.21 wheel (see build)",
        official_sha256=None,
        build=_FULL_BUILD,
        note="sha256 is that of the reproducible wheel build, checked after every "
        "build. Google's published full .task is tried first only once its sha256 "
        "is pinned in official_sha256; either hash is then accepted.",
    ),
    ModelSpec(
        variant=ModelVariant.HEAVY,
        sha256=None,
        size_bytes=None,
        source="Google's published .task (official_url)",
        official_sha256=None,
        build=None,
        note=_UNPINNED_NOTE,
    ),
)


def spec_for(variant: ModelVariant) -> ModelSpec:
    """The manifest entry of `variant`."""
    return next(s for s in MANIFEST if s.variant is variant)


def manifest_to_dict() -> dict[str, Any]:
    """The manifest as written to models/manifest.json."""
    models = []
    for s in MANIFEST:
        entry: dict[str, Any] = {
            "variant": s.variant.value,
            "file": s.variant.file_name,
            "source": s.source,
            "sha256": s.sha256,
            "size_bytes": s.size_bytes,
            "official_url": s.variant.official_url,
            "official_sha256": s.official_sha256,
            "license": LICENSE,
            "note": s.note,
        }
        if s.build is not None:
            b = s.build
            entry["build"] = {
                "pip": " ".join(pip_download_command(b, Path("TMPDIR"), "python")),
                "wheel": b.wheel,
                "wheel_sha256": b.wheel_sha256,
                "members": [
                    {
                        "task_member": m.task_member,
                        "wheel_path": m.wheel_path,
                        "sha256": m.sha256,
                    }
                    for m in b.members
                ],
                "landmark_input_normalization": {
                    "mean": b.input_mean,
                    "std": b.input_std,
                    "color_space": "RGB",
                },
                "bundle": "uncompressed zip, members in this order, "
                f"{TASK_ALIGNMENT_BYTES}-byte-aligned data, "
                "timestamps 1980-01-01 00:00, mode 0644",
            }
        models.append(entry)
    return {"schema_version": 1, "license": LICENSE, "models": models}


# Where models live and how a found file is checked.


def checkout_models_dir() -> Path:
    """`models/` next to the hingecam package (exists only in a source checkout)."""
    return Path(__file__).resolve().parents[2] / "models"


def cache_models_dir() -> Path:
    """The per-user cache folder models are installed into outside a checkout."""
    return Path(platformdirs.user_cache_dir("hingecam")) / "models"


def search_dirs() -> tuple[Path, ...]:
    """Folders searched after --model and $HINGECAM_MODEL, in order."""
    return (checkout_models_dir(), cache_models_dir())


def default_install_dir() -> Path:
    """`models/` of a writable checkout, else the user cache folder."""
    models = checkout_models_dir()
    if (models / "manifest.json").is_file() and os.access(models, os.W_OK):
        return models
    return cache_models_dir()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Status(enum.Enum):
    """Outcome of checking one model file against the manifest."""

    PINNED = "verified (sha256 matches the pin)"
    UNPINNED = "UNPINNED (no trusted sha256 known for this variant)"
    UNKNOWN = "not in the manifest (custom model, not verified)"
    MISMATCH = "SHA256 MISMATCH"


@dataclass(frozen=True, slots=True)
class Verification:
    """The check of one file: what it is, its hash and the hashes it may have."""

    path: Path
    variant: ModelVariant | None
    status: Status
    sha256: str
    expected: tuple[str, ...]

    def mismatch_message(self) -> str:
        variant = self.variant.value if self.variant else "full"
        return (
            f"sha256 mismatch for {self.path}: expected {' or '.join(self.expected)}, "
            f"got {self.sha256}; reinstall with: hingecam models install "
            f"{variant} --force"
        )


def variant_of(path: Path) -> ModelVariant | None:
    """The variant whose file name `path` has, or None."""
    return next((v for v in ModelVariant if v.file_name == path.name), None)


def verify_file(path: Path, variant: ModelVariant | None = None) -> Verification:
    """Check `path` against the manifest pins.

    A known variant (given, or from the file name) must match its own pins. A file
    of unknown name is PINNED if it matches any pin, else UNKNOWN.
    """
    variant = variant or variant_of(path)
    digest = sha256_file(path)
    if variant is None:
        match = next((s for s in MANIFEST if digest in s.pins), None)
        if match is None:
            return Verification(path, None, Status.UNKNOWN, digest, ())
        return Verification(path, match.variant, Status.PINNED, digest, match.pins)
    pins = spec_for(variant).pins
    if not pins:
        status = Status.UNPINNED
    else:
        status = Status.PINNED if digest in pins else Status.MISMATCH
    return Verification(path, variant, status, digest, pins)


def _accept(path: Path, variant: ModelVariant | None) -> Path:
    """Return `path` if it passes verify_file, warning when it cannot be checked."""
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    result = verify_file(path, variant)
    if result.status is Status.MISMATCH:
        raise ModelError(result.mismatch_message())
    if result.status is Status.UNPINNED:
        logger.warning("loading %s unverified: %s", path, result.status.value)
    elif result.status is Status.UNKNOWN:
        logger.warning("loading %s: %s", path, result.status.value)
    return path


def resolve_model(
    explicit: Path | None = None, variant: ModelVariant = ModelVariant.FULL
) -> Path:
    """Find and verify the model to load.

    Order: `explicit` (--model), $HINGECAM_MODEL, `models/` of a source checkout,
    the user cache folder. Files named like a variant are checked against the
    manifest sha256; other explicit files are accepted with a warning.

    Raises:
        ModelError: nothing found (the message says how to install), the file
            named explicitly is missing, or a sha256 does not match.
    """
    if explicit is not None:
        return _accept(Path(explicit).expanduser(), None)
    env = os.environ.get(ENV_VAR)
    if env:
        return _accept(Path(env).expanduser(), None)
    for folder in search_dirs():
        candidate = folder / variant.file_name
        if candidate.is_file():
            return _accept(candidate, variant)
    looked = ", ".join(str(d) for d in search_dirs())
    raise ModelError(
        f"no {variant.value} pose model found (looked at --model, ${ENV_VAR}, "
        f"{looked}); install it with: hingecam models install {variant.value}"
    )


def find_installed(variant: ModelVariant) -> Path | None:
    """The first file of `variant` in the search folders (not $HINGECAM_MODEL)."""
    return next(
        (
            d / variant.file_name
            for d in search_dirs()
            if (d / variant.file_name).is_file()
        ),
        None,
    )


# Building a .task: tflite metadata and a deterministic, aligned, stored zip.

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


# Installing: Google's URL where pinned or the only source, else the wheel build.


def pip_download_command(build: WheelBuild, dest: Path, python: str) -> list[str]:
    """The pip call that fetches exactly the pinned wheel."""
    return [
        python,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        build.platform,
        "--python-version",
        build.python_version,
        "--dest",
        str(dest),
        build.requirement,
    ]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_from_wheel(wheel: Path, build: WheelBuild = _FULL_BUILD) -> bytes:
    """Make the `.task` bytes from the mediapipe wheel, checking every pinned hash."""
    digest = sha256_file(wheel)
    if digest != build.wheel_sha256:
        raise ModelError(
            f"sha256 mismatch for {wheel}: expected {build.wheel_sha256}, got {digest}"
        )
    members = []
    with zipfile.ZipFile(wheel) as z:
        for m in build.members:
            data = z.read(m.wheel_path)
            if _sha256(data) != m.sha256:
                raise ModelError(
                    f"sha256 mismatch for {m.wheel_path} in {wheel.name}: "
                    f"expected {m.sha256}, got {_sha256(data)}"
                )
            if m.task_member == LANDMARKER_MEMBER:
                data = add_input_normalization(
                    data,
                    mean=build.input_mean,
                    std=build.input_std,
                    name="BlazePose GHUM 3D landmarks (full)",
                    description=f"{m.wheel_path} from {build.wheel}, with input "
                    "metadata added by hingecam",
                )
            members.append((m.task_member, data))
    return bundle_task(members)


def fetch_wheel(build: WheelBuild, workdir: Path) -> Path:
    """Run pip (its progress shows) to download the pinned wheel into `workdir`."""
    cmd = pip_download_command(build, workdir, python=sys.executable)
    print(f"full: downloading {build.wheel} with pip", flush=True)
    logger.info("running %s", " ".join(cmd))
    try:
        done = subprocess.run(cmd, check=False)
    except OSError as exc:
        raise ModelError(f"cannot run pip ({sys.executable} -m pip): {exc}") from exc
    wheel = workdir / build.wheel
    if done.returncode != 0 or not wheel.is_file():
        raise ModelError(
            f"pip download {build.requirement} failed (exit {done.returncode}, "
            f"expected {build.wheel}); see pip's output above"
        )
    return wheel


def download(url: str, timeout_s: float = DOWNLOAD_TIMEOUT_S) -> bytes:
    """GET `url` with a tqdm progress bar; the body length must match Content-Length.

    Raises:
        ModelError: one line naming the URL and why it failed.
    """
    from tqdm import tqdm

    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            buf = io.BytesIO()
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=Path(url).name, leave=False
            ) as bar:
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    buf.write(chunk)
                    bar.update(len(chunk))
    except (
        urllib.error.URLError,
        http.client.HTTPException,
        OSError,
        ValueError,
    ) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(f"cannot download {url}: {reason}") from exc
    data = buf.getvalue()
    if total is not None and len(data) != total:
        raise ModelError(f"truncated download of {url}: {len(data)} of {total} bytes")
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _official(spec: ModelSpec) -> bytes:
    data = download(spec.variant.official_url)
    check_task_bytes(data, spec.variant.official_url)
    if spec.official_sha256 is not None and _sha256(data) != spec.official_sha256:
        raise ModelError(
            f"sha256 mismatch for {spec.variant.official_url}: expected "
            f"{spec.official_sha256}, got {_sha256(data)}"
        )
    return data


def install(
    variant: ModelVariant, dest: Path | None = None, force: bool = False
) -> Path:
    """Install `variant` into `dest` (default: default_install_dir()) and verify it.

    `full` comes from Google's URL when its sha256 is pinned, else from the wheel
    build; lite and heavy only from Google's URL (unpinned here).
    """
    spec = spec_for(variant)
    target = (dest or default_install_dir()) / variant.file_name
    if target.is_file() and not force:
        result = verify_file(target, variant)
        if result.status in (Status.PINNED, Status.UNPINNED):
            print(
                f"{variant.value}: already installed, {result.status.value}: {target}"
            )
            return target
        logger.info(
            "%s: existing %s is %s; reinstalling", variant.value, target, result.status
        )

    data: bytes | None = None
    if spec.build is None or spec.official_sha256 is not None:
        try:
            data = _official(spec)
        except ModelError as exc:
            if spec.build is None:
                raise ModelError(
                    f"{variant.value}: {exc}; no other source for {variant.value}: "
                    f"copy {variant.file_name} into {target.parent} or pass --model"
                ) from exc
            print(
                f"{variant.value}: {exc}; building from the wheel instead", flush=True
            )
    else:
        print(
            f"{variant.value}: Google's published .task has no pinned sha256 here; "
            f"building the pinned copy from {spec.build.wheel}",
            flush=True,
        )
    if data is None:
        assert spec.build is not None
        with tempfile.TemporaryDirectory(prefix="hingecam-wheel-") as tmp:
            wheel = fetch_wheel(spec.build, Path(tmp))
            data = build_from_wheel(wheel, spec.build)
        if spec.sha256 and _sha256(data) != spec.sha256:
            raise ModelError(
                f"built {variant.file_name} does not reproduce: expected sha256 "
                f"{spec.sha256}, got {_sha256(data)} (flatbuffers or mediapipe "
                "schema version differs?); nothing was written"
            )

    write_atomic(target, data)
    result = verify_file(target, variant)
    if result.status is Status.MISMATCH:
        raise ModelError(result.mismatch_message())
    print(f"{variant.value}: installed {target}")
    print(
        f"{variant.value}: sha256 {result.sha256} ({len(data)} bytes), {result.status.value}"
    )
    if result.status is Status.UNPINNED:
        print(
            f"{variant.value}: only its size and structure were checked; pin the "
            "sha256 above in hingecam/media/models.py once it is confirmed"
        )
    if target.parent.resolve() not in {d.resolve() for d in search_dirs()}:
        print(f"note: {target.parent} is not searched; use --model or ${ENV_VAR}")
    return target


# `hingecam models ...`


def _list() -> int:
    env = os.environ.get(ENV_VAR)
    if env:
        print(f"${ENV_VAR}={env} overrides every variant below")
    for variant in ModelVariant:
        path = find_installed(variant)
        if path is None:
            print(f"{variant.value:<6} not installed")
            continue
        result = verify_file(path, variant)
        print(f"{variant.value:<6} {path}  {result.status.value}")
    print(f"searched: {', '.join(str(d) for d in search_dirs())}")
    return 0


def _verify(variant: ModelVariant | None, model: Path | None) -> int:
    if model is not None:
        if not model.is_file():
            raise ModelError(f"model file not found: {model}")
        targets = [(model, variant)]
    elif variant is not None:
        path = find_installed(variant)
        if path is None:
            raise ModelError(
                f"{variant.value} is not installed; install it with: "
                f"hingecam models install {variant.value}"
            )
        targets = [(path, variant)]
    else:
        targets = [(p, v) for v in ModelVariant if (p := find_installed(v)) is not None]
        if not targets:
            raise ModelError(
                "no model installed; install one with: hingecam models install full"
            )
    failed = 0
    for path, v in targets:
        result = verify_file(path, v)
        label = result.variant.value if result.variant else "?"
        print(f"{label:<6} {path}  {result.status.value}  sha256 {result.sha256}")
        if result.status is Status.MISMATCH:
            print(f"hingecam: error: {result.mismatch_message()}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


def run_cli(args: argparse.Namespace) -> int:
    """Entry point of `hingecam models [list|install|verify|path]`."""
    command = getattr(args, "models_command", None) or "list"
    variant_name = getattr(args, "variant", None)
    variant = ModelVariant(variant_name) if variant_name else None
    if command == "list":
        return _list()
    if command == "install":
        install(variant or ModelVariant.FULL, dest=args.dest, force=args.force)
        return 0
    if command == "verify":
        return _verify(variant, args.model)
    if command == "path":
        print(resolve_model(args.model, variant or ModelVariant.FULL))
        return 0
    raise ModelError(f"unknown models action: {command}")


def write_manifest(path: Path) -> None:
    """Render MANIFEST as JSON (what scripts/model_manifest.py writes)."""
    path.write_text(json.dumps(manifest_to_dict(), indent=2) + "\n", encoding="utf-8")
