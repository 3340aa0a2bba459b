"""A plain-loop round of the expected-utility model, written from the formulas.

Scholz, Calbert & Smith (2011) equation by equation, one pair and one voter
at a time, with no sorting, prefix sums or vectorisation: the reference that
the vectorised :func:`detente.models.eu.bargain` is checked against, and the
naive baseline of ``benchmarks/bench_eu.py``. It costs O(n^3) per round.
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.models.eu import EUParams


@dataclass
class LoopRound:
    risk: list[float]
    probability: list[list[float]]
    eu_challenge: list[list[float]]
    eu_rival: list[list[float]]
    positions: list[float]


def _median(x: list[float], w: list[float]) -> float:
    # Black's weighted median, midpoint on an exact half (detente.models.median).
    pairs = sorted((xi, wi) for xi, wi in zip(x, w, strict=True) if wi > 0)
    total = sum(wi for _, wi in pairs)
    run = 0.0
    for k, (xi, wi) in enumerate(pairs):
        run += wi
        if abs(run - total / 2) <= 1e-12 * total / 2:
            return (xi + pairs[k + 1][0]) / 2 if k + 1 < len(pairs) else xi
        if run > total / 2:
            return xi
    raise AssertionError("no median")


def loop_round(
    x: list[float], s: list[float], c: list[float], span: float, params: EUParams
) -> LoopRound:
    n = len(x)
    w = [c[i] * s[i] for i in range(n)]
    q = params.q
    if params.anchor == "median":
        mu = _median(x, w)
    else:
        mu = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sum(w)

    def dist(i: int, j: int) -> float:
        return abs(x[i] - x[j]) / span

    def same(i: int, j: int) -> bool:
        # Closer than 1e-12 of the range: one position (detente.models.eu._SAME).
        return dist(i, j) <= 1e-12

    def vote(k: int, i: int, j: int, rho: float) -> float:
        # v_k(i, j) = w_k (d_kj^rho - d_ki^rho): positive when k prefers i.
        return w[k] * (dist(k, j) ** rho - dist(k, i) ** rho)

    def probability(rho: list[float]) -> list[list[float]]:
        everything = 0.0
        if params.probability == "triples":
            everything = sum(
                abs(vote(k, a, b, rho[k])) for k in range(n) for a in range(n) for b in range(n)
            )
        p = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                if same(i, j):
                    continue
                votes = [vote(k, i, j, rho[k]) for k in range(n)]
                pro = sum(v for v in votes if v > 0)
                if params.probability == "pair":
                    norm = sum(abs(v) for v in votes)
                    p[i][j] = pro / norm if norm > 0 else 0.5
                else:
                    p[i][j] = pro / everything if everything > 0 else 0.0
        return p

    def expected(i: int, j: int, target_s: float, p: float, r: float) -> float:
        # Eq. 25: the challenger i against j, utilities with exponent r.
        d = dist(i, j)
        us = 2 - 4 * (0.5 - 0.5 * d) ** r
        uf = 2 - 4 * (0.5 + 0.5 * d) ** r
        usq = 2 - 4 * 0.5**r
        e = (abs(x[i] - mu) + abs(x[i] - x[j])) / span
        ub = 2 - 4 * (0.5 - 0.25 * e) ** r
        uw = 2 - 4 * (0.5 + 0.25 * e) ** r
        if params.t_rule == "eftekhari":
            t = 1.0 if abs(x[i] - mu) < abs(x[i] - x[j]) else 0.0
        else:
            t = params.t
        return (
            target_s * (p * us + (1 - p) * uf)
            + (1 - target_s) * us
            - q * usq
            - (1 - q) * (t * ub + (1 - t) * uw)
        )

    ones = [1.0] * n
    p1 = probability(ones)
    if params.risk == "actors":
        danger = [
            sum(expected(j, i, s[i], p1[j][i], 1.0) for j in range(n) if j != i) for i in range(n)
        ]
        hi, lo = max(danger), min(danger)
        flat = hi - lo <= 1e-12 * (abs(hi) + abs(lo) + 1)
        big_r = [0.0 if flat else (2 * d - hi - lo) / (hi - lo) for d in danger]
        r = [(1 - b / 3) / (1 + b / 3) for b in big_r]
    else:
        r = ones
    p = probability(r) if params.vote_risk else p1
    a = [[expected(i, j, s[j], p[i][j], r[i]) for j in range(n)] for i in range(n)]
    if params.rival_risk == "own":
        # E^i(U_ji): j's challenge of i, with i's own exponent.
        b = [[expected(j, i, s[i], p[j][i], r[i]) for j in range(n)] for i in range(n)]
    else:
        b = [[a[j][i] for j in range(n)] for i in range(n)]
    new = list(x)
    for i in range(n):
        offers = []  # (kind, key, position)
        for j in range(n):
            if same(i, j):
                continue
            aij, bij = a[i][j], b[i][j]
            weighted = (-aij * x[i] + bij * x[j]) / (bij - aij) if bij != aij else x[i]
            if aij > 0 and bij > aij:
                offers.append((0, abs(x[j] - x[i]), x[j]))
            elif aij < 0 < bij and -aij < bij:
                if params.compromise == "partial":
                    to = x[i] + (x[j] - x[i]) * (-aij / bij)
                else:
                    to = weighted
                key = weighted if params.offer_choice == "scholz_code" else abs(to - x[i])
                offers.append((1, key, to))
            elif aij < 0 < bij:
                offers.append((2, abs(x[j] - x[i]), x[j]))
        if offers:
            new[i] = min(offers)[2]
    return LoopRound(r, p, a, b, new)
