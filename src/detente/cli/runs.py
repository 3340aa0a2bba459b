"""``detente runs list|show|export|rm``, and the ``--db``/``--no-save`` options every
command that runs models shares (:func:`record` saves one run)."""

from __future__ import annotations

import json as jsonlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import make_url

from detente.cli.common import (
    ForceOpt,
    JsonOpt,
    ParamOpt,
    app,
    emit,
    err,
    guarded,
    out,
    parse_params,
    progress_bar,
    show_progress,
    warn,
)
from detente.kinds import get_kind
from detente.results import Result
from detente.scenario import Scenario
from detente.store import EXPORT_FORMATS, KINDS, Run, RunStore, StoreError

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="run store: a SQLAlchemy URL or a SQLite file (default: $DETENTE_DB, else "
        "runs.sqlite in the user's data directory)",
        show_default=False,
    ),
]
SaveOpt = Annotated[
    bool, typer.Option("--save/--no-save", help="save the run in the run store (default: save)")
]


@dataclass(frozen=True)
class MadeRunOptions:
    """The options of the commands that make runs from a scenario file and save them
    (plot and report): the models' parameters, the run store, ``--force``. A command
    takes them as one parameter (see :func:`~detente.cli.common.grouped_options`)."""

    param: ParamOpt = None
    db: DbOpt = None
    save: SaveOpt = True
    force: ForceOpt = False


@dataclass(frozen=True)
class RunOptions:
    """The options of the commands that run a scenario's models and print the result
    (forecast, compare, simulate, sensitivity; see :func:`run_scenario`): those of
    :class:`MadeRunOptions`, and ``--json``."""

    param: ParamOpt = None
    json: JsonOpt = False
    db: DbOpt = None
    save: SaveOpt = True
    force: ForceOpt = False


runs_app = typer.Typer(help="Saved runs: list, show, export, remove.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")


def record(
    kind: str,
    result: Any,
    *,
    db: str | None,
    save: bool,
    scenario: Scenario | None = None,
    source: str | Path | None = None,
    started_at: datetime | None = None,
    **meta: Any,
) -> int | None:
    """Save a run unless ``--no-save``; says its id on stderr. A store that cannot
    be written warns and the command still succeeds (its output is printed)."""
    if not save:
        return None
    try:
        with RunStore(db) as store:
            run_id = store.save(
                kind, result, scenario, source=source, started_at=started_at, **meta
            )
    except StoreError as exc:
        warn(f"run not saved: {exc}")
        return None
    err.print(f"saved as run {run_id} (detente runs show {run_id})", highlight=False)
    return run_id


def finish(
    result: Result,
    *,
    printer: Callable[[Any, Console], None] | None = None,
    as_json: bool,
    db: str | None,
    save: bool,
    source: str | Path,
    started_at: datetime,
    **meta: Any,
) -> None:
    """What every command that runs models does with its result: its warnings on
    stderr, its JSON or its tables (``printer``, else its kind's), and saving it."""
    for warning in getattr(result, "warnings", []):
        warn(warning)
    show = printer or get_kind(result.kind).printer_function()
    emit(result, as_json, lambda: show(result, out))
    record(result.kind, result, db=db, save=save, source=source, started_at=started_at, **meta)


def saved_run(
    source: str, db: str | None, check: Callable[[Run], None] | None = None
) -> tuple[Run, Result] | None:
    """The saved run ``source`` names and its result, when ``source`` is a run's id
    (digits that name no file); None when it is a file. ``check`` may refuse the run
    (raise) before its result is read back."""
    if not source.isdigit() or Path(source).exists():
        return None
    with RunStore(db) as store:
        run = store.get(int(source))
        if check is not None:
            check(run)
        return run, store.result(run.id)


