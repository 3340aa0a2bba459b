"""The SMP turn written the way KTAB's C++ runs it: one actor, pair and triple at a time.

This is a plain-Python transcription of ``SMPState::doBCN`` and the
``kmodel`` election functions, with scalar arithmetic and nested loops (the
challenge step alone visits every (i, j, n) triple, and so grows as n^3 in
Python). It exists for two reasons: the tests check the vectorised
:mod:`detente.models.smp.dynamics` against it, option by option, and ``benchmarks/bench_smp.py``
times it as the naive baseline. Use :func:`detente.models.smp.dynamics.simulate`
for real work.
"""

from __future__ import annotations

import math

import numpy as np

from detente.arrays import FloatArray
from detente.models.smp.challenges import (
    MIN_CHALLENGE_COALITION,
    MIN_FIRST_CHANGE,
    MIN_GAIN,
    POSITION_TOLERANCE,
    TIE_RTOL,
)
from detente.models.smp.dynamics import Actors, History, Options, Outcome
from detente.models.smp.elections import BINARY_STEP, BINARY_THRESHOLD, MIN_COALITION

Matrix = list[list[float]]


def vote(rule: str, w: float, du: float) -> float:
    """[``Model::vote``] for one voter and one pair of options."""
    binary = max(-1.0, min(1.0, du / BINARY_STEP))
    if rule == "Binary":
        return w * binary
    if rule == "PropBin":
        return w * (0.8 * du + 0.2 * binary)
    if rule == "Prop":
        return w * du
    if rule == "PropCbc":
        return w * (0.5 * du + 0.5 * du * du * du)
    if rule == "Cubic":
        return w * du * du * du
    if rule == "ASymProsp":
        return w * du if du < 0 else (2.0 * w * du) / 3.0 if du > 0 else 0.0
    raise ValueError(rule)


def coalitions(rule: str, w: list[float], u: Matrix) -> Matrix:
    """[``Model::coalitions``]: lower triangle from ``v_k(i:j)``, as KTAB does."""
    n_act, n_opt = len(u), len(u[0])
    c = [[0.0] * n_opt for _ in range(n_opt)]
    for i in range(n_opt):
        for j in range(i):
            cij = cji = MIN_COALITION
            for k in range(n_act):
                v = vote(rule, w[k], u[k][i] - u[k][j])
                if v > 0:
                    cij += v
                if v < 0:
                    cji -= v
            c[i][j], c[j][i] = cij, cji
        c[i][i] = MIN_COALITION
    return c


def _pair(model: str, s1: float, s2: float) -> tuple[float, float]:
    """[``Model::vProb(vpm, s1, s2)``]."""
    powers = {"Linear": 1, "Square": 2, "Quartic": 4, "Octic": 8}
    if model in powers:
        x1, x2 = s1 ** powers[model], s2 ** powers[model]
    elif s1 >= BINARY_THRESHOLD * s2:
        x1, x2 = 1.0, 1e-6
    elif s2 >= BINARY_THRESHOLD * s1:
        x1, x2 = 1e-6, 1.0
    else:
        t = BINARY_THRESHOLD
        p12 = (s1 / (s1 + s2) * (t + 1.0) - 1.0) / (t - 1.0)
        x1, x2 = p12, 1 - p12
    return x1 / (x1 + x2), x2 / (x1 + x2)


def victory(model: str, c: Matrix) -> Matrix:
    """[``Model::vProb(vpm, c)``]."""
    n = len(c)
    p = [[0.5] * n for _ in range(n)]
    for i in range(n):
        for j in range(i):
            p[i][j], p[j][i] = _pair(model, c[i][j], c[j][i])
    return p


