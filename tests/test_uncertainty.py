"""Monte Carlo: input distributions, exactness at collapsed ranges, analytic percentiles,
reproducibility whatever the workers or chunks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import given
from scipy import special, stats

from detente import parallel
from detente.arrays import ScenarioArrays
from detente.errors import ParameterError, ScenarioError
from detente.io import load
from detente.models import REGISTRY, get_model
from detente.models.base import Model, Outcome
from detente.parallel import Executor
from detente.scenario import Estimate, Scenario
from detente.uncertainty import (
    Input,
    apply_values,
    fit_pert,
    run_batch,
    simulate,
    uncertain_inputs,
)
from tests.strategies import scenarios

N = 200_000


def draws_of(est: Estimate, valid: tuple[float, float] = (0.0, 100.0), n: int = N) -> np.ndarray:
    inp = Input.build("x", "position", 0, 0, est, valid)
    return inp.draw(np.random.default_rng(1).random(n))


def se_of_percentile(q: float, density: float, n: int = N) -> float:
    """Standard error of a sample percentile: sqrt(q (1 - q) / n) / f(x_q)."""
    return float(np.sqrt(q * (1 - q) / n) / density)


def test_uniform_and_triangular_percentiles() -> None:
    u = draws_of(Estimate(value=30, low=20, high=60, dist="uniform"))
    # Uniform on [20, 60]: x_q = 20 + 40 q, density 1/40.
    for q in (0.05, 0.5, 0.95):
        assert np.quantile(u, q) == pytest.approx(20 + 40 * q, abs=4 * se_of_percentile(q, 1 / 40))
    t = draws_of(Estimate(value=30, low=20, high=60))  # triangular by default
    # Triangular(a=20, c=30, b=60): F(c) = (c - a)/(b - a) = 0.25; below it
    # x_q = a + sqrt(q (b - a)(c - a)) = 20 + sqrt(400 q); mean (a + b + c)/3 = 36.67.
    assert np.quantile(t, 0.1) == pytest.approx(20 + np.sqrt(40), abs=0.1)
    assert t.mean() == pytest.approx(110 / 3, abs=0.05)
    assert t.min() >= 20 and t.max() <= 60


def test_normal_puts_low_and_high_at_the_5th_and_95th_percentiles() -> None:
    x = draws_of(Estimate(value=50, low=40, high=60, dist="normal"))
    sigma = 10 / special.ndtri(0.95)
    density = stats.norm.pdf(special.ndtri(0.95)) / sigma
    assert np.quantile(x, 0.05) == pytest.approx(40, abs=4 * se_of_percentile(0.05, density))
    assert np.quantile(x, 0.95) == pytest.approx(60, abs=4 * se_of_percentile(0.95, density))
    assert x.std() == pytest.approx(sigma, rel=0.01)


def test_asymmetric_normal_is_a_split_normal() -> None:
    # Median 50, 5th percentile 45 (sigma 5/1.645 below), 95th 70 (sigma 20/1.645 above).
    x = draws_of(Estimate(value=50, low=45, high=70, dist="normal"))
    assert np.median(x) == pytest.approx(50, abs=0.1)
    assert np.quantile(x, 0.05) == pytest.approx(45, abs=0.05)
    assert np.quantile(x, 0.95) == pytest.approx(70, abs=0.25)


@pytest.mark.parametrize(("value", "low", "high"), [(50, 40, 60), (40, 40, 80), (75, 20, 80)])
def test_pert_fit_hits_the_percentiles_with_the_mode_at_value(
    value: float, low: float, high: float
) -> None:
    a, b = fit_pert(value, low, high)
    alpha, beta = 1 + 4 * (value - a) / (b - a), 1 + 4 * (b - value) / (b - a)
    assert a < low and b > high
    assert special.betainc(alpha, beta, (low - a) / (b - a)) == pytest.approx(0.05, abs=1e-9)
    assert special.betainc(alpha, beta, (high - a) / (b - a)) == pytest.approx(0.95, abs=1e-9)
    # The mode of Beta(alpha, beta) on [a, b] is a + (alpha - 1)/(alpha + beta - 2) (b - a).
    assert a + (alpha - 1) / (alpha + beta - 2) * (b - a) == pytest.approx(value)
    x = draws_of(Estimate(value=value, low=low, high=high, dist="beta"), valid=(-1e9, 1e9))
    assert np.quantile(x, [0.05, 0.95]) == pytest.approx([low, high], abs=0.3)


def test_truncation_conditions_on_the_valid_range_and_is_reported() -> None:
    # Normal with median 95, 5th/95th percentiles 85/105, on a 0-100 scale: the mass
    # above 100 is 1 - Phi(5 / sigma) with sigma = 10 / 1.645: about 20.6%.
    est = Estimate(value=95, low=85, high=105, dist="normal")
    inp = Input.build("A.position.i", "position", 0, 0, est, (0.0, 100.0))
    sigma = 10 / special.ndtri(0.95)
    assert inp.truncated == pytest.approx(1 - special.ndtr(5 / sigma), rel=1e-9)
    x = inp.draw(np.random.default_rng(2).random(N))
    assert x.max() <= 100
    # Not clamped: no pile-up at the end. Truncated, P(X < 95) = 0.5 / (1 - 0.206).
    assert np.mean(x == 100) == 0
    assert np.mean(x < 95) == pytest.approx(0.5 / (1 - inp.truncated), abs=0.005)


def test_normal_needs_its_value_strictly_inside() -> None:
    tree = load("examples/ukraine-2025.yaml").to_tree()
    tree["actors"][0]["positions"]["territory"] = {
        "value": 50,
        "low": 50,
        "high": 80,
        "dist": "normal",
    }
    with pytest.raises(ScenarioError, match="low < value < high"):
        uncertain_inputs(Scenario.from_tree(tree))


def test_flagship_inputs_are_named_and_ordered(flagship: Path) -> None:
    names = [i.name for i in uncertain_inputs(load(flagship))]
    assert names[:4] == [
        "US.position.territory",
        "US.salience.territory",
        "US.position.guarantees",
        "US.position.sanctions",
    ]
    assert "RU.capability" in names and "EU.position.nato" in names
    # 11 estimates the models read, then what only veto players read: 4 costs, 2 points.
    assert len(names) == 17
    assert names[11:] == [
        "US.no_deal_cost",
        "RU.no_deal_cost",
        "UA.no_deal_cost",
        "EU.no_deal_cost",
        "territory.no_deal",
        "sanctions.no_deal",
    ]


def collapse(tree: dict[str, Any]) -> dict[str, Any]:
    """Every range set to low = high = value."""
    tree = copy.deepcopy(tree)
    for actor in tree["actors"]:
        for field in ("positions", "salience"):
            for key, v in actor[field].items():
                if isinstance(v, dict):
                    actor[field][key] = {**v, "low": v["value"], "high": v["value"]}
        if isinstance(actor["capability"], dict):
            cap = actor["capability"]
            actor["capability"] = {**cap, "low": cap["value"], "high": cap["value"]}
    return tree


@pytest.mark.parametrize("model", [*REGISTRY])
def test_collapsed_ranges_give_the_point_forecast_exactly(flagship: Path, model: str) -> None:
    scenario = Scenario.from_tree(collapse(load(flagship).to_tree()))
    # Models run draw by draw (and the ensemble, which holds them) are slow: fewer draws.
    m = get_model(model)
    draws = 300 if m.batched and not m.combines_models else 5
    sim = simulate(scenario, model=model, draws=draws, seed=3)[model]
    point = np.array([np.nan if v is None else v for v in sim.point.values()])
    for row in sim.forecasts:
        assert np.array_equal(row, point, equal_nan=True)
    # ... and equal to what `detente forecast` says.
    from detente import forecast

    said = forecast(scenario, model=model)[model].forecasts
    assert sim.point == said


def test_no_ranges_at_all_simulate_to_the_point_forecast(february: Path) -> None:
    tree = load(february).to_tree()
    for actor in tree["actors"]:
        for field in ("positions", "salience"):
            actor[field] = {
                k: v["value"] if isinstance(v, dict) else v for k, v in actor[field].items()
            }
        if isinstance(actor["capability"], dict):
            actor["capability"] = actor["capability"]["value"]
    sim = simulate(Scenario.from_tree(tree), model="compromise", draws=100)
    assert sim.inputs == []
    assert "every draw is the point forecast" in sim.notes[0]
    stats_ = sim.to_dict()["models"]["compromise"]["issues"]["territory"]
    assert stats_["p05"] == stats_["p95"] == sim["compromise"].point["territory"]


def linear_tree(dist: str, value: float, low: float, high: float) -> dict[str, Any]:
    """Compromise is linear in A's position: O = (1 x_A + 3 x 80) / 4 (weights 1 and 3)."""
    return {
        "title": "linear",
        "issues": [{"id": "i", "scale": [0, 100], "status_quo": 50}],
        "actors": [
            {
                "id": "A",
                "capability": 1,
                "positions": {"i": {"value": value, "low": low, "high": high, "dist": dist}},
                "salience": {"i": 1},
            },
            {"id": "B", "capability": 3, "positions": {"i": 80}, "salience": {"i": 1}},
        ],
    }


