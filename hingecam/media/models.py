"""Pose models at run time: where a model is looked for (in a documented order) and
its sha256 check against the pins (media/model_manifest.py). Input: a variant or a path;
output: a verified Path, or one ModelError line. Nothing here downloads."""

from __future__ import annotations

import contextlib
import enum
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from hingecam.errors import ModelError
from hingecam.media import model_manifest
from hingecam.media.model_manifest import (
    ModelVariant as ModelVariant,  # app/ imports it
)

logger = logging.getLogger(__name__)

ENV_VAR = "HINGECAM_MODEL"


def checkout_models_dir() -> Path:
    """`models/` next to the hingecam package (exists only in a source checkout)."""
    return Path(__file__).resolve().parents[2] / "models"


def cache_models_dir() -> Path:
    """The per-user cache folder models are installed into outside a checkout."""
    return Path(platformdirs.user_cache_dir("hingecam")) / "models"


def search_dirs() -> tuple[Path, ...]:
    """Folders searched after --model and $HINGECAM_MODEL, in order."""
    return (checkout_models_dir(), cache_models_dir())


def default_install_dir() -> Path:
    """`models/` of a writable checkout, else the user cache folder."""
    models = checkout_models_dir()
    if (models / "manifest.json").is_file() and os.access(models, os.W_OK):
        return models
    return cache_models_dir()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks. A file already hashed by
    this process is not read again while its identity, size and modification
    time are the same (a run checks its model up to four times); only files
    unchanged for STABLE_NS are remembered, so a rewrite within the clock's
    granularity can never pass for the old content."""
    st = path.stat()
    key = (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    with _HASHES_LOCK:
        known = _HASHES.get(key)
    if known is not None:
        return known
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    if time.time_ns() - st.st_mtime_ns > STABLE_NS:
        with _HASHES_LOCK:
            _HASHES[key] = h.hexdigest()
    return h.hexdigest()


STABLE_NS = 2_000_000_000
"""A file unchanged for this long (ns) is hashed once per process."""
_HASHES: dict[tuple[str, int, int, int, int], str] = {}
_HASHES_LOCK = threading.Lock()


class Status(enum.Enum):
    """Outcome of checking one model file against the manifest."""

    PINNED = "verified (sha256 matches the pin)"
    UNPINNED = "UNPINNED (no trusted sha256 known for this variant)"
    UNKNOWN = "not in the manifest (custom model, not verified)"
    MISMATCH = "SHA256 MISMATCH"


@dataclass(frozen=True, slots=True)
class Verification:
    """The check of one file: what it is, its hash and the hashes it may have."""

    path: Path
    variant: ModelVariant | None
    status: Status
    sha256: str
    expected: tuple[str, ...]

    def mismatch_message(self) -> str:
        variant = self.variant.value if self.variant else "full"
        return (
            f"sha256 mismatch for {self.path}: expected {' or '.join(self.expected)}, "
            f"got {self.sha256}; reinstall with: hingecam models install "
            f"{variant} --force"
        )


def variant_of(path: Path) -> ModelVariant | None:
    """The variant whose file name `path` has, or None."""
    return next((v for v in ModelVariant if v.file_name == path.name), None)


def verify_file(path: Path, variant: ModelVariant | None = None) -> Verification:
    """Check `path` against the manifest pins.

    A known variant (given, or from the file name) must match its own pins. A file
    of unknown name is PINNED if it matches any pin, else UNKNOWN.
    """
    variant = variant or variant_of(path)
    digest = sha256_file(path)
    if variant is None:
        match = next((s for s in model_manifest.MANIFEST if digest in s.pins), None)
        if match is None:
            return Verification(path, None, Status.UNKNOWN, digest, ())
        return Verification(path, match.variant, Status.PINNED, digest, match.pins)
    pins = model_manifest.spec_for(variant).pins
    if not pins:
        status = Status.UNPINNED
    else:
        status = Status.PINNED if digest in pins else Status.MISMATCH
    return Verification(path, variant, status, digest, pins)


_TRUSTED_SHA256: set[str] = set()
"""sha256 of files the user vouched for in this process (trust_file)."""


def trust_file(path: Path) -> str:
    """Accept the file at `path` for this process although no pin matches it
    (`--model PATH --trust-model`); returns its sha256.

    Trust goes to the content, not the name: a file changed afterwards is
    refused again.

    Raises:
        ModelError: the file does not exist.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    digest = sha256_file(path)
    _TRUSTED_SHA256.add(digest)
    return digest


