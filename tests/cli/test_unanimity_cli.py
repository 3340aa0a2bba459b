"""``detente backtest unanimity``: JSON, table, refusals."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from detente.cli import app

runner = CliRunner()


def test_json_and_table() -> None:
    result = runner.invoke(
        app, ["backtest", "unanimity", "-m", "nbs", "--bootstrap", "100", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["issues"], data["proposals"], data["issues_with_reference_point"]) == (71, 31, 43)
    # nbs forecasts the reference point on these issues, which no member state can reject.
    nbs = data["models"]["nbs"]["package"]["with_rp"]
    assert nbs["difference"] == 0.0 and nbs["rejected_share"] == 0.0
    table = runner.invoke(app, ["backtest", "unanimity", "-m", "nbs", "--bootstrap", "100"])
    assert table.exit_code == 0
    assert "the package" in table.stdout and "recorded outcome itself" in table.stdout


def test_unknown_model_is_refused() -> None:
    result = runner.invoke(app, ["backtest", "unanimity", "-m", "nope"])
    assert result.exit_code == 2
    assert "nope" in result.stderr
