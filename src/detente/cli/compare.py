"""``detente compare``: the baseline and each what-if, side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from detente.cli.common import (
    ModelOpt,
    PresetOpt,
    RoundsOpt,
    ScenarioArg,
    app,
    guarded,
)
from detente.cli.runs import RunOptions, run_scenario

if TYPE_CHECKING:
    from detente.results import Comparison


@app.command()
def compare(
    scenario: ScenarioArg,
    variants: Annotated[
        list[str] | None,
        typer.Option("--variant", "-v", help="a variant the scenario defines (default: all)"),
    ] = None,
    what_ifs: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if",
            "-w",
            help="a change, e.g. 'RU.capability*=0.7', 'UA.at_table=true', "
            "'US.salience.territory*=0.5', 'territory.status_quo=55', '{remove: CN}'",
        ),
    ] = None,
    model: ModelOpt = "all",
    preset: PresetOpt = None,
    rounds: RoundsOpt = None,
    *,
    options: RunOptions,
) -> None:
    """Forecast the baseline and each what-if, and show what changes."""
    # None: every variant the scenario defines (when no what-if is given).
    arguments = dict(locals(), variants=variants or None, what_ifs=what_ifs or ())

    def meta(result: Comparison) -> dict[str, Any]:
        options = {"variants": list(result.variants), "descriptions": result.descriptions}
        return {"options": {**options, "rounds": rounds}}

    guarded(lambda: run_scenario("compare", arguments, meta=meta))