@contextlib.contextmanager
def trusting(path: Path) -> Iterator[str]:
    """trust_file(path) for the duration of a `with` block (one command);
    yields the sha256."""
    digest = trust_file(path)
    try:
        yield digest
    finally:
        _TRUSTED_SHA256.discard(digest)


def _accept(path: Path, variant: ModelVariant | None) -> Path:
    """Return `path` if it passes verify_file (or its content was trusted with
    trust_file); a file no pin matches is refused."""
    if not path.is_file():
        names = "|".join(v.value for v in ModelVariant)
        raise ModelError(f"model file not found: {path} (or name a variant: {names})")
    result = verify_file(path, variant)
    if result.status is Status.MISMATCH:
        raise ModelError(result.mismatch_message())
    if result.status is Status.UNKNOWN and result.sha256 not in _TRUSTED_SHA256:
        raise ModelError(
            f"{path}: sha256 {result.sha256} matches no pinned model; to load it "
            f"anyway pass --model {path} --trust-model"
        )
    if result.status is Status.UNPINNED:
        # lite and heavy have no pinned hash yet: they load with a warning.
        logger.warning("loading %s unverified: %s", path, result.status.value)
    elif result.status is Status.UNKNOWN:
        logger.info("loading %s: trusted by --trust-model", path)
    return path


def to_load(variant: ModelVariant = ModelVariant.FULL) -> Path | None:
    """The file resolve_model() would load ($HINGECAM_MODEL, then the search
    folders), without verifying it; None when there is none."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return find_installed(variant)


def variant_named(explicit: Path | str) -> ModelVariant | None:
    """The variant `explicit` names (`--model lite`), unless a file has that name."""
    text = str(explicit)
    if Path(text).exists():
        return None
    return next((v for v in ModelVariant if v.value == text), None)


def resolve_model(
    explicit: Path | None = None, variant: ModelVariant = ModelVariant.FULL
) -> Path:
    """Find and verify the model to load.

    Order: `explicit` (--model), $HINGECAM_MODEL, `models/` of a source checkout,
    the user cache folder. An `explicit` that is a variant name (`lite`, `full`,
    `heavy`) and no existing file selects that variant in the folders. Files
    named like a variant are checked against that variant's pins; another file
    must match some pin, or have been trusted with trust_file (`--trust-model`).

    Raises:
        ModelError: nothing found (the message says how to install), the file
            named explicitly is missing, a sha256 does not match, or a file
            matches no pin and was not trusted.
    """
    if explicit is not None:
        named = variant_named(explicit)
        if named is None:
            return _accept(Path(explicit).expanduser(), None)
        variant = named
    else:
        env = os.environ.get(ENV_VAR)
        if env:
            return _accept(Path(env).expanduser(), None)
    for folder in search_dirs():
        candidate = folder / variant.file_name
        if candidate.is_file():
            return _accept(candidate, variant)
    looked = ", ".join(str(d) for d in search_dirs())
    raise ModelError(
        f"no {variant.value} pose model found (looked at --model, ${ENV_VAR}, "
        f"{looked}); install it with: hingecam models install {variant.value}"
    )


def find_installed(variant: ModelVariant) -> Path | None:
    """The first file of `variant` in the search folders (not $HINGECAM_MODEL)."""
    return next(
        (
            d / variant.file_name
            for d in search_dirs()
            if (d / variant.file_name).is_file()
        ),
        None,
    )


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes in memory."""
    return hashlib.sha256(data).hexdigest()
