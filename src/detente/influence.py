"""Two-stage influence: actors shift the seated actors' positions through access ties.

Stokman & Van den Bos (1992, "A two-stage model of policy making, with an
empirical test in the U.S. energy policy domain", in Moore & Whitt eds.,
*The Political Consequences of Social Networks*, Research in Politics and
Society 4, JAI Press; a network version tested on EU legislation by Naurin
& Thomson): before the
decision makers decide, every actor with access to a decision maker pulls its
position toward its own. With w_ik = capability_i x salience_ik and a_ij in
[0, 1] the tie from i to j, a seated actor j's position on issue k becomes

    p'_jk = (w_jk p_jk + sum_i a_ij w_ik p_ik) / (w_jk + sum_i a_ij w_ik)

over the actors i involved in k, seated or not: this is how an excluded
actor's clout counts through its access. One stage only: i's own position
is the one it started with, never one shifted by others (no chains).
Actors not at the table keep their positions, and an actor not involved in
an issue stays not involved. Veto players judge a package by their own
positions, not shifted ones (see :mod:`detente.ratification`).
"""

from __future__ import annotations

import numpy as np

from detente.arrays import BoolArray, FloatArray


def influenced_positions(
    positions: FloatArray,
    salience: FloatArray,
    capability: FloatArray,
    at_table: BoolArray,
    ties: FloatArray,
) -> FloatArray:
    """Positions after the first stage, shape of ``positions``.

    ``positions`` and ``salience`` are ``(..., n_actors, n_issues)`` (NaN
    position where an actor is not involved), ``capability`` ``(...,
    n_actors)``, ``at_table`` ``(n_actors,)``, ``ties`` ``(n_actors,
    n_actors)`` with ``ties[i, j]`` the strength of i's access to j (the
    diagonal is ignored). Leading axes are Monte Carlo draws.

    A seated j (capability 100, salience 0.5, position 0.8) with an unseated i
    (capability 40, salience 1, position 0) tied to it at 0.5:
    (50 x 0.8 + 0.5 x 40 x 0) / (50 + 0.5 x 40) = 40 / 70.

    >>> p = np.array([[0.8], [0.0]]); s = np.array([[0.5], [1.0]]); cap = np.array([100.0, 40])
    >>> ties = np.array([[0.0, 0.0], [0.5, 0.0]])
    >>> influenced_positions(p, s, cap, np.array([True, False]), ties).round(4).tolist()
    [[0.5714], [0.0]]
    """
    p = np.asarray(positions, dtype=float)
    involved = ~np.isnan(p)
    w = np.where(involved, np.asarray(capability, dtype=float)[..., :, None] * salience, 0.0)
    wp = np.where(involved, w * p, 0.0)
    a = np.asarray(ties, dtype=float).copy()
    np.fill_diagonal(a, 0.0)
    # pull[..., j, k] = sum_i a_ij w_ik p_ik, weight[..., j, k] = sum_i a_ij w_ik
    pull = np.einsum("ij,...ik->...jk", a, wp)
    weight = np.einsum("ij,...ik->...jk", a, w)
    den = w + weight
    shifted = np.divide(wp + pull, den, out=np.zeros_like(den), where=den > 0)
    moves = np.asarray(at_table, dtype=bool)[:, None] & involved & (weight > 0) & (den > 0)
    return np.where(moves, shifted, p)