def pce(model: str, victory_model: str, c: Matrix) -> list[float]:
    """[``Model::probCE2``]: Conditional, MarkovUniform or MarkovIncentive."""
    n = len(c)
    pv = victory(victory_model, c)
    if model == "Conditional":
        logs = [sum(math.log(pv[i][j]) for j in range(n)) for i in range(n)]
        top = max(logs)
        p = [math.exp(x - top) for x in logs]
        return [x / sum(p) for x in p]
    p = [1.0 / n] * n
    if model == "MarkovUniform":
        for _ in range(1000):
            q = [sum(pv[i][j] * (p[i] + p[j]) for j in range(n)) / n for i in range(n)]
            change = max(abs(q[i] - p[i]) for i in range(n))
            p = [(p[i] + q[i]) / 2 for i in range(n)]
            if change <= 1e-6:
                break
        return p
    inc = [[c[i][j] * pv[i][j] + (1e-10 if i == j else 0.0) for j in range(n)] for i in range(n)]
    col = [sum(inc[k][j] for k in range(n)) for j in range(n)]
    chlg = [[inc[i][j] / col[j] for j in range(n)] for i in range(n)]
    for _ in range(1000):
        ct = [[p[i] * chlg[j][i] for j in range(n)] for i in range(n)]
        q = [sum(pv[i][j] * (ct[i][j] + ct[j][i]) for j in range(n)) for i in range(n)]
        change = max(abs(q[i] - p[i]) for i in range(n))
        p = [(p[i] + q[i]) / 2 for i in range(n)]
        if change <= 1e-8:
            break
    return p


def bv_diff(ideal: FloatArray, pos: FloatArray, sal: FloatArray, involved: FloatArray) -> float:
    """[``SMPModel::bvDiff``] for one ideal and one position."""
    num = den = 0.0
    for k in range(len(sal)):
        ds = (ideal[k] - pos[k]) * sal[k]
        if involved[k]:
            num += ds * ds
        den += sal[k] * sal[k]
    return math.sqrt(num / den)


def bs_util(d: float, r: float) -> float:
    """[``SMPModel::bsUtil``]."""
    return (1 - d) * (1 + d * r) if d <= 1 else (1 - d) * (1 + r)


def big_r(span: str, p: list[float]) -> list[float]:
    """[``Model::bigRfromProb``], risk neutral when all P are equal."""
    lo, hi = min(p), max(p)
    if not hi > lo:
        return [0.0] * len(p)
    if span == "Mid":
        return [(3 * x - (hi + 2 * lo)) / (2 * (hi - lo)) for x in p]
    if span == "Min":
        return [(x - lo) / (hi - lo) for x in p]
    return [(2 * x - (hi + lo)) / (hi - lo) for x in p]


def est_nra(adjust: str, rh: float, ri: float) -> float:
    """[``Model::estNRA``]."""
    return {
        "Full": ri,
        "TwoThirds": (rh + 2 * ri) / 3,
        "Half": (rh + ri) / 2,
        "OneThird": (2 * rh + ri) / 3,
        "None": rh,
    }[adjust]


