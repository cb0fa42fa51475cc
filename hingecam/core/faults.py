"""The fault registry: everything hingecam knows about a fault, in one entry.

A `FaultSpec` says what a fault is called, what the lifter is told, how much it
matters, for which exercises and from which views it is judged, by which rule,
and which measure a report plot marks it on. `judge_rep` runs the registry on one
rep; the notes, hints, report plots, CSV columns and `hingecam eval` read it too.

Adding a fault: a `Fault` member and its `FaultSpec` here, its rule in
`core/rules.py` (side view) and, if it can be judged from 45 deg or the front,
in `core/rules3d.py`, its thresholds in `core/thresholds.py`; then its tests.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hingecam.core import rules, rules3d
from hingecam.core.confidence import rate
from hingecam.core.datatypes import Check, Confidence, Outcome, Severity, Sureness, View
from hingecam.core.measures import Measures
from hingecam.core.profiles import Profile
from hingecam.core.rep_window import Finding, NotJudged, RepWindow
from hingecam.core.thresholds import Thresholds


class Fault(enum.Enum):
    """What a rep can be flagged for; values match the `faults` column of
    MANIFEST.tsv. Declaration order is the order of checks, CSV columns and
    verdicts of equal severity."""

    ROUNDED_SPINE = "rounded_spine"
    LOCKED_KNEES = "locked_knees"
    SQUAT_PATTERN = "squat_pattern"
    HIPS_RISE_FIRST = "hips_rise_first"
    SHALLOW_HINGE = "shallow_hinge"
    LEAN_BACK = "lean_back"

    @property
    def spec(self) -> FaultSpec:
        """This fault's registry entry."""
        return SPECS[self]

    @property
    def label(self) -> str:
        """Plain words for verdicts, CSV and HTML ("rounded spine", "squatting")."""
        return SPECS[self].label

    @property
    def order(self) -> int:
        """Position in declaration order."""
        return _ORDER[self]


SideRule = Callable[[RepWindow, Measures, Thresholds], Finding]
"""A rule on a rep seen from the side (2D landmarks and the person mask)."""

Rule3D = Callable[[RepWindow, Measures, Thresholds, View], Finding]
"""A rule on a rep seen at 45 deg or from the front (3D world landmarks)."""

NEEDS_SIDE = "the camera saw this rep from {view}; judging this needs a side view"
"""Why a side-view rule did not judge a rep ({view}: the rep's view in words)."""


@dataclass(frozen=True)
class OffSide:
    """How a fault is judged on a rep seen well, but at 45 deg or from the front.

    Attributes:
        rule: the 3D rule, or None: then the fault needs a side view.
        views: the views the 3D rule judges from (from the lifter's front side
            only: filmed from behind, a 3D verdict is not made).
        reason: why the fault is not judged from the other views; "{view}" is
            replaced by the rep's view in words.
        unit: the unit of that not-judged check.
    """

    rule: Rule3D | None = None
    views: frozenset[View] = frozenset()
    reason: str = NEEDS_SIDE
    unit: str = ""


@dataclass(frozen=True)
class Tentative:
    """How a flag on weak evidence is shown: amber, as a thing to check.

    Attributes:
        label: what the lifter is asked to check ("check your back").
        cue: the words for it.
        below: a flag rated less sure than this is tentative.
    """

    label: str
    cue: str
    below: Sureness = Sureness.HIGH


