"""``detente backtest deu``: every model scored on real EU negotiations (DEU)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from detente.backtest import DEFAULT_BOOTSTRAP, DEFAULT_DRAWS, DEFAULT_UNCERTAINTY, Backtest
from detente.backtest import backtest as run_backtest
from detente.cli.common import JsonOpt, app, emit, err, guarded, out, show_progress

backtest_app = typer.Typer(
    help="Score the models against negotiations whose outcomes are known.",
    no_args_is_help=True,
)
app.add_typer(backtest_app, name="backtest")

T = TypeVar("T")


def _fmt(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _group(scores: dict[str, dict[str, object]], label: str) -> str:
    entry = scores.get(label)
    return "—" if entry is None else _fmt(entry["mae"])  # type: ignore[arg-type]


def print_backtest(result: Backtest, console: Console) -> None:
    """The table of scores, one row per model and proxy, with the reading of each interval."""
    data = result.data
    skipped = ", ".join(f"{k} {v}" for k, v in data.skipped.items()) or "none"
    console.print(
        f"DEU: {len(data.issues)} usable issues in {len(data.proposals)} proposals "
        f"(skipped: {skipped}); file {data.file}",
        highlight=False,
    )
    groups = Table(title="MAE by procedure and voting rule", title_justify="left")
    groups.add_column("model")
    groups.add_column("capability")
    for head in ("COD", "CNS", "QMV", "Unan"):
        groups.add_column(head, justify="right")
    for proxy in result.capabilities:
        table = Table(
            title=f"Capability {proxy}: mean absolute error (0-100) with 95% intervals",
            title_justify="left",
        )
        table.add_column("model")
        for head in (
            "n",
            "MAE",
            "interval",
            "vs compromise",
            "beats",
            "input band: in 50%",
            "in 90%",
        ):
            table.add_column(head, justify="right")
        for name in result.models:
            s = result.scores[name, proxy]
            if name == "compromise":
                versus = "baseline"
            else:
                diff, (lo, hi) = result.difference(name, capability=proxy)
                versus = f"{diff:+.1f} [{lo:+.1f}, {hi:+.1f}]"
            cal = s.calibration or {}
            table.add_row(
                name,
                str(s.n),
                _fmt(s.mae),
                f"{_fmt(s.mae_ci[0])}–{_fmt(s.mae_ci[1])}",
                versus,
                "—"
                if s.beats_mean_share is None or name == "compromise"
                else f"{s.beats_mean_share:.0%}",
                "—" if cal.get("p50") is None else f"{cal['p50']:.0%}",
                "—" if cal.get("p90") is None else f"{cal['p90']:.0%}",
            )
            groups.add_row(
                name,
                proxy,
                _group(s.by_procedure, "COD"),
                _group(s.by_procedure, "CNS"),
                _group(s.by_voting_rule, "QMV"),
                _group(s.by_voting_rule, "Unan"),
            )
        console.print(table)
        intervals = forecast_interval_table(result, proxy)
        if intervals is not None:
            console.print(intervals)
    console.print(groups)
    console.print(
        "Intervals resample proposals, not issues. vs compromise: MAE difference with "
        "its paired 95% interval; one that spans 0 cannot tell the model from the "
        "weighted mean. beats: share of "
        "issues strictly closer to the outcome than compromise. "
        "Forecast intervals: each issue's made from the other proposals' errors only "
        "(leave-one-proposal-out); CRPS on the 0-100 scale, lower is better; baseline: "
        "split-conformal forecast +- q. "
        + (
            "Input band in 50%/90%: share of outcomes inside the central intervals of simulate "
            f"(capability {result.capabilities[0]}, {result.draws} draws per issue, inputs "
            f"±{result.uncertainty['position']:g} position, "
            f"±{result.uncertainty['salience']:g} salience, "
            f"±{result.uncertainty['capability']:.0%} capability)."
            if result.draws
            else "Calibration not run (--draws 0)."
        ),
        highlight=False,
    )
    for name in result.models:
        for proxy in result.capabilities:
            reasons = result.scores[name, proxy].not_scored
            for reason, count in reasons.items():
                console.print(f"{name} ({proxy}): {count} issue(s) not scored: {reason}")
    console.print(f"{result.seconds:.1f} s", highlight=False)


def forecast_interval_table(result: Backtest, proxy: str) -> Table | None:
    """Coverage, mean width and CRPS of each model's forecast intervals, beside the
    split-conformal baseline's (all leave-one-proposal-out)."""
    entries = [
        (name, result.scores[name, proxy])
        for name in result.models
        if result.scores[name, proxy].forecast_interval is not None
    ]
    if not entries:
        return None
    table = Table(
        title=f"Capability {proxy}: forecast intervals, leave-one-proposal-out "
        "(coverage, mean width; baseline: split conformal)",
        title_justify="left",
    )
    table.add_column("model")
    for head in ("in 50%", "width", "in 90%", "width", "CRPS", "baseline 90%", "width", "CRPS"):
        table.add_column(head, justify="right")
    for name, s in entries:
        fi, base = s.forecast_interval or {}, s.conformal_baseline or {}
        table.add_row(
            name,
            f"{fi['coverage']['50']:.0%}",
            _fmt(fi["width"]["50"]),
            f"{fi['coverage']['90']:.0%}",
            _fmt(fi["width"]["90"]),
            _fmt(fi["crps"]),
            f"{base['coverage']['90']:.0%}",
            _fmt(base["width"]["90"]),
            _fmt(base["crps"]),
        )
    return table