def test_percentiles_match_the_analytic_values_uniform() -> None:
    # x_A ~ U[20, 60], so O = x_A / 4 + 60 ~ U[65, 75]: p_q = 65 + 10 q, mean 70.
    n = 40_000
    sim = simulate(Scenario.from_tree(linear_tree("uniform", 40, 20, 60)), "compromise", n)
    got = sim.to_dict()["models"]["compromise"]["issues"]["i"]
    sd = 10 / np.sqrt(12)
    assert got["mean"] == pytest.approx(70, abs=4 * sd / np.sqrt(n))
    for q in (5, 25, 50, 75, 95):
        tolerance = 4 * se_of_percentile(q / 100, 1 / 10, n)
        assert got[f"p{q:02d}"] == pytest.approx(65 + 10 * q / 100, abs=tolerance)
    # Histogram over the 0-100 scale in 5-wide bins: all draws in [65, 75].
    hist = sim.to_dict()["models"]["compromise"]["histograms"]["i"]
    assert sum(hist["counts"]) == n
    assert hist["counts"][13] + hist["counts"][14] == n


def test_percentiles_match_the_analytic_values_normal() -> None:
    # x_A normal, median 40, 5th/95th percentiles 30/50, far from the scale's ends
    # (truncated mass ~1e-9): O = x_A / 4 + 60 is normal, median 70, p05 67.5, p95 72.5.
    n = 40_000
    sim = simulate(Scenario.from_tree(linear_tree("normal", 40, 30, 50)), "compromise", n)
    got = sim.to_dict()["models"]["compromise"]["issues"]["i"]
    sigma = 2.5 / special.ndtri(0.95)
    for q in (5, 25, 50, 75, 95):
        z = special.ndtri(q / 100)
        expected = 70 + sigma * z
        tolerance = 4 * se_of_percentile(q / 100, stats.norm.pdf(z) / sigma, n)
        assert got[f"p{q:02d}"] == pytest.approx(expected, abs=tolerance)