@dataclass(frozen=True)
class FaultSpec:
    """One fault: its words, where it is judged, its rules.

    Attributes:
        fault: the enum member.
        label: plain words for verdicts, CSV and HTML.
        cue: plain-words coaching cue, shown live and in the report.
        severity: how much it matters when flagged.
        main: one of the faults hingecam is built to flag (MANIFEST.tsv labels
            them; the set notes and `hingecam eval` speak of these); the others
            are extra cues.
        judged_for: whether the exercise profile is judged for it.
        side: its rule on a rep seen from the side.
        off_side: how it is judged at 45 deg or from the front.
        plot_measure: the report plot panel its marker is drawn on.
        view_words: what it is called in a sentence about what a view can judge
            ("the spine's shape").
        superseded_by: not judged when this fault is flagged on the rep, and the
            reason then given (a shallow hinge means nothing on a rep that was
            a squat).
        tentative: how a flag on weak evidence is shown instead (amber), or
            None: every flag is the fault.
    """

    fault: Fault
    label: str
    cue: str
    severity: Severity
    main: bool
    judged_for: Callable[[Profile], bool]
    side: SideRule
    off_side: OffSide
    plot_measure: str
    view_words: str
    superseded_by: tuple[Fault, str] | None = None
    tentative: Tentative | None = None

    def rated(self, check: Check, confidence: Confidence | None) -> Check:
        """The check with its confidence; a flag on weak evidence made
        tentative (amber, a thing to check) where the entry says so."""
        check = dataclasses.replace(check, confidence=confidence)
        weak = self.tentative
        if (
            weak is None
            or check.outcome is not Outcome.FLAGGED
            or confidence is None
            or _SURE[confidence.level] >= _SURE[weak.below]
        ):
            return check
        return dataclasses.replace(
            check, tentative=True, severity=Severity.WARNING, cue=weak.cue
        )

    def check(self, win: RepWindow, finding: Finding) -> Check:
        """The finding of one of this fault's rules as a Check."""
        if isinstance(finding, NotJudged):
            return self.not_judged(finding.reason, finding.unit, finding.threshold)
        return Check(
            fault=self.fault,
            outcome=Outcome.FLAGGED if finding.flagged else Outcome.OK,
            measured=float(finding.measured),
            threshold=float(finding.threshold),
            unit=finding.unit,
            t_s=float(win.t_s[finding.at]),
            frame=int(win.frames[finding.at]),
            severity=self.severity,
            cue=self.cue,
            reason=finding.reason,
        )

    def not_judged(
        self, reason: str, unit: str = "", threshold: float = float("nan")
    ) -> Check:
        """A NOT_JUDGED check of this fault, saying why."""
        return Check(
            fault=self.fault,
            outcome=Outcome.NOT_JUDGED,
            measured=float("nan"),
            threshold=threshold,
            unit=unit,
            t_s=float("nan"),
            frame=-1,
            severity=self.severity,
            cue=self.cue,
            reason=reason,
        )

    def judge_from_side(self, win: RepWindow, setup: Measures, th: Thresholds) -> Check:
        """The side rule's check of a rep, whatever its view (rules' tests)."""
        return self.check(win, self.side(win, setup, th))

    def judged_from(self, view: View) -> bool:
        """Whether a rep seen (well) from `view` gets a verdict on this fault."""
        return view is View.SIDE or view in self.off_side.views


FAULTS: tuple[FaultSpec, ...] = (
    FaultSpec(
        Fault.ROUNDED_SPINE,
        label="rounded spine",
        cue="keep your back flat: chest proud, hinge only as far as it stays straight",
        severity=Severity.FAULT,
        main=True,
        judged_for=lambda profile: True,
        side=rules.check_rounded_spine,
        off_side=OffSide(),
        plot_measure="spine_bow_norm",
        view_words="the spine's shape",
        # Telling a lifter with a good back that it rounded is the worst mistake
        # a form checker can make: only a sure reading is a fault.
        tentative=Tentative(
            "check your back",
            "check your back: it may have rounded near the bottom; film from the "
            "side at hip height to be sure",
        ),
    ),
    FaultSpec(
        Fault.LOCKED_KNEES,
        label="locked knees",
        cue="soften your knees",
        severity=Severity.FAULT,
        main=True,
        judged_for=lambda profile: profile.soft_knees,
        side=rules.check_locked_knees,
        off_side=OffSide(
            reason="judging locked knees needs a side view: standing tall the 3D knee "
            "reads 11-20 deg where the side view reads 6-11, and no labelled clip had "
            "locked knees to set a 3D limit on",
            unit="deg",
        ),
        plot_measure="knee_flexion_deg",
        view_words="locked knees",
    ),
    FaultSpec(
        Fault.SQUAT_PATTERN,
        label="squatting",
        cue="push your hips back, not down: keep the shins nearly vertical",
        severity=Severity.FAULT,
        main=True,
        judged_for=lambda profile: profile.hinge_only,
        side=rules.check_squat_pattern,
        off_side=OffSide(
            rules3d.check_squat_pattern_3d, frozenset({View.OBLIQUE, View.FRONT})
        ),
        plot_measure="knee_flexion_deg",
        view_words="squatting vs hinging",
    ),
    FaultSpec(
        Fault.HIPS_RISE_FIRST,
        label="hips rose first",
        cue="lift your chest and hips together: push the floor away",
        severity=Severity.FAULT,
        main=True,
        judged_for=lambda profile: profile.knee_extends,
        side=rules.check_hips_rise_first,
        off_side=OffSide(
            rules3d.check_hips_rise_first_3d,
            frozenset({View.OBLIQUE}),
            reason="the camera saw this rep from {view}: the trunk leans along the "
            "line of sight, so judging this needs a side or 45 deg view",
            unit="deg",
        ),
        plot_measure="hip_flexion_deg",
        view_words="hips rising first",
        tentative=Tentative(
            "check your hips",
            "check your hips: they may have risen before your chest; film the whole "
            "rep from the side to be sure",
            below=Sureness.MEDIUM,
        ),
    ),
    FaultSpec(
        Fault.SHALLOW_HINGE,
        label="shallow hinge",
        cue="push your hips further back to hinge deeper",
        severity=Severity.WARNING,
        main=False,
        judged_for=lambda profile: profile.hinge_only and not profile.from_floor,
        side=rules.check_shallow_hinge,
        off_side=OffSide(),
        plot_measure="trunk_incline_deg",
        view_words="the depth of the hinge",
        superseded_by=(Fault.SQUAT_PATTERN, "the rep was a squat pattern instead"),
    ),
    FaultSpec(
        Fault.LEAN_BACK,
        label="leaning back",
        cue="finish tall: squeeze your glutes, don't lean back",
        severity=Severity.NOTE,
        main=False,
        judged_for=lambda profile: True,
        side=rules.check_lean_back,
        off_side=OffSide(),
        plot_measure="trunk_incline_deg",
        view_words="leaning back at lockout",
    ),
)
"""Every fault, in `Fault` order."""

