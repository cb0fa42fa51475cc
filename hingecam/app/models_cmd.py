"""`hingecam models list|install|verify|path`: what is installed where, install a
variant, check sha256 pins, print the model hingecam would load."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hingecam.errors import ModelError
from hingecam.media.model_download import install
from hingecam.media.models import (
    ENV_VAR,
    ModelVariant,
    Status,
    find_installed,
    resolve_model,
    search_dirs,
    to_load,
    verify_file,
)


def _list() -> int:
    env = os.environ.get(ENV_VAR)
    if env:
        print(f"${ENV_VAR}={env} overrides every variant below")
    for variant in ModelVariant:
        path = find_installed(variant)
        if path is None:
            print(f"{variant.value:<6} not installed")
            continue
        result = verify_file(path, variant)
        print(f"{variant.value:<6} {path}  {result.status.value}")
    print(f"searched: {', '.join(str(d) for d in search_dirs())}")
    return 0


def _verify(variant: ModelVariant | None, model: Path | None) -> int:
    if model is not None:
        if not model.is_file():
            raise ModelError(f"model file not found: {model}")
        targets = [(model, variant)]
    elif variant is not None:
        path = find_installed(variant)
        if path is None:
            raise ModelError(
                f"{variant.value} is not installed; install it with: "
                f"hingecam models install {variant.value}"
            )
        targets = [(path, variant)]
    else:
        # The file that will load first ($HINGECAM_MODEL wins), then the others.
        loading = to_load()
        targets = [(loading, None)] if loading is not None else []
        targets += [
            (p, v)
            for v in ModelVariant
            if (p := find_installed(v)) is not None and p != loading
        ]
        if loading is not None and not loading.is_file():
            raise ModelError(f"model file not found: {loading} (${ENV_VAR})")
        if not targets:
            raise ModelError(
                "no model installed; install one with: hingecam models install full"
            )
    failed = 0
    for path, v in targets:
        result = verify_file(path, v)
        label = result.variant.value if result.variant else "?"
        print(f"{label:<6} {path}  {result.status.value}  sha256 {result.sha256}")
        if result.status is Status.MISMATCH:
            print(f"hingecam: error: {result.mismatch_message()}", file=sys.stderr)
            failed += 1
        elif result.status is Status.UNKNOWN:
            print(f"hingecam: error: {path}: matches no pinned model", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


@dataclass(frozen=True, slots=True)
class ModelsOptions:
    """`hingecam models`' arguments (see `hingecam models --help`).

    Attributes:
        action: list, install, verify or path.
        variant: a ModelVariant value, or None (each action's default).
        force, dest: install's options.
        model: --model of verify and path.
    """

    action: str = "list"
    variant: str | None = None
    force: bool = False
    dest: Path | None = None
    model: Path | None = None


def run_cli(options: ModelsOptions) -> int:
    """Entry point of `hingecam models [list|install|verify|path]`."""
    command = options.action
    variant = ModelVariant(options.variant) if options.variant else None
    if command == "list":
        return _list()
    if command == "install":
        install(variant or ModelVariant.FULL, dest=options.dest, force=options.force)
        return 0
    if command == "verify":
        return _verify(variant, options.model)
    if command == "path":
        print(resolve_model(options.model, variant or ModelVariant.FULL))
        return 0
    raise ModelError(f"unknown models action: {command}")
