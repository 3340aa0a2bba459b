"""Capability shocks in the dynamic models' round loops.

Two hand-checkable facts for each dynamic model:

- a shock that sets capabilities before round 1 is the same as starting
  with those capabilities (every round from 1 on bargains with them);
- a shock before round r leaves rounds 0 .. r-1 exactly as without it.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from detente.forecast import forecast
from detente.models import REGISTRY
from detente.scenario import Scenario

TREE: dict[str, Any] = {
    "title": "shocks",
    "issues": [
        {"id": "a", "scale": [0, 100], "status_quo": 50},
        {"id": "b", "scale": [0, 100], "status_quo": 50},
    ],
    "actors": [
        {
            "id": "X",
            "capability": 60,
            "positions": {"a": 0, "b": 20},
            "salience": {"a": 0.9, "b": 0.3},
        },
        {
            "id": "Y",
            "capability": 50,
            "positions": {"a": 100, "b": 90},
            "salience": {"a": 0.5, "b": 0.8},
        },
        {
            "id": "Z",
            "capability": 30,
            "positions": {"a": 60, "b": 40},
            "salience": {"a": 0.7, "b": 0.6},
        },
        {
            "id": "V",
            "capability": 20,
            "positions": {"a": 30, "b": 70},
            "salience": {"a": 0.4, "b": 0.9},
        },
    ],
}
# The dynamic models, whose round loops apply shocks (exchange once it is registered).
DYNAMIC = [name for name, model in REGISTRY.items() if model.dynamic]
ROUNDS = 6


def scenario(**extra: Any) -> Scenario:
    return Scenario.from_tree({**copy.deepcopy(TREE), **extra})


def run(model: str, s: Scenario) -> dict[str, Any]:
    return forecast(s, model=model, rounds=ROUNDS).to_dict()["models"][model]


@pytest.mark.parametrize("model", DYNAMIC)
def test_shock_before_round_one_equals_new_capabilities(model: str) -> None:
    shocked = scenario(
        shocks=[
            {"round": 1, "actor": "X", "capability": "*0.25"},
            {"round": 1, "actor": "V", "capability": 90},
        ]
    )
    changed = copy.deepcopy(TREE)
    changed["actors"][0]["capability"] = 15  # 60 * 0.25
    changed["actors"][3]["capability"] = 90
    a, b = run(model, shocked), run(model, Scenario.from_tree(changed))
    assert a["rounds"][1:] == b["rounds"][1:]
    assert a["forecasts"] == b["forecasts"]
    assert a["forecasts"] != run(model, scenario())["forecasts"]


@pytest.mark.parametrize("model", DYNAMIC)
def test_rounds_before_a_shock_are_untouched(model: str) -> None:
    plain = run(model, scenario())
    shocked = run(model, scenario(shocks=[{"round": 4, "actor": "Y", "capability": "*0.1"}]))
    assert shocked["rounds"][:4] == plain["rounds"][:4]
    assert shocked["rounds"] != plain["rounds"]


@pytest.mark.parametrize("model", DYNAMIC)
def test_shocks_follow_draws(model: str) -> None:
    # A relative shock scales each draw's capability: with a leading draw axis the
    # model gives, draw by draw, what it gives on each draw alone.
    if not REGISTRY[model].batched:
        pytest.skip(f"{model} runs draw by draw")
    s = scenario(shocks=[{"round": 2, "actor": "X", "capability": "*0.5"}])
    arrays = s.to_arrays()
    caps = np.array([[60.0, 50, 30, 20], [20.0, 50, 30, 20]])
    params = REGISTRY[model].resolve(None, {"rounds": ROUNDS})
    both = REGISTRY[model].run(
        arrays.with_values(
            capability=caps,
            positions=np.broadcast_to(arrays.positions, (2, 4, 2)),
            salience=np.broadcast_to(arrays.salience, (2, 4, 2)),
        ),
        params,
    )
    for d in range(2):
        one = REGISTRY[model].run(arrays.with_values(capability=caps[d]), params)
        np.testing.assert_array_equal(np.asarray(both.forecast)[d], one.forecast)


def test_static_models_warn_that_they_ignore_shocks() -> None:
    s = scenario(shocks=[{"round": 2, "actor": "X", "capability": "*0.5"}])
    result = forecast(s, model="median")
    assert any("median is static" in w and "shocks" in w for w in result.warnings)
    assert forecast(scenario(), model="median").warnings == []


@pytest.mark.parametrize("model", DYNAMIC)
def test_a_shock_after_the_last_round_is_reported(model: str) -> None:
    s = scenario(shocks=[{"round": ROUNDS + 2, "actor": "X", "capability": "*0.5"}])
    result = forecast(s, model=model, rounds=ROUNDS)
    shocked, plain = result.to_dict()["models"][model], run(model, scenario())
    assert shocked["rounds"] == plain["rounds"]  # it never applied
    assert shocked["forecasts"] == plain["forecasts"]
    (warning,) = result.warnings
    assert f"ran {ROUNDS} rounds" in warning and f"before round {ROUNDS + 2}" in warning
    # Inside the rounds run, nothing to say.
    s = scenario(shocks=[{"round": ROUNDS, "actor": "X", "capability": "*0.5"}])
    assert forecast(s, model=model, rounds=ROUNDS).warnings == []
