"""Rich tables for the terminal: forecasts read as words, gains ranked.

The CLI only calls these; a model's own tables are in :mod:`detente.render.models`.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.forecast import Forecast, ModelResult
from detente.render.models import MODEL_TABLES
from detente.scenario import Issue, Scenario


def reading(issue: Issue, value: float | None) -> str:
    """Say where ``value`` lies on the issue's scale, in the scale's own words."""
    if value is None:
        return "no forecast"
    lo, hi = issue.scale
    share = (value - lo) / (hi - lo)
    low, high = (issue.labels.low, issue.labels.high) if issue.labels else ("low end", "high end")
    if share <= 0.1:
        return f"≈ {low}"
    if share >= 0.9:
        return f"≈ {high}"
    if share < 0.4:
        return f"leans to: {low}"
    if share > 0.6:
        return f"leans to: {high}"
    return f"midway between: {low} / {high}"


def _fmt(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def forecast_table(result: ModelResult, scenario: Scenario) -> Table:
    table = Table(title=escape(f"{result.title} [{result.model}]"), title_justify="left")
    table.add_column("issue")
    table.add_column("status quo", justify="right")
    table.add_column("forecast", justify="right", style="bold")
    table.add_column("change", justify="right")
    table.add_column("reading")
    for issue in scenario.issues:
        value = result.forecasts[issue.id]
        change = None if value is None or issue.status_quo is None else value - issue.status_quo
        table.add_row(
            issue.display_name,
            _fmt(issue.status_quo),
            _fmt(value),
            "—" if change is None else f"{change:+.1f}",
            reading(issue, value),
        )
    return table


def gains_table(result: ModelResult, scenario: Scenario) -> Table:
    table = Table(
        title=escape(f"Gains against the status quo [{result.model}]"), title_justify="left"
    )
    table.add_column("actor")
    table.add_column("at table")
    table.add_column("gain", justify="right", style="bold")

    def order(actor_id: str) -> float:
        gain = result.gains[actor_id]
        return float("inf") if gain is None else -gain

    ranked = sorted(scenario.actors, key=lambda a: order(a.id))
    for actor in ranked:
        gain = result.gains[actor.id]
        style = "" if gain is None else "green" if gain > 0 else "red" if gain < 0 else ""
        table.add_row(
            actor.display_name, "yes" if actor.at_table else "no", _fmt(gain, 3), style=style
        )
    return table


def ratification_table(result: ModelResult, scenario: Scenario) -> Table | None:
    """Would the table's deal stick: who accepts it, and the nearest package all accept."""
    r = result.ratification
    if r is None:
        return None
    blocks = [a for a, ok in r["accepts"].items() if not ok]
    verdict = (
        "accepted by every veto player"
        if r["accepted"]
        else ("rejected by " + ", ".join(scenario.actor(a).display_name for a in blocks))
    )
    table = Table(title=escape(f"Would it stick? {verdict} [{result.model}]"), title_justify="left")
    table.add_column("issue")
    table.add_column("table's deal", justify="right")
    table.add_column("nearest acceptable", justify="right", style="bold")
    table.add_column("change", justify="right")
    for issue in scenario.issues:
        value, nearest = result.forecasts[issue.id], r["nearest"][issue.id]
        change = None if value is None or nearest is None else nearest - value
        table.add_row(
            issue.display_name,
            _fmt(value),
            _fmt(nearest),
            "—" if change is None else "0.0" if abs(change) < 0.05 else f"{change:+.1f}",
        )
    if r["binding"]:
        names = ", ".join(scenario.actor(a).display_name for a in r["binding"])
        table.caption = escape(f"binding at the nearest package: {names}")
    return table


def print_forecast(result: Forecast, console: Console) -> None:
    scenario = result.scenario
    console.print(f"[bold]{scenario.title}[/bold]")
    for model in result.models.values():
        console.print()
        console.print(forecast_table(model, scenario))
        if any(g is not None for g in model.gains.values()):
            console.print(gains_table(model, scenario))
        verdict = ratification_table(model, scenario)
        if verdict is not None:
            console.print(verdict)
        extra = MODEL_TABLES.get(model.model)
        if extra is not None:
            extra(model, scenario, console)
        for note in model.outcome.notes:
            console.print(f"[dim]note: {note}[/dim]")
    for name, reason in result.skipped.items():
        console.print(f"[yellow]{name} skipped: {reason}[/yellow]")
