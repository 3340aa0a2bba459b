"""What each model adds to the terminal after the common forecast and gains tables.

Keyed by model name in :data:`MODEL_TABLES`; the models themselves never print.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detente.arrays import FloatArray, ScenarioArrays
from detente.models.compromise import weighted_mean
from detente.models.eu.formulas import CHALLENGES, KIND_NAMES, YIELDS
from detente.models.median import weighted_median
from detente.numbers import fmt
from detente.results.forecast import ModelResult
from detente.scenario import Issue, Scenario


def eu_tables(result: ModelResult, scenario: Scenario, console: Console) -> None:
    """Per issue: the rounds in brief, and who challenges and yields to whom in round 1
    (the model's first round as its result keeps it)."""
    rule = str(result.params.get("decision_rule", "median"))
    arrays = scenario.to_arrays()
    first = result.outcome.detail.get("first_round", {})
    for k, issue in enumerate(scenario.issues):
        console.print(_rounds_table(result, scenario, arrays, rule, k))
        kept = first.get(issue.id)
        if kept is not None and max(kept["start"]) > min(kept["start"]):
            console.print(_bilateral_table(issue, kept))


_SHOWN_ACTOR_COLUMNS = 8
_SHOWN_ROUNDS = 12
_SHOWN_NAMES = 4
_SHOWN_ACTOR_ROWS = 30


def _rounds_table(
    result: ModelResult, scenario: Scenario, arrays: ScenarioArrays, rule: str, k: int
) -> Table:
    """Each round's weighted median and mean, how many moved, and (when few) each
    actor's position."""
    issue = scenario.issues[k]
    members = np.flatnonzero(arrays.active[:, k])
    ids = [arrays.actor_ids[a] for a in members]
    steps = result.rounds or []
    x = np.array(
        [[np.nan if (v := step[issue.id][a]) is None else v for a in ids] for step in steps]
    )
    w = np.broadcast_to(arrays.weight[members, k], x.shape)
    # Actors off the table (or without weight here) hold their positions; listed, not counted.
    idle = [
        a
        for a in arrays.actor_ids
        if a not in ids and steps and steps[0][issue.id].get(a) is not None
    ]
    median = weighted_median(x[:, :, None], w[:, :, None])[:, 0]
    mean = weighted_mean(x[:, :, None], w[:, :, None])[:, 0]
    moved = np.concatenate([[0], (np.diff(x, axis=0) != 0).sum(axis=1)])
    table = Table(
        title=escape(f"Rounds on {issue.display_name} [eu, {result.preset}]"),
        title_justify="left",
    )
    table.add_column("round", justify="right")
    for kind in ("median", "mean"):
        table.add_column(kind, justify="right", style="bold" if kind == rule else "")
    table.add_column("moved", justify="right")
    per_actor = len(ids) + len(idle) <= _SHOWN_ACTOR_COLUMNS
    if per_actor:
        for a in ids:
            table.add_column(escape(a), justify="right")
        for a in idle:
            table.add_column(escape(f"{a} (off)"), justify="right", style="dim")
    shown: list[int] = list(range(len(x)))
    if len(x) > _SHOWN_ROUNDS:
        half = _SHOWN_ROUNDS // 2
        shown = [*range(half), -1, *range(len(x) - half, len(x))]
    for t in shown:
        if t < 0:
            table.add_row("…")
            continue
        cells = [str(t), f"{median[t]:.3f}", f"{mean[t]:.3f}", str(moved[t])]
        if per_actor:
            cells += [f"{v:.1f}" for v in x[t]]
            cells += [f"{steps[t][issue.id][a]:.1f}" for a in idle]
        table.add_row(*cells)
    state = result.outcome.extras.get("dynamics", {}).get(issue.id, "")
    table.caption = f"{state}; the forecast: weighted {rule} (bold)"
    return table


def _names(ids: list[str], order: FloatArray, labels: list[str]) -> str:
    ranked = [escape(f"{ids[j]} ({labels[j]})") for j in np.argsort(-order, kind="stable")]
    if not ranked:
        return "—"
    more = len(ranked) - _SHOWN_NAMES
    return ", ".join(ranked[:_SHOWN_NAMES]) + (f", +{more} more" if more > 0 else "")


def _bilateral_table(issue: Issue, first: dict[str, Any]) -> Table:
    """Round 1 from each of the heaviest actors' side: whom it challenges, to whom it
    yields, and where it moves."""
    ids: list[str] = first["actors"]
    kinds = np.asarray(first["kinds"], dtype=int)
    a, b = np.asarray(first["eu_challenge"]), np.asarray(first["eu_rival"])
    table = Table(
        title=escape(f"Round 1 on {issue.display_name}: challenges and concessions [eu]"),
        title_justify="left",
        caption="E^i(U_ij) > 0: i expects to gain by challenging j (Bueno de Mesquita 1994)",
    )
    for name in ("actor", "risk r", "challenges", "yields to", "moves to"):
        table.add_column(name, justify="right" if name in ("risk r", "moves to") else "left")
    shown = np.argsort(-np.asarray(first["weight"]), kind="stable")[:_SHOWN_ACTOR_ROWS]
    for i in sorted(shown):
        row = kinds[i]
        labels = [KIND_NAMES[c] for c in row]
        challenged = [j for j in range(len(ids)) if row[j] in CHALLENGES]
        yielded = [j for j in range(len(ids)) if row[j] in YIELDS]
        move = f"{first['after'][i]:.2f}" if first["moved"][i] else "stays"
        table.add_row(
            escape(ids[i]),
            f"{first['risk'][i]:.3f}",
            _names([ids[j] for j in challenged], a[i, challenged], [labels[j] for j in challenged]),
            _names([ids[j] for j in yielded], b[i, yielded], [labels[j] for j in yielded]),
            move,
        )
    if first["members"] > len(shown):
        table.add_row(f"… {first['members'] - len(shown)} more (lighter) actors")
    return table


def exchange_tables(result: ModelResult, scenario: Scenario, console: Console) -> None:
    """The first exchanges (who gives ground where, in the issues' units) and externalities."""
    made = result.outcome.extras["exchanges"]
    if not made:
        return
    names = {a.id: a.display_name for a in scenario.actors}
    table = Table(title=escape(f"Exchanges [{result.model}]"), title_justify="left")
    table.add_column("round", justify="right")
    table.add_column("gives ground")
    table.add_column("in return")
    table.add_column("gains", justify="right")
    shown = 12
    for e in made[:shown]:
        table.add_row(
            str(e["round"]),
            escape(f"{names[e['i']]}: {e['i_supply']} {e['i_move']:+.1f}"),
            escape(f"{names[e['j']]}: {e['j_supply']} {e['j_move']:+.1f}"),
            f"{e['i_gain']:.4f} / {e['j_gain']:.4f}",
        )
    console.print(table)
    if len(made) > shown:
        console.print(f"[dim]… and {len(made) - shown} more exchanges (see --json)[/dim]")
    ext = Table(
        title=escape(f"Externalities of others' exchanges [{result.model}]"),
        title_justify="left",
    )
    for col in ("actor", "positive", "negative", "net"):
        ext.add_column(col, justify="left" if col == "actor" else "right")
    rows = sorted(result.outcome.extras["externalities"].items(), key=lambda kv: -kv[1]["net"])
    for actor, v in rows:
        ext.add_row(
            escape(names[actor]), f"{v['positive']:.3f}", f"{v['negative']:.3f}", f"{v['net']:+.3f}"
        )
    console.print(ext)


def smp_tables(result: ModelResult, scenario: Scenario, console: Console) -> None:
    """Each actor's final position per issue, with the probability KTAB gives it."""
    probs: dict[str, float | None] = result.outcome.extras.get("probabilities", {})
    final = result.rounds[-1] if result.rounds else {}
    table = Table(
        title=escape(f"Final positions and their probabilities [{result.model}]"),
        title_justify="left",
    )
    table.add_column("actor")
    table.add_column("probability", justify="right", style="bold")
    for issue in scenario.issues:
        table.add_column(escape(issue.display_name), justify="right")

    def order(actor_id: str) -> float:
        p = probs.get(actor_id)
        return 1.0 if p is None else -p

    for actor in sorted(scenario.actors, key=lambda a: order(a.id)):
        p = probs.get(actor.id)
        cells = []
        for issue in scenario.issues:
            x = final.get(issue.id, {}).get(actor.id)
            cells.append(fmt(x))
        table.add_row(escape(actor.display_name), fmt(p, 3), *cells)
    console.print(table)


def ensemble_tables(result: ModelResult, scenario: Scenario, console: Console) -> None:
    """Each member's forecast beside its weight, and the spread per issue."""
    extras = result.outcome.extras
    table = Table(title="Members and their forecasts", title_justify="left")
    table.add_column("model")
    table.add_column("weight", justify="right")
    for issue in scenario.issues:
        table.add_column(escape(issue.display_name), justify="right")
    for name, weight in extras["members"].items():
        row = [extras["by_model"][name][i.id] for i in scenario.issues]
        table.add_row(name, f"{weight:.2f}", *map(fmt, row))
    spread = [extras["spread"][i.id]["sd"] for i in scenario.issues]
    table.add_row("spread (sd)", "", *map(fmt, spread), style="dim")
    console.print(table)


MODEL_TABLES: dict[str, Callable[[ModelResult, Scenario, Console], None]] = {
    "eu": eu_tables,
    "exchange": exchange_tables,
    "smp": smp_tables,
    "ensemble": ensemble_tables,
}
