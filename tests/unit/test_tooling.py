"""Lint and type checks are part of the tests: ruff on the package, tests and
scripts; mypy --strict on the modules listed in pyproject.toml (core, app, cli)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and not (Path(sys.executable).parent / name).exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return [sys.executable, "-m", name]


def test_ruff_finds_no_lint_errors() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "check", "hingecam", "tests", "scripts"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_passes_on_the_listed_modules() -> None:
    proc = subprocess.run(
        [*_tool("mypy")], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
