"""Synthetic AnalysisResult values for report tests: a plausible set of hinge reps
with measures over time, checks with evidence, notes and drawn thumbnails."""

from __future__ import annotations

import dataclasses
import io
import math

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import (
    AnalysisResult,
    Check,
    Exercise,
    MeasureSeries,
    Outcome,
    Phase,
    Recognition,
    Rep,
    Side,
    Sureness,
    VideoInfo,
    View,
)
from hingecam.core.faults import FAULTS, Fault
from hingecam.core.measures import Measures, Peaks
from hingecam.core.thresholds import Thresholds

FPS = 30.0
STAND_S = 1.5
REP_S = 2.6
GAP_S = 0.8

RECOGNISED_WHY = "the hands went to the knees or below with soft knees"
"""Why the factory's sets read as an RDL (auto requested)."""

CUES = {spec.fault: spec.cue for spec in FAULTS}
"""The real cue per fault, as the fault registry words it."""

# Per-rep scripted form: how deep, how bent the knees, how much the back bows.
# Rep 1 is clean, rep 2 rounds the back, rep 3 rounds and squats.
_REP_SCRIPT = (
    {"trunk": 68.0, "knee": 22.0, "bow": 0.04},
    {"trunk": 74.0, "knee": 24.0, "bow": 0.13},
    {"trunk": 42.0, "knee": 88.0, "bow": 0.11},
    {"trunk": 70.0, "knee": 18.0, "bow": 0.05},
    {"trunk": 66.0, "knee": 3.0, "bow": 0.05},
)


def _jpeg(rep_index: int, trunk_deg: float, knee_deg: float) -> bytes:
    """A small drawn stick figure at the bottom of a rep, as JPEG bytes."""
    from PIL import Image, ImageDraw

    w, h = 320, 240
    img = Image.new("RGB", (w, h), (38, 44, 52))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 200, w, h), fill=(58, 64, 72))
    ankle = (170, 200)
    knee = (
        ankle[0] + 48 * math.sin(math.radians(knee_deg * 0.6)),
        ankle[1] - 48 * math.cos(math.radians(knee_deg * 0.6)),
    )
    hip = (knee[0] + 8, knee[1] - 52)
    t = math.radians(trunk_deg)
    shoulder = (hip[0] - 70 * math.sin(t), hip[1] - 70 * math.cos(t))
    head = (shoulder[0] - 16 * math.sin(t), shoulder[1] - 16 * math.cos(t))
    line = (92, 200, 160)
    draw.line([ankle, knee, hip, shoulder], fill=line, width=5)
    draw.ellipse((head[0] - 11, head[1] - 11, head[0] + 11, head[1] + 11), fill=line)
    draw.text((10, 10), f"rep {rep_index}", fill=(230, 230, 230))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def _bump(t: NDArray[np.float64], t0: float, t1: float) -> NDArray[np.float64]:
    """0 outside [t0, t1], a raised-cosine bump peaking at 1 in the middle."""
    x = (t - t0) / (t1 - t0)
    inside = (x >= 0) & (x <= 1)
    return np.where(inside, 0.5 - 0.5 * np.cos(2 * np.pi * np.clip(x, 0, 1)), 0.0)


def _check(
    fault: Fault,
    outcome: Outcome,
    measured: float,
    threshold: float,
    unit: str,
    t_s: float,
    reason: str,
) -> Check:
    judged = outcome is not Outcome.NOT_JUDGED
    return Check(
        fault=fault,
        outcome=outcome,
        measured=measured if judged else math.nan,
        threshold=threshold,
        unit=unit,
        t_s=t_s if judged else math.nan,
        frame=round(t_s * FPS) if judged else -1,
        severity=fault.spec.severity,
        cue=CUES[fault],
        reason=reason,
    )


