"""Properties every static model must have (Hypothesis, scenarios from tests/strategies.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.arrays import ScenarioArrays
from detente.models import REGISTRY, get_model
from tests.strategies import arrays, batch_of, permute_actors

# Every model that is neither dynamic nor a combination of the others.
STATIC = [n for n, m in REGISTRY.items() if not m.dynamic and not m.combines_models]


def run(name: str, arr: ScenarioArrays) -> np.ndarray:
    model = get_model(name)
    return model.run(arr, model.resolve(None, {})).forecast


@pytest.mark.parametrize("name", STATIC)
@given(arr=arrays())
def test_forecast_within_range_of_active_positions(name: str, arr: ScenarioArrays) -> None:
    f = run(name, arr)
    on = arr.weight > 0
    lo = np.where(on, arr.positions, np.inf).min(axis=0)
    hi = np.where(on, arr.positions, -np.inf).max(axis=0)
    if name == "nbs":
        # The degenerate NBS is the status quo, which may lie outside the positions.
        sq = arr.status_quo
        inside = (f >= lo - 1e-9) & (f <= hi + 1e-9)
        assert np.all(inside | np.isclose(f, sq))
    else:
        assert np.all((f >= lo - 1e-12) & (f <= hi + 1e-12))


@pytest.mark.parametrize("name", STATIC)
@given(arr=arrays(), seed=st.integers(0, 2**32 - 1))
def test_invariant_to_actor_order(name: str, arr: ScenarioArrays, seed: int) -> None:
    order = np.random.default_rng(seed).permutation(arr.n_actors)
    np.testing.assert_allclose(
        run(name, permute_actors(arr, order)), run(name, arr), rtol=1e-9, atol=1e-9
    )


@pytest.mark.parametrize("name", STATIC)
@given(arr=arrays(), factor=st.floats(0.01, 100.0))
def test_invariant_to_scaling_all_capabilities(
    name: str, arr: ScenarioArrays, factor: float
) -> None:
    scaled = arr.with_values(capability=arr.capability * factor)
    np.testing.assert_allclose(run(name, scaled), run(name, arr), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", STATIC)
@given(arr=arrays(min_actors=2), who=st.integers(0, 7), factor=st.floats(1.5, 50.0))
def test_moves_toward_an_actor_whose_weight_grows(
    name: str, arr: ScenarioArrays, who: int, factor: float
) -> None:
    who = who % arr.n_actors
    cap = arr.capability.copy()
    cap[who] *= factor
    before, after = run(name, arr), run(name, arr.with_values(capability=cap))
    target = arr.positions[who]
    active = arr.weight[who] > 0
    # Never farther from the actor than before, on every issue where it takes part.
    dist_before = np.abs(before - target)
    dist_after = np.abs(after - target)
    assert np.all(~active | (dist_after <= dist_before + 1e-9))


@pytest.mark.parametrize("name", STATIC)
@given(arr=arrays())
def test_off_table_actors_do_not_count(name: str, arr: ScenarioArrays) -> None:
    # Moving every off-table actor anywhere changes nothing.
    off = ~arr.at_table
    moved = np.where(off[:, None] & arr.involved, 1.0 - arr.positions, arr.positions)
    np.testing.assert_array_equal(run(name, arr.with_values(positions=moved)), run(name, arr))


@pytest.mark.parametrize("name", STATIC)
@given(arr=arrays(), draws=st.integers(1, 4))
def test_leading_draw_axis_equals_single_runs(name: str, arr: ScenarioArrays, draws: int) -> None:
    rng = np.random.default_rng(draws)
    pos = np.clip(arr.positions + rng.normal(0, 0.1, (draws, *arr.positions.shape)), 0, 1)
    batch = run(name, batch_of(arr, pos))
    for d in range(draws):
        np.testing.assert_array_equal(batch[d], run(name, arr.with_values(positions=pos[d])))
