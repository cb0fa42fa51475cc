"""hingecam.media.models (resolution order, sha256 checks), model_build (the .task
bundle, the metadata writer) and model_download (install) on small fake models (no
network), plus the real model (marked)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import struct
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from hingecam.errors import ModelError
from hingecam.media import model_build, model_download, model_manifest, models
from hingecam.media.model_build import add_input_normalization, bundle_task
from hingecam.media.model_manifest import (
    DETECTOR_MEMBER,
    LANDMARKER_MEMBER,
    ModelVariant,
    WheelBuild,
    WheelMember,
)
from hingecam.media.models import Status, resolve_model, verify_file

REPO_ROOT = Path(__file__).resolve().parents[2]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_tflite(n_outputs: int = 2, weight_bytes: int = 37) -> bytes:
    """A tiny valid TFLite flatbuffer: one float image input, one weight buffer."""
    import flatbuffers
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    empty = tfl.BufferT()
    weights = tfl.BufferT()
    weights.data = np.arange(weight_bytes, dtype=np.uint8)

    def tensor(name: str, shape: list[int], buffer: int) -> tfl.TensorT:
        t = tfl.TensorT()
        t.name = name
        t.shape = np.array(shape, dtype=np.int32)
        t.type = tfl.TensorType.FLOAT32
        t.buffer = buffer
        return t

    sub = tfl.SubGraphT()
    sub.tensors = [tensor("input_1", [1, 4, 4, 3], 0), tensor("w", [37], 1)]
    sub.tensors += [tensor(f"Identity_{i}", [1, 3], 0) for i in range(n_outputs)]
    sub.inputs = np.array([0], dtype=np.int32)
    sub.outputs = np.arange(2, 2 + n_outputs, dtype=np.int32)
    sub.operators = []
    model = tfl.ModelT()
    model.version = 3
    model.description = "fake"
    model.subgraphs = [sub]
    model.buffers = [empty, weights]
    model.operatorCodes = []
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), b"TFL3")
    return bytes(builder.Output())


def fake_task(tmp_path: Path, name: str = "fake.task") -> Path:
    path = tmp_path / name
    path.write_bytes(
        bundle_task(
            [(DETECTOR_MEMBER, make_tflite()), (LANDMARKER_MEMBER, make_tflite(3))]
        )
    )
    return path


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Point the checkout and cache folders at empty tmp folders; clear the env var."""
    checkout, cache = tmp_path / "checkout", tmp_path / "cache"
    checkout.mkdir()
    cache.mkdir()
    monkeypatch.setattr(models, "checkout_models_dir", lambda: checkout)
    monkeypatch.setattr(models, "cache_models_dir", lambda: cache)
    monkeypatch.delenv(models.ENV_VAR, raising=False)
    return checkout, cache


def pin(monkeypatch: pytest.MonkeyPatch, variant: ModelVariant, path: Path) -> None:
    """Make `path`'s current sha256 the manifest pin of `variant`."""
    pinned = tuple(
        dataclasses.replace(s, sha256=models.sha256_file(path), official_sha256=None)
        if s.variant is variant
        else s
        for s in model_manifest.MANIFEST
    )
    monkeypatch.setattr(model_manifest, "MANIFEST", pinned)


def flip_one_byte(path: Path, offset: int = 100) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


# -- resolution order --------------------------------------------------------


def test_missing_model_raises_one_line_with_install_command(
    dirs: tuple[Path, Path],
) -> None:
    with pytest.raises(ModelError) as exc:
        resolve_model()
    message = str(exc.value)
    assert "hingecam models install full" in message
    assert "\n" not in message


def test_missing_lite_names_lite_install_command(dirs: tuple[Path, Path]) -> None:
    with pytest.raises(ModelError, match=r"hingecam models install lite$"):
        resolve_model(variant=ModelVariant.LITE)


