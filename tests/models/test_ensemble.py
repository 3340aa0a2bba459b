"""The ensemble: hand-worked combinations, the weights file, and staying out of ``all``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console

from detente import forecast
from detente.arrays import ScenarioArrays
from detente.errors import ParameterError
from detente.forecast import model_names
from detente.models import REGISTRY, get_model
from detente.models.ensemble import EnsembleParams, Weights, load_weights, save_weights
from detente.render.models import MODEL_TABLES
from detente.scenario import Scenario
from detente.uncertainty import run_batch


def tree() -> dict[str, Any]:
    """Three actors of weight 1; issue j has no status quo (no NBS there).

    Issue i: positions 0, 100, 40. Median: 40 (cumulative weight 1, 2, 3 passes
    1.5 at 40). Mean: 140/3 = 46.67. NBS: the status quo 50 lies between the
    positions, so it is degenerate at 50.
    Issue j: positions 10, 90, 20. Median 20, mean 40, NBS undefined.
    """
    return {
        "title": "hand",
        "issues": [{"id": "i", "status_quo": 50}, {"id": "j"}],
        "actors": [
            {"id": a, "capability": 1, "positions": p, "salience": {"i": 1, "j": 1}}
            for a, p in (
                ("A", {"i": 0, "j": 10}),
                ("B", {"i": 100, "j": 90}),
                ("C", {"i": 40, "j": 20}),
            )
        ],
    }


@pytest.fixture
def hand() -> Scenario:
    return Scenario.from_tree(tree())


def test_equal_weights_and_spread(hand: Scenario) -> None:
    result = forecast(hand, model="ensemble", models="median,compromise")["ensemble"]
    assert result.forecasts["i"] == pytest.approx((40 + 140 / 3) / 2)
    assert result.forecasts["j"] == pytest.approx((20 + 40) / 2)
    extras = result.outcome.extras
    assert extras["members"] == {"median": 0.5, "compromise": 0.5}
    assert extras["by_model"]["median"] == {"i": 40, "j": 20}
    # Two members, equal weights: sd = half the gap; i: (140/3 - 40)/2 = 3.33.
    assert extras["spread"]["i"] == pytest.approx({"min": 40, "max": 140 / 3, "sd": 10 / 3})
    assert extras["spread"]["j"] == pytest.approx({"min": 20, "max": 40, "sd": 10})


def test_a_member_without_a_forecast_drops_out_of_that_issue(hand: Scenario) -> None:
    result = forecast(hand, model="ensemble", models="median,compromise,nbs")["ensemble"]
    assert result.forecasts["i"] == pytest.approx((40 + 140 / 3 + 50) / 3)
    assert result.forecasts["j"] == pytest.approx(30)  # nbs has none on j
    assert result.outcome.extras["by_model"]["nbs"]["j"] is None
    assert any("no status quo" in w for w in result.outcome.warnings)


def test_weights_file(hand: Scenario, tmp_path: Path) -> None:
    path = save_weights(
        tmp_path / "w.json",
        Weights({"median": 3, "compromise": 1, "nbs": 0}, source="hand-picked"),
    )
    written = json.loads(path.read_text())
    assert written["format"] == "detente-ensemble-weights" and written["version"] == 1
    assert load_weights(path).weights == {"median": 3.0, "compromise": 1.0, "nbs": 0.0}
    result = forecast(hand, model="ensemble", weights=str(path))["ensemble"]
    # (3 x 40 + 1 x 46.67) / 4; nbs has weight 0 and does not run.
    assert result.forecasts["i"] == pytest.approx((3 * 40 + 140 / 3) / 4)
    assert result.outcome.extras["members"] == {"median": 0.75, "compromise": 0.25}
    assert result.params["weights_source"] == "hand-picked"
    assert result.params["weights"] == {"median": 3.0, "compromise": 1.0, "nbs": 0.0}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"format": "other", "version": 1, "weights": {"median": 1}}', "'format' must be"),
        ('{"format": "detente-ensemble-weights", "version": 2, "weights": {}}', "'version'"),
        (
            '{"format": "detente-ensemble-weights", "version": 1, "weights": {"median": -1}}',
            "must be a number >= 0",
        ),
        (
            '{"format": "detente-ensemble-weights", "version": 1, "weights": {"median": 0}}',
            "at least one weight must be positive",
        ),
        (
            '{"format": "detente-ensemble-weights", "version": 1, "weights": {"oracle": 1}}',
            "unknown model 'oracle'",
        ),
        (
            '{"format": "detente-ensemble-weights", "version": 1, "weights": {"ensemble": 1}}',
            "cannot contain 'ensemble'",
        ),
        (
            '{"format": "detente-ensemble-weights", "version": 1, "weights": {"median": 1},'
            ' "presets": {"median": "nope"}}',
            "no preset 'nope'",
        ),
    ],
)
def test_bad_weights_files_are_clear_errors(
    hand: Scenario, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "w.json"
    path.write_text(content)
    with pytest.raises(ParameterError, match=message):
        forecast(hand, model="ensemble", weights=str(path))
    with pytest.raises(ParameterError, match=message):
        load_weights(path)


def test_missing_weights_file(hand: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="cannot read weights file"):
        forecast(hand, model="ensemble", weights=str(tmp_path / "none.json"))


def test_all_leaves_the_ensemble_out_and_the_ensemble_leaves_itself_out() -> None:
    assert "ensemble" in REGISTRY
    assert "ensemble" not in model_names("all")
    # The headline is compromise's forecast again: neither `all` nor the ensemble counts it.
    assert model_names("all") == [n for n in REGISTRY if n not in ("ensemble", "headline")]
    params = get_model("ensemble").resolve(None, {})
    assert isinstance(params, EnsembleParams)
    assert "ensemble" not in params.member_names()
    assert "headline" not in params.member_names()
    with pytest.raises(ParameterError, match="cannot contain 'ensemble'"):
        get_model("ensemble").resolve(None, {"models": "median,ensemble"})


def over_draws(base: ScenarioArrays, positions: np.ndarray) -> ScenarioArrays:
    """``base`` with a leading draw axis: ``positions`` per draw, the rest repeated."""
    draws = positions.shape[0]
    return base.with_values(
        positions=positions,
        salience=np.repeat(base.salience[None], draws, axis=0),
        capability=np.repeat(base.capability[None], draws, axis=0),
    )


def test_over_draws_equals_draw_by_draw(hand: Scenario) -> None:
    base = hand.to_arrays()
    rng = np.random.default_rng(5)
    positions = np.repeat(base.positions[None], 6, axis=0)
    positions[:, 2, :] = rng.random((6, 2))
    arrays = over_draws(base, positions)
    model = get_model("ensemble")
    params = model.resolve(None, {"models": "median,compromise,nbs"})
    batch = run_batch(model, arrays, params).forecast
    for d in range(6):
        single = base.with_values(positions=positions[d])
        assert np.array_equal(batch[d], model.run(single, params).forecast, equal_nan=True)


def test_spread_over_draws_is_each_draws_spread(hand: Scenario) -> None:
    # Over draws the ensemble gives each draw's members' sd: the forecast's, draw by draw.
    base = hand.to_arrays()
    positions = np.repeat(base.positions[None], 4, axis=0)
    positions[:, 2, 0] = [0.4, 0.1, 0.9, 0.5]  # C's position on issue i
    arrays = over_draws(base, positions)
    model = get_model("ensemble")
    params = model.resolve(None, {"models": "median,compromise"})
    spread = run_batch(model, arrays, params).spread
    assert spread is not None and spread.shape == (4, 2)
    for d in range(4):
        single = model.run(base.with_values(positions=positions[d]), params).extras["spread"]
        for k, issue in enumerate(("i", "j")):
            assert spread[d, k] * 100 == pytest.approx(single[issue]["sd"], abs=1e-9)
    # First draw: C at 40, as in the hand-worked case above (sd 10/3 on i, 10 on j).
    assert spread[0] * 100 == pytest.approx([10 / 3, 10])


def test_simulate_reports_members_and_their_spread(hand: Scenario) -> None:
    from detente import simulate

    out = simulate(hand, model="ensemble", draws=50, models="median,compromise").to_dict()
    ens = out["models"]["ensemble"]
    assert ens["members"] == {"median": 0.5, "compromise": 0.5}
    # No input has a range: every draw is the point, whose spread is hand-worked above.
    assert ens["spread"]["i"] == pytest.approx({"mean": 10 / 3, "p05": 10 / 3, "p95": 10 / 3})
    assert ens["spread"]["j"]["mean"] == pytest.approx(10)


def test_terminal_table_shows_members_and_spread(hand: Scenario) -> None:
    console = Console(file=io.StringIO(), width=120)
    result = forecast(hand, model="ensemble", models="median,compromise")["ensemble"]
    MODEL_TABLES["ensemble"](result, hand, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Members and their forecasts" in text
    assert "median" in text and "0.50" in text and "46.7" in text
    assert "spread (sd)" in text and "3.3" in text
