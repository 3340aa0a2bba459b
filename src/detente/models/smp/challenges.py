"""SMP's view of one turn: what each actor expects of each challenge, and the best ones.

See :mod:`detente.models.smp.dynamics` for the turn as a whole (with KTAB's
names in brackets) and :mod:`detente.models.smp` for the model.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.arrays import BoolArray, FloatArray
from detente.models.smp.elections import (
    coalitions,
    in_blocks,
    pce,
    vote,
    workers,
)
from detente.models.smp.spatial import (
    distances,
    estimated_risk,
    risk_from_probabilities,
    utility,
)

#: KTAB's floor on a principal's coalition in a challenge (``minCltn``).
MIN_CHALLENGE_COALITION = 1e-10
#: Smallest expected gain worth a challenge (``minSigEDU``).
MIN_GAIN = 1e-5
#: Targets whose gains differ by less than this (relative) are equally good.
TIE_RTOL = 1e-9
#: Positions closer than this are one option of the outcome (``posTol``).
POSITION_TOLERANCE = 1e-3
#: Added to the first turn's change so that the stopping ratio is defined.
MIN_FIRST_CHANGE = 1e-4
#: Elements per block of the (initiators x targets x third parties) arrays.
BLOCK_ELEMENTS = 1 << 16


@dataclass(frozen=True)
class Options:
    """KTAB's nine model options (``SMPModel`` members), by their KTAB names."""

    victory_prob_model: str = "Linear"
    pce_model: str = "Conditional"
    state_transitions: str = "Deterministic"
    voting_rule: str = "Prop"
    big_r_adjust: str = "OneThird"
    big_r_range: str = "Mid"
    third_party_commit: str = "SemiCommit"
    inter_vec_bargain: str = "S2P2"
    bargain_model: str = "InitOnlyInterp"


@dataclass(frozen=True)
class Actors:
    """What stays fixed during a run: capabilities, saliences, involvement.

    ``salience`` is ``(n, m)``, zero where an actor is not involved, with
    each row summing to at most 1 and more than 0. ``accommodation`` is
    KTAB's ideal-adjustment matrix A (None: identity).
    """

    capability: FloatArray
    salience: FloatArray
    involved: BoolArray
    accommodation: FloatArray | None = None

    @property
    def n(self) -> int:
        return int(self.capability.shape[0])

    @property
    def total_salience(self) -> FloatArray:
        return self.salience.sum(axis=1)

    @property
    def strength(self) -> FloatArray:
        """``s_i c_i``: capability times total salience, the weight in challenges."""
        return self.total_salience * self.capability


@dataclass(frozen=True)
class Assessment:
    """A state as its actors see it: distances and risk attitudes [``setAllAUtil``]."""

    positions: FloatArray
    ideals: FloatArray
    distance: FloatArray
    risk: FloatArray

    def estimates(self, adjust: str, h: np.ndarray) -> FloatArray:
        """``r^h_i`` for the perspectives ``h`` (rows) and every actor i (columns)."""
        return estimated_risk(adjust, self.risk[h][:, None], self.risk[None, :])

    def own_utilities(self, adjust: str) -> FloatArray:
        """``U^a_ab``: each actor a's utility for each actor b's position, in its own eyes."""
        r = estimated_risk(adjust, self.risk, self.risk)
        return utility(self.distance, r[:, None])


def assess(positions: FloatArray, ideals: FloatArray, actors: Actors, opt: Options) -> Assessment:
    """Distances and risk attitudes of a state [``SMPState::setAllAUtil``]."""
    d = distances(ideals, positions, actors.salience, actors.involved)
    neutral = utility(d, 0.0)
    c = coalitions(opt.voting_rule, actors.capability, neutral, workers(actors.n))
    p = pce(opt.pce_model, opt.victory_prob_model, c)
    return Assessment(positions, ideals, d, risk_from_probabilities(opt.big_r_range, p))


