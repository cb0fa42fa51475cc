"""`hingecam models list|install|verify|path`: the parser of the pose-model
commands (each action its own subparser) and the typed options it makes."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hingecam.cli.common import MODEL_VARIANTS, add_model_option, lazy_choices


def _add_variant(p: argparse.ArgumentParser, default: str | None) -> None:
    lazy_choices(
        p.add_argument(
            "variant",
            nargs="?",
            type=str,
            choices=MODEL_VARIANTS,
            default=default,
            metavar="VARIANT",
        )
    )


def add_models(sub: Any) -> None:
    p = sub.add_parser(
        "models",
        help="list, install and verify the pose models",
        description="Manage PoseLandmarker models. `full` is built reproducibly from "
        "the mediapipe 0.10.21 wheel on the package index; nothing downloads without "
        "`models install`.",
    )
    msub = p.add_subparsers(dest="models_command", metavar="ACTION")
    m = msub.add_parser("list", help="variants, where each is, whether it verified")
    m = msub.add_parser("install", help="install a variant (default: full)")
    _add_variant(m, "full")
    m.add_argument(
        "--force", action="store_true", help="rebuild even when a verified copy exists"
    )
    m.add_argument(
        "--dest",
        type=Path,
        default=None,
        metavar="DIR",
        help="install into DIR (default: models/ of a checkout, else the user cache)",
    )
    m = msub.add_parser(
        "verify", help="check installed models against their pinned sha256"
    )
    _add_variant(m, None)
    add_model_option(m)
    m = msub.add_parser("path", help="print the path of the model hingecam would load")
    _add_variant(m, "full")
    add_model_option(m)
    p.set_defaults(handler=_models)


def _models(args: argparse.Namespace) -> int:
    """`hingecam models ...` (its module imported when run, as every command's)."""
    from hingecam.app.models_cmd import ModelsOptions, run_cli

    options = ModelsOptions(
        action=getattr(args, "models_command", None) or "list",
        variant=getattr(args, "variant", None),
        force=getattr(args, "force", False),
        dest=getattr(args, "dest", None),
        model=getattr(args, "model", None),
    )
    return run_cli(options)
