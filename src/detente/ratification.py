"""Would a table's deal stick? Veto players, the no-deal point and its cost.

A deal struck at the table must be accepted by every actor whose consent it
needs, seated or not (Tsebelis 2002, *Veto Players*; Putnam 1988,
International Organization 42(3), on ratification). detente scores a
package x for a veto player v against the point where each issue stands if
the talks fail, d, plus v's cost of that failure, c_v >= 0 (Fearon 1995,
International Organization 49(3): costly fighting widens the range of
settlements every side prefers):

    margin_v(x) = sum over v's veto issues k of s_vk (|d_k - p_vk| - |x_k - p_vk|) + c_v

in normalised units (every scale mapped to [0, 1], see :mod:`detente.arrays`,
so the division by ``hi_k - lo_k`` is implicit); v accepts x when
``margin_v(x) >= 0``. It is :mod:`detente.gains` with the no-deal point in
place of the status quo, restricted to the issues v can veto.

When some veto player rejects the table's forecast f, the *nearest
acceptable package* is the x every veto player accepts (each x_k within its
scale) that the table gives up least for, ``sum_k W_k |x_k - f_k|`` with W_k
the seated actors' total capability x salience on issue k. Each acceptance
set is convex and linear once every |.| is split with an auxiliary
variable, so this is a linear programme (HiGHS through
:func:`scipy.optimize.linprog`). It is always feasible: the no-deal point
itself gives every veto player its cost, which is >= 0. Concessions go where
a veto player cares most relative to the table, as exchange would. When
several packages tie, a second stage keeps the first stage's objective
(within 1e-9 relative) as a constraint and takes the package of least
``sum_k (x_k - f_k)^2``: a convex quadratic programme (a separable quadratic
over the first stage's polyhedron), solved by HiGHS's active-set QP solver
(highspy) in 2 to 6 ms of CPU on the flagship, where SLSQP took 8 to 96
(``benchmarks/bench_ratification.py``; the SLSQP version is kept as the
tests' reference, ``tests/reference/ratification_slsqp.py``). Should it not
return a feasible package at least as close, the first stage's answer
stands (that answer is itself optimal, only perhaps not the tie-break's).

Every function takes arrays, never a scenario; the acceptance rule is
vectorised over leading (Monte Carlo draw) axes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.arrays import BoolArray, FloatArray

if TYPE_CHECKING:
    from detente.arrays import ScenarioArrays

#: A veto player accepts when its margin is at least ``-ACCEPT_TOL``: the
#: solver's answers are exact only to about this, and no estimate is finer.
ACCEPT_TOL = 1e-9
#: A veto player's condition binds at a package when its margin is within this of 0.
BINDING_TOL = 1e-6


@dataclass(frozen=True)
class Terms:
    """What veto players judge a package by, normalised.

    ``positions`` and ``salience`` are ``(..., n_actors, n_issues)`` (NaN
    position where an actor is not involved), ``veto`` ``(n_actors,
    n_issues)`` (True where the actor's consent is needed on the issue),
    ``no_deal`` ``(..., n_issues)``, ``cost`` ``(..., n_actors)``: one bundle,
    since every question asked of the veto players (their margins, their
    verdict, the nearest package they all accept) needs all five.
    """

    positions: FloatArray
    salience: FloatArray
    veto: BoolArray
    no_deal: FloatArray
    cost: FloatArray

    @classmethod
    def of(cls, arrays: ScenarioArrays) -> Terms:
        """A scenario's terms: veto players judge by the positions the scenario states,
        not influenced ones."""
        assert arrays.veto is not None
        return cls(arrays.own_positions, arrays.salience, arrays.veto, arrays.no_deal, arrays.cost)

    @property
    def players(self) -> BoolArray:
        """Actors whose consent some issue needs, shape ``(n_actors,)``."""
        return veto_players(self.veto)


def margins(terms: Terms, package: FloatArray) -> FloatArray:
    """Every actor's acceptance margin for ``package``, shape ``(..., n_actors)``.

    ``package`` is ``(..., n_issues)``, normalised. Issues where the package
    or the no-deal point is NaN (no forecast, no reference) are left out of
    the sum. An actor with no veto gets its cost (it has nothing to judge).

    >>> t = Terms(np.array([[0.0]]), np.array([[1.0]]), np.array([[True]]), np.array([0.3]),
    ...           np.array([0.0]))
    >>> margins(t, np.array([0.8]))
    array([-0.5])
    >>> from dataclasses import replace
    >>> margins(replace(t, cost=np.array([0.6])), np.array([0.8]))  # a cost of no deal
    array([0.1])
    """
    x = np.asarray(package, dtype=float)[..., None, :]
    d = np.asarray(terms.no_deal, dtype=float)[..., None, :]
    p = np.asarray(terms.positions, dtype=float)
    delta = np.abs(d - p) - np.abs(x - p)
    counts = np.asarray(terms.veto, dtype=bool) & ~np.isnan(delta)
    per_issue = np.where(counts, np.asarray(terms.salience, dtype=float) * delta, 0.0)
    return per_issue.sum(axis=-1) + np.asarray(terms.cost, dtype=float)


def veto_players(veto: BoolArray) -> BoolArray:
    """Actors whose consent some issue needs, shape ``(n_actors,)``."""
    return np.any(np.asarray(veto, dtype=bool), axis=-1, keepdims=False).astype(bool)


def verdict(terms: Terms, margin: FloatArray) -> BoolArray:
    """Whether each actor accepts a package at which its margin is ``margin``: at least
    ``-ACCEPT_TOL``, or no veto at all."""
    return (np.asarray(margin) >= -ACCEPT_TOL) | ~terms.players


def accepts(terms: Terms, package: FloatArray) -> BoolArray:
    """Whether each actor accepts ``package`` (True for actors with no veto).

    Shapes as in :func:`margins`; the answer is ``(..., n_actors)``, so with a
    leading draw axis it says who accepts in each draw.

    >>> t = Terms(np.array([[0.0], [1.0]]), np.ones((2, 1)), np.array([[True], [False]]),
    ...           np.array([0.3]), np.zeros(2))
    >>> accepts(t, np.array([0.8])).tolist()
    [False, True]
    """
    return verdict(terms, margins(terms, package))


def veto_player_ids(arrays: ScenarioArrays) -> tuple[str, ...]:
    """The ids of the actors whose consent some issue needs, in the scenario's order."""
    if arrays.veto is None:
        return ()
    held = veto_players(arrays.veto).tolist()
    return tuple(a for a, v in zip(arrays.actor_ids, held, strict=True) if v)


def veto_verdicts(arrays: ScenarioArrays, forecast: FloatArray) -> BoolArray | None:
    """Whether each veto player accepts each draw's forecast, ``(D, veto players)``
    (normalised ``forecast`` ``(D, n_issues)``); None when nobody holds a veto. Veto
    players judge by the positions the scenario states, not influenced ones."""
    if not arrays.has_veto:
        return None
    terms = Terms.of(arrays)
    return np.asarray(accepts(terms, forecast)[..., terms.players], dtype=bool)


def acceptance_shares(verdicts: BoolArray, players: tuple[str, ...]) -> dict[str, Any]:
    """Over the draws: the share in which every veto player accepts (the chance the
    table's deal sticks), and each veto player's share; ``simulate``'s JSON."""
    shares = np.asarray(verdicts, dtype=bool)
    return {
        "accepted_share": float(shares.all(axis=1).mean()),
        "accepts_share": dict(zip(players, shares.mean(axis=0).tolist(), strict=True)),
    }


def ratification_tree(arrays: ScenarioArrays, forecast: FloatArray) -> dict[str, Any] | None:
    """``forecast``'s JSON block for a normalised forecast (no draw axis): who of the
    veto players accepts it, whether all do, the nearest acceptable package in the
    scenario's units (the forecast itself when all accept) and the veto players whose
    conditions bind there; None when nobody holds a veto."""
    if not arrays.has_veto:
        return None
    terms = Terms.of(arrays)
    r = ratify(terms, forecast, arrays.weight.sum(axis=-2))
    nearest = arrays.to_scale(r.nearest)
    return {
        "accepts": {
            a: bool(ok)
            for a, ok, held in zip(arrays.actor_ids, r.accepts, terms.players, strict=True)
            if held
        },
        "accepted": r.accepted,
        "nearest": {
            i: None if np.isnan(x) else float(x)
            for i, x in zip(arrays.issue_ids, nearest, strict=True)
        },
        "binding": [a for a, b in zip(arrays.actor_ids, r.binding, strict=True) if b],
    }


@dataclass(frozen=True)
class Ratification:
    """The veto players' verdict on a table's forecast, and the nearest acceptable package.

    ``accepts`` and ``binding`` have one entry per actor (True for actors with
    no veto, and False, respectively); ``nearest`` is normalised, one entry per
    issue (the forecast itself when every veto player accepts it);
    ``margins`` are every actor's margins at the forecast.
    """

    accepts: BoolArray
    accepted: bool
    nearest: FloatArray
    binding: BoolArray
    margins: FloatArray


def ratify(terms: Terms, forecast: FloatArray, table_weight: FloatArray) -> Ratification:
    """Who accepts ``forecast``, and the nearest package every veto player accepts.

    Arrays without a draw axis: ``terms`` as in :class:`Terms`, ``forecast``
    and ``table_weight`` (W_k, the seated actors' total capability x
    salience) ``(n_issues,)``. Binding veto players are those whose margin is
    0 (within :data:`BINDING_TOL`) at the nearest package; none when the
    forecast is accepted.

    >>> t = Terms(np.array([[0.0]]), np.ones((1, 1)), np.array([[True]]), np.array([0.3]),
    ...           np.zeros(1))
    >>> r = ratify(t, np.array([0.8]), np.ones(1))
    >>> bool(r.accepted), round(float(r.nearest[0]), 6), r.binding.tolist()
    (False, 0.3, [True])
    """
    f = np.asarray(forecast, dtype=float)
    at_f = margins(terms, f)
    judged = verdict(terms, at_f)
    if judged.all():
        return Ratification(judged, True, f.copy(), np.zeros_like(terms.players), at_f)
    x = nearest_package(terms, f, table_weight)
    binding = terms.players & (np.abs(margins(terms, x)) <= BINDING_TOL)
    return Ratification(judged, False, x, binding, at_f)


def nearest_package(terms: Terms, forecast: FloatArray, table_weight: FloatArray) -> FloatArray:
    """The acceptable package closest to ``forecast`` (see the module docstring).

    Shapes as in :func:`ratify`. Issues with no forecast stay NaN and are no
    part of the package.
    """
    lp = _LinearProgramme.build(terms, forecast, table_weight)
    out = np.asarray(forecast, dtype=float).copy()
    out[lp.issues] = lp.solve()
    return out


@dataclass(frozen=True)
class _LinearProgramme:
    """min c.z s.t. A z <= b, 0 <= z <= upper, z = (x, u, t): the package x on the
    usable issues, u_k >= |x_k - f_k|, and t_j >= |x_k - y_j| for each distinct point
    j = (k, y_j) some veto player holds (veto players at the same position on an issue
    share one t_j: the same least value, fewer variables)."""

    issues: BoolArray
    target: FloatArray
    c: FloatArray
    a: FloatArray
    b: FloatArray
    upper: FloatArray

    @classmethod
    def build(
        cls, terms: Terms, forecast: FloatArray, table_weight: FloatArray
    ) -> _LinearProgramme:
        f = np.asarray(forecast, dtype=float)
        d = np.asarray(terms.no_deal, dtype=float)
        issues = ~np.isnan(f)
        p = np.asarray(terms.positions, dtype=float)[:, issues]
        s = np.asarray(terms.salience, dtype=float)[:, issues]
        # Veto pairs (v, k) that count: a position, a no-deal point and some salience.
        veto = np.asarray(terms.veto, dtype=bool)[:, issues]
        pairs_v, pairs_k = np.nonzero(veto & ~np.isnan(p) & ~np.isnan(d[issues]) & (s > 0))
        held = np.column_stack([pairs_k, p[pairs_v, pairs_k]])
        points, point_of = np.unique(held, axis=0, return_inverse=True)
        point_of = point_of.reshape(-1)
        m, n_points = int(issues.sum()), len(points)
        players = np.unique(pairs_v)
        rows_a, rows_b = [], []
        eye = np.eye(m)
        # x_k - u_k <= f_k and -x_k - u_k <= -f_k
        rows_a += [np.hstack([eye, -eye, np.zeros((m, n_points))])]
        rows_a += [np.hstack([-eye, -eye, np.zeros((m, n_points))])]
        rows_b += [f[issues], -f[issues]]
        # x_k - t_j <= y_j and -x_k - t_j <= -y_j for each point j = (k, y_j)
        pick = np.zeros((n_points, m))
        pick[np.arange(n_points), points[:, 0].astype(int)] = 1.0
        y = points[:, 1]
        rows_a += [np.hstack([pick, np.zeros((n_points, m)), -np.eye(n_points)])]
        rows_a += [np.hstack([-pick, np.zeros((n_points, m)), -np.eye(n_points)])]
        rows_b += [y, -y]
        # sum_k s_vk t_(k, p_vk) <= c_v + sum_k s_vk |d_k - p_vk| for each veto player v
        weight = s[pairs_v, pairs_k]
        at_d = weight * np.abs(d[issues][pairs_k] - p[pairs_v, pairs_k])
        budget = np.zeros((len(players), 2 * m + n_points))
        rank = np.searchsorted(players, pairs_v)
        np.add.at(budget, (rank, 2 * m + point_of), weight)
        rows_a += [budget]
        rows_b += [
            np.asarray(terms.cost, dtype=float)[players]
            + np.bincount(rank, weights=at_d, minlength=len(players))
        ]
        c = np.concatenate([np.zeros(m), np.asarray(table_weight, dtype=float)[issues]])
        return cls(
            issues=issues,
            target=f[issues],
            c=np.concatenate([c, np.zeros(n_points)]),
            a=np.vstack(rows_a),
            b=np.concatenate(rows_b),
            upper=np.concatenate([np.ones(m), np.full(m + n_points, np.inf)]),
        )

    def solve(self) -> FloatArray:
        """Stage 1 (the table's weighted loss, HiGHS), then stage 2 (the tie-break)."""
        z0, best = self.first_stage()
        return self.tie_break(z0, best)

    def first_stage(self) -> tuple[FloatArray, float]:
        """A package of least weighted loss for the table (HiGHS's simplex), and that loss."""
        from scipy.optimize import linprog

        bounds = np.column_stack([np.zeros_like(self.upper), self.upper])
        first = linprog(
            self.c,
            A_ub=self.a,
            b_ub=self.b,
            bounds=bounds,
            method="highs",
            options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
        )
        if first.status != 0:
            # Unreachable for checked input: the no-deal point is always feasible.
            raise RuntimeError(f"nearest acceptable package: {first.message}")
        return np.asarray(first.x, dtype=float), float(first.fun)

    def face(self, best: float) -> tuple[FloatArray, FloatArray]:
        """The constraints ``a z <= b`` of the packages within 1e-9 (relative) of the least
        loss ``best``: the programme's own, and the loss as one more row."""
        a = np.vstack([self.a, self.c])
        b = np.concatenate([self.b, [best + 1e-9 * max(1.0, abs(best))]])
        return a, b

    def squares(self, z: FloatArray) -> float:
        """The tie-break's objective: the squared distance of the package from the forecast."""
        gap = z[: len(self.target)] - self.target
        return float(gap @ gap)

    def tie_break(self, z0: FloatArray, best: float) -> FloatArray:
        """Among packages within 1e-9 (relative) of the least loss, the closest in squares.

        A convex quadratic programme (a separable quadratic in x over a polyhedron), solved
        by HiGHS's active-set QP solver; the first stage's ``z0`` stands should it not
        return a feasible package at least as close."""
        a, b = self.face(best)
        z = _least_squares(a, b, self.upper, self.target)
        if z is None:
            return z0[: len(self.target)]
        z = np.clip(z, 0.0, self.upper)
        feasible = bool(np.all(a @ z <= b + ACCEPT_TOL))
        closer = self.squares(z) <= self.squares(z0)
        return (z if feasible and closer else z0)[: len(self.target)]


def _least_squares(
    a: FloatArray, b: FloatArray, upper: FloatArray, target: FloatArray
) -> FloatArray | None:
    """min sum_k (z_k - target_k)^2 over the first ``len(target)`` variables, s.t.
    ``a z <= b`` and ``0 <= z <= upper``, by HiGHS's QP solver (which minimises
    ``c.z + z'Qz/2``: Q = 2 on those variables, c = -2 target); None unless it is optimal."""
    import highspy

    m, (rows, n) = len(target), a.shape
    model = highspy.HighsModel()
    lp = model.lp_
    lp.num_col_, lp.num_row_ = n, rows
    lp.col_cost_ = np.concatenate([-2.0 * target, np.zeros(n - m)])
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper)
    lp.row_lower_ = np.full(rows, -highspy.kHighsInf)
    lp.row_upper_ = b
    row, col = np.nonzero(a)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=rows))])
    lp.a_matrix_.index_ = col
    lp.a_matrix_.value_ = a[row, col]
    hessian = model.hessian_
    hessian.dim_ = n
    hessian.format_ = highspy.HessianFormat.kTriangular
    hessian.start_ = np.concatenate([np.arange(m + 1), np.full(n - m, m)])
    hessian.index_ = np.arange(m)
    hessian.value_ = np.full(m, 2.0)
    # The bare solver: highspy.Highs() prints HiGHS's banner on stdout (once a process),
    # which would spoil `--json`; its options are set before anything runs.
    solver = highspy._Highs()  # type: ignore[attr-defined]
    solver.setOptionValue("output_flag", False)
    # HiGHS adds this to the Hessian's diagonal (1e-7 by default), which moves its answer
    # off the constraints by as much; 1e-12 keeps it within the checks below. A bound on
    # the iterations (the problem has tens of variables) stops a degenerate one cycling.
    solver.setOptionValue("qp_regularization_value", 1e-12)
    solver.setOptionValue("qp_iteration_limit", 10_000)
    solver.passModel(model)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(solver.getSolution().col_value, dtype=float)