def _rep_checks(
    index: int, script: dict[str, float], bottom_s: float, view: View
) -> tuple[Check, ...]:
    bow, knee, trunk = script["bow"], script["knee"], script["trunk"]
    if view is View.SIDE:
        flagged = bow - 0.03 > 0.05
        spine = _check(
            Fault.ROUNDED_SPINE,
            Outcome.FLAGGED if flagged else Outcome.OK,
            bow - 0.03,
            0.05,
            "chord",
            bottom_s,
            f"the back's outline bowed {bow - 0.03:+.2f} shoulder-hip lengths beyond "
            f"its setup shape near the bottom (limit 0.05)",
        )
    else:
        spine = _check(
            Fault.ROUNDED_SPINE,
            Outcome.NOT_JUDGED,
            math.nan,
            0.05,
            "chord",
            bottom_s,
            "the camera saw this rep from an oblique view; judging this needs a side view",
        )
    knees_locked = knee <= 8.0
    knees = _check(
        Fault.LOCKED_KNEES,
        Outcome.FLAGGED if knees_locked else Outcome.OK,
        knee,
        8.0,
        "deg",
        bottom_s - 0.4,
        f"knee flexion was {knee:.0f} deg while the trunk was hinged "
        f"(locked at or below 8 deg)",
    )
    lean, bend = trunk - 8.0, max(knee - 7.0, 0.0)
    ssi = 100.0 * lean / max(lean + bend, 1.0)
    squat = _check(
        Fault.SQUAT_PATTERN,
        Outcome.FLAGGED if ssi < 30.0 else Outcome.OK,
        ssi,
        30.0,
        "0..100",
        bottom_s,
        f"stoop-squat index {ssi:.0f} at the bottom (0 = full squat, 100 = full "
        f"stoop; a hinge is above 30)",
    )
    shallow = _check(
        Fault.SHALLOW_HINGE,
        Outcome.FLAGGED if trunk < 30.0 else Outcome.OK,
        trunk,
        30.0,
        "deg",
        bottom_s,
        f"the trunk reached {trunk:.0f} deg from vertical at the bottom (minimum 30 deg)",
    )
    hips = _check(
        Fault.HIPS_RISE_FIRST,
        Outcome.NOT_JUDGED,
        math.nan,
        0.35,
        "fraction",
        bottom_s,
        "judged only for deadlifts",
    )
    return (spine, knees, squat, shallow, hips)


def _peaks(script: dict[str, float], view: View) -> dict[str, float]:
    """The rep's headline numbers, named as rules.rep_peaks names them."""
    trunk, knee = script["trunk"], script["knee"]
    lean, bend = trunk - 8.0, max(knee - 7.0, 0.0)
    return {
        "hip_flexion_max_deg": trunk + knee * 0.4,
        "trunk_incline_bottom_deg": trunk - 1.0,
        "trunk_incline_max_deg": trunk,
        "knee_flexion_bottom_deg": knee,
        "knee_flexion_min_deg": 6.0,
        "shin_incline_bottom_deg": knee * 0.3,
        "spine_bow_max_norm": script["bow"] if view is View.SIDE else math.nan,
        "head_offset_bottom_deg": 6.0,
        "stoop_squat_index": 100.0 * lean / max(lean + bend, 1.0),
    }


