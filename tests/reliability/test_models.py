"""Model integrity by content: what loads is what `models verify` checks, a file
no pin matches is refused unless `--model PATH --trust-model`, and the report
records the sha256 of the model that measured the frames."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.reliability.harness import assert_one_error, hingecam
from tests.reliability.inputs import write_clip


@pytest.fixture
def tampered(tmp_path: Path, model_path: Path) -> Path:
    """The real model with one byte changed, under another name."""
    copy = tmp_path / "my_model.task"
    data = bytearray(model_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    return copy


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "HINGECAM_MODEL"}
    return {**env, **extra}


@pytest.mark.model
def test_an_unpinned_model_is_refused_without_trust(
    tampered: Path, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "tiny.mp4", 64, 64, frames=2)
    done = hingecam(
        "analyze", clip, "--out", tmp_path / "out", "--model", tampered, env=_env()
    )
    assert done.returncode == 2
    assert_one_error(
        done.stderr, str(tampered), "matches no pinned model", "--trust-model"
    )
    assert not (tmp_path / "out").exists(), "--out (and its lock) made for nothing"


@pytest.mark.model
def test_live_refuses_an_unpinned_model_before_making_out(
    tampered: Path, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "tiny.mp4", 64, 64, frames=2)
    out = tmp_path / "out"
    done = hingecam(
        "live",
        "--no-window",
        "--source",
        clip,
        "--out",
        out,
        "--model",
        tampered,
        env=_env(),
    )
    assert done.returncode == 2
    assert_one_error(done.stderr, str(tampered), "matches no pinned model")
    assert not out.exists(), "--out (and its lock) made for nothing"


@pytest.mark.model
def test_hingecam_model_is_held_to_the_same_rule(
    tampered: Path, tmp_path: Path
) -> None:
    clip = write_clip(tmp_path / "tiny.mp4", 64, 64, frames=2)
    env = _env(HINGECAM_MODEL=str(tampered))
    done = hingecam("analyze", clip, "--out", tmp_path / "out", env=env)
    assert done.returncode == 2
    assert_one_error(done.stderr, str(tampered), "matches no pinned model")


@pytest.mark.model
def test_trust_model_loads_the_named_file(tampered: Path) -> None:
    refused = hingecam("models", "path", "--model", tampered, env=_env())
    assert refused.returncode == 2
    trusted = hingecam(
        "models", "path", "--model", tampered, "--trust-model", env=_env()
    )
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.strip() == str(tampered)


def test_trust_model_without_model_is_one_line(tmp_path: Path) -> None:
    done = hingecam("models", "path", "--trust-model", env=_env())
    assert done.returncode == 2
    assert_one_error(done.stderr, "--trust-model needs --model")


@pytest.mark.model
def test_verify_checks_the_file_that_loads(tampered: Path) -> None:
    done = hingecam("models", "verify", env=_env(HINGECAM_MODEL=str(tampered)))
    assert done.returncode == 1
    assert str(tampered) in done.stdout.splitlines()[0]
    assert_one_error(done.stderr, str(tampered), "matches no pinned model")


@pytest.mark.model
def test_verify_model_fails_for_an_unpinned_file(
    tampered: Path, model_path: Path
) -> None:
    done = hingecam("models", "verify", "--model", tampered, env=_env())
    assert done.returncode == 1
    assert_one_error(done.stderr, str(tampered))
    renamed = tampered.with_name("pose_landmarker_full.task")
    shutil.copy(tampered, renamed)  # a pinned variant's name does not help
    done = hingecam("models", "verify", "--model", renamed, env=_env())
    assert done.returncode == 1
    assert "SHA256 MISMATCH" in done.stdout
    assert (
        hingecam("models", "verify", "--model", model_path, env=_env()).returncode == 0
    )


@pytest.mark.model
@pytest.mark.slow
def test_the_report_records_the_model_sha256(tmp_path: Path, model_path: Path) -> None:
    clip = write_clip(tmp_path / "tiny.mp4", 64, 64, frames=3)
    out = tmp_path / "out"
    done = hingecam("analyze", clip, "--out", out, "--model", model_path, env=_env())
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "tiny" / "report.json").read_text())
    assert report["meta"]["model"] == {
        "file": model_path.name,
        "sha256": hashlib.sha256(model_path.read_bytes()).hexdigest(),
    }
