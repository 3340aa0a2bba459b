"""Bueno de Mesquita's expected-utility model of group decisions, made reproducible.

Bueno de Mesquita (1994, "Political forecasting: an expected utility method",
in Bueno de Mesquita & Stokman, eds., *European Community Decision Making*,
Yale UP, ch. 4; 2002, *Predicting Politics*) never published his code.
Scholz, Calbert & Smith (2011, "Unravelling Bueno De Mesquita's group
decision model", *Journal of Theoretical Politics* 23(4): 510-531) wrote the
model down from the published fragments; equation numbers below are theirs.
Issues are independent; on each, only the actors at the table and involved
take part (everyone else keeps its position and neither votes, challenges
nor is challenged).

Notation for one issue: actor i at position x_i with capability c_i,
salience s_i in [0, 1] and weight w_i = c_i s_i; Δ = max x - min x over the
*initial* positions (distances are divided by the range of the positions, not
by the issue's scale); d_ij = |x_i - x_j| / Δ; μ the weighted median (or,
with ``anchor="mean"``, mean) of the current positions; r_i the risk exponent.

Utilities of i, all of the form 2 - 4 (...)^r_i (eqs. 15, 16, 18, 19, 24)::

    U^s_ij  = 2 - 4 (0.5 - 0.5 d_ij)^r_i                          (15) i wins against j
    U^f_ij  = 2 - 4 (0.5 + 0.5 d_ij)^r_i                          (16) i loses
    U^b_ij  = 2 - 4 (0.5 - 0.25 (|x_i - μ| + |x_i - x_j|) / Δ)^r_i  (18) things improve unchallenged
    U^w_ij  = 2 - 4 (0.5 + 0.25 (|x_i - μ| + |x_i - x_j|) / Δ)^r_i  (19) things worsen unchallenged
    U^sq_i  = 2 - 4 (0.5)^r_i                                     (24) status quo

Probability that i beats j (eq. 30), from the votes of every actor k::

    v_k(i, j) = w_k (d_kj^ρ_k - d_ki^ρ_k)         (k votes for i when v_k > 0)
    P_ij = Σ_{k: v_k > 0} v_k(i, j) / N_ij

with ρ_k = 1 as printed (``vote_risk=False``) or ρ_k = r_k, the voter's own
risk exponent (``vote_risk=True``, as Scholz et al.'s code does), and the
normaliser N_ij = Σ_k |v_k(i, j)| (``probability="pair"``, as printed, so that
P_ij + P_ji = 1) or N = Σ_k Σ_a Σ_b |v_k(a, b)| over all triples
(``probability="triples"``, what Scholz et al.'s code does). P_ij = 0 when x_i
= x_j (to 1e-12 Δ: actors that close do not contest each other); with
``"pair"``, P_ij = 1/2 when nobody's vote separates i and j.

Expected utility of i challenging j, as i sees it (eq. 25a), with s_j read as
the probability that j resists, Q the probability that the status quo holds
unchallenged (``q``) and T the probability that an unchallenged change helps
i (``t``, or ``t_rule="eftekhari"``: T = 1 when |x_i - μ| < |x_i - x_j|,
else 0; Eftekhari & Rahimi 2014)::

    E^i(U_ij) = s_j (P_ij U^s_ij + (1 - P_ij) U^f_ij) + (1 - s_j) U^s_ij
                - Q U^sq_i - (1 - Q) (T U^b_ij + (1 - T) U^w_ij)          (25a)

and i's estimate of j's expected utility of challenging i (eq. 25b, with s_i
where the print has the typo s_j; Masad's replication), evaluated with i's
own exponent r_i (``rival_risk="own"``, as printed) or with r_j
(``rival_risk="rival"``)::

    E^i(U_ji) = s_i (P_ji U^s_ji + (1 - P_ji) U^f_ji) + (1 - s_i) U^s_ji
                - Q U^sq - (1 - Q) (T U^b_ji + (1 - T) U^w_ji)            (25b)

Risk exponents (eqs. 32-33, ``risk="actors"``): compute every E with r = 1
(and ρ = 1); the danger to i is S_i = Σ_{j≠i} E^j(U_ji); then::

    R_i = (2 S_i - max_k S_k - min_k S_k) / (max_k S_k - min_k S_k)     (32)
    r_i = (1 - R_i / 3) / (1 + R_i / 3)        in [1/2, 2]               (33)

(R_i = 0 when all dangers are equal). ``risk="neutral"`` keeps r_i = 1.

Offers (Scholz et al. section 6; Bueno de Mesquita 1994, fig. 4.1), from i's
view of each j at another position, with a = E^i(U_ij), b = E^i(U_ji):

    =================  ===============  =====================================
    a, b > 0, a >= b   conflict, i wins  j is to move (seen from j's side)
    a, b > 0, b > a    conflict, i loses i moves to x_j
    a > 0 >= b         i compels j (a >= |b|) or j compromises (a < |b|)
    a < 0 < b, |a| < b compromise        i moves to x_i + (x_j - x_i) |a / b|
    a < 0 < b, |a|>=b  capitulation      i moves to x_j
    a, b <= 0          stalemate         nothing
    =================  ===============  =====================================

(``compromise="weighted"`` moves a compromising i to (|a| x_i + b x_j) /
(|a| + b) instead.) Each actor takes one offer: a lost conflict before a
compromise before a capitulation, and within a kind the one that moves it
least (``offer_choice="least_move"``, as printed); Scholz et al.'s code
instead takes the compromise with the smallest weighted-average position
(|a| x_i + b x_j) / (|a| + b) (``offer_choice="scholz_code"``; it makes
Belgium jump to the low end in round 4 of the emission case). Remaining ties
go to the lowest resulting position. All actors move at once; then the round
starts again from r = 1.

Stopping and forecast: the forecast is the decision rule's position
(``decision_rule``: weighted median, or mean) in the last round. With
``rounds`` set, exactly that many rounds are run (Scholz et al.'s runs
oscillate and never settle). Without it, an issue stops once its forecast
has moved by at most ``tolerance`` (a share of the issue's scale) in
``patience`` consecutive rounds, or once a round moves nobody, or after
``max_rounds``; an issue that stops keeps its positions in later rounds. The
same holds for each Monte Carlo draw separately. The JSON says how each
issue ended (``dynamics``): ``stable`` (the last round moved nobody),
``settled`` (the forecast rested while some actors still moved),
``oscillates`` (unconverged, the forecast turned back at least twice) or
``still moving``.

Computation: a round costs O(n^2 log n), not the O(n^3) of summing every
third party's vote for every pair. On a line, the voters for i against j are
those on i's side of the midpoint m = (x_i + x_j) / 2. With linear votes they
sum to 2 (Φ(m) - Φ(x_i)) (plus W (x_i - m) when i lies right of j), where
Φ(y) = Σ_k w_k (y - x_k)^+ is piecewise linear between the sorted positions;
with ρ_k = r_k each row j keeps the prefix sums of w_k d_jk^ρ_k over the
voters sorted by position, read at the number of voters left of m (binary
search). The triples normaliser sums |g(a) - g(b)| over the pairs of each
voter's sorted distances as Σ_p (2p - n + 1) g_(p). Pairs are handled in
cache-sized blocks of rows, on a few threads for large rounds, and each
block's offers are settled at once, so no n x n matrix is kept unless the
round's details are asked for (:func:`opening_round`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detente.arrays import BoolArray, FloatArray, ScenarioArrays
from detente.models.base import Model, Outcome, register
from detente.models.compromise import weighted_mean
from detente.models.median import weighted_median

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from detente.forecast import ModelResult
    from detente.scenario import Scenario

IntArray = NDArray[np.intp]
T = TypeVar("T")
R = TypeVar("R")

# How i sees its relation to j (the quadrants of Bueno de Mesquita 1994, fig. 4.1).
NO_CONTEST = 0  # i itself, or j at i's position
WINS_CONFLICT = 1
LOSES_CONFLICT = 2
COMPELS = 3  # j capitulates to i
IS_CONCEDED = 4  # j compromises toward i
COMPROMISES = 5  # i compromises toward j
CAPITULATES = 6  # i gives in to j
STALEMATE = 7
KIND_NAMES = (
    "no contest",
    "wins conflict",
    "loses conflict",
    "compels",
    "gets concession",
    "compromises",
    "capitulates",
    "stalemate",
)

#: Actors closer than this share of Δ hold the same position: they do not
#: contest each other. Positions reached by different sums of the same moves
#: may differ in their last bits, and a challenge across such a gap has an
#: expected utility of rounding noise.
_SAME = 1e-12
#: Pairs per work block: small enough for the CPU cache.
_BLOCK = 1 << 14
#: Up to this many actors, sums over voters are formed by broadcasting (n^3
#: per draw, vectorised over draws); above it, by searching sorted positions.
_SMALL = 24
#: Rounds with at least this many pairs (over all draws) use several threads.
_PARALLEL_MIN_PAIRS = 1 << 18


class EUParams(BaseModel):
    """Named parameters of the expected-utility model (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    probability: Literal["pair", "triples"] = Field(
        "pair", description="normaliser of P (eq. 30): per pair, or over all actor triples"
    )
    vote_risk: bool = Field(False, description="votes use each voter's risk exponent")
    q: float = Field(1.0, ge=0.0, le=1.0, description="Q, status quo holds unchallenged")
    t: float = Field(1.0, ge=0.0, le=1.0, description="T, unchallenged change helps i")
    t_rule: Literal["fixed", "eftekhari"] = Field("fixed", description="T fixed or per pair")
    anchor: Literal["median", "mean"] = Field("median", description="μ in eqs. 18-19")
    risk: Literal["actors", "neutral"] = Field("actors", description="eqs. 32-33, or r = 1")
    rival_risk: Literal["own", "rival"] = Field("own", description="exponent in E^i(U_ji)")
    compromise: Literal["partial", "weighted"] = Field("partial", description="compromise point")
    offer_choice: Literal["least_move", "scholz_code"] = Field(
        "least_move", description="which offer of a kind an actor takes"
    )
    decision_rule: Literal["median", "mean"] = Field("median", description="forecast rule")
    rounds: int | None = Field(None, ge=1, description="run exactly this many rounds")
    max_rounds: int = Field(100, ge=1, description="cap of the default stopping rule")
    tolerance: float = Field(1e-3, ge=0.0, description="share of the scale the forecast may move")
    patience: int = Field(3, ge=1, description="rounds the forecast must stay within tolerance")


@dataclass(frozen=True)
class Round:
    """One round on one issue, for the actors taking part; draws on the first axis.

    ``start`` and ``positions`` are the positions ``(D, n)`` before and after
    the round, ``span`` is Δ ``(D,)``, ``risk[d, i]`` is r_i (eq. 33), ``probability[d, i, j]`` is
    P_ij (eq. 30), ``eu_challenge[d, i, j]`` is E^i(U_ij) (eq. 25a) and
    ``eu_rival[d, i, j]`` is E^i(U_ji) (eq. 25b).
    """

    start: FloatArray
    span: FloatArray
    risk: FloatArray
    probability: FloatArray
    eu_challenge: FloatArray
    eu_rival: FloatArray
    positions: FloatArray

    @property
    def kinds(self) -> NDArray[np.int8]:
        """How each i sees each j: one of the module's quadrant codes."""
        return offer_kinds(self.eu_challenge, self.eu_rival, self.start, self.span)


def offer_kinds(a: FloatArray, b: FloatArray, x: FloatArray, span: FloatArray) -> NDArray[np.int8]:
    """Quadrant codes (module constants) of every pair, from E^i(U_ij) = a and E^i(U_ji) = b.

    ``x`` are the positions ``(D, n)`` and ``span`` Δ ``(D,)``.
    """
    contest = np.abs(x[..., :, None] - x[..., None, :]) > _SAME * span[..., None, None]
    kind = np.full(a.shape, STALEMATE, dtype=np.int8)
    mine = (a > 0) & (b <= 0)
    kind[mine & (a >= -b)] = COMPELS
    kind[mine & (a < -b)] = IS_CONCEDED
    both = (a > 0) & (b > 0)
    kind[both & (a >= b)] = WINS_CONFLICT
    kind[both & (b > a)] = LOSES_CONFLICT
    theirs = (a < 0) & (b > 0)
    kind[theirs & (-a < b)] = COMPROMISES
    kind[theirs & (-a >= b)] = CAPITULATES
    kind[~contest] = NO_CONTEST
    return kind


def risk_exponents(danger: FloatArray) -> FloatArray:
    """r_i from the dangers S_i (Scholz et al. eqs. 32-33); 1 when all are equal.

    >>> risk_exponents(np.array([[0.0, 1.0, 2.0]])).round(12).tolist()
    [[2.0, 1.0, 0.5]]
    """
    hi = danger.max(axis=-1, keepdims=True)
    lo = danger.min(axis=-1, keepdims=True)
    spread = hi - lo
    flat = spread <= 1e-12 * (np.abs(hi) + np.abs(lo) + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        big_r = np.where(flat, 0.0, (2.0 * danger - hi - lo) / spread)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def _blocks(n_draws: int, n: int) -> list[tuple[slice, slice]]:
    """Work blocks (draws, rows of actors i) of about ``_BLOCK`` pairs each.

    The split of the rows depends on n alone, so that a draw gives the same
    bits whether it runs alone or in a batch.
    """
    rows = n if n <= _SMALL else max(1, _BLOCK // n)
    draws = max(1, _BLOCK // (rows * n))
    return [
        (slice(d, d + draws), slice(i, i + rows))
        for d in range(0, n_draws, draws)
        for i in range(0, n, rows)
    ]


_POOL: ThreadPoolExecutor | None = None


def _map(fn: Callable[[T], R], items: Sequence[T], pairs: int) -> list[R]:
    """``[fn(item) for item in items]``, on a few threads when the round is large.

    NumPy releases the GIL inside its loops, so blocks run in parallel; the
    results come back in order and are combined in order, so the bits do
    not depend on the number of threads.
    """
    global _POOL
    if len(items) < 2 or pairs < _PARALLEL_MIN_PAIRS or (os.cpu_count() or 1) < 2:
        return [fn(item) for item in items]
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1))
    return list(_POOL.map(fn, items))


def _distinct(xs: FloatArray, span: FloatArray) -> bool:
    """Whether no two actors share a position, in any draw (``xs`` sorted)."""
    return bool((xs[:, 1:] - xs[:, :-1] > _SAME * span[:, None]).all())


def _power(base: FloatArray, r: FloatArray) -> FloatArray:
    """base ** r for base in [0, 2] and r > 0, as exp(r log base), in place of ``base``.

    Faster than np.power; ``r`` must broadcast to the shape of ``base``.
    """
    with np.errstate(divide="ignore"):
        np.log(base, out=base)
    base *= r
    return np.exp(base, out=base)


class _Votes:
    """Third parties' votes in one round (eq. 30), actors sorted by position.

    With linear votes (ρ = 1) the votes for i against j sum to a difference
    of the potential Φ(y) = Σ_k w_k (y - x_k)^+ at the midpoint and at x_i,
    so no pair needs a sum over voters. With ρ_k = r_k each row j keeps the
    prefix sums of w_k d_jk^ρ_k over voters k, and a pair reads two of them
    at the number of voters left of its midpoint.
    """

    def __init__(
        self,
        xs: FloatArray,
        w: FloatArray,
        span: FloatArray,
        rho: FloatArray | None,
        normaliser: Literal["pair", "triples"],
    ):
        n_draws, n = xs.shape
        self.xs, self.w, self.span, self.rho, self.normaliser = xs, w, span, rho, normaliser
        self.distinct = _distinct(xs, span)
        below_w = np.cumsum(w, axis=-1) - w
        below_wx = np.cumsum(w * xs, axis=-1) - w * xs
        self.w_total = w.sum(axis=-1)
        wx_total = (w * xs).sum(axis=-1)
        if rho is None:
            # Φ at each actor's position; ties add (x_i - x_k) = 0, so order among them is moot.
            self.phi = xs * below_w - below_wx
            # Σ_k w_k |x_k - x_i| / Δ = (2 Φ(x_i) - (x_i W - Σ w x)) / Δ
            self.total = (2.0 * self.phi - (xs * self.w_total[:, None] - wx_total[:, None])) / span[
                :, None
            ]
            if n > _SMALL:
                self.knots = [np.unique(xs[d], return_index=True) for d in range(n_draws)]
        else:
            dist = np.minimum(np.abs(xs[:, :, None] - xs[:, None, :]) / span[:, None, None], 1.0)
            cum = np.zeros((n_draws, n, n + 1))
            np.cumsum(w[:, None, :] * _power(dist, rho[:, None, :]), axis=-1, out=cum[..., 1:])
            self.cum = cum
            self.total = cum[..., -1]
        if normaliser == "triples":
            self.z = np.zeros(n_draws)
            coef = 2.0 * np.arange(n) - (n - 1)
            for dsl, rsl in _blocks(n_draws, n):
                gaps = np.abs(xs[dsl, rsl, None] - xs[dsl, None, :]) / span[dsl, None, None]
                ranked = np.sort(np.minimum(gaps, 1.0), axis=-1)
                if rho is not None:
                    ranked = _power(ranked, rho[dsl, rsl, None])
                self.z[dsl] += 2.0 * (w[dsl, rsl] * (ranked * coef).sum(axis=-1)).sum(axis=-1)

    def _phi(self, y: FloatArray, dsl: slice) -> FloatArray:
        """Φ(y) for a block of points y (draws dsl); y lies within the actors' positions."""
        xs, w = self.xs[dsl], self.w[dsl]
        if xs.shape[1] <= _SMALL:
            return (w[:, None, None, :] * np.maximum(y[..., None] - xs[:, None, None, :], 0.0)).sum(
                axis=-1
            )
        out = np.empty_like(y)
        for k, d in enumerate(range(dsl.start, dsl.start + y.shape[0])):
            knots, first = self.knots[d]
            out[k] = np.interp(y[k], knots, self.phi[d, first])
        return out

    def _left_of_midpoint(
        self, xi: FloatArray, xj: FloatArray, dsl: slice, rsl: slice
    ) -> FloatArray:
        """Σ_{k: x_k < (x_i + x_j)/2} v_k(i, j) for a block, with ρ_k = r_k."""
        bounds = 2.0 * self.xs[dsl]
        query = xi + xj
        n_draws, rows, n = query.shape
        if n <= _SMALL:
            count = (bounds[:, None, None, :] < query[..., None]).sum(axis=-1)
        else:
            count = np.stack([np.searchsorted(bounds[k], query[k]) for k in range(n_draws)])
        flat = self.cum[dsl].reshape(n_draws, n * (n + 1))
        own = (np.arange(rsl.start, rsl.start + rows) * (n + 1))[:, None] + count
        other = (np.arange(n) * (n + 1))[None, :] + count
        take = np.take_along_axis
        return take(flat, other.reshape(n_draws, -1), -1).reshape(count.shape) - take(
            flat, own.reshape(n_draws, -1), -1
        ).reshape(count.shape)

    def block(self, dsl: slice, rsl: slice) -> tuple[FloatArray, FloatArray]:
        """(P_ij, P_ji) for the pairs of rows ``rsl`` with every j, draws ``dsl``."""
        xi = self.xs[dsl, rsl, None]
        xj = self.xs[dsl, None, :]
        span = self.span[dsl, None, None]
        net = self.total[dsl, None, :] - self.total[dsl, rsl, None]  # Σ_k v_k(i, j)
        if self.rho is None:
            mid = 0.5 * (xi + xj)
            pro = self._phi(mid, dsl)
            pro -= self.phi[dsl, rsl, None]
            # Seen from the right of j, the voters for i are those right of the midpoint.
            pro += self.w_total[dsl, None, None] * np.maximum(xi - mid, 0.0)
            pro *= 2.0
            pro /= span
        else:
            left = self._left_of_midpoint(xi, xj, dsl, rsl)
            pro = np.where(xi < xj, left, net - left)
        np.maximum(pro, 0.0, out=pro)
        against = np.maximum(pro - net, 0.0)
        same = _SamePosition(xi, xj, span, rsl, self.distinct)
        undecided = None
        if self.normaliser == "pair":
            norm = pro + against
            same.add(norm, 1.0)
            if not norm.all():
                undecided = norm == 0
                norm += undecided
        else:
            norm = np.where(self.z[dsl] > 0, self.z[dsl], 1.0)[:, None, None]
        p_ij, p_ji = pro / norm, against / norm
        if undecided is not None:
            # Nobody's vote separates i and j: even odds.
            np.putmask(p_ij, undecided, 0.5)
            np.putmask(p_ji, undecided, 0.5)
        same.set(p_ij, 0.0)
        same.set(p_ji, 0.0)
        return p_ij, p_ji


class _SamePosition:
    """The pairs of a block whose two actors hold the same position.

    When no two actors share a position (``distinct``), these are the
    diagonal pairs (i, i) alone, and indexing them is far cheaper than a mask
    over the block; both ways give the same numbers.
    """

    def __init__(
        self, xi: FloatArray, xj: FloatArray, span: FloatArray, rsl: slice, distinct: bool
    ):
        rows = np.arange(xi.shape[1])
        self.diagonal = (slice(None), rows, rows + rsl.start)
        self.mask = None if distinct else np.abs(xi - xj) <= _SAME * span

    def set(self, block: NDArray[Any], value: float | bool) -> None:
        if self.mask is None:
            block[self.diagonal] = value
        else:
            np.putmask(block, self.mask, value)

    def add(self, block: FloatArray, value: float) -> None:
        if self.mask is None:
            block[self.diagonal] += value
        else:
            block += self.mask * value


def _stakes(d: FloatArray, r: FloatArray | None, q: float) -> tuple[FloatArray, FloatArray]:
    """(U^s - Q U^sq, U^s - U^f) of eqs. 15, 16 and 24 for a block of pairs.

    ``r`` is the exponent, broadcastable to ``d`` (None: 1, where U^s = 2d,
    U^f = -2d and U^sq = 0). Since (0.5 -+ 0.5 d)^r = 0.5^r (1 -+ d)^r, a
    pair needs two powers.
    """
    if r is None:
        return 2.0 * d, 4.0 * d
    half = 0.5**r
    low = _power(1.0 - d, r)
    stake = _power(1.0 + d, r)
    stake -= low
    stake *= 4.0 * half
    low *= -4.0 * half
    low += 2.0 - q * (2.0 - 4.0 * half)
    return low, stake


def _challenge(base: FloatArray, stake: FloatArray, p: FloatArray, s: FloatArray) -> FloatArray:
    """Eq. 25 without its Q < 1 term: s (P U^s + (1 - P) U^f) + (1 - s) U^s - Q U^sq.

    Rewritten as base - s (1 - P) (U^s - U^f), with s the challenged's salience.
    """
    out = 1.0 - p
    out *= s
    out *= stake
    np.subtract(base, out, out=out)
    return out


def _drift(e: FloatArray, t: FloatArray | float, r: FloatArray | None, q: float) -> FloatArray:
    """The Q < 1 term of eq. 25: (1 - Q) (T U^b + (1 - T) U^w), eqs. 18-19 with argument e."""
    if r is None:
        # r = 1: U^b = e, U^w = -e.
        return (1.0 - q) * (2.0 * t - 1.0) * e
    better = 2.0 - 4.0 * _power(0.5 - 0.25 * e, r)
    worse = 2.0 - 4.0 * _power(0.5 + 0.25 * e, r)
    return (1.0 - q) * (t * better + (1.0 - t) * worse)


def bargain(
    x: FloatArray,
    s: FloatArray,
    c: FloatArray,
    span: FloatArray,
    params: EUParams,
    detail: bool = False,
) -> Round:
    """One round on one issue: risk, probabilities, expected utilities, offers, moves.

    ``x``, ``s``, ``c`` are ``(D, n)`` for the n actors taking part, ``span``
    is Δ ``(D,)``. Follows the loop of Scholz et al.'s appendix: all E with
    r = 1, the risk exponents, all E again with them, then every actor's
    offer. Only with ``detail`` does the round keep the matrices P and E
    (otherwise they have shape ``(D, 0, 0)``).
    """
    n_draws, n = x.shape
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, -1)
    ss = np.take_along_axis(s, order, -1)
    w = np.take_along_axis(c, order, -1) * ss
    span = np.where(span > 0, span, 1.0)
    q = params.q
    blocks = _blocks(n_draws, n)
    mu = _decide(xs, w, params.anchor) if q < 1.0 else None

    def geometry(
        dsl: slice, rsl: slice, d: FloatArray | None = None
    ) -> tuple[FloatArray, tuple[FloatArray, FloatArray | float] | None, tuple[Any, Any] | None]:
        """d_ij of a block and, when Q < 1, the (e, T) of eqs. 18-19 for both directions."""
        xi, xj = xs[dsl, rsl, None], xs[dsl, None, :]
        scale = span[dsl, None, None]
        if d is None:
            d = np.minimum(np.abs(xi - xj) / scale, 1.0)
        if mu is None:
            return d, None, None
        m = mu[dsl, None, None]
        e_self = np.abs(xi - m) / scale + d
        e_rival = np.abs(xj - m) / scale + d
        if params.t_rule == "eftekhari":
            gap = np.abs(xi - xj)
            t_self: FloatArray | float = (np.abs(xi - m) < gap).astype(float)
            t_rival: FloatArray | float = (np.abs(xj - m) < gap).astype(float)
        else:
            t_self = t_rival = params.t
        return d, (e_self, t_self), (e_rival, t_rival)

    votes = _Votes(xs, w, span, None, params.probability)
    distinct = votes.distinct
    pairs = n_draws * n * n

    def challenge_neutrally(block: tuple[slice, slice]) -> tuple[FloatArray, Any]:
        dsl, rsl = block
        d, drift_self, _ = geometry(dsl, rsl)
        p = votes.block(dsl, rsl)
        a1 = _challenge(*_stakes(d, None, q), p[0], ss[dsl, None, :])
        if drift_self is not None:
            a1 -= _drift(*drift_self, None, q)
        rows = np.arange(rsl.start, rsl.start + d.shape[1])
        a1[:, rows - rsl.start, rows] = 0.0
        return a1.sum(axis=-2), (d, *p)

    cached: list[Any] = []
    if params.risk == "actors":
        danger = np.zeros((n_draws, n))
        for (dsl, _), (part, p) in zip(
            blocks, _map(challenge_neutrally, blocks, pairs), strict=True
        ):
            danger[dsl] += part
            cached.append(p)
        r = risk_exponents(danger)
    else:
        r = np.ones((n_draws, n))
    if params.vote_risk:
        votes = _Votes(xs, w, span, r, params.probability)
        cached = []

    def settle(k: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        dsl, rsl = blocks[k]
        if cached:
            d, p_ij, p_ji = cached[k]
            _, drift_self, drift_rival = geometry(dsl, rsl, d)
        else:
            d, drift_self, drift_rival = geometry(dsl, rsl)
            p_ij, p_ji = votes.block(dsl, rsl)
        r_i = r[dsl, rsl, None]
        r_b = r_i if params.rival_risk == "own" else r[dsl, None, :]
        base, stake = _stakes(d, r_i, q)
        a = _challenge(base, stake, p_ij, ss[dsl, None, :])
        if params.rival_risk == "rival":
            base, stake = _stakes(d, r_b, q)
        b = _challenge(base, stake, p_ji, ss[dsl, rsl, None])
        if drift_self is not None and drift_rival is not None:
            a -= _drift(*drift_self, r_i, q)
            b -= _drift(*drift_rival, r_b, q)
        same = _SamePosition(
            xs[dsl, rsl, None], xs[dsl, None, :], span[dsl, None, None], rsl, distinct
        )
        return _move(xs[dsl, rsl], xs[dsl], a, b, same, params), p_ij, a, b

    new = np.empty_like(xs)
    shape = (n_draws, n, n) if detail else (n_draws, 0, 0)
    prob, eu_a, eu_b = np.empty(shape), np.empty(shape), np.empty(shape)
    for (dsl, rsl), (moved, p_ij, a, b) in zip(
        blocks, _map(settle, range(len(blocks)), pairs), strict=True
    ):
        new[dsl, rsl] = moved
        if detail:
            prob[dsl, rsl], eu_a[dsl, rsl], eu_b[dsl, rsl] = p_ij, a, b
    inverse = np.argsort(order, axis=-1)

    def unsort(matrix: FloatArray) -> FloatArray:
        if not detail:
            return matrix
        rows = np.take_along_axis(matrix, inverse[:, :, None], axis=1)
        return np.take_along_axis(rows, inverse[:, None, :], axis=2)

    return Round(
        start=x,
        span=span,
        risk=np.take_along_axis(r, inverse, -1),
        probability=unsort(prob),
        eu_challenge=unsort(eu_a),
        eu_rival=unsort(eu_b),
        positions=np.take_along_axis(new, inverse, -1),
    )


def _move(
    x_rows: FloatArray,
    x: FloatArray,
    a: FloatArray,
    b: FloatArray,
    same: _SamePosition,
    params: EUParams,
) -> FloatArray:
    """The positions after the round of the actors in ``x_rows``, each taking its best offer.

    A lost conflict comes before a compromise, a compromise before a
    capitulation; within a kind, the least move (or, with
    ``offer_choice="scholz_code"``, the compromise with the lowest weighted
    average), then the lowest resulting position.
    """
    xi, xj = x_rows[:, :, None], x[:, None, :]
    lost = (a > 0) & (b > a)
    theirs = (a < 0) & (b > 0)
    same.set(lost, False)
    same.set(theirs, False)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = -a / b
    compromise = theirs & (share < 1.0)
    has_lost = lost.any(axis=-1, keepdims=True)
    has_compromise = compromise.any(axis=-1, keepdims=True)
    # Where a row has no compromise, all its offers from j are capitulations.
    offers = lost | (~has_lost & (compromise | (~has_compromise & theirs)))
    gap = xj - xi
    weighted = None
    if params.compromise == "weighted" or params.offer_choice == "scholz_code":
        with np.errstate(divide="ignore", invalid="ignore"):
            weighted = b * gap / (b - a)
    step = np.broadcast_to(gap, a.shape).copy()
    with np.errstate(invalid="ignore"):
        partial = share * gap if weighted is None or params.compromise == "partial" else weighted
    np.putmask(step, compromise, partial)
    key = np.abs(step)
    if weighted is not None and params.offer_choice == "scholz_code":
        np.putmask(key, compromise, xi + weighted)
    refused = ~offers
    np.putmask(key, refused, np.inf)
    refused |= key != key.min(axis=-1, keepdims=True)
    step += xi
    np.putmask(step, refused, np.inf)
    chosen = step.min(axis=-1)
    return np.where(np.isfinite(chosen), chosen, x_rows)


def _decide(x: FloatArray, w: FloatArray, rule: str) -> FloatArray:
    """The decision rule's position per draw: weighted median or mean of ``x`` (D, n)."""
    if rule == "mean":
        out = weighted_mean(x[:, :, None], w[:, :, None])[:, 0]
    else:
        out = weighted_median(x[:, :, None], w[:, :, None])[:, 0]
    return np.where(w.sum(axis=-1) > 0, out, np.nan)


@dataclass(frozen=True)
class Path:
    """The rounds of one issue: positions ``(T + 1, D, n)`` and what became of each draw."""

    positions: FloatArray
    forecasts: FloatArray
    converged: BoolArray
    stable: BoolArray
    rounds_run: IntArray
    first_risk: FloatArray


def simulate(
    x0: FloatArray,
    s: FloatArray,
    c: FloatArray,
    params: EUParams,
    shocks: Callable[[int], FloatArray] | None = None,
    hold: int = 0,
) -> Path:
    """Run the rounds of one issue for every draw (``(D, n)`` inputs).

    With ``params.rounds`` every draw runs exactly that many rounds and is
    called converged when the stopping rule holds at the end. Otherwise each
    draw stops on its own (tolerance and patience, a round that moves
    nobody, or ``max_rounds``) and keeps its positions afterwards.
    ``shocks(t)``, when given, is the capability ``(D, n)`` in force in round
    t (:meth:`detente.arrays.ScenarioArrays.capability_at`): it replaces ``c``
    before that round, in the bargaining and in the decision rule; no draw
    stops before round ``hold`` (the last shock's), so every shock is felt.
    """
    n_draws = x0.shape[0]
    if x0.shape[1] == 0:
        # Nobody takes part in this issue: no forecast, nothing to run.
        nobody = np.zeros(n_draws, dtype=np.intp)
        return Path(
            positions=x0[None],
            forecasts=np.full((1, n_draws), np.nan),
            converged=nobody == 0,
            stable=nobody == 0,
            rounds_run=nobody,
            first_risk=x0.copy(),
        )
    w = c * s
    span = x0.max(axis=-1) - x0.min(axis=-1)
    contested = span > 0
    fixed = params.rounds is not None
    limit = params.rounds if params.rounds is not None else params.max_rounds
    x = x0.copy()
    forecast = _decide(x, w, params.decision_rule)
    steps, forecasts = [x.copy()], [forecast]
    streak = np.zeros(n_draws, dtype=np.intp)
    running = contested.copy()
    converged = ~contested
    rounds_run = np.zeros(n_draws, dtype=np.intp)
    stable = ~contested
    first_risk = np.full(x0.shape, np.nan)
    for t in range(1, limit + 1):
        if not running.any() and not fixed:
            break
        if shocks is not None:
            c = shocks(t)
            w = c * s
        rows = np.flatnonzero(running)
        new = x.copy()
        if rows.size:
            step = bargain(x[rows], s[rows], c[rows], span[rows], params)
            new[rows] = step.positions
            if t == 1:
                first_risk[rows] = step.risk
        moved = (new != x).any(axis=-1)
        now = _decide(new, w, params.decision_rule)
        still = np.abs(now - forecast) <= params.tolerance
        streak = np.where(still, streak + 1, 0)
        settled = running & (~moved | (streak >= params.patience)) & (t >= hold)
        rounds_run[running] = t
        stable = np.where(running, ~moved, stable)
        x, forecast = new, now
        if fixed:
            converged = np.where(contested, settled, True)
        else:
            converged |= settled
            running &= ~settled
        steps.append(x.copy())
        forecasts.append(forecast)
    return Path(
        positions=np.stack(steps),
        forecasts=np.stack(forecasts),
        converged=converged,
        stable=stable,
        rounds_run=rounds_run,
        first_risk=first_risk,
    )


def _dynamics(forecasts: FloatArray, converged: bool, stable: bool, tolerance: float) -> str:
    """How an issue ended, in words.

    'stable' (the last round moved nobody), 'settled' (the forecast stayed
    within tolerance while some actors still moved), or, unconverged,
    'oscillates' (the forecast turned back at least twice) or 'still moving'.
    """
    if converged:
        return "stable" if stable else "settled"
    steps = np.diff(forecasts)
    signs = np.sign(steps[np.abs(steps) > tolerance])
    turns = int(np.count_nonzero(signs[1:] != signs[:-1]))
    return "oscillates" if turns >= 2 else "still moving"


def opening_round(arrays: ScenarioArrays, params: EUParams, issue: int) -> tuple[IntArray, Round]:
    """Round 1 on one issue of unbatched ``arrays``: the actors taking part and the round."""
    members = np.flatnonzero(arrays.active[:, issue])
    x = arrays.positions[members, issue][None]
    s = arrays.salience[members, issue][None]
    c = arrays.capability[members][None]
    span = x.max(axis=-1) - x.min(axis=-1)
    return members, bargain(x, s, c, span, params, detail=True)


@register
class ExpectedUtility(Model):
    """Bueno de Mesquita's expected-utility model (see the module docstring)."""

    name = "eu"
    title = "Expected utility (Bueno de Mesquita; Scholz et al. 2011)"
    rank = 60
    batched = True
    Params = EUParams
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "bdm": {},
        "scholz2011": {
            "probability": "triples",
            "vote_risk": True,
            "offer_choice": "scholz_code",
        },
    }
    default_preset = "bdm"

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        batched = arrays.positions.ndim == 3
        pos = arrays.positions if batched else arrays.positions[None]
        sal = arrays.salience if batched else arrays.salience[None]
        cap = arrays.capability if batched else arrays.capability[None]
        active = arrays.active
        n_draws, n, m = pos.shape
        paths = []
        last_shock = max((shock.round for shock in arrays.shocks), default=0)
        for k in range(m):
            members = np.flatnonzero(active[:, k])
            x0 = pos[:, members, k]
            c = np.broadcast_to(cap[:, members], x0.shape)

            def shocked(t: int, members: IntArray = members, shape: Any = x0.shape) -> FloatArray:
                now = arrays.capability_at(t)
                return np.broadcast_to((now if batched else now[None])[:, members], shape)

            at = shocked if arrays.shocks else None
            paths.append((members, simulate(x0, sal[:, members, k], c, params, at, last_shock)))
        horizon = max(path.positions.shape[0] for _, path in paths)
        rounds = np.broadcast_to(pos, (horizon, n_draws, n, m)).copy()
        forecast = np.empty((n_draws, m))
        converged = np.empty((n_draws, m), dtype=bool)
        for k, (members, path) in enumerate(paths):
            steps = path.positions
            padded = np.concatenate(
                [steps, np.broadcast_to(steps[-1:], (horizon - steps.shape[0], *steps.shape[1:]))]
            )
            rounds[:, :, members, k] = padded
            forecast[:, k] = path.forecasts[-1]
            converged[:, k] = path.converged
        extras: dict[str, Any] = {"decision_rule": f"weighted {params.decision_rule}"}
        notes: list[str] = []
        ids = arrays.issue_ids
        if batched:
            extras["converged_share"] = dict(zip(ids, converged.mean(axis=0).tolist(), strict=True))
            return Outcome(
                forecast=forecast,
                rounds=rounds,
                converged=bool(converged.all()),
                converged_by_issue=converged,
                extras=extras,
            )
        dynamics = {
            issue: _dynamics(
                path.forecasts[:, 0],
                bool(path.converged[0]),
                bool(path.stable[0]),
                params.tolerance,
            )
            for issue, (_, path) in zip(ids, paths, strict=True)
        }
        extras["rounds_run"] = {
            issue: int(path.rounds_run[0]) for issue, (_, path) in zip(ids, paths, strict=True)
        }
        extras["dynamics"] = dynamics
        extras["first_round_risk"] = {
            ids[k]: {
                arrays.actor_ids[a]: float(r)
                for a, r in zip(members, path.first_risk[0], strict=True)
            }
            for k, (members, path) in enumerate(paths)
            if members.size and not np.isnan(path.first_risk[0]).any()
        }
        for issue, state in dynamics.items():
            if state not in ("stable", "settled"):
                ran = extras["rounds_run"][issue]
                notes.append(
                    f"eu: on issue {issue!r} the forecast {state} after {ran} rounds "
                    "(Scholz et al. 2011 found this model need not converge); the "
                    f"forecast is the weighted {params.decision_rule} of the last round"
                )
        return Outcome(
            forecast=forecast[0],
            rounds=rounds[:, 0],
            converged=bool(converged.all()),
            converged_by_issue=converged[0],
            extras=extras,
            notes=notes,
        )

    def render(self, result: ModelResult, scenario: Scenario, console: Console) -> None:
        """Per issue: the rounds in brief, and who challenges and yields to whom in round 1."""
        params = EUParams(**result.params)
        arrays = scenario.to_arrays()
        for k in range(len(scenario.issues)):
            console.print(_rounds_table(result, scenario, arrays, params, k))
            if np.count_nonzero(arrays.active[:, k]) < 2:
                continue
            members, first = opening_round(arrays, params, k)
            if first.start.max() > first.start.min():
                console.print(_bilateral_table(scenario, arrays, members, first, k))


_SHOWN_ACTOR_COLUMNS = 8
_SHOWN_ROUNDS = 12
_SHOWN_NAMES = 4
_SHOWN_ACTOR_ROWS = 30


def _rounds_table(
    result: ModelResult,
    scenario: Scenario,
    arrays: ScenarioArrays,
    params: EUParams,
    k: int,
) -> Table:
    from rich.markup import escape
    from rich.table import Table

    issue = scenario.issues[k]
    members = np.flatnonzero(arrays.active[:, k])
    ids = [arrays.actor_ids[a] for a in members]
    steps = result.rounds or []
    x = np.array(
        [[np.nan if (v := step[issue.id][a]) is None else v for a in ids] for step in steps]
    )
    w = np.broadcast_to(arrays.weight[members, k], x.shape)
    # Actors off the table (or without weight here) hold their positions; listed, not counted.
    idle = [
        a
        for a in arrays.actor_ids
        if a not in ids and steps and steps[0][issue.id].get(a) is not None
    ]
    median = weighted_median(x[:, :, None], w[:, :, None])[:, 0]
    mean = weighted_mean(x[:, :, None], w[:, :, None])[:, 0]
    moved = np.concatenate([[0], (np.diff(x, axis=0) != 0).sum(axis=1)])
    table = Table(
        title=escape(f"Rounds on {issue.display_name} [eu, {result.preset}]"),
        title_justify="left",
    )
    table.add_column("round", justify="right")
    for rule in ("median", "mean"):
        table.add_column(
            rule, justify="right", style="bold" if rule == params.decision_rule else ""
        )
    table.add_column("moved", justify="right")
    per_actor = len(ids) + len(idle) <= _SHOWN_ACTOR_COLUMNS
    if per_actor:
        for a in ids:
            table.add_column(escape(a), justify="right")
        for a in idle:
            table.add_column(escape(f"{a} (off)"), justify="right", style="dim")
    shown: list[int] = list(range(len(x)))
    if len(x) > _SHOWN_ROUNDS:
        half = _SHOWN_ROUNDS // 2
        shown = [*range(half), -1, *range(len(x) - half, len(x))]
    for t in shown:
        if t < 0:
            table.add_row("…")
            continue
        cells = [str(t), f"{median[t]:.3f}", f"{mean[t]:.3f}", str(moved[t])]
        if per_actor:
            cells += [f"{v:.1f}" for v in x[t]]
            cells += [f"{steps[t][issue.id][a]:.1f}" for a in idle]
        table.add_row(*cells)
    state = result.outcome.extras.get("dynamics", {}).get(issue.id, "")
    table.caption = f"{state}; the forecast: weighted {params.decision_rule} (bold)"
    return table


def _names(ids: list[str], order: FloatArray, labels: list[str]) -> str:
    ranked = [f"{ids[j]} ({labels[j]})" for j in np.argsort(-order, kind="stable")]
    if not ranked:
        return "—"
    more = len(ranked) - _SHOWN_NAMES
    return ", ".join(ranked[:_SHOWN_NAMES]) + (f", +{more} more" if more > 0 else "")


def _bilateral_table(
    scenario: Scenario, arrays: ScenarioArrays, members: IntArray, first: Round, k: int
) -> Table:
    from rich.markup import escape
    from rich.table import Table

    issue = scenario.issues[k]
    lo, hi = issue.scale
    ids = [arrays.actor_ids[a] for a in members]
    kinds = first.kinds[0]
    a, b = first.eu_challenge[0], first.eu_rival[0]
    table = Table(
        title=escape(f"Round 1 on {issue.display_name}: challenges and concessions [eu]"),
        title_justify="left",
        caption="E^i(U_ij) > 0: i expects to gain by challenging j (Bueno de Mesquita 1994)",
    )
    for name in ("actor", "risk r", "challenges", "yields to", "moves to"):
        table.add_column(name, justify="right" if name in ("risk r", "moves to") else "left")
    challenge_kinds = (WINS_CONFLICT, LOSES_CONFLICT, COMPELS, IS_CONCEDED)
    yield_kinds = (LOSES_CONFLICT, COMPROMISES, CAPITULATES)
    shown = np.argsort(-arrays.weight[members, k], kind="stable")[:_SHOWN_ACTOR_ROWS]
    for i in sorted(shown):
        row = kinds[i]
        labels = [KIND_NAMES[c] for c in row]
        challenged = [j for j in range(len(ids)) if row[j] in challenge_kinds]
        yielded = [j for j in range(len(ids)) if row[j] in yield_kinds]
        before, after = first.start[0, i], first.positions[0, i]
        move = "stays" if after == before else f"{lo + (hi - lo) * after:.2f}"
        table.add_row(
            ids[i],
            f"{first.risk[0, i]:.3f}",
            _names([ids[j] for j in challenged], a[i, challenged], [labels[j] for j in challenged]),
            _names([ids[j] for j in yielded], b[i, yielded], [labels[j] for j in yielded]),
            move,
        )
    if len(ids) > len(shown):
        table.add_row(f"… {len(ids) - len(shown)} more (lighter) actors")
    return table
