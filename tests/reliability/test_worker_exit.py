"""A pool worker that has left its loop ignores a late stop signal: the parent
may send it while the worker is already exiting (an idle worker told to quit),
and a handler that still raised would do so inside the interpreter's exit
(logging's atexit flush) and print a traceback on a clean Ctrl+C."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import logging, multiprocessing, os
    from hingecam.app.pool import STOP_SIGNAL, _serve

    logging.getLogger("hingecam").addHandler(logging.StreamHandler())
    ours, theirs = multiprocessing.Pipe()
    ours.send(None)  # the parent's "no more sets"
    _serve(theirs, os.getppid())
    os.kill(os.getpid(), STOP_SIGNAL)  # the parent's stop, arriving late
    print("left cleanly", flush=True)
    """
)


def test_a_stop_signal_after_the_worker_left_its_loop_is_ignored() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "left cleanly"
    assert "Traceback" not in done.stderr
