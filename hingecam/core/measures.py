"""Typed per-frame measures (one float per MeasureSeries field) and a rep's peaks.

Both are frozen values with NaN for missing, `to_dict()` for serialisers (keys in
declaration order) and `get(name)` for tables that pick fields by name."""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass, fields
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

NAN = math.nan


@dataclass(frozen=True, slots=True)
class Measures:
    """One frame's measures (see geometry.py for the conventions); NaN = missing."""

    hip_flexion_deg: float = NAN
    knee_flexion_deg: float = NAN
    trunk_incline_deg: float = NAN
    shin_incline_deg: float = NAN
    thigh_incline_deg: float = NAN
    hip_back_norm: float = NAN
    hip_height_norm: float = NAN
    shoulder_height_norm: float = NAN
    head_offset_deg: float = NAN
    spine_bow_norm: float = NAN
    back_offset_norm: float = NAN
    hip_flexion_3d_deg: float = NAN
    knee_flexion_3d_deg: float = NAN
    knee_gap_3d_deg: float = NAN
    trunk_incline_3d_deg: float = NAN
    thigh_incline_3d_deg: float = NAN
    face_depth_m: float = NAN
    shoulder_order_m: float = NAN

    NAMES: ClassVar[tuple[str, ...]]

    @classmethod
    def from_array(cls, values: NDArray[np.floating]) -> Measures:
        """Measures from a (len(NAMES),) array in NAMES order."""
        return cls(*(float(v) for v in values))

    def as_array(self) -> NDArray[np.float64]:
        """(len(NAMES),) float64 in NAMES order."""
        return np.array(astuple(self), dtype=np.float64)

    def to_dict(self) -> dict[str, float]:
        """Name -> value in declaration order (the order of MeasureSeries fields)."""
        return {name: float(getattr(self, name)) for name in self.NAMES}

    def get(self, name: str) -> float:
        """The value of measure `name`; NaN for a name that is not a measure."""
        return float(getattr(self, name)) if name in self.NAMES else NAN


Measures.NAMES = tuple(f.name for f in fields(Measures))


@dataclass(frozen=True, slots=True)
class Peaks:
    """Headline numbers of one rep for the report (see rules.rep_peaks)."""

    hip_flexion_max_deg: float = NAN
    trunk_incline_bottom_deg: float = NAN
    trunk_incline_max_deg: float = NAN
    knee_flexion_bottom_deg: float = NAN
    knee_flexion_min_deg: float = NAN
    shin_incline_bottom_deg: float = NAN
    spine_bow_max_norm: float = NAN
    head_offset_bottom_deg: float = NAN
    stoop_squat_index: float = NAN

    def to_dict(self) -> dict[str, float]:
        """Name -> value in declaration order (fields of subclasses last)."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    def get(self, name: str) -> float | None:
        """The value of peak `name`, or None when there is no such peak."""
        names = {f.name for f in fields(self)}
        return float(getattr(self, name)) if name in names else None
