"""The scenario's schema: the pydantic classes an analyst's file validates into.

Only the structure lives here; the plain tree a file holds is in :mod:`.tree`,
what-ifs in :mod:`.whatifs`, and the checks of the whole in :mod:`.check`
(:meth:`Scenario.from_tree` runs them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

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


def parse_date(value: Any) -> date | None:
    """A calendar day from YAML's date or ``YYYY-MM-DD`` text; None if it is neither.

    A spreadsheet's date (a time of exactly midnight) counts as its day; any
    other time of day is refused (None): scenarios and observations are dated
    by the day.
    """
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parse_date(moment) if moment.tzinfo is None else None
    return None


def _as_date(value: Any) -> Any:
    """Let ``as_of`` be written as YAML's date or as ``YYYY-MM-DD`` text (a CSV cell)."""
    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise ValueError(f"{value!r} is not a calendar date: write it as YYYY-MM-DD")
    return day


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
    #: Where the issue stands if the talks fail (a war's front line moves; a law's
    #: reference point holds): the point veto players judge a deal against
    #: (:mod:`detente.ratification`). Default: the status quo. May carry a range.
    no_deal: OptionalNumber = None

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
    #: Whose consent a deal needs, seated or not: ``true`` on every issue the actor
    #: is involved in, or a list of issue ids (:mod:`detente.ratification`).
    veto: bool | list[str] = False
    #: The cost to the actor of the talks failing, in the units of gains (a
    #: salience-weighted share of the scales), >= 0; default 0. May carry a range.
    no_deal_cost: OptionalNumber = None
    #: Access ties ``{ACTOR_ID: strength in [0, 1]}`` from this actor to seated
    #: actors, whose positions they pull before the models run (:mod:`detente.influence`).
    influence: dict[str, float] | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def has_veto(self) -> bool:
        """Whether the actor's consent is needed on some issue."""
        return self.veto is True or (isinstance(self.veto, list) and bool(self.veto))


#: A change to a number: a number or ``{value, low, high, dist}`` sets it;
#: ``"*0.7"`` multiplies, ``"+10"``/``"-10"`` adds (value and range alike).
Adjust = float | str | Estimate
ADJUST_HELP = 'write a number (sets it), "*0.7" (multiplies) or "+10"/"-10" (adds)'


class Change(_Strict):
    """One change of a what-if; exactly one of these forms:

    - ``{actor: RU, capability: "*0.7", at_table: true, salience: {ISSUE: 0.9},
      positions: {ISSUE: "+10"}, veto: [ISSUE, ...], no_deal_cost: 0.2,
      influence: {ACTOR: 0.3}}`` (any of these fields; ``veto`` replaces the
      actor's, ``influence`` sets the ties it names, ``null`` removing one);
    - ``{issue: territory, status_quo: 55, no_deal: 80}`` (either or both);
    - ``{remove: CN}``;
    - ``{add: {...an actor, as under actors...}}``.
    """

    actor: str | None = None
    capability: Adjust | None = None
    at_table: bool | None = None
    salience: dict[str, Adjust | None] | None = None
    positions: dict[str, Adjust | None] | None = None
    veto: bool | list[str] | None = None
    no_deal_cost: Adjust | None = None
    influence: dict[str, float | None] | None = None
    issue: str | None = None
    status_quo: Adjust | None = None
    no_deal: Adjust | None = None
    remove: str | None = None
    add: Actor | None = None


#: The fields of a :class:`Change` that change an actor (the one named by its ``actor``).
ACTOR_FIELDS = (
    "capability",
    "at_table",
    "salience",
    "positions",
    "veto",
    "no_deal_cost",
    "influence",
)


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
    #: The day whose knowledge the scenario holds: a dated version of it is a
    #: snapshot of a track (:mod:`detente.track`).
    as_of: Annotated[date | None, BeforeValidator(_as_date)] = None
    #: Why inputs moved since the previous snapshot of a track: ``{KEY: note}``
    #: with KEY ``ACTOR``, ``ACTOR.FIELD``, ``ACTOR.FIELD.ISSUE`` or
    #: ``ISSUE.FIELD`` (``US.positions.territory``, ``territory.status_quo``).
    revisions: dict[str, str] | None = None

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
        from detente.scenario.tree import scenario_tree

        return scenario_tree(self)

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
        from detente.scenario.tree import shock_tree
        from detente.scenario.whatifs import apply_change

        tree = self.to_tree()
        tree.pop("variants", None)
        problems: list[Problem] = []
        for number, change in enumerate(changes, start=1):
            where = f"{label} › change {number}"
            for message, fix in apply_change(tree, change):
                problems.append(Problem("<scenario>", where, message, fix))
        tree["shocks"] = [shock_tree(x) for x in [*self.shocks, *(shocks or [])]]
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
        from detente.scenario.check import check, check_the_rest, pydantic_problems

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
            problems = pydantic_problems(exc, tree, file, actor_where)
            raise ScenarioError(problems + check_the_rest(tree, file, actor_where)) from None
        problems = check(scenario, file, actor_where)
        if problems:
            raise ScenarioError(problems)
        return scenario
