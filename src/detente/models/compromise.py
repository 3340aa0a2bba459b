"""Achen's compromise model: the weighted mean of positions.

O_k = sum_i w_ik x_ik / sum_i w_ik with w_ik = capability_i x salience_ik over
the actors at the table and involved (Van den Bos 1991; Achen 2006, in
Thomson et al., *The European Union Decides*, ch. 4). It minimises the
weighted quadratic loss sum_i w_ik (x_ik - O_k)^2 and approximates the
power-weighted Nash bargaining solution; on EU legislative data nothing has
beaten it by much.
"""

from __future__ import annotations

import numpy as np

from detente.arrays import FloatArray
from detente.models.base import WeightedRule, register


def weighted_mean(x: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted mean over the actor axis (-2); zero-weight entries may be NaN.

    >>> weighted_mean(np.array([[0.], [1.]]), np.array([[1.], [3.]]))
    array([0.75])
    """
    xw = np.where(w > 0, x * w, 0.0)
    return xw.sum(axis=-2) / w.sum(axis=-2)


@register
class Compromise(WeightedRule):
    """Achen's compromise model (see the module docstring)."""

    name = "compromise"
    title = "Compromise / weighted mean (Achen)"
    rank = 20
    rule = staticmethod(weighted_mean)
