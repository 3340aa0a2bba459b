"""Running a model on a batch of draws, and what a run did not do with the shocks.

Every model takes plain arrays; a batch adds a leading draw axis. A model
that declares ``batched`` takes the whole batch in one call; any other runs
draw by draw here, with the same numbers. The Monte Carlo layer
(:mod:`detente.uncertainty`), the sensitivity analysis and the ensemble all
run their models through :func:`run_batch`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel

from detente.arrays import BoolArray, FloatArray, ScenarioArrays
from detente.models.base import Model, Outcome


def shock_warnings(model: Model, arrays: ScenarioArrays, outcome: Outcome) -> list[str]:
    """What a run did not do with the scenario's shocks: a static model ignores them all,
    and a dynamic one those named for a round after its last."""
    if not arrays.shocks:
        return []
    if not model.dynamic:
        return [
            f"{model.name} is static: it ignores the scenario's shocks, which dynamic "
            "models apply before the rounds they name"
        ]
    if outcome.rounds is None:
        return []
    ran = np.shape(outcome.rounds)[0] - 1
    late = sorted({shock.round for shock in arrays.shocks if shock.round > ran})
    if not late:
        return []
    named = ", ".join(map(str, late))
    return [
        f"{model.name} ran {ran} rounds: the shocks before round {named} never applied "
        "(fix: --rounds at least the last shock's round)"
    ]


@dataclass
class Batch:
    """A model's answers on a batch of draws, in normalised units."""

    forecast: FloatArray
    converged: BoolArray | None = None
    converged_by_issue: BoolArray | None = None
    warnings: list[str] = field(default_factory=list)
    #: The ensemble's spread among its members per draw and issue (normalised units).
    spread: FloatArray | None = None


def run_batch(model: Model, arrays: ScenarioArrays, params: BaseModel) -> Batch:
    """Run ``model`` on arrays with a leading draw axis ``(D, ...)``.

    A ``batched`` model gets the whole batch in one call; any other runs
    draw by draw (the same numbers, more slowly). A draw counts as
    converged when every issue converged (or, lacking that detail, when the
    model says it did).
    """
    d, m = arrays.positions.shape[0], arrays.n_issues
    by_issue: BoolArray | None = None
    spread: FloatArray | None = None
    flags: Any = None
    if model.batched:
        out = model.run(arrays, params)
        forecast = np.broadcast_to(np.asarray(out.forecast, dtype=float), (d, m))
        if out.converged_by_issue is not None:
            by_issue = np.broadcast_to(np.asarray(out.converged_by_issue, dtype=bool), (d, m))
        flags = out.converged
        warnings = [*out.warnings, *shock_warnings(model, arrays, out)]
        if out.spread is not None:
            spread = np.broadcast_to(np.asarray(out.spread, dtype=float), (d, m))
    else:
        outs = [model.run(arrays.draw(i), params) for i in range(d)]
        forecast = np.array([np.asarray(o.forecast, dtype=float) for o in outs]).reshape(d, m)
        if all(o.converged_by_issue is not None for o in outs):
            by_issue = np.array([o.converged_by_issue for o in outs], dtype=bool).reshape(d, m)
        if all(o.converged is not None for o in outs):
            flags = [o.converged for o in outs]
        warnings = list(
            dict.fromkeys(w for o in outs for w in (*o.warnings, *shock_warnings(model, arrays, o)))
        )
    converged: BoolArray | None = None
    if by_issue is not None:
        converged = np.asarray(by_issue.all(axis=-1))
    elif flags is not None:
        converged = np.broadcast_to(np.asarray(flags, dtype=bool), (d,))
    return Batch(forecast, converged, by_issue, warnings, spread)
