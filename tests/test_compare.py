"""detente.compare: baseline and variants side by side, what-if texts, deltas."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from detente.compare import compare, parse_what_if
from detente.errors import ScenarioError
from detente.scenario import Scenario

TREE: dict[str, Any] = {
    "title": "compare",
    "issues": [{"id": "a", "scale": [0, 100], "status_quo": 40}],
    "actors": [
        {"id": "X", "capability": 60, "positions": {"a": 0}, "salience": {"a": 1}},
        {"id": "Y", "capability": 40, "positions": {"a": 100}, "salience": {"a": 1}},
        {
            "id": "Z",
            "capability": 100,
            "at_table": False,
            "positions": {"a": 100},
            "salience": {"a": 1},
        },
    ],
    "variants": {"z-joins": [{"actor": "Z", "at_table": True}]},
}


def scenario() -> Scenario:
    return Scenario.from_tree(copy.deepcopy(TREE))


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("RU.capability*=0.7", [{"actor": "RU", "capability": "*0.7"}]),
        ("RU.capability-=5", [{"actor": "RU", "capability": "-5"}]),
        ("RU.capability+=5", [{"actor": "RU", "capability": "+5"}]),
        ("RU.capability=50", [{"actor": "RU", "capability": 50.0}]),
        ("UA.at_table=true", [{"actor": "UA", "at_table": True}]),
        ("US.salience.my-issue*=0.5", [{"actor": "US", "salience": {"my-issue": "*0.5"}}]),
        ("US.position.nato=40", [{"actor": "US", "positions": {"nato": 40.0}}]),
        ("territory.status_quo=55", [{"issue": "territory", "status_quo": 55.0}]),
        (
            "UA.at_table=true; EU.at_table=true",
            [{"actor": "UA", "at_table": True}, {"actor": "EU", "at_table": True}],
        ),
        ("{remove: CN}", [{"remove": "CN"}]),
    ],
)
def test_what_if_texts(text: str, tree: list[dict[str, Any]]) -> None:
    assert [c.model_dump(exclude_none=True) for c in parse_what_if(text)] == tree


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("RU.clout*=0.7", "cannot read 'RU.clout*=0.7'"),
        ("UA.at_table*=2", "at_table takes =true or =false"),
        ("RU.capability*=much", "'much' is not a number"),
        ("US.salience=0.5", "salience and positions name an issue"),
        ("{remove: [CN}", "malformed YAML"),
        ("{delete: CN}", "Extra inputs are not permitted"),
        (" ; ", "no change given"),
    ],
)
def test_bad_what_ifs_say_how_to_write_them(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_what_if(text)
    problem = info.value.problems[0]
    assert message in problem.message
    assert "ACTOR.capability*=0.7" in problem.fix


def test_variant_and_what_if_side_by_side() -> None:
    # Hand-worked with the weighted mean (compromise), one issue, all saliences 1:
    # baseline: (60*0 + 40*100) / 100 = 40; Z seated: (60*0 + 40*100 + 100*100) / 200 = 70;
    # X's capability *0.5: (30*0 + 40*100) / 70 = 57.142857...
    c = compare(
        scenario(), variants=["z-joins"], what_ifs=["X.capability*=0.5"], model="compromise"
    )
    assert c.baseline["compromise"].forecasts["a"] == pytest.approx(40)
    assert c.variants["z-joins"]["compromise"].forecasts["a"] == pytest.approx(70)
    assert c.variants["X.capability*=0.5"]["compromise"].forecasts["a"] == pytest.approx(400 / 7)
    delta = c.delta()
    assert delta["z-joins"]["compromise"]["forecasts"]["a"] == pytest.approx(30)
    # Gains (salience 1, scale 100): X at 0 loses |40-0| - |70-0| = -30 -> -0.3 change.
    assert delta["z-joins"]["compromise"]["gains"]["X"] == pytest.approx(-0.3)
    assert delta["z-joins"]["compromise"]["gains"]["Z"] == pytest.approx(0.3)
    data = c.to_dict()
    assert set(data) == {"baseline", "variants", "delta"}
    assert list(data["variants"]) == ["z-joins", "X.capability*=0.5"]
    assert c.descriptions["X.capability*=0.5"] == "X.capability*=0.5"


def test_all_variants_by_default_none_with_what_ifs() -> None:
    assert list(compare(scenario(), model="median").variants) == ["z-joins"]
    only = compare(scenario(), what_ifs=["Y.capability=10"], model="median")
    assert list(only.variants) == ["Y.capability=10"]


def test_removed_actor_has_no_gain_change() -> None:
    c = compare(scenario(), what_ifs=["{remove: Z}"], model="compromise")
    gains = c.delta()["{remove: Z}"]["compromise"]["gains"]
    assert gains["Z"] is None and gains["X"] == pytest.approx(0.0)


def test_a_what_if_that_breaks_the_scenario_is_named() -> None:
    with pytest.raises(ScenarioError) as info:
        compare(scenario(), what_ifs=["X.salience.a=2"], model="median")
    assert "what-if 'X.salience.a=2' › actor 'X' › salience.a" in str(info.value)


def test_nothing_to_compare() -> None:
    tree = copy.deepcopy(TREE)
    del tree["variants"]
    with pytest.raises(ScenarioError, match="nothing to compare"):
        compare(Scenario.from_tree(tree), model="median")


def test_flagship_whatifs(flagship: Path) -> None:
    c = compare(flagship, model="median,compromise")
    assert list(c.variants) == list(c.scenario.variants)
    seated = c.delta()["ukraine-europe-at-table"]["compromise"]["forecasts"]
    # With Ukraine and Europe at the table the weighted mean moves away from Russia
    # on territory and sanctions.
    assert seated["territory"] < -10 and seated["sanctions"] < -10
