"""Lint and type checks are part of the tests: ruff on the package, tests and
scripts; mypy --strict on the modules listed in pyproject.toml (core, app, cli)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def _module_sizes() -> Any:
    spec = importlib.util.spec_from_file_location(
        "module_sizes", REPO / "scripts" / "module_sizes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # NamedTuple needs its module registered
    spec.loader.exec_module(module)
    return module


def test_no_function_or_module_is_over_the_size_limits() -> None:
    """No function over 100 lines or 8 parameters, no module over 500 lines."""
    over = _module_sizes().oversized(REPO / "hingecam")
    assert over.long_functions == []
    assert over.wide_functions == []
    assert over.long_modules == []
