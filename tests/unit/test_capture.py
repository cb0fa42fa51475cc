"""media video, camera, sink and display: file validation, decoder timing, rotation,
live sources, VideoSink, Window."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import cv2  # noqa: F401  (cv2 before av, as in hingecam.media.video)

# isort: split
import av
import numpy as np
import pytest

from hingecam.errors import CaptureError, DisplayError, InputError
from hingecam.media.camera import open_camera
from hingecam.media.display import Window, has_display
from hingecam.media.sink import VideoSink, output_size
from hingecam.media.video import open_video, rotate_cw, rotation_to_upright_cw
from tests.polling import wait_for

# -- helpers -------------------------------------------------------------------------


def pattern(index: int, width: int, height: int) -> np.ndarray:
    """A frame whose top-left quadrant is white and whose grey level encodes index."""
    image = np.full((height, width, 3), (index * 8) % 200, dtype=np.uint8)
    image[: height // 2, : width // 2] = 255
    return image


class ManualClock:
    """A paced replay's clock that moves only when the test advances it."""

    def __init__(self) -> None:
        self._now = 0.0
        self._cond = threading.Condition()

    def now(self) -> float:
        with self._cond:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._cond:
            self._now += seconds
            self._cond.notify_all()

    def sleep_until(self, deadline: float, stop: threading.Event) -> None:
        with self._cond:
            while self._now < deadline and not stop.is_set():
                self._cond.wait(0.05)  # wakes on advance(); the timeout sees stop


class VirtualClock:
    """A clock where waiting takes no time: sleeping jumps to the deadline."""

    def __init__(self) -> None:
        self._now = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep_until(self, deadline: float, stop: threading.Event) -> None:
        with self._lock:
            self._now = max(self._now, deadline)


def write_test_video(
    path: Path,
    *,
    frames: int = 12,
    width: int = 64,
    height: int = 48,
    fps: int = 30,
    rotation_ccw_deg: float | None = None,
    times_s: list[float] | None = None,
) -> Path:
    """A small H.264 mp4, optionally with a display rotation or explicit times."""
    container = av.open(str(path), mode="w")
    stream = container.add_stream("libx264", rate=fps)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    if times_s is not None:
        stream.codec_context.time_base = Fraction(1, 1000)
    if rotation_ccw_deg is not None:
        stream.set_display_rotation(rotation_ccw_deg)
    for i in range(frames):
        frame = av.VideoFrame.from_ndarray(pattern(i, width, height), format="bgr24")
        if times_s is not None:
            frame.pts = round(times_s[i] * 1000)
            frame.time_base = Fraction(1, 1000)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
    container.close()
    return path


def write_audio_only(path: Path) -> Path:
    container = av.open(str(path), mode="w")
    stream = container.add_stream("aac", rate=8000)
    samples = np.zeros((1, 1024), dtype=np.float32)
    for i in range(8):
        frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
        frame.sample_rate, frame.pts = 8000, i * 1024
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
    container.close()
    return path


@dataclass(frozen=True)
class Written:
    """What a written video holds, read while its container is open (PyAV
    18.1.1 refuses a stream's attributes once it is closed)."""

    codec: str
    average_rate: float
    frames: list[av.VideoFrame]


def read_back(path: Path) -> Written:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        return Written(stream.codec_context.name, float(stream.average_rate), frames)


# -- bad input: one InputError line, never another exception ---------------------------


def _missing(tmp: Path) -> Path:
    return tmp / "nope.mp4"


def _directory(tmp: Path) -> Path:
    (tmp / "clips.mp4").mkdir()
    return tmp / "clips.mp4"


def _empty(tmp: Path) -> Path:
    (tmp / "empty.mp4").write_bytes(b"")
    return tmp / "empty.mp4"


def _text(tmp: Path) -> Path:
    (tmp / "notes.mp4").write_text("these are not frames\n" * 50)
    return tmp / "notes.mp4"


def _audio_only(tmp: Path) -> Path:
    return write_audio_only(tmp / "audio.mp4")


def _moov_only(tmp: Path) -> Path:
    """Header intact, media data cut off before the first whole frame."""
    source = write_test_video(tmp / "whole.mp4", frames=30, width=320, height=240)
    data = source.read_bytes()
    container = av.open(str(source))
    first_packet = next(container.demux(container.streams.video[0]))
    cut = first_packet.pos + first_packet.size // 2
    container.close()
    (tmp / "cut.mp4").write_bytes(data[:cut])
    return tmp / "cut.mp4"