def test_json_shape(flagship: Path) -> None:
    data = json.loads(simulate(flagship, model="compromise", draws=1500).to_json())
    assert set(data) >= {"scenario", "draws", "seed", "models"}
    assert data["draws"] == 1500 and data["seed"] == 0
    model = data["models"]["compromise"]
    assert set(model["issues"]["territory"]) == {"mean", "p05", "p25", "p50", "p75", "p95"}
    assert set(model["gains"]["RU"]) == {"mean", "p05", "p95"}
    assert set(model["issues"]) == set(load(flagship).issue_ids)
    t = model["issues"]["territory"]
    assert t["p05"] <= t["p25"] <= t["p50"] <= t["p75"] <= t["p95"]


def test_seed_fixes_the_numbers(flagship: Path) -> None:
    a = simulate(flagship, model="compromise", draws=1200, seed=4).to_json()
    assert a == simulate(flagship, model="compromise", draws=1200, seed=4).to_json()
    assert a != simulate(flagship, model="compromise", draws=1200, seed=5).to_json()
    fresh = simulate(flagship, model="compromise", draws=1200, seed=None)
    again = simulate(flagship, model="compromise", draws=1200, seed=fresh.seed)
    assert np.array_equal(fresh["compromise"].forecasts, again["compromise"].forecasts)


