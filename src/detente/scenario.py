"""The scenario: who negotiates, over what, wanting what, and how much they care.

A :class:`Scenario` is the validated, human-level description an analyst
writes (names, labels, provenance, uncertainty ranges). It is checked once, as
a whole, and every problem is reported together (:func:`check`). Models never
see it: :meth:`Scenario.to_arrays` converts it into plain NumPy arrays
(:class:`detente.arrays.ScenarioArrays`).

Tree format (YAML, or the same tree built from CSV/xlsx)::

    title, source, issues: [{id, name, scale, labels: {low, high}, status_quo}],
    actors: [{id, name, capability, at_table, positions: {ISSUE: x},
              salience: {ISSUE: s}, notes}]

A position, salience or capability is a number or ``{value, low, high,
dist}``; a position and its salience may both be ``null`` (the actor is not
involved in that issue).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from detente.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from detente.arrays import ScenarioArrays

Dist = Literal["triangular", "uniform", "normal", "beta"]
DISTS: tuple[str, ...] = ("triangular", "uniform", "normal", "beta")
ID_PATTERN = r"^[A-Za-z0-9_-]+$"
ACTOR_ID_PATTERN = r"^[^.\s][^.]*$"


def _wrap_number(value: Any) -> Any:
    """Let an analyst write ``90`` where ``{value: 90}`` is meant."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"value": value}
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Estimate(_Strict):
    """An analyst's number, optionally with the range it may lie in.

    ``value`` is used by point forecasts; ``low``/``high`` (both or neither)
    and ``dist`` drive the uncertainty analysis.
    """

    value: float
    low: float | None = None
    high: float | None = None
    dist: Dist | None = None

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None

    def bounds(self) -> tuple[float, float]:
        """The values the estimate may take: its range, or its value alone."""
        if self.low is not None and self.high is not None:
            return self.low, self.high
        return self.value, self.value


def _list_to_tuple(value: Any) -> Any:
    """YAML has no tuples: accept ``[low, high]`` for a scale."""
    return tuple(value) if isinstance(value, list) else value


Number = Annotated[Estimate, BeforeValidator(_wrap_number)]
OptionalNumber = Annotated[Estimate | None, BeforeValidator(_wrap_number)]


class Labels(_Strict):
    """What each end of an issue's scale means, in words."""

    low: str
    high: str


