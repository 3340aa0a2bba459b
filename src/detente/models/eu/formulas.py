"""The expected-utility model's formulas for one round: risk, votes, expected utilities.

Equation numbers are Scholz, Calbert & Smith (2011); see :mod:`detente.models.eu`
for the notation and the model as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from detente.arrays import FloatArray
from detente.models.compromise import weighted_mean
from detente.models.median import weighted_median

IntArray = NDArray[np.intp]

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
#: The relations in which i challenges j (a conflict, won or lost, or j giving way to
#: i), and those in which i gives way to j (a conflict lost included).
CHALLENGES = (WINS_CONFLICT, LOSES_CONFLICT, COMPELS, IS_CONCEDED)
YIELDS = (LOSES_CONFLICT, COMPROMISES, CAPITULATES)

#: Actors closer than this share of Δ hold the same position: they do not
#: contest each other. Positions reached by different sums of the same moves
#: may differ in their last bits, and a challenge across such a gap has an
#: expected utility of rounding noise.
_SAME = 1e-12
#: Up to this many actors, sums over voters are formed by broadcasting (n^3
#: per draw, vectorised over draws); above it, by searching sorted positions.
_SMALL = 24


#: Pairs per work block: small enough for the CPU cache.
_BLOCK = 1 << 14


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


def _decide(x: FloatArray, w: FloatArray, rule: str) -> FloatArray:
    """The decision rule's position per draw: weighted median or mean of ``x`` (D, n)."""
    if rule == "mean":
        out = weighted_mean(x[:, :, None], w[:, :, None])[:, 0]
    else:
        out = weighted_median(x[:, :, None], w[:, :, None])[:, 0]
    return np.where(w.sum(axis=-1) > 0, out, np.nan)