BAD_INPUTS: dict[str, Callable[[Path], Path]] = {
    "missing": _missing,
    "directory": _directory,
    "empty": _empty,
    "text_renamed_mp4": _text,
    "no_video_stream": _audio_only,
    "truncated_before_first_frame": _moov_only,
}


@pytest.mark.parametrize("make", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_raises_one_line_input_error(
    tmp_path: Path, make: Callable[[Path], Path]
) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError) as info:
        open_video(path)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message


@pytest.mark.clips
def test_truncated_clip_without_index_raises_input_error(
    tmp_path: Path, clip_path: Callable[[str], Path]
) -> None:
    # This clip keeps its index (moov) at the end: cutting it loses the index.
    data = clip_path("deadlift_side_bad_jeff.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.mp4"):
        open_video(cut)


@pytest.mark.clips
def test_clip_truncated_midway_keeps_frames_and_says_it_is_damaged(
    tmp_path: Path, clip_path: Callable[[str], Path], caplog: pytest.LogCaptureFixture
) -> None:
    # Index first, media after: cutting half the bytes keeps about half the frames.
    data = clip_path("kbdl_side_correct_tby.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with (
        caplog.at_level(logging.INFO, logger="hingecam.media.video"),
        open_video(cut) as source,
    ):
        times = [frame.t_s for frame in source]
    assert 200 < len(times) < 648
    assert source.info.frames == len(times)
    # The caller reports it (analyze: one error line, exit 2, a note in the
    # report); the log line is a diagnostic for -v.
    assert source.damaged
    assert any("truncated" in r.getMessage() for r in caplog.records)


# -- timing --------------------------------------------------------------------------


def test_timestamps_come_from_the_decoder_not_index_over_fps(tmp_path: Path) -> None:
    times_s = [0.0, 0.05, 0.1, 0.2, 0.25, 0.4, 0.45, 0.5]  # variable frame rate
    path = write_test_video(tmp_path / "vfr.mp4", frames=8, times_s=times_s)
    with open_video(path) as source:
        frames = list(source)
    assert [f.index for f in frames] == list(range(8))
    np.testing.assert_allclose([f.t_s for f in frames], times_s, atol=1e-3)


def test_info_reports_decoded_frames_after_iteration(tmp_path: Path) -> None:
    path = write_test_video(tmp_path / "v.mp4", frames=12, fps=30)
    with open_video(path) as source:
        frames = list(source)
        info = source.info
    assert source.finished
    assert (info.width, info.height, info.frames) == (64, 48, 12)
    assert info.fps == pytest.approx(30)
    assert info.duration_s == pytest.approx(12 / 30, abs=1e-3)
    assert frames[0].image_bgr.shape == (48, 64, 3)
    assert frames[0].image_bgr.dtype == np.uint8


@pytest.mark.clips
def test_clip_timestamps_increase_and_span_its_duration(
    clip_path: Callable[[str], Path],
) -> None:
    with open_video(clip_path("kbdl_side_correct_tby.mp4")) as source:
        times = np.array([frame.t_s for frame in source])
        info = source.info
    assert times[0] == 0.0
    assert np.all(np.diff(times) > 0)
    one_frame_s = 1 / 60
    assert info.duration_s == pytest.approx(10.80, abs=one_frame_s)
    assert times[-1] + one_frame_s == pytest.approx(10.80, abs=one_frame_s)
    assert (info.width, info.height) == (360, 640)


@pytest.mark.clips
def test_variable_frame_rate_clip_reads_until_the_decoder_stops(
    clip_path: Callable[[str], Path],
) -> None:
    # The container claims 123 frames; 109 decode (MANIFEST.tsv).
    with open_video(clip_path("deadlift_side_bad_mat09.mp4")) as source:
        assert source.info.frames == 123  # the container's estimate, before reading
        times = np.array([frame.t_s for frame in source])
        assert source.info.frames == 109
    assert len(times) == 109
    assert np.all(np.diff(times) > 0)
    assert times[-1] == pytest.approx(3.58, abs=0.04)


