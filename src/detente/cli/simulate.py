"""``detente simulate`` and ``detente sensitivity``: how sure a forecast is, and why.

The faces of :func:`detente.simulate` and :func:`detente.sensitivity`. A
progress bar shows on a terminal, never when output is piped or with
``--json`` (whose stdout is one JSON object and nothing else).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from detente.cli.common import ModelOpt, PresetOpt, ScenarioArg, app, guarded
from detente.cli.runs import RunOptions, run_scenario
from detente.render.terminal import sparkline as sparkline

SeedOpt = Annotated[int, typer.Option(min=0, help="random seed: the same seed, the same numbers")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(min=1, help="run on a local Dask cluster of N worker processes"),
]
SchedulerOpt = Annotated[
    str | None, typer.Option(help="run on the Dask cluster whose scheduler is at ADDRESS")
]
RoundsOpt = Annotated[int | None, typer.Option(min=1, help="dynamic models: run exactly N rounds")]


def monte_carlo_command(kind: str, draws_option: Any, doc: str) -> None:
    """Register ``detente KIND`` (simulate, sensitivity): the two take the same options,
    but for the draws (``draws_option``, a ``typer.Option`` with its default), and run
    alike: a bar of the draws, then print and save the result."""

    def command(
        scenario: ScenarioArg,
        model: ModelOpt = "all",
        draws: int = draws_option,
        seed: SeedOpt = 0,
        workers: WorkersOpt = None,
        scheduler: SchedulerOpt = None,
        preset: PresetOpt = None,
        rounds: RoundsOpt = None,
        *,
        options: RunOptions,
    ) -> None:
        arguments = dict(locals())
        del arguments["kind"]  # this factory's, not an option
        recorded = {"draws": draws, "rounds": rounds}
        guarded(
            lambda: run_scenario(
                kind, arguments, meta=lambda _: {"options": recorded}, draws_bar=True
            )
        )

    command.__doc__ = doc
    app.command(name=kind)(command)


monte_carlo_command(
    "simulate",
    typer.Option(10_000, min=1, help="number of Monte Carlo draws"),
    "Monte Carlo over the scenario's ranges: percentiles per issue, gains per actor.",
)
monte_carlo_command(
    "sensitivity",
    typer.Option(1000, min=2, help="base draws N (the model runs N x (inputs + 2) times)"),
    "Rank the uncertain inputs by how much of each forecast's variance they explain.",
)
