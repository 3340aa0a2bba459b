"""The PERT distribution fitted to an analyst's range: mode and 5th/95th percentiles.

A ``beta`` range of a scenario (:mod:`detente.uncertainty`) is a PERT
distribution (Malcolm et al. 1959, in the form of Vose 2008, *Risk
Analysis*, 3rd ed.) with its mode at the value and its support solved for so
that the range's ends are its 5th and 95th percentiles.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special

from detente.arrays import FloatArray
from detente.errors import ParameterError


def pert_shape(a: float, m: float, b: float) -> tuple[float, float]:
    """The PERT's beta exponents for support [a, b] and mode m (Vose 2008)."""
    return 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)


def fit_pert(value: float, low: float, high: float) -> tuple[float, float]:
    """Support (a, b) of the PERT with mode ``value`` whose 5th/95th percentiles are low/high.

    Solved in the unit frame (low = 0, high = 1) for log(-a) and log(b - 1),
    with a < low and b > high: two equations, two unknowns, one root.

    >>> a, b = fit_pert(50.0, 40.0, 60.0)
    >>> round(a, 4), round(b, 4)
    (33.9096, 66.0904)
    """
    width = high - low
    t = (value - low) / width

    def residual(z: FloatArray) -> list[float]:
        a, b = -np.exp(z[0]), 1 + np.exp(z[1])
        alpha, beta = pert_shape(a, t, b)
        return [
            float(special.betainc(alpha, beta, -a / (b - a))) - 0.05,
            float(special.betainc(alpha, beta, (1 - a) / (b - a))) - 0.95,
        ]

    sol = optimize.root(residual, [np.log(0.5), np.log(0.5)], method="hybr", tol=1e-13)
    if not sol.success or max(abs(r) for r in residual(sol.x)) > 1e-9:
        raise ParameterError(
            f"no PERT distribution has mode {value:g} with 5th/95th percentiles {low:g}/{high:g}"
        )
    return low - width * float(np.exp(sol.x[0])), high + width * float(np.exp(sol.x[1]))
