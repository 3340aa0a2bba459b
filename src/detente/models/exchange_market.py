"""The exchange model's market: candidate exchanges, made one after another (E1)-(E9).

See :mod:`detente.models.exchange` for the model and its formulas;
:func:`exchange_process` runs its rounds on one set of arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

import numpy as np

from detente.arrays import FloatArray
from detente.models.compromise import weighted_mean

#: An exchange must gain each side more than this (salience x normalised distance).
GAIN_TOL = 1e-12
#: An actor this close to an outcome (normalised units) is on neither side of it.
SIDE_TOL = 1e-12
#: Candidate arrays are evaluated in blocks of at most this many entries.
BLOCK = 1 << 20
#: Gains of at most this many candidates are updated in one go, more pair by pair.
BATCH = 1 << 15


def side(gap: FloatArray) -> FloatArray:
    """-1, 0 or 1: which side of the outcome a position is on, ``gap`` = x - O (E2).

    A position within ``SIDE_TOL`` of the outcome is on neither side: an
    exchange capped at the demander's position (E6) leaves the outcome there,
    up to rounding, and rounding must not decide who may trade next.
    """
    return np.where(np.abs(gap) > SIDE_TOL, np.sign(gap), 0.0)


@dataclass(frozen=True)
class Exchange:
    """One exchange made: i supplies issue p to j, j supplies q to i.

    Moves are signed changes of voting positions and gains are changes of
    utility (E4), both in normalised units; outcomes are (O_p, O_q).
    """

    round: int
    i: int
    j: int
    p: int
    q: int
    i_move: float
    j_move: float
    i_gain: float
    j_gain: float
    outcome_before: tuple[float, float]
    outcome_after: tuple[float, float]


@dataclass
class ExchangeRun:
    """The exchange process over all its rounds (one repetition)."""

    rounds: FloatArray
    forecasts: FloatArray
    exchanges: list[Exchange]
    counts: list[int]
    externalities: FloatArray
    converged: bool


class _Market:
    """One round's market of candidate exchanges (E2-E7).

    A candidate is an issue pair k = (p, q) (p < q) with actors a < b, held in
    arrays of shape (pairs, n, n). Its gain is f min(M_p, |x_jp - O_p|,
    (min(M_q, |x_iq - O_q|)) / ρ) (E5, E6), where f = (s_iq s_jp - s_ip
    s_jq) / (s_iq + s_jq) and ρ are fixed within the round and the room
    terms M change only for the actors an exchange moves. So after each
    exchange on (p*, q*), the room terms of its two actors and of any actor
    the outcome crossed (whose side changed) are recomputed, and then the
    gains of every candidate on an issue pair with p* or q* are updated
    from the new outcomes in a few array operations: every gain is exact
    at every step, as if all had been recomputed, at a fraction of the cost.
    """

    def __init__(
        self, x: FloatArray, salience: FloatArray, weight: FloatArray, pairs: np.ndarray
    ) -> None:
        n, m = x.shape
        shape = (len(pairs), n, n)
        self.n = n
        self.x, self.y, self.s, self.w = x, x.copy(), salience, weight
        self.total = weight.sum(axis=0)
        self.outcome = weighted_mean(self.y, weight)
        self.lock = np.zeros(x.shape)
        self.pairs = pairs
        self.pairs_of = [np.flatnonzero((pairs == d).any(axis=1)) for d in range(m)]
        self.open = np.zeros(shape, dtype=bool)
        self.done = np.zeros(shape, dtype=bool)
        # Kept for every candidate; the gains of those not open are masked.
        self.cache = {
            name: np.full(shape, np.nan) for name in ("f", "inv_rho", "xjp", "xiq", "mp", "mq")
        }
        self.key = np.full(shape, -np.inf)
        self.best = np.full(len(pairs), -np.inf)
        self.buffer = np.zeros((2, n, n))
        upper_a, upper_b = np.triu_indices(n, 1)
        step = max(1, BLOCK // max(1, upper_a.size))
        for start in range(0, len(pairs), step):
            ks = np.arange(start, min(start + step, len(pairs)))
            self.evaluate(
                np.repeat(ks, upper_a.size), np.tile(upper_a, ks.size), np.tile(upper_b, ks.size)
            )
            self.update_gains(ks)

    def terms(self, k: np.ndarray, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
        """E2-E6 for candidates (issue pair k, actors a < b), as flat arrays.

        Returns whether each is open (both can trade, on opposite sides of
        both outcomes), its f and ρ (E5), the demanders' preferences x_jp and
        x_iq, and the room terms w_ip |x_jp - y_ip| / W_p and w_jq |x_iq -
        y_jq| / W_q (E6), zero where a voting position is locked the other way.
        """
        p, q = self.pairs[k, 0], self.pairs[k, 1]
        x, y, s, w, lock = self.x, self.y, self.s, self.w, self.lock
        op, oq = self.outcome[p], self.outcome[q]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
            eligible = (w[a, p] > 0) & (w[a, q] > 0) & (w[b, p] > 0) & (w[b, q] > 0)
            opposite = (side(x[a, p] - op) * side(x[b, p] - op) < 0) & (
                side(x[a, q] - oq) * side(x[b, q] - oq) < 0
            )
            # E3: i cares relatively less about p, so i supplies p and j supplies q.
            lhs, rhs = s[a, p] * s[b, q], s[a, q] * s[b, p]
            i, j = np.where(lhs < rhs, a, b), np.where(lhs < rhs, b, a)
            sip, siq, sjp, sjq = s[i, p], s[i, q], s[j, p], s[j, q]
            xjp, xiq = x[j, p], x[i, q]
            dir_p, dir_q = np.sign(xjp - op), np.sign(xiq - oq)
            free_i = (lock[i, p] == 0) | (lock[i, p] == dir_p)
            free_j = (lock[j, q] == 0) | (lock[j, q] == dir_q)
            room_i = np.where(free_i, np.maximum((xjp - y[i, p]) * dir_p, 0.0), 0.0)
            room_j = np.where(free_j, np.maximum((xiq - y[j, q]) * dir_q, 0.0), 0.0)
            f = (siq * sjp - sip * sjq) / (siq + sjq)
            rho = (sip + sjp) / (siq + sjq)
            usable = (lhs != rhs) & np.isfinite(f) & np.isfinite(rho) & (rho > 0)
            return {
                "open": eligible & opposite & usable,
                "f": f,
                "rho": rho,
                "xjp": xjp,
                "xiq": xiq,
                "room_p": w[i, p] * room_i / self.total[p],
                "room_q": w[j, q] * room_j / self.total[q],
            }

    def evaluate(self, k: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        """Recompute everything but the outcome terms for candidates (k, a, b)."""
        t = self.terms(k, a, b)
        at = (k, a, b)
        self.open[at] = t["open"] & ~self.done[at]
        c = self.cache
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            c["f"][at], c["inv_rho"][at] = t["f"], 1.0 / t["rho"]
        c["xjp"][at], c["xiq"][at] = t["xjp"], t["xiq"]
        c["mp"][at], c["mq"][at] = t["room_p"], t["room_q"]

    def update_gains(self, ks: np.ndarray) -> None:
        """The gains of every candidate on issue pairs ``ks``, from the current outcomes.

        This runs after every exchange and is the model's inner loop. Small
        markets take all pairs at once; large ones one pair at a time, on
        views and preallocated buffers, where fresh copies of the candidate
        arrays would cost more than the arithmetic.
        """
        c = self.cache
        # Candidates that are not open hold NaN or inf; they are masked below.
        with np.errstate(invalid="ignore", over="ignore"):
            if ks.size * self.n * self.n <= BATCH:
                op = self.outcome[self.pairs[ks, 0]][:, None, None]
                oq = self.outcome[self.pairs[ks, 1]][:, None, None]
                part = {name: v[ks] for name, v in c.items()}
                gain = _gain(part, op, oq, np.empty(part["f"].shape), np.empty(part["f"].shape))
                self.key[ks] = np.where(self.open[ks], gain, -np.inf)
                self.best[ks] = self.key[ks].reshape(ks.size, -1).max(axis=1)
                return
            for k in ks.tolist():
                op, oq = self.outcome[self.pairs[k]]
                gain = _gain({name: v[k] for name, v in c.items()}, op, oq, *self.buffer)
                key = self.key[k]
                key.fill(-np.inf)
                np.copyto(key, gain, where=self.open[k])
                self.best[k] = key.max()

    def refresh_actors(self, moved: list[tuple[int, int]]) -> None:
        """Recompute the candidates of actor t on issue pairs with d, for (t, d) in ``moved``."""
        parts = [_candidates_of(self.n, len(self.pairs_of), t, d) for t, d in moved]
        self.evaluate(*(np.concatenate(part) for part in zip(*parts, strict=True)))

    def trade(
        self, round_no: int, p_rex: float, rng: np.random.Generator | None
    ) -> tuple[list[Exchange], FloatArray]:
        """Make exchanges greedily until none is left (E7); returns them and externalities."""
        n = self.n
        made: list[Exchange] = []
        ext = np.zeros((2, n))
        known = (self.s > 0) & ~np.isnan(self.x)
        while self.best.size and self.best.max() > GAIN_TOL:
            k = int(np.argmax(self.best))
            a, b = divmod(int(np.argmax(self.key[k])), n)
            exchange = self.execute(round_no, k, a, b, p_rex, rng)
            made.append(exchange)
            p, q = exchange.p, exchange.q
            before, after = np.array(exchange.outcome_before), np.array(exchange.outcome_after)
            xd = self.x[:, [p, q]]
            delta = np.abs(before - xd) - np.abs(after - xd)
            e = np.where(known[:, [p, q]], self.s[:, [p, q]] * delta, 0.0).sum(axis=1)
            e[[exchange.i, exchange.j]] = 0.0
            ext[0] += np.maximum(e, 0.0)
            ext[1] += np.minimum(e, 0.0)
        return made, ext

    def execute(
        self, round_no: int, k: int, a: int, b: int, p_rex: float, rng: np.random.Generator | None
    ) -> Exchange:
        """Make candidate (k, a, b), the best, and bring the market up to date (E6-E9)."""
        p, q = (int(v) for v in self.pairs[k])
        s = self.s
        i, j = (a, b) if s[a, p] * s[b, q] < s[a, q] * s[b, p] else (b, a)
        sal = (float(s[i, p]), float(s[i, q]), float(s[j, p]), float(s[j, q]))
        c, at = self.cache, (k, a, b)
        cap_p = min(float(c["mp"][at]), abs(float(c["xjp"][at]) - float(self.outcome[p])))
        cap_q = min(float(c["mq"][at]), abs(float(c["xiq"][at]) - float(self.outcome[q])))
        rho = 1.0 / float(c["inv_rho"][at])
        shift_p = min(cap_p, cap_q / rho)
        shift_q = rho * shift_p
        if p_rex > 0 and rng is not None:
            shift_p, shift_q = rex_split(cap_p, cap_q, shift_p, shift_q, sal, p_rex, rng.random(3))
        before = self.outcome[[p, q]].copy()
        i_move = self.move(i, p, self.x[j, p], shift_p)
        j_move = self.move(j, q, self.x[i, q], shift_q)
        after = self.outcome[[p, q]].copy()
        self.done[at] = True
        self.open[at] = False
        # The movers' room changed, and actors the outcome crossed changed side.
        moved = [(i, p), (j, q)]
        for d, o_before, o_after in ((p, before[0], after[0]), (q, before[1], after[1])):
            xd = self.x[:, d]
            crossed = (self.w[:, d] > 0) & (side(xd - o_before) != side(xd - o_after))
            moved += [(t, d) for t in np.flatnonzero(crossed).tolist()]
        self.refresh_actors(moved)
        self.update_gains(np.union1d(self.pairs_of[p], self.pairs_of[q]))
        sip, siq, sjp, sjq = sal
        return Exchange(
            round=round_no,
            i=i,
            j=j,
            p=p,
            q=q,
            i_move=i_move,
            j_move=j_move,
            i_gain=siq * shift_q - sip * shift_p,
            j_gain=sjp * shift_p - sjq * shift_q,
            outcome_before=(float(before[0]), float(before[1])),
            outcome_after=(float(after[0]), float(after[1])),
        )

    def move(self, actor: int, issue: int, target: float, shift: float) -> float:
        """Move a voting position so that O shifts by ``shift`` toward ``target`` (E4, E6)."""
        old = self.y[actor, issue]
        direction = np.sign(target - self.outcome[issue])
        new = old + direction * shift * self.total[issue] / self.w[actor, issue]
        # Rounding must not carry anyone past the partner's position (E6).
        if (new - target) * direction > 0:
            new = target
        self.y[actor, issue] = new
        if new != old:
            self.lock[actor, issue] = direction
        self.outcome[issue] = weighted_mean(self.y[:, [issue]], self.w[:, [issue]])[0]
        return float(new - old)


@lru_cache(maxsize=4096)
def _candidates_of(n: int, m: int, t: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices (k, a, b) of every candidate of actor t on an issue pair with issue d."""
    pairs = np.array(list(combinations(range(m), 2)), dtype=int).reshape(-1, 2)
    ks = np.flatnonzero((pairs == d).any(axis=1))
    others = np.delete(np.arange(n), t)
    lo, hi = np.minimum(others, t), np.maximum(others, t)
    return np.repeat(ks, others.size), np.tile(lo, ks.size), np.tile(hi, ks.size)


