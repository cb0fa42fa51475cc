"""Shared fixtures. Add yours below the existing ones, one section per concern.

Resources that live outside the repo (the real clips, the pose model) are
skipped with a reason when missing, and fail instead when CI=true, so CI can
never go green by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CLIPS_DIR = REPO_ROOT.parent / "shared" / "clips"
"""Real videos for pipeline tests: ../shared/clips relative to the repo root."""


def under_ci() -> bool:
    """True when the environment says CI (CI=true, as GitHub Actions sets it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing_resource(reason: str) -> NoReturn:
    """Skip the test locally, fail it under CI."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: missing resources fail instead of skip)")
    pytest.skip(reason)


# -- real clips and the pose model ---------------------------------------------


@pytest.fixture(scope="session")
def clips_dir() -> Path:
    """Folder of real clips (../shared/clips); skips (fails under CI) if missing."""
    if not CLIPS_DIR.is_dir():
        missing_resource(f"real clips not found at {CLIPS_DIR}")
    return CLIPS_DIR


@pytest.fixture(scope="session")
def clip_path(clips_dir: Path) -> Callable[[str], Path]:
    """Factory: clip_path("kbdl_side_correct_tby.mp4") -> Path, skip/fail if absent."""

    def _clip(name: str) -> Path:
        path = clips_dir / name
        if not path.is_file():
            missing_resource(f"clip {name} not found in {clips_dir}")
        return path

    return _clip


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The pose model (.task) as hingecam resolves it; skips (fails under CI)."""
    try:
        from hingecam.media.models import resolve_model
    except ImportError as exc:
        missing_resource(f"hingecam.media.models is not importable: {exc}")
    from hingecam.errors import HingecamError

    try:
        path = resolve_model()
    except HingecamError as exc:
        missing_resource(f"pose model not available: {exc}")
    if not path.is_file():
        missing_resource(f"pose model not found at {path}")
    return path


# -- golden files --------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite samples/*.expected.json from the current results (review the diff)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when run with --update-golden."""
    return bool(request.config.getoption("--update-golden"))


# --- a Ray cluster ---------------------------------------------------------


@pytest.fixture(scope="session")
def ray_address() -> Iterator[str]:
    """A real Ray head on 127.0.0.1 with 2 CPUs in its own temp dir, shared by
    the session's Ray tests and stopped after (tests/ray_cluster.py)."""
    try:
        import ray  # noqa: F401
    except ImportError:
        missing_resource('ray is not installed (pip install -e ".[ray]")')
    from tests.ray_cluster import local_cluster

    with local_cluster(num_cpus=2) as address:
        yield address


# -- the per-user diary folder -------------------------------------------------


@pytest.fixture(autouse=True)
def diary_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A private user data folder ($XDG_DATA_HOME) for every test, and for the
    processes it starts: `hingecam live` without --out and `hingecam progress`
    without DIR never touch the real diary folder."""
    home = tmp_path_factory.mktemp("data-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home
