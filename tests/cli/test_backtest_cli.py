"""``detente backtest deu``: JSON, table, refusals."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli import app
from tests.conftest import DATA
from tests.datasets.test_deu import CORA

runner = CliRunner()
SHARED = str(DATA / "deu" / "deu3.tsv")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_pins_the_compromise_baselines() -> None:
    code, out, _ = invoke(
        "backtest", "deu", SHARED, "-m", "compromise", "-c", "equal,gdp", "--draws", "0", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["issues"] == 351
    assert data["skipped"] == {"no_outcome": 11, "fewer_than_3_actors": 2}
    assert round(data["models"]["compromise@equal"]["mae"], 1) == 23.6
    assert round(data["models"]["compromise@gdp"]["mae"], 1) == 23.2
    assert data["models"]["compromise@gdp"]["n"] == 351


def test_table_on_the_original_layout(tmp_path: Path) -> None:
    path = tmp_path / "deu.csv"
    path.write_text(CORA, encoding="utf-8")
    code, out, _ = invoke(
        "backtest", "deu", str(path), "-m", "median,compromise", "--bootstrap", "100"
    )
    assert code == 0
    assert "4 usable issues in 2 proposals" in out
    assert "Capability equal" in out and "baseline" in out
    assert "COD" in out and "Unan" in out


def test_refusals_exit_2(tmp_path: Path) -> None:
    code, _, err = invoke("backtest", "deu", SHARED, "-c", "seats", "--draws", "0")
    assert code == 2 and "unknown capability proxy 'seats'" in err
    code, _, err = invoke("backtest", "deu", str(tmp_path / "none.csv"))
    assert code == 2 and "no such file" in err
    code, _, err = invoke("backtest", "deu", SHARED, "--workers", "2", "--scheduler", "x")
    assert code == 2 and "either --workers or --scheduler" in err


def test_tuned_ensemble_weights_file(tmp_path: Path) -> None:
    path = tmp_path / "deu.csv"
    path.write_text(CORA, encoding="utf-8")
    weights = tmp_path / "weights.json"
    code, out, err = invoke(
        "backtest",
        "deu",
        str(path),
        "-m",
        "compromise,ensemble-cv",
        "--draws",
        "0",
        "--bootstrap",
        "100",
        "--save-weights",
        str(weights),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["models"]["ensemble-cv"]["n"] == 4
    saved = json.loads(weights.read_text())
    assert saved["format"] == "detente-ensemble-weights" and "compromise" in saved["weights"]


def test_headline_scores_alone_with_forecast_intervals(tmp_path: Path) -> None:
    path = tmp_path / "deu.csv"
    path.write_text(CORA, encoding="utf-8")
    code, out, _ = invoke(
        "backtest", "deu", str(path), "--models", "headline", "--bootstrap", "100", "--json"
    )
    assert code == 0
    entry = json.loads(out)["models"]["headline"]
    assert set(entry["forecast_interval"]) == {"coverage", "width", "crps"}
    assert set(entry["forecast_interval"]["coverage"]) == {"50", "90"}
    assert [r["issue"] for r in entry["rows"]] == ["d1i1", "d1i2", "d2i1", "d2i2"]
    code, out, _ = invoke("backtest", "deu", str(path), "-m", "headline", "--bootstrap", "100")
    assert code == 0 and "forecast intervals" in out


def test_save_intervals_writes_a_calibration_forecast_can_read(tmp_path: Path) -> None:
    from detente.intervals import load_calibration

    path = tmp_path / "deu.csv"
    path.write_text(CORA, encoding="utf-8")
    target = tmp_path / "fi.json"
    code, _, err = invoke(
        "backtest",
        "deu",
        str(path),
        "-m",
        "compromise,headline",
        "--bootstrap",
        "100",
        "--draws",
        "0",
        "--save-intervals",
        str(target),
    )
    assert code == 0 and "wrote" in err
    cal = load_calibration(target)
    assert set(cal.models) == {"compromise", "headline"} and cal.models["headline"].issues == 4
