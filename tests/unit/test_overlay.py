"""Overlay pixels on small headless canvases: what is drawn where, in what colour."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from hingecam.core.datatypes import (
    Check,
    FrameAnalysis,
    Outcome,
    Phase,
    Rep,
    SetupHint,
    Severity,
    Side,
    View,
)
from hingecam.core.faults import Fault
from hingecam.core.landmarks import Landmark as L
from hingecam.core.measures import Measures
from hingecam.core.poses import N_LANDMARKS, Pose
from hingecam.render.annotator import FrameAnnotator
from hingecam.render.elements import (
    AngleOverlay,
    CueBanner,
    DebugOverlay,
    RepCounterOverlay,
    SetupHintCard,
    SkeletonOverlay,
)
from hingecam.render.stickfigure import StickFigureLook, draw_stick_figure
from hingecam.render.style import OverlayStyle

STYLE = OverlayStyle()
LONG_CUE = (
    "Drive your hips forward and squeeze your glutes at the top, keep the bell "
    "close to your legs and your back flat all the way up, then breathe out"
)


def make_pose(points: dict[L, tuple[float, float]], visibility: float = 1.0) -> Pose:
    """A pose with the given normalized points; every other point NaN."""
    xy = np.full((N_LANDMARKS, 2), np.nan, dtype=np.float32)
    vis = np.zeros(N_LANDMARKS, dtype=np.float32)
    for lm, p in points.items():
        xy[lm] = p
        vis[lm] = visibility
    return Pose(
        t_s=0.0,
        xy_norm=xy,
        image_wh=(120, 120),
        world_m=np.zeros((N_LANDMARKS, 3), dtype=np.float32),
        visibility=vis,
        presence=vis.copy(),
    )


def make_analysis(
    pose: Pose | None,
    *,
    phase: Phase = Phase.STANDING,
    side: Side | None = Side.LEFT,
    cue: str | None = None,
    severity: Severity = Severity.NOTE,
    measures: dict[str, float] | None = None,
    setup_hint: SetupHint | None = None,
    last_rep: Rep | None = None,
    rep_count: int = 2,
    facing: float = 0.0,
) -> FrameAnalysis:
    return FrameAnalysis(
        frame_index=7,
        t_s=0.25,
        pose=pose,
        measures=Measures(**(measures or {})),
        side=side,
        view=View.SIDE,
        phase=phase,
        rep_count=rep_count,
        cue=cue,
        cue_severity=severity,
        setup_hint=setup_hint,
        last_rep=last_rep,
        facing=facing,
    )


def make_rep(*faults: Fault, outcome: Outcome = Outcome.FLAGGED) -> Rep:
    """A rep with one check per fault; with no faults, one passed check (clean)."""
    checks = tuple(
        Check(f, outcome, 30.0, 20.0, "deg", 1.0, 30, Severity.FAULT, "", "")
        for f in faults or (Fault.LOCKED_KNEES,)
    )
    if not faults:
        checks = tuple(replace(c, outcome=Outcome.OK) for c in checks)
    return Rep(1, 0.0, 1.0, 2.0, 0, 30, 60, 1.0, 1.0, View.SIDE, {}, checks)


def canvas(w: int = 120, h: int = 120) -> np.ndarray:
    return np.zeros((h, w, 3), dtype=np.uint8)


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels that differ between two images."""
    return np.any(a != b, axis=2)


# A horizontal near-side thigh across the middle of a 120 px canvas: x 30..90, y 60.
THIGH = {L.LEFT_HIP: (0.25, 0.5), L.LEFT_KNEE: (0.75, 0.5)}


def assert_colour(pixel: np.ndarray, bgr: tuple[int, int, int], tol: int = 2) -> None:
    assert np.abs(pixel.astype(int) - np.array(bgr)).max() <= tol, (pixel, bgr)


