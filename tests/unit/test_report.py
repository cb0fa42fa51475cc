"""report build, write, html and plots on synthetic AnalysisResults."""

from __future__ import annotations

import ast
import csv
import dataclasses
import html
import io
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from hingecam.core.datatypes import Outcome, Rep, Severity, View
from hingecam.core.faults import Fault
from hingecam.core.measures import Peaks
from hingecam.report import build as report_mod
from hingecam.report.build import SCHEMA_VERSION, build_report
from hingecam.report.html import environment, jpeg_size, page_css, render_html
from hingecam.report.plots import measures_svg
from hingecam.report.write import (
    CSV_COLUMNS,
    csv_columns,
    write_atomic,
    write_csv,
    write_json,
    write_outputs,
)
from tests.factories_report import CUES, RECOGNISED_WHY, make_analysis_result

CREATED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc)

TOP_KEYS = {"schema_version", "meta", "summary", "setup", "notes", "reps"}
META_KEYS = {
    "hingecam_version",
    "created_utc",
    "recorded",
    "athlete",
    "source",
    "video",
    "exercise",
    "model",
    "view",
    "side",
    "thresholds",
}
SUMMARY_KEYS = {
    "status",
    "person_found",
    "headline",
    "rep_count",
    "reps_with_fault",
    "reps_clean",
    "reps_not_judged",
    "fault_counts",
    "main_focus",
    "not_judged",
    "rep_verdicts",
    "last_time",
}
REP_KEYS = {
    "index",
    "start_s",
    "bottom_s",
    "end_s",
    "start_frame",
    "bottom_frame",
    "end_frame",
    "duration_s",
    "descent_s",
    "ascent_s",
    "view",
    "verdict",
    "severity",
    "peaks",
    "checks",
}
CHECK_KEYS = {
    "fault",
    "label",
    "outcome",
    "tentative",
    "measured",
    "threshold",
    "unit",
    "t_s",
    "frame",
    "severity",
    "cue",
    "reason",
    "confidence",
}
SCHEMA_DOC = Path(__file__).resolve().parents[2] / "docs" / "report-schema.md"


def _load_json(tmp_path: Path, result=None) -> dict:
    result = result or make_analysis_result(5)
    path = write_json(build_report(result, created=CREATED), tmp_path / "report.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_json_round_trips_with_documented_keys(tmp_path: Path) -> None:
    data = _load_json(tmp_path)
    assert set(data) == TOP_KEYS
    assert data["schema_version"] == SCHEMA_VERSION == "1.4"
    assert set(data["meta"]) == META_KEYS
    assert set(data["summary"]) == SUMMARY_KEYS
    assert set(data["setup"]) == {"calibrated", "measures"}
    assert len(data["reps"]) == 5
    for rep in data["reps"]:
        assert set(rep) == REP_KEYS
        for check in rep["checks"]:
            assert set(check) == CHECK_KEYS
    assert build_report(make_analysis_result(5), created=CREATED).to_dict() == data


def test_every_json_and_csv_key_is_documented() -> None:
    doc = SCHEMA_DOC.read_text(encoding="utf-8")
    keys = TOP_KEYS | META_KEYS | SUMMARY_KEYS | REP_KEYS | CHECK_KEYS
    missing = sorted(k for k in keys | set(CSV_COLUMNS) if f"`{k}`" not in doc)
    assert missing == []


def test_nan_becomes_null_and_json_is_strict(tmp_path: Path) -> None:
    text = write_json(
        build_report(make_analysis_result(3, view=View.OBLIQUE), created=CREATED),
        tmp_path / "r.json",
    ).read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text)
    spine = next(c for c in data["reps"][0]["checks"] if c["fault"] == "rounded_spine")
    assert spine["outcome"] == "not_judged"
    assert spine["measured"] is None and spine["t_s"] is None and spine["frame"] is None
    assert data["reps"][0]["peaks"]["spine_bow_max_norm"] is None


def test_meta_records_source_time_exercise_view_and_thresholds(tmp_path: Path) -> None:
    data = _load_json(tmp_path)
    meta, n = data["meta"], len(data["reps"])
    assert meta["created_utc"] == "2025-03-04T05:06:07Z"
    assert meta["source"] == "rdl_side_<demo>.mp4"
    assert meta["exercise"] == {
        "requested": "auto",
        "used": "rdl",
        "recognised": {
            "exercise": "rdl",
            "confidence": "high",
            "reps_read": n,
            "reps_agreeing": n,
            "reason": RECOGNISED_WHY,
        },
    }
    assert (meta["view"], meta["side"]) == ("side", "left")
    assert meta["thresholds"]["locked_knee_max_flexion_deg"] == 8.0
    assert meta["video"]["fps"] == 30.0


