"""``detente compare``: the baseline and each what-if, side by side."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from detente.cli.common import (
    ForceOpt,
    JsonOpt,
    ModelOpt,
    ParamOpt,
    PresetOpt,
    app,
    emit,
    guarded,
    out,
    parse_params,
    warn,
)
from detente.cli.runs import DbOpt, SaveOpt, record
from detente.compare import Comparison
from detente.compare import compare as run_compare


def _fmt(x: float | None, digits: int = 1, sign: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def print_comparison(result: Comparison) -> None:
    """One table of forecasts and one of gain changes per model."""
    scenario = result.scenario
    out.print(f"[bold]{scenario.title}[/bold]")
    for name, text in result.descriptions.items():
        out.print(f"[dim]{name}: {text}[/dim]", highlight=False)
    delta = result.delta()
    for model, base in result.baseline.models.items():
        table = Table(title=escape(f"What-ifs: forecasts [{model}]"), title_justify="left")
        table.add_column("issue")
        table.add_column("baseline", justify="right", style="bold")
        for name in result.variants:
            table.add_column(name, justify="right")
        for issue in scenario.issues:
            cells = []
            for name, variant in result.variants.items():
                if model not in variant.models:
                    cells.append("skipped")
                    continue
                value = variant.models[model].forecasts.get(issue.id)
                change = delta[name][model]["forecasts"].get(issue.id)
                cells.append(f"{_fmt(value)} ({_fmt(change, sign=True)})")
            table.add_row(issue.display_name, _fmt(base.forecasts.get(issue.id)), *cells)
        out.print(table)
        gains = Table(
            title=escape(f"What-ifs: change of each actor's gain [{model}]"), title_justify="left"
        )
        gains.add_column("actor")
        gains.add_column("baseline gain", justify="right")
        for name in result.variants:
            gains.add_column(name, justify="right")
        actors = dict.fromkeys(
            [
                *base.gains,
                *(
                    a
                    for v in result.variants.values()
                    if model in v.models
                    for a in v.models[model].gains
                ),
            ]
        )
        for actor in actors:
            cells = [
                _fmt(delta[name].get(model, {}).get("gains", {}).get(actor), 3, sign=True)
                for name in result.variants
            ]
            gains.add_row(actor, _fmt(base.gains.get(actor), 3), *cells)
        out.print(gains)


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
        for warning in result.warnings:
            warn(warning)
        emit(result, json, lambda: print_comparison(result))
        record(
            "compare",
            result,
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