def run_scenario(
    kind: str,
    arguments: dict[str, Any],
    *,
    meta: Callable[[Any], dict[str, Any]],
    printer: Callable[[Any, Console], None] | None = None,
    draws_bar: bool = False,
) -> None:
    """What forecast, compare, simulate and sensitivity do: run ``kind``'s function on
    the scenario, then :func:`finish` (warnings, JSON or tables, the saved run).

    ``arguments`` are the command's own (its ``locals()``): the ``scenario`` and the
    :class:`RunOptions` ``options`` are used here (``--force`` goes on to the function);
    every other one goes to the function under its name. The saved run records the
    model, the preset and the parameters, and what ``meta(result)`` adds (its options;
    a forecast's seed). With ``draws_bar`` a bar of the ``draws`` shows on a terminal
    (the function reports to ``progress``).
    """
    started = datetime.now(UTC)
    run = dict(arguments)
    scenario, options = run.pop("scenario"), run.pop("options")
    params = parse_params(options.param)
    shown = draws_bar and show_progress(options.json, out, err)
    with progress_bar(shown, run.get("draws", 0), "draws") as advance:
        if draws_bar:
            run["progress"] = advance
        result = get_kind(kind).function()(scenario, params=params, force=options.force, **run)
    finish(
        result,
        printer=printer,
        as_json=options.json,
        db=options.db,
        save=options.save,
        source=scenario,
        started_at=started,
        model=run["model"],
        preset=run["preset"],
        params=params,
        **meta(result),
    )


def _when(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


#: What ``--scenario`` matches, for its help and for the answer when nothing does.
SCENARIO_MATCHES = (
    "a scenario file (runs of the same scenario, from any file or format, and runs "
    "saved from that path), else part of a scenario title (any case) or the start "
    "of a scenario hash"
)


@runs_app.command("list")
def list_runs(
    scenario: Annotated[
        str | None,
        typer.Option(
            metavar="FILE|TEXT",
            help=f"only the runs of one scenario: {SCENARIO_MATCHES}",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="only runs of one kind: forecast, simulate, ...")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="at most N runs")] = None,
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """List saved runs, newest first."""

    def act() -> None:
        # A value naming a file is a file, even if some title also contains it:
        # whoever types a path means that scenario.
        file = scenario if scenario and Path(scenario).is_file() else None
        with RunStore(db) as store:
            if file is not None:
                runs = store.runs(kind=kind, limit=limit, file=file)
            else:
                runs = store.runs(scenario=scenario, kind=kind, limit=limit)
            empty = not runs and not store.runs(limit=1)
            # As the store's own messages show it: a server's password hidden.
            url = make_url(store.url).render_as_string(hide_password=True)
        if json:
            rows = [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "started_at": r.started_at.isoformat(),
                    "seconds": r.seconds,
                    "scenario_title": r.scenario_title,
                    "scenario_hash": r.scenario_hash,
                    "model": r.model,
                    "preset": r.preset,
                    "seed": r.seed,
                }
                for r in runs
            ]
            sys.stdout.write(jsonlib.dumps(rows, indent=2, ensure_ascii=False) + "\n")
            return
        if not runs:
            _say_none_match(url, empty, scenario, file, kind)
            return
        table = Table(title=escape(f"Saved runs in {url}"), title_justify="left")
        for head in ("id", "when", "kind", "scenario", "hash", "models", "seed"):
            table.add_column(head, justify="right" if head == "id" else "left")
        for r in runs:
            table.add_row(
                str(r.id),
                _when(r.started_at),
                r.kind,
                r.scenario_title,
                r.scenario_hash[:10],
                r.model,
                "" if r.seed is None else str(r.seed),
            )
        out.print(table)

    guarded(act)


def _say_none_match(
    url: str, empty: bool, scenario: str | None, file: str | None, kind: str | None
) -> None:
    """Why ``runs list`` shows nothing: an empty store, or filters that match no run."""
    if empty:
        out.print(
            escape(
                f"no runs saved yet in {url} (every forecast, simulate, sensitivity and "
                "compare is, unless --no-save)"
            ),
            highlight=False,
        )
        return
    asked = []
    if file is not None:
        asked.append(f"the scenario in the file {file}")
    elif scenario:
        asked.append(f"--scenario {scenario!r}")
    if kind:
        known = "" if kind in KINDS else f" (kinds: {', '.join(KINDS)})"
        asked.append(f"--kind {kind!r}{known}")
    out.print(
        escape(f"no saved run in {url} matches {' and '.join(asked)}"),
        highlight=False,
        soft_wrap=True,
    )
    if scenario:
        out.print(escape(f"--scenario matches {SCENARIO_MATCHES}"), highlight=False)


