"""Pose stage: Frame -> tuple[Pose, ...] (everyone the model finds) via MediaPipe
PoseLandmarker. The only module that imports mediapipe, and only lazily, so
importing it stays cheap (settings: pose_config.py; fakes: fake_pose.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import math
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from hingecam.core.poses import N_LANDMARKS, Frame, Pose
from hingecam.errors import ConfigError, ModelError
from hingecam.media.closing import Closing
from hingecam.media.landmarker_pool import POOL, RESET_GAP_MS, Lease, detach
from hingecam.media.native_logs import (  # app/live.py imports it from here
    native_logs_silenced as native_logs_silenced,
)
from hingecam.media.native_logs import quiet_native_stderr
from hingecam.media.pose_config import PoseConfig as PoseConfig  # app/ imports it
from hingecam.media.pose_config import RunningMode as RunningMode

log = logging.getLogger(__name__)

LivePoses = tuple[int, float, tuple[Pose, ...]]
"""(frame index, t_s, poses) of the newest frame a live estimator finished."""


@runtime_checkable
class PoseEstimator(Protocol):
    """Frame in, everyone found out (possibly nobody: an empty tuple)."""

    def estimate(self, frame: Frame) -> tuple[Pose, ...]: ...

    def close(self) -> None: ...


@runtime_checkable
class LiveEstimator(Protocol):
    """Non-blocking estimation for cameras: submit frames, read the newest result."""

    def submit(self, frame: Frame) -> bool: ...

    def latest(self) -> LivePoses | None: ...

    def close(self) -> None: ...


def timestamp_ms(t_s: float, previous_ms: int | None) -> int:
    """MediaPipe's timestamp for a frame: integer ms, strictly increasing.

    Args:
        t_s: the frame's decoder (or clock) time in seconds.
        previous_ms: the timestamp given to the previous frame, None at first.

    Returns:
        round(t_s * 1000), bumped to previous_ms + 1 when it would not increase
        (variable frame rate, duplicate or sub-millisecond times).
    """
    ms = round(t_s * 1000.0) if math.isfinite(t_s) else 0
    if previous_ms is not None and ms <= previous_ms:
        ms = previous_ms + 1
    return ms


def _float_or_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def poses_from_mediapipe(
    result: Any, t_s: float, image_wh: tuple[int, int]
) -> tuple[Pose, ...]:
    """Convert a PoseLandmarkerResult into hingecam Poses (arrays copied).

    Args:
        result: mediapipe's PoseLandmarkerResult.
        t_s: the frame's time in seconds.
        image_wh: (width, height) of the image the model saw.
    """
    masks = result.segmentation_masks or []
    poses = []
    for i, landmarks in enumerate(result.pose_landmarks):
        if len(landmarks) != N_LANDMARKS:
            raise ModelError(
                f"the pose model gave {len(landmarks)} landmarks, expected 33"
            )
        raw = np.array(
            [
                (lm.x, lm.y, _float_or_nan(lm.visibility), _float_or_nan(lm.presence))
                for lm in landmarks
            ],
            dtype=np.float32,
        ).reshape(N_LANDMARKS, 4)
        world = np.full((N_LANDMARKS, 3), np.nan, dtype=np.float32)
        if i < len(result.pose_world_landmarks):
            world = np.array(
                [(w.x, w.y, w.z) for w in result.pose_world_landmarks[i]],
                dtype=np.float32,
            ).reshape(N_LANDMARKS, 3)
        mask = None
        if i < len(masks):
            view = masks[i].numpy_view()
            mask = np.array(
                view.reshape(view.shape[0], view.shape[1]), dtype=np.float32
            )
        poses.append(
            Pose(
                t_s=t_s,
                xy_norm=np.ascontiguousarray(raw[:, :2]),
                image_wh=image_wh,
                world_m=world,
                visibility=np.ascontiguousarray(raw[:, 2]),
                presence=np.ascontiguousarray(raw[:, 3]),
                mask=mask,
            )
        )
    return tuple(poses)


LAZY_MEDIAPIPE_MODULES = frozenset(
    {
        "mediapipe.tasks.python.vision.drawing_utils",
        "mediapipe.tasks.python.vision.drawing_styles",
        "mediapipe.tasks.python.audio",
        "mediapipe.tasks.python.text",
        "mediapipe.tasks.python.decision",
        "mediapipe.tasks.python.retrieval",
    }
)
"""mediapipe modules hingecam never uses, loaded lazily, on first use by anyone:
the drawing helpers import matplotlib.pyplot (~0.5 s); the audio, text,
decision and retrieval tasks, which mediapipe.tasks.python imports for
everyone, take ~70 ms (-X importtime)."""


class _LazyFinder(importlib.abc.MetaPathFinder):
    """Finds LAZY_MEDIAPIPE_MODULES as the other finders do, with a LazyLoader
    (importlib.util): the module exists, its code runs on first attribute use."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in LAZY_MEDIAPIPE_MODULES:
            return None
        for finder in sys.meta_path:
            if isinstance(finder, _LazyFinder) or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def import_mediapipe() -> Any:
    """Import mediapipe without what a pose landmarker does not need.

    - mediapipe.tasks imports sounddevice, whose import runs ctypes'
      find_library("portaudio"): ldconfig, gcc and ld as child processes on
      every start (~0.5 s). MediaPipe's audio module already treats a failed
      import as "no audio", so sounddevice is hidden while mediapipe loads,
      then restored.
    - mediapipe.tasks.python.vision imports its drawing helpers, and with them
      matplotlib.pyplot (~0.5 s): they load lazily (LAZY_MEDIAPIPE_MODULES),
      so they work as before for code that uses them.
    """
    with _IMPORT_LOCK:  # landmarker threads load at once; sys.meta_path is shared
        return _import_mediapipe()


