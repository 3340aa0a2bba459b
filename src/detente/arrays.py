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
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

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
        return cls(
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
        )

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

    def to_scale(self, x: FloatArray) -> FloatArray:
        """Map normalised positions (last axis = issues) back to the scenario's units."""
        return np.asarray(x) * (self.scale_high - self.scale_low) + self.scale_low

    def with_values(self, **changes: object) -> ScenarioArrays:
        """A copy with some arrays replaced (e.g. drawn positions with a leading axis)."""
        return replace(self, **changes)  # type: ignore[arg-type]


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