def test_created_time_defaults_to_now_in_utc() -> None:
    created = build_report(make_analysis_result(1)).meta["created_utc"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)


def test_summary_counts_faults_and_picks_most_frequent_as_main_focus(
    tmp_path: Path,
) -> None:
    summary = _load_json(tmp_path)["summary"]
    assert summary["status"] == "ok"
    assert (summary["rep_count"], summary["reps_with_fault"]) == (5, 3)
    assert summary["reps_clean"] == 2
    assert summary["headline"] == (
        "5 reps: 2 clean, 3 flagged. Main thing to work on: rounded spine (2 of 5 reps)."
    )
    assert summary["fault_counts"]["rounded_spine"] == {
        "ok": 3,
        "flagged": 2,
        "not_judged": 0,
    }
    assert summary["fault_counts"]["hips_rise_first"]["not_judged"] == 5
    assert summary["fault_counts"]["lean_back"] == {
        "ok": 0,
        "flagged": 0,
        "not_judged": 0,
    }
    focus = summary["main_focus"]
    assert focus["fault"] == "rounded_spine"
    assert focus["reps"] == [2, 3]
    assert focus["cue"] == CUES[Fault.ROUNDED_SPINE]
    verdicts = [v["verdict"] for v in summary["rep_verdicts"]]
    assert verdicts == [
        "clean",
        "rounded spine",
        "rounded spine, squatting",
        "clean",
        "locked knees",
    ]
    assert [n["fault"] for n in summary["not_judged"]] == ["hips_rise_first"]


def test_main_focus_tie_goes_to_the_more_severe_fault() -> None:
    # Rep 3 flags rounded spine and squatting, rep 5 locked knees: one flag
    # each. Only locked knees is made a FAULT, so it wins the tie.
    result = make_analysis_result(5)

    def with_severity(rep: Rep) -> Rep:
        checks = tuple(
            dataclasses.replace(
                c,
                severity=Severity.FAULT
                if c.fault is Fault.LOCKED_KNEES
                else Severity.WARNING,
            )
            for c in rep.checks
        )
        return dataclasses.replace(rep, checks=checks)

    reps = (with_severity(result.reps[2]), with_severity(result.reps[4]))
    focus = build_report(dataclasses.replace(result, reps=reps)).summary["main_focus"]
    assert focus["fault"] is Fault.LOCKED_KNEES
    assert focus["severity"] is Severity.FAULT


def test_main_focus_equal_count_and_severity_goes_to_the_first_fault() -> None:
    result = make_analysis_result(5)
    reps = (result.reps[2], result.reps[4])  # spine + squat, knees: all FAULT
    focus = build_report(dataclasses.replace(result, reps=reps)).summary["main_focus"]
    assert focus["fault"] is Fault.ROUNDED_SPINE


def test_rep_with_only_unjudged_checks_is_not_called_clean() -> None:
    result = make_analysis_result(1)
    rep = result.reps[0]
    unjudged = tuple(
        dataclasses.replace(c, outcome=Outcome.NOT_JUDGED) for c in rep.checks
    )
    result = dataclasses.replace(
        result, reps=(dataclasses.replace(rep, checks=unjudged),)
    )
    report = build_report(result)
    assert report.reps[0]["verdict"] == "not judged"
    assert report.summary["reps_clean"] == 0
    assert report.summary["reps_not_judged"] == 1
    assert report.summary["headline"] == (
        "1 rep counted, but none could be judged (see the notes)."
    )
    page = render_html(result)
    assert "Nothing could be judged" in page
    assert "Nothing flagged" not in page


