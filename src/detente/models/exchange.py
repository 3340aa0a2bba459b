"""Stokman's exchange model: actors trade concessions across issues.

Stokman & Van Oosten (1994, "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman,
eds., *European Community Decision Making*, Yale UP, 105-127) model
collective decisions as vote trading: an actor gives ground on an issue it
cares little about in return for ground on an issue it cares much about, at
the rate that makes both gain equally. Dijkstra, Van Assen & Stokman (2008,
"Outcomes of collective decisions with externalities predicted", *Journal of
Theoretical Politics* 20(4)) refine how exchanges are made one after another
and study the externalities they impose on others; the random exchange rate
(REX) variant comes from the technical report of Dijkstra, Van Assen,
Stokman & Draaijer on the Decide method, which applied the model to the
Copenhagen and Paris climate talks. Below, (E1)-(E9) number this module's
formulas; where the sources leave a choice open, the choice is said
(``docs/models/exchange.md`` lists them). All positions are normalised to
[0, 1] (see :mod:`detente.arrays`).

Actors at the table and involved in issue d have weight w_id = c_i s_id;
everyone else has w_id = 0 and never trades. Each round t keeps two positions
per actor and issue: the actor's preference x_id (what it wants; its utility
is -sum_d s_id |O_d - x_id|) and its voting position y_id (what it says at the
table), which exchanges move. At the start of a round y = x.

(E1) Expected outcome, the compromise model (Van den Bos 1991; Achen 2006)::

    O_d = sum_i w_id y_id / W_d,    W_d = sum_i w_id

(E2) Candidates. For every issue pair (p, q) and actor pair (a, b) with
w > 0 on both issues: a and b can trade when they are on opposite sides of
O on both issues (sign(x_ap - O_p) = -sign(x_bp - O_p) != 0, likewise on q).
An actor at O (within 1e-12) is on neither side.

(E3) Roles. If s_ap / s_aq < s_bp / s_bq, then a cares relatively less about
p: a (called i below) supplies p, moving its voting position on p toward b's
preference, and demands q; b (called j) supplies q and demands p. Equal
ratios leave nothing to gain: no exchange.

(E4) Shifts and gains. Moving y_ip by Δ shifts O_p by w_ip |Δ| / W_p. With
ΔO_p and ΔO_q the outcome shifts (toward j on p, toward i on q)::

    G_i = s_iq ΔO_q - s_ip ΔO_p,      G_j = s_jp ΔO_p - s_jq ΔO_q

These are exact changes of utility, because i's preference on p lies on the
side O_p moves away from and the caps (E6) stop O at the demander's
preference.

(E5) Equal gain (Stokman & Van Oosten 1994). G_i = G_j gives the exchange
rate ΔO_q = ρ ΔO_p with ρ = (s_ip + s_jp) / (s_iq + s_jq), and the gain::

    G = ΔO_p (s_iq s_jp - s_ip s_jq) / (s_iq + s_jq)   (> 0 by E3)

(E6) Caps (as in the Decide method). Nobody moves past the other's position:
i moves y_ip at most to x_jp, and the outcome does not pass the demander's
preference. Since both bounds lie on the scale, no move leaves [0, 1]::

    ΔO_p <= A = min(w_ip |x_jp - y_ip| / W_p, |x_jp - O_p|)
    ΔO_q <= B = min(w_jq |x_iq - y_jq| / W_q, |x_iq - O_q|)

so ΔO_p = min(A, B / ρ), the largest exchange at the equal-gain rate. Within
a round a voting position moves in one direction only: an actor whose
voting position on an issue has moved one way may not supply that issue
the other way (nor move back beyond its partner).

(E7) Realisation. The exchange with the largest gain G is made first (ties:
the lowest issue pair, then actor pair, in the order of the ids). It moves
the outcomes of its two issues, so every candidate on an issue pair that
shares an issue with it is recomputed (E2-E6), gaining, losing or keeping
its exchange; the others are unaffected. Every exchange is thus exact when
it is made, as if all candidates were recomputed after each (the loop
transcription in the tests does just that); :class:`_Market` says how this
is done cheaply. A candidate made once is not made again in the same round.
The round ends when no candidate with a gain above 1e-12 is left. Round t's
forecast is O of the voting positions then, ``rounds[t]``.

(E8) Internalisation between rounds (the Decide method's rule and
constants): actors come to hold part of what they voted for, those that
care less more so::

    x_id <- x_id + α_id (y_id - x_id),    α_id = κ + λ (1 - s_id)

with λ = ``salience_weight`` (0.4) and κ = ``fixed_weight`` (0.1); the next
round starts from y = x. Actors that made no exchange have y = x and stay.
Capability shocks (:meth:`detente.arrays.ScenarioArrays.weight_at`) change
w_id from the round they name.

(E9) Random exchange rates (REX). The equal-gain point lies on the frontier
of the box 0 <= ΔO_p <= A, 0 <= ΔO_q <= B, along which G_i rises as G_j
falls. With draws u, v, z ~ U(0, 1), u < 1/2 picks i (else j) as the actor
whose gain varies; it wins (v < 1/2) G = G_eg + p z (G_max - G_eg), where
G_max is its gain where the partner's gain is 0, or loses (v >= 1/2)
G = G_eg - p z G_eg. The exchange is the frontier point with that gain.
p = 0 is equal gain; p = 1 lets one side take anything from nothing to all
the surplus. The order of realisation stays that of the equal gains; runs
are repeated ``repetitions`` times from independent streams of ``seed``
and averaged.

Externalities of an exchange for an actor k not part of it (off the table
included), with O before and after the exchange::

    e_k = sum_{d in {p, q}} s_kd (|O_d - x_kd| - |O'_d - x_kd|)

summed over all exchanges of all rounds into positive and negative parts.
Between rounds the outcome falls back part of the way (E8), so these sums
can exceed the net change from the first outcome to the last.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from detente.arrays import FloatArray, ScenarioArrays
from detente.limits import Footprint
from detente.models.base import Model, Outcome, register
from detente.models.exchange_market import (
    GAIN_TOL,
    Exchange,
    ExchangeRun,
    exchange_process,
    rex_split,
    side,
)

#: Bytes per candidate slot (issue pair x n x n) that a market keeps: six float
#: terms, the gain and two flags (:class:`_Market`).
SLOT_BYTES = 58
#: The same for one draw run side by side with others, temporaries included
#: (:mod:`detente.models.exchange_draws`: 15 arrays over issue pairs x n(n-1)/2).
DRAW_SLOT_BYTES = 110
#: Exchanges made per round, per actor and issue, and the CPU seconds of one
#: exchange: a fixed cost plus the gains of (2m - 3) issue pairs x n² actor pairs
#: recomputed (seeded random scenarios, 20-200 actors x 5-20 issues, on the
#: project's 2-core machine shared with other work).
EXCHANGES_PER_ACTOR_ISSUE = 1.3
SECONDS_PER_EXCHANGE = 5e-4
SECONDS_PER_UPDATE = 2.5e-8
#: Draws run side by side recompute all C(m, 2) x n(n-1)/2 candidates at every
#: exchange, at about this many seconds each (docs/models/exchange.md, third table).
SECONDS_PER_CANDIDATE = 5e-8


class ExchangeParams(BaseModel):
    """Parameters of the exchange model (E8, E9)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rounds: int = Field(10, ge=1, description="rounds of exchange")
    p: float = Field(0.0, ge=0.0, le=1.0, description="REX randomness; 0 = equal gain")
    repetitions: int = Field(100, ge=1, description="REX runs averaged (p > 0 only)")
    seed: int = Field(0, ge=0, description="seed of the REX draws")
    salience_weight: float = Field(0.4, ge=0.0, le=1.0, description="λ of E8")
    fixed_weight: float = Field(0.1, ge=0.0, le=1.0, description="κ of E8")

    @field_validator("fixed_weight")
    @classmethod
    def _shift_is_a_share(cls, value: float, info: ValidationInfo) -> float:
        lam = info.data.get("salience_weight", 0.0)
        if lam + value > 1.0:
            raise ValueError(f"salience_weight + fixed_weight must be at most 1 ({lam} + {value})")
        return value


