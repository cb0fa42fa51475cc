"""The largest modules and classes of a package (lines), and `# ---` banners left.

Usage: python scripts/module_sizes.py [PACKAGE_DIR]   (default: hingecam/)
"""

from __future__ import annotations

import ast
import pathlib
import sys


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


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "hingecam"))
