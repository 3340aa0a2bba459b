"""The plain tree a scenario file holds (YAML, or the same tree built from CSV/xlsx)::

    title, source, issues: [{id, name, scale, labels: {low, high}, status_quo, no_deal}],
    actors: [{id, name, capability, at_table, positions: {ISSUE: x},
              salience: {ISSUE: s}, notes, veto, no_deal_cost, influence}]

The keys beyond the table (``no_deal``, ``veto``, ``no_deal_cost``, ``influence``)
are written only when given, so a scenario without them reads as before.

Numbers without a range are written bare (80, not ``{value: 80}`` or 80.0),
so that a file read and written back reads as the analyst wrote it.
"""

from __future__ import annotations

from typing import Any

from detente.scenario.schema import ACTOR_FIELDS, Actor, Change, Estimate, Scenario, Shock, Variant


def number_tree(est: Estimate | None) -> Any:
    if est is None:
        return None
    if not est.has_range and est.dist is None:
        return plain(est.value)
    out: dict[str, Any] = {"value": plain(est.value)}
    if est.low is not None:
        out["low"] = plain(est.low)
    if est.high is not None:
        out["high"] = plain(est.high)
    if est.dist is not None:
        out["dist"] = est.dist
    return out


def plain(x: float) -> float | int:
    """Write 80 rather than 80.0, without losing any value that is not integral."""
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def scenario_tree(s: Scenario) -> dict[str, Any]:
    tree: dict[str, Any] = {"title": s.title}
    if s.as_of is not None:
        tree["as_of"] = s.as_of.isoformat()
    if s.source is not None:
        tree["source"] = s.source
    issues = []
    for i in s.issues:
        item: dict[str, Any] = {"id": i.id}
        if i.name is not None:
            item["name"] = i.name
        item["scale"] = [plain(i.scale[0]), plain(i.scale[1])]
        if i.labels is not None:
            item["labels"] = {"low": i.labels.low, "high": i.labels.high}
        if i.status_quo is not None:
            item["status_quo"] = plain(i.status_quo)
        if i.no_deal is not None:
            item["no_deal"] = number_tree(i.no_deal)
        issues.append(item)
    tree["issues"] = issues
    tree["actors"] = [actor_tree(a) for a in s.actors]
    if s.model_params is not None:
        tree["model_params"] = {m: dict(p) for m, p in s.model_params.items()}
    if s.variants:
        tree["variants"] = {name: variant_tree(v) for name, v in s.variants.items()}
    if s.shocks:
        tree["shocks"] = [shock_tree(x) for x in s.shocks]
    if s.revisions:
        tree["revisions"] = dict(s.revisions)
    return tree


def adjust_tree(adjust: Any) -> Any:
    if isinstance(adjust, Estimate):
        return number_tree(adjust)
    if isinstance(adjust, float):
        return plain(adjust)
    return adjust


def actor_tree(a: Actor) -> dict[str, Any]:
    item: dict[str, Any] = {"id": a.id}
    if a.name is not None:
        item["name"] = a.name
    item["capability"] = number_tree(a.capability)
    item["at_table"] = a.at_table
    item["positions"] = {k: number_tree(v) for k, v in a.positions.items()}
    item["salience"] = {k: number_tree(v) for k, v in a.salience.items()}
    if a.notes is not None:
        item["notes"] = a.notes
    if a.veto is not False:
        item["veto"] = a.veto if a.veto is True else list(a.veto)
    if a.no_deal_cost is not None:
        item["no_deal_cost"] = number_tree(a.no_deal_cost)
    if a.influence is not None:
        item["influence"] = {k: plain(v) for k, v in a.influence.items()}
    return item


def change_tree(c: Change) -> dict[str, Any]:
    """A change as the plain tree YAML holds."""
    out: dict[str, Any] = {}
    for key in ("actor", *ACTOR_FIELDS, "issue"):
        value = getattr(c, key)
        if value is None:
            continue
        if key in ("salience", "positions", "influence"):
            value = {k: adjust_tree(v) for k, v in value.items()}
        elif key == "veto" and value is not True and value is not False:
            value = list(value)
        out[key] = adjust_tree(value)
    for key in ("status_quo", "no_deal"):
        if getattr(c, key) is not None:
            out[key] = adjust_tree(getattr(c, key))
    if c.remove is not None:
        out["remove"] = c.remove
    if c.add is not None:
        out["add"] = actor_tree(c.add)
    return out


def shock_tree(x: Shock) -> dict[str, Any]:
    return {"round": x.round, "actor": x.actor, "capability": adjust_tree(x.capability)}


def variant_tree(v: Variant) -> Any:
    changes = [change_tree(c) for c in v.changes]
    if v.description is None and not v.shocks:
        return changes
    out: dict[str, Any] = {}
    if v.description is not None:
        out["description"] = v.description
    out["changes"] = changes
    if v.shocks:
        out["shocks"] = [shock_tree(x) for x in v.shocks]
    return out
