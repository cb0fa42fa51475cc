"""The report's SVG helpers: round tick values, labels with the decimals the
step needs, polylines that leave gaps where samples are missing, escaped text."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hingecam.report.svg import Scale, nice_ticks, path_d, svg_element, text, tick_text


@pytest.mark.parametrize(
    ("lo", "hi", "most", "ticks"),
    [
        (-8.3, 95.0, 5, [0.0, 25.0, 50.0, 75.0]),
        (-8.3, 160.0, 5, [0.0, 50.0, 100.0, 150.0]),
        (-0.035, 0.09, 5, [-0.025, 0.0, 0.025, 0.05, 0.075]),
        (0.0, 13.4, 8, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]),
        (3.0, 3.0, 5, [3.0]),
    ],
)
def test_ticks_are_round_values_within_the_range(
    lo: float, hi: float, most: int, ticks: list[float]
) -> None:
    assert nice_ticks(lo, hi, most) == pytest.approx(ticks)


def test_no_ticks_without_a_range() -> None:
    assert nice_ticks(math.nan, 1.0) == []


@pytest.mark.parametrize(
    ("value", "ticks", "label"),
    [
        (50.0, [0.0, 50.0], "50"),
        (0.05, [0.0, 0.05], "0.05"),
        (-0.025, [-0.025, 0.0], "-0.025"),
        (2.5, [0.0, 2.5], "2.5"),
        (-0.0, [-0.0, 1.0], "0"),
    ],
)
def test_tick_labels_have_the_decimals_the_step_needs(
    value: float, ticks: list[float], label: str
) -> None:
    assert tick_text(value, ticks) == label


def test_scale_maps_ends_and_flips_for_y() -> None:
    y = Scale(0.0, 100.0, 200.0, 100.0)  # SVG y grows downwards
    assert (y(0.0), y(100.0), y(50.0)) == (200.0, 100.0, 150.0)
    assert Scale(1.0, 1.0, 0.0, 10.0)(1.0) == 5.0  # an empty range: the middle


def test_a_missing_sample_breaks_the_line() -> None:
    x = Scale(0.0, 4.0, 0.0, 40.0)
    y = Scale(0.0, 1.0, 10.0, 0.0)
    d = path_d([0, 1, 2, 3, 4], [0.0, 1.0, np.nan, 0.5, 0.0], x, y)
    assert d == "M0 10L10 0M30 5L40 10"


def test_text_is_escaped_and_the_svg_has_no_namespace_or_url() -> None:
    svg = svg_element(100, 50, [text(1, 2, "<b>&")], 'a "chart"')
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert 'aria-label="a &quot;chart&quot;"' in svg
    assert "xmlns" not in svg and "http" not in svg
