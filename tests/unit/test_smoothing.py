"""Smoothing: the zero-phase Gaussian for recorded video and the causal One Euro
filter for live use, on hand-made series with known answers."""

from __future__ import annotations

import math

import numpy as np

from hingecam.core.smoothing import OneEuroFilter, gaussian_at, gaussian_smooth
from hingecam.core.thresholds import Thresholds

TH = Thresholds()
SIGMA = TH.smooth_sigma_s
MAX_GAP = TH.smooth_max_gap_s


def frames(seconds: float, fps: float = 30.0) -> np.ndarray:
    return np.arange(round(seconds * fps)) / fps


# -- zero-phase Gaussian ---------------------------------------------------------------


def test_gaussian_smooth_of_a_constant_is_the_constant() -> None:
    t = frames(2.0)
    out = gaussian_smooth(t, np.full(t.size, 37.5), SIGMA, MAX_GAP)
    np.testing.assert_allclose(out, 37.5, atol=1e-9)


def test_gaussian_smooth_keeps_a_symmetric_bump_peak_in_place() -> None:
    t = frames(3.0)
    x = 60.0 * np.exp(-0.5 * ((t - 1.5) / 0.2) ** 2)
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    assert int(np.argmax(out)) == int(np.argmax(x))
    assert out.max() < x.max()  # it does smooth


def test_gaussian_smooth_does_not_delay_a_ramp() -> None:
    # A causal filter lags a ramp; a zero-phase one sits on it away from the ends.
    t = frames(2.0)
    x = 50.0 * t
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    inner = (t > 0.3) & (t < 1.7)
    np.testing.assert_allclose(out[inner], x[inner], atol=1e-6)


def test_gaussian_smooth_damps_frame_to_frame_jitter() -> None:
    t = frames(4.0)
    rng = np.random.default_rng(3)
    x = 20.0 + rng.normal(0.0, 3.0, t.size)
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    assert np.std(out - 20.0) < 0.5 * np.std(x - 20.0)


def test_gaussian_smooth_bridges_a_short_nan_gap() -> None:
    t = frames(2.0)
    x = np.full(t.size, 10.0)
    x[30:34] = np.nan  # 4 frames = 0.13 s, shorter than smooth_max_gap_s
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    np.testing.assert_allclose(out, 10.0, atol=1e-9)


def test_gaussian_smooth_leaves_a_long_gap_missing() -> None:
    t = frames(3.0)
    x = np.full(t.size, 10.0)
    gap = (t >= 1.0) & (t < 2.0)  # 1 s, far beyond smooth_max_gap_s
    x[gap] = np.nan
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    assert np.isnan(out[gap]).all()
    np.testing.assert_allclose(out[~gap], 10.0, atol=1e-9)


def test_gaussian_smooth_does_not_extrapolate_past_the_last_sample() -> None:
    t = frames(1.0)
    x = np.full(t.size, 5.0)
    x[-5:] = np.nan
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    assert np.isnan(out[-5:]).all()


def test_gaussian_smooth_of_all_nan_is_all_nan() -> None:
    t = frames(1.0)
    out = gaussian_smooth(t, np.full(t.size, np.nan), SIGMA, MAX_GAP)
    assert np.isnan(out).all()


def test_gaussian_smooth_filters_columns_independently() -> None:
    t = frames(1.0)
    x = np.stack([np.full(t.size, 1.0), np.full(t.size, -4.0)], axis=1)
    x[10:12, 1] = np.nan
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    assert out.shape == x.shape
    np.testing.assert_allclose(out[:, 0], 1.0)
    np.testing.assert_allclose(out[:, 1], -4.0)


def test_gaussian_smooth_works_on_irregular_timestamps() -> None:
    rng = np.random.default_rng(7)
    t = np.cumsum(rng.uniform(0.5, 1.5, 120) / 30.0)
    x = 40.0 * np.sin(2 * np.pi * 0.4 * t)
    out = gaussian_smooth(t, x, SIGMA, MAX_GAP)
    inner = (t > t[0] + 0.2) & (t < t[-1] - 0.2)
    # A 0.4 Hz sine passes a 0.05 s Gaussian almost untouched (gain 0.9987); the
    # uneven spacing biases the weighted mean by a few ms of slope (<= 100 deg/s).
    np.testing.assert_allclose(out[inner], x[inner], atol=1.5)


