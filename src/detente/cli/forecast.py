"""``detente forecast``, ``validate`` and ``convert``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente import io
from detente.cli.common import (
    ForceOpt,
    ModelOpt,
    PresetOpt,
    RoundsOpt,
    ScenarioArg,
    app,
    guarded,
    out,
)
from detente.cli.runs import RunOptions, run_scenario
from detente.render.headline import print_headline


@app.command()
def forecast(
    scenario: ScenarioArg,
    model: ModelOpt = "all",
    preset: PresetOpt = None,
    rounds: RoundsOpt = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="seed of the models that draw at random")
    ] = None,
    *,
    options: RunOptions,
    detail: Annotated[
        bool, typer.Option("--detail", help="every model's tables, not the one-screen headline")
    ] = False,
) -> None:
    """Forecast where each issue lands, how sure, and who gains what."""
    arguments = dict(locals())
    del arguments["detail"]
    # One screen (the headline) by default; every model's tables when asked.
    one_screen = not detail and model == "all"
    # How it was printed, so that `detente runs show` prints it alike.
    recorded = {"rounds": rounds, **({"screen": "headline"} if one_screen else {})}
    guarded(
        lambda: run_scenario(
            "forecast",
            arguments,
            printer=print_headline if one_screen else None,
            meta=lambda _: {"seed": seed, "options": recorded},
        )
    )


@app.command()
def validate(scenario: ScenarioArg, force: ForceOpt = False) -> None:
    """Check a scenario file and say what is wrong, or that it is OK."""
    loaded = guarded(lambda: io.load(scenario, force=force))
    out.print(
        f"[green]OK[/green] {scenario}: {len(loaded.actors)} actors, "
        f"{len(loaded.issues)} issues ({loaded.title})",
        highlight=False,
    )


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="scenario to read")],
    target: Annotated[Path, typer.Argument(help="file to write (.yaml, .csv or .xlsx)")],
    force: ForceOpt = False,
) -> None:
    """Convert a scenario between YAML, CSV and xlsx, without loss."""
    written = guarded(lambda: io.save(io.load(source, force=force), target))
    for path in written:
        out.print(f"wrote {path}", highlight=False)
