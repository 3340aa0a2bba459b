"""The table format's columns for what lies beyond the table (vetoes, costs, ties).

In the ``actors`` table:

- ``veto``: ``true``, ``false`` (or empty), or issue ids separated by commas
  (``territory, nato``);
- ``no_deal_cost``, with ``no_deal_cost.low``/``.high``/``.dist`` for a range;
- ``influence``: the ties as a YAML mapping, ``{US: 0.2, EU: 0.1}``.

In the ``issues`` table: ``no_deal``, with ``no_deal.low``/``.high``/``.dist``.

The columns are written only when some actor or issue uses them, so a
scenario without them converts exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import yaml

from detente.io import yaml as yaml_text
from detente.scenario import Actor, Estimate, Issue

if TYPE_CHECKING:
    from detente.io.table import _TableReader

RANGE_PARTS = ("low", "high", "dist")
ACTOR_EXTRA = ("veto", "no_deal_cost", "influence")
ISSUE_EXTRA = ("no_deal",)
TRUE = {"true", "yes", "y"}
FALSE = {"false", "no", "n", ""}


def known_columns(extra: Iterable[str]) -> set[str]:
    """The columns a table may hold for ``extra`` fields, ranges included."""
    out = set(extra)
    for name in ("no_deal_cost", "no_deal"):
        if name in out:
            out |= {f"{name}.{p}" for p in RANGE_PARTS}
    return out


def read_actor(
    reader: _TableReader, file: str, row: int, rec: dict[str, str], item: dict[str, Any]
) -> None:
    """Put the cells of ``veto``, ``no_deal_cost`` and ``influence`` into ``item``."""
    veto = rec.get("veto", "")
    if veto.lower() in TRUE:
        item["veto"] = True
    elif veto.lower() not in FALSE:
        ids = [x.strip() for x in veto.strip("[]").split(",")]
        if all(ids):
            item["veto"] = ids
        else:
            reader.problem(
                file,
                f"row {row}, column 'veto'",
                f"{veto!r} is not true, false or a list of issue ids",
                "write true, false, or issue ids separated by commas",
            )
    cost = reader.estimate(file, row, rec, "no_deal_cost")
    if cost is not None:
        item["no_deal_cost"] = cost
    ties = rec.get("influence", "")
    if ties:
        try:
            tree = yaml_text.loads(ties)
        except yaml.YAMLError:
            tree = None
        if isinstance(tree, dict):
            item["influence"] = tree
        else:
            reader.problem(
                file,
                f"row {row}, column 'influence'",
                f"{ties!r} is not a mapping of actor ids to strengths",
                "write e.g. {US: 0.2, EU: 0.1}",
            )


def read_issue(
    reader: _TableReader, file: str, row: int, rec: dict[str, str], item: dict[str, Any]
) -> None:
    """Put the cells of ``no_deal`` into ``item``."""
    point = reader.estimate(file, row, rec, "no_deal")
    if point is not None:
        item["no_deal"] = point


def _range_columns(estimates: Iterable[Estimate | None], column: str) -> list[str]:
    ests = [e for e in estimates if e is not None]
    return [f"{column}.{p}" for p in RANGE_PARTS if any(getattr(e, p) is not None for e in ests)]


def actor_head(actors: list[Actor]) -> list[str]:
    """The extra columns of the actors table (none when no actor uses them)."""
    head = []
    if any(a.veto is not False for a in actors):
        head.append("veto")
    costs = [a.no_deal_cost for a in actors]
    if any(c is not None for c in costs):
        head += ["no_deal_cost", *_range_columns(costs, "no_deal_cost")]
    if any(a.influence is not None for a in actors):
        head.append("influence")
    return head


def issue_head(issues: list[Issue]) -> list[str]:
    """The extra columns of the issues table (none when no issue uses them)."""
    points = [i.no_deal for i in issues]
    if not any(p is not None for p in points):
        return []
    return ["no_deal", *_range_columns(points, "no_deal")]


def actor_cells(
    a: Actor,
    row: dict[str, Any],
    estimate_cells: Callable[[Estimate | None, str, dict[str, Any]], None],
    flow: Callable[[Any], str],
) -> None:
    """Fill ``row`` with the actor's veto, cost of no deal and ties."""
    if a.veto is True:
        row["veto"] = True
    elif a.veto is False:
        row["veto"] = False
    else:
        ids = ", ".join(a.veto)
        # An id that reads as a flag keeps its brackets, so it reads back as a list.
        row["veto"] = f"[{ids}]" if len(a.veto) == 1 and ids.lower() in TRUE | FALSE else ids
    estimate_cells(a.no_deal_cost, "no_deal_cost", row)
    if a.influence is not None:
        row["influence"] = flow(dict(a.influence))
