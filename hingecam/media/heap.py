"""glibc heap settings for inputs larger than the frame cap: big blocks mapped and
unmapped on their own, freed heap memory handed back (no-ops off glibc)."""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)

LARGE_BLOCK_BYTES = 1 << 20
"""Blocks of at least this size (bytes) get their own mapping once an input above
the frame cap is open, so freed frames go back to the system; other inputs keep
glibc's default. See
docs/speed.md#heap-settings-for-inputs-above-the-frame-cap-large_block_bytes."""

_M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
_lock = threading.Lock()
_mapped = False


def _libc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols: no library search
        return (
            libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
        )
    except OSError:
        return None


def map_large_blocks() -> None:
    """From now on, blocks >= LARGE_BLOCK_BYTES are mapped on allocation and
    unmapped on free, so peak memory follows what is alive (once per process)."""
    global _mapped
    with _lock:
        if _mapped:
            return
        _mapped = True
        libc = _libc()
        if libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES) != 1:
            log.debug("mallopt(M_MMAP_THRESHOLD) refused")


def give_back_freed() -> None:
    """Hand the heap's free pages back to the system (after a large decoder)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
