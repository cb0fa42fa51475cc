"""`hingecam thresholds`: the thresholds in force -> a table or a TOML file."""

from __future__ import annotations

from dataclasses import dataclass, field

from hingecam.app.options import ProfileOptions
from hingecam.core.thresholds import describe


@dataclass(frozen=True, slots=True)
class ThresholdsOptions:
    """`hingecam thresholds`'s arguments: the profile, and TOML output or not."""

    profile: ProfileOptions = field(default_factory=ProfileOptions)
    toml: bool = False


def run_cli(options: ThresholdsOptions) -> int:
    """Print the thresholds in force (defaults < profile < --thresholds < --set)
    as a table with unit, doc and source, or as TOML to edit and pass back."""
    _, th = options.profile.load()
    meta = {name: (unit, source, doc) for name, _, unit, source, doc in describe()}
    if options.toml:
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
