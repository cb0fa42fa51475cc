"""Near side and facing direction, decided once in core: per frame from a running
estimate (FacingEstimator), or over a whole track at once (facing_sign)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Side
from hingecam.core.landmarks import SIDE_POINTS, Landmark, side_nearness
from hingecam.core.poses import Pose
from hingecam.core.thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class Facing:
    """Where the lifter is turned in one frame.

    Attributes:
        side: the near side (the subject's own), None before anyone was seen.
        sign: +1 facing image-right (+x), -1 image-left; +1 while unknown.
        known: a foot or the head has shown the direction at least once.
    """

    side: Side | None
    sign: float
    known: bool

    @property
    def shown_sign(self) -> float:
        """+1 / -1 as `sign`, or 0.0 while the direction is not known."""
        return self.sign if self.known and self.side is not None else 0.0


class FacingEstimator:
    """Running near side (visibility and the trunk's depth order, with a switch
    margin) and facing sign.

    Both follow a turn with time constant side_tau_s. The near side flips only
    when the other side scores side_switch_margin higher; the facing sign comes
    from the near foot (heel to toe); while it is hidden, from where it last
    pointed on the same near side, and only before any foot was seen from the
    nose against the ears, when it is clearly ahead of them
    (facing_head_min_share).
    """

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.reset()

    def reset(self) -> None:
        """Forget the side and facing seen so far."""
        self._last_t: float | None = None
        self._side: Side | None = None
        self._side_score = np.array([0.5, 0.5])
        self._facing_score = 0.0
        self._foot_side: Side | None = None  # the near side when a foot was last seen
        self._clear = False  # a foot, or a head turned well aside, was seen

    def update(self, t_s: float, pose: Pose | None) -> Facing:
        """Advance to a frame at `t_s`; returns the side and facing in force."""
        dt = 0.0 if self._last_t is None else max(t_s - self._last_t, 0.0)
        self._last_t = t_s
        if pose is not None:
            self._follow(pose, dt)
        return Facing(
            self._side,
            1.0 if self._facing_score >= 0 else -1.0,
            self._facing_score != 0,
        )

    def _follow(self, pose: Pose, dt: float) -> None:
        th = self.th
        if self._side is None:
            alpha = 1.0
        else:
            alpha = 1.0 - math.exp(-dt / th.side_tau_s) if dt > 0 else 0.1
        scores = side_nearness(
            np.nan_to_num(pose.visibility), pose.world_m, th.side_depth_full_m
        )
        self._side_score = (1 - alpha) * self._side_score + alpha * scores
        left, right = self._side_score
        if self._side is None:
            self._side = Side.LEFT if left >= right else Side.RIGHT
        elif self._side is Side.LEFT and right > left + th.side_switch_margin:
            self._side = Side.RIGHT
        elif self._side is Side.RIGHT and left > right + th.side_switch_margin:
            self._side = Side.LEFT
        pts = SIDE_POINTS[self._side]
        px = pose.xy_px
        foot = float(px[pts["toe"], 0] - px[pts["heel"], 0])
        if (
            math.isfinite(foot)
            and pose.visibility[pts["toe"]] >= th.min_visibility
            and pose.visibility[pts["heel"]] >= th.min_visibility
        ):
            self._foot_side = self._side
            clear = True
        elif self._foot_side is self._side:
            # The near foot was seen and the feet stay planted: a foot hidden
            # behind the load (plates, a bell) leaves its direction in force;
            # the head, dropped or turned to the camera, would overrule it.
            return
        else:
            head = _ears_to_nose(px)
            foot = float(head[0])
            clear = abs(foot) >= th.facing_head_min_share * float(np.linalg.norm(head))
            if self._clear and not clear:
                return  # a head seen end-on adds nothing to a clear reading
        if not math.isfinite(foot) or foot == 0:
            return
        if clear and not self._clear:
            # The first clear reading (a foot, a head turned well to one side)
            # overrules what a head seen end-on suggested so far.
            alpha, self._clear = 1.0, True
        self._facing_score = (1 - alpha) * self._facing_score + alpha * math.copysign(
            1.0, foot
        )


def _ears_to_nose(px: NDArray[np.floating]) -> NDArray[np.float64]:
    """The vector from the ears' midpoint to the nose, (..., 2) for (..., 33, 2)
    image points: its x is how far the nose is ahead of the ears."""
    xy = np.asarray(px, dtype=np.float64)
    ears = (xy[..., Landmark.LEFT_EAR, :] + xy[..., Landmark.RIGHT_EAR, :]) / 2
    return np.asarray(xy[..., Landmark.NOSE, :] - ears)


def facing_sign(
    xy_px: NDArray[np.floating],
    visibility: NDArray[np.floating],
    side: Side,
    min_visibility: float,
) -> float:
    """+1 when the lifter faces +x in the image, -1 when facing -x, over a whole set.

    Uses the near foot (toe ahead of heel), then the nose against the ears, over
    all frames given (median), so one decision holds for a whole set.

    Args:
        xy_px: (N, 33, 2) or (33, 2) pixel coordinates.
        visibility: matching (N, 33) or (33,).
        side: the near side.
        min_visibility: toe and heel less visible than this are not used.
    """
    xy = np.asarray(xy_px, dtype=np.float64).reshape(-1, 33, 2)
    vis = np.asarray(visibility, dtype=np.float64).reshape(-1, 33)
    pts = SIDE_POINTS[side]
    foot = xy[:, pts["toe"], 0] - xy[:, pts["heel"], 0]
    ok = (vis[:, pts["toe"]] >= min_visibility) & (
        vis[:, pts["heel"]] >= min_visibility
    )
    foot = foot[ok & np.isfinite(foot)]
    if foot.size and abs(float(np.median(foot))) > 1e-6:
        return 1.0 if float(np.median(foot)) > 0 else -1.0
    head = _ears_to_nose(xy)[:, 0]
    head = head[np.isfinite(head)]
    if head.size and float(np.median(head)) < 0:
        return -1.0
    return 1.0
