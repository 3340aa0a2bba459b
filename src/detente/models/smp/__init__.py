"""KTAB's Spatial Model of Politics (SMP): multi-issue challenges and bargains.

The SMP of the KAPSARC Toolkit for Behavioral Analysis (KTAB; Wise, Lester,
Al-Abdulkarim et al., KAPSARC 2015-2019, MIT licence; ``examples/smp`` of
its sources) treats all issues of a scenario at once. An actor's position is
a vector; its utility for another position falls with the salience-weighted
distance; coalitions decide contests through *probabilistic Condorcet
elections* (PCE). Each turn every actor weighs challenging every other, the
best challenges become bargains, and each actor's queue of bargains is
decided by a PCE among all actors. detente reproduces KTAB's reference runs
(see ``docs/models/smp.md``).

Formulas (KTAB function in brackets; inputs on [0, 1], saliences per issue
with an actor's total ``s_i = sum_k s_ik <= 1``, capability ``c_i``):

- distance [``bvDiff``]: ``d_ij = sqrt(sum_k (s_ik (ideal_ik - x_jk))^2 /
  sum_k s_ik^2)``; utility [``bsUtil``]: ``u = (1 - d)(1 + d R)``.
- votes [``Model::vote``]: ``v_k(i:j) = w_k f(u_ki - u_kj)``, f per
  ``voting_rule``; coalitions [``coalitions``]: ``C_ij = 1e-8 + sum_k max(0,
  v_k(i:j))``; victory [``vProb``]: ``pv_ij = C_ij^a / (C_ij^a + C_ji^a)``
  (a = 1, 2, 4, 8 by ``victory_prob_model``); PCE [``probCE2``]: Conditional
  ``P_i ∝ prod_j pv_ij`` or a Markov chain (``pce_model``).
- risk attitudes [``setAllAUtil``, ``bigRfromProb``]: a PCE over the actors'
  positions with risk-neutral utilities ``1 - d`` and weights ``c``; Mid range
  ``R_i = (3 P_i - P_max - 2 P_min) / (2 (P_max - P_min))``; h's estimate of
  i's attitude [``estNRA``], OneThird: ``(2 R_h + R_i) / 3``.
- challenge [``probEduChlg``]: principals vote with strength ``c s``; each
  third party n votes after judging the little contest ``(C_i + max(0,
  v_n)) / (C_i + C_j + |v_n|)`` [``vProbLittle``] with SemiCommit sums
  [``thirdPartyVoteSU``]; ``P = C_ij / (C_ij + C_ji)``; ``EU_chlg = (1 - s_j)
  2 U_ii + s_j (P 2 U_ii + (1 - P) 2 U_ij)``, ``EU_SQ = U_ii + U_ij``; i
  targets the j of largest gain above 1e-5 [``bestChallenge``].
- bargain [``interpBrgnSnPm``], S2P2: per issue ``(w_i x_i + w_j x_j) / (w_i
  + w_j)``, ``w_i = s_ik^2 P^2``, ``w_j = s_jk^2 (1 - P)^2``, to 4 decimals.
- resolution [``updateBestBrgnPositions``]: PCE over k's queue (status quo +
  its bargains), a bargain's utility to a being a's mean utility over all
  positions after it; Deterministic takes the likeliest.
- stop [``smpStopFn``]: after 100 turns, or from turn 2 once the turn's
  change ``sum_i ||dx_i||`` is below 2% of the first turn's (+1e-4).
- outcome [``pDist``]: PCE over the distinct final positions (closer than
  1e-3 count as one), each actor voting with its own utilities.

Decisions where KTAB has no counterpart:

- Actors off the table, or with no salience at all, hold their positions and
  take no part (KTAB has no such actors). Their probability is null.
- An actor whose saliences sum to more than 1 (detente allows up to 1 per
  issue) has them divided by their sum, with a note.
- An issue on which an actor is not involved adds nothing to distances to
  its position, it keeps no coordinate there in bargains, and it does not
  count towards another actor's ideal there.
- The forecast on each issue is the coordinate of the most probable final
  position; if its holder is not involved in that issue, the next most
  probable position held by an involved actor.
- Several equally good targets: KTAB takes the first, detente challenges
  each (:func:`.dynamics.best_challenges`), so that identical actors are
  treated alike whatever their order.
- Where KTAB leaves an order to thread timing (bargains in a queue) or
  divides by zero (all positions equally likely: everyone risk neutral),
  the choice is documented in :mod:`.dynamics` and :mod:`.spatial`.
- KTAB's quirks are kept so that every option gives KTAB's answers (the
  receiver's bargain under InitRcvrInterp and PWCompInterp; see
  :mod:`.dynamics`).
- Stochastic transitions draw from NumPy's generator seeded with ``seed``;
  KTAB's own draws depend on its threads and cannot be replayed.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from detente.arrays import FloatArray, ScenarioArrays
from detente.errors import ParameterError
from detente.limits import Footprint
from detente.models.base import Model, Outcome, register
from detente.models.smp.dynamics import Actors, History, Options, simulate

#: KTAB's XML ``ModelParameters`` element names and the parameters they set.
KTAB_PARAMETERS: dict[str, str] = {
    "VictoryProbModel": "victory_prob_model",
    "PCEModel": "pce_model",
    "StateTransitions": "state_transitions",
    "VotingRule": "voting_rule",
    "BigRAdjust": "big_r_adjust",
    "BigRRange": "big_r_range",
    "ThirdPartyCommit": "third_party_commit",
    "InterVecBrgn": "inter_vec_bargain",
    "BargnModel": "bargain_model",
}

KTAB_DEFAULTS: dict[str, Any] = {
    "victory_prob_model": "Linear",
    "pce_model": "Conditional",
    "state_transitions": "Deterministic",
    "voting_rule": "Prop",
    "big_r_adjust": "OneThird",
    "big_r_range": "Mid",
    "third_party_commit": "SemiCommit",
    "inter_vec_bargain": "S2P2",
    "bargain_model": "InitOnlyInterp",
}

#: Seconds per turn, and per turn and actor³, on the project's 2-core machine
#: (docs/models/smp.md).
SECONDS_PER_TURN = 3e-4
SECONDS_PER_CUBE = 1e-8


class SMPParams(BaseModel):
    """The SMP's parameters: KTAB's nine model options, the stopping rule, ideals."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    victory_prob_model: Literal["Linear", "Square", "Quartic", "Octic", "Binary"] = "Linear"
    pce_model: Literal["Conditional", "MarkovIncentive", "MarkovUniform"] = "Conditional"
    state_transitions: Literal["Deterministic", "Stochastic"] = "Deterministic"
    voting_rule: Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"] = "Prop"
    big_r_adjust: Literal["None", "OneThird", "Half", "TwoThirds", "Full"] = "OneThird"
    big_r_range: Literal["Min", "Mid", "Max"] = "Mid"
    third_party_commit: Literal["NoCommit", "SemiCommit", "FullCommit"] = "SemiCommit"
    inter_vec_bargain: Literal["S1P1", "S2P2", "S2PMax"] = "S2P2"
    bargain_model: Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"] = "InitOnlyInterp"
    #: Seed of the generator used by Stochastic transitions.
    seed: Annotated[int, Field(ge=0)] = 0
    #: KTAB's stopping rule: at most ``max_turns`` turns; from ``min_turns`` on,
    #: stop once a turn's change is below ``stop_ratio`` of the first turn's.
    max_turns: Annotated[int, Field(ge=1)] = 100
    min_turns: Annotated[int, Field(ge=1)] = 2
    stop_ratio: Annotated[float, Field(ge=0)] = 0.02
    #: Run exactly this many turns, ignoring the stopping rule.
    rounds: Annotated[int | None, Field(ge=1)] = None
    #: KTAB's IdealAdjustment: ``{actor: {reference actor: share}}`` replaces
    #: entries of the identity matrix A in ``ideal <- A x + (1 - sum A) ideal``.
    ideal_adjustment: dict[str, dict[str, float]] | None = None


