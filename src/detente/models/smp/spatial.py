"""Spatial utilities, risk attitudes and bargain interpolation of KTAB's SMP.

Positions are vectors on [0, 1] per issue (KTAB divides its 0-100 inputs by
100; detente's normalised positions are the same numbers), saliences are per
issue, and an actor's *ideal* is the point it measures distances from (its
position, unless ideals are set to lag behind; see ``ideal_adjustment``).
Names in brackets are the KTAB functions reproduced (``smp.cpp``).

- :func:`distances` [``SMPModel::bvDiff``]: the salience-weighted distance
  from i's ideal to j's position,
  ``d_ij = sqrt( sum_k (s_ik (ideal_ik - x_jk))^2 / sum_k s_ik^2 )``.
  Issues on which j is not involved add nothing (j takes no stand there).
- :func:`utility` [``SMPModel::bsUtil``]: ``u = (1 - d)(1 + d R)`` for a risk
  attitude ``R`` in [-1, 1] (``(1 - d)(1 + R)`` past d = 1).
- :func:`risk_from_probabilities` [``Model::bigRfromProb``]: risk attitudes
  from the outcome probabilities ``P`` of the actors' positions. Mid range
  (KTAB's default, R in [-1/2, 1]):
  ``R_i = (3 P_i - (P_max + 2 P_min)) / (2 (P_max - P_min))``; Min range:
  ``(P_i - P_min) / (P_max - P_min)``; Max range:
  ``(2 P_i - P_max - P_min) / (P_max - P_min)``. The likeliest actor is the
  most risk-accepting. When all P are equal KTAB divides by zero; here every
  actor is then risk neutral (R = 0).
- :func:`estimated_risk` [``Model::estNRA``]: h's estimate of i's risk
  attitude: None ``r_h``, OneThird ``(2 r_h + r_i) / 3``, Half, TwoThirds
  ``(r_h + 2 r_i) / 3``, Full ``r_i``.
- :func:`interpolate_bargain` [``SMPActor::interpolateBrgn``]: the bargain
  two actors strike. Per issue, with the initiator's estimate p that it
  would win: S2P2 weights ``w_i = s_ik^2 p^2`` and ``w_j = s_jk^2 (1 - p)^2``
  and both get ``(w_i x_ik + w_j x_jk) / (w_i + w_j)``, with 1e-6 added to
  the actor's own weight to break 0/0 and a rounding to 4 decimals
  [``interpBrgnSnPm``]; S1P1 uses first powers; S2PMax moves only the
  weaker side, by ``d s_j^2 / (d s_j^2 + 1e-6 + (1 - d) s_i^2)`` with ``d``
  the gap in probabilities [``interpBrgnS2PMax``].
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from detente.arrays import BoolArray, FloatArray

BigRRange = Literal["Min", "Mid", "Max"]
BigRAdjust = Literal["None", "OneThird", "Half", "TwoThirds", "Full"]
InterVecBargain = Literal["S1P1", "S2P2", "S2PMax"]

BIG_R_RANGES: tuple[str, ...] = ("Min", "Mid", "Max")
BIG_R_ADJUSTS: tuple[str, ...] = ("None", "OneThird", "Half", "TwoThirds", "Full")
INTER_VEC_BARGAINS: tuple[str, ...] = ("S1P1", "S2P2", "S2PMax")

#: KTAB's weight added to one side of an interpolation to avoid 0/0.
MIN_BARGAIN_WEIGHT = 1e-6


def distances(
    ideals: FloatArray, positions: FloatArray, salience: FloatArray, involved: BoolArray
) -> FloatArray:
    """``d_ij`` from each actor's ideal to each position [``bvDiff``].

    ``ideals`` and ``salience`` are ``(n, m)`` (rows of salience with a
    positive sum), ``positions`` and ``involved`` ``(q, m)``; returns
    ``(n, q)``. Issues on which a position's owner is not involved add 0.

    >>> x = np.array([[0.0, 0.0], [0.6, 0.8]])
    >>> s = np.array([[1.0, 1.0], [1.0, 0.0]])
    >>> np.round(distances(x, x, s, np.ones((2, 2), bool)), 6).tolist()
    [[0.0, 0.707107], [0.6, 0.0]]
    """
    n, m = ideals.shape
    num = np.zeros((n, positions.shape[0]))
    den = np.zeros(n)
    for k in range(m):
        # ds = (ideal_ik - x_jk) * s_ik, squared, summed over issues in order.
        ds = (ideals[:, k, None] - positions[None, :, k]) * salience[:, k, None]
        num += np.where(involved[None, :, k], ds * ds, 0.0)
        den += salience[:, k] * salience[:, k]
    return np.sqrt(num / den[:, None])


def utility(d: FloatArray, r: FloatArray | float) -> FloatArray:
    """``(1 - d)(1 + d R)`` [``SMPModel::bsUtil``]: 1 at distance 0, 0 at distance 1.

    Past d = 1 (rounding only) KTAB uses ``(1 - d)(1 + R)``, which is what
    clipping d to 1 inside the second factor gives.

    >>> utility(np.array([0.0, 0.5, 1.0]), 1.0).tolist()
    [1.0, 0.75, 0.0]
    """
    return (1.0 - d) * (1.0 + np.minimum(d, 1.0) * r)


def risk_from_probabilities(span: str, p: FloatArray) -> FloatArray:
    """Risk attitudes from outcome probabilities [``Model::bigRfromProb``].

    >>> np.round(risk_from_probabilities("Mid", np.array([0.2, 0.3, 0.5])), 12).tolist()
    [-0.5, -0.0, 1.0]
    """
    lo, hi = p.min(), p.max()
    if not hi > lo:
        return np.zeros_like(p)
    if span == "Mid":
        return (3.0 * p - (hi + 2.0 * lo)) / (2.0 * (hi - lo))
    if span == "Min":
        return (p - lo) / (hi - lo)
    if span == "Max":
        return (2.0 * p - (hi + lo)) / (hi - lo)
    raise ValueError(f"unknown big-R range {span!r}")


def estimated_risk(adjust: str, r_h: FloatArray, r_i: FloatArray) -> FloatArray:
    """h's estimate of i's risk attitude [``Model::estNRA``]; arrays broadcast.

    >>> float(estimated_risk("OneThird", np.array(1.0), np.array(-0.5)))
    0.5
    """
    if adjust == "OneThird":
        return ((2.0 * r_h) + r_i) / 3.0
    if adjust == "Full":
        return r_i + 0.0 * r_h
    if adjust == "TwoThirds":
        return (r_h + (2.0 * r_i)) / 3.0
    if adjust == "Half":
        return (r_h + r_i) / 2
    if adjust == "None":
        return r_h + 0.0 * r_i
    raise ValueError(f"unknown big-R adjustment {adjust!r}")


def _round4(x: FloatArray) -> FloatArray:
    """KTAB's ``round4``: to 4 decimals, halves up (positions are non-negative)."""
    return np.floor(0.5 + x * 10000.0) / 10000.0


