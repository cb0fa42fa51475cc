"""Report page: AnalysisResult -> one self-contained, offline HTML file, rendered
from the Jinja2 templates in templates/ (autoescaped) with report.css inlined."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
)
from markupsafe import Markup

from hingecam.core.datatypes import AnalysisResult
from hingecam.report.build import Report, build_report
from hingecam.report.context import page_context
from hingecam.report.jpeg import jpeg_size

__all__ = ["environment", "jpeg_size", "page_css", "render_html"]


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment: package templates, autoescaping on, and strict
    about undefined names so a typo fails loudly instead of printing nothing.
    Compiled templates are kept in the user cache folder (`_template_cache`)."""
    return Environment(
        loader=PackageLoader("hingecam.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        bytecode_cache=_template_cache(),
    )


def _template_cache() -> BytecodeCache | None:
    """Compiling the page's templates takes ~0.15 s, a fifth of a short clip's
    run: Jinja keeps their bytecode (checked against the template source, written
    atomically) in hingecam's user cache folder, or nowhere when it cannot be
    made."""
    from platformdirs import user_cache_dir

    folder = Path(user_cache_dir("hingecam")) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


@lru_cache(maxsize=1)
def page_css() -> str:
    """The stylesheet shipped as templates/report.css, inlined into every page."""
    return (
        resources.files("hingecam.report")
        .joinpath("templates")
        .joinpath("report.css")
        .read_text(encoding="utf-8")
    )


def render_html(result: AnalysisResult, *, report: Report | None = None) -> str:
    """Render one analysed set as a self-contained HTML page.

    Args:
        result: the analysed set (series for plots, thumbnails for cards).
        report: the built report, to share its creation time with report.json;
            built from `result` when None.

    Returns:
        The whole page as a string: inline CSS and SVG, JPEG thumbnails as
        data URIs, every text escaped, no external resource.
    """
    from hingecam.report.plots import measures_svg

    data = (report or build_report(result)).to_dict()
    svg = measures_svg(result)
    template = environment().get_template("report.html.j2")
    return template.render(
        page=page_context(result, data),
        # Trusted markup: our own stylesheet and our SVG of our numbers (escaped).
        css=Markup(page_css()),
        plot_svg=Markup(svg) if svg is not None else None,
    )
