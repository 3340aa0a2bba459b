"""Hypothesis strategies that build valid scenarios and model arrays.

Every model's property tests draw from these, so that "a valid scenario"
means the same thing everywhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from detente.arrays import ScenarioArrays
from detente.scenario import TINY, Scenario

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
# Saliences are 0 or at least TINY, as scenarios require: a smaller one (5e-324) times a
# capability scaled by 0.5 underflows to 0, and an actor of zero weight drops out.
salience_value = st.one_of(st.just(0.0), st.floats(min_value=TINY, max_value=1.0))
positive = st.floats(min_value=0.05, max_value=100.0, allow_nan=False)


@st.composite
def scenario_trees(
    draw: st.DrawFn,
    min_actors: int = 1,
    max_actors: int = 8,
    min_issues: int = 1,
    max_issues: int = 4,
    status_quo: bool = True,
    allow_off_table: bool = True,
    allow_uninvolved: bool = True,
) -> dict[str, Any]:
    """A valid scenario tree: every issue keeps positive weight at the table."""
    n = draw(st.integers(min_actors, max_actors))
    m = draw(st.integers(min_issues, max_issues))
    issues = []
    for k in range(m):
        lo = draw(st.sampled_from([0.0, -10.0, 1.0]))
        width = draw(st.sampled_from([1.0, 10.0, 100.0]))
        item: dict[str, Any] = {"id": f"i{k}", "scale": [lo, lo + width]}
        if status_quo:
            item["status_quo"] = lo + width * draw(unit)
        issues.append(item)
    actors = []
    for a in range(n):
        at_table = a == 0 or not allow_off_table or draw(st.booleans())
        positions: dict[str, Any] = {}
        salience: dict[str, Any] = {}
        for k, issue in enumerate(issues):
            lo, hi = issue["scale"]
            involved = a == 0 or not allow_uninvolved or draw(st.integers(0, 4)) > 0
            if involved:
                positions[f"i{k}"] = lo + (hi - lo) * draw(unit)
                # Actor 0 keeps every issue's weight positive.
                salience[f"i{k}"] = draw(st.floats(0.1, 1.0)) if a == 0 else draw(salience_value)
            else:
                positions[f"i{k}"] = None
                salience[f"i{k}"] = None
        actors.append(
            {
                "id": f"a{a}",
                "capability": draw(positive),
                "at_table": at_table,
                "positions": positions,
                "salience": salience,
            }
        )
    return {"title": "generated", "issues": issues, "actors": actors}


@st.composite
def scenarios(draw: st.DrawFn, **kwargs: Any) -> Scenario:
    return Scenario.from_tree(draw(scenario_trees(**kwargs)))


@st.composite
def arrays(draw: st.DrawFn, **kwargs: Any) -> ScenarioArrays:
    return draw(scenarios(**kwargs)).to_arrays()


def permute_actors(arr: ScenarioArrays, order: np.ndarray) -> ScenarioArrays:
    """The same negotiation with the actors listed in another order."""
    return arr.with_values(
        actor_ids=tuple(arr.actor_ids[i] for i in order),
        positions=arr.positions[..., order, :],
        salience=arr.salience[..., order, :],
        capability=arr.capability[..., order],
        at_table=arr.at_table[order],
        involved=arr.involved[order],
    )


def batch_of(arr: ScenarioArrays, positions: np.ndarray) -> ScenarioArrays:
    """``arr`` with a leading draw axis: one draw per row of ``positions`` (draws, actors,
    issues), the saliences and capabilities the same in every draw."""
    draws = positions.shape[0]
    return arr.with_values(
        positions=positions,
        salience=np.broadcast_to(arr.salience, positions.shape),
        capability=np.broadcast_to(arr.capability, (draws, arr.n_actors)),
    )