@runs_app.command("show")
def show(
    run_id: Annotated[int, typer.Argument(help="run id (see detente runs list)")],
    db: DbOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show one saved run: what was run, on what, and its result."""

    def act() -> None:
        with RunStore(db) as store:
            run = store.get(run_id)
            kept = store.draws(run_id) if run.kind == "simulate" else []
        if json:
            sys.stdout.write(jsonlib.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n")
            return
        out.print(f"[bold]run {run.id}[/bold]: {run.kind} of {run.scenario_title}", highlight=False)
        facts = Table(show_header=False, box=None)
        facts.add_column(style="dim")
        facts.add_column()
        for key, value in (
            ("started", _when(run.started_at)),
            ("took", f"{run.seconds:.2f} s"),
            ("models", run.model),
            ("preset", run.preset or "default"),
            ("parameters", jsonlib.dumps(run.params, ensure_ascii=False)),
            ("seed", "" if run.seed is None else str(run.seed)),
            ("options", jsonlib.dumps(run.options, ensure_ascii=False)),
            ("scenario hash", run.scenario_hash),
            ("source", run.source or ""),
            ("detente", run.detente_version),
        ):
            facts.add_row(key, value)
        if run.kind == "simulate":
            facts.add_row(
                "draws kept",
                f"{', '.join(dict.fromkeys(d.model for d in kept))} "
                f"(detente runs export {run.id} --draws)"
                if kept
                else "none (summaries only)",
            )
        out.print(facts)
        result = get_kind(run.kind).from_dict(run.result, run.load_scenario(), run.detail, kept)
        printer = get_kind(run.kind).printer_function()
        if run.options.get("screen") == "headline":
            # Printed as the command printed it: the one-screen headline.
            from detente.render.headline import print_headline as printer
        elif run.options.get("detail") is True:
            # ... or with every score (``detente track --detail``).
            printer = partial(printer, detail=True)
        printer(result, out)
        out.print(f"[dim]all of it: detente runs show {run.id} --json[/dim]", highlight=False)

    guarded(act)


@runs_app.command("export")
def export(
    run_id: Annotated[int, typer.Argument(help="run id (see detente runs list)")],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv or parquet (its numbers), json (all of it); default: the output's "
            "extension, else json",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="file to write, in the format its extension names (default: run-ID.FORMAT, "
            "run-ID-draws.FORMAT)",
        ),
    ] = None,
    draws: Annotated[
        bool,
        typer.Option(
            "--draws",
            help="simulate runs: every draw's forecast per issue and gain per actor, per "
            "model (csv, parquet: one row per number; json: the whole run plus its draws)",
        ),
    ] = False,
    db: DbOpt = None,
) -> None:
    """Export a saved run: its long table of numbers (csv, parquet) or everything (json)."""

    def act() -> None:
        fmt: str | None = format
        if output is None:
            fmt = (format or "json").lower()
            if fmt not in EXPORT_FORMATS:
                raise StoreError(
                    f"unknown format {format!r}; valid formats: {', '.join(EXPORT_FORMATS)}"
                )
            target = Path(f"run-{run_id}{'-draws' if draws else ''}.{fmt}")
        else:
            target = output  # its extension names the format (the store checks --format)
        with RunStore(db) as store:
            written = store.export(run_id, fmt, target, draws=draws)
        out.print(f"wrote {written}", highlight=False)

    guarded(act)


@runs_app.command("rm")
def remove(
    run_ids: Annotated[list[int], typer.Argument(help="run ids to remove")],
    db: DbOpt = None,
) -> None:
    """Remove saved runs."""

    def act() -> None:
        with RunStore(db) as store:
            for run_id in run_ids:
                store.delete(run_id)
                out.print(f"removed run {run_id}", highlight=False)

    guarded(act)
