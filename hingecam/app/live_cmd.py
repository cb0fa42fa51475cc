"""`hingecam live`: one live session (app/live.py) in a window or in the
terminal, one summary line, the exit status."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field

from hingecam.app.live import LiveOptions, open_window, run_live
from hingecam.app.options import ProfileOptions
from hingecam.app.signals import Ending


@dataclass(frozen=True, slots=True)
class LiveCommand:
    """`hingecam live`'s arguments: the session's options (their exercise and
    thresholds come from `profile`), and whether to show a window."""

    session: LiveOptions = field(default_factory=LiveOptions)
    profile: ProfileOptions = field(default_factory=ProfileOptions)
    window: bool = True


def run_cli(command: LiveCommand) -> int:
    """`hingecam live`: run a session, print one summary line, return the exit status."""
    from hingecam.app.summary import summary_line
    from hingecam.media.pose import native_logs_silenced

    exercise, thresholds = command.profile.load()
    options = dataclasses.replace(
        command.session, exercise=exercise, thresholds=thresholds
    )
    display = open_window() if command.window else None
    with native_logs_silenced():  # MediaPipe's threads log after the first frame
        outcome = run_live(options, display)
    if outcome.recording is not None:
        print(f"recording: {outcome.recording}", flush=True)
    print(summary_line(outcome.result, outcome.folder, outcome.since_last), flush=True)
    if outcome.error is not None:
        print(
            f"hingecam: error: {outcome.error}; the reps so far are saved",
            file=sys.stderr,
        )
    elif outcome.ending is Ending.INTERRUPTED:
        print("hingecam: interrupted; the reps so far are saved", file=sys.stderr)
    elif outcome.ending in (Ending.TERMINATED, Ending.HUNG_UP):
        print(
            f"hingecam: {outcome.ending.value}; the reps so far are saved",
            file=sys.stderr,
        )
    return outcome.ending.exit_status