def test_skeleton_edge_is_drawn_in_phase_colour_along_its_pixels() -> None:
    image = canvas()
    SkeletonOverlay(STYLE).draw(image, make_analysis(make_pose(THIGH)))
    colour = STYLE.phase_bgr[Phase.STANDING]
    for x in range(42, 79):  # between the joint dots
        assert_colour(image[60, x], colour)
    assert not image[:45].any() and not image[76:].any()


def test_skeleton_follows_the_drawn_image_size_not_the_source_size() -> None:
    image = canvas(240, 240)  # the pose came from a 120 x 120 frame
    SkeletonOverlay(STYLE).draw(image, make_analysis(make_pose(THIGH)))
    assert_colour(image[120, 120], STYLE.phase_bgr[Phase.STANDING])
    assert not image[:100].any()


def test_active_cue_colours_skeleton_by_its_severity() -> None:
    image = canvas()
    analysis = make_analysis(
        make_pose(THIGH), phase=Phase.DESCENT, cue="Flat back", severity=Severity.FAULT
    )
    SkeletonOverlay(STYLE).draw(image, analysis)
    assert_colour(image[60, 60], STYLE.severity_bgr[Severity.FAULT])


def test_near_side_is_thicker_and_brighter_than_far_side() -> None:
    pose = make_pose(
        {
            L.LEFT_HIP: (0.25, 0.3),
            L.LEFT_KNEE: (0.75, 0.3),
            L.RIGHT_HIP: (0.25, 0.7),
            L.RIGHT_KNEE: (0.75, 0.7),
        }
    )
    image = canvas()
    SkeletonOverlay(STYLE).draw(image, make_analysis(pose, side=Side.LEFT))
    column = image[:, 60].astype(int)
    lit = column.sum(axis=1) > 0
    near_rows = int(lit[:60].sum())
    far_rows = int(lit[60:].sum())
    assert near_rows > far_rows > 0
    assert column[36].sum() > column[84].sum()  # line centres: y = 36 and 84


@pytest.mark.parametrize(
    ("points", "visibility"),
    [
        ({L.LEFT_HIP: (math.nan, math.nan), L.LEFT_KNEE: (0.75, 0.5)}, 1.0),
        ({L.LEFT_HIP: (math.nan, 0.5), L.LEFT_KNEE: (math.nan, math.nan)}, 1.0),
        (THIGH, 0.4),  # below the 0.5 visibility gate
    ],
    ids=["one-end-nan", "all-nan", "low-visibility"],
)
def test_missing_or_unseen_points_draw_nothing(
    points: dict[L, tuple[float, float]], visibility: float
) -> None:
    image = canvas()
    analysis = make_analysis(make_pose(points, visibility), measures={})
    SkeletonOverlay(STYLE).draw(image, analysis)
    AngleOverlay(STYLE).draw(image, analysis)
    assert not image.any()


def test_nan_visibility_is_treated_as_unseen() -> None:
    pose = make_pose(THIGH)
    pose.visibility[:] = np.nan
    image = canvas()
    SkeletonOverlay(STYLE).draw(image, make_analysis(pose))
    assert not image.any()


def test_nan_angle_values_are_not_drawn_but_finite_ones_are() -> None:
    pose = make_pose(
        {
            L.LEFT_SHOULDER: (0.5, 0.2),
            L.LEFT_HIP: (0.5, 0.5),
            L.LEFT_KNEE: (0.5, 0.8),
        }
    )
    nan_measures = {
        "hip_flexion_deg": math.nan,
        "knee_flexion_deg": math.nan,
        "trunk_incline_deg": math.nan,
    }
    image = canvas(200, 200)
    AngleOverlay(STYLE).draw(image, make_analysis(pose, measures=nan_measures))
    assert not image.any()

    hip_only = {**nan_measures, "hip_flexion_deg": 12.0}
    AngleOverlay(STYLE).draw(image, make_analysis(pose, measures=hip_only))
    ys, _ = np.nonzero(changed(image, canvas(200, 200)))
    # Only the hip chip: near hip height (y = 100), nothing by shoulder or knee.
    assert ys.size > 0
    assert abs(float(np.median(ys)) - 100) < 20


