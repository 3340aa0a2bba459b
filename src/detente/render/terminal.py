"""The terminal's tables, one printer per kind of run, reading only its result.

``detente forecast|simulate|sensitivity|compare`` print a fresh result with
these, and ``detente runs show`` prints a saved one with the same printer
(:data:`detente.kinds.KINDS`), so a saved run shows exactly the tables the
command printed. Every name an analyst wrote is escaped: Rich would read
``[...]`` in it as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.numbers import fmt
from detente.render.models import MODEL_TABLES
from detente.results import Comparison, Forecast, ModelResult, Sensitivity, Simulation
from detente.results.comparison import Delta
from detente.results.simulation import ModelSimulation
from detente.scenario import Issue, Scenario

SPARKS = " ▁▂▃▄▅▆▇█"
#: Terminal columns from which a simulation's table draws each issue's histogram.
HISTOGRAM_WIDTH = 100
#: Rows of a sensitivity table per issue (``--json`` has them all).
SHOWN_INPUTS = 8


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


def _heading(console: Console, scenario: Scenario) -> None:
    console.print(f"[bold]{escape(scenario.title)}[/bold]")


def _tail(console: Console, notes: list[str], skipped: dict[str, str]) -> None:
    """The notes of a run, and the models it skipped and why."""
    for note in notes:
        console.print(f"[dim]note: {escape(note)}[/dim]", highlight=False)
    for name, reason in skipped.items():
        console.print(f"[yellow]{escape(f'{name} skipped: {reason}')}[/yellow]", highlight=False)


def forecast_table(result: ModelResult, scenario: Scenario) -> Table:
    """Each issue's status quo, forecast, change and what the forecast means."""
    table = Table(title=escape(f"{result.title} [{result.model}]"), title_justify="left")
    table.add_column("issue")
    table.add_column("status quo", justify="right")
    table.add_column("forecast", justify="right", style="bold")
    table.add_column("change", justify="right")
    table.add_column("reading")
    for issue in scenario.issues:
        value = result.forecasts.get(issue.id)
        change = None if value is None or issue.status_quo is None else value - issue.status_quo
        table.add_row(
            escape(issue.display_name),
            fmt(issue.status_quo),
            fmt(value),
            fmt(change, sign=True),
            escape(reading(issue, value)),
        )
    return table


def gains_table(result: ModelResult, scenario: Scenario) -> Table:
    """Every actor's gain against the status quo, largest first."""
    table = Table(
        title=escape(f"Gains against the status quo [{result.model}]"), title_justify="left"
    )
    table.add_column("actor")
    table.add_column("at table")
    table.add_column("gain", justify="right", style="bold")

    def order(actor_id: str) -> float:
        gain = result.gains.get(actor_id)
        return float("inf") if gain is None else -gain

    for actor in sorted(scenario.actors, key=lambda a: order(a.id)):
        gain = result.gains.get(actor.id)
        style = "" if gain is None else "green" if gain > 0 else "red" if gain < 0 else ""
        table.add_row(
            escape(actor.display_name), "yes" if actor.at_table else "no", fmt(gain, 3), style=style
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
            escape(issue.display_name),
            fmt(value),
            fmt(nearest),
            "—" if change is None else "0.0" if abs(change) < 0.05 else f"{change:+.1f}",
        )
    if r["binding"]:
        names = ", ".join(scenario.actor(a).display_name for a in r["binding"])
        table.caption = escape(f"binding at the nearest package: {names}")
    return table


def print_forecast(result: Forecast, console: Console) -> None:
    """Per model: forecasts, gains, the model's own tables and its notes."""
    scenario = result.scenario
    _heading(console, scenario)
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
            console.print(f"[dim]note: {escape(note)}[/dim]")
    _tail(console, [], result.skipped)


def sparkline(counts: list[int]) -> str:
    """A histogram in one line of block characters (blank = no draw there)."""
    top = max(counts) or 1
    return "".join(
        SPARKS[0] if c == 0 else SPARKS[max(1, round(c / top * (len(SPARKS) - 1)))] for c in counts
    )


