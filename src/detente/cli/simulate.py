"""``detente simulate`` and ``detente sensitivity``: how sure a forecast is, and why.

The faces of :func:`detente.simulate` and :func:`detente.sensitivity`. A
progress bar shows on a terminal, never when output is piped or with
``--json`` (whose stdout is one JSON object and nothing else).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from detente.cli.common import (
    ForceOpt,
    JsonOpt,
    ModelOpt,
    ParamOpt,
    PresetOpt,
    app,
    emit,
    err,
    guarded,
    out,
    parse_params,
    warn,
)
from detente.cli.runs import DbOpt, SaveOpt, record
from detente.scenario import Scenario
from detente.sensitivity import Sensitivity
from detente.sensitivity import sensitivity as run_sensitivity
from detente.uncertainty import ModelSimulation, Simulation
from detente.uncertainty import simulate as run_simulate

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
SPARKS = " ▁▂▃▄▅▆▇█"


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


def _fmt(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def sparkline(counts: list[int]) -> str:
    """A histogram in one line of block characters (blank = no draw there)."""
    top = max(counts) or 1
    return "".join(
        SPARKS[0] if c == 0 else SPARKS[max(1, round(c / top * (len(SPARKS) - 1)))] for c in counts
    )


def simulation_tables(sim: Simulation, model: ModelSimulation) -> list[Table]:
    scenario = sim.scenario
    summary = model.issues()
    counts = {i: [int(c) for c in h["counts"]] for i, h in model.histograms().items()}
    issues = Table(
        title=escape(f"{model.title} [{model.model}]: {sim.draws} draws, seed {sim.seed}"),
        title_justify="left",
    )
    issues.add_column("issue")
    for head in ("point", "mean", "90% interval", "50% interval"):
        issues.add_column(head, justify="right")
    issues.add_column("over the scale", no_wrap=True)
    for issue in scenario.issues:
        s = summary[issue.id]
        issues.add_row(
            issue.display_name,
            _fmt(model.point[issue.id]),
            _fmt(s["mean"]),
            f"{_fmt(s['p05'])}–{_fmt(s['p95'])}",
            f"{_fmt(s['p25'])}–{_fmt(s['p75'])}",
            f"{issue.scale[0]:g}[dim]▕[/dim]{sparkline(counts[issue.id])}[dim]▏[/dim]"
            f"{issue.scale[1]:g}",
        )
    gains = Table(
        title=escape(f"Gains against the status quo [{model.model}]"), title_justify="left"
    )
    for head in ("actor", "mean", "90% interval", "chance of a gain"):
        gains.add_column(head, justify="left" if head == "actor" else "right")
    data = model.to_dict()
    ranked = sorted(
        scenario.actors,
        key=lambda a: -(data["gains"][a.id]["mean"] or float("-inf")),
    )
    for actor in ranked:
        g = data["gains"][actor.id]
        chance = data["gain_chance"][actor.id]
        gains.add_row(
            actor.display_name,
            _fmt(g["mean"], 3),
            f"{_fmt(g['p05'], 3)} – {_fmt(g['p95'], 3)}",
            "—" if chance is None else f"{chance:.0%}",
        )
    return [issues, gains]


def print_simulation(sim: Simulation, console: Console) -> None:
    console.print(f"[bold]{sim.scenario.title}[/bold]")
    console.print(
        f"{len(sim.inputs)} uncertain inputs: " + (", ".join(i.name for i in sim.inputs) or "none"),
        highlight=False,
    )
    for model in sim.models.values():
        console.print()
        for table in simulation_tables(sim, model):
            console.print(table)
        conv = model.to_dict().get("converged_share")
        if conv is not None:
            console.print(f"converged in {conv['all']:.1%} of the draws", highlight=False)
    for note in sim.notes:
        console.print(f"[dim]note: {note}[/dim]", highlight=False)
    for name, reason in sim.skipped.items():
        console.print(f"[yellow]{name} skipped: {reason}[/yellow]", highlight=False)


#: Rows shown per issue on a terminal (--json has them all).
SHOWN_INPUTS = 8


def print_sensitivity(result: Sensitivity, console: Console) -> None:
    console.print(f"[bold]{result.scenario.title}[/bold]")
    print_sensitivity_data(result.scenario, result.to_dict(), console)
    for note in result.notes:
        console.print(f"[dim]note: {note}[/dim]", highlight=False)
    for name, reason in result.skipped.items():
        console.print(f"[yellow]{name} skipped: {reason}[/yellow]", highlight=False)


def print_sensitivity_data(scenario: Scenario, data: Mapping[str, Any], console: Console) -> None:
    """Per model and issue, the inputs the forecast hinges on most, from the JSON of a
    sensitivity run (made now, or saved: ``detente runs show``)."""
    console.print(
        f"total-order Sobol indices from {data.get('draws')} base draws "
        f"({data.get('evaluations')} model runs), seed {data.get('seed')}; "
        "low/high: the forecast with the input at its low/high end",
        highlight=False,
    )
    for model, per_issue in data.get("models", {}).items():
        point = data.get("point", {}).get(model, {})
        for issue in scenario.issues:
            ranked = per_issue.get(issue.id, [])
            swing = [
                0.0 if r.get("low") is None or r.get("high") is None else abs(r["high"] - r["low"])
                for r in ranked
            ]
            shown = [
                (r, sw)
                for r, sw in zip(ranked, swing, strict=True)
                if (r.get("index") or 0) > 0 or sw > 0
            ][:SHOWN_INPUTS]
            table = Table(
                title=escape(
                    f"{issue.display_name}: forecast {_fmt(point.get(issue.id))} [{model}]"
                ),
                title_justify="left",
            )
            for head in ("input", "index", "± se", "first order", "low", "high", "swing"):
                table.add_column(head, justify="left" if head == "input" else "right")
            for r, sw in shown:
                table.add_row(
                    escape(r["input"]),
                    _fmt(r.get("index"), 3),
                    _fmt(r.get("index_se"), 3),
                    _fmt(r.get("first_order"), 3),
                    _fmt(r.get("low")),
                    _fmt(r.get("high")),
                    _fmt(sw),
                )
            console.print()
            console.print(table)
            if len(ranked) > len(shown):
                console.print(
                    f"[dim]{len(ranked) - len(shown)} more inputs, with less or no effect[/dim]",
                    highlight=False,
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

    def act() -> None:
        started = datetime.now(UTC)
        params = parse_params(param)
        with progress_bar(show_progress(json, out, err), draws, "draws") as advance:
            result = run_simulate(
                scenario,
                model=model,
                draws=draws,
                seed=seed,
                preset=preset,
                params=params,
                rounds=rounds,
                workers=workers,
                scheduler=scheduler,
                progress=advance,
                force=force,
            )
        for warning in result.warnings:
            warn(warning)
        emit(result, json, lambda: print_simulation(result, out))
        record(
            "simulate",
            result,
            db=db,
            save=save,
            source=scenario,
            started_at=started,
            model=model,
            preset=preset,
            params=params,
            options={"draws": draws, "rounds": rounds},
        )

    guarded(act)


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

    def act() -> None:
        started = datetime.now(UTC)
        params = parse_params(param)
        with progress_bar(show_progress(json, out, err), draws, "draws") as advance:
            result = run_sensitivity(
                scenario,
                model=model,
                draws=draws,
                seed=seed,
                preset=preset,
                params=params,
                rounds=rounds,
                workers=workers,
                scheduler=scheduler,
                progress=advance,
                force=force,
            )
        emit(result, json, lambda: print_sensitivity(result, out))
        record(
            "sensitivity",
            result,
            db=db,
            save=save,
            source=scenario,
            started_at=started,
            model=model,
            preset=preset,
            params=params,
            options={"draws": draws, "rounds": rounds},
        )

    guarded(act)
