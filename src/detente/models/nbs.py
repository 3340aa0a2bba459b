"""The Nash bargaining solution, as Achen (2006) tests it on EU legislation.

Achen (2006, "Evaluating political decision-making models", in Thomson,
Stokman, Achen & König, eds., *The European Union Decides*, CUP, ch. 4)
derives the compromise model from the asymmetric (power-weighted) Nash
bargaining solution with the status quo q_k (DEU's reference point) as the
disagreement point. On issue k, over the at-table, involved actors i with
positions x_i and weights w_i = capability_i x salience_i::

    O* = argmax_O  sum_i w_i log( U_i(O) - U_i(q) ),   U_i(y) = -(y - x_i)^2

subject to U_i(O) > U_i(q) for every i (nobody accepts a deal worse than no
deal). Salience enters through the exponent w_i: a salience factor on U_i
would cancel out of the argmax, since the NBS is invariant to rescaling each
player's utility. The first-order condition::

    sum_i w_i (x_i - O) / ((x_i - q)^2 - (x_i - O)^2) = 0

has a strictly decreasing left side on the feasible interval, so its root is
unique; it is found with SciPy's bracketing root finder, vectorised over
issues (and draws). When all gaps |x_i - q| are alike, the root is close to
the weighted mean: that is Achen's derivation of the compromise model.

Degenerate cases:

- no status quo on the issue: no forecast (``null``), with a warning;
- the status quo lies between the actors' positions, or on one of them: no
  point improves on it for every actor, so the solution is the status quo
  itself, reported as ``"degenerate": {ISSUE: true}``;
- all actors at one position on one side of q: the solution is that position.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.arrays import FloatArray, ScenarioArrays
from detente.models.base import Model, Outcome, register


def nash_bargaining(x: FloatArray, w: FloatArray, q: FloatArray) -> tuple[FloatArray, np.ndarray]:
    """Power-weighted NBS per issue; returns (solution, degenerate mask).

    ``x``, ``w`` are ``(..., n, m)``, ``q`` is ``(..., m)``; zero-weight
    entries are ignored. The solution is NaN where ``q`` is NaN.

    >>> sol, deg = nash_bargaining(np.array([[0.6], [0.8]]), np.array([[1.], [1.]]),
    ...                            np.array([0.2]))
    >>> bool(deg[0]), round(float(sol[0]), 6)
    (False, 0.662772)
    """
    x, w = np.broadcast_arrays(x, w)
    q = np.broadcast_to(q, x.shape[:-2] + x.shape[-1:])
    on = w > 0
    lo_x = np.where(on, x, np.inf).min(axis=-2)
    hi_x = np.where(on, x, -np.inf).max(axis=-2)
    has_q = ~np.isnan(q)
    degenerate = has_q & (q >= lo_x) & (q <= hi_x)
    # Mirror issues whose status quo lies above everyone, so that q < x always.
    flip = has_q & (q > hi_x)
    sign = np.where(flip, -1.0, 1.0)
    xs = np.where(on, x * sign[..., None, :], 0.0)
    qs = q * sign
    lo = np.where(flip, -hi_x, lo_x)
    hi = np.where(flip, -lo_x, hi_x)
    # Feasible: (O - x_i)^2 < (q - x_i)^2 for all i, i.e. O < 2 min(x) - q.
    hi = np.minimum(hi, 2 * lo - qs)
    solve = has_q & ~degenerate & (hi > lo)
    result = np.where(has_q, np.where(degenerate, q, lo * sign), np.nan)
    if solve.any():
        # One row per (draw, issue) problem to solve, actors along the last axis.
        xi = np.moveaxis(xs, -2, -1)[solve]
        wi = np.moveaxis(np.where(on, w, 0.0), -2, -1)[solve]
        qi = qs[solve]
        a, b = lo[solve], hi[solve]
        # Stay just inside the feasible bound, where the condition diverges to -inf.
        b = b - (b - a) * 1e-12

        def condition(o: FloatArray, k: np.ndarray) -> FloatArray:
            xk, wk, qk = xi[k], wi[k], qi[k][..., None]
            gap = (xk - qk) ** 2 - (xk - o[..., None]) ** 2
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = np.where(wk > 0, wk * (xk - o[..., None]) / gap, 0.0)
                return terms.sum(axis=-1)

        index = np.arange(a.size)
        root = np.where(condition(b, index) >= 0, b, a)
        # The condition falls from >= 0 at a; bracket only where it turns negative.
        inner = (condition(a, index) > 0) & (condition(b, index) < 0)
        if inner.any():
            # Imported here: scipy.optimize takes a third of a second to import.
            from scipy.optimize import elementwise

            found = elementwise.find_root(condition, (a[inner], b[inner]), args=(index[inner],))
            root[inner] = found.x
        result[solve] = root * sign[solve]
    return result, degenerate


@register
class NashBargaining(Model):
    """Power-weighted Nash bargaining solution (see the module docstring)."""

    name = "nbs"
    title = "Nash bargaining solution (Achen 2006)"
    rank = 30
    batched = True
    quick_to_calibrate = True

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        forecast, degenerate = nash_bargaining(arrays.positions, arrays.weight, arrays.status_quo)
        missing = [
            i for i, q in zip(arrays.issue_ids, arrays.status_quo, strict=True) if np.isnan(q)
        ]
        warnings = [
            f"nbs: issue {issue!r} has no status quo, so the Nash bargaining solution "
            "is undefined there (null); add status_quo to the issue"
            for issue in missing
        ]
        ids = arrays.issue_ids
        if degenerate.ndim > 1:
            # Over draws: report how often each issue is degenerate.
            share = degenerate.reshape(-1, len(ids)).mean(axis=0)
            extras: dict[str, object] = {
                "degenerate_share": dict(zip(ids, share.tolist(), strict=True))
            }
            notes: list[str] = []
        else:
            extras = {"degenerate": {i: bool(d) for i, d in zip(ids, degenerate, strict=True)}}
            notes = [
                f"nbs: on issue {issue!r} the status quo lies between the actors' positions: "
                "no deal improves on it for all, so it is the solution (degenerate)"
                for issue, d in zip(ids, degenerate, strict=True)
                if d
            ]
        return Outcome(forecast=forecast, extras=extras, warnings=warnings, notes=notes)
