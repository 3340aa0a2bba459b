"""One result layer: a saved run and a fresh one are the same object, and each reads well
in a notebook (short repr, HTML table, pandas)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from detente import compare, forecast, load, sensitivity, simulate, track
from detente.kinds import KINDS
from detente.results import Comparison, Forecast, Sensitivity, Simulation, Track
from detente.scenario import Scenario
from detente.store import RunStore
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load(EXAMPLES / "ukraine-2025.yaml")


@pytest.fixture(scope="module")
def made(scenario: Scenario) -> dict[str, object]:
    return {
        "forecast": forecast(scenario, model="median,eu"),
        "simulate": simulate(scenario, model="compromise", draws=30, seed=2),
        "sensitivity": sensitivity(scenario, model="compromise", draws=8, seed=2),
        "compare": compare(scenario, model="median,eu"),
        "track": track(EXAMPLES / "ukraine-2025-26"),
    }


def _printed(result: object) -> str:
    console = Console(file=io.StringIO(), width=120)
    KINDS[result.kind].printer_function()(result, console)  # type: ignore[attr-defined]
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", KINDS)
def test_saved_run_is_the_same_result(kind: str, made: dict[str, object], tmp_path: Path) -> None:
    fresh = made[kind]
    with RunStore(tmp_path / "runs.sqlite") as store:
        saved = store.result(store.save(kind, fresh))  # type: ignore[arg-type]
    assert type(saved) is type(fresh)
    assert saved.to_dict() == fresh.to_dict()  # type: ignore[attr-defined]
    assert saved.detail() == fresh.detail()  # type: ignore[attr-defined]
    # ... so that `detente runs show` prints exactly what the command printed.
    assert _printed(saved) == _printed(fresh)


def test_saved_simulation_keeps_its_draws(made: dict[str, object], tmp_path: Path) -> None:
    sim = made["simulate"]
    assert isinstance(sim, Simulation)
    with RunStore(tmp_path / "runs.sqlite") as store:
        saved = store.result(store.save("simulate", sim))
    assert isinstance(saved, Simulation)
    np.testing.assert_array_equal(saved["compromise"].forecasts, sim["compromise"].forecasts)
    np.testing.assert_array_equal(saved["compromise"].gains, sim["compromise"].gains)


def test_eu_keeps_its_first_round_as_data(made: dict[str, object]) -> None:
    fc = made["forecast"]
    assert isinstance(fc, Forecast)
    first = fc["eu"].outcome.detail["first_round"]["territory"]
    n = len(first["actors"])
    assert np.shape(first["eu_challenge"]) == (n, n) == np.shape(first["kinds"])
    assert "first_round" not in fc.to_dict()["models"]["eu"]  # not in the JSON


def test_a_model_is_in_a_result(made: dict[str, object]) -> None:
    fc = made["forecast"]
    assert "eu" in fc and "median" in fc and "smp" not in fc  # type: ignore[operator]
    assert list(fc) == ["median", "eu"]  # type: ignore[call-overload]
    assert "median" in made["compare"]  # type: ignore[operator]


@pytest.mark.parametrize("kind", KINDS)
def test_short_repr_and_html(kind: str, made: dict[str, object]) -> None:
    result = made[kind]
    text = repr(result)
    assert len(text) < 300 and text.startswith("<") and "Ending the Russia" in text
    page = result._repr_html_()  # type: ignore[attr-defined]
    assert page.startswith("<table>") and "</table>" in page


def test_html_escapes_names(scenario: Scenario) -> None:
    tree = scenario.to_tree()
    tree["issues"][0]["name"] = "<b>Territory</b>"
    result = forecast(Scenario.from_tree(tree), model="median")
    page = result._repr_html_()
    assert "&lt;b&gt;Territory&lt;/b&gt;" in page and "<b>Territory" not in page


def test_to_pandas(made: dict[str, object], scenario: Scenario) -> None:
    fc, sim, sens, comp = (made[k] for k in ("forecast", "simulate", "sensitivity", "compare"))
    assert isinstance(fc, Forecast) and isinstance(sim, Simulation)
    assert isinstance(sens, Sensitivity) and isinstance(comp, Comparison)
    table = fc.to_pandas()
    assert list(table.columns) == ["median", "eu"] and list(table.index) == scenario.issue_ids
    assert table.loc["nato", "median"] == fc["median"].forecasts["nato"]
    assert list(fc.to_pandas("gains").index) == scenario.actor_ids
    stats = sim.to_pandas()
    assert (
        stats.loc[("compromise", "territory"), "p05"]
        == sim["compromise"].issues()["territory"]["p05"]
    )
    draws = sim.to_pandas("draws")
    assert len(draws) == 30 * (len(scenario.issues) + len(scenario.actors))
    assert len(sens.to_pandas()) == sum(len(r) for r in sens["compromise"].ranking.values())
    assert set(comp.to_pandas().columns) == {"baseline", *comp.variants}
    with pytest.raises(ValueError, match="what is"):
        fc.to_pandas("draws")


def test_track_to_pandas(made: dict[str, object]) -> None:
    tr = made["track"]
    assert isinstance(tr, Track)
    table = tr.to_pandas()
    first = tr.points[0]
    row = table.loc[(first.snapshot.as_of.isoformat(), "territory")]
    assert row["central"] == first.summary["central"]["territory"]
    assert [row["low_90"], row["high_90"]] == first.summary["interval"]["90"]["territory"]
    assert row["status_quo"] == first.snapshot.scenario.issue("territory").status_quo
    assert len(table) == sum(len(p.summary["central"]) for p in tr.points)


def test_a_track_saved_from_its_json_alone_reads_back(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A track kept without its snapshots' scenarios (from its JSON, or by a detente
    before they were kept) reads back on the latest scenario; where the JSON has no
    status quo, the status quo shows as unknown, never as the latest snapshot's."""
    tr = made["track"]
    assert isinstance(tr, Track)
    data = tr.to_dict()
    with RunStore(tmp_path / "runs.sqlite") as store:
        saved = store.result(store.save("track", data, tr.scenario))
    assert isinstance(saved, Track)
    assert saved.to_dict() == data
    assert [p.status_quo for p in saved.points] == [p.status_quo for p in tr.points]
    old = {**data, "snapshots": [{**s} for s in data["snapshots"]]}
    for snap in old["snapshots"]:
        del snap["status_quo"]
    before = Track.from_dict(old, tr.scenario)
    assert all(p.status_quo == {} and p.forecast is None for p in before.points)
    shown = _printed(before)
    assert "Headline forecast" in shown and "what changed since 2025-02-19" in shown
