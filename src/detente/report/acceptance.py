"""The briefing's "Would the deal stick?": the veto players' verdict, in the report's words.

When a scenario names a veto player (:mod:`detente.ratification`), the
briefing says of the headline (the central forecast) whether every veto
player accepts it, who would reject it, the nearest package every veto
player accepts, issue by issue with its reading on the issue's scale as the
forecast section gives it, and whose conditions bind there. Since the
briefing sets the models side by side in its forecast table, the same verdict
follows for each model's forecast, one column a model; with a simulation, the
share of draws in which every veto player accepts each model's forecast (the
chance the deal sticks) and each veto player's own share.

Actors are named by their display names: what the analyst wrote, escaped by
the template like every other name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.report.html import _Page


@dataclass
class Acceptance:
    """What the section shows (see the module docstring); the template lays it out."""

    players: str
    verdict: str
    binding: str | None
    rows: list[dict[str, Any]]
    model_heads: list[str] = field(default_factory=list)
    model_rows: list[dict[str, Any]] = field(default_factory=list)
    chance_heads: list[str] = field(default_factory=list)
    chances: list[dict[str, Any]] = field(default_factory=list)
    draws: int = 0


def acceptance(page: _Page, central: Mapping[str, float | None]) -> Acceptance | None:
    """The section for the briefing's ``page``, whose headline is ``central``; None when
    the scenario names no veto player."""
    from detente.report.html import reading
    from detente.results.forecast import headline_ratification

    scenario = page.scenario
    summary = page.runs.forecast.summary or {}
    verdict = summary.get("ratification") or headline_ratification(scenario, central)
    if verdict is None:
        return None
    rows = []
    for issue in scenario.issues:
        value, nearest = central.get(issue.id), verdict["nearest"].get(issue.id)
        change = None if value is None or nearest is None else nearest - value
        rows.append(
            {
                "issue": issue.display_name,
                "central": page.fmt(value),
                "nearest": page.fmt(nearest),
                # A change smaller than the shown digit is none (not "−0.0").
                "change": page.fmt(0.0)
                if change is not None and abs(change) < 0.05
                else page.fmt(change, sign=True),
                "reading": reading(issue, nearest, page.lang),
            }
        )
    rejecting = _names(page, [a for a, ok in verdict["accepts"].items() if not ok])
    out = Acceptance(
        players=_names(page, list(verdict["accepts"])),
        verdict=page.t("report.stick.rejected", actors=rejecting)
        if rejecting
        else page.t("report.stick.accepted"),
        binding=page.t("report.stick.binding", actors=_names(page, verdict["binding"]))
        if verdict["binding"]
        else None,
        rows=rows if rejecting else [],
    )
    _per_model(page, out)
    _chances(page, out)
    return out


def _names(page: _Page, actor_ids: list[str]) -> str:
    """Actors by their display names, in the report's list style."""
    scenario = page.scenario
    return page.t("report.list_sep").join(
        scenario.actor(a).display_name if a in scenario.actor_ids else a for a in actor_ids
    )


def _per_model(page: _Page, out: Acceptance) -> None:
    """Each model's verdict, one column a model as in the forecast table: whether every
    veto player accepts, who rejects, who binds, then the nearest package issue by issue."""
    judged = {m: r.ratification for m, r in page.runs.forecast.models.items() if r.ratification}
    if not judged:
        return
    out.model_heads = [page.title(m) for m in judged]
    none = page.t("report.stick.none")
    out.model_rows = [
        {
            "label": page.t("report.stick.sticks"),
            "cells": [
                page.t("report.yes" if v["accepted"] else "report.no") for v in judged.values()
            ],
        },
        {
            "label": page.t("report.stick.rejected_by"),
            "cells": [
                _names(page, [a for a, ok in v["accepts"].items() if not ok]) or none
                for v in judged.values()
            ],
        },
        {
            "label": page.t("report.stick.binding_row"),
            "cells": [_names(page, v["binding"]) or none for v in judged.values()],
        },
    ]
    for issue in page.scenario.issues:
        out.model_rows.append(
            {
                "label": issue.display_name,
                "issue": True,
                "cells": [page.fmt(v["nearest"].get(issue.id)) for v in judged.values()],
            }
        )


def _chances(page: _Page, out: Acceptance) -> None:
    """With a simulation: per simulated model, the share of draws in which every veto
    player accepts its forecast, and each veto player's share."""
    sim = page.runs.simulation
    if sim is None:
        return
    shares = {
        m: s for m, r in sim.models.items() if (s := r.summary.get("ratification")) is not None
    }
    if not shares:
        return
    players = list(next(iter(shares.values()))["accepts_share"])
    out.draws = sim.draws
    out.chance_heads = [_names(page, [a]) for a in players]

    def pct(x: float | None) -> str:
        return "—" if x is None else page.fmt(100 * x, 0) + "%"

    out.chances = [
        {
            "model": page.title(m),
            "all": pct(s["accepted_share"]),
            "cells": [pct(s["accepts_share"].get(a)) for a in players],
        }
        for m, s in shares.items()
    ]
