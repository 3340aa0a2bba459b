"""``detente forecast``, ``validate`` and ``convert``: JSON schema, exit codes, messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente import forecast, load
from detente.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_schema(flagship: Path) -> None:
    code, out, _ = invoke("forecast", str(flagship), "--json")
    assert code == 0
    data = json.loads(out)
    scenario = load(flagship)
    assert data["scenario"] == scenario.title
    for name in ("median", "compromise", "nbs"):
        model = data["models"][name]
        assert set(model["forecasts"]) == set(scenario.issue_ids)
        assert set(model["gains"]) == set(scenario.actor_ids)
        assert all(isinstance(v, float) for v in model["forecasts"].values())
    assert data["models"]["nbs"]["degenerate"] == {
        "territory": True,
        "nato": False,
        "guarantees": True,
        "sanctions": False,
        "economic": False,
    }


def test_json_equals_python_api(flagship: Path) -> None:
    _, out, _ = invoke("forecast", str(flagship), "--model", "median", "--json")
    assert json.loads(out) == json.loads(forecast(flagship, model="median").to_json())


def test_flagship_reads_as_the_readme_says(flagship: Path) -> None:
    # February's table alone (the table-only variant): only the US and Russia count.
    # On territory Russia's weight (80 x 0.9) outweighs the US's (100 x 0.5), so the
    # median is Russia's 100, the weighted mean (50 x 65 + 72 x 100) / 122 = 85.66,
    # and the status quo 75 lies between them, so the NBS is degenerate and stays at 75.
    revised = forecast(flagship, model="compromise")["compromise"]
    assert revised.ratification is not None
    assert revised.ratification["accepts"] == {"US": True, "RU": True, "UA": False, "EU": False}
    assert revised.ratification["binding"] == ["UA", "EU"]
    result = forecast(load(flagship).variant("table-only"))
    assert result["median"].forecasts["territory"] == 100
    assert result["compromise"].forecasts["territory"] == pytest.approx(85.6557, abs=1e-4)
    assert result["nbs"].forecasts["territory"] == 75
    gains = result["compromise"].gains
    assert max(gains, key=lambda a: gains[a] or 0) == "RU"
    assert min(gains, key=lambda a: gains[a] or 0) == "UA"


def test_rich_output_reads_in_words(flagship: Path) -> None:
    code, out, _ = invoke("forecast", str(flagship), "--model", "compromise")
    assert code == 0
    assert "Permanent" in out and "neutrality" in out and "Gains against the status quo" in out


def test_chinese_scenario(flagship: Path) -> None:
    code, out, _ = invoke("forecast", str(flagship.with_name("ukraine-2025.zh.yaml")))
    assert code == 0 and "俄罗斯" in out and "永久中立" in out


def test_nbs_without_status_quo_warns_and_others_run(tmp_path: Path, february: Path) -> None:
    text = february.read_text(encoding="utf-8").replace(
        "    status_quo: 75   # Russia holds", "    # Russia holds"
    )
    path = tmp_path / "nosq.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = invoke("forecast", str(path), "--json")
    assert code == 0
    assert "no status quo" in err and "territory" in err
    data = json.loads(out)["models"]
    assert data["nbs"]["forecasts"]["territory"] is None
    assert data["median"]["forecasts"]["territory"] == 100
    # Gains still sum over the four issues that have a status quo.
    assert all(v is not None for v in data["median"]["gains"].values())


def test_gains_null_without_any_status_quo(tmp_path: Path, february: Path) -> None:
    lines = [
        ln for ln in february.read_text(encoding="utf-8").splitlines() if "status_quo:" not in ln
    ]
    path = tmp_path / "none.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out, _ = invoke("forecast", str(path), "--model", "compromise", "--json")
    assert code == 0
    assert set(json.loads(out)["models"]["compromise"]["gains"].values()) == {None}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "oracle"], "unknown model 'oracle'"),
        (["--model", "median", "--param", "x=1"], "has no parameter 'x'"),
        (["--model", "median", "--preset", "fancy"], "no preset 'fancy'"),
        (["--param", "x=1"], "ambiguous"),
        (["--param", "nonsense"], "NAME=VALUE"),
        (["--model", "median", "--rounds", "3"], "dynamic models only"),
        (["--model", "eu", "--rounds", "5", "--param", "rounds=3"], "give the rounds once"),
        (["--model", "exchange", "--seed", "5", "--param", "seed=3"], "give the seed once"),
    ],
)
def test_bad_options_exit_2(flagship: Path, args: list[str], message: str) -> None:
    code, out, err = invoke("forecast", str(flagship), *args)
    assert code == 2 and message in err and out == ""


def test_bad_scenario_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: x\nissues: [{id: a}]\nactors:\n  - {id: R, capability: -1, "
        "positions: {a: 5}, salience: {a: 2}}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "detente", "forecast", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("error:") == 2
    assert "actor 'R' › capability" in proc.stderr and "salience.a" in proc.stderr


def test_validate_ok_and_bad(flagship: Path, tmp_path: Path) -> None:
    code, out, _ = invoke("validate", str(flagship))
    assert code == 0 and "OK" in out and "5 actors, 5 issues" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    code, _, err = invoke("validate", str(bad))
    assert code == 2 and "malformed YAML" in err


def test_convert_round_trip(flagship: Path, tmp_path: Path) -> None:
    code, out, _ = invoke("convert", str(flagship), str(tmp_path / "s.xlsx"))
    assert code == 0 and "s.xlsx" in out
    code, _, _ = invoke("convert", str(tmp_path / "s.xlsx"), str(tmp_path / "s.csv"))
    assert code == 0
    code, _, _ = invoke("convert", str(tmp_path / "s.csv"), str(tmp_path / "back.yaml"))
    assert code == 0
    assert load(tmp_path / "back.yaml") == load(flagship)


def test_python_warnings_print_as_warnings(tmp_path: Path) -> None:
    # A KTAB file with 2 actors: KTAB refuses it, detente runs it and says so.
    lines = Path("tests/data/ktab/dummyData_3Dim.csv").read_text().splitlines()
    lines[0] = lines[0].replace(",7,3,", ",2,3,")
    path = tmp_path / "two.csv"
    path.write_text("\n".join(lines[:4]) + "\n")
    code, _, err = invoke("forecast", str(path), "--model", "compromise", "--no-save")
    assert code == 0
    assert err.startswith("warning:") and "2 actors" in err and "KTABWarning" not in err


def test_the_users_seed_overrides_the_files() -> None:
    # A KTAB XML file carries its own seed; --seed (or --param seed) replaces it.
    path = Path(__file__).resolve().parents[1] / "data" / "ktab" / "smpExample.xml"
    scenario = load(path)
    assert scenario.model_params["smp"]["seed"] != 5
    assert forecast(scenario, model="smp", seed=5)["smp"].params["seed"] == 5
    assert (
        forecast(scenario, model="smp", rounds=2)["smp"].params["seed"]
        == (scenario.model_params["smp"]["seed"])
    )


def test_model_names_in_any_case(flagship: Path) -> None:
    # Issue 12, finding 18: `--model EU` was refused.
    code, out, err = invoke("forecast", str(flagship), "--model", "EU", "--json", "--no-save")
    assert code == 0, err
    assert list(json.loads(out)["models"]) == ["eu"]
    code, out, _ = invoke(
        "forecast", str(flagship), "-m", "Median,COMPROMISE", "-p", "EU.q=0.5", "--no-save"
    )
    assert code == 2  # eu is not being run: its parameter is refused, in any case


def test_too_few_draws_are_said(flagship: Path) -> None:
    # Issue 12, finding 18: one draw printed a "90% interval 0.265 - 0.265" without a word.
    code, _, err = invoke(
        "simulate", str(flagship), "-m", "compromise", "--draws", "1", "--no-save"
    )
    assert code == 0
    assert "only 1 draw: a 90% interval's ends need at least 200" in err
    code, _, err = invoke(
        "simulate", str(flagship), "-m", "compromise", "--draws", "200", "--no-save"
    )
    assert "interval's ends need" not in err


def test_json_summary_and_headline_as_a_model(flagship: Path) -> None:
    code, out, _ = invoke("forecast", str(flagship), "--model", "headline", "--json")
    assert code == 0
    data = json.loads(out)
    summary = data["summary"]
    # The flagship names veto players: the headline's nearest acceptable package too.
    assert set(summary) == {"central", "interval", "method", "calibration", "ratification"}
    assert set(summary["interval"]) == {"50", "90"}
    assert data["models"]["headline"]["forecasts"] == summary["central"]
    for issue, central in summary["central"].items():
        l5, h5 = summary["interval"]["50"][issue]
        l9, h9 = summary["interval"]["90"][issue]
        assert 0 <= l9 <= l5 <= central <= h5 <= h9 <= 100


def test_default_output_is_one_screen_with_the_headline(february: Path) -> None:
    flagship = february  # the numbers quoted are February's table alone
    env = {**__import__("os").environ, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "detente", "forecast", str(flagship), "--no-save"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    lines = (done.stdout + done.stderr).splitlines()
    assert len(lines) <= 60
    text = done.stdout
    central = forecast(flagship, model="compromise")["compromise"].forecasts["territory"]
    assert f"{central:.1f}" in text and "90% interval" in text and "What did Russia win?" in text
    assert "EU legislative negotiations" in text and "floor" in text
    for name in ("median", "compromise", "nbs", "eu", "exchange", "smp"):
        assert any(line.split()[:1] == [name] for line in lines), name
    code, detail, _ = invoke("forecast", str(flagship), "--detail", "--no-save")
    assert code == 0 and "Gains against the status quo" in detail