def test_same_numbers_whatever_the_workers_or_chunks(
    flagship: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = simulate(flagship, model="median,compromise,nbs", draws=4500, seed=9).to_json()
    # A real LocalCluster of 2 workers (threads: quick to start on a 2-core box).
    with Executor(workers=2, processes=False) as ex:
        client = ex.client
        for per_thread in (1, 2, 9):
            monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", per_thread)
            got = simulate(
                flagship, model="median,compromise,nbs", draws=4500, seed=9, scheduler=client
            )
            assert got.to_json() == reference


class Flip(Model):
    """A model of one draw at a time that converges on even-numbered issues only."""

    name = "flip"
    title = "test model"
    batched = False
    runs: ClassVar[list[int]] = []

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        assert arrays.positions.ndim == 2
        Flip.runs.append(1)
        by_issue = np.arange(arrays.n_issues) % 2 == 0
        return Outcome(
            forecast=arrays.positions[0],
            converged=bool(by_issue.all()),
            converged_by_issue=by_issue,
            warnings=["flip: once"],
        )


def test_models_not_batched_run_draw_by_draw(
    february: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(REGISTRY, "flip", Flip())
    Flip.runs.clear()
    sim = simulate(february, model="flip", draws=30)
    assert len(Flip.runs) == 30 + 1  # every draw, plus the point forecast
    data = sim.to_dict()["models"]["flip"]
    by_issue = {"territory": 1.0, "nato": 0.0, "guarantees": 1.0, "sanctions": 0.0, "economic": 1.0}
    assert data["converged_share"] == {"all": 0.0, "by_issue": by_issue}
    # 30 draws are too few for a 90% interval, which is said first.
    assert sim.warnings[1:] == ["flip: once"]
    assert sim.warnings[0].startswith("only 30 draws")
    # Forecast = the US position, drawn: within the US territory range 50-80.
    t = sim["flip"].forecasts[:, 0]
    assert t.min() >= 50 and t.max() <= 80 and t.std() > 0


@given(scenarios(max_actors=5, max_issues=3))
def test_batched_and_draw_by_draw_agree(scenario: Scenario) -> None:
    base = scenario.to_arrays()
    rng = np.random.default_rng(0)
    # Perturb every weight: a batch of 4 genuinely different draws.
    cap = base.capability * rng.uniform(0.5, 1.5, size=(4, base.n_actors))
    arrays = base.with_values(
        positions=np.repeat(base.positions[None], 4, axis=0),
        salience=np.repeat(base.salience[None], 4, axis=0),
        capability=cap,
    )
    for name in ("median", "compromise", "nbs", "eu", "exchange"):
        model = get_model(name)
        if model.applies(base) is not None:
            continue
        params = model.resolve(None, {"rounds": 3} if name in ("eu", "exchange") else {})
        batched = run_batch(model, arrays, params).forecast
        singles = [model.run(apply_draw(arrays, d), params).forecast for d in range(4)]
        assert np.array_equal(batched, np.array(singles), equal_nan=True)


def apply_draw(arrays: ScenarioArrays, d: int) -> ScenarioArrays:
    return arrays.with_values(
        positions=arrays.positions[d], salience=arrays.salience[d], capability=arrays.capability[d]
    )


def test_apply_values_at_the_values_is_the_base_bit_for_bit(flagship: Path) -> None:
    scenario = load(flagship)
    base, inputs = scenario.to_arrays(), uncertain_inputs(scenario)
    arrays = apply_values(base, inputs, np.array([[i.value for i in inputs]] * 3))
    assert np.array_equal(arrays.positions[2], base.positions, equal_nan=True)
    assert np.array_equal(arrays.salience[0], base.salience)
    assert np.array_equal(arrays.capability[1], base.capability)


def test_bad_requests_are_clear_errors(flagship: Path) -> None:
    with pytest.raises(ParameterError, match="at least 1"):
        simulate(flagship, model="compromise", draws=0)
    with pytest.raises(ParameterError, match="unknown model"):
        simulate(flagship, model="nope", draws=10)
    with pytest.raises(ParameterError, match="seed"):
        simulate(flagship, model="compromise", draws=10, seed=-1)
