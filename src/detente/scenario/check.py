"""Checks of a scenario as a whole: every problem found, each with where and the fix.

:meth:`detente.scenario.Scenario.from_tree` runs pydantic's structural
validation first and then :func:`check`; when the structure fails, the parts
that did parse are still checked (:func:`check_the_rest`), so that one run
reports every problem.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from detente.errors import Problem, ScenarioError
from detente.scenario.schema import ADJUST_HELP, Actor, Estimate, Issue, Scenario, Shock
from detente.scenario.whatifs import parse_adjust

_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove it, or check its spelling",
    "float_type": "write a number, e.g. 50",
    "bool_type": "write true or false",
    "string_type": "write text (quote it if it looks like a number)",
    "dict_type": "write a mapping of issue id to number",
    "list_type": "write a list",
    "literal_error": "choose one of the values listed",
    "too_short": "add at least one entry",
    "too_long": "write [low, high], two numbers",
    "tuple_type": "write [low, high], e.g. [0, 100]",
    "model_type": "write a mapping",
    "int_type": "write a whole number",
    "int_parsing": "write a whole number",
    "int_from_float": "write a whole number",
    "float_parsing": "write a number, e.g. 50",
    "bool_parsing": "write true or false",
    "finite_number": "write a finite number",
}


#: Spans of a scale whose square is a normal float (about 1.5e-154 to 1.3e154):
#: a span outside overflows or underflows to inf or 0 where models square
#: distances, and every model then gives no forecast.
MIN_SPAN = math.sqrt(sys.float_info.min)
MAX_SPAN = math.sqrt(sys.float_info.max)
#: What an id may be, in words (the patterns of ``schema.py``).
ID_FIXES = {
    "issues": "an issue id is letters A-Z, a-z, digits, '_' and '-' (no spaces or dots)",
    "actors": "an actor id may be any text without '.' (中文 too) that does not start with a space",
}

_M = TypeVar("_M", bound=BaseModel)


def check_the_rest(
    tree: Mapping[str, Any], file: str, actor_where: Callable[[int, str], str] | None
) -> list[Problem]:
    """The semantic problems of the issues and actors that did parse, so that one run
    reports every problem, not only the structural ones.

    The items that failed to parse are left out; problems that could stem from
    leaving them out (an actor naming an issue that failed, an issue without
    weight once an actor failed) are not reported.
    """
    issues, actors = tree.get("issues"), tree.get("actors")
    if not isinstance(issues, list) or not isinstance(actors, list):
        return []

    def parsed(model: type[_M], item: Any) -> _M | None:
        try:
            return model.model_validate(item)
        except ValidationError:
            return None

    good_issues = [(item, parsed(Issue, item)) for item in issues]
    good_actors = [parsed(Actor, item) for item in actors]
    kept = [k for k, a in enumerate(good_actors) if a is not None]
    lost = {str(i.get("id")) for i, ok in good_issues if isinstance(i, Mapping) and ok is None}
    # An actor that failed to parse is missing from the partial scenario: ties to it are
    # not problems of their own.
    lost |= {
        str(item.get("id"))
        for item, ok in zip(actors, good_actors, strict=True)
        if isinstance(item, Mapping) and ok is None
    }
    # Built without validation: the parts are valid, the whole may lack what failed.
    scenario = Scenario.model_construct(
        title="partial",
        issues=[ok for _, ok in good_issues if ok is not None],
        actors=[good_actors[k] for k in kept],
    )

    def where(index: int, actor_id: str) -> str:
        original = kept[index]
        return actor_where(original, actor_id) if actor_where else f"actor {actor_id!r}"

    out = []
    for problem in check(scenario, file, where):
        if any(repr(i) in problem.message for i in lost):
            continue
        if len(kept) < len(actors) and "no actor at the table" in problem.message:
            continue
        out.append(problem)
    return out


def pydantic_problems(
    exc: ValidationError,
    tree: Mapping[str, Any],
    file: str,
    actor_where: Callable[[int, str], str] | None,
) -> list[Problem]:
    problems = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        loc = list(err["loc"])
        # Union members (Estimate | None, "value" wrappers) add noise to locations.
        loc = [
            p
            for p in loc
            if p
            not in (
                "function-before[_wrap_number(), nullable[Estimate]]",
                "nullable[Estimate]",
                "Estimate",
                "function-before[_wrap_number(), Estimate]",
            )
        ]
        where = _describe_loc(loc, tree, actor_where)
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
        fix = _FIXES.get(err["type"], "")
        if err["type"] == "string_pattern_mismatch":
            # pydantic's own words name the regular expression: say it in words.
            message = f"{err['input']!r} is not a valid id"
            fix = ID_FIXES.get(str(loc[0]) if loc else "", "see docs/scenarios.md for ids")
        if err["type"] == "model_type" and loc and loc[0] == "actors":
            message = f"expected a number or {{value, low, high}}, got {err['input']!r}"
            fix = "write a number without quotes, e.g. 50"
        if loc == ["as_of"]:
            message = f"{err['input']!r} is not a calendar date"
            fix = "write the day as YYYY-MM-DD, e.g. as_of: 2025-02-19"
        key = (where, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(file, where, message, fix))
    return problems


def _describe_loc(
    loc: list[Any], tree: Mapping[str, Any], actor_where: Callable[[int, str], str] | None
) -> str:
    if len(loc) >= 2 and loc[0] in ("actors", "issues") and isinstance(loc[1], int):
        items = tree.get(loc[0])
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        ident = item.get("id") if isinstance(item, Mapping) else None
        if loc[0] == "actors":
            head = (
                actor_where(loc[1], str(ident))
                if actor_where
                else f"actor {ident!r}"
                if ident is not None
                else f"actors[{loc[1]}]"
            )
        else:
            head = f"issue {ident!r}" if ident is not None else f"issues[{loc[1]}]"
        rest = ".".join(str(p) for p in loc[2:])
        return f"{head} › {rest}" if rest else head
    return ".".join(str(p) for p in loc)


def check(
    scenario: Scenario,
    file: str = "<scenario>",
    actor_where: Callable[[int, str], str] | None = None,
) -> list[Problem]:
    """Every semantic problem of a structurally valid scenario (empty if none).

    Checked: unique ids; each actor names every issue exactly once, in both
    positions and salience; scale low < high; status quo, no-deal point and
    positions (value and range) inside the scale; salience in [0, 1];
    capability > 0; cost of no deal >= 0; ranges ordered; position and
    salience null together; vetoes on known issues the actor takes part in,
    each with a no-deal point; ties to known, seated others, of strength in
    [0, 1]; and every issue has some positive weight (capability x salience)
    among actors at the table.
    """
    problems: list[Problem] = []

    def add(where: str, message: str, fix: str = "") -> None:
        problems.append(Problem(file, where, message, fix))

    issue_ids = [i.id for i in scenario.issues]
    for dup in sorted({x for x in issue_ids if issue_ids.count(x) > 1}):
        add(f"issue {dup!r}", "issue id used more than once", "give each issue its own id")
    actor_ids = [a.id for a in scenario.actors]
    for dup in sorted({x for x in actor_ids if actor_ids.count(x) > 1}):
        add(f"actor {dup!r}", "actor id used more than once", "give each actor its own id")

    _check_scales(add, scenario.issues)

    scales = {i.id: i.scale for i in scenario.issues}
    known = set(issue_ids)
    issue_ids = list(dict.fromkeys(issue_ids))  # a duplicate is reported once, above
    for index, actor in enumerate(scenario.actors):
        head = actor_where(index, actor.id) if actor_where else f"actor {actor.id!r}"
        _check_estimate(add, f"{head} › capability", actor.capability, "capability")
        for field in ("positions", "salience"):
            given = getattr(actor, field)
            for key in sorted(set(given) - known):
                add(
                    f"{head} › {field}.{key}",
                    f"unknown issue id {key!r}",
                    f"use one of: {', '.join(issue_ids)}",
                )
            for key in [k for k in issue_ids if k not in given]:
                add(
                    f"{head} › {field}",
                    f"no entry for issue {key!r}",
                    f"add {key}: a number, or null if the actor is not involved",
                )
        for issue_id in issue_ids:
            if issue_id not in actor.positions or issue_id not in actor.salience:
                continue
            pos, sal = actor.positions[issue_id], actor.salience[issue_id]
            if (pos is None) != (sal is None):
                add(
                    f"{head} › {issue_id}",
                    "position and salience must both be null (not involved) or both given",
                    "give both, or set both to null",
                )
                continue
            lo, hi = scales[issue_id]
            if lo < hi:
                _check_estimate(add, f"{head} › positions.{issue_id}", pos, "position", (lo, hi))
            _check_estimate(add, f"{head} › salience.{issue_id}", sal, "salience")
        _check_estimate(add, f"{head} › no_deal_cost", actor.no_deal_cost, "cost of no deal")
        check_veto(add, head, actor, scenario.issues)
        check_ties(add, head, actor, scenario.actors)

    if not problems:
        _check_shocks(add, "shocks", scenario.shocks, scenario.actors)
    _check_revisions(add, scenario)
    if not problems and scenario.variants:
        for name in scenario.variants:
            if not name or name.strip() != name or "\n" in name:
                add(
                    f"variant {name!r}",
                    "a variant's name must be non-empty, on one line, "
                    "without leading or trailing spaces",
                    "rename it",
                )
                continue
            try:
                scenario.variant(name)
            except ScenarioError as exc:
                problems.extend(Problem(file, p.where, p.message, p.fix) for p in exc.problems)
    if not problems:
        for issue in scenario.issues:
            weight = sum(
                a.capability.value * sal.value
                for a in scenario.actors
                if a.at_table and (sal := a.salience.get(issue.id)) is not None
            )
            if weight <= 0:
                add(
                    f"issue {issue.id!r}",
                    "no actor at the table has a positive weight (capability x salience)",
                    "give an actor with at_table: true a salience above 0 on this issue",
                )
    return problems


#: What a revision's key may name besides actors and issues: the scenario's other inputs.
REVISION_TOPS = ("shocks", "model_params")
REVISION_HELP = (
    "write ACTOR, ACTOR.FIELD or ACTOR.FIELD.ISSUE (e.g. US.positions.territory), "
    "or ISSUE.FIELD (e.g. territory.status_quo)"
)


def _check_revisions(add: Callable[..., None], scenario: Scenario) -> None:
    """Every key of ``revisions`` names an input of this scenario (a note for nothing
    is a typo)."""
    actor_fields = set(Actor.model_fields) - {"id", "name", "notes"}
    issue_fields = set(Issue.model_fields) - {"id", "name", "labels"}
    actors, issues = set(scenario.actor_ids), set(scenario.issue_ids)
    for key in scenario.revisions or {}:
        head, _, rest = key.partition(".")
        field, _, issue = rest.partition(".")
        if head in actors:
            fine = not rest or (
                field in actor_fields
                and (not issue or (field in ("positions", "salience") and issue in issues))
            )
        elif head in issues:
            fine = not rest or (field in issue_fields and not issue)
        else:
            fine = key in REVISION_TOPS
        if not fine:
            add(f"revisions › {key}", "names no input of this scenario", REVISION_HELP)


def _check_scales(add: Callable[[str, str, str], None], issues: list[Issue]) -> None:
    """Each scale runs from low to high over a span the arithmetic holds, and holds its
    status quo and no-deal point."""
    for issue in issues:
        lo, hi = issue.scale
        where = f"issue {issue.id!r}"
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
            add(
                f"{where} › scale",
                f"scale [{lo:g}, {hi:g}] must have low < high",
                "write scale: [low, high], e.g. [0, 100]",
            )
        elif not MIN_SPAN <= hi - lo <= MAX_SPAN:
            add(
                f"{where} › scale",
                f"scale [{lo:g}, {hi:g}] spans {hi - lo:g}, outside what the models' "
                f"arithmetic holds ({MIN_SPAN:.1e} to {MAX_SPAN:.1e}: distances on it are squared)",
                "measure the issue in other units, e.g. scale [0, 100], with its positions",
            )
        else:
            if issue.status_quo is not None and not lo <= issue.status_quo <= hi:
                add(
                    f"{where} › status_quo",
                    f"status quo {issue.status_quo:g} lies outside the scale [{lo:g}, {hi:g}]",
                    "put it inside the scale, or widen the scale",
                )
            _check_estimate(add, f"{where} › no_deal", issue.no_deal, "no-deal point", (lo, hi))


def _check_shocks(
    add: Callable[[str, str, str], None], label: str, shocks: list[Shock], actors: list[Actor]
) -> None:
    """Each shock names an actor and a readable change, and leaves capability above 0."""
    capability = {a.id: a.capability.value for a in actors}
    order = sorted(range(len(shocks)), key=lambda k: shocks[k].round)
    for k in order:
        shock = shocks[k]
        where = f"{label}[{k + 1}] (round {shock.round})"
        if shock.actor not in capability:
            add(where, f"no actor {shock.actor!r}", f"use one of: {', '.join(capability)}")
            continue
        parsed = parse_adjust(shock.capability)
        if parsed is None:
            add(where, f"cannot read capability {shock.capability!r}", ADJUST_HELP)
            continue
        op, x = parsed
        old = capability[shock.actor]
        new = x if op == "=" else old * x if op == "*" else old + x
        if not new > 0:
            add(
                where,
                f"capability of {shock.actor!r} would fall to {new:g} (from {old:g})",
                "capability must stay above 0: use a smaller cut",
            )
            continue
        capability[shock.actor] = new


def check_veto(
    add: Callable[[str, str, str], None], head: str, actor: Actor, issues: list[Issue]
) -> None:
    """A veto names known issues the actor takes part in, each with a point to judge
    a deal against (its no-deal point, or else its status quo)."""
    if actor.veto == []:
        add(f"{head} › veto", "an empty list of vetoes", "write false for no veto")
    if not actor.has_veto:
        return
    by_id = {i.id: i for i in issues}
    named = list(by_id) if actor.veto is True else list(actor.veto)  # type: ignore[arg-type]
    for dup in sorted({x for x in named if named.count(x) > 1}):
        add(f"{head} › veto", f"issue {dup!r} named more than once", "name each issue once")
    for issue_id in dict.fromkeys(named):
        if issue_id not in by_id:
            add(
                f"{head} › veto",
                f"unknown issue id {issue_id!r}",
                f"use some of: {', '.join(by_id)}; or true for every issue",
            )
            continue
        involved = actor.positions.get(issue_id) is not None
        if not involved:
            if actor.veto is not True:
                add(
                    f"{head} › veto",
                    f"{actor.id!r} takes no part in issue {issue_id!r}, so it cannot judge it",
                    "give it a position and salience there, or drop the issue from veto",
                )
            continue
        issue = by_id[issue_id]
        if issue.no_deal is None and issue.status_quo is None:
            add(
                f"{head} › veto",
                f"issue {issue_id!r} has neither no_deal nor status_quo: nothing to judge "
                "a deal against",
                f"give issue {issue_id!r} a no_deal (where it stands if the talks fail) "
                "or a status_quo",
            )


def check_ties(
    add: Callable[[str, str, str], None], head: str, actor: Actor, actors: list[Actor]
) -> None:
    """Each tie reaches another, seated actor, with a strength in [0, 1]."""
    seated = {a.id: a.at_table for a in actors}
    for target, strength in (actor.influence or {}).items():
        where = f"{head} › influence.{target}"
        if target not in seated:
            add(where, f"no actor {target!r}", f"use one of: {', '.join(seated)}")
        elif target == actor.id:
            add(where, "a tie from an actor to itself", "remove it: ties reach others")
        elif not seated[target]:
            add(
                where,
                f"{target!r} is not at the table: ties pull seated actors only",
                f"seat {target!r}, or remove the tie",
            )
        if not (math.isfinite(strength) and 0 <= strength <= 1):
            add(where, f"strength {strength:g} lies outside [0, 1]", "write a number from 0 to 1")


# The range of magnitudes every model computes with safely (see _check_estimate).
TINY, HUGE = 1e-100, 1e100


def _check_estimate(
    add: Callable[[str, str, str], None],
    where: str,
    est: Estimate | None,
    kind: Literal["capability", "position", "salience", "no-deal point", "cost of no deal"],
    bounds: tuple[float, float] = (0.0, 1.0),
) -> None:
    """Check one estimate: its range, and each number against what ``kind`` allows
    (``bounds`` is a position's scale)."""
    if est is None:
        return
    if (est.low is None) != (est.high is None):
        add(where, "a range needs both low and high", "write both low: and high:, or neither")
        return
    if est.dist is not None and not est.has_range:
        add(where, f"dist {est.dist!r} needs a range", "add low: and high:")
    values = [("value", est.value)]
    if est.low is not None and est.high is not None:
        values += [("low", est.low), ("high", est.high)]
        if est.low > est.high:
            add(
                where,
                f"the range is upside down: low {est.low:g} is above high {est.high:g}",
                "swap low and high",
            )
        elif not est.low <= est.value <= est.high:
            add(
                where,
                f"value {est.value:g} lies outside its own range {est.low:g} to {est.high:g}",
                "move the value into the range, widen the range, or leave low and high empty",
            )
    for name, x in values:
        if not math.isfinite(x):
            add(where, f"{name} {x} is not a finite number", "write a finite number")
        elif kind == "capability" and x <= 0:
            add(
                where,
                f"{name} {x:g} must be greater than 0",
                "capability is a positive amount of clout, in any unit",
            )
        elif kind == "capability" and not TINY <= x <= HUGE:
            # Weights multiply and sum capabilities; beyond these they overflow to inf or
            # underflow to 0 and the models would compute NaN.
            add(
                where,
                f"{name} {x:g} lies outside [{TINY:g}, {HUGE:g}]",
                "capabilities count only relative to each other: rescale them all, "
                "e.g. to GDP in billions",
            )
        elif kind == "cost of no deal":
            if x < 0:
                add(
                    where,
                    f"cost of no deal {name} {x:g} is negative",
                    "write 0 or more (0: failing to agree costs the actor nothing)",
                )
        elif kind == "salience" and 0 < x < TINY:
            add(
                where,
                f"salience {name} {x:g} is positive but below {TINY:g}",
                "write 0 for an issue the actor does not care about",
            )
        elif kind != "capability" and not bounds[0] <= x <= bounds[1]:
            add(
                where,
                f"{kind} {name} {x:g} lies outside [{bounds[0]:g}, {bounds[1]:g}]",
                "salience is between 0 and 1"
                if kind == "salience"
                else f"{kind}s lie on the issue's scale",
            )