def _gain(
    c: dict[str, FloatArray], op: Any, oq: Any, cap_p: FloatArray, cap_q: FloatArray
) -> FloatArray:
    """f min(min(M_p, |x_jp - O_p|), min(M_q, |x_iq - O_q|) / ρ) (E5, E6), into ``cap_p``."""
    np.subtract(c["xjp"], op, out=cap_p)
    np.abs(cap_p, out=cap_p)
    np.minimum(cap_p, c["mp"], out=cap_p)
    np.subtract(c["xiq"], oq, out=cap_q)
    np.abs(cap_q, out=cap_q)
    np.minimum(cap_q, c["mq"], out=cap_q)
    np.multiply(cap_q, c["inv_rho"], out=cap_q)
    np.minimum(cap_p, cap_q, out=cap_p)
    np.multiply(cap_p, c["f"], out=cap_p)
    return cap_p


def rex_split(
    cap_p: float,
    cap_q: float,
    shift_p: float,
    shift_q: float,
    sal: tuple[float, float, float, float],
    p: float,
    draws: FloatArray,
) -> tuple[float, float]:
    """The outcome shifts of a random-rate exchange (E9).

    ``sal`` is (s_ip, s_iq, s_jp, s_jq); ``shift_p``, ``shift_q`` the equal-gain
    shifts; ``draws`` (u, v, z) uniform on [0, 1).

    Equal gain (p = 0), then i taking the whole surplus (p = 1, u, v < 1/2, z = 1)::

    >>> sal = (0.2, 0.8, 0.6, 0.4)
    >>> dp, dq = rex_split(0.25, 1 / 3, 0.25, 1 / 6, sal, 0.0, np.array([0.1, 0.1, 0.5]))
    >>> round(dp, 6), round(dq, 6)
    (0.25, 0.166667)
    >>> dp, dq = rex_split(0.25, 1 / 3, 0.25, 1 / 6, sal, 1.0, np.array([0.1, 0.1, 1.0]))
    >>> round(dp, 6), round(dq, 6), abs(0.6 * dp - 0.4 * dq) < 1e-12
    (0.222222, 0.333333, True)
    """
    sip, siq, sjp, sjq = sal
    u, v, z = (float(d) for d in draws)
    equal = siq * shift_q - sip * shift_p
    if u < 0.5:
        # i's gain varies; G_j = 0 on the ray ΔO_q = (s_jp / s_jq) ΔO_p.
        dp = min(cap_p, cap_q * sjq / sjp)
        best = siq * dp * sjp / sjq - sip * dp
        target = equal + p * z * (best - equal) if v < 0.5 else equal - p * z * equal
        corner = siq * cap_q - sip * cap_p
        if target <= corner:
            return cap_p, min(cap_q, (target + sip * cap_p) / siq)
        return max(0.0, (siq * cap_q - target) / sip), cap_q
    # j's gain varies; G_i = 0 on the ray ΔO_q = (s_ip / s_iq) ΔO_p.
    dp = min(cap_p, cap_q * siq / sip)
    best = sjp * dp - sjq * dp * sip / siq
    target = equal + p * z * (best - equal) if v < 0.5 else equal - p * z * equal
    corner = sjp * cap_p - sjq * cap_q
    if target <= corner:
        return min(cap_p, (target + sjq * cap_q) / sjp), cap_q
    return cap_p, max(0.0, (sjp * cap_p - target) / sjq)


