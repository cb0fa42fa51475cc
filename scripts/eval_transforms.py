"""Robustness of counts and verdicts to how a clip was filmed: each labelled
clip's pose track is transformed as another camera or phone would have seen the
same set, analyzed in auto (as users run it) and compared with the untransformed
track's answers (rep count, exercise recognised, the faults of every rep).

    python scripts/eval_transforms.py --tracks CACHE [TRANSFORM ...]

CACHE is a folder of pose tracks as `hingecam eval ../shared/clips --tracks
CACHE` records them. Transforms (all by default):
  mirror     the video flipped left-right (the lifter faces the other way);
  half_rate  every other frame (60 -> 30 fps, 30 -> 15 fps);
  rate20     about 20 fps;
  rate15     about 15 fps (a phone in low light);
  rate10     about 10 fps (a GIF-derived clip);
  small      the same pixels in a frame twice as large (a small lifter, off centre);
  jitter     1.5 px of landmark noise (a softer, noisier video);
  roll5      the camera rolled 5 deg (a phone not held level);
  no_feet    ankles, heels and toes unseen (a camera too close to see the feet);
  no_head    the face and ears unseen (the head out of frame);
  slow2      every time stretched twice (the whole set at half speed, pauses too);
  plates     the near leg's knee and foot unseen while the hands are within a
             shin's length of them (a bar's plates in front of the near leg);
  from_bottom  a set of deadlifts filmed from its first rep's bottom (a phone
             started mid-pull; other exercises unchanged);
  late_start a set of deadlifts filmed from 2 s before its first pull (a phone
             started during the set-up at the bar; other exercises unchanged);
  stop_at_lockout  any set cut 0.3 s after its last rep's lockout (the phone
             stopped as soon as the lifter stood);
  drops      a fifth of the frames dropped at random, seeded (a busy phone or
             webcam: an uneven frame rate);
  pan        the picture sliding sideways by up to a twentieth of its width and
             back every 4 s (a handheld phone following the lifter);
  dropout    nobody in view for 1 s in the middle of the clip (someone walking
             between the camera and the lifter);
  stand_up   after the last frame the lifter was seen, standing up over 1 s
             and standing still 2 s (a recording not cut at the put-down);
  two_sets   the set, a minute with nobody in view (the lifter walked off to
             rest) and the same set again, walked into standing for 1 s when
             the recording began standing (a whole session in one video, or a
             live camera left running); its answers are the set's twice.
It prints the clips whose answers changed and, per transform, how many clips
kept every answer (and how many kept every rep's faults, whatever exercise was
named), how many rep counts stay exact against the labels, on
how many clips another exercise was named (a set recognised as something else;
an unsure set, judged as the generic hinge, does not count), and how many
verdicts were reversed: a rep's fault judged ok on one track and flagged red on
the other (a clip whose count changed is not compared rep by rep; a verdict
that goes amber or not judged is a doubt said, not a reversal).
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hingecam.app.driver import Driver
from hingecam.app.eval_score import faults_found, read_manifest
from hingecam.core.count_signal import COUNT_FIELD
from hingecam.core.datatypes import AnalysisResult, Exercise, Outcome, Rep
from hingecam.core.faults import MAIN_FAULTS
from hingecam.core.landmarks import Landmark
from hingecam.core.mode import RECORDED
from hingecam.core.poses import PoseTrack
from hingecam.core.thresholds import load_thresholds
from hingecam.media.tracks import load_track

CLIPS = Path(__file__).resolve().parents[2] / "shared" / "clips"


def _other_side() -> list[int]:
    perm = list(range(len(Landmark)))
    for lm in Landmark:
        for a, b in (("LEFT", "RIGHT"), ("RIGHT", "LEFT")):
            if a in lm.name:
                perm[lm] = Landmark[lm.name.replace(a, b)]
    return perm


def mirror(track: PoseTrack) -> PoseTrack:
    """What the model gives on the flipped video: x mirrored, sides relabelled."""
    perm = _other_side()
    xy = track.xy_norm[:, perm].copy()
    xy[..., 0] = 1.0 - xy[..., 0]
    world = track.world_m[:, perm].copy()
    world[..., 0] *= -1.0
    return dataclasses.replace(
        track,
        xy_norm=xy,
        world_m=world,
        visibility=track.visibility[:, perm],
        presence=track.presence[:, perm],
    )


def _keep(track: PoseTrack, frames: NDArray[np.intp]) -> PoseTrack:
    """Those frames of the track, its meta kept."""
    return dataclasses.replace(track.select(frames), meta=track.meta)


def _every(track: PoseTrack, k: int) -> PoseTrack:
    return _keep(track, np.arange(0, len(track), k))


def half_rate(track: PoseTrack) -> PoseTrack:
    return _every(track, 2)


def _rate(target_fps: float) -> Callable[[PoseTrack], PoseTrack]:
    def thinned(track: PoseTrack) -> PoseTrack:
        return _every(track, max(1, round(_fps(track) / target_fps)))

    return thinned


def roll5(track: PoseTrack) -> PoseTrack:
    w, h = track.image_wh
    centre = np.array([w / 2, h / 2])
    c, s = np.cos(np.radians(5.0)), np.sin(np.radians(5.0))
    px = (track.xy_norm.astype(np.float64) * (w, h) - centre) @ [[c, s], [-s, c]]
    return dataclasses.replace(
        track, xy_norm=((px + centre) / (w, h)).astype(np.float32)
    )


def _unseen(landmarks: list[Landmark]) -> Callable[[PoseTrack], PoseTrack]:
    def hidden(track: PoseTrack) -> PoseTrack:
        visibility = track.visibility.copy()
        visibility[:, landmarks] = 0.0
        return dataclasses.replace(track, visibility=visibility)

    return hidden


FEET = [L for L in Landmark if L.name.endswith(("ANKLE", "HEEL", "FOOT_INDEX"))]
HEAD = [
    L
    for L in Landmark
    if L.name.startswith(("NOSE", "MOUTH"))
    or L.name.endswith(("EAR", "EYE", "_INNER", "_OUTER"))
]


def slow2(track: PoseTrack) -> PoseTrack:
    return dataclasses.replace(track, t_s=track.t_s * 2.0)


def plates(track: PoseTrack) -> PoseTrack:
    """The near leg's knee (and its foot) unseen while a wrist is within one
    shin's length of it, as a 45 cm plate on a bar in the hands hides it."""
    w, h = track.image_wh
    px = track.xy_norm.astype(np.float64) * (w, h)
    vis = np.nan_to_num(track.visibility.astype(np.float64), nan=0.0)
    left = vis[:, [Landmark.LEFT_KNEE, Landmark.LEFT_ANKLE]].sum()
    right = vis[:, [Landmark.RIGHT_KNEE, Landmark.RIGHT_ANKLE]].sum()
    side = "LEFT" if left >= right else "RIGHT"
    knee, ankle = Landmark[f"{side}_KNEE"], Landmark[f"{side}_ANKLE"]
    foot = [ankle, Landmark[f"{side}_HEEL"], Landmark[f"{side}_FOOT_INDEX"]]
    shin = float(np.nanmedian(np.linalg.norm(px[:, knee] - px[:, ankle], axis=1)))
    wrists = px[:, [Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST]]

    def near(point: Landmark) -> NDArray[np.bool_]:
        gap = np.linalg.norm(wrists - px[:, [point, point]], axis=2)
        return np.asarray((gap < 0.5 * shin).any(axis=1))

    visibility = track.visibility.copy()
    visibility[near(knee), int(knee)] = 0.0
    for point in foot:
        visibility[near(ankle), int(point)] = 0.0
    return dataclasses.replace(track, visibility=visibility)


