"""``detente forecast``, ``validate`` and ``convert``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from detente import io
from detente.cli.common import (
    ForceOpt,
    JsonOpt,
    ModelOpt,
    ParamOpt,
    PresetOpt,
    app,
    guarded,
    out,
    parse_params,
)
from detente.cli.runs import DbOpt, SaveOpt, finish
from detente.forecast import forecast as run_forecast
from detente.render.headline import print_headline

ScenarioArg = Annotated[Path, typer.Argument(help="scenario file: .yaml, .csv or .xlsx")]


@app.command()
def forecast(
    scenario: ScenarioArg,
    model: ModelOpt = "all",
    preset: PresetOpt = None,
    rounds: Annotated[int | None, typer.Option(min=1, help="run exactly N rounds")] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="seed of the models that draw at random")
    ] = None,
    param: ParamOpt = None,
    json: JsonOpt = False,
    db: DbOpt = None,
    save: SaveOpt = True,
    force: ForceOpt = False,
    detail: Annotated[
        bool, typer.Option("--detail", help="every model's tables, not the one-screen headline")
    ] = False,
) -> None:
    """Forecast where each issue lands, how sure, and who gains what."""

    def act() -> None:
        started = datetime.now(UTC)
        params = parse_params(param)
        result = run_forecast(
            scenario,
            model=model,
            preset=preset,
            params=params,
            rounds=rounds,
            seed=seed,
            force=force,
        )
        # One screen (the headline) by default; every model's tables when asked.
        one_screen = not detail and model == "all"
        finish(
            result,
            printer=print_headline if one_screen else None,
            as_json=json,
            db=db,
            save=save,
            source=scenario,
            started_at=started,
            model=model,
            preset=preset,
            params=params,
            seed=seed,
            # How it was printed, so that `detente runs show` prints it alike.
            options={"rounds": rounds, **({"screen": "headline"} if one_screen else {})},
        )

    guarded(act)


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
