"""The contract every registered model keeps, checked on every model in the registry.

A new model is one module (registered) and its docs page: these properties run
on it without any list to edit. What a model declares (``dynamic``,
``seeded``, ``batched``) decides which of them apply. Scenarios come from
tests/strategies.py, small enough that every model (exchange, smp, the
ensemble included) runs in a blink.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.arrays import ScenarioArrays
from detente.models import REGISTRY, Model
from detente.scenario import Scenario
from tests.strategies import batch_of, permute_actors, scenario_trees

MODELS = list(REGISTRY)
SMALL = {"max_actors": 5, "max_issues": 3}
CONTRACT = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def run(model: Model, arr: ScenarioArrays, **params: Any) -> np.ndarray:
    return np.asarray(model.run(arr, model.resolve(None, params)).forecast, dtype=float)


def same(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", MODELS)
@CONTRACT
@given(tree=scenario_trees(**SMALL))
def test_forecast_lies_on_the_scale(name: str, tree: dict[str, Any]) -> None:
    # Normalised units: every forecast is on its issue's scale, [0, 1], or none (NaN).
    f = run(REGISTRY[name], Scenario.from_tree(tree).to_arrays())
    assert f.shape == (len(tree["issues"]),)
    assert np.all(np.isnan(f) | ((f >= -1e-12) & (f <= 1 + 1e-12)))


@pytest.mark.parametrize("name", [n for n, m in REGISTRY.items() if m.order_invariant])
@CONTRACT
@given(tree=scenario_trees(**SMALL), seed=st.integers(0, 2**32 - 1))
def test_invariant_to_actor_order(name: str, tree: dict[str, Any], seed: int) -> None:
    arr = Scenario.from_tree(tree).to_arrays()
    order = np.random.default_rng(seed).permutation(arr.n_actors)
    model = REGISTRY[name]
    same(run(model, permute_actors(arr, order)), run(model, arr))


@pytest.mark.parametrize("name", MODELS)
@CONTRACT
@given(tree=scenario_trees(**SMALL), factor=st.sampled_from([0.01, 0.5, 3.0, 100.0]))
def test_invariant_to_the_unit_of_capability(
    name: str, tree: dict[str, Any], factor: float
) -> None:
    arr = Scenario.from_tree(tree).to_arrays()
    model = REGISTRY[name]
    same(run(model, arr.with_values(capability=arr.capability * factor)), run(model, arr))


@pytest.mark.parametrize("name", MODELS)
@CONTRACT
@given(tree=scenario_trees(**SMALL), seed=st.integers(0, 1000))
def test_reproducible_under_a_seed(name: str, tree: dict[str, Any], seed: int) -> None:
    model = REGISTRY[name]
    arr = Scenario.from_tree(tree).to_arrays()
    params = {"seed": seed} if model.seeded else {}
    np.testing.assert_array_equal(run(model, arr, **params), run(model, arr, **params))


@pytest.mark.parametrize("name", [n for n, m in REGISTRY.items() if m.dynamic])
@CONTRACT
@given(tree=scenario_trees(**SMALL), factor=st.sampled_from([0.5, 2.0]))
def test_a_shock_before_round_one_is_a_new_capability(
    name: str, tree: dict[str, Any], factor: float
) -> None:
    # Dynamic models apply a shock before the round it names: before round 1 it is
    # the same negotiation with that actor's capability changed from the start.
    shocked = copy.deepcopy(tree)
    shocked["shocks"] = [{"round": 1, "actor": "a0", "capability": f"*{factor}"}]
    changed = copy.deepcopy(tree)
    changed["actors"][0]["capability"] *= factor
    model = REGISTRY[name]
    params = {"rounds": 3}
    same(
        run(model, Scenario.from_tree(shocked).to_arrays(), **params),
        run(model, Scenario.from_tree(changed).to_arrays(), **params),
    )


@pytest.mark.parametrize("name", [n for n, m in REGISTRY.items() if m.batched])
@CONTRACT
@given(tree=scenario_trees(**SMALL), draws=st.integers(1, 3))
def test_a_batch_of_draws_equals_each_draw_alone(
    name: str, tree: dict[str, Any], draws: int
) -> None:
    arr = Scenario.from_tree(tree).to_arrays()
    rng = np.random.default_rng(draws)
    pos = np.where(
        arr.involved,
        np.clip(arr.positions + rng.normal(0, 0.1, (draws, *arr.positions.shape)), 0, 1),
        arr.positions,
    )
    model = REGISTRY[name]
    batch = run(model, batch_of(arr, pos))
    for d in range(draws):
        same(batch[d], run(model, arr.with_values(positions=pos[d])))


def test_traits_agree_with_parameters() -> None:
    # What a model declares is what its parameters say (register refuses otherwise).
    for model in REGISTRY.values():
        fields = model.Params.model_fields
        assert model.dynamic == ("rounds" in fields), model.name
        assert model.seeded == ("seed" in fields), model.name
