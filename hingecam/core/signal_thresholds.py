"""Signal-quality, view and filtering numbers: the base of Thresholds (same metadata,
same validation), kept apart so each file stays readable."""

from __future__ import annotations

from dataclasses import dataclass

from hingecam.core.fields import threshold_field

CLIPS = "../shared/clips (all labelled clips, `hingecam eval`)"


@dataclass(frozen=True)
class SignalThresholds:
    """Landmark quality, camera view, near side, glitch and smoothing numbers.

    Thresholds extends this class; use Thresholds, which validates every field."""

    # Signal quality and view.
    min_visibility: float = threshold_field(
        0.5,
        "0..1",
        "MediaPipe's own drawing default; Sports2D uses 0.3 for likelihood",
        "Landmarks less visible than this count as missing.",
    )
    view_side_max_ratio: float = threshold_field(
        0.25,
        "ratio",
        "METHODS.md (<0.5 side in public code); side clips' median <=0.25, 45 deg clips' >=0.28 on "
        + CLIPS,
        "Shoulder/hip width over torso length at or below this (with the yaw below) can be a side view.",
    )
    view_front_min_ratio: float = threshold_field(
        0.65,
        "ratio",
        "METHODS.md (>0.7 front, public code)",
        "Shoulder/hip width over torso length at or above this is a front (or back) view.",
    )
    view_side_min_yaw_deg: float = threshold_field(
        60.0,
        "deg",
        "METHODS.md: world-landmark torso yaw; side clips' median >=68, 45 deg clips' <=64 on "
        + CLIPS,
        "Torso yaw from the world landmarks at or above this (with the ratio above) is a side view.",
    )
    view_front_max_yaw_deg: float = threshold_field(
        25.0,
        "deg",
        "METHODS.md: world-landmark torso yaw; front clips 14-34 on " + CLIPS,
        "Torso yaw at or below this is a front (or back) view.",
    )
    view_min_side_share: float = threshold_field(
        0.6,
        "fraction",
        "design: a verdict needs the view for most of the rep",
        "Side-view-only checks need at least this share of a rep's frames seen from the side.",
    )
    side_tau_s: float = threshold_field(
        1.0,
        "s",
        "design: a turn towards the camera is followed within about a second",
        "Time constant of the running near-side and facing estimates.",
    )
    facing_head_min_share: float = threshold_field(
        0.3,
        "fraction",
        "on the side-view clips of " + CLIPS + ", frames with both toe and heel "
        "seen: the head's sign agreed with the foot's on 64-77% of frames below "
        "0.3 of the ear-to-nose distance, 96% at 0.3-0.5, 99.8% above",
        "A nose at least this share of the ear-to-nose distance ahead of the ears "
        "in x is a clear reading of the facing (as a seen foot is); nearer, the "
        "head is seen end-on or hangs down and only guesses, and the first clear "
        "reading overrules the guesses at once (a level head read either way by a "
        "pixel and decided the facing for ~0.7 s).",
    )
    lifter_min_visibility: float = threshold_field(
        0.5,
        "0..1",
        "same cut as min_visibility (MediaPipe's drawing default)",
        "Landmarks at least this visible count towards a person's box when picking the lifter.",
    )
    lifter_max_hip_jump_torsos: float = threshold_field(
        1.5,
        "torso lengths",
        "design: between frames (>= 10 fps) the lifter's hips move well under one torso length",
        "A pose whose hips are farther than this from the lifter's last hips is somebody else.",
    )
    lifter_forget_s: float = threshold_field(
        1.0,
        "s",
        "design: longer than a missed detection, shorter than a walk out of frame and back",
        "After this long without the lifter, whoever is found next becomes the lifter.",
    )
    lifter_max_flip_deg: float = threshold_field(
        120.0,
        "deg",
        "the image trunk's turn between chosen poses <= 0.25 s apart on "
        + CLIPS
        + ": 16257 of 16316 under 90 deg; the 29 over 120 deg were all garbage "
        "poses (a person upside down in a plate, an arm read as the trunk), their "
        "world trunks turned 96-167 deg too",
        "A pose whose image trunk (hips to shoulders) points more than this away "
        "from the lifter's of lifter_flip_window_s ago, its world trunk more than "
        "lifter_max_world_flip_deg, is a phantom, not the lifter.",
    )
    lifter_max_world_flip_deg: float = threshold_field(
        90.0,
        "deg",
        "the world trunk's turn on the same frames: under 90 deg on all but 5 of "
        "the 16257 real ones (max 99, the depth noise at the bottom of pulls), "
        "over 90 on every garbage pose",
        "The world landmarks' second reading of a phantom's flip: an image trunk "
        "foreshortened to a few pixels (a lifter bent towards the camera) can turn "
        "by noise, its world trunk does not.",
    )
    lifter_flip_window_s: float = threshold_field(
        0.25,
        "s",
        "the image trunk turned at most 21-51 deg in any 0.25 s of the swings of "
        + CLIPS
        + " (the fastest trunks filmed): it cannot point the other way in "
        "that time; longer, and a phantom taken first could keep the lifter out",
        "The lifter's last pose is compared with a new one for a flipped trunk "
        "only when it is at most this old.",
    )
    knee_fill_leg_window_s: float = threshold_field(
        1.0,
        "s",
        "design: ~30 frames of landmark noise averaged at 30 fps; a lifter turning "
        "changes the leg's projected lengths over seconds",
        "A hidden near knee is placed with the thigh's and shin's median lengths "
        "over this last stretch of frames that saw the whole near leg.",
    )
    side_switch_margin: float = threshold_field(
        0.15,
        "0..1",
        "design: a hinge hides the near hip for a moment; the margin keeps the side",
        "The other side must be this much more visible before the near side flips.",
    )
    side_depth_full_m: float = threshold_field(
        0.3,
        "m",
        "measured: the shoulders' and hips' depth gap between the body's two sides "
        "read 0.21-0.31 m (set means) on the side-view clips of ../shared/clips",
        "A trunk this much nearer the camera on one side counts fully towards that "
        "side being the near one (half the evidence; visibility is the other half).",
    )
    back_mask_min_prob: float = threshold_field(
        0.5,
        "0..1",
        "MediaPipe's segmentation mask: 0.5 is its own person/background cut",
        "Mask pixels at or above this count as the person when tracing the back's outline.",
    )
    back_min_chord_px: float = threshold_field(
        8.0,
        "px",
        "design: a shoulder-hip chord shorter than this has no edge to find",
        "The back's outline is not traced when the shoulder-hip chord is shorter than this.",
    )
    back_search_chords: float = threshold_field(
        0.8,
        "chord",
        "design: the back edge of any build lies within 0.8 chord lengths of the chord",
        "How far out from the shoulder-hip chord the back's edge is searched for.",
    )
    glitch_max_speed_deg_s: float = threshold_field(
        1000.0,
        "deg/s",
        "2.5x the fastest real joint speed on " + CLIPS + " (p99 <= 420 deg/s)",
        "A frame whose hip, knee or trunk angle moved faster than this since the last good frame is a landmark glitch and is dropped.",
    )
    glitch_reanchor_s: float = threshold_field(
        0.3,
        "s",
        "design: longer than a landmark swap, shorter than a rep phase",
        "After this long of dropped frames the next frame is trusted again.",
    )
    hampel_half_window_s: float = threshold_field(
        0.1,
        "s",
        "design: a one- or two-frame landmark swap at 30 fps",
        "Recorded video: half-width of the outlier (Hampel) test window.",
    )
    hampel_k: float = threshold_field(
        3.0,
        "MAD",
        "Hampel identifier's usual 3 scaled MADs (Pearson 2002)",
        "Recorded video: a value further than this many scaled MADs from its window's median is an outlier.",
    )
    hampel_floor_deg: float = threshold_field(
        15.0,
        "deg",
        "design: ordinary jitter of a still angle stays well below it",
        "Angle deviations smaller than this are never outliers.",
    )
    hampel_floor_norm: float = threshold_field(
        0.15,
        "ratio",
        "design: ordinary jitter of a still length ratio stays well below it",
        "Deviations of ratio measures (body lengths, chords) smaller than this are never outliers.",
    )
    # Smoothing.
    smooth_sigma_s: float = threshold_field(
        0.05,
        "s",
        "Sports2D: Butterworth 6 Hz zero-phase; a Gaussian of 0.05 s passes ~2.6 Hz",
        "Zero-phase Gaussian width for recorded video; hinge reps last 1-4 s.",
    )
    smooth_max_gap_s: float = threshold_field(
        0.35,
        "s",
        "design: about one tenth of a rep",
        "Missing stretches up to this long are bridged; longer ones stay missing.",
    )
    live_min_cutoff_hz: float = threshold_field(
        1.5,
        "Hz",
        "Casiez et al. CHI 2012 tuning procedure, on live replays of the clips",
        "One Euro cutoff at rest for live use: lower is steadier, slower.",
    )
    live_beta: float = threshold_field(
        0.02,
        "1/deg",
        "Casiez et al. CHI 2012 tuning procedure",
        "One Euro speed gain for live use: higher follows fast moves with less lag.",
    )