def exchange_process(
    positions: FloatArray,
    salience: FloatArray,
    weight: FloatArray,
    rounds: int,
    p: float = 0.0,
    rng: np.random.Generator | None = None,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
) -> ExchangeRun:
    """Run the exchange model for ``rounds`` rounds (E1-E9); arrays are ``(n, m)``.

    ``weight`` is zero for actors that do not trade (off the table or not
    involved), whose positions stay as given; it may also be ``(rounds, n,
    m)``, the weights in force in each round (capability shocks). ``p > 0``
    needs ``rng``. ``forecasts[t]`` is the outcome of ``rounds[t]``.

    >>> x = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> s = np.array([[0.2, 0.8], [0.6, 0.4]])
    >>> run = exchange_process(x, s, s, rounds=1)
    >>> [(e.i, e.p, round(e.i_move, 3), round(e.i_gain, 4)) for e in run.exchanges]
    [(0, 0, 1.0, 0.0833)]
    """
    n, m = positions.shape
    weights = np.broadcast_to(weight, (rounds, n, m))
    pairs = np.array(list(combinations(range(m), 2)), dtype=int).reshape(-1, 2)
    alpha = fixed_weight + salience_weight * (1.0 - salience)
    x = positions.astype(float)
    history = [x.copy()]
    made: list[Exchange] = []
    counts: list[int] = []
    ext = np.zeros((2, n))
    for t in range(1, rounds + 1):
        w = weights[t - 1]
        if t > 1 and counts[-1] == 0 and np.array_equal(w, weights[t - 2]):
            # Nothing changed since a round without exchange: the same again.
            counts.append(0)
            history.append(history[-1])
            continue
        market = _Market(x, salience, w, pairs)
        exchanges, round_ext = market.trade(t, p, rng)
        made += exchanges
        ext += round_ext
        counts.append(len(exchanges))
        history.append(market.y.copy())
        x = np.where(w > 0, x + alpha * (market.y - x), x)
    voting = np.stack(history)
    return ExchangeRun(
        rounds=voting,
        forecasts=weighted_mean(voting, np.concatenate([weights[:1], weights])),
        exchanges=made,
        counts=counts,
        externalities=ext,
        converged=counts[-1] == 0,
    )