def test_close_midway_stops_the_decoder_thread(tmp_path: Path) -> None:
    path = write_test_video(tmp_path / "v.mp4", frames=40)
    source = open_video(path, prefetch=2)
    iterator = iter(source)
    next(iterator)
    thread = source._thread
    source.close()
    assert thread is not None
    assert not thread.is_alive()


def test_a_video_source_iterates_once(tmp_path: Path) -> None:
    with open_video(write_test_video(tmp_path / "v.mp4", frames=3)) as source:
        assert len(list(source)) == 3
        with pytest.raises(RuntimeError):
            iter(source)


# -- rotation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("display_ccw", "upright_cw"),
    [(0, 0), (-90, 90), (90, 270), (180, 180), (-180, 180), (-89.6, 90), (270, 90)],
)
def test_rotation_to_upright_cw(display_ccw: float, upright_cw: int) -> None:
    assert rotation_to_upright_cw(display_ccw) == upright_cw


def test_rotate_cw_turns_the_top_left_corner_to_top_right() -> None:
    image = np.zeros((2, 4, 3), dtype=np.uint8)
    image[0, 0] = 255
    turned = rotate_cw(image, 90)
    assert turned.shape == (4, 2, 3)
    assert turned[0, 1, 0] == 255
    assert rotate_cw(image, 0) is image
    with pytest.raises(ValueError):
        rotate_cw(image, 45)


@pytest.mark.parametrize(
    ("display_ccw", "white_corner"),
    [
        # A phone held upright stores a landscape image and says "rotate -90".
        (-90, "top_right"),
        (90, "bottom_left"),
        (180, "bottom_right"),
    ],
)
def test_rotated_video_comes_out_upright(
    tmp_path: Path, display_ccw: float, white_corner: str
) -> None:
    path = write_test_video(
        tmp_path / "phone.mp4",
        frames=3,
        width=64,
        height=32,
        rotation_ccw_deg=display_ccw,
    )
    with open_video(path) as source:
        image = next(iter(source)).image_bgr
        info = source.info
    expected_shape = (32, 64, 3) if display_ccw == 180 else (64, 32, 3)
    assert image.shape == expected_shape
    assert (info.height, info.width) == expected_shape[:2]
    assert info.rotation_deg == rotation_to_upright_cw(display_ccw)
    h, w = image.shape[:2]
    corners = {
        "top_left": image[2, 2],
        "top_right": image[2, w - 3],
        "bottom_left": image[h - 3, 2],
        "bottom_right": image[h - 3, w - 3],
    }
    bright = {name for name, px in corners.items() if px.mean() > 200}
    assert bright == {white_corner}


# -- live sources ----------------------------------------------------------------------


def test_missing_camera_raises_capture_error_with_what_to_try() -> None:
    with pytest.raises(CaptureError) as info:
        open_camera(97)
    message = str(info.value)
    assert "\n" not in message
    assert "--camera" in message
    assert "--source FILE" in message


def test_a_file_as_camera_needs_paced(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="paced"):
        open_camera(write_test_video(tmp_path / "v.mp4", frames=3))


def test_paced_replay_keeps_to_the_clock_and_drops_stale_frames(tmp_path: Path) -> None:
    path = write_test_video(tmp_path / "v.mp4", frames=30, fps=30)  # 1 s
    clock = ManualClock()
    step_s = 0.11  # the consumer's time per frame: 3.3 source frames
    frames = []
    with open_camera(path, paced=True, clock=clock) as camera:
        for frame in camera:
            frames.append(frame)
            clock.advance(step_s)
            due = min(30, math.floor(clock.now() * 30) + 1)  # frames whose time came
            wait_for(
                lambda due=due: camera.dropped + len(frames) >= due,
                f"{due} frames",
                every_s=0.001,
            )
    # Each read gets the newest frame whose time has come, never a later one
    # (the replay keeps to the clock) nor a backlog (stale frames are dropped).
    assert [f.index for f in frames] == [0, 3, 6, 9, 13, 16, 19, 23, 26, 29]
    assert [f.t_s for f in frames] == pytest.approx(
        [k * step_s for k in range(len(frames))]
    )
    assert camera.dropped == 20


def test_paced_replay_starts_at_the_first_iteration(tmp_path: Path) -> None:
    path = write_test_video(tmp_path / "v.mp4", frames=10, fps=30)
    clock = ManualClock()
    with open_camera(path, paced=True, clock=clock) as camera:
        clock.advance(10.0)  # longer than the clip: nothing may be lost meanwhile
        first = next(iter(camera))
    assert (first.index, first.t_s) == (0, 0.0)