def _accommodation(
    adjust: dict[str, dict[str, float]], actor_ids: tuple[str, ...], active: np.ndarray
) -> tuple[FloatArray, list[str]]:
    """KTAB's accommodation matrix over the active actors, and notes on what was left out."""
    known = set(actor_ids)
    unknown = sorted(
        {a for a in adjust if a not in known}
        | {b for row in adjust.values() for b in row if b not in known}
    )
    if unknown:
        raise ParameterError(
            f"ideal_adjustment names unknown actors {', '.join(map(repr, unknown))}; "
            f"valid actors: {', '.join(actor_ids)}"
        )
    index = {a: i for i, a in enumerate(np.array(actor_ids)[active])}
    a = np.eye(len(index))
    ignored = []
    for actor, row in adjust.items():
        for ref, share in row.items():
            if not 0.0 <= share <= 1.0:
                raise ParameterError(
                    f"ideal_adjustment[{actor!r}][{ref!r}] = {share} must lie in [0, 1]"
                )
            if actor in index and ref in index:
                a[index[actor], index[ref]] = share
            else:
                ignored.append(f"{actor}->{ref}")
    sums = a.sum(axis=1)
    over = [a_id for a_id, i in index.items() if sums[i] > 1.0 + 1e-10]
    if over:
        raise ParameterError(
            "ideal_adjustment: the shares of "
            + ", ".join(map(repr, over))
            + " sum to more than 1 (an actor's own share is 1 unless set)"
        )
    notes = []
    if ignored:
        notes.append(
            "smp: ideal_adjustment entries involving actors who take no part were "
            "ignored: " + ", ".join(ignored)
        )
    return a, notes


