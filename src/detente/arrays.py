"""Plain arrays: what every model computes on.

A scenario converts once into :class:`ScenarioArrays`. Positions and status
quos are normalised to [0, 1] on each issue's scale, so models never see
units; results are mapped back with :meth:`ScenarioArrays.to_scale`.

Shapes: ``positions`` and ``salience`` are ``(..., n_actors, n_issues)`` and
``capability`` is ``(..., n_actors)``; the optional leading axes hold Monte
Carlo draws. Where an actor is not involved in an issue its position is NaN
and its salience 0. Every model uses :attr:`ScenarioArrays.weight`, which is
zero for actors off the table or not involved, so those actors never vote,
propose or count, while they are still reported.

Shocks (the scenario's ``shocks:``) change capabilities during a dynamic
model's rounds: :attr:`ScenarioArrays.shocks` holds them as
:class:`CapabilityShock` and :meth:`ScenarioArrays.capability_at` /
:meth:`ScenarioArrays.weight_at` give the values in force in a round. A
dynamic model reads them at the start of each round; static models ignore
them (with a warning, see :func:`detente.forecast.run_model`).

Beyond the table (all None when a scenario gives none of these keys, and
then nothing changes): ``veto`` ``(n_actors, n_issues)`` marks whose consent
a deal needs where; ``no_deal_point`` ``(..., n_issues)`` (normalised) and
``no_deal_cost`` ``(..., n_actors)`` are what veto players judge a deal
against (:mod:`detente.ratification`); ``ties`` ``(n_actors, n_actors)`` are
access ties, and when given, ``positions`` are the seated actors' positions
after the first stage of influence (:mod:`detente.influence`), which every
model uses, while ``stated_positions`` keeps the positions the scenario
states, by which gains and vetoes are judged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from detente.scenario import Scenario

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class CapabilityShock:
    """Before round ``round`` (1 = the first), capability becomes ``c * factor + offset``.

    ``factor`` and ``offset`` have one entry per actor (1 and 0 for actors the
    shock leaves alone): ``"*0.8"`` is factor 0.8, ``"+10"`` offset 10, and
    ``"=50"`` factor 0 and offset 50. Relative shocks thus scale each Monte
    Carlo draw's own capability.
    """

    round: int
    factor: FloatArray
    offset: FloatArray


@dataclass(frozen=True)
class ScenarioArrays:
    """A scenario as arrays; see the module docstring for shapes and conventions."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: FloatArray
    salience: FloatArray
    capability: FloatArray
    at_table: BoolArray
    involved: BoolArray
    status_quo: FloatArray
    scale_low: FloatArray
    scale_high: FloatArray
    #: Capability shocks in the order they apply (by round, then as listed).
    shocks: tuple[CapabilityShock, ...] = ()
    veto: BoolArray | None = None
    no_deal_point: FloatArray | None = None
    no_deal_cost: FloatArray | None = None
    ties: FloatArray | None = None
    stated_positions: FloatArray | None = None

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> ScenarioArrays:
        issues = scenario.issues
        lo = np.array([i.scale[0] for i in issues], dtype=float)
        hi = np.array([i.scale[1] for i in issues], dtype=float)
        n, m = len(scenario.actors), len(issues)
        positions = np.full((n, m), np.nan)
        salience = np.zeros((n, m))
        for a, actor in enumerate(scenario.actors):
            for k, issue in enumerate(issues):
                pos, sal = actor.positions[issue.id], actor.salience[issue.id]
                if pos is not None and sal is not None:
                    positions[a, k] = pos.value
                    salience[a, k] = sal.value
        involved = ~np.isnan(positions)
        status_quo = np.array(
            [np.nan if i.status_quo is None else i.status_quo for i in issues], dtype=float
        )
        arrays = cls(
            actor_ids=tuple(scenario.actor_ids),
            issue_ids=tuple(scenario.issue_ids),
            positions=(positions - lo) / (hi - lo),
            salience=salience,
            capability=np.array([a.capability.value for a in scenario.actors], dtype=float),
            at_table=np.array([a.at_table for a in scenario.actors], dtype=bool),
            involved=involved,
            status_quo=(status_quo - lo) / (hi - lo),
            scale_low=lo,
            scale_high=hi,
            shocks=_shocks(scenario),
            **_beyond_the_table(scenario, involved),
        )
        return arrays.with_influence()

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    @property
    def active(self) -> BoolArray:
        """Actors that take part in an issue's decision: at the table and involved."""
        return self.at_table[:, None] & self.involved

    @property
    def weight(self) -> FloatArray:
        """w_ik = capability_i * salience_ik, zero off the table or where not involved."""
        w = self.capability[..., :, None] * self.salience
        return np.where(self.active, w, 0.0)

    def capability_at(self, round: int) -> FloatArray:
        """Capability in force during ``round`` (1 = the first): every shock of a
        round <= ``round`` applied in turn; round 0 (the start) has none."""
        capability = self.capability
        for shock in self.shocks:
            if shock.round <= round:
                capability = capability * shock.factor + shock.offset
        return capability

    def weight_at(self, round: int) -> FloatArray:
        """:attr:`weight` with the capability in force during ``round``."""
        w = self.capability_at(round)[..., :, None] * self.salience
        return np.where(self.active, w, 0.0)

    @property
    def own_positions(self) -> FloatArray:
        """The positions the scenario states (before any influence)."""
        return self.positions if self.stated_positions is None else self.stated_positions

    @property
    def no_deal(self) -> FloatArray:
        """Where each issue stands if the talks fail: the no-deal point, else the status quo."""
        return self.status_quo if self.no_deal_point is None else self.no_deal_point

    @property
    def cost(self) -> FloatArray:
        """Each actor's cost of no deal, ``(..., n_actors)`` (0 where none is given)."""
        if self.no_deal_cost is not None:
            return self.no_deal_cost
        return np.zeros(self.capability.shape)

    @property
    def has_veto(self) -> bool:
        """Whether some actor's consent is needed somewhere."""
        return self.veto is not None and bool(self.veto.any())

    def with_influence(self) -> ScenarioArrays:
        """The first stage of influence applied to :meth:`own_positions` (a no-op
        without ties): the positions every model then uses."""
        if self.ties is None:
            return self
        from detente.influence import influenced_positions

        own = self.own_positions
        shifted = influenced_positions(
            own, self.salience, self.capability, self.at_table, self.ties
        )
        return replace(self, positions=shifted, stated_positions=own)

    def draw(self, d: int) -> ScenarioArrays:
        """Draw ``d`` of arrays with a leading draw axis (every drawn array sliced)."""
        out = self.with_values(
            positions=self.positions[d], salience=self.salience[d], capability=self.capability[d]
        )
        # The base has no draw axis: no_deal_point (m,), no_deal_cost (n,), stated (n, m).
        for name, base_ndim in (("no_deal_point", 1), ("no_deal_cost", 1), ("stated_positions", 2)):
            value = getattr(self, name)
            if value is not None and np.ndim(value) > base_ndim:
                out = replace(out, **{name: value[d]})
        return out

    def to_scale(self, x: FloatArray) -> FloatArray:
        """Map normalised positions (last axis = issues) back to the scenario's units."""
        return np.asarray(x) * (self.scale_high - self.scale_low) + self.scale_low

    def to_unit(self, x: FloatArray) -> FloatArray:
        """Map positions in the scenario's units (last axis = issues) onto [0, 1]; the
        inverse of :meth:`to_scale`."""
        return (np.asarray(x) - self.scale_low) / (self.scale_high - self.scale_low)

    def with_values(self, **changes: object) -> ScenarioArrays:
        """A copy with some arrays replaced (e.g. drawn positions with a leading axis)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _beyond_the_table(scenario: Scenario, involved: BoolArray) -> dict[str, Any]:
    """The arrays of vetoes, no-deal points, costs and ties; none that the scenario
    does not give (so a scenario without them yields exactly the arrays it did)."""
    actors, issues = scenario.actors, scenario.issues
    out: dict[str, Any] = {}
    if any(a.has_veto for a in actors):
        ids = scenario.issue_ids
        veto = np.zeros(involved.shape, dtype=bool)
        for a, actor in enumerate(actors):
            if actor.veto is True:
                veto[a] = involved[a]
            elif isinstance(actor.veto, list):
                veto[a, [ids.index(k) for k in actor.veto]] = True
        out["veto"] = veto & involved
    if any(i.no_deal is not None for i in issues):
        point = np.array(
            [
                i.no_deal.value
                if i.no_deal is not None
                else np.nan
                if i.status_quo is None
                else i.status_quo
                for i in issues
            ],
            dtype=float,
        )
        lo = np.array([i.scale[0] for i in issues], dtype=float)
        hi = np.array([i.scale[1] for i in issues], dtype=float)
        out["no_deal_point"] = (point - lo) / (hi - lo)
    if any(a.no_deal_cost is not None for a in actors):
        out["no_deal_cost"] = np.array(
            [0.0 if a.no_deal_cost is None else a.no_deal_cost.value for a in actors]
        )
    if any(a.influence for a in actors):
        index = {actor.id: k for k, actor in enumerate(actors)}
        ties = np.zeros((len(actors), len(actors)))
        for i, actor in enumerate(actors):
            for target, strength in (actor.influence or {}).items():
                ties[i, index[target]] = strength
        out["ties"] = ties
    return out


def _shocks(scenario: Scenario) -> tuple[CapabilityShock, ...]:
    from detente.scenario import parse_adjust

    ids = scenario.actor_ids
    out = []
    for shock in sorted(scenario.shocks, key=lambda x: x.round):
        parsed = parse_adjust(shock.capability)
        if parsed is None or shock.actor not in ids:
            raise ValueError(f"unchecked shock {shock!r}")  # check() refuses these first
        op, x = parsed
        factor, offset = np.ones(len(ids)), np.zeros(len(ids))
        a = ids.index(shock.actor)
        if op == "*":
            factor[a] = x
        elif op == "+":
            offset[a] = x
        else:
            factor[a], offset[a] = 0.0, x
        out.append(CapabilityShock(shock.round, factor, offset))
    return tuple(out)
