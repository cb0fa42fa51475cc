"""An output folder's set folders and their report.json, read for the pages made
over many sets (the batch index, the progress page): each report parsed once, a
damaged or foreign one left out with one line; links and CSV cells they share."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hingecam.errors import one_line
from hingecam.files import readable
from hingecam.report.outputs import REPORT_NAME

FOREIGN_ERRORS = (TypeError, ValueError, AttributeError, KeyError)
"""What reading a parsed report.json of the wrong shape raises."""


def set_folders(out: Path) -> list[Path]:
    """The set folders of OUT: its direct subfolders holding a report.json, by
    name; hidden ones (a run's staged `.NAME.*.tmp` folders) never."""
    if not out.is_dir():
        return []
    return sorted(
        (
            p
            for p in out.iterdir()
            if not p.name.startswith(".") and (p / REPORT_NAME).is_file()
        ),
        key=lambda p: p.name,
    )


def foreign_line(folder: Path, exc: BaseException, left_out: str) -> str:
    """The one line for a report.json that parses but is not a hingecam report."""
    return (
        f"{readable(folder / REPORT_NAME)}: not a hingecam report "
        f"({type(exc).__name__}: {exc}); left out of {left_out}"
    )


def read_reports(
    folders: Sequence[Path],
    known: Mapping[Path, dict[str, Any]] | None = None,
    problems: list[str] | None = None,
    left_out: str = "the index",
) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(folder, parsed report.json) for each folder, one at a time (memory
    holds one report); `known`: reports already read. A report that cannot be
    read, is not JSON or not an object is left out, with one line in
    `problems` ("... left out of `left_out`"); a folder gone meanwhile (a rerun
    replacing it) silently."""
    for folder in folders:
        report = (known or {}).get(folder)
        path = folder / REPORT_NAME
        if report is None:
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as exc:
                _note(
                    problems,
                    f"{readable(path)}: cannot be read ({one_line(exc)})",
                    left_out,
                )
                continue
            try:
                report = json.loads(text)
            except (ValueError, RecursionError) as exc:
                _note(
                    problems,
                    f"{readable(path)}: damaged, not JSON ({type(exc).__name__})",
                    left_out,
                )
                continue
        if not isinstance(report, dict):
            _note(
                problems,
                f"{readable(path)}: not a hingecam report (not a JSON object)",
                left_out,
            )
            continue
        yield folder, report


def _note(problems: list[str] | None, line: str, left_out: str) -> None:
    if problems is not None:
        problems.append(f"{line}; left out of {left_out}")


def href(relative: str) -> str:
    """A link to a file beside the page: "./" and each path segment
    percent-encoded, so a set named "javascript:x", "a#b" or "a?b" is a plain
    relative link to its own folder."""
    return "./" + "/".join(quote(part, safe="") for part in relative.split("/"))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a cell starting with one of these as a formula."""


def cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula
    (=, +, -, @) gets a leading apostrophe; numbers stay numbers."""
    if value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
