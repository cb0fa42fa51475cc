"""Per-view scores of `hingecam eval`: recall, precision, judged share and false
alarms per labelled view group and fault, and side-vs-45 deg per-rep agreement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hingecam.app.eval_score import LABELLED_FAULTS, ClipScore
from hingecam.core.datatypes import Outcome, Rep
from hingecam.core.faults import MAIN_FAULTS, Fault

VIEW_GROUPS = ("side", "45deg", "front", "back")
"""The `view` values of MANIFEST.tsv, in the order they are printed."""

PAIR_VIEWS = ("_side_", "_45deg_")
"""Clip names of a pair filmed at once differ only in this part (kbdl_side_x / kbdl_45deg_x)."""


def _outcome(rep: Rep, fault: str) -> Outcome | None:
    check = rep.check(Fault(fault))
    return None if check is None else check.outcome


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def score_views(scores: Sequence[ClipScore]) -> dict[str, Any]:
    """Per view group: each fault's tp/fp/fn, precision, recall and the share of its
    labelled reps that got a verdict; and the false alarm rate on 'none' clips.

    Counting is that of eval_score.score (reps of clips not labelled `unsure`),
    restricted to the clips whose labelled view is the group.
    """
    out: dict[str, Any] = {}
    for group in VIEW_GROUPS:
        clips = [s for s in scores if s.result is not None and s.label.view == group]
        labelled = [s for s in clips if not s.label.unsure]
        faults: dict[str, Any] = {}
        for fault in LABELLED_FAULTS:
            tp = fp = fn = judged = positives = 0
            for s in labelled:
                assert s.result is not None
                positive = fault in s.label.faults
                for rep, found in zip(s.result.reps, s.per_rep, strict=True):
                    hit = fault in found
                    if positive:
                        positives += 1
                        tp += hit
                        fn += not hit
                        judged += _outcome(rep, fault) in (Outcome.OK, Outcome.FLAGGED)
                    else:
                        fp += hit
            faults[fault] = {
                "precision": _ratio(tp, tp + fp),
                "recall": _ratio(tp, tp + fn),
                "judged": _ratio(judged, positives),
                "tp": tp,
                "fp": fp,
                "fn": fn,
            }
        clean = [f for s in labelled if not s.label.faults for f in s.flags()]
        flagged = sum(1 for r, _ in clean if r)
        amber = sum(1 for _, a in clean if a)
        out[group] = {
            "clips": len(clips),
            "faults": faults,
            "false_alarm_rate": _ratio(flagged, len(clean)),
            "false_alarm_reps": flagged,
            "amber_reps": amber,
            "clean_reps": len(clean),
        }
    return out


def score_agreement(scores: Sequence[ClipScore]) -> dict[str, Any]:
    """Per-rep agreement of the 45 deg clip with its side-view twin.

    A rep pair agrees when, for every labelled-vocabulary fault judged in both
    views, the outcomes match ("judged"); "strict" also counts a fault the side
    view judged and the 45 deg view withheld as a disagreement. Pairs whose rep
    counts differ are compared over the common reps and listed.
    """
    by_name = {s.label.file: s for s in scores if s.result is not None}
    pairs: list[dict[str, Any]] = []
    agree = strict = total = 0
    for name, side in sorted(by_name.items()):
        if PAIR_VIEWS[0] not in name:
            continue
        other = by_name.get(name.replace(*PAIR_VIEWS))
        if other is None:
            continue
        assert side.result is not None and other.result is not None
        n = min(len(side.result.reps), len(other.result.reps))
        pair_agree = pair_strict = 0
        for a, b in zip(side.result.reps[:n], other.result.reps[:n], strict=True):
            same = same_strict = True
            for fault in (f.value for f in MAIN_FAULTS):
                oa, ob = _outcome(a, fault), _outcome(b, fault)
                judged_a = oa in (Outcome.OK, Outcome.FLAGGED)
                judged_b = ob in (Outcome.OK, Outcome.FLAGGED)
                if judged_a and judged_b and oa is not ob:
                    same = same_strict = False
                elif judged_a and not judged_b:
                    same_strict = False
            pair_agree += same
            pair_strict += same_strict
        pairs.append(
            {
                "side": name,
                "other": other.label.file,
                "reps_compared": n,
                "reps_counted": [len(side.result.reps), len(other.result.reps)],
                "agree": pair_agree,
                "agree_strict": pair_strict,
            }
        )
        agree += pair_agree
        strict += pair_strict
        total += n
    return {
        "pairs": pairs,
        "reps": total,
        "agreement": _ratio(agree, total),
        "agreement_strict": _ratio(strict, total),
    }


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def print_views(
    views: dict[str, Any], agreement: dict[str, Any], out: Any = None
) -> None:
    """The per-view section and the agreement section, after eval's main table."""
    print("", file=out)
    print(
        "per view group (labelled view; reps of clips not labelled unsure):", file=out
    )
    for group, v in views.items():
        if not v["clips"]:
            continue
        print(
            f"[{group}] {v['clips']} clips; false alarms on 'none' clips: "
            f"{_fmt(v['false_alarm_rate'])} ({v['false_alarm_reps']} of "
            f"{v['clean_reps']} reps red, {v['amber_reps']} amber)",
            file=out,
        )
        for fault, m in v["faults"].items():
            if not (m["tp"] or m["fp"] or m["fn"]):
                continue
            print(
                f"  {fault:<16} precision {_fmt(m['precision'])}  recall "
                f"{_fmt(m['recall'])}  judged {_fmt(m['judged'])}  "
                f"(tp {m['tp']}, fp {m['fp']}, fn {m['fn']})",
                file=out,
            )
    print("", file=out)
    print(
        f"side vs 45deg per-rep agreement: {_fmt(agreement['agreement'])} over faults "
        f"judged in both views, {_fmt(agreement['agreement_strict'])} counting "
        f"withheld 45deg verdicts as disagreement ({agreement['reps']} rep pairs)",
        file=out,
    )
    for p in agreement["pairs"]:
        counted = "/".join(str(c) for c in p["reps_counted"])
        print(
            f"  {p['side']:<34} {p['agree']}/{p['reps_compared']} agree, "
            f"{p['agree_strict']}/{p['reps_compared']} strict (reps {counted})",
            file=out,
        )
