"""Bueno de Mesquita's expected-utility model of group decisions, made reproducible.

Bueno de Mesquita (1994, "Political forecasting: an expected utility method",
in Bueno de Mesquita & Stokman, eds., *European Community Decision Making*,
Yale UP, ch. 4; 2002, *Predicting Politics*) never published his code.
Scholz, Calbert & Smith (2011, "Unravelling Bueno De Mesquita's group
decision model", *Journal of Theoretical Politics* 23(4): 510-531) wrote the
model down from the published fragments; equation numbers below are theirs.
Issues are independent; on each, only the actors at the table and involved
take part (everyone else keeps its position and neither votes, challenges
nor is challenged).

Notation for one issue: actor i at position x_i with capability c_i,
salience s_i in [0, 1] and weight w_i = c_i s_i; Δ = max x - min x over the
*initial* positions (distances are divided by the range of the positions, not
by the issue's scale); d_ij = |x_i - x_j| / Δ; μ the weighted median (or,
with ``anchor="mean"``, mean) of the current positions; r_i the risk exponent.

Utilities of i, all of the form 2 - 4 (...)^r_i (eqs. 15, 16, 18, 19, 24)::

    U^s_ij  = 2 - 4 (0.5 - 0.5 d_ij)^r_i                          (15) i wins against j
    U^f_ij  = 2 - 4 (0.5 + 0.5 d_ij)^r_i                          (16) i loses
    U^b_ij  = 2 - 4 (0.5 - 0.25 (|x_i - μ| + |x_i - x_j|) / Δ)^r_i  (18) things improve unchallenged
    U^w_ij  = 2 - 4 (0.5 + 0.25 (|x_i - μ| + |x_i - x_j|) / Δ)^r_i  (19) things worsen unchallenged
    U^sq_i  = 2 - 4 (0.5)^r_i                                     (24) status quo

Probability that i beats j (eq. 30), from the votes of every actor k::

    v_k(i, j) = w_k (d_kj^ρ_k - d_ki^ρ_k)         (k votes for i when v_k > 0)
    P_ij = Σ_{k: v_k > 0} v_k(i, j) / N_ij

with ρ_k = 1 as printed (``vote_risk=False``) or ρ_k = r_k, the voter's own
risk exponent (``vote_risk=True``, as Scholz et al.'s code does), and the
normaliser N_ij = Σ_k |v_k(i, j)| (``probability="pair"``, as printed, so that
P_ij + P_ji = 1) or N = Σ_k Σ_a Σ_b |v_k(a, b)| over all triples
(``probability="triples"``, what Scholz et al.'s code does). P_ij = 0 when x_i
= x_j (to 1e-12 Δ: actors that close do not contest each other); with
``"pair"``, P_ij = 1/2 when nobody's vote separates i and j.

Expected utility of i challenging j, as i sees it (eq. 25a), with s_j read as
the probability that j resists, Q the probability that the status quo holds
unchallenged (``q``) and T the probability that an unchallenged change helps
i (``t``, or ``t_rule="eftekhari"``: T = 1 when |x_i - μ| < |x_i - x_j|,
else 0; Eftekhari & Rahimi 2014)::

    E^i(U_ij) = s_j (P_ij U^s_ij + (1 - P_ij) U^f_ij) + (1 - s_j) U^s_ij
                - Q U^sq_i - (1 - Q) (T U^b_ij + (1 - T) U^w_ij)          (25a)

and i's estimate of j's expected utility of challenging i (eq. 25b, with s_i
where the print has the typo s_j; Masad's replication), evaluated with i's
own exponent r_i (``rival_risk="own"``, as printed) or with r_j
(``rival_risk="rival"``)::

    E^i(U_ji) = s_i (P_ji U^s_ji + (1 - P_ji) U^f_ji) + (1 - s_i) U^s_ji
                - Q U^sq - (1 - Q) (T U^b_ji + (1 - T) U^w_ji)            (25b)

Risk exponents (eqs. 32-33, ``risk="actors"``): compute every E with r = 1
(and ρ = 1); the danger to i is S_i = Σ_{j≠i} E^j(U_ji); then::

    R_i = (2 S_i - max_k S_k - min_k S_k) / (max_k S_k - min_k S_k)     (32)
    r_i = (1 - R_i / 3) / (1 + R_i / 3)        in [1/2, 2]               (33)

(R_i = 0 when all dangers are equal). ``risk="neutral"`` keeps r_i = 1.

Offers (Scholz et al. section 6; Bueno de Mesquita 1994, fig. 4.1), from i's
view of each j at another position, with a = E^i(U_ij), b = E^i(U_ji):

    =================  ===============  =====================================
    a, b > 0, a >= b   conflict, i wins  j is to move (seen from j's side)
    a, b > 0, b > a    conflict, i loses i moves to x_j
    a > 0 >= b         i compels j (a >= |b|) or j compromises (a < |b|)
    a < 0 < b, |a| < b compromise        i moves to x_i + (x_j - x_i) |a / b|
    a < 0 < b, |a|>=b  capitulation      i moves to x_j
    a, b <= 0          stalemate         nothing
    =================  ===============  =====================================

(``compromise="weighted"`` moves a compromising i to (|a| x_i + b x_j) /
(|a| + b) instead.) Each actor takes one offer: a lost conflict before a
compromise before a capitulation, and within a kind the one that moves it
least (``offer_choice="least_move"``, as printed); Scholz et al.'s code
instead takes the compromise with the smallest weighted-average position
(|a| x_i + b x_j) / (|a| + b) (``offer_choice="scholz_code"``; it makes
Belgium jump to the low end in round 4 of the emission case). Remaining ties
go to the lowest resulting position. All actors move at once; then the round
starts again from r = 1.

Stopping and forecast: the forecast is the decision rule's position
(``decision_rule``: weighted median, or mean) in the last round. With
``rounds`` set, exactly that many rounds are run (Scholz et al.'s runs
oscillate and never settle). Without it, an issue stops once its forecast
has moved by at most ``tolerance`` (a share of the issue's scale) in
``patience`` consecutive rounds, or once a round moves nobody, or after
``max_rounds``; an issue that stops keeps its positions in later rounds. The
same holds for each Monte Carlo draw separately. The JSON says how each
issue ended (``dynamics``): ``stable`` (the last round moved nobody),
``settled`` (the forecast rested while some actors still moved),
``oscillates`` (unconverged, the forecast turned back at least twice) or
``still moving``.

Computation: a round costs O(n^2 log n), not the O(n^3) of summing every
third party's vote for every pair. On a line, the voters for i against j are
those on i's side of the midpoint m = (x_i + x_j) / 2. With linear votes they
sum to 2 (Φ(m) - Φ(x_i)) (plus W (x_i - m) when i lies right of j), where
Φ(y) = Σ_k w_k (y - x_k)^+ is piecewise linear between the sorted positions;
with ρ_k = r_k each row j keeps the prefix sums of w_k d_jk^ρ_k over the
voters sorted by position, read at the number of voters left of m (binary
search). The triples normaliser sums |g(a) - g(b)| over the pairs of each
voter's sorted distances as Σ_p (2p - n + 1) g_(p). Pairs are handled in
cache-sized blocks of rows, on a few threads for large rounds, and each
block's offers are settled at once, so no n x n matrix is kept unless the
round's details are asked for (:func:`opening_round`).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from detente.arrays import FloatArray, ScenarioArrays
from detente.models.base import Model, Outcome, register
from detente.models.eu.formulas import (
    CAPITULATES,
    COMPELS,
    COMPROMISES,
    IS_CONCEDED,
    KIND_NAMES,
    LOSES_CONFLICT,
    NO_CONTEST,
    STALEMATE,
    WINS_CONFLICT,
    EUParams,
    IntArray,
    Round,
    offer_kinds,
    risk_exponents,
)
from detente.models.eu.rounds import (
    FIRST_ROUND_ACTORS,
    Path,
    _dynamics,
    bargain,
    first_round,
    opening_round,
    simulate,
)


@register
class ExpectedUtility(Model):
    """Bueno de Mesquita's expected-utility model (see the module docstring)."""

    name = "eu"
    title = "Expected utility (Bueno de Mesquita; Scholz et al. 2011)"
    rank = 60
    batched = True
    dynamic = True
    quick_to_calibrate = True
    Params = EUParams
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "bdm": {},
        "scholz2011": {
            "probability": "triples",
            "vote_risk": True,
            "offer_choice": "scholz_code",
        },
    }
    default_preset = "bdm"

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        batched = arrays.positions.ndim == 3
        pos = arrays.positions if batched else arrays.positions[None]
        sal = arrays.salience if batched else arrays.salience[None]
        cap = arrays.capability if batched else arrays.capability[None]
        active = arrays.active
        n_draws, n, m = pos.shape
        paths = []
        last_shock = max((shock.round for shock in arrays.shocks), default=0)
        for k in range(m):
            members = np.flatnonzero(active[:, k])
            x0 = pos[:, members, k]
            c = np.broadcast_to(cap[:, members], x0.shape)

            def shocked(t: int, members: IntArray = members, shape: Any = x0.shape) -> FloatArray:
                now = arrays.capability_at(t)
                return np.broadcast_to((now if batched else now[None])[:, members], shape)

            at = shocked if arrays.shocks else None
            paths.append((members, simulate(x0, sal[:, members, k], c, params, at, last_shock)))
        horizon = max(path.positions.shape[0] for _, path in paths)
        rounds = np.broadcast_to(pos, (horizon, n_draws, n, m)).copy()
        forecast = np.empty((n_draws, m))
        converged = np.empty((n_draws, m), dtype=bool)
        for k, (members, path) in enumerate(paths):
            steps = path.positions
            padded = np.concatenate(
                [steps, np.broadcast_to(steps[-1:], (horizon - steps.shape[0], *steps.shape[1:]))]
            )
            rounds[:, :, members, k] = padded
            forecast[:, k] = path.forecasts[-1]
            converged[:, k] = path.converged
        extras: dict[str, Any] = {"decision_rule": f"weighted {params.decision_rule}"}
        notes: list[str] = []
        ids = arrays.issue_ids
        if batched:
            extras["converged_share"] = dict(zip(ids, converged.mean(axis=0).tolist(), strict=True))
            return Outcome(
                forecast=forecast,
                rounds=rounds,
                converged=bool(converged.all()),
                converged_by_issue=converged,
                extras=extras,
            )
        dynamics = {
            issue: _dynamics(
                path.forecasts[:, 0],
                bool(path.converged[0]),
                bool(path.stable[0]),
                params.tolerance,
            )
            for issue, (_, path) in zip(ids, paths, strict=True)
        }
        extras["rounds_run"] = {
            issue: int(path.rounds_run[0]) for issue, (_, path) in zip(ids, paths, strict=True)
        }
        extras["dynamics"] = dynamics
        extras["first_round_risk"] = {
            ids[k]: {
                arrays.actor_ids[a]: float(r)
                for a, r in zip(members, path.first_risk[0], strict=True)
            }
            for k, (members, path) in enumerate(paths)
            if members.size and not np.isnan(path.first_risk[0]).any()
        }
        for issue, state in dynamics.items():
            if state not in ("stable", "settled"):
                ran = extras["rounds_run"][issue]
                notes.append(
                    f"eu: on issue {issue!r} the forecast {state} after {ran} rounds "
                    "(Scholz et al. 2011 found this model need not converge); the "
                    f"forecast is the weighted {params.decision_rule} of the last round"
                )
        return Outcome(
            forecast=forecast[0],
            rounds=rounds[:, 0],
            converged=bool(converged.all()),
            converged_by_issue=converged[0],
            extras=extras,
            notes=notes,
            detail={"first_round": first_round(arrays, params)},
        )


__all__ = [
    "CAPITULATES",
    "COMPELS",
    "COMPROMISES",
    "FIRST_ROUND_ACTORS",
    "IS_CONCEDED",
    "KIND_NAMES",
    "LOSES_CONFLICT",
    "NO_CONTEST",
    "STALEMATE",
    "WINS_CONFLICT",
    "EUParams",
    "ExpectedUtility",
    "Path",
    "Round",
    "bargain",
    "first_round",
    "offer_kinds",
    "opening_round",
    "risk_exponents",
    "simulate",
]