@contextmanager
def model_runs_bar(json: bool) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """A progress bar of model runs on stderr (none under --json or off a terminal),
    as the callbacks the DEU backtests take: ``progress(k)`` and ``on_total(n)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not show_progress(json, out, err),
    ) as bar:
        task = bar.add_task("model runs", total=None)
        yield (lambda k: bar.advance(task, k)), (lambda n: bar.update(task, total=n))


def run_on_deu(function: Callable[..., T], arguments: dict[str, Any], **more: Any) -> T:
    """Run a DEU backtest (``function``) with a bar of its model runs.

    ``arguments`` are the command's own (its ``locals()``): ``file`` is the data,
    ``json`` hides the bar; every other one, and ``more``, go to ``function`` by name.
    """
    run = dict(arguments)
    with model_runs_bar(run.pop("json")) as (progress, on_total):
        return function(run.pop("file"), progress=progress, on_total=on_total, **run, **more)


# The options both DEU backtests take.
DeuFileArg = Annotated[
    Path | None,
    typer.Argument(help="DEU data file (CORA .csv or the replication's .tsv); default: bundled"),
]
WorkersOpt = Annotated[int | None, typer.Option(help="run on a local Dask cluster of N workers")]
SchedulerOpt = Annotated[str | None, typer.Option(help="run on the Dask scheduler at ADDR")]
BootstrapOpt = Annotated[int, typer.Option(help="bootstrap replicates for the intervals")]

#: Where ``backtest deu`` writes what it fitted on all proposals (kept out of the command's
#: signature so the command stays readable; see ``deu``).
SaveWeightsOpt = Annotated[
    Path | None,
    typer.Option(help="write the tuned ensemble's weights (fitted on all proposals) to this file"),
]
SaveIntervalsOpt = Annotated[
    Path | None,
    typer.Option(
        help="write each model's forecast-interval calibration (fitted on all proposals, "
        "first proxy) to this file; the shipped one is "
        "src/detente/datasets/data/forecast_intervals.json"
    ),
]


@backtest_app.command()
def deu(
    file: DeuFileArg = None,
    models: Annotated[
        str, typer.Option("--models", "-m", help="models, comma-separated, or all")
    ] = "all",
    capability: Annotated[
        str,
        typer.Option(
            "--capability",
            "-c",
            help="proxies, comma-separated, or all: equal, gdp, votes, population, shapley, "
            "banzhaf",
        ),
    ] = "equal",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    bootstrap: BootstrapOpt = DEFAULT_BOOTSTRAP,
    seed: Annotated[int, typer.Option(help="seed of the bootstrap and the simulations")] = 0,
    draws: Annotated[
        int, typer.Option(help="draws per issue for the calibration (0: none)")
    ] = DEFAULT_DRAWS,
    calibrate: Annotated[
        str,
        typer.Option(
            help="models to calibrate: quick (median, compromise, nbs, eu), batched "
            "(every vectorised one), all, none, or names"
        ),
    ] = "quick",
    position_range: Annotated[
        float, typer.Option(help="calibration: ± range of every position (0-100 scale)")
    ] = DEFAULT_UNCERTAINTY["position"],
    salience_range: Annotated[
        float, typer.Option(help="calibration: ± range of every salience (0-1)")
    ] = DEFAULT_UNCERTAINTY["salience"],
    capability_range: Annotated[
        float, typer.Option(help="calibration: ± relative range of every capability")
    ] = DEFAULT_UNCERTAINTY["capability"],
    save_weights: SaveWeightsOpt = None,
    save_intervals: SaveIntervalsOpt = None,
    json: JsonOpt = False,
) -> None:
    """Backtest every model on DEU: MAE with intervals, by procedure and voting rule."""
    arguments = dict(locals())
    del arguments["save_weights"], arguments["save_intervals"]
    ranges = ("position", "salience", "capability")
    # The ± ranges of the calibration's inputs, as one mapping.
    uncertainty = {name: arguments.pop(f"{name}_range") for name in ranges}

    def act() -> None:
        result = run_on_deu(run_backtest, arguments, uncertainty=uncertainty)
        if save_weights is not None:
            err.print(f"wrote {result.save_weights(save_weights)}", highlight=False)
        if save_intervals is not None:
            command = f"detente backtest deu --models {models} --capability {capability}"
            written = result.save_intervals(save_intervals, command=command)
            err.print(f"wrote {written}", highlight=False)
        emit(result, json, lambda: print_backtest(result, out))

    guarded(act)
