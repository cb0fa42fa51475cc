"""Documented numbers: a dataclass field carrying its unit, source and doc, and the
table of such fields (thresholds, pose and schedule knobs) for commands and docs."""

from __future__ import annotations

from dataclasses import field, fields
from typing import Any, NamedTuple, cast


def threshold_field(default: float, unit: str, source: str, doc: str) -> Any:
    """A dataclass field whose metadata gives its unit, source and doc.

    Args:
        default: the field's default value.
        unit: its unit ("deg", "s", "0..1", ...).
        source: a citation, a measurement (`tuned on <clip>`) or a design reason.
        doc: one line: what crossing or changing it means.
    """
    return field(default=default, metadata={"unit": unit, "source": source, "doc": doc})


class FieldDoc(NamedTuple):
    """One documented field: its name, default, unit, source and doc."""

    name: str
    default: float
    unit: str
    source: str
    doc: str


def field_docs(cls: type[Any]) -> list[FieldDoc]:
    """The documented fields of dataclass `cls` (those with metadata), in order."""
    return [
        FieldDoc(
            f.name,
            cast(float, f.default),  # threshold_field always sets one
            f.metadata["unit"],
            f.metadata["source"],
            f.metadata["doc"],
        )
        for f in fields(cls)
        if f.metadata
    ]
