"""Showing frames: whether a display exists, and an OpenCV Window (show, keys,
closed by the user)."""

from __future__ import annotations

import os
import sys

import cv2
import numpy as np
from numpy.typing import NDArray

from hingecam.errors import DisplayError
from hingecam.media.closing import Closing


def has_display() -> bool:
    """True when a window can be shown (on Linux/BSD: DISPLAY or WAYLAND_DISPLAY).

    cv2.imshow without a display aborts the whole process, so ask first.
    """
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


WINDOW_MAX_WH = (1280, 720)
"""A window opens at the frame's size, shrunk (aspect kept) to fit this box (px)."""


def window_size_wh(
    width: int, height: int, max_wh: tuple[int, int] = WINDOW_MAX_WH
) -> tuple[int, int]:
    """Initial window size for a frame: its own size, shrunk to fit `max_wh`."""
    scale = min(1.0, max_wh[0] / max(width, 1), max_wh[1] / max(height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


class Window(Closing):
    """An OpenCV window: show images, read keys, notice when the user closes it.

    Call `poll_key()` once per shown frame: it also lets the GUI repaint.
    """

    def __init__(self, title: str = "hingecam") -> None:
        """Prepare a window (created on the first `show`).

        Raises:
            DisplayError: there is no display to show it on.
        """
        if not has_display():
            raise DisplayError(
                "no display (DISPLAY and WAYLAND_DISPLAY are unset): run where a "
                "screen is available, or record with `hingecam analyze VIDEO --video OUT.mp4`"
            )
        self.title = title
        self._created = False
        self._closed = False

    def show(self, image_bgr: NDArray[np.uint8]) -> None:
        """Display an image (ignored once the window is closed)."""
        if self._closed:
            return
        if not self._created:
            # GUI_NORMAL: no Qt toolbar or status bar, just the picture.
            cv2.namedWindow(
                self.title,
                cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | cv2.WINDOW_GUI_NORMAL,
            )
            w, h = window_size_wh(image_bgr.shape[1], image_bgr.shape[0])
            cv2.resizeWindow(self.title, w, h)  # Qt opens NORMAL windows tiny
            self._created = True
        cv2.imshow(self.title, image_bgr)

    def poll_key(self, delay_ms: int = 1) -> int | None:
        """The key pressed (its low byte, e.g. ord("q")), or None; waits delay_ms."""
        if self._closed or not self._created:
            return None
        key = cv2.waitKey(max(1, delay_ms))
        return None if key < 0 else key & 0xFF

    def closed(self) -> bool:
        """True after close() or once the user closed the window."""
        if self._closed:
            return True
        if not self._created:
            return False
        try:
            visible = cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE)
        except cv2.error:
            return True
        return visible < 1

    def close(self) -> None:
        """Destroy the window (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._created:
            try:
                cv2.destroyWindow(self.title)
                cv2.waitKey(1)
            except cv2.error:
                pass
