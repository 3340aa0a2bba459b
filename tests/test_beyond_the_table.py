"""Vetoes, costs of no deal, no-deal points and ties: the scenario keys, their checks,
their formats, and what forecast, simulate and compare make of them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente import forecast, load, save, simulate
from detente.compare import compare
from detente.errors import ScenarioError
from detente.scenario import Scenario
from tests.cases import one_veto

DATA = Path(__file__).parent / "data" / "beyond"

# The one-veto case of tests/cases.py: the seated A at 8 decides alone; V, unseated at
# 0, holds a veto; the no-deal point is 3.
TREE = one_veto()


def scenario(**changes: Any) -> Scenario:
    tree = copy.deepcopy(TREE)
    for key, value in changes.items():
        kind, index, name = key.split("__")
        tree[kind][int(index)][name] = value
    return Scenario.from_tree(tree)


def refused(**changes: Any) -> list[str]:
    tree = copy.deepcopy(TREE)
    for key, value in changes.items():
        kind, index, name = key.split("__")
        tree[kind][int(index)][name] = value
    with pytest.raises(ScenarioError) as info:
        Scenario.from_tree(tree, file="s.yaml")
    return [str(p) for p in info.value.problems]


def test_forecast_reports_the_verdict_and_the_nearest_package() -> None:
    # The table gives 8; V at 0 accepts x <= 3 (|3 - 0| >= |x - 0|): nearest 3, V binds.
    block = forecast(scenario(), model="compromise")["compromise"].to_dict()
    assert block["forecasts"] == {"land": 8.0}
    r = block["ratification"]
    assert r["accepts"] == {"V": False} and r["accepted"] is False
    assert r["nearest"]["land"] == pytest.approx(3.0, abs=1e-6)
    assert r["binding"] == ["V"]


def test_the_headline_reports_its_nearest_acceptable_package() -> None:
    summary = forecast(scenario(), model="compromise").to_dict()["summary"]
    r = summary["ratification"]
    assert r["accepted"] is False and r["binding"] == ["V"]
    assert r["nearest"]["land"] == pytest.approx(3.0, abs=1e-6)
    assert "nearest the headline's central forecast" in r["note"]


def test_a_cost_of_no_deal_makes_the_deal_stick() -> None:
    # Cost 0.6 (of a 0-1 share of the scale): V accepts x <= 3 + 6 = 9, so 8 stands.
    block = forecast(scenario(actors__1__no_deal_cost=0.6), model="compromise")["compromise"]
    r = block.to_dict()["ratification"]
    assert r == {"accepts": {"V": True}, "accepted": True, "nearest": {"land": 8.0}, "binding": []}


def test_ties_pull_the_seated_and_gains_use_stated_positions() -> None:
    # V's tie to A at 0.5: A moves to (1 x 8 + 0.5 x 1 x 0) / 1.5 = 16/3.
    s = scenario(actors__1__influence={"A": 0.5})
    f = forecast(s, model="compromise")["compromise"]
    assert f.forecasts["land"] == pytest.approx(16 / 3)
    # A gains against the status quo 5 by its own position 8: (3 - (8 - 16/3)) / 10.
    assert f.gains["A"] == pytest.approx((3 - (8 - 16 / 3)) / 10)
    assert s.to_arrays().own_positions[0, 0] == pytest.approx(0.8)


def test_simulate_reports_acceptance_shares() -> None:
    # The no-deal point ranges over [2, 10] (uniform): V accepts 8 when d >= 8, a quarter.
    s = scenario(issues__0__no_deal={"value": 3, "low": 2, "high": 10, "dist": "uniform"})
    sim = simulate(s, model="compromise", draws=4000, seed=1).to_dict()
    r = sim["models"]["compromise"]["ratification"]
    assert r["accepted_share"] == pytest.approx(0.25, abs=0.03)
    assert r["accepts_share"] == {"V": r["accepted_share"]}
    assert any(i["input"] == "land.no_deal" for i in sim["inputs"])


def test_compare_grants_and_removes_vetoes() -> None:
    c = compare(
        scenario(),
        what_ifs=["V.veto=false", "V.veto=land", "V.no_deal_cost=0.6", "V.at_table=true"],
        model="compromise",
    )
    assert "ratification" not in c.variants["V.veto=false"]["compromise"].to_dict()
    assert c.variants["V.veto=land"]["compromise"].to_dict()["ratification"]["accepted"] is False
    assert c.variants["V.no_deal_cost=0.6"]["compromise"].to_dict()["ratification"]["accepted"]
    # Seated, V pulls the weighted mean to (8 + 0) / 2 = 4, past the 3 it accepts.
    seated = c.variants["V.at_table=true"]["compromise"].to_dict()
    assert seated["forecasts"]["land"] == pytest.approx(4.0)
    assert seated["ratification"]["nearest"]["land"] == pytest.approx(3.0, abs=1e-6)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"actors__1__veto": ["sea"]}, "unknown issue id 'sea'"),
        ({"actors__1__veto": []}, "an empty list of vetoes"),
        ({"actors__1__veto": ["land", "land"]}, "named more than once"),
        ({"actors__1__no_deal_cost": -0.1}, "cost of no deal value -0.1 is negative"),
        ({"actors__1__influence": {"X": 0.5}}, "no actor 'X'"),
        ({"actors__1__influence": {"V": 0.5}}, "a tie from an actor to itself"),
        ({"actors__0__influence": {"V": 0.5}}, "'V' is not at the table"),
        ({"actors__1__influence": {"A": 1.5}}, "strength 1.5 lies outside [0, 1]"),
        ({"issues__0__no_deal": 11}, "no-deal point value 11 lies outside [0, 10]"),
    ],
)
def test_refusals_name_the_field_and_the_fix(changes: dict[str, Any], expected: str) -> None:
    messages = refused(**changes)
    assert any(expected in m for m in messages), messages


def test_a_veto_needs_a_point_to_judge_against_and_a_part_in_the_issue() -> None:
    tree = copy.deepcopy(TREE)
    tree["issues"].append({"id": "sea"})
    for actor in tree["actors"]:
        actor["positions"]["sea"] = 1
        actor["salience"]["sea"] = 1
    tree["actors"][1]["veto"] = ["sea"]
    with pytest.raises(ScenarioError) as info:
        Scenario.from_tree(tree)
    assert "neither no_deal nor status_quo" in str(info.value)
    tree["issues"][1]["status_quo"] = 5
    tree["actors"][1]["positions"]["sea"] = None
    tree["actors"][1]["salience"]["sea"] = None
    with pytest.raises(ScenarioError) as info:
        Scenario.from_tree(tree)
    assert "takes no part in issue 'sea'" in str(info.value)


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".xlsx"])
def test_the_new_keys_round_trip(tmp_path: Path, suffix: str) -> None:
    tree = copy.deepcopy(TREE)
    tree["issues"][0]["no_deal"] = {"value": 3, "low": 2, "high": 4}
    tree["actors"][1]["no_deal_cost"] = {"value": 0.2, "low": 0.1, "high": 0.3, "dist": "beta"}
    tree["actors"][1]["influence"] = {"A": 0.25}
    tree["actors"][0]["veto"] = ["land"]
    original = Scenario.from_tree(tree)
    save(original, tmp_path / f"s{suffix}")
    assert load(tmp_path / f"s{suffix}") == original


def test_table_cells_are_checked(tmp_path: Path) -> None:
    save(scenario(actors__1__influence={"A": 0.5}), tmp_path / "s.csv")
    text = (tmp_path / "s.csv").read_text()
    (tmp_path / "s.csv").write_text(text.replace("{A: 0.5}", "A"))
    with pytest.raises(ScenarioError) as info:
        load(tmp_path / "s.csv")
    assert "column 'influence'" in str(info.value)


def test_a_scenario_without_the_new_keys_forecasts_exactly_as_before() -> None:
    # The February 2025 flagship as it stood before these keys existed, and its
    # forecast by every model as the code printed it then.
    s = load(DATA / "ukraine-2025-february.yaml")
    arrays = s.to_arrays()
    assert (arrays.veto, arrays.no_deal_point, arrays.no_deal_cost, arrays.ties) == (None,) * 4
    before = json.loads((DATA / "ukraine-2025-february.forecast.json").read_text())
    now = json.loads(forecast(s).to_json())
    # The forecast intervals (the summary, each model's interval) came later, beside the rest.
    now.pop("summary")
    for model in now["models"].values():
        model.pop("forecast_interval", None)
    assert now == before


def test_draws_apply_influence_to_the_drawn_positions() -> None:
    tree = copy.deepcopy(TREE)
    tree["actors"][0]["positions"]["land"] = {"value": 8, "low": 6, "high": 10}
    tree["actors"][1]["influence"] = {"A": 0.5}
    sim = simulate(Scenario.from_tree(tree), model="compromise", draws=500, seed=3)
    f = sim["compromise"].forecasts[:, 0]
    # Each draw: A's drawn position x pulled to (x + 0.5 x 0) / 1.5 = 2x/3.
    assert np.all((f >= 4 - 1e-9) & (f <= 20 / 3 + 1e-9))
    assert f.mean() == pytest.approx(16 / 3, abs=0.1)
