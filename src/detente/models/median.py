"""Black's weighted median: the position no weighted majority can beat.

With single-peaked preferences on a line, the weighted median is the
Condorcet winner (Black 1948). Weights are w_ik = capability_i x
salience_ik of the actors at the table and involved.

Rule: sort the positions; the forecast is the smallest position at which the
cumulative weight reaches half the total weight. When the cumulative weight
equals half exactly (to a relative 1e-12, so that 0.1 + 0.2 counts as 0.3),
the forecast is the midpoint of that position and the next higher one.
"""

from __future__ import annotations

import numpy as np

from detente.arrays import FloatArray
from detente.models.base import WeightedRule, register

EXACT_HALF_RTOL = 1e-12


def weighted_median(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted median over the actor axis (-2) of ``x`` with weights ``w``.

    Entries with weight 0 are ignored (their position may be NaN). Leading
    axes broadcast, so draws of a Monte Carlo run go through in one call.

    >>> weighted_median(np.array([[0.], [1.], [2.]]), np.array([[1.], [1.], [1.]]))
    array([1.])
    >>> weighted_median(np.array([[0.], [1.]]), np.array([[1.], [1.]]))
    array([0.5])
    """
    x, w = np.broadcast_arrays(x, w)
    key = np.where(w > 0, x, np.inf)
    order = np.argsort(key, axis=-2, kind="stable")
    xs = np.take_along_axis(key, order, axis=-2)
    ws = np.take_along_axis(np.where(w > 0, w, 0.0), order, axis=-2)
    cum = np.cumsum(ws, axis=-2)
    half = cum[..., -1:, :] / 2
    exact = np.isclose(cum, half, rtol=EXACT_HALF_RTOL, atol=0.0)
    idx = np.argmax((cum > half) | exact, axis=-2)[..., None, :]
    at = np.take_along_axis(xs, idx, axis=-2)[..., 0, :]
    nxt_idx = np.minimum(idx + 1, xs.shape[-2] - 1)
    nxt = np.take_along_axis(xs, nxt_idx, axis=-2)[..., 0, :]
    is_exact = np.take_along_axis(exact, idx, axis=-2)[..., 0, :]
    return np.where(is_exact & np.isfinite(nxt), (at + nxt) / 2, at)


@register
class Median(WeightedRule):
    """Black's weighted median (see the module docstring)."""

    name = "median"
    title = "Weighted median (Black)"
    rank = 10
    rule = staticmethod(weighted_median)
