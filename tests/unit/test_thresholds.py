"""Thresholds: every number documented, overrides layered defaults < file < --set,
bad input refused with a ConfigError that names it, and the CLI table."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hingecam import cli
from hingecam.core.datatypes import Exercise
from hingecam.core.profiles import PROFILES
from hingecam.core.thresholds import (
    Thresholds,
    describe,
    load_thresholds,
    parse_set,
)
from hingecam.errors import ConfigError, HingecamError

FIELDS = dataclasses.fields(Thresholds)
NAMES = [f.name for f in FIELDS]
DEFAULTS = Thresholds()


def write_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "th.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- metadata --------------------------------------------------------------------------


@pytest.mark.parametrize("f", FIELDS, ids=NAMES)
def test_every_threshold_has_unit_source_and_doc(f: dataclasses.Field) -> None:
    for key in ("unit", "source", "doc"):
        value = f.metadata.get(key)
        assert isinstance(value, str) and value.strip(), f"{f.name} lacks {key}"


@pytest.mark.parametrize("f", FIELDS, ids=NAMES)
def test_every_default_is_a_finite_non_negative_float(f: dataclasses.Field) -> None:
    value = getattr(DEFAULTS, f.name)
    assert isinstance(value, float) and value >= 0 and value == value


def test_describe_lists_every_field_in_declaration_order_with_its_default() -> None:
    rows = describe()
    assert [r[0] for r in rows] == NAMES
    assert all(r[1] == getattr(DEFAULTS, r[0]) for r in rows)


def test_thresholds_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.rep_enter_deg = 1.0  # type: ignore[misc]


def test_rep_hysteresis_defaults_are_ordered() -> None:
    assert DEFAULTS.rep_exit_deg < DEFAULTS.rep_enter_deg <= DEFAULTS.rep_min_depth_deg
    assert DEFAULTS.rep_min_duration_s < DEFAULTS.rep_max_duration_s


@pytest.mark.parametrize("exercise", list(PROFILES))
def test_profile_overrides_name_real_thresholds(exercise: Exercise) -> None:
    assert set(PROFILES[exercise].overrides) <= set(NAMES)
    load_thresholds(exercise)  # the profile's values pass validation


def test_every_exercise_has_a_profile() -> None:
    assert set(PROFILES) == set(Exercise)


# -- overrides ---------------------------------------------------------------------------


def test_toml_file_overrides_defaults(tmp_path: Path) -> None:
    path = write_toml(
        tmp_path, "[thresholds]\nrep_enter_deg = 35\nrep_exit_deg = 20.5\n"
    )
    th = Thresholds.from_toml(path)
    assert th.rep_enter_deg == 35.0
    assert th.rep_exit_deg == 20.5
    assert th.rep_min_depth_deg == DEFAULTS.rep_min_depth_deg


def test_toml_file_may_put_thresholds_at_top_level(tmp_path: Path) -> None:
    path = write_toml(tmp_path, "squat_max_ssi = 25\n")
    assert Thresholds.from_toml(path).squat_max_ssi == 25.0


def test_set_wins_over_file_which_wins_over_defaults(tmp_path: Path) -> None:
    path = write_toml(tmp_path, "[thresholds]\nrep_enter_deg = 35\nrep_exit_deg = 20\n")
    th = load_thresholds(Exercise.AUTO, path, ["rep_enter_deg=40"])
    assert th.rep_enter_deg == 40.0  # --set
    assert th.rep_exit_deg == 20.0  # file
    assert th.rep_min_depth_deg == DEFAULTS.rep_min_depth_deg  # default


def test_overrides_do_not_leak_into_later_defaults(tmp_path: Path) -> None:
    path = write_toml(tmp_path, "rep_min_duration_s = 1.5\n")
    load_thresholds(Exercise.AUTO, path, ["cue_hold_s=9"])
    assert load_thresholds() == Thresholds()
    assert Thresholds().rep_min_duration_s == DEFAULTS.rep_min_duration_s


def test_parse_set_reads_name_value_pairs() -> None:
    assert parse_set(["a=1", " b = 2.5 "]) == {"a": 1.0, "b": 2.5}


@pytest.mark.parametrize("item", ["rep_enter_deg", "=3", "rep_enter_deg=thirty"])
def test_malformed_set_item_raises_config_error_quoting_it(item: str) -> None:
    with pytest.raises(ConfigError, match="--set"):
        parse_set([item])


def test_unknown_key_in_toml_raises_config_error_naming_key_and_file(
    tmp_path: Path,
) -> None:
    path = write_toml(tmp_path, "[thresholds]\nrep_enter_degs = 35\n")
    with pytest.raises(ConfigError, match="rep_enter_degs") as err:
        Thresholds.from_toml(path)
    assert str(path) in str(err.value)


def test_unknown_key_in_set_raises_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="no_such_threshold"):
        load_thresholds(sets=["no_such_threshold=1"])


@pytest.mark.parametrize("value", ['"thirty"', "true", "[30]", "{ a = 1 }"])
def test_non_number_in_toml_raises_config_error(tmp_path: Path, value: str) -> None:
    path = write_toml(tmp_path, f"rep_enter_deg = {value}\n")
    with pytest.raises(ConfigError, match="rep_enter_deg"):
        Thresholds.from_toml(path)


@pytest.mark.parametrize("value", ["nan", "inf", "-5"])
def test_non_finite_or_negative_value_raises_config_error(
    tmp_path: Path, value: str
) -> None:
    path = write_toml(tmp_path, f"cue_hold_s = {value}\n")
    with pytest.raises(ConfigError, match="cue_hold_s"):
        Thresholds.from_toml(path)


def test_string_in_constructor_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="rep_enter_deg"):
        Thresholds(rep_enter_deg="30")  # type: ignore[arg-type]


@pytest.mark.parametrize(("exit_deg", "enter_deg"), [(30.0, 30.0), (35.0, 30.0)])
def test_exit_angle_not_below_enter_angle_raises_config_error(
    exit_deg: float, enter_deg: float
) -> None:
    with pytest.raises(ConfigError, match="rep_exit_deg"):
        Thresholds(rep_exit_deg=exit_deg, rep_enter_deg=enter_deg)


def test_exit_angle_not_below_enter_angle_via_set_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="rep_exit_deg"):
        load_thresholds(sets=[f"rep_exit_deg={DEFAULTS.rep_enter_deg}"])


def test_min_depth_below_enter_angle_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="rep_min_depth_deg"):
        Thresholds(rep_min_depth_deg=DEFAULTS.rep_enter_deg - 1)


def test_view_limits_out_of_order_raise_config_error() -> None:
    with pytest.raises(ConfigError):
        Thresholds(view_side_max_ratio=0.7, view_front_min_ratio=0.6)


def test_view_limits_error_names_the_thresholds_and_values() -> None:
    with pytest.raises(ConfigError, match=r"view_side_max_ratio.*0\.7"):
        Thresholds(view_side_max_ratio=0.7, view_front_min_ratio=0.6)


@pytest.mark.parametrize(
    "name", [f.name for f in FIELDS if f.metadata["unit"] in ("0..1", "fraction")]
)
def test_fraction_threshold_above_one_raises_config_error(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Thresholds(**{name: 1.5})


def test_missing_toml_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such"):
        Thresholds.from_toml(tmp_path / "absent.toml")


def test_invalid_toml_raises_config_error(tmp_path: Path) -> None:
    path = write_toml(tmp_path, "rep_enter_deg = = 3\n")
    with pytest.raises(ConfigError, match="TOML"):
        Thresholds.from_toml(path)


def test_config_error_is_a_hingecam_error() -> None:
    assert issubclass(ConfigError, HingecamError)


# -- `hingecam thresholds` ------------------------------------------------------------------


def test_thresholds_command_lists_every_field_with_unit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["thresholds"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for name, _, unit, source, _ in describe():
        row = next((ln for ln in lines if ln.split()[:1] == [name]), None)
        assert row is not None, f"{name} missing from `hingecam thresholds`"
        assert unit in row
        assert source in out


def test_thresholds_command_shows_set_and_file_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_toml(tmp_path, "rep_exit_deg = 21\n")
    assert (
        cli.main(["thresholds", "--thresholds", str(path), "--set", "rep_enter_deg=41"])
        == 0
    )
    rows = {
        ln.split()[0]: ln.split()[1]
        for ln in capsys.readouterr().out.splitlines()
        if ln[:1].strip()
    }
    assert float(rows["rep_enter_deg"]) == 41.0
    assert float(rows["rep_exit_deg"]) == 21.0


def test_thresholds_toml_output_reads_back_as_the_same_thresholds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["thresholds", "--toml", "--set", "squat_max_ssi=27"]) == 0
    path = write_toml(tmp_path, capsys.readouterr().out)
    assert Thresholds.from_toml(path) == dataclasses.replace(
        DEFAULTS, squat_max_ssi=27.0
    )


def test_thresholds_command_with_unknown_set_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["thresholds", "--set", "bogus_deg=3"]) == 2
    err = capsys.readouterr().err
    assert "bogus_deg" in err
    assert len(err.strip().splitlines()) == 1
