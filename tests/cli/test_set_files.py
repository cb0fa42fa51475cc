"""The set-file registry (report/outputs.py): every file a run writes into its
staged folder is registered, is published, and is published in registry order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hingecam.app.batch import SetJob, Settings, run_set
from hingecam.core.datatypes import Exercise
from hingecam.core.thresholds import load_thresholds
from hingecam.files import StagedFolder
from hingecam.report.outputs import SET_FILES, publish_order, required_names

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "kbdl_side_correct.npz"


def test_every_file_written_into_the_staged_folder_is_registered_and_published(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    staged_names: list[set[str]] = []
    published: list[tuple[str, ...]] = []
    commit = StagedFolder.commit

    def spy(self: StagedFolder, names: Any, **kwargs: Any) -> Path:
        staged_names.append({p.name for p in self.path.iterdir()})
        published.append(tuple(names))
        return commit(self, published[-1], **kwargs)

    monkeypatch.setattr(StagedFolder, "commit", spy)
    folder = tmp_path / "out" / "set"
    settings = Settings(Exercise.AUTO.value, load_thresholds(), None, False)
    outcome = run_set(SetJob(SAMPLE, folder), settings)
    assert outcome.status == "ok", outcome.line
    [written] = staged_names
    registered = {f.name for f in SET_FILES}
    assert written <= registered, f"written but not registered: {written - registered}"
    assert written <= {p.name for p in folder.iterdir()}  # all survived publish
    assert set(required_names(annotated=False)) <= written
    assert published == [publish_order()]


def test_registry_order_is_the_publish_order_with_report_json_last() -> None:
    assert publish_order() == tuple(f.name for f in SET_FILES)
    assert publish_order()[-1] == "report.json"
    assert len(set(publish_order())) == len(SET_FILES)
