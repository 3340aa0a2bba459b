"""The nearest acceptable package's tie-break as first written: SLSQP, a general solver.

:mod:`detente.ratification` breaks ties among the packages of least loss for
the table by a quadratic programme (HiGHS's QP solver). Before that it was
solved with :func:`scipy.optimize.minimize` (SLSQP, analytic gradient,
linear constraints) from the first stage's answer, keeping that answer
unless SLSQP reported success with a feasible package at least as close.
Kept here as the reference the tests check the quadratic programme against
and the baseline ``benchmarks/bench_ratification.py`` times it against;
nothing in detente runs it.
"""

from __future__ import annotations

import numpy as np

from detente.arrays import FloatArray
from detente.ratification import ACCEPT_TOL, Terms, _LinearProgramme


def slsqp_tie_break(lp: _LinearProgramme, z0: FloatArray, best: float) -> FloatArray:
    """Among packages within 1e-9 (relative) of the least loss ``best``, the closest in
    squares, by SLSQP from the first stage's ``z0``; ``z0`` stands unless SLSQP succeeds."""
    from scipy.optimize import Bounds, LinearConstraint, minimize

    m = len(lp.target)
    a, b = lp.face(best)

    def squares(z: FloatArray) -> tuple[float, FloatArray]:
        grad = np.zeros_like(z)
        grad[:m] = 2 * (z[:m] - lp.target)
        return lp.squares(z), grad

    second = minimize(
        squares,
        z0,
        jac=True,
        method="SLSQP",
        bounds=Bounds(np.zeros_like(lp.upper), lp.upper),
        constraints=[LinearConstraint(a, -np.inf, b)],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    z = np.clip(np.asarray(second.x, dtype=float), 0.0, lp.upper)
    feasible = bool(np.all(a @ z <= b + ACCEPT_TOL))
    closer = lp.squares(z) <= lp.squares(z0)
    return (z if second.success and feasible and closer else z0)[:m]


def nearest_package_slsqp(
    terms: Terms, forecast: FloatArray, table_weight: FloatArray
) -> FloatArray:
    """:func:`detente.ratification.nearest_package` with the SLSQP tie-break."""
    lp = _LinearProgramme.build(terms, forecast, table_weight)
    z0, best = lp.first_stage()
    out = np.asarray(forecast, dtype=float).copy()
    out[lp.issues] = slsqp_tie_break(lp, z0, best)
    return out