def test_closing_an_unread_camera_source_returns_at_once(tmp_path: Path) -> None:
    camera = open_camera(write_test_video(tmp_path / "v.mp4"), paced=True)
    camera.close()  # no reader thread was started, so there is none to wait for
    assert not [t for t in threading.enumerate() if t.name.startswith("capture:")]
    with pytest.raises(RuntimeError):
        iter(camera)


def test_paced_stream_url_replays_through_opencv(tmp_path: Path) -> None:
    path = write_test_video(tmp_path / "v.mp4", frames=15, fps=30)  # 0.5 s
    with open_camera(f"file://{path}", paced=True, clock=VirtualClock()) as camera:
        frames = list(camera)
    # Paced: the last frame came out when the clock reached its media time.
    assert frames[-1].t_s == pytest.approx(14 / 30, abs=1 / 30 + 1e-6)
    assert frames[0].image_bgr.shape == (48, 64, 3)
    assert np.all(np.diff([f.index for f in frames]) > 0)
    assert camera.info.frames == len(frames)


def test_unreachable_stream_raises_capture_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="cannot open stream"):
        open_camera(f"file://{tmp_path}/gone.mp4")


def test_missing_file_as_camera_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        open_camera(tmp_path / "gone.mp4", paced=True)


# -- VideoSink ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size_wh", "max_height", "expected_wh"),
    [
        ((1920, 1080), 720, (1280, 720)),
        ((360, 640), 720, (360, 640)),
        ((101, 75), 720, (100, 74)),
        ((1920, 1080), None, (1920, 1080)),
        ((1080, 1920), 720, (404, 720)),
    ],
)
def test_even_size(
    size_wh: tuple[int, int], max_height: int | None, expected_wh: tuple[int, int]
) -> None:
    assert output_size(*size_wh, max_height) == expected_wh


def test_video_sink_writes_browser_playable_h264(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    with VideoSink(out, fps=30) as sink:
        for i in range(20):
            sink.write(pattern(i, 101, 75))
        assert len(list(tmp_path.glob(".out.mp4.*.tmp"))) == 1
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]
    written = read_back(out)
    frames = written.frames
    assert written.codec == "h264"
    assert frames[0].format.name == "yuv420p"
    assert (frames[0].width, frames[0].height) == (100, 74)
    assert len(frames) == 20
    assert written.average_rate == pytest.approx(30, rel=0.01)
    data = out.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")  # +faststart


def test_video_sink_downscales_to_max_height_and_keeps_times(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    times_s = [0.0, 0.1, 0.15, 0.3, 0.35]
    with VideoSink(out, fps=20, max_height=120) as sink:
        for i, t_s in enumerate(times_s):
            sink.write(pattern(i, 320, 240), t_s=t_s)
    frames = read_back(out).frames
    assert (frames[0].width, frames[0].height) == (160, 120)
    np.testing.assert_allclose([f.time for f in frames], times_s, atol=1e-3)


def test_video_sink_without_frames_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    VideoSink(out, fps=30).close()
    assert list(tmp_path.iterdir()) == []


def test_video_sink_copies_frames_so_callers_can_reuse_buffers(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    buffer = np.zeros((48, 64, 3), dtype=np.uint8)
    with VideoSink(out, fps=30) as sink:
        sink.write(buffer)
        buffer[:] = 255  # drawn over before the encoder got to it
        sink.write(buffer)
    frames = read_back(out).frames
    assert frames[0].to_ndarray(format="bgr24").mean() < 20
    assert frames[1].to_ndarray(format="bgr24").mean() > 235


def test_video_sink_to_a_missing_folder_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"out\.mp4"):
        VideoSink(tmp_path / "no" / "such" / "out.mp4", fps=30)


# -- display --------------------------------------------------------------------------


@pytest.fixture
def headless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")


@pytest.mark.usefixtures("headless")
def test_no_display_means_no_window() -> None:
    assert not has_display()
    with pytest.raises(DisplayError) as info:
        Window()
    assert "\n" not in str(info.value)


@pytest.mark.usefixtures("headless")
def test_wayland_alone_counts_as_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert has_display()