_IMPORT_LOCK = threading.Lock()


def _import_mediapipe() -> Any:
    if "mediapipe.tasks.python" in sys.modules:
        import mediapipe

        return mediapipe
    hide = "sounddevice" not in sys.modules
    if hide:
        sys.modules["sounddevice"] = None  # type: ignore[assignment]
    finder = _LazyFinder()
    sys.meta_path.insert(0, finder)
    try:
        import mediapipe
        import mediapipe.tasks.python
    finally:
        sys.meta_path.remove(finder)
        if hide and sys.modules.get("sounddevice", 0) is None:
            del sys.modules["sounddevice"]
    return mediapipe


def _mp_image(frame: Frame) -> Any:
    import cv2

    mp = import_mediapipe()

    image = frame.image_bgr
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"expected (H, W, 3) uint8 BGR, got {image.shape} {image.dtype}"
        )
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)  # the one conversion per frame
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)


def _create_landmarker(config: PoseConfig, result_callback: Any = None) -> Any:
    model_path = config.model_path
    if model_path is None:
        from hingecam.media.models import resolve_model

        model_path = resolve_model()
    model_path = Path(model_path)
    if not model_path.is_file():
        raise ModelError(f"pose model not found: {model_path}")

    import_mediapipe()
    from mediapipe.tasks.python import BaseOptions, vision

    modes = {
        RunningMode.IMAGE: vision.RunningMode.IMAGE,
        RunningMode.VIDEO: vision.RunningMode.VIDEO,
        RunningMode.LIVE_STREAM: vision.RunningMode.LIVE_STREAM,
    }
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path)),
        running_mode=modes[config.running_mode],
        num_poses=config.num_poses,
        min_pose_detection_confidence=config.min_pose_detection_confidence,
        min_pose_presence_confidence=config.min_pose_presence_confidence,
        min_tracking_confidence=config.min_tracking_confidence,
        output_segmentation_masks=config.output_segmentation_masks,
        result_callback=result_callback,
    )
    try:
        with quiet_native_stderr():
            return vision.PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError) as exc:
        text = " ".join(str(exc).split())[:200]
        raise ModelError(f"cannot load pose model {model_path}: {text}") from exc


class MediaPipePoseEstimator(Closing):
    """PoseLandmarker on files: VIDEO mode (tracking) or IMAGE mode, blocking.

    Frames must come in time order. Timestamps given to MediaPipe are the
    frames' decoder times in integer ms, nudged to keep increasing; the Poses
    carry the frame's own t_s.
    """

    def __init__(self, config: PoseConfig | None = None) -> None:
        """Load the model.

        Raises:
            ModelError: the model is missing or cannot be loaded.
            ConfigError: config asks for LIVE_STREAM (use LivePoseEstimator).
        """
        config = config or PoseConfig()
        if config.running_mode is RunningMode.LIVE_STREAM:
            raise ConfigError(
                "MediaPipePoseEstimator runs VIDEO or IMAGE mode; use LivePoseEstimator"
            )
        if config.model_path is None:
            from hingecam.media.models import resolve_model

            config = dataclasses.replace(config, model_path=resolve_model())
        self.config = config
        # One landmarker per configuration per process, reused (see
        # landmarker_pool): creating one per input costs ~0.3 s, and closing
        # one makes MediaPipe send a usage log over the network.
        self._lease: Lease | None = POOL.acquire(
            config, lambda: _create_landmarker(config)
        )
        self._quiet = True  # until a frame with a person: see estimate

    def estimate(self, frame: Frame) -> tuple[Pose, ...]:
        """Everyone found in the frame (an empty tuple if nobody)."""
        lease = self._lease
        if lease is None:
            raise RuntimeError("the pose estimator is closed")
        image = _mp_image(frame)
        quiet = quiet_native_stderr() if self._quiet else contextlib.nullcontext()
        # MediaPipe logs native warnings on the first frame it infers and on the
        # first frame it finds a person in (a video may open on an empty room).
        with quiet:
            if self.config.running_mode is RunningMode.IMAGE:
                result = lease.landmarker.detect(image)
            else:
                if lease.needs_reset:
                    _forget_previous_input(lease, frame)
                ms = timestamp_ms(frame.t_s + lease.base_ms / 1000.0, lease.last_ms)
                lease.last_ms = ms
                result = lease.landmarker.detect_for_video(image, ms)
        h, w = frame.image_bgr.shape[:2]
        poses = poses_from_mediapipe(result, frame.t_s, (w, h))
        self._quiet = self._quiet and not poses
        return poses

    def close(self) -> None:
        """Give the model back to the process's pool for the next input
        (idempotent; the landmarker is never closed natively)."""
        if self._lease is not None:
            lease, self._lease = self._lease, None
            POOL.release(lease)


