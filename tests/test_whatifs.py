"""What-ifs in scenarios: variants change the scenario, shocks change capabilities mid-way."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente import load, save
from detente.errors import ScenarioError
from detente.scenario import Scenario, parse_adjust

BASE: dict[str, Any] = {
    "title": "what-ifs",
    "issues": [
        {"id": "a", "scale": [0, 100], "status_quo": 30},
        {"id": "b", "scale": [0, 10], "status_quo": 5},
    ],
    "actors": [
        {
            "id": "X",
            "capability": {"value": 50, "low": 40, "high": 60},
            "positions": {"a": 10, "b": 2},
            "salience": {"a": 0.8, "b": 0.5},
        },
        {
            "id": "Y",
            "capability": 30,
            "at_table": False,
            "positions": {"a": 90, "b": None},
            "salience": {"a": 0.6, "b": None},
        },
        {"id": "Z", "capability": 20, "positions": {"a": 60, "b": 8}, "salience": {"a": 1, "b": 1}},
    ],
}


def scenario(**extra: Any) -> Scenario:
    return Scenario.from_tree({**copy.deepcopy(BASE), **extra})


def problems(**extra: Any) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        scenario(**extra)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("*0.7", ("*", 0.7)),
        ("+10", ("+", 10.0)),
        ("-2.5", ("+", -2.5)),
        ("=40", ("=", 40.0)),
        (40, ("=", 40.0)),
        ("* 0.5", ("*", 0.5)),
        ("half", None),
        ("*inf", None),
        (True, None),
    ],
)
def test_parse_adjust(text: Any, parsed: Any) -> None:
    assert parse_adjust(text) == parsed


def test_each_form_of_change() -> None:
    s = scenario(
        variants={
            "v": [
                {"actor": "X", "capability": "*0.5"},
                {"actor": "Y", "at_table": True, "salience": {"a": "-0.1"}},
                {"actor": "Z", "positions": {"a": "+15", "b": 9}},
                {"issue": "a", "status_quo": 55},
                {
                    "add": {
                        "id": "N",
                        "capability": 5,
                        "positions": {"a": 0, "b": 0},
                        "salience": {"a": 1, "b": 1},
                    }
                },
                {"remove": "Z"},
            ]
        }
    )
    v = s.variant("v")
    x = v.actor("X").capability
    # "*0.5" scales the value and its range alike: 50 [40, 60] -> 25 [20, 30].
    assert (x.value, x.low, x.high) == (25, 20, 30)
    assert v.actor("Y").at_table is True
    assert v.actor("Y").salience["a"].value == pytest.approx(0.5)
    assert v.issue("a").status_quo == 55
    assert v.actor_ids == ["X", "Y", "N"]
    assert v.variants == {}
    # The baseline is untouched.
    assert s.actor("X").capability.value == 50 and s.issue("a").status_quo == 30


def test_changes_apply_in_order() -> None:
    # add, then change the actor just added: 5 * 2 = 10.
    s = scenario(
        variants={
            "v": [
                {
                    "add": {
                        "id": "N",
                        "capability": 5,
                        "positions": {"a": 0, "b": 0},
                        "salience": {"a": 1, "b": 1},
                    }
                },
                {"actor": "N", "capability": "*2"},
            ]
        }
    )
    assert s.variant("v").actor("N").capability.value == 10


def test_unknown_variant_names_the_valid_ones() -> None:
    s = scenario(variants={"one": [{"actor": "X", "capability": 1}]})
    with pytest.raises(ScenarioError, match="use one of: one"):
        s.variant("two")


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (
            [{"actor": "Q", "capability": 1}],
            "variant 'v' › change 1: no actor 'Q' (fix: use one of: X, Y, Z)",
        ),
        ([{"remove": "Q"}], "no actor 'Q' to remove"),
        ([{"issue": "c", "status_quo": 1}], "no issue 'c' (fix: use one of: a, b)"),
        ([{"actor": "X", "salience": {"c": 1}}], "salience: no issue 'c'"),
        ([{"actor": "X", "capability": "lots"}], "cannot read 'lots'"),
        ([{"actor": "X", "remove": "Y"}], "this one is actor + remove"),
        ([{"actor": "X"}], "changes nothing"),
        ([{"actor": "Y", "positions": {"b": "+1"}}], "not involved in this issue"),
        (
            [
                {
                    "add": {
                        "id": "X",
                        "capability": 1,
                        "positions": {"a": 1, "b": 1},
                        "salience": {"a": 1, "b": 1},
                    }
                }
            ],
            "actor 'X' already exists",
        ),
        (
            [{"actor": "X", "salience": {"a": "*2"}}],
            "variant 'v' › actor 'X' › salience.a: salience value 1.6 lies outside [0, 1]",
        ),
        ([{"actor": "X", "capability": "-60"}], "value -10 must be greater than 0"),
        ([{"issue": "b", "status_quo": "+6"}], "status quo 11 lies outside the scale"),
    ],
)
def test_bad_variants_are_refused_with_where_and_fix(variant: Any, expected: str) -> None:
    found = problems(variants={"v": variant})
    assert any(expected in p for p in found), found


def test_unknown_field_in_a_change_is_named() -> None:
    found = problems(variants={"v": [{"actor": "X", "capabilty": 2}]})
    assert any("variants.v.changes.0" in p and "unknown field 'capabilty'" in p for p in found)


def test_shocks_in_arrays() -> None:
    s = scenario(
        shocks=[
            {"round": 3, "actor": "X", "capability": "*0.5"},
            {"round": 1, "actor": "Z", "capability": "+10"},
            {"round": 5, "actor": "X", "capability": 40},
        ]
    )
    arrays = s.to_arrays()
    assert [x.round for x in arrays.shocks] == [1, 3, 5]
    # round 0 is the start; Z gains 10 from round 1, X halves from 3, X set to 40 from 5.
    assert arrays.capability_at(0).tolist() == [50, 30, 20]
    assert arrays.capability_at(1).tolist() == [50, 30, 30]
    assert arrays.capability_at(4).tolist() == [25, 30, 30]
    assert arrays.capability_at(9).tolist() == [40, 30, 30]
    w = arrays.weight_at(4)
    assert w[0, 0] == pytest.approx(25 * 0.8)
    assert w[1, 0] == 0  # Y is off the table
    # A leading draw axis: a relative shock scales each draw's capability.
    drawn = arrays.with_values(capability=np.array([[40.0, 30, 20], [60.0, 30, 20]]))
    assert drawn.capability_at(3)[:, 0].tolist() == [20, 30]


def test_shock_problems() -> None:
    found = problems(shocks=[{"round": 2, "actor": "Q", "capability": "*0.5"}])
    assert any("shocks[1] (round 2): no actor 'Q'" in p for p in found)
    # Shocks apply by round, not as listed: 20 * 0.5 = 10 (round 1), 10 - 15 = -5 (round 2).
    found = problems(
        shocks=[
            {"round": 2, "actor": "Z", "capability": "-15"},
            {"round": 1, "actor": "Z", "capability": "*0.5"},
        ]
    )
    assert any(
        "shocks[1] (round 2): capability of 'Z' would fall to -5 (from 10)" in p for p in found
    )
    found = problems(shocks=[{"round": 1, "actor": "Z", "capability": "-25"}])
    assert any("capability of 'Z' would fall to -5 (from 20)" in p for p in found)
    found = problems(shocks=[{"round": 0, "actor": "Z", "capability": "*2"}])
    assert any("shocks.0.round" in p for p in found)


def test_variant_shocks_follow_the_scenarios_own() -> None:
    s = scenario(
        shocks=[{"round": 2, "actor": "X", "capability": "*0.5"}],
        variants={
            "later": {
                "description": "a second blow",
                "shocks": [{"round": 4, "actor": "X", "capability": "*0.5"}],
            }
        },
    )
    v = s.variant("later")
    assert [x.round for x in v.shocks] == [2, 4]
    assert v.to_arrays().capability_at(4)[0] == pytest.approx(12.5)


FORMATS = [".yaml", ".csv", ".xlsx"]


@pytest.mark.parametrize("suffix", FORMATS)
def test_whatifs_round_trip_every_format(tmp_path: Path, suffix: str) -> None:
    s = scenario(
        shocks=[{"round": 2, "actor": "X", "capability": "*0.5"}],
        variants={
            "plain": [{"actor": "Y", "at_table": True}, {"remove": "Z"}],
            "描述": {
                "description": "带说明的情景, with a comma",
                "changes": [
                    {
                        "add": {
                            "id": "N",
                            "capability": {"value": 5, "low": 4, "high": 6},
                            "positions": {"a": 0, "b": None},
                            "salience": {"a": 1, "b": None},
                            "notes": "new\nline",
                        }
                    },
                    {"actor": "X", "capability": {"value": 7, "low": 6, "high": 9}},
                ],
                "shocks": [{"round": 3, "actor": "Z", "capability": 12.5}],
            },
            "empty": {"description": "nothing changes"},
        },
    )
    save(s, tmp_path / f"s{suffix}")
    assert load(tmp_path / f"s{suffix}") == s


def test_csv_without_whatifs_removes_a_stale_table(tmp_path: Path) -> None:
    save(scenario(variants={"v": [{"remove": "Z"}]}), tmp_path / "s.csv")
    assert (tmp_path / "s.variants.csv").is_file()
    save(scenario(), tmp_path / "s.csv")
    assert not (tmp_path / "s.variants.csv").exists()
    assert load(tmp_path / "s.csv").variants == {}


def test_bad_variants_table_names_row_and_column(tmp_path: Path) -> None:
    save(scenario(variants={"v": [{"remove": "Z"}]}), tmp_path / "s.csv")
    (tmp_path / "s.variants.csv").write_text(
        "variant,description,round,change\nv,,x,{remove: Z}\nv,,,not a change\n,,,{remove: Z}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load(tmp_path / "s.csv")
    text = str(info.value)
    assert "row 2, column 'round': 'x' is not a round number" in text
    assert "row 3, column 'change': 'not a change' is not a change" in text
    assert "row 4: a row without a variant must be a shock" in text


def test_flagship_defines_the_seeds_whatifs(flagship: Path) -> None:
    s = load(flagship)
    assert set(s.variants) >= {"ukraine-europe-at-table", "sanctions-bite", "us-loses-interest"}
    seated = s.variant("ukraine-europe-at-table")
    assert seated.actor("UA").at_table and seated.actor("EU").at_table
    assert s.variant("sanctions-bite").actor("RU").capability.value == pytest.approx(64)
    us = s.variant("us-loses-interest").actor("US").salience
    assert us["territory"].value == pytest.approx(0.25) and us["economic"].value == 0.8
    zh = load(flagship.with_name("ukraine-2025.zh.yaml"))
    assert list(zh.variants) == list(s.variants)
    for name in s.variants:
        assert zh.variant(name).to_arrays().capability.tolist() == (
            s.variant(name).to_arrays().capability.tolist()
        )