def test_checkout_models_dir_wins_over_user_cache(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout, cache = dirs
    in_checkout = fake_task(checkout, ModelVariant.FULL.file_name)
    fake_task(cache, ModelVariant.FULL.file_name)
    pin(monkeypatch, ModelVariant.FULL, in_checkout)
    assert resolve_model() == in_checkout


def test_user_cache_is_used_when_checkout_has_none(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cache = dirs
    in_cache = fake_task(cache, ModelVariant.FULL.file_name)
    pin(monkeypatch, ModelVariant.FULL, in_cache)
    assert resolve_model() == in_cache


def test_env_var_wins_over_models_dirs(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checkout, _ = dirs
    pin(
        monkeypatch, ModelVariant.FULL, fake_task(checkout, ModelVariant.FULL.file_name)
    )
    from_env = fake_task(tmp_path, "custom.task")
    monkeypatch.setenv(models.ENV_VAR, str(from_env))
    monkeypatch.setattr(models, "_TRUSTED_SHA256", set())
    models.trust_file(from_env)
    assert resolve_model() == from_env


def test_explicit_path_wins_over_env_var(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(models.ENV_VAR, str(fake_task(tmp_path, "env.task")))
    explicit = fake_task(tmp_path, "explicit.task")
    explicit.write_bytes(explicit.read_bytes() + b"\0")  # not the env file's content
    monkeypatch.setattr(models, "_TRUSTED_SHA256", set())
    models.trust_file(explicit)
    assert resolve_model(explicit) == explicit


def test_explicit_path_not_in_manifest_is_refused_unless_trusted(
    dirs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "_TRUSTED_SHA256", set())
    explicit = fake_task(tmp_path, "custom.task")
    with pytest.raises(ModelError, match=r"custom\.task.*--trust-model"):
        resolve_model(explicit)
    models.trust_file(explicit)
    assert resolve_model(explicit) == explicit
    explicit.write_bytes(explicit.read_bytes() + b"\0")  # trust is by content
    with pytest.raises(ModelError, match="matches no pinned model"):
        resolve_model(explicit)


def test_explicit_missing_file_names_the_path(
    dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.task"
    with pytest.raises(ModelError, match=r"nope\.task"):
        resolve_model(missing)


def test_renamed_pinned_model_passed_explicitly_verifies(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    renamed = fake_task(tmp_path, "my_copy.task")
    pin(monkeypatch, ModelVariant.FULL, renamed)
    result = verify_file(renamed)
    assert (result.status, result.variant) == (Status.PINNED, ModelVariant.FULL)


def test_unpinned_variant_is_loaded_with_warning(
    dirs: tuple[Path, Path],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checkout, _ = dirs
    lite = fake_task(checkout, ModelVariant.LITE.file_name)
    monkeypatch.setattr(
        model_manifest,
        "MANIFEST",
        tuple(
            dataclasses.replace(s, sha256=None) if s.variant is ModelVariant.LITE else s
            for s in model_manifest.MANIFEST
        ),
    )
    with caplog.at_level("WARNING", logger="hingecam.media.models"):
        assert resolve_model(variant=ModelVariant.LITE) == lite
    assert "UNPINNED" in caplog.text


# -- one changed byte is refused ----------------------------------------------


def test_one_changed_byte_is_refused_by_resolve_model(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout, _ = dirs
    path = fake_task(checkout, ModelVariant.FULL.file_name)
    pin(monkeypatch, ModelVariant.FULL, path)
    good = models.sha256_file(path)
    flip_one_byte(path)
    with pytest.raises(ModelError) as exc:
        resolve_model()
    message = str(exc.value)
    assert str(path) in message
    assert good in message
    assert models.sha256_file(path) in message
    assert "\n" not in message


def test_one_changed_byte_is_refused_by_verify(
    dirs: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    checkout, _ = dirs
    path = fake_task(checkout, ModelVariant.FULL.file_name)
    pin(monkeypatch, ModelVariant.FULL, path)
    assert verify_file(path).status is Status.PINNED
    flip_one_byte(path)
    assert verify_file(path).status is Status.MISMATCH
    from hingecam.cli import main

    assert main(["models", "verify", "full"]) == 1
    err = capsys.readouterr().err
    assert "sha256 mismatch" in err
    assert str(path) in err


def test_explicit_file_named_like_a_variant_must_match_its_pin(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    explicit = fake_task(tmp_path, ModelVariant.FULL.file_name)
    pin(monkeypatch, ModelVariant.FULL, explicit)
    flip_one_byte(explicit)
    with pytest.raises(ModelError, match="sha256 mismatch"):
        resolve_model(explicit)


# -- the .task bundle --------------------------------------------------------


def local_data_offsets(data: bytes) -> dict[str, int]:
    """Member name -> file offset where its data starts, read from local headers."""
    offsets = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            name_len, extra_len = struct.unpack_from(
                "<HH", data, info.header_offset + 26
            )
            offsets[info.filename] = info.header_offset + 30 + name_len + extra_len
    return offsets


@pytest.mark.parametrize("sizes", [(1, 2), (17, 3), (4096, 33), (0, 5)])
def test_bundle_members_are_stored_aligned_and_intact(sizes: tuple[int, int]) -> None:
    members = [("pose_detector.tflite", b"d" * sizes[0]), ("x.tflite", b"l" * sizes[1])]
    data = bundle_task(members)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        infos = z.infolist()
        assert [i.filename for i in infos] == [m[0] for m in members]
        assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert [z.read(m[0]) for m in members] == [m[1] for m in members]
    for name, offset in local_data_offsets(data).items():
        assert offset % 16 == 0, name
        assert data[offset : offset + len(dict(members)[name])] == dict(members)[name]


def test_bundle_gives_identical_bytes_twice() -> None:
    members = [(DETECTOR_MEMBER, make_tflite()), (LANDMARKER_MEMBER, make_tflite(3))]
    assert bundle_task(members) == bundle_task(list(members))


# -- the metadata writer ----------------------------------------------------


def read_metadata(tflite: bytes) -> object:
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    model = tfl.ModelT.InitFromObj(tfl.Model.GetRootAsModel(tflite, 0))
    [entry] = [m for m in model.metadata if m.name == b"TFLITE_METADATA"]
    buf = bytes(model.buffers[entry.buffer].data)
    assert buf[4:8] == b"M001"
    return meta_fb.ModelMetadataT.InitFromObj(
        meta_fb.ModelMetadata.GetRootAsModelMetadata(buf, 0)
    )


def test_metadata_writer_adds_rgb_input_normalization() -> None:
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb

    out = add_input_normalization(make_tflite(3), 0.0, 255.0, "fake", "test model")
    assert out[4:8] == b"TFL3"
    meta = read_metadata(out)
    [sub] = meta.subgraphMetadata  # type: ignore[attr-defined]
    [image] = sub.inputTensorMetadata
    [unit] = image.processUnits
    assert unit.optionsType == meta_fb.ProcessUnitOptions.NormalizationOptions
    assert (list(unit.options.mean), list(unit.options.std)) == ([0.0], [255.0])
    assert image.content.contentProperties.colorSpace == meta_fb.ColorSpaceType.RGB
    assert len(sub.outputTensorMetadata) == 3


def test_metadata_writer_keeps_weights_and_aligns_them() -> None:
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    out = add_input_normalization(make_tflite(), 0.0, 255.0, "fake", "test model")
    model = tfl.Model.GetRootAsModel(out, 0)
    weights = model.Buffers(1)
    assert bytes(weights.DataAsNumpy()) == bytes(range(37))
    start = weights._tab.Vector(weights._tab.Offset(4))
    assert start % 16 == 0


def test_metadata_writer_is_deterministic_and_replaces_existing_metadata() -> None:
    once = add_input_normalization(make_tflite(), 0.0, 255.0, "fake", "a")
    assert once == add_input_normalization(make_tflite(), 0.0, 255.0, "fake", "a")
    twice = add_input_normalization(once, 127.5, 127.5, "fake", "b")
    meta = read_metadata(twice)
    unit = meta.subgraphMetadata[0].inputTensorMetadata[0].processUnits[0]  # type: ignore[attr-defined]
    assert list(unit.options.mean) == [127.5]


# -- building full from a (fake) wheel, and install ---------------------------


def fake_wheel(tmp_path: Path) -> tuple[Path, WheelBuild]:
    detector, landmarks = make_tflite(), make_tflite(5)
    wheel = tmp_path / "fakepipe-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("fakepipe/pose_detection.tflite", detector)
        z.writestr("fakepipe/pose_landmark_full.tflite", landmarks)
        z.writestr("fakepipe/__init__.py", "")
    build = dataclasses.replace(
        model_manifest.spec_for(ModelVariant.FULL).build,  # type: ignore[arg-type]
        wheel=wheel.name,
        wheel_sha256=models.sha256_file(wheel),
        members=(
            WheelMember(
                "fakepipe/pose_detection.tflite", DETECTOR_MEMBER, sha256(detector)
            ),
            WheelMember(
                "fakepipe/pose_landmark_full.tflite",
                LANDMARKER_MEMBER,
                sha256(landmarks),
            ),
        ),
    )
    return wheel, build


def test_build_from_wheel_is_reproducible_and_loads_as_task(tmp_path: Path) -> None:
    wheel, build = fake_wheel(tmp_path)
    first = model_build.build_from_wheel(wheel, build)
    assert first == model_build.build_from_wheel(wheel, build)
    model_build.check_task_bytes(first, "built")
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist() == [DETECTOR_MEMBER, LANDMARKER_MEMBER]
        assert read_metadata(z.read(LANDMARKER_MEMBER)).name == (  # type: ignore[attr-defined]
            b"BlazePose GHUM 3D landmarks (full)"
        )


def test_build_from_wheel_refuses_a_member_with_another_hash(tmp_path: Path) -> None:
    wheel, build = fake_wheel(tmp_path)
    bad_member = dataclasses.replace(build.members[0], sha256="0" * 64)
    build = dataclasses.replace(build, members=(bad_member, build.members[1]))
    with pytest.raises(ModelError, match="sha256 mismatch for fakepipe/pose_detection"):
        model_build.build_from_wheel(wheel, build)


def use_fake_wheel_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sha256_pin: str | None
) -> bytes:
    """Make install full build from a fake wheel (no pip); returns the built bytes."""
    wheel, build = fake_wheel(tmp_path)
    built = model_build.build_from_wheel(wheel, build)
    monkeypatch.setattr(model_download, "fetch_wheel", lambda b, workdir: wheel)
    monkeypatch.setattr(
        model_manifest,
        "MANIFEST",
        tuple(
            dataclasses.replace(s, build=build, sha256=sha256_pin or sha256(built))
            if s.variant is ModelVariant.FULL
            else s
            for s in model_manifest.MANIFEST
        ),
    )
    return built


def test_install_full_writes_the_pinned_build(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checkout, _ = dirs
    built = use_fake_wheel_build(monkeypatch, tmp_path, None)
    target = model_download.install(ModelVariant.FULL, dest=checkout)
    assert target.read_bytes() == built
    assert resolve_model() == target
    assert [p.name for p in checkout.iterdir()] == [ModelVariant.FULL.file_name]


def test_install_full_that_does_not_reproduce_writes_nothing(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checkout, _ = dirs
    use_fake_wheel_build(monkeypatch, tmp_path, "f" * 64)
    with pytest.raises(ModelError, match="does not reproduce"):
        model_download.install(ModelVariant.FULL, dest=checkout)
    assert list(checkout.iterdir()) == []


def fake_npm_build(tmp_path: Path) -> tuple[Path, Path, WheelBuild, bytes]:
    """A fake wheel (detector) and npm tarball (lite landmarks) with their build."""
    wheel, full = fake_wheel(tmp_path)
    landmarks = make_tflite(4)
    tarball = tmp_path / "pose-0.0.1.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        info = tarfile.TarInfo("package/pose_landmark_lite.tflite")
        info.size = len(landmarks)
        tar.addfile(info, io.BytesIO(landmarks))
    npm = model_manifest.NpmLandmarker(
        package="@fake/pose",
        version="0.0.1",
        tarball_sha256=models.sha256_file(tarball),
        tarball_path="package/pose_landmark_lite.tflite",
        sha256=sha256(landmarks),
    )
    build = dataclasses.replace(
        full, members=full.members[:1], label="lite", landmarker_npm=npm
    )
    return wheel, tarball, build, landmarks


def use_fake_npm_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[Path, bytes]:
    """Make install lite build from fakes (no pip); returns (tarball, built)."""
    wheel, tarball, build, _ = fake_npm_build(tmp_path)
    built = model_build.build_from_wheel(wheel, build, tarball)
    monkeypatch.setattr(model_download, "fetch_wheel", lambda b, workdir: wheel)
    monkeypatch.setattr(
        model_manifest,
        "MANIFEST",
        tuple(
            dataclasses.replace(s, build=build, sha256=sha256(built))
            if s.variant is ModelVariant.LITE
            else s
            for s in model_manifest.MANIFEST
        ),
    )
    return tarball, built


def test_lite_build_takes_landmarks_from_the_npm_tarball(tmp_path: Path) -> None:
    wheel, tarball, build, landmarks = fake_npm_build(tmp_path)
    assert build.landmarker_npm is not None
    assert build.landmarker_npm.sha256 == sha256(landmarks)
    first = model_build.build_from_wheel(wheel, build, tarball)
    assert first == model_build.build_from_wheel(wheel, build, tarball)
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist() == [DETECTOR_MEMBER, LANDMARKER_MEMBER]
        meta = read_metadata(z.read(LANDMARKER_MEMBER))
    assert meta.name == b"BlazePose GHUM 3D landmarks (lite)"  # type: ignore[attr-defined]
    assert b"@fake/pose@0.0.1" in meta.description  # type: ignore[attr-defined]


def test_lite_build_refuses_a_tarball_with_another_hash(tmp_path: Path) -> None:
    wheel, tarball, build, _ = fake_npm_build(tmp_path)
    assert build.landmarker_npm is not None
    build = dataclasses.replace(
        build,
        landmarker_npm=dataclasses.replace(
            build.landmarker_npm, tarball_sha256="0" * 64
        ),
    )
    with pytest.raises(ModelError, match=r"sha256 mismatch for .*pose-0.0.1.tgz"):
        model_build.build_from_wheel(wheel, build, tarball)


def test_install_lite_builds_the_pinned_file_from_wheel_and_npm(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tarball, built = use_fake_npm_build(monkeypatch, tmp_path)
    monkeypatch.setattr(
        model_download, "download", lambda url, timeout_s=0: tarball.read_bytes()
    )
    target = model_download.install(ModelVariant.LITE, dest=dirs[0])
    assert target.read_bytes() == built
    assert verify_file(target).status is Status.PINNED


def test_install_lite_without_network_fails_in_one_line(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(url: str, timeout_s: float = 0) -> bytes:
        raise ModelError(f"cannot download {url}: Connection refused")

    use_fake_npm_build(monkeypatch, tmp_path)
    monkeypatch.setattr(model_download, "download", refuse)
    with pytest.raises(ModelError) as exc:
        model_download.install(ModelVariant.LITE, dest=dirs[0])
    assert "\n" not in str(exc.value)
    assert "Connection refused" in str(exc.value)
    assert list(dirs[0].iterdir()) == []


def test_install_lite_refuses_a_tampered_tarball(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_fake_npm_build(monkeypatch, tmp_path)
    monkeypatch.setattr(model_download, "download", lambda url, timeout_s=0: b"x")
    with pytest.raises(ModelError, match="sha256 mismatch for https://registry"):
        model_download.install(ModelVariant.LITE, dest=dirs[0])
    assert list(dirs[0].iterdir()) == []


def test_model_option_names_a_variant(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    checkout, _ = dirs
    heavy = fake_task(checkout, ModelVariant.HEAVY.file_name)
    pin(monkeypatch, ModelVariant.HEAVY, heavy)
    monkeypatch.chdir(tmp_path)
    assert resolve_model(Path("heavy")) == heavy


# -- the manifest file -------------------------------------------------------


def test_manifest_json_matches_the_pins_in_code() -> None:
    on_disk = json.loads((REPO_ROOT / "models" / "manifest.json").read_text("utf-8"))
    assert on_disk == model_manifest.manifest_to_dict(), (
        "run: python scripts/model_manifest.py"
    )


def test_manifest_pins_full_and_names_every_variant_file() -> None:
    entries = {e["variant"]: e for e in model_manifest.manifest_to_dict()["models"]}
    assert [entries[v.value]["file"] for v in ModelVariant] == [
        "pose_landmarker_lite.task",
        "pose_landmarker_full.task",
        "pose_landmarker_heavy.task",
    ]
    assert all(len(e["sha256"]) == 64 for e in entries.values())
    assert entries["lite"]["build"]["landmarks_from_npm"]["sha256"] == (
        "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"
    )
    assert {e["license"] for e in entries.values()} == {"Apache-2.0"}


# -- the real model ----------------------------------------------------------


@pytest.mark.model
def test_installed_model_is_pinned_and_finds_a_pose_on_a_real_frame(
    model_path: Path, clip_path: Callable[[str], Path]
) -> None:
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions
    from mediapipe.tasks.python.vision import (
        PoseLandmarker,
        PoseLandmarkerOptions,
        RunningMode,
    )

    assert verify_file(model_path).status is Status.PINNED
    cap = cv2.VideoCapture(str(clip_path("kbdl_side_correct_tby.mp4")))
    ok, bgr = cap.read()
    cap.release()
    assert ok
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path)),
        running_mode=RunningMode.VIDEO,
        output_segmentation_masks=True,
    )
    with PoseLandmarker.create_from_options(options) as landmarker:
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        result = landmarker.detect_for_video(
            mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), 0
        )
    assert len(result.pose_landmarks) == 1
    assert len(result.pose_landmarks[0]) == 33
    xy = np.array([(p.x, p.y) for p in result.pose_landmarks[0]])
    assert np.all((xy > 0.0) & (xy < 1.0))  # the whole body is in this frame
    mask = result.segmentation_masks[0].numpy_view()
    assert mask.shape[:2] == bgr.shape[:2]
    assert 0.01 < float(mask.mean()) < 0.5  # a person, not an empty or full mask