def interpolate_bargain(
    method: str,
    x_i: FloatArray,
    s_i: FloatArray,
    p_i: FloatArray,
    x_j: FloatArray,
    s_j: FloatArray,
    p_j: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Positions the initiator i and receiver j take in their bargain [``interpolateBrgn``].

    ``x_*`` and ``s_*`` are ``(..., m)`` positions and saliences (zeros
    where not involved) and ``p_*`` ``(...)`` the estimated chances of
    winning (``p_j = 1 - p_i``). Returns ``(b_i, b_j)``.

    >>> b_i, b_j = interpolate_bargain("S2P2", np.array([0.0]), np.array([1.0]), np.array(0.75),
    ...                                np.array([1.0]), np.array([1.0]), np.array(0.25))
    >>> b_i.tolist(), b_j.tolist()
    ([0.1], [0.1])
    """
    pi, pj = p_i[..., None], p_j[..., None]
    if method in ("S2P2", "S1P1"):
        if method == "S2P2":
            wi = (s_i * s_i) * (pi * pi)
            wj = (s_j * s_j) * (pj * pj)
        else:
            wi, wj = s_i * pi, s_j * pj
        eps = MIN_BARGAIN_WEIGHT
        den = wi + eps + wj
        b_i = _round4(((wi + eps) * x_i + wj * x_j) / den)
        b_j = _round4((wi * x_i + (eps + wj) * x_j) / den)
        return b_i, b_j
    if method == "S2PMax":
        di = np.maximum(pj - pi, 0.0)
        dj = np.maximum(pi - pj, 0.0)
        si2, sj2 = s_i * s_i, s_j * s_j
        eps = MIN_BARGAIN_WEIGHT
        dik = (di * sj2) / ((di * sj2) + eps + ((1 - di) * si2))
        djk = (dj * si2) / ((dj * si2) + eps + ((1 - dj) * sj2))
        return x_i + dik * (x_j - x_i), x_j + djk * (x_i - x_j)
    raise ValueError(f"unknown bargain interpolation {method!r}")
