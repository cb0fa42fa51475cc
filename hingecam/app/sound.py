"""Audible cues for the live loop: a beep or spoken words per CueEvent, never
blocking the loop (moving to media/sound.py; kept unchanged here)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path
from typing import Protocol

import numpy as np

from hingecam.core.cues import CueEvent
from hingecam.core.datatypes import Severity

log = logging.getLogger(__name__)

SPEECH_PROGRAMS = (
    ("espeak-ng", "-s", "165"),
    ("espeak", "-s", "165"),
    ("spd-say",),
    ("say",),
)
AUDIO_PLAYERS = (("paplay",), ("aplay", "-q"), ("afplay",))
BEEP_HZ = 880.0
BEEP_S = 0.15


class Sound(Protocol):
    def cue(self, event: CueEvent) -> None: ...

    def close(self) -> None: ...


class Speaker:
    """Speaks each new cue with a speech program; a newer cue cuts the older one."""

    def __init__(self, argv: tuple[str, ...]) -> None:
        self.argv = argv
        self._proc: subprocess.Popen[bytes] | None = None

    def cue(self, event: CueEvent) -> None:
        if event.kind == "rep" and event.text == "done":
            return
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
        self._proc = _spawn([*self.argv, event.text])

    def close(self) -> None:
        pass  # let the last words finish


class Beeper:
    """A short tone for a rep with a fault or warning and for a set-up hint.

    Plays a generated WAV with an audio player when one is on PATH, else rings
    the terminal bell. Never blocks the loop.
    """

    def __init__(self) -> None:
        self._player = next(
            (argv for argv in AUDIO_PLAYERS if shutil.which(argv[0])), None
        )
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._tone: Path | None = None
        if self._player is not None:
            self._dir = tempfile.TemporaryDirectory(prefix="hingecam-")
            self._tone = Path(self._dir.name) / "beep.wav"
            write_tone(self._tone, BEEP_HZ, BEEP_S)

    def cue(self, event: CueEvent) -> None:
        if event.kind == "cue" or event.severity is Severity.NOTE:
            return
        if self._player is not None and self._tone is not None:
            _spawn([*self._player, str(self._tone)])
        else:
            sys.stdout.write("\a")
            sys.stdout.flush()

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()


def write_tone(path: Path, hz: float, seconds: float, rate: int = 22050) -> None:
    """A mono 16-bit sine WAV with 10 ms fades (no clicks)."""
    t = np.arange(round(seconds * rate)) / rate
    fade = np.clip(np.minimum(t, seconds - t) / 0.01, 0.0, 1.0)
    samples = (np.sin(2 * np.pi * hz * t) * fade * 0.4 * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


def _spawn(argv: list[str]) -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError as exc:
        log.debug("cannot run %s: %s", argv[0], exc)
        return None


def make_sound(mode: str) -> Sound | None:
    """The --sound choice: None for "off" (or "speak" without a speech program)."""
    if mode == "beep":
        return Beeper()
    if mode == "speak":
        for argv in SPEECH_PROGRAMS:
            if shutil.which(argv[0]):
                return Speaker(argv)
        log.warning(
            "no speech program found (espeak-ng, espeak, spd-say or say); "
            "cues stay silent"
        )
    return None
