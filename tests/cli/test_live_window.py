"""`hingecam live` with its window, under a virtual display (Xvfb): keys pressed
with xdotool, a screenshot of the screen, the report checked afterwards.

Needs Xvfb and xdotool (apt-get install xvfb xdotool; imagemagick or x11-apps
for the screenshot). Without them the test skips, also under CI: the system
packages are optional, the model and the clips are not.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.display,
    pytest.mark.model,
    pytest.mark.clips,
    pytest.mark.slow,
]

CLIP = "kbdl_side_correct_tby.mp4"
SCREENSHOT = Path("/tmp/live_window.png")
"""Where the screenshot goes, to be looked at by a person."""
PAUSED_SCREENSHOT = Path("/tmp/live_window_paused.png")


def _wait_for(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def xvfb() -> Iterator[dict[str, str]]:
    """A private virtual display; yields an environment with DISPLAY set."""
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not installed (apt-get install xvfb xdotool)"
        )
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X{n}-lock").exists())
    display = f":{number}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DISPLAY": display, "PYTHONUNBUFFERED": "1"}
    env.pop("WAYLAND_DISPLAY", None)
    try:
        _wait_for(
            lambda: (
                Path(f"/tmp/.X11-unix/X{number}").exists() or server.poll() is not None
            ),
            10,
            "Xvfb to start",
        )
        if server.poll() is not None:
            pytest.skip(f"Xvfb {display} did not start")
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)


def _xdotool(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, timeout=10
    )
    return done.stdout.strip()


def _screenshot(env: dict[str, str], path: Path) -> bool:
    if shutil.which("import"):
        cmd = ["import", "-window", "root", str(path)]
    elif shutil.which("xwd") and shutil.which("convert"):
        cmd = ["sh", "-c", f"xwd -root -silent | convert xwd:- {path}"]
    else:
        return False
    return subprocess.run(cmd, env=env, timeout=20).returncode == 0


@contextlib.contextmanager
def live_window(
    env: dict[str, str], clip: Path, model: Path, out: Path
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m hingecam live --source CLIP` on the virtual display; yields the
    process and its window id once the window is up (the process is killed if
    the test leaves it running)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hingecam",
            "live",
            "--source",
            str(clip),
            "--out",
            str(out),
            "--model",
            str(model),
            "--debug",
            "--set",
            "live_calibration_s=1.0",  # the clip stands still only ~1.8 s
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        window = ""

        def found() -> bool:
            nonlocal window
            assert proc.poll() is None, proc.communicate()
            window = _xdotool(env, "search", "--name", "hingecam").split("\n")[0]
            return bool(window)

        _wait_for(found, 30, "the hingecam window")
        yield proc, window
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_window_keys_and_report_under_xvfb(
    xvfb: dict[str, str],
    clip_path: Callable[[str], Path],
    model_path: Path,
    tmp_path: Path,
) -> None:
    env = xvfb
    with live_window(env, clip_path(CLIP), model_path, tmp_path) as (proc, window):
        shown_at = time.monotonic()

        def key(name: str) -> None:
            _xdotool(env, "key", "--window", window, name)

        # Rep 1 ends ~3.9 s into the clip: its cue is on screen from then to 6.4 s.
        time.sleep(max(0.0, 4.6 - (time.monotonic() - shown_at)))
        if not _screenshot(env, SCREENSHOT):
            pytest.fail("no screenshot tool (imagemagick `import`, or xwd + convert)")
        key("s")
        _wait_for(
            lambda: any(tmp_path.glob("live-*/snapshot-01.png")), 5, "the snapshot"
        )
        key("space")
        time.sleep(0.6)
        _screenshot(env, PAUSED_SCREENSHOT)
        key("space")
        time.sleep(0.3)
        key("r")
        time.sleep(0.5)
        key("q")
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    lines = out.splitlines()
    assert any(ln.startswith("snapshot saved: ") for ln in lines)
    assert "paused (space goes on)" in lines and "going on" in lines
    assert "count reset to 0" in lines
    (folder,) = tmp_path.glob("live-*")
    report = json.loads((folder / "report.json").read_text())
    # q came before the clip's end: the reps so far (1 to 4), not all 5.
    assert 1 <= report["summary"]["rep_count"] <= 4
    assert (folder / "report.html").stat().st_size > 0
    assert lines[-1].startswith(f"{CLIP}: {report['summary']['rep_count']} rep")
    assert SCREENSHOT.stat().st_size > 0


def _close_like_a_window_manager(env: dict[str, str], window: int) -> bool:
    """Send WM_DELETE_WINDOW, as a window manager's close button does (Xvfb has
    no window manager). False when libX11 cannot be loaded."""
    name = ctypes.util.find_library("X11")
    if name is None:
        return False
    x11 = ctypes.cdll.LoadLibrary(name)

    class ClientMessage(ctypes.Structure):
        _fields_ = [
            ("type", ctypes.c_int),
            ("serial", ctypes.c_ulong),
            ("send_event", ctypes.c_int),
            ("display", ctypes.c_void_p),
            ("window", ctypes.c_ulong),
            ("message_type", ctypes.c_ulong),
            ("format", ctypes.c_int),
            ("data", ctypes.c_long * 5),
        ]

    class XEvent(ctypes.Union):
        _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(XEvent),
    ]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(env["DISPLAY"].encode())
    if not display:
        return False
    event = XEvent()
    event.xclient.type = 33  # ClientMessage
    event.xclient.window = window
    event.xclient.message_type = x11.XInternAtom(display, b"WM_PROTOCOLS", 0)
    event.xclient.format = 32
    event.xclient.data[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
    x11.XSendEvent(display, window, 0, 0, ctypes.byref(event))
    x11.XFlush(display)
    x11.XCloseDisplay(display)
    return True


def test_closing_the_window_ends_the_session_like_q(
    xvfb: dict[str, str],
    clip_path: Callable[[str], Path],
    model_path: Path,
    tmp_path: Path,
) -> None:
    with live_window(xvfb, clip_path(CLIP), model_path, tmp_path) as (proc, window):
        time.sleep(2.0)
        if not _close_like_a_window_manager(xvfb, int(window)):
            pytest.skip("libX11 not loadable: cannot send WM_DELETE_WINDOW")
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    (folder,) = tmp_path.glob("live-*")
    assert (folder / "report.json").stat().st_size > 0
    assert out.splitlines()[-1].endswith(f"{folder / 'report.html'}")
