"""Command line: `hingecam COMMAND ...` (commands.py: a parser and a typed
options object per command, models.py: those of `hingecam models`; common.py:
argparse types, enum choices, shared option groups)."""

from __future__ import annotations

from hingecam.cli.commands import build_parser, main

__all__ = ["build_parser", "main"]
