"""What-ifs: reading a change (``"*0.7"``, ``"+10"``, a number) and applying it to a tree.

:meth:`detente.scenario.Scenario.with_changes` applies a variant's changes one
by one to the scenario's plain tree (see :mod:`.tree`) and validates the
result anew, so a what-if is checked exactly like a file.
"""

from __future__ import annotations

import math
from typing import Any

from detente.scenario.schema import ACTOR_FIELDS, ADJUST_HELP, Change, Estimate, _wrap_number
from detente.scenario.tree import actor_tree, number_tree, plain


def parse_adjust(adjust: Any) -> tuple[str, float] | None:
    """``"*0.7"`` -> ("*", 0.7), ``"+5"`` -> ("+", 5.0), ``"-5"`` -> ("+", -5.0),
    ``"=3"`` or 3 -> ("=", 3.0); None when the text is none of these."""
    if isinstance(adjust, int | float) and not isinstance(adjust, bool):
        return "=", float(adjust)
    if not isinstance(adjust, str):
        return None
    body = adjust.strip().replace(" ", "")
    op = body[:1]
    try:
        if op in ("*", "="):
            value = float(body[1:])
        elif op in ("+", "-"):
            value = float(body)
            op = "+"
        else:
            value = float(body)
            op = "="
    except ValueError:
        return None
    return (op, value) if math.isfinite(value) else None


def adjust_estimate(est: Estimate | None, adjust: Any) -> Estimate | None:
    """``est`` changed by ``adjust`` (see :data:`Adjust`); a set value drops the range."""
    if isinstance(adjust, Estimate):
        return adjust
    parsed = parse_adjust(adjust)
    if parsed is None:
        raise ValueError(f"cannot read {adjust!r}: {ADJUST_HELP}")
    op, x = parsed
    if op == "=":
        return Estimate(value=x)
    if est is None:
        raise ValueError("the actor is not involved in this issue: set a number, not a change")

    def move(v: float | None) -> float | None:
        return None if v is None else v * x if op == "*" else v + x

    return Estimate(value=move(est.value), low=move(est.low), high=move(est.high), dist=est.dist)  # type: ignore[arg-type]


def _change_issue(item: dict[str, Any], c: Change) -> list[tuple[str, str]]:
    """Apply an issue's change (status quo, no-deal point) to its tree in place."""
    if c.status_quo is not None:
        old = item.get("status_quo")
        try:
            new = adjust_estimate(None if old is None else Estimate(value=old), c.status_quo)
        except ValueError as exc:
            return [(f"status_quo: {exc}", ADJUST_HELP)]
        if new is None or new.has_range:
            return [("a status quo is one number, not a range", "write a number")]
        item["status_quo"] = plain(new.value)
    if c.no_deal is not None:
        # A relative change moves the no-deal point, which is the status quo unless given.
        old = item.get("no_deal", item.get("status_quo"))
        try:
            held = None if old is None else Estimate.model_validate(_wrap_number(old))
            item["no_deal"] = number_tree(adjust_estimate(held, c.no_deal))
        except ValueError as exc:
            return [(f"no_deal: {exc}", ADJUST_HELP)]
    return []


def _beyond_the_table(item: dict[str, Any], c: Change) -> list[tuple[str, str]]:
    """Apply an actor's veto, cost of no deal and ties to its tree in place."""
    if c.veto is not None:
        item["veto"] = c.veto
    if c.no_deal_cost is not None:
        old = item.get("no_deal_cost", 0.0)
        try:
            held = Estimate.model_validate(_wrap_number(old))
            item["no_deal_cost"] = number_tree(adjust_estimate(held, c.no_deal_cost))
        except ValueError as exc:
            return [(f"no_deal_cost: {exc}", ADJUST_HELP)]
    if c.influence is not None:
        ties = dict(item.get("influence") or {})
        for target, strength in c.influence.items():
            if strength is None:
                ties.pop(target, None)
            else:
                ties[target] = plain(strength)
        item["influence"] = ties
        if not ties:
            del item["influence"]
    return []


def apply_change(tree: dict[str, Any], c: Change) -> list[tuple[str, str]]:
    """Apply ``c`` to a scenario tree in place; the problems found (message, fix)."""
    actor_fields = [k for k in ACTOR_FIELDS if getattr(c, k) is not None]
    forms = [
        name
        for name, used in (
            ("actor", c.actor is not None or bool(actor_fields)),
            ("issue", c.issue is not None or c.status_quo is not None or c.no_deal is not None),
            ("remove", c.remove is not None),
            ("add", c.add is not None),
        )
        if used
    ]
    if len(forms) != 1:
        return [
            (
                "a change must be exactly one of: {actor, ...fields}, {issue, status_quo}, "
                f"{{remove}}, {{add}}; this one is {' + '.join(forms) or 'empty'}",
                "split it into several changes",
            )
        ]
    actors = tree["actors"]
    ids = [a["id"] for a in actors]
    issue_ids = [i["id"] for i in tree["issues"]]
    form = forms[0]
    if form == "remove":
        if c.remove not in ids:
            return [(f"no actor {c.remove!r} to remove", f"use one of: {', '.join(ids)}")]
        tree["actors"] = [a for a in actors if a["id"] != c.remove]
        if not tree["actors"]:
            return [("removing it leaves no actor", "keep at least one actor")]
        return []
    if form == "add":
        assert c.add is not None
        if c.add.id in ids:
            return [
                (
                    f"actor {c.add.id!r} already exists",
                    "give the new actor another id, or change the existing one",
                )
            ]
        actors.append(actor_tree(c.add))
        return []
    if form == "issue":
        if c.issue not in issue_ids:
            return [(f"no issue {c.issue!r}", f"use one of: {', '.join(issue_ids)}")]
        if c.status_quo is None and c.no_deal is None:
            return [("an issue change needs status_quo or no_deal", "add status_quo: a number")]
        return _change_issue(tree["issues"][issue_ids.index(c.issue)], c)
    if c.actor not in ids:
        return [(f"no actor {c.actor!r}", f"use one of: {', '.join(ids)}")]
    if not actor_fields:
        return [
            (
                f"the change names actor {c.actor!r} but changes nothing",
                f"add one of: {', '.join(ACTOR_FIELDS)}",
            )
        ]
    item = actors[ids.index(c.actor)]
    problems = _beyond_the_table(item, c)
    if c.at_table is not None:
        item["at_table"] = c.at_table
    if c.capability is not None:
        try:
            current = Estimate.model_validate(_wrap_number(item["capability"]))
            item["capability"] = number_tree(adjust_estimate(current, c.capability))
        except ValueError as exc:
            problems.append((f"capability: {exc}", ADJUST_HELP))
    for key in ("salience", "positions"):
        given = getattr(c, key)
        for issue_id, adjust in (given or {}).items():
            if issue_id not in issue_ids:
                problems.append(
                    (f"{key}: no issue {issue_id!r}", f"use one of: {', '.join(issue_ids)}")
                )
                continue
            old = item[key].get(issue_id)
            if adjust is None:
                item[key][issue_id] = None
                continue
            try:
                held = None if old is None else Estimate.model_validate(_wrap_number(old))
                item[key][issue_id] = number_tree(adjust_estimate(held, adjust))
            except ValueError as exc:
                problems.append((f"{key}.{issue_id}: {exc}", ADJUST_HELP))
    return problems
