"""``detente simulate`` and ``detente sensitivity``: JSON schema, workers, errors, progress."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from detente import load, sensitivity, simulate
from detente.cli import app
from detente.cli.common import show_progress
from detente.cli.simulate import sparkline

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_simulate_json_schema(flagship: Path) -> None:
    code, out, _ = invoke(
        "simulate", str(flagship), "--model", "compromise", "--draws", "2000", "--json"
    )
    assert code == 0
    data = json.loads(out)
    scenario = load(flagship)
    assert data["scenario"] == scenario.title
    assert data["draws"] == 2000 and data["seed"] == 0
    model = data["models"]["compromise"]
    assert set(model["issues"]) == set(scenario.issue_ids)
    for stats in model["issues"].values():
        assert set(stats) == {"mean", "p05", "p25", "p50", "p75", "p95"}
    assert set(model["gains"]) == set(scenario.actor_ids)
    for stats in model["gains"].values():
        assert set(stats) == {"mean", "p05", "p95"}
    assert data == json.loads(simulate(flagship, model="compromise", draws=2000, seed=0).to_json())


def test_workers_give_the_same_numbers(flagship: Path) -> None:
    args = ("simulate", str(flagship), "-m", "median,compromise", "--draws", "2500", "--json")
    code, alone, _ = invoke(*args, "--seed", "7")
    assert code == 0
    code, spread, err = invoke(*args, "--seed", "7", "--workers", "2")
    assert code == 0, err
    assert spread == alone


def test_workers_without_dask_is_a_clear_error(
    flagship: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    code, out, err = invoke("simulate", str(flagship), "--workers", "2", "--json")
    assert code == 2
    assert out == ""
    assert "pip install 'detente[dask]'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--workers", "2", "--scheduler", "tcp://127.0.0.1:1"), "not both"),
        (("--model", "oracle"), "unknown model 'oracle'"),
        (("--param", "rounds"), "NAME=VALUE"),
    ],
)
def test_bad_options_exit_2(flagship: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = invoke("simulate", str(flagship), "--draws", "10", *args)
    assert code == 2
    assert message in err


def test_bad_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nissues: []\nactors: []\n")
    for command in ("simulate", "sensitivity"):
        code, _, err = invoke(command, str(bad))
        assert code == 2
        assert "error:" in err


def test_simulate_terminal_output(flagship: Path) -> None:
    code, out, _ = invoke("simulate", str(flagship), "-m", "compromise", "--draws", "500")
    assert code == 0
    assert "90% interval" in out and "chance of a gain" in out
    assert "[compromise]" in out
    assert "draws" in out and "━━━━━━━━━━━━━━━━━━━━━━━━ " not in out.split("\n")[0]


def test_sensitivity_json_schema(flagship: Path) -> None:
    code, out, _ = invoke(
        "sensitivity", str(flagship), "--model", "compromise", "--draws", "300", "--json"
    )
    assert code == 0
    data = json.loads(out)
    ranked = data["models"]["compromise"]["territory"]
    assert {"input", "index", "low", "high"} <= set(ranked[0])
    names = {r["input"] for r in ranked}
    assert "RU.capability" in names and "US.salience.territory" in names
    assert data == json.loads(sensitivity(flagship, model="compromise", draws=300).to_json())


def test_sensitivity_terminal_output(flagship: Path) -> None:
    code, out, _ = invoke("sensitivity", str(flagship), "-m", "compromise", "--draws", "200")
    assert code == 0
    assert "US.position.territory" in out and "swing" in out


def test_progress_only_for_a_person_at_a_terminal() -> None:
    tty = Console(file=io.StringIO(), force_terminal=True)
    piped = Console(file=io.StringIO(), force_terminal=False)
    assert show_progress(False, tty, tty)
    assert not show_progress(True, tty, tty)  # --json
    assert not show_progress(False, piped, tty)  # stdout piped
    assert not show_progress(False, tty, piped)


def test_sparkline() -> None:
    assert sparkline([0, 1, 2, 4]) == " ▂▄█"
    assert sparkline([0, 0]) == "  "


def test_simulate_json_adds_the_summary_beside_the_input_band(flagship: Path) -> None:
    code, out, _ = invoke(
        "simulate", str(flagship), "--model", "headline", "--draws", "500", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data["summary"]) == {"central", "interval", "method", "calibration"}
    model = data["models"]["headline"]
    assert {"p05", "p25", "p50", "p75", "p95"} <= set(model["issues"]["territory"])
    assert model["forecast_interval"]["90"] == data["summary"]["interval"]["90"]
