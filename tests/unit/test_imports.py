"""The pure core imports no camera, model or video library (STYLE §1, §2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "hingecam"

CORE_MODULES = (
    "datatypes",
    "landmarks",
    "errors",
    "geometry",
    "smoothing",
    "thresholds",
    "rules",
    "reps",
    "analysis",
    "report",
)
FORBIDDEN = {"cv2", "mediapipe", "av"}


def imported_roots(path: Path) -> set[str]:
    """Top-level package names of every import in the file, lazy ones included."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_import_parser_sees_lazy_and_dotted_imports(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(
        "import numpy as np\n"
        "from mediapipe.tasks import python\n"
        "def f():\n"
        "    import cv2\n"
        "    from . import sibling\n"
    )
    assert imported_roots(src) == {"numpy", "mediapipe", "cv2"}


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_cv2_mediapipe_or_av(module: str) -> None:
    path = PACKAGE / f"{module}.py"
    assert path.is_file(), f"core module {path} is missing"
    bad = imported_roots(path) & FORBIDDEN
    assert not bad, f"hingecam/{module}.py imports {sorted(bad)}"