def test_trunk_incline_has_a_vertical_reference_tick_above_the_shoulder() -> None:
    pose = make_pose({L.LEFT_SHOULDER: (0.4, 0.5), L.LEFT_HIP: (0.6, 0.7)})
    image = canvas(200, 200)
    analysis = make_analysis(pose, measures={"trunk_incline_deg": 45.0})
    AngleOverlay(STYLE).draw(image, analysis)
    # Dashes straight up from the shoulder (x = 80, y = 100), light on dark.
    tick = image[70:98, 80].astype(int).sum(axis=1)
    assert (tick > 400).sum() >= 5
    below = changed(image, canvas(200, 200))[105:, :]
    assert not below.any()  # nothing under the shoulder: no hip or knee chip


def test_knee_chip_sits_in_front_of_a_bent_knee() -> None:
    # Hip behind and above, ankle below: the chip goes in front (left) of the knee.
    pose = make_pose(
        {L.LEFT_HIP: (0.7, 0.3), L.LEFT_KNEE: (0.5, 0.5), L.LEFT_ANKLE: (0.6, 0.8)}
    )
    image = canvas(300, 300)
    AngleOverlay(STYLE).draw(
        image, make_analysis(pose, measures={"knee_flexion_deg": 70.0})
    )
    ys, xs = np.nonzero(changed(image, canvas(300, 300)))
    assert xs.max() < 150  # wholly in front of the knee at x = 150
    assert abs(float(np.median(ys)) - 150) < 40


@pytest.mark.parametrize("bend", [-0.01, 0.0, 0.01], ids=["back", "straight", "front"])
def test_hip_chip_stays_behind_a_nearly_straight_body(bend: float) -> None:
    # Facing image-left (toe left of heel); a jittering, nearly straight hip
    # must not flip its chip from one side of the body to the other.
    pose = make_pose(
        {
            L.LEFT_SHOULDER: (0.5, 0.2),
            L.LEFT_HIP: (0.5 + bend, 0.5),
            L.LEFT_KNEE: (0.5, 0.7),
            L.LEFT_HEEL: (0.52, 0.9),
            L.LEFT_FOOT_INDEX: (0.44, 0.9),
        }
    )
    image = canvas(300, 300)
    analysis = make_analysis(pose, measures={"hip_flexion_deg": 3.0}, facing=-1.0)
    AngleOverlay(STYLE).draw(image, analysis)
    _, xs = np.nonzero(changed(image, canvas(300, 300)))
    assert xs.min() > (0.5 + bend) * 300  # wholly behind (right of) the hip


def test_pose_none_draws_counter_and_cue_but_no_skeleton() -> None:
    pose = make_pose({L.LEFT_SHOULDER: (0.5, 0.35), L.LEFT_HIP: (0.5, 0.55), **THIGH})
    kwargs = {
        "phase": Phase.DESCENT,
        "cue": "Hips back",
        "severity": Severity.WARNING,
        "measures": {"hip_flexion_deg": 40.0},
    }
    without_pose = FrameAnnotator(STYLE).draw(
        canvas(320, 240), make_analysis(None, **kwargs)
    )
    overlays_only = FrameAnnotator(STYLE, skeleton=False, angles=False).draw(
        canvas(320, 240), make_analysis(pose, **kwargs)
    )
    np.testing.assert_array_equal(without_pose, overlays_only)
    drawn = changed(without_pose, canvas(320, 240))
    assert drawn[:60, :100].any()  # the counter, top left
    assert drawn[200:, :].any()  # the cue banner, bottom
    assert not drawn[90:170, 110:210].any()  # where the body would be


def test_annotator_draws_in_place_and_returns_the_same_array() -> None:
    image = canvas(320, 240)
    analysis = make_analysis(make_pose(THIGH), cue="Hips back")
    out = FrameAnnotator(STYLE, debug=True).draw(image, analysis)
    assert out is image
    assert image.any()


