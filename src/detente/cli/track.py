"""``detente track``: a folder of dated scenarios, forecast in date order and scored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.cli.common import (
    ForceOpt,
    JsonOpt,
    ParamOpt,
    PresetOpt,
    app,
    guarded,
    parse_params,
)
from detente.cli.runs import DbOpt, SaveOpt, finish
from detente.results.track import InputChange, Track
from detente.track import input_text
from detente.track import track as run_track

#: How a change's field reads in the table.
FIELD_WORDS = {
    "positions": "position",
    "at_table": "at table",
    "status_quo": "status quo",
    "no_deal": "no-deal point",
    "no_deal_cost": "cost of no deal",
    "actor": "actor",
    "issue": "issue",
}
KIND_WORDS = {"outcome": "outcomes (signed or decided)", "proposal": "proposals (tabled texts)"}
NOT_AN_OUTCOME = (
    "A proposal is not an outcome: it says where a party or a mediator wanted an issue to "
    "land, not where it landed. The two are scored apart."
)


def _num(x: Any) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def value_text(value: Any) -> str:
    """An input as the table shows it: ``65 [50–80]``, ``yes``, ``—``."""
    return input_text(value, _num)


def _what(change: InputChange, names: dict[str, str]) -> tuple[str, str]:
    """Who (an actor's name, or the issue's id) and what (the field, on which issue)."""
    field = FIELD_WORDS.get(change.field, change.field)
    if change.actor is None:
        return change.issue or "—", field
    who = names.get(change.actor, change.actor)
    return who, f"{field} on {change.issue}" if change.issue else field


def headline_table(result: Track) -> Table:
    """Per snapshot and issue: central forecast, 90% forecast interval, status quo."""
    table = Table(
        title="Headline forecast [90% forecast interval], status quo below",
        title_justify="left",
    )
    table.add_column("as of")
    for iid in result.issue_ids:
        table.add_column(escape(iid), justify="right")
    for point in result.points:
        central = point.summary["central"]
        band = point.summary["interval"]["90"]
        cells = []
        for iid in result.issue_ids:
            if central.get(iid) is None:
                cells.append("—")
                continue
            lo, hi = band[iid]
            quo = value_text(point.status_quo.get(iid))
            cells.append(f"[bold]{central[iid]:.0f}[/bold] [{lo:.0f}–{hi:.0f}]\n[dim]{quo}[/dim]")
        table.add_row(point.snapshot.as_of.isoformat(), *cells)
    return table


def changes_table(result: Track, k: int) -> Table:
    point, before = result.points[k], result.points[k - 1]
    scenario = point.snapshot.scenario
    names = {a.id: a.display_name for a in scenario.actors}
    table = Table(
        title=escape(
            f"{point.snapshot.as_of.isoformat()} ({Path(point.snapshot.file).name}): "
            f"what changed since {before.snapshot.as_of.isoformat()}"
        ),
        title_justify="left",
    )
    table.add_column("who", max_width=16)
    table.add_column("what", max_width=24)
    table.add_column("from → to", no_wrap=True)
    table.add_column("why (the analyst's note)", ratio=1)
    for change in point.changes:
        who, what = _what(change, names)
        table.add_row(
            escape(who),
            escape(what),
            f"{value_text(change.before)} → {value_text(change.after)}",
            escape(change.note or "—"),
        )
    return table


def scores_table(result: Track, kind: str) -> Table:
    table = Table(
        title=f"Scored against later {KIND_WORDS[kind]}", title_justify="left", min_width=60
    )
    table.add_column("forecast as of")
    table.add_column("observations", justify="right")
    table.add_column("mean abs. error", justify="right")
    table.add_column("inside the 90% interval", justify="right")
    for day, acc in result.accuracy(kind).items():
        table.add_row(
            day.isoformat(),
            f"{acc['n']:.0f}",
            f"{acc['mae']:.1f}",
            f"{acc['inside_90'] * acc['n']:.0f} of {acc['n']:.0f}",
        )
    return table


def detail_table(result: Track) -> Table:
    table = Table(title="Every score", title_justify="left")
    for column in ("as of", "issue", "observed on", "kind", "observed", "forecast", "error"):
        table.add_column(column, justify="right" if column in ("observed", "forecast") else "left")
    table.add_column("in 90%")
    for s in result.scores:
        table.add_row(
            s.as_of.isoformat(),
            s.issue,
            s.observed_on.isoformat(),
            s.kind,
            _num(s.observed),
            f"{s.forecast:.1f}",
            f"{s.error:.1f}",
            "yes" if s.inside_90 else "no",
        )
    return table


def print_track(result: Track, console: Console, detail: bool = False) -> None:
    first, last = result.points[0], result.points[-1]
    console.print(
        f"[bold]{escape(last.snapshot.scenario.title)}[/bold]\n"
        f"{len(result.points)} snapshots, {first.snapshot.as_of} to {last.snapshot.as_of}; "
        f"model {result.model}"
    )
    method = last.summary.get("method")
    if method:
        console.print(f"[dim]headline: {escape(str(method))}[/dim]")
    calibration = last.summary.get("calibration")
    if calibration:
        console.print(f"[dim]intervals: {escape(str(calibration))}[/dim]")
    console.print(headline_table(result))
    for k in range(1, len(result.points)):
        console.print(changes_table(result, k))
    if not result.observations:
        console.print("[dim]No observations: give --observed FILE to score the forecasts.[/dim]")
        return
    kinds = result.kinds()
    if len(kinds) > 1 or (result.observations and len({o.kind for o in result.observations}) > 1):
        console.print(f"[bold]{NOT_AN_OUTCOME}[/bold]")
    for kind in kinds:
        console.print(scores_table(result, kind))
    if detail:
        console.print(detail_table(result))


@app.command()
def track(
    paths: Annotated[
        list[Path], typer.Argument(help="a folder of dated scenarios, or the scenario files")
    ],
    observed: Annotated[
        Path | None, typer.Option(help="observations file (YAML) to score the forecasts against")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", "-m", help="a model's forecast and intervals instead of the headline"
        ),
    ] = None,
    preset: PresetOpt = None,
    param: ParamOpt = None,
    detail: Annotated[bool, typer.Option(help="list every score")] = False,
    json: JsonOpt = False,
    db: DbOpt = None,
    save: SaveOpt = True,
    force: ForceOpt = False,
) -> None:
    """Forecast each dated snapshot in date order: what changed, and how it fared."""

    def act() -> None:
        started = datetime.now(UTC)
        params = parse_params(param)
        result = run_track(
            paths, observed=observed, model=model, preset=preset, params=params, force=force
        )
        finish(
            result,
            printer=lambda r, console: print_track(r, console, detail),
            as_json=json,
            db=db,
            save=save,
            source=result.points[-1].snapshot.file,
            started_at=started,
            model=result.model,
            preset=preset,
            params=params,
            options={
                "snapshots": [p.snapshot.file for p in result.points],
                "observed": result.observed_files,
                # So that ``detente runs show`` prints what this printed.
                **({"detail": True} if detail else {}),
            },
        )

    guarded(act)
