"""The turn of KTAB's SMP over arrays (``SMPState::stepBCN``), and the run.

A turn [``SMPState::doBCN``]:

1. *Assess* the state [``setAllAUtil``]: distances ``d_ij`` from ideals to
   positions, a risk-neutral PCE among the actors' positions with weights =
   capability, risk attitudes R from its probabilities, and each actor h's
   estimate ``U^h_ij = u(d_ij, r^h_i)`` of every actor's utility.
2. *Challenges* [``bestChallengeUtils``, ``probEduChlg``, ``bestChallenge``]:
   each actor i, in its own eyes (h = i), values challenging each j. With
   strengths ``w = c s`` (capability x total salience) the principals vote
   ``vote(w_i, U_ii - U_ij)`` and ``vote(w_j, U_ji - U_jj)`` into ``C_ij`` and
   ``C_ji`` (each from 1e-10); every third party n first judges the little
   contest ``p_n = (C_i + max(0, v_n)) / (C_i + C_j + |v_n|)`` with ``v_n =
   vote(w_n, U_ni - U_nj)`` [``Actor::vProbLittle``], then votes between
   joining i and joining j with SemiCommit sums (``ik`` beats ``j``:
   ``2 U_ni + U_nn``; ``j`` beats ``ik``: ``3 U_nj``; ``i`` beats ``jk``:
   ``3 U_ni``; ``jk`` beats ``i``: ``2 U_nj + U_nn``)
   [``Actor::thirdPartyVoteSU``]. Then ``P = C_ij / (C_ij + C_ji)`` (always
   linear), ``EU_SQ = U_ii + U_ij``, ``EU_chlg = (1 - s_j) 2 U_ii + s_j (P 2
   U_ii + (1 - P) 2 U_ij)`` with ``s_j`` j's total salience, and i targets
   the j of largest ``EU_chlg - EU_SQ``, if that exceeds 1e-5.
3. *Bargains* [``SMPActor::interpolateBrgn``]: i proposes the interpolation
   of :func:`detente.models.smp.spatial.interpolate_bargain` at its own
   estimate P (InitOnlyInterp); InitRcvrInterp adds the one j proposes,
   PWCompInterp averages the two with weights ``c_i s_i`` and ``c_i s_j``
   (KTAB multiplies both by the initiator's capability). As in KTAB, j
   interpolates at its estimate of i's expected *gain* where its comment
   says probability (``get<1>`` of ``probEduChlg(j, i, i, j)``).
4. *Resolution* [``updateBestBrgnPositions``]: actor k's queue holds its
   status quo and every bargain it sent or received. The utility of a
   bargain to actor a is a's mean utility over all N positions once the
   bargain's two actors have moved; a PCE over the queue (weights =
   capability) picks the bargain, the likeliest (Deterministic) or a draw
   (Stochastic), and k takes its side of it.
5. *Ideals* [``newIdeals``]: ``ideal_i <- sum_j A_ij x_j + (1 - sum_j A_ij)
   ideal_i`` (A = identity unless set, so ideals are positions).

The run stops [``smpStopFn``] after turn t when t reaches the maximum, or
when t >= 2 and ``dist(t-1, t) / (dist(0, 1) + 1e-4) < 0.02``, with
``dist(s, t) = sum_i ||x_i(s) - x_i(t)||``.

The outcome [``SMPState::pDist``]: positions closer than 1e-3 (Euclidean)
are one option, the first actor holding it giving its coordinates; each
actor's utilities for the options under its own risk attitude feed a PCE
(weights = capability). An actor's probability is that of the last option
its position matches [``State::posProb``].

Where KTAB leaves an order to thread timing (the order of bargains in a
queue, which only matters for exact ties), bargains are queued by
initiator, after the status quo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from detente.arrays import FloatArray
from detente.models.smp.challenges import (
    MIN_FIRST_CHANGE,
    POSITION_TOLERANCE,
    Actors,
    Assessment,
    Options,
    assess,
    best_challenges,
    challenge_gains,
    contest_odds,
    receiver_view,
)
from detente.models.smp.elections import (
    coalitions,
    pce,
    scalar_pce,
    workers,
)
from detente.models.smp.spatial import (
    distances,
    interpolate_bargain,
    utility,
)


@dataclass(frozen=True)
class Bargains:
    """Proposed bargains: initiator, receiver and the positions each takes."""

    init: np.ndarray
    rcvr: np.ndarray
    pos_init: FloatArray
    pos_rcvr: FloatArray


def propose(
    view: Assessment,
    actors: Actors,
    opt: Options,
    challenges: tuple[np.ndarray, np.ndarray],
    odds: FloatArray,
) -> Bargains:
    """The bargains the challengers propose, ordered by initiator [``doBCN(i)``]."""
    init, rcvr = challenges
    x, s = view.positions, actors.salience
    p = odds[init, rcvr]
    method = opt.inter_vec_bargain
    bi, bj = interpolate_bargain(method, x[init], s[init], p, x[rcvr], s[rcvr], 1 - p)
    if opt.bargain_model == "InitOnlyInterp":
        return Bargains(init, rcvr, bi, bj)
    # KTAB's receiver interpolates at get<1> of its estimate, which is its estimate of
    # the initiator's expected gain, not of the odds (smpbcn.cpp, doBCN); kept, so that
    # InitRcvrInterp and PWCompInterp give KTAB's answers.
    pj = receiver_view(view, actors, opt, init, rcvr)[1]
    ri, rj = interpolate_bargain(method, x[init], s[init], pj, x[rcvr], s[rcvr], 1 - pj)
    if opt.bargain_model == "InitRcvrInterp":
        both = np.stack([np.arange(init.size)] * 2, axis=1).ravel()
        return Bargains(
            init[both],
            rcvr[both],
            np.stack([bi, ri], axis=1).reshape(-1, x.shape[1]),
            np.stack([bj, rj], axis=1).reshape(-1, x.shape[1]),
        )
    if opt.bargain_model == "PWCompInterp":
        cap = actors.capability[init]
        wi = (cap * actors.total_salience[init])[:, None]
        wj = (cap * actors.total_salience[rcvr])[:, None]
        return Bargains(
            init, rcvr, (wi * bi + wj * ri) / (wi + wj), (wi * bj + wj * rj) / (wi + wj)
        )
    raise ValueError(f"unknown bargain model {opt.bargain_model!r}")


def resolve(
    view: Assessment,
    actors: Actors,
    opt: Options,
    bargains: Bargains,
    rng: np.random.Generator | None,
) -> FloatArray:
    """Each actor's position after its queue of bargains is decided [``updateBestBrgnPositions``].

    Queues of the same length are decided together, as one batch of
    elections; under Stochastic transitions the draws are made in actor
    order from ``rng``.
    """
    n = actors.n
    x = view.positions
    nb = bargains.init.size
    if nb == 0:
        return x.copy()
    own = view.own_utilities(opt.big_r_adjust)
    total = own.sum(axis=1)
    # Utility to every actor a of each bargain's two new positions, with a's own R.
    points = np.concatenate([bargains.pos_init, bargains.pos_rcvr])
    owners = np.concatenate([bargains.init, bargains.rcvr])
    d = distances(view.ideals, points, actors.salience, actors.involved[owners])
    u_new = utility(d, view.risk[:, None])
    rest = total[:, None] - own[:, bargains.init] - own[:, bargains.rcvr]
    # Column 0: the status quo; column m + 1: bargain m.
    u_all = np.concatenate([total[:, None], u_new[:, :nb] + u_new[:, nb:] + rest], axis=1) / n
    # Queue of k: the status quo, then the bargains k sent or received, by initiator.
    member = np.concatenate([bargains.init, bargains.rcvr])
    which = np.concatenate([np.arange(nb), np.arange(nb)])
    order = np.lexsort((which, member))
    member, which = member[order], which[order]
    starts = np.searchsorted(member, np.arange(n + 1))
    sizes = np.diff(starts)
    chosen = np.full(n, -1)  # index into ``which`` of the chosen bargain, -1: status quo
    probs: dict[int, FloatArray] = {}
    for size in np.unique(sizes[sizes > 0]):
        ks = np.flatnonzero(sizes == size)
        cols = starts[ks][:, None] + np.arange(size)[None, :]
        picks = np.concatenate([np.zeros((ks.size, 1), int), which[cols] + 1], axis=1)
        u = np.moveaxis(u_all[:, picks], 0, 1)  # (queues, voters, options)
        p = scalar_pce(actors.capability, u, opt.voting_rule, opt.victory_prob_model, opt.pce_model)
        probs.update(zip(ks.tolist(), p, strict=True))
        if opt.state_transitions != "Stochastic" or rng is None:
            best = np.argmax(p, axis=1)
            chosen[ks] = np.where(best > 0, starts[ks] + best - 1, -1)
    if opt.state_transitions == "Stochastic" and rng is not None:
        for k in sorted(probs):
            row = probs[k]
            pick = int(np.searchsorted(np.cumsum(row), rng.random() * row.sum(), side="right"))
            pick = min(pick, row.size - 1)
            chosen[k] = starts[k] + pick - 1 if pick > 0 else -1
    new = x.copy()
    movers = np.flatnonzero(chosen >= 0)
    m = which[chosen[movers]]
    from_init = bargains.init[m] == movers
    new[movers] = np.where(from_init[:, None], bargains.pos_init[m], bargains.pos_rcvr[m])
    return np.where(actors.involved, new, 0.0)


def adjust_ideals(ideals: FloatArray, positions: FloatArray, actors: Actors) -> FloatArray:
    """``ideal_i <- sum_j A_ij x_j + (1 - sum_j A_ij) ideal_i`` [``SMPState::newIdeals``].

    Where j is not involved in an issue, its pull there is nil (i's ideal
    stands in for j's missing coordinate).
    """
    a = actors.accommodation
    if a is None:
        return positions.copy()
    inv = actors.involved
    pulled = np.where(inv[None, :, :], positions[None, :, :], ideals[:, None, :])
    new = (a[:, :, None] * pulled).sum(axis=1)
    lag = 1.0 - np.minimum(a.sum(axis=1), 1.0)
    return np.where(inv, new + lag[:, None] * ideals, 0.0)


def state_distance(x: FloatArray, y: FloatArray) -> float:
    """``sum_i ||x_i - y_i||`` [``SMPModel::stateDist``]."""
    return float(np.sqrt(((x - y) ** 2).sum(axis=1)).sum())


@dataclass(frozen=True)
class Outcome:
    """The options of a state and their probabilities [``SMPState::pDist``].

    ``options`` holds the index of the first actor at each distinct
    position, ``probability`` each option's probability, ``actor_option``
    the option each actor's position counts for.
    """

    options: np.ndarray
    probability: FloatArray
    actor_option: np.ndarray

    @property
    def actor_probability(self) -> FloatArray:
        return self.probability[self.actor_option]

    @property
    def likeliest(self) -> int:
        """The actor whose position is the most probable option."""
        return int(self.options[int(np.argmax(self.probability))])


def outcome(view: Assessment, actors: Actors, opt: Options) -> Outcome:
    """Probabilities of the distinct positions of a state [``SMPState::pDist``]."""
    x = np.where(actors.involved, view.positions, -10.0)
    close = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)) < POSITION_TOLERANCE
    options: list[int] = []
    for i in range(actors.n):
        if not close[i, options].any():
            options.append(i)
    opts = np.array(options)
    # posProb takes the last option a position matches.
    matches = close[:, opts]
    last = opts.size - 1 - np.argmax(matches[:, ::-1], axis=1)
    own = view.own_utilities(opt.big_r_adjust)
    c = coalitions(opt.voting_rule, actors.capability, own[:, opts], workers(opts.size))
    return Outcome(opts, pce(opt.pce_model, opt.victory_prob_model, c), last)


@dataclass
class History:
    """A run: positions (and ideals) after each turn, and how it stopped."""

    positions: list[FloatArray]
    ideals: list[FloatArray]
    ratios: list[float] = field(default_factory=list)
    converged: bool = False
    initial_risk: FloatArray | None = None
    final: Outcome | None = None

    @property
    def turns(self) -> int:
        return len(self.positions) - 1


def step(
    positions: FloatArray,
    ideals: FloatArray,
    actors: Actors,
    opt: Options,
    rng: np.random.Generator | None,
    view: Assessment | None = None,
) -> tuple[FloatArray, FloatArray]:
    """One turn [``SMPState::stepBCN``]: returns the new positions and ideals."""
    view = view or assess(positions, ideals, actors, opt)
    odds, gain = challenge_gains(view, actors, opt)
    bargains = propose(view, actors, opt, best_challenges(gain), odds)
    new = resolve(view, actors, opt, bargains, rng)
    return new, adjust_ideals(ideals, new, actors)


def simulate(
    positions: FloatArray,
    actors: Actors,
    opt: Options,
    max_turns: int = 100,
    min_turns: int = 2,
    stop_ratio: float = 0.02,
    exact_turns: int | None = None,
    seed: int = 0,
    shocks: Callable[[int], FloatArray] | None = None,
    hold: int = 0,
) -> History:
    """Run turns until KTAB's stopping rule (or exactly ``exact_turns``) [``Model::run``].

    ``shocks(t)``, when given, is the capability in force in turn t
    (:meth:`detente.arrays.ScenarioArrays.capability_at`); it replaces the
    actors' before that turn. No run stops before turn ``hold`` (the last
    shock's), so every shock is felt.
    """
    rng = np.random.default_rng(seed) if opt.state_transitions == "Stochastic" else None
    x = np.where(actors.involved, positions, 0.0)
    hist = History(positions=[x], ideals=[x.copy()])
    view = assess(x, x, actors, opt)
    hist.initial_risk = view.risk
    limit = exact_turns if exact_turns is not None else max_turns
    first = 0.0
    for t in range(1, limit + 1):
        if shocks is not None and not np.array_equal(shocks(t), actors.capability):
            actors = replace(actors, capability=shocks(t))
            view = assess(hist.positions[-1], hist.ideals[-1], actors, opt)
        new, ideals = step(hist.positions[-1], hist.ideals[-1], actors, opt, rng, view)
        change = state_distance(hist.positions[-1], new)
        hist.positions.append(new)
        hist.ideals.append(ideals)
        if t == 1:
            first = change + MIN_FIRST_CHANGE
        ratio = change / first
        hist.ratios.append(ratio)
        view = assess(new, ideals, actors, opt)
        quiet = t >= min_turns and ratio < stop_ratio and t >= hold
        hist.converged = quiet
        if quiet and exact_turns is None:
            break
    hist.final = outcome(view, actors, opt)
    return hist


__all__ = [
    "Actors",
    "Assessment",
    "Bargains",
    "History",
    "Options",
    "Outcome",
    "adjust_ideals",
    "assess",
    "best_challenges",
    "challenge_gains",
    "contest_odds",
    "outcome",
    "propose",
    "receiver_view",
    "resolve",
    "simulate",
    "step",
]
