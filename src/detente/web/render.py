"""What the pages show, worked out from scenario trees and results (no HTML here).

The editor is drawn from a scenario *tree* that may not be valid yet (a
half-typed number, an issue no actor has a position on), so
:func:`editor_view` accepts anything and shows it as typed; the validators
of :meth:`detente.scenario.Scenario.from_tree` then say what is wrong, and
:func:`locate` points each problem at the cell it is about.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

import detente
from detente.kinds import KINDS, get_kind
from detente.numbers import fmt
from detente.results import Comparison, Forecast, Result, Sensitivity, Simulation
from detente.scenario import Issue

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["version"] = detente.__version__

_WHERE = re.compile(r"^(actor|issue) '(.*)'(?: › (.*))?$")
_INDEXED = re.compile(r"^(actors|issues)\[(\d+)\](?: › (.*))?$")
_ROW = re.compile(r"^row \d+ \(actor '(.*)'\)(?: › (.*))?$")


def text(x: Any) -> str:
    """A number as an input shows it: 80 rather than 80.0, every digit kept."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        if math.isfinite(x) and x.is_integer() and abs(x) < 2**53:
            return str(int(x))
        return repr(x)
    return str(x)


def shown(x: Any, digits: int = 1) -> str:
    """A result number for reading (``—`` where a model gives none)."""
    if x is None or isinstance(x, int | float):
        return fmt(x, digits)
    return str(x)


templates.env.filters["shown"] = shown
templates.env.filters["text"] = text


def estimate_view(x: Any) -> dict[str, str]:
    """The inputs of one estimate: value, low, high (and its dist, kept as given)."""
    if isinstance(x, dict):
        return {
            "value": text(x.get("value")),
            "low": text(x.get("low")),
            "high": text(x.get("high")),
            "dist": text(x.get("dist")),
        }
    return {"value": text(x), "low": "", "high": "", "dist": ""}


def _get(item: Any, key: str, default: Any = None) -> Any:
    return item.get(key, default) if isinstance(item, dict) else default


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def editor_view(tree: Any) -> dict[str, Any]:
    """The editor's grid from a scenario tree, valid or not."""
    issues: list[dict[str, Any]] = []
    for item in _list(_get(tree, "issues")):
        scale = _get(item, "scale")
        scale = scale if isinstance(scale, list) and len(scale) == 2 else [0, 100]
        labels = _get(item, "labels") or {}
        issues.append(
            {
                "id": text(_get(item, "id", "")),
                "name": text(_get(item, "name")),
                "scale_low": text(scale[0]),
                "scale_high": text(scale[1]),
                "label_low": text(_get(labels, "low")),
                "label_high": text(_get(labels, "high")),
                "status_quo": text(_get(item, "status_quo")),
                "no_deal": estimate_view(_get(item, "no_deal")),
            }
        )
    actors = []
    for item in _list(_get(tree, "actors")):
        positions = _get(item, "positions") or {}
        salience = _get(item, "salience") or {}
        at_table = _get(item, "at_table", True)
        actors.append(
            {
                "id": text(_get(item, "id", "")),
                "name": text(_get(item, "name")),
                "capability": estimate_view(_get(item, "capability")),
                "at_table": at_table is not False,
                "notes": text(_get(item, "notes")),
                "veto": _veto_text(_get(item, "veto")),
                "no_deal_cost": estimate_view(_get(item, "no_deal_cost")),
                "influence": _ties_text(_get(item, "influence")),
                "cells": [
                    {
                        "position": estimate_view(_get(positions, i["id"])),
                        "salience": estimate_view(_get(salience, i["id"])),
                    }
                    for i in issues
                ],
            }
        )
    return {
        "title": text(_get(tree, "title", "")),
        "source": text(_get(tree, "source")),
        "issues": issues,
        "actors": actors,
    }


def _veto_text(veto: Any) -> str:
    """``true`` for every issue, ``territory, nato`` for some, empty for none."""
    if isinstance(veto, list):
        return ", ".join(text(x) for x in veto)
    return "" if veto is None or veto is False else text(veto)


def _ties_text(ties: Any) -> str:
    """``US: 0.2, EU: 0.1`` (anything else as typed, for the validator to refuse)."""
    if isinstance(ties, dict):
        return ", ".join(f"{text(k)}: {text(v)}" for k, v in ties.items())
    return text(ties)


def _index(items: Any, ident: str) -> int | None:
    for k, item in enumerate(_list(items)):
        if text(_get(item, "id")) == ident:
            return k
    return None


