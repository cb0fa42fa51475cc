"""`hingecam thresholds`: the thresholds in force -> a table or a TOML file."""

from __future__ import annotations

import argparse

from hingecam.core.datatypes import Exercise
from hingecam.core.thresholds import describe, load_thresholds


def run_cli(args: argparse.Namespace) -> int:
    """Print the thresholds in force (defaults < profile < --thresholds < --set)
    as a table with unit, doc and source, or as TOML to edit and pass back."""
    th = load_thresholds(Exercise(args.exercise), args.thresholds, args.set)
    meta = {name: (unit, source, doc) for name, _, unit, source, doc in describe()}
    if args.toml:
        print("# hingecam thresholds; pass back with --thresholds FILE")
        print("[thresholds]")
        for name, value in th.as_dict().items():
            unit, _, doc = meta[name]
            print(f"# {doc} ({unit})")
            print(f"{name} = {value:g}")
        return 0
    width = max(len(n) for n in meta)
    for name, value in th.as_dict().items():
        unit, source, doc = meta[name]
        print(f"{name:<{width}}  {value:>7g} {unit:<9} {doc}")
        print(f"{'':<{width}}  {'':>7} {'':<9} source: {source}")
    return 0
