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

What-ifs (see ``docs/what-ifs.md``): ``variants`` maps a name to a list of
:class:`Change` (or to ``{description, changes, shocks}``); ``shocks`` lists
:class:`Shock`, capability changes that dynamic models apply before a given
round. :meth:`Scenario.variant` gives the scenario a variant describes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

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


# The JSON schema says what a file may hold: a bare number or an estimate.
Number = Annotated[Estimate, BeforeValidator(_wrap_number, json_schema_input_type=float | Estimate)]
OptionalNumber = Annotated[
    Estimate | None, BeforeValidator(_wrap_number, json_schema_input_type=float | Estimate | None)
]


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


#: A change to a number: a number or ``{value, low, high, dist}`` sets it;
#: ``"*0.7"`` multiplies, ``"+10"``/``"-10"`` adds (value and range alike).
Adjust = float | str | Estimate
ADJUST_HELP = 'write a number (sets it), "*0.7" (multiplies) or "+10"/"-10" (adds)'


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


class Change(_Strict):
    """One change of a what-if; exactly one of these forms:

    - ``{actor: RU, capability: "*0.7", at_table: true, salience: {ISSUE: 0.9},
      positions: {ISSUE: "+10"}}`` (any of the four fields);
    - ``{issue: territory, status_quo: 55}``;
    - ``{remove: CN}``;
    - ``{add: {...an actor, as under actors...}}``.
    """

    actor: str | None = None
    capability: Adjust | None = None
    at_table: bool | None = None
    salience: dict[str, Adjust | None] | None = None
    positions: dict[str, Adjust | None] | None = None
    issue: str | None = None
    status_quo: Adjust | None = None
    remove: str | None = None
    add: Actor | None = None


class Shock(_Strict):
    """A capability change that dynamic models apply before round ``round`` (1 = first)."""

    round: Annotated[int, Field(ge=1)]
    actor: str
    capability: float | str


def _variant_form(value: Any) -> Any:
    """Let a variant be just its list of changes."""
    return {"changes": value} if isinstance(value, list) else value


class Variant(_Strict):
    """A named what-if: changes to the scenario, and shocks added to its own."""

    description: str | None = None
    changes: list[Change] = Field(default_factory=list)
    shocks: list[Shock] = Field(default_factory=list)


VariantField = Annotated[
    Variant, BeforeValidator(_variant_form, json_schema_input_type=Variant | list[Change])
]


class Scenario(_Strict):
    """A whole negotiation, validated as one (see :func:`check`)."""

    title: str
    source: str | None = None
    issues: Annotated[list[Issue], Field(min_length=1)]
    actors: Annotated[list[Actor], Field(min_length=1)]
    variants: dict[str, VariantField] = Field(default_factory=dict)
    shocks: list[Shock] = Field(default_factory=list)
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
        """The arrays every model works on (positions normalised to [0, 1], shocks included)."""
        from detente.arrays import ScenarioArrays

        return ScenarioArrays.from_scenario(self)

    def variant(self, name: str) -> Scenario:
        """The scenario the variant ``name`` describes (without variants of its own).

        Its changes apply in order; its shocks follow the scenario's own.
        Raises :class:`ScenarioError` naming the valid variants.
        """
        if name not in self.variants:
            valid = ", ".join(self.variants) or "none (add variants: to the scenario)"
            raise ScenarioError(
                [
                    Problem(
                        "<scenario>", f"variant {name!r}", "no such variant", f"use one of: {valid}"
                    )
                ]
            )
        v = self.variants[name]
        return self.with_changes(v.changes, v.shocks, label=f"variant {name!r}")

    def with_changes(
        self, changes: list[Change], shocks: list[Shock] | None = None, label: str = "what-if"
    ) -> Scenario:
        """This scenario changed by ``changes`` and with ``shocks`` added, checked anew.

        The result has no variants. :class:`ScenarioError` names ``label``,
        the change and the fix when a change does not apply or leaves the
        scenario invalid.
        """
        tree = self.to_tree()
        tree.pop("variants", None)
        problems: list[Problem] = []
        for number, change in enumerate(changes, start=1):
            where = f"{label} › change {number}"
            for message, fix in _apply_change(tree, change):
                problems.append(Problem("<scenario>", where, message, fix))
        tree["shocks"] = [_shock_tree(x) for x in [*self.shocks, *(shocks or [])]]
        if not tree["shocks"]:
            del tree["shocks"]
        if problems:
            raise ScenarioError(problems)
        try:
            return Scenario.from_tree(tree, file="<scenario>")
        except ScenarioError as exc:
            raise ScenarioError(
                [Problem(p.file, f"{label} › {p.where}", p.message, p.fix) for p in exc.problems]
            ) from None

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
            problems = _pydantic_problems(exc, tree, file, actor_where)
            raise ScenarioError(problems + _check_the_rest(tree, file, actor_where)) from None
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
    tree["actors"] = [_actor_tree(a) for a in s.actors]
    if s.model_params is not None:
        tree["model_params"] = {m: dict(p) for m, p in s.model_params.items()}
    if s.variants:
        tree["variants"] = {name: _variant_tree(v) for name, v in s.variants.items()}
    if s.shocks:
        tree["shocks"] = [_shock_tree(x) for x in s.shocks]
    return tree