@pytest.mark.parametrize("wh", [(120, 90), (160, 120), (360, 640), (1280, 720)])
@pytest.mark.parametrize(
    "text", [LONG_CUE, "x" * 300, LONG_CUE * 6], ids=["long", "one-word", "huge"]
)
def test_long_cue_wraps_inside_the_image(wh: tuple[int, int], text: str) -> None:
    banner = CueBanner(STYLE)
    block = banner.layout_cue(wh, text)
    w, h = wh
    x0, y0, x1, y1 = block.box
    assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
    assert len(block.lines) > 1
    for tx0, ty0, tx1, ty1 in block.text_boxes:
        assert x0 <= tx0 < tx1 <= x1 and y0 <= ty0 < ty1 <= y1

    image = canvas(w, h)
    banner.draw(image, make_analysis(None, cue=text, severity=Severity.FAULT))
    drawn = changed(image, canvas(w, h))
    # Nothing reaches the frame's edges: the banner keeps a margin all round.
    assert drawn.any()
    assert not drawn[:, 0].any() and not drawn[:, -1].any() and not drawn[-1].any()


def test_text_longer_than_the_banner_allows_is_cut_with_ellipsis() -> None:
    block = CueBanner(STYLE, max_lines=2).layout_cue((320, 240), LONG_CUE * 3)
    assert len(block.lines) == 2
    assert block.lines[-1].endswith("...")


def test_setup_hint_is_drawn_inside_the_image_without_a_pose() -> None:
    image = canvas(360, 640)
    longest = max(SetupHint, key=lambda h: len(h.text))
    SetupHintCard(STYLE).draw(image, make_analysis(None, setup_hint=longest))
    drawn = changed(image, canvas(360, 640))
    rows = np.flatnonzero(drawn.any(axis=1))
    assert rows.size > 0
    assert rows.min() > 0 and rows.max() < 640 // 2  # near the top, not at the edge
    assert not drawn[:, 0].any() and not drawn[:, -1].any()


def test_rep_verdict_chip_is_green_when_clean_and_red_for_a_fault() -> None:
    def chip_pixels(rep: Rep, colour: tuple[int, int, int]) -> int:
        image = canvas(320, 240)
        analysis = make_analysis(None, phase=Phase.SETUP, last_rep=rep)  # grey phase
        RepCounterOverlay(STYLE).draw(image, analysis)
        return int(np.all(np.abs(image.astype(int) - colour) <= 30, axis=2).sum())

    green, red = STYLE.clean_bgr, STYLE.severity_bgr[Severity.FAULT]
    assert chip_pixels(make_rep(), green) > 50
    assert chip_pixels(make_rep(), red) == 0
    assert chip_pixels(make_rep(Fault.ROUNDED_SPINE), red) > 50
    assert chip_pixels(make_rep(Fault.ROUNDED_SPINE), green) == 0
    unjudged = make_rep(Fault.ROUNDED_SPINE, outcome=Outcome.NOT_JUDGED)
    assert chip_pixels(unjudged, green) == 0
    assert chip_pixels(unjudged, red) == 0


def test_debug_overlay_shows_the_stats_it_was_given() -> None:
    debug = DebugOverlay(STYLE)
    analysis = make_analysis(None)
    debug.set_stats(30.0, 40.0)
    first = debug.draw(canvas(320, 240), analysis)
    debug.set_stats(12.5, 180.0)
    second = debug.draw(canvas(320, 240), analysis)
    assert changed(first, second).any()
    assert not changed(first, canvas(320, 240))[60:].any()  # top strip only