def simulation_tables(
    sim: Simulation, model: ModelSimulation, histogram: bool = True
) -> list[Table]:
    """Per issue the point forecast, mean, 90% and 50% intervals (and, with
    ``histogram``, the draws over the scale); per actor the gain's."""
    scenario = sim.scenario
    issues = Table(
        title=escape(f"{model.model}: {sim.draws} draws, seed {sim.seed} ({model.title})"),
        title_justify="left",
    )
    # Numbers never wrap or shorten; issue names wrap instead.
    issues.add_column("issue", min_width=16)
    for head in ("point", "mean", "90% interval", "50% interval"):
        issues.add_column(head, justify="right", no_wrap=True)
    if histogram:
        issues.add_column("over the scale", no_wrap=True)
    summary, counts = model.issues(), model.histograms()
    for issue in scenario.issues:
        s = summary.get(issue.id)
        if s is None:
            continue
        cells = [
            escape(issue.display_name),
            fmt(model.point.get(issue.id)),
            fmt(s["mean"]),
            f"{fmt(s['p05'])}–{fmt(s['p95'])}",
            f"{fmt(s['p25'])}–{fmt(s['p75'])}",
        ]
        if histogram:
            bins = [int(c) for c in counts.get(issue.id, {}).get("counts", [])]
            cells.append(
                f"{issue.scale[0]:g}[dim]▕[/dim]{sparkline(bins)}[dim]▏[/dim]{issue.scale[1]:g}"
                if bins
                else ""
            )
        issues.add_row(*cells)
    gains = Table(
        title=escape(f"Gains against the status quo [{model.model}]"), title_justify="left"
    )
    for head in ("actor", "mean", "90% interval", "chance of a gain"):
        gains.add_column(head, justify="left" if head == "actor" else "right")
    stats, chance = model.gain_stats(), model.gain_chance()
    shown = [a for a in scenario.actors if a.id in stats]
    for actor in sorted(shown, key=lambda a: -(stats[a.id]["mean"] or float("-inf"))):
        g, p = stats[actor.id], chance.get(actor.id)
        gains.add_row(
            escape(actor.display_name),
            fmt(g["mean"], 3),
            f"{fmt(g['p05'], 3)} – {fmt(g['p95'], 3)}",
            "—" if p is None else f"{p:.0%}",
        )
    return [issues, gains]


def print_simulation(sim: Simulation, console: Console) -> None:
    """The uncertain inputs; per model the tables of :func:`simulation_tables` and the
    share of draws that converged."""
    _heading(console, sim.scenario)
    names = ", ".join(i.name for i in sim.inputs) or "none"
    console.print(escape(f"{len(sim.inputs)} uncertain inputs: {names}"), highlight=False)
    for model in sim.models.values():
        console.print()
        for table in simulation_tables(sim, model, console.width >= HISTOGRAM_WIDTH):
            console.print(table)
        conv = model.converged_share()
        if conv is not None:
            console.print(f"converged in {conv['all']:.1%} of the draws", highlight=False)
        shares = model.summary.get("ratification")
        if shares is not None:
            each = ", ".join(
                f"{_names(sim.scenario, [a])} {x:.0%}" for a, x in shares["accepts_share"].items()
            )
            line = (
                f"the deal sticks (every veto player accepts) in {shares['accepted_share']:.1%} "
                f"of the draws; each veto player accepts in: {each}"
            )
            console.print(escape(line), highlight=False)
    _tail(console, sim.notes, sim.skipped)


def print_sensitivity(result: Sensitivity, console: Console) -> None:
    """Per model and issue, the inputs the forecast hinges on most."""
    scenario = result.scenario
    _heading(console, scenario)
    console.print(
        f"total-order Sobol indices from {result.draws} base draws "
        f"({result.evaluations} model runs), seed {result.seed}; "
        "low/high: the forecast with the input at its low/high end",
        highlight=False,
    )
    for name, model in result.models.items():
        for issue in scenario.issues:
            ranked = model.ranking.get(issue.id, [])
            shown = [r for r in ranked if (r.index or 0) > 0 or r.swing > 0][:SHOWN_INPUTS]
            table = Table(
                title=escape(
                    f"{issue.display_name}: forecast {fmt(model.point.get(issue.id))} [{name}]"
                ),
                title_justify="left",
            )
            for head in ("input", "index", "± se", "first order", "low", "high", "swing"):
                table.add_column(head, justify="left" if head == "input" else "right")
            for r in shown:
                table.add_row(
                    escape(r.input),
                    fmt(r.index, 3),
                    fmt(r.index_se, 3),
                    fmt(r.first_order, 3),
                    fmt(r.low),
                    fmt(r.high),
                    fmt(r.swing),
                )
            console.print()
            console.print(table)
            if len(ranked) > len(shown):
                console.print(
                    f"[dim]{len(ranked) - len(shown)} more inputs, with less or no effect[/dim]",
                    highlight=False,
                )
    _tail(console, result.notes, result.skipped)


