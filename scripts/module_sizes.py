"""The largest modules and classes of a package (lines), `# ---` banners left, and
the offenders against the size limits (functions over 100 lines or 8 parameters,
modules over 500 lines).

Usage: python scripts/module_sizes.py [PACKAGE_DIR]   (default: hingecam/)
"""

from __future__ import annotations

import ast
import pathlib
import sys
from typing import NamedTuple

MAX_FUNCTION_LINES = 100
MAX_FUNCTION_PARAMS = 8  # self / cls not counted
MAX_MODULE_LINES = 500

PUBLIC_SIGNATURES: dict[str, str] = {
    "app/many.py:analyze_many": "hingecam.analyze_many: the keyword arguments README documents",
}
"""Functions whose parameters are a documented public signature, with why: they
are printed, not counted, against MAX_FUNCTION_PARAMS."""


class Offender(NamedTuple):
    """One thing over a limit: where it is and how big it is."""

    where: str  # "path" or "path:function"
    size: int  # lines or parameters


class Oversized(NamedTuple):
    """The offenders against each size limit, largest first."""

    long_functions: list[Offender]
    wide_functions: list[Offender]
    long_modules: list[Offender]


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    a = fn.args
    names = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    return len(names) + (a.vararg is not None) + (a.kwarg is not None)


def oversized(root: pathlib.Path) -> Oversized:
    """The functions and modules under `root` that exceed the size limits."""
    long_fns: list[Offender] = []
    wide_fns: list[Offender] = []
    long_mods: list[Offender] = []
    for p in sorted(root.rglob("*.py")):
        text = p.read_text()
        rel = p.relative_to(root)
        if (n_lines := len(text.splitlines())) > MAX_MODULE_LINES:
            long_mods.append(Offender(str(rel), n_lines))
        for n in ast.walk(ast.parse(text)):
            if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            where = f"{rel}:{n.name}"
            if n.end_lineno is not None:
                lines = n.end_lineno - n.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long_fns.append(Offender(where, lines))
            params = _params(n)
            if params > MAX_FUNCTION_PARAMS and where not in PUBLIC_SIGNATURES:
                wide_fns.append(Offender(where, params))
    return Oversized(
        *(sorted(x, key=lambda o: -o.size) for x in (long_fns, wide_fns, long_mods))
    )


def _figure(label: str, offenders: list[Offender], unit: str) -> str:
    listed = "".join(f"\n  {o.where} {o.size} {unit}" for o in offenders)
    return f"{label}: {len(offenders)}{listed}"


def main(root: pathlib.Path) -> None:
    files = sorted(root.rglob("*.py"))
    mods = sorted(((len(p.read_text().splitlines()), p) for p in files), reverse=True)
    classes = []
    for p in files:
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, ast.ClassDef) and n.end_lineno is not None:
                classes.append(
                    (n.end_lineno - n.lineno + 1, f"{p.relative_to(root)}:{n.name}")
                )
    classes.sort(reverse=True)
    banners = sum(
        1
        for p in files
        for line in p.read_text().splitlines()
        if line.startswith("# ---")
    )
    print("modules:", ", ".join(f"{p.relative_to(root)} {n}" for n, p in mods[:5]))
    print("classes:", ", ".join(f"{name} {n}" for n, name in classes[:5]))
    print(f"{len(files)} files, {banners} banners")
    over = oversized(root)
    print(
        _figure(
            f"functions over {MAX_FUNCTION_LINES} lines", over.long_functions, "lines"
        )
    )
    print(
        _figure(
            f"functions over {MAX_FUNCTION_PARAMS} parameters",
            over.wide_functions,
            "params",
        )
    )
    print(_figure(f"modules over {MAX_MODULE_LINES} lines", over.long_modules, "lines"))
    for where, why in PUBLIC_SIGNATURES.items():
        print(f"parameters not counted: {where} ({why})")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "hingecam"))