def test_csv_has_one_row_per_rep_and_the_documented_columns(tmp_path: Path) -> None:
    path = write_csv(make_analysis_result(5), tmp_path / "reps.csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",") == list(CSV_COLUMNS)
    rows = _csv_rows(text)
    assert [r["rep"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[1]["rounded_spine"] == "flagged"
    assert rows[0]["rounded_spine"] == "ok"
    assert rows[0]["hips_rise_first"] == "not_judged"
    assert rows[0]["lean_back"] == ""  # never checked
    assert rows[2]["verdict"] == "rounded spine, squatting"
    assert rows[2]["cues"] == " | ".join(
        [CUES[Fault.ROUNDED_SPINE], CUES[Fault.SQUAT_PATTERN]]
    )
    assert float(rows[0]["peak_trunk_incline_max_deg"]) == pytest.approx(68.0)
    assert float(rows[0]["duration_s"]) == pytest.approx(2.6)


def test_csv_keeps_unknown_peaks_after_the_known_ones(tmp_path: Path) -> None:
    result = make_analysis_result(2)
    rep = result.reps[0]

    @dataclasses.dataclass(frozen=True, slots=True)
    class NewerPeaks(Peaks):
        zz_new_deg: float = 1.5

    extra = dataclasses.replace(rep, peaks=NewerPeaks(**rep.peaks.to_dict()))
    result = dataclasses.replace(result, reps=(extra, result.reps[1]))
    report = build_report(result)
    columns = csv_columns(report)
    assert columns[: len(CSV_COLUMNS) - 9] == CSV_COLUMNS[: len(CSV_COLUMNS) - 9]
    assert (
        columns.index("peak_zz_new_deg") == columns.index("peak_stoop_squat_index") + 1
    )
    rows = _csv_rows(write_csv(report, tmp_path / "r.csv").read_text("utf-8"))
    assert (rows[0]["peak_zz_new_deg"], rows[1]["peak_zz_new_deg"]) == ("1.5", "")


def test_csv_from_report_equals_csv_from_result(tmp_path: Path) -> None:
    result = make_analysis_result(3, view=View.OBLIQUE)
    a = write_csv(result, tmp_path / "a.csv").read_text(encoding="utf-8")
    b = write_csv(build_report(result), tmp_path / "b.csv").read_text(encoding="utf-8")
    assert a == b
    assert _csv_rows(a)[0]["peak_spine_bow_max_norm"] == ""  # NaN is an empty cell


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.mark.parametrize("view", [View.SIDE, View.OBLIQUE])
def test_html_references_no_external_resource(view: View) -> None:
    page = render_html(make_analysis_result(5, view=view))
    assert not EXTERNAL.search(page)
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page
    # url(#id) is an in-page reference (SVG clip paths); anything else is not.
    assert not re.search(r"""url\(\s*["']?(?!#)""", page)


def test_a_rep_card_says_why_it_was_not_judged_unless_the_notes_say_it() -> None:
    """One rep of three not judged for its own reason (seen in only part of
    it): its card gives the reason. Reasons shared by every rep are in the
    set's notes ("... was not judged on any rep: ...") and not repeated."""
    result = make_analysis_result(3, view=View.OBLIQUE)
    spine_why = result.reps[0].check(Fault.ROUNDED_SPINE)
    assert spine_why is not None and spine_why.outcome is Outcome.NOT_JUDGED
    rep = result.reps[1]
    why = "the lifter was seen clearly in only 57% of this rep"
    unjudged = tuple(
        c
        if c.outcome is Outcome.NOT_JUDGED
        else dataclasses.replace(c, outcome=Outcome.NOT_JUDGED, reason=why)
        for c in rep.checks
    )
    reps = list(result.reps)
    reps[1] = dataclasses.replace(rep, checks=unjudged)
    page = render_html(dataclasses.replace(result, reps=tuple(reps)))
    cards = page.split('id="rep-')
    card = next(c for c in cards if c.startswith('2"'))
    assert html.escape(why.capitalize()) in card
    notes_only = page.casefold().count(html.escape(spine_why.reason).casefold())
    assert notes_only == 1  # in the set's notes, on no card
    assert html.escape(why.capitalize()) not in next(
        c for c in cards if c.startswith('1"')
    )


def test_html_has_a_row_per_rep_and_every_flagged_cue() -> None:
    result = make_analysis_result(5)
    page = render_html(result)
    for rep in result.reps:
        assert f'id="rep-row-{rep.index}"' in page
        assert f'id="rep-{rep.index}"' in page
        for check in rep.flags:
            # The page capitalises the cue's first letter.
            assert html.escape(check.cue).casefold() in page.casefold()
    assert "Main thing to work on" in page


def test_html_escapes_text_from_the_source() -> None:
    page = render_html(make_analysis_result(2, name='<script>alert("x")</script>.mp4'))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_html_autoescapes_a_script_in_the_video_name_and_a_quote_in_an_attribute() -> (
    None
):
    evil = "<script>alert(1)</script>.mp4"
    result = make_analysis_result(2, name=evil)
    rep = result.reps[1]
    check = rep.flags[0]
    sneaky = dataclasses.replace(check, reason='x" onmouseover="alert(1)')
    checks = tuple(sneaky if c is check else c for c in rep.checks)
    reps = (result.reps[0], dataclasses.replace(rep, checks=checks))
    page = render_html(dataclasses.replace(result, reps=reps))
    assert evil not in page and "<script" not in page
    # In the <title> and in the Source field of the header.
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;.mp4") == 2
    assert 'onmouseover="' not in page
    assert "X&#34; onmouseover=&#34;alert(1)" in page  # the reason, capitalised
    assert environment().autoescape is True


def test_css_file_is_inlined_in_the_page() -> None:
    css_file = Path(report_mod.__file__).with_name("templates") / "report.css"
    css = css_file.read_text(encoding="utf-8")
    assert page_css() == css and ".rep-card" in css
    page = render_html(make_analysis_result(1))
    assert f"<style>\n{css}</style>" in page
    assert "<link" not in page


def test_templates_and_css_are_package_data() -> None:
    """A non-editable install ships what render_html reads."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    root = Path(report_mod.__file__).parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["hingecam.report"]
    folder = Path(report_mod.__file__).parent
    shipped = {p for g in globs for p in folder.glob(g)}
    assert set((folder / "templates").iterdir()) <= shipped
    assert {p.name for p in shipped} >= {"report.css", "report.html.j2", "base.html.j2"}
    assert any(d.startswith("jinja2") for d in config["project"]["dependencies"])


def test_html_embeds_thumbnails_as_jpeg_data_uris() -> None:
    result = make_analysis_result(3)
    page = render_html(result)
    assert page.count('src="data:image/jpeg;base64,') == 3
    no_thumbs = render_html(make_analysis_result(3, thumbnails=False))
    assert "data:image/jpeg" not in no_thumbs


def test_jpeg_size_reads_the_frame_header() -> None:
    thumbs = make_analysis_result(1).thumbnails
    assert jpeg_size(thumbs[1]) == (320, 240)
    assert jpeg_size(b"not a jpeg") is None
    assert jpeg_size(b"\xff\xd8\xff\xe0\x00") is None  # truncated


def test_html_gives_each_flagged_rep_a_cue_line_and_clean_reps_none() -> None:
    page = render_html(make_analysis_result(5))
    assert page.count('<tr class="cue-row">') == 3  # reps 2, 3 and 5
    assert '<tr id="rep-row-1">' in page  # clean: no cue line


def test_html_tells_when_the_view_limited_what_was_judged() -> None:
    page = render_html(make_analysis_result(3, view=View.OBLIQUE))
    assert "The camera view limited what could be judged" in page
    assert "<b>Rounded spine and hips rose first</b> were not judged" not in page
    assert "<b>Rounded spine</b> was not judged on any rep" in page
    side = render_html(make_analysis_result(3))
    assert "The camera view limited" not in side


def test_same_result_and_time_render_the_same_page() -> None:
    result = make_analysis_result(3)
    a = render_html(result, report=build_report(result, created=CREATED))
    b = render_html(result, report=build_report(result, created=CREATED))
    assert a == b


def test_plot_is_inline_svg_and_absent_without_measures() -> None:
    svg = measures_svg(make_analysis_result(3))
    assert svg is not None and svg.startswith("<svg ")
    assert "<?xml" not in svg and "DOCTYPE" not in svg
    assert measures_svg(make_analysis_result(0, person=False)) is None


def test_with_the_feet_out_of_view_the_knee_panel_plots_what_the_checks_read() -> None:
    """No knee angle all set (the ankles out of frame): the panel draws the
    thigh's lean, which the squat and hips-first checks read instead, says so,
    and keeps their markers; with neither, it says nothing was measured."""
    from hingecam.report.plots import STAND_INS

    result = make_analysis_result(3)
    series = result.series
    knee = series.knee_flexion_deg
    assert "Knee flexion" in (measures_svg(result) or "")
    no_shin = dataclasses.replace(
        series,
        knee_flexion_deg=np.full_like(knee, np.nan),
        thigh_incline_deg=0.7 * knee,
    )
    svg = measures_svg(dataclasses.replace(result, series=no_shin)) or ""
    assert "Thigh incline" in svg and "Knee flexion" not in svg
    assert html.escape(STAND_INS["knee_flexion_deg"][1]) in svg
    assert "not measured in this video" not in svg
    unseen = dataclasses.replace(no_shin, thigh_incline_deg=np.full_like(knee, np.nan))
    svg = measures_svg(dataclasses.replace(result, series=unseen)) or ""
    assert "Knee flexion" in svg and "not measured in this video" in svg


def test_zero_reps_gives_a_valid_report_that_says_so(tmp_path: Path) -> None:
    result = make_analysis_result(0)
    paths = write_outputs(result, tmp_path, created=CREATED)
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["summary"]["status"] == "no_reps"
    assert data["summary"]["rep_count"] == 0
    assert data["summary"]["main_focus"] is None
    assert data["reps"] == []
    assert _csv_rows(paths["csv"].read_text(encoding="utf-8")) == []
    page = paths["html"].read_text(encoding="utf-8")
    assert "No complete rep was counted" in page
    assert "<svg " in page  # the measures are still worth seeing


def test_no_person_gives_a_valid_report_that_says_so(tmp_path: Path) -> None:
    result = make_analysis_result(0, person=False)
    paths = write_outputs(result, tmp_path, created=CREATED)
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["summary"]["status"] == "no_person"
    assert data["summary"]["person_found"] is False
    assert data["meta"]["side"] is None
    assert data["setup"] == {"calibrated": False, "measures": {}}
    assert "No person was found" in data["summary"]["headline"]
    page = paths["html"].read_text(encoding="utf-8")
    assert "No person was found" in page
    assert "<svg " not in page


def test_write_outputs_writes_three_files_and_leaves_no_temp(tmp_path: Path) -> None:
    paths = write_outputs(make_analysis_result(2), tmp_path / "out", created=CREATED)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "report.html",
        "report.json",
        "reps.csv",
    ]
    assert {k: p.name for k, p in paths.items()} == {
        "json": "report.json",
        "csv": "reps.csv",
        "html": "report.html",
    }


def test_failed_render_leaves_previous_files_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "report.json").write_text("old", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("render failed")

    monkeypatch.setattr("hingecam.report.html.render_html", broken)
    with pytest.raises(RuntimeError, match="render failed"):
        write_outputs(make_analysis_result(2), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "old"


def test_interrupted_write_removes_its_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert target.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(
    ("module", "banned"),
    [
        ("build", {"cv2", "mediapipe", "matplotlib"}),
        ("write", {"cv2", "mediapipe", "matplotlib"}),
        ("html", {"cv2", "mediapipe", "matplotlib"}),
        ("context", {"cv2", "mediapipe", "matplotlib", "jinja2"}),
        ("wording", {"cv2", "mediapipe", "matplotlib", "jinja2"}),
        ("plots", {"cv2", "mediapipe", "matplotlib"}),
        ("svg", {"cv2", "mediapipe", "matplotlib", "jinja2"}),
    ],
)
def test_report_modules_keep_to_their_imports(module: str, banned: set[str]) -> None:
    source = Path(report_mod.__file__).with_name(f"{module}.py").read_text("utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    hits = {
        name
        for name in imported
        for b in banned
        if name == b or name.startswith(b + ".")
    }
    assert hits == set()


@pytest.mark.parametrize(
    ("fps", "frames", "duration_s", "words"),
    [
        (30.0, 300, 10.0, " at 30 fps"),
        (29.97, 300, 10.01, " at 30 fps"),
        (0.5, 3, 6.0, " at 0.5 fps"),
        (0.0, 300, 10.0, " at about 30 fps"),  # the container gave no rate
        (0.0, 0, 0.0, ""),
    ],
)
def test_the_frame_rate_is_never_printed_as_zero(
    fps: float, frames: int, duration_s: float, words: str
) -> None:
    from hingecam.core.datatypes import VideoInfo
    from hingecam.report.wording import rate_words

    video = VideoInfo("x.mp4", 640, 360, fps, frames, duration_s, 0)
    assert rate_words(video) == words


def test_writing_a_report_imports_no_plotting_library(tmp_path: Path) -> None:
    """The plots are our own SVG: a set's report costs no matplotlib import
    (~0.5 s of a short clip's run)."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; "
        "from tests.factories_report import make_analysis_result; "
        "from hingecam.report.write import write_outputs; "
        f"write_outputs(make_analysis_result(3), Path({str(tmp_path)!r})); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(report_mod.__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
    assert "<svg " in (tmp_path / "report.html").read_text(encoding="utf-8")