def make_analysis_result(
    n_reps: int = 3,
    *,
    view: View = View.SIDE,
    person: bool = True,
    thumbnails: bool = True,
    name: str = "rdl_side_<demo>.mp4",
) -> AnalysisResult:
    """A set of `n_reps` RDL reps (up to 5 scripted, then repeating), 30 fps.

    Rep 1 is clean, rep 2 rounds the back, rep 3 rounds and squats, rep 5 locks
    the knees. A 0.3 s NaN gap sits in the second rep. `view=View.OBLIQUE`
    leaves the spine not judged. `person=False` gives all-NaN measures, no side
    and no reps.
    """
    if not person:
        n_reps = 0
    duration_s = 2 * STAND_S + n_reps * REP_S + max(n_reps - 1, 0) * GAP_S
    n = round(duration_s * FPS)
    t = np.arange(n, dtype=np.float64) / FPS

    trunk = np.full(n, 8.0)
    hip = np.full(n, 6.0)
    knee = np.full(n, 7.0)
    bow = np.full(n, 0.03)
    phase = [Phase.STANDING] * n
    for i in range(min(round(0.6 * FPS), n)):
        phase[i] = Phase.SETUP

    reps: list[Rep] = []
    thumbs: dict[int, bytes] = {}
    for k in range(n_reps):
        script = _REP_SCRIPT[k % len(_REP_SCRIPT)]
        start = STAND_S + k * (REP_S + GAP_S)
        end = start + REP_S
        bottom = start + 0.55 * REP_S
        b = _bump(t, start, end)
        trunk += b * (script["trunk"] - 8.0)
        hip += b * (script["trunk"] + script["knee"] * 0.4 - 6.0)
        knee += b * (script["knee"] - 7.0)
        bow += b * (script["bow"] - 0.03)
        for i in range(round(start * FPS), min(round(end * FPS), n)):
            ti = t[i]
            phase[i] = (
                Phase.DESCENT
                if ti < bottom - 0.15
                else Phase.BOTTOM
                if ti < bottom + 0.15
                else Phase.ASCENT
            )
        index = k + 1
        reps.append(
            Rep(
                index=index,
                start_s=round(start, 3),
                bottom_s=round(bottom, 3),
                end_s=round(end, 3),
                start_frame=round(start * FPS),
                bottom_frame=round(bottom * FPS),
                end_frame=round(end * FPS),
                descent_s=round(bottom - start, 3),
                ascent_s=round(end - bottom, 3),
                view=view,
                peaks=Peaks(**_peaks(script, view)),
                checks=_rep_checks(index, script, round(bottom, 3), view),
            )
        )
        if thumbnails:
            thumbs[index] = _jpeg(index, script["trunk"], script["knee"])

    rng = np.random.default_rng(7)
    trunk += rng.normal(0, 0.6, n)
    hip += rng.normal(0, 0.6, n)
    knee += rng.normal(0, 0.5, n)
    bow += rng.normal(0, 0.002, n)
    if n_reps >= 2:
        gap = slice(round((STAND_S + REP_S + GAP_S + 0.3) * FPS), None)
        gap = slice(gap.start, gap.start + round(0.3 * FPS))
        for arr in (trunk, hip, knee, bow):
            arr[gap] = np.nan
    if view is not View.SIDE:
        bow[:] = np.nan

    nan = np.full(n, np.nan)
    if not person:
        trunk, hip, knee, bow = nan.copy(), nan.copy(), nan.copy(), nan.copy()
        phase = [Phase.SETUP] * n
    measures = {
        "hip_flexion_deg": hip,
        "knee_flexion_deg": knee,
        "trunk_incline_deg": trunk,
        "shin_incline_deg": knee * 0.3,
        "hip_back_norm": trunk / 300.0,
        "hip_height_norm": 0.55 - knee / 900.0,
        "shoulder_height_norm": 0.3 + trunk / 300.0,
        "head_offset_deg": np.full(n, 4.0),
        "spine_bow_norm": bow,
    }
    # Measures added to MeasureSeries later are left NaN, so the factory keeps
    # building while the series grows.
    series = MeasureSeries(
        t_s=t,
        side=tuple([Side.LEFT if person else None] * n),
        view=tuple([view if person else View.UNKNOWN] * n),
        **{
            name: measures.get(name, nan.copy()) if person else nan.copy()
            for name in MeasureSeries.ANGLE_FIELDS
        },
    )
    notes: list[str] = []
    if not person:
        notes.append("No person was found in any frame.")
    elif view is not View.SIDE:
        notes.append(
            "The camera saw you from about 45 degrees: the spine could not be "
            "judged and trunk angles read smaller than they are."
        )
    if person:
        notes.append(
            "The left side was nearer the camera: hip, knee and shoulder "
            "angles use the left side."
        )
    setup = (
        Measures(
            trunk_incline_deg=8.0,
            hip_flexion_deg=6.0,
            knee_flexion_deg=7.0,
            spine_bow_norm=0.03 if view is View.SIDE else math.nan,
        )
        if person
        else None
    )
    return AnalysisResult(
        video=VideoInfo(
            name=name,
            width=1280,
            height=720,
            fps=FPS,
            frames=n,
            duration_s=n / FPS,
        ),
        exercise=Exercise.RDL if person else Exercise.AUTO,
        exercise_requested=Exercise.AUTO,
        view=view if person else View.UNKNOWN,
        side=Side.LEFT if person else None,
        series=series,
        frame_phase=tuple(phase),
        reps=tuple(reps),
        setup=setup,
        notes=tuple(notes),
        thresholds=dataclasses.asdict(Thresholds()),
        thumbnails=thumbs,
        recognition=Recognition(
            Exercise.RDL, Sureness.HIGH, len(reps), len(reps), RECOGNISED_WHY
        )
        if person
        else Recognition(Exercise.AUTO, Sureness.LOW, 0, 0, "no rep yet"),
    )