@register
class SpatialModelOfPolitics(Model):
    """KTAB's Spatial Model of Politics (see the module docstring)."""

    name = "smp"
    title = "Spatial model of politics (KTAB)"
    rank = 60
    dynamic = True
    seeded = True
    joint = True
    # As KTAB does, a tie between final positions of equal probability goes to the
    # actor listed first.
    order_invariant = False
    Params = SMPParams
    presets: ClassVar[dict[str, dict[str, Any]]] = {"ktab": dict(KTAB_DEFAULTS)}
    default_preset = "ktab"

    def footprint(self, arrays: ScenarioArrays, params: Any, runs: int = 1) -> Footprint:
        """Each turn is O(n³) in blocks of bounded memory: 0.3 ms plus some
        1e-8 n³ s on the project's 2 cores (9.6 s at 1000 actors); KTAB's stopping
        rule ends after about 30 + n / 10 turns (``docs/models/smp.md``), at most
        ``max_turns`` (or exactly ``rounds``)."""
        n = arrays.n_actors
        turns = params.rounds or min(params.max_turns, 30 + n / 10)
        return Footprint(
            memory=float(8 * 16 * n * n),
            seconds=runs * turns * (SECONDS_PER_TURN + SECONDS_PER_CUBE * float(n) ** 3),
            grows="each turn's work grows as actors³",
        )

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        p: SMPParams = params
        ids = arrays.actor_ids
        salience = np.where(arrays.involved, arrays.salience, 0.0)
        total = salience.sum(axis=1)
        active = arrays.at_table & (total > 0) & (arrays.capability > 0)
        notes: list[str] = []
        warnings: list[str] = []
        idle = [a for a, on in zip(ids, active, strict=True) if not on]
        if idle:
            notes.append(
                "smp: "
                + ", ".join(idle)
                + " take no part (off the table or without salience) and keep their positions"
            )
        heavy = active & (total > 1.0)
        if heavy.any():
            listed = ", ".join(f"{ids[i]} ({total[i]:.2f})" for i in np.flatnonzero(heavy))
            notes.append(
                "smp: saliences summing to more than 1 across issues were divided by "
                f"their sum, as KTAB needs: {listed}"
            )
        scale = np.where(heavy, total, 1.0)
        sal = (salience / scale[:, None])[active]
        accommodation = None
        if p.ideal_adjustment:
            accommodation, extra = _accommodation(p.ideal_adjustment, ids, active)
            notes += extra
        actors = Actors(
            capability=arrays.capability[active],
            salience=sal,
            involved=arrays.involved[active],
            accommodation=accommodation,
        )
        options = Options(**{k: getattr(p, k) for k in KTAB_DEFAULTS})
        hist = simulate(
            np.nan_to_num(arrays.positions[active]),
            actors,
            options,
            max_turns=p.max_turns,
            min_turns=p.min_turns,
            stop_ratio=p.stop_ratio,
            exact_turns=p.rounds,
            seed=p.seed,
            shocks=(lambda t: arrays.capability_at(t)[active]) if arrays.shocks else None,
            hold=max((shock.round for shock in arrays.shocks), default=0),
        )
        rounds = np.repeat(arrays.positions[None, :, :], hist.turns + 1, axis=0)
        moved = np.stack(hist.positions)
        rounds[:, active, :] = np.where(actors.involved[None], moved, np.nan)
        forecast = _forecast(hist, actors)
        final = hist.final
        assert final is not None
        prob = np.full(len(ids), np.nan)
        prob[active] = final.actor_probability
        risk = np.full(len(ids), np.nan)
        risk[active] = hist.initial_risk if hist.initial_risk is not None else np.nan
        last = hist.ratios[-1] if hist.ratios else 0.0
        if p.rounds is None and not hist.converged:
            warnings.append(
                f"smp: positions did not settle within {p.max_turns} turns "
                f"(last change {last:.4f} of the first turn's, target {p.stop_ratio})"
            )
        elif p.rounds is None:
            notes.append(
                f"smp: settled after {hist.turns} turns (change {last:.4f} of the first "
                f"turn's, below {p.stop_ratio})"
            )
        return Outcome(
            forecast=forecast,
            rounds=rounds,
            converged=hist.converged,
            extras={
                "probabilities": _by_actor(ids, prob),
                "risk_attitudes": _by_actor(ids, risk),
            },
            warnings=warnings,
            notes=notes,
        )


def _by_actor(ids: tuple[str, ...], values: FloatArray) -> dict[str, float | None]:
    return {a: None if np.isnan(v) else float(v) for a, v in zip(ids, values, strict=True)}


def _forecast(hist: History, actors: Actors) -> FloatArray:
    """Per issue, the coordinate of the likeliest final position held by an involved actor."""
    final = hist.final
    assert final is not None
    x = hist.positions[-1]
    ranked = final.options[np.argsort(-final.probability, kind="stable")]
    out = np.full(x.shape[1], np.nan)
    for k in range(x.shape[1]):
        holders = ranked[actors.involved[ranked, k]]
        if holders.size:
            out[k] = x[holders[0], k]
    return out


__all__ = ["KTAB_DEFAULTS", "KTAB_PARAMETERS", "SMPParams", "SpatialModelOfPolitics"]
