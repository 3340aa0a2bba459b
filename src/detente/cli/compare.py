"""``detente compare``: the baseline and each what-if, side by side."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import (
    ForceOpt,
    JsonOpt,
    ModelOpt,
    ParamOpt,
    PresetOpt,
    app,
    guarded,
    parse_params,
)
from detente.cli.runs import DbOpt, SaveOpt, finish
from detente.compare import compare as run_compare


@app.command()
def compare(
    scenario: Annotated[Path, typer.Argument(help="scenario file: .yaml, .csv or .xlsx")],
    variant: Annotated[
        list[str] | None,
        typer.Option("--variant", "-v", help="a variant the scenario defines (default: all)"),
    ] = None,
    what_if: Annotated[
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
    rounds: Annotated[int | None, typer.Option(min=1, help="run exactly N rounds")] = None,
    param: ParamOpt = None,
    json: JsonOpt = False,
    db: DbOpt = None,
    save: SaveOpt = True,
    force: ForceOpt = False,
) -> None:
    """Forecast the baseline and each what-if, and show what changes."""

    def act() -> None:
        started = datetime.now(UTC)
        params = parse_params(param)
        result = run_compare(
            scenario,
            variants=variant or None,
            what_ifs=what_if or (),
            model=model,
            preset=preset,
            params=params,
            rounds=rounds,
            force=force,
        )
        finish(
            result,
            as_json=json,
            db=db,
            save=save,
            source=scenario,
            started_at=started,
            model=model,
            preset=preset,
            params=params,
            options={
                "variants": list(result.variants),
                "descriptions": result.descriptions,
                "rounds": rounds,
            },
        )

    guarded(act)