def test_stick_figure_draws_the_edge_on_a_plain_canvas() -> None:
    image = draw_stick_figure(
        make_pose(THIGH).xy_norm,
        make_pose(THIGH).visibility,
        (120, 120),
        Side.LEFT,
        look=StickFigureLook(color=(0, 200, 0), background_bgr=(10, 10, 10), fit=False),
    )
    assert image.shape == (120, 120, 3) and image.dtype == np.uint8
    assert_colour(image[60, 60], (0, 200, 0))
    assert_colour(image[5, 5], (10, 10, 10), tol=0)


def test_stick_figure_fit_keeps_the_body_inside_the_canvas() -> None:
    # A body hanging off the source frame's right edge, scaled to the canvas.
    pose = make_pose({L.LEFT_HIP: (0.9, 0.1), L.LEFT_KNEE: (1.3, 0.95)})
    image = draw_stick_figure(
        pose.xy_norm,
        pose.visibility,
        (100, 160),
        Side.LEFT,
        look=StickFigureLook(background_bgr=(0, 0, 0)),
    )
    drawn = image.any(axis=2)
    assert drawn.any()
    assert not drawn[:, 0].any() and not drawn[:, -1].any() and not drawn[0].any()


def test_style_rejects_bad_alpha() -> None:
    with pytest.raises(ValueError, match="panel_alpha"):
        OverlayStyle(panel_alpha=1.5)


def test_sizes_scale_with_the_short_side_of_the_image() -> None:
    assert STYLE.px(10, (1920, 1080)) == 15
    assert STYLE.px(10, (1280, 720)) == STYLE.px(10, (720, 1280)) == 10
    # Small frames keep a floor so text stays legible.
    assert STYLE.px(10, (360, 640)) == STYLE.px(10, (100, 100)) == 6


def test_annotator_draws_every_element_in_place_and_the_same_each_time() -> None:
    """The banner draws the cue only and the hint card the hint only; together, in
    the annotator, they give the same pixels frame after frame."""
    pose = make_pose(
        {
            L.LEFT_EAR: (0.42, 0.25),
            L.LEFT_SHOULDER: (0.45, 0.3),
            L.LEFT_ELBOW: (0.47, 0.45),
            L.LEFT_WRIST: (0.48, 0.58),
            L.LEFT_HIP: (0.6, 0.45),
            L.LEFT_KNEE: (0.55, 0.65),
            L.LEFT_ANKLE: (0.57, 0.85),
            L.LEFT_HEEL: (0.59, 0.87),
            L.LEFT_FOOT_INDEX: (0.52, 0.88),
            L.RIGHT_SHOULDER: (0.46, 0.3),
            L.RIGHT_HIP: (0.61, 0.45),
            L.RIGHT_KNEE: (0.56, 0.65),
            L.RIGHT_ANKLE: (0.58, 0.85),
        }
    )
    analysis = make_analysis(
        pose,
        phase=Phase.DESCENT,
        cue="Keep your back flat",
        severity=Severity.FAULT,
        measures={
            "hip_flexion_deg": 80.0,
            "knee_flexion_deg": 25.0,
            "trunk_incline_deg": 50.0,
        },
        last_rep=make_rep(Fault.ROUNDED_SPINE),
    )
    annotator = FrameAnnotator(STYLE, debug=True)
    frames = [np.full((720, 1280, 3), 90, dtype=np.uint8) for _ in range(3)]
    drawn = [annotator.draw(frame, analysis) for frame in frames]
    assert all(out is frame for out, frame in zip(drawn, frames, strict=True))
    assert np.array_equal(frames[0], frames[1]) and np.array_equal(frames[1], frames[2])
    blank = np.full((720, 1280, 3), 90, dtype=np.uint8)
    assert changed(frames[0], blank).any()
    hint_only = replace(analysis, cue=None, setup_hint=SetupHint.TURN_SIDEWAYS)
    assert not changed(CueBanner(STYLE).draw(blank.copy(), hint_only), blank).any()
    cue_only = replace(analysis, setup_hint=None)
    assert not changed(SetupHintCard(STYLE).draw(blank.copy(), cue_only), blank).any()
