"""hingecam: rep-by-rep form checker for the hip hinge. The public API is listed in
`__all__`; each name is imported on first use, so `import hingecam` stays cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "Analyzer",
    "Exercise",
    "Rep",
    "Thresholds",
    "Verdict",
    "analyze",
    "analyze_many",
    "analyze_track",
    "load_track",
    "progress",
    "write_outputs",
]

if TYPE_CHECKING:  # what the lazy names below resolve to, for type checkers
    from hingecam.app.api import analyze, analyze_track
    from hingecam.app.diary import progress
    from hingecam.app.many import analyze_many
    from hingecam.core.analysis import Analyzer
    from hingecam.core.datatypes import AnalysisResult, Exercise, Rep, Verdict
    from hingecam.core.thresholds import Thresholds
    from hingecam.media.tracks import load_track
    from hingecam.report.write import write_outputs


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name in ("analyze", "analyze_track"):
        from hingecam.app import api

        return getattr(api, name)
    if name == "progress":
        from hingecam.app.diary import progress

        return progress
    if name == "analyze_many":
        from hingecam.app.many import analyze_many

        return analyze_many
    if name == "Analyzer":
        from hingecam.core.analysis import Analyzer

        return Analyzer
    if name in ("AnalysisResult", "Exercise", "Rep", "Verdict"):
        from hingecam.core import datatypes

        return getattr(datatypes, name)
    if name == "Thresholds":
        from hingecam.core.thresholds import Thresholds

        return Thresholds
    if name == "load_track":
        from hingecam.media.tracks import load_track

        return load_track
    if name == "write_outputs":
        from hingecam.report.write import write_outputs

        return write_outputs
    raise AttributeError(f"module 'hingecam' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