def _adjust_tree(adjust: Any) -> Any:
    if isinstance(adjust, Estimate):
        return _number_tree(adjust)
    if isinstance(adjust, float):
        return _plain(adjust)
    return adjust


def _actor_tree(a: Actor) -> dict[str, Any]:
    item: dict[str, Any] = {"id": a.id}
    if a.name is not None:
        item["name"] = a.name
    item["capability"] = _number_tree(a.capability)
    item["at_table"] = a.at_table
    item["positions"] = {k: _number_tree(v) for k, v in a.positions.items()}
    item["salience"] = {k: _number_tree(v) for k, v in a.salience.items()}
    if a.notes is not None:
        item["notes"] = a.notes
    return item


def change_tree(c: Change) -> dict[str, Any]:
    """A change as the plain tree YAML holds."""
    out: dict[str, Any] = {}
    for key in ("actor", "capability", "at_table", "salience", "positions", "issue"):
        value = getattr(c, key)
        if value is None:
            continue
        if key in ("salience", "positions"):
            value = {k: _adjust_tree(v) for k, v in value.items()}
        out[key] = _adjust_tree(value)
    if c.status_quo is not None:
        out["status_quo"] = _adjust_tree(c.status_quo)
    if c.remove is not None:
        out["remove"] = c.remove
    if c.add is not None:
        out["add"] = _actor_tree(c.add)
    return out


def _shock_tree(x: Shock) -> dict[str, Any]:
    return {"round": x.round, "actor": x.actor, "capability": _adjust_tree(x.capability)}


def _variant_tree(v: Variant) -> Any:
    changes = [change_tree(c) for c in v.changes]
    if v.description is None and not v.shocks:
        return changes
    out: dict[str, Any] = {}
    if v.description is not None:
        out["description"] = v.description
    out["changes"] = changes
    if v.shocks:
        out["shocks"] = [_shock_tree(x) for x in v.shocks]
    return out


def _apply_change(tree: dict[str, Any], c: Change) -> list[tuple[str, str]]:
    """Apply ``c`` to a scenario tree in place; the problems found (message, fix)."""
    actor_fields = [
        k for k in ("capability", "at_table", "salience", "positions") if getattr(c, k) is not None
    ]
    forms = [
        name
        for name, used in (
            ("actor", c.actor is not None or bool(actor_fields)),
            ("issue", c.issue is not None or c.status_quo is not None),
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
        actors.append(_actor_tree(c.add))
        return []
    if form == "issue":
        if c.issue not in issue_ids:
            return [(f"no issue {c.issue!r}", f"use one of: {', '.join(issue_ids)}")]
        if c.status_quo is None:
            return [("an issue change needs status_quo", "add status_quo: a number")]
        item = tree["issues"][issue_ids.index(c.issue)]
        old = item.get("status_quo")
        try:
            new = adjust_estimate(None if old is None else Estimate(value=old), c.status_quo)
        except ValueError as exc:
            return [(f"status_quo: {exc}", ADJUST_HELP)]
        if new is None or new.has_range:
            return [("a status quo is one number, not a range", "write a number")]
        item["status_quo"] = _plain(new.value)
        return []
    if c.actor not in ids:
        return [(f"no actor {c.actor!r}", f"use one of: {', '.join(ids)}")]
    if not actor_fields:
        return [
            (
                f"the change names actor {c.actor!r} but changes nothing",
                "add capability, at_table, salience or positions",
            )
        ]
    item = actors[ids.index(c.actor)]
    problems: list[tuple[str, str]] = []
    if c.at_table is not None:
        item["at_table"] = c.at_table
    if c.capability is not None:
        try:
            current = Estimate.model_validate(_wrap_number(item["capability"]))
            item["capability"] = _number_tree(adjust_estimate(current, c.capability))
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
                item[key][issue_id] = _number_tree(adjust_estimate(held, adjust))
            except ValueError as exc:
                problems.append((f"{key}.{issue_id}: {exc}", ADJUST_HELP))
    return problems


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


_M = TypeVar("_M", bound=BaseModel)


def _check_the_rest(
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

    if not problems:
        _check_shocks(add, "shocks", scenario.shocks, scenario.actors)
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


# The range of magnitudes every model computes with safely (see _check_estimate).
TINY, HUGE = 1e-100, 1e100


def _check_estimate(
    add: Callable[[str, str, str], None],
    where: str,
    est: Estimate | None,
    kind: Literal["capability", "position", "salience"],
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
                else "positions lie on the issue's scale",
            )