def preload(config: PoseConfig, count: int) -> None:
    """Start loading `count` landmarkers for `config` (VIDEO or IMAGE mode, a
    verified model_path) in the background, for the MediaPipePoseEstimators an
    input will make: the ~0.3 s each takes then overlaps whatever the caller
    does first (imports, opening the input)."""
    if config.model_path is None or config.running_mode is RunningMode.LIVE_STREAM:
        return
    POOL.preload(config, lambda: _create_landmarker(config), count)


def _forget_previous_input(lease: Lease, frame: Frame) -> None:
    """Feed a reused VIDEO-mode landmarker one blank frame, a timestamp jump
    before the new input: it then finds nobody and drops the previous input's
    tracking, so it gives the same landmarks as a fresh landmarker."""
    blank = Frame(np.zeros_like(frame.image_bgr), -1, 0.0)
    ms = lease.base_ms - RESET_GAP_MS
    lease.landmarker.detect_for_video(_mp_image(blank), ms)
    lease.last_ms = ms
    lease.needs_reset = False


LIVE_STALL_S = 2.0
"""A live result not back after this long is given up, so submit() cannot stall."""


class LivePoseEstimator(Closing):
    """PoseLandmarker in LIVE_STREAM mode for cameras.

    `submit` never blocks: while the model works on a frame, new frames are
    dropped (the newest one after it finishes wins; nothing queues). Results
    land through MediaPipe's callback in a slot owned by this object, read
    with `latest`.
    """

    def __init__(
        self,
        config: PoseConfig | None = None,
        on_result: Callable[[], None] | None = None,
    ) -> None:
        """Load the model (config.running_mode is replaced by LIVE_STREAM).

        `on_result` is called (on MediaPipe's thread) after each result is
        stored, so a caller can hand the model its next frame at once.

        Raises:
            ModelError: the model is missing or cannot be loaded.
        """
        config = dataclasses.replace(
            config or PoseConfig(), running_mode=RunningMode.LIVE_STREAM
        )
        self.config = config
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[int, float, tuple[int, int]]] = {}
        self._busy_since: float | None = None
        self._last_ms: int | None = None
        self._latest: LivePoses | None = None
        self._error: BaseException | None = None
        self.submitted = 0
        self.dropped = 0
        self._on_done = on_result
        self._landmarker = _create_landmarker(config, result_callback=self._on_result)

    def submit(self, frame: Frame) -> bool:
        """Hand a frame to the model unless it is busy.

        Returns:
            True if the frame was taken, False if it was dropped.
        """
        if self._landmarker is None:
            raise RuntimeError("the pose estimator is closed")
        self._raise_callback_error()
        with self._lock:
            now = time.monotonic()
            if self._busy_since is not None:
                if now - self._busy_since < LIVE_STALL_S:
                    self.dropped += 1
                    return False
                log.warning("live pose result lost; continuing")
                self._pending.clear()
            ms = timestamp_ms(frame.t_s, self._last_ms)
            self._last_ms = ms
            h, w = frame.image_bgr.shape[:2]
            self._pending[ms] = (frame.index, frame.t_s, (w, h))
            self._busy_since = now
        try:
            self._landmarker.detect_async(_mp_image(frame), ms)
        except BaseException:
            with self._lock:
                self._pending.pop(ms, None)
                self._busy_since = None
            raise
        self.submitted += 1
        return True

    def latest(self) -> LivePoses | None:
        """(frame index, t_s, poses) of the newest finished frame, or None yet."""
        self._raise_callback_error()
        with self._lock:
            return self._latest

    def close(self) -> None:
        """Release the model (idempotent); pending results are discarded."""
        if self._landmarker is not None:
            landmarker, self._landmarker = self._landmarker, None
            detach(landmarker)  # no native close: it would go online

    def _raise_callback_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _on_result(self, result: Any, _image: Any, ms: int) -> None:
        # Runs on a MediaPipe thread: never raise into it, hand errors over.
        try:
            with self._lock:
                meta = self._pending.pop(ms, None)
                if not self._pending:
                    self._busy_since = None
            if meta is None:
                return  # given up on after a stall
            index, t_s, image_wh = meta
            poses = poses_from_mediapipe(result, t_s, image_wh)
            with self._lock:
                if self._latest is None or index > self._latest[0]:
                    self._latest = (index, t_s, poses)
        except Exception as exc:
            self._error = exc
        if self._on_done is not None:
            self._on_done()
