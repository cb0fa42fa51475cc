"""`hingecam live` with its window, under a virtual display (Xvfb): keys pressed
with xdotool, a screenshot of the screen, the report checked afterwards.

Needs Xvfb, xdotool and xwd (apt-get install xvfb xdotool x11-apps). Without them
the test skips, also
under CI: the system packages are optional, the model and the clips are not.
Every step waits for a sign of progress (a line the process printed or logged, a
file), never for a fixed time.
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
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from tests.polling import wait_for

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


@pytest.fixture
def xvfb() -> Iterator[dict[str, str]]:
    """A private virtual display; yields an environment with DISPLAY set."""
    tools = ("Xvfb", "xdotool", "xwd")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not installed "
            "(apt-get install xvfb xdotool x11-apps)"
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
        wait_for(
            lambda: (
                Path(f"/tmp/.X11-unix/X{number}").exists() or server.poll() is not None
            ),
            "Xvfb to start",
            every_s=0.05,
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


def read_xwd(data: bytes) -> np.ndarray:
    """An X window dump (`xwd -root`, ZPixmap, 24/32 bits per pixel) -> (H, W, 3) BGR."""
    header = np.frombuffer(data[:100], dtype=">u4")
    header_size, width, height = int(header[0]), int(header[4]), int(header[5])
    bits_per_pixel, bytes_per_line = int(header[11]), int(header[12])
    byte_order, ncolors = int(header[7]), int(header[19])
    assert bits_per_pixel in (24, 32), f"xwd: {bits_per_pixel} bits per pixel"
    size = bits_per_pixel // 8
    start = header_size + 12 * ncolors
    rows = np.frombuffer(data[start : start + height * bytes_per_line], dtype=np.uint8)
    pixels = rows.reshape(height, bytes_per_line)[:, : width * size]
    pixels = pixels.reshape(height, width, size)
    # LSBFirst (0): bytes are B, G, R(, pad); MSBFirst: (pad,) R, G, B.
    return pixels[:, :, :3].copy() if byte_order == 0 else pixels[:, :, :-4:-1].copy()


def _screenshot(env: dict[str, str], path: Path) -> None:
    """Grab the whole virtual screen into a PNG with xwd (x11-apps)."""
    import cv2

    done = subprocess.run(
        ["xwd", "-root", "-silent"], env=env, capture_output=True, timeout=30
    )
    assert done.returncode == 0, f"xwd failed: {done.stderr!r}"
    assert cv2.imwrite(str(path), read_xwd(done.stdout))


@dataclass
class Lines:
    """The lines a process writes to a pipe, collected by a thread as they come."""

    lines: list[str] = field(default_factory=list)

    def follow(self, pipe: IO[str]) -> None:
        def read() -> None:
            for line in pipe:
                self.lines.append(line.rstrip("\n"))

        threading.Thread(target=read, daemon=True).start()

    def wait_for(self, text: str) -> None:
        wait_for(lambda: any(text in ln for ln in self.lines), repr(text), every_s=0.05)


@contextlib.contextmanager
def live_window(
    env: dict[str, str], clip: Path, model: Path, out: Path
) -> Iterator[tuple[subprocess.Popen[str], str, Lines, Lines]]:
    """`python -m hingecam -v live --source CLIP` on the virtual display; yields
    the process, its window id and its stdout and stderr lines (followed as they
    come) once the window is up; kills the process if the test leaves it running."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hingecam",
            "-v",  # logs each cue, the sign that the set has got that far
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
    assert proc.stdout is not None and proc.stderr is not None
    out_lines, err_lines = Lines(), Lines()
    out_lines.follow(proc.stdout)
    err_lines.follow(proc.stderr)
    try:
        window = ""

        def found() -> bool:
            nonlocal window
            # On an early exit, its last words in full (pytest cuts a list).
            assert proc.poll() is None, "\n".join(err_lines.lines[-20:])
            window = _xdotool(env, "search", "--name", "hingecam").split("\n")[0]
            return bool(window)

        wait_for(found, "the hingecam window", every_s=0.05)
        yield proc, window, out_lines, err_lines
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_window_keys_and_report_under_xvfb(
    xvfb: dict[str, str],
    clip_path: Callable[[str], Path],
    model_path: Path,
    tmp_path: Path,
) -> None:
    env = xvfb
    with live_window(env, clip_path(CLIP), model_path, tmp_path) as (
        proc,
        window,
        out,
        err,
    ):

        def key(name: str) -> None:
            _xdotool(env, "key", "--window", window, name)

        # Rep 1's cue stays on screen for a while after it is announced.
        err.wait_for("rep 1:")
        _screenshot(env, SCREENSHOT)
        key("s")
        wait_for(
            lambda: any(tmp_path.glob("live-*/snapshot-01.png")),
            "the snapshot",
            every_s=0.05,
        )
        key("space")
        out.wait_for("paused (space goes on)")
        _screenshot(env, PAUSED_SCREENSHOT)
        key("space")
        out.wait_for("going on")
        key("r")
        out.wait_for("count reset to 0")
        key("q")
        proc.wait(timeout=30)
        wait_for(
            lambda: "report.html" in "".join(out.lines[-1:]),
            "the summary",
            every_s=0.05,
        )
    assert proc.returncode == 0, err.lines
    lines = out.lines
    assert any(ln.startswith("snapshot saved: ") for ln in lines)
    (folder,) = tmp_path.glob("live-*")
    report = json.loads((folder / "report.json").read_text())
    # q came before the clip's end: the reps so far (1 to 4), not all 5.
    assert 1 <= report["summary"]["rep_count"] <= 4
    assert (folder / "report.html").stat().st_size > 0
    assert lines[-1].startswith(f"{CLIP}: {report['summary']['rep_count']} rep")
    assert SCREENSHOT.stat().st_size > 0 and PAUSED_SCREENSHOT.stat().st_size > 0


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
    with live_window(xvfb, clip_path(CLIP), model_path, tmp_path) as (
        proc,
        window,
        out,
        err,
    ):
        err.wait_for("calibrated")  # frames are being shown and analyzed
        if not _close_like_a_window_manager(xvfb, int(window)):
            pytest.skip("libX11 not loadable: cannot send WM_DELETE_WINDOW")
        proc.wait(timeout=30)
        wait_for(
            lambda: "report.html" in "".join(out.lines[-1:]),
            "the summary",
            every_s=0.05,
        )
    assert proc.returncode == 0, err.lines
    (folder,) = tmp_path.glob("live-*")
    assert (folder / "report.json").stat().st_size > 0
    assert out.lines[-1].endswith(f"{folder / 'report.html'}")
