"""`hingecam models ...` in-process: exit codes and the lines a user sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from hingecam.cli import main
from hingecam.media import models
from hingecam.media.model_build import bundle_task
from hingecam.media.model_manifest import (
    DETECTOR_MEMBER,
    LANDMARKER_MEMBER,
    ModelVariant,
)


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    checkout, cache = tmp_path / "checkout", tmp_path / "cache"
    checkout.mkdir()
    cache.mkdir()
    monkeypatch.setattr(models, "checkout_models_dir", lambda: checkout)
    monkeypatch.setattr(models, "cache_models_dir", lambda: cache)
    monkeypatch.delenv(models.ENV_VAR, raising=False)
    return checkout, cache


def write_task(path: Path) -> Path:
    tflite = b"\0\0\0\0TFL3" + bytes(range(40))
    path.write_bytes(
        bundle_task([(DETECTOR_MEMBER, tflite), (LANDMARKER_MEMBER, tflite)])
    )
    return path


def test_models_without_action_lists_every_variant(
    dirs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for variant in ModelVariant:
        assert f"{variant.value:<6} not installed" in out


def test_list_shows_where_a_model_is_and_its_status(
    dirs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lite = write_task(dirs[1] / ModelVariant.LITE.file_name)  # not the pinned lite
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{lite}  SHA256 MISMATCH" in out


def test_path_without_model_exits_2_with_install_hint(
    dirs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "path"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.rstrip().endswith("hingecam models install full")


def test_path_prints_the_explicit_model(
    dirs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = write_task(tmp_path / "mine.task")
    # No pin matches it: named with --trust-model it is what would load.
    assert main(["models", "path", "--model", str(task), "--trust-model"]) == 0
    assert capsys.readouterr().out.strip() == str(task)
    assert main(["models", "path", "--model", str(task)]) == 2
    assert "--trust-model" in capsys.readouterr().err


def test_verify_of_a_variant_not_installed_exits_2(
    dirs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "verify", "heavy"]) == 2
    assert "hingecam models install heavy" in capsys.readouterr().err


def test_verify_explicit_file_with_wrong_hash_for_its_variant_exits_1(
    dirs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = write_task(tmp_path / "x.task")
    assert main(["models", "verify", "full", "--model", str(task)]) == 1
    err = capsys.readouterr().err
    assert "sha256 mismatch" in err
    assert models.sha256_file(task) in err
