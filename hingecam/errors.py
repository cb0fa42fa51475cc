"""Errors hingecam reports to the user as one line (cli.main catches HingecamError)."""

from __future__ import annotations


class HingecamError(Exception):
    """Base class: the message is one line a user can act on."""


class InputError(HingecamError):
    """A file given on the command line is missing, empty, unreadable or not a video."""


class CaptureError(HingecamError):
    """A camera or stream cannot be opened or stopped delivering frames."""


class ModelError(HingecamError):
    """The pose model is missing, fails its sha256 check or cannot be loaded."""


class ConfigError(HingecamError):
    """A thresholds file or --set override is invalid."""


class OutputError(HingecamError):
    """An output folder or file cannot be written (or another run is writing it)."""


class DisplayError(HingecamError):
    """A window was asked for where there is no display."""


def one_line(exc: BaseException) -> str:
    """An exception's text on one line (whitespace collapsed), else its type
    name. An OS or decoder error says its cause, without the errno number and
    the file name the message around it already gives ("Invalid data found
    when processing input", not "[Errno 1094995529] ...: 'clip.mp4'")."""
    strerror, errno = getattr(exc, "strerror", None), getattr(exc, "errno", None)
    if isinstance(strerror, str) and strerror and isinstance(errno, int):
        return " ".join(strerror.split())
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