def _deadlifts_from(
    track: PoseTrack, first: Callable[[PoseTrack, Rep], NDArray[np.intp]]
) -> PoseTrack:
    """A set recognised as deadlifts cut to the frames `first` picks from its
    first rep; any other set unchanged."""
    result = analyzed(track)
    if result.exercise is not Exercise.DEADLIFT or not result.reps:
        return track
    return _keep(track, first(track, result.reps[0]))


def from_bottom(track: PoseTrack) -> PoseTrack:
    """A set recognised as deadlifts, from its first rep's bottom on."""
    return _deadlifts_from(track, lambda t, rep: np.arange(rep.bottom_frame, len(t)))


def stop_at_lockout(track: PoseTrack) -> PoseTrack:
    """Any set, cut 0.3 s after the end of its last rep (the phone stopped as
    soon as the lifter stood)."""
    result = analyzed(track)
    if not result.reps:
        return track
    return _keep(track, np.flatnonzero(track.t_s <= result.reps[-1].end_s + 0.3))


def drops(track: PoseTrack) -> PoseTrack:
    keep = np.random.default_rng(0).random(len(track)) >= 0.2
    return _keep(track, np.flatnonzero(keep))


def pan(track: PoseTrack) -> PoseTrack:
    shift = 0.05 * np.sin(2.0 * np.pi * track.t_s / 4.0)
    xy = track.xy_norm.copy()
    xy[..., 0] += shift[:, None].astype(np.float32)
    return dataclasses.replace(track, xy_norm=xy)


def late_start(track: PoseTrack) -> PoseTrack:
    """A set recognised as deadlifts, from 2 s before its first rep's start."""
    return _deadlifts_from(
        track, lambda t, rep: np.flatnonzero(t.t_s >= rep.start_s - 2.0)
    )


