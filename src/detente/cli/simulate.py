"""``detente simulate`` and ``detente sensitivity``: how sure a forecast is, and why.

The faces of :func:`detente.simulate` and :func:`detente.sensitivity`. A
progress bar shows on a terminal, never when output is piped or with
``--json`` (whose stdout is one JSON object and nothing else).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from detente.cli.common import (
    ForceOpt,
    JsonOpt,
    ModelOpt,
    ParamOpt,
    PresetOpt,
    app,
    err,
    guarded,
    out,
    parse_params,
)
from detente.cli.runs import DbOpt, SaveOpt, finish
from detente.kinds import get_kind
from detente.render.terminal import sparkline as sparkline

ScenarioArg = Annotated[Path, typer.Argument(help="scenario file: .yaml, .csv or .xlsx")]
SeedOpt = Annotated[int, typer.Option(min=0, help="random seed: the same seed, the same numbers")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(min=1, help="run on a local Dask cluster of N worker processes"),
]
SchedulerOpt = Annotated[
    str | None, typer.Option(help="run on the Dask cluster whose scheduler is at ADDRESS")
]
RoundsOpt = Annotated[int | None, typer.Option(min=1, help="dynamic models: run exactly N rounds")]


def show_progress(json: bool, stdout: Console, stderr: Console) -> bool:
    """A bar only for a person watching: not with --json, not when output is piped."""
    return not json and stdout.is_terminal and stderr.is_terminal


@contextmanager
def progress_bar(enabled: bool, total: int, what: str) -> Iterator[Callable[[int], object] | None]:
    """``advance(n)`` for a Rich bar on stderr, or None when disabled."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)


def _monte_carlo(kind: str, scenario: Path, draws: int, json: bool, run: dict[str, Any]) -> None:
    """Run ``kind`` (simulate, sensitivity) with a progress bar, then print and save it."""
    started = datetime.now(UTC)
    db, save = run.pop("db"), run.pop("save")
    params = parse_params(run.pop("param"))
    with progress_bar(show_progress(json, out, err), draws, "draws") as advance:
        result = get_kind(kind).function()(
            scenario, draws=draws, params=params, progress=advance, **run
        )
    finish(
        result,
        as_json=json,
        db=db,
        save=save,
        source=scenario,
        started_at=started,
        model=run["model"],
        preset=run["preset"],
        params=params,
        options={"draws": draws, "rounds": run["rounds"]},
    )


@app.command()
def simulate(
    scenario: ScenarioArg,
    model: ModelOpt = "all",
    draws: Annotated[int, typer.Option(min=1, help="number of Monte Carlo draws")] = 10_000,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    preset: PresetOpt = None,
    rounds: RoundsOpt = None,
    param: ParamOpt = None,
    json: JsonOpt = False,
    db: DbOpt = None,
    save: SaveOpt = True,
    force: ForceOpt = False,
) -> None:
    """Monte Carlo over the scenario's ranges: percentiles per issue, gains per actor."""
    run = dict(locals())
    del run["scenario"], run["draws"], run["json"]
    guarded(lambda: _monte_carlo("simulate", scenario, draws, json, run))


@app.command()
def sensitivity(
    scenario: ScenarioArg,
    model: ModelOpt = "all",
    draws: Annotated[
        int, typer.Option(min=2, help="base draws N (the model runs N x (inputs + 2) times)")
    ] = 1000,
    seed: SeedOpt = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    preset: PresetOpt = None,
    rounds: RoundsOpt = None,
    param: ParamOpt = None,
    json: JsonOpt = False,
    db: DbOpt = None,
    save: SaveOpt = True,
    force: ForceOpt = False,
) -> None:
    """Rank the uncertain inputs by how much of each forecast's variance they explain."""
    run = dict(locals())
    del run["scenario"], run["draws"], run["json"]
    guarded(lambda: _monte_carlo("sensitivity", scenario, draws, json, run))