class LoopState:
    """One state and its actors' utility estimates [``SMPState::setAllAUtil``]."""

    def __init__(self, x: FloatArray, ideals: FloatArray, actors: Actors, opt: Options) -> None:
        n = actors.n
        self.x, self.ideals, self.actors, self.opt = x, ideals, actors, opt
        sal, inv = actors.salience, actors.involved
        self.d = [[bv_diff(ideals[i], x[j], sal[i], inv[j]) for j in range(n)] for i in range(n)]
        neutral = [[bs_util(self.d[i][j], 0.0) for j in range(n)] for i in range(n)]
        cap = list(actors.capability)
        p = pce(opt.pce_model, opt.victory_prob_model, coalitions(opt.voting_rule, cap, neutral))
        self.r = big_r(opt.big_r_range, p)
        self.u = [
            [
                [
                    bs_util(self.d[i][j], est_nra(opt.big_r_adjust, self.r[h], self.r[i]))
                    for j in range(n)
                ]
                for i in range(n)
            ]
            for h in range(n)
        ]

    def prob_edu_chlg(self, h: int, i: int, j: int) -> tuple[float, float]:
        """[``SMPState::probEduChlg(h, i, i, j)``]: h's odds that i beats j, i's gain."""
        opt, u = self.opt, self.u[h]
        w = list(self.actors.strength)
        s = list(self.actors.total_salience)
        vi = vote(opt.voting_rule, w[i], u[i][i] - u[i][j])
        vj = vote(opt.voting_rule, w[j], u[j][i] - u[j][j])
        cij = cji = MIN_CHALLENGE_COALITION
        for v in (vi, vj):
            if v > 0:
                cij += v
            if v < 0:
                cji -= v
        ci0, cj0 = cij, cji
        for n in range(self.actors.n):
            if n in (i, j):
                continue
            uni, unj, unn = u[n][i], u[n][j], u[n][n]
            # Actor::vProbLittle
            vn = vote(opt.voting_rule, w[n], uni - unj)
            cni = ci0 + vn if vn > 0 else ci0
            cnj = cj0 - vn if vn < 0 else cj0
            pin = cni / (cni + cnj)
            pjn = 1.0 - pin
            # Actor::thirdPartyVoteSU
            if opt.third_party_commit == "SemiCommit":
                ik_j, j_ik, i_jk, jk_i = 2 * uni + unn, 3 * unj, 3 * uni, 2 * unj + unn
            elif opt.third_party_commit == "FullCommit":
                ik_j, j_ik, i_jk, jk_i = 3 * uni, 3 * unj, 3 * uni, 3 * unj
            else:
                ik_j, j_ik, i_jk, jk_i = 2 * uni + unn, 2 * unj + unn, 2 * uni + unn, 2 * unj + unn
            vk = vote(opt.voting_rule, w[n], (pin * ik_j + pjn * j_ik) - (pin * i_jk + pjn * jk_i))
            if vk > 0:
                cij += vk
            if vk < 0:
                cji -= vk
        p, q = cij / (cij + cji), cji / (cij + cji)
        vict, lose = 2 * u[i][i], 2 * u[i][j]
        chlg = (1 - s[j]) * vict + s[j] * (p * vict + q * lose)
        return p, chlg - (u[i][i] + u[i][j])

    def pos_util(self, a: int, point: FloatArray, owner: int) -> float:
        """[``SMPActor::posUtil``]: a's utility for a point held by ``owner``."""
        act = self.actors
        d = bv_diff(self.ideals[a], point, act.salience[a], act.involved[owner])
        return bs_util(d, self.r[a])


def _interpolate(
    method: str, ti: float, si: float, pi: float, tj: float, sj: float, pj: float
) -> tuple[float, float]:
    """[``interpBrgnSnPm``, ``interpBrgnS2PMax``] on one issue."""

    def round4(x: float) -> float:
        return math.floor(0.5 + x * 10000.0) / 10000.0

    if method == "S2PMax":
        di, dj = max(pj - pi, 0.0), max(pi - pj, 0.0)
        dik = di * sj * sj / (di * sj * sj + 1e-6 + (1 - di) * si * si)
        djk = dj * si * si / (dj * si * si + 1e-6 + (1 - dj) * sj * sj)
        return ti + dik * (tj - ti), tj + djk * (ti - tj)
    e = 2 if method == "S2P2" else 1
    wi, wj = si**e * pi**e, sj**e * pj**e
    den = wi + 1e-6 + wj
    return round4(((wi + 1e-6) * ti + wj * tj) / den), round4((wi * ti + (1e-6 + wj) * tj) / den)


