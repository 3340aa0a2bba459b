"""A priori voting power in games decided by coalition size and weight.

The Council of the EU under the Lisbon treaty (Article 16(4) TEU, Article
238(3) TFEU) adopts by qualified majority when the members in favour are at
least 55% of the members, comprising at least 15 of them, and represent at
least 65% of the Union's population; a blocking minority must include at
least four members, so a proposal opposed by fewer than four passes. Whether
a coalition wins therefore depends only on its size ``k`` and its total
weight ``w``: it wins when ``w >= threshold[k]``, with ``threshold[k]`` the
population quota where the member count is met, ``-inf`` where fewer than
four members remain outside, and ``+inf`` where the count is short.

For such games this module computes the two classical indices:

- Shapley-Shubik (Shapley & Shubik 1954, *APSR* 48(3)): player i's share of
  the orderings in which it turns a losing coalition into a winning one,
  ``phi_i = sum_S |S|! (n - |S| - 1)! / n! * [S loses, S + i wins]`` over
  coalitions S of the other players;
- Banzhaf (Banzhaf 1965, *Rutgers Law Review* 19), normalised: player i's
  number of swings ``sum_S [S loses, S + i wins]``, divided by the sum of all
  players' swings.

Counting swings needs, for every player i and size k, the number of
coalitions of the other players with size k and weight in the window
``[threshold[k + 1] - w_i, threshold[k])``. The routine counts them exactly,
in integer weights, by meeting in the middle: the other players are split in
two halves, every subset of each half is listed with its size and weight
(2^13 and 2^14 subsets for the Council of 28), and for each subset of the
first half the matching subsets of the second half are counted with a sorted
search. That is exact to the person (no rounding of populations to a grid,
as a generating function over weights would need) and takes well under a
second for 28 members.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.arrays import FloatArray

Index = Literal["shapley", "banzhaf"]
IntArray = NDArray[np.int64]


def _subsets(weights: IntArray) -> tuple[IntArray, IntArray]:
    """Size and weight of every subset of ``weights`` (2^len rows)."""
    h = len(weights)
    masks = np.arange(2**h, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(h, dtype=np.int64)) & 1
    return bits.sum(axis=1), bits @ weights


def swing_counts(weights: Sequence[int], threshold: Sequence[float]) -> NDArray[np.float64]:
    """Swings of each player by the size of the coalition it joins.

    ``threshold[k]`` (k = 0..n) is the weight a coalition of k players needs
    to win; it must not increase with k (the game is monotone). Returns an
    ``(n, n)`` array whose entry ``[i, k]`` counts the coalitions S of the
    other players with ``|S| = k`` that lose while ``S + i`` wins.

    >>> swing_counts([2, 1, 1], [math.inf, math.inf, 3, 3])  # 2+ players, weight 3
    array([[0., 2., 1.],
           [0., 1., 0.],
           [0., 1., 0.]])
    """
    w = np.asarray(weights, dtype=np.int64)
    t = np.asarray(threshold, dtype=float)
    n = len(w)
    if t.shape != (n + 1,):
        raise ValueError(f"threshold needs n + 1 = {n + 1} entries, got {t.shape}")
    if np.any(t[1:] > t[:-1]):
        raise ValueError("threshold must not increase with coalition size")
    counts = np.zeros((n, n))
    for i in range(n):
        others = np.delete(w, i)
        half = len(others) // 2
        size_a, weight_a = _subsets(others[:half])
        size_b, weight_b = _subsets(others[half:])
        for kb in range(len(others) - half + 1):
            in_b = np.sort(weight_b[size_b == kb])
            k = size_a + kb
            # S (size k) loses: w(S) < t[k]; S + i wins: w(S) >= t[k + 1] - w_i.
            lo = t[k + 1] - w[i] - weight_a
            hi = t[k] - weight_a
            found = np.searchsorted(in_b, hi, side="left") - np.searchsorted(in_b, lo, side="left")
            counts[i] += np.bincount(k, weights=np.maximum(found, 0), minlength=n)[:n]
    return counts


def power_index(
    weights: Sequence[int], threshold: Sequence[float], index: Index = "shapley"
) -> FloatArray:
    """Shapley-Shubik or normalised Banzhaf index of each player (sums to 1).

    >>> power_index([2, 1, 1], [math.inf, math.inf, 3, 3]).round(4).tolist()
    [0.6667, 0.1667, 0.1667]
    >>> power_index([2, 1, 1], [math.inf, math.inf, 3, 3], "banzhaf").round(4).tolist()
    [0.6, 0.2, 0.2]
    """
    counts = swing_counts(weights, threshold)
    n = counts.shape[0]
    if index == "shapley":
        k = np.arange(n)
        # k! (n - k - 1)! / n!, in logs to stay finite for any n.
        log_order = (
            np.array([math.lgamma(x + 1) for x in k])
            + np.array([math.lgamma(n - x) for x in k])
            - math.lgamma(n + 1)
        )
        raw = counts @ np.exp(log_order)
    elif index == "banzhaf":
        raw = counts.sum(axis=1)
    else:
        raise ValueError(f"unknown power index {index!r}: use shapley or banzhaf")
    return np.asarray(raw / raw.sum(), dtype=float)


def lisbon_threshold(
    population: Sequence[int],
    member_share: float = 0.55,
    min_members: int = 15,
    population_share: float = 0.65,
    blocking_members: int = 4,
) -> FloatArray:
    """Weight thresholds of the Lisbon double majority (Article 16(4) TEU).

    A coalition of k members wins when k >= max(ceil(0.55 n), 15) and its
    population reaches 65% of the total (compared exactly in integers), or
    when fewer than ``blocking_members`` members are left outside it.

    >>> lisbon_threshold([10, 10, 10, 10, 10], min_members=3, blocking_members=2).tolist()
    [inf, inf, inf, 33.0, -inf, -inf]
    """
    pop = [int(p) for p in population]
    n = len(pop)
    total = sum(pop)
    # Shares as exact fractions (0.55 * 20 is 11, not 11.000000000000002).
    members = max(math.ceil(Fraction(repr(member_share)) * n), min_members)
    quota = math.ceil(Fraction(repr(population_share)) * total)
    t = np.full(n + 1, math.inf)
    t[members:] = quota
    t[max(n - blocking_members + 1, 0) :] = -math.inf
    return t
