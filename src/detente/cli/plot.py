"""``detente plot``: one chart of a saved run, or of a scenario run afresh."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli.common import PresetOpt, app, guarded, out, parse_params, warn
from detente.cli.runs import MadeRunOptions, record, saved_run
from detente.errors import ParameterError
from detente.kinds import get_kind
from detente.results import Result
from detente.scenario import Scenario
from detente.store import Run

KIND_HELP = "rounds, gains, distribution, tornado, challenges (eu), variants or track"
#: The model a chart made now draws when none is named. A tornado shows how far
#: each input alone moves the forecast: the weighted mean (compromise) moves
#: with every input and runs its 1000 x (k + 2) draws in seconds, where the
#: first of all models, the median, often moves with none (an empty chart)
#: and all models together take a minute.
DEFAULT_MODEL = {"tornado": "compromise"}
LangOpt = Annotated[str, typer.Option("--lang", help="language of the labels: en or zh")]


def charts_module() -> Any:
    """:mod:`detente.report.charts`, or a clear error when matplotlib is missing."""
    try:
        from detente.report import charts
    except ImportError:
        raise ParameterError(
            "charts and reports need matplotlib and Jinja2: pip install 'detente[viz]'"
        ) from None
    return charts


def gather(
    source: str,
    kind: str,
    *,
    model: str | None,
    preset: str | None,
    params: dict[str, Any],
    draws: int,
    seed: int,
    db: str | None,
    save: bool,
    force: bool = False,
) -> tuple[Scenario, Result]:
    """The scenario and the result a chart of ``kind`` is drawn from.

    ``source`` is a saved run's id (its result, read back from the store) or
    a scenario file (the run the chart needs is made now, and saved). A
    challenges chart is drawn from a forecast that ran eu.
    """
    charts = charts_module()
    if kind not in charts.KINDS:
        raise ParameterError(f"unknown chart kind {kind!r}; valid kinds: {KIND_HELP}")
    needed = get_kind(charts.SOURCES[kind])

    def check(run: Run) -> None:
        if run.kind != needed.name:
            raise ParameterError(
                f"run {run.id} is a {run.kind} run; a {kind} chart is drawn from a "
                f"{needed.name} run (make one, or give the scenario file)"
            )

    saved = saved_run(source, db, check)
    if saved is not None:
        run, result = saved
        if kind == "challenges" and "eu" not in result:
            raise ParameterError(
                f"run {run.id} did not run eu: a challenges chart maps eu's first round "
                "(forecast with --model eu, or give the scenario file)"
            )
        return result.scenario, result
    from detente.io import load

    scenario = load(source, force=force)
    started = datetime.now(UTC)
    # A challenges chart maps eu's first round: the forecast it needs runs eu.
    which = "eu" if kind == "challenges" else model or DEFAULT_MODEL.get(kind, "all")
    common: dict[str, Any] = {"model": which, "preset": preset, "params": params, "force": force}
    if needed.name in ("simulate", "sensitivity"):
        common.update(draws=draws, seed=seed)
    made = needed.function()(scenario, **common)
    for warning in getattr(made, "warnings", []):
        warn(warning)
    record(
        needed.name,
        made,
        db=db,
        save=save,
        source=source,
        started_at=started,
        model=which,
        preset=preset,
        params=params,
        options={"draws": draws} if needed.name in ("simulate", "sensitivity") else {},
    )
    return scenario, made


def track_chart(
    source: str,
    observed: Path | None,
    model: str | None,
    preset: str | None,
    params: dict[str, Any],
    issue: str | None,
    lang: str,
    db: str | None,
) -> Any:
    """The track chart of a saved track run (``source`` its id), drawn from the store
    as it was saved, or of the dated snapshots in ``source`` (a folder or files)."""
    charts_module()
    from detente.report.track_chart import track_chart as draw
    from detente.results.track import Track
    from detente.track import track

    def check(run: Run) -> None:
        if run.kind != "track":
            raise ParameterError(
                f"run {run.id} is a {run.kind} run; a track chart is drawn from a track run "
                "(make one with detente track, or give the track's folder)"
            )

    saved = saved_run(source, db, check)
    result: Track
    if saved is not None:
        result = saved[1]  # type: ignore[assignment]
    else:
        result = track(source, observed=observed, model=model, preset=preset, params=params)
        for warning in result.warnings:
            warn(warning)
    return draw(result.chart_data(), issue=issue, lang=lang)


@app.command()
def plot(
    source: Annotated[
        str,
        typer.Argument(help="a saved run's id, a scenario file, or (--kind track) a track folder"),
    ],
    kind: Annotated[str, typer.Option("--kind", "-k", help=KIND_HELP)],
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write: .png or .svg")],
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="the model to chart (default: the first; a tornado made now: compromise)",
        ),
    ] = None,
    issue: Annotated[str | None, typer.Option(help="one issue only (default: every issue)")] = None,
    lang: LangOpt = "en",
    draws: Annotated[
        int, typer.Option(min=2, help="draws, when a distribution or tornado is made now")
    ] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="random seed of those draws")] = 0,
    observed: Annotated[
        Path | None, typer.Option(help="observations to mark on a track chart")
    ] = None,
    preset: PresetOpt = None,
    *,
    options: MadeRunOptions,
) -> None:
    """Draw a chart (PNG or SVG) of a saved run, or of a scenario."""

    def act() -> None:
        charts = charts_module()
        if output.suffix.lower() not in charts.FORMATS:
            raise ParameterError(
                f"cannot write a chart as {output.suffix or '(no extension)'!r}; "
                f"use one of: {', '.join(charts.FORMATS)}"
            )
        if kind == "track":
            params = parse_params(options.param)
            chart = track_chart(source, observed, model, preset, params, issue, lang, options.db)
            out.print(f"wrote {chart.write(output)}", highlight=False)
            return
        scenario, data = gather(
            source,
            kind,
            model=model,
            preset=preset,
            params=parse_params(options.param),
            draws=draws,
            seed=seed,
            db=options.db,
            save=options.save,
            force=options.force,
        )
        chosen = model
        if chosen is None and kind == "rounds":
            dynamic = [m for m, r in data.models.items() if r.rounds]
            chosen = dynamic[0] if dynamic else None
        chart = charts.chart(kind, scenario, data, model=chosen, issue=issue, lang=lang)
        out.print(f"wrote {chart.write(output)}", highlight=False)

    guarded(act)