def step(state: LoopState, rng: np.random.Generator | None) -> tuple[FloatArray, FloatArray]:
    """One turn [``SMPState::doBCN``]: new positions and ideals."""
    act, opt, n = state.actors, state.opt, state.actors.n
    m = state.x.shape[1]
    bargains: list[tuple[int, int, FloatArray, FloatArray]] = []
    for i in range(n):
        estimates = {j: state.prob_edu_chlg(i, i, j) for j in range(n) if j != i}
        best = max((g for _, g in estimates.values() if g > MIN_GAIN), default=None)
        if best is None:
            continue
        # Every target tied for the best gain (see dynamics.best_challenges).
        for j, (best_p, gain) in estimates.items():
            if gain <= MIN_GAIN or gain < best - TIE_RTOL * abs(best):
                continue
            views = [best_p]
            if opt.bargain_model != "InitOnlyInterp":
                views.append(state.prob_edu_chlg(j, i, j)[1])  # KTAB's get<1>: a gain
            made = []
            for p in views:
                bi, bj = np.zeros(m), np.zeros(m)
                for k in range(m):
                    xi, xj = state.x[i, k], state.x[j, k]
                    si, sj = act.salience[i, k], act.salience[j, k]
                    bi[k], bj[k] = _interpolate(opt.inter_vec_bargain, xi, si, p, xj, sj, 1 - p)
                made.append((i, j, bi, bj))
            if opt.bargain_model == "PWCompInterp":
                wi = act.capability[i] * act.total_salience[i]
                wj = act.capability[i] * act.total_salience[j]
                (_, _, ai, aj), (_, _, ri, rj) = made
                made = [(i, j, (wi * ai + wj * ri) / (wi + wj), (wi * aj + wj * rj) / (wi + wj))]
            bargains += made
    new = state.x.copy()
    own = [[state.u[a][a][b] for b in range(n)] for a in range(n)]
    cap = list(act.capability)
    for k in range(n):
        queue = [b for b in bargains if k in (b[0], b[1])]
        if not queue:
            continue
        util = []
        for a in range(n):
            row = [sum(own[a]) / n]
            for bi_, bj_, pos_i, pos_j in queue:
                total = state.pos_util(a, pos_i, bi_) + state.pos_util(a, pos_j, bj_)
                total += sum(own[a][x] for x in range(n) if x not in (bi_, bj_))
                row.append(total / n)
            util.append(row)
        probs = pce(opt.pce_model, opt.victory_prob_model, coalitions(opt.voting_rule, cap, util))
        if opt.state_transitions == "Stochastic" and rng is not None:
            draw = rng.random() * sum(probs)
            pick = int(np.searchsorted(np.cumsum(probs), draw, side="right"))
            pick = min(pick, len(probs) - 1)
        else:
            pick = max(range(len(probs)), key=lambda x: (probs[x], -x))
        if pick > 0:
            bi_, _, pos_i, pos_j = queue[pick - 1]
            new[k] = pos_i if bi_ == k else pos_j
    new = np.where(act.involved, new, 0.0)
    if act.accommodation is None:
        return new, new.copy()
    ideals = np.zeros_like(new)
    acc = act.accommodation
    for i in range(n):
        for k in range(m):
            total = (1.0 - min(1.0, acc[i].sum())) * state.ideals[i, k]
            for j in range(n):
                total += acc[i, j] * (new[j, k] if act.involved[j, k] else state.ideals[i, k])
            ideals[i, k] = total if act.involved[i, k] else 0.0
    return new, ideals


def outcome(state: LoopState) -> Outcome:
    """[``SMPState::pDist``] with KTAB's greedy grouping of close positions."""
    act, n = state.actors, state.actors.n
    x = np.where(act.involved, state.x, -10.0)
    options: list[int] = []
    for i in range(n):
        if not any(np.linalg.norm(x[i] - x[o]) < POSITION_TOLERANCE for o in options):
            options.append(i)
    util = [[state.u[a][a][o] for o in options] for a in range(n)]
    p = pce(
        state.opt.pce_model,
        state.opt.victory_prob_model,
        coalitions(state.opt.voting_rule, list(act.capability), util),
    )
    last = [
        max(k for k, o in enumerate(options) if np.linalg.norm(x[i] - x[o]) < POSITION_TOLERANCE)
        for i in range(n)
    ]
    return Outcome(np.array(options), np.array(p), np.array(last))


def simulate(
    positions: FloatArray, actors: Actors, opt: Options, max_turns: int = 100, seed: int = 0
) -> History:
    """[``Model::run``] with KTAB's stopping rule, loop by loop."""
    rng = np.random.default_rng(seed) if opt.state_transitions == "Stochastic" else None
    x = np.where(actors.involved, positions, 0.0)
    hist = History(positions=[x], ideals=[x.copy()])
    state = LoopState(x, x.copy(), actors, opt)
    hist.initial_risk = np.array(state.r)
    first = 0.0
    for t in range(1, max_turns + 1):
        new, ideals = step(state, rng)
        change = sum(
            math.sqrt(sum((new[i, k] - state.x[i, k]) ** 2 for k in range(new.shape[1])))
            for i in range(actors.n)
        )
        hist.positions.append(new)
        hist.ideals.append(ideals)
        if t == 1:
            first = change + MIN_FIRST_CHANGE
        hist.ratios.append(change / first)
        state = LoopState(new, ideals, actors, opt)
        hist.converged = t >= 2 and change / first < 0.02
        if hist.converged:
            break
    hist.final = outcome(state)
    return hist