def small(track: PoseTrack) -> PoseTrack:
    w, h = track.image_wh
    xy = (track.xy_norm * 0.5 + 0.25).astype(np.float32)
    return dataclasses.replace(track, xy_norm=xy, image_wh=(2 * w, 2 * h))


def jitter(track: PoseTrack) -> PoseTrack:
    w, h = track.image_wh
    noise = np.random.default_rng(0).normal(0.0, 1.5, track.xy_norm.shape)
    xy = (track.xy_norm + noise / np.array([w, h])).astype(np.float32)
    return dataclasses.replace(track, xy_norm=xy)


_NOBODY = {
    "xy_norm": np.nan,
    "world_m": np.nan,
    "visibility": np.nan,
    "presence": np.nan,
    "back_profile": np.nan,
    "people": 0,
}
"""A track's per-frame arrays and their value in a frame with nobody in view."""


def _edit_frames(
    track: PoseTrack, edit: Callable[[NDArray[Any], float], NDArray[Any]]
) -> dict[str, Any]:
    """Each per-frame array of the track edited, given its nobody-in-view value."""
    return {name: edit(getattr(track, name), empty) for name, empty in _NOBODY.items()}


DROPOUT_S = 1.0
"""dropout: how long nobody is in view, centred on the clip's middle."""


def _nobody_on(track: PoseTrack, hidden: NDArray[np.bool_]) -> PoseTrack:
    """The track with nobody in view on the `hidden` frames."""

    def blank(values: NDArray[Any], empty: float) -> NDArray[Any]:
        out: NDArray[Any] = values.copy()
        out[hidden] = empty
        return out

    return dataclasses.replace(track, **_edit_frames(track, blank))


def dropout(track: PoseTrack) -> PoseTrack:
    middle = 0.5 * float(track.t_s[0] + track.t_s[-1])
    return _nobody_on(track, np.abs(track.t_s - middle) < 0.5 * DROPOUT_S)


def _most_upright(track: PoseTrack) -> tuple[NDArray[np.float64], int]:
    """How far each frame's 3D hip is from the lifter's standing posture (deg),
    and the frame nearest it."""
    result = analyzed(track)
    standing = result.setup.get(COUNT_FIELD) if result.setup else 0.0
    off = np.abs(result.series.hip_flexion_3d_deg - standing)
    return off, int(np.nanargmin(off)) if np.isfinite(off).any() else 0


def _fps(track: PoseTrack) -> float:
    return (len(track) - 1) / float(track.t_s[-1] - track.t_s[0])


def stand_up(track: PoseTrack) -> PoseTrack:
    """From the last frame the lifter was seen, the landmarks blended over 1 s
    into the set's most upright frame, then held there 2 s."""
    _, upright = _most_upright(track)
    seen = np.flatnonzero(np.isfinite(track.visibility).all(axis=1))
    last = int(seen[-1]) if seen.size else len(track) - 1
    fps = _fps(track)
    rise, hold = round(fps), round(2.0 * fps)
    extra = np.full(rise + hold, upright)
    out = track.select(np.concatenate([np.arange(last + 1), extra]))
    weight = np.concatenate([np.linspace(0.0, 1.0, rise + 1)[1:], np.ones(hold)])

    def blended(values: NDArray[np.float32]) -> NDArray[np.float32]:
        w = weight[:, None, None].astype(np.float32)
        mixed: NDArray[np.float32] = values.copy()
        mixed[last + 1 :] = (1 - w) * values[last] + w * values[last + 1 :]
        return mixed

    return dataclasses.replace(
        out,
        t_s=track.t_s[0] + np.arange(len(out)) / fps,
        xy_norm=blended(out.xy_norm),
        world_m=blended(out.world_m),
        meta=track.meta,
    )


REST_S = 60.0
"""two_sets: the rest between the two sets, nobody in view."""


def two_sets(track: PoseTrack) -> PoseTrack:
    """The set, REST_S with nobody in view, and the set again; the second is
    walked into standing (1 s of the set's most upright frame) when the set
    began within rep_enter_deg of standing, as a lifter walks back in."""
    off, upright = _most_upright(track)
    fps = _fps(track)
    began_standing = bool(off[0] < load_thresholds(Exercise.AUTO).rep_enter_deg)
    walk_in = np.full(round(fps) if began_standing else 0, upright)
    frames = np.concatenate([np.arange(len(track)), walk_in, np.arange(len(track))])
    gap = round(REST_S * fps)
    second = len(track)  # the first frame after the rest
    joined = track.select(frames)
    t_s = track.t_s[0] + np.arange(len(frames) + gap) / fps

    def with_rest(values: NDArray[Any], empty: float) -> NDArray[Any]:
        rest = np.full((gap, *values.shape[1:]), empty, dtype=values.dtype)
        return np.concatenate([values[:second], rest, values[second:]])

    return dataclasses.replace(
        joined, t_s=t_s, meta=track.meta, **_edit_frames(joined, with_rest)
    )


