"""One screen for ``detente forecast``: the headline, who gains, one line per model.

What a reader needs first: per issue the status quo, the central forecast
(:mod:`detente.summary`), its 90% forecast interval, how far apart the
models are and what the central forecast means in the scale's words; then
each actor's gain as a share of the most it could gain (every issue landing
at its own position, from the status quo), with a sentence that says what
the biggest winner won; then one line per model. ``--detail`` or ``--model
M`` prints the per-model tables instead (:func:`detente.render.terminal.print_forecast`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.arrays import ScenarioArrays
from detente.forecast import Forecast
from detente.gains import gains, most_gain
from detente.render.terminal import reading
from detente.scenario import Scenario


def _fmt(x: float | None, digits: int = 0) -> str:
    return "—" if x is None or np.isnan(x) else f"{x:.{digits}f}"


def headline_table(result: Forecast) -> Table:
    summary = result.summary or {}
    scenario = result.scenario
    table = Table(box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    table.add_column("issue", overflow="fold", max_width=22)
    table.add_column("status\nquo", justify="right")
    table.add_column("central", justify="right")
    table.add_column("90%\ninterval", justify="center")
    table.add_column("models", justify="center")
    table.add_column("reading", overflow="fold", max_width=40)
    for issue in scenario.issues:
        central = summary.get("central", {}).get(issue.id)
        band = summary.get("interval", {}).get("90", {}).get(issue.id)
        values = [
            m.forecasts[issue.id]
            for name, m in result.models.items()
            if name != "headline" and m.forecasts.get(issue.id) is not None
        ]
        table.add_row(
            escape(issue.display_name),
            _fmt(issue.status_quo),
            f"[bold]{_fmt(central, 1)}[/bold]",
            "—" if band is None else f"{band[0]:.0f}–{band[1]:.0f}",
            f"{min(values):.0f}–{max(values):.0f}" if values else "—",  # type: ignore[type-var]
            escape(reading(issue, central)),
        )
    return table


def gains_table(result: Forecast) -> tuple[Table, list[str]]:
    """Each actor's gain under the central forecast, as a share of the most it could gain,
    and a sentence on the biggest winner."""
    scenario = result.scenario
    arrays = scenario.to_arrays()
    summary = result.summary or {}
    central = np.array(
        [np.nan if (v := summary["central"].get(i)) is None else v for i in arrays.issue_ids]
    )
    normalised = arrays.to_unit(central)
    gain, most = gains(arrays, normalised), most_gain(arrays)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("actor", no_wrap=True, overflow="ellipsis", max_width=18)
    table.add_column("seated")
    table.add_column("gain", justify="right")
    table.add_column("where it moved most", overflow="fold", max_width=62)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = gain / most
    order = np.argsort(-np.nan_to_num(share, nan=-np.inf), kind="stable")
    for a in order:
        actor = scenario.actors[a]
        s = share[a]
        style = "green" if s > 0 else "red" if s < 0 else ""
        table.add_row(
            escape(actor.display_name),
            "yes" if actor.at_table else "no",
            f"[{style}]{_fmt(100 * s)}%[/{style}]" if style else f"{_fmt(100 * s)}%",
            escape(_where(scenario, arrays, a, normalised, top=1)),
        )
    # One sentence per seated actor (those the talks were for); anyone if none is seated.
    seated = [int(a) for a in order if scenario.actors[a].at_table] or [int(order[0])]
    sentences = [
        f"What did {scenario.actors[a].display_name} win? "
        + (
            f"{share[a]:.0%} of the most it could gain"
            if share[a] >= 0
            else f"it lost {-share[a]:.0%} of the most it could gain"
        )
        + f" ({_where(scenario, arrays, a, normalised)})."
        for a in seated[:3]
    ]
    return table, sentences


def _where(
    scenario: Scenario, arrays: ScenarioArrays, a: int, central: np.ndarray, top: int = 2
) -> str:
    """The ``top`` issues where actor ``a`` gains or loses most, in points moved towards it
    (one in the table, so that a row stays a line or two; two in the sentences)."""
    q, x = arrays.status_quo, arrays.positions[a]
    width = arrays.scale_high - arrays.scale_low
    moved = (np.abs(q - x) - np.abs(central - x)) * width
    parts = []
    for k in np.argsort(-np.abs(np.nan_to_num(moved)), kind="stable")[:top]:
        if np.isnan(moved[k]) or abs(moved[k]) < 0.5:
            continue
        verb = "towards" if moved[k] > 0 else "away from"
        parts.append(f"{scenario.issues[k].display_name} {abs(moved[k]):.0f} pts {verb} it")
    return "; ".join(parts) or "nothing moves on its issues"


def models_table(result: Forecast) -> Table:
    scenario = result.scenario
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("model")
    for issue in scenario.issues:
        table.add_column(escape(issue.id), justify="right")
    for name, model in result.models.items():
        table.add_row(name, *(_fmt(model.forecasts.get(i.id)) for i in scenario.issues))
    return table


def stick_sentence(result: Forecast, verdict: dict[str, Any]) -> str:
    """Would the headline's deal stick: who rejects it, and the nearest acceptable package."""
    scenario = result.scenario
    if verdict["accepted"]:
        return "Would it stick? Every veto player accepts the central forecast."
    names = ", ".join(
        scenario.actor(a).display_name for a, ok in verdict["accepts"].items() if not ok
    )
    nearest = "; ".join(
        f"{scenario.issue(i).display_name} {_fmt(x)}" for i, x in verdict["nearest"].items()
    )
    return (
        f"Would it stick? No: {names} reject the central forecast. The nearest package every "
        f"veto player accepts: {nearest}."
    )


def print_headline(result: Forecast, console: Console) -> None:
    """The one-screen answer (see the module docstring)."""
    summary = result.summary or {}
    console.print(f"[bold]{escape(result.scenario.title)}[/bold]")
    console.print(headline_table(result))
    console.print(
        "[dim]central: the headline, the weighted mean of the seated actors; 90% interval: "
        f"the forecast interval (model error), {escape(summary.get('calibration', ''))}; "
        "models: the range of the models' forecasts.[/dim]"
    )
    table, sentences = gains_table(result)
    console.print()
    console.print(
        "[bold]Who gains[/bold] under the central forecast, as a share of the most each actor "
        "could gain: every issue at its own position, from the status quo (below -100%: it "
        "loses more than it could have won)"
    )
    console.print(table)
    for sentence in sentences:
        console.print(escape(sentence))
    verdict = summary.get("ratification")
    if verdict is not None:
        console.print()
        console.print(escape(stick_sentence(result, verdict)))
    console.print()
    console.print("[bold]Each model[/bold] (--detail or --model M for its tables)")
    console.print(models_table(result))
    for name, reason in result.skipped.items():
        console.print(f"[yellow]{name} skipped: {escape(reason)}[/yellow]")
