"""The exchange model's equal-gain process, written as plain loops.

A second, deliberately naive reading of the rules in
:mod:`detente.models.exchange` (E1-E8): after every exchange, every
candidate of every issue pair and actor pair is recomputed from scratch, one
at a time. The tests check the vectorised, lazily searched model against it,
and ``benchmarks/bench_exchange.py`` times it as the baseline.
"""

from __future__ import annotations

import math

import numpy as np


def _sign(v: float) -> float:
    return 0.0 if v == 0 else math.copysign(1.0, v)


def _side(v: float) -> float:
    return 0.0 if abs(v) <= 1e-12 else math.copysign(1.0, v)


def loop_process(
    positions: np.ndarray,
    salience: np.ndarray,
    weight: np.ndarray,
    rounds: int,
    salience_weight: float = 0.4,
    fixed_weight: float = 0.1,
    tol: float = 1e-12,
) -> tuple[np.ndarray, list[tuple[int, int, int, int, int, float, float, float]]]:
    """Voting positions per round ``(T + 1, n, m)`` and the exchanges made.

    Each exchange is (round, i, j, p, q, i_move, j_move, gain): i supplies p.
    """
    n, m = positions.shape
    x = [[float(v) for v in row] for row in positions]
    s = [[float(v) for v in row] for row in salience]
    w = [[float(v) for v in row] for row in weight]
    total = [sum(w[a][d] for a in range(n)) for d in range(m)]
    history = [np.array(x)]
    made: list[tuple[int, int, int, int, int, float, float, float]] = []

    def outcome(y: list[list[float]], d: int) -> float:
        return sum(w[a][d] * y[a][d] for a in range(n) if w[a][d] > 0) / total[d]

    for t in range(1, rounds + 1):
        y = [row[:] for row in x]
        lock = [[0.0] * m for _ in range(n)]
        done: set[tuple[int, int, int, int]] = set()
        count = 0
        while True:
            o = [outcome(y, d) for d in range(m)]
            best: tuple[float, int, int, int, int, float, float] | None = None
            for p in range(m):
                for q in range(p + 1, m):
                    for a in range(n):
                        for b in range(a + 1, n):
                            if (p, q, a, b) in done:
                                continue
                            if min(w[a][p], w[a][q], w[b][p], w[b][q]) <= 0:
                                continue
                            if _side(x[a][p] - o[p]) * _side(x[b][p] - o[p]) >= 0:
                                continue
                            if _side(x[a][q] - o[q]) * _side(x[b][q] - o[q]) >= 0:
                                continue
                            lhs, rhs = s[a][p] * s[b][q], s[a][q] * s[b][p]
                            if lhs == rhs:
                                continue
                            i, j = (a, b) if lhs < rhs else (b, a)
                            dir_p = _sign(x[j][p] - o[p])
                            dir_q = _sign(x[i][q] - o[q])
                            room_i = max((x[j][p] - y[i][p]) * dir_p, 0.0)
                            room_j = max((x[i][q] - y[j][q]) * dir_q, 0.0)
                            if lock[i][p] not in (0.0, dir_p):
                                room_i = 0.0
                            if lock[j][q] not in (0.0, dir_q):
                                room_j = 0.0
                            cap_p = min(w[i][p] * room_i / total[p], abs(x[j][p] - o[p]))
                            cap_q = min(w[j][q] * room_j / total[q], abs(x[i][q] - o[q]))
                            rho = (s[i][p] + s[j][p]) / (s[i][q] + s[j][q])
                            shift_p = min(cap_p, cap_q / rho)
                            gain = (
                                shift_p
                                * (s[i][q] * s[j][p] - s[i][p] * s[j][q])
                                / (s[i][q] + s[j][q])
                            )
                            if gain > tol and (best is None or gain > best[0]):
                                best = (gain, p, q, a, b, shift_p, rho)
            if best is None:
                break
            gain, p, q, a, b, shift_p, rho = best
            lhs, rhs = s[a][p] * s[b][q], s[a][q] * s[b][p]
            i, j = (a, b) if lhs < rhs else (b, a)
            moves = []
            for actor, d, target, shift in (
                (i, p, x[j][p], shift_p),
                (j, q, x[i][q], shift_p * rho),
            ):
                direction = _sign(target - o[d])
                new = y[actor][d] + direction * shift * total[d] / w[actor][d]
                if (new - target) * direction > 0:
                    new = target
                moves.append(new - y[actor][d])
                y[actor][d] = new
                lock[actor][d] = direction
            done.add((p, q, a, b))
            made.append((t, i, j, p, q, moves[0], moves[1], gain))
            count += 1
        history.append(np.array(y))
        if count == 0:
            history += [history[-1]] * (rounds - t)
            break
        for a in range(n):
            for d in range(m):
                if w[a][d] > 0:
                    alpha = fixed_weight + salience_weight * (1.0 - s[a][d])
                    x[a][d] += alpha * (y[a][d] - x[a][d])
    return np.stack(history), made