def test_gaussian_sigma_is_in_seconds_not_frames() -> None:
    # A Gaussian bump of width w smoothed by sigma keeps w / sqrt(w^2 + sigma^2) of
    # its peak, at any frame rate.
    width = 0.08
    expected = width / math.hypot(width, SIGMA)
    for fps in (25.0, 30.0, 60.0, 120.0):
        t = frames(2.0, fps)
        x = np.exp(-0.5 * ((t - 1.0) / width) ** 2)
        peak = gaussian_smooth(t, x, SIGMA, MAX_GAP).max()
        assert abs(peak - expected) < 0.02, fps


def test_gaussian_at_with_zero_sigma_returns_the_raw_sample() -> None:
    t = frames(1.0)
    x = np.arange(t.size, dtype=float)[:, None]
    assert gaussian_at(t, x, 5, 0.0, MAX_GAP)[0] == 5.0


# -- causal One Euro -------------------------------------------------------------------


def run(f: OneEuroFilter, t: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.array(
        [f.update(float(ti), float(xi)) for ti, xi in zip(t, x, strict=True)]
    )


def test_one_euro_first_sample_passes_through() -> None:
    assert OneEuroFilter().update(0.0, 12.5) == 12.5


def test_one_euro_of_a_constant_is_the_constant() -> None:
    t = frames(1.0)
    out = run(OneEuroFilter(), t, np.full(t.size, 7.0))
    np.testing.assert_allclose(out, 7.0)


def test_one_euro_converges_to_a_step_without_overshoot() -> None:
    t = frames(4.0)
    x = np.where(t < 1.0, 0.0, 60.0)
    out = run(OneEuroFilter(TH.live_min_cutoff_hz, TH.live_beta), t, x)
    assert out[t < 1.0].max() == 0.0
    assert abs(out[-1] - 60.0) < 0.1
    assert out.max() <= 60.0 + 1e-9
    assert np.all(np.diff(out) >= -1e-9)  # rises monotonically


def test_one_euro_is_causal_and_lags_a_ramp() -> None:
    t = frames(2.0)
    x = 50.0 * t
    out = run(OneEuroFilter(), t, x)
    assert np.all(out[5:] < x[5:])


def test_one_euro_returns_nan_for_nan() -> None:
    f = OneEuroFilter()
    f.update(0.0, 1.0)
    assert math.isnan(f.update(1 / 30, math.nan))


def test_one_euro_rides_through_a_short_gap_without_jumping() -> None:
    f = OneEuroFilter(max_gap_s=0.5)
    for i in range(30):
        f.update(i / 30, 0.0)
    f.update(1.0, math.nan)
    # 0.2 s after the last sample: still the same filter, so it moves only part way.
    assert 0.0 < f.update(29 / 30 + 0.2, 100.0) < 100.0


def test_one_euro_restarts_after_a_long_gap() -> None:
    f = OneEuroFilter(max_gap_s=0.5)
    for i in range(30):
        f.update(i / 30, 0.0)
    for i in range(30, 60):
        assert math.isnan(f.update(i / 30, math.nan))
    # One second without data: the first new sample is taken as is.
    assert f.update(2.0, 100.0) == 100.0


def test_one_euro_reset_forgets_the_state() -> None:
    f = OneEuroFilter()
    f.update(0.0, 0.0)
    f.update(0.1, 0.0)
    f.reset()
    assert f.update(0.2, 42.0) == 42.0


def test_one_euro_ignores_a_repeated_timestamp() -> None:
    f = OneEuroFilter()
    f.update(0.0, 1.0)
    f.update(1 / 30, 2.0)
    before = f.update(2 / 30, 3.0)
    assert f.update(2 / 30, 1000.0) == before


def test_one_euro_handles_irregular_timestamps() -> None:
    rng = np.random.default_rng(5)
    t = np.cumsum(rng.uniform(0.3, 1.7, 150) / 30.0)
    x = np.where(t < 1.0, 0.0, 30.0)
    out = run(OneEuroFilter(), t, x)
    assert np.isfinite(out).all()
    assert abs(out[-1] - 30.0) < 0.1