def contest_odds(
    opt: Options,
    w: FloatArray,
    a: FloatArray,
    e: FloatArray,
    b: FloatArray,
    c_i: FloatArray,
    c_j: FloatArray,
    skip: Sequence[tuple[Any, ...]] = (),
    scratch: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """h's estimate of the coalitions for and against i in a challenge of j.

    The last axis runs over third parties n, with ``w`` ``(n,)`` their
    strengths, ``a = U^h_ni``, ``e = U^h_nn`` and ``b = U^h_nj`` (``b`` has
    the full shape and is overwritten); ``c_i`` and ``c_j`` are the
    principals' coalitions and ``skip`` holds indices of the entries that
    are i or j themselves; ``scratch`` may lend two arrays of ``b``'s shape
    to work in. Returns ``(C_ij, C_ji)`` [``probEduChlg``,
    ``vProbLittle``, ``thirdPartyVoteSU``]. Under NoCommit and FullCommit a
    third party's two sums are equal, so it never votes (as in KTAB).
    Every voting rule is ``w f(du)``, so the final sums over n are dot
    products with ``w``.
    """
    if opt.third_party_commit != "SemiCommit":
        return c_i, c_j
    rule = opt.voting_rule
    ci, cj = c_i[..., None], c_j[..., None]
    # The little contest: v_n = vote(w_n, U_ni - U_nj) joins i's or j's side,
    # p_n = (C_i + max(v_n, 0)) / (C_i + C_j + |v_n|).
    first, second = scratch if scratch is not None else (None, None)
    v = np.subtract(a, b, out=first)
    if rule == "Prop":
        v *= w
    else:
        v = vote(rule, w, v)
    den = np.abs(v, out=second)
    den += ci + cj
    p = np.maximum(v, 0.0, out=v)
    p += ci
    p /= den
    # SemiCommit: EU(ik:j) - EU(i:jk) = p (U_nn - U_ni) + (1 - p) (U_nj - U_nn).
    b -= e
    gap = np.subtract(e - a, b, out=den)
    gap *= p
    gap += b
    if rule != "Prop":
        gap = vote(rule, 1.0, gap)
    for where in skip:
        gap[where] = 0.0
    total = np.einsum("...n,n->...", gap, w)
    np.maximum(gap, 0.0, out=gap)
    pro = np.einsum("...n,n->...", gap, w)
    return c_i + pro, c_j + (pro - total)


def _scratch(local: threading.local, shape: tuple[int, ...]) -> list[FloatArray]:
    """Three work arrays of ``shape``, one set per thread, reused block after block.

    Fresh large arrays cost page faults, which threads take in turn; reused
    ones let the threads of a turn run side by side.
    """
    size = math.prod(shape)
    arrays: list[FloatArray] | None = getattr(local, "arrays", None)
    if arrays is None or arrays[0].size < size:
        arrays = [np.empty(size) for _ in range(3)]
        local.arrays = arrays
    return [x[:size].reshape(shape) for x in arrays]


def _principals(
    opt: Options, w_i: FloatArray, w_j: FloatArray, du_i: FloatArray, du_j: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The principals' own coalitions ``(C_ij, C_ji)`` before third parties."""
    vi = vote(opt.voting_rule, w_i, du_i)
    vj = vote(opt.voting_rule, w_j, du_j)
    c_i = (MIN_CHALLENGE_COALITION + np.maximum(vi, 0.0)) + np.maximum(vj, 0.0)
    c_j = (MIN_CHALLENGE_COALITION + np.maximum(-vi, 0.0)) + np.maximum(-vj, 0.0)
    return c_i, c_j


def challenge_gains(
    view: Assessment, actors: Actors, opt: Options
) -> tuple[FloatArray, FloatArray]:
    """Every actor's estimate of its odds and gain in challenging every other.

    Returns ``(P, G)``, both ``(n, n)``: ``P[i, j]`` is i's estimate that it
    beats j and ``G[i, j]`` its expected gain ``EU_chlg - EU_SQ``
    [``probEduChlg(i, i, i, j)``]; the diagonal is NaN. The work runs in
    blocks of (initiator, target) pairs with third parties along the last
    axis, so memory stays bounded and the arrays stay in cache.
    """
    n = actors.n
    d = view.distance
    # U^h_xy = (1 - d_xy)(1 + min(d_xy, 1) r^h_x) = far_xy + far_xy near_xy r^h_x,
    # kept with x along the last axis (third parties).
    far = np.ascontiguousarray(1.0 - d.T)
    slope = np.ascontiguousarray(far * np.minimum(d, 1.0).T)
    strength = actors.strength
    s_total = actors.total_salience
    odds = np.full((n, n), np.nan)
    gain = np.full((n, n), np.nan)
    idx = np.arange(n)
    rows = max(1, min(n, BLOCK_ELEMENTS // max(1, n * n)))
    cols = n if rows > 1 else max(1, min(n, BLOCK_ELEMENTS // max(1, n)))
    local = threading.local()

    def block(task: tuple[int, int]) -> None:
        i0, j0 = task
        rh, rj = slice(i0, i0 + rows), slice(j0, j0 + cols)  # views, not copies
        h, j = idx[rh], idx[rj]
        hb, jb = np.arange(h.size), np.arange(j.size)
        r = view.estimates(opt.big_r_adjust, h)  # (b, n): h's estimate of each R
        a = slope[rh] * r  # U^h_ni
        a += far[rh]
        e = utility(np.diagonal(d)[None, :], r)  # U^h_nn
        u_ii = a[hb, h]
        u_ij = utility(d[rh, rj], r[hb, h][:, None])  # U^h_ij
        c_i, c_j = _principals(
            opt,
            strength[h][:, None],
            strength[rj][None, :],
            u_ii[:, None] - u_ij,
            a[:, rj] - e[:, rj],
        )
        b, first, second = _scratch(local, (h.size, j.size, n))
        np.multiply(slope[rj], r[:, None, :], out=b)  # U^h_nj as (h, j, n)
        b += far[rj]
        # Third parties exclude i and j themselves.
        skip = ((hb, slice(None), h), (slice(None), jb, j))
        cij, cji = contest_odds(
            opt, strength, a[:, None, :], e[:, None, :], b, c_i, c_j, skip, (first, second)
        )
        p = cij / (cij + cji)
        q = cji / (cij + cji)
        uii = u_ii[:, None]
        sj = s_total[j][None, :]
        vict, lose = uii + uii, u_ij + u_ij
        eu_chlg = (1.0 - sj) * vict + sj * (p * vict + q * lose)
        odds[i0 : i0 + h.size, j0 : j0 + j.size] = p
        gain[i0 : i0 + h.size, j0 : j0 + j.size] = eu_chlg - (uii + u_ij)

    tasks = [(i0, j0) for i0 in range(0, n, rows) for j0 in range(0, n, cols)]
    in_blocks(tasks, block, workers(n))
    odds[idx, idx] = np.nan
    gain[idx, idx] = np.nan
    return odds, gain


def best_challenges(gain: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    """The challenges made: ``(initiators, targets)``, ordered by initiator then target.

    Each actor targets the j of largest expected gain, if above 1e-5
    [``bestChallenge``]. KTAB takes the first of several equally good
    targets; here the initiator challenges each of them (gains equal to a
    relative 1e-9), so that identical actors are treated alike and the order
    of the actors does not matter. Distinct actors practically never tie,
    and KTAB's reference runs are unchanged.
    """
    g = np.where(np.isnan(gain) | (gain <= MIN_GAIN), -np.inf, gain)
    best = g.max(axis=1, keepdims=True) if g.size else g
    chosen = np.isfinite(g) & (g >= best - TIE_RTOL * np.abs(best))
    init, rcvr = np.nonzero(chosen)
    return init, rcvr


def receiver_view(
    view: Assessment, actors: Actors, opt: Options, init: np.ndarray, rcvr: np.ndarray
) -> tuple[FloatArray, FloatArray]:
    """The receivers' estimates of the challenges they face [``probEduChlg(j, i, i, j)``].

    Returns, per pair, j's estimate of the chance that i wins and of i's
    expected gain ``EU_chlg - EU_SQ`` from the challenge.
    """
    d, dt = view.distance, view.distance.T
    strength = actors.strength
    r = view.estimates(opt.big_r_adjust, rcvr)  # h = j
    pairs = np.arange(init.size)
    a = utility(dt[init], r)  # U^j_ni
    b = utility(dt[rcvr], r)  # U^j_nj
    e = utility(np.diagonal(d)[None, :], r)
    u_ii = a[pairs, init]
    u_ij = b[pairs, init]
    c_i, c_j = _principals(
        opt, strength[init], strength[rcvr], u_ii - u_ij, a[pairs, rcvr] - e[pairs, rcvr]
    )
    skip = ((pairs, init), (pairs, rcvr))
    cij, cji = contest_odds(opt, strength, a, e, b, c_i, c_j, skip)
    p, q = cij / (cij + cji), cji / (cij + cji)
    sj = actors.total_salience[rcvr]
    vict, lose = u_ii + u_ii, u_ij + u_ij
    gain = (1.0 - sj) * vict + sj * (p * vict + q * lose) - (u_ii + u_ij)
    return p, gain