@register
class ExchangeModel(Model):
    """Stokman's exchange model (see the module docstring)."""

    name = "exchange"
    title = "Exchange model (Stokman)"
    rank = 60
    batched = True
    dynamic = True
    seeded = True
    joint = True
    Params = ExchangeParams
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "equal-gain": {},
        "rex": {"p": 0.5, "repetitions": 100},
    }
    default_preset = "equal-gain"

    def applies(self, arrays: ScenarioArrays) -> str | None:
        if arrays.n_issues < 2:
            return (
                "the exchange model trades concessions across issues and needs at least "
                f"two (this scenario has {arrays.n_issues})"
            )
        return None

    def footprint(self, arrays: ScenarioArrays, params: Any, runs: int = 1) -> Footprint:
        """Candidate slots C(m, 2) x n² in memory; n m exchanges a round, each
        recomputing (2m - 3) n² gains (see the constants above)."""
        n, m = arrays.n_actors, arrays.n_issues
        pairs = m * (m - 1) // 2
        rounds = params.rounds * (params.repetitions if params.p > 0 else 1)
        per_exchange = SECONDS_PER_EXCHANGE + SECONDS_PER_UPDATE * max(2 * m - 3, 1) * n * n
        side_by_side = runs > 1 and params.p == 0
        if side_by_side:
            per_exchange = SECONDS_PER_CANDIDATE * pairs * n * (n - 1) / 2
        return Footprint(
            memory=(DRAW_SLOT_BYTES if side_by_side else SLOT_BYTES) * pairs * n * n,
            seconds=runs * rounds * EXCHANGES_PER_ACTOR_ISSUE * n * m * per_exchange,
            grows="its candidate exchanges are issue pairs x actor pairs",
        )

    def run(self, arrays: ScenarioArrays, params: Any) -> Outcome:
        # Work in the order of the ids, so that listing order changes nothing.
        ra = np.argsort(np.array(arrays.actor_ids), kind="stable")
        ri = np.argsort(np.array(arrays.issue_ids), kind="stable")
        x = arrays.positions[..., ra, :][..., ri]
        s = arrays.salience[..., ra, :][..., ri]
        # Capability shocks (E1 with the weights in force in each round).
        if arrays.shocks:
            by_round = [arrays.weight_at(t) for t in range(1, params.rounds + 1)]
            w = np.stack([wt[..., ra, :][..., ri] for wt in by_round])
        else:
            w = arrays.weight[..., ra, :][..., ri]
        if arrays.positions.ndim == 3:
            return self._run_draws(arrays, params, x, s, w, np.argsort(ra), np.argsort(ri))
        common = {
            "rounds": params.rounds,
            "p": params.p,
            "salience_weight": params.salience_weight,
            "fixed_weight": params.fixed_weight,
        }
        if params.p > 0:
            streams = np.random.SeedSequence(params.seed).spawn(params.repetitions)
            runs = [
                exchange_process(x, s, w, rng=np.random.default_rng(st), **common) for st in streams
            ]
        else:
            runs = [exchange_process(x, s, w, **common)]
        first = runs[0]
        back_a, back_i = np.argsort(ra), np.argsort(ri)
        voting = np.mean([r.rounds for r in runs], axis=0)[:, back_a][:, :, back_i]
        ext = np.mean([r.externalities for r in runs], axis=0)[:, back_a]
        converged = all(r.converged for r in runs)
        forecast = np.mean([r.forecasts[-1] for r in runs], axis=0)[back_i]
        exchanges = [_exchange_json(e, arrays, ra, ri) for e in first.exchanges]
        extras: dict[str, Any] = {
            "exchanges": exchanges,
            "exchanges_per_round": first.counts,
            "externalities": {
                actor: {
                    "positive": float(ext[0, a]),
                    "negative": float(ext[1, a]),
                    "net": float(ext[0, a] + ext[1, a]),
                }
                for a, actor in enumerate(arrays.actor_ids)
            },
        }
        if params.p > 0:
            extras["converged_share"] = float(np.mean([r.converged for r in runs]))
        notes = _notes(first, exchanges, arrays, params)
        return Outcome(
            forecast=forecast, rounds=voting, converged=converged, extras=extras, notes=notes
        )

    def _run_draws(
        self,
        arrays: ScenarioArrays,
        params: Any,
        x: FloatArray,
        s: FloatArray,
        w: FloatArray,
        back_a: np.ndarray,
        back_i: np.ndarray,
    ) -> Outcome:
        """Monte Carlo draws (a leading draw axis): forecasts and convergence per draw.

        Equal gain runs all draws at once (:mod:`detente.models.exchange_draws`,
        the same numbers as draw by draw); REX draws its exchange rates draw by
        draw, each from ``seed`` as a single run does.
        """
        # Imported here: that module builds on this one's rules (side, GAIN_TOL).
        from detente.models.exchange_draws import equal_gain_over_draws

        if params.p == 0:
            runs = equal_gain_over_draws(
                x, s, w, params.rounds, params.salience_weight, params.fixed_weight
            )
            return Outcome(
                forecast=runs.forecasts[-1][:, back_i],
                rounds=runs.rounds[..., back_a, :][..., back_i],
                converged=runs.converged,
            )
        outs = [
            self.run(
                arrays.with_values(
                    positions=arrays.positions[d],
                    salience=arrays.salience[d],
                    capability=arrays.capability[d],
                ),
                params,
            )
            for d in range(arrays.positions.shape[0])
        ]
        return Outcome(
            forecast=np.stack([o.forecast for o in outs]),
            rounds=np.stack([o.rounds for o in outs if o.rounds is not None], axis=1),
            converged=np.array([o.converged for o in outs], dtype=bool),
        )


