"""Which way the lifter faces in the image, from the feet or the head.

Stopgap: facing is a decision and belongs in core (carried in FrameAnalysis); until
it is, the overlay's angle chips get it from `facing_x` alone.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hingecam.core.datatypes import Side
from hingecam.core.landmarks import SIDE_POINTS, Landmark
from hingecam.render.skeleton import valid_points


def facing_x(
    xy_px: NDArray[np.floating],
    visibility: NDArray[np.floating],
    side: Side | None,
    min_visibility: float,
) -> float:
    """+1 when the lifter faces image-right, -1 image-left, 0 when unknown.

    From heel to toe (near foot first), else from ear to nose, among points seen
    with visibility >= `min_visibility`. Unknown without a near side.
    """
    if side is None:
        return 0.0
    xy = np.asarray(xy_px, dtype=np.float64)
    valid = valid_points(xy, visibility, min_visibility)
    other = Side.RIGHT if side is Side.LEFT else Side.LEFT
    pairs = [
        (int(SIDE_POINTS[sd]["heel"]), int(SIDE_POINTS[sd]["toe"]))
        for sd in (side, other)
    ]
    pairs.append((int(SIDE_POINTS[side]["ear"]), int(Landmark.NOSE)))
    for back, front in pairs:
        if valid[back] and valid[front]:
            dx = float(xy[front, 0] - xy[back, 0])
            if abs(dx) > 1.0:
                return 1.0 if dx > 0 else -1.0
    return 0.0
