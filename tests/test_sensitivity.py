"""Sobol indices against analytic answers; the tornado against hand-worked forecasts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente import parallel
from detente.io import load
from detente.parallel import Executor
from detente.scenario import Scenario
from detente.sensitivity import sensitivity, sobol_indices


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[..., 0]) + a * np.sin(x[..., 1]) ** 2 + b * x[..., 2] ** 4 * np.sin(x[..., 0])


def test_sobol_indices_of_the_ishigami_function() -> None:
    # Ishigami & Homma (1990), inputs uniform on [-pi, pi], a = 7, b = 0.1. Its ANOVA
    # terms integrate in closed form (E[sin^2] = 1/2, E[x^4] = pi^4/5, E[x^8] = pi^8/9):
    #   V   = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446
    #   V1  = (1 + b pi^4/5)^2 / 2 = 4.3459,  V2 = a^2/8 = 6.125,  V3 = 0
    #   V13 = b^2 pi^8 (1/18 - 1/50) = 3.3737
    # so S = (0.3139, 0.4424, 0) and S_T = ((V1 + V13)/V, V2/V, V13/V) = (0.5576, 0.4424, 0.2437).
    a, b = 7.0, 0.1
    v1, v2, v13 = (1 + b * np.pi**4 / 5) ** 2 / 2, a**2 / 8, b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    rng = np.random.default_rng(42)
    n = 50_000
    A, B = rng.uniform(-np.pi, np.pi, size=(2, n, 3))
    AB = np.stack([np.where(np.arange(3) == i, B, A) for i in range(3)])
    total, first, se = sobol_indices(ishigami(A), ishigami(B), ishigami(AB))
    expected_total = np.array([v1 + v13, v2, v13]) / v
    expected_first = np.array([v1, v2, 0]) / v
    assert total == pytest.approx(expected_total, abs=4 * se.max())
    assert first == pytest.approx(expected_first, abs=0.03)
    assert np.all(se < 0.01)


def test_constant_output_gives_zero_indices() -> None:
    f = np.full((100, 2), 0.3)
    total, first, se = sobol_indices(f, f, np.stack([f, f, f]))
    assert total.shape == (3, 2)
    assert not total.any() and not first.any() and not se.any()


def three_actors(a_dist: str = "uniform") -> dict[str, Any]:
    """Compromise is (x_A + x_B + 90) / 3: three actors of weight 1 each, C fixed at 90."""
    return {
        "title": "linear",
        "issues": [{"id": "i", "scale": [0, 100], "status_quo": 50}],
        "actors": [
            {
                "id": "A",
                "capability": 1,
                "positions": {"i": {"value": 30, "low": 0, "high": 60, "dist": a_dist}},
                "salience": {"i": 1},
            },
            {
                "id": "B",
                "capability": 1,
                "positions": {"i": {"value": 50, "low": 40, "high": 60, "dist": "uniform"}},
                "salience": {"i": 1},
            },
            {"id": "C", "capability": 1, "positions": {"i": 90}, "salience": {"i": 1}},
            {
                "id": "D",
                "capability": {"value": 5, "low": 1, "high": 9},
                "at_table": False,
                "positions": {"i": {"value": 10, "low": 0, "high": 20}},
                "salience": {"i": 1},
            },
        ],
    }


def test_linear_compromise_indices_and_tornado() -> None:
    # O = (x_A + x_B + 90)/3 with x_A ~ U[0, 60] (variance 60^2/12 = 300) and
    # x_B ~ U[40, 60] (variance 20^2/12 = 33.3): additive, so S_i = S_T,i =
    # Var_i / (Var_A + Var_B): 300/333.3 = 0.9 for A and 0.1 for B. D is off the
    # table: its capability and position cannot move the forecast at all.
    result = sensitivity(Scenario.from_tree(three_actors()), model="compromise", draws=8000)
    ranked = result["compromise"].ranking["i"]
    by_name = {r.input: r for r in ranked}
    assert [r.input for r in ranked[:2]] == ["A.position.i", "B.position.i"]
    assert by_name["A.position.i"].index == pytest.approx(0.9, abs=0.03)
    assert by_name["B.position.i"].index == pytest.approx(0.1, abs=0.01)
    assert by_name["A.position.i"].first_order == pytest.approx(0.9, abs=0.03)
    for name in ("D.capability", "D.position.i"):
        assert by_name[name].index == 0.0
        assert by_name[name].low == by_name[name].high == pytest.approx(170 / 3)
    # Tornado, every other input at its value: A at 0 -> (0 + 50 + 90)/3 = 46.67,
    # A at 60 -> (60 + 50 + 90)/3 = 66.67; B at 40 -> 53.33, at 60 -> 60.
    assert by_name["A.position.i"].low == pytest.approx(140 / 3)
    assert by_name["A.position.i"].high == pytest.approx(200 / 3)
    assert by_name["B.position.i"].low == pytest.approx(160 / 3)
    assert by_name["B.position.i"].high == pytest.approx(60)
    assert result["compromise"].point["i"] == pytest.approx(170 / 3)


def test_json_shape_and_flagship_ranking(february: Path) -> None:
    flagship = february  # February's table alone: the absent actors have no ties
    data = json.loads(sensitivity(flagship, model="compromise", draws=600).to_json())
    ranked = data["models"]["compromise"]["territory"]
    assert set(data["models"]["compromise"]) == set(load(flagship).issue_ids)
    assert {"input", "index", "low", "high"} <= set(ranked[0])
    # Only the US and Russia sit at the table, so on territory only the US position
    # and salience and Russia's capability can move the weighted mean; the rest
    # (China's and the absent actors' estimates) explain nothing.
    assert [r["input"] for r in ranked[:3]] == [
        "US.position.territory",
        "US.salience.territory",
        "RU.capability",
    ]
    assert all(r["index"] == 0.0 for r in ranked[3:])
    indices = [r["index"] for r in ranked]
    assert indices == sorted(indices, reverse=True)
    assert data["evaluations"] == 600 * 13 + 22


def test_same_indices_whatever_the_workers_or_chunks(
    flagship: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = sensitivity(flagship, model="compromise,nbs", draws=2100, seed=3).to_json()
    # A real LocalCluster of 2 workers (threads: quick to start on a 2-core box).
    with Executor(workers=2, processes=False) as ex:
        client = ex.client
        for per_thread in (1, 5):
            monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", per_thread)
            got = sensitivity(
                flagship, model="compromise,nbs", draws=2100, seed=3, scheduler=client
            )
            assert got.to_json() == reference


def test_no_uncertain_input_ranks_nothing() -> None:
    tree = three_actors()
    for actor in tree["actors"]:
        actor["positions"]["i"] = 50
        actor["capability"] = 1
    result = sensitivity(Scenario.from_tree(tree), model="compromise", draws=10)
    assert result["compromise"].ranking == {"i": []}
    assert result.notes == ["no input has a range: nothing to rank"]


def test_an_issue_without_a_forecast_is_said_so() -> None:
    tree = three_actors()
    del tree["issues"][0]["status_quo"]  # the NBS needs one
    result = sensitivity(Scenario.from_tree(tree), model="nbs", draws=50)
    assert all(r.index is None for r in result["nbs"].ranking["i"])
    assert result.notes == ["nbs gives no forecast on issue 'i', so nothing to rank there"]


def test_the_readme_example_prints_what_it_quotes() -> None:
    # Issue 12, finding 19: the README quoted compromise's figures without --model.
    import re

    from tests.conftest import ROOT

    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    command = "`detente sensitivity examples/ukraine-2025.yaml --model compromise`"
    assert command in text
    quoted = text[text.index(command) :][:400]
    numbers = [float(x) for x in re.findall(r"\((?:total Sobol index )?(0\.\d\d)\)", quoted)]
    result = sensitivity("examples/ukraine-2025.yaml", model="compromise", draws=1000, seed=0)
    ranked = result["compromise"].ranking["territory"][:3]
    assert [r.input for r in ranked] == [
        "US.position.territory",
        "US.salience.territory",
        "RU.capability",
    ]
    # With the ties of Ukraine and Europe to the US (February's table alone: 0.74, 0.24, 0.04).
    assert [round(r.index, 2) for r in ranked] == numbers[:3] == [0.64, 0.26, 0.11]
