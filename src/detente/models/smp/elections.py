"""Probabilistic Condorcet elections: votes, coalitions, victory odds, PCE.

This is the election layer of KTAB's ``kmodel`` library (``kmodel.cpp``),
written over arrays. Every function works on whole matrices of options and
voters; names in brackets are the KTAB functions each one reproduces.

- :func:`vote` [``Model::vote``]: actor k's vote between options i and j
  from its utilities, ``v = w_k f(u_ki - u_kj)`` with the rule ``f`` one of
  Binary (``clip(du / 1e-8, -1, 1)``), PropBin (``0.8 du + 0.2 bin``), Prop
  (``du``), PropCbc (``0.5 du + 0.5 du^3``), Cubic (``du^3``) or ASymProsp
  (``du`` against, ``2/3 du`` for).
- :func:`coalitions` [``Model::coalitions``]: ``C_ij = 1e-8 + sum_k
  max(0, v_k(i:j))``, the strength of the coalition for i against j.
- :func:`victory_probabilities` [``Model::vProb``]: ``pv_ij = x_ij / (x_ij
  + x_ji)`` with ``x = C`` (Linear), ``C^2``, ``C^4``, ``C^8``, or the
  Binary law (certain at a 10% lead, linear in between); ``pv_ii = 1/2``.
- :func:`pce` [``Model::probCE2``]: the outcome distribution over options.
  Conditional [``condPCE``]: ``P_i ∝ prod_j pv_ij`` (the chance that i beats
  every other option, given that one option does). MarkovUniform
  [``markovUniformPCE``]: the fixed point of ``p_i = (1/N) sum_j pv_ij (p_i
  + p_j)``. MarkovIncentive [``markovIncentivePCE``]: a Markov chain whose
  challenges to the current favourite j come from i with probability
  proportional to ``C_ij pv_ij``. Both Markov forms damp each step
  ``p <- (p + q) / 2``, as KTAB does.
- :func:`scalar_pce` [``Model::scalarPCE``]: votes -> coalitions -> PCE.

Conditional PCE is computed in logarithms, so that products of hundreds of
probabilities do not underflow (KTAB multiplies directly and stops at 250
actors); the result is the same to rounding.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, TypeVar

import numpy as np

from detente.arrays import FloatArray

VotingRule = Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"]
VictoryModel = Literal["Linear", "Square", "Quartic", "Octic", "Binary"]
PCEModel = Literal["Conditional", "MarkovIncentive", "MarkovUniform"]

VOTING_RULES: tuple[str, ...] = ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp")
VICTORY_MODELS: tuple[str, ...] = ("Linear", "Square", "Quartic", "Octic", "Binary")
PCE_MODELS: tuple[str, ...] = ("Conditional", "MarkovIncentive", "MarkovUniform")

#: KTAB's floor on a coalition's strength, so that no contest is 0 against 0.
MIN_COALITION = 1e-8
#: Step below which a binary vote is proportional rather than all-or-nothing.
BINARY_STEP = 1e-8
#: A 10% lead in strength wins for certain under the Binary victory law.
BINARY_THRESHOLD = 1.10
#: Markov PCE iterations KTAB allows before it gives up.
MARKOV_MAX_ITER = 1000
#: Element budget of one block of the (voters x options x options) arrays.
BLOCK_ELEMENTS = 1 << 18
#: Actors from which the n^3 work runs on several threads.
PARALLEL_FROM = 96
#: Most threads used.
MAX_WORKERS = 8

T = TypeVar("T")


def vote(rule: str, w: FloatArray | float, du: FloatArray) -> FloatArray:
    """Votes of weight ``w`` given utility differences ``du = u_i - u_j`` [``Model::vote``].

    >>> float(vote("Prop", 2.0, np.array(0.25)))
    0.5
    >>> float(vote("ASymProsp", 3.0, np.array(0.5)))
    1.0
    """
    if rule == "Prop":
        return w * du
    if rule == "Binary":
        return w * np.clip(du / BINARY_STEP, -1.0, 1.0)
    if rule == "PropBin":
        return w * (0.8 * du + 0.2 * np.clip(du / BINARY_STEP, -1.0, 1.0))
    if rule == "PropCbc":
        return w * (0.5 * du + 0.5 * (du * du * du))
    if rule == "Cubic":
        return w * (du * du * du)
    if rule == "ASymProsp":
        return np.where(du < 0, w * du, np.where(du > 0, (2.0 * w * du) / 3.0, 0.0))
    raise ValueError(f"unknown voting rule {rule!r}")


def workers(n: int) -> int:
    """Threads for elections or turns over ``n`` actors: one for small runs, else every core.

    NumPy releases the GIL inside its loops, so blocks of n^3 work run in
    parallel; each block writes its own slice, so results do not depend on
    the number of threads.
    """
    if n < PARALLEL_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def in_blocks(tasks: Sequence[T], run: Callable[[T], None], threads: int) -> None:
    """Run ``run(task)`` for every task, on ``threads`` threads."""
    if threads <= 1:
        for task in tasks:
            run(task)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in pool.map(run, tasks):
            pass


def coalitions(rule: str, w: FloatArray, u: FloatArray, threads: int = 1) -> FloatArray:
    """``C_ij = 1e-8 + sum_k max(0, v_k(i:j))`` over voters k [``Model::coalitions``].

    ``w`` holds the voters' weights ``(n_voters,)`` and ``u`` their utilities
    for the options ``(..., n_voters, n_options)`` (leading axes: separate
    elections with the same voters). KTAB fills the lower triangle (i > j)
    from ``v_k(i:j)``, giving the positive votes to i and the negative ones
    to j; every rule but ASymProsp is antisymmetric, so the upper triangle is
    the same sum with i and j exchanged. Options are taken in blocks (on
    ``threads`` threads) so that memory stays bounded.

    >>> c = coalitions("Prop", np.array([1.0, 2.0]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> np.round(c, 6).tolist()
    [[0.0, 1.0], [2.0, 0.0]]
    """
    *batch, n_voters, n_opt = u.shape
    out = np.empty((*batch, n_opt, n_opt))
    against = np.empty_like(out) if rule == "ASymProsp" else None
    size = max(1, math.prod(batch) * n_voters * n_opt)
    block = max(1, BLOCK_ELEMENTS // size)

    def fill(start: int) -> None:
        stop = min(n_opt, start + block)
        # du[..., k, i, j] = u_ki - u_kj for the options i of this block.
        du = u[..., :, start:stop, None] - u[..., :, None, :]
        if rule == "Prop":
            np.maximum(du, 0.0, out=du)
            out[..., start:stop, :] = np.einsum("k,...kij->...ij", w, du)
            return
        v = vote(rule, w[:, None, None], du)
        out[..., start:stop, :] = np.maximum(v, 0.0).sum(axis=-3)
        if against is not None:
            against[..., start:stop, :] = np.maximum(-v, 0.0).sum(axis=-3)

    in_blocks(range(0, n_opt, block), fill, threads)
    out += MIN_COALITION
    if against is not None:
        # Upper triangle: C_ij (i < j) holds the votes against j in v_k(j:i).
        upper = np.triu(np.ones((n_opt, n_opt), dtype=bool), 1)
        out = np.where(upper, np.swapaxes(against, -1, -2) + MIN_COALITION, out)
    diag = np.arange(n_opt)
    out[..., diag, diag] = MIN_COALITION
    return out


def _victory_weights(model: str, s1: FloatArray, s2: FloatArray) -> tuple[FloatArray, FloatArray]:
    """KTAB's ``(x1, x2)`` for strengths ``s1`` against ``s2`` [``Model::vProb``]."""
    if model == "Linear":
        return s1, s2
    if model == "Square":
        return s1 * s1, s2 * s2
    if model == "Quartic":
        q1, q2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
        return q1, q2
    if model == "Octic":
        q1, q2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
        return q1 * q1, q2 * q2
    if model == "Binary":
        t = BINARY_THRESHOLD
        r12 = s1 / (s1 + s2)
        p12 = (r12 * (t + 1.0) - 1.0) / (t - 1.0)
        win1, win2 = s1 >= t * s2, s2 >= t * s1
        x1 = np.where(win1, 1.0, np.where(win2, 1e-6, p12))
        x2 = np.where(win1, 1e-6, np.where(win2, 1.0, 1.0 - p12))
        return x1, x2
    raise ValueError(f"unknown victory probability model {model!r}")


def victory_probabilities(model: str, c: FloatArray) -> FloatArray:
    """``pv_ij``, the chance that option i beats option j, from coalitions ``c``.

    KTAB computes each pair once (i > j) and gives ``x1 / (x1 + x2)`` to i and
    ``x2 / (x1 + x2)`` to j; the same is done here for whole matrices
    ``(..., n, n)``.

    >>> victory_probabilities("Linear", np.array([[1e-8, 1.0], [3.0, 1e-8]])).tolist()
    [[0.5, 0.25], [0.75, 0.5]]
    """
    x1, x2 = _victory_weights(model, c, np.swapaxes(c, -1, -2))
    lower = x1 / (x1 + x2)
    upper = x2 / (x1 + x2)
    n = c.shape[-1]
    pv = np.where(np.tri(n, k=-1, dtype=bool), lower, np.swapaxes(upper, -1, -2))
    diag = np.arange(n)
    pv[..., diag, diag] = 0.5
    return pv


def conditional_pce(pv: FloatArray) -> FloatArray:
    """``P_i ∝ prod_j pv_ij`` [``Model::condPCE``], summed in logarithms.

    >>> np.round(conditional_pce(np.array([[0.5, 0.75], [0.25, 0.5]])), 12).tolist()
    [0.75, 0.25]
    """
    logp = np.log(pv).sum(axis=-1)
    p = np.exp(logp - logp.max(axis=-1, keepdims=True))
    return p / p.sum(axis=-1, keepdims=True)


def markov_uniform_pce(pv: FloatArray) -> FloatArray:
    """Fixed point of ``p_i = (1/N) sum_j pv_ij (p_i + p_j)`` [``markovUniformPCE``]."""
    n = pv.shape[0]
    p = np.full(n, 1.0 / n)
    row = pv.sum(axis=1)
    for _ in range(MARKOV_MAX_ITER):
        q = (row * p + pv @ p) / n
        change = np.abs(q - p).max()
        p = (p + q) / 2.0
        if change <= 1e-6:
            break
    return p


def markov_incentive_pce(c: FloatArray, pv: FloatArray) -> FloatArray:
    """Markov PCE with challenges in proportion to ``C_ij pv_ij`` [``markovIncentivePCE``].

    See KTAB's ``kmodel/doc/markov-incentives.tex``: the favourite j is
    challenged by i with probability ``n_ij / sum_k n_kj``, ``n_ij = C_ij
    pv_ij`` (plus 1e-10 on the diagonal so that an unchallenged favourite
    challenges itself), and i then wins with ``pv_ij``.
    """
    n = c.shape[0]
    incentive = c * pv
    incentive[np.diag_indices(n)] += 1e-10
    challenge = incentive / incentive.sum(axis=0, keepdims=True)
    p = np.full(n, 1.0 / n)
    for _ in range(MARKOV_MAX_ITER):
        # ct_ij = p_i * P[j challenges i]; q_i = sum_j pv_ij (ct_ij + ct_ji).
        ct = p[:, None] * challenge.T
        q = (pv * (ct + ct.T)).sum(axis=1)
        change = np.abs(q - p).max()
        p = (p + q) / 2.0
        if change <= 1e-8:
            break
    return p


def pce(model: str, victory: str, c: FloatArray) -> FloatArray:
    """Outcome probabilities of the options whose coalitions are ``c`` [``probCE2``].

    ``c`` is ``(..., n, n)``; the result ``(..., n)``.
    """
    pv = victory_probabilities(victory, c)
    if model == "Conditional":
        return conditional_pce(pv)
    if model not in ("MarkovUniform", "MarkovIncentive"):
        raise ValueError(f"unknown PCE model {model!r}")
    flat_c = c.reshape(-1, *c.shape[-2:])
    flat_pv = pv.reshape(flat_c.shape)
    if model == "MarkovUniform":
        out = [markov_uniform_pce(p) for p in flat_pv]
    else:
        out = [markov_incentive_pce(x, p) for x, p in zip(flat_c, flat_pv, strict=True)]
    return np.array(out).reshape(c.shape[:-1])


def scalar_pce(w: FloatArray, u: FloatArray, rule: str, victory: str, model: str) -> FloatArray:
    """Probabilities of options when voters of weight ``w`` have utilities ``u`` [``scalarPCE``].

    ``u`` is ``(..., n_voters, n_options)``; leading axes are separate
    elections with the same voters.

    Two voters prefer option 0 by 0.5 and one prefers option 1 by 0.5, so
    the coalitions are 1 against 0.5 and option 0 wins with odds 2/3:

    >>> u = np.array([[1.0, 0.5], [1.0, 0.5], [0.5, 1.0]])
    >>> np.round(scalar_pce(np.ones(3), u, "Prop", "Linear", "Conditional"), 6).tolist()
    [0.666667, 0.333333]
    """
    return pce(model, victory, coalitions(rule, w, u))