def locate(where: str, tree: Any) -> str:
    """The editor cell a problem's ``where`` names (``a0-pos-2``, ``i1-scale``, ...), or ``""``.

    Keys: ``title``, ``source``; ``i{k}`` an issue's column and
    ``i{k}-{field}`` its fields; ``a{n}`` an actor's row, ``a{n}-{field}``
    its fields and ``a{n}-pos-{k}`` / ``a{n}-sal-{k}`` its cell on issue k.
    """
    if where in ("title", "source"):
        return where
    kind, index, rest = "", None, ""
    if m := _WHERE.match(where):
        kind = m.group(1)
        index = _index(_get(tree, f"{kind}s"), m.group(2))
        rest = m.group(3) or ""
    elif m := _INDEXED.match(where):
        kind, index, rest = m.group(1)[:-1], int(m.group(2)), m.group(3) or ""
    elif m := _ROW.match(where):
        kind, index = "actor", _index(_get(tree, "actors"), m.group(1))
        rest = m.group(2) or ""
    if index is None:
        return ""
    head = f"{kind[0]}{index}"
    parts = rest.split(".") if rest else []
    if not parts:
        return head
    field = parts[0]
    if kind == "issue":
        if field == "labels":
            return f"{head}-labels"
        return f"{head}-{field}"
    issues = _get(tree, "issues")
    if field in ("positions", "salience"):
        if len(parts) < 2:
            return head
        k = _index(issues, parts[1])
        return f"{head}-{'pos' if field == 'positions' else 'sal'}-{k}" if k is not None else head
    k = _index(issues, field)
    if k is not None:
        return f"{head}-pos-{k}"
    return f"{head}-{field}"


def _labels(issue: Issue) -> tuple[str, str]:
    return (issue.labels.low, issue.labels.high) if issue.labels else ("", "")


def forecast_view(result: Forecast) -> list[dict[str, Any]]:
    """Per model: each issue's forecast against its scale and status quo, and each gain."""
    scenario = result.scenario
    models = []
    for name, res in result.models.items():
        converged = res.to_dict().get("converged_by_issue") or {}
        rows = []
        for issue in scenario.issues:
            value = res.forecasts.get(issue.id)
            low, high = issue.scale
            label_low, label_high = _labels(issue)
            rows.append(
                {
                    "id": issue.id,
                    "name": issue.name or issue.id,
                    "forecast": value,
                    "status_quo": issue.status_quo,
                    "scale": (low, high),
                    "label_low": label_low,
                    "label_high": label_high,
                    "share": None if value is None else (value - low) / (high - low),
                    "converged": converged.get(issue.id),
                }
            )
        gains = [
            {
                "id": actor.id,
                "name": actor.name or actor.id,
                "at_table": actor.at_table,
                "gain": res.gains.get(actor.id),
            }
            for actor in scenario.actors
        ]
        models.append(
            {
                "name": name,
                "title": res.title,
                "preset": res.preset,
                "params": res.params,
                "converged": res.outcome.converged,
                "rounds": len(res.rounds) - 1 if res.rounds else None,
                "issues": rows,
                "gains": gains,
                "notes": res.outcome.notes,
            }
        )
    return models


def simulate_view(result: Simulation) -> list[dict[str, Any]]:
    """Per model: each issue's point forecast and spread over the draws, and each gain's."""
    scenario = result.scenario
    models = []
    for name, res in result.models.items():
        share = res.converged_share() or {}
        converged = share.get("by_issue", {})
        stats = res.issues()
        rows = [
            {
                "id": issue.id,
                "name": issue.name or issue.id,
                "point": res.point.get(issue.id),
                "stats": stats[issue.id],
                "converged": converged.get(issue.id),
            }
            for issue in scenario.issues
            if issue.id in stats
        ]
        gain_stats, chance = res.gain_stats(), res.gain_chance()
        gains = [
            {
                "id": actor.id,
                "name": actor.name or actor.id,
                "stats": gain_stats[actor.id],
                "chance": chance.get(actor.id),
            }
            for actor in scenario.actors
            if actor.id in gain_stats
        ]
        models.append(
            {
                "name": name,
                "title": res.title,
                "preset": res.preset,
                "params": res.params,
                "converged_all": share.get("all"),
                "issues": rows,
                "gains": gains,
                "stick": _stick_shares(result, res.summary.get("ratification")),
            }
        )
    return models


def _stick_shares(result: Simulation, shares: dict[str, Any] | None) -> dict[str, Any] | None:
    """Would the deal stick over the draws: the share in which every veto player accepts
    the model's forecast, then each veto player's share, by display name (escaped by the
    template); None when the scenario names no veto player (or the run predates them)."""
    if not shares:
        return None
    scenario = result.scenario
    return {
        "all": shares["accepted_share"],
        "players": [
            {
                "id": a,
                "name": scenario.actor(a).display_name if a in scenario.actor_ids else a,
                "share": share,
            }
            for a, share in shares["accepts_share"].items()
        ],
    }


def sensitivity_view(result: Sensitivity) -> list[dict[str, Any]]:
    """Per model and issue: the inputs ranked by how much of the forecast they explain."""
    scenario = result.scenario
    return [
        {
            "name": name,
            "title": res.title,
            "issues": [
                {
                    "id": issue.id,
                    "name": issue.name or issue.id,
                    "ranked": [r.to_dict() for r in res.ranking[issue.id][:8]],
                }
                for issue in scenario.issues
                if issue.id in res.ranking
            ],
        }
        for name, res in result.models.items()
    ]


