"""``detente runs list|show|export|rm``, and the ``--db``/``--no-save`` options every
command that runs models shares (:func:`record` saves one run)."""

from __future__ import annotations

import json as jsonlib
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import make_url

from detente.cli.common import JsonOpt, app, err, guarded, out, warn
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
        _print_result(run)
        out.print(f"[dim]all of it: detente runs show {run.id} --json[/dim]", highlight=False)

    guarded(act)


def _fmt(x: float | None, digits: int = 1, sign: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def _print_result(run: Run) -> None:
    """The result in tables, from its JSON (the result objects are not kept).

    The same columns as the command that made the run prints.
    """
    scenario = run.load_scenario()
    if run.kind == "forecast":
        _print_forecast_json(scenario, run.result)
    elif run.kind == "simulate":
        _print_simulation_json(scenario, run.result)
    elif run.kind == "sensitivity":
        from detente.cli.simulate import print_sensitivity_data  # it imports this module

        print_sensitivity_data(scenario, run.result, out)
    elif run.kind == "compare":
        _print_comparison_json(scenario, run.result, run.options.get("descriptions") or {})
    elif run.kind == "track":
        from detente.cli.track import print_track_json  # it imports this module

        print_track_json(run.result, out)
    for note in run.result.get("notes", []):
        out.print(f"[dim]note: {escape(note)}[/dim]", highlight=False)
    for name, reason in run.result.get("skipped", {}).items():
        out.print(f"[yellow]{escape(f'{name} skipped: {reason}')}[/yellow]", highlight=False)


#: Terminal columns from which ``runs show`` draws a simulation's histograms.
HISTOGRAM_WIDTH = 100


def _print_simulation_json(scenario: Scenario, result: dict[str, Any]) -> None:
    """Per model: each issue's point, mean, 90% and 50% intervals and histogram; each
    actor's gain (as ``detente simulate`` prints them)."""
    from detente.cli.simulate import sparkline

    draws, seed = result.get("draws"), result.get("seed")
    for model, res in result.get("models", {}).items():
        out.print()
        issues = Table(title=escape(f"{model}: {draws} draws, seed {seed}"), title_justify="left")
        issues.add_column("issue", min_width=16)
        # Numbers never wrap or shorten; issue names wrap instead, and the
        # histogram shows only where there is room for it (not in 80 columns).
        for head in ("point", "mean", "90% interval", "50% interval"):
            issues.add_column(head, justify="right", no_wrap=True)
        histogram = out.width >= HISTOGRAM_WIDTH
        if histogram:
            issues.add_column("over the scale", no_wrap=True)
        for issue in scenario.issues:
            s = res.get("issues", {}).get(issue.id)
            if s is None:
                continue
            cells = [
                escape(issue.display_name),
                _fmt(res.get("point", {}).get(issue.id)),
                _fmt(s.get("mean")),
                f"{_fmt(s.get('p05'))}–{_fmt(s.get('p95'))}",
                f"{_fmt(s.get('p25'))}–{_fmt(s.get('p75'))}",
            ]
            counts = res.get("histograms", {}).get(issue.id, {}).get("counts")
            if histogram:
                cells.append(
                    f"{issue.scale[0]:g}[dim]▕[/dim]{sparkline(counts)}[dim]▏[/dim]"
                    f"{issue.scale[1]:g}"
                    if counts
                    else ""
                )
            issues.add_row(*cells)
        out.print(issues)
        gains = Table(title=escape(f"Gains against the status quo [{model}]"), title_justify="left")
        for head in ("actor", "mean", "90% interval", "chance of a gain"):
            gains.add_column(head, justify="left" if head == "actor" else "right")
        names = {a.id: a.display_name for a in scenario.actors}
        stats = res.get("gains", {})
        for actor in sorted(stats, key=lambda a: -(stats[a].get("mean") or float("-inf"))):
            g = stats[actor]
            chance = res.get("gain_chance", {}).get(actor)
            gains.add_row(
                escape(names.get(actor, actor)),
                _fmt(g.get("mean"), 3),
                f"{_fmt(g.get('p05'), 3)} – {_fmt(g.get('p95'), 3)}",
                "—" if chance is None else f"{chance:.0%}",
            )
        out.print(gains)
        conv = res.get("converged_share")
        if conv is not None:
            out.print(f"converged in {conv['all']:.1%} of the draws", highlight=False)


def _print_comparison_json(
    scenario: Scenario, result: dict[str, Any], descriptions: dict[str, str]
) -> None:
    """Per model: the baseline's and each variant's forecasts with their changes, and
    the change of each actor's gain (as ``detente compare`` prints them)."""
    for name, text in descriptions.items():
        if text != name:
            out.print(f"[dim]{escape(f'{name}: {text}')}[/dim]", highlight=False)
    variants: dict[str, Any] = result.get("variants", {})
    delta: dict[str, Any] = result.get("delta", {})
    for model, base in result.get("baseline", {}).get("models", {}).items():
        table = Table(title=escape(f"What-ifs: forecasts [{model}]"), title_justify="left")
        table.add_column("issue")
        table.add_column("baseline", justify="right", style="bold")
        for name in variants:
            table.add_column(escape(name), justify="right")
        for issue in scenario.issues:
            cells = []
            for name, variant in variants.items():
                ran = variant.get("models", {}).get(model)
                if ran is None:
                    cells.append("skipped")
                    continue
                change = delta.get(name, {}).get(model, {}).get("forecasts", {}).get(issue.id)
                value = ran.get("forecasts", {}).get(issue.id)
                cells.append(f"{_fmt(value)} ({_fmt(change, sign=True)})")
            table.add_row(
                escape(issue.display_name), _fmt(base.get("forecasts", {}).get(issue.id)), *cells
            )
        out.print(table)
        gains = Table(
            title=escape(f"What-ifs: change of each actor's gain [{model}]"), title_justify="left"
        )
        gains.add_column("actor")
        gains.add_column("baseline gain", justify="right")
        for name in variants:
            gains.add_column(escape(name), justify="right")
        actors = dict.fromkeys(
            [
                *base.get("gains", {}),
                *(a for v in delta.values() for a in v.get(model, {}).get("gains", {})),
            ]
        )
        for actor in actors:
            cells = [
                _fmt(delta.get(name, {}).get(model, {}).get("gains", {}).get(actor), 3, sign=True)
                for name in variants
            ]
            gains.add_row(escape(actor), _fmt(base.get("gains", {}).get(actor), 3), *cells)
        out.print(gains)


def _print_forecast_json(scenario: Scenario, result: dict[str, Any]) -> None:
    table = Table(title="forecasts", title_justify="left")
    table.add_column("issue")
    models = list(result.get("models", {}))
    for name in models:
        table.add_column(name, justify="right")
    for issue in scenario.issues:
        cells = []
        for name in models:
            value = result["models"][name]["forecasts"].get(issue.id)
            cells.append("—" if value is None else f"{value:.1f}")
        table.add_row(issue.display_name, *cells)
    out.print(table)


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