def print_comparison(result: Comparison, console: Console) -> None:
    """Per model: the baseline's and each variant's forecasts with their changes, and
    the change of each actor's gain."""
    scenario = result.scenario
    _heading(console, scenario)
    for name, described in result.descriptions.items():
        if described != name:
            console.print(f"[dim]{escape(f'{name}: {described}')}[/dim]", highlight=False)
    delta = result.delta()
    for model, base in result.baseline.models.items():
        table = Table(title=escape(f"What-ifs: forecasts [{model}]"), title_justify="left")
        table.add_column("issue")
        table.add_column("baseline", justify="right", style="bold")
        for name in result.variants:
            table.add_column(escape(name), justify="right")
        for issue in scenario.issues:
            cells = []
            for name, variant in result.variants.items():
                if model not in variant.models:
                    cells.append("skipped")
                    continue
                value = variant.models[model].forecasts.get(issue.id)
                change = delta[name][model]["forecasts"].get(issue.id)
                cells.append(f"{fmt(value)} ({fmt(change, sign=True)})")
            table.add_row(escape(issue.display_name), fmt(base.forecasts.get(issue.id)), *cells)
        console.print(table)
        console.print(_gain_changes(result, model, delta))
        verdicts = _acceptance_changes(result, model)
        if verdicts is not None:
            console.print(verdicts)


def _gain_changes(result: Comparison, model: str, delta: Delta) -> Table:
    """Each actor's gain in the baseline, and its change in each variant."""
    base = result.baseline.models[model]
    gains = Table(
        title=escape(f"What-ifs: change of each actor's gain [{model}]"), title_justify="left"
    )
    gains.add_column("actor")
    gains.add_column("baseline gain", justify="right")
    for name in result.variants:
        gains.add_column(escape(name), justify="right")
    actors = dict.fromkeys(
        [*base.gains, *(a for v in delta.values() for a in v.get(model, {}).get("gains", {}))]
    )
    for actor in actors:
        cells = [
            fmt(delta[name].get(model, {}).get("gains", {}).get(actor), 3, sign=True)
            for name in result.variants
        ]
        gains.add_row(escape(actor), fmt(base.gains.get(actor), 3), *cells)
    return gains


def _names(scenario: Scenario, actor_ids: list[str]) -> str:
    """Actors by their display names (ids a variant's scenario no longer has, as ids)."""
    return ", ".join(
        scenario.actor(a).display_name if a in scenario.actor_ids else a for a in actor_ids
    )


def _acceptance_changes(result: Comparison, model: str) -> Table | None:
    """Would the deal stick, in the baseline and each variant (a column each, as in the
    forecasts' table): whether every veto player accepts the model's forecast, who
    rejects it, whose conditions bind at the nearest acceptable package, and that
    package issue by issue; None when nobody holds a veto anywhere."""
    runs = {"baseline": result.baseline, **result.variants}
    verdicts = {name: f.models[model].ratification for name, f in runs.items() if model in f.models}
    if all(v is None for v in verdicts.values()):
        return None
    table = Table(
        title=escape(f"What-ifs: would it stick? nearest acceptable package [{model}]"),
        title_justify="left",
    )
    table.add_column("")
    for name in verdicts:
        # Names fold rather than shorten: the columns must stay told apart.
        table.add_column(escape(name), justify="right", overflow="fold")

    def row(label: str, cell: Callable[[dict[str, Any]], str]) -> None:
        table.add_row(label, *("—" if v is None else cell(v) for v in verdicts.values()))

    def names(ids: list[str]) -> str:
        return escape(_names(result.scenario, ids)) or "none"

    row("sticks", lambda v: "yes" if v["accepted"] else "[red]no[/red]")
    row("rejected by", lambda v: names([a for a, ok in v["accepts"].items() if not ok]))
    row("binding", lambda v: names(v["binding"]))
    for issue in result.scenario.issues:
        table.add_row(
            escape(issue.display_name),
            *("—" if v is None else fmt(v["nearest"].get(issue.id)) for v in verdicts.values()),
        )
    table.caption = "—: no veto player in that scenario; issue rows: the nearest acceptable package"
    return table
