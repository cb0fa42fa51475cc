"""The numbers that recognise the exercise of a set from its movement (see
core/recognition.py): a layer of Thresholds, kept apart so each file stays
readable."""

from __future__ import annotations

from dataclasses import dataclass

from hingecam.core.fields import threshold_field
from hingecam.core.signal_thresholds import CLIPS, SignalThresholds


@dataclass(frozen=True)
class RecognitionThresholds(SignalThresholds):
    """How a set's reps are read as a deadlift, RDL, good morning, swing or squat.

    Thresholds extends this class; use Thresholds, which validates every field."""

    # Exercise recognition (heights in the lifter's own leg lengths: thigh + shin).
    recognise_pull_max_hands_norm: float = threshold_field(
        0.3,
        "leg lengths",
        "pulls (deadlift, RDL) reach <= 0.02 above the knees, squats >= 0.42, good "
        "mornings and dowel drills >= 0.5 (lowest tenth of each rep's frames) on "
        + CLIPS,
        "Hands that come within this height above the knees mean a pull: the load "
        "is lowered along the legs.",
    )
    recognise_swing_min_hands_norm: float = threshold_field(
        1.2,
        "leg lengths",
        "COACHING.md: a swing drives the bell forward to chest height or overhead; "
        "swings reached 1.24-1.96 above the ankles, a pull's lockout (hands hanging "
        "at the thighs) 0.9-1.1 (hip height is about 1) on " + CLIPS,
        "Hands that rise this far above the ankles at the top of a rep that never "
        "pulls to the knees mean a swing.",
    )
    recognise_min_hanging_reach: float = threshold_field(
        0.85,
        "torso lengths",
        "Winter 2009 (Biomechanics and Motor Control of Human Movement, segment "
        "lengths): shoulder to wrist 0.33 of stature, shoulder to hip 0.29, so a "
        "straight arm reaches ~1.15 torso lengths; the median of each rep's 3D "
        "wrist-shoulder distance was 0.95-1.22 for pulls and swings, 0.43-0.75 "
        "for goblet and front squats, good mornings and dowel drills on " + CLIPS,
        "Hands at least this far from the shoulders (3D, over the rep's median) "
        "hold a load that hangs from the arms (a pull or a swing); nearer, the "
        "load is held at the chest, the shoulders or on the back.",
    )
    recognise_deadlift_min_knee_deg: float = threshold_field(
        65.0,
        "deg",
        "COACHING.md: conventional deadlift knee flexion 103-108 deg (Schellenberg "
        "2013), RDL 15-30 deg; the middle. Side-view pulls labelled deadlift bent "
        "69-122 deg, RDLs 42-58 on " + CLIPS,
        "A pull whose knees bend this far at the bottom (from the side, or at 45 "
        "deg with the legs' plane turned face on) is a deadlift, less an RDL.",
    )
    recognise_rdl_max_hands_norm: float = threshold_field(
        0.0,
        "leg lengths",
        "COACHING.md: an RDL lowers the load along the legs to about mid-shin; RDL "
        "reps reached 0.06-0.33 below the knees, kettlebell swings' lowest point "
        "0.09-0.19 above them on " + CLIPS,
        "A pull with soft knees is an RDL when the hands pass the knees (this high "
        "above them at most); stopping above them it may be a swing's backswing.",
    )
    recognise_floor_start_share: float = threshold_field(
        0.6,
        "fraction",
        "design: a pull from the floor starts at its bottom (barbell pulls from the "
        "floor started at 0.6-1.0 of their deepest 3D hip flexion, sets from "
        "standing at <= 0.5 on " + CLIPS + ")",
        "A pull that starts at least this deep (share of its deepest hip flexion) "
        "starts on the floor: a deadlift.",
    )
    recognise_squat_max_trunk_share: float = threshold_field(
        40.0,
        "0..100",
        "the stoop-squat index's idea (Schmid et al. 2022: under 30 in squat "
        "lifting, over 90 in stoop lifting) with the thigh for the knee; 10 points "
        "either side of an even turn for the 3D angles' noise: squats read 6-21 "
        "(one rep 44), good mornings and dowel drills 48-83 (from the front "
        "48-57) on " + CLIPS,
        "With no knee angle (ankles out of frame), a rep holding the load high "
        "whose trunk turned less than this share of trunk plus thigh turn, from "
        "the most upright to the deepest crouch (3D), is a squat.",
    )
    recognise_hinge_min_trunk_share: float = threshold_field(
        60.0,
        "0..100",
        "as recognise_squat_max_trunk_share, the other side of an even turn",
        "With no knee angle, a rep holding the load high whose trunk turned more "
        "than this share is a good morning (or a dowel drill); in between, the "
        "rep is not read.",
    )
    recognise_min_agreement: float = threshold_field(
        0.6,
        "fraction",
        "design: most reps must agree; one odd rep does not decide a set",
        "An exercise is recognised when at least this share of the reps read as it.",
    )
