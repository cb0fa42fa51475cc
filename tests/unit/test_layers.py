"""The folders are the layers: imports flow one way and core stays pure (STYLE §2).

app -> {report, render, media} -> core -> errors; files (the atomic writer) sits
beside errors at the bottom, so every layer may use it. The test parses every
module's imports (lazy ones inside functions included) and fails on an upward or
sideways import, on a cycle between modules, and on a heavy library in core.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "hingecam"

# What each layer may import from hingecam (besides itself).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "files": set(),
    "core": {"errors", "files"},
    "media": {"core", "errors", "files"},
    "render": {"core", "errors", "files"},
    "report": {"core", "render", "errors", "files"},
    "app": {"core", "media", "render", "report", "errors", "files"},
    "cli": {"app", "core", "media", "errors", "files", "__init__"},
    "__main__": {"cli"},
    "__init__": {"app", "core", "media", "report", "errors", "files"},
}
CORE_FORBIDDEN = {"cv2", "mediapipe", "av", "matplotlib", "jinja2", "PIL"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(dotted: str) -> str:
    parts = dotted.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """The import nodes under `if TYPE_CHECKING:` (annotations only, never run)."""
    return {
        inner
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
        for stmt in node.body
        for inner in ast.walk(stmt)
    }


def imports_of(path: Path, annotations: bool = True) -> set[str]:
    """Every absolute module name the file imports, lazy imports included, and
    those only for annotations (`if TYPE_CHECKING:`) unless `annotations` is False."""
    names: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if annotations else _type_checking_only(tree)
    for node in ast.walk(tree):
        if node in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; use absolute ones"
            if node.module == "hingecam":
                names.update(f"hingecam.{alias.name}" for alias in node.names)
            elif node.module:
                names.add(node.module)
    return names


def test_import_parser_sees_lazy_and_dotted_imports(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(
        "import numpy as np\n"
        "from mediapipe.tasks import python\n"
        "from hingecam import core\n"
        "def f():\n"
        "    import cv2\n"
    )
    assert imports_of(src) == {"numpy", "mediapipe.tasks", "hingecam.core", "cv2"}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _dotted(p))
def test_module_imports_only_its_own_layer_or_below(path: Path) -> None:
    layer = _layer(_dotted(path))
    assert layer in ALLOWED, f"{_dotted(path)} is in no known layer"
    for name in imports_of(path):
        if not name.startswith("hingecam"):
            continue
        target = _layer(name)
        if target in {layer, "__init__"} and name == "hingecam":
            continue
        if target == "__version__":
            continue
        assert target == layer or target in ALLOWED[layer], (
            f"{_dotted(path)} ({layer}) imports {name} ({target}): "
            f"{layer} may import only {sorted(ALLOWED[layer])}"
        )


@pytest.mark.parametrize(
    "path", sorted((PACKAGE / "core").rglob("*.py")), ids=lambda p: _dotted(p)
)
def test_core_imports_no_camera_model_video_or_plot_library(path: Path) -> None:
    roots = {name.split(".")[0] for name in imports_of(path)}
    bad = roots & CORE_FORBIDDEN
    assert not bad, f"{_dotted(path)} imports {sorted(bad)}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in a module graph (as a list of names, closed), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, set())):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def module_graph() -> dict[str, set[str]]:
    """Module -> hingecam modules it imports when it runs; package __init__
    re-exports left out. An annotation-only import never runs, so it cannot
    close a cycle (the registry's `Fault` in `core/datatypes.py`); it still counts
    for the layers."""
    known = {_dotted(p) for p in _modules()}
    packages = {_dotted(p) for p in _modules() if p.name == "__init__.py"}
    graph: dict[str, set[str]] = {}
    for path in _modules():
        if path.name == "__init__.py":
            continue
        deps = set()
        for name in imports_of(path, annotations=False):
            # `from hingecam.core import geometry` names a module, not a package.
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name.startswith("hingecam.") and name not in packages:
                deps.add(name)
        deps.discard(_dotted(path))
        graph[_dotted(path)] = deps
    return graph


def test_no_import_cycles_between_modules() -> None:
    cycle = find_cycle(module_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_cycle_finder_finds_a_cycle_and_accepts_a_chain() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _dotted(p))
def test_module_imports_no_private_name_of_another_module(path: Path) -> None:
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("hingecam")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert not private, f"{_dotted(path)} imports private names: {private}"