def _exchange_json(
    e: Exchange, arrays: ScenarioArrays, ra: np.ndarray, ri: np.ndarray
) -> dict[str, Any]:
    """One exchange in scenario terms; ``i`` is the one listed first in the scenario."""
    width = arrays.scale_high - arrays.scale_low
    i, j, p, q = int(ra[e.i]), int(ra[e.j]), int(ri[e.p]), int(ri[e.q])
    sides = [(i, p, e.i_move, e.i_gain), (j, q, e.j_move, e.j_gain)]
    (ai, pi, mi, gi), (aj, pj, mj, gj) = sorted(sides)
    return {
        "round": e.round,
        "i": arrays.actor_ids[ai],
        "j": arrays.actor_ids[aj],
        "i_supply": arrays.issue_ids[pi],
        "j_supply": arrays.issue_ids[pj],
        "i_move": float(mi * width[pi]),
        "j_move": float(mj * width[pj]),
        "i_gain": float(gi),
        "j_gain": float(gj),
    }


def _notes(
    run: ExchangeRun, made: list[dict[str, Any]], arrays: ScenarioArrays, params: Any
) -> list[str]:
    traders = int((arrays.weight > 0).any(axis=1).sum())
    if not made:
        return [
            f"exchange: no exchange is possible ({traders} actor(s) at the table); "
            "the forecast is the compromise (weighted mean)"
        ]
    top = max(made, key=lambda e: e["i_gain"] + e["j_gain"])
    notes = [
        f"exchange: {len(made)} exchanges in {params.rounds} rounds; the largest: "
        f"{top['i']} gives ground on {top['i_supply']} ({top['i_move']:+.1f}) and "
        f"{top['j']} on {top['j_supply']} ({top['j_move']:+.1f}) in round {top['round']}"
    ]
    if not run.converged:
        notes.append(
            f"exchange: exchanges were still being made in round {params.rounds}; "
            "positions keep moving (run more --rounds to see where they settle)"
        )
    return notes


__all__ = [
    "GAIN_TOL",
    "Exchange",
    "ExchangeModel",
    "ExchangeParams",
    "ExchangeRun",
    "exchange_process",
    "rex_split",
    "side",
]
