"""The equal-gain exchange process over many draws at once, for Monte Carlo.

:func:`detente.models.exchange.exchange_process` runs one scenario, and its
market updates only what an exchange changed, which pays in large markets.
Monte Carlo runs hundreds of small markets that differ only in their
numbers, and there the Python steps of that loop, repeated draw by draw,
cost far more than the arithmetic. :func:`equal_gain_over_draws` runs the
same process (E1-E8 of :mod:`detente.models.exchange`, equal gain, no REX)
on arrays with a leading draw axis: at every step each draw makes its best
exchange, and every candidate of every draw is recomputed from the current
voting positions in whole-array operations. A draw with nothing left to
trade sits out until the round ends.

Each formula is evaluated as the single-draw market evaluates it, so the
exchanges, positions and forecasts are those of
:func:`~detente.models.exchange.exchange_process` on each draw (the tests
compare the two to the last bit on random scenarios). Candidates are
(issue pair k, actor pair c), actor pairs a < b in the order of
:func:`numpy.triu_indices`, so that a draw's first best candidate is the
single-draw market's: the lowest issue pair, then actor pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from detente.arrays import BoolArray, FloatArray
from detente.models.compromise import weighted_mean
from detente.models.exchange import DRAW_SLOT_BYTES, GAIN_TOL, side

#: Bytes the candidate arrays of one group of draws may take (see equal_gain_over_draws).
DRAW_MEMORY = 256 << 20


@dataclass(frozen=True)
class DrawRuns:
    """Equal-gain exchange on each draw: ``rounds`` ``(T + 1, D, n, m)`` voting
    positions, ``forecasts`` ``(T + 1, D, m)``, ``counts`` ``(D, T)`` exchanges
    made per round, ``converged`` ``(D,)``: none made in the last round."""

    rounds: FloatArray
    forecasts: FloatArray
    counts: np.ndarray
    converged: BoolArray


def equal_gain_over_draws(
    positions: FloatArray,
    salience: FloatArray,
    weight: FloatArray,
    rounds: int,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
) -> DrawRuns:
    """Equal-gain exchange on ``(D, n, m)`` arrays; ``weight`` may be ``(rounds, D, n, m)``.

    Draws are run side by side in groups whose candidate arrays fit in
    :data:`DRAW_MEMORY` bytes (one draw at least), so memory does not grow
    with the number of draws; each draw's numbers do not depend on the group.

    Two draws of the two-actor case of :func:`exchange_process`, the second
    with the saliences swapped: actor 0 gives ground on issue 0 (all the way
    to 1) for a sixth on issue 1, then the mirror image:

    >>> x = np.array([[[0.0, 0.0], [1.0, 1.0]]] * 2)
    >>> s = np.array([[[0.2, 0.8], [0.6, 0.4]], [[0.6, 0.4], [0.2, 0.8]]])
    >>> run = equal_gain_over_draws(x, s, s, rounds=1)
    >>> run.counts[:, 0].tolist(), run.forecasts[1].round(3).tolist()
    ([1, 1], [[1.0, 0.167], [0.0, 0.833]])
    """
    d, n, m = positions.shape
    weights = np.broadcast_to(weight, (rounds, d, n, m))
    per_draw = DRAW_SLOT_BYTES * (m * (m - 1) // 2) * n * n
    group = int(max(1, min(d, DRAW_MEMORY // max(per_draw, 1))))
    parts = [
        _over_draws(
            positions[g : g + group],
            salience[g : g + group],
            weights[:, g : g + group],
            salience_weight,
            fixed_weight,
        )
        for g in range(0, d, group)
    ]
    if len(parts) == 1:
        return parts[0]
    return DrawRuns(
        rounds=np.concatenate([r.rounds for r in parts], axis=1),
        forecasts=np.concatenate([r.forecasts for r in parts], axis=1),
        counts=np.concatenate([r.counts for r in parts]),
        converged=np.concatenate([r.converged for r in parts]),
    )


def _over_draws(
    positions: FloatArray,
    salience: FloatArray,
    weights: FloatArray,
    salience_weight: float,
    fixed_weight: float,
) -> DrawRuns:
    """:func:`equal_gain_over_draws` on one group of draws; ``weights`` ``(rounds, D, n, m)``."""
    rounds, d, _, m = weights.shape
    pairs = np.array(list(combinations(range(m), 2)), dtype=int).reshape(-1, 2)
    alpha = fixed_weight + salience_weight * (1.0 - salience)
    x = positions.astype(float)
    history = [x.copy()]
    counts = np.zeros((d, rounds), dtype=int)
    for t in range(rounds):
        w = weights[t]
        y = _Round(x, salience, w, pairs).trade(counts[:, t])
        history.append(y)
        x = np.where(w > 0, x + alpha * (y - x), x)
    voting = np.stack(history)
    return DrawRuns(
        rounds=voting,
        forecasts=weighted_mean(voting, np.concatenate([weights[:1], weights])),
        counts=counts,
        converged=counts[:, -1] == 0,
    )


class _Round:
    """One round's markets, one per draw (E2-E7).

    Arrays over candidates are ``(D, K, C)``: draws, issue pairs, actor pairs.
    What stays fixed in a round is computed once: who supplies which issue
    (E3), the rate and gain factor (E5), and who may trade at all.
    """

    def __init__(self, x: FloatArray, s: FloatArray, w: FloatArray, pairs: np.ndarray) -> None:
        d, n, _ = x.shape
        a, b = np.triu_indices(n, 1)
        p, q = pairs[:, 0][:, None], pairs[:, 1][:, None]
        self.x, self.w, self.pairs, self.p, self.q = x, w, pairs, p, q
        self.y = x.copy()
        self.lock = np.zeros(x.shape)
        self.total = w.sum(axis=-2)
        self.outcome = weighted_mean(self.y, w)
        self.done = np.zeros((d, len(pairs), a.size), dtype=bool)
        draw = np.arange(d)[:, None, None]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
            lhs, rhs = s[:, a, p] * s[:, b, q], s[:, a, q] * s[:, b, p]
            self.i = np.where(lhs < rhs, a, b)
            self.j = np.where(lhs < rhs, b, a)
            i, j = self.i, self.j
            sip, siq, sjp, sjq = s[draw, i, p], s[draw, i, q], s[draw, j, p], s[draw, j, q]
            self.f = (siq * sjp - sip * sjq) / (siq + sjq)
            rho = (sip + sjp) / (siq + sjq)
            self.inv_rho = 1.0 / rho
            eligible = (w[:, a, p] > 0) & (w[:, a, q] > 0) & (w[:, b, p] > 0) & (w[:, b, q] > 0)
            usable = (lhs != rhs) & np.isfinite(self.f) & np.isfinite(rho) & (rho > 0)
        self.can_trade = eligible & usable
        self.x_a = (x[:, a, p], x[:, a, q])
        self.x_b = (x[:, b, p], x[:, b, q])
        self.xjp, self.xiq = x[draw, j, p], x[draw, i, q]
        self.w_ip, self.w_jq = w[draw, i, p], w[draw, j, q]

    def trade(self, count: np.ndarray) -> FloatArray:
        """Each draw makes its best exchange until none is left; returns the voting positions.

        ``count`` receives the number of exchanges each draw makes.
        """
        # No candidates at all (one actor): no draw trades.
        live = np.arange(self.x.shape[0]) if self.done[0].size else np.arange(0)
        n_pairs = self.done.shape[2]
        while live.size:
            room_p, room_q, gain = self.candidates(live)
            flat = gain.reshape(live.size, -1)
            best = flat.argmax(axis=1)
            go = flat[np.arange(live.size), best] > GAIN_TOL
            live, best = live[go], best[go]
            if not live.size:
                break
            k, c = np.divmod(best, n_pairs)
            at = (np.flatnonzero(go), k, c)
            self.execute(live, k, c, room_p[at], room_q[at])
            count[live] += 1
        return self.y

    def candidates(self, live: np.ndarray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Room (E6) and gain (E5) of every candidate of draws ``live``; -inf where closed (E2).

        The operations and their order are those of the single-draw market
        (``_Market.terms`` and ``_gain``), so that the gains agree to the bit.
        """
        draw = live[:, None, None]
        p, q, y, lock = self.p, self.q, self.y, self.lock
        op, oq = self.outcome[draw, p], self.outcome[draw, q]
        (x_ap, x_aq), (x_bp, x_bq) = self.x_a, self.x_b
        i, j = self.i[live], self.j[live]
        xjp, xiq = self.xjp[live], self.xiq[live]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
            opposite = (side(x_ap[live] - op) * side(x_bp[live] - op) < 0) & (
                side(x_aq[live] - oq) * side(x_bq[live] - oq) < 0
            )
            dir_p, dir_q = np.sign(xjp - op), np.sign(xiq - oq)
            lock_ip, lock_jq = lock[draw, i, p], lock[draw, j, q]
            free_i = (lock_ip == 0) | (lock_ip == dir_p)
            free_j = (lock_jq == 0) | (lock_jq == dir_q)
            room_i = np.where(free_i, np.maximum((xjp - y[draw, i, p]) * dir_p, 0.0), 0.0)
            room_j = np.where(free_j, np.maximum((xiq - y[draw, j, q]) * dir_q, 0.0), 0.0)
            room_p = self.w_ip[live] * room_i / self.total[draw, p]
            room_q = self.w_jq[live] * room_j / self.total[draw, q]
            cap_p = np.minimum(np.abs(xjp - op), room_p)
            cap_q = np.minimum(np.abs(xiq - oq), room_q) * self.inv_rho[live]
            gain = np.minimum(cap_p, cap_q) * self.f[live]
        open_ = self.can_trade[live] & ~self.done[live] & opposite
        return room_p, room_q, np.where(open_, gain, -np.inf)

    def execute(
        self, live: np.ndarray, k: np.ndarray, c: np.ndarray, room_p: FloatArray, room_q: FloatArray
    ) -> None:
        """Make candidate (k, c) in each draw of ``live`` (E5, E6)."""
        p, q = self.pairs[k, 0], self.pairs[k, 1]
        i, j = self.i[live, k, c], self.j[live, k, c]
        cap_p = np.minimum(room_p, np.abs(self.xjp[live, k, c] - self.outcome[live, p]))
        cap_q = np.minimum(room_q, np.abs(self.xiq[live, k, c] - self.outcome[live, q]))
        rho = 1.0 / self.inv_rho[live, k, c]
        shift_p = np.minimum(cap_p, cap_q / rho)
        self.move(live, i, p, self.x[live, j, p], shift_p)
        self.move(live, j, q, self.x[live, i, q], rho * shift_p)
        self.done[live, k, c] = True

    def move(
        self,
        live: np.ndarray,
        actor: np.ndarray,
        issue: np.ndarray,
        target: FloatArray,
        shift: FloatArray,
    ) -> None:
        """Move voting positions so that each draw's outcome shifts by ``shift`` (E4, E6)."""
        y, w = self.y, self.w
        old = y[live, actor, issue]
        direction = np.sign(target - self.outcome[live, issue])
        new = old + direction * shift * self.total[live, issue] / w[live, actor, issue]
        # Rounding must not carry anyone past the partner's position (E6).
        new = np.where((new - target) * direction > 0, target, new)
        y[live, actor, issue] = new
        self.lock[live, actor, issue] = np.where(
            new != old, direction, self.lock[live, actor, issue]
        )
        # The issue's outcome, from its column as the single-draw market takes it.
        column = (live[:, None], np.arange(y.shape[1]), issue[:, None])
        self.outcome[live, issue] = weighted_mean(y[column][..., None], w[column][..., None])[:, 0]
