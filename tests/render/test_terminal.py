"""The terminal's what-if tables say whether each scenario's deal would stick."""

from __future__ import annotations

import copy

import pytest
from rich.console import Console
from typer.testing import CliRunner

from detente.cli import app
from detente.compare import compare
from detente.render.terminal import print_comparison
from detente.scenario import Scenario
from tests.cases import one_veto

# The one-veto case of tests/cases.py: V rejects 8, its nearest package is 3.
NAME = "Kyiv [bold]& Co[/bold]"
TREE = one_veto(NAME)


def cells(out: str, label: str) -> list[str]:
    """A table row's cells, by its first cell."""
    line = next(x for x in out.splitlines() if x.startswith(f"│ {label} "))
    return [c.strip() for c in line.strip("│").split("│")][1:]


def test_each_what_if_says_who_blocks_and_the_nearest_package() -> None:
    result = compare(
        Scenario.from_tree(copy.deepcopy(TREE)),
        what_ifs=["V.veto=false", "V.no_deal_cost=0.6", "V.at_table=true"],
        model="compromise",
    )
    console = Console(width=140, record=True)
    print_comparison(result, console)
    out = console.export_text()
    table = out[out.index("What-ifs: would it stick?") :]
    # baseline, no veto, a cost that buys V's consent, V seated (mean (8 + 0) / 2 = 4 > 3)
    assert cells(table, "sticks") == ["no", "—", "yes", "no"]
    assert cells(table, "rejected by") == [NAME, "—", "none", NAME]  # its name, not markup
    assert cells(table, "binding") == [NAME, "—", "none", NAME]
    assert cells(table, "Land") == ["3.0", "—", "8.0", "3.0"]


def test_no_veto_anywhere_no_table() -> None:
    tree = copy.deepcopy(TREE)
    del tree["actors"][1]["veto"]
    console = Console(width=140, record=True)
    print_comparison(compare(Scenario.from_tree(tree), what_ifs=["A.capability=2"]), console)
    assert "would it stick" not in console.export_text()


def test_flagship_vetoes_change_acceptance_not_forecasts() -> None:
    what_ifs = ["UA.veto=true", "UA.veto=territory,nato", "UA.veto=false", "UA.at_table=true"]
    result = compare("examples/ukraine-2025.yaml", what_ifs=what_ifs, model="compromise")
    base = result.baseline["compromise"]

    def rejecting(name: str) -> list[str]:
        r = result.variants[name]["compromise"].ratification
        assert r is not None
        return [a for a, ok in r["accepts"].items() if not ok]

    assert base.ratification is not None and not base.ratification["accepted"]
    for name in ("UA.veto=true", "UA.veto=territory,nato", "UA.veto=false"):
        # A veto is judged after the table: the table's forecast does not move.
        assert result.variants[name]["compromise"].forecasts == pytest.approx(base.forecasts)
    assert "UA" in rejecting("UA.veto=true") and "UA" not in rejecting("UA.veto=false")
    assert rejecting("UA.veto=false") == ["EU"]
    narrower = result.variants["UA.veto=territory,nato"]["compromise"].ratification
    assert narrower is not None and narrower["nearest"] != base.ratification["nearest"]
    # Seated, Ukraine moves the table's forecast itself.
    seated = result.variants["UA.at_table=true"]["compromise"].forecasts
    assert seated["territory"] < base.forecasts["territory"] - 5


def test_compare_cli_fits_100_columns() -> None:
    args = ["compare", "examples/ukraine-2025.yaml", "-m", "compromise", "--no-save"]
    for w in ("UA.veto=true", "UA.veto=territory,nato", "UA.veto=false", "UA.at_table=true"):
        args += ["--what-if", w]
    out = CliRunner().invoke(app, args, env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    assert "What-ifs: would it stick? nearest acceptable package [compromise]" in out.stdout
    assert max(len(line) for line in out.stdout.splitlines()) <= 100
    # Every what-if's name is shown whole: folded over lines, never cut short with "…".
    table = out.stdout.split("would it stick")[1]
    assert "…" not in table
    head = [line.strip("┃").split("┃") for line in table.split("┡")[0].splitlines()]
    rows = [h for h in head if len(h) > 1]
    columns = ["".join(c.strip() for c in col) for col in zip(*rows, strict=True)]
    assert columns[1:] == ["baseline", *args[6::2]]


def test_simulate_says_how_often_the_deal_sticks() -> None:
    from detente import simulate
    from detente.render.terminal import print_simulation

    tree = copy.deepcopy(TREE)
    # A cost of no deal between 0.2 and 0.8: V accepts 8 in the draws where it is >= 0.5.
    tree["actors"][1]["no_deal_cost"] = {"value": 0.5, "low": 0.2, "high": 0.8}
    sim = simulate(Scenario.from_tree(tree), model="compromise", draws=300, seed=2)
    share = sim.models["compromise"].summary["ratification"]["accepted_share"]
    assert 0.2 < share < 0.8
    console = Console(width=200, record=True)
    print_simulation(sim, console)
    out = console.export_text()
    assert f"the deal sticks (every veto player accepts) in {share:.1%} of the draws" in out
    assert f"each veto player accepts in: {NAME} {share:.0%}" in out


def test_forecast_shows_the_headline_verdict_and_each_models_with_detail() -> None:
    from detente import forecast
    from detente.render.headline import print_headline
    from detente.render.terminal import print_forecast

    result = forecast("examples/ukraine-2025.yaml", model="median,compromise")
    screen = Console(width=100, record=True)
    print_headline(result, screen)
    one = screen.export_text()
    # One screen: the headline's verdict in a line, no model's table.
    assert one.count("Would it stick?") == 1
    assert "Would it stick? No: Ukraine, European states reject the central forecast." in one
    detail = Console(width=100, record=True)
    print_forecast(result, detail)
    every = detail.export_text()
    for name in ("median", "compromise"):
        assert f"Would it stick? rejected by Ukraine, European states [{name}]" in every
    assert every.count("binding at the nearest package:") == 2