REPEATED = {"two_sets": 2}
"""Transforms whose answers are the set's answers this many times over."""

TRANSFORMS: dict[str, Callable[[PoseTrack], PoseTrack]] = {
    "mirror": mirror,
    "half_rate": half_rate,
    "rate20": _rate(20.0),
    "rate15": _rate(15.0),
    "rate10": _rate(10.0),
    "small": small,
    "jitter": jitter,
    "roll5": roll5,
    "no_feet": _unseen(FEET),
    "no_head": _unseen(HEAD),
    "slow2": slow2,
    "plates": plates,
    "from_bottom": from_bottom,
    "late_start": late_start,
    "stop_at_lockout": stop_at_lockout,
    "drops": drops,
    "pan": pan,
    "dropout": dropout,
    "stand_up": stand_up,
    "two_sets": two_sets,
}


def analyzed(track: PoseTrack) -> AnalysisResult:
    th = load_thresholds(Exercise.AUTO)
    driver = Driver(Exercise.AUTO, th, track.image_wh, mode=RECORDED)
    driver.replay(track, None)
    return driver.finish(thumbnails=False).result


def verdicts(result: AnalysisResult) -> list[dict[str, str]]:
    """Per rep, each main fault judged -> "ok" or "red" (amber and not judged
    left out)."""
    return [
        {
            c.fault.value: "red" if c.outcome is Outcome.FLAGGED else "ok"
            for c in rep.checks
            if c.fault in MAIN_FAULTS
            and (
                c.outcome is Outcome.OK
                or (c.outcome is Outcome.FLAGGED and not c.tentative)
            )
        }
        for rep in result.reps
    ]


def reversed_verdicts(
    before: list[dict[str, str]], after: list[dict[str, str]]
) -> list[str]:
    """ "rep N fault: ok -> red" for each verdict reversed between two readings
    of the same reps (none compared when the counts differ)."""
    if len(before) != len(after):
        return []
    return [
        f"rep {k} {fault}: {was} -> {now}"
        for k, (b, a) in enumerate(zip(before, after, strict=True), start=1)
        for fault, was in b.items()
        if (now := a.get(fault, was)) != was
    ]


def answers(result: AnalysisResult) -> tuple[int, str, list[list[str]]]:
    return (
        len(result.reps),
        result.exercise.value,
        [sorted(faults_found(rep)) for rep in result.reps],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=Path, required=True)
    parser.add_argument("--clips", type=Path, default=CLIPS)
    parser.add_argument("transforms", nargs="*", metavar="TRANSFORM")
    args = parser.parse_args()
    chosen = args.transforms or list(TRANSFORMS)
    unknown = [t for t in chosen if t not in TRANSFORMS]
    if unknown:
        parser.error(
            f"unknown transform {unknown[0]!r}: one of {', '.join(TRANSFORMS)}"
        )
    labels = read_manifest(args.clips)
    base = {}
    for label in labels:
        track = load_track(args.tracks / (Path(label.file).stem + ".npz"))
        result = analyzed(track)
        base[label.file] = (track, answers(result), verdicts(result))
    for name in chosen:
        same = verdicts_kept = exact_before = exact_after = misread = 0
        reversals = []
        for label in labels:
            track, (count, exercise, faults), judged = base[label.file]
            times = REPEATED.get(name, 1)
            before = (count * times, exercise, faults * times)
            result = analyzed(TRANSFORMS[name](track))
            after = answers(result)
            reversals += [
                f"{Path(label.file).stem} {r}"
                for r in reversed_verdicts(judged * times, verdicts(result))
            ]
            same += after == before
            # The same faults on every rep, whatever exercise was named (an
            # unsure set is judged as the generic hinge).
            verdicts_kept += after[::2] == before[::2]
            # Another exercise named where the transform was not: worse than
            # an unsure set, which is judged as the generic hinge.
            misread += after[1] not in (before[1], Exercise.AUTO.value)
            exact_before += before[0] == label.reps * times
            exact_after += after[0] == label.reps * times
            if after != before:
                print(f"  {name}: {Path(label.file).stem} (labelled {label.reps} reps)")
                print(f"    {before}\n -> {after}")
        for r in reversals:
            print(f"  {name}: reversed {r}")
        n = len(labels)
        print(
            f"{name}: {same} of {n} clips kept every answer ({verdicts_kept} "
            f"every rep's faults); exact rep count {exact_before} -> "
            f"{exact_after} of {n}; another exercise named on {misread}; "
            f"{len(reversals)} verdicts reversed (ok <-> red)",
            flush=True,
        )


if __name__ == "__main__":
    main()