def _compare_row(
    result: Comparison,
    delta: dict[str, Any],
    model: str,
    columns: list[str],
    kind: str,
    key: str,
    label: str,
) -> dict[str, Any]:
    """One issue's forecast (or actor's gain) in the baseline and in each variant
    (``delta``: the comparison's changes, worked out once per page)."""

    def value(forecast: Forecast) -> float | None:
        return getattr(forecast.models[model], kind).get(key)  # type: ignore[no-any-return]

    return {
        "id": key,
        "name": label,
        "baseline": value(result.baseline),
        "variants": [
            {
                "value": value(result.variants[v]),
                "change": delta.get(v, {}).get(model, {}).get(kind, {}).get(key),
            }
            for v in columns
        ],
    }


def compare_view(result: Comparison) -> list[dict[str, Any]]:
    """Per model: each issue's baseline forecast beside each variant's, and the change."""
    scenario = result.scenario
    names = {a.id: a.name or a.id for a in scenario.actors}
    delta = result.delta()
    out = []
    for name, base in result.baseline.models.items():
        columns = [v for v, f in result.variants.items() if name in f.models]
        out.append(
            {
                "name": name,
                "title": base.title,
                "preset": base.preset,
                "params": base.params,
                "columns": [{"name": v, "description": result.descriptions[v]} for v in columns],
                "issues": [
                    _compare_row(result, delta, name, columns, "forecasts", i.id, i.name or i.id)
                    for i in scenario.issues
                    if i.id in base.forecasts
                ],
                "gains": [
                    _compare_row(result, delta, name, columns, "gains", a, names.get(a, a))
                    for a in base.gains
                ],
                "acceptance": _acceptance_rows(result, name, columns),
            }
        )
    return out


def result_view(result: Result) -> list[dict[str, Any]]:
    """What the pages show of a result, per model (the view its kind declares)."""
    return get_kind(result.kind).view_function()(result)


#: The kinds of run the result pages show, each by its view here (a track has a page of
#: its own): declared once, in :data:`detente.kinds.KINDS`.
VIEWS = {name: kind.view for name, kind in KINDS.items() if kind.view.startswith(f"{__name__}:")}


def headline_view(result: Result) -> dict[str, Any] | None:
    """The run's headline, as the CLI and the JSON give it: per issue the central forecast
    and its 90% forecast interval from the result's ``summary``, and the package nearest
    it that every veto player accepts when some veto player would refuse the forecast.

    ``None`` for a result without a summary (sensitivity, what-ifs, a run saved before
    summaries were kept), so the page shows only what was computed.
    """
    summary = getattr(result, "summary", None)
    if not summary or not summary.get("central"):
        return None
    names = {i.id: i.name for i in result.scenario.issues}
    central: dict[str, float] = summary["central"]
    band90: dict[str, Any] = summary.get("interval", {}).get("90", {})
    rows = [
        {
            "id": iid,
            "name": names.get(iid, iid),
            "central": value,
            "low": band90[iid][0] if iid in band90 else None,
            "high": band90[iid][1] if iid in band90 else None,
        }
        for iid, value in central.items()
    ]
    ratification = summary.get("ratification") or {}
    nearest = ratification.get("nearest") if ratification.get("accepted") is False else None
    return {
        "issues": rows,
        "calibration": summary.get("calibration"),
        "accepted": ratification.get("accepted"),
        "nearest": [
            {"id": iid, "name": names.get(iid, iid), "value": v} for iid, v in nearest.items()
        ]
        if nearest
        else [],
        "refusers": actor_names(result, refusers(ratification)),
        "binding": actor_names(result, ratification.get("binding", [])),
    }


def refusers(ratification: dict[str, Any]) -> list[str]:
    """The veto players who reject the forecast a ratification block judges."""
    return [a for a, ok in ratification.get("accepts", {}).items() if not ok]


def actor_names(result: Result, actor_ids: list[str]) -> str:
    """Actors by their display names, as a list in words (escaped by the template)."""
    scenario = result.scenario
    return ", ".join(
        scenario.actor(a).display_name if a in scenario.actor_ids else a for a in actor_ids
    )


def _acceptance_rows(result: Comparison, model: str, columns: list[str]) -> list[dict[str, Any]]:
    """Would the deal stick, in the baseline and each variant (``None`` cells where a
    scenario has no veto player): whether every veto player accepts the model's forecast,
    who rejects it, who binds, then the nearest acceptable package issue by issue; no
    rows when nobody holds a veto anywhere."""
    runs = [result.baseline, *(result.variants[v] for v in columns)]
    verdicts = [f.models[model].ratification for f in runs]
    if all(v is None for v in verdicts):
        return []

    def row(key: str, label: str, cell: Any) -> dict[str, Any]:
        return {
            "id": key,
            "name": label,
            "cells": [None if v is None else cell(v) for v in verdicts],
        }

    out = [
        row("sticks", "result.sticks", lambda v: "result.yes" if v["accepted"] else "result.no"),
        row("refusers", "result.refusers", lambda v: actor_names(result, refusers(v))),
        row("binding", "result.binding", lambda v: actor_names(result, v["binding"])),
    ]
    for issue in result.scenario.issues:
        out.append(row(issue.id, issue.name or issue.id, lambda v, i=issue.id: v["nearest"].get(i)))
    return out