SPECS: Mapping[Fault, FaultSpec] = {spec.fault: spec for spec in FAULTS}
_ORDER: Mapping[Fault, int] = {fault: k for k, fault in enumerate(Fault)}

_SURE: Mapping[Sureness, int] = {Sureness.LOW: 0, Sureness.MEDIUM: 1, Sureness.HIGH: 2}

MAIN_FAULTS: tuple[Fault, ...] = tuple(spec.fault for spec in FAULTS if spec.main)
"""The faults hingecam is built to flag (and MANIFEST.tsv labels)."""


def not_judged_from(view: View) -> tuple[FaultSpec, ...]:
    """The main faults a rep seen well from `view` gets no verdict on."""
    return tuple(s for s in FAULTS if s.main and not s.judged_from(view))


def off_side_view(win: RepWindow, th: Thresholds) -> View | None:
    """The view a rep is judged from in 3D: OBLIQUE or FRONT when it was seen
    well enough but not from the side, else None (the side-view rules stand)."""
    share = win.share
    if not share.seen_enough(th.view_min_side_share) or share.from_side(
        th.view_min_side_share
    ):
        return None
    return share.dominant if share.dominant in (View.OBLIQUE, View.FRONT) else None


def judge_rep(
    win: RepWindow, setup: Measures, profile: Profile, th: Thresholds
) -> tuple[Check, ...]:
    """Every check the exercise profile calls for on one rep, in `Fault` order,
    each judged one carrying its confidence.

    From the side each fault's side rule judges; at 45 deg or from the front,
    the fault's 3D rule where it has one and the view allows, else the check
    says why it was not judged.
    """
    share = win.share
    checks: dict[Fault, Check] = {}
    for spec in FAULTS:
        if spec.judged_for(profile):
            checks[spec.fault] = _judge(spec, win, setup, th, checks)
    return tuple(c.fault.spec.rated(c, rate(c, share, th)) for c in checks.values())


def _judge(
    spec: FaultSpec,
    win: RepWindow,
    setup: Measures,
    th: Thresholds,
    earlier: Mapping[Fault, Check],
) -> Check:
    share = win.share
    if not share.seen_enough(th.view_min_side_share):
        return spec.not_judged(
            f"the lifter was seen clearly in only {share.seen:.0%} of this rep"
        )
    if share.from_side(th.view_min_side_share):
        if spec.superseded_by is not None:
            fault, reason = spec.superseded_by
            before = earlier.get(fault)
            if before is not None and before.outcome is Outcome.FLAGGED:
                return spec.not_judged(reason)
        return spec.check(win, spec.side(win, setup, th))
    view = off_side_view(win, th)
    if view is None:
        return spec.not_judged(NEEDS_SIDE.format(view=share.dominant.phrase))
    off = spec.off_side
    if off.rule is not None and rules3d.from_behind(win, th):
        return spec.not_judged(
            f"the camera saw this rep from behind at {view.phrase}: 3D "
            "verdicts are only made from the front side"
        )
    if off.rule is None or view not in off.views:
        return spec.not_judged(off.reason.format(view=view.phrase), off.unit)
    return spec.check(win, off.rule(win, setup, th, view))
