"""``detente report``: one self-contained HTML briefing, in English or Chinese."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli.common import PresetOpt, app, guarded, out, parse_params, warn
from detente.cli.plot import LangOpt, charts_module
from detente.cli.runs import MadeRunOptions, record, saved_run
from detente.errors import ParameterError
from detente.results import Comparison, Result, Sensitivity, Simulation

PDF_WHY = (
    "PDF output is not built in (see docs/reports.md): open the HTML in a browser and "
    "print it to PDF (the page has print styles)"
)


def made_meta(result: Result) -> dict[str, Any]:
    """What one run a report made was run with, for the run store.

    The runs differ from the report's options: the forecast holds the models
    that ran (not ``all``), the intervals those ``--intervals`` picked, the
    drivers only the lead model, with ``draws // 4`` base draws; each is saved
    as what it holds, so that ``runs show`` and a report made from it agree.
    """
    meta: dict[str, Any] = {"model": ",".join(result.models)}
    if isinstance(result, Simulation | Sensitivity):
        meta["seed"] = result.seed
        meta["options"] = {"draws": result.draws}
    elif isinstance(result, Comparison):
        meta["options"] = {
            "variants": list(result.variants),
            "descriptions": result.descriptions,
        }
    return meta


def write_track_briefing(
    folder: Path, output: Path, lang: str, model: str, preset: str | None, params: dict[str, Any]
) -> None:
    """The track briefing of the dated snapshots in ``folder`` (its observations file too)."""
    from detente.report.track_html import render
    from detente.track import track

    result = track(folder, model=None if model == "all" else model, preset=preset, params=params)
    for warning in result.warnings:
        warn(warning)
    output.write_text(render(result, lang=lang), encoding="utf-8")
    out.print(f"wrote {output}", highlight=False)


@app.command()
def report(
    source: Annotated[
        str, typer.Argument(help="a scenario file, a saved run's id, or a track's folder")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="the HTML file to write")],
    lang: LangOpt = "en",
    model: Annotated[
        str, typer.Option("--model", "-m", help="models to forecast with, or all")
    ] = "all",
    intervals: Annotated[
        str,
        typer.Option(
            help="models to draw intervals and drivers for: batched (the vectorised ones, "
            "fast), all, none, or names"
        ),
    ] = "batched",
    draws: Annotated[int, typer.Option(min=0, help="draws for the intervals (0: none)")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="random seed of the draws")] = 0,
    preset: PresetOpt = None,
    *,
    options: MadeRunOptions,
) -> None:
    """Write a briefing: forecast in words, interval, winners, drivers, what-ifs, models."""

    def act() -> None:
        suffix = output.suffix.lower()
        if suffix == ".pdf":
            raise ParameterError(PDF_WHY)
        if suffix not in (".html", ".htm"):
            raise ParameterError(f"write the report as .html, not {suffix or '(no extension)'!r}")
        charts_module()
        from detente.report.html import briefing_inputs, gather, render

        if Path(source).is_dir():
            params = parse_params(options.param)
            write_track_briefing(Path(source), output, lang, model, preset, params)
            return
        started = datetime.now(UTC)
        given: dict[str, Any] = {}
        run_info = None
        # The runs made are saved as from the scenario's file, and say which run they complete.
        made_from: dict[str, Any] = {"source": source, "options": {}}
        saved_source = saved_run(source, options.db)
        if saved_source is not None:
            run, saved = saved_source
            scenario = saved.scenario
            run_info = {"id": run.id, "kind": run.kind, "started_at": run.started_at}
            made_from = {"source": run.source, "options": {"from_run": run.id}}
            settings: dict[str, Any] = {
                "model": run.model,
                "preset": run.preset,
                "params": run.params,
            }
            given = briefing_inputs(saved)
        else:
            from detente.io import load

            scenario = load(source, force=options.force)
            settings = {"model": model, "preset": preset, "params": parse_params(options.param)}
        runs, made = gather(
            scenario,
            intervals=intervals,
            draws=draws,
            seed=seed,
            force=options.force,
            **settings,
            **given,
        )
        runs.saved_run = run_info
        for warning in runs.warnings:
            warn(warning)
        output.write_text(render(scenario, runs, lang=lang), encoding="utf-8")
        for result in made:
            meta = made_meta(result)
            record(
                result.kind,
                result,
                db=options.db,
                save=options.save,
                source=made_from["source"],
                started_at=started,
                model=meta["model"],
                seed=meta.get("seed"),
                preset=settings["preset"],
                params=settings["params"],
                options={**meta.get("options", {}), **made_from["options"], "report": str(output)},
            )
        out.print(f"wrote {output}", highlight=False)

    guarded(act)
