"""The expected-utility model's rounds: offers, moves, the stopping rule, the path.

:func:`bargain` plays one round on one issue (every pair's challenge and the
offers it leads to), :func:`simulate` repeats rounds until the stopping rule
holds; see :mod:`detente.models.eu` for the model as a whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from detente.arrays import BoolArray, FloatArray, ScenarioArrays
from detente.models.eu.formulas import (
    EUParams,
    IntArray,
    Round,
    _blocks,
    _challenge,
    _decide,
    _drift,
    _SamePosition,
    _stakes,
    _Votes,
    risk_exponents,
)

T = TypeVar("T")
R = TypeVar("R")

#: Rounds with at least this many pairs (over all draws) use several threads.
_PARALLEL_MIN_PAIRS = 1 << 18


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


def bargain(
    x: FloatArray,
    s: FloatArray,
    c: FloatArray,
    span: FloatArray,
    params: EUParams,
    detail: bool = False,
) -> Round:
    """One round on one issue: risk, probabilities, expected utilities, offers, moves.

    ``x``, ``s``, ``c`` are ``(D, n)`` for the n actors taking part, ``span`` is Δ ``(D,)``.
    As Scholz et al.'s appendix: all E with r = 1, the risk exponents, all E again with
    them, every actor's offer. Only with ``detail`` does the round keep P and E.
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

    return _round(x, xs, span, r, order, blocks, _map(settle, range(len(blocks)), pairs), detail)


def _round(
    x: FloatArray,
    xs: FloatArray,
    span: FloatArray,
    r: FloatArray,
    order: IntArray,
    blocks: list[tuple[slice, slice]],
    settled: list[tuple[FloatArray, FloatArray, FloatArray, FloatArray]],
    detail: bool,
) -> Round:
    """The round from its blocks' moves (and, with ``detail``, P and E), in the actors'
    own order again (``order`` sorted them by position)."""
    n_draws, n = xs.shape
    new = np.empty_like(xs)
    shape = (n_draws, n, n) if detail else (n_draws, 0, 0)
    prob, eu_a, eu_b = np.empty(shape), np.empty(shape), np.empty(shape)
    for (dsl, rsl), (moved, p_ij, a, b) in zip(blocks, settled, strict=True):
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


#: The heaviest actors of an issue whose first round a forecast keeps (its tables
#: and its challenges chart show these).
FIRST_ROUND_ACTORS = 40


def first_round(arrays: ScenarioArrays, params: EUParams) -> dict[str, dict[str, Any]]:
    """Per issue with two actors or more taking part, round 1 as data (scale units).

    For the :data:`FIRST_ROUND_ACTORS` heaviest of them (capability x
    salience), in the scenario's order: ``actors``, ``weight``, ``risk``
    (r_i, eq. 33), ``start`` and ``after`` (positions before and after the
    round) and ``moved``; ``eu_challenge[i][j]`` = E^i(U_ij) (eq. 25a),
    ``eu_rival[i][j]`` = E^i(U_ji) (eq. 25b) and ``kinds[i][j]``, how i sees
    j (the quadrant codes of :mod:`.formulas`); ``members``: how many take part.
    """
    out: dict[str, dict[str, Any]] = {}
    for k, issue in enumerate(arrays.issue_ids):
        if np.count_nonzero(arrays.active[:, k]) < 2:
            continue
        members, first = opening_round(arrays, params, k)
        weight = arrays.weight[members, k]
        kept = np.sort(np.argsort(-weight, kind="stable")[:FIRST_ROUND_ACTORS])
        lo, hi = arrays.scale_low[k], arrays.scale_high[k]
        pair = np.ix_(kept, kept)
        out[issue] = {
            "actors": [arrays.actor_ids[members[i]] for i in kept],
            "weight": weight[kept].tolist(),
            "risk": first.risk[0, kept].tolist(),
            "start": (lo + (hi - lo) * first.start[0, kept]).tolist(),
            "after": (lo + (hi - lo) * first.positions[0, kept]).tolist(),
            "moved": (first.positions[0, kept] != first.start[0, kept]).tolist(),
            "eu_challenge": first.eu_challenge[0][pair].tolist(),
            "eu_rival": first.eu_rival[0][pair].tolist(),
            "kinds": first.kinds[0][pair].tolist(),
            "members": int(members.size),
        }
    return out
