"""The headline of a run: one central forecast, forecast intervals from the point or draws."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import detente
from detente.intervals import load_calibration, scenario_frame
from detente.summary import HEADLINE


def _nested(summary: dict) -> None:
    for issue, central in summary["central"].items():
        l5, h5 = summary["interval"]["50"][issue]
        l9, h9 = summary["interval"]["90"][issue]
        assert l9 <= l5 <= central <= h5 <= h9, issue


def test_forecast_summary_is_the_headline_with_nested_intervals(flagship: Path) -> None:
    result = detente.forecast(flagship, model="median")
    summary = result.summary
    assert summary is not None
    # The flagship names veto players: the headline's nearest acceptable package too.
    assert set(summary) == {"central", "interval", "method", "calibration", "ratification"}
    # The headline is compromise's forecast, whatever models ran.
    compromise = detente.forecast(flagship, model="compromise")["compromise"].forecasts
    assert summary["central"] == pytest.approx(compromise)
    _nested(summary)
    assert "EU legislative negotiations" in summary["calibration"]
    assert "floor" in summary["calibration"]
    # As wide as DEU's errors imply: no 90% interval on the flagship under 20 points.
    for lo, hi in summary["interval"]["90"].values():
        assert hi - lo >= 20
    assert json.loads(result.to_json())["summary"] == summary


def test_forecast_intervals_by_hand_on_the_flagship(flagship: Path) -> None:
    # The 50% interval of the headline is the frame's bounds at the shipped t_50, in units.
    result = detente.forecast(flagship, model="compromise")
    arrays = result.scenario.to_arrays()
    f = np.array(list(result["compromise"].forecasts.values())) / 100
    t50 = load_calibration().models[HEADLINE].at(0.5)
    lo, hi = scenario_frame(arrays, f).bounds(t50)
    got = result.summary["interval"]["50"] if result.summary else {}
    for k, issue in enumerate(arrays.issue_ids):
        assert got[issue] == pytest.approx([lo[k] * 100, hi[k] * 100], abs=1e-3)
    assert result["compromise"].forecast_interval == result.summary["interval"]  # type: ignore[index]


def test_excluded_actors_widen_the_interval(february: Path) -> None:
    # Ukraine and Europe, off the table, want territory back: their positions are part of
    # what can happen, so dropping them from the scenario narrows the interval. (February's
    # table alone: in the revised flagship their ties to the US also move the centre.)
    scenario = detente.load(february)
    tree = scenario.to_tree()
    tree["actors"] = [a for a in tree["actors"] if a["id"] not in ("UA", "EU")]
    tree.pop("variants", None)
    seated_only = detente.Scenario.from_tree(tree, file="<test>")
    wide = detente.forecast(scenario, model="compromise").summary
    narrow = detente.forecast(seated_only, model="compromise").summary
    assert wide is not None and narrow is not None
    lo_w, hi_w = wide["interval"]["90"]["territory"]
    lo_n, hi_n = narrow["interval"]["90"]["territory"]
    assert hi_w - lo_w > hi_n - lo_n and lo_w < lo_n


def test_simulate_summary_includes_the_draws_and_keeps_the_input_band(flagship: Path) -> None:
    sim = detente.simulate(flagship, model="compromise", draws=4000, seed=1)
    out = sim.to_dict()
    summary = out["summary"]
    point = detente.forecast(flagship, model="compromise").summary
    assert point is not None
    assert summary["central"] == point["central"]
    _nested(summary)
    band = out["models"]["compromise"]["issues"]
    for issue, (lo, hi) in summary["interval"]["90"].items():
        # The input band stays as it was, far inside the forecast interval.
        assert lo <= band[issue]["p05"] and band[issue]["p95"] <= hi
    assert out["models"]["compromise"]["forecast_interval"]["90"] == summary["interval"]["90"]
    assert "draws" in summary["method"]
    again = detente.simulate(flagship, model="compromise", draws=4000, seed=1).to_dict()
    assert again["summary"] == summary


def test_simulate_without_ranges_gives_the_point_intervals_in_the_limit(
    flagship: Path,
) -> None:
    # With every range collapsed, the draws' outcomes come from one predictive
    # distribution: their 50% interval approaches the point forecast's.
    scenario = detente.load(flagship)
    tree = scenario.to_tree()
    for actor in tree["actors"]:
        for part in ("capability",):
            if isinstance(actor[part], dict):
                actor[part] = actor[part]["value"]
        for part in ("positions", "salience"):
            for issue, v in actor[part].items():
                if isinstance(v, dict):
                    actor[part][issue] = v["value"]
    fixed = detente.Scenario.from_tree(tree, file="<test>")
    drawn = detente.simulate(fixed, model="median", draws=20_000, seed=0).summary
    point = detente.forecast(fixed, model="median").summary
    assert drawn is not None and point is not None
    for issue in point["central"]:
        assert drawn["interval"]["50"][issue] == pytest.approx(
            point["interval"]["50"][issue], abs=1.0
        )