class Issue(_Strict):
    """A contested issue: a line with labelled ends and a status quo on it."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: str | None = None
    scale: Annotated[tuple[float, float], BeforeValidator(_list_to_tuple)] = (0.0, 100.0)
    labels: Labels | None = None
    status_quo: float | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id


class Actor(_Strict):
    """A party to the negotiation: its clout and what it wants on each issue."""

    id: Annotated[str, Field(pattern=ACTOR_ID_PATTERN)]
    name: str | None = None
    capability: Number
    at_table: bool = True
    positions: dict[str, OptionalNumber]
    salience: dict[str, OptionalNumber]
    notes: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id


class Scenario(_Strict):
    """A whole negotiation, validated as one (see :func:`check`)."""

    title: str
    source: str | None = None
    issues: Annotated[list[Issue], Field(min_length=1)]
    actors: Annotated[list[Actor], Field(min_length=1)]
    #: Parameters a file sets for models, ``{model: {name: value}}`` (e.g. a
    #: KTAB XML file's ModelParameters for ``smp``); given parameters override them.
    model_params: dict[str, dict[str, Any]] | None = None

    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]

    @property
    def actor_ids(self) -> list[str]:
        return [a.id for a in self.actors]

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)

    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def to_tree(self) -> dict[str, Any]:
        """The plain tree the YAML format holds (numbers without ranges stay bare)."""
        return _tree(self)

    def to_arrays(self) -> ScenarioArrays:
        """The arrays every model works on (positions normalised to [0, 1])."""
        from detente.arrays import ScenarioArrays

        return ScenarioArrays.from_scenario(self)

    @classmethod
    def from_tree(
        cls,
        tree: Any,
        file: str = "<scenario>",
        actor_where: Callable[[int, str], str] | None = None,
    ) -> Scenario:
        """Validate a plain tree (as read from YAML/CSV/xlsx) into a Scenario.

        Raises :class:`ScenarioError` listing every problem; ``actor_where``
        lets a table reader name rows instead of list indices.
        """
        if not isinstance(tree, Mapping):
            raise ScenarioError(
                [
                    Problem(
                        file,
                        "",
                        "the file does not hold a scenario (a mapping with "
                        "title, issues and actors)",
                        "see examples/ukraine-2025.yaml",
                    )
                ]
            )
        try:
            scenario = cls.model_validate(tree)
        except ValidationError as exc:
            raise ScenarioError(_pydantic_problems(exc, tree, file, actor_where)) from None
        problems = check(scenario, file, actor_where)
        if problems:
            raise ScenarioError(problems)
        return scenario


def _number_tree(est: Estimate | None) -> Any:
    if est is None:
        return None
    if not est.has_range and est.dist is None:
        return _plain(est.value)
    out: dict[str, Any] = {"value": _plain(est.value)}
    if est.low is not None:
        out["low"] = _plain(est.low)
    if est.high is not None:
        out["high"] = _plain(est.high)
    if est.dist is not None:
        out["dist"] = est.dist
    return out


def _plain(x: float) -> float | int:
    """Write 80 rather than 80.0, without losing any value that is not integral."""
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def _tree(s: Scenario) -> dict[str, Any]:
    tree: dict[str, Any] = {"title": s.title}
    if s.source is not None:
        tree["source"] = s.source
    issues = []
    for i in s.issues:
        item: dict[str, Any] = {"id": i.id}
        if i.name is not None:
            item["name"] = i.name
        item["scale"] = [_plain(i.scale[0]), _plain(i.scale[1])]
        if i.labels is not None:
            item["labels"] = {"low": i.labels.low, "high": i.labels.high}
        if i.status_quo is not None:
            item["status_quo"] = _plain(i.status_quo)
        issues.append(item)
    tree["issues"] = issues
    actors = []
    for a in s.actors:
        item = {"id": a.id}
        if a.name is not None:
            item["name"] = a.name
        item["capability"] = _number_tree(a.capability)
        item["at_table"] = a.at_table
        item["positions"] = {k: _number_tree(v) for k, v in a.positions.items()}
        item["salience"] = {k: _number_tree(v) for k, v in a.salience.items()}
        if a.notes is not None:
            item["notes"] = a.notes
        actors.append(item)
    tree["actors"] = actors
    if s.model_params is not None:
        tree["model_params"] = {m: dict(p) for m, p in s.model_params.items()}
    return tree


_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove it, or check its spelling",
    "float_type": "write a number, e.g. 50",
    "bool_type": "write true or false",
    "string_type": "write text (quote it if it looks like a number)",
    "string_pattern_mismatch": "use only letters, digits, '_' and '-' (actor ids: no '.')",
    "dict_type": "write a mapping of issue id to number",
    "list_type": "write a list",
    "literal_error": "choose one of the values listed",
    "too_short": "add at least one entry",
    "model_type": "write a mapping",
}


def _pydantic_problems(
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
        if err["type"] == "model_type" and loc and loc[0] == "actors":
            message = f"expected a number or {{value, low, high}}, got {err['input']!r}"
            fix = "write a number without quotes, e.g. 50"
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
    positions and salience; scale low < high; status quo and positions
    (value and range) inside the scale; salience in [0, 1]; capability > 0;
    ranges ordered; position and salience null together; and every issue has
    some positive weight (capability x salience) among actors at the table.
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

    for issue in scenario.issues:
        lo, hi = issue.scale
        where = f"issue {issue.id!r}"
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
            add(
                f"{where} › scale",
                f"scale [{lo:g}, {hi:g}] must have low < high",
                "write scale: [low, high], e.g. [0, 100]",
            )
        elif issue.status_quo is not None and not lo <= issue.status_quo <= hi:
            add(
                f"{where} › status_quo",
                f"status quo {issue.status_quo:g} lies outside the scale [{lo:g}, {hi:g}]",
                "put it inside the scale, or widen the scale",
            )

    scales = {i.id: i.scale for i in scenario.issues}
    known = set(issue_ids)
    for index, actor in enumerate(scenario.actors):
        head = actor_where(index, actor.id) if actor_where else f"actor {actor.id!r}"
        _check_estimate(add, f"{head} › capability", actor.capability, None, positive=True)
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
                _check_estimate(add, f"{head} › positions.{issue_id}", pos, (lo, hi))
            _check_estimate(add, f"{head} › salience.{issue_id}", sal, (0.0, 1.0))

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


def _check_estimate(
    add: Callable[[str, str, str], None],
    where: str,
    est: Estimate | None,
    bounds: tuple[float, float] | None,
    positive: bool = False,
) -> None:
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
        if not est.low <= est.value <= est.high:
            add(
                where,
                f"range must satisfy low <= value <= high, got "
                f"{est.low:g} <= {est.value:g} <= {est.high:g}",
                "reorder the numbers",
            )
    for name, x in values:
        if not math.isfinite(x):
            add(where, f"{name} {x} is not a finite number", "write a finite number")
        elif positive and x <= 0:
            add(
                where,
                f"{name} {x:g} must be greater than 0",
                "capability is a positive amount of clout, in any unit",
            )
        elif bounds is not None and not bounds[0] <= x <= bounds[1]:
            what = "salience" if bounds == (0.0, 1.0) else "position"
            add(
                where,
                f"{what} {name} {x:g} lies outside [{bounds[0]:g}, {bounds[1]:g}]",
                "salience is between 0 and 1"
                if what == "salience"
                else "positions lie on the issue's scale",
            )
